"""Diagnostics: what the integration knows about an outlet, with nothing that identifies it.

No serial number, MAC address, IP address, host name, Wi-Fi name or MQTT credential
reaches the dump. Keys that hold them are redacted, and every text is scrubbed as
well, since error texts quote what they saw (``expected outlet 0019B2E7C4, found ...``,
a URL, a malformed frame): this entry's own serials, addresses and credentials
wherever they appear, and anything shaped like an IP or MAC address, a URL's host, a
serial number or a ``key: value`` pair with a sensitive key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from ipaddress import ip_address
import re
from typing import Any, Final
from urllib.parse import urlsplit

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from .coordinator import IntecularCoordinator
from .runtime import IntecularConfigEntry

TO_REDACT: Final = {
    # MQTT credentials and broker of the outlet's own MQTT client
    "password",
    "user",
    "broker_url",
    # hardware identity
    "serial",
    "mac",
    "unique_id",
    "title",
    # where the outlet is: the entry's address, the outlet's network settings
    CONF_HOST,
    "ip",
    "main_dns",
    "backup_dns",
    "ssid",
}

# Values that are version numbers, never addresses (1.2.3.4 is a firmware version here).
_VERSION_KEYS: Final = frozenset(
    {"fw_rev", "hw_rev", "installed", "available", "web_installed", "web_available"}
)
# Known secrets shorter than this are not searched for in texts (they would match anywhere).
_MIN_SECRET_LENGTH: Final = 3

_SENSITIVE_PAIR: Final = re.compile(
    r"""(['"]?\b(?:ssid|pass|password|user|username|sn|mac|ip|host|mqtt_broker_url|"""
    r"""broker_url|maindns|backupdns)\b['"]?\s*[:=]\s*)"""
    r"""('[^']*'|"[^"]*"|[^\s,;}\]]+)""",
    re.IGNORECASE,
)
_URL_AUTHORITY: Final = re.compile(r"\b([a-z][a-z0-9+.-]*://)([^\s/'\"<>]+)", re.IGNORECASE)
_HOST_WORD: Final = re.compile(r"\b(host\s+)([^\s,;'\"]+)", re.IGNORECASE)
_MAC: Final = re.compile(r"\b(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}\b", re.IGNORECASE)
_IPV4: Final = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6: Final = re.compile(r"(?<![\w:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![\w:])", re.IGNORECASE)
# Serial numbers: digits and upper-case letters, any of A-Z (protocol.md §2.2; 10 or 11
# seen): a run of 8 or more letters and digits, with a digit, all in one case (a host name
# may carry it in lower case). A camel-case name such as "outlet1Enabled" is no serial.
_SERIAL: Final = re.compile(
    r"(?<![0-9A-Za-z])(?=[0-9A-Za-z]*[0-9])(?:[0-9A-Z]{8,}|[0-9a-z]{8,})(?![0-9A-Za-z])"
)


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: IntecularConfigEntry
) -> dict[str, Any]:
    """Entry, device state and connection statistics."""
    coordinator = entry.runtime_data.coordinator
    client = coordinator.client
    stats = client.stats
    dump = {
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
    }
    redacted: dict[str, Any] = async_redact_data(_plain(dump), TO_REDACT)
    scrubbed: dict[str, Any] = _scrub(redacted, _Scrubber(_known_secrets(entry, coordinator)))
    return scrubbed


def _known_secrets(entry: IntecularConfigEntry, coordinator: IntecularCoordinator) -> set[str]:
    """The entry's serials, addresses and credentials, as they may appear in texts."""
    state = coordinator.data
    info = state.info
    found: list[str | None] = [
        entry.unique_id,
        entry.data.get(CONF_HOST),
        coordinator.client.host,
        info.outlet.serial,
        info.outlet.mac,
    ]
    if (face := info.faceplate) is not None:
        found += [face.serial, face.mac, face.radar.mac if face.radar else None]
    if (config := state.config) is not None:
        if (mqtt := config.mqtt) is not None:
            found += [mqtt.user, mqtt.password, mqtt.broker_url, _url_host(mqtt.broker_url)]
        if (network := config.network) is not None:
            found += [network.ip, network.main_dns, network.backup_dns]
    return {s for s in found if s and len(s) >= _MIN_SECRET_LENGTH}


def _url_host(url: str | None) -> str | None:
    try:
        return urlsplit(url).hostname if url else None
    except ValueError:
        return None


class _Scrubber:
    """Removes identifying details from one text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        ordered = sorted(secrets, key=len, reverse=True)  # a URL before the host inside it
        self._known = (
            re.compile("|".join(re.escape(s) for s in ordered), re.IGNORECASE) if ordered else None
        )

    def __call__(self, text: str, *, version: bool = False) -> str:
        if self._known is not None:
            text = self._known.sub(REDACTED, text)
        if version:
            return text
        text = _SENSITIVE_PAIR.sub(lambda m: m[1] + REDACTED, text)
        text = _URL_AUTHORITY.sub(lambda m: m[1] + REDACTED, text)
        text = _HOST_WORD.sub(lambda m: m[1] + REDACTED, text)
        text = _MAC.sub(REDACTED, text)
        text = _IPV4.sub(REDACTED, text)
        text = _IPV6.sub(_redact_if_ip, text)
        return _SERIAL.sub(REDACTED, text)


def _redact_if_ip(match: re.Match[str]) -> str:
    try:
        ip_address(match[0])
    except ValueError:
        return match[0]  # a time of day, not an address
    return REDACTED


def _plain(value: Any) -> Any:
    """JSON-friendly: sets become sorted lists, tuples lists."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(item) for item in value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _scrub(value: Any, scrubber: _Scrubber, key: Any = None) -> Any:
    """Every text inside ``value`` scrubbed; version fields only of this entry's secrets."""
    if isinstance(value, dict):
        return {k: _scrub(item, scrubber, k) for k, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, scrubber, key) for item in value]
    if isinstance(value, str) and value != REDACTED:
        return scrubber(value, version=key in _VERSION_KEYS)
    return value
