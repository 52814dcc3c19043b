"""A deadline that pushes keep pushing back, at the cost of one timestamp each."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from statistics import median

# Silence counts after this many of the source's usual intervals without a feed.
MISSED_REPORTS = 3
# How many recent intervals the usual one is judged from (their median: a single long
# gap, such as a restart, or a short one, such as a read right after a push, does not
# move it).
INTERVALS_KEPT = 9


class Watchdog:
    """Calls ``expired`` once the source misses three of its usual reports.

    The usual interval is the median of the last gaps between ``feed()`` calls; the
    deadline is three of them, never less than ``timeout``. ``timeout`` itself counts
    as the first gap, so before the source has shown its pace it gets three times
    ``timeout``, and a read that happens to follow a push closely cannot make the
    first estimate tiny. A source that reports every 20 s thus counts as silent after
    about 60 s, one that reports every 2 s after ``timeout``.

    ``feed()`` only stamps the time and notes the gap; the single timer re-arms itself
    when it finds a newer stamp, so a steady stream of pushes costs no timer churn.
    """

    def __init__(
        self, loop: asyncio.AbstractEventLoop, timeout: float, expired: Callable[[], None]
    ) -> None:
        """Prepare the watchdog; it starts with the first ``feed()``."""
        self._loop = loop
        self._timeout = timeout
        self._expired = expired
        self._last = 0.0
        self._fed = False
        self._gaps: deque[float] = deque([timeout], maxlen=INTERVALS_KEPT)
        self._timer: asyncio.TimerHandle | None = None
        self._stopped = False

    @property
    def allowance(self) -> float:
        """How long a silence may last before it counts, as things stand."""
        return max(self._timeout, MISSED_REPORTS * median(self._gaps))

    def feed(self) -> None:
        """The source reported: the deadline starts again from now."""
        now = self._loop.time()
        if self._fed:
            self._gaps.append(now - self._last)
        self._last, self._fed = now, True
        if self._timer is None and not self._stopped:
            self._timer = self._loop.call_at(now + self.allowance, self._check)

    def stop(self) -> None:
        """Cancel the timer for good."""
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _check(self) -> None:
        self._timer = None
        deadline = self._last + self.allowance
        if self._loop.time() < deadline:
            self._timer = self._loop.call_at(deadline, self._check)
            return
        self._expired()
