"""The Aura light's actions (set_effect, set_led_colors) and its effect speed."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_MODE,
    ATTR_EFFECT,
    ATTR_HS_COLOR,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)
import yaml

from custom_components.intecular.api import Callback, ColorMode
from custom_components.intecular.const import DOMAIN
from simulator import SimulatedOutlet

from .common import coordinator_of, wait_until
from .lighting import (
    AURA_LIGHT,
    EFFECTS,
    INDICATOR,
    PRO_LIGHT,
    action,
    array,
    commands,
    pushed,
    state_of,
)


@pytest.mark.parametrize("service", ["set_effect", "set_led_colors"])
async def test_actions_refuse_the_white_nightlight(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    service: str,
) -> None:
    """The colour actions on the Pro's nightlight: a clear error, nothing sent."""
    data = {"effect": "rainbow"} if service == "set_effect" else {"rgb_colors": [[1, 2, 3]] * 9}
    with pytest.raises(ServiceValidationError) as err:
        await action(hass, service, PRO_LIGHT, **data)
    assert err.value.translation_key == "not_a_color_light"
    assert err.value.translation_placeholders == {"entity": PRO_LIGHT}
    assert not [c for c, _ in simulator.requests if c == Callback.SET_NIGHTLIGHT]


# --- the actions ---------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["aura"])
async def test_set_effect_action(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Starry night with a background and a star colour, speed and brightness."""
    await action(
        hass,
        "set_effect",
        AURA_LIGHT,
        effect="starry_night",
        rgb_colors=[[0, 0, 255], [255, 255, 255]],
        speed=2,
        brightness_pct=70,
    )
    light = array(simulator)
    assert light.mode == ColorMode.STARRY_NIGHT
    assert [(led.brightness, led.hue, led.saturation) for led in light.leds] == [
        (70, 240, 100),
        (70, 0, 0),
    ]
    assert (light.speed, light.random, light.random_brightness) == (2, False, 70)
    await pushed(hass, init_integration, simulator)
    assert state_of(hass, AURA_LIGHT).attributes[ATTR_EFFECT] == "starry_night"

    await action(hass, "set_effect", AURA_LIGHT, effect="color_cycle", random_colors=True)
    light = array(simulator)
    assert (light.mode, light.random, light.speed) == (ColorMode.COLOR_CYCLE, True, 2)
    await pushed(hass, init_integration, simulator)
    state = state_of(hass, AURA_LIGHT)
    assert state.attributes[ATTR_EFFECT] == "color_cycle"
    assert state.attributes[ATTR_COLOR_MODE] == "brightness"
    assert state.attributes[ATTR_BRIGHTNESS] == 178


@pytest.mark.parametrize("variant", ["aura"])
@pytest.mark.parametrize(
    ("data", "key", "placeholders"),
    [
        ({"effect": "disco"}, "invalid_effect", {"effect": "disco"}),
        (
            {"effect": "starry_night", "hs_colors": [[0, 100]] * 3},
            "wrong_color_count",
            {"count": "3", "expected": "2"},
        ),
        (
            {"effect": "breathing", "hs_colors": [[0, 100]] * 10},
            "wrong_color_count",
            {"count": "10", "expected": "1-9"},
        ),
        ({"effect": "breathing", "hs_colors": []}, "wrong_color_count", {"count": "0"}),
        ({"effect": "rainbow", "speed": 8}, "value_out_of_range", {"field": "speed"}),
        ({"effect": "rainbow", "speed": 2.5}, "value_out_of_range", {"max": "7"}),
        ({"effect": "rainbow", "brightness_pct": 101}, "value_out_of_range", {"max": "100"}),
        ({"effect": "rainbow", "rgb_colors": [[256, 0, 0]]}, "invalid_color", {}),
        ({"effect": "rainbow", "rgb_colors": [[255, 0]]}, "invalid_color", {}),
        ({"effect": "rainbow", "hs_colors": [[361, 50]]}, "invalid_color", {}),
        ({"effect": "rainbow", "hs_colors": ["red"]}, "invalid_color", {"color": "red"}),
        (
            {"effect": "rainbow", "hs_colors": [[0, 1]], "rgb_colors": [[1, 2, 3]]},
            "colors_conflict",
            {},
        ),
    ],
)
async def test_set_effect_refuses_bad_input(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    """Wrong counts and values out of range: a translated error and nothing sent."""
    before = array(simulator)
    with pytest.raises(ServiceValidationError) as err:
        await action(hass, "set_effect", AURA_LIGHT, **data)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert placeholders.items() <= err.value.translation_placeholders.items()
    assert not commands(simulator)
    assert array(simulator) == before


HUGE = 10**400  # beyond any float
INFINITE = float("1e309")  # what YAML or JSON make of 1e309


@pytest.mark.parametrize("variant", ["aura"])
@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("set_effect", {"effect": "rainbow", "speed": HUGE}, "value_out_of_range"),
        ("set_effect", {"effect": "rainbow", "speed": -HUGE}, "value_out_of_range"),
        ("set_effect", {"effect": "rainbow", "speed": INFINITE}, "value_out_of_range"),
        ("set_effect", {"effect": "rainbow", "brightness_pct": HUGE}, "value_out_of_range"),
        ("set_effect", {"effect": "rainbow", "brightness_pct": INFINITE}, "value_out_of_range"),
        ("set_effect", {"effect": "rainbow", "rgb_colors": [[HUGE, 0, 0]]}, "invalid_color"),
        ("set_effect", {"effect": "rainbow", "hs_colors": [[0, INFINITE]]}, "invalid_color"),
        ("set_led_colors", {"hs_colors": [[HUGE, 50]] * 9}, "invalid_color"),
        ("set_led_colors", {"rgb_colors": [{"color": [0, -HUGE, 0]}] * 9}, "invalid_color"),
        ("set_led_colors", {"rgb_colors": [[1, 2, 3]] * 9, "brightness_pct": HUGE}, None),
    ],
)
async def test_actions_refuse_huge_numbers(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    service: str,
    data: dict[str, Any],
    key: str | None,
) -> None:
    """Numbers beyond any float, or infinite: a translated error, never OverflowError."""
    before = array(simulator)
    with pytest.raises(ServiceValidationError) as err:
        await action(hass, service, AURA_LIGHT, **data)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == (key or "value_out_of_range")
    assert not commands(simulator)
    assert array(simulator) == before


@pytest.mark.usefixtures("enable_all")
@pytest.mark.parametrize("variant", ["aura"])
async def test_set_led_colors_action(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """One colour per LED, a black one off; the indicator takes seven."""
    rainbow = [[0, 100], [40, 100], [80, 100], [120, 100], [160, 100], [200, 100], [240, 100]]
    await action(
        hass,
        "set_led_colors",
        AURA_LIGHT,
        hs_colors=[*rainbow, [280, 100], [320, 100]],
        brightness_pct=40,
    )
    await action(hass, "set_led_colors", AURA_LIGHT, rgb_colors=[[255, 0, 0]] * 8 + [[0, 0, 0]])
    leds = array(simulator).leds
    assert [(led.on, led.hue, led.saturation) for led in leds] == [(True, 0, 100)] * 8 + [
        (False, 0, 0)
    ]
    assert {led.brightness for led in leds} == {40}, "the light's brightness is kept"
    await pushed(hass, init_integration, simulator)
    assert state_of(hass, AURA_LIGHT).attributes[ATTR_HS_COLOR] == (0, 100)

    await action(hass, "set_led_colors", INDICATOR, hs_colors=rainbow)
    indicator = array(simulator, 7)
    assert [(led.hue, led.saturation) for led in indicator.leds] == [tuple(c) for c in rainbow]
    await wait_until(
        hass, lambda: state_of(hass, INDICATOR).attributes.get(ATTR_HS_COLOR) == (0, 100)
    )


@pytest.mark.usefixtures("enable_all")
@pytest.mark.parametrize("variant", ["aura"])
@pytest.mark.parametrize(
    ("entity_id", "data", "key"),
    [
        (AURA_LIGHT, {"hs_colors": [[0, 100]] * 8}, "wrong_led_count"),
        (INDICATOR, {"hs_colors": [[0, 100]] * 9}, "wrong_led_count"),
        (AURA_LIGHT, {}, "missing_colors"),
        (AURA_LIGHT, {"rgb_colors": [[0, 0, 0]] * 9, "brightness_pct": -1}, "value_out_of_range"),
    ],
)
async def test_set_led_colors_refuses_bad_input(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    entity_id: str,
    data: dict[str, Any],
    key: str,
) -> None:
    """The wrong number of colours for the array: a translated error, nothing sent."""
    with pytest.raises(ServiceValidationError) as err:
        await action(hass, "set_led_colors", entity_id, **data)
    assert err.value.translation_key == key
    assert not commands(simulator)


# --- effect speed ----------------------------------------------------------------------

SPEED = "number.invisdeco_aura_e7c4_effect_speed"


@pytest.mark.parametrize("variant", ["aura"])
async def test_effect_speed(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The speed number changes the running effect and follows the device."""
    assert state_of(hass, SPEED).state == "0"
    await action(hass, "set_effect", AURA_LIGHT, effect="breathing", hs_colors=[[0, 100]])
    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: SPEED, "value": 6}, blocking=True
    )
    light = array(simulator)
    assert (light.mode, light.speed) == (ColorMode.BREATHING, 6)
    assert state_of(hass, SPEED).state == "6"
    await pushed(hass, init_integration, simulator)
    assert state_of(hass, AURA_LIGHT).attributes[ATTR_EFFECT] == "breathing"

    await simulator.set_color_light(light.__class__(5, ColorMode.RAINBOW, light.leds, 2))
    await wait_until(hass, lambda: state_of(hass, SPEED).state == "2")


