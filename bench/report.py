"""Figures, the machine they were measured on, and the table they are printed in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
import gc
import math
import os
from pathlib import Path
import platform
import statistics
import sys
import time


def percentile(samples: list[float], pct: float) -> float:
    """The nearest-rank percentile (``pct`` in 0-100) of ``samples``."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    """The median, NaN for no values."""
    return statistics.median(values) if values else math.nan


@dataclass(slots=True)
class Rounds:
    """Samples gathered in repeated rounds: a percentile is taken per round, then the median.

    Reporting the median of the rounds' figures (with their range) keeps one noisy
    round, e.g. another process taking the CPU, from deciding the result.
    """

    rounds: list[list[float]] = field(default_factory=list)

    def new_round(self) -> list[float]:
        """Start a round; append samples to the list returned."""
        self.rounds.append([])
        return self.rounds[-1]

    def stat(self, pct: float) -> float:
        """Median over the rounds of each round's percentile."""
        return median([percentile(r, pct) for r in self.rounds if r])

    def spread(self, pct: float) -> tuple[float, float]:
        """Lowest and highest per-round percentile."""
        values = [percentile(r, pct) for r in self.rounds if r]
        return (min(values), max(values)) if values else (math.nan, math.nan)

    @property
    def count(self) -> int:
        """Samples in all rounds."""
        return sum(len(r) for r in self.rounds)


@dataclass(slots=True)
class Row:
    """One line of the results table."""

    section: str
    what: str
    value: str
    target: str = ""
    verdict: str = ""
    how: str = ""


class Table:
    """The rows gathered while the benchmarks run; printed as Markdown at the end."""

    def __init__(self) -> None:
        """Start empty."""
        self.rows: list[Row] = []

    def add(
        self,
        section: str,
        what: str,
        value: str,
        *,
        target: str = "",
        ok: bool | None = None,
        how: str = "",
    ) -> None:
        """Add a row; ``ok`` None means no target applies."""
        verdict = "" if ok is None else ("met" if ok else "MISSED")
        self.rows.append(Row(section, what, value, target, verdict, how))
        say(f"  {what}: {value}" + (f"  (target {target}: {verdict})" if target else ""))

    def extend(self, rows: Iterable[Row]) -> None:
        """Add rows measured elsewhere (another process)."""
        self.rows.extend(rows)

    def markdown(self) -> str:
        """The table, then how each figure was obtained."""
        lines = [
            "| part | figure | value | target | |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines.extend(
            f"| {r.section} | {r.what} | {r.value} | {r.target} | {r.verdict} |" for r in self.rows
        )
        hows = [(r.section, r.how) for r in self.rows if r.how]
        if hows:
            lines.append("")
            lines.append("How each figure was obtained:")
            seen: set[str] = set()
            for section, how in hows:
                if how not in seen:
                    seen.add(how)
                    lines.append(f"- {section}: {how}")
        return "\n".join(lines)


def say(text: str) -> None:
    """Progress output (stderr keeps stdout for the table)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def ms(seconds: float) -> str:
    """Seconds as milliseconds with sensible precision."""
    value = seconds * 1000
    return f"{value:.3f} ms" if value < 10 else f"{value:.1f} ms"


def cpu_model() -> str:
    """The CPU model from /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> list[str]:
    """What the figures were measured on."""
    from aiohttp import __version__ as aiohttp_version  # noqa: PLC0415
    from homeassistant.const import __version__ as ha_version  # noqa: PLC0415

    load = os.getloadavg()
    return [
        f"machine: {os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {cpu_model()}",
        f"system: {platform.system()} {platform.release()}, memory {memory_total_mib():.0f} MiB",
        f"software: Python {platform.python_version()}, Home Assistant {ha_version},"
        f" aiohttp {aiohttp_version}",
        f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
    ]


def memory_total_mib() -> float:
    """The machine's memory."""
    return _proc_kib("/proc/meminfo", "MemTotal:") / 1024


def rss_mib() -> float:
    """The resident memory of this process, after a full garbage collection."""
    gc.collect()
    return _proc_kib("/proc/self/status", "VmRSS:") / 1024


def _proc_kib(path: str, key: str) -> float:
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith(key):
            return float(line.split()[1])
    return math.nan


class CpuMeter:
    """Process CPU time (all threads) against wall time over a window."""

    def __init__(self) -> None:
        """Start measuring now."""
        self.cpu0 = time.process_time()
        self.wall0 = time.monotonic()

    def stop(self) -> tuple[float, float]:
        """CPU seconds and wall seconds since the start."""
        return time.process_time() - self.cpu0, time.monotonic() - self.wall0
