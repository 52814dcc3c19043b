"""``scripts/develop``: Home Assistant with simulated outlets until Ctrl-C.

``python scripts/ha_develop.py --help`` lists the options (simulator variants, count,
sensor rate, behaviour profile, ports, config folder).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
import signal
import subprocess
import sys
import time

from ha_bootstrap import BootstrapError
from ha_config import ROOT
from ha_stack import MAX_COUNT, VARIANT_SEEDS, Running, Stack, StackError


def _summary(stack: Stack, running: Running, seconds: float) -> str:
    rel = os.path.relpath(stack.config_dir, Path.cwd())
    lines = [
        "",
        f"Home Assistant is running with {len(running.outlets)} simulated outlet(s) "
        f"(ready in {seconds:.1f} s):",
    ]
    for outlet in running.outlets:
        entry = running.entries[outlet.serial]
        lines.append(
            f"  {entry['title']:<18} {outlet.variant:<5} {running.entity_counts[outlet.serial]:>3}"
            f" entities   simulator: {outlet.url}   control: {outlet.control}/state"
        )
    lines += [
        "",
        f"  Open       {running.base}",
        f"  Log in as  {running.username} / {running.password}",
        f'  REST token {rel}/token   (curl -H "Authorization: Bearer $(cat {rel}/token)"'
        f" {running.base}/api/states)",
        f"  Logs       {rel}/home-assistant.log, {rel}/simulator-*.log",
        "",
        "Press Ctrl-C to stop Home Assistant and the simulator.",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of scripts/develop."""
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description="Home Assistant with simulated InvisOutlets, on 127.0.0.1 only.",
    )
    parser.add_argument(
        "--variant",
        action="append",
        choices=sorted(VARIANT_SEEDS),
        help="faceplate of the simulated outlets; repeat for several (default: pro and aura)",
    )
    parser.add_argument("--count", type=int, default=1, help="outlets per variant (default 1)")
    parser.add_argument(
        "--sensor-interval",
        type=float,
        default=5.0,
        help="seconds between sensor pushes; 0 = only on change (default 5)",
    )
    parser.add_argument(
        "--sim-port",
        type=int,
        default=8081,
        help="first simulator port (default 8081: pro 8081-8090, aura 8091-8100, bare 8101-8110)",
    )
    parser.add_argument(
        "--profile",
        choices=("friendly", "real"),
        default="friendly",
        help="simulated outlet behaviour: friendly (answers everything at once) or real "
        "(slow update check, unanswered optional reads, unacknowledged updates, ...)",
    )
    parser.add_argument("--port", type=int, default=8123, help="Home Assistant's port")
    parser.add_argument(
        "--config", type=Path, default=ROOT / ".ha-config", help="config folder (.ha-config)"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.count <= MAX_COUNT:
        parser.error(f"--count must be between 1 and {MAX_COUNT}")
    if args.sensor_interval < 0:
        parser.error("--sensor-interval must not be negative")
    return args


def main(argv: list[str] | None = None) -> int:
    """Start, print where everything is, wait for Ctrl-C, stop."""
    args = parse_args(argv)
    variants = tuple(dict.fromkeys(args.variant or ["pro", "aura"]))
    stack = Stack(
        args.config,
        ha_port=args.port,
        variants=variants,
        count=args.count,
        sim_port=args.sim_port,
        sensor_interval=args.sensor_interval,
        profile=args.profile,
    )

    def _terminate(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    # Ctrl-C, even when a non-interactive parent shell started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    started = time.monotonic()
    print(f"Starting the simulator and Home Assistant in {stack.config_dir} ...", flush=True)
    try:
        running = stack.start()  # stops what it started if it fails
    except KeyboardInterrupt:
        print("\nStopped before it was ready.", flush=True)
        return 130
    except StackError as err:
        print(f"scripts/develop: {err}", file=sys.stderr)
        return 1
    except (BootstrapError, subprocess.CalledProcessError) as err:
        print(f"scripts/develop: {err}", file=sys.stderr)
        print(f"See {stack.config_dir}/home-assistant.log and hass-console.log", file=sys.stderr)
        return 1
    try:
        print(_summary(stack, running, time.monotonic() - started), flush=True)
        while (dead := stack.dead_child()) is None:
            time.sleep(0.5)
        print(f"\n{dead} stopped; stopping the rest.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
