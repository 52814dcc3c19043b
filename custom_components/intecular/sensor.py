"""Sensors: every reading the faceplate reports (callback 11).

A reading shows only what the faceplate vouches for: while its validity flag is 0 the
sensor is unavailable, and while its accuracy is 0 (the faceplate calibrates) it is
unknown. A reading the faceplate sent but that could not be read or cannot be true
(``SensorReadings.unreadable``) is unknown too. An entity appears when its reading
first arrives and then stays; a push without the reading makes it unavailable, never
deletes it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Final

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    LIGHT_LUX,
    PERCENTAGE,
    EntityCategory,
    Platform,
    UnitOfLength,
    UnitOfPressure,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .api import SensorReadings
from .compat import PARTS_PER_MILLION
from .entity import IntecularEntity, IntecularEntityDescription, async_add_when_reported
from .runtime import IntecularConfigEntry
from .state import DeviceState

PARALLEL_UPDATES = 0

OHM: Final = "Ω"
# Accuracy (AQI_accuracy, co2_accuracy, ...): 0 while calibrating, then 1 low to 3 high.
ACCURACY_STATES: Final = ("calibrating", "low", "medium", "high")
CALIBRATION_STATES: Final = ("idle", "calibrating")


@dataclass(frozen=True, kw_only=True)
class IntecularSensorDescription(IntecularEntityDescription, SensorEntityDescription):
    """A reading: its field of ``SensorReadings`` and what vouches for it.

    ``valid`` names the validity flag (0: unavailable) and ``accuracy`` the accuracy
    value (0: unknown). ``value_fn`` turns the raw field into the state; ``value_reads``
    names the other fields it reads (None: unknown, then every change of the readings
    wakes the entity).
    """

    field: str
    faceplate: bool = True
    parts: frozenset[str] | None = frozenset({"sensors"})
    valid: str | None = None
    accuracy: str | None = None
    value_fn: Callable[[SensorReadings], StateType] | None = None
    value_reads: tuple[str, ...] | None = ()

    def fields_read(self) -> frozenset[str] | None:
        """The ``SensorReadings`` fields the entity shows (None: it cannot tell)."""
        if self.value_reads is None:
            return None
        named = (self.field, "unreadable", self.valid, self.accuracy, *self.value_reads)
        return frozenset(name for name in named if name is not None)


def _accuracy(value: int | None) -> str | None:
    if value is None or not 0 <= value < len(ACCURACY_STATES):
        return None
    return ACCURACY_STATES[value]


def _distance(readings: SensorReadings) -> float | None:
    """No distance while nobody is there (or the radar calibrates)."""
    state = readings.occupancy_state
    if not state or readings.occupancy_calibrating:
        return None
    return readings.distance


def _measurement(
    key: str,
    *,
    valid: str | None = None,
    accuracy: str | None = None,
    field: str | None = None,
    diagnostic: bool = False,
    enabled: bool = True,
    statistics: bool = True,
    **kwargs: Any,
) -> IntecularSensorDescription:
    """A numeric reading; long-term statistics only for what is worth a graph.

    Diagnostic readings and those with ``enabled=False`` start disabled: a user looks
    at and automates on the room's climate, air and light, not at the sensors' raw
    values. Readings pushed every few seconds that nobody graphs (``statistics=False``)
    get no state class, so the recorder keeps no long-term statistics of them.
    """
    return IntecularSensorDescription(
        key=key,
        translation_key=key,
        field=field or key,
        valid=valid,
        accuracy=accuracy,
        state_class=SensorStateClass.MEASUREMENT if statistics else None,
        entity_category=EntityCategory.DIAGNOSTIC if diagnostic else None,
        entity_registry_enabled_default=enabled and not diagnostic,
        **kwargs,
    )


def _accuracy_sensor(key: str, *, valid: str) -> IntecularSensorDescription:
    return IntecularSensorDescription(
        key=key,
        translation_key=key,
        field=key,
        valid=valid,
        device_class=SensorDeviceClass.ENUM,
        options=list(ACCURACY_STATES),
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda readings: _accuracy(getattr(readings, key)),
    )


SENSORS: tuple[IntecularSensorDescription, ...] = (
    _measurement(
        "temperature",
        valid="temperature_valid",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        suggested_display_precision=1,
    ),
    _measurement(
        "humidity",
        valid="temperature_valid",
        device_class=SensorDeviceClass.HUMIDITY,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
    ),
    _measurement(
        "pressure",
        valid="air_quality_valid",
        device_class=SensorDeviceClass.ATMOSPHERIC_PRESSURE,
        native_unit_of_measurement=UnitOfPressure.PA,
        suggested_unit_of_measurement=UnitOfPressure.HPA,
        suggested_display_precision=1,
    ),
    _measurement(
        "illuminance",
        valid="illuminance_valid",
        device_class=SensorDeviceClass.ILLUMINANCE,
        native_unit_of_measurement=LIGHT_LUX,
        suggested_display_precision=0,
    ),
    _measurement(
        "aqi",
        valid="air_quality_valid",
        accuracy="aqi_accuracy",
        device_class=SensorDeviceClass.AQI,
        suggested_display_precision=0,
    ),
    _measurement(
        "co2",
        valid="air_quality_valid",
        accuracy="co2_accuracy",
        device_class=SensorDeviceClass.CO2,
        native_unit_of_measurement=PARTS_PER_MILLION,
        suggested_display_precision=0,
    ),
    _measurement(
        "co2_peak",
        enabled=False,
        valid="air_quality_valid",
        accuracy="co2_accuracy",
        device_class=SensorDeviceClass.CO2,
        native_unit_of_measurement=PARTS_PER_MILLION,
        suggested_display_precision=0,
    ),
    _measurement(
        "bvoc",
        valid="air_quality_valid",
        accuracy="bvoc_accuracy",
        device_class=SensorDeviceClass.VOLATILE_ORGANIC_COMPOUNDS_PARTS,
        native_unit_of_measurement=PARTS_PER_MILLION,
        suggested_display_precision=2,
    ),
    _measurement(
        "distance",
        # Changes with every step of the person the radar sees: no statistics.
        enabled=False,
        statistics=False,
        valid="occupancy_valid",
        device_class=SensorDeviceClass.DISTANCE,
        # The unit is undocumented; millimetres, as the only other client assumes.
        native_unit_of_measurement=UnitOfLength.MILLIMETERS,
        suggested_unit_of_measurement=UnitOfLength.METERS,
        suggested_display_precision=2,
        value_fn=_distance,
        value_reads=("occupancy_state",),  # occupancy_calibrating is read from it
    ),
    _measurement(
        "gas_resistance",
        statistics=False,
        valid="air_quality_valid",
        native_unit_of_measurement=OHM,
        suggested_display_precision=0,
        diagnostic=True,
    ),
    _measurement(
        "bme680_temperature",
        statistics=False,
        valid="air_quality_valid",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        suggested_display_precision=1,
        diagnostic=True,
    ),
    _measurement(
        "bme680_humidity",
        statistics=False,
        valid="air_quality_valid",
        device_class=SensorDeviceClass.HUMIDITY,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        diagnostic=True,
    ),
    _measurement(
        "movement_energy",
        statistics=False,
        valid="occupancy_valid",
        suggested_display_precision=0,
        diagnostic=True,
    ),
    _measurement(
        "stationary_energy",
        statistics=False,
        valid="occupancy_valid",
        suggested_display_precision=0,
        diagnostic=True,
    ),
    _accuracy_sensor("temperature_humidity_accuracy", valid="temperature_valid"),
    _accuracy_sensor("aqi_accuracy", valid="air_quality_valid"),
    _accuracy_sensor("co2_accuracy", valid="air_quality_valid"),
    _accuracy_sensor("bvoc_accuracy", valid="air_quality_valid"),
    IntecularSensorDescription(
        key="occupancy_calibration",
        translation_key="occupancy_calibration",
        field="occupancy_state",
        valid="occupancy_valid",
        device_class=SensorDeviceClass.ENUM,
        options=list(CALIBRATION_STATES),
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        # occupancy_calibrating is read from the field, occupancy_state
        value_fn=lambda readings: "calibrating" if readings.occupancy_calibrating else "idle",
    ),
)


def reported(description: IntecularSensorDescription, state: DeviceState) -> bool:
    """Whether the faceplate has reported this reading (at least once)."""
    readings = state.sensors
    return readings is not None and (
        getattr(readings, description.field) is not None or description.field in readings.unreadable
    )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntecularConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a sensor for every reading the faceplate reports, as it first reports it."""
    async_add_when_reported(
        entry,
        async_add_entities,
        Platform.SENSOR,
        SENSORS,
        IntecularSensor,
        exists=reported,
        reads=frozenset({"sensors"}),
    )


