"""The immutable picture of one outlet that entities read: read whole, changed by pushes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any, Final

from .api import (
    Accessory,
    AccessoryNames,
    AvailableUpdates,
    ColorLight,
    DeviceConfig,
    FaceplateInfo,
    IntecularClient,
    IntecularCommandRefusedError,
    IntecularProtocolError,
    IntecularTimeoutError,
    LightSelector,
    Nightlight,
    OutletInfo,
    OutletStates,
    Push,
    SensorReadings,
)

# The labels an outlet ships with (callback 3). Such a name is no choice of the user, so
# the entity keeps its translated name (which reads right in every language).
DEFAULT_ACCESSORY_NAMES: Final = {
    Accessory.OUTLET_1: "Outlet 1",
    Accessory.OUTLET_2: "Outlet 2",
    Accessory.NIGHTLIGHT: "Nightlight",
}


class FaceplateKind(StrEnum):
    """Which faceplate sits on the outlet; decides which entities exist."""

    PRO = "pro"
    AURA = "aura"
    BASIC = "basic"

    @classmethod
    def of(cls, faceplate: FaceplateInfo | None) -> FaceplateKind | None:
        """The kind of a reported faceplate (None when there is none)."""
        if faceplate is None:
            return None
        if faceplate.is_aura:
            return cls.AURA
        return cls.PRO if faceplate.is_pro else cls.BASIC

    @classmethod
    def fitted(cls, info: OutletInfo) -> FaceplateKind | None:
        """The kind of the faceplate the outlet reports attached and online.

        The outlet leaves its faceplate out of device info while it is off or taken
        away; an offline faceplate it still lists proves no more than that.
        """
        return cls.of(info.faceplate) if info.faceplate_online else None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceState:
    """Everything known about one outlet; replaced, never mutated."""

    info: OutletInfo
    outlets: OutletStates
    config: DeviceConfig | None = None
    names: AccessoryNames | None = None
    nightlight: Nightlight | None = None
    color_light: ColorLight | None = None
    indicator_light: ColorLight | None = None
    sensors: SensorReadings | None = None
    # False while the faceplate has not pushed sensors for SENSOR_SILENCE_TIMEOUT.
    sensors_fresh: bool = True
    updates: AvailableUpdates | None = None
    # Whether the outlet's own MQTT client reaches its broker (the MQTT check, 27/0);
    # None while MQTT is off in its configuration or not checked yet.
    mqtt_connected: bool | None = None

    @property
    def faceplate(self) -> FaceplateInfo | None:
        """The faceplate as device info reports it."""
        return self.info.faceplate

    @property
    def faceplate_available(self) -> bool:
        """Whether faceplate readings are live: attached, online and pushing."""
        return self.info.faceplate_online and self.sensors_fresh

    def accessory_name(self, accessory: Accessory) -> str | None:
        """The name the user gave an accessory in the vendor app; None when it has none."""
        if self.names is None or (name := self.names.get(accessory)) is None:
            return None
        return None if name == DEFAULT_ACCESSORY_NAMES[accessory] else name

    def color_array(self, selector: LightSelector) -> ColorLight | None:
        """The colour array behind a selector."""
        if selector is LightSelector.NIGHTLIGHT:
            return self.color_light
        return self.indicator_light

    def with_color_array(self, light: ColorLight) -> DeviceState:
        """A copy with one colour array replaced (by its selector); self if unchanged."""
        if light.selector == LightSelector.NIGHTLIGHT and light != self.color_light:
            return replace(self, color_light=light)
        if light.selector == LightSelector.INDICATOR and light != self.indicator_light:
            return replace(self, indicator_light=light)
        return self


def apply_push(state: DeviceState, push: Push) -> DeviceState:
    """The state after a push; the same object when the push changes nothing."""
    match push:
        case OutletStates():
            changed = push != state.outlets
            return replace(state, outlets=push) if changed else state
        case SensorReadings():
            if push == state.sensors and state.sensors_fresh:
                return state
            return replace(state, sensors=push, sensors_fresh=True)
        case Nightlight():
            return replace(state, nightlight=push) if push != state.nightlight else state
        case ColorLight():
            return state.with_color_array(push)
        case OutletInfo():
            return replace(state, info=push) if push != state.info else state
    return state


async def read_essentials(
    client: IntecularClient, config_timeout: float
) -> tuple[OutletInfo, Callable[[], Awaitable[tuple[OutletStates, DeviceConfig | None]]]]:
    """Read what identifies the outlet (12); the rest of the essentials follows on call.

    The caller checks the identity before asking for more: nothing else is read from
    (or applied of) an outlet that is not the expected one. The outlets (9) are needed;
    the configuration (1) only when it answers within ``config_timeout`` (None then).
    """
    info = await client.get_device_info()

    async def rest() -> tuple[OutletStates, DeviceConfig | None]:
        outlets, config = await asyncio.gather(
            client.get_outlets(), _within(client.get_config, config_timeout)
        )
        return outlets, config

    return info, rest


async def _within[T](read: Callable[[], Awaitable[T]], timeout: float) -> T | None:
    """A read that may be slow, refused or unreadable: None then (read again later)."""
    try:
        async with asyncio.timeout(timeout):
            return await read()
    except (
        TimeoutError,
        IntecularTimeoutError,
        IntecularCommandRefusedError,
        IntecularProtocolError,
    ):
        return None


class Part(StrEnum):
    """A part of the state that is read after loading; the outlet may not answer it.

    Each is the ``DeviceState`` field it fills. A part the outlet does not answer stays
    unknown (its entities unavailable or unknown) and is asked again later.
    """

    CONFIG = "config"
    NAMES = "names"
    SENSORS = "sensors"
    NIGHTLIGHT = "nightlight"
    COLOR_LIGHT = "color_light"
    INDICATOR_LIGHT = "indicator_light"
    MQTT = "mqtt_connected"


def parts_to_read(state: DeviceState, *, config: bool) -> list[Part]:
    """The optional parts this outlet has now, in the order they are read.

    ``config``: the configuration too (it was slow to answer with the essentials). A
    faceplate that is offline keeps its last readings (its entities unavailable); MQTT
    status is asked only while MQTT is on in the configuration.
    """
    kind = FaceplateKind.fitted(state.info)
    parts = [Part.CONFIG, Part.NAMES] if config else [Part.NAMES]
    if kind is not None:
        parts.append(Part.SENSORS)
    if kind is FaceplateKind.PRO:
        parts.append(Part.NIGHTLIGHT)
    if kind is FaceplateKind.AURA:
        parts += [Part.COLOR_LIGHT, Part.INDICATOR_LIGHT]
    mqtt = state.config.mqtt if state.config is not None else None
    if mqtt is not None and mqtt.enabled:
        parts.append(Part.MQTT)
    return parts


async def read_part(client: IntecularClient, part: Part) -> Any:
    """Ask the outlet for one part; raises what the client raises."""
    match part:
        case Part.CONFIG:
            return await client.get_config()
        case Part.NAMES:
            return await client.get_accessory_names()
        case Part.SENSORS:
            return await client.get_sensors()
        case Part.NIGHTLIGHT:
            return await client.get_nightlight()
        case Part.COLOR_LIGHT:
            return await client.get_color_light(LightSelector.NIGHTLIGHT)
        case Part.INDICATOR_LIGHT:
            return await client.get_color_light(LightSelector.INDICATOR)
        case Part.MQTT:
            return await client.check_mqtt()


def with_part(state: DeviceState, part: Part, value: Any) -> DeviceState:
    """The state with one part replaced (the same object when it is unchanged)."""
    if getattr(state, part.value) == value:
        return state
    if part is Part.SENSORS:
        return replace(state, sensors=value, sensors_fresh=True)
    changed: DeviceState = replace(state, **{part.value: value})
    return changed


def changed_fields(old: DeviceState, new: DeviceState) -> list[str]:
    """The names of the fields that differ between two states."""
    return [f.name for f in fields(DeviceState) if getattr(old, f.name) != getattr(new, f.name)]
