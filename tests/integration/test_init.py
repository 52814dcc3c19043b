"""Setting up, keeping up and tearing down the connection to an outlet."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_PORT,
    EVENT_HOMEASSISTANT_STOP,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.intecular.const import CONF_FACEPLATE, DOMAIN
from simulator import SimulatedOutlet

from .common import SERIAL, SLUG, coordinator_of, find_device, free_port, wait_for_state, wait_until
from .conftest import FAST

OUTLET_1 = f"switch.{SLUG}_outlet_1"


async def test_load_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """One socket while loaded, none after unloading."""
    assert init_integration.state is ConfigEntryState.LOADED
    assert simulator.connection_count == 1
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    await wait_until(hass, lambda: simulator.connection_count == 0)


async def test_retries_until_the_outlet_answers(hass: HomeAssistant, fast_reconnect: None) -> None:
    """Unreachable at start: Home Assistant retries by itself until the outlet is up."""
    port = free_port()
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=SERIAL,
        title="InvisOutlet E7C4",
        data={"host": "127.0.0.1", CONF_PORT: port, CONF_FACEPLATE: "pro"},
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY

    async with SimulatedOutlet("pro", serial=SERIAL, port=port, sensor_interval=0) as sim:
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=30))
        await wait_until(hass, lambda: entry.state is ConfigEntryState.LOADED)
        assert sim.connection_count == 1
        assert hass.states.get(OUTLET_1).state == STATE_OFF
        assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize("action", ["switch.turn_on", "intecular.calibrate_occupancy"])
async def test_an_action_waiting_for_the_link_ends_at_once_on_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet, action: str
) -> None:
    """An action waits for a reconnect; the entry is unloaded meanwhile: the action fails
    then, with the translated "not connected" error, not when the grace period ends.

    The grace period is an hour here, so an action that waited it out would hang the test.
    """
    coordinator = coordinator_of(init_integration)
    outlet = find_device(dr.async_get(hass), {(DOMAIN, SERIAL)})
    assert outlet is not None
    domain, service = action.split(".")
    data = {"entity_id": OUTLET_1} if domain == "switch" else {"device_id": outlet.id}
    with patch("custom_components.intecular.link.UNAVAILABLE_GRACE", timedelta(hours=1)):
        await simulator.stop()
        await wait_until(hass, lambda: not coordinator.client.connected)
        waiting = asyncio.create_task(
            hass.services.async_call(domain, service, data, blocking=True)
        )
        for _ in range(10):
            await asyncio.sleep(0.01)
        assert not waiting.done()  # held while the reconnect is under way

        assert await hass.config_entries.async_unload(init_integration.entry_id)
        async with asyncio.timeout(10):  # a hang detector, not a speed limit
            with pytest.raises(HomeAssistantError) as err:
                await waiting
    assert err.value.translation_key == "not_connected"
    assert simulator.total_connections == 1


async def test_reboot_unavailable_after_grace_then_state_reread(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reboot longer than the grace period: unavailable, then back with fresh state."""
    coordinator = coordinator_of(init_integration)
    simulator.timings.reboot_delay = 1.0
    await simulator.reboot()
    await wait_until(hass, lambda: coordinator.disconnected_since is not None)
    assert hass.states.get(OUTLET_1).state == STATE_OFF, "still within the grace period"

    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=6))
    await hass.async_block_till_done()
    assert hass.states.get(OUTLET_1).state == STATE_UNAVAILABLE
    # Changed while the socket was down: no push can tell Home Assistant.
    simulator.state.outlets = replace(simulator.state.outlets, outlet_1=True)

    await wait_for_state(hass, OUTLET_1, STATE_ON)
    assert coordinator.reconnects == 1
    assert coordinator.disconnected_since is None
    assert caplog.text.count("is unavailable") == 1
    assert caplog.text.count("is back online") == 1


