"""Callbacks 1 and 2: the device configuration, its defaults and its validation.

Assumptions (protocol.md §9 and §11.5-6 leave these open):

* Keys for features the faceplate lacks are omitted: the Aura has no air-quality,
  motion or occupancy features; an outlet without faceplate keeps only the outlet
  part of ``homeAwayMode``.
* Callback 2 takes the object bare or as a one-element list, merges it into the
  configuration key by key (nested objects too), and refuses the whole request
  (``PUBACK: 0``, nothing changed) when any key is unknown for this outlet, any
  value has the wrong type (flags are the integers 0/1; JSON booleans are refused)
  or is out of range.
* ``sys_prefs.internet`` is read-only: the block is ignored when a client sends it
  (so writing back a whole configuration read with 1 works), never applied.
* Callback 1 reports ``mqtt.pass`` as stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import copy
from typing import Any, Final

from .options import Variant

type Validator = Callable[[Any], bool]


def _int_in(low: int, high: int) -> Validator:
    def check(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high

    return check


def _text(limit: int) -> Validator:
    def check(value: Any) -> bool:
        return isinstance(value, str) and len(value) <= limit

    return check


FLAG: Final = _int_in(0, 1)
PERCENT: Final = _int_in(0, 100)
DURATION: Final = _int_in(0, 65535)

# Every writable key, with its validator. Nested objects are nested dicts.
SCHEMA: Final[dict[str, Any]] = {
    "acc_prefs": {
        "outletPwrIndicatorOn": FLAG,
        "pmIndicatorBrightness": _int_in(1, 100),
        "capacitiveCtrl": FLAG,
        "aqiColorRGBFeature": FLAG,
        "motionAwayFeature": FLAG,
        "adaptiveNightlightFeature": FLAG,
        "adaptiveMinBrightness": PERCENT,
        "adaptiveMaxBrightness": PERCENT,
        "occupancyNightlightFeature": FLAG,
        "overrideAdaptiveOccupancyNightlightFeature": FLAG,
        "magicTouchCtrl": FLAG,
        "homeAwayMode": {
            "enabled": FLAG,
            "outlet1Enabled": FLAG,
            "outlet2Enabled": FLAG,
            "nightlightEnabled": FLAG,
            "minBrightness": PERCENT,
            "maxBrightness": PERCENT,
            "minOnDuration": DURATION,
            "maxOnDuration": DURATION,
            "minOffDuration": DURATION,
            "maxOffDuration": DURATION,
        },
    },
    "sys_prefs": {
        "mqtt": {
            "enabled": FLAG,
            "mqtt_broker_url": _text(256),
            "user": _text(64),
            "pass": _text(64),
            "qos": _int_in(0, 2),
        },
    },
}

_HOME_AWAY: Final = {
    "enabled": 0,
    "outlet1Enabled": 1,
    "outlet2Enabled": 0,
    "nightlightEnabled": 1,
    "minBrightness": 20,
    "maxBrightness": 90,
    "minOnDuration": 15,
    "maxOnDuration": 45,
    "minOffDuration": 10,
    "maxOffDuration": 30,
}

_PRO_PREFS: Final = {
    "outletPwrIndicatorOn": 1,
    "pmIndicatorBrightness": 65,
    "capacitiveCtrl": 1,
    "aqiColorRGBFeature": 0,
    "motionAwayFeature": 0,
    "adaptiveNightlightFeature": 1,
    "adaptiveMinBrightness": 8,
    "adaptiveMaxBrightness": 70,
    "occupancyNightlightFeature": 0,
    "overrideAdaptiveOccupancyNightlightFeature": 0,
    "magicTouchCtrl": 1,
    "homeAwayMode": _HOME_AWAY,
}

_NOT_ON_AURA: Final = frozenset(
    {
        "aqiColorRGBFeature",
        "motionAwayFeature",
        "occupancyNightlightFeature",
        "overrideAdaptiveOccupancyNightlightFeature",
    }
)
_NIGHTLIGHT_HOME_AWAY: Final = frozenset({"nightlightEnabled", "minBrightness", "maxBrightness"})


def default_config(variant: Variant, ip: str = "127.0.0.1") -> dict[str, Any]:
    """The factory configuration of an outlet with this faceplate."""
    if variant is Variant.PRO:
        acc_prefs = copy.deepcopy(_PRO_PREFS)
    elif variant in {Variant.AURA, Variant.DECO}:
        acc_prefs = {k: copy.deepcopy(v) for k, v in _PRO_PREFS.items() if k not in _NOT_ON_AURA}
    else:
        home_away = {k: v for k, v in _HOME_AWAY.items() if k not in _NIGHTLIGHT_HOME_AWAY}
        acc_prefs = {"homeAwayMode": home_away}
    return {
        "acc_prefs": acc_prefs,
        "sys_prefs": {
            "mqtt": {"enabled": 0, "mqtt_broker_url": "", "user": "", "pass": "", "qos": 0},
            "internet": {"ip": ip, "mainDNS": "192.168.1.1", "backupDNS": "9.9.9.9"},
        },
    }


class InvalidConfigError(ValueError):
    """A configuration update the device refuses."""


def _unwrap(update: Any) -> Mapping[str, Any]:
    if isinstance(update, list) and len(update) == 1:
        update = update[0]
    if not isinstance(update, dict):
        raise InvalidConfigError("the configuration is not an object")
    return update


def _merged(current: Mapping[str, Any], update: Mapping[str, Any], path: str) -> dict[str, Any]:
    """``current`` with ``update`` merged in, checked against ``SCHEMA``."""
    result = dict(current)
    schema: Any = SCHEMA
    for part in filter(None, path.split(".")):
        schema = schema[part]
    for key, value in update.items():
        where = f"{path}.{key}" if path else key
        if where == "sys_prefs.internet":
            continue  # read-only: never applied
        if key not in current or key not in schema:
            raise InvalidConfigError(f"unknown key {where}")
        if isinstance(schema[key], dict):
            if not isinstance(value, dict):
                raise InvalidConfigError(f"{where} is not an object")
            result[key] = _merged(current[key], value, where)
        elif not schema[key](value):
            raise InvalidConfigError(f"invalid value for {where}: {value!r}")
        else:
            result[key] = value
    return result


def merge_config(current: Mapping[str, Any], update: Any) -> dict[str, Any]:
    """The configuration after callback 2; raises ``InvalidConfigError`` instead.

    ``update`` is the request's ``callbackArgs``; ``current`` is not modified.
    """
    return _merged(current, _unwrap(update), "")
