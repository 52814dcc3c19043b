"""A user's whole journey with a realistic outlet, for each faceplate kind.

The outlet behaves as the evidence says real ones do (the simulator's ``"real"``
profile, every knob on, the degraded faceplate values too): the entry loads and shows
every entity, a socket and the nightlight follow the user, and two rounds of new
firmware for the outlet and its faceplate end installed: the first installed one card
after the other, the second as Settings > Updates > "Update all" does, both at once.
Every card ends on the new version with nothing more offered, and nothing is reported
(no repair issue, nothing logged at error level).

Time runs at a fiftieth: the outlet's delays (the update check's answer, the
faceplate's restart, its late version, its degraded values after coming back, its
reports) and the integration's re-reads of the faceplate's return are divided by
``SCALE``, so they keep their real proportions and a journey takes seconds. The
integration's deadlines keep their real length, so an install that ends only because
one passed fails the test. Nothing here asserts how fast anything is.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Generator
from dataclasses import dataclass
from functools import partial
import logging
from unittest.mock import patch

from homeassistant.components.homeassistant import SERVICE_UPDATE_ENTITY
from homeassistant.components.light import ATTR_BRIGHTNESS, ATTR_HS_COLOR
from homeassistant.components.update import (
    ATTR_IN_PROGRESS,
    ATTR_INSTALLED_VERSION,
    ATTR_LATEST_VERSION,
    ATTR_UPDATE_PERCENTAGE,
    DOMAIN as UPDATE_DOMAIN,
    SERVICE_INSTALL,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular import ota
from custom_components.intecular.api import Callback, IntecularClient
from custom_components.intecular.const import DOMAIN
from simulator import SimulatedOutlet
from simulator.profiles import (
    REAL_DEGRADED_FACEPLATE,
    REAL_FACEPLATE_VERSION_DELAY,
    REAL_UPDATE_CHECK_DELAY,
)
from tests.faults.common import poll

from .common import SERIAL
from .lighting import turn_off, turn_on

SCALE = 50
"""The outlet's delays and the integration's re-reads of the faceplate run this much faster."""

OUTLET_CARD = f"{SERIAL}_outlet_firmware"
"""The outlet's update entity, by unique id (its entity id may change with its name)."""
FACEPLATE_CARD = f"{SERIAL}_faceplate_firmware"
SOCKET = f"{SERIAL}_outlet_1"
OUTLET_TARGET = 1
"""The outlet's own update, as 21 and the outlet's update state name it."""

# Realistic durations (seconds) the profile leaves to the outlet's timings.
REAL_TIMINGS = {
    "reboot_delay": 5.0,  # the outlet's restart after its update
    "faceplate_restart_delay": 60.0,  # the faceplate back a minute after its update
    "ota_step_interval": 0.5,
}
SENSOR_INTERVAL = 5.0
"""A faceplate reports its readings every few seconds."""

REQUEST_TIMEOUT = 1.0
"""How long the integration waits for an answer (5 s really)."""

JOURNEY_TIMEOUT = 30.0
"""A bound on one install, in real seconds: below the integration's deadlines (60 s for
an update that never starts, longer for the others), far above a healthy run."""


@dataclass(frozen=True)
class Release:
    """New firmware the maker offers: the outlet's, its web interface's, the faceplate's."""

    im: str
    www: str
    pm: str


FIRST = Release(im="2.5.0", www="1.3.0", pm="1.9.3")
SECOND = Release(im="2.6.0", www="1.4.0", pm="2.0.0")


@pytest.fixture
def profile() -> str:
    """The outlet behaves as the evidence says real ones do."""
    return "real"


@pytest.fixture
async def simulator(variant: str, profile: str) -> AsyncGenerator[SimulatedOutlet]:
    """A realistic outlet with every knob of the profile on, its delays scaled down."""
    scaled = {name: value / SCALE for name, value in REAL_TIMINGS.items()}
    async with SimulatedOutlet(
        variant,
        serial=SERIAL,
        seed=7,
        sensor_interval=SENSOR_INTERVAL / SCALE,
        profile=profile,
        update_check_delay=REAL_UPDATE_CHECK_DELAY / SCALE,
        faceplate_version_delay=REAL_FACEPLATE_VERSION_DELAY / SCALE,
        degraded_faceplate=REAL_DEGRADED_FACEPLATE / SCALE,
        **scaled,
    ) as sim:
        yield sim


@pytest.fixture
def scaled_waits() -> Generator[None]:
    """The integration's waits on the way to a good outcome, at the test's scale: the
    re-reads of the faceplate's return and the grace for an answer to 21.

    Its deadlines (an update that never starts, stalls, or is never confirmed) keep
    their real length: an install that ends only because one passed, even as a
    success judged by the update check, outlasts ``JOURNEY_TIMEOUT`` and fails.
    """
    rereads = tuple(delay / SCALE for delay in ota.FACEPLATE_REREAD_DELAYS)
    with (
        patch.object(ota, "FACEPLATE_REREAD_DELAYS", rereads),
        patch.object(ota, "OTA_ACK_GRACE", ota.OTA_ACK_GRACE / SCALE),
    ):
        yield


