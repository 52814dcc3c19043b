"""The connection: connecting, dead links, reconnect by the caller, and close."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import socket

import aiohttp
from aiohttp import web
import pytest

from custom_components.intecular.api import (
    IntecularClient,
    IntecularConnectionError,
    IntecularProtocolError,
    IntecularTimeoutError,
    OutletInfo,
    OutletStates,
)
from custom_components.intecular.api.scheduler import FOREGROUND_SLOTS
from simulator import SimulatedOutlet

from .common import WAIT, Pushes, wait_until
from .conftest import SHORT_HEARTBEAT, SHORT_TIMEOUT, IdleClientFactory, Listen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def not_a_websocket() -> AsyncIterator[int]:
    """An HTTP server whose ``/ws`` is a plain page."""

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="hello")

    app = web.Application()
    app.router.add_get("/ws", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield runner.addresses[0][1]
    await runner.cleanup()


@pytest.fixture
async def mute_server() -> AsyncIterator[int]:
    """A TCP server that accepts connections and never says a word."""
    writers: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_uses_the_callers_session(sim: SimulatedOutlet) -> None:
    seen: list[str] = []

    async def on_request_start(
        session: aiohttp.ClientSession, context: object, params: aiohttp.TraceRequestStartParams
    ) -> None:
        seen.append(str(params.url))

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_request_start)  # type: ignore[arg-type]
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        client = IntecularClient(sim.host, session, port=sim.port)
        async with client:
            assert client.connected
            assert client.url == sim.url
            assert (await client.get_outlets()) == OutletStates(False, False)
        assert not client.connected
        assert not session.closed  # the session belongs to the caller
    assert seen == [sim.url]


async def test_connect_is_idempotent(
    sim: SimulatedOutlet, make_idle_client: IdleClientFactory
) -> None:
    client = make_idle_client(sim)
    assert not client.connected
    assert client.peer_address is None
    await client.connect()
    await client.connect()
    assert client.connected
    assert client.peer_address == "127.0.0.1"  # the address the socket reached
    assert client.stats.connects == 1
    assert sim.total_connections == 1
    await client.close()
    assert client.peer_address is None


async def test_not_connected(sim: SimulatedOutlet, make_idle_client: IdleClientFactory) -> None:
    client = make_idle_client(sim)
    with pytest.raises(IntecularConnectionError, match="not connected"):
        await client.get_outlets()
    with pytest.raises(IntecularConnectionError, match="not connected"):
        await client.restart()
    with pytest.raises(IntecularConnectionError, match="not connected"):
        await client.listen()
    await client.close()  # closing a client that never connected is fine
    assert len(sim.requests) == 0


async def test_connection_refused(make_idle_client: IdleClientFactory) -> None:
    client = make_idle_client(SimulatedOutlet(port=free_port()))
    with pytest.raises(IntecularConnectionError, match="cannot connect"):
        await client.connect()
    assert not client.connected


async def test_not_a_websocket(session: aiohttp.ClientSession, not_a_websocket: int) -> None:
    client = IntecularClient("127.0.0.1", session, port=not_a_websocket)
    with pytest.raises(IntecularProtocolError, match="instead of a WebSocket"):
        await client.connect()


async def test_connect_timeout(session: aiohttp.ClientSession, mute_server: int) -> None:
    client = IntecularClient("127.0.0.1", session, port=mute_server, connect_timeout=0.1)
    with pytest.raises(IntecularTimeoutError, match="no answer"):
        await client.connect()
    assert not client.connected


def test_url_brackets_ipv6(session: aiohttp.ClientSession) -> None:
    assert IntecularClient("fe80::1", session).url == "ws://[fe80::1]:80/ws"
    assert IntecularClient("10.0.0.7", session, port=81).url == "ws://10.0.0.7:81/ws"


@pytest.mark.parametrize("how", ["drop", "reboot"])
async def test_reconnect_by_caller(
    sim: SimulatedOutlet, make_idle_client: IdleClientFactory, listen: Listen, how: str
) -> None:
    client = make_idle_client(sim)
    pushes = Pushes(client)
    gone: list[bool] = []
    client.on_disconnect(lambda: gone.append(client.connected))
    await client.connect()
    reader = listen(client)
    await client.get_outlets()
    if how == "drop":
        await sim.drop_connections()
    else:
        await sim.reboot()
    with pytest.raises(IntecularConnectionError, match=r"connection to .* lost"):
        await reader
    assert gone == [False]  # told once, when the socket was already gone
    assert not client.connected
    with pytest.raises(IntecularConnectionError):
        await client.get_outlets()

    await sim.wait_until_online()
    await client.connect()  # the same client object
    reader = listen(client)
    assert await client.get_outlets() == OutletStates(False, False)
    await sim.press_button(1)
    assert await pushes.next(OutletStates) == OutletStates(True, False)
    if how == "reboot":  # a rebooted outlet announces itself
        assert (await pushes.next(OutletInfo)).outlet.serial == sim.serial
    assert client.stats.connects == 2
    assert not reader.done()


async def test_requests_in_flight_fail_when_the_link_drops(
    sim: SimulatedOutlet, make_idle_client: IdleClientFactory, listen: Listen
) -> None:
    client = make_idle_client(sim, request_timeout=WAIT)
    await client.connect()
    reader = listen(client)
    sim.faults.drop_replies = True
    task = asyncio.ensure_future(client.get_config())
    await wait_until(lambda: len(sim.requests) == 1)
    await sim.drop_connections()
    with pytest.raises(IntecularConnectionError, match="closed"):
        await task
    with pytest.raises(IntecularConnectionError):
        await reader
    assert client.waiting == 0


async def test_dead_link_is_detected_by_heartbeat(
    sim: SimulatedOutlet, make_idle_client: IdleClientFactory, listen: Listen
) -> None:
    """A device that keeps TCP open but answers nothing (not even pings) is a dead link."""
    client = make_idle_client(sim, request_timeout=WAIT, heartbeat=SHORT_HEARTBEAT)
    gone: list[bool] = []
    client.on_disconnect(lambda: gone.append(True))
    await client.connect()
    reader = listen(client)
    await client.get_outlets()
    sim.faults.silent = True
    with pytest.raises(IntecularConnectionError):  # well before the request timeout
        await client.get_outlets()
    with pytest.raises(IntecularConnectionError, match="lost"):
        await reader
    assert gone == [True]
    sim.faults.silent = False
    await client.connect()
    listen(client)
    assert await client.get_outlets() == OutletStates(False, False)


async def test_healthy_idle_link_survives_heartbeats(
    sim: SimulatedOutlet, make_idle_client: IdleClientFactory, listen: Listen
) -> None:
    client = make_idle_client(sim, heartbeat=SHORT_HEARTBEAT)
    await client.connect()
    reader = listen(client)
    await asyncio.sleep(0.5)  # two heartbeats (every 0.2 s) without any traffic
    assert not reader.done()
    assert client.connected
    assert await client.get_outlets() == OutletStates(False, False)


async def test_close_fails_waiting_requests_and_ends_listen(
    sim: SimulatedOutlet, make_idle_client: IdleClientFactory, listen: Listen
) -> None:
    client = make_idle_client(sim, request_timeout=WAIT)
    gone: list[bool] = []
    client.on_disconnect(lambda: gone.append(True))
    await client.connect()
    reader = listen(client)
    sim.faults.drop_replies = True
    tasks = [asyncio.ensure_future(client.get_config()) for _ in range(3)]
    # two are sent, the third waits its turn (and fails with them)
    await wait_until(lambda: len(sim.requests) == FOREGROUND_SLOTS == 2)
    await client.close()
    for task in tasks:
        with pytest.raises(IntecularConnectionError, match="closed"):
            await task
    await reader  # returns quietly: the caller closed it
    assert gone == [True]
    assert not client.connected
    assert client.waiting == 0
    await client.close()  # twice is fine
    assert gone == [True]
    await wait_until(lambda: sim.connection_count == 0)
    # and the same client connects again
    sim.faults.drop_replies = False
    await client.connect()
    listen(client)
    assert await client.get_outlets() == OutletStates(False, False)
    assert client.stats.connects == 2


async def test_close_with_a_hung_device(
    sim: SimulatedOutlet, make_idle_client: IdleClientFactory, listen: Listen
) -> None:
    """A device that stopped reading never answers the close handshake; nobody waits long."""
    client = make_idle_client(sim, request_timeout=SHORT_TIMEOUT)
    await client.connect()
    reader = listen(client)
    sim.faults.stall = True
    task = asyncio.ensure_future(client.get_config())
    await wait_until(lambda: client.waiting)
    async with asyncio.timeout(WAIT):  # aiohttp's own close timeout is 10 s
        await client.close()
        await reader
    with pytest.raises(IntecularConnectionError):
        await task
    sim.faults.stall = False


async def test_async_with_cancels_its_listener(sim: SimulatedOutlet) -> None:
    async with aiohttp.ClientSession() as session:
        async with IntecularClient(sim.host, session, port=sim.port) as client:
            task = client._listen_task
            assert task is not None
            assert not task.done()
        assert task.done()
        assert client._listen_task is None
        # a listener that already ended with the outlet's drop is closed quietly too
        async with IntecularClient(sim.host, session, port=sim.port, heartbeat=0.2) as client:
            task = client._listen_task
            await sim.drop_connections()
            await wait_until(lambda: task is not None and task.done())
        assert client._listen_task is None


async def test_send_on_a_dying_socket(
    sim: SimulatedOutlet, make_idle_client: IdleClientFactory
) -> None:
    """The outlet vanished but nobody read the socket yet: sending fails as a connection error."""
    client = make_idle_client(sim)
    await client.connect()
    await sim.drop_connections()
    ws = client._ws
    assert ws is not None
    await wait_until(ws._writer.transport.is_closing)
    with pytest.raises(IntecularConnectionError, match="cannot send"):
        await client.get_outlets()
    with pytest.raises(IntecularConnectionError, match="cannot send"):
        await client.restart()
    assert client.waiting == 0


def _timers_of(ws: object) -> list[asyncio.TimerHandle | asyncio.Handle]:
    """The event loop's pending callbacks that belong to ``ws`` (its heartbeat)."""
    loop = asyncio.get_running_loop()
    handles = [*loop._scheduled, *loop._ready]  # type: ignore[attr-defined]
    return [
        h for h in handles if not h.cancelled() and getattr(h._callback, "__self__", None) is ws
    ]


