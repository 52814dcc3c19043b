"""The coordinator: one persistent WebSocket per outlet, pushes merged into DeviceState."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import datetime
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import (
    IntecularClient,
    IntecularCommandRefusedError,
    IntecularConnectionError,
    IntecularError,
    IntecularTimeoutError,
    OutletInfo,
    Push,
    SensorReadings,
)
from .const import (
    CONF_FACEPLATE,
    DOMAIN,
    LOGGER,
    NAMES_REFRESH_INTERVAL,
    SENSOR_SILENCE_TIMEOUT,
)
from .devices import async_sync_devices
from .outage import Outage, reconnect_delay
from .state import DeviceState, FaceplateKind, apply_push, read_state
from .watchdog import Watchdog

type IntecularConfigEntry = ConfigEntry[IntecularCoordinator]


# How a failed command reads to the user, most specific first.
_COMMAND_ERRORS: tuple[tuple[type[IntecularError], str], ...] = (
    (IntecularCommandRefusedError, "command_refused"),
    (IntecularTimeoutError, "command_timeout"),
    (IntecularConnectionError, "not_connected"),
    (IntecularError, "communication_error"),
)


class WrongOutletError(IntecularError):
    """The outlet at the entry's address has another serial number."""

    def __init__(self, expected: str, found: str) -> None:
        """Remember both serials."""
        super().__init__(f"expected outlet {expected}, found {found}")
        self.expected = expected
        self.found = found


