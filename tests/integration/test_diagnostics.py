"""Diagnostics: everything known about the outlet, with secrets redacted."""

from __future__ import annotations

import json

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.intecular import diagnostics
from simulator import SimulatedOutlet

from .common import coordinator_of, wait_until

REDACTED = "**REDACTED**"


@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: SimulatedOutlet,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """The dump matches the device; serials, MACs and MQTT secrets never appear."""
    await simulator.set_config(
        sys_prefs={
            "mqtt": {
                "enabled": 1,
                "mqtt_broker_url": "mqtt://192.168.7.20",
                "user": "plugs",
                "pass": "hunter2",
            }
        }
    )
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    # The update check (20) answers after load.
    await wait_until(hass, lambda: coordinator_of(init_integration).data.updates is not None)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert diagnostics == snapshot(exclude=props("port", "frames_received"))
    assert diagnostics["entry"]["data"]["port"] == simulator.port

    mqtt = diagnostics["state"]["config"]["mqtt"]
    assert (mqtt["user"], mqtt["password"], mqtt["broker_url"]) == (REDACTED,) * 3
    assert diagnostics["state"]["info"]["outlet"]["serial"] == REDACTED
    assert diagnostics["state"]["info"]["outlet"]["mac"] == REDACTED
    text = repr(diagnostics)
    for secret in ("hunter2", "plugs", "192.168.7.20", simulator.serial, simulator.mac):
        assert secret not in text
    if simulator.faceplate_serial:
        assert simulator.faceplate_serial not in text


async def test_diagnostics_leak_nothing_that_identifies_the_outlet(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: SimulatedOutlet,
    init_integration: MockConfigEntry,
) -> None:
    """Serials, MACs, addresses, host names, Wi-Fi name and MQTT credentials: not anywhere.

    Each is planted where a real outlet would put it, free texts included: the serials
    in the error of a wrong-outlet check, addresses and a Wi-Fi name in malformed frames.
    """
    other_serial = "0099AABBCC"
    planted = {
        "serial": simulator.serial,
        "other serial": other_serial,
        "mac": simulator.mac,
        "entry host": init_integration.data[CONF_HOST],
        "outlet ip": "192.168.7.41",
        "main dns": "192.168.7.1",
        "backup dns": "fd00::53",
        "url host": "outlet-kitchen.lan",
        "url ip": "10.20.30.40",
        "ssid": "CasaWiFi-5G",
        "mqtt user": "plugs",
        "mqtt password": "hunter2",
        "mqtt broker": "broker.example.lan",
    }
    if simulator.faceplate_serial:
        planted["faceplate serial"] = simulator.faceplate_serial
    simulator.state.config["sys_prefs"]["internet"] = {
        "ip": planted["outlet ip"],
        "mainDNS": planted["main dns"],
        "backupDNS": planted["backup dns"],
    }
    await simulator.set_config(
        sys_prefs={
            "mqtt": {
                "enabled": 1,
                "mqtt_broker_url": f"mqtt://{planted['mqtt broker']}:1883",
                "user": planted["mqtt user"],
                "pass": planted["mqtt password"],
            }
        }
    )
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    coordinator = coordinator_of(init_integration)
    assert coordinator.data.config.network.ip == planted["outlet ip"]

    # malformed frames whose errors quote what they carried
    await simulator.send_raw(json.dumps({"sn": {"ssid": planted["ssid"]}, "PUBACK": 1}))
    await wait_until(hass, lambda: coordinator.client.stats.bad_frames == 1)
    await simulator.send_raw(
        json.dumps(
            {
                "sn": simulator.serial,
                "payload": {"callbackName": f"ws://{planted['url host']}:80/ws {simulator.mac}"},
                "note": f"http://{planted['url ip']}/",
            }
        )
    )
    await wait_until(hass, lambda: coordinator.client.stats.bad_frames == 2)
    assert planted["url host"] in (coordinator.client.stats.last_bad_frame or "")
    dump = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert planted["ssid"] not in json.dumps(dump)  # the first frame's text is gone now
    await simulator.send_raw(json.dumps({"sn": {"ssid": planted["ssid"]}, "PUBACK": 1}))
    await wait_until(hass, lambda: coordinator.client.stats.bad_frames == 3)

    # another outlet answers at the address: the check's error names both serials
    async with SimulatedOutlet("bare", serial=other_serial, sensor_interval=0) as other:
        await coordinator.async_move(other.host, other.port)
        await wait_until(hass, lambda: other_serial in (coordinator.last_error or ""))
        dump = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
        # no reconnect to the other outlet while it closes
        assert await hass.config_entries.async_unload(init_integration.entry_id)

    text = json.dumps(dump).lower()
    for kind, secret in planted.items():
        assert secret.lower() not in text, kind
    assert dump["connection"]["last_error"] == f"expected outlet {REDACTED}, found {REDACTED}"
    assert "ssid" in dump["connection"]["last_malformed_frame"]  # the text stays readable


