"""Request flow control: a packetID per request, its reply awaited, at most a few at once."""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING, Any

import aiohttp

from .dispatch import ClientStats, _Pending
from .errors import (
    IntecularCommandRefusedError,
    IntecularConnectionError,
    IntecularProtocolError,
    IntecularTimeoutError,
)
from .protocol import PACKET_ID_MAX, PACKET_ID_MIN, Frame, build_request


class RequestFlow:
    """How ``Connection`` sends requests and commands over its open socket."""

    host: str
    request_timeout: float
    stats: ClientStats
    _ws: aiohttp.ClientWebSocketResponse | None
    _pending: dict[int, _Pending]
    _valid_frames: int
    # At most ``MAX_IN_FLIGHT`` (connection.py) requests wait for replies at once.
    _in_flight: asyncio.Semaphore

    if TYPE_CHECKING:

        @property
        def url(self) -> str:
            """The WebSocket address (``Connection.url``)."""

    async def request(
        self,
        callback: int,
        args: Any = None,
        *,
        timeout: float | None = None,
        ack_on_disconnect: bool = False,
    ) -> Frame | None:
        """Send a request and wait for its reply; ``PUBACK: 0`` raises.

        With ``ack_on_disconnect`` a socket that closes before the reply counts as the
        answer (an outlet that restarts at once instead of replying) and gives None.
        At most ``MAX_IN_FLIGHT`` requests wait for replies at once; the others wait
        for a free slot first, and their timeout starts once they are sent.
        """
        ws = self._ws
        if ws is None or ws.closed:
            raise IntecularConnectionError(f"not connected to {self.url}")
        async with self._in_flight:
            if self._ws is not ws or ws.closed:  # the link dropped while waiting its turn
                raise IntecularConnectionError(f"connection to {self.url} closed")
            # the timeout counts from here: waiting for a free slot is not the outlet's delay
            return await self._request(ws, callback, args, timeout, ack_on_disconnect)

    async def _request(
        self,
        ws: aiohttp.ClientWebSocketResponse,
        callback: int,
        args: Any,
        timeout: float | None,
        ack_on_disconnect: bool,
    ) -> Frame | None:
        packet_id = random.randint(PACKET_ID_MIN, PACKET_ID_MAX)
        while packet_id in self._pending:
            packet_id = random.randint(PACKET_ID_MIN, PACKET_ID_MAX)
        future: asyncio.Future[Frame | None] = asyncio.get_running_loop().create_future()
        self._pending[packet_id] = _Pending(int(callback), future, ack_on_disconnect)
        valid_before = self._valid_frames
        bad_before = self.stats.bad_frames
        try:
            await ws.send_str(build_request(packet_id, callback, args))
            async with asyncio.timeout(self.request_timeout if timeout is None else timeout):
                frame = await future
        except TimeoutError:
            if self._valid_frames == valid_before == 0 and self.stats.bad_frames > bad_before:
                raise IntecularProtocolError(
                    f"{self.url} answers, but not with the InvisOutlet protocol"
                ) from None
            raise IntecularTimeoutError(
                f"no reply to callback {int(callback)} from {self.host}"
            ) from None
        except (aiohttp.ClientError, ConnectionError, RuntimeError) as err:
            raise IntecularConnectionError(f"cannot send to {self.url}: {err}") from err
        finally:
            entry = self._pending.get(packet_id)
            if entry is not None and entry.future is future:
                del self._pending[packet_id]
            if not future.done():
                future.cancel()
        if frame is not None and frame.puback == 0:
            raise IntecularCommandRefusedError(int(callback))
        return frame

    async def send(self, callback: int, args: Any = None) -> None:
        """Send a command that the outlet never answers (5, 6, 7)."""
        ws = self._ws
        if ws is None or ws.closed:
            raise IntecularConnectionError(f"not connected to {self.url}")
        packet_id = random.randint(PACKET_ID_MIN, PACKET_ID_MAX)
        try:
            await ws.send_str(build_request(packet_id, callback, args))
        except (aiohttp.ClientError, ConnectionError, RuntimeError) as err:
            raise IntecularConnectionError(f"cannot send to {self.url}: {err}") from err
