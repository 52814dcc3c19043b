"""``python -m simulator``: run simulated outlets until Ctrl-C or SIGTERM.

Prints one line per outlet (variant, serial, WebSocket URL) once they listen. It
listens on loopback unless told otherwise and never sends multicast or mDNS.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

from .farm import SimulatorFarm
from .profiles import PROFILES

VARIANTS = ("pro", "aura", "deco", "bare")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description="Simulated Intecular InvisOutlet(s)."
    )
    parser.add_argument("--variant", choices=VARIANTS, default="pro")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=8080, help="first port; 0 = any free port (default 8080)"
    )
    parser.add_argument("--count", type=int, default=1, help="number of outlets")
    parser.add_argument(
        "--sensor-interval", type=float, default=5.0, help="seconds between 11 pushes; 0 = none"
    )
    parser.add_argument("--serial", help="outlet serial (only with --count 1)")
    parser.add_argument("--hw-rev", choices=["revA", "revB"], default="revA")
    parser.add_argument(
        "--update-available", action="store_true", help="offer newer firmware for every module"
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="friendly",
        help="friendly: answers everything at once; real: behaves like a real outlet "
        "(slow update check, unanswered optional reads, ...; see simulator.profiles)",
    )
    parser.add_argument("--available-fw", help="offer this outlet firmware version")
    parser.add_argument("--available-www", help="offer this web interface version")
    parser.add_argument("--available-faceplate-fw", help="offer this faceplate firmware version")
    parser.add_argument("--seed", type=int, help="make serials and sensor values reproducible")
    parser.add_argument("--verbose", "-v", action="store_true", help="debug logging")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    if args.serial and args.count != 1:
        parser.error("--serial needs --count 1")
    return args


async def run(args: argparse.Namespace) -> None:
    """Start the outlets, print where they are, wait for a signal, stop them."""
    farm = SimulatorFarm(
        args.count,
        args.port,
        args.variant,
        host=args.host,
        seed=args.seed,
        serials=[args.serial] if args.serial else [],
        sensor_interval=args.sensor_interval,
        hw_rev=args.hw_rev,
        update_available=args.update_available,
        available_fw=args.available_fw,
        available_www=args.available_www,
        available_faceplate_fw=args.available_faceplate_fw,
        profile=args.profile,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with farm:
        for outlet in farm:
            print(f"{outlet.variant} {outlet.serial} {outlet.url}", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
