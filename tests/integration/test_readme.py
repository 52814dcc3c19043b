"""The README's promises: its entity tables and its automation examples, checked.

The tables must list exactly the entities an outlet gets and which of them start
enabled; the examples must be automations that work with this integration's entity
ids and actions.
"""

from __future__ import annotations

import re
from typing import Any

from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import yaml

from custom_components.intecular.api import ColorMode
from simulator import SimulatedOutlet
from tests.readme_tables import README, listed_entities, names_for

from .common import wait_for_state, wait_until
from .lighting import array


def _registered(
    entity_registry: er.EntityRegistry, entry: MockConfigEntry, *, enabled_only: bool
) -> list[str]:
    return sorted(
        str(e.original_name)
        for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if not (enabled_only and e.disabled_by)
    )


@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
async def test_entity_tables_are_what_an_outlet_gets(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    variant: str,
) -> None:
    """Every entity the README lists, no other, and the same ones enabled by default."""
    assert _registered(entity_registry, init_integration, enabled_only=False) == names_for(
        variant, enabled_only=False
    )
    assert _registered(entity_registry, init_integration, enabled_only=True) == names_for(
        variant, enabled_only=True
    )


def test_tables_are_read_whole() -> None:
    """The parser sees both tables, and a row it cannot read fails rather than vanishes."""
    names = {entity.name for entity in listed_entities()}
    assert {"Outlet 1", "MQTT broker", "Nightlight", "Firmware update method"} <= names
    broken = "| Entity | Faceplate | Enabled by default |\n| --- | --- | --- |\n| X | — | maybe |"
    with pytest.raises(KeyError):
        listed_entities(broken)


def _examples() -> dict[str, dict[str, Any]]:
    """The README's example automations, by alias."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Automation examples", 1)[1].split("\n## ", 1)[0]
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", section, re.S)]
    return {block["alias"]: block for block in blocks}


async def _load(hass: HomeAssistant, *aliases: str) -> None:
    examples = _examples()
    config = [{**examples[alias], "id": str(n)} for n, alias in enumerate(aliases)]
    assert await async_setup_component(hass, "automation", {"automation": config})
    await hass.async_block_till_done()
    for n in range(len(aliases)):
        automation = next(
            s for s in hass.states.async_all("automation") if s.attributes.get("id") == str(n)
        )
        assert automation.state == STATE_ON, aliases[n]  # a valid configuration


async def _unload(hass: HomeAssistant) -> None:
    """Detach the examples' triggers (a time trigger would outlive the test)."""
    await hass.services.async_call("automation", "turn_off", {"entity_id": "all"}, blocking=True)


def test_four_examples() -> None:
    assert set(_examples()) == {
        "Hall lamp follows presence when dark",
        "CO2 warning",
        "Heater off when warm",
        "Starry nightlight at bedtime",
    }


async def test_pro_examples_work(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The lamp follows presence when dark, the heater goes off when the room is warm."""
    await _load(hass, "Hall lamp follows presence when dark", "CO2 warning", "Heater off when warm")

    await simulator.set_sensor("occupancy_state", 0)
    await wait_for_state(hass, "binary_sensor.invisdeco_pro_e7c4_occupancy", "off")
    await simulator.set_sensor("lux", 5)
    await wait_for_state(hass, "sensor.invisdeco_pro_e7c4_illuminance", "5")
    assert simulator.state.outlets.outlet_1 is False
    await simulator.set_sensor("occupancy_state", 2)
    await wait_until(hass, lambda: simulator.state.outlets.outlet_1 is True)

    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.invisoutlet_e7c4_outlet_2"}, blocking=True
    )
    await simulator.set_sensor("temp_celsius", 19.5)  # it triggers on crossing 22 °C
    await wait_for_state(hass, "sensor.invisdeco_pro_e7c4_temperature", "19.5")
    await simulator.set_sensor("temp_celsius", 24.5)
    await wait_until(hass, lambda: simulator.state.outlets.outlet_2 is False)
    await _unload(hass)


@pytest.mark.parametrize("variant", ["aura"])
async def test_aura_example_works(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """At bedtime the Aura's nightlight runs a starry night."""
    await _load(hass, "Starry nightlight at bedtime")
    await hass.services.async_call(
        "automation",
        "trigger",
        {"entity_id": "automation.starry_nightlight_at_bedtime"},
        blocking=True,
    )
    await wait_until(hass, lambda: array(simulator).mode == ColorMode.STARRY_NIGHT)
    await _unload(hass)
