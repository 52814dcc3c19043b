"""``SimulatedOutlet``: one simulated InvisOutlet and the API tests drive it with.

Methods named after physical or app actions (``press_button``, ``set_outlet``,
``set_nightlight``, ...) change the device the way the button, the vendor app or
Matter would, so every connected client gets the matching push.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import contextlib
from dataclasses import replace
from types import TracebackType
from typing import Any, Self

from .color import InvalidColorCommandError
from .control import add_control_routes
from .device import Device
from .frames import garbage_frames
from .models import ColorLight, Nightlight
from .options import Faults, Quirks, Timings, Variant, split_knobs
from .prefs import merge_config
from .profiles import FRIENDLY, coerce_knob, knob_owner, profile_knobs
from .state import NEWER_VERSIONS
from .wire import Callback


class SimulatedOutlet(Device):
    """An InvisOutlet (with a Pro, Aura or no faceplate) on ``ws://host:port/ws``."""

    def __init__(  # noqa: PLR0917
        self,
        variant: Variant | str = Variant.PRO,
        serial: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        sensor_interval: float = 5.0,
        seed: int | None = None,
        hw_rev: str = "revA",
        *,
        update_available: bool = False,
        available_fw: str | None = None,
        available_www: str | None = None,
        available_faceplate_fw: str | None = None,
        profile: str = FRIENDLY,
        timings: Timings | None = None,
        quirks: Quirks | None = None,
        faults: Faults | None = None,
        **knobs: Any,
    ) -> None:
        """Describe the outlet; ``start()`` makes it listen.

        ``knobs`` are fields of ``Timings``, ``Quirks`` and ``Faults`` given by name
        (``reboot_delay=0.05``, ``puback_on_push=True``, ...); they override the
        objects passed in and the ``profile`` (``"friendly"`` or ``"real"``, see
        ``simulator.profiles``), which overrides the objects passed in.

        ``available_fw``, ``available_www`` and ``available_faceplate_fw`` offer a
        newer outlet firmware, web interface or faceplate firmware (20 reports them,
        21 installs them); ``update_available`` offers all three.
        """
        timing_knobs, quirk_knobs, fault_knobs = split_knobs(
            {**profile_knobs(profile, variant), **knobs}
        )
        self.profile = profile
        super().__init__(
            variant,
            serial,
            host,
            port,
            sensor_interval,
            seed,
            hw_rev,
            replace(timings or Timings(), **timing_knobs),
            replace(quirks or Quirks(), **quirk_knobs),
            replace(faults or Faults(), **fault_knobs),
        )
        if update_available:
            self.set_available_versions(**NEWER_VERSIONS)
        self.set_available_versions(im=available_fw, www=available_www, pm=available_faceplate_fw)
        add_control_routes(self._server.app, self)
        self._timer: asyncio.Task[None] | None = None

    # --- identity and connection facts ---------------------------------------------------

    @property
    def host(self) -> str:
        """The address the outlet listens on."""
        return self._server.host

    @property
    def port(self) -> int:
        """The port the outlet listens on (the real one once started)."""
        return self._server.port

    @property
    def url(self) -> str:
        """``ws://host:port/ws``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ws://{host}:{self.port}/ws"

    @property
    def serial(self) -> str:
        """The outlet serial (``sn`` of every frame)."""
        return self.identity.serial

    @property
    def faceplate_serial(self) -> str | None:
        """The faceplate serial, None without faceplate."""
        return self.identity.faceplate_serial if self.variant.has_faceplate else None

    @property
    def mac(self) -> str:
        """The outlet's MAC address."""
        return self.identity.mac

    @property
    def connection_count(self) -> int:
        """WebSocket clients connected now."""
        return len(self._server.sessions)

    @property
    def handshakes_waiting(self) -> int:
        """Clients whose handshake the ``connect_delay`` knob holds back right now."""
        return self._server.handshakes_waiting

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind the port and start the sensor timer."""
        await self._server.start()
        if self.sensor_interval > 0 and self.variant.has_faceplate:
            self._timer = asyncio.get_running_loop().create_task(self._sensor_loop())

    async def stop(self) -> None:
        """Close every socket and cancel everything this outlet started."""
        self.faults.stall = self.faults.silent = False  # a stalled link cannot close
        if self._timer is not None:
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
            self._timer = None
        await self._cancel_all()
        await self._server.stop()

    async def __aenter__(self) -> Self:
        """Start on entering the ``async with`` block."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop on leaving it."""
        await self.stop()

    async def wait_idle(self) -> None:
        """Return once no activity (reboot, OTA, calibration, ...) is running."""
        current = asyncio.current_task()
        while tasks := [t for t in self._tasks if t is not current]:
            await asyncio.wait(tasks)

    async def _sensor_loop(self) -> None:
        while True:
            await asyncio.sleep(self.sensor_interval)
            if self.state.online and self.state.faceplate_available:
                self.state.sensors.drift()
                self.push_sensor_readings()

    # --- physical, app and Matter actions ---------------------------------------------------

    async def press_button(self, outlet: int) -> None:
        """The outlet's physical button: toggle one outlet (push 9)."""
        await self.set_outlet(outlet, not self.state.outlets.is_on(outlet))

    async def set_outlet(self, outlet: int, on: bool) -> None:
        """Switch an outlet as the app or Matter would (push 9)."""
        if outlet not in (1, 2):
            raise ValueError(f"outlet must be 1 or 2, not {outlet}")
        self.change_outlets(self.state.outlets.switched(outlet, on))

    async def set_nightlight(self, on: bool, brightness: int | None = None) -> None:
        """Set the Pro's white nightlight (push 15)."""
        if not self.variant.has_nightlight:
            raise ValueError(f"a {self.variant} outlet has no white nightlight")
        if brightness is None:
            brightness = self.state.nightlight.brightness
        if not 0 <= brightness <= 100:
            raise ValueError(f"brightness must be 0-100, not {brightness}")
        self.change_nightlight(Nightlight(on, brightness))

    async def set_color_light(self, light: ColorLight | list[Any] | Any) -> None:
        """Set an Aura colour array as a 17 command would (push 18).

        ``light`` is a ``ColorLight`` (``state.color[selector].light``), the
        ``callbackArgs`` of a 17 command, or any object whose ``to_args(command=True)``
        returns them. Raises ValueError for a command the device would refuse.
        """
        if isinstance(light, ColorLight):
            args = light.to_args()
        elif isinstance(light, list):
            args = light
        else:
            args = light.to_args(command=True)
        selector = args[0] if args else None
        array = self.state.color.get(selector) if isinstance(selector, int) else None
        if array is None:
            raise ValueError(f"a {self.variant} outlet has no colour array {selector}")
        try:
            array.apply(args)
        except InvalidColorCommandError as err:
            raise ValueError(str(err)) from err
        self.push(Callback.COLOR, array.to_args())

    async def set_sensor(self, key: str, value: float) -> None:
        """Make ``key`` (a wire key of §8) read ``value``, and push 11 now."""
        self.state.sensors.set(key, value)
        self.push_sensor_readings()

    async def remove_sensor(self, key: str) -> None:
        """Leave ``key`` out of the following 11 frames."""
        self.state.sensors.remove(key)

    async def push_sensors(self) -> None:
        """One 11 push now (when the faceplate is there)."""
        self.push_sensor_readings()

    async def set_names(self, names: Mapping[int, str]) -> None:
        """Rename accessories as the app would (no push: 3 has none)."""
        unknown = set(names) - set(self.variant.accessories)
        if unknown:
            raise ValueError(f"no accessories {sorted(unknown)} on a {self.variant} outlet")
        self.state.names.update(names)

    async def set_config(
        self,
        acc_prefs: Mapping[str, Any] | None = None,
        sys_prefs: Mapping[str, Any] | None = None,
    ) -> None:
        """Change configuration keys as the app would (no push); same rules as 2."""
        update = {"acc_prefs": dict(acc_prefs or {}), "sys_prefs": dict(sys_prefs or {})}
        self.state.config = merge_config(self.state.config, update)

    async def restart_faceplate(self, delay: float | None = None) -> None:
        """Restart the faceplate; returns at once, it comes back (push 12) after ``delay``."""
        if not self.start_faceplate_restart(delay):
            raise RuntimeError("the faceplate is not there to restart")

    async def swap_faceplate(self, serial: str, delay: float | None = None) -> None:
        """Fit another faceplate of the same kind: it reports ``serial`` once back."""
        if not self.variant.has_faceplate:
            raise ValueError("this outlet has no faceplate")
        self.identity = self.state.identity = replace(self.identity, faceplate_serial=serial)
        await self.restart_faceplate(delay)

    async def set_faceplate_online(self, online: bool) -> None:
        """Set ``PM.online``; an offline faceplate is silent. Pushes 12 on a change."""
        if not self.variant.has_faceplate:
            raise ValueError("this outlet has no faceplate")
        if self.state.faceplate.online == online:
            return
        self.state.faceplate.online = online
        if online:
            self._faceplate_back = asyncio.get_running_loop().time()
        else:
            self._cancel(self._calibration)
            self.state.sensors.occupancy_phase = None
        self.push_device_info()

    async def drop_connections(self) -> None:
        """Drop every client socket; the outlet keeps running and accepts new ones."""
        self._server.drop_all()

    async def send_raw(self, frame: str | bytes) -> None:
        """Send a frame verbatim (text or binary) to every client."""
        self._server.broadcast(frame)

    async def send_garbage(self) -> None:
        """Send every kind of malformed frame once to every client."""
        for frame in garbage_frames(self.serial):
            self._server.broadcast(frame)

    def set_available_versions(
        self, im: str | None = None, www: str | None = None, pm: str | None = None
    ) -> None:
        """Offer newer firmware (callback 20 reports it; 21 installs it)."""
        firmware = self.state.firmware
        if im is not None:
            firmware.im_available = im
        if www is not None:
            firmware.www_available = www
        if pm is not None:
            firmware.pm_available = pm

    def set_knob(self, name: str, value: Any) -> None:
        """Set one knob of ``timings``, ``quirks`` or ``faults`` by name, at once."""
        owner = knob_owner(name)
        target: Any = {Timings: self.timings, Quirks: self.quirks, Faults: self.faults}[owner]
        setattr(target, name, coerce_knob(name, value))

    def apply_profile(self, profile: str) -> None:
        """Switch every profile knob to the values of ``profile``, at once."""
        for name, value in profile_knobs(profile, self.variant).items():
            self.set_knob(name, value)
        self.profile = profile

    def set_mqtt_connected(self, connected: bool | None) -> None:
        """Force the simulated broker connection up or down (None: follow the config)."""
        self.state.mqtt.connected_override = connected
