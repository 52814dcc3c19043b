"""Hooks into the simulated outlet's request handling, for windows no knob opens.

``Hooks(sim)`` wraps the outlet's handling of every request: callbacks can be left
unanswered (the socket stays healthy), their answers held back until a test releases
them, and an action can run right behind an answer (after it left the outlet).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from simulator import SimulatedOutlet


class Hooks:
    """What the outlet does differently with some requests."""

    def __init__(self, sim: SimulatedOutlet) -> None:
        self.sim = sim
        self.unanswered: set[int] = set()
        # (callback, callbackArgs) -> whether to leave that request unanswered
        self.unanswered_if: Callable[[int, Any], bool] = lambda _callback, _args: False
        # callback -> the event its (already computed) answer waits for
        self.held: dict[int, asyncio.Event] = {}
        # called with the callback after each answer went out; returns an action or None
        self.after_reply: Callable[[int], Callable[[], Awaitable[None]] | None] | None = None
        # callback -> called after the outlet carried out such a request
        self.handled: dict[int, Callable[[], None]] = {}
        self._original = sim._handle
        sim._handle = self._handle  # type: ignore[method-assign]

    def _handle(self, session: Any, packet_id: int, callback: int, args: Any) -> None:
        sim = self.sim
        if callback in self.unanswered or self.unanswered_if(callback, args):
            return
        if (event := self.held.get(callback)) is not None:
            del self.held[callback]
            queued: list[Any] = []
            real_reply = sim._reply
            # compute the answer now (the state as it is now), send it once released
            sim._reply = lambda *reply: queued.append(reply)  # type: ignore[method-assign]
            try:
                self._original(session, packet_id, callback, args)
            finally:
                sim._reply = real_reply  # type: ignore[method-assign]

            async def release() -> None:
                await event.wait()
                for reply in queued:
                    real_reply(*reply)

            sim.spawn(release())
            return
        self._original(session, packet_id, callback, args)
        if (handled := self.handled.get(callback)) is not None:
            handled()
        if self.after_reply is not None and (action := self.after_reply(callback)) is not None:

            async def behind() -> None:
                await sim._server.flush()  # the answer has left the outlet
                await action()

            sim.spawn(behind())
