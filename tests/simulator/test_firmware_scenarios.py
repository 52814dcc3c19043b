"""Firmware updates as a real outlet runs them: unacknowledged, partial, either faceplate method."""

from __future__ import annotations

import asyncio

import pytest

from .conftest import ClientFactory, SimFactory, args_of
from .test_ota import ota_pushes, progress

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


# --- ota_stall_before_progress --------------------------------------------------------------


@pytest.mark.parametrize(("target", "spurious"), [(1, [1, 0]), (2, [2, 0])])
async def test_update_that_never_starts(
    make_sim: SimFactory, connect: ClientFactory, target: int, spurious: list[int]
) -> None:
    sim = await make_sim("pro", update_available=True, ota_stall_before_progress=True)
    client = await connect(sim)
    assert (await client.request(21, [target, 1]))["PUBACK"] == 1
    assert await ota_pushes(client, 1) == [(23, spurious)]
    await sim.wait_idle()
    assert [
        f
        for f in await client.pushes_before_next_reply()
        if f["payload"]["callbackName"] in (22, 23)
    ] == []
    assert sim.state.firmware.outlet_outdated
    assert sim.state.firmware.faceplate_outdated
    assert sim.state.boot_count == 0


# --- ota_result_lost ------------------------------------------------------------------------


async def test_web_only_result_lost_with_the_socket(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    sim = await make_sim(
        "pro", available_www="1.3.0", partial_outlet_updates=True, ota_result_lost=True
    )
    client = await connect(sim)
    assert (await client.request(21, [1, 0]))["PUBACK"] == 1
    expected = [(23, [1, 0]), *progress(3)]
    assert await ota_pushes(client, len(expected)) == expected
    assert await client.closed()  # instead of 23 [3, 1]
    assert (23, [3, 1]) not in [
        (f["payload"]["callbackName"], f["payload"].get("callbackArgs")) for f in client.pushes
    ]
    await sim.wait_idle()
    client = await connect(sim)
    assert args_of(await client.request(20))["IM"]["www_fw_rev"] == "1.3.0"
    assert sim.state.boot_count == 0


# --- faceplate_return_silent, faceplate_version_delay -------------------------------------


async def test_faceplate_back_silently_with_its_version_late(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    sim = await make_sim(
        "pro",
        update_available=True,
        faceplate_restart_delay=0.1,
        faceplate_return_silent=True,
        faceplate_version_delay=0.5,
    )
    client = await connect(sim)
    assert (await client.request(21, [2, 1]))["PUBACK"] == 1
    expected = [(23, [2, 0]), *progress(2), (23, [2, 1])]
    assert await ota_pushes(client, len(expected)) == expected
    for _ in range(200):  # read 12 until the faceplate is listed again
        if "PM" in (info := args_of(await client.request(12))):
            break
        await asyncio.sleep(0.02)
    assert info["PM"]["fw_rev"] == ""  # back, its version not yet known
    assert args_of(await client.request(20))["PM"]["fw_rev"] == ""
    await sim.wait_idle()
    assert args_of(await client.request(12))["PM"]["fw_rev"] == "1.9.3"
    assert args_of(await client.request(20))["PM"]["fw_rev"] == "1.9.3"
    assert not [f for f in client.pushes if f["payload"]["callbackName"] == 12]
