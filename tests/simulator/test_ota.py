"""Callbacks 20-23: update sequences for revA and revB outlets and the faceplate."""

from __future__ import annotations

from typing import Any

import pytest

from simulator import SimulatedOutlet

from .conftest import Client, ClientFactory, SimFactory, args_of


async def ota_pushes(client: Client, count: int) -> list[tuple[int, list[int]]]:
    """The next ``count`` 21/22/23 pushes, kept or new (other pushes are kept aside)."""
    kept, client.pushes = client.pushes, []
    seen: list[tuple[int, list[int]]] = []
    while len(seen) < count:
        frame = kept.pop(0) if kept else await client.frame()
        if frame["payload"]["callbackName"] in (21, 22, 23):
            assert "PUBACK" not in frame
            seen.append((frame["payload"]["callbackName"], args_of(frame)))
        else:
            client.pushes.append(frame)
    client.pushes.extend(kept)
    return seen


def progress(target: int) -> list[tuple[int, list[int]]]:
    return [(22, [target, p]) for p in (25, 50, 75, 100)]


async def reconnect(sim: SimulatedOutlet, connect: ClientFactory) -> Client:
    await sim.wait_until_online()
    return await connect(sim)


async def test_available_updates(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", update_available=True)
    updates = args_of(await (await connect(sim)).request(20))
    assert updates == {
        "IM": {
            "fw_rev": "2.4.7",
            "available_fw_rev": "2.5.0",
            "www_fw_rev": "1.2.0",
            "available_www_fw_rev": "1.3.0",
        },
        "PM": {"fw_rev": "1.9.2", "available_fw_rev": "1.9.3"},
    }


async def test_up_to_date_or_invalid_refused(sim: SimulatedOutlet, client: Client) -> None:
    for args in ([1, 0], [2, 1], [3, 0], [1, 2], [1], None):
        assert (await client.request(21, args))["PUBACK"] == 0
    assert await client.pushes_before_next_reply() == []


async def test_outlet_update_rev_a(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", update_available=True)
    client = await connect(sim)
    reply = await client.request(21, [1, 0])
    assert reply == {"sn": sim.serial, "packetID": reply["packetID"], "PUBACK": 1}
    assert (await client.request(21, [2, 1]))["PUBACK"] == 0  # one update at a time
    expected = [(23, [1, 0]), *progress(3), (23, [3, 1]), *progress(1), (23, [1, 1])]
    assert await ota_pushes(client, len(expected)) == expected  # (23, [1, 0]): spurious
    assert await client.closed()  # reboot
    client = await reconnect(sim, connect)
    info = args_of(await client.push(12))
    assert info["IM"]["fw_rev"] == "2.5.0"
    assert args_of(await client.request(20))["IM"]["www_fw_rev"] == "1.3.0"
    assert sim.state.ota_target is None


async def test_outlet_update_rev_b(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("aura", update_available=True, hw_rev="revB")
    client = await connect(sim)
    await client.send(21, [1, 0])
    assert await client.closed()  # no reply: the outlet restarts at once
    assert client.pushes == []
    client = await reconnect(sim, connect)
    assert args_of(await client.push(12))["IM"]["fw_rev"] == "2.4.7"
    expected = [
        (21, [1, 1]),  # the revB "synchronous" status
        (23, [1, 0]),
        *progress(3),
        (23, [3, 1]),
        *progress(1),
        (23, [1, 1]),
    ]
    assert await ota_pushes(client, len(expected)) == expected
    assert await client.closed()
    client = await reconnect(sim, connect)
    assert args_of(await client.push(12))["IM"]["fw_rev"] == "2.5.0"
    assert sim.state.boot_count == 2


async def test_faceplate_update(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", update_available=True)
    client = await connect(sim)
    assert (await client.request(21, [2, 1]))["PUBACK"] == 1
    expected = [(23, [2, 0]), *progress(2), (23, [2, 1])]
    assert await ota_pushes(client, len(expected)) == expected
    # the faceplate restarts: gone from 12, while the outlet socket stays up
    assert "PM" not in args_of(await client.request(12))
    assert (await client.request(11))["PUBACK"] == 0
    info = args_of(await client.push(12))
    assert info["PM"]["fw_rev"] == "1.9.3"
    assert args_of(await client.request(20))["PM"] == {
        "fw_rev": "1.9.3",
        "available_fw_rev": "1.9.3",
    }
    assert sim.total_connections == 1


@pytest.mark.parametrize(
    ("knobs", "request_args", "expected"),
    [
        ({"ota_fail_at": 50}, [1, 0], [(23, [1, 0]), (22, [3, 25]), (23, [3, 0])]),
        (
            {"ota_fail_at": 75, "ota_fail_target": 1},
            [1, 0],
            [(23, [1, 0]), *progress(3), (23, [3, 1]), (22, [1, 25]), (22, [1, 50]), (23, [1, 0])],
        ),
        ({"ota_fail_at": 30}, [2, 1], [(23, [2, 0]), (22, [2, 25]), (23, [2, 0])]),
        ({"faceplate_wifi_ota_fails": True}, [2, 0], [(23, [2, 0]), (22, [2, 25]), (23, [2, 0])]),
        ({"spurious_ota_zero": False, "ota_fail_at": 50}, [2, 1], [(22, [2, 25]), (23, [2, 0])]),
    ],
)
async def test_update_failures(
    make_sim: SimFactory,
    connect: ClientFactory,
    knobs: dict[str, Any],
    request_args: list[int],
    expected: list[tuple[int, list[int]]],
) -> None:
    sim = await make_sim("pro", update_available=True, **knobs)
    client = await connect(sim)
    assert (await client.request(21, request_args))["PUBACK"] == 1
    assert await ota_pushes(client, len(expected)) == expected
    await sim.wait_idle()
    assert await client.quiet(0.05) == []  # no reboot, no restart
    assert sim.state.firmware.im == "2.4.7"
    assert sim.state.firmware.pm == "1.9.2"
    assert sim.state.ota_target is None
    # the method-1 fallback the vendor recommends works
    if knobs.get("faceplate_wifi_ota_fails"):
        assert (await client.request(21, [2, 1]))["PUBACK"] == 1


async def test_faceplate_update_without_faceplate(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    sim = await make_sim("bare", update_available=True)
    client = await connect(sim)
    assert (await client.request(21, [2, 1]))["PUBACK"] == 0


async def test_restart_abandons_update(make_sim: SimFactory, connect: ClientFactory) -> None:
    sim = await make_sim("pro", update_available=True, ota_step_interval=0.05)
    client = await connect(sim)
    assert (await client.request(21, [1, 0]))["PUBACK"] == 1
    await client.push(22)
    await client.send(5)
    assert await client.closed()
    await sim.wait_until_online()
    assert sim.state.firmware.im == "2.4.7"
    assert sim.state.ota_target is None
    client = await connect(sim)
    assert args_of(await client.push(12))["IM"]["fw_rev"] == "2.4.7"
    assert await client.quiet(0.1) == []  # the update does not resume
