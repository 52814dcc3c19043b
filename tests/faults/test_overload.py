"""An outlet too slow to answer in time, and one that floods Home Assistant with pushes."""

from __future__ import annotations

import asyncio
import gc
import logging

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import connection as connection_module
from simulator import SimulatedOutlet

from .common import (
    NIGHTLIGHT,
    OUTLET_1,
    OUTLET_2,
    WAIT,
    coordinator_of,
    differences,
    poll,
    settle,
)

FLOOD = 10_000  # pushes
BURST = 100  # pushes queued before waiting for the socket to take them


async def test_slow_replies_fail_in_time_and_late_ones_are_ignored(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Replies later than the timeout: a translated error, nothing left waiting.

    The outlet still carries the command out, late; its late reply is dropped quietly
    and its push shows the truth.
    """
    caplog.set_level(logging.DEBUG, logger=connection_module.__name__)
    client = coordinator_of(init_integration).client
    client.request_timeout = 0.05
    simulator.faults.reply_delay = 0.2  # the timeout always fires first: timers run in order
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call("switch", "turn_on", {"entity_id": OUTLET_1}, blocking=True)
    assert err.value.translation_key == "command_timeout"
    assert client.waiting == 0, "a future is left waiting"
    assert hass.states.get(OUTLET_1).state == STATE_OFF, "a change the outlet did not confirm"

    frames = client.stats.frames
    await poll(lambda: client.stats.frames >= frames + 2, "the late reply and its push")
    await hass.async_block_till_done()
    assert "Dropped the late reply to callback 10" in caplog.text
    assert client.stats.bad_frames == 0
    assert hass.states.get(OUTLET_1).state == STATE_ON  # the outlet did it, and said so

    # the same link serves again once the outlet is quick
    simulator.faults.reply_delay = 0
    client.request_timeout = 5.0
    await hass.services.async_call("switch", "turn_on", {"entity_id": OUTLET_2}, blocking=True)
    assert simulator.state.outlets.outlet_2 is True
    assert client.stats.connects == 1
    assert simulator.total_connections == 1
    await settle(hass, init_integration)
    assert differences(hass, init_integration, simulator) == []


async def test_every_request_of_a_read_times_out_cleanly(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A full re-read against a slow outlet: it gives up, leaves nothing behind, retries."""
    coordinator = coordinator_of(init_integration)
    client = coordinator.client
    client.request_timeout = 0.05
    simulator.faults.reply_delay = 0.2
    await simulator.drop_connections()
    connections = simulator.total_connections
    # reconnect attempts time out and retry; each attempt is a new connection
    await poll(lambda: simulator.total_connections >= connections + 2, "two attempts")
    assert coordinator.reconnects == 0
    simulator.faults.reply_delay = 0
    await poll(lambda: coordinator.reconnects == 1, "the reconnect")
    await settle(hass, init_integration)  # the optional parts follow the reconnect
    await poll(lambda: client.waiting == 0, "no request left waiting")
    assert differences(hass, init_integration, simulator) == []


async def test_a_flood_of_pushes(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The outlet pushes as fast as the socket takes it: a service call still completes,
    nothing piles up, and Home Assistant ends up showing exactly the outlet."""
    client = coordinator_of(init_integration).client
    client.request_timeout = WAIT  # the reply queues behind the flood
    server = simulator._server

    async def flood() -> None:
        for i in range(FLOOD):
            if i % 3 == 0:
                await simulator.press_button(2)
            else:
                await simulator.set_sensor("temp_celsius", 15 + (i % 200) / 10)
            if i % BURST == BURST - 1:
                await server.flush()  # as fast as TCP takes them, like a device

    await settle(hass, init_integration)
    gc.collect()
    objects = len(gc.get_objects())
    tasks = len(asyncio.all_tasks())
    flooding = asyncio.create_task(flood())
    try:
        await poll(lambda: client.stats.frames > FLOOD // 4, "the flood to be under way")
        assert not flooding.done(), "the flood ended before the command was sent"
        async with asyncio.timeout(WAIT):
            await hass.services.async_call(
                "light", "turn_on", {"entity_id": NIGHTLIGHT}, blocking=True
            )
        assert simulator.state.nightlight.on
        async with asyncio.timeout(60):
            await flooding
    finally:
        flooding.cancel()
    await settle(hass, init_integration)
    assert client.stats.frames >= FLOOD
    assert differences(hass, init_integration, simulator) == []
    # nothing is kept per push: no tasks, no objects that grow with the pushes
    assert len(asyncio.all_tasks()) <= tasks
    assert client.waiting == 0
    gc.collect()
    assert len(gc.get_objects()) - objects < FLOOD // 20
