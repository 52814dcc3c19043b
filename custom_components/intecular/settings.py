"""The outlet's accessory settings (``acc_prefs`` of callbacks 1 and 2) as entities.

Each setting is one key of the configuration; switch.py and number.py turn these
rows into entities. A setting exists only when the outlet reports its key: keys of
features the fitted faceplate lacks (or every faceplate key, without a faceplate)
are left out of the configuration by the outlet itself.

Writes are partial: only the changed key goes out with callback 2, and once the
outlet acknowledged it the state shows the new value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from homeassistant.const import PERCENTAGE, UnitOfTime
from homeassistant.exceptions import ServiceValidationError

from .api import IntecularClient
from .api.config import nest_pref
from .const import DOMAIN
from .state import DeviceState


@dataclass(frozen=True, kw_only=True)
class Setting:
    """One ``acc_prefs`` key shown as an entity."""

    key: str
    path: str
    faceplate: bool
    translation_key: str = ""
    placeholders: dict[str, str] = field(default_factory=dict)

    @property
    def name_key(self) -> str:
        """The translation key of the entity's name."""
        return self.translation_key or self.key


@dataclass(frozen=True, kw_only=True)
class NumberSetting(Setting):
    """A numeric setting, with its range."""

    minimum: int
    maximum: int
    unit: str
    slider: bool = True
    # The other end of a min/max pair: (path, True when this one is the minimum).
    pair: tuple[str, bool] | None = None


SWITCH_SETTINGS: tuple[Setting, ...] = (
    Setting(key="indicator_lights", path="outletPwrIndicatorOn", faceplate=True),
    Setting(key="touch_control", path="capacitiveCtrl", faceplate=True),
    Setting(key="magic_touch", path="magicTouchCtrl", faceplate=True),
    Setting(key="air_quality_color", path="aqiColorRGBFeature", faceplate=True),
    Setting(key="security_alert", path="motionAwayFeature", faceplate=True),
    Setting(key="adaptive_nightlight", path="adaptiveNightlightFeature", faceplate=True),
    Setting(key="occupancy_nightlight", path="occupancyNightlightFeature", faceplate=True),
    Setting(
        key="nightlight_override",
        path="overrideAdaptiveOccupancyNightlightFeature",
        faceplate=True,
    ),
    Setting(key="away_simulation", path="homeAwayMode.enabled", faceplate=False),
    Setting(
        key="away_simulation_outlet_1",
        translation_key="away_simulation_outlet",
        placeholders={"number": "1"},
        path="homeAwayMode.outlet1Enabled",
        faceplate=False,
    ),
    Setting(
        key="away_simulation_outlet_2",
        translation_key="away_simulation_outlet",
        placeholders={"number": "2"},
        path="homeAwayMode.outlet2Enabled",
        faceplate=False,
    ),
    Setting(
        key="away_simulation_nightlight",
        path="homeAwayMode.nightlightEnabled",
        faceplate=False,
    ),
)


def _brightness(
    key: str,
    path: str,
    *,
    faceplate: bool,
    minimum: int = 0,
    pair: tuple[str, bool] | None = None,
) -> NumberSetting:
    return NumberSetting(
        key=key,
        path=path,
        faceplate=faceplate,
        minimum=minimum,
        maximum=100,
        unit=PERCENTAGE,
        pair=pair,
    )


def _duration(key: str, path: str, pair: tuple[str, bool]) -> NumberSetting:
    # The unit is undocumented; the factory values (15-45 on, 10-30 off) read as minutes.
    return NumberSetting(
        key=key,
        path=path,
        faceplate=False,
        minimum=1,
        maximum=1440,
        unit=UnitOfTime.MINUTES,
        slider=False,
        pair=pair,
    )


_ADAPTIVE_MIN = "adaptiveMinBrightness"
_ADAPTIVE_MAX = "adaptiveMaxBrightness"
_AWAY_MIN = "homeAwayMode.minBrightness"
_AWAY_MAX = "homeAwayMode.maxBrightness"
_ON_MIN, _ON_MAX = "homeAwayMode.minOnDuration", "homeAwayMode.maxOnDuration"
_OFF_MIN, _OFF_MAX = "homeAwayMode.minOffDuration", "homeAwayMode.maxOffDuration"

NUMBER_SETTINGS: tuple[NumberSetting, ...] = (
    # The vendor documents 1-100: the indicators cannot be dimmed to nothing here.
    _brightness("indicator_brightness", "pmIndicatorBrightness", faceplate=True, minimum=1),
    _brightness(
        "adaptive_min_brightness", _ADAPTIVE_MIN, faceplate=True, pair=(_ADAPTIVE_MAX, True)
    ),
    _brightness(
        "adaptive_max_brightness", _ADAPTIVE_MAX, faceplate=True, pair=(_ADAPTIVE_MIN, False)
    ),
    _brightness("away_min_brightness", _AWAY_MIN, faceplate=False, pair=(_AWAY_MAX, True)),
    _brightness("away_max_brightness", _AWAY_MAX, faceplate=False, pair=(_AWAY_MIN, False)),
    _duration("away_min_on_time", _ON_MIN, (_ON_MAX, True)),
    _duration("away_max_on_time", _ON_MAX, (_ON_MIN, False)),
    _duration("away_min_off_time", _OFF_MIN, (_OFF_MAX, True)),
    _duration("away_max_off_time", _OFF_MAX, (_OFF_MIN, False)),
)


def pref(state: DeviceState, path: str) -> int | None:
    """The current value of one ``acc_prefs`` key (None when not reported)."""
    if state.config is None:
        return None
    return state.config.accessory.get(path)


def has_pref(path: str) -> Callable[[DeviceState], bool]:
    """Whether the outlet reports this key (the feature exists on this outlet)."""
    return lambda state: pref(state, path) is not None


async def write_pref(client: IntecularClient, path: str, value: int) -> None:
    """Change one key with a partial callback 2."""
    await client.set_config(acc_prefs=nest_pref(path, value))


def apply_pref(state: DeviceState, path: str, value: int) -> DeviceState:
    """The state once the outlet acknowledged the new value."""
    if state.config is None:
        return state
    return replace(state, config=state.config.replace_accessory(path, value))


def check_pair(setting: NumberSetting, state: DeviceState, value: int) -> None:
    """A minimum may not go above its maximum, nor a maximum below its minimum."""
    if setting.pair is None:
        return
    other_path, is_minimum = setting.pair
    if (other := pref(state, other_path)) is None:
        return
    if (is_minimum and value > other) or (not is_minimum and value < other):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="setting_above_maximum" if is_minimum else "setting_below_minimum",
            translation_placeholders={"value": str(value), "limit": str(other)},
        )
