"""Callback 11: the faceplate's sensor readings, drifting like real ones.

Each continuous reading takes a small random step on every timer tick and stays
within realistic bounds; validity flags and accuracies stay put. The radar's
``occupancy_state`` never changes on its own (tests and the demo set it); while
someone is present the distance and energies wander, and they read 0 when the
room is empty.

Calibrations (callbacks 26, 28 and 25) act on the report, not on the stored raw
values: a temperature/humidity offset, the 4/5/6 occupancy phases and zeroed
accuracies.
"""

from __future__ import annotations

from dataclasses import dataclass
import random
from typing import Any, Final

from .options import Variant

FLAG_KEYS: Final = frozenset({"temp_valid", "aqi_valid", "lux_valid", "occupancy_valid"})
"""Validity flags of §8: integers 1/0."""

COUNT_KEYS: Final = frozenset(
    {
        "temphumidity_accuracy",
        "AQI_accuracy",
        "co2_accuracy",
        "bvoc_accuracy",
        "occupancy_state",
    }
)
"""Accuracies and the radar state of §8: small integers."""

READING_KEYS: Final = frozenset(
    {
        "temp_celsius",
        "humidity",
        "BME680_temp_celsius",
        "BME680_humidity",
        "AQI",
        "pressure",
        "gas",
        "co2_equiv",
        "co2_peak_lvl",
        "bvoc_equiv",
        "lux",
        "distance",
        "movement_energy",
        "stationary_energy",
    }
)
"""Measurements of §8: numbers, or numeric strings on some faceplates."""

SENSOR_KEYS: Final = FLAG_KEYS | COUNT_KEYS | READING_KEYS


@dataclass(frozen=True, slots=True)
class Spec:
    """How one reading behaves: its bounds, its step per tick and its decimals."""

    default: float
    low: float
    high: float
    step: float = 0.0
    decimals: int = 0


_FLAG: Final = Spec(1, 0, 1)
_ACCURACY: Final = Spec(3, 0, 3)

PRO_SPECS: Final[dict[str, Spec]] = {
    "temp_valid": _FLAG,
    "aqi_valid": _FLAG,
    "temp_celsius": Spec(22.4, -10.0, 45.0, 0.05, 2),
    "humidity": Spec(47.1, 5.0, 95.0, 0.2, 2),
    "temphumidity_accuracy": _ACCURACY,
    "BME680_temp_celsius": Spec(24.1, -10.0, 50.0, 0.05, 2),
    "BME680_humidity": Spec(43.0, 5.0, 95.0, 0.2, 2),
    "AQI": Spec(61, 0, 500, 1.5, 0),
    "AQI_accuracy": _ACCURACY,
    "pressure": Spec(100870, 95000, 105000, 8, 0),
    "gas": Spec(73120, 5000, 500000, 400, 0),
    "co2_equiv": Spec(655, 400, 5000, 6, 0),
    "co2_peak_lvl": Spec(812, 400, 5000, 0, 0),
    "co2_accuracy": Spec(2, 0, 3),
    "bvoc_equiv": Spec(0.71, 0.0, 20.0, 0.02, 2),
    "bvoc_accuracy": Spec(2, 0, 3),
    "lux_valid": _FLAG,
    "lux": Spec(88.5, 0.0, 20000.0, 2.0, 2),
    "occupancy_valid": _FLAG,
    "occupancy_state": Spec(1, 0, 6),
    "distance": Spec(1730, 0, 6000, 60, 0),
    "movement_energy": Spec(42, 0, 100, 6, 0),
    "stationary_energy": Spec(17, 0, 100, 4, 0),
}

AURA_SPECS: Final[dict[str, Spec]] = {
    "lux_valid": _FLAG,
    "lux": Spec(214.63, 0.0, 20000.0, 2.0, 2),
}

DECO_SPECS: Final[dict[str, Spec]] = {
    "lux_valid": _FLAG,
    "lux": Spec(42.0, 0.0, 20000.0, 2.0, 2),
}

