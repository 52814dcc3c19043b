"""Behaviour knobs and profiles: a realistic outlet, seen over a real socket."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
import signal
import sys
from typing import Any

import aiohttp
import pytest

from simulator import SimulatedOutlet
from simulator.__main__ import parse_args
from simulator.profiles import REAL_CONNECT_DELAY, REAL_UPDATE_CHECK_DELAY

from .conftest import Client, ClientFactory, SimFactory, args_of
from .test_ota import ota_pushes, progress

ROOT = Path(__file__).parents[2]


def callback_of(frame: dict[str, Any]) -> int | None:
    return frame.get("payload", {}).get("callbackName")


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


# --- ota_ack ------------------------------------------------------------------------------


async def test_unacknowledged_outlet_update(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", update_available=True, ota_ack=False)
    client = await connect(sim)
    update = await client.send(21, [1, 0])
    expected = [(23, [1, 0]), *progress(3), (23, [3, 1]), *progress(1), (23, [1, 1])]
    assert await ota_pushes(client, len(expected)) == expected  # the socket stayed open
    assert await client.closed()  # then the reboot
    assert all(frame.get("packetID") != update for frame in client.pushes)
    await sim.wait_until_online()
    client = await connect(sim)
    assert args_of(await client.push(12))["IM"]["fw_rev"] == "2.5.0"


async def test_unacknowledged_faceplate_update(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    sim = await make_sim("pro", update_available=True, ota_ack=False)
    client = await connect(sim)
    update = await client.send(21, [2, 1])
    expected = [(23, [2, 0]), *progress(2), (23, [2, 1])]
    assert await ota_pushes(client, len(expected)) == expected
    assert args_of(await client.push(12))["PM"]["fw_rev"] == "1.9.3"
    assert all(frame.get("packetID") != update for frame in client.pushes)


# --- firmware scenarios -------------------------------------------------------------------


async def test_web_interface_only_update(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", available_www="1.3.0", partial_outlet_updates=True)
    client = await connect(sim)
    assert args_of(await client.request(20))["IM"] == {
        "fw_rev": "2.4.7",
        "available_fw_rev": "2.4.7",
        "www_fw_rev": "1.2.0",
        "available_www_fw_rev": "1.3.0",
    }
    assert (await client.request(21, [1, 0]))["PUBACK"] == 1
    expected = [(23, [1, 0]), *progress(3), (23, [3, 1])]
    assert await ota_pushes(client, len(expected)) == expected
    await sim.wait_idle()
    # no reboot, no 12 push: the same socket reads the new web interface version
    assert await client.pushes_before_next_reply() == []
    assert args_of(await client.request(20))["IM"]["www_fw_rev"] == "1.3.0"
    assert args_of(await client.request(12))["IM"]["fw_rev"] == "2.4.7"
    assert sim.state.boot_count == 0
    assert sim.total_connections == 1


async def test_firmware_only_update(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("aura", available_fw="2.5.0", partial_outlet_updates=True)
    client = await connect(sim)
    assert (await client.request(21, [1, 0]))["PUBACK"] == 1
    expected = [(23, [1, 0]), *progress(1), (23, [1, 1])]
    assert await ota_pushes(client, len(expected)) == expected
    assert await client.closed()
    await sim.wait_until_online()
    client = await connect(sim)
    assert args_of(await client.push(12))["IM"]["fw_rev"] == "2.5.0"
    updates = args_of(await client.request(20))["IM"]
    assert (updates["fw_rev"], updates["www_fw_rev"]) == ("2.5.0", "1.2.0")


@pytest.mark.parametrize("method", [0, 1])
async def test_faceplate_update_either_method(
    make_sim: SimFactory, connect: ClientFactory, method: int
) -> None:
    sim = await make_sim("aura", available_faceplate_fw="2.0.0")
    client = await connect(sim)
    assert (await client.request(21, [1, 0]))["PUBACK"] == 0  # the outlet is up to date
    assert (await client.request(21, [2, method]))["PUBACK"] == 1
    expected = [(23, [2, 0]), *progress(2), (23, [2, 1])]
    assert await ota_pushes(client, len(expected)) == expected
    assert args_of(await client.push(12))["PM"]["fw_rev"] == "2.0.0"
    assert sim.state.boot_count == 0


# --- connect_delay and refused connections ------------------------------------------------


async def test_connect_delay(
    make_sim: SimFactory, connect: ClientFactory, http: aiohttp.ClientSession
) -> None:
    sim = await make_sim("pro", connect_delay=30.0)
    handshake = asyncio.create_task(http.ws_connect(sim.url))
    done, _ = await asyncio.wait([handshake], timeout=0.2)
    assert not done  # accepted, but the handshake has not completed
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
    sim = await make_sim("pro", connect_delay=0.2, reboot_delay=30.0)
    handshake = asyncio.create_task(http.ws_connect(sim.url))
    await asyncio.sleep(0.05)  # the request is in, waiting for the slow accept
    await sim.reboot()
    with pytest.raises(aiohttp.ClientError):
        await handshake
    assert sim.connection_count == 0


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


# --- profiles -----------------------------------------------------------------------------


def test_profile_values() -> None:
    friendly = SimulatedOutlet("pro")
    assert friendly.profile == "friendly"
    assert friendly.faults.update_check_delay == 0
    assert friendly.faults.unanswered == frozenset()
    assert friendly.faults.sensor_overrides == {}
    assert friendly.faults.ota_ack
    assert friendly.faults.connect_delay == 0
    assert not friendly.faults.interleave_pushes
    assert not friendly.faults.partial_outlet_updates

    real = SimulatedOutlet("pro", profile="real")
    assert real.faults.update_check_delay == REAL_UPDATE_CHECK_DELAY == 8.0
    assert real.faults.unanswered == {"18/7", "27"}
    assert real.faults.sensor_overrides == {"humidity": "nan"}
    assert not real.faults.ota_ack
    assert real.faults.connect_delay == REAL_CONNECT_DELAY
    assert real.faults.interleave_pushes
    assert real.faults.partial_outlet_updates
    assert SimulatedOutlet("aura", profile="real").faults.sensor_overrides == {"lux_valid": ""}

    # knobs given by name win over the profile
    mixed = SimulatedOutlet("pro", profile="real", ota_ack=True, unanswered={"20"})
    assert mixed.faults.ota_ack
    assert mixed.faults.unanswered == {"20"}
    assert mixed.faults.interleave_pushes

    with pytest.raises(ValueError, match="unknown profile"):
        SimulatedOutlet("pro", profile="grumpy")


@pytest.mark.parametrize("profile", ["real"])
async def test_real_profile_over_the_socket(
    make_sim: SimFactory, connect: ClientFactory, profile: str
) -> None:
    sim = await make_sim("aura", update_available=True, connect_delay=0.01)
    assert sim.profile == profile
    client = await connect(sim)
    slow = await client.send(20)
    reply = await client.request(18, [5])  # a push first, then the reply
    assert args_of(reply)[0] == 5
    assert [callback_of(f) for f in client.pushes] == [9]
    sensors = args_of(await client.request(11))[1]
    assert sensors["lux_valid"] == ""
    unanswered = [await client.send(18, [7]), await client.send(27, [0])]
    update = await client.send(21, [2, 1])
    expected = [(23, [2, 0]), *progress(2), (23, [2, 1])]
    assert await ota_pushes(client, len(expected)) == expected
    ids = {frame.get("packetID") for frame in client.pushes}
    assert ids.isdisjoint({slow, update, *unanswered})


async def test_profile_live(sim: SimulatedOutlet, client: Client) -> None:
    sim.apply_profile("real")
    sim.faults.connect_delay = 0
    assert sim.profile == "real"
    packet_id = await client.send(9)
    assert (await client.frame())["packetID"] != packet_id  # interleaved push
    sim.apply_profile("friendly")
    assert sim.faults.unanswered == frozenset()
    assert (await client.request(27, [0]))["PUBACK"] == 0  # answered (MQTT not connected)


# --- control API and command line -----------------------------------------------------------


async def control(http: aiohttp.ClientSession, sim: SimulatedOutlet, path: str, body: Any) -> Any:
    async with http.post(f"http://{sim.host}:{sim.port}/control/{path}", json=body) as resp:
        return resp.status, await resp.json()


async def test_control_profile_and_knobs(sim: SimulatedOutlet, http: aiohttp.ClientSession) -> None:
    assert await control(http, sim, "profile", {"profile": "real"}) == (200, {"ok": True})
    assert sim.faults.unanswered == {"18/7", "27"}
    async with http.get(f"http://{sim.host}:{sim.port}/control/state") as resp:
        state = await resp.json()
    assert state["profile"] == "real"
    assert state["knobs"]["unanswered"] == ["18/7", "27"]
    assert state["knobs"]["ota_ack"] is False

    body = {"unanswered": ["20", "3"], "sensor_overrides": {"AQI": "n/a"}, "connect_delay": 0}
    assert await control(http, sim, "knobs", body) == (200, {"ok": True})
    assert sim.faults.unanswered == frozenset({"20", "3"})
    assert sim.faults.sensor_overrides == {"AQI": "n/a"}
    assert await control(http, sim, "knobs", {"reboot_delay": 0.02}) == (200, {"ok": True})
    assert sim.timings.reboot_delay == 0.02

    status, result = await control(http, sim, "knobs", {"ota_ack": True, "bogus": 1})
    assert status == 400
    assert "bogus" in result["error"]
    assert not sim.faults.ota_ack  # refused as a whole
    status, _ = await control(http, sim, "knobs", {"unanswered": "20"})
    assert status == 400
    status, _ = await control(http, sim, "profile", {"profile": "grumpy"})
    assert status == 400

    body = {"available_www": "1.3.0", "available_faceplate_fw": "1.9.9"}
    assert await control(http, sim, "firmware", body) == (200, {"ok": True})
    assert (sim.state.firmware.www_available, sim.state.firmware.pm_available) == (
        "1.3.0",
        "1.9.9",
    )
    status, _ = await control(http, sim, "firmware", {"available_fw": 2})
    assert status == 400


def test_cli_options() -> None:
    args = parse_args(["--profile", "real", "--available-www", "1.3.0"])
    assert (args.profile, args.available_www, args.available_fw) == ("real", "1.3.0", None)
    assert parse_args([]).profile == "friendly"
    with pytest.raises(SystemExit):
        parse_args(["--profile", "grumpy"])


async def test_cli_real_profile() -> None:
    """``python -m simulator --profile real`` runs a realistic outlet."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--port",
        "0",
        "--sensor-interval",
        "0",
        "--profile",
        "real",
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(20):
            url = (await process.stdout.readline()).decode().split()[2]
        async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
            await ws.send_json({"packetID": 100300, "payload": {"callbackName": 11}})
            push = await ws.receive_json(timeout=2)  # interleaved before the reply
            reply = await ws.receive_json(timeout=2)
            assert push["payload"]["callbackName"] == 9
            assert reply["packetID"] == 100300
            assert reply["payload"]["callbackArgs"][1]["humidity"] == "nan"
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(10):
            _, stderr = await process.communicate()
        assert process.returncode == 0, stderr.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_friendly_web_only_update_keeps_both_phases(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    """Without ``partial_outlet_updates`` every outlet update runs both phases and reboots."""
    sim = await make_sim("pro", available_www="1.3.0")
    client = await connect(sim)
    assert (await client.request(21, [1, 0]))["PUBACK"] == 1
    expected = [(23, [1, 0]), *progress(3), (23, [3, 1]), *progress(1), (23, [1, 1])]
    assert await ota_pushes(client, len(expected)) == expected
    assert await client.closed()
    await sim.wait_until_online()
    assert (sim.state.firmware.im, sim.state.firmware.www) == ("2.4.7", "1.3.0")
