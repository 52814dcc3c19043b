"""Dropped links: while commands and pushes flow, mid-command, and during the re-read.

Every command either succeeds (and the outlet made the change) or raises a translated
error; none hangs. After every reconnect Home Assistant shows what the outlet has.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
import random
from typing import Any
from unittest.mock import patch

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import Callback
from custom_components.intecular.color_math import to_percent
from simulator import SimulatedOutlet
from simulator.handlers import HANDLERS

from .common import (
    INDICATOR_BRIGHTNESS,
    NIGHTLIGHT,
    OUTLET_1,
    OUTLET_2,
    WAIT,
    assert_translated,
    coordinator_of,
    differences,
    poll,
    settle,
)

CYCLES = 30
INDICATOR_PATH = "pmIndicatorBrightness"
TOUCH_CONTROL = "switch.invisdeco_pro_e7c4_touch_control"
TOUCH_PATH = "capacitiveCtrl"


@dataclass(frozen=True)
class Command:
    """A service call and how to tell the outlet carried it out."""

    domain: str
    service: str
    data: dict[str, Any]
    made: Callable[[SimulatedOutlet], bool]


def _pref(sim: SimulatedOutlet, path: str) -> Any:
    return sim.state.config["acc_prefs"].get(path)


def _random_command(rng: random.Random) -> Command:
    """Commands on what only Home Assistant changes here (the 'device' changes outlet 2)."""
    kind = rng.randrange(5)
    on = rng.random() < 0.5
    if kind == 0:
        return Command(
            "switch",
            "turn_on" if on else "turn_off",
            {"entity_id": OUTLET_1},
            lambda sim: sim.state.outlets.outlet_1 is on,
        )
    if kind == 1:
        brightness = rng.randint(1, 255)
        return Command(
            "light",
            "turn_on",
            {"entity_id": NIGHTLIGHT, "brightness": brightness},
            lambda sim: (
                sim.state.nightlight.on
                and sim.state.nightlight.brightness == to_percent(brightness)
            ),
        )
    if kind == 2:
        return Command(
            "light", "turn_off", {"entity_id": NIGHTLIGHT}, lambda sim: not sim.state.nightlight.on
        )
    if kind == 3:
        value = rng.randint(1, 100)
        return Command(
            "number",
            "set_value",
            {"entity_id": INDICATOR_BRIGHTNESS, "value": value},
            lambda sim: _pref(sim, INDICATOR_PATH) == value,
        )
    return Command(
        "switch",
        "turn_on" if on else "turn_off",
        {"entity_id": TOUCH_CONTROL},
        lambda sim: _pref(sim, TOUCH_PATH) == int(on),
    )


async def _commands(
    hass: HomeAssistant,
    sim: SimulatedOutlet,
    rng: random.Random,
    stop: asyncio.Event,
    results: Counter[str],
) -> None:
    """One service call after another until told to stop."""
    while not stop.is_set():
        command = _random_command(rng)
        try:
            async with asyncio.timeout(WAIT):  # a hanging command fails the test here
                await hass.services.async_call(
                    command.domain, command.service, command.data, blocking=True
                )
        except HomeAssistantError as err:
            assert_translated(err)
            results["failed"] += 1
        else:
            assert command.made(sim), f"{command} succeeded, but the outlet did not make it"
            results["ok"] += 1
        # A command refused at once (the link is going) does not yield: let the loop run.
        await asyncio.sleep(rng.uniform(0, 0.002))


async def _device(sim: SimulatedOutlet, rng: random.Random, stop: asyncio.Event) -> None:
    """The outlet's own changes: its button (outlet 2) and drifting sensor readings."""
    while not stop.is_set():
        if rng.random() < 0.5:
            await sim.press_button(2)
        else:
            sim.state.sensors.drift()
            await sim.push_sensors()
        await asyncio.sleep(rng.uniform(0, 0.01))


