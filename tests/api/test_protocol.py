"""protocol.py without a socket: the frame codec, value coercion, and fuzzing the parsers."""

from __future__ import annotations

import ast
import contextlib
import json
from pathlib import Path
import subprocess
import sys
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.intecular import api
from custom_components.intecular.api import (
    AccessoryNames,
    AvailableUpdates,
    ColorLight,
    DeviceConfig,
    FrameError,
    OutletInfo,
    SensorReadings,
)
from custom_components.intecular.api.models import PUSH_PARSERS, parse_push
from custom_components.intecular.api.protocol import (
    EFFECT_SPEED_MAX,
    KELVIN_MAX,
    KELVIN_MIN,
    Callback,
    ColorMode,
    Frame,
    LightSelector,
    as_dict,
    as_flag,
    as_float,
    as_int,
    as_list,
    as_str,
    build_frame,
    build_request,
    clamp,
    opt_str,
    parse_frame,
    parse_request,
)
from custom_components.intecular.api.sensors import WIRE_KEYS

from .strategies import VALID_ARGS, json_values, mutated, mutated_args, raw_frames, texts

API_DIR = Path(api.__file__).parent
# Thousands of frames in all: garbage, and valid frames mutated field by field.
FUZZ = settings(max_examples=1000, deadline=None)
FUZZ_LIGHT = settings(max_examples=60, deadline=None)

# Every parser a reply or push goes through (reply-only ones included).
PARSERS: dict[int, Any] = {
    **PUSH_PARSERS,
    1: DeviceConfig.from_args,
    3: AccessoryNames.from_args,
    20: AvailableUpdates.from_args,
}


# --- the package stands alone ----------------------------------------------------------


def test_api_never_imports_homeassistant() -> None:
    for path in sorted(API_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] if node.level == 0 else []
            else:
                continue
            for module in modules:
                assert module.split(".")[0] not in {"homeassistant", "simulator"}, path.name
                assert not module.startswith("custom_components"), path.name  # relative only


def test_api_runs_without_homeassistant() -> None:
    """Loaded on its own, the package imports aiohttp and nothing of Home Assistant."""
    script = f"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location(
    "standalone_api", {str(API_DIR / "__init__.py")!r},
    submodule_search_locations=[{str(API_DIR)!r}])
