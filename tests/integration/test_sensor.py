"""The faceplate's readings as sensors, over the simulator."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from unittest.mock import patch

from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    CONF_HOST,
    CONF_PORT,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.intecular.const import CONF_FACEPLATE, DOMAIN
from custom_components.intecular.sensor import SENSORS
from simulator import SimulatedOutlet

from .common import SERIAL, wait_for_state, wait_until
from .conftest import FAST
from .entities import registered, snapshot_entities

KEYS = {description.key for description in SENSORS}
PRO = "sensor.invisdeco_pro_e7c4"
TEMPERATURE = f"{PRO}_temperature"
HUMIDITY = f"{PRO}_humidity"
AQI = f"{PRO}_air_quality_index"
CO2 = f"{PRO}_equivalent_co2"
CO2_PEAK = f"{PRO}_peak_co2"
PRESSURE = f"{PRO}_pressure"
LUX = f"{PRO}_illuminance"
DISTANCE = f"{PRO}_target_distance"
CALIBRATION = f"{PRO}_occupancy_sensor_calibration"


def _value(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


@pytest.mark.usefixtures("enable_all")
@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
async def test_sensors(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    variant: str,
) -> None:
    """A sensor for each reading the faceplate reports, none for the others."""
    ids = snapshot_entities(
        hass,
        entity_registry,
        snapshot,
        entry=init_integration,
        domain=Platform.SENSOR,
        keys=KEYS,
    )
    counts = {"pro": len(KEYS), "aura": 1, "bare": 0}
    assert len(ids) == counts[variant]
    if variant == "aura":
        assert ids == ["sensor.invisdeco_aura_e7c4_illuminance"]


async def test_only_the_room_readings_are_enabled_by_default(
    hass: HomeAssistant, init_integration: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """Climate, air and light are enabled; raw, accuracy and radar details wait.

    Readings pushed every few seconds that nobody graphs keep no long-term statistics.
    """
    entries = registered(entity_registry, init_integration, Platform.SENSOR, KEYS)
    short = {e.entity_id.removeprefix(f"{PRO}_"): e for e in entries}
    enabled = {key for key, e in short.items() if not e.disabled_by}
    assert enabled == {
        "temperature",
        "humidity",
        "pressure",
        "air_quality_index",
        "equivalent_co2",
        "breath_voc",
        "illuminance",
    }
    assert all(
        short[key].disabled_by is er.RegistryEntryDisabler.INTEGRATION
        for key in short.keys() - enabled
    )
    with_statistics = {key for key, e in short.items() if (e.capabilities or {}).get("state_class")}
    assert with_statistics == enabled | {"peak_co2"}


@pytest.mark.usefixtures("enable_all")
async def test_readings_in_their_units(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Pressure arrives in Pa and shows in hPa; distance in mm shows in m."""
    await simulator.set_sensor("pressure", 101325)
    await wait_for_state(hass, PRESSURE, "1013.25")
    state = hass.states.get(PRESSURE)
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "hPa"
    await simulator.set_sensor("distance", 2450)
    await wait_for_state(hass, DISTANCE, "2.45")
    assert hass.states.get(DISTANCE).attributes[ATTR_UNIT_OF_MEASUREMENT] == "m"