class IntecularCoordinator(DataUpdateCoordinator[DeviceState]):
    """Holds the outlet's one WebSocket, keeps it alive and merges its pushes.

    There is no polling: the first refresh (and every reconnect) reads the whole
    state once, then pushes keep it current. A dropped socket is reconnected at once,
    then quickly for a minute, then with backoff; entities go unavailable only when the
    outage outlasts its grace period (``outage.py``).
    """

    config_entry: IntecularConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: IntecularConfigEntry, client: IntecularClient
    ) -> None:
        """Set up the coordinator; nothing connects until the first refresh."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {client.host}",
            update_interval=None,
            always_update=False,
        )
        self.client = client
        self.reconnects = 0
        self.last_error: str | None = None
        self._started = False  # True once the first refresh produced data
        self._reader: asyncio.Task[None] | None = None
        self._outage = Outage(hass, self._grace_expired)
        self._resync: asyncio.Task[None] | None = None
        # Set when a push asks for a re-read; a read that started earlier is stale then.
        self._resync_wanted = False
        # No sensor push for this long: the faceplate is gone, whatever 12 says.
        self._sensor_watchdog = Watchdog(hass.loop, SENSOR_SILENCE_TIMEOUT, self._sensors_silent)
        self._push_listeners: list[Callable[[Push], None]] = []
        # The pushes that arrived during each full read under way: a read answers part by
        # part, so a push that follows one part's answer is newer than the read.
        self._pushes_during_reads: list[list[Push]] = []
        client.subscribe(self._handle_push)
        client.on_disconnect(self._connection_lost)

    # --- reading the state ----------------------------------------------------------

    async def _async_update_data(self) -> DeviceState:
        """Read everything (first refresh, manual refresh)."""
        try:
            if not self.client.connected:
                if self._started:
                    # After setup the supervisor owns the connection.
                    raise UpdateFailed(
                        translation_domain=DOMAIN,
                        translation_key="not_connected",
                        translation_placeholders={"host": self.client.host},
                    )
                await self._open()
            return await self._read_state()
        except WrongOutletError as err:
            await self.client.close()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="wrong_outlet",
                translation_placeholders={
                    "host": self.client.host,
                    "expected": err.expected,
                    "found": err.found,
                },
            ) from err
        except IntecularError as err:
            if not self._started:
                await self.client.close()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="communication_error",
                translation_placeholders={"error": str(err)},
            ) from err

    async def _read_state(self) -> DeviceState:
        """One full read of the outlet, and the pushes that arrived meanwhile on top."""
        pushes: list[Push] = []
        self._pushes_during_reads.append(pushes)
        try:
            state = await read_state(self.client, self.data if self._started else None)
        finally:
            self._pushes_during_reads.remove(pushes)
        for push in pushes:
            state = apply_push(state, push)
        expected = self.config_entry.unique_id
        if expected is not None and state.info.outlet.serial != expected:
            # Another outlet now answers at this address (DHCP reshuffle): never adopt it.
            raise WrongOutletError(expected, state.info.outlet.serial)
        if state.sensors is not None:
            self._sensor_watchdog.feed()
        self._check_faceplate(state.info)
        return state

    # --- the connection -------------------------------------------------------------

    async def _open(self) -> None:
        """Connect and start reading the socket."""
        await self.client.connect()
        self._reader = self.config_entry.async_create_background_task(
            self.hass, self._read_socket(), f"{DOMAIN} reader {self.client.host}"
        )

    async def _read_socket(self) -> None:
        try:
            await self.client.listen()
        except IntecularConnectionError as err:
            self.last_error = str(err)
            LOGGER.debug("%s", err)

    @callback
    def start(self) -> None:
        """Start keeping the connection alive (after the first refresh)."""
        self._started = True
        if self.client.connected:
            self._outage.ended()
        self.config_entry.async_create_background_task(
            self.hass, self._supervise(), f"{DOMAIN} supervisor {self.client.host}"
        )
        self.config_entry.async_on_unload(
            async_track_time_interval(
                self.hass, self._names_due, NAMES_REFRESH_INTERVAL, cancel_on_shutdown=True
            )
        )

    async def _supervise(self) -> None:
        """Wait for the socket to drop, then reconnect; until shutdown."""
        while True:
            if self._reader is not None:
                await asyncio.wait([self._reader])
            if self._outage.stopped:
                return
            await self._reconnect()

    async def _reconnect(self) -> None:
        """Reconnect and re-read: immediately, then often for a minute, then backing off."""
        delay = 0.0
        began = self.hass.loop.time()
        while not self._outage.stopped:
            if delay:
                await asyncio.sleep(delay)
            delay = reconnect_delay(delay, self.hass.loop.time() - began)
            try:
                await self._open()
                state = await self._read_state()
            except IntecularError as err:
                self.last_error = str(err)
                LOGGER.debug("Reconnecting to %s failed: %s", self.client.host, err)
                await self.client.close()
                continue
            self.reconnects += 1
            self._connection_restored()
            self._publish(state)
            return

    @property
    def has_faceplate(self) -> bool:
        """A faceplate is fitted, or was when last seen (it may be rebooting)."""
        return (
            FaceplateKind.fitted(self.data.info) is not None
            or CONF_FACEPLATE in self.config_entry.data
        )

    @property
    def disconnected_since(self) -> datetime | None:
        """When the current outage began; None while connected."""
        return self._outage.since

    @callback
    def _connection_lost(self) -> None:
        """The socket is gone (called by the client, before anything else runs)."""
        self._outage.began()

    @callback
    def _grace_expired(self) -> None:
        LOGGER.info("%s is unavailable: %s", self.client.host, self.last_error)
        self.last_update_success = False
        self.async_update_listeners()

    @callback
    def _connection_restored(self) -> None:
        if self._outage.ended():
            LOGGER.info("%s is back online", self.client.host)
        self.last_update_success = True

    async def async_move(self, host: str, port: int) -> None:
        """Follow the outlet to a new address: drop the socket, reconnect there."""
        if (host, port) == (self.client.host, self.client.port):
            return
        LOGGER.debug("Outlet moved from %s to %s:%s", self.client.host, host, port)
        self.client.host, self.client.port = host, port
        await self.client.close()

    async def async_shutdown(self) -> None:
        """Close the socket and cancel every timer (unload, Home Assistant stop)."""
        self._outage.stop()
        self._sensor_watchdog.stop()
        await super().async_shutdown()
        await self.client.close()

    # --- pushes ---------------------------------------------------------------------

    @callback
    def add_push_listener(self, listener: Callable[[Push], None]) -> CALLBACK_TYPE:
        """Also hand every push to ``listener`` (e.g. firmware progress)."""
        self._push_listeners.append(listener)
        return lambda: self._push_listeners.remove(listener)

    @callback
    def _handle_push(self, push: Push) -> None:
        for listener in self._push_listeners:
            listener(push)
        for pushes in self._pushes_during_reads:
            pushes.append(push)
        if not self._started:
            return
        state = self.data
        if isinstance(push, SensorReadings):
            self._sensor_watchdog.feed()
            if not state.info.faceplate_online:
                self._schedule_resync()  # the faceplate is back before device info said so
        elif isinstance(push, OutletInfo):
            # The outlet pushes 12 when it (or its faceplate) restarts: read everything.
            self._schedule_resync()
        new = apply_push(state, push)
        if new is not state:
            self._publish(new)

    @callback
    def _publish(self, state: DeviceState) -> None:
        """Hand a new state to the entities (each writes only if its own part changed)."""
        old = self.data
        self.data = state
        if self._started and old.info != state.info:
            async_sync_devices(self.hass, self.config_entry, old.info, state.info)
        self.async_update_listeners()

    @callback
    def async_update_state(self, change: Callable[[DeviceState], DeviceState]) -> None:
        """Apply ``change`` to the state and tell the entities, if it changed anything."""
        new = change(self.data)
        if new != self.data:
            self._publish(new)

    @callback
    def _schedule_resync(self) -> None:
        self._resync_wanted = True
        if self._resync is None or self._resync.done():
            self._resync = self.config_entry.async_create_background_task(
                self.hass, self._resync_now(), f"{DOMAIN} resync {self.client.host}"
            )

    async def _resync_now(self) -> None:
        """Re-read until no push asked for another read meanwhile.

        A faceplate going offline and straight back must not end with the offline
        read shown.
        """
        while self._resync_wanted:
            self._resync_wanted = False
            try:
                state = await self._read_state()
            except IntecularError as err:
                LOGGER.debug("Re-reading %s failed: %s", self.client.host, err)
                return
            if not self._resync_wanted and state != self.data:
                self._publish(state)

    @callback
    def _check_faceplate(self, info: OutletInfo) -> None:
        """Reload when another kind of faceplate, or one where there was none, was fitted.

        Either brings other entities (and devices). The kind is remembered, so a
        faceplate offline at a later start still has its entities.
        """
        kind = FaceplateKind.fitted(info)
        entry = self.config_entry
        if kind is None or entry.data.get(CONF_FACEPLATE) == kind:
            return
        self.hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_FACEPLATE: kind}
        )
        if self._started:
            LOGGER.info("A faceplate (%s) was fitted; reloading", kind)
            self.hass.config_entries.async_schedule_reload(entry.entry_id)

    @callback
    def _sensors_silent(self) -> None:
        if self._started and self.data.sensors_fresh:
            LOGGER.debug("No sensor push from %s for %ss", self.client.host, SENSOR_SILENCE_TIMEOUT)
            self._publish(replace(self.data, sensors_fresh=False))

    # --- accessory names (callback 3 has no push) --------------------------------------

    @callback
    def _names_due(self, _now: datetime) -> None:
        if self._outage.ready:
            self.config_entry.async_create_background_task(
                self.hass, self._reread_names_quietly(), f"{DOMAIN} names {self.client.host}"
            )

    async def _reread_names_quietly(self) -> None:
        try:
            await self.async_read_names()
        except HomeAssistantError as err:
            LOGGER.debug("Re-reading the names of %s failed: %s", self.client.host, err)

    async def async_read_names(self) -> None:
        """Read the accessory names again (after a rename; periodically for the app's)."""
        names = await self.async_command(lambda client: client.get_accessory_names())
        if names != self.data.names:
            self._publish(replace(self.data, names=names))

    # --- commands -------------------------------------------------------------------

    async def async_command[T](
        self,
        command: Callable[[IntecularClient], Coroutine[Any, Any, T]],
        apply: Callable[[DeviceState], DeviceState] | None = None,
    ) -> T:
        """Run a device command; map failures to translated errors.

        ``apply`` is the change the device made once it acknowledged the command; the
        push that follows confirms it (or corrects it, if someone else was faster).
        """
        try:
            await self._outage.wait_until_ready()
            result = await command(self.client)
        except IntecularError as err:
            key = next(key for kind, key in _COMMAND_ERRORS if isinstance(err, kind))
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=key,
                translation_placeholders={"host": self.client.host, "error": str(err)},
            ) from err
        if apply is not None and self._started:
            new = apply(self.data)
            if new != self.data:
                self._publish(new)
        return result
