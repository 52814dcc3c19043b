"""Seeded frame timing: held, reordered and late replies, dropped sockets, one seed."""

from __future__ import annotations

import asyncio

import aiohttp

from simulator import Faults, SimulatedOutlet
from simulator.timing import FrameTiming, Plan

from .conftest import Client, ClientFactory, args_of, callback_of
from .test_control import post


def _plans(faults: Faults, count: int) -> list[Plan | None]:
    timing = FrameTiming(faults)
    return [timing.plan() for _ in range(count)]


def _drawn(faults: Faults, count: int) -> list[Plan]:
    plans = _plans(faults, count)
    assert all(plan is not None for plan in plans)
    return [plan for plan in plans if plan is not None]


def test_off_by_default() -> None:
    assert not FrameTiming(Faults()).active
    assert _plans(Faults(), 3) == [None, None, None]


def test_a_seed_replays() -> None:
    knobs = {"reply_jitter": 0.05, "handle_jitter": 0.02, "reorder_rate": 0.5, "drop_rate": 0.2}
    first = _drawn(Faults(timing_seed=11, **knobs), 50)
    assert first == _drawn(Faults(timing_seed=11, **knobs), 50)
    assert first != _drawn(Faults(timing_seed=12, **knobs), 50)
    assert any(p.drop_before for p in first)
    assert any(p.drop_after is not None for p in first)
    assert any(p.pushes_first for p in first)
    # the knobs scale the same draws: the sequence does not depend on which are on
    only_jitter = _drawn(Faults(timing_seed=11, reply_jitter=0.05), 50)
    assert [p.reply_delay for p in only_jitter] == [p.reply_delay for p in first]


def test_a_new_seed_restarts_the_sequence() -> None:
    faults = Faults(timing_seed=5, reply_jitter=1.0)
    timing = FrameTiming(faults)
    first = [timing.plan() for _ in range(3)]
    faults.timing_seed = 6
    timing.plan()
    faults.timing_seed = 5
    assert [timing.plan() for _ in range(3)] == first


def test_late_replies_are_bounded() -> None:
    faults = Faults(timing_seed=1, late_replies=2, late_reply_rate=1.0, late_reply_delay=6.0)
    late = _drawn(faults, 2)
    assert [(p.late, p.reply_delay) for p in late] == [(True, 6.0), (True, 6.0)]
    assert faults.late_replies == 0
    assert _plans(faults, 3) == [None, None, None]  # spent: nothing else is on
    faults.reply_jitter = 0.01
    assert not any(p.late for p in _drawn(faults, 20))


async def test_pushes_before_the_reply(sim: SimulatedOutlet, client: Client) -> None:
    sim.faults.reorder_rate = 1.0
    packet_id = await client.send(10, [1, 1])
    first, second = await client.frame(), await client.frame()
    assert (callback_of(first), args_of(first)) == (9, [1, 0])
    assert second["packetID"] == packet_id
    assert second["PUBACK"] == 1


async def test_a_held_reply_is_overtaken(sim: SimulatedOutlet, client: Client) -> None:
    sim.faults.timing_seed = 3
    sim.faults.late_replies = 1
    sim.faults.late_reply_rate = 1.0
    sim.faults.late_reply_delay = 0.3
    slow = await client.send(12)
    assert (await client.request(9))["PUBACK"] == 1  # answered while 12 is held
    await sim.press_button(2)
    assert args_of(await client.push(9)) == [0, 1]
    assert sim.frames_held == 1
    reply = await client.reply(slow)
    assert args_of(reply)["IM"]["sn"] == sim.serial
    assert sim.frames_held == 0
    assert sim.faults.late_replies == 0


async def test_reply_jitter_holds_the_state_of_its_time(
    sim: SimulatedOutlet, client: Client
) -> None:
    sim.faults.timing_seed = 4
    sim.faults.reply_jitter = 0.2
    await client.send(9)
    await asyncio.sleep(0)
    while sim.frames_held == 0 and not client.pushes:  # noqa: ASYNC110
        await asyncio.sleep(0.001)
    await sim.press_button(1)  # after the 9 was carried out
    reply_or_push = [await client.frame(), await client.frame()]
    replies = [f for f in reply_or_push if "PUBACK" in f]
    assert len(replies) == 1
    assert args_of(replies[0]) == [0, 0]  # the outlets when it was read


async def test_handle_jitter_delays_the_command(sim: SimulatedOutlet, client: Client) -> None:
    sim.faults.timing_seed = 2
    sim.faults.handle_jitter = 0.2
    reply = await client.request(10, [2, 1])
    assert reply["PUBACK"] == 1
    assert sim.state.outlets.outlet_2


async def test_drop_rate_drops_the_socket(sim: SimulatedOutlet, connect: ClientFactory) -> None:
    sim.faults.timing_seed = 9
    sim.faults.drop_rate = 1.0
    client = await connect(sim)
    await client.send(9)
    assert await client.closed()
    sim.faults.drop_rate = 0.0
    again = await connect(sim)
    assert (await again.request(9))["PUBACK"] == 1


async def test_knobs_from_the_control_api(
    sim: SimulatedOutlet, http: aiohttp.ClientSession
) -> None:
    knobs = {
        "timing_seed": 42,
        "reply_jitter": 0.05,
        "handle_jitter": 0.01,
        "reorder_rate": 0.3,
        "late_replies": 1,
        "late_reply_rate": 0.1,
        "late_reply_delay": 5.5,
        "drop_rate": 0.01,
    }
    assert await post(http, sim, "knobs", knobs) == {"ok": True}
    assert {name: getattr(sim.faults, name) for name in knobs} == knobs
    assert sim.frame_timing.active
    await post(http, sim, "faults", {"reply_jitter": 0, "drop_rate": 0, "reorder_rate": 0})
    await post(http, sim, "faults", {"handle_jitter": 0, "late_replies": 0})
    assert not sim.frame_timing.active
