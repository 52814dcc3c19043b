"""How often a lost outlet is tried again: often while it may just be restarting, then less."""

from __future__ import annotations

from custom_components.intecular.const import (
    RECONNECT_BACKOFF_FIRST,
    RECONNECT_BACKOFF_MAX,
    RECONNECT_FAST_PERIOD,
)
from custom_components.intecular.link import reconnect_delay


def _attempts(seconds: float) -> list[tuple[float, float]]:
    """(time into the outage, wait before the next attempt) for every attempt."""
    schedule: list[tuple[float, float]] = []
    now, delay = 0.0, 0.0  # the first attempt is at once
    while now < seconds:
        now += delay
        delay = reconnect_delay(delay, now)
        schedule.append((now, delay))
    return schedule


def test_an_outlet_back_within_a_minute_is_found_within_half_a_second() -> None:
    """A restart takes seconds: the outlet is tried every half second meanwhile."""
    fast = [(at, wait) for at, wait in _attempts(600) if at < RECONNECT_FAST_PERIOD]
    assert RECONNECT_FAST_PERIOD == 60.0
    assert {wait for _, wait in fast} == {RECONNECT_BACKOFF_FIRST} == {0.5}
    assert len(fast) == 120  # no more than that in the first minute


def test_a_long_outage_is_tried_less_and_less_often() -> None:
    """After the first minute the wait doubles, up to one attempt every 30 seconds."""
    slow = [wait for at, wait in _attempts(600) if at >= RECONNECT_FAST_PERIOD]
    assert slow[:7] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert max(slow) == RECONNECT_BACKOFF_MAX == 30.0
    assert len(slow) < 25  # nine minutes of outage
