"""The HTTP control endpoint, the farm and the command line."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from simulator import SimulatedOutlet, SimulatorFarm

from .cli import simulator_cli
from .conftest import Client, ClientFactory, args_of


async def post(http: aiohttp.ClientSession, sim: SimulatedOutlet, path: str, body: Any) -> Any:
    async with http.post(f"http://{sim.host}:{sim.port}/control/{path}", json=body) as resp:
        result = await resp.json()
        assert resp.status == (400 if "error" in result else 200)
        return result


async def test_state_dump(sim: SimulatedOutlet, http: aiohttp.ClientSession) -> None:
    async with http.get(f"http://{sim.host}:{sim.port}/control/state") as resp:
        assert resp.status == 200
        state = await resp.json()
    assert state["serial"] == sim.serial
    assert state["variant"] == "pro"
    assert state["outlets"] == [0, 0]
    assert state["sensors"]["temp_celsius"] == pytest.approx(22.4)
    assert state["firmware"]["im"] == "2.4.7"
    assert state["config"]["acc_prefs"]["pmIndicatorBrightness"] == 65
    assert state["names"] == {"1": "Outlet 1", "2": "Outlet 2", "3": "Nightlight"}


async def test_actions_push_to_clients(
    sim: SimulatedOutlet, client: Client, http: aiohttp.ClientSession
) -> None:
    assert await post(http, sim, "button", {"outlet": 2}) == {"ok": True}
    assert args_of(await client.push(9)) == [0, 1]
    await post(http, sim, "outlet", {"outlet": 1, "on": True})
    assert args_of(await client.push(9)) == [1, 1]
    await post(http, sim, "nightlight", {"on": True, "brightness": 30})
    assert args_of(await client.push(15)) == [1, 30]
    await post(http, sim, "sensor", {"key": "temp_celsius", "value": 25.5})
    assert args_of(await client.push(11))[1]["temp_celsius"] == 25.5
    await post(http, sim, "sensor", {"key": "lux", "value": None})
    assert "lux" not in args_of(await client.request(11))[1]
    await post(http, sim, "faceplate/online", {"online": False})
    assert args_of(await client.push(12))["PM"]["online"] is False
    await post(http, sim, "faults", {"reply_delay": 0.01})
    assert sim.faults.reply_delay == 0.01


async def test_bad_actions(sim: SimulatedOutlet, http: aiohttp.ClientSession) -> None:
    for path, body in [
        ("button", {"outlet": 3}),
        ("button", {}),
        ("sensor", {"key": "nope", "value": 1}),
        ("sensor", {"key": "lux", "value": "bright"}),
        ("faults", {"explode": True}),
        ("nightlight", [1, 2]),
    ]:
        assert "error" in await post(http, sim, path, body), path


async def test_reboot_and_faceplate_restart(
    sim: SimulatedOutlet, connect: ClientFactory, http: aiohttp.ClientSession
) -> None:
    client = await connect(sim)
    await post(http, sim, "faceplate/restart", {"delay": 0.01})
    assert "PM" in args_of(await client.push(12))
    await post(http, sim, "reboot", {"delay": 0.01})
    assert await client.closed()
    await sim.wait_until_online()
    assert sim.state.boot_count == 1


async def test_farm() -> None:
    async with SimulatorFarm(3, variant="aura", seed=11, sensor_interval=0) as farm:
        assert len(farm) == 3
        assert len({sim.serial for sim in farm}) == 3
        assert len({sim.port for sim in farm}) == 3
        assert all(sim.variant == "aura" for sim in farm)
        async with aiohttp.ClientSession() as http, http.ws_connect(farm[2].url) as ws:
            await ws.send_json({"packetID": 100100, "payload": {"callbackName": 12}})
            reply = await ws.receive_json()
            assert reply["sn"] == farm[2].serial
    again = SimulatorFarm(3, seed=11)
    assert [sim.serial for sim in again] == [sim.serial for sim in farm]


async def test_farm_consecutive_ports() -> None:
    probe = SimulatedOutlet("bare", sensor_interval=0)
    await probe.start()
    base = probe.port
    await probe.stop()
    farm = SimulatorFarm(2, base, "bare", serials=["0019B2E7C4"], sensor_interval=0)
    try:
        await farm.start()
    except OSError:
        pytest.skip("the probed ports were taken meanwhile")
    try:
        assert [sim.port for sim in farm] == [base, base + 1]
        assert farm[0].serial == "0019B2E7C4"
    finally:
        await farm.stop()


async def test_cli() -> None:
    """``python -m simulator --port 0`` prints its outlets and stops cleanly on SIGTERM."""
    args = ("--count", "2", "--variant", "aura", "--seed", "5", "--sensor-interval", "0")
    async with simulator_cli(*args, "--update-available", outlets=2) as lines:
        assert [line[0] for line in lines] == ["aura", "aura"]
        assert lines[0][1] != lines[1][1]
        url = lines[0][2]
        assert url.startswith("ws://127.0.0.1:")
        async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
            await ws.send_json({"packetID": 100200, "payload": {"callbackName": 20}})
            reply = await ws.receive_json(timeout=2)
            assert reply["sn"] == lines[0][1]
            assert reply["payload"]["callbackArgs"]["IM"]["available_fw_rev"] == "2.5.0"
