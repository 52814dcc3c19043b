"""The simulator's frames have the keys and value types of protocol.md's examples.

For every example reply or push of the golden fixture, the simulator produces the
frame of the same callback over a real socket, and both are reduced to their shape:
object keys, value types, list element types (runs of equal shapes collapsed, so a
list of 9 LEDs and one of 7 have the same shape). Every golden request is read by
the simulator as documented, and accepted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import json
from typing import Any, Final

import pytest

from simulator.wire import parse_request
from tests.golden_frames import golden, name_of

from .conftest import Client, ClientFactory, SimFactory, args_of

type Producer = Callable[[SimFactory, ClientFactory], Awaitable[dict[str, Any]]]

SENSOR_KEYS: Final = frozenset(
    {
        "temp_valid", "aqi_valid", "temp_celsius", "humidity", "BME680_temp_celsius",
        "BME680_humidity", "AQI", "AQI_accuracy", "pressure", "gas", "co2_equiv",
        "co2_peak_lvl", "co2_accuracy", "bvoc_equiv", "bvoc_accuracy",
        "temphumidity_accuracy", "lux_valid", "lux", "occupancy_valid", "occupancy_state",
        "distance", "movement_energy", "stationary_energy",
    }
)  # fmt: skip
"""Every 11 key of protocol.md §8: a faceplate may send keys its example leaves out."""

CLIENT_ONLY: Final = {
    "11_push_flags_as_booleans": "flags as JSON booleans: the simulator sends integers",
    "12_reply_without_puback": "the simulator always sends PUBACK in replies",
    "12_reply_radar_fw_ver": "the simulator uses the vendor's radar.fw_rev",
    "18_reply_partial_entries": "the simulator reports full LED entries and trailing values",
}
"""Documented alternatives a client must read, which the simulator does not produce."""


def shape(value: Any) -> Any:
    """Keys and types of a JSON value; runs of equal list-element shapes collapse."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        shapes: list[Any] = []
        for item in value:
            item_shape = shape(item)
            if not shapes or shapes[-1] != item_shape:
                shapes.append(item_shape)
        return ["list", *shapes]
    return type(value).__name__


# --- how to make the simulator send each frame ----------------------------------------------


async def _request(
    make_sim: SimFactory,
    connect: ClientFactory,
    callback: int,
    args: Any = None,
    variant: str = "pro",
    **options: Any,
) -> dict[str, Any]:
    client = await connect(await make_sim(variant, **options))
    return await (client.request(callback) if args is None else client.request(callback, args))


async def _update_pushes(
    make_sim: SimFactory, connect: ClientFactory, target: int = 1
) -> list[dict[str, Any]]:
    client = await connect(await make_sim("pro", update_available=True))
    await client.request(21, [target, 1])
    frames = [await client.push(23)]  # the spurious result
    frames.append(await client.push(22))
    return frames


async def _update_result(make_sim: SimFactory, connect: ClientFactory) -> dict[str, Any]:
    client = await connect(await make_sim("pro", update_available=True))
    await client.request(21, [2, 1])
    await client.push(23)
    while args_of(frame := await client.push(23)) != [2, 1]:
        pass
    return frame


async def _outlet_push(
    make_sim: SimFactory, connect: ClientFactory, **options: Any
) -> dict[str, Any]:
    sim = await make_sim("pro", **options)
    client = await connect(sim)
    await sim.press_button(1)
    return await client.push(9)


async def _sensor_push(make_sim: SimFactory, connect: ClientFactory) -> dict[str, Any]:
    sim = await make_sim("pro")
    client = await connect(sim)
    await sim.push_sensors()
    return await client.push(11)


async def _announcement(make_sim: SimFactory, connect: ClientFactory) -> dict[str, Any]:
    sim = await make_sim("bare")
    await sim.reboot()
    await sim.wait_until_online()
    return await (await connect(sim)).push(12)


async def _color_push(make_sim: SimFactory, connect: ClientFactory) -> dict[str, Any]:
    sim = await make_sim("aura", puback_on_push=True)
    client = await connect(sim)
    await sim.set_color_light(sim.state.color[5].light)
    return await client.push(18)


async def _rev_b_status(make_sim: SimFactory, connect: ClientFactory) -> dict[str, Any]:
    sim = await make_sim("aura", update_available=True, hw_rev="revB")
    client = await connect(sim)
    await client.send(21, [1, 0])
    assert await client.closed()
    await sim.wait_until_online()
    return await (await connect(sim)).push(21)


async def _first(frames: Awaitable[list[dict[str, Any]]], index: int) -> dict[str, Any]:
    return (await frames)[index]


