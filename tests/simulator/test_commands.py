"""Commands (2, 4, 10, 14, 27) and the pushes that follow every change."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from simulator import SimulatedOutlet

from .conftest import Client, ClientFactory, SimFactory, args_of


async def test_outlet_command_pushes_to_every_client(
    sim: SimulatedOutlet, connect: ClientFactory
) -> None:
    first, second = await connect(sim), await connect(sim)
    reply = await first.request(10, [2, 1])
    assert reply["PUBACK"] == 1
    for client in (first, second):
        push = await client.push(9)
        assert set(push) == {"sn", "packetID", "payload"}  # no PUBACK on a push
        assert args_of(push) == [0, 1]
        assert push["packetID"] != reply["packetID"]
    assert sim.state.outlets.outlet_2
    assert args_of(await second.request(9)) == [0, 1]


async def test_bad_outlet_commands(sim: SimulatedOutlet, client: Client) -> None:
    for args in ([3, 1], [1, 2], [1], [1, 1, 1], None, [True, 1], ["1", 1]):
        assert (await client.request(10, args))["PUBACK"] == 0, args
    assert not sim.state.outlets.outlet_1
    assert await client.pushes_before_next_reply() == []


async def test_button_app_and_nightlight_changes_push(
    sim: SimulatedOutlet, connect: ClientFactory
) -> None:
    first, second = await connect(sim), await connect(sim)
    await sim.press_button(1)
    await sim.set_outlet(2, True)
    await sim.press_button(1)
    for client in (first, second):
        assert await client.pushes_of(9, 3) == [[1, 0], [1, 1], [0, 1]]
    await sim.set_nightlight(True, 80)
    for client in (first, second):
        assert args_of(await client.push(15)) == [1, 80]
    with pytest.raises(ValueError, match="outlet"):
        await sim.set_outlet(3, True)


async def test_nightlight_command(sim: SimulatedOutlet, client: Client) -> None:
    assert (await client.request(14, [1, 42]))["PUBACK"] == 1
    assert args_of(await client.push(15)) == [1, 42]
    assert args_of(await client.request(15)) == [1, 42]
    for bad in ([1, 101], [1, -1], [2, 50], [1], [1, 50.5], "on"):
        assert (await client.request(14, bad))["PUBACK"] == 0
    assert (await client.request(14, [0, 42]))["PUBACK"] == 1
    assert args_of(await client.push(15)) == [0, 42]
    assert sim.state.nightlight.brightness == 42


# --- accessory names (3, 4) -------------------------------------------------------------


async def test_names_default_and_rename(sim: SimulatedOutlet, client: Client) -> None:
    expected = [
        {"accessory": 1, "name": "Outlet 1"},
        {"accessory": 2, "name": "Outlet 2"},
        {"accessory": 3, "name": "Nightlight"},
    ]
    assert args_of(await client.request(3)) == expected
    assert (await client.request(4, [{"accessory": 1, "name": "Kettle"}]))["PUBACK"] == 1
    expected[0]["name"] = "Kettle"
    assert args_of(await client.request(3)) == expected
    await sim.set_names({3: "Hall Glow"})
    assert args_of(await client.request(3))[2] == {"accessory": 3, "name": "Hall Glow"}
    assert await client.pushes_before_next_reply() == []  # names are never pushed


BAD_NAMES: list[Any] = [
    [{"accessory": 4, "name": "x"}],
    [{"accessory": 1, "name": 5}],
    [{"accessory": 1, "name": "x" * 33}],
    [{"accessory": "1", "name": "x"}],
    [{"accessory": 1, "name": "ok"}, {"accessory": 9, "name": "bad"}],
    {"accessory": 1, "name": "x"},
    ["Kettle"],
]


async def test_bad_names_refused(sim: SimulatedOutlet, client: Client) -> None:
    for args in BAD_NAMES:
        assert (await client.request(4, args))["PUBACK"] == 0, args
    assert sim.state.names[1] == "Outlet 1"


async def test_name_length_limit(sim: SimulatedOutlet, client: Client) -> None:
    assert (await client.request(4, [{"accessory": 2, "name": "y" * 32}]))["PUBACK"] == 1
    assert sim.state.names[2] == "y" * 32


async def test_names_wrapped_shape_and_bare_outlet(
    make_sim: SimFactory, connect: ClientFactory
) -> None:
    wrapped = await connect(await make_sim("pro", names_shape="wrapped"))
    names = args_of(await wrapped.request(3))
    assert set(names) == {"payload"}
    assert len(names["payload"]) == 3
    bare = await connect(await make_sim("bare"))
    assert [n["accessory"] for n in args_of(await bare.request(3))] == [1, 2]
    assert (await bare.request(4, [{"accessory": 3, "name": "x"}]))["PUBACK"] == 0


# --- configuration (1, 2) -------------------------------------------------------------


@pytest.mark.parametrize("wrap", [True, False], ids=["list", "object"])
async def test_config_partial_update(sim: SimulatedOutlet, client: Client, wrap: bool) -> None:
    before = args_of(await client.request(1))
    update = {
        "acc_prefs": {"pmIndicatorBrightness": 40, "homeAwayMode": {"enabled": 1}},
        "sys_prefs": {"mqtt": {"qos": 2, "mqtt_broker_url": "mqtt://10.0.0.2"}},
    }
    reply = await client.request(2, [update] if wrap else update)
    assert reply["PUBACK"] == 1
    after = args_of(await client.request(1))
    expected = copy.deepcopy(before)
    expected["acc_prefs"]["pmIndicatorBrightness"] = 40
    expected["acc_prefs"]["homeAwayMode"]["enabled"] = 1
    expected["sys_prefs"]["mqtt"].update(qos=2, mqtt_broker_url="mqtt://10.0.0.2")
    assert after == expected
    assert sim.state.config["acc_prefs"]["homeAwayMode"]["enabled"] == 1


async def test_config_internet_is_read_only(sim: SimulatedOutlet, client: Client) -> None:
    before = args_of(await client.request(1))
    update = {"sys_prefs": {"internet": {"ip": "10.9.9.9"}}, "acc_prefs": {"capacitiveCtrl": 0}}
    assert (await client.request(2, [update]))["PUBACK"] == 1
    after = args_of(await client.request(1))
    assert after["sys_prefs"]["internet"] == before["sys_prefs"]["internet"]
    assert after["acc_prefs"]["capacitiveCtrl"] == 0
    # writing back a whole configuration (read-modify-write) works
    assert (await client.request(2, [after]))["PUBACK"] == 1


INVALID_UPDATES: list[Any] = [
    {"acc_prefs": {"pmIndicatorBrightness": 0}},
    {"acc_prefs": {"pmIndicatorBrightness": 101}},
    {"acc_prefs": {"adaptiveMaxBrightness": 150}},
    {"acc_prefs": {"capacitiveCtrl": 2}},
    {"acc_prefs": {"capacitiveCtrl": True}},
    {"acc_prefs": {"capacitiveCtrl": "1"}},
    {"acc_prefs": {"homeAwayMode": 1}},
    {"acc_prefs": {"homeAwayMode": {"minBrightness": -1}}},
    {"acc_prefs": {"noSuchKey": 1}},
    {"sys_prefs": {"mqtt": {"qos": 3}}},
    {"sys_prefs": {"mqtt": {"user": 5}}},
    {"sys_prefs": {"wifi": {}}},
    {"other": {}},
    [{"acc_prefs": {"capacitiveCtrl": 0}}, {}],
    "config",
    # one bad key spoils the whole update
    {"acc_prefs": {"capacitiveCtrl": 0, "pmIndicatorBrightness": 500}},
]


async def test_config_invalid_changes_nothing(sim: SimulatedOutlet, client: Client) -> None:
    before = copy.deepcopy(sim.state.config)
    for update in INVALID_UPDATES:
        assert (await client.request(2, update))["PUBACK"] == 0, update
    assert sim.state.config == before


async def test_config_keys_per_variant(make_sim: SimFactory, connect: ClientFactory) -> None:
    aura = await make_sim("aura")
    prefs = args_of(await (await connect(aura)).request(1))["acc_prefs"]
    assert "motionAwayFeature" not in prefs
    assert "adaptiveNightlightFeature" in prefs
    bare = await make_sim("bare")
    client = await connect(bare)
    prefs = args_of(await client.request(1))["acc_prefs"]
    assert set(prefs) == {"homeAwayMode"}
    assert "nightlightEnabled" not in prefs["homeAwayMode"]
    assert (await client.request(2, [{"acc_prefs": {"capacitiveCtrl": 0}}]))["PUBACK"] == 0


async def test_app_config_change(sim: SimulatedOutlet, client: Client) -> None:
    await sim.set_config(acc_prefs={"magicTouchCtrl": 0})
    assert args_of(await client.request(1))["acc_prefs"]["magicTouchCtrl"] == 0
    with pytest.raises(ValueError, match="pmIndicatorBrightness"):
        await sim.set_config(acc_prefs={"pmIndicatorBrightness": 0})


# --- MQTT (27) ------------------------------------------------------------------------


async def test_mqtt_commands(sim: SimulatedOutlet, client: Client) -> None:
    # not configured: no broker connection, discovery cannot be sent
    assert [(await client.request(27, [c]))["PUBACK"] for c in (0, 1, 2)] == [0, 0, 0]
    mqtt = {"enabled": 1, "mqtt_broker_url": "mqtt://192.168.7.20", "user": "u", "pass": "p"}
    assert (await client.request(2, [{"sys_prefs": {"mqtt": mqtt}}]))["PUBACK"] == 1
    assert sim.state.mqtt_connected
    assert (await client.request(27, [0]))["PUBACK"] == 1
    published = []
    for command in (2, 1, 2):  # send, clear, send the discovery payload
        assert (await client.request(27, [command]))["PUBACK"] == 1
        published.append(sim.state.mqtt.discovery_published)
    assert published == [True, False, True]
    sim.set_mqtt_connected(False)  # broker down
    assert [(await client.request(27, [c]))["PUBACK"] for c in (0, 1, 2)] == [0, 0, 0]
    assert sim.state.mqtt.discovery_published  # the failed clear changed nothing
    sim.set_mqtt_connected(None)
    for bad in ([3], [-1], [], None, ["0"]):
        reply = await client.request(27, bad)
        assert reply["PUBACK"] == 0
        assert "payload" not in reply
