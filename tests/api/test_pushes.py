"""Pushes: every pushed callback reaches the subscribers as a model, in every tolerated shape."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from custom_components.intecular.api import (
    ColorLed,
    ColorLight,
    ColorMode,
    IntecularClient,
    LightSelector,
    Nightlight,
    OtaProgress,
    OtaResult,
    OtaTarget,
    OutletInfo,
    OutletStates,
    SensorReadings,
)
from custom_components.intecular.api.protocol import build_frame
from simulator import SimulatedOutlet

from .common import Pushes, pending_id, wait_until
from .conftest import ClientFactory, SimFactory

# The quirk knobs of the simulator that change what a push looks like on the wire.
PUSH_SHAPES = [
    pytest.param({}, id="plain"),
    pytest.param({"puback_on_push": True}, id="puback"),
    pytest.param({"wrapped_outlet_push": True}, id="wrapped-9"),
    pytest.param({"sensor_strings": True}, id="sensor-strings"),
]


@pytest.mark.parametrize("quirks", PUSH_SHAPES)
async def test_pro_pushes(
    make_sim: SimFactory, make_client: ClientFactory, quirks: dict[str, Any]
) -> None:
    sim = await make_sim("pro", **quirks)
    client = await make_client(sim)
    pushes = Pushes(client)

    await sim.press_button(2)
    assert await pushes.next(OutletStates) == OutletStates(False, True)
    await client.set_outlet(1, True)  # a command is followed by a push of the new state
    assert await pushes.next(OutletStates) == OutletStates(True, True)

    await sim.set_sensor("temp_celsius", 19.5)
    readings = await pushes.next(SensorReadings)
    assert readings.temperature == 19.5
    assert readings.co2 == 655
    assert readings.occupancy_state == 1

    await sim.set_nightlight(True, 55)
    assert await pushes.next(Nightlight) == Nightlight(True, 55)

    await sim.set_faceplate_online(False)
    info = await pushes.next(OutletInfo)
    assert info.outlet.serial == sim.serial
    assert info.faceplate is not None
    assert not info.faceplate.online
    assert not info.faceplate_online
    assert pushes.received == []  # nothing else, nothing twice


async def test_aura_color_push(make_sim: SimFactory, make_client: ClientFactory) -> None:
    sim = await make_sim("aura", puback_on_push=True)  # as in the vendor's 18 push example
    client = await make_client(sim)
    pushes = Pushes(client)
    light = ColorLight(7, ColorMode.STATIC_HSV, (ColorLed(True, 20, 120, 50),))
    await sim.set_color_light(light)
    pushed = await pushes.next(ColorLight)
    assert pushed.selector == 7  # the selector tells which array changed
    assert len(pushed.leds) == 7
    assert {(led.on, led.brightness, led.hue, led.saturation) for led in pushed.leds} == {
        (True, 20, 120, 50)
    }
    await sim.push_sensors()
    assert (await pushes.next(SensorReadings)).illuminance == 214.63  # sent as "214.63"
    assert pushes.received == []


async def test_color_push_with_entries_lacking_fields(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    """18 entries may lack the [hue, sat] pair or the kelvin value, in any combination."""
    pushes = Pushes(client)
    args = [7, 1, [[1, 40, [30, 20], 4000], [1, 40, [30, 20]], [0, 40, 4000], [1, 40]], 0, 0]
    await sim.send_raw(build_frame(sim.serial, 345678, 18, args))
    pushed = await pushes.next(ColorLight)
    assert pushed.leds == (
        ColorLed(True, 40, 30, 20, 4000),
        ColorLed(True, 40, 30, 20, None),
        ColorLed(False, 40, None, None, 4000),
        ColorLed(True, 40, None, None, None),
    )
    assert (pushed.speed, pushed.random, pushed.random_brightness) == (0, False, None)
    # and the indicator's short form with no trailing values at all
    await sim.send_raw(build_frame(sim.serial, 345679, 18, [7, 1, [[1, 40]]]))
    pushed = await pushes.next(ColorLight)
    assert pushed.leds == (ColorLed(True, 40),)
    assert (pushed.speed, pushed.random, pushed.random_brightness) == (None, None, None)


async def test_color_reply_with_entries_lacking_fields(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    sim.faults.drop_replies = True
    task = asyncio.ensure_future(client.get_color_light(LightSelector.NIGHTLIGHT))
    packet_id = await pending_id(client)
    args = [5, 2, [[1, 80, 2700], [1, 80, [10, 10]]], 1, 1, 30]
    await sim.send_raw(build_frame(sim.serial, packet_id, 18, args, puback=1))
    light = await task
    assert light is not None
    assert light.color_mode is ColorMode.STATIC_TEMPERATURE
    assert light.leds == (ColorLed(True, 80, kelvin=2700), ColorLed(True, 80, 10, 10))
    assert (light.speed, light.random, light.random_brightness) == (1, True, 30)


@pytest.mark.parametrize("name", ["", "Unknown"])
async def test_device_reported_unknown(
    make_sim: SimFactory, make_client: ClientFactory, name: str
) -> None:
    sim = await make_sim("pro", device_name=name)
    client = await make_client(sim)
    info = await client.get_device_info()
    assert info.outlet.device == name
    assert info.outlet.model is None
    assert info.faceplate is not None
    assert info.faceplate.model is None
    assert info.faceplate.serial == sim.faceplate_serial
    pushes = Pushes(client)
    await sim.set_faceplate_online(False)
    pushed = await pushes.next(OutletInfo)
    assert pushed.outlet.model is None
    assert pushed.faceplate is not None
    assert pushed.faceplate.model is None


async def test_missing_pm_block(make_sim: SimFactory, make_client: ClientFactory) -> None:
    sim = await make_sim("pro", pm_absent=True)
    client = await make_client(sim)
    info = await client.get_device_info()
    assert info.faceplate is None
    assert not info.faceplate_online
    pushes = Pushes(client)
    await sim.set_faceplate_online(False)
    assert (await pushes.next(OutletInfo)).faceplate is None


async def test_faceplate_restart_pushes_device_info(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    pushes = Pushes(client)
    await client.restart_faceplate()
    assert (await client.get_device_info()).faceplate is None  # gone while restarting
    info = await pushes.next(OutletInfo)  # and announced when back
    assert info.faceplate is not None
    assert info.faceplate.online


async def test_faceplate_update_pushes(make_sim: SimFactory, make_client: ClientFactory) -> None:
    sim = await make_sim("pro", update_available=True)
    client = await make_client(sim)
    pushes = Pushes(client)
    await client.perform_update(OtaTarget.FACEPLATE)
    info = await pushes.next(OutletInfo)  # the faceplate returns with its new firmware
    assert info.faceplate is not None
    assert info.faceplate.fw_rev == "1.9.3"
    ota = [p for p in pushes.received if isinstance(p, (OtaProgress, OtaResult))]
    assert ota == [
        OtaResult(OtaTarget.FACEPLATE, False),  # the spurious leading zero
        OtaProgress(OtaTarget.FACEPLATE, 50),
        OtaProgress(OtaTarget.FACEPLATE, 100),
        OtaResult(OtaTarget.FACEPLATE, True),
    ]


async def test_occupancy_calibration_pushes(sim: SimulatedOutlet, client: IntecularClient) -> None:
    pushes = Pushes(client)
    await client.calibrate_occupancy(30)
    await wait_until(lambda: len(pushes.of(SensorReadings)) == 4)
    states = [(r.occupancy_state, r.occupancy_calibrating) for r in pushes.of(SensorReadings)]
    assert states == [(4, True), (5, True), (6, True), (1, False)]


async def test_push_without_packet_id(sim: SimulatedOutlet, client: IntecularClient) -> None:
    pushes = Pushes(client)
    frame = {"sn": sim.serial, "payload": {"callbackName": 23, "callbackArgs": [3, 1]}}
    await sim.send_raw(json.dumps(frame))
    assert await pushes.next(OtaResult) == OtaResult(OtaTarget.OUTLET_WEB, True)
    assert client.stats.bad_frames == 0


async def test_push_sharing_a_waiting_packet_id(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    """A push that happens to carry a waiting request's packetID is still a push."""
    pushes = Pushes(client)
    sim.faults.drop_replies = True
    task = asyncio.ensure_future(client.get_outlets())
    packet_id = await pending_id(client)
    await sim.send_raw(build_frame(sim.serial, packet_id, 15, [1, 20]))
    assert await pushes.next(Nightlight) == Nightlight(True, 20)
    assert not task.done()
    await sim.send_raw(build_frame(sim.serial, packet_id, 9, [1, 0], puback=1))
    assert await task == OutletStates(True, False)
    assert pushes.received == []


async def test_a_failing_receiver_is_logged_and_later_pushes_still_arrive(
    sim: SimulatedOutlet, client: IntecularClient, caplog: pytest.LogCaptureFixture
) -> None:
    received: list[object] = []

    def broken(push: object) -> None:
        received.append(push)
        raise RuntimeError("receiver bug")

    client.set_push_callback(broken)
    await sim.press_button(1)
    await wait_until(lambda: received)
    assert received == [OutletStates(True, False)]
    assert "The push receiver failed" in caplog.text  # logged; the connection lives on
    assert any(r.levelno == logging.ERROR for r in caplog.records)

    pushes = Pushes(client)  # the one receiver is replaced
    await sim.press_button(1)
    assert await pushes.next(OutletStates) == OutletStates(False, False)
    assert received == [OutletStates(True, False)]
    assert client.connected
    assert (await client.get_outlets()) == OutletStates(False, False)
