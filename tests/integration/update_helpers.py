"""What the firmware update tests share: an outlet with newer firmware, its fixtures, watchers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from homeassistant.components.update import (
    ATTR_IN_PROGRESS,
    ATTR_INSTALLED_VERSION,
    ATTR_UPDATE_PERCENTAGE,
    DOMAIN as UPDATE_DOMAIN,
    SERVICE_INSTALL,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    EVENT_STATE_CHANGED,
)
from homeassistant.core import Event, HomeAssistant, callback
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import OtaTarget, Push
from simulator import SimulatedOutlet

from .common import SERIAL, coordinator_of, wait_until
from .conftest import FAST

OUTLET = "update.invisoutlet_e7c4_firmware"
# The outlet's web interface had its own card before the firmware card showed both.
OLD_WEB = "update.invisoutlet_e7c4_web_interface"
FACEPLATE = "update.invisdeco_pro_e7c4_firmware"
METHOD = "select.invisdeco_pro_e7c4_firmware_update_method"


@asynccontextmanager
async def outlet_with_updates(
    variant: str, hw_rev: str = "revA", **options: Any
) -> AsyncGenerator[SimulatedOutlet]:
    """An outlet offering newer firmware for both modules (2.5.0/www 1.3.0, PM 1.9.3)."""
    async with SimulatedOutlet(
        variant,
        serial=SERIAL,
        seed=7,
        sensor_interval=0,
        hw_rev=hw_rev,
        update_available=True,
        **{**FAST, **options},
    ) as sim:
        yield sim


@pytest.fixture(name="hw_rev")
def hw_rev_fixture() -> str:
    """The outlet's hardware revision (revB restarts as soon as an update starts)."""
    return "revA"


@pytest.fixture(name="options")
def options_fixture() -> dict[str, Any]:
    """Extra simulator knobs."""
    return {}


@pytest.fixture(name="simulator")
async def simulator_fixture(
    variant: str, hw_rev: str, options: dict[str, Any]
) -> AsyncGenerator[SimulatedOutlet]:
    """An outlet offering newer firmware for both modules."""
    async with outlet_with_updates(variant, hw_rev, **options) as sim:
        yield sim


@pytest.fixture(name="init_integration")
async def init_integration_fixture(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> MockConfigEntry:
    """The integration loaded, and the outlet's answer to the update check in."""
    return await first_check(hass, init_integration)


@dataclass(frozen=True)
class Seen:
    """One state an update entity showed."""

    state: str
    in_progress: bool
    percentage: int | None
    installed: str | None
    boots: int


def record(hass: HomeAssistant, sim: SimulatedOutlet, entity_id: str) -> list[Seen]:
    """Every state the entity shows from now on."""
    seen: list[Seen] = []

    @callback
    def changed(event: Event) -> None:
        if event.data["entity_id"] != entity_id or (new := event.data["new_state"]) is None:
            return
        seen.append(
            Seen(
                new.state,
                new.attributes.get(ATTR_IN_PROGRESS, False),
                new.attributes.get(ATTR_UPDATE_PERCENTAGE),
                new.attributes.get(ATTR_INSTALLED_VERSION),
                sim.state.boot_count,
            )
        )

    hass.bus.async_listen(EVENT_STATE_CHANGED, changed)
    return seen


async def first_check(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Wait for the update check that runs after load (it never delays loading)."""
    await wait_until(hass, lambda: coordinator_of(entry).data.updates is not None)
    return entry


async def poll_until(condition: Callable[[], bool]) -> None:
    """Wait for ``condition`` without waiting for Home Assistant to go idle.

    While an install runs (a task that lasts until the update ends), Home Assistant
    is never idle, so ``wait_until`` cannot be used.
    """
    async with asyncio.timeout(3):
        while True:
            if condition():
                return
            await asyncio.sleep(0.005)


def progress(seen: list[Seen]) -> list[int]:
    """The percentages shown while installing, each once."""
    shown: list[int] = []
    for s in seen:
        if s.in_progress and s.percentage is not None and shown[-1:] != [s.percentage]:
            shown.append(s.percentage)
    return shown


def pushes(entry: MockConfigEntry) -> list[Push]:
    """Every push the integration receives from now on."""
    seen: list[Push] = []
    entry.async_on_unload(coordinator_of(entry).add_push_listener(seen.append))
    return seen


async def install(hass: HomeAssistant, entity_id: str) -> None:
    """Press Install on the update card and wait for the service call to end."""
    await hass.services.async_call(
        UPDATE_DOMAIN, SERVICE_INSTALL, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


def attributes(hass: HomeAssistant, entity_id: str) -> dict[str, Any]:
    """The entity's attributes (it must exist)."""
    state = hass.states.get(entity_id)
    assert state is not None
    return dict(state.attributes)


@dataclass
class LinkDrop:
    """Whether the socket was dropped at the first progress push of one target."""

    dropped: bool = False


def drop_link_at_progress(
    hass: HomeAssistant, entry: MockConfigEntry, sim: SimulatedOutlet, target: OtaTarget
) -> LinkDrop:
    """Drop the outlet's socket once, at the first 22/23 push for ``target``."""
    drop = LinkDrop()

    @callback
    def on_push(push: Push) -> None:
        if not drop.dropped and getattr(push, "target", None) is target:
            drop.dropped = True
            hass.async_create_task(sim.drop_connections())

    entry.async_on_unload(coordinator_of(entry).add_push_listener(on_push))
    return drop
