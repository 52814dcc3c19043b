"""models.py without a socket: tolerant parsing, derived facts, and wire round trips."""

from __future__ import annotations

import dataclasses
import inspect
import math
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.intecular import api
from custom_components.intecular.api import (
    AccessoryNames,
    AvailableUpdates,
    Callback,
    ColorLed,
    ColorLight,
    ColorMode,
    DeviceConfig,
    FaceplateInfo,
    FrameError,
    IntecularClient,
    ModuleInfo,
    MqttSettings,
    Nightlight,
    OtaAck,
    OtaProgress,
    OtaResult,
    OtaTarget,
    OutletInfo,
    OutletStates,
    SensorReadings,
)
from custom_components.intecular.api.config import nest_pref
from custom_components.intecular.api.sensors import WIRE_KEYS

from .strategies import color_lights, config_args, sensor_readings

ROUND_TRIPS = settings(max_examples=100, deadline=None)

# The typed method of every callback a client can send (22 and 23 are pushed only).
METHODS = {
    Callback.GET_CONFIG: "get_config",
    Callback.SET_CONFIG: "set_config",
    Callback.GET_ACCESSORY_NAMES: "get_accessory_names",
    Callback.SET_ACCESSORY_NAMES: "set_accessory_names",
    Callback.RESTART: "restart",
    Callback.RESET_NETWORK: "reset_network",
    Callback.FACTORY_RESET: "factory_reset",
    Callback.OUTLETS: "get_outlets",
    Callback.SET_OUTLET: "set_outlet",
    Callback.SENSORS: "get_sensors",
    Callback.DEVICE_INFO: "get_device_info",
    Callback.SET_NIGHTLIGHT: "set_nightlight",
    Callback.NIGHTLIGHT: "get_nightlight",
    Callback.SET_COLOR_LIGHT: "set_color_light",
    Callback.COLOR_LIGHT: "get_color_light",
    Callback.AVAILABLE_UPDATES: "get_available_updates",
    Callback.PERFORM_UPDATE: "perform_update",
    Callback.RESTART_FACEPLATE: "restart_faceplate",
    Callback.RESET_FACEPLATE: "reset_faceplate",
    Callback.CALIBRATE_OCCUPANCY: "calibrate_occupancy",
    Callback.MQTT: "check_mqtt",
    Callback.CALIBRATE_TEMPERATURE_HUMIDITY: "calibrate_temperature_humidity",
}


def test_every_callback_has_a_typed_method() -> None:
    assert set(Callback) - set(METHODS) == {Callback.UPDATE_PROGRESS, Callback.UPDATE_RESULT}
    for name in [*METHODS.values(), "send_mqtt_discovery"]:
        method = getattr(IntecularClient, name)
        assert inspect.iscoroutinefunction(method), name
        annotations = inspect.get_annotations(method)
        assert "return" in annotations, name
        assert set(inspect.signature(method).parameters) - {"self"} <= set(annotations), name


def test_models_are_frozen_dataclasses() -> None:
    models = [
        getattr(api, name)
        for name in api.__all__
        if dataclasses.is_dataclass(getattr(api, name, None))
    ]
    assert len(models) >= 18  # every model of protocol.md, and any added later
    for model in models:
        assert model.__dataclass_params__.frozen, model.__name__
    with pytest.raises(dataclasses.FrozenInstanceError):
        OutletStates(True, False).outlet_1 = False  # type: ignore[misc]


# --- tolerant parsing ------------------------------------------------------------------------


def test_outlet_states() -> None:
    assert OutletStates.from_args([1, 0]) == OutletStates(True, False)
    assert OutletStates.from_args([0, [0, 1]]) == OutletStates(False, True)  # wrapped push
    assert OutletStates.from_args(["1", True]) == OutletStates(True, True)
    assert OutletStates(True, False).is_on(1)
    assert not OutletStates(True, False).is_on(2)
    for bad in ([1], [1, "on"], [0, [1]], "on", None):
        with pytest.raises(FrameError):
            OutletStates.from_args(bad)


def test_device_info_degraded_forms() -> None:
    info = OutletInfo.from_args(
        {
            "IM": {"sn": "0019B2E7C4", "device": "", "fw_rev": ""},
            "PM": {"sn": "12D07", "device": " unknown ", "online": 0, "radar": {"fw_ver": "3"}},
        }
    )
    assert info.outlet.model is None
    assert info.outlet.fw_rev == ""
    assert info.faceplate is not None
    assert info.faceplate.model is None
    assert not info.faceplate.online
    assert not info.faceplate_online
    assert info.faceplate.radar is not None
    assert info.faceplate.radar.fw_rev == "3"
    assert info.faceplate.is_pro
    assert not info.faceplate.is_aura
    # a PM block without a serial tells nothing usable
    assert OutletInfo.from_args({"IM": {"sn": "A"}, "PM": {"online": True}}).faceplate is None
    # the online flag defaults to true; a variant named Pro is a Pro
    face = OutletInfo.from_args({"IM": {"sn": "A"}, "PM": {"sn": "B", "type": "Pro"}}).faceplate
    assert face is not None
    assert face.online
    assert face.is_pro
    plain = OutletInfo.from_args({"IM": {"sn": "A"}, "PM": {"sn": "B"}}).faceplate
    assert plain is not None
    assert not plain.is_pro
    assert not plain.is_aura
    aura = OutletInfo.from_args(
        {"IM": {"sn": "A"}, "PM": {"sn": "B", "type": "Aura", "radar": {}}}
    ).faceplate
    assert aura is not None
    assert aura.is_aura
    assert not aura.is_pro
    # refused only without what identifies the outlet
    broken: tuple[Any, ...] = ({}, {"IM": {}}, {"IM": {"sn": ""}}, {"IM": {"sn": {}}}, [])
    for bad in broken:
        with pytest.raises(FrameError):
            OutletInfo.from_args(bad)


