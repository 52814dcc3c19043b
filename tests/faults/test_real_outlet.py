"""Loading and reconnecting against an outlet that leaves some requests unanswered.

The realistic simulator profile; the request timeout is made small so an unanswered
request costs little time. These tests assert that the outlet loads and works, never
how fast.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from functools import partial
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import Callback, IntecularClient
from custom_components.intecular.const import DOMAIN
from simulator import SimulatedOutlet
from tests.integration.common import SERIAL, find_device
from tests.integration.lighting import AURA_LIGHT, INDICATOR, PRO_LIGHT, turn_off, turn_on

from .common import INDICATOR_BRIGHTNESS, OUTLET_1, coordinator_of, poll, settle

LOAD_BOUND = 10.0  # the bound for loading; a sanity limit here, not a measurement
TOUCH_CONTROL = "switch.invisdeco_pro_e7c4_touch_control"
TEMPERATURE = "sensor.invisdeco_pro_e7c4_temperature"
HUMIDITY = "sensor.invisdeco_pro_e7c4_humidity"
DECO_LIGHT = "light.invisdeco_e7c4_nightlight"
DECO_LUX = "sensor.invisdeco_e7c4_illuminance"
MQTT_ON = {"mqtt": {"enabled": 1, "mqtt_broker_url": "mqtt://broker", "qos": 1}}


@pytest.fixture
def profile() -> str:
    """The outlet behaves as the evidence says real ones do."""
    return "real"


@pytest.fixture(autouse=True)
def short_request_timeout() -> Iterator[None]:
    """An unanswered request costs a fifth of a second instead of five."""
    client = partial(IntecularClient, request_timeout=0.2)
    with patch("custom_components.intecular.IntecularClient", client):
        yield


async def _load(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    async with asyncio.timeout(LOAD_BOUND):
        assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED
    await hass.async_block_till_done()


async def _switch_works(hass: HomeAssistant, sim: SimulatedOutlet, *, on: bool) -> None:
    await hass.services.async_call(
        "switch", "turn_on" if on else "turn_off", {ATTR_ENTITY_ID: OUTLET_1}, blocking=True
    )
    assert sim.state.outlets.outlet_1 is on
    assert hass.states.get(OUTLET_1).state == ("on" if on else "off")


def _reading(hass: HomeAssistant, entity_id: str) -> float | None:
    state = hass.states.get(entity_id)
    try:
        return float(state.state) if state is not None else None
    except ValueError:
        return None


async def _reconnect(hass: HomeAssistant, entry: MockConfigEntry, sim: SimulatedOutlet) -> None:
    coordinator = coordinator_of(entry)
    reconnects = coordinator.reconnects
    await sim.drop_connections()
    await poll(lambda: coordinator.reconnects > reconnects, "the reconnect")
    await settle(hass, entry)


@pytest.mark.usefixtures("fast_reconnect")
async def test_loads_and_reconnects_with_the_update_check_unanswered(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """20 never answered: loading and every reconnect go on without it."""
    simulator.faults.unanswered = frozenset({"20"})
    await _load(hass, config_entry)
    assert any(callback == Callback.AVAILABLE_UPDATES for callback, _ in simulator.requests)
    await _switch_works(hass, simulator, on=True)
    await _reconnect(hass, config_entry, simulator)
    await _switch_works(hass, simulator, on=False)
    assert coordinator_of(config_entry).data.updates is None


@pytest.mark.parametrize("variant", ["aura"])
@pytest.mark.usefixtures("fast_reconnect")
async def test_aura_loads_with_the_indicator_mqtt_and_names_unanswered(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """18 [7], 27 and 3 never answered: switches and the colour light work; names fall back."""
    await simulator.set_config(sys_prefs=MQTT_ON)  # so that 27 is asked
    simulator.faults.unanswered = frozenset({"18/7", "27", "3"})
    await _load(hass, config_entry)
    asked = {callback for callback, _ in simulator.requests}
    assert {Callback.MQTT, Callback.GET_ACCESSORY_NAMES} <= asked
    coordinator = coordinator_of(config_entry)
    assert coordinator.data.names is None
    assert coordinator.data.indicator_light is None
    assert coordinator.data.mqtt_connected is None
    # the names are unknown: the switch keeps its translated name
    assert hass.states.get(OUTLET_1).attributes["friendly_name"] == "InvisOutlet E7C4 Outlet 1"
    indicator = hass.states.get(INDICATOR)
    assert indicator is None or indicator.state == STATE_UNAVAILABLE
    await _switch_works(hass, simulator, on=True)
    await turn_on(hass, AURA_LIGHT)
    assert hass.states.get(AURA_LIGHT).state == STATE_ON
    await _reconnect(hass, config_entry, simulator)
    await _switch_works(hass, simulator, on=False)
    await turn_on(hass, AURA_LIGHT, brightness=30)
    assert hass.states.get(AURA_LIGHT).state == STATE_ON


@pytest.mark.usefixtures("fast_reconnect", "enable_all")
async def test_settings_that_answer_late_appear_once_they_answer(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """1 unanswered at load: the outlet loads without its settings; they follow."""
    simulator.faults.unanswered = frozenset({"1"})
    with patch("custom_components.intecular.reading.PART_RETRY_FIRST", 0.05):
        await _load(hass, config_entry)
        assert coordinator_of(config_entry).data.config is None
        assert hass.states.get(TOUCH_CONTROL) is None
        await _switch_works(hass, simulator, on=True)
        simulator.faults.unanswered = frozenset()
        await poll(lambda: hass.states.get(TOUCH_CONTROL) is not None, "the settings")
    assert hass.states.get(TOUCH_CONTROL).state == STATE_ON
    assert hass.states.get(INDICATOR_BRIGHTNESS).state == "65"


async def test_names_that_answer_late_appear_once_they_answer(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """3 unanswered at load: the accessories' name entities come once the names answer."""
    registry = er.async_get(hass)
    name_entity = partial(registry.async_get_entity_id, "text", DOMAIN, f"{SERIAL}_outlet_1_name")
    simulator.faults.unanswered = frozenset({"3"})
    with patch("custom_components.intecular.reading.PART_RETRY_FIRST", 0.05):
        await _load(hass, config_entry)
        assert coordinator_of(config_entry).data.names is None
        assert name_entity() is None
        await _switch_works(hass, simulator, on=True)
        simulator.faults.unanswered = frozenset()
        await poll(lambda: name_entity() is not None, "the names")


