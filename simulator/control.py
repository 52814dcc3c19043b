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
``POST /control/knobs``                any ``Timings``/``Quirks``/``Faults`` fields,
                                       e.g. ``{"unanswered": ["20"], "ota_ack": false}``
                                       or the frame timing ``{"timing_seed": 7,
                                       "reply_jitter": 0.05, "drop_rate": 0.02}``
``POST /control/profile``              ``{"profile": "real"}``: every profile knob at
                                       once (``simulator.profiles``)
``POST /control/firmware``             ``{"available_fw": "2.5.0", "available_www":
                                       "1.3.0", "available_faceplate_fw": "1.9.3"}``
                                       (any of them): newer versions to offer
=====================================  ==============================================

``GET /control/state`` also reports ``"profile"`` and the profile knobs' values.

Every POST answers ``{"ok": true}``, or status 400 with ``{"error": "..."}``. While
the outlet reboots it refuses connections, so this API is unreachable too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import fields
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .profiles import PROFILE_KNOBS, knob_owner

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
        sim.set_knob(key, value)


async def _knobs(sim: SimulatedOutlet, body: dict[str, Any]) -> None:
    for key in body:
        knob_owner(key)  # refuse the whole request before changing anything
    for key, value in body.items():
        sim.set_knob(key, value)


async def _profile(sim: SimulatedOutlet, body: dict[str, Any]) -> None:
    profile = body.get("profile")
    if not isinstance(profile, str):
        raise TypeError("profile must be a string")
    sim.apply_profile(profile)


_FIRMWARE_KEYS = {"available_fw": "im", "available_www": "www", "available_faceplate_fw": "pm"}


async def _firmware(sim: SimulatedOutlet, body: dict[str, Any]) -> None:
    if unknown := set(body) - set(_FIRMWARE_KEYS):
        raise ValueError(f"unknown firmware keys {sorted(unknown)}")
    if not all(isinstance(value, str) for value in body.values()):
        raise TypeError("versions must be strings")
    sim.set_available_versions(**{_FIRMWARE_KEYS[key]: value for key, value in body.items()})


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
    "/control/knobs": _knobs,
    "/control/profile": _profile,
    "/control/firmware": _firmware,
}


def add_control_routes(app: web.Application, sim: SimulatedOutlet) -> None:
    """Serve the control API for ``sim`` on ``app``."""

    async def state(_request: web.Request) -> web.Response:
        knobs = {name: getattr(sim.faults, name) for name in PROFILE_KNOBS}
        knobs["unanswered"] = sorted(knobs["unanswered"])
        return web.json_response({**sim.state.to_json(), "profile": sim.profile, "knobs": knobs})

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
