"""Requests: packetID correlation, timeouts, refusals, malformed replies, commands without reply."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from custom_components.intecular.api import (
    IntecularClient,
    IntecularCommandRefusedError,
    IntecularConnectionError,
    IntecularProtocolError,
    IntecularTimeoutError,
    OtaAck,
    OtaProgress,
    OtaResult,
    OtaTarget,
    OutletInfo,
    OutletStates,
    connection as connection_module,
)
from custom_components.intecular.api.protocol import PACKET_ID_MAX, PACKET_ID_MIN, build_frame
from simulator import SimulatedOutlet

from .common import WAIT, Pushes, pending_id, wait_until
from .conftest import SHORT_TIMEOUT, ClientFactory, IdleClientFactory, Listen, SimFactory


async def test_concurrent_requests_get_unique_six_digit_ids(
    sim: SimulatedOutlet, make_client: ClientFactory
) -> None:
    client = await make_client(sim, request_timeout=WAIT)
    client._scheduler._foreground = asyncio.Semaphore(200)  # the ids alone: no cap here
    sim.faults.drop_replies = True
    tasks = [asyncio.ensure_future(client.get_outlets()) for _ in range(200)]
    await wait_until(lambda: len(sim.requests) == 200)
    ids = list(client._pending)
    assert len(ids) == len(set(ids)) == 200
    assert all(PACKET_ID_MIN <= packet_id <= PACKET_ID_MAX for packet_id in ids)
    await client.close()
    for task in tasks:
        with pytest.raises(IntecularConnectionError):
            await task
    assert client._pending == {}


async def test_a_colliding_id_is_drawn_again(
    sim: SimulatedOutlet, client: IntecularClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    draws = iter([111111, 111111, 222222])
    fake = SimpleNamespace(getrandbits=lambda bits: next(draws) - PACKET_ID_MIN)
    monkeypatch.setattr(connection_module, "random", fake)
    sim.faults.drop_replies = True
    first = asyncio.ensure_future(client.get_outlets())
    await pending_id(client)
    second = asyncio.ensure_future(client.get_config())
    assert await pending_id(client, 2) == 222222
    assert list(client._pending) == [111111, 222222]
    await client.close()
    for task in (first, second):
        with pytest.raises(IntecularConnectionError):
            await task


async def test_replies_are_matched_by_packet_id_not_by_order(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    sim.faults.drop_replies = True
    first = asyncio.ensure_future(client.get_outlets())
    first_id = await pending_id(client)
    second = asyncio.ensure_future(client.get_outlets())
    second_id = await pending_id(client, 2)
    await sim.send_raw(build_frame(sim.serial, second_id, 9, [0, 1], puback=1))
    await sim.send_raw(build_frame(sim.serial, first_id, 9, [1, 0], puback=1))
    assert await first == OutletStates(True, False)
    assert await second == OutletStates(False, True)


async def test_a_duplicated_reply_is_ignored(sim: SimulatedOutlet, client: IntecularClient) -> None:
    sim.faults.drop_replies = True
    task = asyncio.ensure_future(client.get_outlets())
    packet_id = await pending_id(client)
    await sim.send_raw(build_frame(sim.serial, packet_id, 9, [1, 0], puback=1))
    await sim.send_raw(build_frame(sim.serial, packet_id, 9, [0, 1], puback=1))
    assert await task == OutletStates(True, False)  # the first answer counts
    assert client._pending == {}
    assert client.connected


async def test_a_request_cancelled_as_the_link_closes(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    sim.faults.drop_replies = True
    task = asyncio.ensure_future(client.get_config())
    await pending_id(client)
    task.cancel()  # the caller gives up ...
    await client.close()  # ... just as the connection closes: nothing is settled twice
    with pytest.raises(asyncio.CancelledError):
        await task
    assert client._pending == {}


async def test_a_reply_for_another_callback_does_not_answer(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    """A frame with the right packetID but another callback's data is not the reply."""
    pushes = Pushes(client)
    sim.faults.drop_replies = True
    task = asyncio.ensure_future(client.get_device_info())
    packet_id = await pending_id(client)
    await sim.send_raw(build_frame(sim.serial, packet_id, 9, [1, 1]))
    assert await pushes.next(OutletStates) == OutletStates(True, True)
    assert not task.done()
    assert list(client._pending) == [packet_id]
    await client.close()
    with pytest.raises(IntecularConnectionError):
        await task


async def test_timeout_leaves_nothing_behind(sim: SimulatedOutlet, client: IntecularClient) -> None:
    client.request_timeout = SHORT_TIMEOUT
    pushes = Pushes(client)
    sim.faults.reply_delay = 0.3
    with pytest.raises(IntecularTimeoutError, match="no reply to callback 9"):
        await client.get_outlets()
    with pytest.raises(IntecularTimeoutError, match="no reply to callback 1"):
        await client.get_config()
    with pytest.raises(IntecularTimeoutError, match="no reply to callback 10"):
        await client.set_outlet(1, True)
    assert client._pending == {}
    # The late replies arrive and are dropped quietly, the late 9 reply too: its
    # packetID is remembered as timed out, so it is no push. The push that follows the
    # switch is the only one handed out.
    await wait_until(lambda: len(pushes.of(OutletStates)) == 1)
    await wait_until(lambda: client.stats.frames == 4)
    assert pushes.received == [OutletStates(True, False)]
    assert client.stats.bad_frames == 0
    sim.faults.reply_delay = 0
    assert await client.get_outlets() == OutletStates(True, False)
    assert client.connected


