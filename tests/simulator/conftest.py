"""Fixtures: simulators with tiny timings, and a plain aiohttp protocol client.

The client is deliberately not the project's own: it sends the JSON frames of
protocol.md by hand, so these tests show what any client gets from the simulator.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
import itertools
import json
from typing import Any

import aiohttp
import pytest

from simulator import SimulatedOutlet
from tests.simulators import SimFactory, simulators

# Timings small enough that a whole OTA or reboot takes a few tens of milliseconds.
FAST: dict[str, Any] = {
    "sensor_interval": 0,
    "seed": 7,
    "reboot_delay": 0.05,
    "revb_restart_delay": 0.05,
    "faceplate_restart_delay": 0.05,
    "ota_step_interval": 0.002,
    "ota_step_percent": 25,
    "calibration_delay": 0.02,
    "calibration_second": 0.002,
    "accuracy_recovery": 0.05,
    "ota_reconnect_wait": 2.0,
}
TIMEOUT = 2.0
NO_ARGS = object()

_packet_ids = itertools.count(100_001)


class Client:
    """A WebSocket client that speaks protocol.md by hand.

    Frames that are not the awaited reply are kept in ``pushes`` in arrival order.
    """

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.pushes: list[dict[str, Any]] = []

    async def send(self, callback: int, args: Any = NO_ARGS, packet_id: int | None = None) -> int:
        """Send a request; returns its packetID."""
        packet_id = next(_packet_ids) if packet_id is None else packet_id
        payload: dict[str, Any] = {"callbackName": callback}
        if args is not NO_ARGS:
            payload["callbackArgs"] = args
        await self.ws.send_str(json.dumps({"packetID": packet_id, "payload": payload}))
        return packet_id

    async def frame(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next text frame, decoded."""
        msg = await self.ws.receive(timeout)
        assert msg.type is aiohttp.WSMsgType.TEXT, msg
        frame = json.loads(msg.data)
        assert isinstance(frame, dict)
        return frame

    async def reply(self, packet_id: int, timeout: float = TIMEOUT) -> dict[str, Any]:
        """Read until the frame echoing ``packet_id``."""
        while (frame := await self.frame(timeout)).get("packetID") != packet_id:
            self.pushes.append(frame)
        return frame

    async def request(self, callback: int, args: Any = NO_ARGS) -> dict[str, Any]:
        """Send a request and return its reply."""
        return await self.reply(await self.send(callback, args))

    async def push(self, callback: int, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The first (kept or new) push of ``callback``."""
        for index, frame in enumerate(self.pushes):
            if frame.get("payload", {}).get("callbackName") == callback:
                return self.pushes.pop(index)
        while (frame := await self.frame(timeout)).get("payload", {}).get(
            "callbackName"
        ) != callback:
            self.pushes.append(frame)
        return frame

    async def pushes_of(self, callback: int, count: int) -> list[list[Any] | Any]:
        """The ``callbackArgs`` of the next ``count`` pushes of ``callback``."""
        return [(await self.push(callback))["payload"]["callbackArgs"] for _ in range(count)]

    async def pushes_before_next_reply(self) -> list[dict[str, Any]]:
        """Round-trip a 9 request and return (and forget) every push received meanwhile.

        Pushes caused by a request are sent right after its reply, so whatever an
        earlier request pushed arrives before this reply: no waiting needed.
        """
        await self.request(9)
        pushes, self.pushes = self.pushes, []
        return pushes

    async def quiet(self, duration: float = 0.1) -> list[dict[str, Any]]:
        """Every text frame that arrives within ``duration`` (expected: none)."""
        frames = []
        try:
            while True:
                frames.append(await self.frame(duration))
        except TimeoutError:
            return frames

    async def closed(self, timeout: float = TIMEOUT) -> bool:
        """Whether the device drops the connection (after any frames still queued)."""
        while True:
            msg = await self.ws.receive(timeout)
            if msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                return True
            if msg.type is aiohttp.WSMsgType.TEXT:
                self.pushes.append(json.loads(msg.data))


type ClientFactory = Callable[..., Awaitable[Client]]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """The simulator needs no Home Assistant instance (overrides the top conftest)."""


@pytest.fixture
def profile() -> str:
    """How the simulated outlets behave ("friendly" or "real"); parametrize to change it."""
    return "friendly"


@pytest.fixture
async def make_sim(profile: str) -> AsyncIterator[SimFactory]:
    """Start simulators with tiny timings; all are stopped after the test."""
    async with simulators(FAST, profile) as factory:
        yield factory


@pytest.fixture
async def sim(make_sim: SimFactory) -> SimulatedOutlet:
    """A Pro outlet."""
    return await make_sim("pro")


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A client session, closed after the test."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def connect(http: aiohttp.ClientSession) -> AsyncIterator[ClientFactory]:
    """Open protocol clients to a simulator; all are closed after the test."""
    clients: list[Client] = []

    async def factory(sim: SimulatedOutlet, **options: Any) -> Client:
        client = Client(await http.ws_connect(sim.url, **options))
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.ws.close()


@pytest.fixture
async def client(sim: SimulatedOutlet, connect: ClientFactory) -> Client:
    """A client connected to ``sim``."""
    return await connect(sim)


def args_of(frame: dict[str, Any]) -> Any:
    """``payload.callbackArgs`` of a frame."""
    return frame["payload"]["callbackArgs"]


def callback_of(frame: dict[str, Any]) -> int | None:
    """``payload.callbackName`` of a frame, None without payload."""
    callback: int | None = frame.get("payload", {}).get("callbackName")
    return callback
