"""Changes that arrive at an unlucky moment: none is lost, overwritten or multiplied.

Each test opens one window through Home Assistant against the simulated outlet: a push
at every moment of loading, a command while background reads hang, a push between a
command and its acknowledgement, a reply later than its request's timeout, and sensor
pushes from a faceplate that device info does not list.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import itertools
import logging
from typing import Any
from unittest.mock import patch

from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.intecular.api import Callback
from custom_components.intecular.const import FULL_READ_MIN_INTERVAL
from simulator import SimulatedOutlet

from .common import OUTLET_1, coordinator_of, poll, settle
from .hooks import Hooks

# What the outlet leaves unanswered in the command test (18 [7] besides).
HANGING = frozenset({Callback.AVAILABLE_UPDATES, Callback.MQTT, Callback.GET_ACCESSORY_NAMES})


def _asked(sim: SimulatedOutlet, callback: int) -> int:
    """How often the outlet was asked for ``callback`` so far."""
    return sum(1 for number, _args in sim.requests if number == callback)


async def _switched_at_the_wall(sim: SimulatedOutlet) -> None:
    await sim.set_outlet(1, True)


# --- a push at every moment of loading --------------------------------------------------


@pytest.mark.parametrize("window", ["identity", "essentials", "optional_wait"])
async def test_a_push_during_loading_is_shown(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet, window: str
) -> None:
    """Outlet 1 is switched at the wall while Home Assistant loads the outlet.

    ``identity``: before its device info (12) answered; ``essentials``: the outlets'
    answer (9) was made before the switch and arrives after its push; ``optional_wait``:
    the essentials are in, the names (3) hang and loading gives them a moment.
    """
    hooks = Hooks(simulator)
    released = asyncio.Event()
    if window == "identity":
        hooks.held[Callback.DEVICE_INFO] = released
        asked = Callback.DEVICE_INFO
    elif window == "essentials":
        hooks.held[Callback.OUTLETS] = released
        asked = Callback.OUTLETS
    else:
        hooks.unanswered = {Callback.GET_ACCESSORY_NAMES}
        asked = Callback.GET_ACCESSORY_NAMES
    config_entry.add_to_hass(hass)
    setup = hass.async_create_task(hass.config_entries.async_setup(config_entry.entry_id))
    await poll(lambda: _asked(simulator, asked) > 0, f"loading to ask for {int(asked)}")
    await _switched_at_the_wall(simulator)
    await asyncio.sleep(0.05)  # the push is on its way before the held answer
    released.set()
    assert await setup
    await hass.async_block_till_done()
    assert hass.states.get(OUTLET_1).state == STATE_ON
    assert coordinator_of(config_entry).data.outlets.outlet_1


# --- a command never waits behind background reads ---------------------------------------


@pytest.mark.parametrize("variant", ["aura"])
async def test_a_command_goes_out_while_background_reads_hang(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """20, 18 [7], 27 and 3 go unanswered: switching outlet 1 waits for none of them.

    No background read had to give up for the command to go out, and the background
    reads that hang reach the outlet one at a time: each only after the previous one
    gave up (the client's timeout, 2 s here).
    """
    caplog.set_level(logging.INFO, logger="custom_components.intecular")
    coordinator = coordinator_of(init_integration)
    await simulator.set_config(sys_prefs={"mqtt": {"enabled": 1}})
    hooks = Hooks(simulator)
    loop = asyncio.get_running_loop()
    hanging: list[tuple[float, int]] = []  # when each unanswered request arrived

    def hang(callback: int, args: Any) -> bool:
        if callback in HANGING or (callback == Callback.COLOR_LIGHT and args == [7]):
            hanging.append((loop.time(), callback))
            return True
        return False

    hooks.unanswered_if = hang
    coordinator.client.request_timeout = 2.0
    # the reconnect reads every part again, and checks for firmware (its answer is "old")
    with (
        patch("custom_components.intecular.firmware.UPDATE_CHECK_MAX_AGE", timedelta(0)),
        patch("custom_components.intecular.firmware.UPDATE_CHECK_TIMEOUT", 2.0),
    ):
        await simulator.drop_connections()
        await poll(lambda: coordinator.reconnects == 1, "the reconnect")
        await poll(lambda: len(hanging) >= 2 or _asked(simulator, 20) > 1, "the update check")
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: OUTLET_1}, blocking=True)
    assert simulator.state.outlets.outlet_1
    assert hass.states.get(OUTLET_1).state == STATE_ON
    assert "did not answer" not in caplog.text, "the command waited for a read to give up"
    await poll(lambda: len(hanging) >= 3, "three reads to hang in turn", timeout=20)
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(hanging)]
    assert min(gaps) >= 1.5, f"background requests in flight together: {hanging}"


# --- a newer push between a command and its acknowledgement wins ------------------------


async def test_a_push_between_a_command_and_its_ack_wins(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Outlet 1 is switched on from Home Assistant and straight back off at the wall.

    The outlet pushes both changes before its acknowledgement of the command arrives:
    the socket is off, and so is the switch.
    """
    hooks = Hooks(simulator)
    acknowledged = asyncio.Event()
    hooks.held[Callback.SET_OUTLET] = acknowledged
    command = hass.async_create_task(
        hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: OUTLET_1}, blocking=True)
    )
    await poll(lambda: simulator.state.outlets.outlet_1, "the outlet to switch on")
    await simulator.set_outlet(1, False)  # at the wall, before the acknowledgement left
    await settle(hass, init_integration, idle=False)  # both pushes are in
    assert hass.states.get(OUTLET_1).state == STATE_OFF
    acknowledged.set()
    await command
    await hass.async_block_till_done()
    assert not simulator.state.outlets.outlet_1
    assert hass.states.get(OUTLET_1).state == STATE_OFF


