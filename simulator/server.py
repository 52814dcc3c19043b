"""The transport: an aiohttp app serving ``/ws`` on one loopback port.

The server knows nothing about callbacks. It accepts WebSocket clients, hands
every text frame to the device, sends what the device queues (each client has its
own ordered outbound queue and writer task, so a slow client delays nobody) and
answers pings itself, because the WebSocket is created with ``autoping=False`` to
let the ``silent`` and ``stall`` faults leave pings unanswered.

"Refusing connections" during a reboot is real: the listening socket is closed and
opened again on the same port afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import itertools
import logging
import socket
from typing import Final

from aiohttp import WSMsgType, web

from .options import Faults

_LOGGER = logging.getLogger(__name__)

STALL_POLL: Final = 0.01
"""How often a stalled connection checks whether the stall is over."""

type Outgoing = str | bytes


class Session:
    """One connected WebSocket client."""

    _ids = itertools.count(1)

    def __init__(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        """Wrap an accepted WebSocket."""
        self.id = next(self._ids)
        self.ws = ws
        self.peer = request.remote
        self._transport = request.transport
        self.queue: asyncio.Queue[Outgoing] = asyncio.Queue()
        self.writer: asyncio.Task[None] | None = None

    def send(self, frame: Outgoing) -> None:
        """Queue one frame; frames go out in the order they were queued."""
        self.queue.put_nowait(frame)

    def abort(self) -> None:
        """Drop the TCP connection at once, without a WebSocket close frame."""
        if self._transport is not None:
            self._transport.abort()


class WebSocketServer:
    """Serves ``/ws`` (and any extra routes) on ``host:port``."""

    def __init__(
        self,
        host: str,
        port: int,
        faults: Faults,
        *,
        on_connect: Callable[[Session], None],
        on_text: Callable[[Session, str], None],
        garbage: Callable[[], Outgoing],
    ) -> None:
        """Prepare the app; ``start()`` binds the port."""
        self.host = host
        self.port = port
        self.faults = faults
        self.sessions: set[Session] = set()
        self.app = web.Application()
        self.app.router.add_get("/ws", self._handle_ws)
        self._on_connect = on_connect
        self._on_text = on_text
        self._garbage = garbage
        self._runner: web.AppRunner | None = None
        self._site: web.SockSite | None = None
        self._down = asyncio.Event()
        """Set while not listening (rebooting or stopped)."""
        self.handshakes_waiting = 0
        """Connections held back by the ``connect_delay`` knob right now."""

    async def start(self) -> None:
        """Set the app up and start listening (binding an ephemeral port when 0)."""
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await self.listen()

    async def stop(self) -> None:
        """Drop every client and close everything."""
        await self.unlisten()
        self.drop_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def listen(self) -> None:
        """Accept connections again (on the port bound first)."""
        if self._site is not None or self._runner is None:
            return
        family, kind, proto, _, address = socket.getaddrinfo(
            self.host, self.port, type=socket.SOCK_STREAM
        )[0]
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        self._site = web.SockSite(self._runner, sock)
        await self._site.start()
        self._down.clear()

    async def unlisten(self) -> None:
        """Close the listening socket: new connections are refused."""
        self._down.set()
        if self._site is not None:
            site, self._site = self._site, None
            await site.stop()

    def drop_all(self) -> None:
        """Abort every client connection (the sessions end by themselves)."""
        for session in list(self.sessions):
            session.abort()

    async def flush(self) -> None:
        """Wait until every queued frame has been written."""
        await asyncio.gather(*(session.queue.join() for session in list(self.sessions)))

    def broadcast(self, frame: Outgoing) -> None:
        """Queue a frame for every connected client."""
        for session in self.sessions:
            session.send(frame)

    async def _handle_ws(self, request: web.Request) -> web.StreamResponse:
        if self.faults.connect_delay > 0:  # a slow accept, lost if the outlet goes down
            self.handshakes_waiting += 1
            try:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.faults.connect_delay):
                        await self._down.wait()
            finally:
                self.handshakes_waiting -= 1
            if self._down.is_set():
                if request.transport is not None:
                    request.transport.abort()
                raise web.HTTPServiceUnavailable
        ws = web.WebSocketResponse(autoping=False, compress=False, max_msg_size=1 << 20)
        await ws.prepare(request)
        session = Session(ws, request)
        session.writer = asyncio.create_task(
            self._write_loop(session), name=f"simulator-writer-{session.id}"
        )
        self.sessions.add(session)
        _LOGGER.debug("client %s connected from %s", session.id, session.peer)
        try:
            self._on_connect(session)
            await self._read_loop(session)
        finally:
            self.sessions.discard(session)
            session.writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await session.writer
            _LOGGER.debug("client %s gone", session.id)
        return ws

    async def _read_loop(self, session: Session) -> None:
        ws = session.ws
        async for msg in ws:
            while self.faults.stall:  # noqa: ASYNC110 - faults are plain attributes
                await asyncio.sleep(STALL_POLL)
            if self.faults.silent:
                continue
            if msg.type is WSMsgType.PING:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.pong(msg.data)
            elif msg.type is WSMsgType.TEXT:
                self._on_text(session, msg.data)
            elif msg.type is WSMsgType.ERROR:
                break
            # binary frames and unsolicited pongs are ignored

    async def _write_loop(self, session: Session) -> None:
        ws = session.ws
        broken = False
        while True:
            frame = await session.queue.get()
            try:
                # a hung device sends nothing; what it meant to send is lost
                if not (broken or self.faults.stall or self.faults.silent):
                    if self.faults.malformed:
                        await self._send(ws, self._garbage())
                    await self._send(ws, frame)
            except (ConnectionError, RuntimeError):
                broken = True  # the socket is going away; the reader ends the session
            finally:
                session.queue.task_done()

    @staticmethod
    async def _send(ws: web.WebSocketResponse, frame: Outgoing) -> None:
        if isinstance(frame, str):
            await ws.send_str(frame)
        else:
            await ws.send_bytes(frame)
