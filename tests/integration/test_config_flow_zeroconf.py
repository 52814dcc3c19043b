"""The config flow's zeroconf step: confirm and add, refuse, follow a known outlet."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import ip_address
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_ZEROCONF, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import pytest_socket

from custom_components.intecular.const import CONF_FACEPLATE, DOMAIN
from simulator import SimulatedOutlet

from .common import SERIAL, SLUG, coordinator_of, free_port, wait_until
from .conftest import FAST


def _zeroconf(
    port: int, serial: str | None = SERIAL, host: str = "127.0.0.1"
) -> ZeroconfServiceInfo:
    """What an outlet announces: ``<serial>._invis._tcp.local.`` with its serial in TXT."""
    properties = {"device": "InvisOutlet", "sub_type": "deco"}
    if serial is not None:
        properties["sn"] = serial
    return ZeroconfServiceInfo(
        ip_address=ip_address(host),
        ip_addresses=[ip_address("fe80::1"), ip_address(host)],
        port=port,
        hostname=f"{serial}.local.",
        type="_invis._tcp.local.",
        name=f"{serial}._invis._tcp.local.",
        properties=properties,
    )


async def test_zeroconf_confirm_and_add(hass: HomeAssistant, simulator: SimulatedOutlet) -> None:
    """A new outlet announces itself; its identity is confirmed, then shown."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(simulator.port)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "zeroconf_confirm"
    assert result["description_placeholders"] == {
        "name": "InvisOutlet E7C4",
        "model": "InvisOutlet",
        "serial": SERIAL,
        "faceplate": "InvisDeco Pro",
        "host": "127.0.0.1",
    }
    progress = hass.config_entries.flow.async_progress()
    assert progress[0]["context"]["title_placeholders"] == {"name": "InvisOutlet E7C4"}
    assert progress[0]["context"]["configuration_url"] == f"http://127.0.0.1:{simulator.port}"

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: simulator.port,
        CONF_FACEPLATE: "pro",
    }
    assert result["result"].unique_id == SERIAL


async def test_zeroconf_during_onboarding_adds_without_asking(
    hass: HomeAssistant, simulator: SimulatedOutlet
) -> None:
    """While Home Assistant is being set up, a found outlet is simply added."""
    with patch("homeassistant.components.onboarding.async_is_onboarded", return_value=False):
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(simulator.port)
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SERIAL


@pytest.mark.parametrize(
    ("announced", "reason"),
    [(None, "not_invisoutlet"), ("9999999999", "serial_mismatch")],
)
async def test_zeroconf_refuses_unverified_outlets(
    hass: HomeAssistant, simulator: SimulatedOutlet, announced: str | None, reason: str
) -> None:
    """No serial announced, or a device that reports a different one: not added."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(simulator.port, announced)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason
    if reason == "serial_mismatch":
        assert result["description_placeholders"] == {"advertised": announced, "reported": SERIAL}
    assert not hass.config_entries.async_entries(DOMAIN)


async def test_zeroconf_unreachable(hass: HomeAssistant) -> None:
    """Announced, but nothing answers on the announced port or on port 80."""
    with patch("custom_components.intecular.config_flow.PROBE_TIMEOUT", 0.5):
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(free_port())
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


async def test_zeroconf_known_outlet_same_address(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Re-announced where it already is: abort at once, no extra connection."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(simulator.port)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert simulator.total_connections == 1


async def test_zeroconf_known_outlet_moved_takes_the_connection_along(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The outlet no longer answers where it was and shows up elsewhere: followed."""
    coordinator = coordinator_of(init_integration)
    await simulator.stop()  # gone from its old address
    await wait_until(hass, lambda: not coordinator.client.connected)
    async with SimulatedOutlet("pro", serial=SERIAL, seed=8, sensor_interval=0, **FAST) as moved:
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(moved.port)
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "address_updated"
        assert init_integration.data[CONF_PORT] == moved.port

        await wait_until(hass, lambda: moved.connection_count == 1)
        await hass.services.async_call(
            "switch", "turn_on", {"entity_id": f"switch.{SLUG}_outlet_1"}, blocking=True
        )
        assert moved.state.outlets.outlet_1 is True
        assert init_integration.state is ConfigEntryState.LOADED
        assert not ir.async_get(hass).issues
        assert await hass.config_entries.async_unload(init_integration.entry_id)


