"""Colour maths of the Aura's arrays: a colour report (18) as shown, colour commands (17).

Everything here works in device units (brightness 0-100, hue 0-360, saturation 0-100,
kelvin) on ``ColorLight``, which is both the colour report (18) and the command (17). Static
commands always carry one entry per LED, so the firmware sets the whole array at once
instead of animating a fill.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from homeassistant.components.light import EFFECT_OFF
from homeassistant.components.light.const import ColorMode as LightColorMode
from homeassistant.util.color import color_temperature_to_hs

from .api import ColorLed, ColorLight, ColorMode, LightSelector
from .api.protocol import KELVIN_MIN

EFFECT_MODES: Final = {
    "breathing": ColorMode.BREATHING,
    "strobing": ColorMode.STROBING,
    "color_cycle": ColorMode.COLOR_CYCLE,
    "rainbow": ColorMode.RAINBOW,
    "starry_night": ColorMode.STARRY_NIGHT,
}
EFFECT_NAMES: Final = {mode: name for name, mode in EFFECT_MODES.items()}

# Colour temperatures offered: from the device's warmest, 1000 K, to daylight, 6500 K.
# The vendor documents up to 40000 K, but the array has no white LEDs and known clients
# had to cap it at 6500 K; a request outside this range is clamped into it.
KELVIN_WARMEST: Final = KELVIN_MIN
KELVIN_COOLEST: Final = 6500

MAX_EFFECT_COLORS: Final = 9
STARRY_NIGHT_COLORS: Final = 2
# Effect speed when the device has not reported one yet (0 slowest, 7 fastest).
DEFAULT_SPEED: Final = 3
WHITE: Final = (0, 0)


@dataclass(frozen=True, slots=True)
class Look:
    """What Home Assistant shows of one array."""

    is_on: bool
    brightness: int | None
    hs: tuple[int, int] | None
    kelvin: int | None
    effect: str | None
    color_mode: LightColorMode


def look(light: ColorLight) -> Look:
    """The light as its colour report (18) shows it (including changes made in the vendor app).

    Colour and brightness are those of the brightest lit LED (or colour; the first of
    equals); an effect with random colours shows its random brightness. Static colours
    show ``EFFECT_OFF``; a mode this client does not know shows no effect. Whatever the
    device reports, what is shown stays in range: brightness 0-100, hue 0-360,
    saturation 0-100 and the offered colour temperatures.
    """
    mode = light.color_mode
    lit = [led for led in light.leds if led.on]
    # The brightest lit entry: the stars of a starry night, not its dark background.
    first = max(lit, key=lambda led: led.brightness) if lit else None
    if first is None and light.leds:
        first = light.leds[0]
    random = bool(light.random) and mode is not None and mode.is_effect
    if random and light.random_brightness is not None:
        brightness: int | None = _percent(light.random_brightness)
    else:
        brightness = max((_percent(led.brightness) for led in lit), default=None)
    hs = kelvin = None
    if mode is ColorMode.STATIC_TEMPERATURE:
        color_mode = LightColorMode.COLOR_TEMP
        if first is not None and first.kelvin is not None:
            kelvin = clamp_kelvin(first.kelvin)
    else:
        color_mode = (
            LightColorMode.BRIGHTNESS if random or mode is ColorMode.RAINBOW else LightColorMode.HS
        )
        if first is not None and first.hue is not None and first.saturation is not None:
            hs = (min(360, max(0, first.hue)), _percent(first.saturation))
    effect = None if mode is None else EFFECT_NAMES.get(mode, EFFECT_OFF)
    return Look(bool(lit), brightness, hs, kelvin, effect, color_mode)


def _percent(value: int) -> int:
    return min(100, max(0, value))


def to_percent(brightness: int) -> int:
    """Home Assistant's brightness (1-255) in the device's percent (1-100)."""
    return max(1, min(100, round(brightness * 100 / 255)))


def to_brightness(percent: int | None) -> int | None:
    """The device's percent as Home Assistant's brightness (any percent: 0-255)."""
    return None if percent is None else round(_percent(percent) * 255 / 100)


def clamp_kelvin(kelvin: float) -> int:
    """A colour temperature limited to the offered range."""
    return round(min(KELVIN_COOLEST, max(KELVIN_WARMEST, kelvin)))


def kelvin_hs(kelvin: int) -> tuple[int, int]:
    """The hue/saturation that looks like a colour temperature (effects take only colours)."""
    hue, saturation = color_temperature_to_hs(kelvin)
    return round(hue), round(saturation)


def colors_of(light: ColorLight) -> list[ColorLed]:
    """The distinct colours lit in an array, in order (a uniform array has one)."""
    found: list[ColorLed] = []
    seen: set[tuple[int, int, int]] = set()
    for led in light.leds:
        if not led.on:
            continue
        if light.color_mode is ColorMode.STATIC_TEMPERATURE and led.kelvin is not None:
            hue, sat = kelvin_hs(clamp_kelvin(led.kelvin))
        else:
            hue, sat = led.hue or 0, led.saturation or 0
        if (key := (hue, sat, led.brightness)) not in seen:
            seen.add(key)
            found.append(ColorLed(True, led.brightness, hue, sat))
    return found


def lit_again(light: ColorLight) -> ColorLight:
    """An array that was switched off, lit as it was (dark LEDs at full brightness)."""
    leds = tuple(replace(led, on=True, brightness=led.brightness or 100) for led in light.leds)
    return replace(light, leds=leds)


def with_brightness(light: ColorLight, brightness: int) -> ColorLight:
    """Scale the lit entries so the brightest shows ``brightness``; patterns keep shape."""
    top = max((led.brightness for led in light.leds if led.on), default=0)

    def scaled(value: int) -> int:
        if top == 0:
            return brightness
        return max(1, min(100, round(value * brightness / top)))

    leds = tuple(
        replace(led, brightness=scaled(led.brightness)) if led.on else led for led in light.leds
    )
    level = brightness if light.random else light.random_brightness
    return replace(light, leds=leds, random_brightness=level)


def hs_led(hs: tuple[float, float], brightness: int, *, on: bool = True) -> ColorLed:
    """One lit colour from Home Assistant's hue (0-360) and saturation (0-100)."""
    hue = min(360, max(0, round(hs[0])))
    return ColorLed(on, brightness, hue, min(100, max(0, round(hs[1]))))


