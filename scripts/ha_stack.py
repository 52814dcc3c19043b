"""A real Home Assistant with simulated outlets, on loopback only.

``scripts/develop`` (``scripts/ha_develop.py``) and the browser test run ``Stack``:

* prepares the config folder (``ha_config.py``);
* starts the simulator (``python -m simulator``, one process per variant) on 127.0.0.1;
* starts Home Assistant from ``.venv-ha`` with ``--skip-pip`` (it installs nothing);
* logs in like the frontend does and adds every simulated outlet through the
  integration's own config flow (REST), then waits until each one is loaded.

Every process it starts gets its own process group and dies with it; ``stop()`` (Ctrl-C
in ``scripts/develop``) ends them all, Home Assistant first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
import contextlib
import ctypes
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import IO, Any

from ha_bootstrap import BootstrapError, HomeAssistantSession, wait_until_up
from ha_config import HASS, ROOT, USERNAME, prepare_config, stored_entries

VARIANT_SEEDS = {"pro": 100, "aura": 200, "bare": 300}  # stable serials across runs
# Each variant has its own block of ports (pro 8081-8090, aura 8091-8100, bare 8101-8110
# by default), so an address always answers with the same serial, whatever the options.
MAX_COUNT = 10
PORT_BLOCK = {"pro": 0, "aura": MAX_COUNT, "bare": 2 * MAX_COUNT}


class StackError(RuntimeError):
    """The stack could not be started."""


@dataclass(frozen=True)
class SimulatedOutlet:
    """One outlet of a simulator process."""

    variant: str
    serial: str
    url: str  # ws://127.0.0.1:<port>/ws

    @property
    def address(self) -> str:
        """What a user types into the config flow: host:port."""
        return self.url.removeprefix("ws://").removesuffix("/ws")

    @property
    def control(self) -> str:
        """The simulator's HTTP control API of this outlet."""
        return f"http://{self.address}/control"


@dataclass
class Running:
    """What ``start()`` brought up."""

    base: str
    username: str
    password: str
    token_file: Path
    outlets: list[SimulatedOutlet]
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)  # serial -> entry
    entity_counts: dict[str, int] = field(default_factory=dict)  # serial -> entities


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Child process setup: own process group; SIGTERM when the parent dies."""
    os.setsid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _started(pid: int) -> int | None:
    """When a process started (clock ticks since boot), None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] == "Z" else int(fields[19])  # a zombie is gone


def _read_lines(proc: subprocess.Popen[bytes], count: int, timeout: float) -> list[str]:
    """The first ``count`` lines a process prints (fewer if it exits or takes too long)."""
    assert proc.stdout is not None
    fd, data = proc.stdout.fileno(), b""
    deadline = time.monotonic() + timeout
    while data.count(b"\n") < count and (left := deadline - time.monotonic()) > 0:
        if select.select([fd], [], [], min(left, 0.5))[0]:
            if not (chunk := os.read(fd, 4096)):
                break  # it exited
            data += chunk
        elif proc.poll() is not None:
            break
    return [line for line in data.decode().splitlines()[:count] if len(line.split()) == 3]


