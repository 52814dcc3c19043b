"""Replies to requests, and the argument checks every handler shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply: its PUBACK and, for data-returning callbacks, its ``callbackArgs``."""

    puback: int
    args: Any = None
    data: bool = False


OK: Final = Reply(1)
FAIL: Final = Reply(0)


def data(args: Any) -> Reply:
    """A successful reply carrying ``payload``."""
    return Reply(1, args, data=True)


def is_int(value: Any, low: int, high: int) -> bool:
    """Whether ``value`` is a JSON integer (not a boolean) within ``low``..``high``."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def int_args(args: Any, *ranges: tuple[int, int]) -> list[int] | None:
    """``args`` when it is a list of integers within ``ranges`` (one per element)."""
    if not isinstance(args, list) or len(args) != len(ranges):
        return None
    if all(is_int(v, low, high) for v, (low, high) in zip(args, ranges, strict=True)):
        return args
    return None
