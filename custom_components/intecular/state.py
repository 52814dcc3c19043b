"""The immutable picture of one outlet that entities read: read whole, changed by pushes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial
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
    # Whether the outlet's own MQTT client reaches its broker (27/0); None while MQTT is
    # off in its configuration or not checked yet.
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


async def read_state(client: IntecularClient, previous: DeviceState | None) -> DeviceState:
    """Read everything at once: device info first, then the rest in parallel.

    Parts the outlet refuses (a faceplate it does not have) stay None. While the
    faceplate is offline its last readings are kept; its entities are unavailable.
    """
    info = await client.get_device_info()
    kind = FaceplateKind.of(info.faceplate)
    online = info.faceplate_online
    pro = online and kind is FaceplateKind.PRO
    aura = online and kind is FaceplateKind.AURA
    # Coroutines are created inside their tasks, so a cancelled read leaves none unawaited.
    reads: list[Callable[[], Awaitable[Any]]] = [
        client.get_outlets,
        _optional(client.get_config),
        _optional(client.get_accessory_names),
        _optional(client.get_sensors) if online else _none,
        _optional(client.get_nightlight) if pro else _none,
        _optional(partial(client.get_color_light, LightSelector.NIGHTLIGHT)) if aura else _none,
        _optional(partial(client.get_color_light, LightSelector.INDICATOR)) if aura else _none,
    ]
    outlets, config, names, sensors, nightlight, color, indicator = await asyncio.gather(
        *(read() for read in reads)
    )
    mqtt_connected = await _mqtt_connected(client, config)
    if previous is not None and not online:
        sensors, nightlight = previous.sensors, previous.nightlight
        color, indicator = previous.color_light, previous.indicator_light
    return DeviceState(
        info=info,
        outlets=outlets,
        config=config,
        names=names,
        # The update check (20) is not part of this read: update_check.py keeps it.
        updates=previous.updates if previous is not None else None,
        mqtt_connected=mqtt_connected,
        sensors=sensors,
        nightlight=nightlight,
        color_light=color,
        indicator_light=indicator,
    )


async def _mqtt_connected(client: IntecularClient, config: DeviceConfig | None) -> bool | None:
    """The broker connection (27/0), asked only when MQTT is on in the configuration."""
    if config is None or config.mqtt is None or not config.mqtt.enabled:
        return None
    return await client.check_mqtt()


def _optional[T](read: Callable[[], Awaitable[T]]) -> Callable[[], Awaitable[T | None]]:
    """A read the outlet may refuse (a part it does not have): None then."""

    async def optional() -> T | None:
        try:
            return await read()
        except IntecularCommandRefusedError:
            return None

    return optional


async def _none() -> None:
    return None
