"""lights.py without a socket: the nightlight and colour array models, parsed and round-tripped."""

from __future__ import annotations

import dataclasses

from hypothesis import given, strategies as st
import pytest

from custom_components.intecular.api import ColorLed, ColorLight, ColorMode, FrameError, Nightlight

from .strategies import ROUND_TRIPS, color_lights

# --- tolerant parsing ------------------------------------------------------------------------


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


# --- round trips: to_args -> from_args ----------------------------------------------------------


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
