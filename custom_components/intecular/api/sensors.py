"""Callback 11: the faceplate's sensor readings.

Each reading is read on its own (protocol.py, "lenient reading"): one the firmware
could not format (``"nan"``, ``""``, ``"inf"``, ``1e400``, a word) or one outside what
the sensor can measure (``RANGES``) is unknown, and the other readings of the frame
apply. Empty arguments (``[]``) mean the faceplate has no readings
(protocol.md §11 item 40): every reading is absent. Only an unusable envelope (not
``[deviceType, {...}]``) refuses the frame.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, fields
from itertools import repeat
from operator import attrgetter
from typing import Any, Final

from .protocol import as_dict, as_flag, as_float, as_int, as_list, lenient, within

# wire key -> (field name, kind). Keys a faceplate lacks are simply absent (None).
WIRE_KEYS: Final[dict[str, tuple[str, str]]] = {
    "temp_valid": ("temperature_valid", "flag"),
    "aqi_valid": ("air_quality_valid", "flag"),
    "temp_celsius": ("temperature", "float"),
    "humidity": ("humidity", "float"),
    "temphumidity_accuracy": ("temperature_humidity_accuracy", "int"),
    "BME680_temp_celsius": ("bme680_temperature", "float"),
    "BME680_humidity": ("bme680_humidity", "float"),
    "AQI": ("aqi", "float"),
    "AQI_accuracy": ("aqi_accuracy", "int"),
    "pressure": ("pressure", "float"),
    "gas": ("gas_resistance", "float"),
    "co2_equiv": ("co2", "float"),
    "co2_peak_lvl": ("co2_peak", "float"),
    "co2_accuracy": ("co2_accuracy", "int"),
    "bvoc_equiv": ("bvoc", "float"),
    "bvoc_accuracy": ("bvoc_accuracy", "int"),
    "lux_valid": ("illuminance_valid", "flag"),
    "lux": ("illuminance", "float"),
    "occupancy_valid": ("occupancy_valid", "flag"),
    "occupancy_state": ("occupancy_state", "int"),
    "distance": ("distance", "float"),
    "movement_energy": ("movement_energy", "float"),
    "stationary_energy": ("stationary_energy", "float"),
}

_CONVERT: Final = {"flag": as_flag, "int": as_int, "float": as_float}

# What each reading can be; outside it the reading is unknown (a measurement is never
# clamped: that would invent one). Documented: accuracies 0-3, relative humidity in
# percent. The rest are generous physical bounds: far beyond anything an indoor
# faceplate measures, so they only catch values that cannot be true.
RANGES: Final[dict[str, tuple[float, float]]] = {
    "temperature": (-50, 150),
    "bme680_temperature": (-50, 150),
    "humidity": (0, 100),
    "bme680_humidity": (0, 100),
    "temperature_humidity_accuracy": (0, 3),
    "aqi": (0, 500),
    "aqi_accuracy": (0, 3),
    "pressure": (0, 200_000),
    "gas_resistance": (0, 1e10),
    "co2": (0, 1_000_000),
    "co2_peak": (0, 1_000_000),
    "co2_accuracy": (0, 3),
    "bvoc": (0, 1_000_000),
    "bvoc_accuracy": (0, 3),
    "illuminance": (0, 1_000_000),
    "occupancy_state": (0, 255),
    "distance": (0, 1_000_000),
    "movement_energy": (0, 1_000_000),
    "stationary_energy": (0, 1_000_000),
}

_FLAG, _INT, _FLOAT = "flag", "int", "float"
# One row per wire key: (key, field, kind, low, high, converter); a flag has no range.
_TABLE: Final = tuple(
    (key, name, kind, *RANGES.get(name, (0, 1)), _CONVERT[kind])
    for key, (name, kind) in WIRE_KEYS.items()
)

_NOT_READINGS: Final = frozenset({"device_type", "unreadable"})

# occupancy_state values the radar reports while it learns the empty room (callback 26)
OCCUPANCY_CALIBRATING: Final = frozenset({4, 5, 6})


@dataclass(frozen=True, slots=True, kw_only=True)
class SensorReadings:
    """Everything callback 11 reports; a field is None when the faceplate omits it."""

    device_type: int = 0
    temperature_valid: bool | None = None
    air_quality_valid: bool | None = None
    temperature: float | None = None
    humidity: float | None = None
    temperature_humidity_accuracy: int | None = None
    bme680_temperature: float | None = None
    bme680_humidity: float | None = None
    aqi: float | None = None
    aqi_accuracy: int | None = None
    pressure: float | None = None
    gas_resistance: float | None = None
    co2: float | None = None
    co2_peak: float | None = None
    co2_accuracy: int | None = None
    bvoc: float | None = None
    bvoc_accuracy: int | None = None
    illuminance_valid: bool | None = None
    illuminance: float | None = None
    occupancy_valid: bool | None = None
    occupancy_state: int | None = None
    distance: float | None = None
    movement_energy: float | None = None
    stationary_energy: float | None = None
    # Readings the frame carried but that could not be read or cannot be true: unknown
    # (their fields are None), where a reading the frame left out is absent.
    unreadable: frozenset[str] = frozenset()

    def __eq__(self, other: object) -> bool:
        """Field by field, as the dataclass's own, with the fields read in C."""
        if type(other) is not SensorReadings:
            return NotImplemented
        return self is other or _values(self) == _values(other)

    def __hash__(self) -> int:
        """Of the fields, as the dataclass's own."""
        return hash(_values(self))

    @classmethod
    def from_args(
        cls, args: Any, after: tuple[Any, SensorReadings] | None = None
    ) -> SensorReadings:
        """Parse ``[deviceType, {key: value, ...}]``; values may be numeric strings.

        A reading that cannot be read, or lies outside ``RANGES``, is None and listed in
        ``unreadable``; null counts as absent. The device type (reserved for internal
        use) is 0 when unreadable. An empty list: no readings.

        ``after``: the arguments and model of the last push. Only the readings whose
        value differs from that push's are read then (a faceplate pushes all of them,
        and most stay the same); the result is the same as reading the frame whole.
        """
        if after is not None and (changed := _changed(args, *after)) is not None:
            return changed
        if args == []:
            return cls()
        values = as_list(args, "sensors", 2)
        data = as_dict(values[1], "sensor readings")
        parsed: dict[str, Any] = {}
        unreadable: list[str] = []
        for row in _TABLE:
            key, name, kind, low, high, _ = row
            if (raw := data.get(key)) is None:
                continue
            # The usual case in one step: a JSON number of the expected type, in range
            # (NaN and infinities fail the range). Anything else takes the general road.
            kind_of = type(raw)
            if kind == _FLAG and kind_of is int:
                parsed[name] = raw != 0
            elif (kind == _FLOAT and (kind_of is float or kind_of is int)) or (
                kind == _INT and kind_of is int
            ):
                if low <= raw <= high:
                    parsed[name] = float(raw) if kind == _FLOAT else raw
                else:
                    unreadable.append(name)
            elif (value := _read(row, raw)) is None:
                unreadable.append(name)
            else:
                parsed[name] = value
        parsed["device_type"] = lenient(as_int, values[0], "device type") or 0
        parsed["unreadable"] = frozenset(unreadable)
        return _build(map(parsed.get, _FIELD_NAMES))

    def to_args(self, *, as_strings: bool = False) -> list[Any]:
        """Wire form; ``as_strings`` writes readings as the Aura's quoted decimals."""
        readings: dict[str, Any] = {}
        for key, (name, kind) in WIRE_KEYS.items():
            value = getattr(self, name)
            if value is None:
                continue
            if kind == "flag":
                readings[key] = int(value)
            elif kind == "float" and as_strings:
                readings[key] = f"{value:.2f}"
            else:
                readings[key] = value
        return [self.device_type, readings]

    @property
    def present(self) -> frozenset[str]:
        """Names of the fields this push carried."""
        return frozenset(
            f.name
            for f in fields(self)
            if f.name not in _NOT_READINGS and getattr(self, f.name) is not None
        )

    @property
    def occupancy_calibrating(self) -> bool:
        """Whether the radar is learning the empty room."""
        return self.occupancy_state in OCCUPANCY_CALIBRATING


