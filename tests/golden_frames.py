"""The golden frames: every example frame of protocol.md, in tests/fixtures/golden/frames.json.

Each entry has a ``name``, its ``source`` in protocol.md, its ``kind`` (request,
reply or push) and the ``frame``; replies and pushes also carry the ``envelope`` a
client reads and, when they carry data, the ``model`` the client parses them into
and the ``expected`` values (attribute path to plain value).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

GOLDEN_FILE: Final = Path(__file__).parent / "fixtures" / "golden" / "frames.json"
GOLDEN: Final[list[dict[str, Any]]] = json.loads(GOLDEN_FILE.read_text(encoding="utf-8"))["frames"]


def golden(*kinds: str) -> list[dict[str, Any]]:
    """The golden entries of these kinds."""
    return [entry for entry in GOLDEN if entry["kind"] in kinds]


def name_of(entry: dict[str, Any]) -> str:
    """A test id."""
    return str(entry["name"])
