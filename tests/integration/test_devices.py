"""The outlet and its faceplate as devices in the registry."""

from __future__ import annotations

from dataclasses import replace

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.intecular.const import CONF_FACEPLATE, DOMAIN
from simulator import SimulatedOutlet

from .common import SERIAL, SLUG, find_device, remove_device, wait_for_state, wait_until

OUTLET_1 = f"switch.{SLUG}_outlet_1"
TEMPERATURE = "sensor.invisdeco_pro_e7c4_temperature"
TOUCH_CONTROL = "switch.invisdeco_pro_e7c4_touch_control"


@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
async def test_devices(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The outlet is a device; a faceplate is a second one, attached to it."""
    devices = dr.async_entries_for_config_entry(device_registry, init_integration.entry_id)
    outlet = find_device(device_registry, {(DOMAIN, SERIAL)})
    assert outlet is not None
    assert outlet == snapshot(name="outlet", exclude=props("configuration_url"))
    assert outlet.configuration_url == f"http://127.0.0.1:{simulator.port}"
    if simulator.faceplate_serial is None:
        assert devices == [outlet]
        return
    faceplate = find_device(device_registry, {(DOMAIN, f"{simulator.serial}_faceplate")})
    assert faceplate is not None
    assert faceplate.via_device_id == outlet.id
    assert faceplate == snapshot(name="faceplate")
    assert {d.id for d in devices} == {outlet.id, faceplate.id}


async def _remove(
    hass: HomeAssistant, ws: WebSocketGenerator, entry_id: str, device_id: str
) -> bool:
    """Delete a device from its page (the device registry's websocket command)."""
    assert await async_setup_component(hass, "config", {})
    client = await ws(hass)
    response = await remove_device(client, device_id, entry_id)
    return bool(response["success"])


async def test_a_faceplate_taken_off_can_be_deleted_and_comes_back_when_fitted(  # noqa: PLR0917
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The user deletes the device of a faceplate taken off; fitting one brings it back."""
    faceplate_id = {(DOMAIN, f"{SERIAL}_faceplate")}
    faceplate = find_device(device_registry, faceplate_id)
    assert faceplate is not None
    outlet = find_device(device_registry, {(DOMAIN, SERIAL)})
    assert outlet is not None
    # fitted and online: the faceplate cannot be deleted; the outlet never can (only its entry)
    assert not await _remove(hass, hass_ws_client, init_integration.entry_id, faceplate.id)
    assert not await _remove(hass, hass_ws_client, init_integration.entry_id, outlet.id)

    # taken off: the outlet reports no faceplate any more
    simulator.quirks = replace(simulator.quirks, pm_absent=True)
    await simulator.set_faceplate_online(False)
    await wait_for_state(hass, TEMPERATURE, STATE_UNAVAILABLE)
    assert await _remove(hass, hass_ws_client, init_integration.entry_id, faceplate.id)
    await hass.async_block_till_done()
    assert find_device(device_registry, faceplate_id) is None
    assert er.async_entries_for_device(entity_registry, faceplate.id) == []
    assert hass.states.get(TEMPERATURE) is None
    assert hass.states.get(TOUCH_CONTROL) is None
    assert CONF_FACEPLATE not in init_integration.data
    # nothing brings it back while no faceplate is there: not a reload, not the outlet
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert find_device(device_registry, faceplate_id) is None
    assert hass.states.get(TEMPERATURE) is None
    assert hass.states.get(TOUCH_CONTROL) is None
    await hass.services.async_call("switch", "turn_on", {"entity_id": OUTLET_1}, blocking=True)
    assert simulator.state.outlets.outlet_1 is True

    # a faceplate fitted again: its device and entities are back
    simulator.quirks = replace(simulator.quirks, pm_absent=False)
    await simulator.set_faceplate_online(True)
    await wait_until(hass, lambda: find_device(device_registry, faceplate_id) is not None)
    await wait_until(
        hass,
        lambda: (
            (state := hass.states.get(TEMPERATURE)) is not None
            and state.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
        ),
    )
    assert init_integration.data[CONF_FACEPLATE] == "pro"
    assert hass.states.get(TOUCH_CONTROL) is not None
