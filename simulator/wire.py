"""The wire protocol as the outlet speaks it (protocol.md §2, §5, §6).

Written from the protocol description alone, so that the client is tested against
code it did not write.

A request is ``{"packetID": int, "payload": {"callbackName": int, "callbackArgs"?: ...}}``;
a reply ``{"sn", "packetID" (echoed), "PUBACK", "payload"?}``; a push ``{"sn",
"packetID" (the outlet's own), "payload"}``.
"""

from __future__ import annotations

from enum import IntEnum
import json
from typing import Any, Final

PACKET_ID_MIN: Final = 100_000
PACKET_ID_MAX: Final = 999_999
"""Packet ids are six-digit numbers without leading zeros (§2.2)."""

KELVIN_MIN: Final = 1000
KELVIN_MAX: Final = 40000
EFFECT_SPEED_MAX: Final = 7
CALIBRATION_SECONDS: Final = (30, 60)
"""Callback 26 accepts 30 to 60 seconds."""


class Callback(IntEnum):
    """``callbackName`` numbers (§1)."""

    GET_CONFIG = 1
    SET_CONFIG = 2
    GET_NAMES = 3
    SET_NAMES = 4
    RESTART = 5
    RESET_NETWORK = 6
    FACTORY_RESET = 7
    OUTLETS = 9
    SET_OUTLET = 10
    SENSORS = 11
    DEVICE_INFO = 12
    SET_NIGHTLIGHT = 14
    NIGHTLIGHT = 15
    SET_COLOR = 17
    COLOR = 18
    AVAILABLE_UPDATES = 20
    PERFORM_UPDATE = 21
    UPDATE_PROGRESS = 22
    UPDATE_RESULT = 23
    RESTART_FACEPLATE = 24
    RESET_FACEPLATE = 25
    CALIBRATE_OCCUPANCY = 26
    MQTT = 27
    CALIBRATE_CLIMATE = 28


class OtaTarget(IntEnum):
    """The module of 21 (1, 2) and of 22/23 (1, 2, 3) (§5)."""

    OUTLET = 1
    FACEPLATE = 2
    OUTLET_WEB = 3


class OtaMethod(IntEnum):
    """Second element of 21 for a faceplate update (§5)."""

    FACEPLATE_WIFI = 0
    VIA_OUTLET = 1


class MqttCommand(IntEnum):
    """Argument of 27 (§5)."""

    CHECK = 0
    CLEAR_DISCOVERY = 1
    SEND_DISCOVERY = 2


class LightSelector(IntEnum):
    """The Aura's colour LED arrays (17/18, §5)."""

    NIGHTLIGHT = 5
    INDICATOR = 7

    @property
    def led_count(self) -> int:
        """9 LEDs in the nightlight, 7 in the indicator."""
        return 9 if self is LightSelector.NIGHTLIGHT else 7


class ColorMode(IntEnum):
    """Second element of 17/18 (§5)."""

    STATIC_HSV = 1
    STATIC_TEMPERATURE = 2
    BREATHING = 3
    STROBING = 4
    COLOR_CYCLE = 5
    RAINBOW = 6
    STARRY_NIGHT = 7

    @property
    def is_effect(self) -> bool:
        """Every mode but the two static ones animates."""
        return self not in (ColorMode.STATIC_HSV, ColorMode.STATIC_TEMPERATURE)


class BadRequestError(ValueError):
    """A text frame that is not a request of §2.2."""


def parse_request(text: str) -> tuple[int, int, Any]:
    """``(packetID, callbackName, callbackArgs or None)`` of a request."""
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise BadRequestError(f"not JSON: {err}") from None
    if not isinstance(frame, dict):
        raise BadRequestError("not a JSON object")
    payload = frame.get("payload")
    if not isinstance(payload, dict):
        raise BadRequestError("no payload object")
    packet_id, callback = frame.get("packetID"), payload.get("callbackName")
    if not isinstance(packet_id, int) or isinstance(packet_id, bool):
        raise BadRequestError(f"packetID is not an integer: {packet_id!r}")
    if not isinstance(callback, int) or isinstance(callback, bool):
        raise BadRequestError(f"callbackName is not an integer: {callback!r}")
    return packet_id, callback, payload.get("callbackArgs")


def encode(
    serial: str,
    packet_id: int,
    callback: int | None = None,
    args: Any = None,
    *,
    puback: int | None = None,
) -> str:
    """A reply (``puback`` set, ``callback`` only when it carries data) or a push."""
    frame: dict[str, Any] = {"sn": serial, "packetID": packet_id}
    if puback is not None:
        frame["PUBACK"] = puback
    if callback is not None:
        frame["payload"] = {"callbackName": int(callback), "callbackArgs": args}
    return json.dumps(frame, separators=(",", ":"))
