"""The simulator as a user starts it: ``python -m simulator`` in a child process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import os
from pathlib import Path
import signal
import sys

ROOT = Path(__file__).parents[2]


@contextlib.asynccontextmanager
async def simulator_cli(*args: str, outlets: int = 1) -> AsyncIterator[list[list[str]]]:
    """Start ``python -m simulator --port 0 ARGS``; yield the lines it prints per outlet.

    On leaving, SIGTERM must stop it cleanly (exit status 0).
    """
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--port",
        "0",
        *args,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(20):
            lines = [(await process.stdout.readline()).decode().split() for _ in range(outlets)]
        yield lines
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(10):
            _, stderr = await process.communicate()
        assert process.returncode == 0, stderr.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
