"""Gross CPU: what Home Assistant's process pays per 1,000 sensor pushes, next to the floor.

Pro outlets in a child process (their CPU is not counted) push 11, at two paces:

* cold path: one outlet pushes every ``gap`` (10 ms by default): each frame arrives
  after a pause, as real pushes do;
* hot path: 20 outlets push at 20 Hz each (400 frames/s, arriving close together).

The same stream goes first to a bare aiohttp client in this process (one WebSocket per
outlet, ``json.loads`` of every frame: the floor), then to the integration in Home
Assistant, every entity enabled. Each window is ``time.process_time()`` of this whole
process (socket, JSON, event loop, everything), minus the idle CPU of the same length
(outlets connected but silent), per 1,000 frames received. The idle window lasts at
most ``IDLE`` seconds (its CPU scaled to the busy window's length): longer, and the
integration's sensor silence watchdog (15 s) would mark the sensors unavailable in it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import json

import aiohttp

from . import scale
from .hass import StateWrites, coordinator, every_entity_enabled, running_hass
from .report import CpuMeter, Table, median, ms, say
from .simproc import SimProcess

OUTLETS = 20
INTERVAL = 0.05  # hot path: 20 Hz per outlet
SETTLE = 2.0
IDLE = 8.0  # seconds of the idle window at most: well within the 15 s silence watchdog
# mode, label, readings that change on every push, target on the cold path (s / 1,000)
MODES: tuple[tuple[str, str, list[str], float], ...] = (
    ("unchanged", "unchanged sensor pushes", [], 0.12),
    (
        "two",
        "sensor pushes, temperature and humidity changing on every push",
        ["temp_celsius", "humidity"],
        0.35,
    ),
)


@dataclass(frozen=True, slots=True)
class Pace:
    """How many outlets push, how often, and for how long a window."""

    cold: bool
    outlets: int
    interval: float
    seconds: float

    @property
    def label(self) -> str:
        """How the table names it."""
        if self.outlets == 1:
            return (
                f"{'cold' if self.cold else 'hot'} path, 1 outlet pushing every {ms(self.interval)}"
            )
        return (
            f"{'cold' if self.cold else 'hot'} path, {self.outlets} outlets pushing every"
            f" {ms(self.interval)} ({self.outlets / self.interval:.0f} frames/s)"
        )


async def _floor_reader(ws: aiohttp.ClientWebSocketResponse, frames: list[int]) -> None:
    async for msg in ws:
        json.loads(msg.data)
        frames[0] += 1


async def _cpu_per_1000(
    sim: SimProcess,
    frames: Callable[[], int],
    keys: list[str],
    seconds: float,
    started: Callable[[], None] = lambda: None,
) -> tuple[float, int]:
    """CPU seconds per 1,000 frames above the idle CPU; and the frames of the window."""
    await sim.command(do="pushes", on=False)
    await asyncio.sleep(SETTLE / 2)
    meter = CpuMeter()
    await asyncio.sleep(min(seconds, IDLE))
    idle, idle_wall = meter.stop()
    await sim.command(do="drift", on=bool(keys), keys=keys)
    await sim.command(do="pushes", on=True)
    await asyncio.sleep(SETTLE)
    before = frames()
    started()
    meter = CpuMeter()
    await asyncio.sleep(seconds)
    busy, wall = meter.stop()
    count = frames() - before
    above = busy - idle * wall / idle_wall
    return above / count * 1000 if count else float("inf"), count


@dataclass(slots=True)
class Figures:
    """One pace's windows: floor and Home Assistant, per mode."""

    floor: dict[str, list[float]] = field(default_factory=dict)
    ha: dict[str, list[float]] = field(default_factory=dict)
    writes_per_push: dict[str, float] = field(default_factory=dict)
    states: int = 0


async def _measure_pace(pace: Pace, rounds: int) -> Figures:
    """Floor first, then Home Assistant, on the same outlets; ``rounds`` windows each."""
    figures = Figures()
    sim = SimProcess(pace.outlets, seed=3000, sensor_interval=pace.interval)
    await sim.start()
    try:
        async with aiohttp.ClientSession() as session:
            count = [0]
            sockets = [
                await session.ws_connect(f"ws://127.0.0.1:{port}/ws") for _, port in sim.outlets
            ]
            readers = [asyncio.create_task(_floor_reader(ws, count)) for ws in sockets]
            for _ in range(rounds):
                for mode, _label, keys, _target in MODES:
                    cpu, _ = await _cpu_per_1000(sim, lambda: count[0], keys, pace.seconds)
                    figures.floor.setdefault(mode, []).append(cpu)
            for ws in sockets:
                await ws.close()
            await asyncio.gather(*readers, return_exceptions=True)
        async with running_hass() as hass:
            with every_entity_enabled():
                entries, _, _ = await scale._start_all(hass, sim, timeout=180.0)  # noqa: SLF001
            figures.states = len(hass.states.async_entity_ids())
            await asyncio.sleep(SETTLE)
            writes = StateWrites(hass)

            def frames() -> int:
                return sum(coordinator(entry).client.stats.frames for entry in entries)

            for _ in range(rounds):
                for mode, _label, keys, _target in MODES:
                    cpu, pushes = await _cpu_per_1000(sim, frames, keys, pace.seconds, writes.reset)
                    figures.ha.setdefault(mode, []).append(cpu)
                    figures.writes_per_push[mode] = writes.total / pushes if pushes else 0.0
            writes.stop()
            for entry in entries:
                await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await sim.stop()
    return figures


async def measure(table: Table, *, rounds: int, seconds: float, gap: float) -> None:
    """Each pace with its own outlets and Home Assistant; floor and integration in turn."""
    paces = (
        # fewer frames per second: a longer window, for enough frames
        Pace(cold=True, outlets=1, interval=gap, seconds=2 * seconds),
        Pace(cold=False, outlets=OUTLETS, interval=INTERVAL, seconds=seconds),
    )
    for pace in paces:
        say(f"gross CPU, {pace.label}: {rounds} x {pace.seconds:.0f} s")
        figures = await _measure_pace(pace, rounds)
        how = (
            f"{pace.label}: simulated Pro outlets in a child process pushing 11; Home"
            f" Assistant with every entity enabled ({figures.states} states); windows of"
            f" {pace.seconds:.0f} s, {rounds} per figure (median): time.process_time() of the"
            " whole Home Assistant process minus its idle CPU over the same length (outlets"
            f" connected, silent; measured over at most {IDLE:.0f} s and scaled), per 1,000"
            " frames received. Floor: a bare aiohttp client per outlet in the same process,"
            " json.loads of each frame, measured the same way just before"
        )
        section = f"gross CPU, {pace.label}"
        for mode, label, _keys, target in MODES:
            mine, base = median(figures.ha[mode]), median(figures.floor[mode])
            table.add(section, f"floor (aiohttp + json), {label}", f"{base:.3f} s / 1,000", how=how)
            table.add(
                section,
                f"Home Assistant, {label}",
                f"{mine:.3f} s / 1,000 ({mine / base:.1f}x floor); state writes per push"
                f" {figures.writes_per_push[mode]:.2f}",
                target=f"<= {target:.2f} s" if pace.cold else "",
                ok=mine <= target if pace.cold else None,
                how=how,
            )
