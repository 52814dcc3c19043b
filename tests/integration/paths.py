"""The modules of the integration a piece of work passes through, read from its calls.

``CallPath`` records, while it is active, every call into the integration's code that
comes from another module (a call within one module, and a return, is no entry), with
the module it came from: another of the integration's, or ``None`` for Home Assistant,
asyncio and the rest (a coroutine resumed by the event loop comes from ``None``). Only
the calls of one piece of work count: those whose outermost integration frame is
one of ``roots`` (functions' qualified names, e.g. ``Connection.listen`` for what the
socket reader does), so a timer of the integration's that fires in the window is left out.

Two readings of the record:

* ``modules``: the modules entered, in the order first entered (the path);
* ``entered_from``: per module, the places it was entered from. A module entered from
  one place only is entered once on the path, however many calls cross that one
  boundary; a second place means the path comes back to it (``a -> b -> a``, or
  ``a -> b`` and later ``c -> b``).

``stacks`` keeps each entry's chain of modules (outermost first, a module repeated in a
row counted once, Home Assistant's frames left out), for the failure message.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
import sys
from types import FrameType
from typing import Any, Self

MARK = "/custom_components/intecular/"


def module_of(filename: str) -> str | None:
    """The integration module a code object belongs to (``api/connection.py``), if any."""
    at = filename.find(MARK)
    return None if at < 0 else filename[at + len(MARK) :]


@dataclass
class CallPath:
    """The integration modules one piece of work enters; see the module docstring."""

    roots: frozenset[str]
    entries: list[tuple[str, str | None, str]] = field(default_factory=list)
    stacks: list[tuple[str, ...]] = field(default_factory=list)

    def __enter__(self) -> Self:
        """Start recording (one thread: Home Assistant's event loop)."""
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop recording."""
        sys.setprofile(None)

    def _profile(self, frame: FrameType, event: str, _arg: Any) -> None:
        if event != "call" or (module := module_of(frame.f_code.co_filename)) is None:
            return
        back = frame.f_back
        came_from = None if back is None else module_of(back.f_code.co_filename)
        if came_from == module:
            return
        chain: list[str] = []
        outermost = frame
        at: FrameType | None = frame
        while at is not None:
            if (name := module_of(at.f_code.co_filename)) is not None:
                outermost = at
                if not chain or chain[-1] != name:
                    chain.append(name)
            at = at.f_back
        if outermost.f_code.co_qualname not in self.roots:
            return
        self.entries.append((module, came_from, frame.f_code.co_qualname))
        self.stacks.append(tuple(reversed(chain)))

    @property
    def modules(self) -> list[str]:
        """The modules entered, in the order first entered."""
        return list(dict.fromkeys(module for module, _, _ in self.entries))

    @property
    def entered_from(self) -> dict[str, set[str | None]]:
        """Per module, where it was entered from (``None``: from outside the integration)."""
        places: dict[str, set[str | None]] = defaultdict(set)
        for module, came_from, _ in self.entries:
            places[module].add(came_from)
        return dict(places)

    def reentered(self) -> dict[str, set[str | None]]:
        """The modules entered from more than one place."""
        return {module: places for module, places in self.entered_from.items() if len(places) > 1}

    def describe(self) -> str:
        """Every entry with its chain, for an assertion's message."""
        return "\n".join(
            f"{module} <- {came_from} ({name}): {' > '.join(chain)}"
            for (module, came_from, name), chain in zip(self.entries, self.stacks, strict=True)
        )
