"""Callbacks 17 and 18: an Aura colour LED array, its validation and its report.

Rules enforced on a 17 command (protocol.md §6, callback 17); anything else is
refused with ``PUBACK: 0`` and changes nothing:

* ``[selector, mode, [entries], speed?, random?, random_brightness?]``; mode 1-7,
  speed 0-7, random 0/1, random brightness 0-100. Omitted trailing values keep
  their previous setting.
* An entry is ``[state, brightness, [hue, sat]]``, ``[state, brightness, kelvin]``
  or the full form ``[state, brightness, [hue, sat], kelvin]``: state 0/1,
  brightness 0-100, hue 0-360, saturation 0-100, kelvin 1000-40000, all integers.
  Modes other than 2 need the hue/saturation pair, mode 2 needs a kelvin value.
* Static HSV (1): one entry (applied to every LED), or one per LED for the first
  LEDs: fewer entries than the array has LEDs change only the first ones, as the
  evidence sends them (protocol.md §11 item 39). Static temperature (2): one to one
  per LED, for the first LEDs (a single entry is not broadcast). Breathing,
  strobing, colour cycle and rainbow (3-6): 1-9 colours. Starry night (7): exactly
  2 colours. With ``random`` 1 an effect ignores its colours: their number is not
  checked (none keeps the colours it had), each one sent must still be well formed.

Assumption for the 18 report: static modes report one full entry per LED; effect
modes report the colours exactly as they were sent (in the full form, the kelvin
value taken from the LED at the same position).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from .models import ColorLight, Led
from .wire import EFFECT_SPEED_MAX, KELVIN_MAX, KELVIN_MIN, ColorMode, LightSelector

MAX_EFFECT_COLORS: Final = 9
STARRY_NIGHT_COLORS: Final = 2


class InvalidColorCommandError(ValueError):
    """A 17 command the device refuses."""


def _int(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidColorCommandError(f"{what} must be an integer {low}-{high}: {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class _Entry:
    on: bool
    brightness: int
    hs: tuple[int, int] | None
    kelvin: int | None


def _entry(raw: Any) -> _Entry:
    if not isinstance(raw, list) or len(raw) not in (3, 4):
        raise InvalidColorCommandError(f"bad LED entry {raw!r}")
    on = _int(raw[0], "LED state", 0, 1) == 1
    brightness = _int(raw[1], "LED brightness", 0, 100)
    hs: tuple[int, int] | None = None
    kelvin: int | None = None
    colour = raw[2]
    if isinstance(colour, list):
        if len(colour) != 2:
            raise InvalidColorCommandError(f"bad hue/saturation {colour!r}")
        hs = (_int(colour[0], "hue", 0, 360), _int(colour[1], "saturation", 0, 100))
    else:
        kelvin = _int(colour, "kelvin", KELVIN_MIN, KELVIN_MAX)
    if len(raw) == 4:
        if hs is None:
            raise InvalidColorCommandError(f"bad LED entry {raw!r}")
        kelvin = _int(raw[3], "kelvin", KELVIN_MIN, KELVIN_MAX)
    return _Entry(on, brightness, hs, kelvin)


def _check_count(mode: ColorMode, count: int, leds: int) -> None:
    if mode is ColorMode.STATIC_HSV or mode is ColorMode.STATIC_TEMPERATURE:
        allowed = 1 <= count <= leds
    elif mode is ColorMode.STARRY_NIGHT:
        allowed = count == STARRY_NIGHT_COLORS
    else:
        allowed = 1 <= count <= MAX_EFFECT_COLORS
    if not allowed:
        raise InvalidColorCommandError(f"{count} entries are not valid for mode {mode.name}")


def _apply(led: Led, entry: _Entry) -> Led:
    hue, sat = entry.hs if entry.hs is not None else (led.hue, led.saturation)
    kelvin = entry.kelvin if entry.kelvin is not None else led.kelvin
    return Led(entry.on, entry.brightness, hue, sat, kelvin)


class ColorArray:
    """One LED array (nightlight, selector 5, or indicator, selector 7)."""

    def __init__(self, selector: LightSelector, led: Led) -> None:
        """An array in static HSV mode with every LED set to ``led``."""
        self.selector = selector
        self.mode = ColorMode.STATIC_HSV
        self.leds: tuple[Led, ...] = (led,) * selector.led_count
        self.colors: tuple[Led, ...] = ()
        self.speed = 0
        self.random = False
        self.random_brightness = 50

    @property
    def light(self) -> ColorLight:
        """What 18 reports."""
        leds = self.colors if self.mode.is_effect else self.leds
        return ColorLight(
            int(self.selector),
            int(self.mode),
            leds,
            self.speed,
            self.random,
            self.random_brightness,
        )

    def to_args(self) -> list[Any]:
        """``callbackArgs`` of an 18 reply or push."""
        return self.light.to_args()

    def apply(self, args: list[Any]) -> None:
        """Carry out a validated 17 command (``args[0]`` is this array's selector)."""
        if not 3 <= len(args) <= 6:
            raise InvalidColorCommandError(f"expected 3-6 arguments, got {len(args)}")
        mode = ColorMode(_int(args[1], "mode", ColorMode.STATIC_HSV, ColorMode.STARRY_NIGHT))
        if not isinstance(args[2], list):
            raise InvalidColorCommandError("the LED list is not an array")
        entries = [_entry(raw) for raw in args[2]]
        trailing = args[3:]
        speed = _int(trailing[0], "speed", 0, EFFECT_SPEED_MAX) if trailing else self.speed
        rand = _int(trailing[1], "random", 0, 1) == 1 if len(trailing) > 1 else self.random
        if not (rand and mode.is_effect):  # random colours: the ones sent are ignored
            _check_count(mode, len(entries), len(self.leds))
        needs_kelvin = mode is ColorMode.STATIC_TEMPERATURE
        for entry in entries:
            if (entry.kelvin if needs_kelvin else entry.hs) is None:
                raise InvalidColorCommandError(f"mode {mode.name} needs other LED entries")
        level = (
            _int(trailing[2], "random brightness", 0, 100)
            if len(trailing) > 2
            else self.random_brightness
        )
        self._set(mode, entries)
        self.speed, self.random, self.random_brightness = speed, rand, level

    def _set(self, mode: ColorMode, entries: list[_Entry]) -> None:
        self.mode = mode
        leds = list(self.leds)
        if mode.is_effect:
            last = len(leds) - 1
            colors = tuple(_apply(leds[min(i, last)], entry) for i, entry in enumerate(entries))
            # random colours sent without any: the report keeps the colours it had
            self.colors = colors or self.colors or (leds[0],)
        elif mode is ColorMode.STATIC_HSV and len(entries) == 1:
            self.leds = tuple(_apply(led, entries[0]) for led in leds)
        else:  # one entry per LED from the first; a single temperature is not broadcast
            changed = [_apply(led, e) for led, e in zip(leds, entries, strict=False)]
            self.leds = (*changed, *leds[len(changed) :])


def default_arrays() -> dict[int, ColorArray]:
    """An Aura fresh from the factory: nightlight off, indicator dim warm white."""
    return {
        LightSelector.NIGHTLIGHT: ColorArray(
            LightSelector.NIGHTLIGHT, Led(False, 60, 28, 85, 3000)
        ),
        LightSelector.INDICATOR: ColorArray(LightSelector.INDICATOR, Led(True, 40, 30, 20, 4000)),
    }