module = importlib.util.module_from_spec(spec)
sys.modules["standalone_api"] = module
spec.loader.exec_module(module)
assert "aiohttp" in sys.modules
assert not [m for m in sys.modules if m.split(".")[0] in ("homeassistant", "simulator")]
print(module.IntecularClient.__mro__[1].__name__)
"""
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Connection"


# --- frames ------------------------------------------------------------------------------


def test_build_request() -> None:
    assert build_request(582047, Callback.OUTLETS) == (
        '{"packetID":582047,"payload":{"callbackName":9}}'
    )  # no callbackArgs at all when there are none
    assert json.loads(build_request(730915, 10, [2, 1])) == {
        "packetID": 730915,
        "payload": {"callbackName": 10, "callbackArgs": [2, 1]},
    }


def test_build_and_parse_frame() -> None:
    reply = build_frame("0019B2E7C4", 582047, Callback.OUTLETS, [0, 1], puback=1)
    assert json.loads(reply) == {
        "sn": "0019B2E7C4",
        "packetID": 582047,
        "PUBACK": 1,
        "payload": {"callbackName": 9, "callbackArgs": [0, 1]},
    }
    assert parse_frame(reply) == Frame(582047, "0019B2E7C4", 1, 9, [0, 1])
    ack = build_frame("0019B2E7C4", 730915, puback=0)
    assert json.loads(ack) == {"sn": "0019B2E7C4", "packetID": 730915, "PUBACK": 0}
    assert parse_frame(ack) == Frame(730915, "0019B2E7C4", 0, None, None)
    push = build_frame("0019B2E7C4", 264381, 22, [2, 35])
    assert parse_frame(push.encode()) == Frame(264381, "0019B2E7C4", None, 22, [2, 35])
    assert parse_frame('{"payload": {"callbackName": "23"}}') == Frame(None, None, None, 23, None)
    assert parse_frame('{"PUBACK": true}').puback == 1


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("{", "not JSON"),
        (b"\xff\xfe\xfa", "not JSON"),
        pytest.param("[" * 100_000, "not JSON", id="nested-too-deep"),
        ("[9, [1, 0]]", "not a JSON object but list"),
        ('"text"', "not a JSON object but str"),
        ('{"packetID": "582047", "PUBACK": 1}', "packetID is not an integer"),
        ('{"packetID": true, "PUBACK": 1}', "packetID is not an integer"),
        ('{"sn": 19, "PUBACK": 1}', "sn is not a string"),
        ('{"PUBACK": "yes"}', "PUBACK is not an integer"),
        ('{"PUBACK": "1e400"}', "PUBACK is not an integer"),
        ('{"payload": [9]}', "payload is not an object"),
        ('{"payload": {"callbackName": "nine"}}', "callbackName is not an integer"),
        ('{"payload": {}}', "callbackName is not an integer"),
        ('{"sn": "x", "packetID": 123456}', "neither PUBACK nor payload"),
    ],
)
def test_parse_frame_rejects(text: str | bytes, error: str) -> None:
    with pytest.raises(FrameError, match=error):
        parse_frame(text)


def test_parse_request() -> None:
    assert parse_request(build_request(123456, 18, [5])) == (123456, 18, [5])
    assert parse_request(build_request(123457, 12)) == (123457, 12, None)
    for text in ("nope", "[1]", '{"packetID": 1}', "[" * 100_000):  # the last: too deep
        with pytest.raises(FrameError):
            parse_request(text)


def test_enumerations() -> None:
    assert LightSelector.NIGHTLIGHT.led_count == 9
    assert LightSelector.INDICATOR.led_count == 7
    assert [mode for mode in ColorMode if mode.is_effect] == [3, 4, 5, 6, 7]
    assert {int(c) for c in Callback} == set(range(1, 29)) - {8, 13, 16, 19}


# --- value coercion ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), (True, 1), (False, 0), (4.0, 4), ("7", 7), ("12.9", 12), (" 5 ", 5), ("-2", -2)],
)
def test_as_int(value: Any, expected: int) -> None:
    assert as_int(value, "x") == expected


@pytest.mark.parametrize(
    "value", [None, 4.5, float("inf"), "abc", "", "nan", "inf", "1e400", [1], {}]
)
def test_as_int_rejects(value: Any) -> None:
    with pytest.raises(FrameError, match="x is not an integer"):
        as_int(value, "x")


@pytest.mark.parametrize(
    ("value", "expected"), [(3, 3.0), (2.5, 2.5), ("214.63", 214.63), ("-1e3", -1000.0)]
)
def test_as_float(value: Any, expected: float) -> None:
    assert as_float(value, "lux") == expected


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (True, "not a number"),
        (None, "not a number"),
        ("bright", "not a number"),
        ([], "not a number"),
        (float("nan"), "not finite"),
        ("inf", "not finite"),
        ("1e400", "not finite"),
        (10**400, "not finite"),
    ],
)
def test_as_float_rejects(value: Any, error: str) -> None:
    with pytest.raises(FrameError, match=f"lux is {error}"):
        as_float(value, "lux")


def test_small_coercions() -> None:
    assert (as_flag(1, "f"), as_flag("0", "f"), as_flag(True, "f"), as_flag(2, "f")) == (
        True,
        False,
        True,
        True,
    )
    assert (as_str("a", "s"), as_str(3, "s"), as_str(2.5, "s")) == ("a", "3", "2.5")
    not_strings: tuple[Any, ...] = (None, True, [], {})
    for bad in not_strings:
        with pytest.raises(FrameError, match="s is not a string"):
            as_str(bad, "s")
    assert as_list([1, 2], "l", 2) == [1, 2]
    with pytest.raises(FrameError, match="l is not an array"):
        as_list({}, "l")
    with pytest.raises(FrameError, match="l has 1 elements, expected at least 2"):
        as_list([1], "l", 2)
    assert as_dict({"a": 1}, "d") == {"a": 1}
    with pytest.raises(FrameError, match="d is not an object"):
        as_dict([], "d")
    assert (clamp(-1, 0, 100), clamp(50, 0, 100), clamp(101, 0, 100)) == (0, 50, 100)
    assert (opt_str({"k": 5}, "k"), opt_str({}, "k"), opt_str({"k": None}, "k")) == (
        "5",
        None,
        None,
    )


# --- fuzzing: only FrameError ever escapes --------------------------------------------------


@FUZZ
@given(raw_frames)
def test_parse_frame_raises_only_frame_error(raw: str | bytes) -> None:
    try:
        frame = parse_frame(raw)
    except FrameError:
        return
    assert frame.puback is not None or frame.callback is not None
    if frame.callback is not None and frame.callback in PUSH_PARSERS:
        with contextlib.suppress(FrameError):
            parse_push(frame.callback, frame.args)


@FUZZ_LIGHT
@given(texts)
def test_parse_request_raises_only_frame_error(text: str) -> None:
    with contextlib.suppress(FrameError):
        parse_request(text)


@FUZZ
@given(mutated_args, st.booleans())
def test_parsers_raise_only_frame_error(pair: tuple[int, Any], via_json: bool) -> None:
    callback, args = pair
    if via_json:  # what actually arrives: NaN/Infinity and big numbers survive JSON
        args = json.loads(json.dumps(args))
    try:
        model = PARSERS[callback](args)
    except FrameError:
        return
    if callback in PUSH_PARSERS:
        assert parse_push(callback, args) == model


@FUZZ_LIGHT
@given(st.integers(), json_values)
def test_unknown_callbacks_are_never_pushes(callback: int, args: Any) -> None:
    if callback in PUSH_PARSERS:
        return
    with pytest.raises(FrameError, match=f"callback {callback} is never pushed"):
        parse_push(callback, args)


@FUZZ_LIGHT
@given(st.sampled_from(sorted(VALID_ARGS)).flatmap(lambda c: st.tuples(st.just(c), VALID_ARGS[c])))
def test_valid_arguments_always_parse(pair: tuple[int, Any]) -> None:
    callback, args = pair
    model = PARSERS[callback](json.loads(json.dumps(args)))
    if callback == 12:
        assert isinstance(model, OutletInfo)
        assert model.outlet.serial == args["IM"]["sn"]
        assert (model.faceplate is None) == ("PM" not in args)


# --- one bad value costs that value, never the frame ----------------------------------------

VALUES = settings(max_examples=300, deadline=None)


def test_an_integer_beyond_any_value_costs_only_that_value() -> None:
    digits = "9" * 5000  # more digits than Python's int() reads by default
    frame = parse_frame(
        f'{{"sn": "A", "payload": {{"callbackName": 11, "callbackArgs": [0, '
        f'{{"lux": {digits}, "AQI": -{digits}, "humidity": "nan", "temp_celsius": 21}}]}}}}'
    )
    readings = parse_push(frame.callback or 0, frame.args)
    assert isinstance(readings, SensorReadings)
    assert readings.unreadable == {"illuminance", "aqi", "humidity"}
    assert readings.temperature == 21
    with pytest.raises(FrameError, match="packetID"):
        parse_frame(f'{{"packetID": {digits}, "PUBACK": 1}}')


def test_settings_nested_beyond_any_setting_are_left_out() -> None:
    nested = '{"acc_prefs": {"capacitiveCtrl": 1, "x": ' + '{"a": ' * 5000 + "1" + "}" * 5002
    frame = parse_frame(f'{{"payload": {{"callbackName": 1, "callbackArgs": {nested}}}}}')
    assert dict(DeviceConfig.from_args(frame.args).accessory) == {"capacitiveCtrl": 1}


@VALUES
@given(VALID_ARGS[11], st.data())
def test_one_unreadable_reading_never_refuses_the_frame(
    args: list[Any], data: st.DataObject
) -> None:
    device_type, readings = args
    key = data.draw(st.sampled_from(sorted(WIRE_KEYS)))
    value = json.loads(json.dumps(data.draw(json_values)))
    parsed = SensorReadings.from_args([device_type, {**readings, key: value}])
    before = SensorReadings.from_args(args)
    changed = WIRE_KEYS[key][0]
    for name, _kind in WIRE_KEYS.values():
        if name != changed:
            assert getattr(parsed, name) == getattr(before, name), name
    assert parsed.device_type == before.device_type
    got = getattr(parsed, changed)
    assert (got is None) == (value is None or changed in parsed.unreadable)


@VALUES
@given(VALID_ARGS[12], st.data())
def test_one_unreadable_device_value_never_refuses_the_frame(
    args: dict[str, Any], data: st.DataObject
) -> None:
    module = data.draw(st.sampled_from(sorted(args)))
    keys = ["MAC", "device", "hw_rev", "fw_rev", "online", "type", "radar", "sn"]
    key = data.draw(st.sampled_from(keys if module == "PM" else keys[:-1]))
    changed = {**args, module: {**args[module], key: data.draw(json_values)}}
    info = OutletInfo.from_args(json.loads(json.dumps(changed)))
    assert info.outlet.serial == args["IM"]["sn"]


@VALUES
@given(VALID_ARGS[1], st.data())
def test_one_unreadable_setting_never_refuses_the_frame(
    args: dict[str, Any], data: st.DataObject
) -> None:
    group = data.draw(st.sampled_from(["acc_prefs", "sys_prefs"]))
    changed = {**args, group: data.draw(st.just(args.get(group)).flatmap(mutated) | json_values)}
    DeviceConfig.from_args(json.loads(json.dumps(changed)))


@VALUES
@given(VALID_ARGS[18], st.data())
def test_one_unreadable_light_value_never_refuses_the_frame(
    args: list[Any], data: st.DataObject
) -> None:
    index = data.draw(st.sampled_from([1, 3, 4, 5]))
    changed = list(args)
    while len(changed) <= index:
        changed.append(None)
    changed[index] = data.draw(json_values)
    if args[2]:  # and one LED entry
        leds = list(args[2])
        leds[data.draw(st.integers(0, len(leds) - 1))] = data.draw(mutated(leds[0]))
        changed[2] = leds
    light = ColorLight.from_args(json.loads(json.dumps(changed)))
    assert light.selector == args[0]
    assert len(light.leds) >= len(args[2]) - 1
    assert light.speed is None or 0 <= light.speed <= EFFECT_SPEED_MAX
    assert light.random_brightness is None or 0 <= light.random_brightness <= 100
    for led in light.leds:
        assert 0 <= led.brightness <= 100
        assert led.hue is None or 0 <= led.hue <= 360
        assert led.saturation is None or 0 <= led.saturation <= 100
        assert led.kelvin is None or KELVIN_MIN <= led.kelvin <= KELVIN_MAX
