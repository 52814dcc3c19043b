"""The action pickers offer only what the actions accept, as Developer tools > Actions shows.

*Set effect* runs on the Aura's colour lights only: its target picker must not offer
the Pro's white nightlight (which exists and is enabled in the stack). The calibrations
need the Pro faceplate's sensors: their device pickers must not offer the Aura
faceplate or any outlet. Each picker is opened in the web UI and the items it lists are
read from the page (its entries' headline and supporting lines), section by section.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect
import pytest

from .common import call_ws, wait_for

if TYPE_CHECKING:
    from ha_stack import Running, SimulatedOutlet, Stack
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.e2e

# The items of an open picker: (section, headline, supporting text) in the order shown.
# A virtualised list places its items by position (aria-posinset), not in DOM order.
OFFERED = """box => {
  const found = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
      const title = el.tagName === 'HA-SECTION-TITLE';
      if (!title && el.tagName !== 'HA-COMBO-BOX-ITEM') continue;
      const lines = el.innerText.split('\\n').map(s => s.trim()).filter(Boolean);
      if (lines.length === 0) continue;  // the sticky header of a scrolled list
      const placed = el.closest('[aria-posinset]');
      const pos = placed ? Number(placed.getAttribute('aria-posinset')) : found.length;
      found.push({title, lines, pos});
    }
  };
  walk(box.shadowRoot || box);
  found.sort((a, b) => a.pos - b.pos);
  let section = '';
  const items = [];
  for (const f of found) {
    if (f.title) section = f.lines[0];
    else items.push([section, f.lines[0], f.lines[1] || '']);
  }
  return items;
}"""


def _device_name(device: dict[str, Any]) -> str:
    return str(device["name_by_user"] or device["name"])


def _faceplate(page: Page, outlet: SimulatedOutlet) -> dict[str, Any]:
    devices = call_ws(page, {"type": "config/device_registry/list"})
    device = next(d for d in devices if ["intecular", outlet.serial] in d["identifiers"])
    return next(d for d in devices if d["via_device_id"] == device["id"])


def _lights(page: Page, running: Running, outlet: SimulatedOutlet) -> list[dict[str, Any]]:
    entry_id = running.entries[outlet.serial]["entry_id"]
    return [
        e
        for e in call_ws(page, {"type": "config/entity_registry/list"})
        if e["config_entry_id"] == entry_id and e["entity_id"].startswith("light.")
    ]


def _has_state(page: Page, entity_id: str) -> bool:
    return bool(
        page.evaluate("id => id in document.querySelector('home-assistant').hass.states", entity_id)
    )


def _choose_action(page: Page, running: Running, action: str) -> None:
    """Developer tools > Actions, the action picked from its picker by typing its ID."""
    page.goto(f"{running.base}/developer-tools/action")
    page.locator("ha-service-picker ha-picker-field").click()
    page.locator("ha-service-picker ha-picker-combo-box input").fill(action)
    page.locator("ha-service-picker ha-combo-box-item", has_text=action).click()
    expect(page.locator("ha-service-picker ha-picker-field")).to_contain_text(action)


def _offered(box: Locator) -> list[tuple[str, str, str]]:
    expect(box.locator("ha-combo-box-item").first).to_be_visible()
    return [tuple(item) for item in box.evaluate(OFFERED)]  # type: ignore[misc]


# The states an entry goes through, as the frontend's subscription reports them.
WATCH_ENTRY = """entryId => {
  window.entryStates = [];
  return document.querySelector('home-assistant').hass.connection.subscribeMessage(
    changes => { for (const c of changes)
      if (c.entry.entry_id === entryId) window.entryStates.push(c.entry.state); },
    {type: 'config_entries/subscribe'}).then(() => undefined);
}"""


def _set_disabled(page: Page, entity_id: str, disabled_by: str | None) -> dict[str, Any]:
    return dict(
        call_ws(
            page,
            {
                "type": "config/entity_registry/update",
                "entity_id": entity_id,
                "disabled_by": disabled_by,
            },
        )
    )


@pytest.fixture
def every_aura_colour_light(stack: tuple[Stack, Running], page: Page) -> Iterator[list[str]]:
    """The Aura's two colour lights, both enabled (the indicator is not by default).

    A disabled entity has no state, so no picker offers it. Enabling it makes Home
    Assistant reload the entry 30 s later: that reload is waited for here, not left to
    happen during another test. Afterwards the light is disabled again, as a user would
    (no reload), so the other tests see the entities the README promises enabled.
    """
    _, running = stack
    aura = next(o for o in running.outlets if o.variant == "aura")
    lights = _lights(page, running, aura)
    assert len(lights) == 2, lights  # the 9-LED nightlight and the 7-LED indicator
    enabling = [e["entity_id"] for e in lights if e["disabled_by"] is not None]
    page.evaluate(WATCH_ENTRY, running.entries[aura.serial]["entry_id"])
    reloads = [_set_disabled(page, entity_id, None).get("reload_delay") for entity_id in enabling]
    try:
        if any(reloads):

            def reloaded() -> bool:
                seen = page.evaluate("window.entryStates")
                return "not_loaded" in seen and seen[-1] == "loaded"

            wait_for(reloaded, timeout=90)
        wait_for(lambda: all(_has_state(page, e["entity_id"]) for e in lights))
        yield [e["entity_id"] for e in lights]
    finally:
        for entity_id in enabling:
            assert "reload_delay" not in _set_disabled(page, entity_id, "user")


def test_set_effect_offers_exactly_the_aura_colour_lights(
    stack: tuple[Stack, Running],
    page: Page,
    screenshot: Callable[[Page, str], Path],
    every_aura_colour_light: list[str],
) -> None:
    _, running = stack
    aura = next(o for o in running.outlets if o.variant == "aura")
    pro = next(o for o in running.outlets if o.variant == "pro")
    aura_faceplate = _device_name(_faceplate(page, aura))
    # The Pro's white nightlight is there, enabled: a picker that ignored the filter
    # would offer it.
    (white,) = _lights(page, running, pro)
    assert _has_state(page, white["entity_id"])

    _choose_action(page, running, "intecular.set_effect")
    page.get_by_role("button", name="Add target").click()
    box = page.locator("ha-target-picker ha-picker-combo-box")
    offered = _offered(box)
    screenshot(page, "picker-set-effect-target")

    names = {e["entity_id"]: e["name"] or e["original_name"] for e in _lights(page, running, aura)}
    assert sorted(item for item in offered if item[0] != "Devices") == sorted(
        ("Entities", names[entity_id], aura_faceplate) for entity_id in every_aura_colour_light
    )
    # Devices: only the one holding them (as a target it stands for its colour lights).
    assert [name for section, name, _ in offered if section == "Devices"] == [aura_faceplate]


@pytest.mark.parametrize(
    "action", ["intecular.calibrate_temperature_humidity", "intecular.calibrate_occupancy"]
)
def test_calibrations_offer_exactly_the_pro_faceplate(
    stack: tuple[Stack, Running],
    page: Page,
    screenshot: Callable[[Page, str], Path],
    action: str,
) -> None:
    _, running = stack
    pro = next(o for o in running.outlets if o.variant == "pro")
    faceplate = _faceplate(page, pro)
    # Five devices of the integration: three outlets, the Pro's and the Aura's faceplates.
    devices = call_ws(page, {"type": "config/device_registry/list"})
    entries = {entry["entry_id"] for entry in running.entries.values()}
    assert sum(1 for d in devices if entries & set(d["config_entries"])) == 5

    _choose_action(page, running, action)
    page.locator("ha-selector-device ha-picker-field").click()
    box = page.locator("ha-selector-device ha-picker-combo-box")
    offered = _offered(box)
    screenshot(page, f"picker-{action.removeprefix('intecular.').replace('_', '-')}-device")

    assert [name for _, name, _ in offered] == [_device_name(faceplate)]
