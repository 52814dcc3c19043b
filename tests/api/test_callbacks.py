"""Callbacks 1-18 through the client's typed methods, against the simulator."""

from __future__ import annotations

import pytest

from custom_components.intecular.api import (
    AccessoryNames,
    ColorLed,
    ColorLight,
    ColorMode,
    IntecularClient,
    IntecularCommandRefusedError,
    LightSelector,
)
from simulator import SimulatedOutlet

from .common import last_request
from .conftest import ClientFactory, SimFactory

# --- information and preferences (1-4) -------------------------------------------


async def test_get_config(sim: SimulatedOutlet, client: IntecularClient) -> None:
    await sim.set_config(
        acc_prefs={"pmIndicatorBrightness": 42, "homeAwayMode": {"maxOnDuration": 99}},
        sys_prefs={"mqtt": {"mqtt_broker_url": "mqtt://broker", "user": "u", "qos": 2}},
    )
    config = await client.get_config()
    assert config.accessory["pmIndicatorBrightness"] == 42
    assert config.accessory["homeAwayMode.maxOnDuration"] == 99
    assert config.accessory["capacitiveCtrl"] == 1
    assert config.mqtt is not None
    assert (config.mqtt.enabled, config.mqtt.broker_url, config.mqtt.user) == (
        False,
        "mqtt://broker",
        "u",
    )
    assert (config.mqtt.password, config.mqtt.qos) == ("", 2)
    assert config.network is not None
    assert config.network.ip == sim.state.config["sys_prefs"]["internet"]["ip"]
    assert (config.network.main_dns, config.network.backup_dns) == ("192.168.1.1", "9.9.9.9")
    assert last_request(sim) == (1, None)