def test_device_info_reads_each_value_on_its_own() -> None:
    info = OutletInfo.from_args(
        {
            "IM": {"sn": "A", "MAC": {"x": 1}, "device": True, "hw_rev": [], "fw_rev": "2.4.7"},
            "PM": {
                "sn": "B",
                "online": "nan",
                "type": {},
                "fw_rev": 1.5,
                "radar": "none",
            },
        }
    )
    assert info.outlet == ModuleInfo("A", fw_rev="2.4.7")
    assert info.faceplate == FaceplateInfo("B", fw_rev="1.5", online=True)
    for pm in ([], 1, "Aura", {"sn": None, "type": "Aura"}, {"sn": ["B"]}):
        assert OutletInfo.from_args({"IM": {"sn": "A"}, "PM": pm}) == OutletInfo(ModuleInfo("A"))


def test_nightlight() -> None:
    assert Nightlight.from_args([2, "150"]) == Nightlight(True, 100)  # any mode > 0 is on
    assert Nightlight.from_args([0, -4]) == Nightlight(False, 0)
    with pytest.raises(FrameError):
        Nightlight.from_args([1])


def test_color_light() -> None:
    light = ColorLight.from_args([5, 9, [[0, 10, [1, 2], 2000]]])
    assert light.color_mode is None  # a mode this client does not know
    assert not light.is_on
    assert ColorLight.from_args([5, "3", [], 2, True, "70"]) == ColorLight(5, 3, (), 2, True, 70)
    led = ColorLed.from_args([1, 120, [400, -1], None])
    assert led == ColorLed(True, 100, 360, 0)  # clamped to the documented ranges
    assert ColorLed(True, 50).to_args() == [1, 50, [0, 0]]  # hue/saturation default to 0
    assert ColorLed(True, 50, kelvin=3000).to_args(ColorMode.STATIC_TEMPERATURE) == [1, 50, 3000]
    # refused only when the selector or the LED list is unusable
    for bad in ([5, 1], [5, 1, "leds"], ["nightlight", 1, []], [None, 1, []]):
        with pytest.raises(FrameError):
            ColorLight.from_args(bad)


def test_color_light_reads_each_value_on_its_own() -> None:
    light = ColorLight.from_args(
        [
            5,
            "effect",
            [
                [1],
                "off",
                [1, "x"],
                [1, 2550, [3]],
                [1, 40, ["h", 50], "k"],
                [0, 20, [300, 300], 99],
            ],
            99,
            "yes",
            10**400,
        ]
    )
    assert light == ColorLight(
        5,
        0,  # an unreadable mode is none this client knows
        (
            ColorLed(True, 100),  # brightness clamped, the short hue pair unknown
            ColorLed(True, 40),  # unreadable hue: the pair is unknown, as the kelvin
            ColorLed(False, 20, 300, 100, 1000),  # clamped into the documented ranges
        ),
        7,  # speed clamped to 0-7
        None,
        100,  # random brightness clamped to 0-100
    )
    assert light.color_mode is None
    short = ColorLight.from_args([7, 1, [], "fast"])
    assert (short.speed, short.random, short.random_brightness) == (None, None, None)
    assert ColorLight.from_args([5, 3, [], -4, 1, -1]) == ColorLight(5, 3, (), 0, True, 0)


def test_accessory_names() -> None:
    entries = [{"accessory": "1", "name": "Desk"}, {"accessory": 3, "name": 7}]
    assert AccessoryNames.from_args(entries).names == {1: "Desk", 3: "7"}
    assert AccessoryNames.from_args({"payload": entries}).names == {1: "Desk", 3: "7"}
    for bad in ({"names": entries}, "Desk", None):
        with pytest.raises(FrameError):
            AccessoryNames.from_args(bad)
    # an unreadable entry is left out; the other names apply
    mixed = [
        ["Desk"],
        {"accessory": 1},
        {"accessory": "x", "name": "A"},
        {"accessory": 2, "name": {}},
    ]
    assert AccessoryNames.from_args([*mixed, *entries]).names == {1: "Desk", 3: "7"}


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


