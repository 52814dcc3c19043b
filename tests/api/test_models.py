"""models.py without a socket: every callback typed, frozen models, the outlet's own models.

The outlet states, device info and accessory names; the lights, configuration and
firmware, and sensor models have files of their own (test_models_*.py).
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.intecular import api
from custom_components.intecular.api import (
    AccessoryNames,
    Callback,
    FaceplateInfo,
    FrameError,
    IntecularClient,
    ModuleInfo,
    OutletInfo,
    OutletStates,
)

from .strategies import ROUND_TRIPS

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
    assert info.outlet.fw_rev is None  # a blank version is no version
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


# --- round trips: to_args -> from_args ----------------------------------------------------------


@ROUND_TRIPS
@given(st.booleans(), st.booleans())
def test_outlet_states_round_trip(one: bool, two: bool) -> None:
    states = OutletStates(one, two)
    assert OutletStates.from_args(states.to_args()) == states
    assert OutletStates.from_args([0, states.to_args()]) == states


@ROUND_TRIPS
@given(st.dictionaries(st.integers(1, 3), st.text(max_size=20), max_size=3))
def test_names_round_trip(names: dict[int, str]) -> None:
    model = AccessoryNames(names)
    assert AccessoryNames.from_args(model.to_args()) == model
    assert AccessoryNames.from_args({"payload": model.to_args()}) == model
