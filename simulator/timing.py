"""Seeded frame timing: replies held back or sent late, pushes first, sockets dropped.

A real outlet answers when it gets round to it: a push of the change a command made
may reach the client before the command's reply or after it, a slow reply may come
after the client stopped waiting, and a socket may go at any moment. The knobs of
``Faults`` in its "frame timing" group make the simulator do all of that at random;
they are all off by default.

Every decision is drawn from one ``random.Random(timing_seed)``, a fixed number of
draws per request in the order the outlet receives requests, so the same seed and the
same traffic give the same decisions. (The traffic of a client on an event loop may
itself vary from run to run; a seed then replays the same chaos on that traffic.)

Assumptions: pushes keep their order among themselves (each is the outlet's state at
the time; the firmware sends them in order); a held reply carries the state as it was
when the request was carried out, not when the reply leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
import random
from typing import Final

from .options import Faults

HALF: Final = 0.5
"""A coin toss: a dropped socket goes before the request is carried out, or after."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What happens to one request."""

    drop_before: bool
    """The socket is dropped before the request is carried out (it is lost)."""

    handle_delay: float
    """Seconds before the request is carried out."""

    pushes_first: bool
    """The pushes the request causes go out before its reply."""

    reply_delay: float
    """Seconds the reply is held back once the request is carried out."""

    late: bool
    """The reply is one of the late ones (held ``late_reply_delay`` instead)."""

    drop_after: float | None
    """Seconds after carrying the request out that the socket is dropped, or None."""


class FrameTiming:
    """Draws a ``Plan`` per request from the frame-timing knobs of ``faults``."""

    def __init__(self, faults: Faults) -> None:
        """Read the knobs from ``faults`` at every request (they change at any time)."""
        self._faults = faults
        self._seed: int | None = None
        self._random = random.Random(None)
        self._seeded = False

    @property
    def active(self) -> bool:
        """Whether any frame-timing knob is on."""
        f = self._faults
        return bool(
            f.reply_jitter > 0
            or f.handle_jitter > 0
            or f.reorder_rate > 0
            or (f.late_replies > 0 and f.late_reply_rate > 0)
            or f.drop_rate > 0
        )

    def _rng(self) -> random.Random:
        seed = self._faults.timing_seed
        if not self._seeded or seed != self._seed:  # a new seed restarts the sequence
            self._random = random.Random(seed)
            self._seed, self._seeded = seed, True
        return self._random

    def plan(self) -> Plan | None:
        """The plan for the request received now; None (and no draw) while all is off."""
        if not self.active:
            return None
        f, rng = self._faults, self._rng()
        # always the same six draws, whichever knobs are on: a seed's sequence stays put
        drop, where, handle, first, reply, late = (rng.random() for _ in range(6))
        dropped = drop < f.drop_rate
        is_late = not dropped and f.late_replies > 0 and late < f.late_reply_rate
        if is_late:
            f.late_replies -= 1
        before = where < HALF
        return Plan(
            drop_before=dropped and before,
            handle_delay=handle * f.handle_jitter,
            pushes_first=first < f.reorder_rate,
            reply_delay=f.late_reply_delay if is_late else reply * f.reply_jitter,
            late=is_late,
            drop_after=(where - HALF) * 2 * f.reply_jitter if dropped and not before else None,
        )
