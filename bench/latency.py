"""Push -> state latency and command round trips, against two floors, cold and hot.

Timed as a user's Home Assistant runs: the event loop without asyncio debug mode. Under
pytest (Home Assistant's test harness turns debug mode on for every test) the same
code measures about four times slower; set ``BENCH_LOOP_DEBUG=1`` to see that.

Four receivers, each on its own simulated Pro outlet in this process (one event loop,
one Home Assistant instance):

* floor: a bare aiohttp WebSocket client that decodes each frame with ``json.loads``;
* HA floor: the same client writing one minimal entity per frame (``floor.HaFloor``),
  timed to that entity's ``state_changed`` event;
* client: the integration's own device client (``api/``), pushes parsed into models;
* Home Assistant: the integration set up in Home Assistant, every entity enabled,
  timed to the entity's ``state_changed`` event.

Two paces, in the same sitting: the cold path leaves a gap (10 ms by default) between
samples, as real pushes come seconds apart and meet caches other work has evicted;
the hot path sends them back to back (``asyncio.sleep(0)``), every cache warm from
the sample before. The targets are for the cold path. The rounds interleave the
receivers so background load hits all of them alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import time
from typing import Any

import aiohttp
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback

from custom_components.intecular.api import IntecularClient, OutletStates, SensorReadings
from simulator import SimulatedOutlet

from . import floor as floors
from .floor import WAIT, Floor, HaFloor, Probe
from .hass import (
    coordinator,
    entity_ids,
    every_entity_enabled,
    outlet_entry,
    running_hass,
    setup_entry,
)
from .report import Rounds, Table, ms, say

SERIAL = "0019B2E7C4"
SLUG = "invisoutlet_e7c4"
OUTLET_1 = f"switch.{SLUG}_outlet_1"
OUTLET_2 = f"switch.{SLUG}_outlet_2"
TEMPERATURE = "sensor.invisdeco_pro_e7c4_temperature"

# Targets, for the cold path: what the integration may add above the HA floor (p50),
# and the switch.turn_on round trip.
ABOVE_HA_FLOOR = 0.050e-3
ROUND_TRIP_P50 = 1.0e-3
ROUND_TRIP_P99 = 1.5e-3


@dataclass(frozen=True, slots=True)
class Pace:
    """How samples follow each other: ``gap`` seconds apart, or back to back (0)."""

    cold: bool
    gap: float
    rounds: int
    samples: int

    @property
    def label(self) -> str:
        """How the table names it."""
        if self.gap > 0:
            return f"{'cold' if self.cold else 'hot'} path, {ms(self.gap)} between samples"
        return f"{'cold' if self.cold else 'hot'} path, back to back"

    def method(self, what: str) -> str:
        """How its samples were taken, for the table's notes."""
        spacing = (
            f"asyncio.sleep({self.gap:g}) before each"
            if self.gap > 0
            else "back to back (asyncio.sleep(0) before each)"
        )
        return f"{self.rounds} rounds x {self.samples} {what} per receiver, {spacing}"

    async def pause(self) -> None:
        """Wait before the next sample."""
        await asyncio.sleep(self.gap)


@dataclass(slots=True)
class Receivers:
    """The four outlets and what waits on each."""

    floor_sim: SimulatedOutlet
    ha_floor_sim: SimulatedOutlet
    client_sim: SimulatedOutlet
    ha_sim: SimulatedOutlet
    floor: Floor
    ha_floor: HaFloor
    client: IntecularClient
    client_outlets: Probe
    client_sensors: Probe
    ha_outlet: Probe
    ha_sensor: Probe

    def by_entity(self) -> dict[str, Probe]:
        """The probe each entity's state_changed event hits."""
        return {
            OUTLET_1: self.ha_outlet,
            TEMPERATURE: self.ha_sensor,
            floors.SWITCH: self.ha_floor.outlets,
            floors.TEMPERATURE: self.ha_floor.sensors,
        }


def _temperature(i: int) -> float:
    return 21.0 + (i % 2) * 0.5


def signed(seconds: float) -> str:
    """A difference in milliseconds, with its sign."""
    return f"{seconds * 1000:+.3f} ms"