async def test_zeroconf_known_outlet_not_loaded_is_followed(
    hass: HomeAssistant, simulator: SimulatedOutlet
) -> None:
    """An entry that is not running has no connection to keep: its address is updated."""
    other = MockConfigEntry(domain=DOMAIN, unique_id="0099AABBCC", data={CONF_HOST: "192.0.2.8"})
    other.add_to_hass(hass)
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=SERIAL, data={CONF_HOST: "192.0.2.9", CONF_PORT: 80}
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(simulator.port)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "address_updated"
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port}
    assert other.data == {CONF_HOST: "192.0.2.8"}


async def test_zeroconf_never_moves_a_live_verified_connection(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Another device announces the connected outlet's (public) serial: nothing moves.

    The impostor answers 12 with the serial too; it is not even contacted. The user
    is told what was seen, by address, with no serial.
    """
    async with SimulatedOutlet("pro", serial=SERIAL, seed=8, sensor_interval=0, **FAST) as fake:
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(fake.port)
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "already_configured"
        assert init_integration.data[CONF_PORT] == simulator.port
        await hass.async_block_till_done()
        assert fake.total_connections == 0
        assert simulator.connection_count == 1

        issue = ir.async_get(hass).async_get_issue(
            DOMAIN, f"announced_elsewhere_{init_integration.entry_id}"
        )
        assert issue is not None
        assert issue.translation_placeholders == {
            "name": init_integration.title,
            "announced": f"127.0.0.1:{fake.port}",
            "current": f"127.0.0.1:{simulator.port}",
        }
        assert SERIAL not in repr(issue)

        await hass.services.async_call(
            "switch", "turn_on", {"entity_id": f"switch.{SLUG}_outlet_1"}, blocking=True
        )
        assert simulator.state.outlets.outlet_1 is True
        assert fake.state.outlets.outlet_1 is False

    assert await hass.config_entries.async_remove(init_integration.entry_id)
    assert not ir.async_get(hass).issues


@pytest.fixture
def ipv6_loopback() -> Iterator[None]:
    """Let the test connect to ::1 as well as 127.0.0.1 (the harness allows only the latter)."""
    pytest_socket.socket_allow_hosts(["127.0.0.1", "::1"])
    yield
    pytest_socket.socket_allow_hosts(["127.0.0.1"])


@pytest.mark.parametrize(
    ("listen", "added_as", "announced"),
    [
        ("127.0.0.1", "localhost", ["127.0.0.1"]),
        ("::1", "::1", ["127.0.0.1", "::1"]),
    ],
    ids=["host name", "IPv6"],
)
# The harness's shared name resolver belongs to its session's event loop, which newer
# releases refuse to use from a test's own: Home Assistant's resolver (over a mocked
# zeroconf) looks up "localhost" instead.
@pytest.mark.usefixtures("ipv6_loopback", "disable_mock_zeroconf_resolver", "mock_async_zeroconf")
async def test_zeroconf_own_announcement_of_an_outlet_added_by_name_or_ipv6(
    hass: HomeAssistant, listen: str, added_as: str, announced: list[str]
) -> None:
    """The outlet announces itself with its IPv4 address (first): no warning, no move.

    It was added by host name or IPv6 address, so the announced address differs from
    the entry's; the live socket's peer is among the announced addresses at the port
    it is connected to, so the announcement is the connected outlet's own.
    """
    async with SimulatedOutlet(
        "pro", serial=SERIAL, host=listen, seed=7, sensor_interval=0, profile="real", **FAST
    ) as outlet:
        entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id=SERIAL,
            title="InvisOutlet E7C4",
            data={CONF_HOST: added_as, CONF_PORT: outlet.port, CONF_FACEPLATE: "pro"},
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert coordinator_of(entry).client.connected

        info = ZeroconfServiceInfo(
            ip_address=ip_address(announced[0]),
            ip_addresses=[ip_address(a) for a in announced],
            port=outlet.port,
            hostname=f"{SERIAL}.local.",
            type="_invis._tcp.local.",
            name=f"{SERIAL}._invis._tcp.local.",
            properties={"device": "InvisOutlet", "sub_type": "deco", "sn": SERIAL},
        )
        for _ in range(2):  # announced again and again
            result = await hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_ZEROCONF}, data=info
            )
            assert result["type"] is FlowResultType.ABORT
            assert result["reason"] == "already_configured"
        await hass.async_block_till_done()

        assert not ir.async_get(hass).issues
        assert entry.data[CONF_HOST] == added_as
        assert outlet.total_connections == 1
        assert await hass.config_entries.async_unload(entry.entry_id)
