"""Soak: minutes of pushes and commands; memory, tasks, timers and futures must not grow."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import gc
import random
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

from custom_components.intecular.const import DOMAIN

from .hass import (
    StateWrites,
    all_available,
    coordinator,
    entity_ids,
    outlet_entry,
    running_hass,
    wait_for,
)
from .report import Table, rss_mib, say
from .simproc import SimProcess

OUTLETS = 4
COMMAND_INTERVAL = 0.1  # seconds between two service calls
BUTTON_INTERVAL = 0.5  # seconds between two presses of a physical button
WARM_UP = 20.0


def _snapshot(hass: HomeAssistant, entries: list[ConfigEntry]) -> dict[str, float]:
    """What must not grow."""
    loop = asyncio.get_running_loop()
    gc.collect()
    return {
        "memory (MiB RSS)": rss_mib(),
        "Python objects": len(gc.get_objects()),
        "asyncio tasks": len(asyncio.all_tasks()),
        "scheduled timers": len(loop._scheduled),  # type: ignore[attr-defined]  # noqa: SLF001
        "waiting requests": sum(coordinator(e).client.waiting for e in entries),
        "event listeners": sum(hass.bus.async_listeners().values()),
    }


def _entity(hass: HomeAssistant, domain: str, serial: str, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(domain, DOMAIN, f"{serial}_{key}")
    if entity_id is None:
        raise RuntimeError(f"no {domain} {key} for {serial}")
    return entity_id


async def _commands(
    hass: HomeAssistant, serials: list[str], stop: asyncio.Event, done: dict[str, int]
) -> None:
    """Service calls, one every COMMAND_INTERVAL, across outlets and entity kinds."""
    rng = random.Random(5)
    calls: list[tuple[str, str, dict[str, Any]]] = []
    for serial in serials:
        for key in ("outlet_1", "outlet_2", "touch_control"):
            entity_id = _entity(hass, "switch", serial, key)
            calls.append(("switch", "toggle", {"entity_id": entity_id}))
        light = _entity(hass, "light", serial, "nightlight")
        calls.append(("light", "turn_on", {"entity_id": light, "brightness": None}))
        calls.append(("light", "turn_off", {"entity_id": light}))
        number = _entity(hass, "number", serial, "indicator_brightness")
        calls.append(("number", "set_value", {"entity_id": number, "value": None}))
    while not stop.is_set():
        domain, service, data = rng.choice(calls)
        data = dict(data)
        if "brightness" in data:
            data["brightness"] = rng.randint(1, 255)
        if "value" in data:
            attributes = hass.states.get(data["entity_id"]).attributes  # type: ignore[union-attr]
            data["value"] = rng.randint(int(attributes["min"]), int(attributes["max"]))
        try:
            await hass.services.async_call(domain, service, data, blocking=True)
            done["ok"] += 1
        except HomeAssistantError as err:
            done["failed"] += 1
            say(f"  {domain}.{service} {data} failed: {err!r}")
        await asyncio.sleep(COMMAND_INTERVAL)


@dataclass(slots=True)
class Outcome:
    """What the soak found."""

    start: dict[str, float]
    end: dict[str, float]
    peak: float
    commands: int
    failed: int
    frames: int
    writes: int
    consistent: bool


async def _soak(hass: HomeAssistant, sim: SimProcess, minutes: float) -> Outcome:
    """Set the outlets up, run the load, take the figures."""
    entries = [outlet_entry(hass, "127.0.0.1", p, s) for s, p in sim.outlets]
    if not await async_setup_component(hass, DOMAIN, {}):
        raise RuntimeError("setting up the integration failed")
    await hass.async_block_till_done()
    await sim.command(do="drift", on=True)
    await sim.command(do="buttons", interval=BUTTON_INTERVAL)
    writes = StateWrites(hass)
    done = {"ok": 0, "failed": 0}
    stop = asyncio.Event()
    serials = [serial for serial, _ in sim.outlets]
    worker = asyncio.create_task(_commands(hass, serials, stop, done))
    try:
        await asyncio.sleep(WARM_UP)
        start = _snapshot(hass, entries)
        frames = sum(coordinator(e).client.stats.frames for e in entries)
        before = dict(done)
        writes.reset()
        began = time.monotonic()
        peak = start["memory (MiB RSS)"]
        while (elapsed := time.monotonic() - began) < minutes * 60:
            await asyncio.sleep(min(30.0, minutes * 60 - elapsed))
            peak = max(peak, rss_mib())
            say(f"  {time.monotonic() - began:.0f} s: {done['ok']} commands, {peak:.1f} MiB peak")
        end = _snapshot(hass, entries)
        frames = sum(coordinator(e).client.stats.frames for e in entries) - frames
    finally:
        stop.set()
        await worker
    await sim.command(do="buttons", interval=0)
    outcome = Outcome(
        start,
        end,
        peak,
        done["ok"] - before["ok"],
        done["failed"] - before["failed"],
        frames,
        writes.total,
        await _consistent(hass, sim, entries),
    )
    writes.stop()
    for entry in entries:
        await hass.config_entries.async_unload(entry.entry_id)
    return outcome


async def measure(table: Table, *, minutes: float) -> None:
    """Run the soak and report start and end figures."""
    say(f"soak: {OUTLETS} outlets, {minutes:g} min of pushes and commands")
    sim = SimProcess(OUTLETS, seed=5000, sensor_interval=1.0)
    await sim.start()
    try:
        async with running_hass() as hass:
            outcome = await _soak(hass, sim, minutes)
    finally:
        await sim.stop()
    how = (
        f"{OUTLETS} Pro outlets in a child process: sensors pushed every second with every"
        f" reading drifting, a random physical button pressed every {BUTTON_INTERVAL:g} s;"
        f" Home Assistant calls a random service (switch toggle, light on with brightness,"
        f" light off, number set) every {COMMAND_INTERVAL:g} s, blocking; {WARM_UP:.0f} s"
        f" warm-up, then {minutes:g} min; figures after gc.collect()"
    )
    table.add(
        "soak",
        f"{minutes:g} min: work done",
        f"{outcome.commands} commands ({outcome.failed} failed), {outcome.frames} frames"
        f" received, {outcome.writes} state writes; afterwards Home Assistant"
        f" {'matches' if outcome.consistent else 'DOES NOT match'} every outlet",
        target="0 failed, matches",
        ok=outcome.failed == 0 and outcome.consistent,
        how=how,
    )
    for key, before in outcome.start.items():
        after = outcome.end[key]
        if key.startswith("memory"):
            value = f"{before:.1f} -> {after:.1f} (peak {outcome.peak:.1f})"
            grew = after - before > 5.0
        else:
            value = f"{before:.0f} -> {after:.0f}"
            grew = after > before * 1.01 + 2
        table.add("soak", f"{key}, start -> end", value, target="no growth", ok=not grew, how=how)


async def _consistent(hass: HomeAssistant, sim: SimProcess, entries: list[ConfigEntry]) -> bool:
    """Whether every outlet switch and nightlight shows what the device has."""
    await asyncio.sleep(1.0)
    state = await sim.command(do="state")
    ids = entity_ids(hass, entries)
    await wait_for(lambda: all_available(hass, ids), 10.0, "every entity")
    for (serial, _), outlets, nightlight in zip(
        sim.outlets, state["outlets"], state["nightlights"], strict=True
    ):
        for number, on in enumerate(outlets, start=1):
            shown = hass.states.get(_entity(hass, "switch", serial, f"outlet_{number}"))
            if shown is None or shown.state != ("on" if on else "off"):
                return False
        light = hass.states.get(_entity(hass, "light", serial, "nightlight"))
        if light is None or light.state != ("on" if nightlight[0] else "off"):
            return False
    return True
