"""Behaviour knobs of a realistic outlet, seen over a real socket."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from .conftest import ClientFactory, SimFactory, args_of, callback_of

# --- update_check_delay -------------------------------------------------------------------


async def test_update_check_delay(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", update_available=True, update_check_delay=0.3)
    client = await connect(sim, autoping=False)
    slow = await client.send(20)
    # meanwhile: other requests are answered, pushes flow and pings are answered
    assert (await client.request(9))["PUBACK"] == 1
    await sim.press_button(1)
    assert args_of(await client.push(9)) == [1, 0]
    await client.ws.ping(b"x")
    assert (await client.ws.receive(1.0)).type is aiohttp.WSMsgType.PONG
    assert client.pushes == []
    reply = await client.reply(slow)  # ... and then 20 arrives after all
    assert args_of(reply)["IM"]["available_fw_rev"] == "2.5.0"


# --- unanswered ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "key", "callback", "args"),
    [
        ("pro", "1", 1, None),
        ("pro", "3", 3, None),
        ("pro", "11", 11, None),
        ("pro", "15", 15, None),
        ("aura", "18/5", 18, [5]),
        ("aura", "18/7", 18, [7]),
        ("pro", "20", 20, None),
        ("pro", "27", 27, [0]),
    ],
)
async def test_unanswered(  # noqa: PLR0917
    make_sim: SimFactory,
    connect: ClientFactory,
    variant: str,
    key: str,
    callback: int,
    args: list[int] | None,
) -> None:
    sim = await make_sim(variant, unanswered={key})
    client = await connect(sim)
    ignored = await (client.send(callback) if args is None else client.send(callback, args))
    assert (await client.request(9))["PUBACK"] == 1  # the socket stays healthy
    assert await client.quiet(0.05) == []
    assert all(frame.get("packetID") != ignored for frame in client.pushes)
    assert sim.requests[-2] == (callback, args)  # it was received, just not answered
    sim.faults.unanswered = frozenset()  # live: answered again at once
    reply = await (client.request(callback) if args is None else client.request(callback, args))
    assert "PUBACK" in reply


async def test_unanswered_selector_only(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("aura", unanswered={"18/7"})
    client = await connect(sim)
    assert args_of(await client.request(18, [5]))[0] == 5


# --- sensor_overrides ---------------------------------------------------------------------


async def test_sensor_overrides(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", sensor_overrides={"temp_celsius": "nan", "humidity": ""})
    client = await connect(sim)
    reply = args_of(await client.request(11))[1]
    await sim.set_sensor("pressure", 101000)
    push = args_of(await client.push(11))[1]
    for readings in (reply, push):
        assert readings["temp_celsius"] == "nan"
        assert readings["humidity"] == ""
        assert readings["AQI"] == 61
    assert push["pressure"] == 101000


# --- connect_delay and refused connections ------------------------------------------------


async def test_connect_delay(
    make_sim: SimFactory, connect: ClientFactory, http: aiohttp.ClientSession
) -> None:
    sim = await make_sim("pro", connect_delay=30.0)
    handshake = asyncio.create_task(http.ws_connect(sim.url))
    while not sim.handshakes_waiting:  # noqa: ASYNC110 - a plain counter
        await asyncio.sleep(0.005)
    assert not handshake.done()  # accepted, but the handshake has not completed
    assert sim.connection_count == 0
    handshake.cancel()
    sim.faults.connect_delay = 0.01
    client = await connect(sim)
    assert (await client.request(9))["PUBACK"] == 1


async def test_connections_refused_while_rebooting(
    make_sim: SimFactory, http: aiohttp.ClientSession
) -> None:
    sim = await make_sim("pro", reboot_delay=30.0)
    await sim.reboot()
    with pytest.raises(aiohttp.ClientConnectorError):
        await http.ws_connect(sim.url)


async def test_slow_handshake_lost_to_a_reboot(
    make_sim: SimFactory, http: aiohttp.ClientSession
) -> None:
    sim = await make_sim("pro", connect_delay=30.0, reboot_delay=30.0)
    handshake = asyncio.create_task(http.ws_connect(sim.url))
    while not sim.handshakes_waiting:  # noqa: ASYNC110 - a plain counter
        await asyncio.sleep(0.005)  # until the request is in, waiting for the slow accept
    await sim.reboot()
    with pytest.raises(aiohttp.ClientError):
        await handshake
    assert sim.connection_count == 0


# --- push_lag -----------------------------------------------------------------------------


async def test_push_lag(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", push_lag=0.5)
    client = await connect(sim)
    command = await client.send(10, [1, 1])
    assert (await client.frame())["packetID"] == command  # the acknowledgement first ...
    assert sim.frames_held == 1  # ... while its 9 push is held back
    assert args_of(await client.request(9)) == [1, 0]  # the outlet is on all the same
    assert client.pushes == []
    assert args_of(await client.push(9)) == [1, 0]  # ... and then the push goes out
    assert sim.frames_held == 0


async def test_push_lag_leaves_pushes_sent_first(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    sim = await make_sim("pro", push_lag=30.0, reorder_rate=1.0)
    client = await connect(sim)
    command = await client.send(10, [2, 1])
    assert args_of(await client.frame()) == [0, 1]  # the push, before the reply
    assert (await client.frame())["packetID"] == command
    assert sim.frames_held == 0


# --- interleave_pushes --------------------------------------------------------------------


async def test_interleaved_pushes(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", interleave_pushes=True)
    client = await connect(sim)
    seen: list[int | None] = []
    for callback in (12, 9, 1, 20):
        packet_id = await client.send(callback)
        first = await client.frame()
        assert first["packetID"] != packet_id
        assert "PUBACK" not in first
        seen.append(callback_of(first))
        assert (await client.frame())["packetID"] == packet_id  # the reply right after
    assert seen == [9, 11, 9, 11]


async def test_interleaved_pushes_without_faceplate(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    sim = await make_sim("bare", interleave_pushes=True)
    client = await connect(sim)
    for _ in range(3):
        packet_id = await client.send(12)
        assert callback_of(await client.frame()) == 9
        assert (await client.frame())["packetID"] == packet_id