async def measure(table: Table, *, paces: list[Pace]) -> None:
    """Run every latency figure at each pace and add it to the table."""
    for pace in paces:
        say(f"latency, {pace.label}: {pace.rounds} rounds x {pace.samples} samples")
    async with (
        running_hass() as hass,
        SimulatedOutlet("pro", serial="0019B2E7C1", seed=1, sensor_interval=0) as floor_sim,
        SimulatedOutlet("pro", serial="0019B2E7C3", seed=3, sensor_interval=0) as ha_floor_sim,
        SimulatedOutlet("pro", serial="0019B2E7C2", seed=2, sensor_interval=0) as client_sim,
        SimulatedOutlet("pro", serial=SERIAL, seed=7, sensor_interval=0) as ha_sim,
        aiohttp.ClientSession() as session,
        IntecularClient(client_sim.host, session, port=client_sim.port) as client,
    ):
        entry = outlet_entry(hass, ha_sim.host, ha_sim.port, ha_sim.serial)
        with every_entity_enabled():
            await setup_entry(hass, entry)
        entities = len(entity_ids(hass, [entry]))
        floor = Floor(session, floor_sim)
        ha_floor = HaFloor(session, ha_floor_sim)
        await ha_floor.add_entities(hass)
        await floor.start()
        await ha_floor.start()
        rx = Receivers(
            floor_sim,
            ha_floor_sim,
            client_sim,
            ha_sim,
            floor,
            ha_floor,
            client,
            Probe(),
            Probe(),
            Probe(),
            Probe(),
        )
        client.set_push_callback(lambda push: _client_push(rx, push))
        probes = rx.by_entity()

        @callback
        def state_changed(event: Event[Any]) -> None:
            if (probe := probes.get(event.data["entity_id"])) is not None:
                probe.hit()

        hass.bus.async_listen(EVENT_STATE_CHANGED, state_changed)
        try:
            for pace in paces:
                await _pushes(table, rx, pace, entities=entities)
            for pace in paces:
                await _commands(table, hass, rx, pace)
        finally:
            await floor.stop()
            await ha_floor.stop()
        await hass.config_entries.async_unload(entry.entry_id)


@callback
def _client_push(rx: Receivers, push: Any) -> None:
    if isinstance(push, OutletStates):
        rx.client_outlets.hit()
    elif isinstance(push, SensorReadings):
        rx.client_sensors.hit()