@pytest.mark.parametrize("variant", ["aura"])
async def test_numeric_strings_become_numbers(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The Aura sends "lux": "512.30"; the sensor shows a number."""
    await simulator.set_sensor("lux", 512.3)
    await wait_for_state(hass, "sensor.invisdeco_aura_e7c4_illuminance", "512.3")


async def test_invalid_reading_is_unavailable(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """temp_valid 0: temperature and humidity unavailable, the rest unaffected."""
    assert _value(hass, TEMPERATURE) == "22.4"
    await simulator.set_sensor("temp_valid", 0)
    await wait_for_state(hass, TEMPERATURE, STATE_UNAVAILABLE)
    assert _value(hass, HUMIDITY) == STATE_UNAVAILABLE
    assert _value(hass, AQI) == "61"
    await simulator.set_sensor("temp_valid", 1)
    await wait_for_state(hass, TEMPERATURE, "22.4")


@pytest.mark.usefixtures("enable_all")
async def test_accuracy_zero_is_unknown(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """While the air-quality sensor calibrates (accuracy 0) no number is shown."""
    await simulator.set_sensor("co2_accuracy", 0)
    await wait_for_state(hass, CO2, STATE_UNKNOWN)
    assert _value(hass, CO2_PEAK) == STATE_UNKNOWN
    assert _value(hass, f"{PRO}_co2_accuracy") == "calibrating"
    assert _value(hass, AQI) == "61"
    await simulator.set_sensor("co2_accuracy", 3)
    await wait_for_state(hass, CO2, "655")
    assert _value(hass, f"{PRO}_co2_accuracy") == "high"
    await simulator.set_sensor("co2_accuracy", 9)  # undocumented: no guess
    await wait_for_state(hass, f"{PRO}_co2_accuracy", STATE_UNKNOWN)


async def test_missing_reading_keeps_the_entity(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    entity_registry: er.EntityRegistry,
) -> None:
    """A push without a reading: unavailable, the entity and its settings stay."""
    entity_registry.async_update_entity(TEMPERATURE, name="Living room")
    await simulator.remove_sensor("temp_celsius")
    await simulator.push_sensors()
    await wait_for_state(hass, TEMPERATURE, STATE_UNAVAILABLE)
    entry = entity_registry.async_get(TEMPERATURE)
    assert entry is not None
    assert entry.name == "Living room"
    await simulator.set_sensor("temp_celsius", 19.5)
    await wait_for_state(hass, TEMPERATURE, "19.5")


@pytest.mark.parametrize("variant", ["aura"])
async def test_new_reading_adds_its_sensor(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    entity_registry: er.EntityRegistry,
) -> None:
    """A reading the faceplate starts to report brings its sensor, without a reload."""
    assert entity_registry.async_get("sensor.invisdeco_aura_e7c4_temperature") is None
    await simulator.set_sensor("temp_celsius", 23.25)
    await wait_for_state(hass, "sensor.invisdeco_aura_e7c4_temperature", "23.25")


async def test_faceplate_offline_makes_every_reading_unavailable(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """PM.online false: nothing stale is shown; back online: readings return."""
    await simulator.set_faceplate_online(False)
    await wait_for_state(hass, TEMPERATURE, STATE_UNAVAILABLE)
    assert _value(hass, LUX) == STATE_UNAVAILABLE
    await simulator.set_faceplate_online(True)
    await wait_for_state(hass, TEMPERATURE, "22.4")
    assert _value(hass, LUX) == "88.5"


async def test_faceplate_restart_unavailable_then_back(
    hass: HomeAssistant, fast_reconnect: None
) -> None:
    """A restarting faceplate goes quiet: its readings go unavailable, then return.

    The outlet announces nothing when its faceplate restarts; the silence gives it
    away. Here the faceplate pushes every 20 ms and silence counts after 200 ms (the
    floor) once it has shown that pace.
    """

    def shown() -> bool:
        return _value(hass, TEMPERATURE) not in (STATE_UNAVAILABLE, STATE_UNKNOWN)

    with patch("custom_components.intecular.coordinator.SENSOR_SILENCE_TIMEOUT", 0.2):
        async with SimulatedOutlet(
            "pro", serial=SERIAL, seed=7, sensor_interval=0.02, **FAST
        ) as sim:
            entry = MockConfigEntry(
                domain=DOMAIN,
                title="InvisOutlet E7C4",
                unique_id=SERIAL,
                data={CONF_HOST: sim.host, CONF_PORT: sim.port, CONF_FACEPLATE: "pro"},
            )
            entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(entry.entry_id)
            await wait_until(hass, shown)
            await asyncio.sleep(0.2)  # about ten reports: its pace is known
            await sim.restart_faceplate(delay=0.5)
            await wait_for_state(hass, TEMPERATURE, STATE_UNAVAILABLE)
            assert _value(hass, LUX) == STATE_UNAVAILABLE
            await wait_until(hass, shown)
            assert await hass.config_entries.async_unload(entry.entry_id)


async def test_readings_kept_across_a_restart_while_the_faceplate_is_offline(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    entity_registry: er.EntityRegistry,
) -> None:
    """Home Assistant restarting while the faceplate is away keeps every sensor."""
    before = [
        e.entity_id
        for e in registered(entity_registry, init_integration, Platform.SENSOR, KEYS)
        if not e.disabled_by
    ]
    assert len(before) == 7  # the room's readings (enabled by default)
    await simulator.set_faceplate_online(False)
    await wait_for_state(hass, TEMPERATURE, STATE_UNAVAILABLE)
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    for entity_id in before:
        assert _value(hass, entity_id) == STATE_UNAVAILABLE
    await simulator.set_faceplate_online(True)
    await wait_for_state(hass, TEMPERATURE, "22.4")


@pytest.mark.usefixtures("enable_all")
async def test_calibration_state(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The radar's calibration phases show as a diagnostic state, not as readings."""
    assert _value(hass, CALIBRATION) == "idle"
    assert _value(hass, DISTANCE) == "1.73"
    seen: list[tuple[str, str]] = []
    hass.bus.async_listen(
        "state_changed",
        lambda event: seen.append((event.data["entity_id"], event.data["new_state"].state)),
    )
    simulator.start_occupancy_calibration(30)  # phases 4, 5, 6, then back to normal
    await simulator.wait_idle()
    await wait_for_state(hass, CALIBRATION, "idle")
    assert (CALIBRATION, "calibrating") in seen
    assert (DISTANCE, STATE_UNKNOWN) in seen, "no target while the radar learns"
    assert _value(hass, DISTANCE) == "1.73"

    await simulator.set_sensor("occupancy_state", 5)
    await wait_for_state(hass, CALIBRATION, "calibrating")


async def test_faceplate_missing_from_device_info(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A device info (12) without the PM block: the faceplate is gone, nothing stale."""
    simulator.quirks.pm_absent = True
    simulator.push_device_info()
    await wait_for_state(hass, TEMPERATURE, STATE_UNAVAILABLE)
    assert _value(hass, "binary_sensor.invisdeco_pro_e7c4_connection") == "off"
    simulator.quirks.pm_absent = False
    simulator.push_device_info()
    await wait_for_state(hass, TEMPERATURE, "22.4")


def test_every_sensor_and_state_is_translated() -> None:
    """Names, enum states and icons come from strings.json / icons.json."""
    component = Path(__file__).parents[2] / "custom_components" / "intecular"
    strings = json.loads((component / "strings.json").read_text(encoding="utf-8"))
    sensors = strings["entity"]["sensor"]
    for description in SENSORS:
        assert sensors[description.translation_key]["name"]
        for option in description.options or ():
            assert sensors[description.translation_key]["state"][option]


async def test_one_unreadable_reading_leaves_the_others_updating(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A reading the firmware cannot format is unknown; the rest of the push applies."""
    readings = {
        "temp_valid": 1,
        "aqi_valid": 1,
        "temp_celsius": 19.5,
        "humidity": "nan",
        "AQI": "",
        "co2_equiv": 700,
        "co2_accuracy": 3,
        "pressure": "inf",
        "lux": "@LUX@",
    }
    frame = json.dumps(
        {
            "sn": simulator.serial,
            "packetID": 135842,
            "payload": {"callbackName": 11, "callbackArgs": [0, readings]},
        }
    )
    await simulator.send_raw(frame.replace('"@LUX@"', "1e400"))
    await wait_for_state(hass, TEMPERATURE, "19.5")
    assert _value(hass, CO2) == "700"
    for unknown in (HUMIDITY, AQI, PRESSURE, LUX):
        assert _value(hass, unknown) == STATE_UNKNOWN, unknown
    # the next push with a readable humidity shows it again
    await simulator.send_raw(frame.replace('"nan"', "150").replace('"@LUX@"', "12"))
    await wait_for_state(hass, LUX, "12")
    assert _value(hass, HUMIDITY) == STATE_UNKNOWN  # 150 % cannot be true
    await simulator.send_raw(frame.replace('"nan"', "48.5").replace('"@LUX@"', "12"))
    await wait_for_state(hass, HUMIDITY, "48.5")
