"""Nothing the outlet reports makes an entity raise: names, levels and settings out of range.

Each case comes in over the simulator's socket as a real outlet would send it; after
it, the connection must still be supervised (a dropped socket is reconnected).
"""

from __future__ import annotations

import json
from typing import Any

from homeassistant.components.light import ATTR_BRIGHTNESS, ATTR_COLOR_TEMP_KELVIN, ATTR_EFFECT
from homeassistant.const import STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from hypothesis import given, settings
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular import color_math as aura
from custom_components.intecular.api import ColorLight, FrameError
from custom_components.intecular.text import NAME_MAX_LENGTH
from simulator import SimulatedOutlet
from tests.api.strategies import VALID_ARGS, mutated

from .common import SLUG, wait_for_state, wait_until

OUTLET_1 = f"switch.{SLUG}_outlet_1"
OUTLET_1_NAME = f"text.{SLUG}_outlet_1_name"
OUTLET_2_NAME = f"text.{SLUG}_outlet_2_name"
AURA_LIGHT = "light.invisdeco_aura_e7c4_nightlight"
INDICATOR_BRIGHTNESS = "number.invisdeco_pro_e7c4_indicator_brightness"
AWAY = "number.invisoutlet_e7c4_away"

# The name texts and the number settings are disabled by default: these tests need them.
pytestmark = pytest.mark.usefixtures("enable_all")


def _state(hass: HomeAssistant, entity_id: str) -> Any:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state


async def _still_supervised(hass: HomeAssistant, simulator: SimulatedOutlet) -> None:
    """Drop the socket: the integration reconnects and follows the outlet again."""
    await simulator.drop_connections()
    await wait_until(hass, lambda: simulator.connection_count == 1)
    on = _state(hass, OUTLET_1).state != STATE_ON
    await simulator.set_outlet(1, on)
    await wait_for_state(hass, OUTLET_1, STATE_ON if on else "off")


async def _push_color_light(simulator: SimulatedOutlet, args: list[Any]) -> None:
    await simulator.send_raw(
        json.dumps(
            {
                "sn": simulator.serial,
                "packetID": 135843,
                "payload": {"callbackName": 18, "callbackArgs": args},
            }
        )
    )


async def test_names_that_do_not_fit_are_cut_or_unknown(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Names from the app that are empty or too long for the text entity."""
    long = "Coffee machine in the kitchen, left of the sink"
    assert len(long) > NAME_MAX_LENGTH
    await simulator.set_names({1: "", 2: long})
    await simulator.drop_connections()  # names are read again on reconnecting
    await wait_for_state(hass, OUTLET_2_NAME, long[:NAME_MAX_LENGTH])
    assert _state(hass, OUTLET_1_NAME).state == STATE_UNKNOWN
    await _still_supervised(hass, simulator)


@pytest.mark.parametrize("variant", ["aura"])
async def test_colour_light_values_out_of_range(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Huge levels and speeds from the outlet: the light shows them clamped."""
    speed = next(
        s.entity_id for s in hass.states.async_all("number") if "effect_speed" in s.entity_id
    )
    led = [1, 2550, [28, 300], 3000]
    await _push_color_light(simulator, [5, 3, [led] * 9, 99, 1, 10**400])
    await wait_until(
        hass, lambda: _state(hass, AURA_LIGHT).attributes.get(ATTR_EFFECT) == "breathing"
    )
    assert _state(hass, AURA_LIGHT).attributes[ATTR_BRIGHTNESS] == 255
    assert _state(hass, speed).state == "7"

    await _push_color_light(simulator, [5, 2, [[1, 10**400, [0, 0], 10**400]] * 9, 3, 0, 50])
    await wait_until(
        hass, lambda: _state(hass, AURA_LIGHT).attributes.get(ATTR_COLOR_TEMP_KELVIN) == 6500
    )
    assert _state(hass, AURA_LIGHT).attributes[ATTR_BRIGHTNESS] == 255
    await _still_supervised(hass, simulator)


async def test_settings_out_of_range_are_clamped(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Settings the app (or a firmware) left outside the entities' ranges."""
    prefs = simulator.state.config["acc_prefs"]
    prefs["pmIndicatorBrightness"] = 0  # the entity's minimum is 1
    prefs["homeAwayMode"]["minOnDuration"] = 5000  # the entity's maximum is 1440
    prefs["homeAwayMode"]["maxOnDuration"] = 10**400
    await simulator.drop_connections()  # the configuration is read again on reconnecting
    await wait_for_state(hass, INDICATOR_BRIGHTNESS, "1")
    assert _state(hass, f"{AWAY}_minimum_on_time").state == "1440"
    assert _state(hass, f"{AWAY}_maximum_on_time").state == STATE_UNKNOWN
    await _still_supervised(hass, simulator)


@settings(max_examples=300, deadline=None)
@given(VALID_ARGS[18].flatmap(mutated).map(lambda args: json.loads(json.dumps(args))))
def test_whatever_parses_as_a_colour_light_shows_in_range(args: Any) -> None:
    """The colour maths never raise and never show a value outside Home Assistant's ranges."""
    try:
        light = ColorLight.from_args(args)
    except FrameError:
        return
    look = aura.look(light)
    brightness = aura.to_brightness(look.brightness)
    assert brightness is None or 0 <= brightness <= 255
    if look.hs is not None:
        assert 0 <= look.hs[0] <= 360
        assert 0 <= look.hs[1] <= 100
    if look.kelvin is not None:
        assert aura.KELVIN_WARMEST <= look.kelvin <= aura.KELVIN_COOLEST
    for color in aura.colors_of(light):
        assert 0 <= (color.hue or 0) <= 360
