"""Incoming frames: replies to their requests, pushes (a repeat dropped) to subscribers.

Unusable frames (malformed, from another outlet, refused by aiohttp) are counted and
logged: a warning at most once a minute. ``Connection`` (connection.py) reads the socket
and hands every text frame to ``FrameDispatch._handle_text``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import logging
import time
from typing import Any

import aiohttp

from .errors import FrameError
from .models import PUSH_PARSERS, Push, parse_push
from .protocol import Callback, Frame, parse_frame

# The transport logs under one name, whichever of its modules writes.
_LOGGER = logging.getLogger(f"{__package__}.connection")

BAD_FRAME_WARNING_INTERVAL = 60.0

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


class FrameDispatch:
    """What ``Connection`` does with the frames it reads (see the module docstring)."""

    host: str
    stats: ClientStats
    expected_serial: str | None
    _pending: dict[int, _Pending]
    _subscribers: list[PushCallback]
    _repeat_listeners: list[Callable[[int], None]]
    # The arguments of the last state push of each kind (see ``_push_key``).
    _last_args: dict[Any, Any]
    _disconnect_listeners: list[Callable[[], None]]
    _valid_frames: int

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
