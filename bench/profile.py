"""Deterministic cost per push and per command: function calls and bytecodes executed.

Wall-clock figures on a shared machine are noisy; these are not. Each case runs the
same way as the latency bench's cold path (a simulated Pro outlet in this process, a
gap between samples, Home Assistant with every entity enabled, the HA floor next to
the integration) while every function call (``cProfile``) or every bytecode
instruction executed (``sys.monitoring``) is counted, grouped by where the code lives:
the integration, Home Assistant, aiohttp, asyncio, the simulator and the rest. What
the integration adds is its figure minus the HA floor's for the same frames; the
simulator's share is the same in both. A command is ``switch.turn_on``/``turn_off``
until its acknowledgement and the outlet's own push are processed.

Counted calls and instructions are what the code does, not what it costs in time (a
C call that allocates costs more than a bytecode), but a change that cuts them cuts
the work on the cold path, where each push meets cold caches and its cost grows with
how much code it touches.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
import cProfile
import pstats
import sys
from types import CodeType
from typing import Any

import aiohttp
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, callback

from custom_components.intecular.api import OutletStates
from simulator import SimulatedOutlet

from .floor import HaFloor, Probe
from .hass import coordinator, every_entity_enabled, outlet_entry, running_hass, setup_entry
from .latency import OUTLET_1, OUTLET_2, SERIAL, TEMPERATURE
from .report import Table, say

GROUPS = (
    ("integration", "/custom_components/intecular/"),
    ("simulator", "/simulator/"),
    ("homeassistant", "/homeassistant/"),
    ("aiohttp", "/aiohttp/"),
    ("asyncio", "/asyncio/"),
)


def group_of(filename: str) -> str:
    """Which group a code object's file belongs to."""
    for name, part in GROUPS:
        if part in filename:
            return name
    return "other"


