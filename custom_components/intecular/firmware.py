"""The firmware an outlet and its faceplate run, and the check for newer firmware (20).

The outlet has two parts, its firmware and its web interface (WWW partition), both
installed by one outlet update (the update command 21 for target 1); the faceplate has
its firmware. Installed versions come from device info (12) first, which needs no
update check; newest versions only from the update check (20).

The outlet asks its maker's server before it answers 20, so an answer can take many
seconds or never come. Loading and reconnecting never wait for it: the check runs
after load, every few hours (from the coordinator), after an update finished and
after a reconnect when the last answer is old, with its own longer timeout. It is
skipped while the link is down. Until the first answer the update entities are
unknown; a failed check keeps what the last answer said and is retried with backoff.

How the faceplate receives its firmware (over its own Wi-Fi or handed over by the
outlet) is an entry option, chosen with a select entity and read by the faceplate's
update entity.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .api import AvailableUpdates, IntecularError, OtaMethod, OtaTarget
from .const import CONF_FACEPLATE_UPDATE_METHOD, DOMAIN, FACEPLATE_MODEL, LOGGER
from .coordinator import IntecularCoordinator
from .devices import device_name, faceplate_identifier, faceplate_model
from .state import DeviceState

# The regular check.
UPDATE_CHECK_INTERVAL = timedelta(hours=3)
# How long one check waits for the answer (the outlet asks the maker's server first).
UPDATE_CHECK_TIMEOUT = 30.0
# After a reconnect, check again when the last answer is older than this.
UPDATE_CHECK_MAX_AGE = timedelta(hours=1)
# A check that got no answer is retried after this, doubling up to the regular interval.
UPDATE_CHECK_RETRY = timedelta(minutes=5)

# How the faceplate receives its firmware (an entry option, the select entity's
# options) -> the second argument of the update command (21).
FACEPLATE_METHODS = {
    "faceplate_wifi": OtaMethod.FACEPLATE_WIFI,
    "via_outlet": OtaMethod.VIA_OUTLET,
}
# The vendor's first choice; when it fails, the error suggests the other one.
DEFAULT_FACEPLATE_METHOD = "faceplate_wifi"


class Module(StrEnum):
    """A module that 21 updates: the outlet (both its parts) or the faceplate."""

    OUTLET = "outlet"
    FACEPLATE = "faceplate"

    @property
    def target(self) -> OtaTarget:
        """The target 21 names."""
        return OtaTarget.OUTLET if self is Module.OUTLET else OtaTarget.FACEPLATE

    @property
    def parts(self) -> tuple[FirmwarePart, ...]:
        """The module's firmware parts, in the order the module installs them."""
        if self is Module.OUTLET:
            return (FirmwarePart.OUTLET_WEB, FirmwarePart.OUTLET_FIRMWARE)
        return (FirmwarePart.FACEPLATE_FIRMWARE,)


class FirmwarePart(StrEnum):
    """A piece of firmware with its own version (the outlet has two, updated together)."""

    OUTLET_FIRMWARE = "outlet_firmware"
    OUTLET_WEB = "outlet_web_interface"
    FACEPLATE_FIRMWARE = "faceplate_firmware"

    @property
    def module(self) -> Module:
        """The module whose update installs this part."""
        return Module.FACEPLATE if self is FirmwarePart.FACEPLATE_FIRMWARE else Module.OUTLET

    @property
    def phase(self) -> OtaTarget:
        """The 22/23 target that reports this part's download."""
        return {
            FirmwarePart.OUTLET_FIRMWARE: OtaTarget.OUTLET,
            FirmwarePart.OUTLET_WEB: OtaTarget.OUTLET_WEB,
            FirmwarePart.FACEPLATE_FIRMWARE: OtaTarget.FACEPLATE,
        }[self]


def _version(value: str | None) -> str | None:
    """A version as reported; None for a blank, never shown nor compared with an offer.

    A module just back from a restart may report a blank version (protocol.md §11 item 36).
    """
    if value is None:
        return None
    return value.strip() or None


def installed_version(part: FirmwarePart, state: DeviceState) -> str | None:
    """What the part runs: device info (12) first, the update check (20) otherwise."""
    updates = state.updates
    if part is FirmwarePart.OUTLET_WEB:
        return _version(updates.outlet.web_installed) if updates else None
    if part is FirmwarePart.OUTLET_FIRMWARE:
        return _version(state.info.outlet.fw_rev) or (
            _version(updates.outlet.installed) if updates else None
        )
    face = state.info.faceplate
    if face is not None and (version := _version(face.fw_rev)):
        return version
    return _version(updates.faceplate.installed) if updates and updates.faceplate else None


def latest_version(part: FirmwarePart, state: DeviceState) -> str | None:
    """The newest version the outlet offers for the part; None until 20 answered.

    The outlet says "nothing newer" by naming the installed version as available.
    """
    if (updates := state.updates) is None:
        return None
    if part is FirmwarePart.OUTLET_WEB:
        checked, available = updates.outlet.web_installed, updates.outlet.web_available
    elif part is FirmwarePart.OUTLET_FIRMWARE:
        checked, available = updates.outlet.installed, updates.outlet.available
    elif updates.faceplate is not None:
        checked, available = updates.faceplate.installed, updates.faceplate.available
    else:
        return None
    if (installed := installed_version(part, state)) is None:
        return None  # nothing known to compare with: no offer from a blank
    if not (available := _version(available)) or available == _version(checked):
        return installed
    return available


