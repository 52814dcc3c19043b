"""The request scheduler: when a request may go out.

Requests travel in two lanes. A user's command (and any read a user waits for) takes
the foreground lane, which has slots of its own; background work (the optional parts,
the firmware check, periodic re-reads) shares a single slot of its own. So a command
never queues behind a slow background read, and the outlet never has more than one
background request to answer. The outlet's capacity is undocumented (protocol.md §11,
item 31); the vendor's clients send one request at a time. A request holds its slot
from the moment it is sent until its reply, its timeout (the slot is free at once) or
the end of the socket; which reply belongs to which request is the connection's
business (connection.py).
"""

from __future__ import annotations

import asyncio
from typing import Final

# Requests that may wait for their replies at once, per lane.
FOREGROUND_SLOTS: Final = 2
BACKGROUND_SLOTS: Final = 1


class RequestScheduler:
    """The two lanes of one connection's requests."""

    def __init__(self) -> None:
        """Every slot is free."""
        self._foreground = asyncio.Semaphore(FOREGROUND_SLOTS)
        self._background = asyncio.Semaphore(BACKGROUND_SLOTS)

    def lane(self, *, background: bool) -> asyncio.Semaphore:
        """The lane a request waits in for its slot (``async with``)."""
        return self._background if background else self._foreground
