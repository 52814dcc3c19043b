"""Restarts and resets (5, 6, 7, 24), reconnection, and the 12 announcements."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from simulator import SimulatedOutlet

from .conftest import Client, ClientFactory, SimFactory, args_of


async def assert_refused(sim: SimulatedOutlet, http: aiohttp.ClientSession) -> None:
    with pytest.raises(aiohttp.ClientConnectorError):
        await http.ws_connect(sim.url)


@pytest.mark.parametrize("callback", [5, 6, 7])
async def test_no_reply_then_reboot(
    make_sim: SimFactory,
    connect: ClientFactory,
    http: aiohttp.ClientSession,
    callback: int,
) -> None:
    sim = await make_sim("pro", reboot_delay=0.05)
    first, second = await connect(sim), await connect(sim)
    await first.request(10, [1, 1])
    await sim.set_names({1: "Kettle"})
    await sim.set_config(acc_prefs={"capacitiveCtrl": 0})
    await first.send(callback)
    for client in (first, second):
        assert await client.closed()
        assert [f["payload"]["callbackName"] for f in client.pushes] == [9]  # no reply
    assert not sim.state.online
    assert sim.connection_count == 0
    await assert_refused(sim, http)
    await sim.wait_until_online()
    client = await connect(sim)
    info = await client.push(12)  # the outlet announces its restart
    assert "PUBACK" not in info
    assert args_of(info)["IM"]["sn"] == sim.serial
    factory_reset = callback == 7
    assert args_of(await client.request(9)) == ([0, 0] if factory_reset else [1, 0])
    names = args_of(await client.request(3))
    assert names[0]["name"] == ("Outlet 1" if factory_reset else "Kettle")
    prefs = args_of(await client.request(1))["acc_prefs"]
    assert prefs["capacitiveCtrl"] == (1 if factory_reset else 0)


async def test_each_client_gets_one_announcement(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    sim = await make_sim("pro")
    before = await connect(sim)
    assert await before.quiet(0.05) == []  # no announcement without a reboot
    await sim.reboot()
    assert not sim.state.online
    await sim.wait_until_online()
    first, second = await connect(sim), await connect(sim)
    for client in (first, second):
        await client.push(12)
        assert await client.quiet(0.05) == []
    assert sim.state.boot_count == 1


async def test_announcement_window(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", boot_announce_window=0.05)
    await sim.reboot(0.01)
    await sim.wait_until_online()
    await asyncio.sleep(0.06)
    assert await (await connect(sim)).quiet(0.05) == []


async def test_reboot_while_down_is_ignored(sim: SimulatedOutlet) -> None:
    await sim.reboot(0.05)
    await sim.reboot(5.0)
    await sim.wait_until_online()
    assert sim.state.boot_count == 1


async def test_frames_queued_before_a_reboot_are_delivered(
    sim: SimulatedOutlet, client: Client
) -> None:
    for _ in range(20):
        await sim.press_button(1)
    await sim.reboot()
    assert await client.closed()
    assert len(client.pushes) == 20


async def test_drop_connections(sim: SimulatedOutlet, connect: ClientFactory) -> None:
    first = await connect(sim)
    await sim.drop_connections()
    assert await first.closed()
    second = await connect(sim)  # accepted at once, no announcement
    assert (await second.request(9))["PUBACK"] == 1
    assert second.pushes == []
    assert sim.total_connections == 2


async def test_faceplate_restart(make_sim: SimFactory, connect: ClientFactory) -> None:
    # away long enough for six requests on a busy machine
    sim = await make_sim("pro", sensor_interval=0.01, faceplate_restart_delay=1.0)
    client = await connect(sim)
    await client.push(11)
    assert (await client.request(24))["PUBACK"] == 1
    assert "PM" not in args_of(await client.request(12))
    for callback, args in [(11, None), (15, None), (14, [1, 5]), (24, None), (26, [30])]:
        assert (await client.request(callback, args) if args else await client.request(callback))[
            "PUBACK"
        ] == 0, callback
    await asyncio.sleep(0.02)
    client.pushes = [f for f in client.pushes if f["payload"]["callbackName"] != 11]
    info = await client.push(12)  # back
    assert info["payload"]["callbackArgs"]["PM"]["online"] is True
    assert [f["payload"]["callbackName"] for f in client.pushes] == []  # no 11 while away
    await client.push(11)  # sensor pushes resume
    assert sim.total_connections == 1  # the outlet socket stayed up


async def test_faceplate_restart_from_the_api(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("aura")
    client = await connect(sim)
    await sim.restart_faceplate(0.01)
    assert sim.state.faceplate.restarting
    assert "PM" in args_of(await client.push(12))
    bare = await make_sim("bare")
    with pytest.raises(RuntimeError):
        await bare.restart_faceplate()


async def test_outlet_reboot_during_faceplate_restart(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    sim = await make_sim("pro", faceplate_restart_delay=5.0)
    await sim.restart_faceplate()
    await sim.reboot(0.01)
    await sim.wait_until_online()
    client = await connect(sim)
    assert "PM" in args_of(await client.push(12))  # the faceplate came up with the outlet


async def test_stop_closes_clients(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", sensor_interval=0.01, reboot_delay=5.0)
    client = await connect(sim)
    await sim.restart_faceplate(5.0)
    await sim.stop()
    assert await client.closed()
    assert sim.connection_count == 0


async def test_context_manager_and_start_again(http: aiohttp.ClientSession) -> None:
    async with SimulatedOutlet("bare", sensor_interval=0) as sim:
        port = sim.port
        assert port > 0
        assert sim.url == f"ws://127.0.0.1:{port}/ws"
    await assert_refused(sim, http)
    async with sim:  # a stopped outlet can start again, on the same port
        assert sim.port == port
        async with http.ws_connect(sim.url) as ws:
            await ws.send_json({"packetID": 100300, "payload": {"callbackName": 9}})
            assert (await ws.receive_json())["PUBACK"] == 1
