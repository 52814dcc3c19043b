"""An outage of the outlet's link: when commands may go through, when entities go grey.

A drop starts a grace period. Commands wait for the reconnect during it; entities stay
as they are unless the outage outlasts ``UNAVAILABLE_GRACE``. Reconnect attempts follow
one another quickly at first (an outlet that restarts is back within seconds), then
back off.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .api import IntecularConnectionError
from .const import (
    RECONNECT_BACKOFF_FIRST,
    RECONNECT_BACKOFF_MAX,
    RECONNECT_FAST_PERIOD,
    UNAVAILABLE_GRACE,
)


def reconnect_delay(previous: float, outage: float) -> float:
    """The wait before the next reconnect attempt, ``outage`` seconds into an outage."""
    if outage < RECONNECT_FAST_PERIOD:
        return RECONNECT_BACKOFF_FIRST
    return min(max(previous * 2, RECONNECT_BACKOFF_FIRST), RECONNECT_BACKOFF_MAX)


class Outage:
    """Tracks whether the link is up, and for how long it has been down."""

    def __init__(self, hass: HomeAssistant, on_unavailable: Callable[[], None]) -> None:
        """Start as not connected; ``on_unavailable`` runs when the grace runs out."""
        self._hass = hass
        self._on_unavailable = on_unavailable
        self._timer: CALLBACK_TYPE | None = None
        # Set while commands can go through: connected and the state read.
        self._ready = asyncio.Event()
        self.since: datetime | None = None
        self.unavailable = False
        self.stopped = False

    @property
    def ready(self) -> bool:
        """Whether the link is up and the state read."""
        return self._ready.is_set()

    @callback
    def began(self) -> None:
        """The link is gone: hold commands, start the grace period (once per outage)."""
        self._ready.clear()
        if self.stopped:
            return
        if self.since is None:
            self.since = dt_util.utcnow()
        if self._timer is None and not self.unavailable:
            self._timer = async_call_later(self._hass, UNAVAILABLE_GRACE, self._grace_expired)

    @callback
    def ended(self) -> bool:
        """The link is back and the state read; True if entities had gone unavailable."""
        self._ready.set()
        self.since = None
        self._cancel_timer()
        was_unavailable, self.unavailable = self.unavailable, False
        return was_unavailable

    @callback
    def stop(self) -> None:
        """Shutting down: no more timers; commands fail at once."""
        self.stopped = True
        self._cancel_timer()

    async def wait_until_ready(self) -> None:
        """Hold a command while a reconnect is under way (not once unavailable)."""
        if self._ready.is_set():
            return
        if self.unavailable or self.stopped:
            raise IntecularConnectionError("not connected")
        try:
            async with asyncio.timeout(UNAVAILABLE_GRACE.total_seconds()):
                await self._ready.wait()
        except TimeoutError:
            raise IntecularConnectionError("not connected") from None

    @callback
    def _grace_expired(self, _now: datetime) -> None:
        self._timer = None
        self.unavailable = True
        self._on_unavailable()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer()
            self._timer = None
