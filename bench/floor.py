"""The floors: what any client pays for the same stream, measured next to the integration.

* ``Floor``: a bare aiohttp WebSocket client that receives each frame and decodes its
  JSON, nothing else;
* ``HaFloor``: the same client writing one minimal entity per frame in Home
  Assistant: a ``SwitchEntity`` for 9 (outlet 1), a temperature ``SensorEntity``
  for 11, ``async_write_ha_state()`` for each. No device, no registry entry, no
  coordinator: what the integration adds above this is its own cost. Its switch's
  ``turn_on``/``turn_off`` send 10 through the same client, wait for the
  acknowledgement and write the state: the floor of a command's round trip through
  Home Assistant's service call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import json
import random
import time
from typing import Any

import aiohttp
from homeassistant.components.sensor import (
    DATA_COMPONENT as SENSORS,
    SensorDeviceClass,
    SensorEntity,
    SensorStateClass,
)
from homeassistant.components.switch import DATA_COMPONENT as SWITCHES, SwitchEntity
from homeassistant.const import UnitOfTemperature
from homeassistant.core import HomeAssistant, callback
from homeassistant.setup import async_setup_component

from custom_components.intecular.api.protocol import Callback, build_request
from simulator import SimulatedOutlet

WAIT = 5.0  # a push that takes longer than this is lost: fail loudly
SWITCH = "switch.ha_floor_outlet"
TEMPERATURE = "sensor.ha_floor_temperature"


class Probe:
    """The moment the awaited thing arrived."""

    def __init__(self) -> None:
        """Nothing arrived yet."""
        self.event = asyncio.Event()
        self.at = 0.0

    @callback
    def hit(self) -> None:
        """Mark the arrival."""
        if not self.event.is_set():
            self.at = time.perf_counter()
            self.event.set()

    async def timed(self, trigger: Callable[[], Awaitable[None]]) -> float:
        """Seconds from just before ``trigger`` to the arrival."""
        self.event.clear()
        start = time.perf_counter()
        await trigger()
        async with asyncio.timeout(WAIT):
            await self.event.wait()
        return self.at - start


class Floor:
    """A bare aiohttp client: receive, ``json.loads``, nothing else."""

    def __init__(self, session: aiohttp.ClientSession, sim: SimulatedOutlet) -> None:
        """Not connected yet."""
        self.session, self.sim = session, sim
        self.outlets = Probe()
        self.sensors = Probe()
        self.replies: dict[int, Probe] = {}
        self.frames = 0
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Connect the way the integration does and read in a task."""
        self.ws = await self.session.ws_connect(
            self.sim.url, heartbeat=10.0, autoclose=True, autoping=True
        )
        self.task = asyncio.create_task(self._read(self.ws))

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            frame = json.loads(msg.data)
            self.frames += 1
            if (probe := self.replies.pop(frame.get("packetID"), None)) is not None:
                probe.hit()
                continue
            self.received(frame)

    def received(self, frame: dict[str, Any]) -> None:
        """A decoded frame that answers nothing of ours: mark its arrival."""
        callback_id = frame.get("payload", {}).get("callbackName")
        if callback_id == Callback.OUTLETS:
            self.outlets.hit()
        elif callback_id == Callback.SENSORS:
            self.sensors.hit()

    async def command(self, outlet: int, on: bool) -> None:
        """Send 10 and wait for its acknowledgement."""
        if self.ws is None:
            raise RuntimeError("not connected")
        packet_id = random.randint(100000, 999999)
        probe = self.replies[packet_id] = Probe()
        await self.ws.send_str(build_request(packet_id, Callback.SET_OUTLET, [outlet, int(on)]))
        async with asyncio.timeout(WAIT):
            await probe.event.wait()

    async def stop(self) -> None:
        """Close."""
        if self.ws is not None:
            await self.ws.close()
        if self.task is not None:
            await self.task


class FloorSwitch(SwitchEntity):
    """A switch that shows what it is told, and switches through the bare client."""

    _attr_should_poll = False
    _attr_name = "HA floor outlet"
    _attr_is_on = False

    def __init__(self, floor: Floor) -> None:
        """Fixed entity ID, no unique ID (so no registry entry)."""
        self.entity_id = SWITCH
        self.floor = floor

    def show(self, on: bool) -> None:
        """Take the value and write the state."""
        self._attr_is_on = on
        self.async_write_ha_state()

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Send 10 for outlet 1, wait for its acknowledgement, show it."""
        await self.floor.command(1, True)
        self.show(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Send 10 for outlet 1, wait for its acknowledgement, show it."""
        await self.floor.command(1, False)
        self.show(False)


class FloorTemperature(SensorEntity):
    """A temperature sensor that shows what it is told; nothing else."""

    _attr_should_poll = False
    _attr_name = "HA floor temperature"
    _attr_device_class = SensorDeviceClass.TEMPERATURE
    _attr_native_unit_of_measurement = UnitOfTemperature.CELSIUS
    _attr_state_class = SensorStateClass.MEASUREMENT

    def __init__(self) -> None:
        """Fixed entity ID, no unique ID (so no registry entry)."""
        self.entity_id = TEMPERATURE

    def show(self, celsius: float) -> None:
        """Take the value and write the state."""
        self._attr_native_value = celsius
        self.async_write_ha_state()


class HaFloor(Floor):
    """The floor client, writing the switch for each 9 and the sensor for each 11."""

    def __init__(self, session: aiohttp.ClientSession, sim: SimulatedOutlet) -> None:
        """Not connected, entities not added yet."""
        super().__init__(session, sim)
        self.switch = FloorSwitch(self)
        # A 9 frame arrived (also when the switch already shows what it says).
        self.outlet_frames = Probe()
        self.temperature = FloorTemperature()

    async def add_entities(self, hass: HomeAssistant) -> None:
        """Add both entities to Home Assistant's own switch and sensor components."""
        for domain in ("switch", "sensor"):
            if not await async_setup_component(hass, domain, {}):
                raise RuntimeError(f"setting up {domain} failed")
        await hass.data[SWITCHES].async_add_entities([self.switch])
        await hass.data[SENSORS].async_add_entities([self.temperature])
        await hass.async_block_till_done()

    def received(self, frame: dict[str, Any]) -> None:
        """Write the entity the frame is for; its state_changed event is the arrival."""
        payload = frame.get("payload")
        if not payload:
            return
        callback_id = payload.get("callbackName")
        if callback_id == Callback.OUTLETS:
            self.outlet_frames.hit()
            self.switch.show(bool(payload["callbackArgs"][0]))
        elif callback_id == Callback.SENSORS:
            self.temperature.show(float(payload["callbackArgs"][1]["temp_celsius"]))
