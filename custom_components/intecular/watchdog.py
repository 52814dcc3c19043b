"""A deadline that pushes keep pushing back, at the cost of one timestamp each."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Watchdog:
    """Calls ``expired`` once ``timeout`` seconds pass without ``feed()``.

    ``feed()`` only stamps the time; the single timer re-arms itself when it finds a
    newer stamp, so a steady stream of pushes costs no timer churn.
    """

    def __init__(
        self, loop: asyncio.AbstractEventLoop, timeout: float, expired: Callable[[], None]
    ) -> None:
        """Prepare the watchdog; it starts with the first ``feed()``."""
        self._loop = loop
        self._timeout = timeout
        self._expired = expired
        self._last = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._stopped = False

    def feed(self) -> None:
        """Push the deadline back to ``timeout`` from now."""
        self._last = self._loop.time()
        if self._timer is None and not self._stopped:
            self._timer = self._loop.call_at(self._last + self._timeout, self._check)

    def stop(self) -> None:
        """Cancel the timer for good."""
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _check(self) -> None:
        self._timer = None
        deadline = self._last + self._timeout
        if self._loop.time() < deadline:
            self._timer = self._loop.call_at(deadline, self._check)
            return
        self._expired()
