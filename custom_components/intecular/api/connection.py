"""The transport: one WebSocket to one outlet, its requests and what becomes of each frame.

A request gets a fresh packetID and waits for the frame that answers it; when it may
be sent is the scheduler's decision (scheduler.py: a foreground lane for commands, one
background slot). A request that times out is remembered for a while (a bounded
memory), so that its late reply is recognised and dropped instead of being taken for a
push: a late 12 reply is no restart announcement. Every other usable frame is a push,
parsed into its model and handed to the one push receiver. Unusable frames (malformed,
from another outlet, refused by aiohttp) are counted and logged: a warning at most
once a minute.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
import logging
import random
import time
from types import TracebackType
from typing import Any, Final, Self

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
    LightSelector,
    build_request,
    parse_frame,
    url_host,
)
from .scheduler import RequestScheduler

_LOGGER = logging.getLogger(__name__)

REQUEST_TIMEOUT = 5.0
CONNECT_TIMEOUT = 10.0
# A ping after 8 s without a frame; no pong within 4 s closes the link. aiohttp rounds the
# 8 s up to a whole second, so a silent link is noticed at most 13 s after its last frame.
HEARTBEAT = 8.0
# The largest frame accepted. Real frames are a few kilobytes; aiohttp cannot go on
# reading a socket after a frame above the limit (nor after a text frame that is not
# UTF-8), so such a frame ends the connection and costs a reconnect.
MAX_FRAME_SIZE = 4 * 1024 * 1024


BAD_FRAME_WARNING_INTERVAL = 60.0
# How many timed-out requests are remembered to recognise their late replies, and for
# how long (a reply later than that is no reply any more; a real outlet leaves some
# requests unanswered for good).
TIMED_OUT_MEMORY: Final = 64
TIMED_OUT_MEMORY_AGE: Final = 60.0

type PushCallback = Callable[[Push], None]

# Callbacks that only ever answer a request: such a frame with nobody waiting is late.
_REPLY_ONLY: Final = frozenset(int(c) for c in Callback) - PUSH_PARSERS.keys()
# Pushes that describe state (outlets, sensors, nightlight, a colour array): one whose
# arguments equal the last ones of its kind gives the model parsed last time, without
# parsing it again. Whether it changes anything is the receiver's business.
_STATE_PUSHES: Final = frozenset({Callback.OUTLETS, Callback.SENSORS, Callback.NIGHTLIGHT})
_SELECTORS: Final = frozenset(int(s) for s in LightSelector)


# Packet IDs are drawn as an offset from PACKET_ID_MIN of this many random bits.
_PACKET_ID_SPAN: Final = PACKET_ID_MAX - PACKET_ID_MIN
_PACKET_ID_BITS: Final = _PACKET_ID_SPAN.bit_length()


def _draw_packet_id() -> int:
    """A packet ID, uniformly from PACKET_ID_MIN to PACKET_ID_MAX.

    ``random.randint`` takes some 60 bytecodes in Python per request; drawing bits is
    done in C, and a draw beyond the range (one in seven) is drawn again.
    """
    while (offset := random.getrandbits(_PACKET_ID_BITS)) > _PACKET_ID_SPAN:
        pass
    return PACKET_ID_MIN + offset


def _memo_key(callback: int, args: Any) -> Any:
    """Under which key a state push's last parse is kept; None for one never kept.

    A colour array (18) is kept per selector, as the two arrays alternate; only the
    selectors the protocol knows, so a misbehaving outlet cannot grow the memory.
    """
    if callback in _STATE_PUSHES:
        return callback
    if callback == Callback.COLOR_LIGHT and isinstance(args, list) and args:
        selector = args[0]
        if type(selector) is int and selector in _SELECTORS:
            return (callback, selector)
    return None


def _selector(callback: int, args: Any) -> Any:
    """What tells two requests of one callback apart: the colour array of an 18."""
    if callback == Callback.COLOR_LIGHT and isinstance(args, list) and args:
        return args[0]
    return None


@dataclass(frozen=True, slots=True)
class _Asked:
    """What a request asked for; the frame that answers it must match."""

    callback: int
    selector: Any = None

    def answered_by(self, frame: Frame) -> bool:
        """Whether ``frame`` (with this request's packetID) is its reply.

        A reply carries no callback (a bare acknowledgement) or the request's own, and
        for 18 the array asked for: a colour push of the other array that happens to
        carry the packetID (the vendor's own example does) is a push.
        """
        if frame.callback is None:
            return True
        if frame.callback != self.callback:
            return False
        if self.selector is None:
            return True
        # an 18 reply without array data (a faceplate that has no such array) answers too
        return _selector(frame.callback, frame.args) in (None, self.selector)


@dataclass(slots=True)
class _Pending:
    asked: _Asked
    future: asyncio.Future[Frame | None]
    ack_on_disconnect: bool


@dataclass(slots=True)
class ClientStats:
    """Counters for diagnostics."""

    connects: int = 0
    frames: int = 0
    # State pushes that repeated the last one of their kind (not parsed again).
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
        self.expected_serial = expected_serial
        self.stats = ClientStats()
        self._session = session
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._scheduler = RequestScheduler()
        self._pending: dict[int, _Pending] = {}
        # packetID -> what the requests that timed out on this socket asked, and when
        # they gave up; oldest first.
        self._timed_out: OrderedDict[int, tuple[_Asked, float]] = OrderedDict()
        self._on_push: PushCallback | None = None
        self._disconnect_listeners: list[Callable[[], None]] = []
        # The arguments and model of the last state push of each kind (``_memo_key``).
        self._memo: dict[Any, tuple[Any, Push]] = {}
        self._valid_frames = 0
        self._listen_task: asyncio.Task[None] | None = None

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
    def peer_address(self) -> str | None:
        """The IP address the open socket is connected to (None while closed)."""
        if (ws := self._ws) is None or ws.closed:
            return None
        peer = ws.get_extra_info("peername")
        return str(peer[0]) if isinstance(peer, tuple) and peer else None

    @property
    def generation(self) -> int:
        """Counts the sockets opened: a read is from the live link while it is unchanged."""
        return self.stats.connects

    @property
    def waiting(self) -> int:
        """How many requests wait for their replies now."""
        return len(self._pending)

    def set_push_callback(self, callback: PushCallback | None) -> None:
        """Hand every pushed model to ``callback`` (one receiver; None: nobody)."""
        self._on_push = callback

    def on_disconnect(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` the moment the open socket is gone (dropped or closed)."""
        self._disconnect_listeners.append(callback)

        def remove() -> None:
            if callback in self._disconnect_listeners:
                self._disconnect_listeners.remove(callback)

        return remove

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
        self._memo.clear()
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
        self._timed_out.clear()  # late replies cannot cross sockets
        for listener in tuple(self._disconnect_listeners):
            listener()
        return True

    # --- requests ---------------------------------------------------------------------

    async def request(
        self,
        callback: int,
        args: Any = None,
        *,
        timeout: float | None = None,
        background: bool = False,
        ack_on_disconnect: bool = False,
    ) -> Frame | None:
        """Send a request and wait for its reply; ``PUBACK: 0`` raises.

        ``background``: work nobody waits for (it never holds up a command; see
        scheduler.py). With ``ack_on_disconnect`` a socket that closes before the reply
        counts as the answer (an outlet that restarts at once instead of replying) and
        gives None.
        """
        ws = self._ws
        if ws is None or ws.closed:
            raise IntecularConnectionError(f"not connected to {self.url}")
        async with self._scheduler.lane(background=background):
            if self._ws is not ws or ws.closed:  # dropped while it waited for its turn
                raise IntecularConnectionError(f"connection to {self.url} closed")
            # the timeout counts from here: waiting for a slot is not the outlet's delay
            wait = self.request_timeout if timeout is None else timeout
            frame = await self._exchange(ws, callback, args, wait, ack_on_disconnect)
        if frame is not None and frame.puback == 0:
            raise IntecularCommandRefusedError(int(callback))
        return frame

    async def _exchange(
        self,
        ws: aiohttp.ClientWebSocketResponse,
        callback: int,
        args: Any,
        timeout: float,
        ack_on_disconnect: bool,
    ) -> Frame | None:
        """Send one request and wait for the frame that answers it."""
        packet_id = self._new_packet_id()
        future: asyncio.Future[Frame | None] = asyncio.get_running_loop().create_future()
        asked = _Asked(int(callback), _selector(callback, args))
        self._pending[packet_id] = _Pending(asked, future, ack_on_disconnect)
        valid_before, bad_before = self._valid_frames, self.stats.bad_frames
        try:
            await self._send(ws, build_request(packet_id, callback, args))
            async with asyncio.timeout(timeout):
                return await future
        except TimeoutError:
            self._remember_timed_out(packet_id, asked)
            if self._valid_frames == valid_before == 0 and self.stats.bad_frames > bad_before:
                raise IntecularProtocolError(
                    f"{self.url} answers, but not with the InvisOutlet protocol"
                ) from None
            raise IntecularTimeoutError(
                f"no reply to callback {int(callback)} from {self.host}"
            ) from None
        finally:
            entry = self._pending.get(packet_id)
            if entry is not None and entry.future is future:
                del self._pending[packet_id]
            if not future.done():
                future.cancel()

    def _new_packet_id(self) -> int:
        while True:
            packet_id = _draw_packet_id()
            if packet_id not in self._pending and packet_id not in self._timed_out:
                return packet_id

    def _remember_timed_out(self, packet_id: int, asked: _Asked) -> None:
        if self._ws is None:
            return  # the socket is gone: its late replies with it
        now = time.monotonic()
        self._timed_out[packet_id] = (asked, now)
        while self._timed_out and (
            len(self._timed_out) > TIMED_OUT_MEMORY
            or next(iter(self._timed_out.values()))[1] < now - TIMED_OUT_MEMORY_AGE
        ):
            self._timed_out.popitem(last=False)

    async def send(self, callback: int, args: Any = None) -> None:
        """Send a command that the outlet never answers (5, 6, 7)."""
        ws = self._ws
        if ws is None or ws.closed:
            raise IntecularConnectionError(f"not connected to {self.url}")
        packet_id = _draw_packet_id()
        await self._send(ws, build_request(packet_id, callback, args))

    async def _send(self, ws: aiohttp.ClientWebSocketResponse, text: str) -> None:
        try:
            await ws.send_str(text)
        except (aiohttp.ClientError, ConnectionError, RuntimeError) as err:
            raise IntecularConnectionError(f"cannot send to {self.url}: {err}") from err

    # --- incoming frames ----------------------------------------------------------------

    def _handle_text(self, data: str) -> None:
        self.stats.frames += 1
        try:
            frame = parse_frame(data)
        except FrameError as err:
            self._bad_frame(str(err), data)
            return
        if self._foreign(frame, data):
            return
        if frame.packet_id is not None and self._settle(frame, frame.packet_id):
            self._valid_frames += 1
            return
        if frame.callback is None or (frame.puback is not None and frame.callback in _REPLY_ONLY):
            _LOGGER.debug("Ignoring a reply nobody waits for (late?): %.200s", data)
            return
        push = self._parse_push(frame.callback, frame, data)
        if push is None:
            return
        self._valid_frames += 1
        if (receiver := self._on_push) is not None:
            try:
                receiver(push)
            except Exception:
                _LOGGER.exception("The push receiver failed on %s", push)

    def _settle(self, frame: Frame, packet_id: int) -> bool:
        """Hand a frame to the request it answers; whether it was a reply (late or not).

        A frame answers a request when it carries the request's packetID and either no
        callback or the request's own. A reply to a request that timed out is dropped
        here: it is no push. Firmware progress (22, 23) may carry the packetID of the
        update request (21): another callback, so it is no reply.
        """
        pending = self._pending.get(packet_id)
        if pending is not None and pending.asked.answered_by(frame):
            if not pending.future.done():
                pending.future.set_result(frame)
            return True
        late = self._timed_out.get(packet_id)
        if late is None or not late[0].answered_by(frame):
            return False
        del self._timed_out[packet_id]
        if late[1] < time.monotonic() - TIMED_OUT_MEMORY_AGE:
            return False  # too old to be its reply
        _LOGGER.debug("Dropped the late reply to callback %s (%s)", late[0].callback, packet_id)
        return True

    def _parse_push(self, callback: int, frame: Frame, data: str) -> Push | None:
        """The frame's model: parsed, or the last one of its kind when it repeats."""
        key = _memo_key(callback, frame.args)
        last = self._memo.get(key) if key is not None else None
        if last is not None and last[0] == frame.args:
            self.stats.repeats += 1
            return last[1]
        try:
            push = parse_push(callback, frame.args, last)
        except FrameError as err:
            self._bad_frame(str(err), data)
            return None
        if key is not None:
            self._memo[key] = (frame.args, push)
        return push

    def _foreign(self, frame: Frame, data: str) -> bool:
        """Whether the frame comes from another outlet than expected (then it is dropped).

        A reply to device info (12) still goes to its request: it names the outlet that
        answers, which the caller checks. Dropped frames are logged like malformed
        ones (a warning at most once a minute).
        """
        expected = self.expected_serial
        if expected is None or frame.serial is None or frame.serial == expected:
            return False
        pending = self._pending.get(frame.packet_id) if frame.packet_id is not None else None
        if pending is not None and pending.asked.callback == Callback.DEVICE_INFO:
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

    # --- scripts ----------------------------------------------------------------------

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
