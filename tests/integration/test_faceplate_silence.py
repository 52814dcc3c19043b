"""When a quiet faceplate counts as gone: three of its own report intervals, never under 15 s.

A faceplate that reports every 20 s (or a busy network) must not flip its entities to
unavailable between reports; one that stops reporting must still be noticed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import random
from unittest.mock import patch

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import SensorReadings
from custom_components.intecular.watchdog import Watchdog
from simulator import SimulatedOutlet

from .common import coordinator_of, wait_until

TEMPERATURE = "sensor.invisdeco_pro_e7c4_temperature"


class _Handle:
    def __init__(self, when: float, run: Callable[[], None]) -> None:
        self.when, self.run, self.cancelled = when, run, False

    def cancel(self) -> None:
        self.cancelled = True


class FakeLoop:
    """The two calls the watchdog makes of its loop, on a clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0
        self.handles: list[_Handle] = []

    def time(self) -> float:
        return self.now

    def call_at(self, when: float, run: Callable[[], None]) -> _Handle:
        handle = _Handle(when, run)
        self.handles.append(handle)
        return handle

    def advance_to(self, moment: float) -> None:
        """Run every timer due until ``moment``, in order, the clock following them."""
        while due := [h for h in self.handles if not h.cancelled and h.when <= moment]:
            handle = min(due, key=lambda h: h.when)
            self.handles.remove(handle)
            self.now = max(self.now, handle.when)
            handle.run()
        self.now = moment


def _watchdog(timeout: float = 15.0) -> tuple[FakeLoop, Watchdog, list[float]]:
    loop = FakeLoop()
    fired: list[float] = []
    watchdog = Watchdog(loop, timeout, lambda: fired.append(loop.now))  # type: ignore[arg-type]
    return loop, watchdog, fired


def _report_every(
    loop: FakeLoop, watchdog: Watchdog, interval: float, jitter: float, until: float
) -> float:
    """Feed at ``interval`` ± ``jitter`` seconds until ``until``; the last report's time."""
    rng = random.Random(20)
    moment = 0.0
    while moment < until:
        loop.advance_to(moment)
        watchdog.feed()
        last = moment
        moment += interval + rng.uniform(-jitter, jitter)
    return last


def test_a_faceplate_reporting_every_20_s_is_never_silent() -> None:
    """Ten minutes of reports 20 ± 3 s apart never count as a silence."""
    loop, watchdog, fired = _watchdog()
    _report_every(loop, watchdog, 20.0, 3.0, until=600.0)
    assert fired == []


def test_stopped_reports_count_after_three_intervals() -> None:
    """Reports every 20 ± 3 s stop: silent after three usual intervals (~60 s), not before."""
    loop, watchdog, fired = _watchdog()
    last = _report_every(loop, watchdog, 20.0, 3.0, until=600.0)
    loop.advance_to(last + 3 * 17.0)  # three of the shortest intervals seen: not yet
    assert fired == []
    loop.advance_to(last + 3 * 23.0)
    assert len(fired) == 1
    assert 3 * 17.0 <= fired[0] - last <= 3 * 23.0


def test_fast_reports_keep_the_15_s_floor() -> None:
    """A faceplate reporting every 2 s is silent after 15 s, not after 6."""
    loop, watchdog, fired = _watchdog()
    last = _report_every(loop, watchdog, 2.0, 0.2, until=60.0)
    loop.advance_to(last + 14.9)
    assert fired == []
    loop.advance_to(last + 15.0)
    assert fired == [last + 15.0]


def test_before_its_pace_is_known_a_faceplate_gets_three_times_the_floor() -> None:
    """The first report after setup may come a whole interval later: no silence yet."""
    loop, watchdog, fired = _watchdog()
    watchdog.feed()  # the read at setup
    loop.advance_to(0.5)
    watchdog.feed()  # a push that happened to follow it closely
    loop.advance_to(23.0)
    watchdog.feed()  # the faceplate's own pace: 20 s and more
    loop.advance_to(46.0)
    watchdog.feed()
    assert fired == []
    loop.advance_to(46.0 + 44.9)
    assert fired == []


def test_a_faceplate_that_slows_down_is_learnt() -> None:
    """From 2 s to 20 s: a few silences while it changes pace, then none."""
    loop, watchdog, fired = _watchdog()
    start = _report_every(loop, watchdog, 2.0, 0.0, until=60.0)
    moment = start
    for _ in range(30):  # ten minutes at 20 s
        moment += 20.0
        loop.advance_to(moment)
        watchdog.feed()
    settled = [t for t in fired if t > start + 200.0]
    assert 0 < len(fired) <= 5
    assert settled == []


