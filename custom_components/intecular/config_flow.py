"""Set up an outlet: found on the network (zeroconf) or entered by address."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from ipaddress import IPv4Address, IPv6Address, ip_address
import re
from typing import Any
from urllib.parse import urlsplit

from homeassistant.components import onboarding
from homeassistant.config_entries import ConfigEntryState, ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import TextSelector
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import voluptuous as vol

from .api import (
    DEFAULT_PORT,
    IntecularClient,
    IntecularCommandRefusedError,
    IntecularError,
    IntecularProtocolError,
    IntecularTimeoutError,
    OutletInfo,
    address,
)
from .const import CONF_FACEPLATE, DOMAIN, LOGGER, OUTLET_MODEL, PROBE_TIMEOUT
from .devices import faceplate_model
from .repairs import async_announced_elsewhere, async_forget_announcement
from .runtime import IntecularConfigEntry
from .state import FaceplateKind

_HOSTNAME = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$", re.I)


# Schemes a copied address may carry: the outlet serves plain WebSocket over HTTP only.
_PLAIN_SCHEMES = frozenset({"", "ws", "http"})
_PORT_MAX = 65535


class InvalidAddressError(ValueError):
    """The text is not a host name or IP address with an optional port."""

    error = "invalid_host"


class InvalidPortError(InvalidAddressError):
    """The port is not a number from 1 to 65535."""

    error = "invalid_port"


class UnsupportedSchemeError(InvalidAddressError):
    """A scheme other than ws:// or http:// (the outlet has no TLS)."""

    error = "unsupported_scheme"


def parse_address(text: str) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]:port`` or a ws:// or http:// URL -> (host, port).

    Raises ``InvalidPortError`` for a port outside 1-65535 (``host:0`` is no port 80)
    and ``UnsupportedSchemeError`` for ``wss://``, ``https://`` or any other scheme:
    the outlet speaks plain WebSocket only, so such an address cannot mean it.
    """
    text = text.strip()
    try:
        return str(ip_address(text)), DEFAULT_PORT
    except ValueError:
        pass
    try:
        parts = urlsplit(text if "://" in text else f"//{text}")
    except ValueError as err:
        raise InvalidAddressError(text) from err
    if parts.scheme.lower() not in _PLAIN_SCHEMES:
        raise UnsupportedSchemeError(text)
    try:
        port = parts.port
    except ValueError as err:  # not a number, or beyond 65535
        raise InvalidPortError(text) from err
    if port is not None and not 1 <= port <= _PORT_MAX:
        raise InvalidPortError(text)
    host = parts.hostname
    if not host:
        raise InvalidAddressError(text)
    try:
        host = str(ip_address(host))
    except ValueError:
        if not _HOSTNAME.match(host):
            raise InvalidAddressError(text) from None
    return host, port or DEFAULT_PORT


def has_live_link(entry: IntecularConfigEntry) -> bool:
    """Whether the entry's outlet is connected now, its identity checked on connecting."""
    if entry.state is not ConfigEntryState.LOADED:
        return False
    coordinator = entry.runtime_data.coordinator
    return coordinator.client.connected and coordinator.last_update_success


def _without_zone(address: object) -> IPv4Address | IPv6Address:
    """An IP address without its IPv6 zone (a socket's link-local peer carries one)."""
    return ip_address(str(address).split("%", 1)[0])


def _is_live_peer(
    entry: IntecularConfigEntry,
    addresses: Iterable[IPv4Address | IPv6Address],
    ports: Collection[int],
) -> bool:
    """Whether the entry's live socket is connected to one of these addresses and ports.

    An outlet added by host name or IPv6 address announces itself with its IPv4
    address too: the announcement is its own when the socket's peer is among them.
    """
    client = entry.runtime_data.coordinator.client
    peer = client.peer_address
    if peer is None or client.port not in ports:
        return False
    return _without_zone(peer) in {_without_zone(a) for a in addresses}


def outlet_title(info: OutletInfo) -> str:
    """Default name of an outlet: its model and the end of its serial."""
    return f"{info.outlet.model or OUTLET_MODEL} {info.outlet.serial[-4:]}"