class Counted:
    """Calls or instructions per group over the windows it was enabled in."""

    def __init__(self, kind: str) -> None:
        """``kind``: ``calls`` (cProfile) or ``instructions`` (sys.monitoring)."""
        self.kind = kind
        self.counts: Counter[str] = Counter()
        self.by_function: Counter[str] = Counter()
        self._profile: cProfile.Profile | None = None
        self._groups: dict[CodeType, str] = {}
        self._raw: Counter[CodeType] = Counter()

    def __enter__(self) -> Counted:
        """Start counting."""
        if self.kind == "calls":
            self._profile = cProfile.Profile()
            self._profile.enable()
        else:
            mon = sys.monitoring
            mon.use_tool_id(mon.PROFILER_ID, "bench")
            raw = self._raw

            def seen(code: CodeType, _offset: int) -> None:
                raw[code] += 1

            mon.register_callback(mon.PROFILER_ID, mon.events.INSTRUCTION, seen)
            mon.set_events(mon.PROFILER_ID, mon.events.INSTRUCTION)
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop counting and add up."""
        if self._profile is not None:
            self._profile.disable()
            stats = pstats.Stats(self._profile).stats  # type: ignore[attr-defined]
            for (filename, line, function), (_cc, ncalls, _tt, _ct, _callers) in stats.items():
                group = group_of(filename) if filename != "~" else "builtin"
                self.counts[group] += ncalls
                self.by_function[f"{group}:{filename.rsplit('/', 1)[-1]}:{line}:{function}"] += (
                    ncalls
                )
            self._profile = None
        else:
            mon = sys.monitoring
            mon.set_events(mon.PROFILER_ID, 0)
            mon.register_callback(mon.PROFILER_ID, mon.events.INSTRUCTION, None)
            mon.free_tool_id(mon.PROFILER_ID)
            for code, n in self._raw.items():
                group = group_of(code.co_filename)
                self.counts[group] += n
                self.by_function[
                    f"{group}:{code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno}:"
                    f"{code.co_qualname}"
                ] += n
            self._raw.clear()


async def _run(
    samples: int, gap: float, trigger: Callable[[int], Awaitable[None]], probe: Probe
) -> None:
    for i in range(samples):
        await asyncio.sleep(gap)
        probe.event.clear()
        await trigger(i)
        async with asyncio.timeout(5.0):
            await probe.event.wait()


def _sensor(sim: SimulatedOutlet) -> Callable[[int], Awaitable[None]]:
    return lambda i: sim.set_sensor("temp_celsius", 21.0 + (i % 2) * 0.5)


def _outlet(sim: SimulatedOutlet) -> Callable[[int], Awaitable[None]]:
    return lambda i: sim.set_outlet(1, i % 2 == 0)


async def measure(
    table: Table, *, samples: int = 200, gap: float = 0.01, top: int = 0, kinds: tuple[str, ...]
) -> None:
    """Count each case and add its figures per sample to the table (``top``: print more)."""
    say(f"profile: {samples} samples per case, {gap * 1000:g} ms apart, {', '.join(kinds)}")
    async with (
        running_hass() as hass,
        SimulatedOutlet("pro", serial="0019B2E7C3", seed=3, sensor_interval=0) as floor_sim,
        SimulatedOutlet("pro", serial=SERIAL, seed=7, sensor_interval=0) as ha_sim,
        aiohttp.ClientSession() as session,
    ):
        entry = outlet_entry(hass, ha_sim.host, ha_sim.port, ha_sim.serial)
        with every_entity_enabled():
            await setup_entry(hass, entry)
        ha_floor = HaFloor(session, floor_sim)
        await ha_floor.add_entities(hass)
        await ha_floor.start()
        ha_outlet, ha_sensor, pushed = Probe(), Probe(), Probe()
        probes = {OUTLET_1: ha_outlet, TEMPERATURE: ha_sensor}
        probes[ha_floor.switch.entity_id] = ha_floor.outlets
        probes[ha_floor.temperature.entity_id] = ha_floor.sensors

        @callback
        def state_changed(event: Event[Any]) -> None:
            if (probe := probes.get(event.data["entity_id"])) is not None:
                probe.hit()

        hass.bus.async_listen(EVENT_STATE_CHANGED, state_changed)
        coord = coordinator(entry)
        coord.add_push_listener(
            lambda push: pushed.hit() if isinstance(push, OutletStates) else None
        )

        def command(entity_id: str) -> Callable[[int], Awaitable[None]]:
            async def call(i: int) -> None:
                await hass.services.async_call(
                    "switch",
                    "turn_on" if i % 2 == 0 else "turn_off",
                    {"entity_id": entity_id},
                    blocking=True,
                )

            return call

        cases: list[tuple[str, Callable[[int], Awaitable[None]], Probe]] = [
            ("HA floor, outlet push (9)", _outlet(floor_sim), ha_floor.outlets),
            ("integration, outlet push (9)", _outlet(ha_sim), ha_outlet),
            ("HA floor, sensor push (11)", _sensor(floor_sim), ha_floor.sensors),
            ("integration, sensor push (11)", _sensor(ha_sim), ha_sensor),
            (
                "HA floor, switch.turn_on/off round trip",
                command(ha_floor.switch.entity_id),
                ha_floor.outlet_frames,
            ),
            ("integration, switch.turn_on/off round trip", command(OUTLET_2), pushed),
        ]
        try:
            for kind in kinds:
                for name, trigger, probe in cases:
                    await _run(20, gap, trigger, probe)  # warm up
                    with Counted(kind) as counted:
                        await _run(samples, gap, trigger, probe)
                    total = sum(counted.counts.values()) / samples
                    parts = ", ".join(
                        f"{group} {n / samples:.0f}" for group, n in counted.counts.most_common()
                    )
                    table.add(f"profile: {kind} per sample", name, f"{total:.0f} ({parts})")
                    if top:
                        say(f"--- {kind}: {name}")
                        for function, n in counted.by_function.most_common(top):
                            say(f"  {n / samples:9.1f}  {function}")
        finally:
            await ha_floor.stop()
        await hass.config_entries.async_unload(entry.entry_id)


def main(argv: list[str]) -> None:
    """``python -m bench.profile [samples] [top] [calls,instructions]`` prints the counts."""
    from homeassistant import runner  # noqa: PLC0415

    from .hass import quiet_logging  # noqa: PLC0415

    quiet_logging()
    samples = int(argv[0]) if argv else 200
    top = int(argv[1]) if len(argv) > 1 else 0
    kinds = tuple(argv[2].split(",")) if len(argv) > 2 else ("calls", "instructions")
    table = Table()
    asyncio.set_event_loop_policy(runner.HassEventLoopPolicy(False))
    asyncio.run(measure(table, samples=samples, top=top, kinds=kinds))
    for row in table.rows:
        sys.stdout.write(f"{row.section} | {row.what} | {row.value}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
