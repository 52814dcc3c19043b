"""A small HTTP JSON API on the outlet's own port, for out-of-process control.

=====================================  ==============================================
``GET  /control/state``                the whole device state as JSON
``POST /control/button``               ``{"outlet": 1}``: the physical button
``POST /control/outlet``               ``{"outlet": 1, "on": true}``
``POST /control/nightlight``           ``{"on": true, "brightness": 40}``
``POST /control/sensor``               ``{"key": "temp_celsius", "value": 25.5}``;
                                       ``"value": null`` removes the key
``POST /control/reboot``               ``{"delay": 2}`` (optional)
``POST /control/faceplate/restart``    ``{"delay": 2}`` (optional)
``POST /control/faceplate/online``     ``{"online": false}``
``POST /control/faults``               any ``Faults`` fields, e.g. ``{"silent": true}``
=====================================  ==============================================

Every POST answers ``{"ok": true}``, or status 400 with ``{"error": "..."}``. While
the outlet reboots it refuses connections, so this API is unreachable too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import fields
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .outlet import SimulatedOutlet

type Action = Callable[[SimulatedOutlet, dict[str, Any]], Awaitable[None]]


def _number(body: dict[str, Any], key: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{key} must be a number")
    return value


def _outlet(body: dict[str, Any]) -> int:
    outlet = body.get("outlet")
    if outlet not in (1, 2) or isinstance(outlet, bool):
        raise ValueError("outlet must be 1 or 2")
    return int(outlet)


async def _button(sim: SimulatedOutlet, body: dict[str, Any]) -> None:
    await sim.press_button(_outlet(body))


async def _set_outlet(sim: SimulatedOutlet, body: dict[str, Any]) -> None:
    await sim.set_outlet(_outlet(body), bool(body.get("on")))


async def _nightlight(sim: SimulatedOutlet, body: dict[str, Any]) -> None:
    brightness = _number(body, "brightness")
    await sim.set_nightlight(bool(body.get("on")), None if brightness is None else int(brightness))


async def _sensor(sim: SimulatedOutlet, body: dict[str, Any]) -> None:
    key = body.get("key")
    if not isinstance(key, str):
        raise TypeError("key must be a string")
    value = _number(body, "value")
    if value is None:
        await sim.remove_sensor(key)
    else:
        await sim.set_sensor(key, value)


async def _reboot(sim: SimulatedOutlet, body: dict[str, Any]) -> None:
    sim.spawn(sim.reboot(_number(body, "delay")))


async def _restart_faceplate(sim: SimulatedOutlet, body: dict[str, Any]) -> None:
    await sim.restart_faceplate(_number(body, "delay"))


async def _faceplate_online(sim: SimulatedOutlet, body: dict[str, Any]) -> None:
    await sim.set_faceplate_online(bool(body.get("online", True)))


async def _faults(sim: SimulatedOutlet, body: dict[str, Any]) -> None:
    known = {f.name for f in fields(sim.faults)}
    if unknown := set(body) - known:
        raise ValueError(f"unknown faults {sorted(unknown)}")
    for key, value in body.items():
        setattr(sim.faults, key, value)


async def _body(request: web.Request) -> dict[str, Any]:
    body = await request.json() if request.can_read_body else {}
    if not isinstance(body, dict):
        raise TypeError("the body must be a JSON object")
    return body


ACTIONS: dict[str, Action] = {
    "/control/button": _button,
    "/control/outlet": _set_outlet,
    "/control/nightlight": _nightlight,
    "/control/sensor": _sensor,
    "/control/reboot": _reboot,
    "/control/faceplate/restart": _restart_faceplate,
    "/control/faceplate/online": _faceplate_online,
    "/control/faults": _faults,
}


def add_control_routes(app: web.Application, sim: SimulatedOutlet) -> None:
    """Serve the control API for ``sim`` on ``app``."""

    async def state(_request: web.Request) -> web.Response:
        return web.json_response(sim.state.to_json())

    def post(action: Action) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            try:
                await action(sim, await _body(request))
            except (ValueError, TypeError, RuntimeError, json.JSONDecodeError) as err:
                return web.json_response({"error": str(err)}, status=400)
            return web.json_response({"ok": True})

        return handle

    app.router.add_get("/control/state", state)
    for path, action in ACTIONS.items():
        app.router.add_post(path, post(action))
