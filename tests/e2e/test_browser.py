"""The integration in a real Home Assistant, used through its web UI in Chromium.

Both simulated outlets are checked: their device page switches the real (simulated)
outlet, a press of the outlet's own button shows on the page, and a sensor reading the
faceplate pushes appears on the faceplate's device page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect
import pytest

from .common import call_ws, control, wait_for

if TYPE_CHECKING:
    from ha_stack import Running, SimulatedOutlet, Stack
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.e2e

# variant -> (sensor key of the integration, simulator wire key, value set, page text)
SENSOR = {
    "pro": ("temperature", "temp_celsius", 31.7, "31.7 °C"),
    "aura": ("illuminance", "lux", 432, "432 lx"),
}


def _registry(page: Page, outlet: SimulatedOutlet) -> tuple[dict[str, Any], dict[str, Any]]:
    """The outlet's device, its faceplate's device, from the frontend's registries."""
    devices = call_ws(page, {"type": "config/device_registry/list"})
    device = next(d for d in devices if ["intecular", outlet.serial] in d["identifiers"])
    faceplate = next(d for d in devices if d["via_device_id"] == device["id"])
    return device, faceplate


def _entity_id(page: Page, unique_id: str) -> str:
    entities = call_ws(page, {"type": "config/entity_registry/list"})
    return next(e["entity_id"] for e in entities if e["unique_id"] == unique_id)


def _friendly_name(page: Page, entity_id: str) -> str:
    return str(
        page.evaluate(
            "id => document.querySelector('home-assistant').hass.states[id]"
            ".attributes.friendly_name",
            entity_id,
        )
    )


def _outlet_switch(page: Page, name: str) -> Locator:
    """The toggle of an entity row: "Toggle X" (2026), "Toggle X on"/"off" (2025)."""
    return page.get_by_role("switch", name=re.compile(rf"^Toggle {re.escape(name)}( on| off)?$"))


@pytest.mark.parametrize("variant", ["pro", "aura"])
def test_device_page_switches_the_outlet_and_shows_pushed_sensors(
    stack: tuple[Stack, Running],
    page: Page,
    screenshot: Callable[[Page, str], Path],
    variant: str,
) -> None:
    _, running = stack
    outlet = next(o for o in running.outlets if o.variant == variant)
    device, faceplate = _registry(page, outlet)
    switch_id = _entity_id(page, f"{outlet.serial}_outlet_1")

    # The outlet's device page, as a user reaches it from Settings > Devices.
    page.goto(f"{running.base}/config/devices/device/{device['id']}")
    expect(page.get_by_text(device["name"]).first).to_be_visible()
    switch = _outlet_switch(page, _friendly_name(page, switch_id))
    expect(switch).not_to_be_checked()
    assert control(outlet, "state")["outlets"][0] == 0
    screenshot(page, f"{variant}-1-outlet-device-page")

    # Clicking Outlet 1 switches the simulated outlet.
    switch.click(force=True)  # 2026's switch draws its thumb over the input
    wait_for(lambda: control(outlet, "state")["outlets"][0] == 1)
    expect(switch).to_be_checked()
    screenshot(page, f"{variant}-2-outlet-1-switched-on")

    # The outlet's own button: the page follows the push.
    control(outlet, "button", {"outlet": 1})
    expect(switch).not_to_be_checked()
    assert control(outlet, "state")["outlets"][0] == 0

    # A reading the faceplate pushes shows on the faceplate's device page.
    key, wire_key, value, shown = SENSOR[variant]
    sensor_name = _friendly_name(page, _entity_id(page, f"{outlet.serial}_{key}"))
    page.goto(f"{running.base}/config/devices/device/{faceplate['id']}")
    expect(
        page.get_by_text(sensor_name.removeprefix(faceplate["name"]).strip()).first
    ).to_be_visible()
    # The row's text also holds the name (in its shadow DOM): match the value alone.
    # (2026 puts a no-break space between value and unit.)
    value_text, unit = shown.split(" ")
    reading = page.get_by_text(
        re.compile(rf"(^|[^\d.,]){re.escape(value_text)}\s*{re.escape(unit)}")
    )
    expect(reading).to_have_count(0)
    control(outlet, "sensor", {"key": wire_key, "value": value})
    expect(reading).to_be_visible()
    screenshot(page, f"{variant}-3-faceplate-sensor-pushed")