async def _pushes(table: Table, rx: Receivers, pace: Pace, *, entities: int) -> None:
    kinds: dict[str, Rounds] = {}
    cases: list[tuple[str, SimulatedOutlet, Probe, str]] = [
        ("floor 9", rx.floor_sim, rx.floor.outlets, "outlet"),
        ("ha floor 9", rx.ha_floor_sim, rx.ha_floor.outlets, "outlet"),
        ("client 9", rx.client_sim, rx.client_outlets, "outlet"),
        ("ha 9", rx.ha_sim, rx.ha_outlet, "outlet"),
        ("floor 11", rx.floor_sim, rx.floor.sensors, "sensor"),
        ("ha floor 11", rx.ha_floor_sim, rx.ha_floor.sensors, "sensor"),
        ("client 11", rx.client_sim, rx.client_sensors, "sensor"),
        ("ha 11", rx.ha_sim, rx.ha_sensor, "sensor"),
    ]
    for _ in range(pace.rounds):
        for name, sim, probe, kind in cases:
            samples = kinds.setdefault(name, Rounds()).new_round()
            for i in range(pace.samples):
                await pace.pause()
                if kind == "outlet":
                    trigger = _outlet_trigger(sim, i % 2 == 0)
                else:
                    trigger = _sensor_trigger(sim, _temperature(i + 1))
                samples.append(await probe.timed(trigger))
    section = f"push -> state, {pace.label}"
    how = (
        f"{pace.method('pushes')}, simulator in-process on 127.0.0.1, a Pro outlet with all"
        f" {entities} entities enabled; time from the simulator queuing the push to the"
        " entity's state_changed event (floor: to json.loads done in a bare aiohttp client;"
        " HA floor: the same client setting a minimal SwitchEntity (9) or temperature"
        " SensorEntity (11) and calling async_write_ha_state(), to that entity's"
        " state_changed event; client: to the parsed model reaching the push receiver of the"
        " integration's device client); per-round p50/p99, median over rounds, [range];"
        " 'above' = p50 minus p50. The loop runs without asyncio debug mode, as in a"
        " running Home Assistant; Home Assistant's test harness (pytest) turns it on, which"
        " makes every Home Assistant figure about 4x slower (BENCH_LOOP_DEBUG=1 shows it)"
    )
    for kind, label in (("9", "outlet push (9)"), ("11", "sensor push (11)")):
        floor, ha_floor = kinds[f"floor {kind}"], kinds[f"ha floor {kind}"]
        client, ha = kinds[f"client {kind}"], kinds[f"ha {kind}"]
        for who, data in (
            ("floor (aiohttp + json)", floor),
            ("HA floor (+ one minimal entity)", ha_floor),
            ("device client", client),
            ("Home Assistant state", ha),
        ):
            table.add(section, f"{label}, {who}", _pcts(data), how=how)
        added = ha.stat(50) - ha_floor.stat(50)
        table.add(
            section,
            f"{label}: integration above the HA floor, p50",
            signed(added),
            target=f"<= {signed(ABOVE_HA_FLOOR)}" if pace.cold else "",
            ok=added <= ABOVE_HA_FLOOR if pace.cold else None,
            how=how,
        )
        table.add(
            section,
            f"{label}: above the bare floor, p50",
            f"integration {signed(ha.stat(50) - floor.stat(50))},"
            f" HA floor {signed(ha_floor.stat(50) - floor.stat(50))}",
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


async def _commands(table: Table, hass: HomeAssistant, rx: Receivers, pace: Pace) -> None:
    """Round trips: floor (10 -> acknowledgement), device client, HA floor, integration."""
    floor, client, ha_floor, ha = Rounds(), Rounds(), Rounds(), Rounds()
    pushed = Probe()
    coord = coordinator(hass.config_entries.async_entries("intecular")[0])
    remove = coord.add_push_listener(
        lambda push: pushed.hit() if isinstance(push, OutletStates) else None
    )
    try:
        for _ in range(pace.rounds):
            samples = floor.new_round()
            for i in range(pace.samples):
                await pace.pause()
                start = time.perf_counter()
                await rx.floor.command(2, i % 2 == 0)
                samples.append(time.perf_counter() - start)
            samples = client.new_round()
            for i in range(pace.samples):
                await pace.pause()
                start = time.perf_counter()
                await rx.client.set_outlet(2, i % 2 == 0)
                samples.append(time.perf_counter() - start)
            samples = ha_floor.new_round()
            for i in range(pace.samples):
                await pace.pause()
                samples.append(
                    await _service_round_trip(
                        hass, floors.SWITCH, rx.ha_floor.outlet_frames, i % 2 == 0
                    )
                )
            samples = ha.new_round()
            for i in range(pace.samples):
                await pace.pause()
                samples.append(await _service_round_trip(hass, OUTLET_2, pushed, i % 2 == 0))
    finally:
        remove()
    section = f"command, {pace.label}"
    how = (
        f"{pace.method('commands')}, alternating on/off of outlet 2; Home Assistant:"
        " switch.turn_on/turn_off with blocking=True, until the call returned, the state"
        " showed the new value and the device's own 9 push had been processed; floor: a"
        " 10 request from a bare aiohttp client until its acknowledgement; HA floor: the"
        " same for the HA floor's minimal switch (its turn_on sends 10 through the bare"
        " client, awaits the acknowledgement and writes its state), until the 9 push"
        " arrived"
    )
    table.add(section, "round trip, floor (aiohttp + json)", _pcts(floor), how=how)
    table.add(section, "round trip, device client", _pcts(client), how=how)
    table.add(
        section, "round trip, HA floor (service call, minimal switch)", _pcts(ha_floor), how=how
    )
    table.add(section, "round trip, Home Assistant service", _pcts(ha), how=how)
    table.add(
        section,
        "round trip: integration above the HA floor, p50",
        signed(ha.stat(50) - ha_floor.stat(50)),
        how=how,
    )
    for pct, limit in ((50, ROUND_TRIP_P50), (99, ROUND_TRIP_P99)):
        value = ha.stat(pct)
        table.add(
            section,
            f"switch.turn_on/off round trip p{pct}",
            ms(value),
            target=f"<= {ms(limit)}" if pace.cold else "",
            ok=value <= limit if pace.cold else None,
            how=how,
        )


async def _service_round_trip(
    hass: HomeAssistant, entity_id: str, pushed: Probe, on: bool
) -> float:
    pushed.event.clear()
    start = time.perf_counter()
    await hass.services.async_call(
        "switch", "turn_on" if on else "turn_off", {"entity_id": entity_id}, blocking=True
    )
    returned = time.perf_counter()
    state = hass.states.get(entity_id)
    if state is None or state.state != ("on" if on else "off"):
        raise AssertionError(f"{entity_id} shows {state} after the command")
    async with asyncio.timeout(WAIT):
        await pushed.event.wait()
    return max(returned, pushed.at) - start