@pytest.fixture
def short_request_timeout() -> Generator[None]:
    """A read the outlet never answers (18 [7] on a real one) costs a second, not five.

    Background reads wait behind it, among them the re-reads of the faceplate's return.
    """
    client = partial(IntecularClient, request_timeout=REQUEST_TIMEOUT)
    with patch("custom_components.intecular.IntecularClient", client):
        yield


@pytest.fixture(autouse=True)
async def homeassistant_services(hass: HomeAssistant) -> None:
    """The "check for updates" action (homeassistant.update_entity)."""
    assert await async_setup_component(hass, "homeassistant", {})


def entity_id_of(hass: HomeAssistant, domain: str, unique_id: str) -> str:
    """The entity id of this integration's entity with ``unique_id``."""
    entity_id = er.async_get(hass).async_get_entity_id(domain, DOMAIN, unique_id)
    assert entity_id is not None, unique_id
    return entity_id


def shown_entities(hass: HomeAssistant, entry: MockConfigEntry) -> list[er.RegistryEntry]:
    """The entry's entities a user sees (the ones not disabled)."""
    return [
        e
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.disabled_by is None
    ]


def unavailable(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """The entities a user sees that have no state or are unavailable."""
    return [
        e.entity_id
        for e in shown_entities(hass, entry)
        if (state := hass.states.get(e.entity_id)) is None or state.state == STATE_UNAVAILABLE
    ]


def update_cards(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """The entry's update entities."""
    return [e.entity_id for e in shown_entities(hass, entry) if e.domain == Platform.UPDATE]


def problems(hass: HomeAssistant, caplog: pytest.LogCaptureFixture) -> list[str]:
    """Repair issues of this integration, anything logged at error level, and the
    integration's warnings."""
    issues = [
        f"repair issue {issue_id}"
        for (domain, issue_id) in ir.async_get(hass).issues
        if domain == DOMAIN
    ]
    logged = [
        f"{r.levelname} {r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR
        or (r.levelno >= logging.WARNING and r.name.startswith("custom_components.intecular"))
    ]
    return issues + logged


async def check_for_updates(hass: HomeAssistant, entity_ids: list[str]) -> None:
    """Press "Check for updates" on the cards."""
    await hass.services.async_call(
        "homeassistant", SERVICE_UPDATE_ENTITY, {ATTR_ENTITY_ID: entity_ids}, blocking=True
    )


async def install(hass: HomeAssistant, entity_ids: list[str]) -> None:
    """Press Install on the cards (more than one: as "Update all" does), wait for the end."""
    async with asyncio.timeout(JOURNEY_TIMEOUT):
        await hass.services.async_call(
            UPDATE_DOMAIN, SERVICE_INSTALL, {ATTR_ENTITY_ID: entity_ids}, blocking=True
        )


def assert_up_to_date(
    hass: HomeAssistant, entry: MockConfigEntry, versions: dict[str, tuple[str, ...]]
) -> None:
    """Every card offers nothing, installs nothing; the chosen ones show their versions
    (the outlet's card names its firmware's and its web interface's)."""
    for entity_id in update_cards(hass, entry):
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        assert state.state == STATE_OFF, (entity_id, state.attributes)
        assert state.attributes[ATTR_IN_PROGRESS] is False, entity_id
        assert state.attributes[ATTR_INSTALLED_VERSION] == state.attributes[ATTR_LATEST_VERSION], (
            entity_id
        )
    for entity_id, parts in versions.items():
        shown = hass.states.get(entity_id).attributes[ATTR_INSTALLED_VERSION]
        assert all(part in shown for part in parts), (entity_id, shown, parts)


async def switch_a_socket(hass: HomeAssistant, sim: SimulatedOutlet) -> None:
    """Outlet 1 on and off again, from Home Assistant."""
    socket = entity_id_of(hass, Platform.SWITCH, SOCKET)
    for on in (True, False):
        await hass.services.async_call(
            Platform.SWITCH,
            "turn_on" if on else "turn_off",
            {ATTR_ENTITY_ID: socket},
            blocking=True,
        )
        assert sim.state.outlets.outlet_1 is on
        assert hass.states.get(socket).state == (STATE_ON if on else STATE_OFF)


async def change_the_nightlight(
    hass: HomeAssistant, entry: MockConfigEntry, sim: SimulatedOutlet
) -> None:
    """The faceplate's nightlight, where it has one, on (a colour on an Aura) and off."""
    lights = [
        e.entity_id
        for e in shown_entities(hass, entry)
        if e.domain == Platform.LIGHT and e.translation_key == "nightlight"
    ]
    if not sim.variant.has_faceplate:
        assert lights == []
        return
    assert len(lights) == 1
    light = lights[0]
    if sim.variant.has_color:
        await turn_on(hass, light, **{ATTR_HS_COLOR: (240, 100), ATTR_BRIGHTNESS: 255})
        await poll(lambda: sim.state.color[5].leds[0].on, "the array lit")
    else:
        await turn_on(hass, light, brightness=128)
        assert sim.state.nightlight.on is True
    await poll(lambda: hass.states.get(light).state == STATE_ON, "the light shown on")
    await turn_off(hass, light)
    await poll(lambda: hass.states.get(light).state == STATE_OFF, "the light shown off")


async def new_firmware(
    hass: HomeAssistant, entry: MockConfigEntry, sim: SimulatedOutlet, release: Release
) -> tuple[str, str | None]:
    """The maker offers ``release``; "Check for updates" shows it. The outlet's and the
    faceplate's card (None without a faceplate)."""
    outlet = entity_id_of(hass, Platform.UPDATE, OUTLET_CARD)
    faceplate = (
        entity_id_of(hass, Platform.UPDATE, FACEPLATE_CARD) if sim.variant.has_faceplate else None
    )
    sim.set_available_versions(im=release.im, www=release.www, pm=release.pm)
    await check_for_updates(hass, [outlet])
    assert hass.states.get(outlet).state == STATE_ON
    offered = hass.states.get(outlet).attributes[ATTR_LATEST_VERSION]
    assert release.im in offered
    assert release.www in offered
    if faceplate is not None:
        assert hass.states.get(faceplate).state == STATE_ON
        assert hass.states.get(faceplate).attributes[ATTR_LATEST_VERSION] == release.pm
    return outlet, faceplate


@pytest.mark.parametrize("variant", ["pro", "aura", "deco", "bare"])
@pytest.mark.usefixtures("fast_reconnect", "scaled_waits", "short_request_timeout")
async def test_a_real_outlet_from_load_to_new_firmware(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: SimulatedOutlet,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Load, use, and update a realistic outlet twice: one card after the other, then
    both at once; every card ends on the new version, nothing reported."""
    sim = simulator
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED

    # Every entity a user sees has a state, and none is unavailable.
    await poll(
        lambda: any(callback == Callback.AVAILABLE_UPDATES for callback, _ in sim.requests),
        "the update check",
    )
    await check_for_updates(hass, update_cards(hass, config_entry))
    await hass.async_block_till_done()
    assert shown_entities(hass, config_entry)
    assert unavailable(hass, config_entry) == []
    assert_up_to_date(hass, config_entry, {})

    await switch_a_socket(hass, sim)
    await change_the_nightlight(hass, config_entry, sim)

    # New firmware for both; the outlet's installed, then the faceplate's.
    outlet, faceplate = await new_firmware(hass, config_entry, sim, FIRST)
    await install(hass, [outlet])
    if faceplate is not None:
        await install(hass, [faceplate])
    assert (sim.state.firmware.im, sim.state.firmware.www) == (FIRST.im, FIRST.www)
    assert sim.state.firmware.pm == (FIRST.pm if faceplate else "1.9.2")
    expected = {outlet: (FIRST.im, FIRST.www)} | ({faceplate: (FIRST.pm,)} if faceplate else {})
    assert_up_to_date(hass, config_entry, expected)

    # Newer firmware again; this time both installs start together ("Update all"):
    # while the outlet runs the first, the other card shows it waits its turn.
    outlet, faceplate = await new_firmware(hass, config_entry, sim, SECOND)
    installing = hass.async_create_task(
        install(hass, [outlet] + ([faceplate] if faceplate else []))
    )
    if faceplate is not None:
        await poll(lambda: sim.state.ota_target is not None, "the first install to start")
        waiting = faceplate if int(sim.state.ota_target) == OUTLET_TARGET else outlet
        state = hass.states.get(waiting)
        assert (state.attributes[ATTR_IN_PROGRESS], state.attributes[ATTR_UPDATE_PERCENTAGE]) == (
            True,
            None,
        )
    await installing
    assert (sim.state.firmware.im, sim.state.firmware.www) == (SECOND.im, SECOND.www)
    expected = {outlet: (SECOND.im, SECOND.www)} | ({faceplate: (SECOND.pm,)} if faceplate else {})
    assert_up_to_date(hass, config_entry, expected)

    # Still working after two restarts of each module; every entity back (a faceplate
    # just back reports no readings for a moment).
    await poll(lambda: unavailable(hass, config_entry) == [], "every entity back")
    await switch_a_socket(hass, sim)
    await change_the_nightlight(hass, config_entry, sim)
    assert problems(hass, caplog) == []
