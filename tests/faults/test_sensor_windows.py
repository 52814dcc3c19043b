"""Sensor readings read around a silence: what the faceplate's answer makes of it.

After a silence a read the faceplate answers brings its sensors back (a read is its
report, as a push is). Here the read goes out just before the silence is declared and
its answer arrives just after it.
"""

from __future__ import annotations

import asyncio
from unittest.mock import patch

from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import Callback
from simulator import SimulatedOutlet

from .common import poll
from .hooks import Hooks

TEMPERATURE = "sensor.invisdeco_pro_e7c4_temperature"


def _shown(hass: HomeAssistant) -> str | None:
    return None if (state := hass.states.get(TEMPERATURE)) is None else state.state


@pytest.mark.parametrize("variant", ["pro"])
async def test_a_read_answered_after_the_silence_brings_the_sensors_back(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A user's refresh asks for the readings; before the answer arrives the faceplate's
    silence is declared. The answer (after it) is the faceplate's report all the same:
    the sensors show the reading again, no push needed."""
    with patch("custom_components.intecular.coordinator.SENSOR_SILENCE_TIMEOUT", 0.5):
        config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await poll(lambda: _shown(hass) not in (None, STATE_UNAVAILABLE, STATE_UNKNOWN), "shown")
        reading = _shown(hass)
        assert await async_setup_component(hass, "homeassistant", {})

        hooks = Hooks(simulator)
        answer = asyncio.Event()
        hooks.held[Callback.SENSORS] = answer
        asked_while_shown: list[bool] = []

        def observe(callback: int, _args: object) -> bool:
            if callback == Callback.SENSORS:
                asked_while_shown.append(_shown(hass) == reading)
            return False

        hooks.unanswered_if = observe
        refresh = hass.async_create_task(
            hass.services.async_call(
                "homeassistant", "update_entity", {ATTR_ENTITY_ID: TEMPERATURE}, blocking=True
            )
        )
        await poll(lambda: asked_while_shown, "the read of the sensors")
        assert asked_while_shown == [True]  # sent before the silence
        await poll(lambda: _shown(hass) == STATE_UNAVAILABLE, "the silence")
        answer.set()
        await refresh
        await poll(lambda: _shown(hass) == reading, "the reading back")
        assert await hass.config_entries.async_unload(config_entry.entry_id)
