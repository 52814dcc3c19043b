"""Callbacks 1 and 2: the device configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import FrameError
from .protocol import as_dict, as_flag, as_int, opt_str


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
        _flatten(as_dict(data.get("acc_prefs", {}), "acc_prefs"), "", accessory)
        sys_prefs = as_dict(data.get("sys_prefs", {}), "sys_prefs")
        mqtt = network = None
        if (raw := sys_prefs.get("mqtt")) is not None:
            raw = as_dict(raw, "mqtt")
            mqtt = MqttSettings(
                as_flag(raw["enabled"], "mqtt.enabled") if "enabled" in raw else None,
                opt_str(raw, "mqtt_broker_url"),
                opt_str(raw, "user"),
                opt_str(raw, "pass"),
                as_int(raw["qos"], "mqtt.qos") if "qos" in raw else None,
            )
        if (raw := sys_prefs.get("internet")) is not None:
            raw = as_dict(raw, "internet")
            network = NetworkSettings(
                opt_str(raw, "ip"), opt_str(raw, "mainDNS"), opt_str(raw, "backupDNS")
            )
        return cls(accessory, mqtt, network)

    def replace_accessory(self, path: str, value: int) -> DeviceConfig:
        """A copy with one ``acc_prefs`` value changed."""
        return DeviceConfig({**self.accessory, path: value}, self.mqtt, self.network)


def _flatten(data: Mapping[str, Any], prefix: str, into: dict[str, int]) -> None:
    for key, value in data.items():
        if isinstance(value, dict):
            _flatten(value, f"{prefix}{key}.", into)
        else:
            try:
                into[f"{prefix}{key}"] = as_int(value, key)
            except FrameError:
                continue  # a value of a kind no setting uses; nothing to offer


def nest_pref(path: str, value: int) -> dict[str, Any]:
    """``"homeAwayMode.enabled", 1`` -> ``{"homeAwayMode": {"enabled": 1}}``."""
    result: dict[str, Any] = {}
    node = result
    *parents, leaf = path.split(".")
    for parent in parents:
        node = node.setdefault(parent, {})
    node[leaf] = value
    return result
