"""Diagnostics: everything known about the outlet, with secrets redacted."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from simulator import SimulatedOutlet

from .common import wait_until

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
    await wait_until(hass, lambda: init_integration.runtime_data.data.updates is not None)

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
