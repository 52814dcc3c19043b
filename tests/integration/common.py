"""Helpers for the integration tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
import inspect
import logging
import socket
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.intecular.const import DOMAIN
from custom_components.intecular.coordinator import IntecularCoordinator
from simulator import SimulatedOutlet

SERIAL = "0019B2E7C4"  # the outlet serial of protocol.md's examples
SLUG = "invisoutlet_e7c4"  # entity ids derive from the title "InvisOutlet E7C4"


def coordinator_of(entry: MockConfigEntry) -> IntecularCoordinator:
    """The coordinator of a loaded entry (its runtime data holds it)."""
    coordinator: IntecularCoordinator = entry.runtime_data.coordinator
    return coordinator


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def wait_until(
    hass: HomeAssistant, condition: Callable[[], bool], timeout: float = 3.0
) -> None:
    """Let pushes travel the loopback socket until ``condition`` holds."""
    async with asyncio.timeout(timeout):
        while True:
            await hass.async_block_till_done()
            if condition():
                return
            await asyncio.sleep(0.002)


async def wait_for_state(hass: HomeAssistant, entity_id: str, state: str) -> None:
    """Wait until an entity shows ``state``."""
    await wait_until(
        hass, lambda: (s := hass.states.get(entity_id)) is not None and s.state == state
    )


def find_device(
    registry: dr.DeviceRegistry, identifiers: set[tuple[str, str]]
) -> dr.DeviceEntry | None:
    """This integration's device that has one of ``identifiers``.

    The same on every release we test: ``DeviceRegistry.async_get_device`` and looking
    devices up in ``DeviceRegistry.devices`` are deprecated from 2026 on (an error when a
    test does it), and their replacements do not exist in 2025.4.
    """
    for entry in registry.hass.config_entries.async_entries(DOMAIN):
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
            if not device.identifiers.isdisjoint(identifiers):
                return device
    return None


async def remove_device(client: Any, device_id: str, entry_id: str) -> Any:
    """The test harness's ``remove_device`` websocket helper: it took the config entry
    too up to 2025, only the device from 2026 on (a device has one config entry)."""
    if len(inspect.signature(client.remove_device).parameters) == 1:
        return await client.remove_device(device_id)
    return await client.remove_device(device_id, entry_id)


async def timers_fire_while_down(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: SimulatedOutlet,
    caplog: pytest.LogCaptureFixture,
    interval: timedelta,
) -> str:
    """Take the outlet down, let ``interval`` pass, return what the integration logged."""
    coordinator = coordinator_of(entry)
    await sim.reboot(delay=3600)
    await wait_until(hass, lambda: not coordinator.client.connected)
    caplog.set_level(logging.DEBUG, "custom_components.intecular")
    caplog.clear()
    async_fire_time_changed(hass, dt_util.utcnow() + interval + timedelta(seconds=1))
    await hass.async_block_till_done()
    return "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith("custom_components.intecular")
    )
