"""The outlet's link: connect, read the socket, notice the drop, reconnect with backoff.

The coordinator hands in how to read the essentials over a fresh socket (``read``)
and what to do once they are read (``restored``); the link decides when. Nothing but
shutdown ends its supervisor: an error in a round is logged and the next drop is
reconnected all the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback

from .api import IntecularClient, IntecularConnectionError, IntecularError
from .const import DOMAIN, LOGGER
from .outage import Outage, reconnect_delay

# After an unexpected error in the link's upkeep, the wait before it goes on.
RECONNECT_AFTER_ERROR = 1.0


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
        self.reconnects = 0
        self.last_error: str | None = None
        # Whether the open socket's outlet proved to be the entry's (its 12 was read).
        self.verified = False
        self._reader: asyncio.Task[None] | None = None
        self.outage = Outage(hass, unavailable)
        client.on_disconnect(self._lost)

    @property
    def ready(self) -> bool:
        """Whether the link is up, verified and its essentials read."""
        return self.outage.ready and self.client.connected

    @property
    def since(self) -> datetime | None:
        """When the current outage began; None while connected."""
        return self.outage.since

    async def open(self) -> None:
        """Connect and start reading the socket."""
        self.verified = False
        await self.client.connect()
        self._reader = self._entry.async_create_background_task(
            self._hass, self._read_socket(), f"{DOMAIN} reader {self.client.host}"
        )

    async def _read_socket(self) -> None:
        try:
            await self.client.listen()
        except IntecularConnectionError as err:
            self.last_error = str(err)
            LOGGER.debug("%s", err)

    @callback
    def start(self) -> None:
        """Keep the link up from now on (after the first read)."""
        if self.client.connected:
            self.outage.ended()
        self._entry.async_create_background_task(
            self._hass, self._supervise(), f"{DOMAIN} supervisor {self.client.host}"
        )

    async def _supervise(self) -> None:
        """Wait for the socket to drop, then reconnect; until shutdown."""
        while True:
            try:
                if self._reader is not None:
                    await asyncio.wait([self._reader])
                if self.outage.stopped:
                    return
                await self._reconnect()
            except Exception:  # noqa: BLE001 - logged; the next drop must still reconnect
                LOGGER.exception("Keeping the connection to %s failed", self.client.host)
                await asyncio.sleep(RECONNECT_AFTER_ERROR)

    async def _reconnect(self) -> None:
        """Reconnect and re-read: immediately, then often for a minute, then backing off."""
        delay = 0.0
        began = self._hass.loop.time()
        while not self.outage.stopped:
            if delay:
                await asyncio.sleep(delay)
            delay = reconnect_delay(delay, self._hass.loop.time() - began)
            try:
                await self.open()
                result = await self._read()
            except IntecularError as err:
                self.last_error = str(err)
                LOGGER.debug("Reconnecting to %s failed: %s", self.client.host, err)
                await self.client.close()
                continue
            # No await since the read checked the link: it is still the live one.
            self.reconnects += 1
            if self.outage.ended():
                LOGGER.info("%s is back online", self.client.host)
            self._restored(result)
            return

    @callback
    def _lost(self) -> None:
        """The socket is gone (called by the client, before anything else runs)."""
        self.verified = False
        self.outage.began()

    async def wait_until_ready(self) -> None:
        """Hold a command while a reconnect is under way (not once unavailable)."""
        await self.outage.wait_until_ready()

    async def move(self, host: str, port: int) -> None:
        """Follow the outlet to a new address: drop the socket, reconnect there."""
        if (host, port) == (self.client.host, self.client.port):
            return
        LOGGER.debug("Outlet moved from %s to %s:%s", self.client.host, host, port)
        self.client.host, self.client.port = host, port
        await self.client.close()

    def stop(self) -> None:
        """Shutting down: no more reconnects, commands fail at once."""
        self.outage.stop()
