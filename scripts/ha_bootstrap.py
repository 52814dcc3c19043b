"""Talk to a running Home Assistant the way its own frontend does: log in, keep a token,
add outlets through the integration's config flow, read the registries.

Used by ``scripts/ha_stack.py`` (``scripts/develop``) and by the browser test.
Everything goes to the Home Assistant at ``base`` (http://127.0.0.1:<port>) only.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
import itertools
from typing import Any, Self

import aiohttp

DOMAIN = "intecular"
LONG_LIVED_TOKEN_NAME = "scripts/develop"


class BootstrapError(RuntimeError):
    """Home Assistant did not do what the bootstrap asked."""


@dataclass(frozen=True)
class FlowOutcome:
    """What the config flow did with one outlet address."""

    host: str
    result: str  # "created" or "already_configured"
    entry_id: str | None  # known when created
    title: str | None


async def wait_until_up(base: str, timeout: float, alive: Any = None) -> None:
    """Wait until the web server answers ``/manifest.json`` (no login needed, no log noise).

    ``alive()`` (optional) returns False once the process has died: then give up at once.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            if alive is not None and not alive():
                raise BootstrapError("Home Assistant exited while starting")
            try:
                async with session.get(
                    f"{base}/manifest.json", timeout=aiohttp.ClientTimeout(total=2)
                ) as resp:
                    if resp.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            if loop.time() > deadline:
                raise BootstrapError(f"Home Assistant did not answer at {base} in {timeout:.0f} s")
            await asyncio.sleep(0.25)


