"""The config flow's user step: manual address, its checks and errors; every error recovers.

Discovery is in test_config_flow_zeroconf.py, reconfigure in test_config_flow_reconfigure.py.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any
from unittest.mock import patch

from aiohttp import web
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.config_flow import parse_address
from custom_components.intecular.const import CONF_FACEPLATE, DOMAIN
from simulator import SimulatedOutlet

from .common import SERIAL, SLUG, free_port


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
        "nothing listening": f"127.0.0.1:{free_port()}",
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
    """Adding an outlet twice aborts, but the new address is kept, and it says so."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=SERIAL, data={CONF_HOST: "192.0.2.9", CONF_PORT: 80}
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: f"127.0.0.1:{simulator.port}"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "address_updated"
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port}


async def test_user_known_outlet_at_its_address(
    hass: HomeAssistant, simulator: SimulatedOutlet
) -> None:
    """Adding an outlet again at the address it has: no claim that the address changed."""
    data = {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port}
    entry = MockConfigEntry(domain=DOMAIN, unique_id=SERIAL, data=data)
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: f"127.0.0.1:{simulator.port}"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data == data


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
