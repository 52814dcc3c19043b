"""Firmware updates: offered, installed with live progress, followed through the reboot."""

from __future__ import annotations

from datetime import timedelta
import logging
from unittest.mock import patch

from homeassistant.components.homeassistant import SERVICE_UPDATE_ENTITY
from homeassistant.components.select import DOMAIN as SELECT_DOMAIN, SERVICE_SELECT_OPTION
from homeassistant.components.update import (
    ATTR_IN_PROGRESS,
    ATTR_INSTALLED_VERSION,
    ATTR_LATEST_VERSION,
    ATTR_RELEASE_SUMMARY,
    ATTR_TITLE,
    ATTR_UPDATE_PERCENTAGE,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_OPTION,
    ATTR_RESTORED,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from syrupy.assertion import SnapshotAssertion

from custom_components.intecular.api import IntecularClient, OtaResult, OtaTarget
from custom_components.intecular.const import DOMAIN
from custom_components.intecular.update import IntecularUpdate
from simulator import SimulatedOutlet

from .common import (
    SERIAL,
    coordinator_of,
    find_device,
    timers_fire_while_down,
    wait_for_state,
    wait_until,
)
from .update_helpers import (
    FACEPLATE,
    METHOD,
    OLD_WEB,
    OUTLET,
    Seen,
    attributes,
    first_check,
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


@pytest.fixture(autouse=True)
async def homeassistant_services(hass: HomeAssistant) -> None:
    """The "check for updates" action (homeassistant.update_entity)."""
    assert await async_setup_component(hass, "homeassistant", {})


@pytest.mark.usefixtures("enable_all")  # the update method select starts disabled
@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
async def test_update_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    variant: str,
    snapshot: SnapshotAssertion,
) -> None:
    """One update entity per install: the outlet's (its firmware and web interface) on
    the outlet's device, the faceplate's on the faceplate's."""
    entries = er.async_entries_for_config_entry(entity_registry, init_integration.entry_id)
    updates = sorted(
        (e for e in entries if e.domain in (Platform.UPDATE, Platform.SELECT)),
        key=lambda e: e.entity_id,
    )
    outlet = find_device(dr.async_get(hass), {(DOMAIN, SERIAL)})
    assert outlet is not None
    for entry in updates:
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        assert hass.states.get(entry.entity_id) == snapshot(name=f"{entry.entity_id}-state")
        assert (entry.device_id == outlet.id) == (entry.entity_id == OUTLET)
    assert len(updates) == (1 if variant == "bare" else 3)


async def test_one_card_per_install(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """The outlet's update is one card naming both its parts' versions, the faceplate's
    another; each release summary says what changes."""
    shown = {
        entity_id: (
            hass.states.get(entity_id).state,
            attributes(hass, entity_id)[ATTR_INSTALLED_VERSION],
            attributes(hass, entity_id)[ATTR_LATEST_VERSION],
            attributes(hass, entity_id)[ATTR_TITLE],
            attributes(hass, entity_id)[ATTR_RELEASE_SUMMARY],
        )
        for entity_id in (OUTLET, FACEPLATE)
    }
    assert shown == {
        OUTLET: (
            STATE_ON,
            "2.4.7 (web 1.2.0)",
            "2.5.0 (web 1.3.0)",
            "InvisOutlet firmware",
            "Firmware 2.4.7 → 2.5.0, web interface 1.2.0 → 1.3.0",
        ),
        FACEPLATE: (
            STATE_ON,
            "1.9.2",
            "1.9.3",
            "InvisDeco Pro firmware",
            "Firmware 1.9.2 → 1.9.3",
        ),
    }
    assert hass.states.get(OLD_WEB) is None


async def test_outlet_install_end_to_end(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Install -> progress 0-100 in order -> reboot -> new version -> idle, up to date."""
    seen = record(hass, simulator, OUTLET)
    received = pushes(init_integration)

    await install(hass, OUTLET)

    assert (21, [1, 0]) in simulator.requests
    # The web partition fills the first half of the bar, the firmware the second.
    assert progress(seen) == [12, 25, 37, 50, 62, 75, 87, 100]
    # In progress from the start until the outlet came back from its reboot.
    assert seen[0] == Seen(STATE_ON, True, None, "2.4.7 (web 1.2.0)", 0)
    done = [i for i, s in enumerate(seen) if not s.in_progress]
    assert done, seen
    assert all(s.in_progress for s in seen[: done[0]])
    assert seen[done[0]].boots == 1  # only once the outlet rebooted (and the socket dropped)
    assert simulator.state.boot_count == 1

    state = hass.states.get(OUTLET)
    assert state is not None
    assert state.state == STATE_OFF
    assert state.attributes[ATTR_IN_PROGRESS] is False
    assert state.attributes[ATTR_UPDATE_PERCENTAGE] is None
    # The same install brought the web interface (the outlet ran both phases).
    assert state.attributes[ATTR_INSTALLED_VERSION] == "2.5.0 (web 1.3.0)"
    assert state.attributes[ATTR_LATEST_VERSION] == "2.5.0 (web 1.3.0)"
    assert state.attributes[ATTR_RELEASE_SUMMARY] is None
    # The device page shows the new firmware.
    device = find_device(device_registry, {(DOMAIN, SERIAL)})
    assert device is not None
    assert device.sw_version == "2.5.0"
    # The outlet opened with the spurious "failed" result; it did not end the install.
    ota = [p for p in received if isinstance(p, OtaResult)]
    assert ota[0] == OtaResult(OtaTarget.OUTLET, success=False)
    assert OtaResult(OtaTarget.OUTLET_WEB, success=True) in ota


async def test_the_old_web_interface_card_goes(
    hass: HomeAssistant,
    simulator: SimulatedOutlet,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """An outlet added with an earlier version had a web interface card besides its
    firmware card: once loaded, the web interface card is gone from the registry and
    the states (no orphan), and the firmware card keeps its entity ID."""
    config_entry.add_to_hass(hass)
    for key, object_id in (
        ("outlet_firmware", "firmware"),
        ("outlet_web_interface", "web_interface"),
    ):
        entity_registry.async_get_or_create(
            Platform.UPDATE,
            DOMAIN,
            f"{SERIAL}_{key}",
            suggested_object_id=f"invisoutlet_e7c4_{object_id}",
            config_entry=config_entry,
        )
    # Home Assistant shows a registered entity as unavailable until its integration is up.
    hass.states.async_set(OLD_WEB, STATE_UNAVAILABLE, {ATTR_RESTORED: True})

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert entity_registry.async_get(OLD_WEB) is None
    assert hass.states.get(OLD_WEB) is None
    updates = [
        e.entity_id
        for e in er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
        if e.domain == Platform.UPDATE
    ]
    assert sorted(updates) == [FACEPLATE, OUTLET]
    assert hass.states.get(OUTLET).state != STATE_UNAVAILABLE


async def test_pushes_of_other_parts_wake_no_update_entity(
    hass: HomeAssistant, simulator: SimulatedOutlet, config_entry: MockConfigEntry
) -> None:
    """The sockets switching and the readings changing (pushes every few seconds) do
    not even wake the update entities: they show versions, read from device info and
    the update check. A new version offered still shows."""
    woken: list[str] = []
    handle = IntecularUpdate._handle_coordinator_update

    def counted(entity: IntecularUpdate) -> None:
        woken.append(entity.entity_id)
        handle(entity)

    with patch.object(IntecularUpdate, "_handle_coordinator_update", counted):
        config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await first_check(hass, config_entry)
        await hass.async_block_till_done()
        woken.clear()

        await simulator.press_button(1)
        await wait_for_state(hass, "switch.invisoutlet_e7c4_outlet_1", STATE_ON)
        await simulator.set_sensor("temp_celsius", 26.5)
        await wait_for_state(hass, "sensor.invisdeco_pro_e7c4_temperature", "26.5")
        await hass.async_block_till_done()
        assert woken == []

        simulator.set_available_versions(pm="1.9.4")
        await hass.services.async_call(
            "homeassistant", SERVICE_UPDATE_ENTITY, {ATTR_ENTITY_ID: FACEPLATE}, blocking=True
        )
        assert attributes(hass, FACEPLATE)[ATTR_LATEST_VERSION] == "1.9.4"


@pytest.mark.parametrize("hw_rev", ["revB"])
async def test_revb_outlet_restarts_first(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A revB outlet drops the socket instead of answering 21; the install goes on."""
    coordinator = coordinator_of(init_integration)
    # The outlet goes on as soon as a socket opens, its first progress push 10 ms after
    # it: before the reconnect proved it the entry's outlet (its 12 read). The update's
    # events wait for that verdict instead of being dropped.
    seen = record(hass, simulator, OUTLET)
    await install(hass, OUTLET)

    assert progress(seen) == [12, 25, 37, 50, 62, 75, 87, 100]
    assert simulator.state.boot_count == 2  # the restart on 21, and the one after
    await wait_until(hass, lambda: coordinator.reconnects == 2)
    assert hass.states.get(OUTLET).state == STATE_OFF
    assert attributes(hass, OUTLET)[ATTR_INSTALLED_VERSION] == "2.5.0 (web 1.3.0)"


# (A real outlet updates only what is outdated: protocol.md §11 item 30.)
@pytest.mark.parametrize("options", [{"partial_outlet_updates": True}])
async def test_web_only_update(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Only the web interface is outdated: the outlet's card offers it and says so; the
    install ends on the outlet's web result (no reboot) and the card is up to date."""
    simulator.set_available_versions(im="2.4.7")
    await hass.services.async_call(
        "homeassistant", SERVICE_UPDATE_ENTITY, {ATTR_ENTITY_ID: OUTLET}, blocking=True
    )
    card = hass.states.get(OUTLET)
    assert card.state == STATE_ON
    assert (card.attributes[ATTR_INSTALLED_VERSION], card.attributes[ATTR_LATEST_VERSION]) == (
        "2.4.7 (web 1.2.0)",
        "2.4.7 (web 1.3.0)",
    )
    assert card.attributes[ATTR_RELEASE_SUMMARY] == "Web interface 1.2.0 → 1.3.0"
    shown = record(hass, simulator, OUTLET)

    await install(hass, OUTLET)

    assert (21, [1, 0]) in simulator.requests
    assert progress(shown) == [25, 50, 75, 100]  # the web phase alone fills the bar
    card = hass.states.get(OUTLET)
    assert card.state == STATE_OFF
    assert card.attributes[ATTR_INSTALLED_VERSION] == "2.4.7 (web 1.3.0)"
    assert card.attributes[ATTR_IN_PROGRESS] is False
    assert simulator.state.boot_count == 0  # the outlet did not restart


async def test_firmware_only_summary(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Only the firmware is outdated: the summary names the firmware alone."""
    simulator.set_available_versions(www="1.2.0")
    await hass.services.async_call(
        "homeassistant", SERVICE_UPDATE_ENTITY, {ATTR_ENTITY_ID: OUTLET}, blocking=True
    )
    card = attributes(hass, OUTLET)
    assert (card[ATTR_INSTALLED_VERSION], card[ATTR_LATEST_VERSION]) == (
        "2.4.7 (web 1.2.0)",
        "2.5.0 (web 1.2.0)",
    )
    assert card[ATTR_RELEASE_SUMMARY] == "Firmware 2.4.7 → 2.5.0"


async def test_a_second_install_of_the_outlet_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Install pressed again while the outlet's update runs starts no second one (one 21),
    and the card ends up to date."""
    simulator.timings.ota_step_interval = 0.05
    installing = hass.async_create_background_task(install(hass, OUTLET), "install")
    await poll_until(lambda: attributes(hass, OUTLET)[ATTR_IN_PROGRESS] is True)
    with pytest.raises(HomeAssistantError):
        await install(hass, OUTLET)
    await installing
    assert [r for r in simulator.requests if r[0] == 21] == [(21, [1, 0])]
    assert hass.states.get(OUTLET).state == STATE_OFF


@pytest.mark.usefixtures("enable_all")
async def test_faceplate_install_uses_the_selected_method(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Via the outlet (method 1): 21 [2, 1], then the faceplate restarts on 1.9.3."""
    assert hass.states.get(METHOD).state == "faceplate_wifi"
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: METHOD, ATTR_OPTION: "via_outlet"},
        blocking=True,
    )
    assert hass.states.get(METHOD).state == "via_outlet"
    seen = record(hass, simulator, FACEPLATE)

    await install(hass, FACEPLATE)

    assert (21, [2, 1]) in simulator.requests
    assert progress(seen) == [25, 50, 75, 100]
    state = hass.states.get(FACEPLATE)
    assert state.state == STATE_OFF
    assert state.attributes[ATTR_INSTALLED_VERSION] == "1.9.3"
    device = find_device(device_registry, {(DOMAIN, f"{simulator.serial}_faceplate")})
    assert device is not None
    assert device.sw_version == "1.9.3"
    # The outlet itself was not touched.
    assert simulator.state.boot_count == 0
    assert hass.states.get(OUTLET).state == STATE_ON


@pytest.mark.usefixtures("enable_all")
async def test_method_is_kept_across_restarts(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The chosen method is an entry option: a reload keeps it."""
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: METHOD, ATTR_OPTION: "via_outlet"},
        blocking=True,
    )
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(METHOD).state == "via_outlet"


async def test_check_for_updates_rereads_callback_20(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """ "Check for updates" asks the outlet (20) and nothing else; the card follows."""
    simulator.set_available_versions(im="2.6.0")
    simulator.requests.clear()
    await hass.services.async_call(
        "homeassistant", SERVICE_UPDATE_ENTITY, {ATTR_ENTITY_ID: OUTLET}, blocking=True
    )
    assert list(simulator.requests) == [(20, None)]
    assert attributes(hass, OUTLET)[ATTR_LATEST_VERSION] == "2.6.0 (web 1.3.0)"


async def test_checked_every_few_hours_and_after_reconnects(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """New firmware shows up without anyone asking: on a timer, and after a reconnect
    when the last answer is old (a reconnect right after a check does not ask again)."""
    coordinator = coordinator_of(init_integration)
    simulator.set_available_versions(im="2.6.0")
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=3, seconds=1))
    await wait_until(
        hass, lambda: attributes(hass, OUTLET)[ATTR_LATEST_VERSION] == "2.6.0 (web 1.3.0)"
    )

    simulator.set_available_versions(pm="1.9.4")
    simulator.requests.clear()
    await simulator.drop_connections()
    await wait_until(hass, lambda: coordinator.reconnects == 1)
    assert (20, None) not in simulator.requests
    assert attributes(hass, FACEPLATE)[ATTR_LATEST_VERSION] == "1.9.3"

    with patch("custom_components.intecular.firmware.UPDATE_CHECK_MAX_AGE", timedelta(0)):
        await simulator.drop_connections()
        await wait_until(hass, lambda: attributes(hass, FACEPLATE)[ATTR_LATEST_VERSION] == "1.9.4")


async def test_not_checked_while_the_link_is_down(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The timer finds the outlet unreachable: no check is tried, so none fails."""
    logged = await timers_fire_while_down(
        hass, init_integration, simulator, caplog, timedelta(hours=3)
    )
    assert "firmware" not in logged


async def test_unanswered_check_keeps_what_was_known(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An outlet that stops answering 20: one info line, the card keeps what it knew,
    and the check is tried again later."""
    simulator.faults.drop_replies = True
    simulator.set_available_versions(im="2.6.0")
    with patch("custom_components.intecular.firmware.UPDATE_CHECK_TIMEOUT", 0.05):
        for _ in range(2):
            await hass.services.async_call(
                "homeassistant", SERVICE_UPDATE_ENTITY, {ATTR_ENTITY_ID: OUTLET}, blocking=True
            )
    failures = [r for r in caplog.records if "Could not learn which firmware" in r.message]
    assert [r.levelno for r in failures] == [logging.INFO]
    assert "no reply to callback 20" in failures[0].message
    assert hass.states.get(OUTLET).state == STATE_ON
    assert attributes(hass, OUTLET)[ATTR_LATEST_VERSION] == "2.5.0 (web 1.3.0)"

    # The retry (minutes later) finds the outlet answering again.
    simulator.faults.drop_replies = False
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=20))
    await wait_until(
        hass, lambda: attributes(hass, OUTLET)[ATTR_LATEST_VERSION] == "2.6.0 (web 1.3.0)"
    )


async def test_update_started_elsewhere_is_followed(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The vendor app starts the update: the card shows it running and finishing."""
    seen = record(hass, simulator, FACEPLATE)
    session = async_get_clientsession(hass)
    async with IntecularClient(simulator.host, session, port=simulator.port) as app:
        await app.perform_update(OtaTarget.FACEPLATE)
        await wait_until(hass, lambda: hass.states.get(FACEPLATE).state == STATE_OFF)
    assert progress(seen) == [25, 50, 75, 100]
    assert not seen[-1].in_progress