async def test_per_request_timeout(sim: SimulatedOutlet, client: IntecularClient) -> None:
    client.request_timeout = SHORT_TIMEOUT
    sim.faults.reply_delay = 0.2
    frame = await client.request(9, timeout=WAIT)  # longer than the client's default
    assert frame is not None
    assert frame.args == [0, 0]


async def test_stalled_device_times_out_then_recovers(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    client.request_timeout = SHORT_TIMEOUT
    sim.faults.stall = True
    with pytest.raises(IntecularTimeoutError):
        await client.get_outlets()
    sim.faults.stall = False
    assert await client.get_outlets() == OutletStates(False, False)


async def test_refusal(sim: SimulatedOutlet, client: IntecularClient) -> None:
    with pytest.raises(IntecularCommandRefusedError, match="refused callback 10") as err:
        await client.request(10, [1, "on"])
    assert err.value.callback == 10
    assert client._pending == {}
    assert not sim.state.outlets.outlet_1
    assert client.connected  # a refusal is an answer, not a broken link


async def test_bare_acknowledgement_for_data_request(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    sim.faults.drop_replies = True
    task = asyncio.ensure_future(client.get_outlets())
    await sim.send_raw(build_frame(sim.serial, await pending_id(client), puback=1))
    with pytest.raises(IntecularProtocolError, match="reply to callback 9 has no data"):
        await task


async def test_malformed_reply(sim: SimulatedOutlet, client: IntecularClient) -> None:
    sim.faults.drop_replies = True
    task = asyncio.ensure_future(client.get_device_info())
    reply = build_frame(sim.serial, await pending_id(client), 12, {"IM": {}}, puback=1)
    await sim.send_raw(reply)
    with pytest.raises(IntecularProtocolError, match="malformed reply to callback 12"):
        await task
    sim.faults.drop_replies = False
    assert (await client.get_device_info()).outlet.serial == sim.serial


async def test_reply_without_puback_is_success(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    sim.faults.drop_replies = True
    task = asyncio.ensure_future(client.get_outlets())
    await sim.send_raw(build_frame(sim.serial, await pending_id(client), 9, [1, 1]))
    assert await task == OutletStates(True, True)


async def test_not_the_outlet_protocol(sim: SimulatedOutlet, client: IntecularClient) -> None:
    """Something that answers with nothing but garbage is a protocol error, not a timeout."""
    client.request_timeout = 0.5  # the garbage must arrive while the request waits
    sim.faults.drop_replies = True
    task = asyncio.ensure_future(client.get_device_info())
    await pending_id(client)
    await sim.send_raw("<html>hello</html>")
    with pytest.raises(IntecularProtocolError, match="not with the InvisOutlet protocol"):
        await task
    # once the outlet has answered properly, garbage during a request is just noise
    sim.faults.drop_replies = False
    await client.get_outlets()
    sim.faults.drop_replies = True
    second = asyncio.ensure_future(client.get_outlets())
    await pending_id(client)
    await sim.send_raw("<html>hello</html>")
    with pytest.raises(IntecularTimeoutError):
        await second


@pytest.mark.parametrize(
    ("command", "callback"),
    [("restart", 5), ("reset_network", 6), ("factory_reset", 7)],
)
async def test_commands_without_reply(
    sim: SimulatedOutlet,
    make_idle_client: IdleClientFactory,
    listen: Listen,
    command: str,
    callback: int,
) -> None:
    client = make_idle_client(sim, request_timeout=0.05)
    await client.connect()
    reader = listen(client)
    await sim.set_names({1: "Kettle"})
    await getattr(client, command)()  # would time out if it waited for a reply
    assert client._pending == {}
    with pytest.raises(IntecularConnectionError):  # the outlet reboots
        await reader
    assert sim.requests[-1] == (callback, None)
    await sim.wait_until_online()
    assert sim.state.boot_count == 1
    assert sim.state.names[1] == ("Outlet 1" if callback == 7 else "Kettle")


async def test_revb_outlet_update(
    make_sim: SimFactory, make_idle_client: IdleClientFactory, listen: Listen
) -> None:
    """A revB outlet restarts instead of replying; the caller reconnects for the pushes."""
    sim = await make_sim("pro", hw_rev="revB", update_available=True)
    client = make_idle_client(sim)
    pushes = Pushes(client)
    await client.connect()
    reader = listen(client)
    await client.perform_update(OtaTarget.OUTLET)  # the dropped socket is the answer
    assert sim.requests[-1] == (21, [1, 0])
    with pytest.raises(IntecularConnectionError):
        await reader
    await sim.wait_until_online()
    await client.connect()
    reader = listen(client)
    assert await pushes.next(OtaAck) == OtaAck(OtaTarget.OUTLET, True)
    await wait_until(lambda: OtaResult(OtaTarget.OUTLET, True) in pushes.received)
    ota: list[Any] = [p for p in pushes.received if isinstance(p, (OtaProgress, OtaResult))]
    assert ota == [
        OtaResult(OtaTarget.OUTLET, False),
        OtaProgress(OtaTarget.OUTLET_WEB, 50),
        OtaProgress(OtaTarget.OUTLET_WEB, 100),
        OtaResult(OtaTarget.OUTLET_WEB, True),
        OtaProgress(OtaTarget.OUTLET, 50),
        OtaProgress(OtaTarget.OUTLET, 100),
        OtaResult(OtaTarget.OUTLET, True),
    ]
    assert isinstance(pushes.received[0], OutletInfo)  # the boot announcement
    with pytest.raises(IntecularConnectionError):  # and it reboots into the new firmware
        await reader
    await sim.wait_until_online()
    await client.connect()
    listen(client)
    assert (await client.get_device_info()).outlet.fw_rev == "2.5.0"