async def test_short_drop_never_shows_unavailable(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A socket that drops and comes straight back is invisible to the user."""
    seen: list[str] = []
    hass.bus.async_listen("state_changed", lambda event: seen.append(event.data["new_state"].state))
    await simulator.drop_connections()
    await wait_until(hass, lambda: coordinator_of(init_integration).reconnects == 1)
    assert simulator.connection_count == 1
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
    await hass.async_block_till_done()
    assert STATE_UNAVAILABLE not in seen
    await simulator.press_button(1)
    await wait_for_state(hass, OUTLET_1, STATE_ON)


async def test_home_assistant_stop_closes_the_socket(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Shutting Home Assistant down closes the connection and does not reconnect."""
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    await wait_until(hass, lambda: simulator.connection_count == 0)
    assert simulator.total_connections == 1


async def test_faceplate_swap_moves_the_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A new faceplate of the same kind: same device entry, new serial, no reload."""
    identifiers = {(DOMAIN, f"{SERIAL}_faceplate")}
    device = find_device(device_registry, identifiers)
    assert device is not None
    assert device.serial_number == simulator.faceplate_serial
    await simulator.swap_faceplate("1A2B3C4D5E6")
    coordinator = coordinator_of(init_integration)
    await wait_until(
        hass,
        lambda: (
            coordinator.data.faceplate is not None
            and coordinator.data.faceplate.serial == "1A2B3C4D5E6"
        ),
    )
    moved = device_registry.async_get(device.id)
    assert moved.identifiers == identifiers
    assert moved.serial_number == "1A2B3C4D5E6"
    assert init_integration.state is ConfigEntryState.LOADED
    assert simulator.total_connections == 1, "nothing reconnected or reloaded"


async def test_other_kind_of_faceplate_reloads(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A faceplate of another kind brings other entities: the entry reloads."""
    hass.config_entries.async_update_entry(
        init_integration, data={**init_integration.data, CONF_FACEPLATE: "aura"}
    )
    with patch.object(hass.config_entries, "async_schedule_reload") as reload:
        await simulator.restart_faceplate()
        await wait_until(hass, lambda: reload.called)
    reload.assert_called_once_with(init_integration.entry_id)
    assert init_integration.data[CONF_FACEPLATE] == "pro"


async def test_silent_faceplate_marks_readings_stale(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: SimulatedOutlet,
    fast_reconnect: None,
) -> None:
    """No sensor push for the timeout: readings are stale until the next push."""
    seen: list[bool] = []
    with patch("custom_components.intecular.coordinator.SENSOR_SILENCE_TIMEOUT", 0.05):
        config_entry.add_to_hass(hass)
        await hass.config_entries.async_setup(config_entry.entry_id)
        coordinator = coordinator_of(config_entry)
        coordinator.async_add_listener(lambda: seen.append(coordinator.data.faceplate_available))

        def after(*values: bool) -> bool:
            """Whether ``seen`` went through ``values`` in this order."""
            rest = iter(seen)
            return all(value in rest for value in values)

        await wait_until(hass, lambda: not coordinator.data.faceplate_available)
        seen.clear()
        await simulator.push_sensors()
        # The push revives the readings; more silence makes them stale again.
        await wait_until(hass, lambda: after(True, False))


async def test_another_outlet_at_the_address_is_never_adopted(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    device_registry: dr.DeviceRegistry,
) -> None:
    """After a DHCP reshuffle another outlet answers: retry, never take over its data."""
    async with SimulatedOutlet("aura", serial="0099AABBCC", sensor_interval=0, **FAST) as other:
        await simulator.press_button(1)
        await wait_for_state(hass, OUTLET_1, STATE_ON)
        hass.config_entries.async_update_entry(
            init_integration, data={**init_integration.data, CONF_PORT: other.port}
        )
        coordinator = coordinator_of(init_integration)
        # The live connection tries the new address, finds the wrong serial, keeps trying.
        await wait_until(
            hass,
            lambda: coordinator.last_error is not None and "0099AABBCC" in coordinator.last_error,
        )
        assert coordinator.data.info.outlet.serial == SERIAL
        assert coordinator.data.outlets.outlet_1 is True

        # Set up from scratch against it: the entry waits for its own outlet.
        await hass.config_entries.async_reload(init_integration.entry_id)
        await hass.async_block_till_done()
        assert init_integration.state is ConfigEntryState.SETUP_RETRY
        assert "is outlet 0099AABBCC, not outlet 0019B2E7C4" in str(init_integration.reason)
        assert not find_device(device_registry, {(DOMAIN, "0099AABBCC")})
        await hass.config_entries.async_unload(init_integration.entry_id)
