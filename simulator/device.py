"""The device core: requests in, replies and pushes out, and its timed activities.

Requests are handled in arrival order on each connection. A reply echoes the
request's ``packetID`` and carries ``sn`` and ``PUBACK`` (``payload`` only for
data-returning callbacks); pushes queued while a request is handled go out right
after its reply, to every connected client, with a device-chosen ``packetID`` that
never repeats one of the last requests'.

Assumptions: a frame that is not a valid request is answered
``{"sn", "packetID", "PUBACK": 0}`` when it is a JSON object with an integer
``packetID``, and ignored otherwise; binary frames are ignored; unknown callback
numbers are answered ``PUBACK: 0``. Every client connecting within
``boot_announce_window`` after a reboot gets one 12 push right after connecting.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine
import contextlib
import itertools
import logging
import math
import random
from typing import Any, Final

from .frames import garbage_frames, salvage_packet_id
from .handlers import HANDLERS
from .identity import Identity
from .models import Nightlight, Outlets
from .options import Faults, Quirks, Timings, Variant
from .profiles import request_key
from .replies import FAIL, Reply
from .server import Session, WebSocketServer
from .state import DeviceState
from .timing import FrameTiming, Plan
from .wire import (
    PACKET_ID_MAX,
    PACKET_ID_MIN,
    BadRequestError,
    Callback,
    encode,
    parse_request,
)

_LOGGER = logging.getLogger(__name__)

REQUEST_LOG_SIZE: Final = 10_000
FLUSH_TIMEOUT: Final = 1.0
"""How long a reboot waits for queued frames to reach the clients."""


class Device:
    """One simulated outlet, without the convenience API of ``SimulatedOutlet``."""

    def __init__(  # noqa: PLR0917
        self,
        variant: Variant | str,
        serial: str | None,
        host: str,
        port: int,
        sensor_interval: float,
        seed: int | None,
        hw_rev: str,
        timings: Timings,
        quirks: Quirks,
        faults: Faults,
    ) -> None:
        """Build the device; nothing runs until ``start()``."""
        self.variant = Variant(variant)
        self.identity = Identity.generate(seed, serial)
        self.state = DeviceState(
            self.variant, self.identity, hw_rev, random.Random(None if seed is None else seed)
        )
        self.timings, self.quirks, self.faults = timings, quirks, faults
        self.sensor_interval = sensor_interval
        self.requests: deque[tuple[int, Any]] = deque(maxlen=REQUEST_LOG_SIZE)
        """Every request received, as ``(callback, args)``, oldest first."""
        self.total_connections = 0
        self._ids = random.Random(None if seed is None else f"packets:{seed}")
        self._recent_ids: deque[int] = deque(maxlen=256)
        self._garbage = itertools.cycle(garbage_frames(self.identity.serial))
        self._server = WebSocketServer(
            host,
            port,
            faults,
            on_connect=self._on_connect,
            on_text=self._on_text,
            garbage=lambda: next(self._garbage),
        )
        self._tasks: set[asyncio.Task[None]] = set()
        self._late_replies: set[asyncio.Task[None]] = set()
        """Requests waiting to be carried out and replies held back (``frames_held``)."""
        self.frame_timing = FrameTiming(faults)
        self._plan: Plan | None = None
        """The frame-timing plan of the request being carried out now."""
        self._interleave = itertools.cycle((Callback.OUTLETS, Callback.SENSORS))
        self._deferred: list[str] | None = None
        self._announce_until = -math.inf
        self._online = asyncio.Event()
        self._online.set()
        self._client_arrived = asyncio.Event()
        self._update: asyncio.Task[None] | None = None
        self._faceplate: asyncio.Task[None] | None = None
        self._faceplate_back = -math.inf
        """When the faceplate last came back (loop time)."""
        self._calibration: asyncio.Task[None] | None = None
        self._accuracy: asyncio.Task[None] | None = None
        self._version: asyncio.Task[None] | None = None

    # --- frames out ------------------------------------------------------------------

    def _push_id(self) -> int:
        while (packet_id := self._ids.randint(PACKET_ID_MIN, PACKET_ID_MAX)) in self._recent_ids:
            pass
        return packet_id

    def _push_frame(self, callback: Callback, args: Any) -> str:
        puback = 1 if self.quirks.puback_on_push else None
        return encode(self.identity.serial, self._push_id(), callback, args, puback=puback)

    def push(self, callback: Callback, args: Any) -> None:
        """Send a push to every client (after the reply, while a request is handled)."""
        frame = self._push_frame(callback, args)
        if self._deferred is not None:
            self._deferred.append(frame)
        else:
            self._server.broadcast(frame)

    def device_info_args(self) -> dict[str, Any]:
        """``callbackArgs`` of 12 now (the faceplate degraded as ``degraded_faceplate`` says)."""
        return self.state.device_info_args(self.quirks, degraded=self.faceplate_degraded)

    @property
    def faceplate_degraded(self) -> bool:
        """Whether 12 reports the faceplate degraded now: offline, or only just back."""
        window = self.faults.degraded_faceplate
        if window <= 0 or not self.variant.has_faceplate:
            return False
        back = asyncio.get_running_loop().time() - self._faceplate_back
        return not self.state.faceplate.online or back < window

    def device_info_push_args(self) -> dict[str, Any]:
        """``callbackArgs`` of a 12 push (without ``IM.sn`` as ``anonymous_restart_push`` says)."""
        args = self.device_info_args()
        if self.faults.anonymous_restart_push:
            args["IM"] = {key: value for key, value in args["IM"].items() if key != "sn"}
        return args

    def push_device_info(self) -> None:
        """Push 12."""
        self.push(Callback.DEVICE_INFO, self.device_info_push_args())

    def sensor_args(self) -> list[Any]:
        """``callbackArgs`` of an 11 frame, with the ``sensor_overrides`` knob applied."""
        args = self.state.sensor_args(self.quirks)
        if self.faults.sensor_overrides:
            args[1] = {**args[1], **self.faults.sensor_overrides}
        return args

    def outlet_push_args(self) -> list[Any]:
        """``callbackArgs`` of a 9 push (wrapped when that quirk is on)."""
        args: list[Any] = self.state.outlets.to_args()
        return [0, args] if self.quirks.wrapped_outlet_push else args

    def push_sensor_readings(self) -> None:
        """Push 11, when the faceplate is there to report and has readings."""
        if self.state.faceplate_available and not self.faceplate_degraded:
            self.push(Callback.SENSORS, self.sensor_args())

    # --- state changes that push ---------------------------------------------------------

    def change_outlets(self, outlets: Outlets) -> None:
        """Set both outlets and push 9."""
        self.state.outlets = outlets
        self.push(Callback.OUTLETS, self.outlet_push_args())

    def change_nightlight(self, nightlight: Nightlight) -> None:
        """Set the white nightlight and push 15."""
        self.state.nightlight = nightlight
        self.push(Callback.NIGHTLIGHT, nightlight.to_args())

    # --- frames in -------------------------------------------------------------------

    def _on_connect(self, session: Session) -> None:
        self.total_connections += 1
        self._client_arrived.set()
        if asyncio.get_running_loop().time() < self._announce_until:
            session.send(self._push_frame(Callback.DEVICE_INFO, self.device_info_push_args()))

    def _on_text(self, session: Session, text: str) -> None:
        try:
            packet_id, callback, args = parse_request(text)
        except BadRequestError:
            if (salvaged := salvage_packet_id(text)) is not None:
                self._reply(session, salvaged, 0, FAIL)
            return
        self.requests.append((callback, args))
        self._recent_ids.append(packet_id)
        faults = self.faults
        plan = self.frame_timing.plan()
        if plan is not None and plan.drop_before:
            session.abort()  # the request dies with the socket
            return
        if request_key(callback, args) in faults.unanswered:
            return  # read and forgotten: the socket stays healthy
        delay = faults.reply_delay + (0.0 if plan is None else plan.handle_delay)
        if callback == Callback.AVAILABLE_UPDATES:
            delay += faults.update_check_delay
        if delay > 0:
            self._hold(self._handle_later(delay, session, packet_id, callback, args, plan))
        else:
            self._carry_out(session, packet_id, callback, args, plan)

    def _hold(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._late_replies.add(task)
        task.add_done_callback(self._late_replies.discard)

    @property
    def frames_held(self) -> int:
        """Requests not yet carried out and replies not yet sent, because of a delay knob."""
        return len(self._late_replies)

    async def _handle_later(  # noqa: PLR0917
        self,
        delay: float,
        session: Session,
        packet_id: int,
        callback: int,
        args: Any,
        plan: Plan | None,
    ) -> None:
        await asyncio.sleep(delay)
        self._carry_out(session, packet_id, callback, args, plan)

    def _carry_out(
        self, session: Session, packet_id: int, callback: int, args: Any, plan: Plan | None
    ) -> None:
        self._plan = plan
        try:
            self._handle(session, packet_id, callback, args)
        finally:
            self._plan = None
        if plan is not None and plan.drop_after is not None:
            asyncio.get_running_loop().call_later(plan.drop_after, session.abort)

    def _handle(self, session: Session, packet_id: int, callback: int, args: Any) -> None:
        handler = HANDLERS.get(callback)
        self._deferred = []
        try:
            reply = FAIL if handler is None else handler(self, args)
        except Exception:
            _LOGGER.exception("callback %s with %r failed", callback, args)
            reply = FAIL
        finally:
            deferred, self._deferred = self._deferred, None
        pushes_first = self._plan is not None and self._plan.pushes_first
        if reply is not None and not pushes_first:
            self._reply(session, packet_id, callback, reply)
        if deferred and not pushes_first and self.faults.push_lag > 0:
            self._hold(self._broadcast_later(self.faults.push_lag, deferred))
            deferred = []
        for frame in deferred:
            self._server.broadcast(frame)
        if reply is not None and pushes_first:
            self._reply(session, packet_id, callback, reply)

    def _reply(self, session: Session, packet_id: int, callback: int, reply: Reply) -> None:
        if self.faults.drop_replies or session not in self._server.sessions:
            return
        if self.faults.interleave_pushes:
            self._interleaved_push(session)
        frame = encode(
            self.identity.serial,
            packet_id,
            callback if reply.data else None,
            reply.args,
            puback=reply.puback,
        )
        held = 0.0 if self._plan is None else self._plan.reply_delay
        if held > 0:
            self._hold(self._send_later(held, session, frame))
        else:
            session.send(frame)

    async def _broadcast_later(self, delay: float, frames: list[str]) -> None:
        """Pushes held back (``push_lag``): to every client connected when they go out."""
        await asyncio.sleep(delay)
        for frame in frames:
            self._server.broadcast(frame)

    async def _send_later(self, delay: float, session: Session, frame: str) -> None:
        """A held reply: the state as it was when carried out, sent after ``delay``."""
        await asyncio.sleep(delay)
        if session in self._server.sessions:
            session.send(frame)

    def _interleaved_push(self, session: Session) -> None:
        """The next push of the ``interleave_pushes`` cycle (11 only with a faceplate)."""
        callback = next(self._interleave)
        if callback == Callback.SENSORS and (
            not self.state.faceplate_available or self.faceplate_degraded
        ):
            callback = next(self._interleave)
        args = self.sensor_args() if callback == Callback.SENSORS else self.outlet_push_args()
        session.send(self._push_frame(callback, args))

    # --- tasks ---------------------------------------------------------------------------

    def spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run a device activity; ``stop()`` cancels whatever is still running."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (err := task.exception()) is not None:
            _LOGGER.error("simulator activity failed", exc_info=err)

    @staticmethod
    def _cancel(task: asyncio.Task[None] | None) -> None:
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    async def _cancel_all(self) -> None:
        tasks = [t for t in self._tasks | self._late_replies if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # --- reboots -------------------------------------------------------------------------

    async def reboot(self, delay: float | None = None) -> None:
        """Go down now (sockets dropped, connections refused), come back after ``delay``.

        Returns once the outlet is down; an update in progress is abandoned. Does
        nothing while the outlet is already down.
        """
        if not self.state.online:
            return
        self._cancel(self._update)
        await self._go_down()
        self.spawn(self._come_back_after(self._delay(delay, self.timings.reboot_delay)))

    async def reboot_cycle(
        self, delay: float, before_boot: Callable[[], None] | None = None
    ) -> None:
        """Go down, wait, run ``before_boot`` (e.g. install firmware) and come back."""
        await self._go_down()
        await self._come_back_after(delay, before_boot)

    @staticmethod
    def _delay(delay: float | None, default: float) -> float:
        return default if delay is None else delay

    async def _go_down(self) -> None:
        self.state.online = False
        self._online.clear()
        for task in (self._faceplate, self._calibration, self._accuracy, self._version):
            self._cancel(task)
        await self._server.unlisten()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(FLUSH_TIMEOUT):
                await self._server.flush()
        self._server.drop_all()

    async def _come_back_after(
        self, delay: float, before_boot: Callable[[], None] | None = None
    ) -> None:
        await asyncio.sleep(delay)
        if before_boot is not None:
            before_boot()
        state = self.state
        state.boot_count += 1
        state.faceplate.restarting = state.faceplate.version_hidden = False
        state.sensors.occupancy_phase = None
        state.sensors.accuracy_reset = False
        self._announce_until = asyncio.get_running_loop().time() + self.timings.boot_announce_window
        self._client_arrived.clear()
        await self._server.listen()
        state.online = True
        self._online.set()

    async def lose_link(self) -> None:
        """Drop every client socket after what is queued went out; the outlet runs on."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(FLUSH_TIMEOUT):
                await self._server.flush()
        self._server.drop_all()

    async def wait_until_online(self) -> None:
        """Return once the outlet accepts connections."""
        await self._online.wait()

    async def wait_for_client(self, timeout: float) -> None:
        """Return once a client is connected, or after ``timeout``."""
        if self._server.sessions:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._client_arrived.wait()

    # --- faceplate activities ------------------------------------------------------------

    def run_update(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run an OTA sequence; ``state.ota_target`` clears when it ends in any way."""

        async def run() -> None:
            try:
                await coro
            finally:
                self.state.ota_target = None

        self._update = self.spawn(run())

    def start_faceplate_restart(self, delay: float | None = None) -> bool:
        """Restart the faceplate (False when it is not available to restart)."""
        if not self.state.faceplate_available:
            return False
        delay = self._delay(delay, self.timings.faceplate_restart_delay)
        self._faceplate_leaves()
        self._faceplate = self.spawn(self.faceplate_cycle(delay))
        return True

    def _faceplate_leaves(self) -> None:
        self._cancel(self._version)
        self.state.faceplate.restarting = True
        self._cancel(self._calibration)
        self.state.sensors.occupancy_phase = None

    async def faceplate_cycle(
        self, delay: float, before_back: Callable[[], None] | None = None
    ) -> None:
        """The faceplate leaves 12 and goes quiet for ``delay``, then returns (12 push).

        ``faceplate_return_silent``: no 12 push on its return; ``faceplate_version_delay``:
        its version reads blank for that long after it.
        """
        self._faceplate_leaves()
        await asyncio.sleep(delay)
        if before_back is not None:
            before_back()
        face = self.state.faceplate
        face.restarting = False
        self._faceplate_back = asyncio.get_running_loop().time()
        if (hidden := self.faults.faceplate_version_delay) > 0:
            face.version_hidden = True
            self._version = self.spawn(self._show_version_after(hidden))
        if not self.faults.faceplate_return_silent:
            self.push_device_info()

    async def _show_version_after(self, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
        finally:
            self.state.faceplate.version_hidden = False

    def start_occupancy_calibration(self, seconds: int) -> None:
        """26: after ``calibration_delay``, occupancy_state reads 4, 5, 6, then normal."""
        self._cancel(self._calibration)
        self._calibration = self.spawn(self._calibrate(seconds))

    async def _calibrate(self, seconds: int) -> None:
        sensors = self.state.sensors
        try:
            await asyncio.sleep(self.timings.calibration_delay)
            for phase in (4, 5, 6):
                sensors.occupancy_phase = phase
                self.push_sensor_readings()
                await asyncio.sleep(seconds * self.timings.calibration_second / 3)
        finally:
            sensors.occupancy_phase = None
        self.push_sensor_readings()

    def reset_faceplate_calibration(self) -> None:
        """25: calibrations cleared; accuracies read 0 for ``accuracy_recovery``."""
        sensors = self.state.sensors
        sensors.temperature_offset = sensors.humidity_offset = 0.0
        sensors.accuracy_reset = True
        self._cancel(self._accuracy)
        self._accuracy = self.spawn(self._recover_accuracy())

    async def _recover_accuracy(self) -> None:
        try:
            await asyncio.sleep(self.timings.accuracy_recovery)
        finally:
            self.state.sensors.accuracy_reset = False
