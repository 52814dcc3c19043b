"""Behaviour profiles: their values, over a socket, from the control API and the command line."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from simulator import SimulatedOutlet
from simulator.__main__ import parse_args
from simulator.profiles import (
    REAL_CONNECT_DELAY,
    REAL_DEGRADED_FACEPLATE,
    REAL_UPDATE_CHECK_DELAY,
)

from .cli import simulator_cli
from .conftest import Client, ClientFactory, SimFactory, args_of, callback_of
from .test_ota import ota_pushes, progress

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
    assert friendly.faults.degraded_faceplate == 0
    assert not friendly.faults.anonymous_restart_push
    assert not friendly.faults.integer_network_fields

    real = SimulatedOutlet("pro", profile="real")
    assert real.faults.update_check_delay == REAL_UPDATE_CHECK_DELAY == 8.0
    assert real.faults.unanswered == {"18/7", "27"}
    assert real.faults.sensor_overrides == {"humidity": "nan"}
    assert not real.faults.ota_ack
    assert real.faults.connect_delay == REAL_CONNECT_DELAY
    assert real.faults.interleave_pushes
    assert real.faults.partial_outlet_updates
    assert real.faults.degraded_faceplate == REAL_DEGRADED_FACEPLATE
    assert real.faults.anonymous_restart_push
    assert real.faults.integer_network_fields
    assert SimulatedOutlet("deco", profile="real").faults.sensor_overrides == {"lux_valid": ""}
    assert SimulatedOutlet("aura", profile="real").faults.sensor_overrides == {"lux_valid": ""}

    # knobs given by name win over the profile
    mixed = SimulatedOutlet("pro", profile="real", ota_ack=True, unanswered={"20"})
    assert mixed.faults.ota_ack
    assert mixed.faults.unanswered == {"20"}
    assert mixed.faults.interleave_pushes

    with pytest.raises(ValueError, match="unknown profile"):
        SimulatedOutlet("pro", profile="grumpy")


async def test_a_faceplate_down_or_just_back_reports_degraded_values(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    """protocol.md §11 item 36: no name and a blank fw_rev while down and just after."""
    sim = await make_sim(
        "pro",
        profile="real",
        faceplate_restart_delay=0.01,
        degraded_faceplate=REAL_DEGRADED_FACEPLATE,
        faceplate_return_silent=False,  # its return is announced here
        faceplate_version_delay=0.0,  # its version shows as soon as it is no longer degraded
    )
    client = await connect(sim)
    face = args_of(await client.request(12))["PM"]
    assert (face["device"], face["fw_rev"]) == ("InvisDeco", "1.9.2")  # up since it started
    await sim.set_faceplate_online(False)
    pushed = args_of(await client.push(12))
    assert "sn" not in pushed["IM"]  # a restart announcement names no outlet
    face = pushed["PM"]
    assert (face["online"], face["device"], face["fw_rev"]) == (False, "Unknown", "")
    await sim.set_faceplate_online(True)
    face = args_of(await client.push(12))["PM"]
    assert (face["online"], face["device"], face["fw_rev"]) == (True, "", "")
    sim.faults.degraded_faceplate = 0.05
    await sim.restart_faceplate()
    face = args_of(await client.push(12))["PM"]  # back
    assert (face["device"], face["fw_rev"]) == ("", "")
    assert args_of(await client.request(11)) == []  # no readings yet
    await asyncio.sleep(0.06)
    assert len(args_of(await client.request(11))) == 2
    face = args_of(await client.request(12))["PM"]
    assert (face["device"], face["fw_rev"]) == ("InvisDeco", "1.9.2")


async def test_network_addresses_as_integers(make_sim: SimFactory, connect: ClientFactory) -> None:
    """protocol.md §11 item 41: ``sys_prefs.internet`` as 32-bit integers."""
    sim = await make_sim("bare", integer_network_fields=True)
    client = await connect(sim)
    internet = args_of(await client.request(1))["sys_prefs"]["internet"]
    assert internet == {"ip": 2130706433, "mainDNS": 3232235777, "backupDNS": 151587081}


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
    async with simulator_cli("--sensor-interval", "0", "--profile", "real") as lines:
        url = lines[0][2]
        async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
            await ws.send_json({"packetID": 100300, "payload": {"callbackName": 11}})
            push = await ws.receive_json(timeout=2)  # interleaved before the reply
            reply = await ws.receive_json(timeout=2)
            assert push["payload"]["callbackName"] == 9
            assert reply["packetID"] == 100300
            assert reply["payload"]["callbackArgs"][1]["humidity"] == "nan"
