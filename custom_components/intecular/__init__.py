"""The Intecular InvisOutlet integration: local push over the outlet's WebSocket."""

from __future__ import annotations

import asyncio

from homeassistant.const import CONF_HOST, CONF_PORT, EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .api import DEFAULT_PORT, IntecularClient
from .const import CONF_FACEPLATE, DOMAIN
from .coordinator import IntecularCoordinator
from .devices import (
    async_register_devices,
    async_update_configuration_url,
    faceplate_identifier,
)
from .firmware import Module, UpdateChecker
from .ota import OtaTracker
from .outlet_mqtt import async_remove_issue, async_setup_mqtt
from .repairs import async_forget_announcement
from .runtime import IntecularConfigEntry, IntecularData
from .services import async_setup_services

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.LIGHT,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
    Platform.UPDATE,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions, once for every outlet."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: IntecularConfigEntry) -> bool:
    """Connect to the outlet, read its state and start listening for pushes.

    The firmware check starts once the platforms are set up, as their entities show
    what it finds; the install trackers follow pushes from the start.
    """
    client = IntecularClient(
        entry.data[CONF_HOST],
        async_get_clientsession(hass),
        port=entry.data.get(CONF_PORT, DEFAULT_PORT),
    )
    coordinator = IntecularCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    checker = UpdateChecker(hass, coordinator)
    turn = asyncio.Lock()  # the outlet runs one update at a time: installs take turns
    trackers = {module: OtaTracker(hass, coordinator, module, checker, turn) for module in Module}
    entry.runtime_data = IntecularData(coordinator, checker, trackers)
    async_register_devices(hass, entry, coordinator.data.info)
    coordinator.start()
    for tracker in trackers.values():
        tracker.start(entry)

    async def _on_stop(_event: Event) -> None:
        await coordinator.async_shutdown()

    entry.async_on_unload(hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _on_stop))
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    checker.start(entry)
    async_setup_mqtt(hass, entry)
    return True


async def _async_entry_updated(hass: HomeAssistant, entry: IntecularConfigEntry) -> None:
    """A new address (discovery, reconfigure): move the live connection there.

    The entry changes for other reasons too (the faceplate's kind, the MQTT discovery,
    the update method); only an address change concerns the connection.
    """
    client = entry.runtime_data.coordinator.client
    address = (entry.data[CONF_HOST], entry.data.get(CONF_PORT, DEFAULT_PORT))
    if address != (client.host, client.port):
        async_update_configuration_url(hass, entry)
        await entry.runtime_data.coordinator.async_move(*address)


async def async_unload_entry(hass: HomeAssistant, entry: IntecularConfigEntry) -> bool:
    """Unload platforms; the coordinator's shutdown closes the socket."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: IntecularConfigEntry) -> None:
    """The outlet is gone from Home Assistant: withdraw its repair issues."""
    async_remove_issue(hass, entry)
    async_forget_announcement(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: IntecularConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete the faceplate's device while the outlet reports no faceplate.

    The outlet cannot tell a faceplate taken off for good from one being refitted, so
    the user decides. The entry then forgets the faceplate; one fitted later brings its
    device and entities back. The outlet's own device goes with the entry only.
    """
    state = entry.runtime_data.coordinator.data
    if (DOMAIN, faceplate_identifier(state.info.outlet.serial)) not in device.identifiers:
        return False
    if state.info.faceplate_online:
        return False
    if CONF_FACEPLATE in entry.data:
        hass.config_entries.async_update_entry(
            entry, data={k: v for k, v in entry.data.items() if k != CONF_FACEPLATE}
        )
    return True
