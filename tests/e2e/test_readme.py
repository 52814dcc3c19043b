"""The README, checked in a real Home Assistant: its screenshots and its entity tables.

The device pages a user sees after adding a Pro outlet are what the README shows, so
this test takes those screenshots (``docs/images/``). A Pro outlet must not enable more
entities than the README's tables promise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
import re
from typing import TYPE_CHECKING

from playwright.sync_api import expect
import pytest

from tests.readme_tables import names_for

from .common import call_ws, control

if TYPE_CHECKING:
    from ha_stack import Running, SimulatedOutlet, Stack
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

ROOM_CELSIUS = 22.4
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def _pro(running: Running) -> SimulatedOutlet:
    return next(o for o in running.outlets if o.variant == "pro")


def _enabled_entities(page: Page, entry_id: str) -> list[str]:
    """The entry's enabled entities, from Home Assistant's entity registry."""
    entities = call_ws(page, {"type": "config/entity_registry/list"})
    return sorted(
        e["entity_id"]
        for e in entities
        if e["config_entry_id"] == entry_id and e["disabled_by"] is None
    )


def test_a_pro_outlet_enables_no_more_than_the_readme_says(
    stack: tuple[Stack, Running], page: Page
) -> None:
    _, running = stack
    entry_id = running.entries[_pro(running).serial]["entry_id"]
    enabled = _enabled_entities(page, entry_id)
    promised = names_for("pro", enabled_only=True)
    assert enabled, "the Pro outlet registered no entities"
    assert len(enabled) <= len(promised), (enabled, promised)


def _device_page(page: Page, running: Running, device_id: str, name: str) -> None:
    page.goto(f"{running.base}/config/devices/device/{device_id}")
    expect(page.get_by_text(name).first).to_be_visible()
    # The entity cards are filled once the states arrive: wait for the firmware row and
    # for the button that lists the disabled entities (the last card).
    expect(page.get_by_text("Firmware").first).to_be_visible()
    hidden = re.compile(r"\+\d+ (disabled entit|entit(y|ies) not shown)")
    expect(page.get_by_role("button", name=hidden).first).to_be_visible()


def test_readme_screenshots(
    stack: tuple[Stack, Running],
    page: Page,
    screenshot: Callable[[Page, str], Path],
) -> None:
    """The Pro outlet's and its faceplate's device pages, as the README shows them."""
    _, running = stack
    outlet = _pro(running)
    devices = call_ws(page, {"type": "config/device_registry/list"})
    device = next(d for d in devices if ["intecular", outlet.serial] in d["identifiers"])
    faceplate = next(d for d in devices if d["via_device_id"] == device["id"])
    DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
    # A room as the simulator starts it, whatever other tests set before.
    control(outlet, "sensor", {"key": "temp_celsius", "value": ROOM_CELSIUS})
    for name, shown in (("outlet", device), ("faceplate", faceplate)):
        _device_page(page, running, shown["id"], shown["name"])
        if shown is faceplate:
            expect(page.get_by_text(f"{ROOM_CELSIUS} °C").first).to_be_visible()
        taken = screenshot(page, f"readme-{name}-device-page")
        (DOCS_IMAGES / f"{name}-device-page.png").write_bytes(taken.read_bytes())
