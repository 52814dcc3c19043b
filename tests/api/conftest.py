"""Fixtures for the device client tests: simulators with tiny timings and clients."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from typing import Any

import aiohttp
import pytest

from custom_components.intecular.api import IntecularClient, IntecularConnectionError
from simulator import SimulatedOutlet
from tests.clock import clock  # noqa: F401 - a fixture, found by name
from tests.simulators import SimFactory, simulators

# Timings small enough that a reboot or an OTA takes a few tens of milliseconds.
FAST: dict[str, Any] = {
    "sensor_interval": 0,
    "seed": 11,
    "reboot_delay": 0.05,
    "revb_restart_delay": 0.05,
    "faceplate_restart_delay": 0.05,
    "ota_step_interval": 0.002,
    "ota_step_percent": 50,
    "calibration_delay": 0.01,
    "calibration_second": 0.001,
    "accuracy_recovery": 0.05,
    "ota_reconnect_wait": 2.0,
}
# Defaults that a healthy reply or pong never gets near, even on a busy machine; tests
# about timeouts and dead links pass the short ones.
REQUEST_TIMEOUT = 2.0
HEARTBEAT = 1.0
SHORT_TIMEOUT = 0.1
SHORT_HEARTBEAT = 0.2

type ClientFactory = Callable[..., Awaitable[IntecularClient]]
type IdleClientFactory = Callable[..., IntecularClient]
type Listen = Callable[[IntecularClient], asyncio.Task[None]]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """The client needs no Home Assistant instance (overrides the top conftest)."""


@pytest.fixture
def profile() -> str:
    """How the simulated outlets behave ("friendly" or "real"); parametrize to change it."""
    return "friendly"


@pytest.fixture
async def make_sim(profile: str) -> AsyncIterator[SimFactory]:
    """Start simulators on 127.0.0.1 with tiny timings; all stop after the test."""
    async with simulators(FAST, profile) as factory:
        yield factory


@pytest.fixture
async def sim(make_sim: SimFactory) -> SimulatedOutlet:
    """A Pro outlet."""
    return await make_sim("pro")


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """The caller's client session, closed after the test."""
    async with aiohttp.ClientSession() as http:
        yield http


@pytest.fixture
async def make_idle_client(
    session: aiohttp.ClientSession,
) -> AsyncIterator[IdleClientFactory]:
    """Clients of a simulator, not connected yet; all closed after the test."""
    clients: list[IntecularClient] = []

    def factory(sim: SimulatedOutlet, **options: Any) -> IntecularClient:
        client = IntecularClient(
            sim.host,
            session,
            port=sim.port,
            **{"request_timeout": REQUEST_TIMEOUT, "heartbeat": HEARTBEAT, **options},
        )
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.close()


@pytest.fixture
async def make_client(make_idle_client: IdleClientFactory) -> ClientFactory:
    """Clients connected and listening (``async with``), closed after the test."""

    async def factory(sim: SimulatedOutlet, **options: Any) -> IntecularClient:
        client = make_idle_client(sim, **options)
        await client.__aenter__()
        return client

    return factory


@pytest.fixture
async def listen(make_idle_client: IdleClientFactory) -> AsyncIterator[Listen]:
    """Run ``client.listen()`` as a caller does: in a task of its own.

    Tasks still running at the end are stopped by closing their clients (this
    fixture's teardown runs before the clients are closed, so it closes them).
    """
    tasks: list[tuple[IntecularClient, asyncio.Task[None]]] = []

    def start(client: IntecularClient) -> asyncio.Task[None]:
        task = asyncio.create_task(client.listen())
        tasks.append((client, task))
        return task

    yield start
    for client, task in tasks:
        await client.close()
        with contextlib.suppress(IntecularConnectionError):
            await task


@pytest.fixture
async def client(sim: SimulatedOutlet, make_client: ClientFactory) -> IntecularClient:
    """A client of ``sim``, connected and listening."""
    return await make_client(sim)
