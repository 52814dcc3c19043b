"""Simulated outlets in a child process, driven over its stdin and stdout (JSON lines).

The benchmarks measure Home Assistant's CPU time and memory; with the outlets in
their own process none of the simulator's work is counted, and "the device was
killed" is a real ``SIGKILL``.

Child: ``python -m bench.simproc --count N --seed S [--ports P1,P2,...]``. Once the
outlets listen it prints ``{"ready": <time.monotonic()>, "outlets": [[serial, port],
...]}``, then answers one line per command line:

* ``{"do": "pushes", "on": false}``: stop (or resume) the sensor pushes;
* ``{"do": "drift", "on": true}``: readings take a random step on every push (off:
  every push repeats the same readings); with ``"keys": ["temp_celsius", "humidity"]``
  only those readings change, each by 0.1 up or down in turn, on every push;
* ``{"do": "faults", "set": {"silent": true}}``: set ``Faults`` knobs on every outlet;
  the answer carries the moment they were set;
* ``{"do": "buttons", "interval": 0.5}``: press a random outlet's button this often
  (0 stops);
* ``{"do": "state"}``: each outlet's outlets (9) and nightlight (15) as on the wire.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
import contextlib
import json
import os
from pathlib import Path
import random
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator import SimulatedOutlet

ROOT = Path(__file__).resolve().parent.parent


# --- the child ---------------------------------------------------------------------------


class Farm:
    """The outlets and the switches the parent can flip."""

    def __init__(self, outlets: list[SimulatedOutlet]) -> None:
        """Wrap started outlets: pushes on, drift off."""
        self.outlets = outlets
        self.pushing = True
        self.drifting = False
        self.drift_keys: list[str] = []
        self.buttons: asyncio.Task[None] | None = None
        for outlet in outlets:
            bank = outlet.state.sensors
            bank.drift = self._gate(  # type: ignore[method-assign]
                self._drift(bank.drift, bank.values), "drifting"
            )
            outlet.push_sensor_readings = self._gate(  # type: ignore[method-assign]
                outlet.push_sensor_readings, "pushing"
            )

    def _drift(self, drift: Callable[[], None], values: dict[str, Any]) -> Callable[[], None]:
        """Every reading's random walk, or only ``drift_keys`` stepping up and down."""
        ticks = [0]

        def step() -> None:
            if not self.drift_keys:
                drift()
                return
            ticks[0] += 1
            for key in self.drift_keys:
                if key in values:
                    values[key] = round(values[key] + (0.1 if ticks[0] % 2 else -0.1), 2)

        return step

    def _gate(self, action: Callable[[], None], switch: str) -> Callable[[], None]:
        """``action``, done only while the switch of that name is on."""

        def gated() -> None:
            if getattr(self, switch):
                action()

        return gated

    async def handle(self, command: dict[str, Any]) -> dict[str, Any]:
        """Carry out one command."""
        what = command.get("do")
        if what == "pushes":
            self.pushing = bool(command["on"])
        elif what == "drift":
            self.drifting = bool(command["on"])
            self.drift_keys = list(command.get("keys", []))
        elif what == "faults":
            for outlet in self.outlets:
                for key, value in command["set"].items():
                    setattr(outlet.faults, key, value)
            return {"ok": True, "at": time.monotonic()}
        elif what == "buttons":
            if self.buttons is not None:
                self.buttons.cancel()
                self.buttons = None
            if (interval := float(command["interval"])) > 0:
                self.buttons = asyncio.create_task(self._press(interval))
        elif what == "state":
            return {
                "ok": True,
                "outlets": [o.state.outlets.to_args() for o in self.outlets],
                "nightlights": [o.state.nightlight.to_args() for o in self.outlets],
            }
        else:
            return {"ok": False, "error": f"unknown command {what!r}"}
        return {"ok": True}

    async def _press(self, interval: float) -> None:
        rng = random.Random(4)
        while True:
            await asyncio.sleep(interval)
            await rng.choice(self.outlets).press_button(rng.choice((1, 2)))


async def _serve(args: argparse.Namespace) -> None:
    from simulator import SimulatedOutlet  # noqa: PLC0415 - once ROOT is on sys.path

    ports = [int(p) for p in args.ports.split(",")] if args.ports else [0] * args.count
    outlets = [
        SimulatedOutlet(
            args.variant,
            host="127.0.0.1",
            port=port,
            sensor_interval=args.sensor_interval,
            seed=args.seed + index,
            reboot_delay=0.5,
            faceplate_restart_delay=0.5,
        )
        for index, port in enumerate(ports)
    ]
    for outlet in outlets:
        await outlet.start()
    farm = Farm(outlets)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    _send({"ready": time.monotonic(), "outlets": [[o.serial, o.port] for o in outlets]})
    try:
        while line := await reader.readline():
            _send(await farm.handle(json.loads(line)))
    finally:
        await asyncio.gather(*(outlet.stop() for outlet in outlets))


def _send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> None:
    """Child entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.simproc")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--ports", default="")
    parser.add_argument("--variant", default="pro")
    parser.add_argument("--sensor-interval", type=float, default=1.0)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


# --- the parent's handle -------------------------------------------------------------------


class SimProcess:
    """A child process of simulated outlets; it stops when stdin closes or on ``kill()``."""

    def __init__(self, count: int, *, seed: int = 1000, sensor_interval: float = 1.0) -> None:
        """Describe the child; ``start()`` runs it."""
        self.count = count
        self.seed = seed
        self.sensor_interval = sensor_interval
        self.outlets: list[tuple[str, int]] = []
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self, timeout: float = 60.0) -> float:
        """Start the child (on the ports it had before, if any); the moment it listened."""
        cmd = [
            sys.executable,
            "-m",
            "bench.simproc",
            f"--count={self.count}",
            f"--seed={self.seed}",
            f"--sensor-interval={self.sensor_interval}",
        ]
        if self.outlets:
            cmd.append("--ports=" + ",".join(str(port) for _, port in self.outlets))
        self.proc = await asyncio.create_subprocess_exec(
            *cmd,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 22,
        )
        ready = await self._read(timeout)
        self.outlets = [(serial, int(port)) for serial, port in ready["outlets"]]
        return float(ready["ready"])

    async def command(self, timeout: float = 10.0, **command: Any) -> dict[str, Any]:
        """Send one command, return its answer."""
        if self.proc is None or self.proc.stdin is None:
            raise RuntimeError("the simulator process is not running")
        self.proc.stdin.write(json.dumps(command).encode() + b"\n")
        await self.proc.stdin.drain()
        answer = await self._read(timeout)
        if not answer.get("ok"):
            raise RuntimeError(f"simulator refused {command}: {answer}")
        return answer

    async def _read(self, timeout: float) -> dict[str, Any]:
        if self.proc is None or self.proc.stdout is None:
            raise RuntimeError("the simulator process is not running")
        async with asyncio.timeout(timeout):
            line = await self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the simulator process ended")
        message: dict[str, Any] = json.loads(line)
        return message

    async def kill(self) -> None:
        """SIGKILL: the device dies; the kernel closes its sockets."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

    async def stop(self) -> None:
        """Let the child stop its outlets and exit."""
        if self.proc is None or self.proc.returncode is not None:
            return
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            async with asyncio.timeout(10):
                await self.proc.wait()
        except TimeoutError:
            await self.kill()

    def cpu_seconds(self) -> float:
        """The child's CPU time so far (user + system)."""
        if self.proc is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text(encoding="utf-8").split()
        except OSError:
            return 0.0
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[13]) + int(fields[14])) / ticks


if __name__ == "__main__":
    main()
