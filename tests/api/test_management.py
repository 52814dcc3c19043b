"""Callbacks 20-28 through the client's typed methods: firmware and device management."""

from __future__ import annotations

import pytest

from custom_components.intecular.api import (
    IntecularClient,
    IntecularCommandRefusedError,
    OtaMethod,
    OtaTarget,
)
from simulator import SimulatedOutlet

from .common import last_request
from .conftest import ClientFactory, SimFactory

# --- firmware (20, 21) ------------------------------------------------------------------


async def test_available_updates(make_sim: SimFactory, make_client: ClientFactory) -> None:
    sim = await make_sim("pro", update_available=True)
    client = await make_client(sim)
    updates = await client.get_available_updates()
    assert (updates.outlet.installed, updates.outlet.available) == ("2.4.7", "2.5.0")
    assert (updates.outlet.web_installed, updates.outlet.web_available) == ("1.2.0", "1.3.0")
    assert updates.faceplate is not None
    assert (updates.faceplate.installed, updates.faceplate.available) == ("1.9.2", "1.9.3")

    bare = await make_client(await make_sim("bare"))
    updates = await bare.get_available_updates()
    assert updates.faceplate is None
    assert updates.outlet.available in (None, "", updates.outlet.installed)  # nothing newer


async def test_perform_update_faceplate(make_sim: SimFactory, make_client: ClientFactory) -> None:
    sim = await make_sim("pro", update_available=True)
    client = await make_client(sim)
    await client.perform_update(OtaTarget.FACEPLATE, OtaMethod.FACEPLATE_WIFI)
    assert last_request(sim) == (21, [2, 0])
    assert sim.state.ota_target == OtaTarget.FACEPLATE
    with pytest.raises(IntecularCommandRefusedError):  # one update at a time
        await client.perform_update(OtaTarget.FACEPLATE)
    assert last_request(sim) == (21, [2, 1])  # default method: via the outlet


async def test_perform_update_outlet_rev_a(
    make_sim: SimFactory, make_client: ClientFactory
) -> None:
    sim = await make_sim("pro", update_available=True)
    client = await make_client(sim)
    await client.perform_update(OtaTarget.OUTLET, OtaMethod.VIA_OUTLET)
    assert last_request(sim) == (21, [1, 0])  # the method is for faceplates only
    assert sim.state.ota_target == OtaTarget.OUTLET
    assert client.connected


async def test_perform_update_refused_when_up_to_date(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    with pytest.raises(IntecularCommandRefusedError) as err:
        await client.perform_update(OtaTarget.OUTLET)
    assert err.value.callback == 21
    with pytest.raises(ValueError, match="cannot update"):
        await client.perform_update(OtaTarget.OUTLET_WEB)
    assert len(sim.requests) == 1


# --- faceplate management (24-28) -------------------------------------------------------


async def test_restart_faceplate(sim: SimulatedOutlet, client: IntecularClient) -> None:
    await client.restart_faceplate()
    assert last_request(sim) == (24, None)
    assert sim.state.faceplate.restarting
    assert client.connected  # the outlet's socket stays up
    with pytest.raises(IntecularCommandRefusedError):  # nothing to restart meanwhile
        await client.restart_faceplate()


async def test_reset_faceplate(sim: SimulatedOutlet, client: IntecularClient) -> None:
    await client.reset_faceplate()
    assert last_request(sim) == (25, None)
    assert (await client.get_sensors()).co2_accuracy == 0  # calibration cleared


async def test_faceplate_commands_refused_without_faceplate(
    make_sim: SimFactory, make_client: ClientFactory
) -> None:
    client = await make_client(await make_sim("bare"))
    for command in (
        client.restart_faceplate(),
        client.reset_faceplate(),
        client.calibrate_occupancy(30),
        client.calibrate_temperature_humidity(21.0, 40.0),
        client.get_sensors(),
    ):
        with pytest.raises(IntecularCommandRefusedError):
            await command


async def test_calibrate_occupancy(sim: SimulatedOutlet, client: IntecularClient) -> None:
    await client.calibrate_occupancy(45)
    assert last_request(sim) == (26, [45])
    with pytest.raises(IntecularCommandRefusedError):
        await client.calibrate_occupancy(10)  # the device wants 30-60 s


async def test_mqtt(sim: SimulatedOutlet, client: IntecularClient) -> None:
    assert await client.check_mqtt() is False  # MQTT is off by default
    assert last_request(sim) == (27, [0])
    with pytest.raises(IntecularCommandRefusedError):
        await client.send_mqtt_discovery()
    sim.set_mqtt_connected(True)
    assert await client.check_mqtt() is True
    await client.send_mqtt_discovery()
    assert last_request(sim) == (27, [2])
    assert sim.state.mqtt.discovery_published
    await client.send_mqtt_discovery(send=False)
    assert last_request(sim) == (27, [1])
    assert not sim.state.mqtt.discovery_published


async def test_calibrate_temperature_humidity(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    await client.calibrate_temperature_humidity(23.4, 51.2)
    assert last_request(sim) == (28, [23400, 51200])  # thousandths
    readings = await client.get_sensors()
    assert readings.temperature == 23.4
    assert readings.humidity == 51.2
    with pytest.raises(IntecularCommandRefusedError):
        await client.calibrate_temperature_humidity(99.0, 50.0)
