"""The transport: one WebSocket to one outlet, its opening, reading and closing.

What it does with the frames it reads is in dispatch.py (replies, pushes, bad frames);
how requests are sent and wait for their replies is in flow_control.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from types import TracebackType
from typing import Any, Self

import aiohttp

from .dispatch import ClientStats, FrameDispatch, PushCallback, _Pending
from .errors import IntecularConnectionError, IntecularProtocolError, IntecularTimeoutError
from .flow_control import RequestFlow
from .protocol import DEFAULT_PORT, url_host

REQUEST_TIMEOUT = 5.0
CONNECT_TIMEOUT = 10.0
# A ping after 8 s without a frame; no pong within 4 s closes the link. aiohttp rounds the
# 8 s up to a whole second, so a silent link is noticed at most 13 s after its last frame.
HEARTBEAT = 8.0
# How many requests may wait for their replies at once. The outlet's capacity is
# undocumented (protocol.md §11, item 31) and the vendor-side clients send one at a
# time; two lets a command pass while a slow read waits. Later requests queue.
MAX_IN_FLIGHT = 2
# The largest frame accepted. Real frames are a few kilobytes; aiohttp cannot go on
# reading a socket after a frame above the limit (nor after a text frame that is not
# UTF-8), so such a frame ends the connection and costs a reconnect.
MAX_FRAME_SIZE = 4 * 1024 * 1024


async def _close(ws: aiohttp.ClientWebSocketResponse) -> None:
    """Close ``ws`` and switch its heartbeat off for good, even if the close is cancelled.

    aiohttp re-arms the heartbeat for data that arrives while a socket closes (3.11 after
    a missed pong, 3.14 for the close reply itself, with or without a reader) and keeps
    that timer after the socket is closed; without a heartbeat interval it arms none.
    """
    with contextlib.suppress(AttributeError):  # private: absent in another aiohttp
        ws._heartbeat = None  # noqa: SLF001
    try:
        if not ws.closed:
            await ws.close()
    finally:
        getattr(ws, "_cancel_heartbeat", lambda: None)()


class Connection(FrameDispatch, RequestFlow):
    """One outlet's ``ws://<host>:<port>/ws``.

    ``connect()`` opens the socket and ``listen()`` reads it until it closes; requests
    are answered only while ``listen()`` runs. ``async with`` does both for scripts.
    Frames are dispatched by ``FrameDispatch``, requests sent by ``RequestFlow``.
    """

    def __init__(
        self,
        host: str,
        session: aiohttp.ClientSession,
        *,
        port: int = DEFAULT_PORT,
        request_timeout: float = REQUEST_TIMEOUT,
        connect_timeout: float = CONNECT_TIMEOUT,
        heartbeat: float = HEARTBEAT,
        expected_serial: str | None = None,
    ) -> None:
        """Prepare a client; nothing is opened until ``connect()``.

        With ``expected_serial`` every frame from another outlet (its ``sn`` differs) is
        dropped; only a reply to device info (12) passes, so the caller can tell who
        answers at the address.
        """
        self.host = host
        self.port = port
        self.request_timeout = request_timeout
        self.connect_timeout = connect_timeout
        self.heartbeat = heartbeat
        self.stats = ClientStats()
        self._session = session
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._pending: dict[int, _Pending] = {}
        self._subscribers: list[PushCallback] = []
        self._repeat_listeners: list[Callable[[int], None]] = []
        # The arguments of the last state push of each kind (see ``_push_key``).
        self._last_args: dict[Any, Any] = {}
        self._disconnect_listeners: list[Callable[[], None]] = []
        self._valid_frames = 0
        self._listen_task: asyncio.Task[None] | None = None
        self.expected_serial = expected_serial
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)

    # --- connection -----------------------------------------------------------------

    @property
    def url(self) -> str:
        """The WebSocket address."""
        return f"ws://{url_host(self.host)}:{self.port}/ws"

    @property
    def connected(self) -> bool:
        """Whether a socket is open."""
        return self._ws is not None and not self._ws.closed

    @property
    def generation(self) -> int:
        """Counts the sockets opened: a read is from the live link while it is unchanged."""
        return self.stats.connects

    async def connect(self) -> None:
        """Open the WebSocket (does nothing when already open)."""
        if self.connected:
            return
        try:
            async with asyncio.timeout(self.connect_timeout):
                ws = await self._session.ws_connect(
                    self.url,
                    heartbeat=self.heartbeat,
                    autoclose=True,
                    autoping=True,
                    max_msg_size=MAX_FRAME_SIZE,
                    # a hung outlet never answers the close handshake: don't wait 10 s
                    timeout=aiohttp.ClientWSTimeout(ws_close=self.request_timeout),
                )
        except aiohttp.WSServerHandshakeError as err:
            raise IntecularProtocolError(
                f"{self.url} answered HTTP {err.status} instead of a WebSocket"
            ) from err
        except TimeoutError as err:
            raise IntecularTimeoutError(f"no answer from {self.url}") from err
        except (aiohttp.ClientError, OSError) as err:
            raise IntecularConnectionError(f"cannot connect to {self.url}: {err}") from err
        self._ws = ws
        self._valid_frames = 0
        self._last_args.clear()
        self.stats.connects += 1

    async def listen(self) -> None:
        """Read frames until the socket closes.

        Returns when ``close()`` closed it; raises ``IntecularConnectionError`` when
        the outlet or the network dropped it (heartbeat included).
        """
        ws = self._ws
        if ws is None:
            raise IntecularConnectionError("not connected")
        reason: BaseException | str = "closed by the outlet"
        try:
            while True:
                msg = await ws.receive()
                if msg.type is aiohttp.WSMsgType.TEXT:
                    self._handle_text(msg.data)
                elif msg.type is aiohttp.WSMsgType.BINARY:
                    self._bad_frame("binary frame", msg.data)
                else:
                    if msg.type is aiohttp.WSMsgType.ERROR:
                        # aiohttp hands a frame it refused over as the message's data
                        error = msg.data if isinstance(msg.data, BaseException) else None
                        reason = error or ws.exception() or "socket error"
                        self._unreadable_frame(reason)
                    break
        finally:
            dropped = self._drop(ws)  # False when close() got there first
            await _close(ws)
        if dropped:
            raise IntecularConnectionError(f"connection to {self.url} lost: {reason}")

    async def close(self) -> None:
        """Close the socket, stop ``listen()`` and fail every waiting request."""
        if (ws := self._ws) is not None:
            self._drop(ws)
            await _close(ws)
        if self._listen_task is not None:
            task, self._listen_task = self._listen_task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, IntecularConnectionError):
                await task

    def _drop(self, ws: aiohttp.ClientWebSocketResponse) -> bool:
        """Forget ``ws``, settle everything that waited on it, tell the listeners.

        Returns whether ``ws`` was the open socket (False when already dropped).
        """
        if self._ws is not ws:
            return False
        self._ws = None
        pending, self._pending = self._pending, {}
        for entry in pending.values():
            if entry.future.done():
                continue
            if entry.ack_on_disconnect:
                entry.future.set_result(None)
            else:
                entry.future.set_exception(
                    IntecularConnectionError(f"connection to {self.url} closed")
                )
        for listener in tuple(self._disconnect_listeners):
            listener()
        return True

    async def __aenter__(self) -> Self:
        """Connect and listen in a background task (for scripts and tests)."""
        await self.connect()
        self._listen_task = asyncio.create_task(self.listen(), name=f"intecular {self.url}")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close everything ``__aenter__`` started."""
        await self.close()
