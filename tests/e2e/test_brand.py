"""Our brand images in the web UI: the integration's card and its update entity show our
icon (custom_components/intecular/brand/), not Home Assistant's placeholder.

Home Assistant serves a custom integration's brand folder itself (2026.3 and later); the
placeholder would come from the public brands server, which this test's browser cannot
reach, so a missing brand folder shows as a broken image and fails here too.
"""

from __future__ import annotations

from collections.abc import Callable
import hashlib
from pathlib import Path
import re
from typing import TYPE_CHECKING

from playwright.sync_api import expect
import pytest

from .common import call_ws

if TYPE_CHECKING:
    from ha_stack import Running, Stack
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

BRAND = Path(__file__).resolve().parents[2] / "custom_components" / "intecular" / "brand"
OURS = {hashlib.sha256(p.read_bytes()).hexdigest(): p.name for p in BRAND.glob("*.png")}

FETCH_SHA256 = """async url => {
  const hass = document.querySelector('home-assistant').hass;
  const auth = {Authorization: `Bearer ${hass.auth.data.access_token}`};
  const reply = await fetch(url, {headers: auth});
  if (!reply.ok) return `HTTP ${reply.status}`;
  const digest = await crypto.subtle.digest('SHA-256', await reply.arrayBuffer());
  return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
}"""


def _served(page: Page, url: str) -> str:
    """Which of our brand files Home Assistant serves at ``url`` (or what it served)."""
    digest = str(page.evaluate(FETCH_SHA256, url))
    return OURS.get(digest, f"not ours: {digest}")


def test_integration_card_and_update_entity_show_our_icon(
    stack: tuple[Stack, Running], page: Page, screenshot: Callable[[Page, str], Path]
) -> None:
    _, running = stack
    assert OURS, f"no brand images in {BRAND}: run scripts/make-brand.py"

    # Settings > Devices & services: the integration's card and its icon.
    page.goto(f"{running.base}/config/integrations/dashboard")
    icon = page.locator("img[src*='/brands/integration/intecular/']").first
    expect(icon).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=icon.element_handle())
    src = str(icon.get_attribute("src"))
    assert re.search(r"/(dark_)?icon(@2x)?\.png", src), src
    assert _served(page, src).endswith(".png")
    page.wait_for_load_state("networkidle")  # the rest of the page, for the screenshot
    screenshot(page, "integrations-page")

    # The update entity's picture: Home Assistant's own brands address, our icon.
    states = call_ws(page, {"type": "get_states"})
    pictures = {
        s["entity_id"]: s["attributes"].get("entity_picture")
        for s in states
        if s["entity_id"].startswith("update.") and s["entity_id"].endswith("_firmware")
    }
    assert pictures
    for entity_id, picture in pictures.items():
        assert picture == "/api/brands/integration/intecular/icon.png", entity_id
        assert _served(page, f"{running.base}{picture}") == "icon.png", entity_id
