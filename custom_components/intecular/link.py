"""The outlet's link: connect, read the socket, notice the drop, reconnect, time the outage.

The coordinator hands in how to read the essentials over a fresh socket (``read``),
what to do once they are read (``restored``) and when an outage has lasted too long
(``unavailable``); the link decides when. A drop starts a grace period: commands wait
for the reconnect during it, entities stay as they are unless the outage outlasts
``UNAVAILABLE_GRACE``. Reconnect attempts follow one another quickly at first (an
outlet that restarts is back within seconds), then back off. Nothing but shutdown ends
the supervisor: an error in a round is logged and the next drop is reconnected all
the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .api import IntecularClient, IntecularConnectionError, IntecularError
from .const import (
    DOMAIN,
    LOGGER,
    RECONNECT_BACKOFF_FIRST,
    RECONNECT_BACKOFF_MAX,
    RECONNECT_FAST_PERIOD,
    UNAVAILABLE_GRACE,
)

# After an unexpected error in the link's upkeep, the wait before it goes on.
RECONNECT_AFTER_ERROR = 1.0


def reconnect_delay(previous: float, outage: float) -> float:
    """The wait before the next reconnect attempt, ``outage`` seconds into an outage."""
    if outage < RECONNECT_FAST_PERIOD:
        return RECONNECT_BACKOFF_FIRST
    return min(max(previous * 2, RECONNECT_BACKOFF_FIRST), RECONNECT_BACKOFF_MAX)


class Link[R]:
    """One outlet's socket, kept open; ``R`` is what a read of the essentials gives."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: IntecularClient,
        *,
        read: Callable[[], Awaitable[R]],
        restored: Callable[[R], None],
        unavailable: Callable[[], None],
    ) -> None:
        """Prepare the link; nothing connects until ``open()``."""
        self._hass = hass
        self._entry = entry
        self.client = client
        self._read = read
        self._restored = restored
        self._unavailable = unavailable
        self.reconnects = 0
        self.last_error: str | None = None
        # Whether the open socket's outlet proved to be the entry's (its 12 was read).
        self.verified = False
        self._reader: asyncio.Task[None] | None = None
        # Set while commands can go through: connected and the essentials read.
        self._ready = asyncio.Event()
        # When the current outage began; None while connected.
        self.since: datetime | None = None
        # Whether the outage outlasted its grace (the entities are unavailable).
        self.unavailable = False
        self.stopped = False
        self._grace: CALLBACK_TYPE | None = None
        client.on_disconnect(self._lost)

    @property
    def ready(self) -> bool:
        """Whether the link is up, verified and its essentials read."""
        return self._ready.is_set() and not self.stopped and self.client.connected

    async def open(self) -> None:
        """Connect and start reading the socket."""
        self.verified = False
        await self.client.connect()
        # The client reads the socket itself: a frame's path starts in the client.
        self._reader = reader = self._entry.async_create_background_task(
            self._hass, self.client.listen(), f"{DOMAIN} reader {self.client.host}"
        )
        reader.add_done_callback(self._read_ended)

    def _read_ended(self, reader: asyncio.Task[None]) -> None:
        """Keep why the socket dropped (``listen`` raises it); its end is always seen.

        A fault in reading (no dropped connection) closed the socket too: it is why.
        """
        if reader.cancelled() or (err := reader.exception()) is None:
            return
        if isinstance(err, IntecularConnectionError):
            self.last_error = str(err)
            LOGGER.debug("%s", err)
        else:
            self.last_error = f"reading the socket failed: {err!r}"
            LOGGER.error("Reading the socket of %s failed", self._entry.title, exc_info=err)

    @callback
    def start(self) -> None:
        """Keep the link up from now on (after the first read)."""
        if self.client.connected:
            self._ended()
        self._entry.async_create_background_task(
            self._hass, self._supervise(), f"{DOMAIN} supervisor {self.client.host}"
        )

    async def _supervise(self) -> None:
        """Wait for the socket to drop, then reconnect; until shutdown."""
        while True:
            try:
                if self._reader is not None:
                    await asyncio.wait([self._reader])
                if self.stopped:
                    return
                await self._reconnect()
            except Exception:  # noqa: BLE001 - logged; the next drop must still reconnect
                LOGGER.exception("Keeping the connection to %s failed", self._entry.title)
                await asyncio.sleep(RECONNECT_AFTER_ERROR)

    async def _reconnect(self) -> None:
        """Reconnect and re-read: immediately, then often for a minute, then backing off."""
        delay = 0.0
        began = self._hass.loop.time()
        while not self.stopped:
            if delay:
                await asyncio.sleep(delay)
            delay = reconnect_delay(delay, self._hass.loop.time() - began)
            try:
                await self.open()
                result = await self._read()
            except IntecularError as err:
                self.last_error = str(err)
                LOGGER.debug("Reconnecting to %s failed: %s", self._entry.title, err)
                await self.client.close()
                continue
            # No await since the read checked the link: it is still the live one.
            self.reconnects += 1
            if self._ended():
                LOGGER.info("%s is back online", self._entry.title)
            self._restored(result)
            return

    @callback
    def _lost(self) -> None:
        """The socket is gone (called by the client, before anything else runs).

        Commands wait from now on; the grace period starts (once per outage).
        """
        self.verified = False
        self._ready.clear()
        if self.stopped:
            return
        if self.since is None:
            self.since = dt_util.utcnow()
        if self._grace is None and not self.unavailable:
            self._grace = async_call_later(self._hass, UNAVAILABLE_GRACE, self._grace_expired)

    @callback
    def _ended(self) -> bool:
        """The link is back and its essentials read; True if entities were unavailable."""
        self._ready.set()
        self.since = None
        self._cancel_grace()
        was_unavailable, self.unavailable = self.unavailable, False
        return was_unavailable

    @callback
    def _grace_expired(self, _now: datetime) -> None:
        self._grace = None
        self.unavailable = True
        self._unavailable()

    async def wait_until_ready(self) -> None:
        """Hold a command while a reconnect is under way (not once unavailable).

        Raises ``IntecularConnectionError`` at once once the outage outlasted its
        grace or the link is shutting down, and when the grace runs out meanwhile.
        """
        if self._ready.is_set():
            return
        if self.unavailable or self.stopped:
            raise IntecularConnectionError("not connected")
        try:
            async with asyncio.timeout(UNAVAILABLE_GRACE.total_seconds()):
                await self._ready.wait()
        except TimeoutError:
            raise IntecularConnectionError("not connected") from None
        if self.stopped:
            raise IntecularConnectionError("not connected")

    async def move(self, host: str, port: int) -> None:
        """Follow the outlet to a new address: drop the socket, reconnect there."""
        if (host, port) == (self.client.host, self.client.port):
            return
        LOGGER.debug("%s moved from %s to %s:%s", self._entry.title, self.client.host, host, port)
        self.client.host, self.client.port = host, port
        await self.client.close()

    @callback
    def stop(self) -> None:
        """Shutting down: no more reconnects or timers; commands fail at once.

        A command that waits for the reconnect is woken to fail now, not at the end
        of the grace period.
        """
        self.stopped = True
        self._cancel_grace()
        self._ready.set()

    def _cancel_grace(self) -> None:
        if self._grace is not None:
            self._grace()
            self._grace = None