ACCURACY_KEYS: Final = ("temphumidity_accuracy", "AQI_accuracy", "co2_accuracy", "bvoc_accuracy")
RADAR_DYNAMIC: Final = ("distance", "movement_energy", "stationary_energy")
_GENERIC: Final = Spec(0, float("-inf"), float("inf"), 0, 2)


class SensorBank:
    """The readings of one faceplate."""

    def __init__(self, variant: Variant, rng: random.Random) -> None:
        """Readings at their defaults for this faceplate (none without one)."""
        self._rng = rng
        specs = {
            Variant.PRO: PRO_SPECS,
            Variant.AURA: AURA_SPECS,
            Variant.DECO: DECO_SPECS,
        }.get(variant, {})
        self.specs: dict[str, Spec] = dict(specs)
        self.values: dict[str, float] = {key: spec.default for key, spec in specs.items()}
        self.temperature_offset = 0.0
        self.humidity_offset = 0.0
        self.occupancy_phase: int | None = None
        """4, 5 or 6 while the radar learns the empty room (callback 26)."""
        self.accuracy_reset = False
        """True for a while after a faceplate reset: accuracies read 0."""

    def drift(self) -> None:
        """One tick of random walk."""
        occupied = self.values.get("occupancy_state", 0) > 0
        for key, spec in self.specs.items():
            if key not in self.values or spec.step == 0:
                continue
            if key in RADAR_DYNAMIC and not occupied:
                self.values[key] = 0
                continue
            value = self.values[key] + self._rng.gauss(0.0, spec.step)
            self.values[key] = min(spec.high, max(spec.low, value))
        if "co2_peak_lvl" in self.values and "co2_equiv" in self.values:
            self.values["co2_peak_lvl"] = max(self.values["co2_peak_lvl"], self.values["co2_equiv"])

    def set(self, key: str, value: float) -> None:
        """Make the next report show ``value`` for ``key`` (any key of §8)."""
        if key not in SENSOR_KEYS:
            raise ValueError(f"unknown sensor key {key!r}")
        if isinstance(value, bool):
            value = int(value)
        if not isinstance(value, (int, float)):
            raise TypeError(f"sensor value must be a number: {value!r}")
        if key == "temp_celsius":
            value -= self.temperature_offset
        elif key == "humidity":
            value -= self.humidity_offset
        self.specs.setdefault(key, _GENERIC)
        self.values[key] = value

    def remove(self, key: str) -> None:
        """Leave ``key`` out of the following reports."""
        self.values.pop(key, None)

    def calibrate(self, temperature: float, humidity: float) -> None:
        """Callback 28: shift the reports so they read these reference values now."""
        self.temperature_offset = temperature - self.values.get("temp_celsius", temperature)
        self.humidity_offset = humidity - self.values.get("humidity", humidity)

    def readings(self) -> dict[str, float]:
        """The values as reported now, calibrations applied, before formatting."""
        report = dict(self.values)
        if "temp_celsius" in report:
            report["temp_celsius"] += self.temperature_offset
        if "humidity" in report:
            report["humidity"] = min(100.0, max(0.0, report["humidity"] + self.humidity_offset))
        if self.occupancy_phase is not None and "occupancy_state" in report:
            report["occupancy_state"] = self.occupancy_phase
        if self.accuracy_reset:
            report.update({key: 0 for key in ACCURACY_KEYS if key in report})
        return report

    def to_args(self, device_type: int, *, as_strings: bool = False) -> list[Any]:
        """``callbackArgs`` of an 11 frame.

        Flags and counters are integers; readings are numbers with their natural
        decimals, or quoted decimals (``"214.63"``) when ``as_strings``.
        """
        wire: dict[str, Any] = {}
        for key, value in self.readings().items():
            decimals = self.specs[key].decimals
            reading = key in READING_KEYS
            if reading and as_strings:
                wire[key] = f"{value:.2f}"
            elif reading and decimals:
                wire[key] = round(value, decimals)
            else:
                wire[key] = round(value)
        return [device_type, wire]
