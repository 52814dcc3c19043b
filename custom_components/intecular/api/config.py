"""Callbacks 1 and 2: the device configuration.

Every key is read on its own (protocol.py, "lenient reading"): the frame is refused
only when it is not an object (or a one-element list of one). A key that cannot be
read is left out, as a key the outlet does not report; a group that is not an object
(``acc_prefs``, ``mqtt``, ``internet``) is unknown. Out of range: on/off flags read as
0/1, the percentages of §9.1 are clamped to 0-100, an integer beyond ``PREF_LIMIT`` is
left out (no setting means such a number) and an MQTT QoS outside 0-2 is unknown.

The network addresses of ``sys_prefs.internet`` may arrive as integers (protocol.md
§11 item 41): a 32-bit IPv4 address, shown dotted with its most significant byte
first (``168430081`` is ``10.10.10.1``); any other number is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Any, Final

from .protocol import as_dict, as_flag, as_int, clamp, lenient, lenient_dict, lenient_str, within

# acc_prefs keys that are on/off flags (§9.1) and those that are percentages.
FLAG_PREFS: Final = frozenset(
    {
        "outletPwrIndicatorOn",
        "capacitiveCtrl",
        "aqiColorRGBFeature",
        "motionAwayFeature",
        "adaptiveNightlightFeature",
        "occupancyNightlightFeature",
        "overrideAdaptiveOccupancyNightlightFeature",
        "magicTouchCtrl",
        "homeAwayMode.enabled",
        "homeAwayMode.outlet1Enabled",
        "homeAwayMode.outlet2Enabled",
        "homeAwayMode.nightlightEnabled",
    }
)
PERCENT_PREFS: Final = frozenset(
    {
        "pmIndicatorBrightness",
        "adaptiveMinBrightness",
        "adaptiveMaxBrightness",
        "homeAwayMode.minBrightness",
        "homeAwayMode.maxBrightness",
    }
)
# No setting of §9.1 comes near this; a value beyond it cannot be meant.
PREF_LIMIT: Final = 2**31 - 1
# acc_prefs nests one level (homeAwayMode); anything deeper is no setting.
_MAX_DEPTH: Final = 4


@dataclass(frozen=True, slots=True)
class MqttSettings:
    """``sys_prefs.mqtt``: the outlet's own MQTT client."""

    enabled: bool | None = None
    broker_url: str | None = None
    user: str | None = None
    password: str | None = None
    qos: int | None = None


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    """``sys_prefs.internet``: read-only network facts."""

    ip: str | None = None
    main_dns: str | None = None
    backup_dns: str | None = None


@dataclass(frozen=True, slots=True)
class DeviceConfig:
    """Callback 1: the device configuration.

    ``accessory`` holds every numeric ``acc_prefs`` leaf, nested keys joined with a
    dot (``homeAwayMode.enabled``).
    """

    accessory: Mapping[str, int]
    mqtt: MqttSettings | None = None
    network: NetworkSettings | None = None

    @classmethod
    def from_args(cls, args: Any) -> DeviceConfig:
        """Parse ``{acc_prefs, sys_prefs}`` (also inside a one-element list)."""
        if isinstance(args, list) and len(args) == 1:
            args = args[0]
        data = as_dict(args, "configuration")
        accessory: dict[str, int] = {}
        _flatten(lenient_dict(data, "acc_prefs") or {}, "", accessory)
        sys_prefs = lenient_dict(data, "sys_prefs") or {}
        mqtt = network = None
        if (raw := lenient_dict(sys_prefs, "mqtt")) is not None:
            mqtt = MqttSettings(
                lenient(as_flag, raw.get("enabled"), "mqtt.enabled"),
                lenient_str(raw, "mqtt_broker_url"),
                lenient_str(raw, "user"),
                lenient_str(raw, "pass"),
                within(lenient(as_int, raw.get("qos"), "mqtt.qos"), 0, 2),
            )
        if (raw := lenient_dict(sys_prefs, "internet")) is not None:
            network = NetworkSettings(
                _address(raw, "ip"), _address(raw, "mainDNS"), _address(raw, "backupDNS")
            )
        return cls(accessory, mqtt, network)

    def replace_accessory(self, path: str, value: int) -> DeviceConfig:
        """A copy with one ``acc_prefs`` value changed."""
        return DeviceConfig({**self.accessory, path: value}, self.mqtt, self.network)


def _address(data: Mapping[str, Any], key: str) -> str | None:
    """A network address: a string as sent, an integer as a dotted IPv4 address."""
    value = data.get(key)
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is int:
        return str(IPv4Address(value)) if 0 <= value < 2**32 else None
    return None if type(value) is float else lenient_str(data, key)


def _flatten(data: Mapping[str, Any], prefix: str, into: dict[str, int], depth: int = 0) -> None:
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            if depth < _MAX_DEPTH:
                _flatten(value, f"{path}.", into, depth + 1)
        elif (number := _pref_value(path, value)) is not None:
            into[path] = number


def _pref_value(path: str, value: Any) -> int | None:
    """One ``acc_prefs`` leaf, or None when unreadable or beyond any setting."""
    if path in FLAG_PREFS:
        flag = lenient(as_flag, value, path)
        return None if flag is None else int(flag)
    number = lenient(as_int, value, path)
    if number is not None and path in PERCENT_PREFS:
        return clamp(number, 0, 100)
    return within(number, -PREF_LIMIT, PREF_LIMIT)


def nest_pref(path: str, value: int) -> dict[str, Any]:
    """``"homeAwayMode.enabled", 1`` -> ``{"homeAwayMode": {"enabled": 1}}``."""
    result: dict[str, Any] = {}
    node = result
    *parents, leaf = path.split(".")
    for parent in parents:
        node = node.setdefault(parent, {})
    node[leaf] = value
    return result