class IntecularConfigFlow(ConfigFlow, domain=DOMAIN):
    """Find an outlet, confirm it is the one it claims to be, store its address."""

    VERSION = 1

    _discovered: tuple[str, int, OutletInfo]  # set by the zeroconf step

    async def _probe(self, host: str, port: int) -> OutletInfo:
        """Connect and read device information (callback 12)."""
        session = async_get_clientsession(self.hass)
        async with IntecularClient(
            host, session, port=port, request_timeout=PROBE_TIMEOUT, connect_timeout=PROBE_TIMEOUT
        ) as client:
            return await client.get_device_info()

    async def _probe_for_errors(
        self, text: str
    ) -> tuple[tuple[str, int, OutletInfo] | None, dict[str, str]]:
        """Probe what the user typed: the outlet (its serial the unique id) or the errors."""
        try:
            host, port = parse_address(text)
        except InvalidAddressError as err:
            return None, {CONF_HOST: err.error}
        try:
            info = await self._probe(host, port)
        except IntecularTimeoutError:
            return None, {"base": "timeout"}
        except (IntecularProtocolError, IntecularCommandRefusedError):
            return None, {"base": "not_invisoutlet"}
        except IntecularError:
            return None, {"base": "cannot_connect"}
        except Exception:  # noqa: BLE001 - anything else must still show a form error
            LOGGER.exception("Unexpected error while probing %s", text)
            return None, {"base": "unknown"}
        await self.async_set_unique_id(info.outlet.serial)
        return (host, port, info), {}

    def _create(self, host: str, port: int, info: OutletInfo) -> ConfigFlowResult:
        kind = FaceplateKind.of(info.faceplate)
        data: dict[str, Any] = {CONF_HOST: host, CONF_PORT: port}
        if kind is not None:
            data[CONF_FACEPLATE] = kind
        return self.async_create_entry(title=outlet_title(info), data=data)

    def _abort_if_known(self, host: str, port: int) -> None:
        """An outlet added again: keep its entry, at this address; say only what happened."""
        moved = any(
            entry.unique_id == self.unique_id
            and (entry.data.get(CONF_HOST), entry.data.get(CONF_PORT, DEFAULT_PORT)) != (host, port)
            for entry in self._async_current_entries(include_ignore=False)
        )
        self._abort_if_unique_id_configured(
            updates={CONF_HOST: host, CONF_PORT: port},
            error="address_updated" if moved else "already_configured",
        )

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the outlet's address."""
        errors: dict[str, str] = {}
        if user_input is not None:
            found, errors = await self._probe_for_errors(user_input[CONF_HOST])
            if found is not None:
                host, port, info = found
                self._abort_if_known(host, port)
                return self._create(host, port, info)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_HOST): TextSelector()}), user_input
            ),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address of a configured outlet (the same outlet only)."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            found, errors = await self._probe_for_errors(user_input[CONF_HOST])
            if found is not None:
                host, port, _ = found
                self._abort_if_unique_id_mismatch()
                updates = {CONF_HOST: host, CONF_PORT: port}
                if entry.state is ConfigEntryState.LOADED:
                    # The running connection follows the new address on its own.
                    self.hass.config_entries.async_update_entry(
                        entry, data={**entry.data, **updates}
                    )
                    return self.async_abort(reason="reconfigure_successful")
                return self.async_update_reload_and_abort(entry, data_updates=updates)
        port = entry.data.get(CONF_PORT, DEFAULT_PORT)
        current = address(entry.data[CONF_HOST], port)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_HOST): TextSelector()}),
                user_input or {CONF_HOST: current},
            ),
            errors=errors,
        )

    async def async_step_zeroconf(self, discovery_info: ZeroconfServiceInfo) -> ConfigFlowResult:
        """An outlet announced itself on the network."""
        serial = str(discovery_info.properties.get("sn") or "").strip()
        if not serial:
            return self.async_abort(reason="not_invisoutlet")
        addresses = [discovery_info.ip_address, *discovery_info.ip_addresses]
        host = str(next((a for a in addresses if isinstance(a, IPv4Address)), addresses[0]))
        # Outlets serve on port 80; a simulator advertises where it really listens.
        ports = list(dict.fromkeys(p for p in (discovery_info.port, DEFAULT_PORT) if p))

        await self.async_set_unique_id(serial)
        for entry in self._async_current_entries(include_ignore=False):
            if entry.unique_id != serial:
                continue
            if entry.data.get(CONF_HOST) == host and (
                entry.data.get(CONF_PORT, DEFAULT_PORT) in ports
            ):
                return self.async_abort(reason="already_configured")
            if has_live_link(entry):
                if _is_live_peer(entry, addresses, ports):
                    # Its own announcement, at another of its addresses (the entry has
                    # its host name or IPv6 address): nothing to move or tell.
                    return self.async_abort(reason="already_configured")
                # The serial is public: anyone can announce it. A verified connection
                # never moves because of an announcement; the user is told instead.
                async_announced_elsewhere(self.hass, entry, host, ports[0])
                return self.async_abort(reason="already_configured")

        info: OutletInfo | None = None
        for port in ports:
            try:
                info = await self._probe(host, port)
                break
            except IntecularError as err:
                LOGGER.debug("No InvisOutlet at %s:%s: %s", host, port, err)
        if info is None:
            return self.async_abort(reason="cannot_connect")
        if info.outlet.serial != serial:
            return self.async_abort(
                reason="serial_mismatch",
                description_placeholders={"advertised": serial, "reported": info.outlet.serial},
            )
        # A known outlet that does not answer where it was, found (its serial checked)
        # at a new address: store it; the connection moves there and checks it again.
        for entry in self._async_current_entries(include_ignore=False):
            if entry.unique_id == serial:
                async_forget_announcement(self.hass, entry)
        self._abort_if_unique_id_configured(
            updates={CONF_HOST: host, CONF_PORT: port},
            reload_on_update=False,
            error="address_updated",
        )
        self._discovered = (host, port, info)
        self.context["title_placeholders"] = {"name": outlet_title(info)}
        self.context["configuration_url"] = f"http://{address(host, port)}"
        if not onboarding.async_is_onboarded(self.hass):
            return self._create(host, port, info)
        return await self.async_step_zeroconf_confirm()

    async def async_step_zeroconf_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show what was found and ask before adding it."""
        host, port, info = self._discovered
        if user_input is not None:
            return self._create(host, port, info)
        self._set_confirm_only()
        face = info.faceplate
        return self.async_show_form(
            step_id="zeroconf_confirm",
            description_placeholders={
                "name": outlet_title(info),
                "model": info.outlet.model or OUTLET_MODEL,
                "serial": info.outlet.serial,
                "faceplate": faceplate_model(face) if face else "-",
                "host": host,
            },
        )
