"""Malformed frames are logged (rate-limited) and dropped; the connection lives on."""

from __future__ import annotations

from collections.abc import Iterator
import itertools
import json
import logging
import re
from typing import get_args

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.intecular.api import (
    IntecularClient,
    Nightlight,
    OtaResult,
    OtaTarget,
    OutletInfo,
    OutletStates,
    SensorReadings,
    connection as connection_module,
)
from custom_components.intecular.api.models import Push
from custom_components.intecular.api.protocol import build_frame
from simulator import SimulatedOutlet
from tests.clock import Clock

from .common import Pushes, wait_until
from .conftest import ClientFactory, SimFactory
from .strategies import raw_frames

LOGGER = connection_module.__name__
GARBAGE_KINDS = 11  # what SimulatedOutlet.send_garbage() sends


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        yield caplog


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno >= logging.WARNING
    ]


def debug_drops(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == LOGGER and r.levelno == logging.DEBUG and "malformed" in r.getMessage()
    ]


async def test_every_kind_of_garbage_is_dropped(
    sim: SimulatedOutlet, client: IntecularClient, logs: pytest.LogCaptureFixture, clock: Clock
) -> None:
    pushes = Pushes(client)
    await sim.send_garbage()  # not JSON, not objects, wrong types, unknown callback, binary
    await sim.press_button(1)
    assert await pushes.next(OutletStates) == OutletStates(True, False)
    assert pushes.received == []
    assert client.stats.bad_frames == GARBAGE_KINDS
    assert client.stats.last_bad_frame == "binary frame"
    assert client.connected
    assert await client.get_outlets() == OutletStates(True, False)
    # one warning, every drop at debug level
    assert len(warnings(logs)) == 1
    assert warnings(logs)[0].startswith(f"Dropped a malformed frame from {sim.host}: not JSON")
    drops = debug_drops(logs)
    assert len(drops) == GARBAGE_KINDS
    assert any("callback 99 is never pushed" in line for line in drops)
    assert any("binary frame" in line for line in drops)


async def test_warnings_are_rate_limited_with_a_count(
    sim: SimulatedOutlet, client: IntecularClient, logs: pytest.LogCaptureFixture, clock: Clock
) -> None:
    for _ in range(3):
        await sim.send_garbage()
    await client.get_outlets()  # everything sent before is handled
    assert len(warnings(logs)) == 1
    clock.now += 59.0
    await sim.send_raw("nope")
    await client.get_outlets()
    assert len(warnings(logs)) == 1  # still within the minute
    clock.now += 1.0
    await sim.send_raw("[]")
    await client.get_outlets()
    assert warnings(logs)[1] == (
        f"Dropped a malformed frame from {sim.host}: not a JSON object but list"
        f" ({3 * GARBAGE_KINDS} more since the last warning)"
    )
    clock.now += 600.0
    await sim.send_raw("{}")
    await client.get_outlets()
    assert warnings(logs)[2] == (
        f"Dropped a malformed frame from {sim.host}: frame has neither PUBACK nor payload"
    )
    assert client.stats.bad_frames == 3 * GARBAGE_KINDS + 3


async def test_garbage_around_every_frame(
    make_sim: SimFactory, make_client: ClientFactory, clock: Clock
) -> None:
    sim = await make_sim("pro", malformed=True)
    client = await make_client(sim)
    pushes = Pushes(client)
    for _ in range(GARBAGE_KINDS):  # each reply after another kind of garbage
        assert await client.get_outlets() == OutletStates(False, False)
    await client.set_nightlight(True, 30)
    assert await pushes.next(Nightlight) == Nightlight(True, 30)
    assert client.stats.bad_frames == GARBAGE_KINDS + 2
    assert client.connected