def test_effects_and_actions_are_translated() -> None:
    """Every effect has a translated name and an icon; every action field a text."""
    component = Path(__file__).parents[2] / "custom_components" / "intecular"
    strings = json.loads((component / "strings.json").read_text(encoding="utf-8"))
    icons = json.loads((component / "icons.json").read_text(encoding="utf-8"))
    services = yaml.safe_load((component / "services.yaml").read_text(encoding="utf-8"))
    for key in ("nightlight", "indicator"):
        names = strings["entity"]["light"][key]["state_attributes"]["effect"]["state"]
        effect_icons = icons["entity"]["light"][key]["state_attributes"]["effect"]["state"]
        assert set(names) == set(effect_icons) == {"off", *EFFECTS}
    assert set(strings["selector"]["effect"]["options"]) == set(EFFECTS)
    for service in ("set_effect", "set_led_colors"):
        assert set(services[service]["fields"]) == set(strings["services"][service]["fields"])
        assert icons["services"][service]["service"].startswith("mdi:")


@pytest.mark.parametrize("variant", ["aura"])
@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("set_effect", {"effect": "rainbow", "speed": 500}, "value_out_of_range"),
        ("set_led_colors", {"hs_colors": [[0, 100]] * 8}, "wrong_led_count"),
    ],
)
async def test_bad_input_is_refused_at_once_while_the_link_is_down(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    service: str,
    data: dict[str, Any],
    key: str,
) -> None:
    """Bad input during an outage: its own translated error at once, not the wait for
    the link (an hour here) nor "not connected" after it."""
    coordinator = coordinator_of(init_integration)
    with patch("custom_components.intecular.link.UNAVAILABLE_GRACE", timedelta(hours=1)):
        await simulator.stop()
        await wait_until(hass, lambda: not coordinator.client.connected)
        async with asyncio.timeout(10):  # a hang detector, not a speed limit
            with pytest.raises(ServiceValidationError) as err:
                await action(hass, service, AURA_LIGHT, **data)
    assert err.value.translation_key == key
