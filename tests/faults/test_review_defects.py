"""Defects found in review, each through Home Assistant and the simulated outlet."""

from __future__ import annotations

import asyncio
import logging
from unittest.mock import patch

from aiohttp import WSMsgType
from homeassistant.components.number import ATTR_VALUE, DOMAIN as NUMBER_DOMAIN, SERVICE_SET_VALUE
from homeassistant.const import ATTR_ENTITY_ID, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.intecular.api import Callback
from custom_components.intecular.const import DOMAIN, NAMES_REFRESH_INTERVAL
from custom_components.intecular.switch import IntecularSwitch
from simulator import SimulatedOutlet
from tests.integration.common import SERIAL, wait_for_state

from .common import INDICATOR_BRIGHTNESS, OUTLET_1, coordinator_of, differences, poll, settle
from .hooks import Hooks

OUTLET_1_NAME = "text.invisoutlet_e7c4_outlet_1_name"


async def test_an_entity_that_raises_never_stops_the_reconnects(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Defect 1: an entity raises while it writes its state; the link still comes back.

    (A name or a value the entity cannot show is one way; here every switch raises.)
    """
    coordinator = coordinator_of(init_integration)
    with patch.object(IntecularSwitch, "_fingerprint", side_effect=OverflowError("huge")):
        for cycle in (1, 2):
            await simulator.drop_connections()
            await poll(lambda cycle=cycle: coordinator.reconnects == cycle, f"reconnect {cycle}")
    assert "failed to show its state" in caplog.text
    await settle(hass, init_integration)
    await simulator.press_button(1)
    await wait_for_state(hass, OUTLET_1, STATE_ON)
    assert differences(hass, init_integration, simulator) == []


async def test_a_manual_refresh_never_makes_a_live_outlet_unavailable(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Defect 3: ``update_entity`` while one reply is late; the link is fine."""
    coordinator = coordinator_of(init_integration)
    coordinator.client.request_timeout = 0.05
    hooks = Hooks(simulator)
    hooks.unanswered = {Callback.NIGHTLIGHT}
    assert await async_setup_component(hass, "homeassistant", {})
    await hass.services.async_call(
        "homeassistant", "update_entity", {ATTR_ENTITY_ID: OUTLET_1}, blocking=True
    )
    await hass.async_block_till_done()
    assert coordinator.last_update_success
    assert hass.states.get(OUTLET_1).state != STATE_UNAVAILABLE
    await simulator.press_button(1)  # pushes still show
    await wait_for_state(hass, OUTLET_1, STATE_ON)


@pytest.mark.usefixtures("enable_all")
async def test_a_rename_keeps_a_name_just_given_in_the_app(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Defect 6: outlet 2 was renamed in the app a moment ago (names are never pushed)."""
    await simulator.set_names({2: "Lamp"})
    await hass.services.async_call(
        "text", "set_value", {ATTR_ENTITY_ID: OUTLET_1_NAME, "value": "Kettle"}, blocking=True
    )
    assert simulator.state.names[1] == "Kettle"
    assert simulator.state.names[2] == "Lamp"
    assert coordinator_of(init_integration).data.names.names[2] == "Lamp"


@pytest.mark.usefixtures("enable_all")
async def test_a_setting_written_during_a_re_read_is_kept(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Defect 7: the re-read's answer for the configuration predates a write made meanwhile."""
    coordinator = coordinator_of(init_integration)
    hooks = Hooks(simulator)
    written = asyncio.Event()
    hooks.held[Callback.GET_CONFIG] = written  # answered as it was, after the write
    hooks.handled[Callback.SET_CONFIG] = written.set
    simulator.push_device_info()  # a restart announcement: Home Assistant re-reads
    await poll(lambda: Callback.GET_CONFIG not in hooks.held, "the re-read to ask for 1")
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: INDICATOR_BRIGHTNESS, ATTR_VALUE: 20},
        blocking=True,
    )
    await poll(lambda: (task := coordinator._full_read) is not None and task.done(), "re-read")
    await hass.async_block_till_done()
    assert simulator.state.config["acc_prefs"]["pmIndicatorBrightness"] == 20
    assert hass.states.get(INDICATOR_BRIGHTNESS).state == "20"
    assert differences(hass, init_integration, simulator) == []


