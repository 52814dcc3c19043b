"""Simulated outlets for a test: started on demand, all stopped when the test ends."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from typing import Any

from simulator import SimulatedOutlet

type SimFactory = Callable[..., Awaitable[SimulatedOutlet]]


@contextlib.asynccontextmanager
async def simulators(
    defaults: dict[str, Any], profile: str = "friendly"
) -> AsyncIterator[SimFactory]:
    """Start outlets on 127.0.0.1 with ``defaults`` (timings, seed) under each one's options.

    Every outlet behaves as ``profile`` says (``"friendly"`` or ``"real"``) unless its
    options name another ``profile`` or override single knobs.
    """
    sims: list[SimulatedOutlet] = []

    async def factory(variant: str = "pro", **options: Any) -> SimulatedOutlet:
        sim = SimulatedOutlet(variant, **{"profile": profile, **defaults, **options})
        sims.append(sim)
        await sim.start()
        return sim

    try:
        yield factory
    finally:
        for sim in sims:
            await sim.stop()
