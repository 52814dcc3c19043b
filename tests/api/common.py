"""Helpers for the client tests: a push recorder, waiting, and crafted replies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from custom_components.intecular.api import IntecularClient, Push
from simulator import SimulatedOutlet

WAIT = 3.0
"""Upper bound for anything a test waits on; a healthy run never gets near it."""


async def wait_until(condition: Callable[[], Any], timeout: float = WAIT) -> None:
    """Yield to the loop until ``condition()`` holds (fails after ``timeout``)."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - conditions are plain attributes
            await asyncio.sleep(0.001)


class Pushes:
    """Receives a client's pushes and keeps every one it hands out, in order."""

    def __init__(self, client: IntecularClient) -> None:
        self.received: list[Push] = []
        client.set_push_callback(self.received.append)
        self.unsubscribe = lambda: client.set_push_callback(None)

    async def next[T](self, kind: type[T], timeout: float = WAIT) -> T:
        """Remove and return the first push of ``kind`` (waiting for one if needed)."""
        async with asyncio.timeout(timeout):
            while True:
                for index, push in enumerate(self.received):
                    if isinstance(push, kind):
                        del self.received[index]
                        return push
                await asyncio.sleep(0.001)

    def of[T](self, kind: type[T]) -> list[T]:
        """Every push of ``kind`` received so far."""
        return [push for push in self.received if isinstance(push, kind)]


async def pending_id(client: IntecularClient, count: int = 1) -> int:
    """The packetID of the newest request waiting for a reply (once ``count`` wait).

    Lets a test answer a real request with a frame of its own via ``send_raw``.
    """
    await wait_until(lambda: len(client._pending) >= count)
    return list(client._pending)[-1]


def last_request(sim: SimulatedOutlet) -> tuple[int, object]:
    """The newest request the simulator received: ``(callback, callbackArgs)``."""
    return sim.requests[-1]