@pytest.mark.usefixtures("enable_all")
async def test_settings_changed_in_the_app_reach_home_assistant(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Defect 8: the configuration is re-read with the names (it is never pushed)."""
    await simulator.set_config(acc_prefs={"pmIndicatorBrightness": 30})
    async_fire_time_changed(hass, dt_util.utcnow() + NAMES_REFRESH_INTERVAL)
    await wait_for_state(hass, INDICATOR_BRIGHTNESS, "30")


@pytest.mark.usefixtures("enable_all")
async def test_a_pair_check_uses_the_configuration_as_it_is_now(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Defect 8: the maximum was raised in the app; a minimum above the old one is fine."""
    registry = er.async_get(hass)
    minimum = registry.async_get_entity_id("number", DOMAIN, f"{SERIAL}_adaptive_min_brightness")
    maximum = registry.async_get_entity_id("number", DOMAIN, f"{SERIAL}_adaptive_max_brightness")
    assert minimum is not None
    assert maximum is not None
    assert hass.states.get(maximum).state == "70"
    await simulator.set_config(acc_prefs={"adaptiveMaxBrightness": 90})
    await hass.services.async_call(
        NUMBER_DOMAIN, SERVICE_SET_VALUE, {ATTR_ENTITY_ID: minimum, ATTR_VALUE: 80}, blocking=True
    )
    assert simulator.state.config["acc_prefs"]["adaptiveMinBrightness"] == 80


async def test_a_part_that_is_not_answered_is_logged_once_and_asked_again(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The names go unanswered for a while: one info line, and they come in later."""
    caplog.set_level(logging.INFO, logger="custom_components.intecular")
    coordinator = coordinator_of(init_integration)
    coordinator.client.request_timeout = 0.05
    hooks = Hooks(simulator)
    hooks.unanswered = {Callback.GET_ACCESSORY_NAMES}
    await simulator.set_names({1: "Kettle"})
    for cycle in (1, 2, 3):  # every reconnect asks for it again
        await simulator.drop_connections()
        await poll(lambda cycle=cycle: coordinator.reconnects == cycle, f"reconnect {cycle}")
        await settle(hass, init_integration)
    assert caplog.text.count("did not answer for its names") == 1
    assert hass.states.get(OUTLET_1).state != STATE_UNAVAILABLE
    hooks.unanswered = set()
    async_fire_time_changed(hass, dt_util.utcnow() + NAMES_REFRESH_INTERVAL)
    await poll(lambda: coordinator.data.names.names[1] == "Kettle", "the names")
    assert "answered for its names (3) again" in caplog.text


async def test_a_frame_aiohttp_cannot_read_costs_only_a_quick_reconnect(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Defect 10: a text frame that is not UTF-8 ends the socket (aiohttp cannot go on).

    It is counted and logged as a malformed frame, the reconnect follows at once and
    nothing turns unavailable; the re-read needs only the essentials, so the names
    left unanswered do not hold it up.
    """
    coordinator = coordinator_of(init_integration)
    coordinator.client.request_timeout = 0.2
    Hooks(simulator).unanswered = {Callback.GET_ACCESSORY_NAMES}
    unavailable: list[str] = []
    coordinator.async_add_listener(
        lambda: unavailable.extend(
            [OUTLET_1] if hass.states.get(OUTLET_1).state == STATE_UNAVAILABLE else []
        )
    )
    for session in list(simulator._server.sessions):
        writer = session.ws._writer
        assert writer is not None
        await writer.send_frame(b'{"sn":"\xff"}', WSMsgType.TEXT)
    await poll(lambda: coordinator.reconnects == 1, "the reconnect")
    assert coordinator.client.stats.bad_frames == 1
    await settle(hass, init_integration)
    assert unavailable == []
    assert coordinator.last_update_success
    await simulator.press_button(1)
    await wait_for_state(hass, OUTLET_1, STATE_ON)