def is_newer(latest: str, installed: str | None) -> bool:
    """Whatever the outlet offers is the newer version (it names no older one)."""
    return latest != installed


def outdated(part: FirmwarePart, state: DeviceState) -> bool:
    """Whether the outlet offers a newer version of the part."""
    latest = latest_version(part, state)
    return latest is not None and is_newer(latest, installed_version(part, state))


def module_name(module: Module, coordinator: IntecularCoordinator) -> str:
    """The name a user knows the module by: the outlet's title or the faceplate model."""
    if module is Module.OUTLET:
        return coordinator.config_entry.title
    face = coordinator.data.faceplate
    return faceplate_model(face) if face is not None else FACEPLATE_MODEL


def module_device_name(module: Module, coordinator: IntecularCoordinator) -> str:
    """The module's device as Home Assistant shows it (a user's name for it included).

    Messages name the device this way; without a device yet, as ``module_name``.
    """
    entry = coordinator.config_entry
    serial = coordinator.data.info.outlet.serial
    identifier = serial if module is Module.OUTLET else faceplate_identifier(serial)
    return device_name(coordinator.hass, entry, identifier) or module_name(module, coordinator)


def faceplate_update_method(entry: ConfigEntry[Any]) -> str:
    """The chosen way to deliver faceplate firmware (an entry option)."""
    method = entry.options.get(CONF_FACEPLATE_UPDATE_METHOD, DEFAULT_FACEPLATE_METHOD)
    return method if method in FACEPLATE_METHODS else DEFAULT_FACEPLATE_METHOD


class UpdateChecker:
    """Keeps ``DeviceState.updates`` current for one outlet."""

    def __init__(self, hass: HomeAssistant, coordinator: IntecularCoordinator) -> None:
        """Check the coordinator's outlet; nothing runs until ``start``."""
        self.hass = hass
        self.coordinator = coordinator
        self.last_answer: datetime | None = None  # when 20 last answered
        self._found: AvailableUpdates | None = None
        self._lock = asyncio.Lock()
        self._failures = 0
        self._retry: CALLBACK_TYPE | None = None
        self._stopped = False  # the entry unloaded: no more retries
        self._reconnects = coordinator.reconnects

    @callback
    def start(self, entry: ConfigEntry[Any]) -> None:
        """Check now (in the background) and on schedule until the entry unloads."""
        self.coordinator.async_every(UPDATE_CHECK_INTERVAL, "firmware check", self._due)
        entry.async_on_unload(
            self.coordinator.async_add_listener(self._state_changed, frozenset({"updates"}))
        )
        entry.async_on_unload(self._stop)
        self.schedule()

    @callback
    def _stop(self) -> None:
        """The entry unloads: a check still waiting for its answer must not retry."""
        self._stopped = True
        self._cancel_retry()

    @callback
    def schedule(self) -> None:
        """Check in the background, unless the link is down or a check is under way."""
        if not self.coordinator.link_ready or self._lock.locked():
            return
        self.coordinator.config_entry.async_create_background_task(
            self.hass, self.async_check(), f"{DOMAIN} firmware check {self.coordinator.client.host}"
        )

    async def _due(self) -> None:
        if not self._lock.locked():
            await self.async_check()

    @callback
    def _state_changed(self) -> None:
        """After a reconnect: check when the last answer is old (or there was none)."""
        if self._found is not None and self.coordinator.data.updates is None:
            # A full read started from scratch: the last answer still holds.
            found = self._found
            self.coordinator.async_apply(lambda state: replace(state, updates=found))
        if self.coordinator.reconnects == self._reconnects:
            return
        self._reconnects = self.coordinator.reconnects
        if self.last_answer is None or dt_util.utcnow() - self.last_answer > UPDATE_CHECK_MAX_AGE:
            self.schedule()

    async def async_check(self) -> bool:
        """Ask the outlet now; whether it answered. Never raises."""
        async with self._lock:
            if not self.coordinator.link_ready:
                return False
            client = self.coordinator.client
            since = self.coordinator.sequence
            try:
                found = await client.get_available_updates(
                    timeout=UPDATE_CHECK_TIMEOUT, background=True
                )
            except IntecularError as err:
                self._failed(err)
                return False
            self._failures = 0
            self._cancel_retry()
            self.last_answer = dt_util.utcnow()
            self._found = found
            self.coordinator.async_apply(lambda state: replace(state, updates=found), since=since)
            return True

    def _failed(self, err: IntecularError) -> None:
        host = self.coordinator.client.host
        if self._failures == 0:
            LOGGER.info("Could not learn which firmware %s offers (retrying): %s", host, err)
        else:
            LOGGER.debug("Checking %s for firmware failed again: %s", host, err)
        delay = min(UPDATE_CHECK_RETRY * 2**self._failures, UPDATE_CHECK_INTERVAL)
        self._failures += 1
        self._cancel_retry()
        if not self._stopped:
            self._retry = async_call_later(self.hass, delay, self._retry_now)

    @callback
    def _retry_now(self, _now: datetime) -> None:
        self._retry = None
        self.schedule()

    @callback
    def _cancel_retry(self) -> None:
        if self._retry is not None:
            self._retry()
            self._retry = None
