"""Small value types of the simulated device's state, and their wire forms (§6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .wire import ColorMode


@dataclass(frozen=True, slots=True)
class Outlets:
    """Both outlets (callback 9: ``[outlet1, outlet2]``, 1 = on)."""

    outlet_1: bool
    outlet_2: bool

    def is_on(self, outlet: int) -> bool:
        """Outlet 1 or 2."""
        return self.outlet_1 if outlet == 1 else self.outlet_2

    def switched(self, outlet: int, on: bool) -> Outlets:
        """These outlets with one of them switched."""
        return Outlets(on, self.outlet_2) if outlet == 1 else Outlets(self.outlet_1, on)

    def to_args(self) -> list[int]:
        """``callbackArgs`` of 9."""
        return [int(self.outlet_1), int(self.outlet_2)]


@dataclass(frozen=True, slots=True)
class Nightlight:
    """The Pro's white nightlight (callback 15: ``[on, brightness 0-100]``)."""

    on: bool
    brightness: int

    def to_args(self) -> list[int]:
        """``callbackArgs`` of 15."""
        return [int(self.on), self.brightness]


@dataclass(frozen=True, slots=True)
class Led:
    """One LED of a colour array; 18 reports both its HSV pair and its kelvin."""

    on: bool
    brightness: int
    hue: int
    saturation: int
    kelvin: int

    def to_args(self) -> list[Any]:
        """``[state, brightness, [hue, saturation], kelvin]`` as in an 18 report."""
        return [int(self.on), self.brightness, [self.hue, self.saturation], self.kelvin]


@dataclass(frozen=True, slots=True)
class ColorLight:
    """What 18 reports for one array: selector, mode, LEDs and the effect settings."""

    selector: int
    mode: int
    leds: tuple[Led, ...]
    speed: int = 0
    random: bool = False
    random_brightness: int = 50

    @property
    def color_mode(self) -> ColorMode:
        """The mode as an enum."""
        return ColorMode(self.mode)

    @property
    def is_on(self) -> bool:
        """Whether any LED is on."""
        return any(led.on for led in self.leds)

    def to_args(self) -> list[Any]:
        """``callbackArgs`` of 18 (a 17 command accepts the same, protocol.md §6 / 17)."""
        return [
            self.selector,
            self.mode,
            [led.to_args() for led in self.leds],
            self.speed,
            int(self.random),
            self.random_brightness,
        ]
