"""Narrow windows of the link: a drop right behind the re-read, a stranger at the address.

Each case runs many times in a row; every run must end with Home Assistant telling the
truth about the link and showing only what the entry's own outlet has.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import logging
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import Callback, OutletStates
from simulator import SimulatedOutlet

from .common import coordinator_of, differences, poll, settle
from .hooks import Hooks

RUNS = 15
STRANGER = "0019B2FFFF"


async def test_a_drop_right_behind_the_reconnect_read_is_not_forgotten(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The outlet goes down just after it answered the last part of the re-read.

    The outage that drop starts must stand while the outlet stays down: Home Assistant
    keeps counting it (and would turn the entities unavailable after the grace), and
    restores the link only once it read over one that is still open.
    """
    coordinator = coordinator_of(init_integration)
    hooks = Hooks(simulator)
    answered: set[int] = set()
    armed: list[bool] = [False]

    def after(callback: int) -> Callable[[], Awaitable[None]] | None:
        if not armed[0] or callback not in (Callback.OUTLETS, Callback.GET_CONFIG):
            return None
        answered.add(callback)
        if answered != {Callback.OUTLETS, Callback.GET_CONFIG}:
            return None
        armed[0] = False  # the last essential answer is on its way: go down behind it
        return go_down

    async def go_down() -> None:
        simulator._server.drop_all()  # right behind the answer
        await simulator.reboot(delay=0.2)  # and refuse connections for a while

    hooks.after_reply = after
    # A busy Home Assistant: each reply of the re-read is handled a little late, so the
    # drop right behind the last one is seen before the read has ended.
    request = coordinator.client.request

    async def handled_late(callback: int, *args: Any, **kwargs: Any) -> Any:
        frame = await request(callback, *args, **kwargs)
        if slow[0] and callback in (Callback.OUTLETS, Callback.GET_CONFIG):
            await asyncio.sleep(0.05)
        return frame

    slow = [False]
    coordinator.client.request = handled_late  # type: ignore[method-assign]
    for run in range(1, RUNS + 1):
        answered.clear()
        armed[0] = slow[0] = True
        await simulator.drop_connections()
        await poll(lambda: not armed[0], f"run {run}: the re-read")
        await poll(lambda: not simulator.state.online, f"run {run}: the outlet to go down")
        coordinator.last_error = None
        await poll(
            lambda: "cannot connect" in (coordinator.last_error or ""),
            f"run {run}: an attempt on the outlet while it is down",
        )
        assert coordinator.disconnected_since is not None, f"run {run}: the outage was forgotten"
        assert not coordinator.link_ready
        slow[0] = False
        await simulator.wait_until_online()
        await settle(hass, init_integration)
        assert differences(hass, init_integration, simulator) == [], f"run {run}"
    # the link that is up now is a good one: a command goes through
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.invisoutlet_e7c4_outlet_1"}, blocking=True
    )
    assert simulator.state.outlets.outlet_1 is True


async def test_another_outlet_at_the_address_is_never_adopted(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After a power cut another outlet got this one's address; it talks a lot.

    Home Assistant connects to it again and again (it announces itself, its button is
    pressed, it pushes) and never shows any of it; when the entry's outlet is back,
    everything is its own again.
    """
    caplog.set_level(logging.DEBUG, logger="custom_components.intecular")
    coordinator = coordinator_of(init_integration)
    seen: list[tuple[str, OutletStates]] = []
    coordinator.async_add_listener(
        lambda: seen.append((coordinator.data.info.outlet.serial, coordinator.data.outlets))
    )
    before = coordinator.data.outlets
    port = simulator.port
    await simulator.reboot(delay=3600)  # our outlet is away for good
    async with SimulatedOutlet(
        "pro", serial=STRANGER, port=port, seed=8, sensor_interval=0
    ) as stranger:
        for run in range(1, RUNS + 1):
            connections = stranger.total_connections
            await poll(
                lambda connections=connections: stranger.total_connections > connections,
                f"run {run}: a connection to the stranger",
            )
            stranger.push_device_info()
            await stranger.press_button(1)
            await stranger.press_button(2)
            stranger.state.sensors.drift()
            await stranger.push_sensors()
            assert coordinator.data.info.outlet.serial == simulator.serial
            assert coordinator.data.outlets == before, f"run {run}"
        await stranger.drop_connections()
    assert all(serial == simulator.serial for serial, _ in seen)
    assert all(outlets == before for _, outlets in seen)
    assert f"found {STRANGER}" in caplog.text  # it was told apart by its serial
    # our outlet comes back at its address
    simulator._server.port = port
    await simulator._come_back_after(0)
    await settle(hass, init_integration)
    assert differences(hass, init_integration, simulator) == []
