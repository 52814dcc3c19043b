"""The accessory names as text entities: renaming from Home Assistant."""

from __future__ import annotations

from homeassistant.components.text import DOMAIN as TEXT_DOMAIN, SERVICE_SET_VALUE
from homeassistant.const import ATTR_ENTITY_ID, ATTR_FRIENDLY_NAME, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.intecular.api import Callback
from simulator import SimulatedOutlet

from .common import SLUG, coordinator_of
from .entities import snapshot_entities

OUTLET_1_NAME = f"text.{SLUG}_outlet_1_name"
OUTLET_2_NAME = f"text.{SLUG}_outlet_2_name"
OUTLET_1 = f"switch.{SLUG}_outlet_1"
PRO_NIGHTLIGHT_NAME = "text.invisdeco_pro_e7c4_nightlight_name"
PRO_NIGHTLIGHT = "light.invisdeco_pro_e7c4_nightlight"


async def _rename(hass: HomeAssistant, entity_id: str, value: str) -> None:
    await hass.services.async_call(
        TEXT_DOMAIN, SERVICE_SET_VALUE, {ATTR_ENTITY_ID: entity_id, "value": value}, blocking=True
    )


def _friendly(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.attributes[ATTR_FRIENDLY_NAME]


@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
async def test_name_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    variant: str,
) -> None:
    """Both outlets have a name; so has the nightlight, when there is a faceplate."""
    ids = snapshot_entities(
        hass,
        entity_registry,
        snapshot,
        entry=init_integration,
        domain=Platform.TEXT,
        keys={"outlet_1_name", "outlet_2_name", "nightlight_name"},
    )
    nightlight = {
        "pro": [PRO_NIGHTLIGHT_NAME],
        "aura": ["text.invisdeco_aura_e7c4_nightlight_name"],
    }
    assert ids == [*nightlight.get(variant, []), OUTLET_1_NAME, OUTLET_2_NAME]


@pytest.mark.usefixtures("enable_all")
async def test_rename_from_home_assistant(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    entity_registry: er.EntityRegistry,
) -> None:
    """The full list goes to the outlet, is read back, and the switch takes the name."""
    assert _friendly(hass, OUTLET_1) == "InvisOutlet E7C4 Outlet 1"
    await _rename(hass, OUTLET_1_NAME, "Kettle")
    assert simulator.state.names == {1: "Kettle", 2: "Outlet 2", 3: "Nightlight"}
    sent = [(c, args) for c, args in simulator.requests if c == Callback.SET_ACCESSORY_NAMES]
    assert sent == [
        (
            Callback.SET_ACCESSORY_NAMES,
            [
                {"accessory": 1, "name": "Kettle"},
                {"accessory": 2, "name": "Outlet 2"},
                {"accessory": 3, "name": "Nightlight"},
            ],
        )
    ]
    assert simulator.requests[-1][0] == Callback.GET_ACCESSORY_NAMES, "read back"
    assert hass.states.get(OUTLET_1_NAME).state == "Kettle"
    assert _friendly(hass, OUTLET_1) == "InvisOutlet E7C4 Kettle"
    assert entity_registry.async_get(OUTLET_1).original_name == "Kettle"

    await _rename(hass, PRO_NIGHTLIGHT_NAME, "Hall glow")
    assert simulator.state.names[3] == "Hall glow"
    assert _friendly(hass, PRO_NIGHTLIGHT) == "InvisDeco Pro E7C4 Hall glow"

    await _rename(hass, OUTLET_1_NAME, "Outlet 1")
    assert _friendly(hass, OUTLET_1) == "InvisOutlet E7C4 Outlet 1"
    assert entity_registry.async_get(OUTLET_1).original_name == "Outlet 1"
    assert entity_registry.async_get(OUTLET_1).entity_id == OUTLET_1, "ids never change"


@pytest.mark.usefixtures("enable_all")
async def test_too_long_a_name_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Over 32 characters: refused before anything is sent."""
    with pytest.raises((ValueError, ServiceValidationError)):
        await _rename(hass, OUTLET_2_NAME, "x" * 33)
    assert not [c for c, _ in simulator.requests if c == Callback.SET_ACCESSORY_NAMES]
    assert simulator.state.names[2] == "Outlet 2"


@pytest.mark.usefixtures("enable_all")
async def test_refused_rename_changes_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """An outlet that does not confirm: a translated error, the old name stays."""
    coordinator_of(init_integration).client.request_timeout = 0.05
    simulator.faults.drop_replies = True
    with pytest.raises(HomeAssistantError) as err:
        await _rename(hass, OUTLET_2_NAME, "Radio")
    simulator.faults.drop_replies = False
    assert err.value.translation_key == "command_timeout"
    assert hass.states.get(OUTLET_2_NAME).state == "Outlet 2"
    assert _friendly(hass, f"switch.{SLUG}_outlet_2") == "InvisOutlet E7C4 Outlet 2"
