"""Diagnostics: what the integration knows about an outlet, secrets redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .coordinator import IntecularConfigEntry

TO_REDACT = {
    # MQTT credentials and broker of the outlet's own MQTT client
    "password",
    "user",
    "broker_url",
    # hardware identity
    "serial",
    "mac",
    "unique_id",
    "title",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: IntecularConfigEntry
) -> dict[str, Any]:
    """Entry, device state and connection statistics."""
    coordinator = entry.runtime_data
    client = coordinator.client
    stats = client.stats
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "unique_id": entry.unique_id,
                "data": dict(entry.data),
            },
            "state": asdict(coordinator.data),
            "connection": {
                "connected": client.connected,
                "available": coordinator.last_update_success,
                "reconnects": coordinator.reconnects,
                "disconnected_since": coordinator.disconnected_since,
                "last_error": coordinator.last_error,
                "frames_received": stats.frames,
                "malformed_frames": stats.bad_frames,
                "last_malformed_frame": stats.last_bad_frame,
            },
        },
        TO_REDACT,
    )