PRODUCERS: Final[dict[str, Producer]] = {
    "9_reply_envelope": lambda m, c: _request(m, c, 9),
    "ack_envelope": lambda m, c: _request(m, c, 10, [1, 1]),
    "22_push_envelope": lambda m, c: _first(_update_pushes(m, c, 2), 1),
    "1_reply": lambda m, c: _request(m, c, 1),
    "3_reply_vendor_wrapped": lambda m, c: _request(m, c, 3, names_shape="wrapped"),
    "3_reply_bare_list": lambda m, c: _request(m, c, 3),
    "9_reply": lambda m, c: _request(m, c, 9),
    "9_push": _outlet_push,
    "9_push_wrapped": lambda m, c: _outlet_push(m, c, wrapped_outlet_push=True),
    "11_reply_aura": lambda m, c: _request(m, c, 11, variant="aura"),
    "11_push_pro": _sensor_push,
    "12_reply": lambda m, c: _request(m, c, 12),
    "12_push_without_faceplate": _announcement,
    "12_reply_degraded": lambda m, c: _request(m, c, 12, device_name="Unknown"),
    "15_reply": lambda m, c: _request(m, c, 15),
    "18_reply": lambda m, c: _request(m, c, 18, [5], variant="aura"),
    "18_push_with_puback": _color_push,
    "20_reply": lambda m, c: _request(m, c, 20, update_available=True),
    "20_reply_without_faceplate": lambda m, c: _request(m, c, 20, variant="bare"),
    "20_failure": lambda m, c: _request(m, c, 21, [1, 0]),  # a refusal: nothing to update
    "21_reply_rev_a": lambda m, c: _request(m, c, 21, [1, 0], update_available=True),
    "21_push_rev_b": _rev_b_status,
    "22_push": lambda m, c: _first(_update_pushes(m, c), 1),
    "23_push": _update_result,
    "23_push_spurious_zero": lambda m, c: _first(_update_pushes(m, c), 0),
}


def test_every_golden_frame_is_compared() -> None:
    """A new golden reply or push needs a producer here (or a reason it has none)."""
    names = {entry["name"] for entry in golden("reply", "push")}
    assert names == set(PRODUCERS) | set(CLIENT_ONLY)
    assert not set(PRODUCERS) & set(CLIENT_ONLY)


def test_shape() -> None:
    """The reduction itself: keys and types count, list lengths do not."""
    assert shape([5, 1, [[1, 2], [3, 4], [5, 6]], 0]) == [
        "list",
        "int",
        ["list", ["list", "int"]],
        "int",
    ]
    assert shape({"a": "x", "b": 1.5}) != shape({"a": "x", "b": 1})
    assert shape({"a": "x"}) != shape({"a": "x", "c": None})


@pytest.mark.parametrize(
    "entry", [e for e in golden("reply", "push") if e["name"] in PRODUCERS], ids=name_of
)
async def test_simulator_frame_matches_golden(
    make_sim: SimFactory, connect: ClientFactory, entry: dict[str, Any]
) -> None:
    frame = await PRODUCERS[entry["name"]](make_sim, connect)
    documented = entry["frame"]
    if entry["envelope"]["callback"] == 11:
        readings = args_of(frame)[1]
        extra = set(readings) - set(args_of(documented)[1])
        assert extra <= SENSOR_KEYS
        for key in extra:
            del readings[key]
    assert shape(frame) == shape(documented)


@pytest.mark.parametrize("entry", golden("request"), ids=name_of)
def test_simulator_reads_golden_request(entry: dict[str, Any]) -> None:
    frame = entry["frame"]
    payload = frame["payload"]
    assert parse_request(json.dumps(frame)) == (
        frame["packetID"],
        payload["callbackName"],
        payload.get("callbackArgs"),
    )


NO_REPLY: Final = {5, 6, 7}  # the outlet restarts instead of answering


@pytest.mark.parametrize(
    "entry",
    [e for e in golden("request") if e["frame"]["payload"]["callbackName"] not in NO_REPLY],
    ids=name_of,
)
async def test_simulator_accepts_golden_request(
    make_sim: SimFactory, connect: ClientFactory, entry: dict[str, Any]
) -> None:
    """Each documented request is carried out (27's answer is the broker state)."""
    payload = entry["frame"]["payload"]
    callback = payload["callbackName"]
    sim = await make_sim("aura" if callback in (17, 18) else "pro", update_available=True)
    client: Client = await connect(sim)
    await client.ws.send_str(json.dumps(entry["frame"]))
    reply = await client.reply(entry["frame"]["packetID"])
    assert reply["sn"] == sim.serial
    assert reply["PUBACK"] == (0 if callback == 27 else 1)  # 27 [0]: no broker configured