@pytest.mark.usefixtures("fast_reconnect")
async def test_a_real_pro_outlet_shows_what_it_can(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The whole realistic profile on a Pro: 20 late, 27 unanswered, humidity unreadable.

    It loads; the sockets and the nightlight work; the reading the outlet cannot format
    is unknown while the others keep following the room, also after a reconnect.
    """
    assert simulator.faults.sensor_overrides == {"humidity": "nan"}
    await _load(hass, config_entry)
    await _switch_works(hass, simulator, on=True)
    await turn_on(hass, PRO_LIGHT, brightness=128)
    assert simulator.state.nightlight.on is True
    await poll(lambda: hass.states.get(TEMPERATURE) is not None, "the sensors")
    assert hass.states.get(HUMIDITY).state == STATE_UNKNOWN
    for celsius in (23.5, 19.25):
        await simulator.set_sensor("temp_celsius", celsius)
        await poll(lambda c=celsius: _reading(hass, TEMPERATURE) == c, "a reading")
        assert hass.states.get(HUMIDITY).state == STATE_UNKNOWN
    await _reconnect(hass, config_entry, simulator)
    await simulator.set_sensor("temp_celsius", 21.0)
    await poll(lambda: _reading(hass, TEMPERATURE) == 21.0, "a reading after reconnecting")
    await _switch_works(hass, simulator, on=False)


@pytest.mark.parametrize("variant", ["deco"])
@pytest.mark.usefixtures("fast_reconnect")
async def test_a_real_plain_invisdeco_has_its_nightlight(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A plain InvisDeco (no ``PM.type``, no radar) with the white nightlight.

    Its kind says nothing of a nightlight; the outlet answers 15 for it, so Home
    Assistant has the light, and it works both ways, also after a reconnect.
    """
    info = simulator.state.device_info_args(simulator.quirks)["PM"]
    assert "type" not in info
    assert "radar" not in info
    await _load(hass, config_entry)
    state = hass.states.get(DECO_LIGHT)
    assert state is not None
    assert state.state == "off"
    await turn_on(hass, DECO_LIGHT, brightness=128)
    assert simulator.state.nightlight.on is True
    assert simulator.state.nightlight.brightness == 50
    assert hass.states.get(DECO_LIGHT).state == STATE_ON
    assert hass.states.get(DECO_LIGHT).attributes["brightness"] == 128
    await turn_off(hass, DECO_LIGHT)
    assert simulator.state.nightlight.on is False
    assert hass.states.get(DECO_LIGHT).state == "off"
    await simulator.set_nightlight(True, 80)  # from the vendor app
    await poll(lambda: hass.states.get(DECO_LIGHT).state == STATE_ON, "the app's change")
    assert hass.states.get(DECO_LIGHT).attributes["brightness"] == 204
    await _switch_works(hass, simulator, on=True)
    await _reconnect(hass, config_entry, simulator)
    await turn_off(hass, DECO_LIGHT)
    assert simulator.state.nightlight.on is False
    await _switch_works(hass, simulator, on=False)


def _faceplate_device(hass: HomeAssistant) -> tuple[str | None, str | None, str | None]:
    device = find_device(dr.async_get(hass), {(DOMAIN, f"{SERIAL}_faceplate")})
    assert device is not None
    return device.name, device.model, device.sw_version


@pytest.mark.usefixtures("fast_reconnect")
async def test_a_faceplate_down_or_just_back_keeps_its_name_and_version(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """While down or just back the faceplate reports no name and a blank version.

    Its device keeps the name, model and firmware version it had (no blank, no
    "Unknown"), also through a reload of the outlet while it is degraded; a version
    it reports again is shown.
    """
    good = ("InvisDeco Pro E7C4", "InvisDeco Pro", "1.9.2")
    simulator.faults.degraded_faceplate = 600.0  # degraded for the whole test once back
    await _load(hass, config_entry)
    coordinator = coordinator_of(config_entry)
    assert _faceplate_device(hass) == good

    await simulator.set_faceplate_online(False)  # down: "Unknown", blank fw_rev
    await poll(lambda: not coordinator.data.info.faceplate_online, "the faceplate down")
    await hass.async_block_till_done()
    assert _faceplate_device(hass) == good

    await simulator.set_faceplate_online(True)  # just back: "", blank fw_rev
    await poll(lambda: coordinator.data.info.faceplate_online, "the faceplate back")
    await settle(hass, config_entry)
    assert simulator.state.device_info_args(simulator.quirks, degraded=True)["PM"]["device"] == ""
    assert _faceplate_device(hass) == good

    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert _faceplate_device(hass) == good

    simulator.faults.degraded_faceplate = 0.0
    simulator.faults.faceplate_return_silent = False  # its return is announced here
    simulator.faults.faceplate_version_delay = 0.0
    simulator.state.firmware.pm = "1.9.3"
    await simulator.restart_faceplate()  # back with its name and version (a 12 push)
    await poll(
        lambda: (
            coordinator_of(config_entry).data.info.faceplate is not None
            and coordinator_of(config_entry).data.info.faceplate.fw_rev == "1.9.3"
        ),
        "the faceplate's version",
    )
    await hass.async_block_till_done()
    assert _faceplate_device(hass) == ("InvisDeco Pro E7C4", "InvisDeco Pro", "1.9.3")


@pytest.mark.usefixtures("fast_reconnect")
async def test_a_restart_announced_without_identity_is_read_again(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A 12 push without ``IM.sn`` announces a restart: the outlet is read again.

    Nothing is taken from the push itself (it names no outlet); what the read finds
    shows: the faceplate gone offline, then back.
    """
    assert simulator.faults.anonymous_restart_push
    await _load(hass, config_entry)
    await poll(lambda: _reading(hass, TEMPERATURE) is not None, "the sensors")
    reads = sum(callback == Callback.DEVICE_INFO for callback, _ in simulator.requests)
    await simulator.set_faceplate_online(False)  # pushes 12 without IM.sn
    await poll(
        lambda: hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE, "the faceplate offline"
    )
    assert sum(callback == Callback.DEVICE_INFO for callback, _ in simulator.requests) > reads
    assert coordinator_of(config_entry).data.info.outlet.serial == simulator.serial
    simulator.faults.degraded_faceplate = 0.0  # back with its readings at once
    await simulator.set_faceplate_online(True)
    await poll(lambda: _reading(hass, TEMPERATURE) is not None, "the faceplate back")
    await _switch_works(hass, simulator, on=True)


@pytest.mark.usefixtures("fast_reconnect")
async def test_a_faceplate_just_back_without_readings_shows_none(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet, caplog
) -> None:
    """Just back, the faceplate answers 11 with empty arguments: it has no readings.

    Its sensors show no reading (unavailable, as for a report without it; not the
    ones from before its restart), nothing is logged as unanswered, and its first
    report shows again.
    """
    simulator.faults.degraded_faceplate = 600.0  # just back for the whole test
    simulator.faults.faceplate_return_silent = False  # its return is announced here
    await _load(hass, config_entry)
    await simulator.set_sensor("temp_celsius", 23.5)
    await poll(lambda: _reading(hass, TEMPERATURE) == 23.5, "a reading")
    await simulator.restart_faceplate()
    await poll(lambda: hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE, "no readings")
    assert "did not answer for its sensor readings" not in caplog.text
    simulator.faults.degraded_faceplate = 0.0
    await simulator.set_sensor("temp_celsius", 21.0)
    await poll(lambda: _reading(hass, TEMPERATURE) == 21.0, "the first reading again")


@pytest.mark.usefixtures("fast_reconnect")
async def test_network_addresses_sent_as_integers_read_as_dotted_addresses(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The outlet's network addresses arrive as integers; they read as addresses."""
    assert simulator.faults.integer_network_fields
    await _load(hass, config_entry)
    network = coordinator_of(config_entry).data.config.network
    internet = simulator.state.config["sys_prefs"]["internet"]
    assert (network.ip, network.main_dns, network.backup_dns) == (
        internet["ip"],
        internet["mainDNS"],
        internet["backupDNS"],
    )
