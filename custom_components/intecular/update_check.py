"""Asking the outlet for newer firmware (callback 20), off the critical path.

The outlet asks its maker's server before it answers 20, so an answer can take many
seconds or never come. Loading and reconnecting never wait for it: the check runs
after load, every few hours, after an update finished and after a reconnect when the
last answer is old, with its own longer timeout. It is skipped while the link is down.
Until the first answer the update entities are unknown; a failed check keeps what the
last answer said and is retried with backoff.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .api import AvailableUpdates, IntecularError
from .const import DOMAIN, LOGGER
from .coordinator import IntecularConfigEntry, IntecularCoordinator

# The regular check.
UPDATE_CHECK_INTERVAL = timedelta(hours=3)
# How long one check waits for the answer (the outlet asks the maker's server first).
UPDATE_CHECK_TIMEOUT = 30.0
# After a reconnect, check again when the last answer is older than this.
UPDATE_CHECK_MAX_AGE = timedelta(hours=1)
# A check that got no answer is retried after this, doubling up to the regular interval.
UPDATE_CHECK_RETRY = timedelta(minutes=5)


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
        self._reconnects = coordinator.reconnects

    @property
    def _link_up(self) -> bool:
        return self.coordinator.client.connected and self.coordinator.disconnected_since is None

    @callback
    def start(self, entry: IntecularConfigEntry) -> None:
        """Check now (in the background) and on schedule until the entry unloads."""
        self.coordinator.async_every(UPDATE_CHECK_INTERVAL, "firmware check", self._due)
        entry.async_on_unload(self.coordinator.async_add_listener(self._state_changed))
        entry.async_on_unload(self._cancel_retry)
        self.schedule()

    @callback
    def schedule(self) -> None:
        """Check in the background, unless the link is down or a check is under way."""
        if not self._link_up or self._lock.locked():
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
            self.coordinator.async_update_state(lambda state: replace(state, updates=found))
        if self.coordinator.reconnects == self._reconnects:
            return
        self._reconnects = self.coordinator.reconnects
        if self.last_answer is None or dt_util.utcnow() - self.last_answer > UPDATE_CHECK_MAX_AGE:
            self.schedule()

    async def async_check(self) -> bool:
        """Ask the outlet now; whether it answered. Never raises."""
        async with self._lock:
            if not self._link_up:
                return False
            client = self.coordinator.client
            try:
                found = await client.get_available_updates(timeout=UPDATE_CHECK_TIMEOUT)
            except IntecularError as err:
                self._failed(err)
                return False
            self._failures = 0
            self._cancel_retry()
            self.last_answer = dt_util.utcnow()
            self._found = found
            self.coordinator.async_update_state(lambda state: replace(state, updates=found))
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
