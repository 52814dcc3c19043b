"""The request scheduler: which request goes out when, and which reply belongs to which.

Requests travel in two lanes. A user's command (and any read a user waits for) takes
the foreground lane, which has slots of its own; background work (the optional parts,
the firmware check, periodic re-reads) shares a single slot of its own. So a command
never queues behind a slow background read, and the outlet never has more than one
background request to answer. The outlet's capacity is undocumented (protocol.md §11,
item 31); the vendor's clients send one request at a time.

A request that times out frees its slot at once. Its packetID is remembered for a while
(a bounded memory), so that its late reply is recognised and dropped instead of being
taken for a push: a late 12 reply is no restart announcement.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import logging
import random
from typing import Final

from .errors import IntecularConnectionError, IntecularTimeoutError
from .protocol import PACKET_ID_MAX, PACKET_ID_MIN, Frame

_LOGGER = logging.getLogger(f"{__package__}.connection")

# Requests that may wait for their replies at once, per lane.
FOREGROUND_SLOTS: Final = 2
BACKGROUND_SLOTS: Final = 1
# How many timed-out requests are remembered to recognise their late replies.
TIMED_OUT_MEMORY: Final = 64


@dataclass(slots=True)
class _Pending:
    callback: int
    future: asyncio.Future[Frame | None]
    ack_on_disconnect: bool


class RequestScheduler:
    """Sends requests in their lane, matches replies to them, forgets the late ones."""

    def __init__(self) -> None:
        """No request is waiting yet."""
        self._pending: dict[int, _Pending] = {}
        self._foreground = asyncio.Semaphore(FOREGROUND_SLOTS)
        self._background = asyncio.Semaphore(BACKGROUND_SLOTS)
        # packetID -> callback of the requests that timed out, oldest first.
        self._timed_out: OrderedDict[int, int] = OrderedDict()

    @property
    def waiting(self) -> int:
        """How many requests wait for their replies now."""
        return len(self._pending)

    async def request(
        self,
        send: Callable[[int], Awaitable[None]],
        callback: int,
        *,
        timeout: float,
        background: bool = False,
        ack_on_disconnect: bool = False,
    ) -> Frame | None:
        """Send a request in its lane and wait for its reply frame.

        ``send(packet_id)`` writes the request (it raises when the link it was meant
        for is gone). The timeout counts from the moment the request is sent: waiting
        for a free slot is not the outlet's delay. On timeout the slot is free at once
        and the packetID remembered (``settle``). ``ack_on_disconnect``: a dropped
        socket answers None (see ``drop``).
        """
        lane = self._background if background else self._foreground
        async with lane:
            packet_id = self._new_packet_id()
            future: asyncio.Future[Frame | None] = asyncio.get_running_loop().create_future()
            self._pending[packet_id] = _Pending(int(callback), future, ack_on_disconnect)
            try:
                await send(packet_id)
                async with asyncio.timeout(timeout):
                    return await future
            except TimeoutError:
                self._remember_timed_out(packet_id, int(callback))
                raise IntecularTimeoutError(f"no reply to callback {int(callback)}") from None
            finally:
                entry = self._pending.get(packet_id)
                if entry is not None and entry.future is future:
                    del self._pending[packet_id]
                if not future.done():
                    future.cancel()

    def settle(self, frame: Frame) -> bool:
        """Hand a frame to the request it answers; whether it was a reply (late or not).

        A frame answers a request when it carries the request's packetID and either no
        callback or the request's own. A reply to a request that timed out is dropped
        here: it is no push. Firmware progress (22, 23) may carry the packetID of the
        update request (21): another callback, so it is no reply.
        """
        packet_id = frame.packet_id
        if packet_id is None:
            return False
        pending = self._pending.get(packet_id)
        if pending is not None and frame.callback in (None, pending.callback):
            if not pending.future.done():
                pending.future.set_result(frame)
            return True
        late = self._timed_out.get(packet_id)
        if late is not None and frame.callback in (None, late):
            del self._timed_out[packet_id]
            _LOGGER.debug("Dropped the late reply to callback %s (%s)", late, packet_id)
            return True
        return False

    def waits_for(self, frame: Frame) -> int | None:
        """The callback of the request this frame's packetID belongs to, if one waits."""
        pending = self._pending.get(frame.packet_id) if frame.packet_id is not None else None
        return None if pending is None else pending.callback

    def drop(self, reason: str) -> None:
        """The socket is gone: every waiting request ends (``ack_on_disconnect``: None)."""
        pending, self._pending = self._pending, {}
        for entry in pending.values():
            if entry.future.done():
                continue
            if entry.ack_on_disconnect:
                entry.future.set_result(None)
            else:
                entry.future.set_exception(IntecularConnectionError(reason))
        # Late replies cannot cross sockets.
        self._timed_out.clear()

    def _new_packet_id(self) -> int:
        while True:
            packet_id = random.randint(PACKET_ID_MIN, PACKET_ID_MAX)
            if packet_id not in self._pending and packet_id not in self._timed_out:
                return packet_id

    def _remember_timed_out(self, packet_id: int, callback: int) -> None:
        self._timed_out[packet_id] = callback
        while len(self._timed_out) > TIMED_OUT_MEMORY:
            self._timed_out.popitem(last=False)
