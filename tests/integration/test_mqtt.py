"""The outlet's own MQTT client: broker connection sensor, checks, diagnostics."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.const import STATE_OFF, STATE_ON, EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.intecular.const import DOMAIN
from custom_components.intecular.outlet_mqtt import MQTT_CHECK_INTERVAL
from simulator import SimulatedOutlet

from .common import SERIAL, coordinator_of, timers_fire_while_down, wait_for_state, wait_until

BROKER = "binary_sensor.invisoutlet_e7c4_mqtt_broker"
MQTT_ON = {
    "mqtt": {
        "enabled": 1,
        "mqtt_broker_url": "mqtt://192.168.7.20",
        "user": "plugs",
        "pass": "hunter2",
        "qos": 1,
    }
}
CHECK = (27, [0])


@pytest.fixture
async def mqtt_on(simulator: SimulatedOutlet) -> None:
    """MQTT set up on the outlet (in the vendor app) before Home Assistant starts."""
    await simulator.set_config(sys_prefs=MQTT_ON)


@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
async def test_broker_sensor(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """A diagnostic connectivity sensor on the outlet, disabled until wanted."""
    entity_id = entity_registry.async_get_entity_id(
        Platform.BINARY_SENSOR, DOMAIN, f"{SERIAL}_mqtt_broker"
    )
    assert entity_id == BROKER
    entry = entity_registry.async_get(BROKER)
    assert entry is not None
    assert entry.entity_category is EntityCategory.DIAGNOSTIC
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert entry == snapshot


@pytest.mark.usefixtures("enable_all", "mqtt_on")
async def test_connected_broker(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    snapshot: SnapshotAssertion,
) -> None:
    """MQTT on and connected: the sensor is on, checked at setup and then now and then."""
    assert hass.states.get(BROKER) == snapshot
    assert hass.states.get(BROKER).state == STATE_ON
    assert CHECK in simulator.requests

    simulator.set_mqtt_connected(False)  # the broker goes away
    simulator.requests.clear()
    async_fire_time_changed(hass, dt_util.utcnow() + MQTT_CHECK_INTERVAL + timedelta(seconds=1))
    await wait_for_state(hass, BROKER, STATE_OFF)
    assert [r for r in simulator.requests if r[0] == 27] == [CHECK]  # one check, no more

    simulator.set_mqtt_connected(True)  # back: noticed after a reconnect too
    await simulator.drop_connections()
    await wait_for_state(hass, BROKER, STATE_ON)


@pytest.mark.usefixtures("enable_all", "mqtt_on")
async def test_not_checked_while_the_link_is_down(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The check's timer finds the outlet unreachable: no check is tried, so none fails."""
    logged = await timers_fire_while_down(
        hass, init_integration, simulator, caplog, MQTT_CHECK_INTERVAL
    )
    assert "MQTT check" not in logged


@pytest.mark.usefixtures("enable_all")
async def test_mqtt_off_is_never_checked(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """MQTT off in the outlet's configuration: the sensor is off and 27 is never sent."""
    assert hass.states.get(BROKER).state == STATE_OFF
    async_fire_time_changed(hass, dt_util.utcnow() + MQTT_CHECK_INTERVAL * 3)
    await hass.async_block_till_done()
    assert all(callback != 27 for callback, _ in simulator.requests)


@pytest.mark.usefixtures("enable_all", "mqtt_on")
async def test_failed_check_keeps_the_last_answer(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A check the outlet does not answer changes nothing; the next one is on time."""
    coordinator_of(init_integration).client.request_timeout = 0.05
    simulator.faults.drop_replies = True
    async_fire_time_changed(hass, dt_util.utcnow() + MQTT_CHECK_INTERVAL + timedelta(seconds=1))
    await wait_until(hass, lambda: CHECK in simulator.requests)
    await hass.async_block_till_done()
    assert hass.states.get(BROKER).state == STATE_ON
    simulator.faults.drop_replies = False


@pytest.mark.usefixtures("mqtt_on")
async def test_mqtt_settings_in_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
) -> None:
    """Diagnostics show the MQTT settings, read-only, without broker, user or password."""
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    mqtt = diagnostics["state"]["config"]["mqtt"]
    assert mqtt["enabled"] is True
    assert mqtt["qos"] == 1
    assert {mqtt["broker_url"], mqtt["user"], mqtt["password"]} == {"**REDACTED**"}
    assert diagnostics["state"]["mqtt_connected"] is True
    assert "hunter2" not in repr(diagnostics)
