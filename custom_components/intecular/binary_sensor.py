"""Binary sensors."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import SensorReadings
from .entity import IntecularEntity, IntecularEntityDescription, async_add_when_reported
from .outlet_mqtt import broker_connected
from .runtime import IntecularConfigEntry
from .state import DeviceState

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class IntecularBinarySensorDescription(IntecularEntityDescription, BinarySensorEntityDescription):
    """A binary sensor: how to read it and whether this outlet has it.

    ``readings``: the ``SensorReadings`` fields it shows, when its parts include the
    sensors; a push that changes only other readings does not wake it.
    """

    is_on_fn: Callable[[DeviceState], bool | None]
    available_fn: Callable[[DeviceState], bool] = lambda _: True
    readings: frozenset[str] | None = None


# The radar's moving-target energy (0-100) reads 0 while nothing moves; any energy above
# this counts as motion.
MOTION_ENERGY_THRESHOLD = 0


def _radar_reports(field: str) -> Callable[[DeviceState], bool]:
    """Whether the radar reported ``field`` at all (the entity exists from then on)."""
    return lambda state: state.sensors is not None and getattr(state.sensors, field) is not None


def _radar_valid(field: str) -> Callable[[DeviceState], bool]:
    """Whether the last push carried ``field`` and the radar called itself valid."""

    def available(state: DeviceState) -> bool:
        readings = state.sensors
        return (
            readings is not None
            and getattr(readings, field) is not None
            and readings.occupancy_valid is not False
        )

    return available


def _occupied(readings: SensorReadings | None) -> bool | None:
    """Presence: occupancy_state 1-3; 0 is empty, 4-6 are calibration phases (empty room)."""
    if readings is None or readings.occupancy_state is None:
        return None
    return readings.occupancy_state > 0 and not readings.occupancy_calibrating


def _moving(readings: SensorReadings | None) -> bool | None:
    if readings is None or readings.movement_energy is None:
        return None
    if readings.occupancy_calibrating:
        return False
    return readings.movement_energy > MOTION_ENERGY_THRESHOLD


FACEPLATE_BINARY_SENSORS: tuple[IntecularBinarySensorDescription, ...] = (
    IntecularBinarySensorDescription(
        key="occupancy",
        device_class=BinarySensorDeviceClass.OCCUPANCY,
        translation_key="occupancy",
        faceplate=True,
        is_on_fn=lambda state: _occupied(state.sensors),
        exists_fn=_radar_reports("occupancy_state"),
        parts=frozenset({"sensors"}),
        readings=frozenset({"occupancy_state", "occupancy_valid"}),
        available_fn=_radar_valid("occupancy_state"),
    ),
    IntecularBinarySensorDescription(
        key="motion",
        device_class=BinarySensorDeviceClass.MOTION,
        translation_key="motion",
        faceplate=True,
        is_on_fn=lambda state: _moving(state.sensors),
        exists_fn=_radar_reports("movement_energy"),
        parts=frozenset({"sensors"}),
        readings=frozenset({"movement_energy", "occupancy_state", "occupancy_valid"}),
        available_fn=_radar_valid("movement_energy"),
    ),
    IntecularBinarySensorDescription(
        key="faceplate_connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        translation_key="faceplate_connected",
        entity_category=EntityCategory.DIAGNOSTIC,
        faceplate=True,
        # It tells that the faceplate is gone, so it stays available while the outlet is.
        needs_faceplate=False,
        # Attached, online (PM.online) and pushing its sensors.
        is_on_fn=lambda state: state.faceplate_available,
        exists_fn=lambda state: state.info.faceplate_online,
        parts=frozenset({"info", "sensors_fresh"}),
    ),
)


MQTT_BROKER = IntecularBinarySensorDescription(
    key="mqtt_broker",
    translation_key="mqtt_broker",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
    # Only of interest to those who use the outlet's own MQTT client.
    entity_registry_enabled_default=False,
    is_on_fn=broker_connected,
    exists_fn=lambda state: state.config is not None and state.config.mqtt is not None,
    parts=frozenset({"config", "mqtt_connected"}),
)

BINARY_SENSORS: tuple[IntecularBinarySensorDescription, ...] = (
    MQTT_BROKER,
    *FACEPLATE_BINARY_SENSORS,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntecularConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors this outlet has, radar ones once it reports them."""
    async_add_when_reported(
        entry, async_add_entities, Platform.BINARY_SENSOR, BINARY_SENSORS, IntecularBinarySensor
    )


class IntecularBinarySensor(IntecularEntity, BinarySensorEntity):
    """A binary sensor driven by a description."""

    entity_description: IntecularBinarySensorDescription

    def _parts_read(self, description: IntecularEntityDescription) -> frozenset[str] | None:
        """Of the readings, only the fields it shows (``readings``)."""
        parts = super()._parts_read(description)
        if (
            parts is None
            or "sensors" not in parts
            or not isinstance(description, IntecularBinarySensorDescription)
            or description.readings is None
        ):
            return parts
        return parts - {"sensors"} | {f"sensors.{name}" for name in description.readings}

    @property
    def available(self) -> bool:
        """Available while what it reads is (see ``available_fn``)."""
        return super().available and self.entity_description.available_fn(self.coordinator.data)

    @property
    def is_on(self) -> bool | None:
        """The current reading."""
        return self.entity_description.is_on_fn(self.coordinator.data)

    def _fingerprint(self) -> Hashable:
        return self.is_on
