"""CPU per push and state writes per push.

Two ways, both reported:

* hot path: a frame handed straight to the live connection's frame handler
  (``Connection._handle_text``: parse, coordinator, state, entities, state machine),
  N times, timed with ``time.process_time()``; no socket;
* through the socket: the simulator (in this process) pushes N frames; the process
  CPU time of that, minus the same N frames received by the bare aiohttp floor client
  (the simulator's share is in both and cancels).
"""

from __future__ import annotations

from collections.abc import Callable
import copy
from functools import partial
import time
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import async_get_platforms

from custom_components.intecular.api.connection import Connection
from custom_components.intecular.api.protocol import Callback, build_frame
from custom_components.intecular.const import DOMAIN
from simulator import SimulatedOutlet

from .floor import Floor
from .hass import StateWrites, coordinator, outlet_entry, running_hass, setup_entry, wait_for
from .latency import SERIAL
from .report import Table, median, ms, say

TEMPERATURE = "sensor.invisdeco_pro_e7c4_temperature"
HUMIDITY = "sensor.invisdeco_pro_e7c4_humidity"
BATCH = 50


def _sensor_frame(sim: SimulatedOutlet, **changes: float) -> str:
    args: list[Any] = copy.deepcopy(sim.state.sensor_args(sim.quirks))
    args[1].update(changes)
    return build_frame(sim.serial, 123456, Callback.SENSORS, args)


async def _hot_path(hass: HomeAssistant, conn: Connection, frames: list[str], count: int) -> float:
    """CPU seconds per frame through the frame handler."""
    await hass.async_block_till_done()
    start = time.process_time()
    for i in range(count):
        conn._handle_text(frames[i % len(frames)])  # noqa: SLF001 - the hot path itself
    await hass.async_block_till_done()
    return (time.process_time() - start) / count


async def _through_socket(sim: SimulatedOutlet, frames: Callable[[], int], count: int) -> float:
    """CPU seconds per unchanged 11 push sent by ``sim`` and received by ``frames()``."""
    done = frames()
    start = time.process_time()
    for sent in range(BATCH, count + 1, BATCH):
        for _ in range(BATCH):
            sim.push_sensor_readings()
        await wait_for(partial(_arrived, frames, done + sent), 10.0, "pushes to arrive")
    return (time.process_time() - start) / count


def _arrived(frames: Callable[[], int], target: int) -> bool:
    return frames() >= target


async def measure(table: Table, *, rounds: int, pushes: int) -> None:
    """Add the per-push cost figures to the table."""
    say(f"cost: {rounds} rounds x {pushes} frames per case")
    async with (
        running_hass() as hass,
        SimulatedOutlet("pro", serial="0019B2E7C1", seed=1, sensor_interval=0) as floor_sim,
        SimulatedOutlet("pro", serial=SERIAL, seed=7, sensor_interval=0) as sim,
        aiohttp.ClientSession() as session,
    ):
        entry = outlet_entry(hass, sim.host, sim.port, sim.serial)
        await setup_entry(hass, entry)
        conn = coordinator(entry).client
        floor = Floor(session, floor_sim)
        await floor.start()
        writes = StateWrites(hass)
        cases = {
            "unchanged sensor push (11)": [_sensor_frame(sim)],
            "sensor push changing 2 readings (11)": [
                _sensor_frame(sim, temp_celsius=20.5, humidity=40.5),
                _sensor_frame(sim, temp_celsius=21.5, humidity=41.5),
            ],
            "outlet push changing 1 outlet (9)": [
                build_frame(sim.serial, 123457, Callback.OUTLETS, [1, 0]),
                build_frame(sim.serial, 123458, Callback.OUTLETS, [0, 0]),
            ],
        }
        results: dict[str, list[float]] = {name: [] for name in cases}
        written: dict[str, tuple[float, set[str]]] = {}
        for name, frames in cases.items():
            for frame in frames:  # warm up: the entity states now alternate between these
                conn._handle_text(frame)  # noqa: SLF001
            await hass.async_block_till_done()
            writes.reset()
            for _ in range(rounds):
                results[name].append(await _hot_path(hass, conn, frames, pushes))
            written[name] = (writes.total / (rounds * pushes), set(writes.by_entity))
        socket_ha: list[float] = []
        socket_floor: list[float] = []
        conn._handle_text(_sensor_frame(sim))  # noqa: SLF001 - back to the simulator's readings
        await hass.async_block_till_done()
        writes.reset()
        for _ in range(rounds):
            socket_floor.append(await _through_socket(floor_sim, lambda: floor.frames, pushes))
            socket_ha.append(await _through_socket(sim, lambda: conn.stats.frames, pushes))
        socket_writes = writes.total
        everything = _write_everything_cost(hass, rounds, pushes // 10)
        writes.stop()
        await floor.stop()
        await hass.config_entries.async_unload(entry.entry_id)

    how_hot = (
        f"{rounds} rounds x {pushes} frames handed to Connection._handle_text of the live"
        " connection (parse, coordinator, state, entities, state machine), process CPU"
        " time per frame, median over rounds; writes = state_changed + state_reported events"
    )
    for name, values in results.items():
        per_push, entities = written[name]
        shown = ", ".join(sorted(e.split(".", 1)[1] for e in entities)) or "none"
        table.add("cost", f"{name}: CPU per push (hot path)", ms(median(values)), how=how_hot)
        table.add("cost", f"{name}: state writes per push", f"{per_push:g} ({shown})", how=how_hot)
    unchanged = "unchanged sensor push (11)"
    table.add(
        "cost",
        "unchanged sensor push writes no state",
        f"{written[unchanged][0]:g} writes",
        target="0",
        ok=written[unchanged][0] == 0,
        how=how_hot,
    )
    two = "sensor push changing 2 readings (11)"
    table.add(
        "cost",
        "2 changed readings write exactly those 2 entities",
        f"{written[two][0]:g} writes/push to {len(written[two][1])} entities",
        target="2 (temperature, humidity)",
        ok=written[two][0] == 2 and written[two][1] == {TEMPERATURE, HUMIDITY},
        how=how_hot,
    )
    how_socket = (
        f"{rounds} rounds x {pushes} unchanged 11 pushes sent over the socket in bursts of"
        f" {BATCH}; process CPU time per push for Home Assistant minus the same for the"
        " bare aiohttp floor client (simulator in-process, its cost cancels)"
    )
    added = median(socket_ha) - median(socket_floor)
    table.add(
        "cost",
        "unchanged sensor push: CPU above floor (through the socket)",
        f"{ms(added)} (Home Assistant {ms(median(socket_ha))}, floor"
        f" {ms(median(socket_floor))}; {socket_writes} writes)",
        target="<= 0.100 ms",
        ok=added <= 0.1e-3 and socket_writes == 0,
        how=how_socket,
    )
    count, cost = everything
    table.add(
        "cost",
        f"for comparison: writing all {count} entities of the outlet once",
        ms(cost),
        how="async_write_ha_state() on every entity of the Pro outlet, CPU per pass:"
        " what a push costs an integration that writes every entity on every push",
    )


def _write_everything_cost(hass: HomeAssistant, rounds: int, passes: int) -> tuple[int, float]:
    entities = [e for p in async_get_platforms(hass, DOMAIN) for e in p.entities.values()]
    values = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(passes):
            for entity in entities:
                entity.async_write_ha_state()
        values.append((time.process_time() - start) / passes)
    return len(entities), median(values)
