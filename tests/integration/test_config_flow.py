"""The config flow: discovery, manual address, reconfigure; every error recovers."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from ipaddress import ip_address
import socket
from typing import Any
from unittest.mock import patch

from aiohttp import web
from homeassistant.config_entries import SOURCE_USER, SOURCE_ZEROCONF, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.config_flow import parse_address
from custom_components.intecular.const import CONF_FACEPLATE, DOMAIN
from custom_components.intecular.devices import configuration_url
from simulator import SimulatedOutlet

from .common import SERIAL, SLUG, wait_until
from .conftest import FAST


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


@pytest.fixture
async def web_server() -> AsyncGenerator[Any]:
    """Start small aiohttp servers on 127.0.0.1 that are not InvisOutlets."""
    runners: list[web.AppRunner] = []

    async def start(app: web.Application) -> int:
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        return runner.addresses[0][1]

    yield start
    for runner in runners:
        await runner.cleanup()


async def _plain_http_server(start: Any) -> int:
    async def page(_: web.Request) -> web.Response:
        return web.Response(text="a printer")

    app = web.Application()
    app.router.add_get("/", page)
    return await start(app)


async def _chatty_websocket_server(start: Any) -> int:
    """A WebSocket at /ws that answers every frame with something not of the protocol."""

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for _ in ws:
            await ws.send_str('{"hello": "world"}')
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    return await start(app)


# --- the user step ---------------------------------------------------------------------


async def test_user_adds_an_outlet(hass: HomeAssistant, simulator: SimulatedOutlet) -> None:
    """Enter the address: the outlet is identified by its serial and added."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: f"127.0.0.1:{simulator.port}"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "InvisOutlet E7C4"
    assert result["data"] == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: simulator.port,
        CONF_FACEPLATE: "pro",
    }
    assert result["result"].unique_id == SERIAL
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    assert hass.states.get(f"switch.{SLUG}_outlet_1") is not None


@pytest.mark.parametrize("variant", ["bare"])
async def test_user_adds_an_outlet_without_faceplate(
    hass: HomeAssistant, simulator: SimulatedOutlet
) -> None:
    """A bare outlet stores no faceplate kind."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: simulator.url}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port}


@pytest.mark.parametrize(
    ("scenario", "error"),
    [
        ("garbage text", {CONF_HOST: "invalid_host"}),
        ("nothing listening", {"base": "cannot_connect"}),
        ("plain web server", {"base": "not_invisoutlet"}),
        ("other websocket", {"base": "not_invisoutlet"}),
        ("silent outlet", {"base": "timeout"}),
        ("unexpected", {"base": "unknown"}),
    ],
)
async def test_user_errors_recover(
    hass: HomeAssistant,
    simulator: SimulatedOutlet,
    web_server: Any,
    scenario: str,
    error: dict[str, str],
) -> None:
    """Each error is shown on the form; a correct address then succeeds in the same flow."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    address = {
        "garbage text": "not a host!",
        "nothing listening": f"127.0.0.1:{_free_port()}",
        "plain web server": f"127.0.0.1:{await _plain_http_server(web_server)}",
        "other websocket": f"127.0.0.1:{await _chatty_websocket_server(web_server)}",
        "silent outlet": simulator.url,
        "unexpected": simulator.url,
    }[scenario]
    simulator.faults.drop_replies = scenario == "silent outlet"
    with (
        patch("custom_components.intecular.config_flow.PROBE_TIMEOUT", 0.2),
        patch(
            "custom_components.intecular.api.IntecularClient.get_device_info",
            side_effect=RuntimeError("boom"),
        )
        if scenario == "unexpected"
        else patch("builtins.id"),  # nothing to break
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: address}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == error

    simulator.faults.drop_replies = False
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: f"127.0.0.1:{simulator.port}"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SERIAL


async def test_user_known_outlet_updates_its_address(
    hass: HomeAssistant, simulator: SimulatedOutlet
) -> None:
    """Adding an outlet twice aborts, but the new address is kept."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=SERIAL, data={CONF_HOST: "192.0.2.9", CONF_PORT: 80}
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: f"127.0.0.1:{simulator.port}"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("192.168.1.40", ("192.168.1.40", 80)),
        (" 192.168.1.40:8080 ", ("192.168.1.40", 8080)),
        ("outlet.local", ("outlet.local", 80)),
        ("Outlet-Kitchen:81", ("outlet-kitchen", 81)),
        ("fe80::1", ("fe80::1", 80)),
        ("[fe80::1]:8080", ("fe80::1", 8080)),
        ("ws://127.0.0.1:8765/ws", ("127.0.0.1", 8765)),
        ("WS://outlet.local/ws", ("outlet.local", 80)),
        ("http://192.168.1.40", ("192.168.1.40", 80)),
        ("outlet.local:65535", ("outlet.local", 65535)),
    ],
)
def test_addresses_people_type(text: str, expected: tuple[str, int]) -> None:
    """IP addresses, host names, an optional port, even a copied ws:// URL."""
    assert parse_address(text) == expected


@pytest.mark.parametrize(
    "text", ["", "not a host!", "host:99999", "host:port", "-bad-.local", "ws://[fe80::1/ws"]
)
def test_addresses_refused(text: str) -> None:
    """Anything else is refused before a connection is tried."""
    with pytest.raises(ValueError):
        parse_address(text)


WRONG_ADDRESSES = [
    ("192.168.1.40:0", "invalid_port"),  # not port 80
    ("outlet.local:70000", "invalid_port"),
    ("outlet.local:-1", "invalid_port"),
    ("[fe80::1]:65536", "invalid_port"),
    ("wss://192.168.1.40/ws", "unsupported_scheme"),  # not plain ws on port 80
    ("https://outlet.local", "unsupported_scheme"),
    ("ftp://outlet.local", "unsupported_scheme"),
]


@pytest.mark.parametrize(("text", "error"), WRONG_ADDRESSES)
async def test_user_address_that_cannot_mean_an_outlet(
    hass: HomeAssistant, text: str, error: str
) -> None:
    """Ports outside 1-65535 and TLS schemes get their own error, nothing is tried."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_HOST: text})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HOST: error}


@pytest.mark.parametrize(("text", "error"), WRONG_ADDRESSES)
async def test_reconfigure_address_that_cannot_mean_an_outlet(
    hass: HomeAssistant, init_integration: MockConfigEntry, text: str, error: str
) -> None:
    """The same errors when changing the address; the entry keeps its own."""
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_HOST: text})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HOST: error}
    assert init_integration.data[CONF_HOST] == "127.0.0.1"


# --- zeroconf --------------------------------------------------------------------------


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
            DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(_free_port())
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
    coordinator = init_integration.runtime_data
    await simulator.stop()  # gone from its old address
    await wait_until(hass, lambda: not coordinator.client.connected)
    async with SimulatedOutlet("pro", serial=SERIAL, seed=8, sensor_interval=0, **FAST) as moved:
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(moved.port)
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "already_configured"
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
    assert result["reason"] == "already_configured"
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


# --- reconfigure -----------------------------------------------------------------------


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
        data={CONF_HOST: "127.0.0.1", CONF_PORT: _free_port(), CONF_FACEPLATE: "pro"},
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