@pytest.mark.parametrize("listening", [False, True], ids=["no-listener", "listener"])
async def test_close_leaves_no_heartbeat_behind(
    sim: SimulatedOutlet, make_idle_client: IdleClientFactory, listening: bool
) -> None:
    """A closed client schedules nothing more: no heartbeat outlives the socket."""
    client = make_idle_client(sim, heartbeat=30)
    if listening:
        await client.__aenter__()
    else:
        await client.connect()
    ws = client._ws
    assert ws is not None
    assert _timers_of(ws)  # the heartbeat is armed while the socket is open
    await client.close()
    for _ in range(5):  # let callbacks queued by the close reply run
        await asyncio.sleep(0)
    assert ws.closed
    assert _timers_of(ws) == []


@pytest.mark.parametrize("cancel", [False, True], ids=["closed", "reader-cancelled"])
async def test_frames_arriving_while_closing_leave_no_heartbeat_behind(
    sim: SimulatedOutlet, make_idle_client: IdleClientFactory, cancel: bool
) -> None:
    """The outlet keeps pushing while the client closes (and its reader is cancelled)."""
    client = make_idle_client(sim, heartbeat=30)
    await client.connect()
    ws = client._ws
    assert ws is not None
    reader = asyncio.create_task(client.listen())
    await asyncio.sleep(0)

    async def flood() -> None:
        for _ in range(200):
            await sim.push_sensors()

    pushing = asyncio.create_task(flood())
    await asyncio.sleep(0.01)
    if cancel:
        reader.cancel()
    await client.close()
    with contextlib.suppress(asyncio.CancelledError, IntecularConnectionError):
        await reader
    await pushing
    for _ in range(5):
        await asyncio.sleep(0)
    assert _timers_of(ws) == []
