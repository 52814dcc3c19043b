"""The config flow's reconfigure step: a new address, checked to be the same outlet."""

from __future__ import annotations

from ipaddress import ip_address

from homeassistant.config_entries import SOURCE_ZEROCONF, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.config_flow import parse_address
from custom_components.intecular.const import CONF_FACEPLATE, DOMAIN
from custom_components.intecular.devices import configuration_url
from simulator import SimulatedOutlet

from .common import SERIAL, coordinator_of, find_device, free_port, wait_until
from .conftest import FAST


async def test_reconfigure_moves_a_loaded_outlet(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A new address for the same outlet: stored and followed, with no reload."""
    async with SimulatedOutlet("pro", serial=SERIAL, seed=9, sensor_interval=0, **FAST) as moved:
        result = await init_integration.start_reconfigure_flow(hass)
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "reconfigure"

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: "not a host!"}
        )
        assert result["errors"] == {CONF_HOST: "invalid_host"}

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: moved.url}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert init_integration.data[CONF_PORT] == moved.port
        await wait_until(hass, lambda: moved.connection_count == 1)
        assert await hass.config_entries.async_unload(init_integration.entry_id)


@pytest.mark.parametrize("how", ["reconfigure", "zeroconf"])
async def test_the_device_web_page_link_follows_the_outlet(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet, how: str
) -> None:
    """The outlet moves (a new address entered, or announced while the old one is
    silent): its device's link to the outlet's web page points to the new address."""
    registry = dr.async_get(hass)
    async with SimulatedOutlet("pro", serial=SERIAL, seed=9, sensor_interval=0, **FAST) as moved:
        if how == "reconfigure":
            result = await init_integration.start_reconfigure_flow(hass)
            result = await hass.config_entries.flow.async_configure(
                result["flow_id"], {CONF_HOST: moved.url}
            )
            assert result["reason"] == "reconfigure_successful"
        else:
            await simulator.stop()
            await wait_until(hass, lambda: not coordinator_of(init_integration).client.connected)
            result = await hass.config_entries.flow.async_init(
                DOMAIN,
                context={"source": SOURCE_ZEROCONF},
                data=ZeroconfServiceInfo(
                    ip_address=ip_address("127.0.0.1"),
                    ip_addresses=[ip_address("127.0.0.1")],
                    port=moved.port,
                    hostname=f"{SERIAL}.local.",
                    type="_invis._tcp.local.",
                    name=f"{SERIAL}._invis._tcp.local.",
                    properties={"device": "InvisOutlet", "sn": SERIAL},
                ),
            )
            assert result["reason"] == "address_updated"
        await wait_until(hass, lambda: moved.connection_count == 1)
        outlet = find_device(registry, {(DOMAIN, SERIAL)})
        assert outlet is not None
        assert outlet.configuration_url == f"http://127.0.0.1:{moved.port}"
        assert await hass.config_entries.async_unload(init_integration.entry_id)


async def test_reconfigure_refuses_another_outlet(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The address now belongs to a different outlet: nothing changes."""
    async with SimulatedOutlet("aura", serial="0099AABBCC", sensor_interval=0) as other:
        result = await init_integration.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: other.url}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "unique_id_mismatch"
        assert init_integration.data[CONF_PORT] != other.port


async def test_reconfigure_brings_back_an_outlet_that_was_not_found(
    hass: HomeAssistant, simulator: SimulatedOutlet, fast_reconnect: None
) -> None:
    """An entry stuck retrying at an old address is reloaded at the new one."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=SERIAL,
        title="InvisOutlet E7C4",
        data={CONF_HOST: "127.0.0.1", CONF_PORT: free_port(), CONF_FACEPLATE: "pro"},
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY

    result = await entry.start_reconfigure_flow(hass)
    (field,) = result["data_schema"].schema
    assert field.description == {"suggested_value": f"127.0.0.1:{entry.data[CONF_PORT]}"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: simulator.url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    ("port", "shown"), [(80, "[fe80::1]"), (8080, "[fe80::1]:8080")], ids=["usual", "other"]
)
async def test_an_ipv6_address_is_bracketed_wherever_it_is_shown(
    hass: HomeAssistant, port: int, shown: str
) -> None:
    """The web page link and the reconfigure default of an outlet at fe80::1 are valid."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=SERIAL,
        title="InvisOutlet E7C4",
        data={CONF_HOST: "fe80::1", CONF_PORT: port, CONF_FACEPLATE: "pro"},
    )
    entry.add_to_hass(hass)  # never set up: nothing connects to that address
    assert configuration_url(entry) == f"http://{shown}"
    result = await entry.start_reconfigure_flow(hass)
    (field,) = result["data_schema"].schema
    assert field.description == {"suggested_value": shown}
    assert parse_address(shown) == ("fe80::1", port)  # what the form gets back is the same
