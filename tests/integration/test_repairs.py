"""The repair issue for the outlet's own MQTT discovery, and its fix."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.intecular.const import CONF_MQTT_DISCOVERY, DOMAIN
from simulator import SimulatedOutlet

from .common import SERIAL, coordinator_of, find_device, wait_until

MQTT_ON = {"mqtt": {"enabled": 1, "mqtt_broker_url": "mqtt://192.168.7.20"}}
FIX_URL = "/api/repairs/issues/fix"


@pytest.fixture
async def repairs(hass: HomeAssistant) -> None:
    """The repairs dashboard (and its HTTP API)."""
    assert await async_setup_component(hass, "repairs", {})


@pytest.fixture
def mqtt_integration(hass: HomeAssistant) -> MockConfigEntry:
    """Home Assistant has the MQTT integration."""
    entry = MockConfigEntry(domain="mqtt")
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def outlet_on_mqtt(simulator: SimulatedOutlet) -> None:
    """The outlet's own MQTT client is on and reaches its broker."""
    await simulator.set_config(sys_prefs=MQTT_ON)
    simulator.state.mqtt.discovery_published = True  # as the vendor app may have done


def issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """The discovery issue of this outlet, if raised."""
    return ir.async_get(hass).async_get_issue(DOMAIN, f"mqtt_discovery_active_{entry.entry_id}")


async def start_fix(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> dict[str, Any]:
    """Open the issue's fix flow, as the Repairs dashboard does."""
    client = await hass_client()
    response = await client.post(
        FIX_URL, json={"handler": DOMAIN, "issue_id": f"mqtt_discovery_active_{entry.entry_id}"}
    )
    assert response.status == HTTPStatus.OK
    return dict(await response.json())


async def submit(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, flow_id: str
) -> dict[str, Any]:
    """Press Submit in the fix flow."""
    client = await hass_client()
    response = await client.post(f"{FIX_URL}/{flow_id}", json={})
    assert response.status == HTTPStatus.OK
    return dict(await response.json())


@pytest.mark.usefixtures("outlet_on_mqtt", "mqtt_integration")
async def test_issue_raised_and_fixed(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    repairs: None,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
) -> None:
    """Duplicates likely -> issue; the fix clears the discovery; it stays fixed."""
    found = issue(hass, init_integration)
    assert found is not None
    assert found.is_fixable
    assert found.severity is ir.IssueSeverity.WARNING
    assert found.translation_placeholders == {"name": "InvisOutlet E7C4"}

    flow = await start_fix(hass, hass_client, init_integration)
    assert flow["type"] == "form"
    assert flow["step_id"] == "confirm"
    assert flow["description_placeholders"] == {"name": "InvisOutlet E7C4"}
    result = await submit(hass, hass_client, flow["flow_id"])
    assert result["type"] == "create_entry"

    assert (27, [1]) in simulator.requests
    assert not simulator.state.mqtt.discovery_published
    assert issue(hass, init_integration) is None
    assert init_integration.data[CONF_MQTT_DISCOVERY] == "cleared"

    # Not raised again: neither by new state nor after a restart.
    await simulator.drop_connections()
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert issue(hass, init_integration) is None


@pytest.mark.usefixtures("outlet_on_mqtt", "mqtt_integration")
async def test_fix_fails_while_the_broker_is_away(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    repairs: None,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
) -> None:
    """The outlet cannot reach its broker: the form says so, the issue stays."""
    flow = await start_fix(hass, hass_client, init_integration)
    simulator.set_mqtt_connected(False)
    result = await submit(hass, hass_client, flow["flow_id"])
    assert result["type"] == "form"
    assert result["errors"] == {"base": "clear_failed"}
    assert issue(hass, init_integration) is not None
    assert CONF_MQTT_DISCOVERY not in init_integration.data

    simulator.set_mqtt_connected(True)  # back: the same form now succeeds
    result = await submit(hass, hass_client, flow["flow_id"])
    assert result["type"] == "create_entry"
    assert issue(hass, init_integration) is None


@pytest.mark.usefixtures("outlet_on_mqtt", "mqtt_integration")
async def test_fix_of_an_unloaded_outlet(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    repairs: None,
    init_integration: MockConfigEntry,
) -> None:
    """An outlet that is not loaded cannot be fixed now: the flow says so."""
    assert issue(hass, init_integration) is not None
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    flow = await start_fix(hass, hass_client, init_integration)
    assert flow["type"] == "abort"
    assert flow["reason"] == "not_loaded"


@pytest.mark.usefixtures("outlet_on_mqtt")
async def test_no_issue_without_the_mqtt_integration(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Without MQTT in Home Assistant, nothing can appear twice."""
    assert issue(hass, init_integration) is None


@pytest.mark.usefixtures("mqtt_integration")
async def test_no_issue_without_a_broker_connection(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """MQTT off on the outlet, or on but not connected: no issue."""
    assert issue(hass, init_integration) is None
    await simulator.set_config(sys_prefs=MQTT_ON)
    simulator.set_mqtt_connected(False)
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert issue(hass, init_integration) is None


@pytest.mark.usefixtures("outlet_on_mqtt", "mqtt_integration")
async def test_issue_follows_the_broker_connection(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The outlet's MQTT is switched off: the issue is withdrawn."""
    assert issue(hass, init_integration) is not None
    await simulator.set_config(sys_prefs={"mqtt": {"enabled": 0}})
    await simulator.drop_connections()  # re-read after the reconnect
    coordinator = coordinator_of(init_integration)
    await wait_until(hass, lambda: coordinator.reconnects == 1)
    assert issue(hass, init_integration) is None


@pytest.mark.usefixtures("outlet_on_mqtt", "mqtt_integration")
async def test_deliberately_sent_discovery_is_not_an_issue(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A user who sends the discovery through the action wants it: issue withdrawn."""
    assert issue(hass, init_integration) is not None
    device = find_device(dr.async_get(hass), {(DOMAIN, SERIAL)})
    assert device is not None
    await hass.services.async_call(
        DOMAIN, "send_mqtt_discovery", {"device_id": device.id}, blocking=True
    )
    assert issue(hass, init_integration) is None
    assert init_integration.data[CONF_MQTT_DISCOVERY] == "sent"


@pytest.mark.usefixtures("outlet_on_mqtt", "mqtt_integration")
async def test_issue_removed_with_the_outlet(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Deleting the outlet from Home Assistant takes its issue along."""
    assert issue(hass, init_integration) is not None
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert issue(hass, init_integration) is None
