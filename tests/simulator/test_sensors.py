"""Callback 11 (timer pushes, drift, quirks) and the calibrations 25, 26 and 28."""

from __future__ import annotations

import asyncio

import pytest

from custom_components.intecular.api.models import SensorReadings
from simulator import SimulatedOutlet
from simulator.sensors import PRO_SPECS

from .conftest import Client, ClientFactory, SimFactory, args_of


async def test_timer_pushes_drifting_values_to_every_client(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    sim = await make_sim("pro", sensor_interval=0.005)
    first, second = await connect(sim), await connect(sim)
    pushes = await first.pushes_of(11, 15)
    assert len(await second.pushes_of(11, 3)) == 3
    temperatures = {p[1]["temp_celsius"] for p in pushes}
    assert len(temperatures) > 1  # values drift...
    for device_type, readings in pushes:
        assert device_type == 0
        SensorReadings.from_args([device_type, readings])
        for key, value in readings.items():  # ... within realistic bounds
            spec = PRO_SPECS[key]
            assert spec.low <= value <= spec.high, key
        assert readings["co2_peak_lvl"] >= readings["co2_equiv"]


async def test_seed_makes_readings_reproducible(make_sim: SimFactory) -> None:
    first, second = await make_sim("pro", seed=3), await make_sim("pro", seed=3)
    for sim in (first, second):
        for _ in range(5):
            sim.state.sensors.drift()
    assert first.state.sensors.readings() == second.state.sensors.readings()
    assert first.serial == second.serial


async def test_no_timer_when_disabled(sim: SimulatedOutlet, client: Client) -> None:
    assert await client.quiet(0.05) == []


async def test_set_and_remove_sensor(sim: SimulatedOutlet, client: Client) -> None:
    await sim.set_sensor("temp_celsius", 25.5)
    _, readings = args_of(await client.push(11))
    assert readings["temp_celsius"] == 25.5
    assert sim.state.sensors.readings()["temp_celsius"] == 25.5
    await sim.set_sensor("temp_valid", 0)
    assert args_of(await client.push(11))[1]["temp_valid"] == 0
    await sim.remove_sensor("distance")
    await sim.push_sensors()
    assert "distance" not in args_of(await client.push(11))[1]
    assert "distance" not in args_of(await client.request(11))[1]
    with pytest.raises(ValueError, match="unknown sensor key"):
        await sim.set_sensor("no_such_key", 1)


async def test_numeric_string_quirk(make_sim: SimFactory, connect: ClientFactory) -> None:
    client = await connect(await make_sim("pro", sensor_strings=True))
    _, readings = args_of(await client.request(11))
    assert readings["temp_celsius"] == "22.40"
    assert readings["temp_valid"] == 1  # flags stay integers
    assert readings["AQI_accuracy"] == 3
    parsed = SensorReadings.from_args(args_of(await client.request(11)))
    assert parsed.temperature == pytest.approx(22.4)

    aura = await connect(await make_sim("aura", sensor_strings=False))
    assert args_of(await aura.request(11))[1]["lux"] == pytest.approx(214.63)


async def test_no_sensors_without_faceplate(make_sim: SimFactory, connect: ClientFactory) -> None:
    bare = await make_sim("bare", sensor_interval=0.01)
    client = await connect(bare)
    await bare.push_sensors()
    assert (await client.request(11))["PUBACK"] == 0
    assert await client.quiet(0.03) == []  # the timer would have pushed thrice


async def test_temperature_humidity_calibration(sim: SimulatedOutlet, client: Client) -> None:
    assert (await client.request(28, [23400, 51200]))["PUBACK"] == 1
    _, readings = args_of(await client.request(11))
    assert readings["temp_celsius"] == pytest.approx(23.4)
    assert readings["humidity"] == pytest.approx(51.2)
    sim.state.sensors.drift()
    _, readings = args_of(await client.request(11))
    assert readings["temp_celsius"] == pytest.approx(23.4, abs=1.0)  # still near the reference
    for bad in ([23400], [23.4, 51.2], [100_000, 50_000], [20_000, 100_001], None):
        assert (await client.request(28, bad))["PUBACK"] == 0


async def test_occupancy_calibration_phases(sim: SimulatedOutlet, client: Client) -> None:
    await sim.set_sensor("occupancy_state", 0)
    await client.push(11)
    assert (await client.request(26, [45]))["PUBACK"] == 1
    assert sim.state.sensors.occupancy_phase is None  # starts after a delay
    states = [p[1]["occupancy_state"] for p in await client.pushes_of(11, 4)]
    assert states == [4, 5, 6, 0]
    assert sim.state.sensors.occupancy_phase is None


async def test_occupancy_calibration_refused(client: Client) -> None:
    for args in ([29], [61], [30.5], [], None, ["30"]):
        assert (await client.request(26, args))["PUBACK"] == 0, args
    assert await client.quiet(0.03) == []  # calibration_delay is 0.02


async def test_faceplate_reset_clears_calibration(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    sim = await make_sim("pro", accuracy_recovery=0.1)
    client = await connect(sim)
    await client.request(28, [30000, 60000])
    assert (await client.request(25))["PUBACK"] == 1
    _, readings = args_of(await client.request(11))
    assert readings["temp_celsius"] == pytest.approx(22.4)  # offset gone
    assert readings["AQI_accuracy"] == readings["co2_accuracy"] == 0  # calibrating
    await sim.wait_idle()
    _, readings = args_of(await client.request(11))
    assert readings["AQI_accuracy"] == 3


async def test_sensor_pushes_pause_while_faceplate_offline(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    sim = await make_sim("pro", sensor_interval=0.01)
    client = await connect(sim)
    await client.push(11)
    await sim.set_faceplate_online(False)
    info = args_of(await client.push(12))
    assert info["PM"]["online"] is False
    await asyncio.sleep(0.02)
    client.pushes.clear()
    assert await client.quiet(0.05) == []
    assert (await client.request(11))["PUBACK"] == 0
    await sim.set_faceplate_online(True)
    assert args_of(await client.push(12))["PM"]["online"] is True
    await client.push(11)
