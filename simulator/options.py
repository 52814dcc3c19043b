"""What kind of outlet to simulate, and the knobs that change how it behaves.

Every knob is a plain attribute: set it on ``sim.timings``, ``sim.quirks`` or
``sim.faults`` and it takes effect at once (timings from the next step that uses
them).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, Literal


class Variant(StrEnum):
    """The faceplate fitted to the simulated outlet."""

    PRO = "pro"
    """InvisDeco Pro: white nightlight (14/15), environment sensors, radar, lux."""

    AURA = "aura"
    """InvisDeco Aura: colour LED arrays (17/18) and a light sensor."""

    DECO = "deco"
    """Plain InvisDeco: white nightlight (14/15) and a light sensor; no radar, and no
    ``PM.type`` in 12 (protocol.md §11 item 35; its sensors are an assumption)."""

    BARE = "bare"
    """No faceplate at all."""

    @property
    def has_faceplate(self) -> bool:
        """Whether an InvisDeco is attached."""
        return self is not Variant.BARE

    @property
    def has_nightlight(self) -> bool:
        """Whether the white nightlight of callbacks 14/15 exists."""
        return self in {Variant.PRO, Variant.DECO}

    @property
    def has_color(self) -> bool:
        """Whether the colour LED arrays of callbacks 17/18 exist."""
        return self is Variant.AURA

    @property
    def has_radar(self) -> bool:
        """Whether the occupancy radar (12 ``PM.radar``, 26, radar keys of 11) exists."""
        return self is Variant.PRO

    @property
    def has_climate(self) -> bool:
        """Whether temperature and humidity sensors exist (callback 28)."""
        return self is Variant.PRO

    @property
    def faceplate_type(self) -> str | None:
        """``PM.type`` in callback 12 (the Pro's value is not documented: "Pro").

        None: the key is left out, as the plain InvisDeco of the evidence does.
        """
        if self is Variant.DECO:
            return None
        return "Aura" if self is Variant.AURA else "Pro"

    @property
    def sensor_device_type(self) -> int:
        """First element of an 11 frame: 1 as in the Aura example, 0 as in Pro captures."""
        return 1 if self is Variant.AURA else 0

    @property
    def accessories(self) -> tuple[int, ...]:
        """Accessory ids that carry a name (callbacks 3/4); 3 needs a faceplate."""
        return (1, 2, 3) if self.has_faceplate else (1, 2)


@dataclass(slots=True)
class Timings:
    """Durations in seconds (and the OTA step size). Defaults are realistic; tests shrink them."""

    reboot_delay: float = 5.0
    """Outlet down (connections refused) during a restart, reset or after an OTA."""

    revb_restart_delay: float = 2.0
    """Down time of the immediate restart a revB outlet does when an OTA starts."""

    faceplate_restart_delay: float = 4.0
    """Faceplate gone from 12 and silent after 24, or after a faceplate OTA."""

    ota_step_interval: float = 0.5
    """Time between two 22 progress pushes."""

    ota_step_percent: int = 10
    """Progress gained per 22 push."""

    calibration_delay: float = 10.0
    """Occupancy learning (26) starts this long after the request."""

    calibration_second: float = 1.0
    """Wall-clock length of one requested calibration second (26)."""

    accuracy_recovery: float = 30.0
    """After a faceplate reset (25) the accuracy values read 0 this long."""

    boot_announce_window: float = 30.0
    """After coming back, every client connecting within this window gets a 12 push."""

    ota_reconnect_wait: float = 30.0
    """revB: how long the outlet waits for a client before continuing its OTA."""


@dataclass(slots=True)
class Quirks:
    """Documented device oddities, to exercise client robustness."""

    names_shape: Literal["list", "wrapped"] = "list"
    """3 reply: the bare list (real firmware) or the vendor ``{"payload": [...]}``."""

    sensor_strings: bool | None = None
    """11: readings as quoted decimals (``"lux": "214.63"``); None = on for Aura only."""

    wrapped_outlet_push: bool = False
    """9 pushes as ``[0, [o1, o2]]`` instead of ``[o1, o2]`` (replies stay plain)."""

    puback_on_push: bool = False
    """Pushes carry ``PUBACK: 1``, like the vendor's Aura 18 push example."""

    spurious_ota_zero: bool = True
    """Every update starts with a ``23 [target, 0]`` before any progress."""

    device_name: str | None = None
    """Report ``IM.device`` / ``PM.device`` as this ("" or "Unknown") instead of the model."""

    pm_absent: bool = False
    """12 never carries a ``PM`` block, even with a working faceplate."""


@dataclass(slots=True)
class Faults:
    """Failures to inject, and how far the outlet departs from the friendly one.

    With the defaults the outlet answers everything at once and well; the
    ``"real"`` profile (``simulator.profiles``) sets the last group of knobs.
    """

    reply_delay: float = 0.0
    """Handle each request this many seconds late (pings are still answered)."""

    drop_replies: bool = False
    """Carry out requests but never answer them."""

    stall: bool = False
    """Stop reading and sending (requests wait until the stall ends; pings too)."""

    silent: bool = False
    """Silent link loss: ignore requests and pings, send nothing, keep TCP open."""

    malformed: bool = False
    """Send a garbage frame before every reply and push."""

    ota_fail_at: int | None = None
    """Updates fail (``23 [target, 0]``) when progress reaches this percentage."""

    ota_fail_target: int | None = None
    """Limit ``ota_fail_at`` to this 22/23 target (1, 2 or 3); None = any."""

    faceplate_wifi_ota_fails: bool = False
    """Faceplate updates by method 0 (its own Wi-Fi) fail after some progress."""

    # --- how a real outlet behaves (protocol.md §11 items 28-32; see ``profiles``) ---

    ota_stall_before_progress: bool = False
    """An accepted update never starts its download: after the leading ``23 [t, 0]``
    no progress (22) and no result follow, and nothing changes (protocol.md §11 item
    37). Works with the ``"real"`` profile (``profile="real", ota_stall_before_progress=
    True``)."""

    ota_result_lost: bool = False
    """The result that ends an outlet update (``23 [3, 1]`` of a web-interface-only
    update, ``23 [1, 1]`` otherwise) is lost with the socket: the outlet drops its
    connections instead of sending it, and carries on: the update succeeded all the
    same, which only the versions read afterwards tell."""

    faceplate_return_silent: bool = False
    """No 12 push when the faceplate comes back from a restart or an update: nothing
    announces its return (protocol.md §11 item 33)."""

    faceplate_version_delay: float = 0.0
    """After the faceplate comes back, its ``fw_rev`` reads blank (in 12 and 20) for
    this many seconds before the version shows (protocol.md §11 items 34 and 36)."""

    update_check_delay: float = 0.0
    """Answer 20 this many seconds late; other requests, pings and pushes go on."""

    unanswered: frozenset[str] = frozenset()
    """Requests never answered (nor carried out), by key: ``"1"``, ``"3"``, ``"20"``,
    ``"18/7"`` (18 with selector 7), ... The socket stays open and healthy."""

    sensor_overrides: dict[str, object] = field(default_factory=dict)
    """Values put into every 11 frame (replies and pushes), e.g. ``{"humidity": "nan"}``."""

    ota_ack: bool = True
    """False: 21 gets no reply at all, while the update it starts runs as usual."""

    connect_delay: float = 0.0
    """Slow accept: the WebSocket handshake completes this many seconds late."""

    interleave_pushes: bool = False
    """Send a push (the current 9, or 11, alternately) right before each reply."""

    push_lag: float = 0.0
    """Send the pushes a request causes this many seconds after its reply (a client
    reads the acknowledgement well before the new state is pushed); 0: right after it.
    Pushes sent before the reply (``reorder_rate``) are not held."""

    partial_outlet_updates: bool = False
    """An outlet update runs only the phases whose part is outdated: web interface only
    ends on ``23 [3, 1]`` without a reboot, firmware only has no web phase. False: both
    phases and the reboot, whatever is outdated."""

    degraded_faceplate: float = 0.0
    """While the faceplate is offline and this many seconds after it comes back, 12
    reports it degraded (protocol.md §11 item 36): ``PM.device`` "Unknown" (offline)
    or "" (just back) and a blank ``fw_rev``; just back it has no readings yet: 11
    replies carry empty arguments (§11 item 40) and no 11 is pushed. 0: never."""

    anonymous_restart_push: bool = False
    """12 pushes (restart announcements) leave out ``IM.sn`` (protocol.md §11 item 40)."""

    integer_network_fields: bool = False
    """1 replies carry the ``sys_prefs.internet`` addresses as 32-bit integers, most
    significant byte first (protocol.md §11 item 41)."""

    # --- frame timing (``simulator.timing``): all off by default, one seed drives them ---

    timing_seed: int | None = None
    """Seed of the one ``random.Random`` every frame-timing decision is drawn from
    (None: from the system). Setting it starts the sequence again."""

    reply_jitter: float = 0.0
    """Hold each reply back a random 0 to this many seconds after the request was carried
    out: pushes sent meanwhile (the ones it caused too) overtake it."""

    handle_jitter: float = 0.0
    """Carry out each request a random 0 to this many seconds late (pings are still
    answered): requests may be carried out in another order than they came."""

    reorder_rate: float = 0.0
    """Chance (0-1) that the pushes a request causes go out before its reply."""

    late_replies: int = 0
    """How many more replies may go out late; counts down as they do. Bounds the
    ``late_reply_rate`` knob so a run stays short."""

    late_reply_rate: float = 0.0
    """Chance (0-1) that a reply is held ``late_reply_delay`` (while ``late_replies``
    lasts)."""

    late_reply_delay: float = 6.0
    """How long a late reply is held: longer than a client's 5 s wait for it."""

    drop_rate: float = 0.0
    """Chance (0-1) per request that the socket drops: half the time before the request
    is carried out (it is lost), else a random 0 to ``reply_jitter`` seconds after."""


def split_knobs(
    knobs: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Sort keyword arguments into Timings, Quirks and Faults fields."""
    groups: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] = ({}, {}, {})
    names = [{f.name for f in fields(cls)} for cls in (Timings, Quirks, Faults)]
    for key, value in knobs.items():
        for group, known in zip(groups, names, strict=True):
            if key in known:
                group[key] = value
                break
        else:
            raise TypeError(f"unknown simulator option {key!r}")
    return groups