# --- a late reply starts nothing -----------------------------------------------------------


async def test_a_late_device_info_reply_starts_no_re_read(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A re-read's 12 times out; its reply arrives later and is no restart announcement."""
    coordinator = coordinator_of(init_integration)
    coordinator.client.request_timeout = 0.1
    hooks = Hooks(simulator)
    late = asyncio.Event()
    hooks.held[Callback.DEVICE_INFO] = late
    assert await async_setup_component(hass, "homeassistant", {})
    await hass.services.async_call(
        "homeassistant", "update_entity", {ATTR_ENTITY_ID: OUTLET_1}, blocking=True
    )
    asked = _asked(simulator, Callback.DEVICE_INFO)
    late.set()  # the answer arrives after its request gave up
    await settle(hass, init_integration)
    await asyncio.sleep(0.3)
    await settle(hass, init_integration)
    assert _asked(simulator, Callback.DEVICE_INFO) == asked
    assert coordinator.client.stats.bad_frames == 0


# --- sensor pushes from an unlisted faceplate read everything at most every 30 s ----------


async def test_an_unlisted_faceplate_s_sensor_pushes_re_read_at_most_every_30_s(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Device info says the faceplate is offline, yet it pushes sensors every moment."""
    await simulator.set_faceplate_online(False)  # a 12 push: one full re-read at once
    await poll(lambda: not coordinator_of(init_integration).data.info.faceplate_online, "12")
    await settle(hass, init_integration)
    asked = _asked(simulator, Callback.DEVICE_INFO)
    for _ in range(10):
        simulator.push(Callback.SENSORS, simulator.sensor_args())
        await settle(hass, init_integration)
    assert _asked(simulator, Callback.DEVICE_INFO) - asked <= 1
    first = _asked(simulator, Callback.DEVICE_INFO)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=FULL_READ_MIN_INTERVAL))
    await poll(lambda: _asked(simulator, Callback.DEVICE_INFO) > asked, "the next re-read")
    await settle(hass, init_integration)
    for _ in range(10):
        simulator.push(Callback.SENSORS, simulator.sensor_args())
        await settle(hass, init_integration)
    assert _asked(simulator, Callback.DEVICE_INFO) - first <= 1