async def test_pathological_frames(
    sim: SimulatedOutlet, client: IntecularClient, clock: Clock
) -> None:
    pushes = Pushes(client)
    for frame in (
        "[" * 50_000,  # nested far beyond the JSON decoder's limit
        '{"packetID": 1, "PUBACK": "1e400"}',
        json.dumps({"payload": {"callbackName": 11, "callbackArgs": [0, {"lux": 10**400}]}}),
        json.dumps({"payload": {"callbackName": 9, "callbackArgs": ["inf", 0]}}),
        '{"payload": {"callbackName": 22, "callbackArgs": [1, NaN]}}',
        '{"payload": {"callbackName": 12, "callbackArgs": {"IM": {"sn": "\\ud800"}, "PM": 1}}}',
    ):
        await sim.send_raw(frame)
    await sim.send_raw(build_frame(sim.serial, 123456, 23, [1, 1]))
    assert await pushes.next(OtaResult) == OtaResult(OtaTarget.OUTLET, True)
    # one absurd value costs that value, not the frame: the 11 and 12 pushes apply
    assert client.stats.bad_frames == 4
    assert pushes.of(SensorReadings) == [SensorReadings(unreadable=frozenset({"illuminance"}))]
    (info,) = pushes.of(OutletInfo)
    assert (info.outlet.serial, info.faceplate) == ("\ud800", None)
    assert client.connected
    assert await client.get_outlets() == OutletStates(False, False)


async def test_replies_nobody_waits_for_are_dropped_quietly(
    sim: SimulatedOutlet, client: IntecularClient, logs: pytest.LogCaptureFixture
) -> None:
    pushes = Pushes(client)
    await sim.send_raw(build_frame(sim.serial, 222222, puback=1))  # a late acknowledgement
    await sim.send_raw(build_frame(sim.serial, 222223, 1, {"acc_prefs": {}}, puback=1))
    await client.get_outlets()
    assert pushes.received == []
    assert client.stats.bad_frames == 0
    assert warnings(logs) == []
    # without PUBACK, a reply-only callback is not a push: that is a malformed frame
    await sim.send_raw(build_frame(sim.serial, 222224, 20, {"IM": {}}))
    await client.get_outlets()
    assert client.stats.bad_frames == 1
    assert client.stats.last_bad_frame == "callback 20 is never pushed"


class WarningLog(logging.Handler):
    """Every warning of the connection module, with the fake clock's time."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(logging.WARNING)
        self.clock = clock
        self.warnings: list[tuple[float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.warnings.append((self.clock.now, record.getMessage()))


@pytest.fixture
def warning_log(clock: Clock) -> Iterator[WarningLog]:
    handler = WarningLog(clock)
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(raw_frames, min_size=1, max_size=20), minutes=st.integers(0, 2))
async def test_random_frames_never_hurt_a_live_connection(
    sim: SimulatedOutlet,
    client: IntecularClient,
    warning_log: WarningLog,
    batch: list[str | bytes],
    minutes: int,
) -> None:
    """Batches of random, mutated and valid frames over one connection (all examples share it).

    After each batch the connection is the same one, a request works, a push
    arrives, every push handed out is a model, and every dropped frame is accounted
    for: warned about, counted in a later warning, or still waiting to be counted;
    never more than one warning a minute.
    """
    pushes = Pushes(client)
    warning_log.clock.now += 30.0 * minutes
    for frame in batch:
        await sim.send_raw(frame)
    outlets = await client.get_outlets()
    assert outlets.to_args() == sim.state.outlets.to_args()  # every frame above is handled
    await sim.press_button(2)
    await wait_until(
        lambda: (
            bool(pushes.received)
            and isinstance(push := pushes.received[-1], OutletStates)
            and push.to_args() == sim.state.outlets.to_args()
        )
    )
    assert all(isinstance(push, get_args(Push.__value__)) for push in pushes.received)
    pushes.unsubscribe()

    assert client.connected
    assert client._listen_task is not None
    assert not client._listen_task.done()
    assert client.stats.connects == 1
    assert sim.total_connections == 1
    accounted = client.stats.suppressed
    times = [when for when, _ in warning_log.warnings]
    assert all(later - earlier >= 60.0 for earlier, later in itertools.pairwise(times))
    for _, message in warning_log.warnings:
        assert message.startswith(f"Dropped a malformed frame from {sim.host}: ")
        count = re.search(r"\((\d+) more since the last warning\)$", message)
        accounted += 1 + (int(count.group(1)) if count else 0)
    assert accounted == client.stats.bad_frames
