"""The outlet's own MQTT client: its broker connection and its Home Assistant discovery.

The outlet can publish itself to Home Assistant over MQTT (callback 27, command 2).
Managed by this integration as well, it would then appear twice. The outlet cannot
say whether its discovery payload is on the broker, so the rule is:

    duplicates are likely while the outlet's MQTT client is enabled and connected to a
    broker, Home Assistant has the MQTT integration set up, and Home Assistant never
    cleared (or deliberately sent) the outlet's discovery itself.

Then a repair issue offers to clear the discovery payload (callback 27, command 1).
Once cleared (by the fix, or by the ``clear_mqtt_discovery`` action) or deliberately
sent (by the ``send_mqtt_discovery`` action), the entry remembers it and the issue
stays away.

The broker connection (callback 27, command 0) is read with the rest of the state
(reading.py) and then every ``MQTT_CHECK_INTERVAL``, only while MQTT is enabled in the
outlet's configuration.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir

from .const import CONF_MQTT_DISCOVERY, DOMAIN, LOGGER
from .coordinator import IntecularCoordinator
from .runtime import IntecularConfigEntry
from .state import DeviceState

MQTT_CHECK_INTERVAL = timedelta(minutes=10)
ISSUE_DISCOVERY = "mqtt_discovery_active"
MQTT_DOMAIN = "mqtt"


def broker_connected(state: DeviceState) -> bool | None:
    """The broker connection as a user sees it: off while MQTT is off."""
    if state.config is None or state.config.mqtt is None:
        return None
    return state.mqtt_connected if state.mqtt_enabled else False


def issue_id(entry: IntecularConfigEntry) -> str:
    """The repair issue of one outlet."""
    return f"{ISSUE_DISCOVERY}_{entry.entry_id}"


async def async_check_mqtt(coordinator: IntecularCoordinator) -> None:
    """Ask the outlet whether it reaches its broker (callback 27, command 0), if MQTT is on."""
    if not coordinator.data.mqtt_enabled:
        return
    since = coordinator.sequence
    connected = await coordinator.async_command(lambda client: client.check_mqtt(background=True))
    coordinator.async_apply(lambda state: replace(state, mqtt_connected=connected), since=since)


async def async_set_discovery(
    hass: HomeAssistant, entry: IntecularConfigEntry, *, publish: bool
) -> None:
    """Send (callback 27, command 2) or clear (command 1) the outlet's discovery; remember it."""
    await entry.runtime_data.coordinator.async_command(
        lambda client: client.send_mqtt_discovery(publish), refused="mqtt_discovery_refused"
    )
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_MQTT_DISCOVERY: "sent" if publish else "cleared"}
    )
    async_update_issue(hass, entry)


def duplicates_likely(hass: HomeAssistant, entry: IntecularConfigEntry) -> bool:
    """The rule of this module's docstring."""
    return (
        CONF_MQTT_DISCOVERY not in entry.data
        and broker_connected(entry.runtime_data.coordinator.data) is True
        and bool(hass.config_entries.async_entries(MQTT_DOMAIN))
    )


@callback
def async_update_issue(hass: HomeAssistant, entry: IntecularConfigEntry) -> None:
    """Raise the discovery repair issue, or withdraw it."""
    if duplicates_likely(hass, entry):
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id(entry),
            is_fixable=True,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_DISCOVERY,
            translation_placeholders={"name": entry.title},
            data={"entry_id": entry.entry_id},
        )
    else:
        ir.async_delete_issue(hass, DOMAIN, issue_id(entry))


@callback
def async_setup_mqtt(hass: HomeAssistant, entry: IntecularConfigEntry) -> None:
    """Check the broker connection now and then; keep the repair issue current."""
    coordinator = entry.runtime_data.coordinator
    likely: bool | None = None

    @callback
    def state_changed() -> None:
        nonlocal likely
        now = duplicates_likely(hass, entry)
        if now != likely:
            likely = now
            async_update_issue(hass, entry)

    async def check() -> None:
        try:
            await async_check_mqtt(coordinator)
        except HomeAssistantError as err:
            LOGGER.debug("MQTT check of %s failed: %s", entry.title, err)

    parts = frozenset({"config", "mqtt_connected"})  # what broker_connected reads
    entry.async_on_unload(coordinator.async_add_listener(state_changed, parts))
    coordinator.async_every(MQTT_CHECK_INTERVAL, "MQTT check", check)
    state_changed()


@callback
def async_remove_issue(hass: HomeAssistant, entry: IntecularConfigEntry) -> None:
    """The outlet is removed from Home Assistant: its issue goes with it."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(entry))
