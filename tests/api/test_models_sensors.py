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


# --- reading only what changed ---------------------------------------------------------------

_RAW_VALUES = st.one_of(
    st.sampled_from([None, 0, 1, 3, 4.0, -1, 21.5, 150, 151, 1e9, "21.5", "nan", "", "3", "dark"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.just(True),
)
_FRAMES = st.tuples(
    st.sampled_from([0, 1, "2"]),
    st.dictionaries(st.sampled_from([*WIRE_KEYS, "unknown"]), _RAW_VALUES),
)


@given(first=_FRAMES, changes=st.lists(st.tuples(_FRAMES, st.booleans()), max_size=6))
def test_a_push_read_after_the_last_one_reads_as_if_read_whole(
    first: tuple[Any, dict[str, Any]], changes: list[tuple[tuple[Any, dict[str, Any]], bool]]
) -> None:
    """Whatever changed between two pushes, the readings are those of the frame alone."""
    args: list[Any] = [first[0], first[1]]
    last = (args, SensorReadings.from_args(args))
    for (device_type, data), merge in changes:
        # a few readings changed (merged into the last frame), or a whole other frame
        args = [last[0][0], {**last[0][1], **data}] if merge else [device_type, data]
        readings = SensorReadings.from_args(args, last)
        whole = SensorReadings.from_args(args)
        assert readings == whole
        assert readings.unreadable == whole.unreadable
        assert hash(readings) == hash(whole)
        last = (args, readings)


def test_a_changed_reading_is_read_again_and_the_rest_kept() -> None:
    last_args = [0, {"temp_celsius": 21.5, "humidity": 40, "lux": "dark", "AQI": 50, "gas": 9}]
    last = SensorReadings.from_args(last_args)
    assert last.unreadable == {"illuminance"}
    args = [0, {"temp_celsius": 22.0, "humidity": 40, "lux": 12, "AQI": None, "gas": -1}]
    readings = SensorReadings.from_args(args, (last_args, last))
    assert (readings.temperature, readings.humidity, readings.illuminance) == (22.0, 40.0, 12.0)
    assert readings.aqi is None  # null: absent
    assert readings.gas_resistance is None  # cannot be true: unknown
    assert readings.unreadable == {"gas_resistance"}
    assert readings.present == {"temperature", "humidity", "illuminance"}
