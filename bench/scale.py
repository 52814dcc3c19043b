"""Many outlets: CPU, state writes and memory under 1 Hz sensor pushes; start-up time."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
import time
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from custom_components.intecular.api import scheduler
from custom_components.intecular.const import DOMAIN

from .hass import (
    StateWrites,
    all_available,
    all_loaded,
    coordinator,
    entity_ids,
    outlet_entry,
    running_hass,
    wait_for,
)
from .report import CpuMeter, Table, median, rss_mib, say
from .simproc import SimProcess

SETTLE = 5.0
# "No cap" for the comparison: more than an outlet ever has in flight.
UNCAPPED = 1000


async def _start_all(
    hass: HomeAssistant, sim: SimProcess, timeout: float
) -> tuple[list[ConfigEntry], float, float]:
    """Add an entry per simulated outlet and set the integration up, as at a start.

    Returns the entries, the seconds until every entry was loaded, and until every
    entity showed a state other than unavailable.
    """
    entries: list[ConfigEntry] = [
        outlet_entry(hass, "127.0.0.1", port, serial) for serial, port in sim.outlets
    ]
    start = time.monotonic()
    setup = asyncio.create_task(async_setup_component(hass, DOMAIN, {}))
    await wait_for(lambda: all_loaded(entries), timeout, "every entry to load", poll=0.005)
    loaded = time.monotonic() - start
    ids = entity_ids(hass, entries)
    await wait_for(lambda: all_available(hass, ids), timeout, "every entity", poll=0.005)
    available = time.monotonic() - start
    if not await setup:
        raise RuntimeError("setting up the integration failed")
    return entries, loaded, available


async def measure(table: Table, *, outlets: int, seconds: float) -> None:
    """200 outlets (by default), each pushing sensors at 1 Hz."""
    say(f"scale: {outlets} outlets pushing sensors at 1 Hz, windows of {seconds:.0f} s")
    sim = SimProcess(outlets, seed=2000, sensor_interval=1.0)
    await sim.start()
    try:
        async with running_hass() as hass:
            entries, _, available = await _start_all(hass, sim, timeout=300.0)
            ids = entity_ids(hass, entries)
            say(
                f"  {len(entries)} outlets, {len(ids)} entities, all available in {available:.1f} s"
            )
            await asyncio.sleep(SETTLE)
            writes = StateWrites(hass)
            how = (
                f"{outlets} simulated Pro outlets in a child process, one connection each,"
                f" {len(ids)} entities; each window {seconds:.0f} s: process CPU time of this"
                " (Home Assistant) process / wall time; pushes = frames received; writes ="
                " state_changed + state_reported events; memory = VmRSS after gc.collect()"
            )
            for mode, label in (
                ("steady", "1 Hz sensor pushes, readings unchanged"),
                ("drift", "1 Hz sensor pushes, every reading drifting each second"),
                ("quiet", "connected, no pushes (baseline)"),
            ):
                await sim.command(do="pushes", on=mode != "quiet")
                await sim.command(do="drift", on=mode == "drift")
                await asyncio.sleep(2.0)
                # quiet: shorter than the 15 s after which silent faceplates go stale
                window = min(seconds, 10.0) if mode == "quiet" else seconds
                await _window(
                    table,
                    sim=sim,
                    entries=entries,
                    writes=writes,
                    label=label,
                    seconds=window,
                    how=how,
                )
            writes.stop()
            for entry in entries:
                await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await sim.stop()


async def _window(
    table: Table,
    *,
    sim: SimProcess,
    entries: Sequence[ConfigEntry],
    writes: StateWrites,
    label: str,
    seconds: float,
    how: str,
) -> None:
    frames0 = sum(coordinator(e).client.stats.frames for e in entries)
    memory0 = rss_mib()
    writes.reset()
    sim_cpu0 = sim.cpu_seconds()
    meter = CpuMeter()
    await asyncio.sleep(seconds)
    cpu, wall = meter.stop()
    sim_cpu = sim.cpu_seconds() - sim_cpu0
    frames = sum(coordinator(e).client.stats.frames for e in entries) - frames0
    memory1 = rss_mib()
    percent = 100 * cpu / wall
    per_push = cpu / frames * 1000 if frames else 0.0
    value = (
        f"CPU {percent:.2f}% of one core; {frames / wall:.0f} pushes/s"
        f" ({per_push:.3f} ms CPU each, baseline included); {writes.total / wall:.0f} state"
        f" writes/s; memory {memory0:.0f} -> {memory1:.0f} MiB"
        f" (simulator process: {100 * sim_cpu / wall:.1f}%)"
    )
    steady = label.startswith("1 Hz sensor pushes, readings unchanged")
    table.add(
        "scale",
        f"{len(entries)} outlets, {label}",
        value,
        target="<= 3% of one core" if steady else "",
        ok=percent <= 3.0 if steady else None,
        how=how,
    )


async def _startup_runs(sim: SimProcess, repeats: int) -> tuple[list[float], list[float], int]:
    """Start fresh Home Assistant instances: seconds to load, to available; entities."""
    loaded: list[float] = []
    available: list[float] = []
    count = 0
    for _ in range(repeats):
        async with running_hass() as hass:
            entries, to_load, to_available = await _start_all(hass, sim, timeout=120.0)
            count = len(entity_ids(hass, entries))
            loaded.append(to_load)
            available.append(to_available)
            for entry in entries:
                await hass.config_entries.async_unload(entry.entry_id)
    return loaded, available, count


async def startup(table: Table, *, outlets: int, repeats: int) -> None:
    """Time from the integration's setup to every entity of every outlet available.

    Run twice: as shipped, and with the cap on requests in flight per outlet lifted,
    which shows what the cap costs.
    """
    say(f"startup: {outlets} outlets, {repeats} runs, with and without the in-flight cap")
    sim = SimProcess(outlets, seed=3000, sensor_interval=5.0)
    await sim.start()
    try:
        loaded, available, count = await _startup_runs(sim, repeats)
        with (
            patch.object(scheduler, "FOREGROUND_SLOTS", UNCAPPED),
            patch.object(scheduler, "BACKGROUND_SLOTS", UNCAPPED),
        ):
            _, uncapped, _ = await _startup_runs(sim, repeats)
    finally:
        await sim.stop()
    how = (
        f"{repeats} fresh Home Assistant instances; {outlets} config entries added, then"
        " async_setup_component(intecular) as at a start, entries set up concurrently;"
        " time until every entry is loaded and every entity shows a state other than"
        " unavailable; median [range]"
    )
    table.add(
        "start-up",
        f"{outlets} outlets ({count} entities): all entries loaded",
        f"{median(loaded):.2f} s [{min(loaded):.2f}-{max(loaded):.2f}]",
        how=how,
    )
    table.add(
        "start-up",
        f"{outlets} outlets: all entities available",
        f"{median(available):.2f} s [{min(available):.2f}-{max(available):.2f}]",
        how=how,
    )
    table.add(
        "start-up",
        f"{outlets} outlets: all entities available, no cap on requests in flight",
        f"{median(uncapped):.2f} s [{min(uncapped):.2f}-{max(uncapped):.2f}]",
        how=how + f"; the same with at most {UNCAPPED} instead of"
        f" {scheduler.FOREGROUND_SLOTS} + {scheduler.BACKGROUND_SLOTS} requests in flight"
        " per outlet (foreground + background lanes): the difference to the"
        " row above is what the cap costs",
    )
