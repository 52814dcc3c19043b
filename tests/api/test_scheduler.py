"""Gentle with the outlet and wary of it: the two lanes, late replies, strangers, bad frames."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import logging

import aiohttp
from aiohttp import web
import pytest

from custom_components.intecular.api import (
    IntecularClient,
    IntecularConnectionError,
    IntecularTimeoutError,
    OutletStates,
)
from custom_components.intecular.api.connection import TIMED_OUT_MEMORY
from custom_components.intecular.api.models import OtaProgress, OutletInfo
from custom_components.intecular.api.protocol import build_frame
from custom_components.intecular.api.scheduler import FOREGROUND_SLOTS
from simulator import SimulatedOutlet
from tests.simulators import SimFactory

from .common import WAIT, Pushes, wait_until
from .conftest import SHORT_TIMEOUT, ClientFactory, IdleClientFactory, Listen


async def test_no_more_than_two_requests_wait_for_the_outlet(
    sim: SimulatedOutlet, make_client: ClientFactory
) -> None:
    """Requests beyond the cap wait their turn, unsent."""
    client = await make_client(sim, request_timeout=WAIT)
    sim.faults.drop_replies = True
    tasks = [asyncio.ensure_future(client.get_config()) for _ in range(5)]
    await wait_until(lambda: len(sim.requests) == FOREGROUND_SLOTS == 2)
    await asyncio.sleep(0.05)
    assert len(sim.requests) == 2  # the other three wait
    await client.close()
    for task in tasks:
        with pytest.raises(IntecularConnectionError):
            await task


async def test_background_reads_take_one_slot_and_never_hold_up_a_command(
    sim: SimulatedOutlet, make_client: ClientFactory
) -> None:
    """Three background reads unanswered: one is out, and a command still goes at once."""
    client = await make_client(sim, request_timeout=WAIT)
    sim.faults.drop_replies = True
    background = [
        asyncio.ensure_future(client.get_sensors(background=True)),
        asyncio.ensure_future(client.get_available_updates(background=True)),
        asyncio.ensure_future(client.get_config(background=True)),
    ]
    await wait_until(lambda: len(sim.requests) == 1)
    sim.faults.drop_replies = False
    # the outlet answers commands again; the background read it holds stays unanswered
    command = asyncio.ensure_future(client.set_outlet(1, True))
    async with asyncio.timeout(WAIT):
        await command
    assert [callback for callback, _args in sim.requests] == [11, 10]
    assert sim.state.outlets.outlet_1
    await client.close()
    for task in background:
        with pytest.raises(IntecularConnectionError):
            await task


async def test_a_late_reply_is_dropped_not_taken_for_a_push(
    sim: SimulatedOutlet, make_client: ClientFactory
) -> None:
    """A 12 reply after its request timed out is no restart announcement."""
    client = await make_client(sim, request_timeout=SHORT_TIMEOUT)
    pushes = Pushes(client)
    sim.faults.drop_replies = True
    with pytest.raises(IntecularTimeoutError):
        await client.get_device_info()
    (packet_id,) = client._timed_out
    sim.faults.drop_replies = False
    info = sim.state.device_info_args(sim.quirks)
    late = build_frame(sim.serial, packet_id, 12, info, puback=1)
    await sim.send_raw(late)
    # a real push with the same packetID but another callback (firmware progress) passes
    await sim.send_raw(build_frame(sim.serial, packet_id, 22, [1, 40]))
    assert await pushes.next(OtaProgress) == OtaProgress(target=1, percent=40)
    assert pushes.of(OutletInfo) == []
    assert client.stats.bad_frames == 0


async def test_the_memory_of_timed_out_requests_is_bounded(
    sim: SimulatedOutlet, make_client: ClientFactory
) -> None:
    """However many requests time out, only the newest are remembered."""
    client = await make_client(sim, request_timeout=0.001)
    sim.faults.drop_replies = True
    for _ in range(TIMED_OUT_MEMORY + 10):
        with pytest.raises(IntecularTimeoutError):
            await client.get_outlets()
    assert len(client._timed_out) == TIMED_OUT_MEMORY


async def test_a_waiting_request_is_sent_when_a_slot_frees(
    sim: SimulatedOutlet, make_client: ClientFactory
) -> None:
    """Each timeout counts from the request's own sending: all five go out in turn."""
    client = await make_client(sim, request_timeout=SHORT_TIMEOUT)
    sim.faults.drop_replies = True
    tasks = [asyncio.ensure_future(client.get_config()) for _ in range(5)]
    for task in tasks:
        with pytest.raises(IntecularTimeoutError):
            await task
    assert len(sim.requests) == 5
    sim.faults.drop_replies = False
    assert await client.get_outlets() == OutletStates(False, False)
    assert client._pending == {}