async def test_set_config_is_a_partial_update(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    await client.set_config(
        acc_prefs={"pmIndicatorBrightness": 40, "homeAwayMode": {"enabled": 1}},
        sys_prefs={"mqtt": {"qos": 1}},
    )
    # the third-party form: the changed keys only, wrapped in a one-element list
    assert last_request(sim) == (
        2,
        [
            {
                "acc_prefs": {"pmIndicatorBrightness": 40, "homeAwayMode": {"enabled": 1}},
                "sys_prefs": {"mqtt": {"qos": 1}},
            }
        ],
    )
    prefs = sim.state.config["acc_prefs"]
    assert prefs["pmIndicatorBrightness"] == 40
    assert prefs["homeAwayMode"]["enabled"] == 1
    assert prefs["homeAwayMode"]["outlet1Enabled"] == 1  # untouched keys stay
    assert sim.state.config["sys_prefs"]["mqtt"]["qos"] == 1
    config = await client.get_config()
    assert config.accessory["homeAwayMode.enabled"] == 1

    await client.set_config(acc_prefs={"capacitiveCtrl": 0})
    assert last_request(sim) == (2, [{"acc_prefs": {"capacitiveCtrl": 0}}])
    assert sim.state.config["acc_prefs"]["capacitiveCtrl"] == 0
    await client.set_config(sys_prefs={"mqtt": {"enabled": 1}})
    assert last_request(sim) == (2, [{"sys_prefs": {"mqtt": {"enabled": 1}}}])
    assert sim.state.config["sys_prefs"]["mqtt"]["enabled"] == 1


async def test_set_config_refused(sim: SimulatedOutlet, client: IntecularClient) -> None:
    with pytest.raises(IntecularCommandRefusedError) as err:
        await client.set_config(acc_prefs={"pmIndicatorBrightness": 0})  # device range 1-100
    assert err.value.callback == 2
    assert sim.state.config["acc_prefs"]["pmIndicatorBrightness"] == 65


@pytest.mark.parametrize("shape", ["list", "wrapped"])
async def test_get_accessory_names(
    make_sim: SimFactory, make_client: ClientFactory, shape: str
) -> None:
    sim = await make_sim("pro", names_shape=shape)
    client = await make_client(sim)
    await sim.set_names({1: "Kettle", 3: "  "})
    names = await client.get_accessory_names()
    assert dict(names.names) == {1: "Kettle", 2: "Outlet 2", 3: "  "}
    assert names.get(1) == "Kettle"
    assert names.get(3) is None  # blank: no name
    assert names.get(4) is None


async def test_set_accessory_names(sim: SimulatedOutlet, client: IntecularClient) -> None:
    await client.set_accessory_names(AccessoryNames({2: "Radio", 1: "Desk", 3: "Glow"}))
    assert last_request(sim) == (
        4,
        [
            {"accessory": 1, "name": "Desk"},
            {"accessory": 2, "name": "Radio"},
            {"accessory": 3, "name": "Glow"},
        ],
    )
    assert sim.state.names == {1: "Desk", 2: "Radio", 3: "Glow"}
    with pytest.raises(IntecularCommandRefusedError):
        await client.set_accessory_names(AccessoryNames({1: "x" * 33}))  # too long
    assert sim.state.names[1] == "Desk"


# --- outlets, sensors, device information (9-12) ------------------------------------


async def test_outlets(sim: SimulatedOutlet, client: IntecularClient) -> None:
    states = await client.get_outlets()
    assert (states.outlet_1, states.outlet_2) == (False, False)
    await client.set_outlet(2, True)
    assert last_request(sim) == (10, [2, 1])
    assert sim.state.outlets.outlet_2
    await client.set_outlet(1, True)
    await client.set_outlet(2, False)
    states = await client.get_outlets()
    assert (states.is_on(1), states.is_on(2)) == (True, False)
    assert len(sim.requests) == 5


async def test_set_outlet_rejects_a_third_outlet(
    sim: SimulatedOutlet, client: IntecularClient
) -> None:
    with pytest.raises(ValueError, match="outlet must be 1 or 2"):
        await client.set_outlet(3, True)
    assert len(sim.requests) == 0  # nothing was sent


async def test_sensors_pro(sim: SimulatedOutlet, client: IntecularClient) -> None:
    await sim.set_sensor("temp_celsius", 23.25)
    await sim.set_sensor("occupancy_state", 0)
    readings = await client.get_sensors()
    assert readings.device_type == 0
    assert readings.temperature == 23.25
    assert readings.humidity == 47.1
    assert readings.pressure == 100870
    assert readings.illuminance == 88.5
    assert readings.occupancy_state == 0
    assert readings.temperature_valid is True
    assert readings.co2_accuracy == 2
    assert "bme680_temperature" in readings.present
    assert len(readings.present) == len(sim.state.sensors.values)


async def test_sensors_aura(make_sim: SimFactory, make_client: ClientFactory) -> None:
    sim = await make_sim("aura")
    client = await make_client(sim)
    readings = await client.get_sensors()
    # the Aura sends quoted decimals ("214.63")
    assert readings.device_type == 1
    assert readings.illuminance == 214.63
    assert readings.illuminance_valid is True
    assert readings.present == {"illuminance", "illuminance_valid"}
    assert readings.temperature is None


@pytest.mark.parametrize("variant", ["pro", "aura", "deco", "bare"])
async def test_device_info(make_sim: SimFactory, make_client: ClientFactory, variant: str) -> None:
    sim = await make_sim(variant)
    client = await make_client(sim)
    info = await client.get_device_info()
    assert info.outlet.serial == sim.serial
    assert info.outlet.mac == sim.mac
    assert info.outlet.model == "InvisOutlet"
    assert info.outlet.fw_rev == "2.4.7"
    assert info.outlet.hw_rev == "revA"
    if variant == "bare":
        assert info.faceplate is None
        assert not info.faceplate_online
        return
    face = info.faceplate
    assert face is not None
    assert face.serial == sim.faceplate_serial
    assert face.model == "InvisDeco"
    assert face.online
    assert info.faceplate_online
    assert face.fw_rev == "1.9.2"
    assert face.is_aura is (variant == "aura")
    assert face.is_pro is (variant == "pro")
    assert (face.variant is None) is (variant == "deco")  # a plain InvisDeco has no type
    if variant == "pro":
        assert face.radar is not None
        assert (face.radar.fw_rev, face.radar.hw_type) == ("3.1.0", "R2")
    else:
        assert face.radar is None


# --- lights (14, 15, 17, 18) ----------------------------------------------------------


async def test_nightlight(sim: SimulatedOutlet, client: IntecularClient) -> None:
    light = await client.get_nightlight()
    assert (light.on, light.brightness) == (False, 35)
    await client.set_nightlight(True, 70)
    assert last_request(sim) == (14, [1, 70])
    assert (await client.get_nightlight()).brightness == 70
    await client.set_nightlight(True, 150)  # clamped to the device's range
    assert last_request(sim) == (14, [1, 100])
    await client.set_nightlight(False, -3)
    assert last_request(sim) == (14, [0, 0])
    assert not sim.state.nightlight.on


async def test_nightlight_refused_without_white_nightlight(
    make_sim: SimFactory, make_client: ClientFactory
) -> None:
    client = await make_client(await make_sim("aura"))
    with pytest.raises(IntecularCommandRefusedError):
        await client.set_nightlight(True, 50)
    with pytest.raises(IntecularCommandRefusedError):
        await client.get_nightlight()


async def test_color_light(make_sim: SimFactory, make_client: ClientFactory) -> None:
    sim = await make_sim("aura")
    client = await make_client(sim)
    nightlight = await client.get_color_light(LightSelector.NIGHTLIGHT)
    assert nightlight is not None
    assert nightlight.selector == LightSelector.NIGHTLIGHT
    assert nightlight.color_mode is ColorMode.STATIC_HSV
    assert len(nightlight.leds) == 9
    assert nightlight.leds[0] == ColorLed(False, 60, 28, 85, 3000)
    assert not nightlight.is_on
    indicator = await client.get_color_light(LightSelector.INDICATOR)
    assert indicator is not None
    assert len(indicator.leds) == 7
    assert indicator.is_on

    hsv = ColorLight(5, ColorMode.STATIC_HSV, (ColorLed(True, 60, 200, 90),) * 9)
    await client.set_color_light(hsv)
    assert last_request(sim) == (17, [5, 1, [[1, 60, [200, 90]]] * 9])
    current = await client.get_color_light(LightSelector.NIGHTLIGHT)
    assert current is not None
    assert current.is_on
    assert {(led.hue, led.saturation, led.kelvin) for led in current.leds} == {(200, 90, 3000)}

    warm = ColorLight(5, ColorMode.STATIC_TEMPERATURE, (ColorLed(True, 80, kelvin=2700),) * 9)
    await client.set_color_light(warm)
    assert last_request(sim) == (17, [5, 2, [[1, 80, 2700]] * 9])
    assert sim.state.color[5].light.leds[0].kelvin == 2700

    effect = ColorLight(
        5,
        ColorMode.BREATHING,
        (ColorLed(True, 90, 210, 100), ColorLed(True, 90, 45, 100)),
        speed=4,
        random=False,
        random_brightness=60,
    )
    await client.set_color_light(effect)
    assert last_request(sim) == (17, [5, 3, [[1, 90, [210, 100]], [1, 90, [45, 100]]], 4, 0, 60])
    current = await client.get_color_light(LightSelector.NIGHTLIGHT)
    assert current is not None
    assert current.color_mode is ColorMode.BREATHING
    assert (current.speed, current.random, current.random_brightness) == (4, False, 60)
    assert [(led.hue, led.saturation) for led in current.leds] == [(210, 100), (45, 100)]

    starry = ColorLight(5, ColorMode.STARRY_NIGHT, (ColorLed(True, 30, 240, 90),) * 3, speed=2)
    with pytest.raises(IntecularCommandRefusedError) as err:  # needs exactly two colours
        await client.set_color_light(starry)
    assert err.value.callback == 17


async def test_color_light_absent_on_pro(sim: SimulatedOutlet, client: IntecularClient) -> None:
    # a faceplate without colour arrays answers 18 with no usable data
    assert await client.get_color_light(LightSelector.NIGHTLIGHT) is None
    assert last_request(sim) == (18, [5])
