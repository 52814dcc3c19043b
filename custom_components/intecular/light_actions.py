"""The Aura light's actions: the lights they target, their schemas, their input checked.

Bad input raises a translated ``ServiceValidationError`` and nothing reaches the outlet.
The schemas only take the shape apart; ranges and counts are checked here so the
message can say exactly what was wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
import math
from typing import Any, Final

from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import VolDictType
from homeassistant.util.color import color_RGB_to_hs
import voluptuous as vol

from .api import ColorMode
from .api.protocol import EFFECT_SPEED_MAX
from .color_math import EFFECT_MODES, MAX_EFFECT_COLORS, STARRY_NIGHT_COLORS
from .const import DOMAIN

# The description keys of the Aura's colour lights (light.py): the actions' only targets.
# The unique id of an entity is "<outlet serial>_<key>".
COLOR_NIGHTLIGHT_KEY: Final = "color_nightlight"
INDICATOR_KEY: Final = "indicator"
COLOR_LIGHT_KEYS: Final = frozenset({COLOR_NIGHTLIGHT_KEY, INDICATOR_KEY})

SERVICE_SET_EFFECT: Final = "set_effect"
SERVICE_SET_LED_COLORS: Final = "set_led_colors"

ATTR_EFFECT: Final = "effect"
ATTR_RGB_COLORS: Final = "rgb_colors"
ATTR_HS_COLORS: Final = "hs_colors"
ATTR_SPEED: Final = "speed"
ATTR_RANDOM_COLORS: Final = "random_colors"
ATTR_BRIGHTNESS_PCT: Final = "brightness_pct"


def number(value: Any) -> float:
    """A number of action data as a float; an integer beyond any float is infinite.

    ``vol.Coerce(float)`` lets the ``OverflowError`` of ``float(10**400)`` escape (or,
    on newer releases, calls it no number); an infinite value fails the range checks
    with a translated error instead.
    """
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    result: float = vol.Coerce(float)(value)
    return result


_COLORS: VolDictType = {
    vol.Optional(ATTR_RGB_COLORS): list,
    vol.Optional(ATTR_HS_COLORS): list,
    vol.Optional(ATTR_BRIGHTNESS_PCT): number,
}
SET_EFFECT_SCHEMA: Final[VolDictType] = {
    vol.Required(ATTR_EFFECT): cv.string,
    vol.Optional(ATTR_SPEED): number,
    vol.Optional(ATTR_RANDOM_COLORS, default=False): cv.boolean,
    **_COLORS,
}
SET_LED_COLORS_SCHEMA: Final[VolDictType] = dict(_COLORS)

# A colour as the actions take it: hue 0-360 and saturation 0-100, None for black.
type Hs = tuple[int, int] | None


def invalid(key: str, **placeholders: object) -> ServiceValidationError:
    """A translated validation error."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={name: str(value) for name, value in placeholders.items()},
    )


def whole_number(field: str, value: float | None, low: int, high: int) -> int | None:
    """``value`` as an integer within ``low``..``high`` (None when not given)."""
    if value is None:
        return None
    if not float(value).is_integer() or not low <= value <= high:
        raise invalid("value_out_of_range", field=field, value=value, min=low, max=high)
    return int(value)


def speed(value: float | None) -> int | None:
    """An effect speed, 0 (slowest) to 7."""
    return whole_number(ATTR_SPEED, value, 0, EFFECT_SPEED_MAX)


def brightness(value: float | None) -> int | None:
    """A brightness in percent."""
    return whole_number(ATTR_BRIGHTNESS_PCT, value, 0, 100)


def effect_mode(name: str) -> ColorMode:
    """The device mode of an effect name."""
    if (mode := EFFECT_MODES.get(name)) is None:
        raise invalid("invalid_effect", effect=name, effects=", ".join(EFFECT_MODES))
    return mode


def colors(rgb: Sequence[Any] | None, hs: Sequence[Any] | None) -> list[Hs] | None:
    """The colours given as RGB triples or as hue/saturation pairs (None: none given)."""
    if rgb is not None and hs is not None:
        raise invalid("colors_conflict")
    if rgb is not None:
        return [_from_rgb(color) for color in rgb]
    if hs is not None:
        return [_from_hs(color) for color in hs]
    return None


def _numbers(color: Any, count: int) -> list[float]:
    if (
        not isinstance(color, (list, tuple))
        or len(color) != count
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in color)
    ):
        raise invalid("invalid_color", color=color)
    return [number(v) for v in color]


# The action editor's colour lists (services.yaml: an object selector per colour) give
# {"color": [r, g, b]} and {"hue": h, "saturation": s}; YAML gives the plain lists.
UI_RGB_FIELD: Final = "color"
UI_HUE_FIELD: Final = "hue"
UI_SATURATION_FIELD: Final = "saturation"


def _rgb_list(color: Any) -> Any:
    if isinstance(color, dict) and set(color) == {UI_RGB_FIELD}:
        return color[UI_RGB_FIELD]
    return color


def _hs_list(color: Any) -> Any:
    if isinstance(color, dict) and set(color) == {UI_HUE_FIELD, UI_SATURATION_FIELD}:
        return [color[UI_HUE_FIELD], color[UI_SATURATION_FIELD]]
    return color


def _from_rgb(color: Any) -> Hs:
    color = _rgb_list(color)
    red, green, blue = _numbers(color, 3)
    if not all(0 <= v <= 255 for v in (red, green, blue)):
        raise invalid("invalid_color", color=color)
    if red == green == blue == 0:
        return None
    hue, saturation = color_RGB_to_hs(red, green, blue)
    return round(hue), round(saturation)


def _from_hs(color: Any) -> Hs:
    color = _hs_list(color)
    hue, saturation = _numbers(color, 2)
    if not (0 <= hue <= 360 and 0 <= saturation <= 100):
        raise invalid("invalid_color", color=color)
    return round(hue), round(saturation)


def check_effect_colors(mode: ColorMode, given: Sequence[Hs]) -> None:
    """Starry night takes a background and a star colour; the other effects 1-9."""
    if mode is ColorMode.STARRY_NIGHT:
        if len(given) != STARRY_NIGHT_COLORS:
            raise invalid("wrong_color_count", count=len(given), expected=STARRY_NIGHT_COLORS)
    elif not 1 <= len(given) <= MAX_EFFECT_COLORS:
        raise invalid("wrong_color_count", count=len(given), expected=f"1-{MAX_EFFECT_COLORS}")


def check_led_colors(given: Sequence[Hs] | None, leds: int) -> Sequence[Hs]:
    """Exactly one colour per LED of the array."""
    if given is None:
        raise invalid("missing_colors")
    if len(given) != leds:
        raise invalid("wrong_led_count", count=len(given), expected=leds)
    return given