async def test_a_request_waiting_its_turn_fails_when_the_link_drops(
    sim: SimulatedOutlet, make_client: ClientFactory, listen: Listen
) -> None:
    """It is never sent on the next link: the caller decides what to do after a drop."""
    client = await make_client(sim, request_timeout=WAIT)
    sim.faults.drop_replies = True
    tasks = [asyncio.ensure_future(client.get_outlets()) for _ in range(3)]
    await wait_until(lambda: len(sim.requests) == 2)
    await sim.drop_connections()
    for task in tasks:
        with pytest.raises(IntecularConnectionError):
            await task
    await wait_until(lambda: not client.connected)
    sim.faults.drop_replies = False
    await client.connect()
    listen(client)
    assert await client.get_outlets() == OutletStates(False, False)
    assert len(sim.requests) == 3  # the waiting third never went out


async def test_frames_of_another_outlet_are_dropped(
    make_sim: SimFactory,
    make_idle_client: IdleClientFactory,
    listen: Listen,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another outlet at the address: its pushes and replies never reach the caller.

    Only its device info answers, so the caller can tell who is there.
    """
    stranger = await make_sim("pro", serial="0019B2FFFF")
    client = make_idle_client(stranger, expected_serial="0019B2E7C4", request_timeout=SHORT_TIMEOUT)
    pushes = Pushes(client)
    await client.connect()
    listen(client)
    info = await client.get_device_info()
    assert info.outlet.serial == "0019B2FFFF"
    with pytest.raises(IntecularTimeoutError):
        await client.get_outlets()
    await stranger.press_button(1)
    await stranger.press_button(1)
    assert await client.get_device_info()  # every frame before this one was handled
    assert pushes.received == []
    warnings = [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and "another outlet" in r.getMessage()
    ]
    assert len(warnings) == 1  # logged once, not per frame
    assert client.stats.bad_frames >= 3  # a reply and two pushes
    # the expected outlet's frames all pass
    client.expected_serial = "0019B2FFFF"
    await stranger.press_button(1)
    assert await pushes.next(OutletStates) == OutletStates(True, False)


@pytest.fixture
async def unreadable_server() -> AsyncIterator[tuple[str, int, list[bytes]]]:
    """A WebSocket server that answers every request with a frame aiohttp cannot read.

    The test puts the raw frame to send (after a good reply) into the list.
    """
    frames: list[bytes] = []

    async def handle(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for _msg in ws:
            await ws.send_str('{"sn":"0019B2E7C4","packetID":1,"PUBACK":1}')
            for frame in frames:
                # a raw text frame (opcode 1, FIN) that aiohttp's sender would not produce
                writer = ws._writer
                assert writer is not None
                await writer.send_frame(frame, aiohttp.WSMsgType.TEXT)
        return ws

    app = web.Application()
    app.router.add_get("/ws", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield "127.0.0.1", port, frames
    await runner.cleanup()


@pytest.mark.parametrize(
    "frame",
    [b'{"sn":"\xff\xfe"}', b"x" * (4 * 1024 * 1024 + 1)],
    ids=["invalid-utf8", "larger-than-4-MiB"],
)
async def test_an_unreadable_frame_is_logged_as_a_bad_frame(
    unreadable_server: tuple[str, int, list[bytes]],
    session: aiohttp.ClientSession,
    frame: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """aiohttp cannot read on after such a frame: the link ends, and says why.

    The caller (the coordinator) reconnects at once; the frame is counted and logged
    like any other malformed frame, rate-limited.
    """
    host, port, frames = unreadable_server
    frames.append(frame)
    client = IntecularClient(host, session, port=port, request_timeout=WAIT)
    await client.connect()
    reader = asyncio.create_task(client.listen())
    with caplog.at_level(logging.WARNING), pytest.raises(IntecularConnectionError):
        await client.request(9)
    with pytest.raises(IntecularConnectionError, match="lost"):
        await reader
    assert client.stats.bad_frames == 1
    assert "reconnecting" in (client.stats.last_bad_frame or "")
    assert any("malformed frame" in r.getMessage() for r in caplog.records)
    await client.close()