@pytest.mark.usefixtures("enable_all")  # commands go to settings disabled by default too
async def test_drops_while_commands_and_pushes_flow(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The link drops again and again; commands and pushes never stop for it."""
    coordinator = coordinator_of(init_integration)
    chaos = random.Random(1)
    commands, device = random.Random(2), random.Random(3)
    results: Counter[str] = Counter()
    for cycle in range(1, CYCLES + 1):
        stop = asyncio.Event()
        traffic = [
            asyncio.create_task(_commands(hass, simulator, commands, stop, results)),
            asyncio.create_task(_device(simulator, device, stop)),
        ]
        try:
            finished = results.total()
            await poll(lambda finished=finished: results.total() > finished, "a command to end")
            await asyncio.sleep(chaos.uniform(0, 0.03))
            await simulator.drop_connections()
            await poll(lambda cycle=cycle: coordinator.reconnects == cycle, f"reconnect {cycle}")
            await asyncio.sleep(chaos.uniform(0, 0.02))  # traffic over the new link
            stop.set()
            async with asyncio.timeout(WAIT):
                await asyncio.gather(*traffic)
        finally:
            for task in traffic:
                task.cancel()
        await settle(hass, init_integration)
        assert differences(hass, init_integration, simulator) == [], f"after reconnect {cycle}"
        # the parts asked for in case follow in the background: none is left waiting
        await poll(lambda: coordinator.client.waiting == 0, "no request left waiting")

    assert simulator.total_connections == CYCLES + 1
    # the link is healthy again: a command goes through
    was_on = simulator.state.outlets.outlet_1
    await hass.services.async_call("switch", "toggle", {"entity_id": OUTLET_1}, blocking=True)
    assert simulator.state.outlets.outlet_1 is not was_on
    assert hass.states.get(OUTLET_1).state == (STATE_OFF if was_on else STATE_ON)


class PressDuringRead:
    """The outlet's button (outlet 2) is pressed while Home Assistant re-reads the state.

    Home Assistant asks for the outlets (9) and, in the same breath, the configuration
    (1). Armed, the press happens as the outlet answers 1, after it answered 9: the
    push of the press is then the only news of it.
    """

    def __init__(self) -> None:
        self.armed = False
        self.pressed = False

    def handler(self, answer: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        def press_then_answer(dev: Any, args: Any) -> Any:
            if self.armed:
                self.armed = False
                outlets = dev.state.outlets
                dev.change_outlets(outlets.switched(2, not outlets.outlet_2))
                self.pressed = True
            return answer(dev, args)

        return press_then_answer


@pytest.fixture
def press_during_read() -> Iterator[PressDuringRead]:
    press = PressDuringRead()
    answer = HANDLERS[Callback.GET_CONFIG]
    with patch.dict(HANDLERS, {Callback.GET_CONFIG: press.handler(answer)}):
        yield press


def _outlets_read_before_config(sim: SimulatedOutlet, since: int) -> bool:
    """The premise: the re-read asked for 9 before 1."""
    asked = [callback for callback, _ in list(sim.requests)[since:]]
    return Callback.OUTLETS in asked and asked.index(Callback.OUTLETS) < asked.index(
        Callback.GET_CONFIG
    )


async def test_a_push_during_the_reconnect_read_is_kept(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    press_during_read: PressDuringRead,
) -> None:
    """A change the outlet pushes while Home Assistant re-reads it after a reconnect."""
    coordinator = coordinator_of(init_integration)
    requests = len(simulator.requests)
    press_during_read.armed = True
    await simulator.drop_connections()
    await poll(lambda: coordinator.reconnects == 1, "the reconnect")
    await settle(hass, init_integration)
    assert press_during_read.pressed
    assert _outlets_read_before_config(simulator, requests)
    assert simulator.state.outlets.outlet_2 is True
    assert differences(hass, init_integration, simulator) == []
    assert hass.states.get(OUTLET_2).state == STATE_ON


async def test_a_push_during_a_requested_read_is_kept(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    press_during_read: PressDuringRead,
) -> None:
    """The same while re-reading because the outlet announced a restart (a 12 push)."""
    coordinator = coordinator_of(init_integration)
    requests = len(simulator.requests)
    press_during_read.armed = True
    simulator.push_device_info()
    await poll(lambda: press_during_read.pressed, "the re-read")
    await settle(hass, init_integration)
    await hass.async_block_till_done()
    assert _outlets_read_before_config(simulator, requests)
    assert differences(hass, init_integration, simulator) == []
    assert hass.states.get(OUTLET_2).state == STATE_ON
    assert coordinator.reconnects == 0


@pytest.mark.parametrize("acted", [True, False], ids=["outlet-acted", "outlet-never-heard"])
async def test_link_lost_mid_command(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    acted: bool,
) -> None:
    """The link drops while a command waits for its answer: an error, then the truth."""
    coordinator = coordinator_of(init_integration)
    requests = len(simulator.requests)
    if acted:
        simulator.faults.drop_replies = True  # carries the command out, never answers
    else:
        simulator.faults.silent = True  # never hears it
    call = asyncio.create_task(
        hass.services.async_call("switch", "turn_on", {"entity_id": OUTLET_1}, blocking=True)
    )
    await poll(lambda: coordinator.client.waiting, "the command to be sent")
    if acted:
        await poll(lambda: len(simulator.requests) > requests, "the outlet to get it")
    simulator.faults.drop_replies = simulator.faults.silent = False
    await simulator.drop_connections()
    with pytest.raises(HomeAssistantError) as err:
        async with asyncio.timeout(WAIT):
            await call
    assert err.value.translation_key == "not_connected"
    await poll(lambda: coordinator.reconnects == 1, "the reconnect")
    await settle(hass, init_integration)
    assert simulator.state.outlets.outlet_1 is acted
    assert hass.states.get(OUTLET_1).state == (STATE_ON if acted else STATE_OFF)
    assert differences(hass, init_integration, simulator) == []
