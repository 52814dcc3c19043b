"""The README, checked in a real Home Assistant: its screenshots and its entity tables.

The device pages a user sees after adding a Pro outlet are what the README shows, so
this test takes those screenshots (``docs/images/``). Each outlet enables exactly the
entities the README's tables mark enabled, as many as its prose says.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect
import pytest

from tests.readme_tables import README, names_for

from .common import call_ws, control

if TYPE_CHECKING:
    from ha_stack import Running, SimulatedOutlet, Stack
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

ROOM_CELSIUS = 22.4
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def _pro(running: Running) -> SimulatedOutlet:
    return next(o for o in running.outlets if o.variant == "pro")


def _entities(page: Page, entry_id: str) -> list[dict[str, Any]]:
    """The entry's entities, from Home Assistant's entity registry."""
    entities = call_ws(page, {"type": "config/entity_registry/list"})
    return [e for e in entities if e["config_entry_id"] == entry_id]


def _promised_counts() -> dict[str, tuple[int, int]]:
    """The README's prose: enabled and total entities of a Pro, Aura and bare outlet."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    found = re.search(
        r"A Pro outlet thus starts with (\d+) of its (\d+) entities enabled, an Aura outlet "
        r"with (\d+) of (\d+) and an outlet without faceplate with (\d+) of (\d+)\.",
        text,
    )
    assert found, "the README no longer states the counts"
    n = [int(g) for g in found.groups()]
    return {"pro": (n[0], n[1]), "aura": (n[2], n[3]), "bare": (n[4], n[5])}


@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
def test_each_outlet_enables_exactly_what_the_readme_says(
    stack: tuple[Stack, Running], page: Page, variant: str
) -> None:
    """The enabled entities are the README tables' "yes" rows, and the prose counts agree."""
    _, running = stack
    outlet = next(o for o in running.outlets if o.variant == variant)
    entities = _entities(page, running.entries[outlet.serial]["entry_id"])
    enabled = sorted(e["original_name"] for e in entities if e["disabled_by"] is None)
    assert enabled == names_for(variant, enabled_only=True)
    assert sorted(e["original_name"] for e in entities) == names_for(variant, enabled_only=False)
    assert _promised_counts()[variant] == (len(enabled), len(entities))


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