# The fields in their order, and what reads them all (in C).
_FIELD_NAMES: Final = tuple(f.name for f in fields(SensorReadings))
_values: Final = attrgetter(*_FIELD_NAMES)
_INDEX: Final = {name: index for index, name in enumerate(_FIELD_NAMES)}
_UNREADABLE_INDEX: Final = _INDEX["unreadable"]
_ROW_OF: Final = {row[0]: row for row in _TABLE}
_new: Final = object.__new__
_set: Final = object.__setattr__
_consume: Final = deque[object](maxlen=0).extend


def _build(values: Iterable[Any]) -> SensorReadings:
    """A model of ``values`` in field order, its slots set in one C loop.

    The frozen ``__init__`` sets each of the 25 fields in Python; the values are the
    parser's, already checked.
    """
    new = _new(SensorReadings)
    _consume(map(_set, repeat(new), _FIELD_NAMES, values))
    return new


def _read(row: tuple[Any, ...], raw: Any) -> Any:
    """One reading (not None) by its row of ``_TABLE``; None when unreadable or not true."""
    key, _, kind, low, high, convert = row
    value = lenient(convert, raw, key)
    return value if kind == _FLAG else within(value, low, high)


def _changed(args: Any, last_args: Any, last: SensorReadings) -> SensorReadings | None:
    """``last`` with the readings that differ from ``last_args`` read again.

    None when this push is not simply other values for the same keys (a key came or
    went, another device type, a value that cannot be compared, a JSON true or false,
    which equals 1 or 0 but reads otherwise): then it is read whole.
    """
    if (
        type(args) is not list
        or type(last_args) is not list
        or len(args) != 2
        or len(last_args) != 2
        or args[0] != last_args[0]
    ):
        return None
    data, before = args[1], last_args[1]
    if type(data) is not dict or type(before) is not dict or len(data) != len(before):
        return None
    if bool in set(map(type, data.values())) or bool in set(map(type, before.values())):
        return None  # true equals 1 but is no number: compared by value, it would hide
    try:
        new_items = data.items() - before.items()  # compared in C
    except TypeError:  # an array or object among the values
        return None
    values = list(_values(last))
    unreadable = last.unreadable
    for key, raw in new_items:
        if key not in before:
            return None  # another key in place of one (the lengths are equal)
        if (row := _ROW_OF.get(key)) is None:
            continue
        name = row[1]
        if raw is None:  # null: absent
            values[_INDEX[name]] = None
            unreadable = unreadable - {name}
        elif (value := _fast(row, raw)) is None and (value := _read(row, raw)) is None:
            values[_INDEX[name]] = None
            unreadable = unreadable | {name}
        else:
            values[_INDEX[name]] = value
            if name in unreadable:
                unreadable = unreadable - {name}
    values[_UNREADABLE_INDEX] = unreadable
    return _build(values)


def _fast(row: tuple[Any, ...], raw: Any) -> Any:
    """The usual case of one reading (as in ``from_args``); None: take the general road."""
    _, _, kind, low, high, _ = row
    kind_of = type(raw)
    if kind == _FLAG:
        return raw != 0 if kind_of is int else None
    if kind == _FLOAT:
        return float(raw) if (kind_of is float or kind_of is int) and low <= raw <= high else None
    return raw if kind_of is int and low <= raw <= high else None
