"""The InvisOutlet API, one typed method per callback."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .connection import Connection
from .errors import FrameError, IntecularCommandRefusedError, IntecularProtocolError
from .models import (
    AccessoryNames,
    AvailableUpdates,
    ColorLight,
    DeviceConfig,
    Nightlight,
    OutletInfo,
    OutletStates,
    SensorReadings,
)
from .protocol import Callback, LightSelector, MqttCommand, OtaMethod, OtaTarget


class IntecularClient(Connection):
    """Client for one outlet: the connection plus every callback of the API."""

    async def _fetch(
        self,
        callback: Callback,
        args: Any = None,
        timeout: float | None = None,
        *,
        background: bool = False,
    ) -> Any:
        frame = await self.request(callback, args, timeout=timeout, background=background)
        if frame is None or frame.callback is None:
            raise IntecularProtocolError(f"the reply to callback {int(callback)} has no data")
        return frame.args

    @staticmethod
    def _parse[T](parser: Callable[[Any], T], args: Any, callback: Callback) -> T:
        try:
            return parser(args)
        except FrameError as err:
            raise IntecularProtocolError(
                f"malformed reply to callback {int(callback)}: {err}"
            ) from err

    async def _get[T](
        self,
        callback: Callback,
        parser: Callable[[Any], T],
        args: Any = None,
        *,
        background: bool = False,
    ) -> T:
        args = await self._fetch(callback, args, background=background)
        return self._parse(parser, args, callback)

    # --- the API, callback by callback --------------------------------------------
    # A read with ``background=True`` is work nobody waits for: it takes the background
    # lane (scheduler.py), so it never holds up a command.

    async def get_config(self, *, background: bool = False) -> DeviceConfig:
        """1: the device configuration."""
        return await self._get(Callback.GET_CONFIG, DeviceConfig.from_args, background=background)

    async def set_config(
        self,
        acc_prefs: Mapping[str, Any] | None = None,
        sys_prefs: Mapping[str, Any] | None = None,
    ) -> None:
        """2: change some configuration keys (partial update)."""
        update: dict[str, Any] = {}
        if acc_prefs:
            update["acc_prefs"] = dict(acc_prefs)
        if sys_prefs:
            update["sys_prefs"] = dict(sys_prefs)
        await self.request(Callback.SET_CONFIG, [update])

    async def get_accessory_names(self, *, background: bool = False) -> AccessoryNames:
        """3: names the user gave the outlets and the nightlight."""
        return await self._get(
            Callback.GET_ACCESSORY_NAMES, AccessoryNames.from_args, background=background
        )

    async def set_accessory_names(self, names: AccessoryNames) -> None:
        """4: rename accessories (send the full list)."""
        await self.request(Callback.SET_ACCESSORY_NAMES, names.to_args())

    async def restart(self) -> None:
        """5: restart the outlet; it drops the socket and answers nothing."""
        await self.send(Callback.RESTART)

    async def reset_network(self) -> None:
        """6: forget the Wi-Fi settings; the outlet leaves the network."""
        await self.send(Callback.RESET_NETWORK)

    async def factory_reset(self) -> None:
        """7: return the outlet to factory defaults."""
        await self.send(Callback.FACTORY_RESET)

    async def get_outlets(self, *, background: bool = False) -> OutletStates:
        """9: power state of both outlets."""
        return await self._get(Callback.OUTLETS, OutletStates.from_args, background=background)

    async def set_outlet(self, outlet: int, on: bool) -> None:
        """10: switch outlet 1 or 2."""
        if outlet not in (1, 2):
            raise ValueError(f"outlet must be 1 or 2, not {outlet}")
        await self.request(Callback.SET_OUTLET, [outlet, int(on)])

    async def get_sensors(self, *, background: bool = False) -> SensorReadings:
        """11: the faceplate's sensor readings."""
        return await self._get(Callback.SENSORS, SensorReadings.from_args, background=background)

    async def get_device_info(self, *, background: bool = False) -> OutletInfo:
        """12: serials, models and firmware of the outlet and its faceplate."""
        return await self._get(Callback.DEVICE_INFO, OutletInfo.from_args, background=background)

    async def set_nightlight(self, on: bool, brightness: int) -> None:
        """14: the Pro's nightlight; brightness 0-100."""
        await self.request(Callback.SET_NIGHTLIGHT, [int(on), max(0, min(100, brightness))])

    async def get_nightlight(self, *, background: bool = False) -> Nightlight:
        """15: the Pro's nightlight."""
        return await self._get(Callback.NIGHTLIGHT, Nightlight.from_args, background=background)

    async def set_color_light(self, light: ColorLight) -> None:
        """17: set a colour array (static colour, temperature or an effect)."""
        await self.request(Callback.SET_COLOR_LIGHT, light.to_args(command=True))

    async def get_color_light(
        self, selector: LightSelector, *, background: bool = False
    ) -> ColorLight | None:
        """18: one colour array; None when the faceplate has no such array."""
        args = await self._fetch(Callback.COLOR_LIGHT, [int(selector)], background=background)
        if not isinstance(args, list) or len(args) < 3:
            return None
        return self._parse(ColorLight.from_args, args, Callback.COLOR_LIGHT)

    async def get_available_updates(
        self, timeout: float | None = None, *, background: bool = False
    ) -> AvailableUpdates:
        """20: installed and newest firmware, as the outlet knows them.

        The outlet asks its maker's server before it answers; ``timeout`` allows for that.
        """
        args = await self._fetch(Callback.AVAILABLE_UPDATES, timeout=timeout, background=background)
        return self._parse(AvailableUpdates.from_args, args, Callback.AVAILABLE_UPDATES)

    async def perform_update(
        self,
        target: OtaTarget,
        method: OtaMethod = OtaMethod.VIA_OUTLET,
        timeout: float | None = None,
    ) -> None:
        """21: start a firmware update; progress and results arrive as pushes.

        An outlet on hardware revB restarts at once instead of replying, and an outlet
        busy downloading may never reply: a dropped socket counts as "maybe started"
        (no error), and a caller that gives up waiting after ``timeout`` should too.
        """
        if target not in (OtaTarget.OUTLET, OtaTarget.FACEPLATE):
            raise ValueError(f"cannot update {target!r}")
        outlet = target is OtaTarget.OUTLET
        await self.request(
            Callback.PERFORM_UPDATE,
            [int(target), 0 if outlet else int(method)],
            timeout=timeout,
            ack_on_disconnect=True,
        )

    async def restart_faceplate(self) -> None:
        """24: restart the faceplate; the outlet stays connected."""
        await self.request(Callback.RESTART_FACEPLATE)

    async def reset_faceplate(self) -> None:
        """25: reset the faceplate (clears its air-quality calibration)."""
        await self.request(Callback.RESET_FACEPLATE)

    async def calibrate_occupancy(self, seconds: int) -> None:
        """26: learn the empty room for ``seconds`` (30-60), starting 10 s from now."""
        await self.request(Callback.CALIBRATE_OCCUPANCY, [int(seconds)])

    async def check_mqtt(self, *, background: bool = False) -> bool:
        """27/0: whether the outlet is connected to its MQTT broker."""
        try:
            await self.request(
                Callback.MQTT, [int(MqttCommand.CHECK_CONNECTION)], background=background
            )
        except IntecularCommandRefusedError:
            return False
        return True

    async def send_mqtt_discovery(self, send: bool = True) -> None:
        """27/2, or 27/1 with ``send=False``: publish or clear the MQTT discovery payload."""
        command = MqttCommand.SEND_DISCOVERY if send else MqttCommand.CLEAR_DISCOVERY
        await self.request(Callback.MQTT, [int(command)])

    async def calibrate_temperature_humidity(self, celsius: float, humidity: float) -> None:
        """28: tell the faceplate the true temperature (°C) and relative humidity (%)."""
        await self.request(
            Callback.CALIBRATE_TEMPERATURE_HUMIDITY,
            [round(celsius * 1000), round(humidity * 1000)],
        )
