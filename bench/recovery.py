"""Recovery: the outlet killed and restarted; the link cut silently (no FIN, no replies)."""

from __future__ import annotations

import asyncio
import random
import time

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant

from custom_components.intecular.const import RECONNECT_BACKOFF_FIRST
from custom_components.intecular.coordinator import IntecularCoordinator

from .hass import (
    all_available,
    coordinator,
    entity_ids,
    outlet_entry,
    running_hass,
    setup_entry,
    wait_for,
)
from .report import Table, median, say
from .simproc import SimProcess

RESTART_HOW = (
    "the simulator process (1 Pro outlet, 1 Hz sensor pushes) is SIGKILLed and started"
    " again on the same port after the down time plus a random 0-0.5 s (so it returns at"
    " any point between two reconnect attempts, which come every 0.5 s); time from its"
    " 'listening' timestamp (CLOCK_MONOTONIC, shared by both processes) until the"
    " connection is back and every entity shows a state other than unavailable;"
    " median [range]"
)
DOWNTIMES = (0.0, 2.0, 8.0)
"""How long the outlet stays dead before its process starts again (seconds)."""


def _fmt(values: list[float]) -> str:
    return f"{median(values):.2f} s [{min(values):.2f}-{max(values):.2f}]"


async def measure(table: Table, *, repeats: int) -> None:
    """Kill/restart at several down times, then silent link loss."""
    say(f"recovery: {repeats} runs per case")
    sim = SimProcess(1, seed=4000, sensor_interval=1.0)
    await sim.start()
    try:
        async with running_hass() as hass:
            serial, port = sim.outlets[0]
            entry = outlet_entry(hass, "127.0.0.1", port, serial)
            await setup_entry(hass, entry)
            ids = entity_ids(hass, [entry])
            coord = coordinator(entry)

            def online() -> bool:
                return coord.disconnected_since is None and all_available(hass, ids)

            await wait_for(online, 10.0, "the outlet to be set up")
            jitter = random.Random(6)
            for downtime in DOWNTIMES:
                backs: list[float] = []
                for _ in range(repeats):
                    await asyncio.sleep(1.5)  # a settled connection, like any other day
                    await sim.kill()
                    killed = time.monotonic()
                    await wait_for(lambda: coord.disconnected_since is not None, 5.0, "the drop")
                    # a random extra so the outlet returns at any point between two attempts
                    back_at = killed + downtime + jitter.uniform(0.0, RECONNECT_BACKOFF_FIRST)
                    await asyncio.sleep(max(0.0, back_at - time.monotonic()))
                    back = await sim.start()
                    await wait_for(online, 60.0, "entities to be available again")
                    backs.append(time.monotonic() - back)
                table.add(
                    "recovery",
                    f"outlet killed, back after {downtime:g} s (+ 0-0.5 s, + process start):"
                    " entities available again",
                    f"{_fmt(backs)} after the outlet listens again",
                    target="<= 1 s (every run)",
                    ok=max(backs) <= 1.0,
                    how=f"{repeats} runs per down time; {RESTART_HOW}",
                )
            await _silent(table, hass=hass, sim=sim, ids=ids, coord=coord, repeats=repeats)
            await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await sim.stop()


async def _silent(
    table: Table,
    *,
    hass: HomeAssistant,
    sim: SimProcess,
    ids: list[str],
    coord: IntecularCoordinator,
    repeats: int,
) -> None:
    detected: list[float] = []
    unavailable: list[float] = []
    restored: list[float] = []
    for _ in range(repeats):
        await asyncio.sleep(1.5)
        cut = (await sim.command(do="faults", set={"silent": True}))["at"]
        await wait_for(
            lambda: coord.disconnected_since is not None,
            60.0,
            "the silent link to be noticed",
            poll=0.01,
        )
        detected.append(time.monotonic() - cut)
        await wait_for(
            lambda: all(
                (s := hass.states.get(e)) is not None and s.state == STATE_UNAVAILABLE for e in ids
            ),
            60.0,
            "every entity to go unavailable",
            poll=0.01,
        )
        unavailable.append(time.monotonic() - cut)
        healed = (await sim.command(do="faults", set={"silent": False}))["at"]
        await wait_for(
            lambda: coord.disconnected_since is None and all_available(hass, ids),
            60.0,
            "entities to be available again",
        )
        restored.append(time.monotonic() - healed)
    how = (
        f"{repeats} runs; the outlet (1 Hz sensor pushes) stops answering anything, pings"
        " included, and sends nothing, TCP left open (the simulator's 'silent' fault);"
        " detected = the connection declared lost; unavailable = every entity unavailable"
        " (the faceplate's readings already when no sensor push came for 15 s);"
        " then the fault is cleared; median [range]"
    )
    table.add(
        "recovery",
        "silent link loss: detected",
        f"{_fmt(detected)} after the cut",
        target="<= 15 s (every run)",
        ok=max(detected) <= 15.0,
        how=how,
    )
    table.add("recovery", "silent link loss: every entity unavailable", _fmt(unavailable), how=how)
    table.add("recovery", "silent link healed: entities available again", _fmt(restored), how=how)
