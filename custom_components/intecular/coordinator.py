"""The coordinator: one outlet's persistent WebSocket, its reading and its commands.

How the outlet's pushes change the state and which entities hear of it is in pushes.py
(``PushCoordinator``, the base class of ``IntecularCoordinator``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import UpdateFailed

from .api import (
    IntecularClient,
    IntecularCommandRefusedError,
    IntecularConnectionError,
    IntecularError,
    IntecularTimeoutError,
    OutletInfo,
    Push,
)
from .const import (
    CONF_FACEPLATE,
    CONFIG_READ_TIMEOUT,
    DOMAIN,
    LOGGER,
    NAMES_REFRESH_INTERVAL,
    OPTIONAL_READ_WAIT,
    SENSOR_SILENCE_TIMEOUT,
)
from .link import Link
from .pushes import PushCoordinator
from .reading import Part, PartReader, parts_to_read, read_essentials, read_part
from .state import DeviceState, FaceplateKind, apply_push
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


class IntecularCoordinator(PushCoordinator):
    """Holds the outlet's one WebSocket, keeps it alive and merges its pushes.

    There is no polling: the first refresh (and every reconnect) reads what identifies
    the outlet and drives its switches; the other parts follow one by one (reading.py),
    then pushes keep it all current. A dropped socket is reconnected at once, then
    quickly for a minute, then with backoff; entities go unavailable only when the
    outage outlasts its grace period (``outage.py``). Pushes are handled by the base
    class (``pushes.py``).
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
        # Frames of another outlet (one that got this outlet's address) never get here.
        client.expected_serial = entry.unique_id
        self._started = False  # True once the first refresh produced data
        self._link: Link[tuple[DeviceState, bool]] = Link(
            hass,
            entry,
            client,
            read=self._read_state,
            restored=self._restored,
            unavailable=self._grace_expired,
        )
        self._resync: asyncio.Task[None] | None = None
        # Set when a push asks for a re-read; a read that started earlier is stale then.
        self._resync_wanted = False
        # No sensor push for this long: the faceplate is gone, whatever 12 says.
        self._sensor_watchdog = Watchdog(hass.loop, SENSOR_SILENCE_TIMEOUT, self._sensors_silent)
        self._push_listeners: list[Callable[[Push], None]] = []
        # The pushes that arrived during each full read under way: a read answers part by
        # part, so a push that follows one part's answer is newer than the read.
        self._pushes_during_reads: list[list[Push]] = []
        self._parts = PartReader(self)
        client.subscribe(self._handle_push)
        client.on_repeat(self._handle_repeat)

    @property
    def reconnects(self) -> int:
        """How often the link was restored since setup."""
        return self._link.reconnects

    @property
    def last_error(self) -> str | None:
        """Why the link last failed (for diagnostics and the unavailable log line)."""
        return self._link.last_error

    @last_error.setter
    def last_error(self, error: str | None) -> None:
        self._link.last_error = error

    # --- reading the state ----------------------------------------------------------

    async def _async_update_data(self) -> DeviceState:
        """The first refresh: connect, read the essentials, give the rest a moment."""
        try:
            await self._link.open()
            state, config_read = await self._read_state()
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
            await self.client.close()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="communication_error",
                translation_placeholders={"error": str(err)},
            ) from err
        # The optional parts get a short while, so the entities usually start complete;
        # what is slower follows in the background.
        self.data = state
        first = self.config_entry.async_create_background_task(
            self.hass,
            self._parts.read(parts_to_read(state, config=not config_read)),
            f"{DOMAIN} parts {self.client.host}",
        )
        await asyncio.wait([first], timeout=OPTIONAL_READ_WAIT)
        return self.data

    async def _read_state(self) -> tuple[DeviceState, bool]:
        """Read the essentials over the live link, on top of what is newer.

        Returns the state and whether the configuration answered in time. Raises
        ``IntecularConnectionError`` when the link the read went over is gone by its
        end (the state would describe a socket that no longer exists).
        """
        client = self.client
        generation = client.generation
        # A part changed meanwhile (a push applied, a write acknowledged) is newer here.
        before = (self._parts.changes["outlets"], self._parts.changes["config"])
        pushes: list[Push] = []
        self._pushes_during_reads.append(pushes)
        # Every push from here on is applied on top of the read, even one that repeats.
        client.forget_pushes()
        try:
            info, rest = await read_essentials(client, CONFIG_READ_TIMEOUT)
            expected = self.config_entry.unique_id
            if expected is not None and info.outlet.serial != expected:
                # Another outlet now answers at this address (DHCP reshuffle): never adopt it.
                raise WrongOutletError(expected, info.outlet.serial)
            self._link.verified = True
            outlets, config = await rest()
        finally:
            self._pushes_during_reads.remove(pushes)
        if client.generation != generation or not client.connected:
            raise IntecularConnectionError(f"the link to {client.host} dropped during the read")
        if self._started:
            state = replace(self.data, info=info)
            if self._parts.changes["outlets"] == before[0]:
                state = replace(state, outlets=outlets)
            if config is not None and self._parts.changes["config"] == before[1]:
                state = replace(state, config=config)
        else:
            state = DeviceState(info=info, outlets=outlets, config=config)
        for push in pushes:
            state = apply_push(state, push)
        if state.sensors is not None:
            self._sensor_watchdog.feed()
        self._check_faceplate(state.info)
        return state, config is not None

    @property
    def link_ready(self) -> bool:
        """Whether the link is up, verified and its essentials read."""
        return self._link.ready

    async def async_request_refresh(self) -> None:
        """A manual refresh (``homeassistant.update_entity``): a resync of the live link.

        It never marks the outlet unavailable: that is the connection's business. While
        the link is down it does nothing (the reconnect reads everything).
        """
        if not self._started:
            await super().async_request_refresh()
            return
        if not self.link_ready:
            return
        self._schedule_resync()
        if (task := self._resync) is not None:
            await asyncio.wait([task])

    # --- the connection -------------------------------------------------------------

    @callback
    def start(self) -> None:
        """Start keeping the connection alive (after the first refresh)."""
        self._started = True
        self._link.start()
        self.async_every(
            NAMES_REFRESH_INTERVAL, "names", lambda: self._parts.read([Part.CONFIG, Part.NAMES])
        )

    @callback
    def async_every(
        self, interval: timedelta, name: str, job: Callable[[], Coroutine[Any, Any, Any]]
    ) -> None:
        """Run ``job`` in the background every ``interval`` until the entry unloads.

        The outlet's periodic work (names, the firmware check, the MQTT status) all runs
        from here, and none of it while the link is down: the reconnect reads anew.
        """

        @callback
        def due(_now: datetime) -> None:
            if self.link_ready:
                self.config_entry.async_create_background_task(
                    self.hass, job(), f"{DOMAIN} {name} {self.client.host}"
                )

        self.config_entry.async_on_unload(
            async_track_time_interval(
                self.hass, due, interval, name=f"{DOMAIN} {name}", cancel_on_shutdown=True
            )
        )

    @callback
    def _restored(self, result: tuple[DeviceState, bool]) -> None:
        """The link is back and its essentials read: show them, read the rest."""
        state, config_read = result
        self.last_update_success = True
        self._publish(state, whole=True)
        self._parts.read_soon(state, config=not config_read)

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
        return self._link.since

    @callback
    def _grace_expired(self) -> None:
        LOGGER.info("%s is unavailable: %s", self.client.host, self.last_error)
        self.last_update_success = False
        self.async_update_listeners()

    async def async_move(self, host: str, port: int) -> None:
        """Follow the outlet to a new address: drop the socket, reconnect there."""
        await self._link.move(host, port)

    async def async_shutdown(self) -> None:
        """Close the socket and cancel every timer (unload, Home Assistant stop)."""
        self._link.stop()
        self._sensor_watchdog.stop()
        self._parts.cancel()
        await super().async_shutdown()
        await self.client.close()

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

    # --- names and configuration (callbacks 3 and 1 have no push) ----------------------

    async def async_read_names(self) -> None:
        """Read the accessory names again (after a rename)."""
        await self.async_read_part(Part.NAMES)

    async def async_read_part(self, part: Part) -> None:
        """Read one part now (e.g. the configuration before a check); errors raise."""
        token = self._parts.token(part)
        value = await self.async_command(lambda client: read_part(client, part))
        self._parts.apply(part, token, value)

    # --- commands -------------------------------------------------------------------

    async def async_command[T](
        self,
        command: Callable[[IntecularClient], Coroutine[Any, Any, T]],
        apply: Callable[[DeviceState], DeviceState] | None = None,
        *,
        refused: str | None = None,
        placeholders: Mapping[str, str] | None = None,
    ) -> T:
        """Run a device command and return its result; map failures to translated errors.

        ``apply`` is the change the device made once it acknowledged the command; the
        push that follows confirms it (or corrects it, if someone else was faster).
        ``refused`` is the translation key (with ``placeholders``) of the outlet's
        refusal, when this command has a message of its own for it.
        """
        try:
            await self._link.wait_until_ready()
            result = await command(self.client)
        except IntecularCommandRefusedError as err:
            if refused is None:
                raise self._command_error(err) from err
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=refused,
                translation_placeholders=dict(placeholders) if placeholders else None,
            ) from err
        except IntecularError as err:
            raise self._command_error(err) from err
        if apply is not None and self._started:
            new = apply(self.data)
            if new != self.data:
                self._publish(new)
        return result

    def _command_error(self, err: IntecularError) -> HomeAssistantError:
        """How a failed command reads to the user."""
        key = next(key for kind, key in _COMMAND_ERRORS if isinstance(err, kind))
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={"host": self.client.host, "error": str(err)},
        )
