"""The immutable picture of one outlet that entities read, and how a push changes it."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, fields
from enum import StrEnum
from itertools import compress, repeat
from operator import attrgetter, is_not
from typing import Any, Final

from .api import (
    Accessory,
    AccessoryNames,
    AvailableUpdates,
    ColorLight,
    DeviceConfig,
    FaceplateInfo,
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

    @property
    def mqtt_enabled(self) -> bool:
        """Whether the outlet's own MQTT client is switched on in its configuration."""
        mqtt = self.config.mqtt if self.config is not None else None
        return mqtt is not None and bool(mqtt.enabled)

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
            return self.evolve(color_light=light)
        if light.selector == LightSelector.INDICATOR and light != self.indicator_light:
            return self.evolve(indicator_light=light)
        return self

    def evolve(self, **changes: Any) -> DeviceState:
        """A copy with ``changes`` (fields by name): ``dataclasses.replace`` for the push path.

        ``replace`` checks and rebuilds every field through the frozen ``__init__``, some
        450 bytecodes per push; this copies the slots in one C loop, then sets the
        changes. The changes are the caller's to get right: only ``DeviceState`` fields
        (another name raises), no checks.
        """
        new = _new(DeviceState)
        _consume(map(_set, repeat(new), STATE_FIELDS, _all_fields(self)))
        for name, value in changes.items():
            _set(new, name, value)
        return new


def apply_push(state: DeviceState, push: Push) -> DeviceState:
    """The state after a push; the same object when the push changes nothing.

    A repeated push is usually the very model shown (the client hands on the one it
    parsed last time): identity settles it before any comparison. Only the fields
    ``pushed_fields`` names can change.
    """
    match push:
        case OutletStates():
            if push is state.outlets or push == state.outlets:
                return state
            return state.evolve(outlets=push)
        case SensorReadings():
            if (push is state.sensors or push == state.sensors) and state.sensors_fresh:
                return state
            return state.evolve(sensors=push, sensors_fresh=True)
        case Nightlight():
            if push is state.nightlight or push == state.nightlight:
                return state
            return state.evolve(nightlight=push)
        case ColorLight():
            return state.with_color_array(push)
        case OutletInfo():
            return state if push is state.info or push == state.info else state.evolve(info=push)
    return state


def pushed_part(push: Push) -> str | None:
    """The ``DeviceState`` field a push reports (None: an event, no part of the state)."""
    part = _PUSHED_PART.get(type(push))
    if part is not None or not isinstance(push, ColorLight):
        return part
    if push.selector == LightSelector.NIGHTLIGHT:
        return "color_light"
    return "indicator_light" if push.selector == LightSelector.INDICATOR else None


def pushed(push: Push) -> tuple[str | None, tuple[str, ...]]:
    """``pushed_part``, and the ``DeviceState`` fields ``apply_push`` may change for ``push``.

    One look-up for the usual pushes (the pipeline asks for both on every push).
    """
    if (route := _PUSHED.get(type(push))) is not None:
        return route
    part = pushed_part(push)
    return part, () if part is None else (part,)


_PUSHED_PART: Final[dict[type, str]] = {
    OutletStates: "outlets",
    SensorReadings: "sensors",
    Nightlight: "nightlight",
    OutletInfo: "info",
}
_SENSOR_FIELDS: Final = ("sensors", "sensors_fresh")
_PUSHED: Final[dict[type, tuple[str | None, tuple[str, ...]]]] = {
    kind: (part, _SENSOR_FIELDS if kind is SensorReadings else (part,))
    for kind, part in _PUSHED_PART.items()
}


# The names of DeviceState's fields, which are also the parts entities declare they read.
STATE_FIELDS: Final = tuple(f.name for f in fields(DeviceState))


def changed_fields(
    old: DeviceState, new: DeviceState, among: tuple[str, ...] = STATE_FIELDS
) -> list[str]:
    """The names of the fields that differ between two states (of ``among``, when known).

    An unchanged part keeps its object, so identity settles most fields at once.
    """
    if among is STATE_FIELDS:
        # every field: compared in C first by identity, then the few that differ by value
        maybe = compress(STATE_FIELDS, map(is_not, _all_fields(old), _all_fields(new)))
        among = tuple(maybe)
    return [
        name
        for name in among
        if (a := getattr(old, name)) is not (b := getattr(new, name)) and a != b
    ]


_all_fields: Final = attrgetter(*STATE_FIELDS)


_new: Final = object.__new__
_set: Final = object.__setattr__
# Runs an iterator to its end in C, keeping nothing (the slot copies of ``evolve``).
_consume: Final = deque[object](maxlen=0).extend