@pytest.mark.parametrize("profile", ["real"])
async def test_diagnostics_scrub_serials_beyond_hex(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: SimulatedOutlet,
    init_integration: MockConfigEntry,
) -> None:
    """A serial of digits and any upper-case letters is scrubbed wherever it is quoted.

    Serials are not hex (protocol.md §2.2): another outlet at the entry's address answers
    as IM7BEEF0042, so the wrong-outlet check's error quotes it, and a malformed frame
    and an accessory's name carry it too. The versions stay readable.
    """
    stranger = "IM7BEEF0042"
    coordinator = coordinator_of(init_integration)
    await simulator.set_names({1: f"Lamp {stranger}"})
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    coordinator = coordinator_of(init_integration)
    await wait_until(hass, lambda: stranger in repr(coordinator.data.names), timeout=10)
    await simulator.send_raw(
        json.dumps({"sn": simulator.serial, "payload": {"callbackName": f"relayed by {stranger}"}})
    )
    await wait_until(hass, lambda: coordinator.client.stats.bad_frames == 1)

    async with SimulatedOutlet("bare", serial=stranger, sensor_interval=0) as other:
        await coordinator.async_move(other.host, other.port)
        await wait_until(hass, lambda: stranger in (coordinator.last_error or ""))
        dump = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
        # no reconnect to the stranger while it closes
        assert await hass.config_entries.async_unload(init_integration.entry_id)

    assert stranger not in json.dumps(dump)
    assert dump["connection"]["last_error"] == f"expected outlet {REDACTED}, found {REDACTED}"
    assert dump["state"]["names"]["names"]["1"] == f"Lamp {REDACTED}"
    assert "relayed by" in dump["connection"]["last_malformed_frame"]
    outlet = dump["state"]["info"]["outlet"]
    assert (outlet["fw_rev"], outlet["hw_rev"]) == (simulator.state.firmware.im, "revA")
    assert dump["state"]["info"]["faceplate"]["fw_rev"] == simulator.state.firmware.pm


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Cannot connect to host outlet.lan:80 ssl:default [Connect call failed "
            "('192.168.1.5', 80)]",
            f"Cannot connect to host {REDACTED} ssl:default [Connect call failed "
            f"('{REDACTED}', 80)]",
        ),
        ("no route to fe80::1c2:3ff:fe44:5566 at 12:30:45", f"no route to {REDACTED} at 12:30:45"),
        (
            "frame from 7c-df-a1-0b-22-3e, packetID 123456",
            f"frame from {REDACTED}, packetID 123456",
        ),
        ('{"ssid": "Home Net", "pass":"x y"}', f'{{"ssid": {REDACTED}, "pass":{REDACTED}}}'),
        ("secret Kitchen-Outlet.example", f"secret {REDACTED}"),
        (
            "expected outlet 0019B2E7C4, found IM7BEEF0042",
            f"expected outlet {REDACTED}, found {REDACTED}",
        ),
        (
            "resolved im7beef0042.local, serial_ZX90QW12KP",
            f"resolved {REDACTED}.local, serial_{REDACTED}",
        ),
        (
            '{"homeAwayMode.outlet1Enabled": 1, "bme680_humidity": 43.0}',
            '{"homeAwayMode.outlet1Enabled": 1, "bme680_humidity": 43.0}',
        ),
    ],
)
def test_free_text_is_scrubbed(text: str, expected: str) -> None:
    """Addresses, host names and sensitive pairs in texts; times and counters stay."""
    scrub = diagnostics._Scrubber({"kitchen-outlet.example"})
    assert scrub(text) == expected
    assert scrub("1.2.3.4", version=True) == "1.2.3.4"  # a firmware version
