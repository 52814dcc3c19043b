"""The lights: the Pro's nightlight and the Aura's colour arrays, over the simulator."""

from __future__ import annotations

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_MODE,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_EFFECT_LIST,
    ATTR_HS_COLOR,
    ATTR_MAX_COLOR_TEMP_KELVIN,
    ATTR_MIN_COLOR_TEMP_KELVIN,
)
from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.intecular.api import ColorLed, ColorLight, ColorMode
from custom_components.intecular.color_math import kelvin_hs
from simulator import SimulatedOutlet

from .common import wait_until
from .entities import snapshot_entities
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
    turn_off,
    turn_on,
)


@pytest.mark.usefixtures("enable_all")
@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
async def test_lights(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    variant: str,
) -> None:
    """Pro: the white nightlight; Aura: the colour array and the indicator; bare: none."""
    ids = snapshot_entities(
        hass,
        entity_registry,
        snapshot,
        entry=init_integration,
        domain=Platform.LIGHT,
        keys={"nightlight", "color_nightlight", "indicator"},
    )
    expected = {"pro": [PRO_LIGHT], "aura": [INDICATOR, AURA_LIGHT], "bare": []}
    assert ids == expected[variant]


@pytest.mark.parametrize("variant", ["aura"])
async def test_indicator_is_disabled_by_default(
    hass: HomeAssistant, init_integration: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """The indicator array is there for those who want it, disabled at first."""
    entry = entity_registry.async_get(INDICATOR)
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(INDICATOR) is None
    assert state_of(hass, AURA_LIGHT).state == STATE_OFF


# --- the Pro's white nightlight ---------------------------------------------------------


async def test_nightlight_brightness_and_off_on(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Brightness reaches the nightlight in percent; off keeps it; on restores it."""
    await turn_on(hass, PRO_LIGHT, **{ATTR_BRIGHTNESS: 128})
    assert simulator.state.nightlight.to_args() == [1, 50]
    state = state_of(hass, PRO_LIGHT)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_BRIGHTNESS] == 128
    assert state.attributes[ATTR_COLOR_MODE] == "brightness"

    await turn_off(hass, PRO_LIGHT)
    assert simulator.state.nightlight.to_args() == [0, 50]
    assert state_of(hass, PRO_LIGHT).state == STATE_OFF

    await turn_on(hass, PRO_LIGHT)
    assert simulator.state.nightlight.to_args() == [1, 50]
    assert state_of(hass, PRO_LIGHT).attributes[ATTR_BRIGHTNESS] == 128


async def test_nightlight_follows_the_device(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A change in the vendor app (15 push) shows in Home Assistant."""
    await simulator.set_nightlight(True, 20)
    await wait_until(hass, lambda: state_of(hass, PRO_LIGHT).state == STATE_ON)
    assert state_of(hass, PRO_LIGHT).attributes[ATTR_BRIGHTNESS] == 51
    await simulator.set_nightlight(False)
    await wait_until(hass, lambda: state_of(hass, PRO_LIGHT).state == STATE_OFF)


# --- the Aura's colour array -------------------------------------------------------------


@pytest.mark.parametrize("variant", ["aura"])
async def test_color_light_capabilities(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """HS and colour temperature in the offered kelvin range, and the effect list."""
    attributes = state_of(hass, AURA_LIGHT).attributes
    assert attributes["supported_color_modes"] == ["color_temp", "hs"]
    assert attributes[ATTR_MIN_COLOR_TEMP_KELVIN] == 1000
    assert attributes[ATTR_MAX_COLOR_TEMP_KELVIN] == 6500
    assert attributes[ATTR_EFFECT_LIST] == ["off", *EFFECTS]


@pytest.mark.parametrize("variant", ["aura"])
async def test_hs_color_writes_the_whole_array(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A colour is sent as one entry per LED and the pushed state comes back."""
    await turn_on(hass, AURA_LIGHT, **{ATTR_HS_COLOR: (240, 100), ATTR_BRIGHTNESS: 255})
    command = commands(simulator)[-1]
    assert command[:2] == [5, ColorMode.STATIC_HSV]
    assert command[2] == [[1, 100, [240, 100]]] * 9
    assert array(simulator).leds == (ColorLed(True, 100, 240, 100, 3000),) * 9
    await pushed(hass, init_integration, simulator)
    state = state_of(hass, AURA_LIGHT)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_HS_COLOR] == (240, 100)
    assert state.attributes[ATTR_BRIGHTNESS] == 255
    assert state.attributes[ATTR_COLOR_MODE] == "hs"
    assert state.attributes[ATTR_EFFECT] == "off"


@pytest.mark.parametrize("variant", ["aura"])
@pytest.mark.parametrize(("asked", "sent"), [(2700, 2700), (9000, 6500), (1000, 1000)])
async def test_color_temperature(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    asked: int,
    sent: int,
) -> None:
    """Kelvin goes out per LED, clamped to 1000-6500 K; the push shows it."""
    await turn_on(hass, AURA_LIGHT, **{ATTR_COLOR_TEMP_KELVIN: asked})
    command = commands(simulator)[-1]
    assert command[:2] == [5, ColorMode.STATIC_TEMPERATURE]
    assert command[2] == [[1, 60, sent]] * 9, "the last brightness, one entry per LED"
    await pushed(hass, init_integration, simulator)
    state = state_of(hass, AURA_LIGHT)
    assert state.attributes[ATTR_COLOR_MODE] == "color_temp"
    assert state.attributes[ATTR_COLOR_TEMP_KELVIN] == sent


@pytest.mark.parametrize("variant", ["aura"])
@pytest.mark.parametrize("effect", EFFECTS)
async def test_each_effect(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    effect: str,
) -> None:
    """Every effect runs on the device with the current colour; the state shows it."""
    await turn_on(hass, AURA_LIGHT, **{ATTR_HS_COLOR: (120, 80), ATTR_BRIGHTNESS: 204})
    await turn_on(hass, AURA_LIGHT, **{ATTR_EFFECT: effect})
    light = array(simulator)
    assert light.color_mode.name.lower() == effect
    assert light.random is False
    first = light.leds[0]
    assert (first.on, first.brightness, first.hue, first.saturation) == (True, 80, 120, 80)
    expected_colors = {"starry_night": 2, "color_cycle": 2}.get(effect, 1)
    assert len(light.leds) == expected_colors
    await pushed(hass, init_integration, simulator)
    state = state_of(hass, AURA_LIGHT)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_EFFECT] == effect
    assert state.attributes[ATTR_BRIGHTNESS] == 204

    await turn_on(hass, AURA_LIGHT, **{ATTR_EFFECT: "off"})
    assert array(simulator).color_mode is ColorMode.STATIC_HSV
    await pushed(hass, init_integration, simulator)
    assert state_of(hass, AURA_LIGHT).attributes[ATTR_EFFECT] == "off"
    assert state_of(hass, AURA_LIGHT).attributes[ATTR_HS_COLOR] == (120, 80)


@pytest.mark.parametrize("variant", ["aura"])
async def test_colour_temperature_and_effects(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Effects take colours: a temperature becomes the colour that looks like it."""
    await turn_on(hass, AURA_LIGHT, **{ATTR_COLOR_TEMP_KELVIN: 2700})
    await turn_on(hass, AURA_LIGHT, **{ATTR_EFFECT: "breathing"})
    light = array(simulator)
    assert light.color_mode is ColorMode.BREATHING
    assert [(led.hue, led.saturation) for led in light.leds] == [kelvin_hs(2700)]
    await turn_on(hass, AURA_LIGHT, **{ATTR_COLOR_TEMP_KELVIN: 6500})
    light = array(simulator)
    assert light.color_mode is ColorMode.BREATHING
    assert [(led.hue, led.saturation) for led in light.leds] == [kelvin_hs(6500)]


@pytest.mark.parametrize("variant", ["aura"])
async def test_change_in_the_app_is_shown_and_kept(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """An effect set in the vendor app shows; a brightness change keeps it running."""
    rainbow = ColorLight(5, ColorMode.RAINBOW, (ColorLed(True, 40, 0, 100),), 6, False, 40)
    await simulator.set_color_light(rainbow)
    await wait_until(
        hass, lambda: state_of(hass, AURA_LIGHT).attributes.get(ATTR_EFFECT) == "rainbow"
    )
    state = state_of(hass, AURA_LIGHT)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_COLOR_MODE] == "brightness"

    await turn_on(hass, AURA_LIGHT, **{ATTR_BRIGHTNESS: 255})
    light = array(simulator)
    assert light.color_mode is ColorMode.RAINBOW
    assert light.speed == 6
    assert light.leds[0].brightness == 100
    await pushed(hass, init_integration, simulator)
    assert state_of(hass, AURA_LIGHT).attributes[ATTR_EFFECT] == "rainbow"

    warm = ColorLight(5, ColorMode.STATIC_TEMPERATURE, (ColorLed(True, 30, kelvin=2200),) * 9)
    await simulator.set_color_light(warm)
    await wait_until(
        hass, lambda: state_of(hass, AURA_LIGHT).attributes.get(ATTR_COLOR_TEMP_KELVIN) == 2200
    )


@pytest.mark.parametrize("variant", ["aura"])
async def test_colour_for_a_running_effect(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A colour picked while starry night runs becomes the star colour."""
    await action(
        hass,
        "set_effect",
        AURA_LIGHT,
        effect="starry_night",
        rgb_colors=[[0, 0, 0], [255, 0, 0]],
        brightness_pct=100,
    )
    await turn_on(hass, AURA_LIGHT, **{ATTR_HS_COLOR: (60, 100)})
    light = array(simulator)
    assert light.color_mode is ColorMode.STARRY_NIGHT
    assert [(led.brightness, led.hue, led.saturation) for led in light.leds] == [
        (0, 0, 0),
        (100, 60, 100),
    ]


@pytest.mark.parametrize("variant", ["aura"])
async def test_unknown_effect_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """An effect outside the list: a translated error, nothing sent."""
    with pytest.raises(ServiceValidationError) as err:
        await turn_on(hass, AURA_LIGHT, **{ATTR_EFFECT: "disco"})
    assert err.value.translation_key == "invalid_effect"
    assert not commands(simulator)


@pytest.mark.usefixtures("enable_all")
@pytest.mark.parametrize("variant", ["aura"])
async def test_indicator_is_a_second_light(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The indicator array (selector 7) is switched on its own, seven LEDs at once."""
    assert state_of(hass, INDICATOR).state == STATE_ON
    nightlight = array(simulator, 5)
    await turn_off(hass, INDICATOR)
    command = commands(simulator)[-1]
    assert command[0] == 7
    assert len(command[2]) == 7
    assert not array(simulator, 7).is_on
    assert array(simulator, 5) == nightlight
    await wait_until(hass, lambda: state_of(hass, INDICATOR).state == STATE_OFF)
    assert state_of(hass, AURA_LIGHT).state == STATE_OFF
