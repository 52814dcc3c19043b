"""sensors.py without a socket: the sensor readings, tolerant of each unreadable value."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.intecular.api import FrameError, SensorReadings
from custom_components.intecular.api.sensors import WIRE_KEYS

from .strategies import ROUND_TRIPS, sensor_readings

# --- tolerant parsing ------------------------------------------------------------------------


def test_sensor_readings() -> None:
    readings = SensorReadings.from_args(
        [0, {"lux": "3489.80", "occupancy_state": 5, "temp_valid": True, "AQI": None, "x": 1}]
    )
    assert readings.illuminance == 3489.8
    assert readings.temperature_valid is True
    assert readings.aqi is None  # null counts as absent
    assert readings.present == {"illuminance", "occupancy_state", "temperature_valid"}
    assert readings.occupancy_calibrating
    assert not SensorReadings(occupancy_state=1).occupancy_calibrating
    for bad in ([0], [0, []], {"lux": 1}, None):
        with pytest.raises(FrameError):
            SensorReadings.from_args(bad)
    # empty arguments: the faceplate has no readings (protocol.md §11 item 40)
    assert SensorReadings.from_args([]).present == frozenset()


@pytest.mark.parametrize(
    "value", ["nan", "", "inf", "-inf", "dark", "1e400", math.inf, math.nan, 10**400, [], {}]
)
def test_one_unreadable_reading_is_unknown_and_the_rest_apply(value: Any) -> None:
    readings = SensorReadings.from_args(
        ["x", {"lux": value, "lux_valid": 1, "temp_celsius": "21.5", "humidity": 47}]
    )
    assert readings.illuminance is None
    assert readings.unreadable == {"illuminance"}
    assert (readings.temperature, readings.humidity, readings.illuminance_valid) == (21.5, 47, True)
    assert readings.present == {"temperature", "humidity", "illuminance_valid"}
    assert readings.device_type == 0  # unreadable: the default


def test_readings_that_cannot_be_true_are_unknown() -> None:
    readings = SensorReadings.from_args(
        [0, {"humidity": 150, "temp_celsius": -300, "AQI_accuracy": 4, "lux": -1, "AQI": 61}]
    )
    assert readings.unreadable == {"humidity", "temperature", "aqi_accuracy", "illuminance"}
    assert readings.present == {"aqi"}
    edges = SensorReadings.from_args([0, {"humidity": "100", "lux": 0, "co2_accuracy": 3}])
    assert (edges.humidity, edges.illuminance, edges.co2_accuracy) == (100, 0, 3)


# --- round trips: to_args -> from_args ----------------------------------------------------------


@ROUND_TRIPS
@given(sensor_readings, st.booleans())
def test_sensor_round_trip(readings: SensorReadings, as_strings: bool) -> None:
    parsed = SensorReadings.from_args(readings.to_args(as_strings=as_strings))
    assert parsed.present == readings.present
    assert parsed.device_type == readings.device_type
    for name, kind in WIRE_KEYS.values():
        sent, got = getattr(readings, name), getattr(parsed, name)
        if sent is None or kind != "float" or not as_strings:
            assert got == sent, name
        else:  # quoted decimals keep two places
            assert got == pytest.approx(sent, abs=0.0051), name
