"""``python -m bench``: run the benchmarks and print the results as a Markdown table."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import asdict
import json
from pathlib import Path
import subprocess
import sys
import tempfile
import time

from homeassistant import runner

from . import cost, gross, latency, profile, recovery, scale, soak
from .hass import quiet_logging
from .report import Row, Table, machine, say

PARTS = ("latency", "profile", "cost", "gross", "scale", "startup", "recovery", "soak")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Measure the integration: latency and gross CPU on a cold path (a gap"
        " between samples, the one the targets are for) and a hot path (back to back),"
        " CPU per push, scale, start-up, recovery and a soak. The full run takes about"
        " 25 minutes.",
    )
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"comma-separated parts to run (default: all of {','.join(PARTS)})",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="shorter everything (fewer rounds, 50 outlets for 15 s, 1 minute soak)",
    )
    parser.add_argument(
        "--gap",
        type=float,
        default=10.0,
        help="milliseconds between samples on the cold path, the one the targets are for"
        " (default 10; the hot path beside it sends them back to back)",
    )
    parser.add_argument(
        "--cold-rounds", type=int, default=3, help="rounds on the cold path (default 3)"
    )
    parser.add_argument(
        "--cold-samples",
        type=int,
        default=200,
        help="samples per round and receiver on the cold path (default 200)",
    )
    parser.add_argument("--outlets", type=int, help="outlets in the scale run (default 200)")
    parser.add_argument("--scale-seconds", type=float, help="scale window (default 60)")
    parser.add_argument("--soak-minutes", type=float, help="soak length (default 10)")
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    # Internal: run the one part given in this process and write its rows here.
    parser.add_argument("--rows", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.parts = [p.strip() for p in args.only.split(",") if p.strip()]
    if args.gap <= 0 or args.cold_rounds < 1 or args.cold_samples < 1:
        parser.error("--gap, --cold-rounds and --cold-samples must be positive")
    if unknown := set(args.parts) - set(PARTS):
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    return args


async def run(args: argparse.Namespace, table: Table) -> None:
    """Run the chosen parts, in order."""
    quick = args.quick
    rounds = 3 if quick else 5
    gap = args.gap / 1000
    steps: dict[str, Callable[[], Awaitable[None]]] = {
        "latency": lambda: latency.measure(
            table,
            paces=[
                latency.Pace(
                    cold=True, gap=gap, rounds=args.cold_rounds, samples=args.cold_samples
                ),
                latency.Pace(cold=False, gap=0.0, rounds=rounds, samples=200 if quick else 1000),
            ],
        ),
        "profile": lambda: profile.measure(
            table, samples=args.cold_samples, gap=gap, kinds=("calls", "instructions")
        ),
        "cost": lambda: cost.measure(table, rounds=rounds, pushes=500 if quick else 2000),
        "gross": lambda: gross.measure(
            table, rounds=1 if quick else 3, seconds=5.0 if quick else 10.0, gap=gap
        ),
        "scale": lambda: scale.measure(
            table,
            outlets=args.outlets or (50 if quick else 200),
            seconds=args.scale_seconds or (15.0 if quick else 60.0),
        ),
        "startup": lambda: scale.startup(table, outlets=50, repeats=1 if quick else 3),
        "recovery": lambda: recovery.measure(table, repeats=1 if quick else 3),
        "soak": lambda: soak.measure(table, minutes=args.soak_minutes or (1.0 if quick else 10.0)),
    }
    for part in PARTS:
        if part in args.parts:
            await steps[part]()


def run_part(args: argparse.Namespace) -> int:
    """Child: run one part in this process, write its rows as JSON."""
    quiet_logging()
    table = Table()
    asyncio.set_event_loop_policy(runner.HassEventLoopPolicy(False))
    asyncio.run(run(args, table))
    args.rows.write_text(json.dumps([asdict(row) for row in table.rows]), encoding="utf-8")
    return 0


def run_parts(args: argparse.Namespace, table: Table) -> bool:
    """Each part in a fresh Python process: no part inherits another's memory or garbage."""
    passed = [
        *(["--quick"] if args.quick else []),
        f"--gap={args.gap:g}",
        f"--cold-rounds={args.cold_rounds}",
        f"--cold-samples={args.cold_samples}",
        *(["--outlets", str(args.outlets)] if args.outlets else []),
        *(["--scale-seconds", str(args.scale_seconds)] if args.scale_seconds else []),
        *(["--soak-minutes", str(args.soak_minutes)] if args.soak_minutes else []),
    ]
    ok = True
    with tempfile.TemporaryDirectory(prefix="intecular-bench-") as folder:
        for part in PARTS:
            if part not in args.parts:
                continue
            rows = Path(folder) / f"{part}.json"
            started = time.monotonic()
            done = subprocess.run(  # noqa: PLW1510, S603 - our own module; exit code checked below
                [sys.executable, "-m", "bench", "--only", part, "--rows", str(rows), *passed],
                cwd=Path(__file__).resolve().parent.parent,
                stdout=subprocess.DEVNULL,
            )
            if done.returncode or not rows.exists():
                ok = False
                table.add(part, "the part failed", f"exit code {done.returncode}", ok=False)
                continue
            table.extend(Row(**row) for row in json.loads(rows.read_text(encoding="utf-8")))
            say(f"{part}: done in {time.monotonic() - started:.0f} s")
    return ok


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    if args.rows is not None:
        return run_part(args)
    header = machine()
    for line in header:
        say(line)
    table = Table()
    started = time.monotonic()
    ok = run_parts(args, table)
    lines = [
        "Measured on:",
        *(f"- {line}" for line in header),
        f"- parts: {', '.join(args.parts)}{' (--quick)' if args.quick else ''};"
        f" total {time.monotonic() - started:.0f} s",
        f"- cold path (the targets' own): {args.gap:g} ms between samples, latency"
        f" {args.cold_rounds} rounds x {args.cold_samples}; hot path beside it",
        "",
        table.markdown(),
    ]
    report = "\n".join(lines)
    sys.stdout.write(report + "\n")
    if args.output is not None:
        args.output.write_text(report + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
