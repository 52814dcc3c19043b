"""Firmware over an outlet that behaves as the evidence says a real one does.

protocol.md §11 items 28-30: 20 is slow or never answered (the outlet asks its maker's
server first), 21 may never be acknowledged while the download runs, and a web-only
update ends on ``23 [3, 1]`` without a reboot.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Generator
from datetime import timedelta
import json
import logging
from typing import Any
from unittest.mock import patch

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.homeassistant import SERVICE_UPDATE_ENTITY
from homeassistant.components.update import (
    ATTR_IN_PROGRESS,
    ATTR_INSTALLED_VERSION,
    ATTR_LATEST_VERSION,
    DOMAIN as UPDATE_DOMAIN,
    SERVICE_INSTALL,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.intecular.api import OtaTarget
from custom_components.intecular.const import DOMAIN
from custom_components.intecular.devices import faceplate_identifier
from custom_components.intecular.ota import FACEPLATE_REREAD_DELAYS
from simulator import SimulatedOutlet
from simulator.profiles import REAL_DEGRADED_FACEPLATE

from .common import coordinator_of, find_device, wait_until
from .update_helpers import (
    FACEPLATE,
    OUTLET,
    attributes,
    drop_link_at_progress,
    first_check,
    install,
    options_fixture,  # noqa: F401 - a fixture, found by name
    outlet_with_updates,
    poll_until,
    progress,
    record,
)

SWITCH = "switch.invisoutlet_e7c4_outlet_1"


@pytest.fixture
async def simulator(
    variant: str, profile: str, options: dict[str, Any]
) -> AsyncGenerator[SimulatedOutlet]:
    """An outlet offering newer firmware, updating only the parts that are outdated."""
    async with outlet_with_updates(
        variant, profile=profile, **{"partial_outlet_updates": True, **options}
    ) as sim:
        yield sim


@pytest.fixture(autouse=True)
def short_grace() -> Generator[None]:
    """21's grace within a test's patience (2 s really)."""
    with patch("custom_components.intecular.ota.OTA_ACK_GRACE", 0.2):
        yield


@pytest.fixture
def short_check_timeout() -> Generator[None]:
    """The update check gives up within a test's patience (30 s really)."""
    with patch("custom_components.intecular.firmware.UPDATE_CHECK_TIMEOUT", 0.3):
        yield


@pytest.fixture(autouse=True)
async def homeassistant_services(hass: HomeAssistant) -> None:
    """The "check for updates" action (homeassistant.update_entity)."""
    assert await async_setup_component(hass, "homeassistant", {})


