"""Push -> state latency and command round trips, against the floor of a bare aiohttp client.

Timed as a user's Home Assistant runs: the event loop without asyncio debug mode. Under
pytest (Home Assistant's test harness turns debug mode on for every test) the same
code measures about four times slower; set ``BENCH_LOOP_DEBUG=1`` to see that.

Three receivers, each on its own simulated outlet in this process (one event loop):

* floor: a bare aiohttp WebSocket client that decodes each frame with ``json.loads``;
* client: the integration's own device client (``api/``), pushes parsed into models;
* Home Assistant: the integration set up in Home Assistant, timed to the entity's
  ``state_changed`` event.

The rounds interleave the receivers so background load hits all of them alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import json
import random
import time
from typing import Any
from unittest.mock import PropertyMock, patch

import aiohttp
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback

from custom_components.intecular.api import IntecularClient, OutletStates, SensorReadings
from custom_components.intecular.api.protocol import Callback, build_request
from simulator import SimulatedOutlet

from .hass import coordinator, entity_ids, outlet_entry, running_hass, setup_entry
from .report import Rounds, Table, ms, say

SERIAL = "0019B2E7C4"
SLUG = "invisoutlet_e7c4"
OUTLET_1 = f"switch.{SLUG}_outlet_1"
OUTLET_2 = f"switch.{SLUG}_outlet_2"
TEMPERATURE = "sensor.invisdeco_pro_e7c4_temperature"
WAIT = 5.0  # a push that takes longer than this is lost: fail loudly


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


@dataclass(slots=True)
class Receivers:
    """The three outlets and what waits on each."""

    floor_sim: SimulatedOutlet
    client_sim: SimulatedOutlet
    ha_sim: SimulatedOutlet
    floor: Floor
    client: IntecularClient
    client_outlets: Probe
    client_sensors: Probe
    ha_outlet: Probe
    ha_sensor: Probe


def _temperature(i: int) -> float:
    return 21.0 + (i % 2) * 0.5


async def measure(table: Table, *, rounds: int, pushes: int) -> None:
    """Run every latency figure and add it to the table."""
    say(f"latency: {rounds} rounds x {pushes} pushes per receiver")
    async with (
        running_hass() as hass,
        SimulatedOutlet("pro", serial="0019B2E7C1", seed=1, sensor_interval=0) as floor_sim,
        SimulatedOutlet("pro", serial="0019B2E7C2", seed=2, sensor_interval=0) as client_sim,
        SimulatedOutlet("pro", serial=SERIAL, seed=7, sensor_interval=0) as ha_sim,
        aiohttp.ClientSession() as session,
        IntecularClient(client_sim.host, session, port=client_sim.port) as client,
    ):
        entry = outlet_entry(hass, ha_sim.host, ha_sim.port, ha_sim.serial)
        # Every entity enabled (a Pro outlet has about 50), as a user who wants them all
        # has them: a push that woke every entity would cost in proportion.
        with patch(
            "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
            new_callable=PropertyMock,
            return_value=True,
        ):
            await setup_entry(hass, entry)
        entities = len(entity_ids(hass, [entry]))
        floor = Floor(session, floor_sim)
        await floor.start()
        rx = Receivers(
            floor_sim, client_sim, ha_sim, floor, client, Probe(), Probe(), Probe(), Probe()
        )
        client.set_push_callback(lambda push: _client_push(rx, push))

        @callback
        def state_changed(event: Event[Any]) -> None:
            _state_changed(rx, event)

        hass.bus.async_listen(EVENT_STATE_CHANGED, state_changed)
        try:
            await _pushes(table, hass, rx, rounds, pushes, entities=entities)
            await _commands(table, hass, rx, rounds, max(pushes // 2, 50))
        finally:
            await floor.stop()
        await hass.config_entries.async_unload(entry.entry_id)


@callback
def _client_push(rx: Receivers, push: Any) -> None:
    if isinstance(push, OutletStates):
        rx.client_outlets.hit()
    elif isinstance(push, SensorReadings):
        rx.client_sensors.hit()


@callback
def _state_changed(rx: Receivers, event: Event[Any]) -> None:
    entity_id = event.data["entity_id"]
    if entity_id == OUTLET_1:
        rx.ha_outlet.hit()
    elif entity_id == TEMPERATURE:
        rx.ha_sensor.hit()


async def _pushes(
    table: Table, hass: HomeAssistant, rx: Receivers, rounds: int, pushes: int, *, entities: int
) -> None:
    kinds: dict[str, Rounds] = {}
    cases: list[tuple[str, SimulatedOutlet, Probe, str]] = [
        ("floor 9", rx.floor_sim, rx.floor.outlets, "outlet"),
        ("client 9", rx.client_sim, rx.client_outlets, "outlet"),
        ("ha 9", rx.ha_sim, rx.ha_outlet, "outlet"),
        ("floor 11", rx.floor_sim, rx.floor.sensors, "sensor"),
        ("client 11", rx.client_sim, rx.client_sensors, "sensor"),
        ("ha 11", rx.ha_sim, rx.ha_sensor, "sensor"),
    ]
    for _ in range(rounds):
        for name, sim, probe, kind in cases:
            samples = kinds.setdefault(name, Rounds()).new_round()
            for i in range(pushes):
                if kind == "outlet":
                    trigger = _outlet_trigger(sim, i % 2 == 0)
                else:
                    trigger = _sensor_trigger(sim, _temperature(i + 1))
                samples.append(await probe.timed(trigger))
                await asyncio.sleep(0)
    how = (
        f"{rounds} rounds x {pushes} pushes each, simulator in-process on 127.0.0.1,"
        f" a Pro outlet with all {entities} entities enabled;"
        " time from the simulator queuing the push to the entity's state_changed event"
        " (floor: to json.loads done in a bare aiohttp client; client: to the parsed model"
        " reaching a subscriber of the integration's device client); per-round p50/p99,"
        " median over rounds, [range]. The loop runs without asyncio debug mode, as in a"
        " running Home Assistant; Home Assistant's test harness (pytest) turns it on, which"
        " makes every Home Assistant figure about 4x slower (BENCH_LOOP_DEBUG=1 shows it):"
        " the main reason why measurements under pytest read higher than this bench"
    )
    for kind, label, budget in (
        ("9", "outlet push (9)", 0.15e-3),
        ("11", "sensor push (11)", 0.2e-3),
    ):
        floor, client, ha = kinds[f"floor {kind}"], kinds[f"client {kind}"], kinds[f"ha {kind}"]
        for who, data in (("floor (aiohttp + json)", floor), ("device client", client)):
            table.add("push -> state", f"{label}, {who}", _pcts(data), how=how)
        table.add("push -> state", f"{label}, Home Assistant state", _pcts(ha), how=how)
        added = ha.stat(50) - floor.stat(50)
        table.add(
            "push -> state",
            f"{label}: added above floor, p50",
            ms(added),
            target=f"<= {ms(budget)}",
            ok=added <= budget,
            how=how,
        )
        table.add(
            "push -> state",
            f"{label}: Home Assistant p99",
            ms(ha.stat(99)),
            target="<= 1.5 ms",
            ok=ha.stat(99) <= 1.5e-3,
            how=how,
        )


def _pcts(data: Rounds) -> str:
    lo50, hi50 = data.spread(50)
    lo99, hi99 = data.spread(99)
    return (
        f"p50 {ms(data.stat(50))} [{ms(lo50)}-{ms(hi50)}],"
        f" p99 {ms(data.stat(99))} [{ms(lo99)}-{ms(hi99)}]"
    )


def _outlet_trigger(sim: SimulatedOutlet, on: bool) -> Callable[[], Awaitable[None]]:
    return lambda: sim.set_outlet(1, on)


def _sensor_trigger(sim: SimulatedOutlet, value: float) -> Callable[[], Awaitable[None]]:
    return lambda: sim.set_sensor("temp_celsius", value)


async def _commands(
    table: Table, hass: HomeAssistant, rx: Receivers, rounds: int, count: int
) -> None:
    """Round trips: floor (10 -> acknowledgement), device client, Home Assistant service."""
    floor, client, ha = Rounds(), Rounds(), Rounds()
    pushed = Probe()
    coord = coordinator(hass.config_entries.async_entries("intecular")[0])
    remove = coord.add_push_listener(
        lambda push: pushed.hit() if isinstance(push, OutletStates) else None
    )
    try:
        for _ in range(rounds):
            samples = floor.new_round()
            for i in range(count):
                start = time.perf_counter()
                await rx.floor.command(2, i % 2 == 0)
                samples.append(time.perf_counter() - start)
            samples = client.new_round()
            for i in range(count):
                start = time.perf_counter()
                await rx.client.set_outlet(2, i % 2 == 0)
                samples.append(time.perf_counter() - start)
            samples = ha.new_round()
            for i in range(count):
                samples.append(await _service_round_trip(hass, pushed, i % 2 == 0))
    finally:
        remove()
    how = (
        f"{rounds} rounds x {count} commands, alternating on/off of outlet 2; Home Assistant:"
        " switch.turn_on/turn_off with blocking=True, until the call returned, the state"
        " showed the new value and the device's own 9 push had been processed; floor: a"
        " 10 request from a bare aiohttp client until its acknowledgement"
    )
    table.add("command", "round trip, floor (aiohttp + json)", _pcts(floor), how=how)
    table.add("command", "round trip, device client", _pcts(client), how=how)
    table.add("command", "round trip, Home Assistant service", _pcts(ha), how=how)
    table.add(
        "command",
        "service round trip p50",
        ms(ha.stat(50)),
        target="<= 1.0 ms",
        ok=ha.stat(50) <= 1.0e-3,
        how=how,
    )
    table.add(
        "command",
        "service round trip p99",
        ms(ha.stat(99)),
        target="<= 1.5 ms",
        ok=ha.stat(99) <= 1.5e-3,
        how=how,
    )


async def _service_round_trip(hass: HomeAssistant, pushed: Probe, on: bool) -> float:
    pushed.event.clear()
    start = time.perf_counter()
    await hass.services.async_call(
        "switch", "turn_on" if on else "turn_off", {"entity_id": OUTLET_2}, blocking=True
    )
    returned = time.perf_counter()
    state = hass.states.get(OUTLET_2)
    if state is None or state.state != ("on" if on else "off"):
        raise AssertionError(f"{OUTLET_2} shows {state} after the command")
    async with asyncio.timeout(WAIT):
        await pushed.event.wait()
    return max(returned, pushed.at) - start
