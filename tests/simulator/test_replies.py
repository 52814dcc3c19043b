"""Every callback's reply shape, for each variant, as protocol.md documents it."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from custom_components.intecular.api.models import (
    AccessoryNames,
    AvailableUpdates,
    ColorLight,
    DeviceConfig,
    Nightlight,
    OutletInfo,
    OutletStates,
    SensorReadings,
)
from simulator import SimulatedOutlet

from .conftest import NO_ARGS, Client, ClientFactory, SimFactory, args_of

# (callback, args) of every data-returning fetch, and the parser the client uses
FETCHES: dict[int, tuple[Any, Any]] = {
    1: (NO_ARGS, DeviceConfig.from_args),
    3: (NO_ARGS, AccessoryNames.from_args),
    9: (NO_ARGS, OutletStates.from_args),
    11: (NO_ARGS, SensorReadings.from_args),
    12: (NO_ARGS, OutletInfo.from_args),
    15: (NO_ARGS, Nightlight.from_args),
    18: ([5], ColorLight.from_args),
    20: (NO_ARGS, AvailableUpdates.from_args),
}
# callbacks each variant answers with PUBACK 0 (nothing to fetch)
REFUSED: dict[str, set[int]] = {
    "pro": set(),
    "aura": {15},
    "deco": set(),
    "bare": {11, 15, 18},
}


def assert_envelope(frame: dict[str, Any], sim: SimulatedOutlet, packet_id: int) -> None:
    assert frame["sn"] == sim.serial
    assert frame["packetID"] == packet_id


@pytest.mark.parametrize("variant", ["pro", "aura", "deco", "bare"])
async def test_fetch_replies(make_sim: SimFactory, connect: ClientFactory, variant: str) -> None:
    sim = await make_sim(variant)
    client = await connect(sim)
    for callback, (args, parse) in FETCHES.items():
        packet_id = await client.send(callback, args)
        frame = await client.reply(packet_id)
        assert_envelope(frame, sim, packet_id)
        if callback in REFUSED[variant]:
            assert frame == {"sn": sim.serial, "packetID": packet_id, "PUBACK": 0}
            continue
        assert frame["PUBACK"] == 1
        assert frame["payload"]["callbackName"] == callback
        if variant in {"pro", "deco"} and callback == 18:
            assert args_of(frame) == []  # a faceplate without colour arrays has no data
            continue
        parse(args_of(frame))  # what a tolerant client parses
    assert client.pushes == []


async def test_pro_device_info(sim: SimulatedOutlet, client: Client) -> None:
    info = args_of(await client.request(12))
    assert set(info) == {"IM", "PM"}
    assert info["IM"] == {
        "sn": sim.serial,
        "MAC": sim.mac,
        "device": "InvisOutlet",
        "hw_rev": "revA",
        "fw_rev": "2.4.7",
    }
    pm = info["PM"]
    assert pm["online"] is True
    assert pm["sn"] == sim.faceplate_serial
    assert (pm["device"], pm["type"], pm["fw_rev"]) == ("InvisDeco", "Pro", "1.9.2")
    assert set(pm["radar"]) == {"fw_rev", "hw_type", "MAC"}
    parsed = OutletInfo.from_args(info)
    assert parsed.faceplate is not None
    assert parsed.faceplate.is_pro


async def test_aura_and_bare_device_info(make_sim: SimFactory, connect: ClientFactory) -> None:
    aura = await make_sim("aura")
    info = args_of(await (await connect(aura)).request(12))
    assert info["PM"]["type"] == "Aura"
    assert "radar" not in info["PM"]
    assert OutletInfo.from_args(info).faceplate.is_aura  # type: ignore[union-attr]

    bare = await make_sim("bare")
    client = await connect(bare)
    assert set(args_of(await client.request(12))) == {"IM"}
    assert set(args_of(await client.request(20))) == {"IM"}
    assert bare.faceplate_serial is None


async def test_serials_look_real(make_sim: SimFactory) -> None:
    sim = await make_sim("pro", seed=None)
    assert len(sim.serial) == 10
    assert sim.serial.isalnum()
    assert sim.serial == sim.serial.upper()
    assert sim.faceplate_serial is not None
    assert len(sim.faceplate_serial) == 11
    assert sim.mac.startswith("7C:DF:A1:")
    fixed = await make_sim("pro", serial="0019B2E7C4")
    assert fixed.serial == "0019B2E7C4"


async def test_sensor_reply_keys(make_sim: SimFactory, connect: ClientFactory) -> None:
    pro = await make_sim("pro")
    device_type, readings = args_of(await (await connect(pro)).request(11))
    assert device_type == 0
    assert {"temp_valid", "AQI", "co2_equiv", "lux", "occupancy_state", "distance"} <= set(readings)
    assert all(not isinstance(v, str) for v in readings.values())  # numbers by default on Pro

    aura = await make_sim("aura")
    device_type, readings = args_of(await (await connect(aura)).request(11))
    assert device_type == 1
    assert set(readings) == {"lux_valid", "lux"}
    assert readings["lux_valid"] == 1
    assert isinstance(readings["lux"], str)  # "214.63": Aura's quoted decimals
    assert float(readings["lux"]) == pytest.approx(214.63)


async def test_aura_colour_reply(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("aura")
    client = await connect(sim)
    nightlight = args_of(await client.request(18, [5]))
    assert nightlight[:2] == [5, 1]
    assert len(nightlight[2]) == 9
    assert all(len(entry) == 4 for entry in nightlight[2])  # [state, bri, [h, s], kelvin]
    assert nightlight[3:] == [0, 0, 50]
    indicator = args_of(await client.request(18, [7]))
    assert indicator[0] == 7
    assert len(indicator[2]) == 7
    for bad in ([6], [], None, ["5"], [5, 1]):
        assert (await client.request(18, bad if bad is not None else NO_ARGS))["PUBACK"] == 0


@pytest.mark.parametrize(
    ("variant", "callback", "args"),
    [
        ("aura", 14, [1, 50]),
        ("bare", 14, [1, 50]),
        ("pro", 17, [5, 1, [[1, 50, [10, 10]]]]),
        ("bare", 17, [5, 1, [[1, 50, [10, 10]]]]),
        ("bare", 24, NO_ARGS),
        ("bare", 25, NO_ARGS),
        ("aura", 26, [30]),
        ("bare", 26, [30]),
        ("aura", 28, [23400, 51200]),
        ("bare", 28, [23400, 51200]),
    ],
)
async def test_missing_hardware_refused(
    make_sim: SimFactory, connect: ClientFactory, variant: str, callback: int, args: Any
) -> None:
    client = await connect(await make_sim(variant))
    reply = await client.request(callback, args)
    assert reply["PUBACK"] == 0
    assert "payload" not in reply


async def test_acknowledgements_have_no_payload(sim: SimulatedOutlet, client: Client) -> None:
    for callback, args in [
        (2, [{"acc_prefs": {"capacitiveCtrl": 0}}]),
        (4, [{"accessory": 1, "name": "Kettle"}]),
        (10, [2, 1]),
        (14, [1, 20]),
        (25, NO_ARGS),
        (26, [30]),
        (27, [0]),
        (28, [21000, 40000]),
    ]:
        packet_id = await client.send(callback, args)
        reply = await client.reply(packet_id)
        assert set(reply) == {"sn", "packetID", "PUBACK"}, callback
        assert_envelope(reply, sim, packet_id)
    assert (await client.request(24))["PUBACK"] == 1  # faceplate restart, after the rest


async def test_unknown_and_malformed_requests(sim: SimulatedOutlet, client: Client) -> None:
    for callback in (8, 13, 16, 19, 29, 0, -1):
        packet_id = await client.send(callback)
        assert await client.reply(packet_id) == {
            "sn": sim.serial,
            "packetID": packet_id,
            "PUBACK": 0,
        }
    # a readable packetID gets PUBACK 0 ...
    for text in (
        '{"packetID": 654321}',
        '{"packetID": 654321, "payload": []}',
        '{"packetID": 654321, "payload": {"callbackName": "nine"}}',
    ):
        await client.ws.send_str(text)
        assert await client.reply(654321) == {"sn": sim.serial, "packetID": 654321, "PUBACK": 0}
    # ... anything else is ignored, binary frames too
    for text in ("not json", "[1, 2]", '"text"', '{"payload": {"callbackName": 9}}'):
        await client.ws.send_str(text)
    await client.ws.send_bytes(json.dumps({"packetID": 1, "payload": {}}).encode())
    assert await client.quiet() == []
    assert (await client.request(9))["PUBACK"] == 1  # still talking
    assert sim.requests[-1] == (9, None)
    assert (29, None) in sim.requests


async def test_two_clients_get_their_own_replies(
    sim: SimulatedOutlet, connect: ClientFactory
) -> None:
    first, second = await connect(sim), await connect(sim)
    assert sim.connection_count == 2
    assert sim.total_connections == 2
    await first.send(9, packet_id=111111)
    await second.send(12, packet_id=222222)
    assert (await second.reply(222222))["payload"]["callbackName"] == 12
    assert (await first.reply(111111))["payload"]["callbackName"] == 9
    assert first.pushes == second.pushes == []


async def test_answers_pings(sim: SimulatedOutlet, connect: ClientFactory) -> None:
    client = await connect(sim, autoping=False)
    await client.ws.ping(b"hello")
    msg = await client.ws.receive(1.0)
    assert msg.type is aiohttp.WSMsgType.PONG
    assert msg.data == b"hello"