def test_sensor_readings() -> None:
    readings = SensorReadings.from_args(
        [0, {"lux": "3489.80", "occupancy_state": 5, "temp_valid": True, "AQI": None, "x": 1}]
    )
    assert readings.illuminance == 3489.8
    assert readings.temperature_valid is True
    assert readings.aqi is None  # null counts as absent
    assert readings.present == {"illuminance", "occupancy_state", "temperature_valid"}
    assert readings.occupancy_calibrating
    assert not SensorReadings(occupancy_state=1).occupancy_calibrating
    for bad in ([0], [0, []], {"lux": 1}, None):
        with pytest.raises(FrameError):
            SensorReadings.from_args(bad)


@pytest.mark.parametrize(
    "value", ["nan", "", "inf", "-inf", "dark", "1e400", math.inf, math.nan, 10**400, [], {}]
)
def test_one_unreadable_reading_is_unknown_and_the_rest_apply(value: Any) -> None:
    readings = SensorReadings.from_args(
        ["x", {"lux": value, "lux_valid": 1, "temp_celsius": "21.5", "humidity": 47}]
    )
    assert readings.illuminance is None
    assert readings.unreadable == {"illuminance"}
    assert (readings.temperature, readings.humidity, readings.illuminance_valid) == (21.5, 47, True)
    assert readings.present == {"temperature", "humidity", "illuminance_valid"}
    assert readings.device_type == 0  # unreadable: the default


def test_readings_that_cannot_be_true_are_unknown() -> None:
    readings = SensorReadings.from_args(
        [0, {"humidity": 150, "temp_celsius": -300, "AQI_accuracy": 4, "lux": -1, "AQI": 61}]
    )
    assert readings.unreadable == {"humidity", "temperature", "aqi_accuracy", "illuminance"}
    assert readings.present == {"aqi"}
    edges = SensorReadings.from_args([0, {"humidity": "100", "lux": 0, "co2_accuracy": 3}])
    assert (edges.humidity, edges.illuminance, edges.co2_accuracy) == (100, 0, 3)


# --- round trips: to_args -> from_args ----------------------------------------------------------


@ROUND_TRIPS
@given(st.booleans(), st.booleans())
def test_outlet_states_round_trip(one: bool, two: bool) -> None:
    states = OutletStates(one, two)
    assert OutletStates.from_args(states.to_args()) == states
    assert OutletStates.from_args([0, states.to_args()]) == states


@ROUND_TRIPS
@given(st.booleans(), st.integers(0, 100))
def test_nightlight_round_trip(on: bool, brightness: int) -> None:
    light = Nightlight(on, brightness)
    assert Nightlight.from_args(light.to_args()) == light


@ROUND_TRIPS
@given(color_lights)
def test_color_light_round_trip(light: ColorLight) -> None:
    # the 18 form writes every LED's hue/saturation pair (0, 0 when unknown) and stops
    # the trailing values at the first missing one
    leds = tuple(
        dataclasses.replace(led, hue=led.hue or 0, saturation=led.saturation or 0)
        for led in light.leds
    )
    trailing = [light.speed, light.random, light.random_brightness]
    if None in trailing:
        trailing[trailing.index(None) :] = [None] * (3 - trailing.index(None))
    expected = ColorLight(light.selector, light.mode, leds, *trailing)  # type: ignore[arg-type]
    assert ColorLight.from_args(light.to_args()) == expected


@ROUND_TRIPS
@given(color_lights)
def test_color_command_round_trip(light: ColorLight) -> None:
    parsed = ColorLight.from_args(light.to_args(command=True))
    assert (parsed.selector, parsed.mode) == (light.selector, light.mode)
    for sent, got in zip(light.leds, parsed.leds, strict=True):
        assert (got.on, got.brightness) == (sent.on, sent.brightness)
        if light.mode == ColorMode.STATIC_TEMPERATURE:  # [state, brightness, kelvin]
            assert (got.kelvin, got.hue) == (sent.kelvin, None)
        else:  # [state, brightness, [hue, sat]]
            assert (got.hue, got.saturation, got.kelvin) == (
                sent.hue or 0,
                sent.saturation or 0,
                None,
            )


@ROUND_TRIPS
@given(sensor_readings, st.booleans())
def test_sensor_round_trip(readings: SensorReadings, as_strings: bool) -> None:
    parsed = SensorReadings.from_args(readings.to_args(as_strings=as_strings))
    assert parsed.present == readings.present
    assert parsed.device_type == readings.device_type
    for name, kind in WIRE_KEYS.values():
        sent, got = getattr(readings, name), getattr(parsed, name)
        if sent is None or kind != "float" or not as_strings:
            assert got == sent, name
        else:  # quoted decimals keep two places
            assert got == pytest.approx(sent, abs=0.0051), name


@ROUND_TRIPS
@given(st.dictionaries(st.integers(1, 3), st.text(max_size=20), max_size=3))
def test_names_round_trip(names: dict[int, str]) -> None:
    model = AccessoryNames(names)
    assert AccessoryNames.from_args(model.to_args()) == model
    assert AccessoryNames.from_args({"payload": model.to_args()}) == model


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