def run_async[T](coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end in a thread of its own: callers may have a running loop
    (Playwright's sync API keeps one in the browser test)."""
    with ThreadPoolExecutor(1, thread_name_prefix="ha-stack") as pool:
        return pool.submit(asyncio.run, coro).result()


def _stop_process(proc: subprocess.Popen[Any], timeout: float) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait()


class Stack:
    """The simulator(s) plus Home Assistant with this integration, in ``config_dir``."""

    def __init__(
        self,
        config_dir: Path,
        *,
        ha_port: int = 8123,
        variants: tuple[str, ...] = ("pro", "aura"),
        count: int = 1,
        sim_port: int = 8081,
        sensor_interval: float = 5.0,
        profile: str = "friendly",
        python: str = sys.executable,
        startup_timeout: float = 180.0,
        fresh: bool = False,
    ) -> None:
        """Describe the stack; ``start()`` brings it up."""
        self.config_dir = config_dir.resolve()
        self.ha_port = ha_port
        self.variants = variants
        self.count = count
        self.sim_port = sim_port
        self.sensor_interval = sensor_interval
        self.profile = profile
        self.python = python
        self.startup_timeout = startup_timeout
        self.fresh = fresh  # start from an empty config folder (the browser test does)
        self.base = f"http://127.0.0.1:{ha_port}"
        self._sims: list[subprocess.Popen[bytes]] = []
        self._hass: subprocess.Popen[bytes] | None = None
        self._logs: list[IO[Any]] = []

    # -- files ---------------------------------------------------------------------
    @property
    def _pid_file(self) -> Path:
        return self.config_dir / "stack.pids"

    @property
    def token_file(self) -> Path:
        """A long-lived access token for the REST API (curl -H "Authorization: Bearer ...")."""
        return self.config_dir / "token"

    # -- leftovers of an earlier run --------------------------------------------------
    def _check_leftovers(self) -> None:
        """Refuse to run twice; end processes an earlier, killed run left behind.

        A process is recognised by its id *and* its start time, so a reused id of
        someone else's process is never touched.
        """
        if not self._pid_file.exists():
            return
        recorded = json.loads(self._pid_file.read_text(encoding="utf-8"))
        owner = recorded.get("owner")
        if owner and _started(owner[0]) == owner[1]:
            raise StackError(
                f"already running (process {owner[0]}) for {self.config_dir}: stop it first"
            )
        for pid, start in recorded.get("children", []):
            if _started(pid) == start:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
                for _ in range(300):
                    if _started(pid) != start:
                        break
                    time.sleep(0.1)
        self._pid_file.unlink()

    def _write_pids(self) -> None:
        children = [p.pid for p in self._sims] + ([self._hass.pid] if self._hass else [])
        self._pid_file.write_text(
            json.dumps(
                {
                    "owner": [os.getpid(), _started(os.getpid())],
                    "children": [[pid, _started(pid)] for pid in children],
                }
            ),
            encoding="utf-8",
        )

    # -- processes -----------------------------------------------------------------
    def _log(self, name: str) -> IO[Any]:
        handle = (self.config_dir / name).open("w", encoding="utf-8")
        self._logs.append(handle)
        return handle

    def _start_simulators(self) -> list[SimulatedOutlet]:
        """One simulator process per variant, all starting at once."""
        for variant in self.variants:
            port = self.sim_port + PORT_BLOCK[variant] if self.sim_port else 0
            cmd = [
                self.python, "-m", "simulator", "--variant", variant, "--port", str(port),
                "--count", str(self.count), "--seed", str(VARIANT_SEEDS[variant]),
                "--sensor-interval", str(self.sensor_interval), "--profile", self.profile,
            ]  # fmt: skip
            self._sims.append(
                subprocess.Popen(
                    cmd,
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=self._log(f"simulator-{variant}.log"),
                    preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads run here
                )
            )
        outlets: list[SimulatedOutlet] = []
        for proc, variant in zip(self._sims, self.variants, strict=True):
            lines = _read_lines(proc, self.count, timeout=60)
            if len(lines) != self.count:
                log = (self.config_dir / f"simulator-{variant}.log").read_text("utf-8")
                raise StackError(f"the {variant} simulator did not start:\n{log[-2000:]}")
            # "variant serial url", printed once it listens
            outlets.extend(SimulatedOutlet(*line.split()) for line in lines)
        return outlets

    def _start_hass(self) -> None:
        if _port_in_use(self.ha_port):
            raise StackError(f"port {self.ha_port} is taken: stop what uses it first")
        self._hass = subprocess.Popen(
            [str(HASS), "-c", str(self.config_dir), "--skip-pip", "--log-no-color"],
            cwd=self.config_dir,
            stdin=subprocess.DEVNULL,
            stdout=self._log("hass-console.log"),
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads run here
        )

    def hass_alive(self) -> bool:
        """Home Assistant still runs."""
        return self._hass is not None and self._hass.poll() is None

    def dead_child(self) -> str | None:
        """The name of a process that stopped on its own, if any."""
        if self._hass is not None and self._hass.poll() is not None:
            return f"Home Assistant (exit {self._hass.returncode})"
        for proc, variant in zip(self._sims, self.variants, strict=False):
            if proc.poll() is not None:
                return f"the {variant} simulator (exit {proc.returncode})"
        return None

    # -- the whole thing -----------------------------------------------------------
    def start(self) -> Running:
        """Bring everything up; stop what was started if anything fails."""
        if not HASS.exists():
            raise StackError(f"{HASS} is missing: run scripts/develop (it creates .venv-ha)")
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self._check_leftovers()
        if self.fresh:
            shutil.rmtree(self.config_dir)
            self.config_dir.mkdir()
        try:
            password = prepare_config(self.config_dir, self.ha_port)
            stored = stored_entries(self.config_dir)
            outlets = self._start_simulators()
            self._start_hass()
            self._write_pids()
            running = Running(self.base, USERNAME, password, self.token_file, outlets)
            run_async(self._bootstrap(running, stored))
        except BaseException:
            self.stop()
            raise
        return running

    async def _bootstrap(self, running: Running, stored: list[dict[str, Any]]) -> None:
        await wait_until_up(self.base, self.startup_timeout, self.hass_alive)
        serials = {o.serial for o in running.outlets}
        async with HomeAssistantSession(self.base) as ha:
            await ha.login(running.username, running.password)
            stored_token = (
                self.token_file.read_text("utf-8").strip() if self.token_file.exists() else None
            )
            if (token := await ha.ensure_long_lived_token(stored_token)) is not None:
                self.token_file.write_text(token + "\n", "utf-8")
                self.token_file.chmod(0o600)
            # Simulated outlets of an earlier run that this run does not simulate.
            for entry in stored:
                if entry.get("unique_id") not in serials and (
                    entry.get("data", {}).get("host") == "127.0.0.1"
                ):
                    await ha.remove_entry(entry["entry_id"])
            by_serial = {e.get("unique_id"): e["entry_id"] for e in stored}
            for outlet in running.outlets:
                outcome = await ha.add_outlet(outlet.address)
                if outcome.entry_id:
                    by_serial[outlet.serial] = outcome.entry_id
            if missing := serials - by_serial.keys():
                raise BootstrapError(f"no config entry found for {sorted(missing)}")
            wanted = {by_serial[s] for s in serials}
            loaded = {e["entry_id"]: e for e in await ha.wait_loaded(wanted, 60)}
            running.entries = {s: loaded[by_serial[s]] for s in serials}
            _, entities = await ha.devices_and_entities()
            for serial, entry in running.entries.items():
                running.entity_counts[serial] = sum(
                    e["config_entry_id"] == entry["entry_id"] for e in entities
                )

    def stop(self) -> None:
        """End everything this stack started: Home Assistant first, then the simulators."""
        if self._hass is not None:
            _stop_process(self._hass, 30)
            self._hass = None
        for proc in self._sims:
            _stop_process(proc, 10)
            if proc.stdout is not None:
                proc.stdout.close()
        self._sims.clear()
        for handle in self._logs:
            handle.close()
        self._logs.clear()
        if self._pid_file.exists():
            recorded = json.loads(self._pid_file.read_text(encoding="utf-8"))
            if recorded.get("owner", [None])[0] == os.getpid():
                self._pid_file.unlink()