async def check_now(hass: HomeAssistant, entity_id: str) -> None:
    """Press "Check for updates" for one card."""
    await hass.services.async_call(
        "homeassistant", SERVICE_UPDATE_ENTITY, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


@pytest.mark.parametrize("options", [{"unanswered": frozenset({"20"})}])
async def test_loads_with_the_update_check_unanswered(
    hass: HomeAssistant,
    short_check_timeout: None,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The entry loads; the update cards are unknown (not errors); one info line."""
    assert init_integration.state is ConfigEntryState.LOADED
    assert hass.states.get(SWITCH).state == STATE_OFF
    await wait_until(hass, lambda: "Could not learn which firmware" in caplog.text)
    for entity_id in (OUTLET, FACEPLATE):
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state == STATE_UNKNOWN, entity_id
    assert attributes(hass, OUTLET)[ATTR_INSTALLED_VERSION] == "2.4.7"  # from 12
    lines = [r for r in caplog.records if "Could not learn which firmware" in r.message]
    assert [r.levelno for r in lines] == [logging.INFO]
    assert not [
        r
        for r in caplog.records
        if r.name.startswith("custom_components.intecular") and r.levelno >= logging.WARNING
    ]


@pytest.mark.parametrize("options", [{"update_check_delay": 2.0}])
async def test_late_answer_shows_the_latest_version(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Loaded before the outlet answers 20; the card shows the latest once it does."""
    assert init_integration.state is ConfigEntryState.LOADED
    assert hass.states.get(OUTLET).state == STATE_UNKNOWN
    await wait_until(hass, lambda: hass.states.get(OUTLET).state == STATE_ON, timeout=10)
    assert attributes(hass, OUTLET)[ATTR_LATEST_VERSION] == "2.5.0 (web 1.3.0)"


@pytest.mark.parametrize("options", [{"ota_ack": False}])
async def test_outlet_update_with_21_unacknowledged(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """21 never answered: no error, and the install ends with the new version."""
    await first_check(hass, init_integration)
    seen = record(hass, simulator, OUTLET)
    await install(hass, OUTLET)
    assert progress(seen)[-1] == 100
    assert simulator.state.boot_count == 1
    state = hass.states.get(OUTLET)
    assert (state.state, state.attributes[ATTR_INSTALLED_VERSION]) == (
        STATE_OFF,
        "2.5.0 (web 1.3.0)",
    )
    assert state.attributes[ATTR_IN_PROGRESS] is False


@pytest.mark.parametrize("options", [{"ota_ack": False}])
async def test_faceplate_update_with_21_unacknowledged(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The same for the faceplate: it ends on the version device info reports."""
    await first_check(hass, init_integration)
    await install(hass, FACEPLATE)
    state = hass.states.get(FACEPLATE)
    assert (state.state, state.attributes[ATTR_INSTALLED_VERSION]) == (STATE_OFF, "1.9.3")


@pytest.mark.parametrize("options", [{"ota_ack": False}])
async def test_web_only_update(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Web interface only: ends on its result, without a reboot, with the card up to
    date."""
    await first_check(hass, init_integration)
    simulator.set_available_versions(im="2.4.7")
    await check_now(hass, OUTLET)
    assert hass.states.get(OUTLET).state == STATE_ON

    await install(hass, OUTLET)

    state = hass.states.get(OUTLET)
    assert (state.state, state.attributes[ATTR_INSTALLED_VERSION]) == (
        STATE_OFF,
        "2.4.7 (web 1.3.0)",
    )
    assert state.attributes[ATTR_IN_PROGRESS] is False
    assert simulator.state.boot_count == 0


async def test_firmware_only_update(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Firmware only: no web phase; ends after the reboot on the version 12 reports."""
    await first_check(hass, init_integration)
    simulator.set_available_versions(www="1.2.0")
    await check_now(hass, OUTLET)
    seen = record(hass, simulator, OUTLET)

    await install(hass, OUTLET)

    assert progress(seen) == [25, 50, 75, 100]  # one phase, the whole bar
    state = hass.states.get(OUTLET)
    assert (state.state, state.attributes[ATTR_INSTALLED_VERSION]) == (
        STATE_OFF,
        "2.5.0 (web 1.2.0)",
    )
    assert simulator.state.boot_count == 1


@pytest.mark.parametrize("options", [{"ota_ack": False}])
async def test_reconnect_mid_update_without_the_update_check(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The socket drops mid-download and 20 no longer answers: the install still ends
    with what the outlet really runs (device info after the reboot)."""
    await first_check(hass, init_integration)
    simulator.timings.ota_step_interval = 0.05
    simulator.set_knob("unanswered", ["20"])
    drop = drop_link_at_progress(hass, init_integration, simulator, OtaTarget.OUTLET_WEB)
    await install(hass, OUTLET)

    assert drop.dropped
    state = hass.states.get(OUTLET)
    assert state.state == STATE_OFF
    assert state.attributes[ATTR_INSTALLED_VERSION] == "2.5.0 (web 1.3.0)"
    assert not simulator.state.firmware.outlet_outdated


@pytest.mark.parametrize("options", [{"ota_ack": False, "ota_fail_at": 50}])
async def test_genuine_failure_leaves_the_update_offered(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """``23 [x, 0]`` after progress: a translated error; the update is still offered."""
    await first_check(hass, init_integration)
    with pytest.raises(HomeAssistantError) as err:
        await install(hass, OUTLET)
    assert err.value.translation_key == "update_failed"
    state = hass.states.get(OUTLET)
    assert (state.state, state.attributes[ATTR_IN_PROGRESS]) == (STATE_ON, False)


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize("variant", ["bare", "pro", "aura"])
async def test_a_real_outlet_from_load_to_new_firmware(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Everything a real outlet does at once (20 answered 8 s late, 21 never answered,
    optional reads unanswered, pushes between replies): loaded at once, the cards
    unknown until 20 answers, then the latest versions; installing ends on them."""
    assert init_integration.state is ConfigEntryState.LOADED
    assert hass.states.get(OUTLET).state == STATE_UNKNOWN
    await wait_until(hass, lambda: hass.states.get(OUTLET).state == STATE_ON, timeout=20)
    assert attributes(hass, OUTLET)[ATTR_LATEST_VERSION] == "2.5.0 (web 1.3.0)"

    await install(hass, OUTLET)

    state = hass.states.get(OUTLET)
    assert (state.state, state.attributes[ATTR_INSTALLED_VERSION]) == (
        STATE_OFF,
        "2.5.0 (web 1.3.0)",
    )


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize(
    "options", [{"ota_stall_before_progress": True, "update_check_delay": 0.0}]
)
@pytest.mark.parametrize(("variant", "entity_id"), [("pro", OUTLET), ("pro", FACEPLATE)])
async def test_update_that_never_starts_ends_within_a_minute(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    entity_id: str,
) -> None:
    """21 goes unanswered and no progress ever follows (protocol.md §11 item 37): 70 s
    after 21 the install has ended with a translated error, and the update is still
    offered."""
    await first_check(hass, init_integration)
    installing = hass.async_create_task(install(hass, entity_id))
    await poll_until(lambda: attributes(hass, entity_id)[ATTR_IN_PROGRESS] is True)
    await poll_until(lambda: simulator.state.ota_target is None)  # 21 done with, silence

    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=70))
    with pytest.raises(HomeAssistantError) as err:
        async with asyncio.timeout(3):
            await installing

    assert err.value.translation_key == "update_not_started"
    assert err.value.translation_placeholders["seconds"] == "60"
    assert "did not start" in str(err.value)
    state = hass.states.get(entity_id)
    assert (state.state, state.attributes[ATTR_IN_PROGRESS]) == (STATE_ON, False)


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize("options", [{"ota_result_lost": True, "update_check_delay": 0.0}])
@pytest.mark.parametrize(
    ("offered", "after"),
    [
        ({"im": "2.4.7"}, "2.4.7 (web 1.3.0)"),
        ({"www": "1.2.0"}, "2.5.0 (web 1.2.0)"),
        ({}, "2.5.0 (web 1.3.0)"),
    ],
    ids=["web-only", "firmware-only", "both"],
)
async def test_lost_result_ends_up_to_date(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    offered: dict[str, str],
    after: str,
) -> None:
    """The result that ends the update is lost with the socket (a web-interface-only
    update's ``23 [3, 1]``, or ``23 [1, 1]``): the install ends without an error, on
    the versions the outlet reports once it is back."""
    await first_check(hass, init_integration)
    simulator.set_available_versions(**offered)
    await check_now(hass, OUTLET)
    assert hass.states.get(OUTLET).state == STATE_ON

    async with asyncio.timeout(10):  # a stall would take two minutes
        await install(hass, OUTLET)

    assert simulator.state.boot_count == (0 if "im" in offered else 1)
    state = hass.states.get(OUTLET)
    assert (state.state, state.attributes[ATTR_INSTALLED_VERSION]) == (STATE_OFF, after)
    assert state.attributes[ATTR_IN_PROGRESS] is False


# Time at a fiftieth: the faceplate back 60 s after its update, its version 40 s later.
SCALE = 50


@pytest.fixture
def scaled_rereads() -> Generator[None]:
    """The re-reads of 12 after a faceplate's restart at the test's scale."""
    with patch(
        "custom_components.intecular.ota.FACEPLATE_REREAD_DELAYS",
        tuple(delay / SCALE for delay in FACEPLATE_REREAD_DELAYS),
    ):
        yield


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize(
    "options",
    [
        {
            "update_check_delay": 0.0,
            "faceplate_restart_delay": 60 / SCALE,
            "faceplate_version_delay": 40 / SCALE,
            "degraded_faceplate": REAL_DEGRADED_FACEPLATE / SCALE,
        }
    ],
)
async def test_faceplate_back_late_without_a_push(
    hass: HomeAssistant,
    scaled_rereads: None,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
) -> None:
    """After its update the faceplate is back 60 s later, unannounced (no 12 push), with
    a blank version for 40 s more (protocol.md §11 items 33, 34, 36): the card ends
    installed on the new version, read with at most 8 reads of 12, and never shows the
    blank as a version."""
    await first_check(hass, init_integration)
    seen = record(hass, simulator, FACEPLATE)
    reads_before = sum(1 for callback, _ in simulator.requests if callback == 12)

    async with asyncio.timeout(20):  # not confirmed would take five minutes
        await install(hass, FACEPLATE)

    state = hass.states.get(FACEPLATE)
    assert (state.state, state.attributes[ATTR_INSTALLED_VERSION]) == (STATE_OFF, "1.9.3")
    assert state.attributes[ATTR_IN_PROGRESS] is False
    reads = sum(1 for callback, _ in simulator.requests if callback == 12) - reads_before
    assert 1 <= reads <= 8
    assert {s.installed for s in seen} <= {"1.9.2", "1.9.3"}


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize(
    "options",
    [
        {
            "update_check_delay": 0.0,
            "faceplate_restart_delay": 0.0,
            "faceplate_version_delay": 3600.0,
        }
    ],
)
async def test_blank_faceplate_version_is_no_version(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Back from a restart, the faceplate reports a blank version (12 and 20): the card
    shows no version and offers nothing, and shows it again once the version is back."""
    coordinator = coordinator_of(init_integration)
    await first_check(hass, init_integration)
    simulator.set_available_versions(pm="1.9.2")  # up to date
    await simulator.restart_faceplate()
    await simulator.drop_connections()  # read everything anew: 12 lists it, blank
    await wait_until(hass, lambda: coordinator.reconnects == 1)
    await check_now(hass, FACEPLATE)
    await wait_until(
        hass,
        lambda: (face := coordinator.data.info.faceplate) is not None and face.fw_rev is None,
    )

    state = hass.states.get(FACEPLATE)
    assert state.state == STATE_UNKNOWN
    assert state.attributes[ATTR_INSTALLED_VERSION] is None


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize(
    "options",
    [
        {
            "update_check_delay": 0.0,
            "faceplate_version_delay": 40 / SCALE,
            "degraded_faceplate": REAL_DEGRADED_FACEPLATE / SCALE,
        }
    ],
)
async def test_update_all_installs_one_after_another(
    hass: HomeAssistant,
    scaled_rereads: None,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
) -> None:
    """Settings > Updates > "Update all" starts the outlet's and the faceplate's installs
    at once: the second waits (in progress, no percentage) and starts when the first has
    ended; both end up to date."""
    await first_check(hass, init_integration)
    outlet, faceplate = record(hass, simulator, OUTLET), record(hass, simulator, FACEPLATE)

    async with asyncio.timeout(20):
        await hass.services.async_call(
            UPDATE_DOMAIN,
            SERVICE_INSTALL,
            {ATTR_ENTITY_ID: [OUTLET, FACEPLATE]},
            blocking=True,
        )

    for entity_id, version in ((OUTLET, "2.5.0 (web 1.3.0)"), (FACEPLATE, "1.9.3")):
        state = hass.states.get(entity_id)
        assert (state.state, state.attributes[ATTR_INSTALLED_VERSION]) == (STATE_OFF, version)
        assert state.attributes[ATTR_IN_PROGRESS] is False
    # the one that waited showed it: in progress, without a percentage
    assert any(s.in_progress and s.percentage is None for s in outlet + faceplate)


@pytest.mark.parametrize("options", [{"unanswered": frozenset({"20"})}])
async def test_a_check_cut_short_by_unloading_leaves_no_retry(
    hass: HomeAssistant,
    short_check_timeout: None,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
) -> None:
    """ "Check for updates" waits for an answer when the entry unloads: the check ends,
    and no retry is left behind (the harness fails a test that leaves a timer)."""
    checks = sum(1 for callback, _ in simulator.requests if callback == 20)
    checking = hass.async_create_task(check_now(hass, FACEPLATE))
    await poll_until(
        lambda: sum(1 for callback, _ in simulator.requests if callback == 20) > checks
    )
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    async with asyncio.timeout(5):
        await checking
    assert init_integration.state is ConfigEntryState.NOT_LOADED


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize(
    "options", [{"ota_stall_before_progress": True, "update_check_delay": 0.0}]
)
@pytest.mark.parametrize("variant", ["pro"])
async def test_unload_ends_an_install_waiting_for_its_turn(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """ "Update all" has the faceplate's install waiting for the outlet's when the entry
    unloads: both end at once, interrupted, and the one that waited sends no update
    command to the outlet (nor leaves a timer behind: the harness fails a test that does)."""
    await first_check(hass, init_integration)
    outlet = hass.async_create_task(install(hass, OUTLET))
    await poll_until(lambda: any(callback == 21 for callback, _ in simulator.requests))
    faceplate = hass.async_create_task(install(hass, FACEPLATE))
    await poll_until(lambda: attributes(hass, FACEPLATE)[ATTR_IN_PROGRESS] is True)
    commands = sum(1 for callback, _ in simulator.requests if callback == 21)

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    for installing in (outlet, faceplate):
        with pytest.raises(HomeAssistantError) as err:
            async with asyncio.timeout(3):
                await installing
        assert err.value.translation_key == "update_interrupted"
    assert sum(1 for callback, _ in simulator.requests if callback == 21) == commands


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize("options", [{"update_check_delay": 0.0}])
@pytest.mark.parametrize("variant", ["pro"])
async def test_progress_during_the_stall_check_keeps_the_install(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Two minutes pass without progress, so the update check runs to see whether the
    result was lost; the download resumes while the outlet answers (its answer still
    shows the old versions): the install carries on and ends installed, not stalled."""
    await first_check(hass, init_integration)
    simulator.faults.update_check_delay = 1.0  # the check now outlasts some progress
    seen = record(hass, simulator, OUTLET)
    installing = hass.async_create_task(install(hass, OUTLET))
    await poll_until(lambda: bool(progress(seen)))
    checks = sum(1 for callback, _ in simulator.requests if callback == 20)

    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=130))
    await poll_until(
        lambda: sum(1 for callback, _ in simulator.requests if callback == 20) > checks
    )
    async with asyncio.timeout(30):
        await installing

    state = hass.states.get(OUTLET)
    assert (state.state, state.attributes[ATTR_INSTALLED_VERSION]) == (
        STATE_OFF,
        "2.5.0 (web 1.3.0)",
    )
    assert state.attributes[ATTR_IN_PROGRESS] is False


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize(
    "options",
    [
        {
            "update_check_delay": 0.0,
            "faceplate_version_delay": 40 / SCALE,
            "degraded_faceplate": REAL_DEGRADED_FACEPLATE / SCALE,
        }
    ],
)
@pytest.mark.parametrize("variant", ["pro"])
async def test_update_all_with_web_and_firmware_offered(
    hass: HomeAssistant,
    scaled_rereads: None,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The outlet offers new firmware and a new web interface (one install) and the
    faceplate new firmware: "Update all" installs every card the outlet has at once, and
    every card ends up to date without an error."""
    await first_check(hass, init_integration)
    cards = sorted(
        e.entity_id
        for e in er.async_entries_for_config_entry(entity_registry, init_integration.entry_id)
        if e.domain == UPDATE_DOMAIN
    )
    assert cards == [FACEPLATE, OUTLET]  # one card per install
    for entity_id in cards:
        assert hass.states.get(entity_id).state == STATE_ON

    installs = [hass.async_create_task(install(hass, e)) for e in cards]
    async with asyncio.timeout(20):
        outcomes = await asyncio.gather(*installs, return_exceptions=True)

    assert outcomes == [None, None]
    for entity_id, version in ((OUTLET, "2.5.0 (web 1.3.0)"), (FACEPLATE, "1.9.3")):
        state = hass.states.get(entity_id)
        assert (state.state, state.attributes[ATTR_INSTALLED_VERSION]) == (STATE_OFF, version)
        assert state.attributes[ATTR_IN_PROGRESS] is False


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize(
    "options", [{"update_check_delay": 0.0, "faceplate_restart_delay": 3600.0}]
)
@pytest.mark.parametrize("variant", ["pro"])
async def test_unload_while_waiting_for_the_faceplate_to_return(
    hass: HomeAssistant,
    scaled_rereads: None,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
) -> None:
    """The faceplate restarts after its update and stays away while device info is
    re-read on the backoff; the entry unloads meanwhile: the install ends interrupted,
    and no further read of 12 follows (nor is a timer left: the harness checks)."""
    await first_check(hass, init_integration)
    reads = lambda: sum(1 for callback, _ in simulator.requests if callback == 12)  # noqa: E731
    installing = hass.async_create_task(install(hass, FACEPLATE))
    before = reads()
    await poll_until(lambda: reads() >= before + 2)  # the backoff is under way

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(HomeAssistantError) as err:
        async with asyncio.timeout(3):
            await installing
    assert err.value.translation_key == "update_interrupted"
    after = reads()
    await asyncio.sleep(sum(FACEPLATE_REREAD_DELAYS) / SCALE)
    assert reads() == after


RESTART_FACEPLATE = "button.invisdeco_pro_e7c4_restart"
FACEPLATE_TEMPERATURE = "sensor.invisdeco_pro_e7c4_temperature"


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize(
    "options",
    [
        {
            "update_check_delay": 0.0,
            "faceplate_restart_delay": 60 / SCALE,
            "faceplate_version_delay": 40 / SCALE,
            "degraded_faceplate": REAL_DEGRADED_FACEPLATE / SCALE,
        }
    ],
)
async def test_faceplate_restart_read_until_back(
    hass: HomeAssistant,
    scaled_rereads: None,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Restarted with its button, the faceplate is gone 60 s and back unannounced (no 12
    push), its version blank 40 s more: device info is re-read on the backoff, so it is
    shown gone, then back with its version and its entities available, in at most 8
    reads of 12."""
    await first_check(hass, init_integration)  # (the background lane is free)
    coordinator = coordinator_of(init_integration)
    backoff = sum(FACEPLATE_REREAD_DELAYS) / SCALE
    reads_before = sum(1 for callback, _ in simulator.requests if callback == 12)

    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: RESTART_FACEPLATE}, blocking=True
    )
    await wait_until(hass, lambda: coordinator.data.info.faceplate is None, timeout=backoff)
    assert hass.states.get(FACEPLATE_TEMPERATURE).state == STATE_UNAVAILABLE

    def back() -> bool:
        face = coordinator.data.info.faceplate
        return face is not None and face.fw_rev == "1.9.2"

    await wait_until(hass, back, timeout=backoff)
    assert hass.states.get(FACEPLATE_TEMPERATURE).state != STATE_UNAVAILABLE
    device = find_device(device_registry, {(DOMAIN, faceplate_identifier(simulator.serial))})
    assert device is not None
    assert device.sw_version == "1.9.2"
    reads = sum(1 for callback, _ in simulator.requests if callback == 12) - reads_before
    assert 2 <= reads <= 8


@pytest.fixture
def quick_watch() -> Generator[None]:
    """The re-reads at a two-hundredth; the faceplate silent after half a second."""
    with (
        patch(
            "custom_components.intecular.ota.FACEPLATE_REREAD_DELAYS",
            tuple(delay / 200 for delay in FACEPLATE_REREAD_DELAYS),
        ),
        patch("custom_components.intecular.coordinator.SENSOR_SILENCE_TIMEOUT", 0.5),
    ):
        yield


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize(
    "options",
    [
        {
            "update_check_delay": 0.0,
            "faceplate_version_delay": 0.3,
            "degraded_faceplate": 0.0,  # it reports again as soon as it is back
        }
    ],
)
async def test_faceplate_reporting_again_is_read_until_back(
    hass: HomeAssistant,
    quick_watch: None,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
) -> None:
    """Away longer than the re-reads after it left, the faceplate comes back unannounced:
    its sensors reporting again start the re-reads anew, until it is listed with its
    version and its entities are available (not at the next full read, 30 s on)."""
    coordinator = coordinator_of(init_integration)
    backoff = sum(FACEPLATE_REREAD_DELAYS) / 200
    await simulator.restart_faceplate(delay=backoff + 1.0)
    await simulator.drop_connections()  # the reconnect's read finds it gone
    await wait_until(hass, lambda: coordinator.reconnects == 1)
    assert coordinator.data.info.faceplate is None
    await wait_until(hass, lambda: not simulator.state.faceplate.restarting, timeout=backoff + 3)
    assert coordinator.data.info.faceplate is None  # nothing announced its return
    reads_before = sum(1 for callback, _ in simulator.requests if callback == 12)

    await simulator.push_sensors()

    def back() -> bool:
        face = coordinator.data.info.faceplate
        return face is not None and face.fw_rev == "1.9.2"

    await wait_until(hass, back, timeout=backoff + 1)
    await simulator.push_sensors()
    await wait_until(
        hass, lambda: hass.states.get(FACEPLATE_TEMPERATURE).state != STATE_UNAVAILABLE
    )
    reads = sum(1 for callback, _ in simulator.requests if callback == 12) - reads_before
    assert 1 <= reads <= 8


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize("options", [{"ota_result_lost": True, "update_check_delay": 0.0}])
async def test_stall_while_the_link_is_down_waits_for_the_versions(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A web-interface-only update's result is lost with the socket, and the outlet
    accepts the reconnect only after the stall timer has run out: the stall is judged
    once the link is back, on the versions the update check reports: installed, no
    error."""
    coordinator = coordinator_of(init_integration)
    await first_check(hass, init_integration)
    simulator.set_available_versions(im="2.4.7")  # the web interface only
    await check_now(hass, OUTLET)
    simulator.set_knob("connect_delay", 2.0)  # the reconnect takes its time
    installing = hass.async_create_task(install(hass, OUTLET))
    await poll_until(lambda: coordinator.reconnects == 0 and not coordinator.link_ready)

    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=130))
    async with asyncio.timeout(10):
        await installing

    assert coordinator.reconnects == 1
    state = hass.states.get(OUTLET)
    assert (state.state, state.attributes[ATTR_INSTALLED_VERSION]) == (
        STATE_OFF,
        "2.4.7 (web 1.3.0)",
    )
    assert state.attributes[ATTR_IN_PROGRESS] is False


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize("options", [{"hw_rev": "revB", "update_check_delay": 0.0}])
async def test_revb_refusal_on_the_new_socket_ends_the_install(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A revB outlet restarts on 21 and says it will not go on (``21 [1, 0]``) as soon
    as the integration's new socket is open, before the read of 12 that proves it the
    entry's outlet has been answered: the install ends at once with the translated
    error, and the update is still offered."""
    await first_check(hass, init_integration)
    simulator.timings.ota_step_interval = 3600  # nothing follows the refusal
    arrived = simulator.wait_for_client
    refusal = {
        "sn": simulator.serial,
        "packetID": 366512,
        "payload": {"callbackName": 21, "callbackArgs": [1, 0]},
    }

    async def refuse_on_arrival(timeout: float) -> None:
        await arrived(timeout)
        await simulator.send_raw(json.dumps(refusal))

    with (
        patch.object(simulator, "wait_for_client", refuse_on_arrival),
        pytest.raises(HomeAssistantError) as err,
    ):
        async with asyncio.timeout(10):  # not started would take a minute
            await install(hass, OUTLET)

    assert err.value.translation_key == "update_failed"
    state = hass.states.get(OUTLET)
    assert (state.state, state.attributes[ATTR_IN_PROGRESS]) == (STATE_ON, False)
