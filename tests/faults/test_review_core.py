"""Defects an outside review found in the rewritten core, each through Home Assistant.

Two settings written together, a faceplate back during loading, a manual refresh
behind the update check, and colour pushes that carry the packetID of a read of the
other array (waiting, or already given up).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from unittest.mock import patch

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import Callback
from custom_components.intecular.reading import Part
from simulator import SimulatedOutlet

from .common import INDICATOR_BRIGHTNESS, OUTLET_1, coordinator_of, differences, poll, settle
from .hooks import Hooks

TOUCH_CONTROL = "switch.invisdeco_pro_e7c4_touch_control"
FIRMWARE = "update.invisoutlet_e7c4_firmware"


def _asked(sim: SimulatedOutlet, callback: int) -> int:
    """How often the outlet was asked for ``callback`` so far."""
    return sum(1 for number, _args in sim.requests if number == callback)


# --- an acknowledgement is dropped because of another acknowledgement ---------------------


@pytest.mark.usefixtures("enable_all")
async def test_two_settings_written_together_are_both_shown(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A scene sets the indicator brightness and the touch control at the same moment.

    Both go out before either is acknowledged (the first ack is held back a moment; in
    arrival order it is the same). The outlet has both; the configuration is never
    pushed, so what Home Assistant shows stays wrong until the next read (5 min).
    """
    hooks = Hooks(simulator)
    first_ack = asyncio.Event()
    hooks.held[Callback.SET_CONFIG] = first_ack
    brightness = hass.async_create_task(
        hass.services.async_call(
            "number",
            "set_value",
            {ATTR_ENTITY_ID: INDICATOR_BRIGHTNESS, "value": 37},
            blocking=True,
        )
    )
    await poll(lambda: _asked(simulator, Callback.SET_CONFIG) == 1, "the first write")
    touch_was_on = hass.states.get(TOUCH_CONTROL).state == "on"
    await hass.services.async_call(
        "switch",
        "turn_off" if touch_was_on else "turn_on",
        {ATTR_ENTITY_ID: TOUCH_CONTROL},
        blocking=True,
    )
    first_ack.set()
    await brightness
    await settle(hass, init_integration)
    assert float(hass.states.get(INDICATOR_BRIGHTNESS).state) == 37
    assert (hass.states.get(TOUCH_CONTROL).state == "on") is not touch_was_on
    assert differences(hass, init_integration, simulator) == []


# --- a faceplate that comes back while Home Assistant loads ---------------------------------


