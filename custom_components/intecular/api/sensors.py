"""Callback 11: the faceplate's sensor readings."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Final

from .protocol import as_dict, as_flag, as_float, as_int, as_list

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
_PARSERS: Final = tuple((key, name, _CONVERT[kind]) for key, (name, kind) in WIRE_KEYS.items())

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

    @classmethod
    def from_args(cls, args: Any) -> SensorReadings:
        """Parse ``[deviceType, {key: value, ...}]``; values may be numeric strings."""
        values = as_list(args, "sensors", 2)
        data = as_dict(values[1], "sensor readings")
        parsed: dict[str, Any] = {
            name: convert(data[key], key)
            for key, name, convert in _PARSERS
            if data.get(key) is not None
        }
        return cls(device_type=as_int(values[0], "device type"), **parsed)

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
            if f.name != "device_type" and getattr(self, f.name) is not None
        )

    @property
    def occupancy_calibrating(self) -> bool:
        """Whether the radar is learning the empty room."""
        return self.occupancy_state in OCCUPANCY_CALIBRATING
