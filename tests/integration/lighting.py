"""Helpers for the light tests: entity ids, the simulated arrays, service calls."""

from __future__ import annotations

from typing import Any

from homeassistant.components.light import DOMAIN as LIGHT_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.core import HomeAssistant, State
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import Callback, ColorLight
from custom_components.intecular.const import DOMAIN
from simulator import SimulatedOutlet

from .common import coordinator_of, wait_until

PRO_LIGHT = "light.invisdeco_pro_e7c4_nightlight"
AURA_LIGHT = "light.invisdeco_aura_e7c4_nightlight"
INDICATOR = "light.invisdeco_aura_e7c4_indicator"
EFFECTS = ["breathing", "strobing", "color_cycle", "rainbow", "starry_night"]


def state_of(hass: HomeAssistant, entity_id: str) -> State:
    """The entity's state (it must exist)."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state


def array(simulator: SimulatedOutlet, selector: int = 5) -> ColorLight:
    """The array as the simulated device reports it (18), parsed by the client's model."""
    return ColorLight.from_args(simulator.state.color[selector].to_args())


def commands(simulator: SimulatedOutlet) -> list[Any]:
    """Every colour light command (17) the outlet received."""
    return [args for callback, args in simulator.requests if callback == Callback.SET_COLOR_LIGHT]


async def turn_on(hass: HomeAssistant, entity_id: str, **data: Any) -> None:
    """light.turn_on."""
    await hass.services.async_call(
        LIGHT_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def turn_off(hass: HomeAssistant, entity_id: str) -> None:
    """light.turn_off."""
    await hass.services.async_call(
        LIGHT_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def action(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    """One of the integration's light actions."""
    await hass.services.async_call(
        DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def pushed(hass: HomeAssistant, entry: MockConfigEntry, sim: SimulatedOutlet) -> None:
    """Wait until Home Assistant holds exactly what the device pushed (18)."""
    coordinator = coordinator_of(entry)
    await wait_until(hass, lambda: coordinator.data.color_light == array(sim))
