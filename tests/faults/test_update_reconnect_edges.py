"""Updates and pushes at the edges of a reconnect: frames a moment early or late."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from homeassistant.components.update import ATTR_IN_PROGRESS, ATTR_INSTALLED_VERSION
from homeassistant.const import STATE_OFF
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.intecular.api import OtaProgress, OtaTarget, Push
from custom_components.intecular.ota import OTA_PROGRESS_TIMEOUT
from simulator import SimulatedOutlet
from tests.integration.update_helpers import (
    OUTLET,
    attributes,
    first_check,
    hw_rev_fixture,  # noqa: F401 - a fixture, found by name
    init_integration_fixture,  # noqa: F401 - a fixture, found by name
    install,
    options_fixture,  # noqa: F401 - a fixture, found by name
    simulator_fixture,  # noqa: F401 - a fixture, found by name
)

from .common import WAIT, coordinator_of, poll
from .hooks import Hooks


@pytest.mark.parametrize(
    "options",
    [{"partial_outlet_updates": True, "ota_step_interval": 0.3, "ota_step_percent": 10}],
)
async def test_progress_after_a_timer_ran_out_offline_keeps_the_install(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The socket drops mid-download and stays down past the stall timer; once it is
    back, the outlet's progress pushes show the download going on before the reconnect's
    read ends: the install carries on to the new versions, not "stalled"."""
    coordinator = coordinator_of(init_integration)
    await first_check(hass, init_integration)
    hooks = Hooks(simulator)
    dropped = False
    after_drop: list[OtaProgress] = []

    @callback
    def on_push(push: Push) -> None:
        nonlocal dropped
        if isinstance(push, OtaProgress):
            if dropped:
                after_drop.append(push)
            elif push.target is OtaTarget.OUTLET_WEB:
                dropped = True
                simulator.set_knob("connect_delay", 0.5)
                hass.async_create_task(simulator.drop_connections())

    init_integration.async_on_unload(coordinator.add_push_listener(on_push))
    installing = asyncio.create_task(install(hass, OUTLET))
    try:
        await poll(lambda: dropped and not coordinator.link_ready, "the drop")
        release = asyncio.Event()
        hooks.held[9] = release  # the reconnect's read ends only once released
        async_fire_time_changed(
            hass, dt_util.utcnow() + OTA_PROGRESS_TIMEOUT + timedelta(seconds=1)
        )
        await poll(lambda: bool(after_drop), "progress on the new socket")
        release.set()
        async with asyncio.timeout(WAIT):
            await installing
    finally:
        installing.cancel()
    shown = attributes(hass, OUTLET)
    assert hass.states.get(OUTLET).state == STATE_OFF
    assert shown[ATTR_INSTALLED_VERSION] == "2.5.0 (web 1.3.0)"
    assert shown[ATTR_IN_PROGRESS] is False


@pytest.mark.parametrize("hw_rev", ["revB"])
async def test_revb_start_timer_running_out_offline_waits_for_the_link(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A revB outlet restarts on 21 and tells whether it goes on only once a socket is
    open again; the reconnect takes longer than the start timer: the verdict waits for
    the link, and the outlet's go-ahead on the new socket keeps the install, which ends
    on the new versions instead of "did not start"."""
    coordinator = coordinator_of(init_integration)
    await first_check(hass, init_integration)
    simulator.set_knob("connect_delay", 1.0)  # the reconnect takes its time
    installing = asyncio.create_task(install(hass, OUTLET))
    try:
        await poll(
            lambda: not coordinator.link_ready and simulator.state.boot_count == 1, "the restart"
        )
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=61))
        async with asyncio.timeout(WAIT):
            await installing
    finally:
        installing.cancel()
    assert attributes(hass, OUTLET)[ATTR_IN_PROGRESS] is False
    await poll(  # the web interface's version: the update check after the reboot
        lambda: attributes(hass, OUTLET)[ATTR_INSTALLED_VERSION] == "2.5.0 (web 1.3.0)",
        "the new versions",
    )
