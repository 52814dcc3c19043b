"""Fault injection and quirk knobs: what a robust client has to survive."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from custom_components.intecular.api.errors import FrameError
from custom_components.intecular.api.models import OutletInfo, parse_push
from custom_components.intecular.api.protocol import parse_frame
from simulator import SimulatedOutlet
from simulator.frames import garbage_frames

from .conftest import Client, ClientFactory, SimFactory, args_of


async def test_reply_delay(sim: SimulatedOutlet, client: Client) -> None:
    sim.faults.reply_delay = 0.1
    started = time.monotonic()
    assert (await client.request(10, [1, 1]))["PUBACK"] == 1
    assert time.monotonic() - started >= 0.1
    await client.push(9)
    sim.faults.reply_delay = 0
    started = time.monotonic()
    await client.request(9)
    assert time.monotonic() - started < 0.1


async def test_pings_answered_during_reply_delay(
    sim: SimulatedOutlet, connect: ClientFactory
) -> None:
    client = await connect(sim, autoping=False)
    sim.faults.reply_delay = 0.2
    await client.send(9)
    await client.ws.ping(b"x")
    assert (await client.ws.receive(0.1)).type is aiohttp.WSMsgType.PONG


async def test_dropped_replies(sim: SimulatedOutlet, client: Client) -> None:
    sim.faults.drop_replies = True
    await client.send(10, [1, 1])
    assert args_of(await client.push(9)) == [1, 0]  # done, and pushed...
    assert await client.quiet(0.05) == []  # ... but not answered
    assert sim.state.outlets.outlet_1


async def test_stall(sim: SimulatedOutlet, client: Client) -> None:
    sim.faults.stall = True
    packet_id = await client.send(9)
    await sim.press_button(2)  # lost: a hung device sends nothing
    assert await client.quiet(0.05) == []
    sim.faults.stall = False
    assert (await client.reply(packet_id))["PUBACK"] == 1  # read once the stall ends
    assert client.pushes == []


async def test_silent_link_loss_is_detected_by_heartbeat(
    sim: SimulatedOutlet, connect: ClientFactory
) -> None:
    client = await connect(sim, heartbeat=0.2)
    assert (await client.request(9))["PUBACK"] == 1
    sim.faults.silent = True
    await client.send(10, [1, 1])  # ignored
    started = time.monotonic()
    msg = await client.ws.receive(2.0)
    assert msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR)
    assert time.monotonic() - started < 1.0
    assert not sim.state.outlets.outlet_1
    # aiohttp 3.11's receive() re-arms the heartbeat timer after the pong timeout
    # closed the socket; cancel it so the test leaves no timer behind.
    client.ws._cancel_heartbeat()


async def test_silent_link_keeps_tcp_open(sim: SimulatedOutlet, connect: ClientFactory) -> None:
    client = await connect(sim, autoping=False)
    sim.faults.silent = True
    await client.ws.ping()
    await sim.press_button(1)
    assert await client.quiet(0.1) == []
    assert not client.ws.closed
    assert sim.connection_count == 1
    sim.faults.silent = False
    assert (await client.request(9))["PUBACK"] == 1


async def test_healthy_link_survives_heartbeat(
    sim: SimulatedOutlet, connect: ClientFactory
) -> None:
    client = await connect(sim, heartbeat=0.1)
    # aiohttp's client notices pongs only while receiving; keep it receiving
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.25):
            await client.ws.receive()
    assert not client.ws.closed
    assert (await client.request(9))["PUBACK"] == 1


async def test_malformed_fault(sim: SimulatedOutlet, client: Client) -> None:
    sim.faults.malformed = True
    packet_id = await client.send(9)
    garbage = await client.ws.receive(1.0)
    assert garbage.data == "this is not JSON {"
    assert (await client.frame())["packetID"] == packet_id  # the reply follows
    await sim.press_button(1)
    garbage = await client.ws.receive(1.0)
    assert garbage.data == '"just a string"'
    assert (await client.frame())["payload"]["callbackName"] == 9


def rejected_by_client(text: str) -> bool:
    """Whether the project's frame and push parsers refuse this frame."""
    try:
        frame = parse_frame(text)
        if frame.callback is None:
            return True  # an acknowledgement no request waits for: dropped
        parse_push(frame.callback, frame.args)
    except FrameError:
        return True
    return False


async def test_send_garbage(sim: SimulatedOutlet, client: Client) -> None:
    await sim.send_garbage()
    frames = [await client.ws.receive(1.0) for _ in garbage_frames(sim.serial)]
    assert {m.type for m in frames} == {aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY}
    for msg in frames:
        if msg.type is aiohttp.WSMsgType.TEXT:
            assert rejected_by_client(msg.data), msg.data
    assert (await client.request(9))["PUBACK"] == 1


async def test_send_raw(sim: SimulatedOutlet, connect: ClientFactory) -> None:
    first, second = await connect(sim), await connect(sim)
    await sim.send_raw('{"hello": 1}')
    await sim.send_raw(b"\x01\x02")
    for client in (first, second):
        assert await client.frame() == {"hello": 1}
        msg = await client.ws.receive(1.0)
        assert (msg.type, msg.data) == (aiohttp.WSMsgType.BINARY, b"\x01\x02")


async def test_wrapped_outlet_push(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", wrapped_outlet_push=True)
    client = await connect(sim)
    await client.request(10, [1, 1])
    assert args_of(await client.push(9)) == [0, [1, 0]]
    assert args_of(await client.request(9)) == [1, 0]  # replies stay plain


@pytest.mark.parametrize("name", ["", "Unknown"])
async def test_unknown_device_names(
    make_sim: SimFactory, connect: ClientFactory, name: str
) -> None:
    client = await connect(await make_sim("pro", device_name=name))
    info = args_of(await client.request(12))
    assert info["IM"]["device"] == info["PM"]["device"] == name
    parsed = OutletInfo.from_args(info)
    assert parsed.outlet.model is None


async def test_pm_absent_quirk(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", pm_absent=True)
    client = await connect(sim)
    assert "PM" not in args_of(await client.request(12))
    assert (await client.request(11))["PUBACK"] == 1  # the faceplate still works


async def test_unknown_knob_rejected() -> None:
    with pytest.raises(TypeError, match="no_such_knob"):
        SimulatedOutlet("pro", no_such_knob=1)
