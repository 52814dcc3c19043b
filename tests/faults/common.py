"""What the fault tests share: is Home Assistant showing what the outlet has?"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import (
    DeviceConfig,
    Nightlight,
    OutletInfo,
    OutletStates,
    SensorReadings,
)
from custom_components.intecular.const import DOMAIN
from simulator import SimulatedOutlet
from tests.integration.common import SLUG, coordinator_of

OUTLET_1 = f"switch.{SLUG}_outlet_1"
OUTLET_2 = f"switch.{SLUG}_outlet_2"
NIGHTLIGHT = "light.invisdeco_pro_e7c4_nightlight"
TEMPERATURE = "sensor.invisdeco_pro_e7c4_temperature"
INDICATOR_BRIGHTNESS = "number.invisdeco_pro_e7c4_indicator_brightness"

WAIT = 10.0
"""Upper bound for anything these tests wait on; a healthy run stays far below it."""

# What a command that could not be carried out may raise (a translated error).
COMMAND_ERRORS = frozenset({"not_connected", "command_timeout", "communication_error"})


async def poll(condition: Callable[[], Any], what: str, timeout: float = WAIT) -> None:
    """Yield to the loop until ``condition()`` holds; fail loudly after ``timeout``."""
    try:
        async with asyncio.timeout(timeout):
            while not condition():  # noqa: ASYNC110 - conditions are plain attributes
                await asyncio.sleep(0.002)
    except TimeoutError:
        raise AssertionError(f"still waiting after {timeout} s for {what}") from None


async def settle(hass: HomeAssistant, entry: MockConfigEntry, *, idle: bool = True) -> None:
    """Wait for the connection, then handle every frame the outlet has sent so far.

    Frames travel in order: once the reply to a request sent now has arrived, so has
    every push sent before it. ``idle=False`` skips waiting for Home Assistant to be
    idle, which it never is while an install runs.
    """
    coordinator = coordinator_of(entry)
    await poll(
        lambda: coordinator.client.connected and coordinator.disconnected_since is None,
        "the connection to be back",
    )
    await coordinator.client.get_outlets()
    if idle:
        await hass.async_block_till_done()


def differences(hass: HomeAssistant, entry: MockConfigEntry, sim: SimulatedOutlet) -> list[str]:
    """Where Home Assistant (the coordinator's state and the entities) differs from the outlet."""
    data = coordinator_of(entry).data
    device = sim.state
    found: list[str] = []

    def check(what: str, shown: Any, actual: Any) -> None:
        if shown != actual:
            found.append(f"{what}: Home Assistant has {shown!r}, the outlet {actual!r}")

    # the outlet's state as it reports it, read with the client's models
    check("outlets", data.outlets, OutletStates.from_args(device.outlets.to_args()))
    for number, entity_id in ((1, OUTLET_1), (2, OUTLET_2)):
        check(entity_id, _state(hass, entity_id), _on_off(device.outlets.is_on(number)))
    check("configuration", data.config, DeviceConfig.from_args(device.config))
    check("device info", data.info, OutletInfo.from_args(device.device_info_args(sim.quirks)))
    if sim.variant.has_nightlight:
        check("nightlight", data.nightlight, Nightlight.from_args(device.nightlight.to_args()))
        check(NIGHTLIGHT, _state(hass, NIGHTLIGHT), _on_off(device.nightlight.on))
    if device.faceplate_available:
        readings = device.sensors.to_args(sim.variant.sensor_device_type)
        check("sensors", data.sensors, SensorReadings.from_args(readings))
    return found


def _state(hass: HomeAssistant, entity_id: str) -> str | None:
    state = hass.states.get(entity_id)
    return None if state is None else state.state


def _on_off(on: bool) -> str:
    return STATE_ON if on else STATE_OFF


def assert_translated(err: HomeAssistantError, allowed: frozenset[str] = COMMAND_ERRORS) -> None:
    """The error is one of the integration's translated command errors."""
    assert err.translation_domain == DOMAIN, repr(err)
    assert err.translation_key in allowed, repr(err)
