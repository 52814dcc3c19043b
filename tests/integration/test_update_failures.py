"""Firmware updates that go wrong: failures, timeouts, lost links, an unload."""

from __future__ import annotations

from datetime import timedelta
import json
from typing import Any
from unittest.mock import patch

from homeassistant.components.select import DOMAIN as SELECT_DOMAIN, SERVICE_SELECT_OPTION
from homeassistant.components.update import (
    ATTR_IN_PROGRESS,
    ATTR_INSTALLED_VERSION,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_OPTION,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import OtaResult, OtaTarget
from simulator import SimulatedOutlet

from .common import SERIAL, coordinator_of, wait_until
from .update_helpers import (
    FACEPLATE,
    METHOD,
    OUTLET,
    attributes,
    drop_link_at_progress,
    hw_rev_fixture,  # noqa: F401 - a fixture, found by name
    init_integration_fixture,  # noqa: F401 - a fixture, found by name
    install,
    options_fixture,  # noqa: F401 - a fixture, found by name
    poll_until,
    progress,
    pushes,
    record,
    simulator_fixture,  # noqa: F401 - a fixture, found by name
)


@pytest.mark.parametrize(
    ("options", "failed_phase"),
    [({"ota_fail_at": 50}, 3), ({"ota_fail_at": 50, "ota_fail_target": 1}, 1)],
)
async def test_injected_failure(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    failed_phase: int,
) -> None:
    """A failed phase ends the install with a translated error; nothing changed."""
    received = pushes(init_integration)
    with pytest.raises(HomeAssistantError) as err:
        await install(hass, OUTLET)
    assert err.value.translation_key == "update_failed"
    assert err.value.translation_placeholders == {"name": "InvisOutlet E7C4"}
    assert str(err.value) == (
        "The update of InvisOutlet E7C4 failed. It keeps its current firmware; try again later"
    )
    state = hass.states.get(OUTLET)
    assert state.state == STATE_ON  # still outdated
    assert state.attributes[ATTR_IN_PROGRESS] is False
    assert state.attributes[ATTR_INSTALLED_VERSION] == "2.4.7 (web 1.2.0)"
    assert simulator.state.boot_count == 0
    results = [p for p in received if isinstance(p, OtaResult)]
    assert results[-1] == OtaResult(OtaTarget(failed_phase), success=False)


async def test_no_progress_times_out(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """An update that never progresses fails with a translated timeout."""
    simulator.timings.ota_step_interval = 3600  # accepted, then silence
    with (
        patch("custom_components.intecular.ota.OTA_START_TIMEOUT", timedelta(seconds=0.2)),
        pytest.raises(HomeAssistantError) as err,
    ):
        await install(hass, OUTLET)
    assert err.value.translation_key == "update_not_started"
    assert err.value.translation_placeholders == {"name": "InvisOutlet E7C4", "seconds": "0"}
    assert hass.states.get(OUTLET).attributes[ATTR_IN_PROGRESS] is False


async def test_new_version_never_reported_times_out(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Downloaded, but the outlet never comes back: a translated error after the wait."""
    simulator.timings.reboot_delay = 3600
    with (
        patch("custom_components.intecular.ota.OTA_REBOOT_TIMEOUT", timedelta(seconds=0.3)),
        pytest.raises(HomeAssistantError) as err,
    ):
        await install(hass, OUTLET)
    assert err.value.translation_key == "update_not_confirmed"
    assert "did not report the new firmware" in str(err.value)
    assert not simulator.state.online


async def test_refused_update(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The outlet refuses 21 (it has nothing newer after all): a translated error."""
    simulator.set_available_versions(im="2.4.7", www="1.2.0")
    with pytest.raises(HomeAssistantError) as err:
        await install(hass, OUTLET)
    assert err.value.translation_key == "update_refused"
    assert hass.states.get(OUTLET).attributes[ATTR_IN_PROGRESS] is False


async def test_reconnect_during_install_keeps_it_in_progress(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The socket drops mid-download: still installing, and it finishes."""
    simulator.timings.ota_step_interval = 0.05
    coordinator = coordinator_of(init_integration)
    seen = record(hass, simulator, OUTLET)
    drop = drop_link_at_progress(hass, init_integration, simulator, OtaTarget.OUTLET_WEB)
    await install(hass, OUTLET)

    assert drop.dropped
    await wait_until(hass, lambda: coordinator.reconnects == 2)  # the drop, then the reboot
    done = next(i for i, s in enumerate(seen) if not s.in_progress)
    assert all(s.in_progress for s in seen[:done])
    assert seen[done].boots == 1
    percentages = progress(seen)
    assert percentages == sorted(percentages)
    assert percentages[-1] == 100
    assert hass.states.get(OUTLET).state == STATE_OFF


async def test_stays_available_through_a_long_reboot(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Other entities go unavailable while the outlet reboots; the update card does not."""
    simulator.timings.reboot_delay = 0.5
    seen = record(hass, simulator, OUTLET)
    with patch("custom_components.intecular.link.UNAVAILABLE_GRACE", timedelta(seconds=0.05)):
        task = hass.async_create_background_task(install(hass, OUTLET), "install")
        await poll_until(
            lambda: hass.states.get("switch.invisoutlet_e7c4_outlet_1").state == STATE_UNAVAILABLE
        )
        assert hass.states.get(OUTLET).attributes[ATTR_IN_PROGRESS] is True
        await task
    assert all(s.state != STATE_UNAVAILABLE for s in seen)
    assert hass.states.get(OUTLET).state == STATE_OFF


async def test_unload_during_install(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Unloading mid-install ends the waiting action with a translated error."""
    simulator.timings.ota_step_interval = 3600
    task = hass.async_create_background_task(install(hass, OUTLET), "install")
    await poll_until(lambda: attributes(hass, OUTLET)[ATTR_IN_PROGRESS] is True)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(HomeAssistantError) as err:
        await task
    assert err.value.translation_key == "update_interrupted"


async def test_lost_final_result_still_ends_with_the_new_version(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The firmware phase's pushes never arrive (a dropped link): the new version does."""
    send = simulator.push

    def lossy(callback: Any, args: Any) -> None:
        if callback in (22, 23) and args[0] == 1:
            return  # lost on the way
        send(callback, args)

    simulator.push = lossy  # type: ignore[method-assign]
    seen = record(hass, simulator, OUTLET)
    await install(hass, OUTLET)
    assert progress(seen) == [12, 25, 37, 50]  # the web phase only
    assert simulator.state.boot_count == 1
    assert hass.states.get(OUTLET).state == STATE_OFF


async def test_outlet_says_the_update_will_not_continue(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A revB outlet's "21 [1, 0]" after its restart ends the install with an error."""
    simulator.timings.ota_step_interval = 3600
    task = hass.async_create_background_task(install(hass, OUTLET), "install")
    await poll_until(lambda: attributes(hass, OUTLET)[ATTR_IN_PROGRESS] is True)
    frame = {
        "sn": SERIAL,
        "packetID": 366512,
        "payload": {"callbackName": 21, "callbackArgs": [1, 0]},
    }
    await simulator.send_raw(json.dumps(frame))
    with pytest.raises(HomeAssistantError) as err:
        await task
    assert err.value.translation_key == "update_failed"
    assert attributes(hass, OUTLET)[ATTR_IN_PROGRESS] is False


@pytest.mark.parametrize("options", [{"faceplate_wifi_ota_fails": True}])
@pytest.mark.usefixtures("enable_all")
async def test_faceplate_wifi_failure_advises_the_outlet_method(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Wi-Fi delivery fails: the error says to use the outlet, which then works."""
    with pytest.raises(HomeAssistantError) as err:
        await install(hass, FACEPLATE)
    assert (21, [2, 0]) in simulator.requests
    assert err.value.translation_key == "faceplate_wifi_update_failed"
    assert '"Via the outlet"' in str(err.value)
    assert hass.states.get(FACEPLATE).state == STATE_ON

    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: METHOD, ATTR_OPTION: "via_outlet"},
        blocking=True,
    )
    await install(hass, FACEPLATE)
    assert hass.states.get(FACEPLATE).state == STATE_OFF


@pytest.mark.parametrize("options", [{"ota_fail_at": 50, "ota_fail_target": 2}])
@pytest.mark.usefixtures("enable_all")
async def test_a_failed_faceplate_update_names_the_device_as_shown(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The error names the faceplate's device with its suffix, or as the user renamed it."""
    with pytest.raises(HomeAssistantError) as err:
        await install(hass, FACEPLATE)
    assert err.value.translation_placeholders == {"name": "InvisDeco Pro E7C4"}
    registry = dr.async_get(hass)
    device = next(
        d
        for d in dr.async_entries_for_config_entry(registry, init_integration.entry_id)
        if d.model == "InvisDeco Pro"
    )
    registry.async_update_device(device.id, name_by_user="Hall faceplate")
    with pytest.raises(HomeAssistantError) as err:
        await install(hass, FACEPLATE)
    assert err.value.translation_placeholders == {"name": "Hall faceplate"}
