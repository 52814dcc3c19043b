"""config.py and updates.py without a socket: the configuration and firmware models."""

from __future__ import annotations

from typing import Any

from hypothesis import given
import pytest

from custom_components.intecular.api import (
    AvailableUpdates,
    DeviceConfig,
    FrameError,
    MqttSettings,
    OtaAck,
    OtaProgress,
    OtaResult,
    OtaTarget,
)
from custom_components.intecular.api.config import nest_pref

from .strategies import ROUND_TRIPS, config_args

# --- tolerant parsing ------------------------------------------------------------------------


def test_device_config() -> None:
    args = {
        "acc_prefs": {"capacitiveCtrl": 1, "label": "x", "homeAwayMode": {"enabled": "1"}},
        "sys_prefs": {"mqtt": {"qos": 1}},
    }
    config = DeviceConfig.from_args(args)
    assert dict(config.accessory) == {"capacitiveCtrl": 1, "homeAwayMode.enabled": 1}
    assert config.mqtt is not None
    assert config.mqtt.enabled is None
    assert config.mqtt.qos == 1
    assert config.network is None
    assert DeviceConfig.from_args([args]) == config  # the one-element list form of 2
    assert DeviceConfig.from_args({}) == DeviceConfig({})
    changed = config.replace_accessory("capacitiveCtrl", 0)
    assert changed.accessory["capacitiveCtrl"] == 0
    assert config.accessory["capacitiveCtrl"] == 1
    assert nest_pref("homeAwayMode.enabled", 1) == {"homeAwayMode": {"enabled": 1}}
    assert nest_pref("capacitiveCtrl", 0) == {"capacitiveCtrl": 0}
    broken: tuple[Any, ...] = ([], [args, args], "config", None)
    for bad in broken:
        with pytest.raises(FrameError):
            DeviceConfig.from_args(bad)


def test_device_config_reads_each_value_on_its_own() -> None:
    config = DeviceConfig.from_args(
        {
            "acc_prefs": {
                "capacitiveCtrl": 7,  # a flag reads 0/1
                "magicTouchCtrl": "nan",
                "pmIndicatorBrightness": 2550,  # a percentage is clamped
                "adaptiveMinBrightness": -3,
                "adaptiveMaxBrightness": "",
                "homeAwayMode": {"minOnDuration": 10**400, "maxOnDuration": "45", "x": None},
            },
            "sys_prefs": {
                "mqtt": {"enabled": "on", "user": {}, "pass": "p", "qos": 5},
                "internet": ["192.168.7.41"],
            },
        }
    )
    assert dict(config.accessory) == {
        "capacitiveCtrl": 1,
        "pmIndicatorBrightness": 100,
        "adaptiveMinBrightness": 0,
        "homeAwayMode.maxOnDuration": 45,
    }
    assert config.mqtt == MqttSettings(password="p")  # noqa: S106 - a test value
    assert config.network is None
    assert DeviceConfig.from_args({"acc_prefs": [], "sys_prefs": {"mqtt": "on"}}) == DeviceConfig(
        {}
    )


def test_firmware_models() -> None:
    updates = AvailableUpdates.from_args({"IM": {"fw_rev": "1", "available_fw_rev": ""}})
    assert updates.faceplate is None
    assert updates.outlet.available == ""
    with pytest.raises(FrameError):
        AvailableUpdates.from_args({"PM": {}})
    assert OtaAck.from_args([1, 0]) == OtaAck(OtaTarget.OUTLET, False)
    assert OtaProgress.from_args(["3", 140]) == OtaProgress(OtaTarget.OUTLET_WEB, 100)
    assert OtaResult.from_args([2, 1]) == OtaResult(OtaTarget.FACEPLATE, True)
    for parser in (OtaAck.from_args, OtaProgress.from_args, OtaResult.from_args):
        for bad in ([4, 1], [1], ["x", 1]):
            with pytest.raises(FrameError):
                parser(bad)


# --- round trips: to_args -> from_args ----------------------------------------------------------


@ROUND_TRIPS
@given(config_args)
def test_config_accepts_object_or_one_element_list(args: dict[str, Any]) -> None:
    config = DeviceConfig.from_args(args)
    assert DeviceConfig.from_args([args]) == config
    for path, value in config.accessory.items():
        node: Any = args["acc_prefs"]
        for part in path.split("."):
            node = node[part]
        assert node == value
