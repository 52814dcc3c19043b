"""Callbacks 14/15 and 17/18: the faceplate's nightlight and colour LED arrays.

The Pro has a white nightlight (15), the Aura two colour arrays (18). An 18 report is
refused only when its selector (which array) or its LED list is unusable; every other
value is read on its own (protocol.py, "lenient reading").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import FrameError
from .protocol import (
    EFFECT_SPEED_MAX,
    KELVIN_MAX,
    KELVIN_MIN,
    ColorMode,
    as_flag,
    as_int,
    as_list,
    clamp,
    clamped_int,
    lenient,
)

# --- nightlight (14, 15) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Nightlight:
    """The Pro's white nightlight (callback 15)."""

    on: bool
    brightness: int

    @classmethod
    def from_args(cls, args: Any) -> Nightlight:
        """Parse ``[on, brightness]``; any mode above 0 counts as on."""
        values = as_list(args, "nightlight", 2)
        return cls(
            as_int(values[0], "nightlight state") > 0,
            clamp(as_int(values[1], "nightlight brightness"), 0, 100),
        )

    def to_args(self) -> list[int]:
        """Wire form ``[on, brightness]``."""
        return [int(self.on), self.brightness]


# --- colour light (17, 18) ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColorLed:
    """One LED of a colour array. 18 reports hue/saturation and kelvin, either may lack."""

    on: bool
    brightness: int
    hue: int | None = None
    saturation: int | None = None
    kelvin: int | None = None

    @classmethod
    def from_args(cls, entry: Any) -> ColorLed:
        """Parse ``[state, brightness, [hue, sat]?, kelvin?]`` in any combination.

        State and brightness make the entry (FrameError without them); brightness,
        hue, saturation and kelvin are clamped into their documented ranges; an
        unreadable hue/saturation pair or kelvin is unknown (None).
        """
        values = as_list(entry, "LED", 2)
        hue = saturation = kelvin = None
        for extra in values[2:4]:
            if isinstance(extra, list):
                if len(extra) >= 2:  # [hue, saturation]
                    hue = clamped_int(extra[0], "hue", 0, 360)
                    saturation = clamped_int(extra[1], "saturation", 0, 100)
                    if hue is None or saturation is None:
                        hue = saturation = None
            else:
                kelvin = clamped_int(extra, "kelvin", KELVIN_MIN, KELVIN_MAX)
        return cls(
            as_flag(values[0], "LED state"),
            clamp(as_int(values[1], "LED brightness"), 0, 100),
            hue,
            saturation,
            kelvin,
        )

    def to_args(self, mode: int | None = None) -> list[Any]:
        """Wire form: the temperature or HSV entry for a 17 command, or the full 18 entry."""
        entry: list[Any] = [int(self.on), self.brightness]
        if mode == ColorMode.STATIC_TEMPERATURE:
            entry.append(self.kelvin)
            return entry
        entry.append([self.hue or 0, self.saturation or 0])
        if mode is None and self.kelvin is not None:
            entry.append(self.kelvin)
        return entry


@dataclass(frozen=True, slots=True)
class ColorLight:
    """State of, or command for, one colour LED array (callbacks 17 and 18)."""

    selector: int
    mode: int
    leds: tuple[ColorLed, ...]
    speed: int | None = None
    random: bool | None = None
    random_brightness: int | None = None

    @classmethod
    def from_args(cls, args: Any) -> ColorLight:
        """Parse ``[selector, mode, [leds...], speed?, random?, level?]``.

        Refused only when the selector (which array) or the LED list is unusable. An
        LED entry without a readable state and brightness is left out; an unreadable
        mode is 0 (no mode this client knows); speed (0-7) and the random brightness
        (0-100) are clamped, and unknown (None) when unreadable, as is the random flag.
        """
        values = as_list(args, "colour light", 3)
        selector = as_int(values[0], "selector")
        leds: list[ColorLed] = []
        for entry in as_list(values[2], "LED list"):
            try:
                leds.append(ColorLed.from_args(entry))
            except FrameError:
                continue
        trailing = [*values[3:6], None, None, None]
        return cls(
            selector,
            lenient(as_int, values[1], "mode") or 0,
            tuple(leds),
            clamped_int(trailing[0], "speed", 0, EFFECT_SPEED_MAX),
            lenient(as_flag, trailing[1], "random"),
            clamped_int(trailing[2], "random brightness", 0, 100),
        )

    def to_args(self, *, command: bool = False) -> list[Any]:
        """Wire form of a 17 command (``command=True``) or an 18 reply/push."""
        mode = self.mode if command else None
        args: list[Any] = [self.selector, self.mode, [led.to_args(mode) for led in self.leds]]
        for value in (self.speed, self.random, self.random_brightness):
            if value is None:
                break
            args.append(int(value))
        return args

    @property
    def color_mode(self) -> ColorMode | None:
        """The mode as an enum, or None for a mode this client does not know."""
        try:
            return ColorMode(self.mode)
        except ValueError:
            return None

    @property
    def is_on(self) -> bool:
        """An array is on when any LED is on (effects: when the device runs one)."""
        return any(led.on for led in self.leds)
