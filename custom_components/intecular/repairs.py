"""Repair issues: the outlet's own MQTT discovery, and announcements of its serial.

Clearing the MQTT discovery is a repair flow (see outlet_mqtt.py); another device announcing
itself with a connected outlet's serial number is a warning the user reads.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResult
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import voluptuous as vol

from .api import DEFAULT_PORT, address
from .const import DOMAIN, LOGGER
from .outlet_mqtt import async_set_discovery
from .runtime import IntecularConfigEntry

ISSUE_ANNOUNCED_ELSEWHERE = "announced_elsewhere"


def _announced_issue_id(entry: IntecularConfigEntry) -> str:
    return f"{ISSUE_ANNOUNCED_ELSEWHERE}_{entry.entry_id}"


@callback
def async_announced_elsewhere(
    hass: HomeAssistant, entry: IntecularConfigEntry, host: str, port: int
) -> None:
    """Tell the user a device at another address announced this connected outlet's serial.

    The serial is public, so the announcement proves nothing; the verified connection
    stays where it is. Only addresses are shown (no serial).
    """
    LOGGER.warning(
        "A device at %s announced itself as %s, which is connected at %s; staying there",
        address(host, port),
        entry.title,
        address(entry.data[CONF_HOST], entry.data.get(CONF_PORT, DEFAULT_PORT)),
    )
    ir.async_create_issue(
        hass,
        DOMAIN,
        _announced_issue_id(entry),
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_ANNOUNCED_ELSEWHERE,
        translation_placeholders={
            "name": entry.title,
            "announced": address(host, port),
            "current": address(entry.data[CONF_HOST], entry.data.get(CONF_PORT, DEFAULT_PORT)),
        },
    )


@callback
def async_forget_announcement(hass: HomeAssistant, entry: IntecularConfigEntry) -> None:
    """Withdraw that issue (the outlet moved for real, or its entry is gone)."""
    ir.async_delete_issue(hass, DOMAIN, _announced_issue_id(entry))


class ClearMqttDiscoveryFlow(RepairsFlow):
    """Ask, then tell the outlet to remove its discovery payload from the broker."""

    def __init__(self, entry: IntecularConfigEntry | None) -> None:
        """Fix the issue of this outlet."""
        self._entry = entry

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        """Explain the duplicates; clear the discovery once confirmed."""
        entry = self._entry
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                await async_set_discovery(self.hass, entry, publish=False)
            except HomeAssistantError as err:
                LOGGER.debug("Clearing the MQTT discovery of %s failed: %s", entry.title, err)
                errors["base"] = "clear_failed"
            else:
                return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            errors=errors,
            description_placeholders={"name": entry.title},
        )


async def async_create_fix_flow(
    hass: HomeAssistant,
    issue_id: str,
    data: dict[str, str | int | float | None] | None,
) -> RepairsFlow:
    """The fix flow of an issue this integration raised."""
    entry_id = str((data or {}).get("entry_id"))
    entry = hass.config_entries.async_get_entry(entry_id)
    return ClearMqttDiscoveryFlow(entry if entry is not None and entry.domain == DOMAIN else None)
