"""Repair flows: clearing the outlet's own MQTT discovery (see mqtt.py)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult
from homeassistant.exceptions import HomeAssistantError
import voluptuous as vol

from .const import DOMAIN, LOGGER
from .coordinator import IntecularConfigEntry
from .mqtt import async_set_discovery


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