async def test_a_faceplate_back_during_loading_has_its_parts_read(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The faceplate is offline when loading reads 12; it is back during the optional wait.

    (The names hang, as 18 [7] and 27 do on a real outlet.) The outlet announces the
    faceplate with a 12 push, which the coordinator applies; but nobody reads the
    nightlight, so its light never appears. Now the wish to read everything again is
    kept until loading ends.
    """
    await simulator.set_faceplate_online(False)
    hooks = Hooks(simulator)
    hooks.unanswered = {Callback.GET_ACCESSORY_NAMES}
    config_entry.add_to_hass(hass)
    setup = hass.async_create_task(hass.config_entries.async_setup(config_entry.entry_id))
    await poll(lambda: _asked(simulator, Callback.GET_ACCESSORY_NAMES) > 0, "the names read")
    await simulator.set_faceplate_online(True)  # pushes 12
    assert await setup
    await settle(hass, config_entry)
    coordinator = coordinator_of(config_entry)
    assert coordinator.data.info.faceplate_online
    # the names hang in the background slot twice (5 s each) before the nightlight's turn
    await poll(lambda: coordinator.data.nightlight is not None, "the nightlight read", timeout=15)
    assert differences(hass, config_entry, simulator) == []


# --- a read a user waits for, behind the background lane ------------------------------------


async def test_a_manual_refresh_does_not_wait_for_the_update_check(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The outlet takes its time over the firmware check (20); a user refreshes a switch."""
    hooks = Hooks(simulator)
    checks: list[int] = []

    def hang(callback: int, _args: Any) -> bool:
        if callback == Callback.AVAILABLE_UPDATES:
            checks.append(callback)
            return True
        return False

    hooks.unanswered_if = hang
    await settle(hass, init_integration)
    assert await async_setup_component(hass, "homeassistant", {})
    check = hass.async_create_task(  # the firmware check the update card asks for
        hass.services.async_call(
            "homeassistant", "update_entity", {ATTR_ENTITY_ID: FIRMWARE}, blocking=True
        )
    )
    await poll(lambda: checks, "the update check")
    try:
        async with asyncio.timeout(3):
            await hass.services.async_call(
                "homeassistant", "update_entity", {ATTR_ENTITY_ID: OUTLET_1}, blocking=True
            )
    except TimeoutError:
        pytest.fail("the refresh still waits for the update check after 3 s")
    assert not check.done()  # the check still waits for the outlet
    check.cancel()


# --- a push that carries the packetID of a request still waiting ----------------------------


@pytest.mark.parametrize("variant", ["aura"])
async def test_a_colour_push_is_never_taken_for_the_indicator_s_reply(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The indicator (18 [7]) is read and not answered yet; the nightlight array changes.

    The outlet's 18 push carries the packetID of the 18 request it has not answered
    (the vendor's own push example repeats the fetch's packetID). The push has no
    ``PUBACK`` and another selector: it is no reply to the indicator read.
    """
    coordinator = coordinator_of(init_integration)
    coordinator.client.request_timeout = 1.0
    indicator_before = coordinator.data.indicator_light
    hooks = Hooks(simulator)
    waiting: list[int] = []
    hooked = simulator._handle

    def handle(session: Any, packet_id: int, callback: int, args: Any) -> None:
        if callback == Callback.COLOR_LIGHT and args == [7]:
            waiting.append(packet_id)  # not answered (yet)
            return
        hooked(session, packet_id, callback, args)

    simulator._handle = handle  # type: ignore[method-assign]
    assert hooks.sim is simulator
    read = hass.async_create_task(coordinator.async_read_part(Part.INDICATOR_LIGHT))
    await poll(lambda: waiting, "the indicator read")
    with patch.object(simulator, "_push_id", lambda: waiting[0]):
        await simulator.set_color_light([5, 1, [[1, 80, [120, 100]]]])
    with contextlib.suppress(HomeAssistantError):  # unanswered: it times out
        await read
    await settle(hass, init_integration)
    pushed = simulator.state.color[5].light
    assert coordinator.data.color_light is not None
    assert coordinator.data.color_light.to_args() == pushed.to_args()
    assert coordinator.data.indicator_light == indicator_before


@pytest.mark.parametrize("variant", ["aura"])
async def test_a_colour_push_is_never_taken_for_a_late_reply(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """As above, but the indicator read has already given up when the push arrives.

    On a real outlet 18 [7] is never answered, so such packetIDs stay remembered (up
    to 64 of them, with no age limit) for as long as Home Assistant runs.
    """
    coordinator = coordinator_of(init_integration)
    coordinator.client.request_timeout = 0.2
    waiting: list[int] = []
    hooked = simulator._handle

    def handle(session: Any, packet_id: int, callback: int, args: Any) -> None:
        if callback == Callback.COLOR_LIGHT and args == [7]:
            waiting.append(packet_id)  # never answered, as on a real outlet
            return
        hooked(session, packet_id, callback, args)

    simulator._handle = handle  # type: ignore[method-assign]
    with contextlib.suppress(HomeAssistantError):
        await coordinator.async_read_part(Part.INDICATOR_LIGHT)
    assert waiting
    with patch.object(simulator, "_push_id", lambda: waiting[0]):
        await simulator.set_color_light([5, 1, [[1, 80, [120, 100]]]])
    await settle(hass, init_integration)
    pushed = simulator.state.color[5].light
    assert coordinator.data.color_light is not None
    assert coordinator.data.color_light.to_args() == pushed.to_args()