def _static(
    selector: LightSelector, mode: ColorMode, leds: Sequence[ColorLed], current: ColorLight
) -> ColorLight:
    """A static command; it keeps the effect speed and brightness the device has."""
    speed = current.speed if current.speed is not None else DEFAULT_SPEED
    level = current.random_brightness if current.random_brightness is not None else 100
    return ColorLight(int(selector), mode, tuple(leds), speed, False, level)


def static_hs(
    selector: LightSelector, current: ColorLight, hs: tuple[float, float], brightness: int
) -> ColorLight:
    """Every LED the same colour."""
    leds = (hs_led(hs, brightness),) * selector.led_count
    return _static(selector, ColorMode.STATIC_HSV, leds, current)


def static_kelvin(
    selector: LightSelector, current: ColorLight, kelvin: float, brightness: int
) -> ColorLight:
    """Every LED the same colour temperature (clamped to the offered range)."""
    leds = (ColorLed(True, brightness, kelvin=clamp_kelvin(kelvin)),) * selector.led_count
    return _static(selector, ColorMode.STATIC_TEMPERATURE, leds, current)


def per_led(selector: LightSelector, current: ColorLight, leds: Sequence[ColorLed]) -> ColorLight:
    """One colour per LED (a dark one is off)."""
    return _static(selector, ColorMode.STATIC_HSV, leds, current)


def turned_off(selector: LightSelector, current: ColorLight) -> ColorLight:
    """Static mode with every LED off; the device keeps the colours for later."""
    if (
        current.color_mode in (ColorMode.STATIC_HSV, ColorMode.STATIC_TEMPERATURE)
        and len(current.leds) == selector.led_count
    ):
        leds = current.leds
    else:
        leds = (current.leds[0] if current.leds else ColorLed(False, 100, 0, 0),) * (
            selector.led_count
        )
    off = tuple(
        ColorLed(False, led.brightness, led.hue or 0, led.saturation or 0, led.kelvin)
        for led in leds
    )
    return replace(current, mode=ColorMode.STATIC_HSV, leds=off)


def effect_colors(base: ColorLight, mode: ColorMode) -> list[ColorLed]:
    """Colours for an effect taken from what the array shows now.

    Starry night takes two (background, then stars): with one colour shown, the stars
    are white. Colour cycle with one colour cycles to its complement.
    """
    colors = colors_of(base) or [ColorLed(True, 100, *WHITE)]
    if mode is ColorMode.STARRY_NIGHT:
        if len(colors) == 1:
            colors.append(ColorLed(True, colors[0].brightness, *WHITE))
        return colors[:STARRY_NIGHT_COLORS]
    if mode is ColorMode.COLOR_CYCLE and len(colors) == 1:
        only = colors[0]
        colors.append(replace(only, hue=((only.hue or 0) + 180) % 360))
    return colors[:MAX_EFFECT_COLORS]


def effect(
    selector: LightSelector,
    mode: ColorMode,
    colors: Sequence[ColorLed],
    *,
    speed: int,
    random: bool,
    brightness: int,
) -> ColorLight:
    """An on-device effect with its colours."""
    return ColorLight(int(selector), mode, tuple(colors), speed, random, brightness)


def recolored(light: ColorLight, hs: tuple[float, float]) -> ColorLight:
    """The running effect with a new colour (starry night: new stars, same background)."""
    new = hs_led(hs, look(light).brightness or 100)
    if light.color_mode is ColorMode.STARRY_NIGHT and light.leds:
        colors: tuple[ColorLed, ...] = (light.leds[0], new)
    else:
        colors = (new,)
    return replace(light, leds=colors, random=False)
