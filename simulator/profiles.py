"""Behaviour profiles: a friendly outlet, or one that behaves like the evidence says.

``"friendly"`` is the outlet every other test expects: every request answered at
once, every value well formed, 21 acknowledged, no pushes between request and reply.

``"real"`` follows protocol.md §11 items 28-41 (observations and inferences about
real outlets):

=======================  ==============================================================
``update_check_delay``   8.0: 20 is answered 8 s late (the outlet asks its maker's
                         server first). ``unanswered={"20"}`` makes it never answer.
``unanswered``           ``{"18/7", "27"}``: the indicator array and the MQTT command
                         are optional reads the outlet may never answer.
``sensor_overrides``     one value the firmware cannot format: Pro ``{"humidity":
                         "nan"}``, Aura and plain InvisDeco ``{"lux_valid": ""}`` (no
                         11 without faceplate).
``ota_ack``              False: 21 is never acknowledged; the update runs anyway.
``connect_delay``        0.3: the handshake completes 0.3 s late.
``interleave_pushes``    True: a push arrives right before every reply.
``partial_outlet_         True: an outlet update runs only the outdated phases; a
updates``                web-interface-only update ends on ``23 [3, 1]``, no reboot.
``faceplate_return_      True: no 12 push when the faceplate comes back from a restart
silent``                 or an update (§11 item 33).
``faceplate_version_     40.0: back from a restart, the faceplate's ``fw_rev`` reads
delay``                  blank for 40 s before its (new) version shows (items 34, 36).
``degraded_faceplate``   10.0: while the faceplate is offline and 10 s after it is back,
                         12 reports ``PM.device`` "Unknown" / "" and a blank ``fw_rev``;
                         just back, 11 replies are empty and no 11 is pushed.
``anonymous_restart_     True: 12 pushes carry no ``IM.sn``.
push``
``integer_network_       True: ``sys_prefs.internet`` addresses arrive as integers.
fields``
=======================  ==============================================================

Knobs given by name override the profile's values (``profile="real", ota_ack=True``).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Final

from .options import Faults, Quirks, Timings, Variant

FRIENDLY: Final = "friendly"
REAL: Final = "real"
PROFILES: Final = (FRIENDLY, REAL)

REAL_UPDATE_CHECK_DELAY: Final = 8.0
REAL_CONNECT_DELAY: Final = 0.3
REAL_FACEPLATE_VERSION_DELAY: Final = 40.0
REAL_DEGRADED_FACEPLATE: Final = 10.0
REAL_UNANSWERED: Final = frozenset({"18/7", "27"})
REAL_SENSOR_OVERRIDES: Final[dict[Variant, dict[str, object]]] = {
    Variant.PRO: {"humidity": "nan"},
    Variant.AURA: {"lux_valid": ""},
    Variant.DECO: {"lux_valid": ""},
    Variant.BARE: {},
}

PROFILE_KNOBS: Final = (
    "update_check_delay",
    "unanswered",
    "sensor_overrides",
    "ota_ack",
    "connect_delay",
    "interleave_pushes",
    "partial_outlet_updates",
    "faceplate_return_silent",
    "faceplate_version_delay",
    "degraded_faceplate",
    "anonymous_restart_push",
    "integer_network_fields",
)
"""The knobs a profile sets (all of them ``Faults`` fields)."""


def profile_knobs(profile: str, variant: Variant | str) -> dict[str, Any]:
    """The knob values of ``profile`` for an outlet with this faceplate."""
    if profile == FRIENDLY:
        defaults = Faults()
        return {name: getattr(defaults, name) for name in PROFILE_KNOBS}
    if profile == REAL:
        return {
            "update_check_delay": REAL_UPDATE_CHECK_DELAY,
            "unanswered": REAL_UNANSWERED,
            "sensor_overrides": dict(REAL_SENSOR_OVERRIDES[Variant(variant)]),
            "ota_ack": False,
            "connect_delay": REAL_CONNECT_DELAY,
            "interleave_pushes": True,
            "partial_outlet_updates": True,
            "faceplate_return_silent": True,
            "faceplate_version_delay": REAL_FACEPLATE_VERSION_DELAY,
            "degraded_faceplate": REAL_DEGRADED_FACEPLATE,
            "anonymous_restart_push": True,
            "integer_network_fields": True,
        }
    raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")


def request_key(callback: int, args: Any) -> str:
    """The key ``unanswered`` uses for a request: ``"20"``, or ``"18/7"`` for 18 [7]."""
    if callback == 18 and isinstance(args, list) and args:
        return f"18/{args[0]}"
    return str(callback)


def coerce_knob(name: str, value: Any) -> Any:
    """A knob value as the simulator stores it (JSON lists become frozensets, ...)."""
    if name == "unanswered":
        if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
            raise TypeError("unanswered must be a list of request keys such as '20' or '18/7'")
        return frozenset(str(key) for key in value)
    if name == "sensor_overrides":
        if not isinstance(value, dict):
            raise TypeError("sensor_overrides must be an object of sensor keys to values")
        return dict(value)
    return value


def knob_owner(name: str) -> type[Timings] | type[Quirks] | type[Faults]:
    """Which options class holds the knob ``name`` (TypeError when none does)."""
    for cls in (Timings, Quirks, Faults):
        if name in {f.name for f in fields(cls)}:
            return cls
    raise TypeError(f"unknown simulator option {name!r}")
