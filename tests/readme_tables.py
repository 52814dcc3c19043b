"""The README's entity tables, read as data: which entities an outlet has, which enabled.

Both entity tables have the columns *Entity* (names separated by ", "), *Faceplate*
("—" for every outlet, otherwise the faceplates that have it) and *Enabled by default*
("yes"/"no"). The integration tests and the browser test compare them with what Home
Assistant registers, so the README cannot promise fewer enabled entities than a user
gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
import re

README = Path(__file__).resolve().parent.parent / "README.md"
FACEPLATES = {"pro": "Pro", "aura": "Aura", "bare": None}


@dataclass(frozen=True)
class Listed:
    """One entity as a README table lists it."""

    name: str
    faceplates: frozenset[str] | None  # None: with or without a faceplate
    enabled: bool


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def listed_entities(text: str | None = None) -> list[Listed]:
    """Every entity of the README's tables that have an "Enabled by default" column."""
    lines = (README.read_text(encoding="utf-8") if text is None else text).splitlines()
    found: list[Listed] = []
    header: list[str] | None = None
    for line in lines:
        if not line.startswith("|"):
            header = None
            continue
        cells = _cells(line)
        if header is None:
            header = cells
            continue
        if set(line) <= set("|- "):
            continue
        if "Enabled by default" not in header:
            continue
        row = dict(zip(header, cells, strict=True))
        enabled = {"yes": True, "no": False}[row["Enabled by default"]]
        where = row["Faceplate"]
        faceplates = None if where == "—" else frozenset(re.findall(r"Pro|Aura", where))
        found.extend(Listed(name, faceplates, enabled) for name in row["Entity"].split(", "))
    return found


def names_for(variant: str, *, enabled_only: bool, text: str | None = None) -> list[str]:
    """The names the README lists for an outlet with this faceplate, sorted."""
    faceplate = FACEPLATES[variant]
    return sorted(
        entity.name
        for entity in listed_entities(text)
        if (entity.enabled or not enabled_only)
        and (entity.faceplates is None or faceplate in entity.faceplates)
    )
