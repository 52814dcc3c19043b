"""The device pages as a phone and a desktop show them: every entity name whole.

Home Assistant cuts a row's text that does not fit with an ellipsis ("Away simulation
maximum brightnes…"). The check is the browser's own: an element that is set to end
in an ellipsis and whose text is wider than its box.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
import re
from typing import TYPE_CHECKING

from playwright.sync_api import expect
import pytest

from tests.readme_tables import names_for

from .common import call_ws

if TYPE_CHECKING:
    from ha_stack import Running, Stack
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

# Every element, shadow roots included, whose text the browser cuts off right now.
CUT_TEXTS = """() => {
  const cut = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
      const text = (el.innerText || '').trim();
      if (!text || el.clientWidth === 0) continue;
      if (getComputedStyle(el).textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1)
        cut.push(text);
    }
  };
  walk(document);
  return cut;
}"""
WIDTHS = (390, 1280)


def _show_every_entity(page: Page) -> None:
    """Open the lists of disabled entities (one per card that has some)."""
    hidden = page.get_by_role("button", name=re.compile(r"^\+\d+ disabled entit"))
    for _ in range(6):  # the outlet's and faceplate's cards: a few at most
        before = hidden.count()
        if before == 0:
            return
        hidden.first.click()
        expect(hidden).not_to_have_count(before)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_entity_name_is_cut_off(
    stack: tuple[Stack, Running],
    page: Page,
    screenshot: Callable[[Page, str], Path],
    width: int,
) -> None:
    _, running = stack
    devices = call_ws(page, {"type": "config/device_registry/list"})
    page.set_viewport_size({"width": width, "height": 1500})
    try:
        checked = 0
        for outlet in running.outlets:
            names = set(names_for(outlet.variant, enabled_only=False))
            entry_id = running.entries[outlet.serial]["entry_id"]
            for device in (d for d in devices if entry_id in d["config_entries"]):
                page.goto(f"{running.base}/config/devices/device/{device['id']}")
                expect(page.get_by_text("Firmware").first).to_be_visible()
                _show_every_entity(page)
                expect(page.get_by_text("Restart").first).to_be_visible()
                cut = [text for text in page.evaluate(CUT_TEXTS) if text in names]
                slug = device["name"].lower().replace(" ", "-")
                screenshot(page, f"device-page-{width}px-{slug}")
                assert cut == [], (device["name"], width, cut)
                checked += 1
        assert checked == 5  # three outlets, two faceplates
    finally:
        page.set_viewport_size({"width": 1280, "height": 1500})