class IntecularSensor(IntecularEntity, SensorEntity):
    """One faceplate reading."""

    entity_description: IntecularSensorDescription

    def _parts_read(self, description: IntecularEntityDescription) -> frozenset[str] | None:
        """Of the readings, only the fields it shows: another reading's change is not heard."""
        parts = super()._parts_read(description)
        if (
            parts is None
            or "sensors" not in parts
            or not isinstance(description, IntecularSensorDescription)
            or (fields := description.fields_read()) is None
        ):
            return parts
        return parts - {"sensors"} | {f"sensors.{name}" for name in fields}

    def _shown_available(self) -> bool:
        """Unavailable while the faceplate is, the reading is missing or not valid."""
        if not super()._shown_available() or (readings := self.coordinator.data.sensors) is None:
            return False
        description = self.entity_description
        if getattr(readings, description.field) is None and (
            description.field not in readings.unreadable
        ):
            return False
        return description.valid is None or getattr(readings, description.valid) is not False

    def _reading(self) -> StateType:
        """The reading; unknown while its accuracy is 0 (calibration in progress)."""
        if (readings := self.coordinator.data.sensors) is None:
            return None
        description = self.entity_description
        if description.accuracy is not None and getattr(readings, description.accuracy) == 0:
            return None
        if description.value_fn is not None:
            value = description.value_fn(readings)
        else:
            value = getattr(readings, description.field)
        if isinstance(value, float) and value.is_integer():
            return int(value)  # 61, not 61.0, for readings the device sends as integers
        return value

    def _fingerprint(self) -> Hashable:
        # Set as the entity model's own value: the state write calls nothing back.
        self._attr_native_value = value = self._reading()
        return value
