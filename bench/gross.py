"""Gross CPU: what Home Assistant's process pays per 1,000 sensor pushes, next to the floor.

20 Pro outlets in a child process (their CPU is not counted) push 11 at 20 Hz each.
The same stream goes first to a bare aiohttp client in this process (one WebSocket per
outlet, ``json.loads`` of every frame: the floor), then to the integration in Home
Assistant. Each window is ``time.process_time()`` of this whole process (socket,
JSON, event loop, everything), minus an idle window of the same length with the
outlets connected but silent, per 1,000 frames received.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json

import aiohttp

from . import scale
from .hass import StateWrites, coordinator, running_hass
from .report import CpuMeter, Table, median, say
from .simproc import SimProcess

OUTLETS = 20
INTERVAL = 0.05  # 20 Hz per outlet
SETTLE = 2.0
MODES: tuple[tuple[str, str, list[str], float], ...] = (
    ("unchanged", "unchanged sensor pushes", [], 0.15),
    (
        "two",
        "sensor pushes, temperature and humidity changing on every push",
        ["temp_celsius", "humidity"],
        0.40,
    ),
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
    """CPU seconds per 1,000 frames above an idle window; and the frames of the window."""
    await sim.command(do="pushes", on=False)
    await asyncio.sleep(SETTLE / 2)
    meter = CpuMeter()
    await asyncio.sleep(seconds)
    idle, _ = meter.stop()
    await sim.command(do="drift", on=bool(keys), keys=keys)
    await sim.command(do="pushes", on=True)
    await asyncio.sleep(SETTLE)
    before = frames()
    started()
    meter = CpuMeter()
    await asyncio.sleep(seconds)
    busy, _ = meter.stop()
    count = frames() - before
    return (busy - idle) / count * 1000 if count else float("inf"), count


async def measure(table: Table, *, rounds: int, seconds: float) -> None:
    """Floor first, then Home Assistant, on the same outlets; ``rounds`` windows each."""
    say(
        f"gross CPU: {OUTLETS} outlets pushing 11 at {1 / INTERVAL:.0f} Hz,"
        f" {rounds} x {seconds:.0f} s"
    )
    sim = SimProcess(OUTLETS, seed=3000, sensor_interval=INTERVAL)
    await sim.start()
    floor: dict[str, list[float]] = {mode: [] for mode, *_ in MODES}
    ha: dict[str, list[float]] = {mode: [] for mode, *_ in MODES}
    writes_per_push: dict[str, float] = {}
    try:
        async with aiohttp.ClientSession() as session:
            count = [0]
            sockets = [
                await session.ws_connect(f"ws://127.0.0.1:{port}/ws") for _, port in sim.outlets
            ]
            readers = [asyncio.create_task(_floor_reader(ws, count)) for ws in sockets]
            for _ in range(rounds):
                for mode, _label, keys, _target in MODES:
                    cpu, _ = await _cpu_per_1000(sim, lambda: count[0], keys, seconds)
                    floor[mode].append(cpu)
            for ws in sockets:
                await ws.close()
            await asyncio.gather(*readers, return_exceptions=True)
        async with running_hass() as hass:
            entries, _, _ = await scale._start_all(hass, sim, timeout=120.0)  # noqa: SLF001
            await asyncio.sleep(SETTLE)
            writes = StateWrites(hass)

            def frames() -> int:
                return sum(coordinator(entry).client.stats.frames for entry in entries)

            for _ in range(rounds):
                for mode, _label, keys, _target in MODES:
                    cpu, pushes = await _cpu_per_1000(sim, frames, keys, seconds, writes.reset)
                    ha[mode].append(cpu)
                    writes_per_push[mode] = writes.total / pushes if pushes else 0.0
            writes.stop()
            for entry in entries:
                await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await sim.stop()
    how = (
        f"{OUTLETS} simulated Pro outlets in a child process pushing 11 at"
        f" {1 / INTERVAL:.0f} Hz each; windows of {seconds:.0f} s, {rounds} per figure"
        " (median): time.process_time() of the whole Home Assistant process minus an idle"
        " window of the same length (outlets connected, silent), per 1,000 frames received."
        " Floor: a bare aiohttp client per outlet in the same process, json.loads of each"
        " frame, measured the same way just before"
    )
    for mode, label, _keys, target in MODES:
        mine, base = median(ha[mode]), median(floor[mode])
        table.add("gross CPU", f"floor (aiohttp + json), {label}", f"{base:.3f} s / 1,000", how=how)
        budget = f"<= {target:.2f} s" + (" and <= 2x floor" if mode == "unchanged" else "")
        ok = mine <= target and (mode != "unchanged" or mine <= 2 * base)
        table.add(
            "gross CPU",
            f"Home Assistant, {label}",
            f"{mine:.3f} s / 1,000 ({mine / base:.1f}x floor); state writes per push"
            f" {writes_per_push[mode]:.2f}",
            target=budget,
            ok=ok,
            how=how,
        )
