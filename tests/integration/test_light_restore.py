"""Aura lights come back as they were: after off/on, a reload, a restart, an offline start."""

from __future__ import annotations

from typing import Any

from homeassistant.components.light import (
    ATTR_EFFECT,
    ATTR_HS_COLOR,
)
from homeassistant.const import STATE_OFF
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)

from custom_components.intecular.api import ColorLed, ColorMode
from simulator import SimulatedOutlet

from .common import wait_until
from .lighting import (
    AURA_LIGHT,
    INDICATOR,
    action,
    array,
    commands,
    pushed,
    state_of,
    turn_off,
    turn_on,
)


@pytest.mark.parametrize("variant", ["aura"])
async def test_off_then_on_restores_the_effect(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Off sends every LED dark; on brings back the effect with its colours."""
    await action(
        hass,
        "set_effect",
        AURA_LIGHT,
        effect="breathing",
        hs_colors=[[10, 100], [200, 100], [300, 50]],
        speed=5,
        brightness_pct=70,
    )
    running = array(simulator)
    await turn_off(hass, AURA_LIGHT)
    command = commands(simulator)[-1]
    assert command[:2] == [5, ColorMode.STATIC_HSV]
    assert [entry[0] for entry in command[2]] == [0] * 9
    await pushed(hass, init_integration, simulator)
    assert state_of(hass, AURA_LIGHT).state == STATE_OFF

    await turn_on(hass, AURA_LIGHT)
    assert array(simulator) == running
    await pushed(hass, init_integration, simulator)
    state = state_of(hass, AURA_LIGHT)
    assert state.attributes[ATTR_EFFECT] == "breathing"
    assert state.attributes[ATTR_HS_COLOR] == (10, 100)


@pytest.mark.parametrize("variant", ["aura"])
async def test_off_then_on_restores_after_a_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The last lit state survives a restart of the integration."""
    await action(hass, "set_effect", AURA_LIGHT, effect="strobing", hs_colors=[[50, 90]])
    running = array(simulator)
    await turn_off(hass, AURA_LIGHT)
    await pushed(hass, init_integration, simulator)
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    await turn_on(hass, AURA_LIGHT)
    assert array(simulator) == running


@pytest.mark.parametrize("variant", ["aura"])
@pytest.mark.parametrize(
    ("stored", "expected_mode"),
    [
        ([5, 6, [[1, 80, [300, 90]], [1, 80, [20, 90]]], 4, 0, 80], ColorMode.RAINBOW),
        ([7, 6, [[1, 80, [300, 90]]], 4, 0, 80], ColorMode.STATIC_HSV),  # another array's
        (["not", "a", "light"], ColorMode.STATIC_HSV),
        (None, ColorMode.STATIC_HSV),
    ],
)
async def test_last_lit_state_from_before_a_restart(
    hass: HomeAssistant,
    *,
    config_entry: MockConfigEntry,
    simulator: SimulatedOutlet,
    fast_reconnect: None,
    stored: list[Any] | None,
    expected_mode: ColorMode,
) -> None:
    """Off when Home Assistant starts: on brings back what was lit before the restart."""
    mock_restore_cache_with_extra_data(hass, [(State(AURA_LIGHT, STATE_OFF), {"last_lit": stored})])
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await turn_on(hass, AURA_LIGHT)
    assert array(simulator).color_mode is expected_mode


@pytest.mark.parametrize("variant", ["aura"])
async def test_faceplate_online_after_setup_brings_its_lights(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: SimulatedOutlet,
    entity_registry: er.EntityRegistry,
    fast_reconnect: None,
) -> None:
    """Set up while the faceplate was offline: its lights appear once it is back."""
    await simulator.set_faceplate_online(False)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert entity_registry.async_get(AURA_LIGHT) is None
    await simulator.set_faceplate_online(True)
    await wait_until(hass, lambda: hass.states.get(AURA_LIGHT) is not None)
    assert state_of(hass, AURA_LIGHT).state == STATE_OFF
    # the two arrays are read one after the other
    await wait_until(hass, lambda: entity_registry.async_get(INDICATOR) is not None)


@pytest.mark.parametrize("variant", ["aura"])
async def test_first_on_lights_the_colours_the_device_kept(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Nothing lit since setup: on lights every LED with the colour the device kept."""
    assert state_of(hass, AURA_LIGHT).state == STATE_OFF
    await turn_on(hass, AURA_LIGHT)
    assert array(simulator).leds == (ColorLed(True, 60, 28, 85, 3000),) * 9
