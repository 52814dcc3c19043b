"""Garbage from the outlet, through the live connection into the running integration.

Thousands of random and mutated frames (hypothesis, all examples on one connection):
none gets past the client, the connection stays the same one, Home Assistant keeps
showing exactly what the outlet has, and every dropped frame is logged at debug level
while warnings come at most once a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
import itertools
import json
import logging
import re

from homeassistant.core import HomeAssistant
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import (
    FrameError,
    connection as connection_module,
)
from custom_components.intecular.api.models import parse_push
from custom_components.intecular.api.protocol import parse_frame
from simulator import SimulatedOutlet
from tests.api.strategies import raw_frames
from tests.clock import Clock

from .common import coordinator_of, differences, settle

LOGGER = connection_module.__name__
DROPPED = "Dropped a malformed frame"
IGNORED = "Ignoring a reply nobody waits for"
# asyncio's debug mode (on in these tests) reports a busy machine, not a fault
SLOW_CALLBACK = re.compile(r"Executing <.*> took [\d.]+ seconds$", re.DOTALL)


def carries_no_push(frame: str | bytes) -> bool:
    """Whether the frame is garbage to the client: malformed, or a reply nobody asked for."""
    if isinstance(frame, bytes):
        return True
    try:
        parsed = parse_frame(frame)
        if parsed.callback is None or (
            parsed.puback is not None and parsed.callback in connection_module._REPLY_ONLY
        ):
            return True
        parse_push(parsed.callback, parsed.args)
    except FrameError:
        return True
    return False


garbage = raw_frames.filter(carries_no_push)


class Records(logging.Handler):
    """Every record at DEBUG and above, with the fake clock's time."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(logging.DEBUG)
        self.clock = clock
        self.records: list[tuple[float, logging.LogRecord]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((self.clock.now, record))

    def debug(self, start: str) -> list[str]:
        return [
            r.getMessage()
            for _, r in self.records
            if r.levelno == logging.DEBUG and r.getMessage().startswith(start)
        ]


@pytest.fixture
def records(clock: Clock) -> Iterator[Records]:
    handler = Records(clock)
    root = logging.getLogger()
    connection_logger = logging.getLogger(LOGGER)
    level = connection_logger.level
    connection_logger.setLevel(logging.DEBUG)
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    connection_logger.setLevel(level)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
@given(
    batch=st.lists(garbage, min_size=10, max_size=50),
    press=st.sampled_from([None, 1, 2]),
    temperature=st.integers(150, 300).map(lambda tenths: tenths / 10),
    minutes=st.integers(0, 2),
)
async def test_garbage_never_reaches_home_assistant(  # noqa: PLR0917 - fixtures and examples
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    clock: Clock,
    records: Records,
    batch: list[str | bytes],
    press: int | None,
    temperature: float,
    minutes: int,
) -> None:
    """A batch of garbage, then real pushes: Home Assistant shows exactly the outlet."""
    client = coordinator_of(init_integration).client
    clock.now += 30.0 * minutes
    logged_before = len(records.debug(DROPPED)) + len(records.debug(IGNORED))
    for frame in batch:
        await simulator.send_raw(frame)
    if press is not None:
        await simulator.press_button(press)  # a real push right behind the garbage
    await simulator.set_sensor("temp_celsius", temperature)
    await settle(hass, init_integration)

    assert differences(hass, init_integration, simulator) == []
    assert client.stats.connects == 1, "the garbage cost a reconnect"
    assert simulator.total_connections == 1

    # every frame is logged at debug level: as dropped, or as a reply nobody waits for
    dropped, ignored = records.debug(DROPPED), records.debug(IGNORED)
    assert len(dropped) == client.stats.bad_frames
    assert len(dropped) + len(ignored) - logged_before == len(batch)
    # without flooding: one warning a minute, each counting the drops it stood for
    warnings = [
        (when, record.getMessage())
        for when, record in records.records
        if record.levelno >= logging.WARNING and record.name == LOGGER
    ]
    others = [
        f"{record.name}: {record.getMessage()}"
        for _, record in records.records
        if record.levelno >= logging.WARNING
        and not record.getMessage().startswith(DROPPED)
        and not SLOW_CALLBACK.match(record.getMessage())
    ]
    assert others == []
    times = [when for when, _ in warnings]
    assert all(later - earlier >= 60.0 for earlier, later in itertools.pairwise(times))
    accounted = client.stats.suppressed
    for _, message in warnings:
        count = re.search(r"\((\d+) more since the last warning\)$", message)
        accounted += 1 + (int(count.group(1)) if count else 0)
    assert accounted == client.stats.bad_frames


@pytest.mark.parametrize("variant", ["aura"])
async def test_colour_pushes_of_unknown_selectors_are_not_remembered(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A misbehaving outlet pushes 18 for 500 selectors no Aura has, each twice.

    A repeated push is recognised by remembering the last one of its kind; for 18 per
    colour array, of the arrays the protocol knows only, so such a flood cannot grow
    that memory: none of those pushes is taken for a repeat (none was remembered),
    while the nightlight array's repeat still is. What Home Assistant shows is the
    outlet's.
    """
    stats = coordinator_of(init_integration).client.stats

    def push(args: list[object]) -> str:
        payload = {"callbackName": 18, "callbackArgs": args}
        return json.dumps({"sn": simulator.serial, "packetID": 123456, "payload": payload})

    leds = [[1, 60, 28, 85, 3000]] * 9
    for selector in range(100, 600):
        for _ in range(2):
            await simulator.send_raw(push([selector, 1, leds, 0, 0, 50]))
    await settle(hass, init_integration)
    assert stats.repeats == 0

    nightlight = simulator.state.color[5].to_args()
    for _ in range(2):
        await simulator.send_raw(push(nightlight))
    await settle(hass, init_integration)
    assert stats.repeats == 1
    assert not differences(hass, init_integration, simulator)
