"""Buttons: restart the outlet or faceplate; resets only once deliberately enabled."""

from __future__ import annotations

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.intecular.const import DOMAIN
from simulator import SimulatedOutlet

from .common import SERIAL, coordinator_of, find_device, wait_for_state, wait_until

RESTART = "button.invisoutlet_e7c4_restart"
RESTART_FACEPLATE = "button.invisdeco_pro_e7c4_restart"
RESET_FACEPLATE = "button.invisdeco_pro_e7c4_reset_faceplate"
RESET_NETWORK = "button.invisoutlet_e7c4_reset_network_settings"
FACTORY_RESET = "button.invisoutlet_e7c4_factory_reset"
OUTLET_1 = "switch.invisoutlet_e7c4_outlet_1"


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button."""
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
async def test_buttons(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    snapshot: SnapshotAssertion,
) -> None:
    """Restarts for each module; the resets disabled by default, all in Configuration."""
    entity_registry, device_registry = er.async_get(hass), dr.async_get(hass)
    entries = sorted(
        (
            e
            for e in er.async_entries_for_config_entry(entity_registry, init_integration.entry_id)
            if e.domain == Platform.BUTTON
        ),
        key=lambda e: e.entity_id,
    )
    outlet = find_device(device_registry, {(DOMAIN, SERIAL)})
    assert outlet is not None
    for entry in entries:
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        assert hass.states.get(entry.entity_id) == snapshot(name=f"{entry.entity_id}-state")
        on_faceplate = entry.unique_id.endswith("_faceplate")
        assert (entry.device_id != outlet.id) == on_faceplate
    keys = {e.unique_id.removeprefix(f"{SERIAL}_") for e in entries}
    outlet_keys = {"restart", "reset_network", "factory_reset"}
    if simulator.faceplate_serial is None:
        assert keys == outlet_keys
    else:
        assert keys == outlet_keys | {"restart_faceplate", "reset_faceplate"}
    disabled = {e.unique_id.removeprefix(f"{SERIAL}_") for e in entries if e.disabled_by}
    assert disabled == keys - {"restart", "restart_faceplate"}


async def test_restart_outlet(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Restart (5): the outlet reboots and the integration reconnects by itself."""
    await press(hass, RESTART)
    await wait_until(hass, lambda: simulator.state.boot_count == 1)
    assert (5, None) in simulator.requests
    await wait_until(hass, lambda: coordinator_of(init_integration).reconnects == 1)
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: OUTLET_1}, blocking=True)
    assert simulator.state.outlets.outlet_1 is True


async def test_restart_faceplate(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Restart faceplate (24): it leaves and comes back; the outlet stays connected."""
    await press(hass, RESTART_FACEPLATE)
    assert (24, None) in simulator.requests
    assert simulator.state.faceplate.restarting
    await wait_until(hass, lambda: not simulator.state.faceplate.restarting)
    assert coordinator_of(init_integration).reconnects == 0
    assert simulator.state.boot_count == 0


async def test_restart_faceplate_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A faceplate that is not there to restart: the refusal is a translated error."""
    simulator.state.faceplate.online = False  # gone, and the integration not told yet
    with pytest.raises(HomeAssistantError) as err:
        await press(hass, RESTART_FACEPLATE)
    assert err.value.translation_key == "command_refused"


@pytest.mark.usefixtures("enable_all")
async def test_reset_faceplate(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Reset faceplate (25): its calibrations are cleared."""
    simulator.state.sensors.temperature_offset = 1.5
    await press(hass, RESET_FACEPLATE)
    assert (25, None) in simulator.requests
    assert simulator.state.sensors.temperature_offset == 0.0
    assert simulator.state.sensors.accuracy_reset


@pytest.mark.usefixtures("enable_all")
async def test_reset_network(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Reset network settings (6): the outlet restarts (here it finds the network again)."""
    await press(hass, RESET_NETWORK)
    await wait_until(hass, lambda: simulator.state.boot_count == 1)
    assert (6, None) in simulator.requests
    assert (7, None) not in simulator.requests


@pytest.mark.usefixtures("enable_all")
async def test_factory_reset(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Factory reset (7): settings back to factory values, and Home Assistant shows it."""
    await simulator.set_outlet(1, True)
    await simulator.set_names({1: "Kettle"})
    await wait_for_state(hass, OUTLET_1, STATE_ON)
    await press(hass, FACTORY_RESET)
    await wait_until(hass, lambda: simulator.state.boot_count == 1)
    assert (7, None) in simulator.requests
    assert simulator.state.names[1] == "Outlet 1"
    await wait_for_state(hass, OUTLET_1, STATE_OFF)


async def test_buttons_follow_availability(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The faceplate's restart is unavailable while the faceplate is offline."""
    await simulator.set_faceplate_online(False)
    await wait_for_state(hass, RESTART_FACEPLATE, STATE_UNAVAILABLE)
    assert hass.states.get(RESTART).state != STATE_UNAVAILABLE