class HomeAssistantSession:
    """A logged-in session: REST with a bearer token and one WebSocket connection."""

    def __init__(self, base: str) -> None:
        """Nothing is opened before ``login()``."""
        self.base = base
        self._client_id = f"{base}/"
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self.access_token = ""
        self._refresh_token = ""

    async def __aenter__(self) -> Self:
        """Open the HTTP session."""
        self._http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Close the WebSocket, revoke this login (it was only for the bootstrap), close."""
        if self._ws is not None:
            await self._ws.close()
        if self._refresh_token and self._http is not None and not self._http.closed:
            with contextlib.suppress(aiohttp.ClientError):
                await self._http.post(
                    f"{self.base}/auth/revoke", data={"token": self._refresh_token}
                )
        if self._http is not None:
            await self._http.close()

    @property
    def http(self) -> aiohttp.ClientSession:
        """The open HTTP session."""
        assert self._http is not None, "use 'async with HomeAssistantSession(...)'"
        return self._http

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        async with self.http.request(
            method, f"{self.base}{path}", headers=headers, **kwargs
        ) as resp:
            body = await resp.json(content_type=None) if resp.content_length != 0 else None
            if resp.status >= 400:
                raise BootstrapError(f"{method} {path}: HTTP {resp.status} {body}")
            return body

    async def login(self, username: str, password: str) -> None:
        """The frontend's login flow: username and password -> code -> access token."""
        flow = await self._json(
            "POST",
            "/auth/login_flow",
            json={
                "client_id": self._client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": self._client_id,
            },
        )
        result = await self._json(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            json={"username": username, "password": password, "client_id": self._client_id},
        )
        if result.get("type") != "create_entry":
            raise BootstrapError(
                f"logging in as {username!r} failed ({result.get('errors') or result}); "
                "delete the config folder to start over"
            )
        tokens = await self._json(
            "POST",
            "/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": result["result"],
                "client_id": self._client_id,
            },
        )
        self.access_token = tokens["access_token"]
        self._refresh_token = tokens["refresh_token"]

    async def ws(self, message_type: str, **fields: Any) -> Any:
        """One WebSocket command; its result (raises on failure)."""
        if self._ws is None:
            self._ws = await self.http.ws_connect(f"{self.base}/api/websocket")
            hello = await self._ws.receive_json()
            if hello.get("type") != "auth_required":
                raise BootstrapError(f"unexpected WebSocket greeting {hello}")
            await self._ws.send_json({"type": "auth", "access_token": self.access_token})
            answer = await self._ws.receive_json()
            if answer.get("type") != "auth_ok":
                raise BootstrapError(f"WebSocket login failed: {answer}")
        message_id = next(self._ids)
        await self._ws.send_json({"id": message_id, "type": message_type, **fields})
        while True:
            reply = await self._ws.receive_json(timeout=30)
            if reply.get("id") == message_id and reply.get("type") == "result":
                break
        if not reply.get("success"):
            raise BootstrapError(f"{message_type}: {reply.get('error')}")
        return reply.get("result")

    async def ensure_long_lived_token(self, stored: str | None) -> str | None:
        """A long-lived token for the user's own scripts (curl, REST); None = keep ``stored``.

        Kept across runs: a new one is made only when the stored one is missing or was
        deleted in the user's profile.
        """
        tokens = await self.ws("auth/refresh_tokens")
        ours = [t for t in tokens if t.get("client_name") == LONG_LIVED_TOKEN_NAME]
        if stored and ours:
            return None
        for token in ours:  # its text was lost: replace it
            await self.ws("auth/delete_refresh_token", refresh_token_id=token["id"])
        token = await self.ws(
            "auth/long_lived_access_token", client_name=LONG_LIVED_TOKEN_NAME, lifespan=3650
        )
        return str(token)

    async def add_outlet(self, host: str) -> FlowOutcome:
        """Add an outlet through the integration's config flow (the user step)."""
        flow = await self._json(
            "POST",
            "/api/config/config_entries/flow",
            json={"handler": DOMAIN, "show_advanced_options": False},
        )
        if flow.get("type") != "form" or flow.get("step_id") != "user":
            raise BootstrapError(f"the config flow did not ask for an address: {flow}")
        result = await self._json(
            "POST", f"/api/config/config_entries/flow/{flow['flow_id']}", json={"host": host}
        )
        kind = result.get("type")
        if kind == "create_entry":
            entry = result.get("result") or {}
            return FlowOutcome(host, "created", entry.get("entry_id"), result.get("title"))
        # Known already: at this address, or now moved to it (the simulator's new port).
        if kind == "abort" and result.get("reason") in ("already_configured", "address_updated"):
            return FlowOutcome(host, "already_configured", None, None)
        if kind == "form":  # the form came back with errors: clean it up
            await self._json("DELETE", f"/api/config/config_entries/flow/{flow['flow_id']}")
        raise BootstrapError(f"adding {host} failed: {result.get('errors') or result}")

    async def entries(self) -> list[dict[str, Any]]:
        """This integration's config entries (entry_id, title, state, ...)."""
        return list(await self._json("GET", f"/api/config/config_entries/entry?domain={DOMAIN}"))

    async def remove_entry(self, entry_id: str) -> None:
        """Delete a config entry."""
        await self._json("DELETE", f"/api/config/config_entries/entry/{entry_id}")

    async def wait_loaded(self, entry_ids: set[str], timeout: float) -> list[dict[str, Any]]:
        """Wait until these entries are loaded; their descriptions."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = [e for e in await self.entries() if e["entry_id"] in entry_ids]
            if len(found) == len(entry_ids) and all(e["state"] == "loaded" for e in found):
                return found
            if loop.time() > deadline:
                states = {e["title"]: e["state"] for e in found}
                raise BootstrapError(f"outlets not loaded after {timeout:.0f} s: {states}")
            await asyncio.sleep(0.2)

    async def devices_and_entities(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """This integration's devices and entities from the registries."""
        entry_ids = {e["entry_id"] for e in await self.entries()}
        devices = [
            d
            for d in await self.ws("config/device_registry/list")
            if entry_ids & set(d.get("config_entries") or [])
        ]
        entities = [
            e for e in await self.ws("config/entity_registry/list") if e.get("platform") == DOMAIN
        ]
        return devices, entities
