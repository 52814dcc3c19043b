"""Accessory names given in the vendor app (callback 3) name the entities."""

from __future__ import annotations

import logging

from homeassistant.const import ATTR_FRIENDLY_NAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.intecular.const import NAMES_REFRESH_INTERVAL
from simulator import SimulatedOutlet

from .common import SLUG, coordinator_of, wait_until

OUTLET_1 = f"switch.{SLUG}_outlet_1"
OUTLET_2 = f"switch.{SLUG}_outlet_2"


def _friendly(hass: HomeAssistant, entity_id: str) -> str | None:
    state = hass.states.get(entity_id)
    return None if state is None else state.attributes.get(ATTR_FRIENDLY_NAME)


@pytest.mark.usefixtures("enable_all")
async def test_app_rename_reaches_home_assistant(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Names are never pushed: they are read again every few minutes, no restart needed."""
    await simulator.set_names({1: "Kettle", 3: "Hall glow"})
    async_fire_time_changed(hass, dt_util.utcnow() + NAMES_REFRESH_INTERVAL)
    await wait_until(hass, lambda: _friendly(hass, OUTLET_1) == "InvisOutlet E7C4 Kettle")
    assert _friendly(hass, OUTLET_2) == "InvisOutlet E7C4 Outlet 2"
    assert _friendly(hass, "light.invisdeco_pro_e7c4_nightlight") == "InvisDeco Pro E7C4 Hall glow"
    assert hass.states.get(f"text.{SLUG}_outlet_1_name").state == "Kettle"


async def test_names_read_again_after_a_reconnect(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A rename made while the connection was down shows once it is back."""
    await simulator.drop_connections()
    await simulator.set_names({2: "Radio"})
    await wait_until(hass, lambda: _friendly(hass, OUTLET_2) == "InvisOutlet E7C4 Radio")


async def test_names_at_setup(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: SimulatedOutlet,
    entity_registry: er.EntityRegistry,
    fast_reconnect: None,
) -> None:
    """An outlet already named in the app: the entities carry its names from the start."""
    await simulator.set_names({1: "Kettle"})
    simulator.quirks.names_shape = "wrapped"  # the vendor's documented reply shape
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    entity_id = entity_registry.async_get_entity_id("switch", "intecular", "0019B2E7C4_outlet_1")
    assert entity_id == f"switch.{SLUG}_kettle"
    assert _friendly(hass, entity_id) == "InvisOutlet E7C4 Kettle"
    assert _friendly(hass, OUTLET_2) == "InvisOutlet E7C4 Outlet 2"


@pytest.mark.parametrize("variant", ["aura"])
async def test_aura_nightlight_name(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """On an Aura the nightlight's name names the colour array (not the indicator)."""
    await simulator.set_names({3: "Glow"})
    async_fire_time_changed(hass, dt_util.utcnow() + NAMES_REFRESH_INTERVAL)
    await wait_until(
        hass,
        lambda: (
            _friendly(hass, "light.invisdeco_aura_e7c4_nightlight") == "InvisDeco Aura E7C4 Glow"
        ),
    )


async def test_failing_periodic_read_changes_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An outlet that does not answer the periodic read keeps the names it had."""
    caplog.set_level(logging.DEBUG, logger="custom_components.intecular")
    coordinator_of(init_integration).client.request_timeout = 0.05
    simulator.faults.drop_replies = True
    await simulator.set_names({1: "Kettle"})
    async_fire_time_changed(hass, dt_util.utcnow() + NAMES_REFRESH_INTERVAL)
    await wait_until(hass, lambda: "Reading the names of" in caplog.text)
    simulator.faults.drop_replies = False
    assert _friendly(hass, OUTLET_1) == "InvisOutlet E7C4 Outlet 1"


# Entities renamed to fit the device page, with the entity ids their old names gave.
RENAMED = {
    ("number", "away_max_brightness"): (
        f"number.{SLUG}_away_simulation_maximum_brightness",
        f"number.{SLUG}_away_maximum_brightness",
        "Away maximum brightness",
    ),
    ("sensor", "temperature_humidity_accuracy"): (
        "sensor.invisdeco_pro_e7c4_temperature_and_humidity_accuracy",
        "sensor.invisdeco_pro_e7c4_climate_sensor_accuracy",
        "Climate sensor accuracy",
    ),
}


@pytest.mark.usefixtures("enable_all")
async def test_renamed_entities_keep_their_ids(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: SimulatedOutlet,
    entity_registry: er.EntityRegistry,
) -> None:
    """An installation from before the shorter names keeps its entity ids (automations
    keep working) and shows the new name."""
    config_entry.add_to_hass(hass)
    for (domain, key), (old_id, _, _) in RENAMED.items():
        entity_registry.async_get_or_create(
            domain,
            "intecular",
            f"{simulator.serial}_{key}",
            suggested_object_id=old_id.split(".", 1)[1],
            config_entry=config_entry,
        )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    for (domain, key), (old_id, new_id, name) in RENAMED.items():
        entry = entity_registry.async_get(old_id)
        assert entry is not None
        assert entry.unique_id == f"{simulator.serial}_{key}"
        assert entry.original_name == name
        assert entity_registry.async_get(new_id) is None
        assert hass.states.get(old_id) is not None, old_id
        assert entry.domain == domain


@pytest.mark.usefixtures("enable_all")
async def test_new_installations_take_ids_from_the_new_names(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    for (_, key), (old_id, new_id, _) in RENAMED.items():
        entry = entity_registry.async_get(new_id)
        assert entry is not None
        assert entry.unique_id.endswith(f"_{key}")
        assert entity_registry.async_get(old_id) is None
