"""A firmware update cut short by a reboot ends showing what the outlet really runs."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from homeassistant.components.update import ATTR_IN_PROGRESS, ATTR_INSTALLED_VERSION
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.intecular.api import OtaProgress, Push
from custom_components.intecular.ota import OTA_PROGRESS_TIMEOUT
from simulator import SimulatedOutlet
from tests.integration.update_helpers import (
    OUTLET,
    attributes,
    hw_rev_fixture,  # noqa: F401 - a fixture, found by name
    init_integration_fixture,  # noqa: F401 - a fixture, found by name
    install,
    options_fixture,  # noqa: F401 - a fixture, found by name
    simulator_fixture,  # noqa: F401 - a fixture, found by name
)

from .common import WAIT, coordinator_of, differences, poll, settle


async def test_outlet_reboots_in_the_middle_of_its_update(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Power cut halfway through the download: the outlet is back on its old firmware.

    The integration keeps following the update while the outlet might yet go on (a
    revB outlet restarts mid-update by design), then gives up with a translated error:
    nothing shows as installing, the old version is installed, the update is still
    offered, and installing it again works.
    """
    coordinator = coordinator_of(init_integration)
    simulator.timings.ota_step_interval = 0.05
    installed = attributes(hass, OUTLET)[ATTR_INSTALLED_VERSION]
    rebooted = False

    @callback
    def reboot_halfway(push: Push) -> None:
        nonlocal rebooted
        if not rebooted and isinstance(push, OtaProgress) and push.percent >= 25:
            rebooted = True
            hass.async_create_task(simulator.reboot())

    init_integration.async_on_unload(coordinator.add_push_listener(reboot_halfway))
    installing = asyncio.create_task(install(hass, OUTLET))
    try:
        await poll(lambda: rebooted and coordinator.reconnects == 1, "the reboot and reconnect")
        await settle(hass, init_integration, idle=False)
        assert simulator.state.firmware.outlet_outdated, "the outlet installed it after all"
        assert not installing.done()
        assert attributes(hass, OUTLET)[ATTR_IN_PROGRESS] is True

        # the outlet never says another word about the update: it stalled
        async_fire_time_changed(
            hass, dt_util.utcnow() + OTA_PROGRESS_TIMEOUT + timedelta(seconds=1)
        )
        with pytest.raises(HomeAssistantError) as err:
            async with asyncio.timeout(WAIT):
                await installing
    finally:
        installing.cancel()
    assert err.value.translation_key == "update_stalled"
    await hass.async_block_till_done()
    shown = attributes(hass, OUTLET)
    assert shown[ATTR_IN_PROGRESS] is False
    assert shown[ATTR_INSTALLED_VERSION] == installed
    assert hass.states.get(OUTLET).state == STATE_ON  # still offered
    assert differences(hass, init_integration, simulator) == []

    # installing it again works
    simulator.timings.ota_step_interval = 0.01
    await install(hass, OUTLET)
    await hass.async_block_till_done()
    assert not simulator.state.firmware.outlet_outdated
    assert hass.states.get(OUTLET).state == STATE_OFF
    assert attributes(hass, OUTLET)[ATTR_INSTALLED_VERSION] != installed
