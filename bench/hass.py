"""Home Assistant in this process, with the integration set up against simulated outlets."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractContextManager, asynccontextmanager
import logging
import os
import tempfile
from typing import Any
from unittest.mock import PropertyMock, patch

from aiohttp.resolver import ThreadedResolver
from homeassistant import loader
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_PORT,
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
    STATE_UNAVAILABLE,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.intecular.const import CONF_FACEPLATE, DOMAIN
from custom_components.intecular.coordinator import IntecularCoordinator


def quiet_logging() -> None:
    """Warnings and errors only; not the 'custom integration' notice."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)


@asynccontextmanager
async def running_hass() -> AsyncIterator[HomeAssistant]:
    """A Home Assistant instance (the test harness' one) that loads custom integrations.

    Its registries live in memory; the HTTP client session resolves names without
    zeroconf (the outlets are addressed by IP anyway).
    """
    with (
        tempfile.TemporaryDirectory(prefix="intecular-bench-") as config_dir,
        patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            return_value=ThreadedResolver(),
        ),
    ):
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            if os.environ.get("BENCH_LOOP_DEBUG"):
                # as under pytest, where the harness runs the loop in asyncio debug mode
                hass.loop.set_debug(True)
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            try:
                yield hass
            finally:
                await hass.async_stop(force=True)


def outlet_entry(
    hass: HomeAssistant, host: str, port: int, serial: str, faceplate: str | None = "pro"
) -> MockConfigEntry:
    """A config entry for one outlet, as the config flow creates it (not set up yet)."""
    data: dict[str, Any] = {CONF_HOST: host, CONF_PORT: port}
    if faceplate:
        data[CONF_FACEPLATE] = faceplate
    entry = MockConfigEntry(
        domain=DOMAIN, title=f"InvisOutlet {serial[-4:]}", unique_id=serial, data=data
    )
    entry.add_to_hass(hass)
    return entry


def every_entity_enabled() -> AbstractContextManager[object]:
    """Every entity added meanwhile enabled (a Pro outlet has about 60).

    As a user who wants them all has them: a push that woke every entity would cost in
    proportion.
    """
    return patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    )


async def setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Set one entry up and let everything settle."""
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError(f"setting up {entry.title} failed: {entry.reason}")
    await hass.async_block_till_done()


def coordinator(entry: ConfigEntry) -> IntecularCoordinator:
    """The entry's coordinator."""
    runtime: IntecularCoordinator = entry.runtime_data.coordinator
    return runtime


def entity_ids(hass: HomeAssistant, entries: Iterable[ConfigEntry]) -> list[str]:
    """The enabled entities of the entries."""
    registry = er.async_get(hass)
    return [
        e.entity_id
        for entry in entries
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
        if not e.disabled_by
    ]


def all_available(hass: HomeAssistant, ids: Iterable[str]) -> bool:
    """Whether every one of the entities has a state other than unavailable."""
    for entity_id in ids:
        state = hass.states.get(entity_id)
        if state is None or state.state == STATE_UNAVAILABLE:
            return False
    return True


def all_loaded(entries: Iterable[ConfigEntry]) -> bool:
    """Whether every entry is set up."""
    return all(entry.state is ConfigEntryState.LOADED for entry in entries)


async def wait_for(
    condition: Callable[[], bool], timeout: float, what: str, poll: float = 0.001
) -> None:
    """Poll ``condition`` until it holds; fail loudly after ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            while not condition():  # noqa: ASYNC110 - conditions are plain attributes
                await asyncio.sleep(poll)
    except TimeoutError:
        raise TimeoutError(f"gave up after {timeout} s waiting for {what}") from None


@callback
def _every(_data: Any) -> bool:
    return True


class StateWrites:
    """Counts every state Home Assistant writes (changed or merely reported again)."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Start counting."""
        self.by_entity: Counter[str] = Counter()
        self.total = 0
        self._removers = [
            hass.bus.async_listen(EVENT_STATE_CHANGED, self._seen),
            hass.bus.async_listen(EVENT_STATE_REPORTED, self._seen, event_filter=_every),
        ]

    @callback
    def _seen(self, event: Event[Any]) -> None:
        self.total += 1
        self.by_entity[event.data["entity_id"]] += 1

    def reset(self) -> None:
        """Forget what was counted."""
        self.by_entity.clear()
        self.total = 0

    def stop(self) -> None:
        """Stop counting."""
        for remove in self._removers:
            remove()