def test_a_long_outage_does_not_stretch_the_next_deadline() -> None:
    """One gap of five minutes (a restart) among 20 s reports leaves the deadline at ~60 s."""
    loop, watchdog, fired = _watchdog()
    last = _report_every(loop, watchdog, 20.0, 0.0, until=200.0)
    loop.advance_to(last + 300.0)
    assert len(fired) == 1
    watchdog.feed()
    loop.advance_to(last + 320.0)
    watchdog.feed()
    loop.advance_to(last + 320.0 + 60.0)
    assert len(fired) == 2


def test_stop_cancels_for_good() -> None:
    loop, watchdog, fired = _watchdog()
    watchdog.feed()
    watchdog.stop()
    watchdog.feed()
    loop.advance_to(1000.0)
    assert fired == []


# Through Home Assistant and the simulator, on a clock 50 times faster: the floor of
# 15 s is 0.3 s and a report every 20 ± 3 s is one every 0.40 ± 0.06 s (slow enough
# that a busy machine's delays stay small beside it).
SCALE = 0.02


async def _report(
    simulator: SimulatedOutlet, interval: float, jitter: float, count: int
) -> list[float]:
    """Have the faceplate report ``count`` times; the gaps between the reports."""
    loop = asyncio.get_running_loop()
    rng = random.Random(7)
    gaps: list[float] = []
    last = loop.time()
    for _ in range(count):
        await asyncio.sleep((interval + rng.uniform(-jitter, jitter)) * SCALE)
        await simulator.push_sensors()
        gaps.append(loop.time() - last)
        last = loop.time()
    return gaps


@pytest.mark.parametrize("variant", ["pro"])
async def test_faceplate_reporting_every_20_s_stays_available_then_goes(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Ten minutes of reports 20 ± 3 s apart: never unavailable; then it stops: gone.

    It goes unavailable within three of its intervals as observed, not at the floor.
    """
    with patch("custom_components.intecular.coordinator.SENSOR_SILENCE_TIMEOUT", 15 * SCALE):
        config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
        loop = asyncio.get_running_loop()
        changes: list[tuple[float, str]] = []

        @callback
        def record(event: Event[EventStateChangedData]) -> None:
            if (new := event.data["new_state"]) is not None:
                changes.append((loop.time(), new.state))

        unsubscribe = async_track_state_change_event(hass, TEMPERATURE, record)
        # Setting up takes a moment that the faster clock would turn into a minute: the
        # reports start from a first one right after it, once it shows.
        await simulator.push_sensors()
        await wait_until(
            hass,
            lambda: (
                (s := hass.states.get(TEMPERATURE)) is not None
                and s.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
            ),
        )
        changes.clear()
        gaps = await _report(simulator, 20.0, 3.0, count=30)
        stopped = loop.time()
        assert all(state != STATE_UNAVAILABLE for _, state in changes), (changes, stopped, gaps)
        # Home Assistant hands a state change to its trackers a loop turn after the state
        # machine shows it: wait for the record, not for the state.
        await wait_until(hass, lambda: any(state == STATE_UNAVAILABLE for _, state in changes))
        gone = next(t for t, state in changes if state == STATE_UNAVAILABLE)
        unsubscribe()
        silence = gone - stopped
        # Three usual intervals (the shortest report was 17 s): not at 15 s, nor much later.
        assert silence >= 3 * min(gaps) * 0.9, (silence, gaps)
        assert silence <= 3 * max(gaps) + 10 * SCALE, (silence, gaps)
        assert await hass.config_entries.async_unload(config_entry.entry_id)


@pytest.mark.parametrize("variant", ["pro"])
async def test_a_quiet_faceplate_that_answers_a_read_is_back(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The faceplate went quiet, then answers a re-read with the readings it had: its
    sensors are available again, though no push follows (the answer is its report)."""

    def shown() -> str | None:
        return None if (state := hass.states.get(TEMPERATURE)) is None else state.state

    with patch("custom_components.intecular.coordinator.SENSOR_SILENCE_TIMEOUT", 0.3):
        config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await wait_until(hass, lambda: shown() not in (None, STATE_UNAVAILABLE, STATE_UNKNOWN))
        reading = shown()
        await wait_until(hass, lambda: shown() == STATE_UNAVAILABLE)

        assert await async_setup_component(hass, "homeassistant", {})
        pushes: list[SensorReadings] = []
        coordinator_of(config_entry).add_push_listener(pushes.append, kinds=(SensorReadings,))
        await hass.services.async_call(
            "homeassistant", "update_entity", {"entity_id": TEMPERATURE}, blocking=True
        )
        await wait_until(hass, lambda: shown() == reading)
        assert not pushes  # no push brought it back
        assert await hass.config_entries.async_unload(config_entry.entry_id)
