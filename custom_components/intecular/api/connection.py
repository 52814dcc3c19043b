"""The transport: one WebSocket to one outlet, requests by packetID, pushes to subscribers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
import logging
import random
import time
from types import TracebackType
from typing import Any, Self

import aiohttp

from .errors import (
    FrameError,
    IntecularCommandRefusedError,
    IntecularConnectionError,
    IntecularProtocolError,
    IntecularTimeoutError,
)
from .models import PUSH_PARSERS, Push, parse_push
from .protocol import (
    DEFAULT_PORT,
    PACKET_ID_MAX,
    PACKET_ID_MIN,
    Callback,
    Frame,
    build_request,
    parse_frame,
    url_host,
)

_LOGGER = logging.getLogger(__name__)

REQUEST_TIMEOUT = 5.0
CONNECT_TIMEOUT = 10.0
# A ping after 8 s without a frame; no pong within 4 s closes the link. aiohttp rounds the
# 8 s up to a whole second, so a silent link is noticed at most 13 s after its last frame.
HEARTBEAT = 8.0
BAD_FRAME_WARNING_INTERVAL = 60.0
# How many requests may wait for their replies at once. The outlet's capacity is
# undocumented (protocol.md §11, item 31) and the vendor-side clients send one at a
# time; two lets a command pass while a slow read waits. Later requests queue.
MAX_IN_FLIGHT = 2
# The largest frame accepted. Real frames are a few kilobytes; aiohttp cannot go on
# reading a socket after a frame above the limit (nor after a text frame that is not
# UTF-8), so such a frame ends the connection and costs a reconnect.
MAX_FRAME_SIZE = 4 * 1024 * 1024

type PushCallback = Callable[[Push], None]

# Callbacks that only ever answer a request: such a frame with nobody waiting is late.
_REPLY_ONLY = frozenset(int(c) for c in Callback) - PUSH_PARSERS.keys()

# Pushes that describe state (outlets, sensors, nightlight, a colour array): one whose
# arguments equal the last ones of its kind changes nothing and is not parsed again.
# Firmware pushes (22-24) and device info (12) always pass: they are events.
_STATE_PUSHES = frozenset({Callback.OUTLETS, Callback.SENSORS, Callback.NIGHTLIGHT})
_MISSING = object()


def _add[T](listeners: list[T], listener: T) -> Callable[[], None]:
    listeners.append(listener)

    def remove() -> None:
        if listener in listeners:
            listeners.remove(listener)

    return remove


def _push_key(callback: int, args: Any) -> Any:
    """Which earlier push a push may repeat; None for one that is always handled.

    A colour array (18) is remembered per selector, as the two arrays alternate. Equal
    arguments are equal JSON values (``1 == 1.0``): both read the same.
    """
    if callback in _STATE_PUSHES:
        return callback
    if callback == Callback.COLOR_LIGHT and isinstance(args, list) and args:
        selector = args[0]
        if isinstance(selector, (int, str)):
            return (callback, selector)
    return None


@dataclass(slots=True)
class _Pending:
    callback: int
    future: asyncio.Future[Frame | None]
    ack_on_disconnect: bool = False


@dataclass(slots=True)
class ClientStats:
    """Counters for diagnostics."""

    connects: int = 0
    frames: int = 0
    # State pushes that repeated the last one of their kind (not parsed).
    repeats: int = 0
    bad_frames: int = 0
    last_bad_frame: str | None = None
    last_warning: float = field(default=-BAD_FRAME_WARNING_INTERVAL, repr=False)
    suppressed: int = field(default=0, repr=False)


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


class Connection:
    """One outlet's ``ws://<host>:<port>/ws``.

    ``connect()`` opens the socket and ``listen()`` reads it until it closes; requests
    are answered only while ``listen()`` runs. ``async with`` does both for scripts.
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

    # --- pushes ---------------------------------------------------------------------

    def subscribe(self, callback: PushCallback) -> Callable[[], None]:
        """Call ``callback`` with every pushed model; returns the unsubscribe function."""
        return _add(self._subscribers, callback)

    def on_repeat(self, callback: Callable[[int], None]) -> Callable[[], None]:
        """Call ``callback`` with the callback number of every push that repeated the last.

        Such a push is not parsed nor handed to the subscribers: it changes nothing,
        but it proves the outlet (or its faceplate) still reports.
        """
        return _add(self._repeat_listeners, callback)

    def forget_pushes(self) -> None:
        """Hand the next push of every kind on, even when it repeats the last one.

        For whoever changed its picture of the outlet by other means than a push (a
        read, an acknowledged command): the outlet's next push may correct it.
        """
        self._last_args.clear()

    def on_disconnect(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` the moment the open socket is gone (dropped or closed)."""
        return _add(self._disconnect_listeners, callback)

    def _handle_text(self, data: str) -> None:
        self.stats.frames += 1
        try:
            frame = parse_frame(data)
        except FrameError as err:
            self._bad_frame(str(err), data)
            return
        pending = self._pending.get(frame.packet_id) if frame.packet_id is not None else None
        if self._foreign(frame, pending, data):
            return
        if pending is not None and frame.callback in (None, pending.callback):
            self._valid_frames += 1
            if not pending.future.done():
                pending.future.set_result(frame)
            return
        if frame.callback is None or (frame.puback is not None and frame.callback in _REPLY_ONLY):
            _LOGGER.debug("Ignoring a reply nobody waits for (late?): %.200s", data)
            return
        key = _push_key(frame.callback, frame.args)
        if key is not None and self._last_args.get(key, _MISSING) == frame.args:
            self._valid_frames += 1
            self.stats.repeats += 1
            for listener in tuple(self._repeat_listeners):
                listener(frame.callback)
            return
        try:
            push = parse_push(frame.callback, frame.args)
        except FrameError as err:
            self._bad_frame(str(err), data)
            return
        if key is not None:
            self._last_args[key] = frame.args
        self._valid_frames += 1
        for subscriber in tuple(self._subscribers):
            try:
                subscriber(push)
            except Exception:
                _LOGGER.exception("Push subscriber failed on %s", push)

    def _foreign(self, frame: Frame, pending: _Pending | None, data: str) -> bool:
        """Whether the frame comes from another outlet than expected (then it is dropped).

        A reply to device info (12) still goes to its request: it names the outlet that
        answers, which the caller checks. Dropped frames are logged like malformed
        ones (a warning at most once a minute).
        """
        expected = self.expected_serial
        if expected is None or frame.serial is None or frame.serial == expected:
            return False
        if pending is not None and pending.callback == Callback.DEVICE_INFO:
            return False
        self._bad_frame(f"it comes from another outlet ({frame.serial})", data)
        return True

    def _unreadable_frame(self, error: BaseException | str) -> None:
        """A frame aiohttp refused (not UTF-8, too large): it also ended the socket."""
        if isinstance(error, aiohttp.WebSocketError) and error.code in (
            aiohttp.WSCloseCode.INVALID_TEXT,
            aiohttp.WSCloseCode.MESSAGE_TOO_BIG,
        ):
            self._bad_frame(f"{error}; reconnecting", b"")

    def _bad_frame(self, error: str, data: str | bytes) -> None:
        """Log a frame we cannot use: debug always, a warning at most once a minute."""
        stats = self.stats
        stats.bad_frames += 1
        stats.last_bad_frame = error
        _LOGGER.debug("Dropped a malformed frame from %s (%s): %.200r", self.host, error, data)
        now = time.monotonic()
        if now - stats.last_warning < BAD_FRAME_WARNING_INTERVAL:
            stats.suppressed += 1
            return
        suppressed, stats.suppressed = stats.suppressed, 0
        stats.last_warning = now
        _LOGGER.warning(
            "Dropped a malformed frame from %s: %s%s",
            self.host,
            error,
            f" ({suppressed} more since the last warning)" if suppressed else "",
        )

    # --- requests -------------------------------------------------------------------

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
