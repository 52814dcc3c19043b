"""The outlet switches: commands reach the outlet, pushes reach Home Assistant."""

from __future__ import annotations

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from simulator import SimulatedOutlet

from .common import coordinator_of, wait_for_state

OUTLET_1 = "switch.invisoutlet_e7c4_outlet_1"
OUTLET_2 = "switch.invisoutlet_e7c4_outlet_2"


@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
async def test_outlet_switches(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every variant has the two outlet switches, on the outlet's device."""
    entries = er.async_entries_for_config_entry(entity_registry, init_integration.entry_id)
    switches = sorted(
        (e for e in entries if e.domain == Platform.SWITCH and e.translation_key == "outlet"),
        key=lambda e: e.entity_id,
    )
    assert [e.entity_id for e in switches] == [OUTLET_1, OUTLET_2]
    for entry in switches:
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        assert hass.states.get(entry.entity_id) == snapshot(name=f"{entry.entity_id}-state")


async def test_turn_on_and_off(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A service call switches the real outlet and the state follows at once."""
    assert hass.states.get(OUTLET_1).state == STATE_OFF
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: OUTLET_1}, blocking=True
    )
    assert simulator.state.outlets.outlet_1 is True
    assert hass.states.get(OUTLET_1).state == STATE_ON
    assert hass.states.get(OUTLET_2).state == STATE_OFF

    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: OUTLET_1}, blocking=True
    )
    assert simulator.state.outlets.outlet_1 is False
    assert hass.states.get(OUTLET_1).state == STATE_OFF


async def test_physical_button_reaches_home_assistant(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The outlet's button (or the vendor app) pushes 9; the switch follows."""
    await simulator.press_button(2)
    await wait_for_state(hass, OUTLET_2, STATE_ON)
    await simulator.set_outlet(2, False)
    await wait_for_state(hass, OUTLET_2, STATE_OFF)


async def test_unanswered_command_raises_and_keeps_the_device_state(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A command the outlet never confirms is an error; the state is not guessed."""
    coordinator_of(init_integration).client.request_timeout = 0.05
    simulator.faults.stall = True
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: OUTLET_1}, blocking=True
        )
    assert err.value.translation_key == "command_timeout"
    assert hass.states.get(OUTLET_1).state == STATE_OFF
    simulator.faults.stall = False
