"""The InvisOutlet wire protocol: callback numbers, enumerations, frame codec.

Every frame is one JSON object in a WebSocket text frame. A request carries a
six-digit ``packetID`` and a ``payload`` with ``callbackName`` (and, when the
operation takes any, ``callbackArgs``). A reply echoes the ``packetID`` and adds
``sn`` and ``PUBACK``; a push carries a device-chosen ``packetID``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum
import json
import math
from typing import Any, Final

from .errors import FrameError

PACKET_ID_MIN: Final = 100_000
PACKET_ID_MAX: Final = 999_999

NIGHTLIGHT_LEDS: Final = 9
INDICATOR_LEDS: Final = 7

KELVIN_MIN: Final = 1000
KELVIN_MAX: Final = 40000
EFFECT_SPEED_MAX: Final = 7
OCCUPANCY_CALIBRATION_MIN: Final = 30
OCCUPANCY_CALIBRATION_MAX: Final = 60
# The port of the outlet's web interface and WebSocket.
DEFAULT_PORT: Final = 80


class Callback(IntEnum):
    """The operation numbers of the local API (``callbackName``)."""

    GET_CONFIG = 1
    SET_CONFIG = 2
    GET_ACCESSORY_NAMES = 3
    SET_ACCESSORY_NAMES = 4
    RESTART = 5
    RESET_NETWORK = 6
    FACTORY_RESET = 7
    OUTLETS = 9
    SET_OUTLET = 10
    SENSORS = 11
    DEVICE_INFO = 12
    SET_NIGHTLIGHT = 14
    NIGHTLIGHT = 15
    SET_COLOR_LIGHT = 17
    COLOR_LIGHT = 18
    AVAILABLE_UPDATES = 20
    PERFORM_UPDATE = 21
    UPDATE_PROGRESS = 22
    UPDATE_RESULT = 23
    RESTART_FACEPLATE = 24
    RESET_FACEPLATE = 25
    CALIBRATE_OCCUPANCY = 26
    MQTT = 27
    CALIBRATE_TEMPERATURE_HUMIDITY = 28


class Accessory(IntEnum):
    """Accessories that carry a user-given name (callbacks 3 and 4)."""

    OUTLET_1 = 1
    OUTLET_2 = 2
    NIGHTLIGHT = 3


class LightSelector(IntEnum):
    """The colour LED arrays of an InvisDeco Aura (callbacks 17 and 18)."""

    NIGHTLIGHT = 5
    INDICATOR = 7

    @property
    def led_count(self) -> int:
        """Number of LEDs in this array."""
        return NIGHTLIGHT_LEDS if self is LightSelector.NIGHTLIGHT else INDICATOR_LEDS


class ColorMode(IntEnum):
    """Second element of callbacks 17/18: a static colour or an on-device effect."""

    STATIC_HSV = 1
    STATIC_TEMPERATURE = 2
    BREATHING = 3
    STROBING = 4
    COLOR_CYCLE = 5
    RAINBOW = 6
    STARRY_NIGHT = 7

    @property
    def is_effect(self) -> bool:
        """Whether the mode animates (everything but the two static modes)."""
        return self >= ColorMode.BREATHING


class OtaTarget(IntEnum):
    """Module an OTA callback (21, 22, 23) is about."""

    OUTLET = 1
    FACEPLATE = 2
    OUTLET_WEB = 3


class OtaMethod(IntEnum):
    """How the faceplate fetches its firmware (callback 21, second element)."""

    FACEPLATE_WIFI = 0
    VIA_OUTLET = 1


class MqttCommand(IntEnum):
    """Argument of callback 27."""

    CHECK_CONNECTION = 0
    CLEAR_DISCOVERY = 1
    SEND_DISCOVERY = 2


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded frame from the outlet, before its arguments are interpreted."""

    packet_id: int | None
    serial: str | None
    puback: int | None
    callback: int | None
    args: Any


def build_request(packet_id: int, callback: int, args: Any = None) -> str:
    """Encode a request; ``callbackArgs`` is omitted when there are none."""
    payload: dict[str, Any] = {"callbackName": int(callback)}
    if args is not None:
        payload["callbackArgs"] = args
    return _encode_request({"packetID": packet_id, "payload": payload})


# json.dumps with an argument builds an encoder per call; this one is built once.
_encode_request: Final = json.JSONEncoder(separators=(",", ":")).encode


def build_frame(
    serial: str,
    packet_id: int,
    callback: int | None = None,
    args: Any = None,
    *,
    puback: int | None = None,
) -> str:
    """Encode a reply or push as the outlet sends it (used by the simulator)."""
    frame: dict[str, Any] = {"sn": serial, "packetID": packet_id}
    if puback is not None:
        frame["PUBACK"] = puback
    if callback is not None:
        frame["payload"] = {"callbackName": int(callback), "callbackArgs": args}
    return json.dumps(frame, separators=(",", ":"))


# Longer integer literals are more than Python's int() reads by default (it raises, and
# json.loads with it); they decode as an infinity instead, which every value check then
# refuses, so one absurd number costs that value, not the whole frame.
_MAX_INT_DIGITS: Final = 4300


def _parse_int(literal: str) -> int | float:
    if len(literal.lstrip("-")) > _MAX_INT_DIGITS:
        return -math.inf if literal.startswith("-") else math.inf
    return int(literal)


# The decoder of every frame, made once (json.loads with an argument makes one per call).
_decode: Final = json.JSONDecoder().decode


def _loads(text: str | bytes) -> Any:
    """The frame's JSON: decoded at C speed; the integer hook only when a literal is too long.

    The hook costs a Python call per integer of every frame, so it is used only for a
    frame that the plain decoder refused (a malformed one is decoded twice: rare).
    """
    try:
        return _decode(text) if isinstance(text, str) else json.loads(text)
    except ValueError:
        return json.loads(text, parse_int=_parse_int)


def parse_frame(text: str | bytes) -> Frame:
    """Decode a frame from the outlet, checking the envelope's types."""
    try:
        data = _loads(text)
    except (ValueError, RecursionError) as err:  # RecursionError: nested too deep
        raise FrameError(f"not JSON: {err}") from None
    if not isinstance(data, dict):
        raise FrameError(f"not a JSON object but {type(data).__name__}")
    packet_id = data.get("packetID")
    if packet_id is not None and (not isinstance(packet_id, int) or isinstance(packet_id, bool)):
        raise FrameError(f"packetID is not an integer: {packet_id!r}")
    serial = data.get("sn")
    if serial is not None and not isinstance(serial, str):
        raise FrameError(f"sn is not a string: {serial!r}")
    puback = data.get("PUBACK")
    if puback is not None:
        puback = as_int(puback, "PUBACK")
    payload = data.get("payload")
    callback: int | None = None
    args: Any = None
    if payload is not None:
        if not isinstance(payload, dict):
            raise FrameError("payload is not an object")
        callback = payload.get("callbackName")
        if type(callback) is not int:  # the usual JSON integer needs no conversion
            callback = as_int(callback, "callbackName")
        args = payload.get("callbackArgs")
    if puback is None and callback is None:
        raise FrameError("frame has neither PUBACK nor payload")
    return Frame(packet_id, serial, puback, callback, args)


def parse_request(text: str | bytes) -> tuple[int, int, Any]:
    """Decode a client request (used by the simulator): packetID, callback, args."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as err:  # RecursionError: nested too deep
        raise FrameError(f"not JSON: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
        raise FrameError("request is not an object with a payload")
    packet_id = as_int(data.get("packetID"), "packetID")
    callback = as_int(data["payload"].get("callbackName"), "callbackName")
    return packet_id, callback, data["payload"].get("callbackArgs")


# --- value coercion shared by the models -------------------------------------------


def as_int(value: Any, what: str) -> int:
    """An integer from a JSON number, boolean or numeric string."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except (ValueError, OverflowError):  # OverflowError: "inf", "1e400"
            pass
    raise FrameError(f"{what} is not an integer: {value!r}")


def as_float(value: Any, what: str) -> float:
    """A finite float from a JSON number or numeric string."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float
            raise FrameError(f"{what} is not finite: {value!r}") from None
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise FrameError(f"{what} is not a number: {value!r}") from None
    else:
        raise FrameError(f"{what} is not a number: {value!r}")
    if not math.isfinite(number):
        raise FrameError(f"{what} is not finite: {value!r}")
    return number


def as_flag(value: Any, what: str) -> bool:
    """A boolean from 1/0, true/false or "1"/"0"."""
    return as_int(value, what) != 0


def as_str(value: Any, what: str) -> str:
    """A string; numbers are accepted and written out."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise FrameError(f"{what} is not a string: {value!r}")


def as_list(value: Any, what: str, minimum: int = 0) -> list[Any]:
    """A JSON array with at least ``minimum`` elements."""
    if not isinstance(value, list):
        raise FrameError(f"{what} is not an array: {value!r}")
    if len(value) < minimum:
        raise FrameError(f"{what} has {len(value)} elements, expected at least {minimum}")
    return value


def as_dict(value: Any, what: str) -> dict[str, Any]:
    """A JSON object."""
    if not isinstance(value, dict):
        raise FrameError(f"{what} is not an object: {value!r}")
    return value


def clamp(value: int, low: int, high: int) -> int:
    """``value`` limited to ``low``..``high``."""
    return low if value < low else high if value > high else value


def opt_str(data: Mapping[str, Any], key: str) -> str | None:
    """``data[key]`` as a string, or None when absent."""
    value = data.get(key)
    return None if value is None else as_str(value, key)


# --- lenient reading of one value among many ---------------------------------------------
#
# A frame that carries many independent values (11 sensors, 12 device information,
# 1 configuration, 18 colour light) is refused only when its envelope or the value that
# identifies it is unusable. Every other value is read on its own:
#
# * a value that cannot be read (``"nan"``, ``""``, ``"inf"``, a word, an object, a
#   magnitude beyond any float such as ``1e400``) becomes None: that value is unknown,
#   the rest of the frame applies;
# * a value outside its documented range is either clamped into it or made unknown,
#   never passed on. Settings and light levels the user controls (brightness, effect
#   speed, colour components, percentages) are clamped: the nearest value the control
#   can show. Measurements (sensor readings) outside what the sensor can measure are
#   unknown: clamping would invent a reading.


def lenient[T](convert: Callable[[Any, str], T], value: Any, what: str) -> T | None:
    """``convert(value)``, or None when the value is missing or cannot be read."""
    if value is None:
        return None
    try:
        return convert(value, what)
    except FrameError:
        return None


def lenient_str(data: Mapping[str, Any], key: str) -> str | None:
    """``data[key]`` as a string; None when absent or not a string or number."""
    return lenient(as_str, data.get(key), key)


def lenient_dict(data: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    """``data[key]`` when it is an object; None otherwise (that group is unknown)."""
    value = data.get(key)
    return value if isinstance(value, dict) else None


def clamped_int(value: Any, what: str, low: int, high: int) -> int | None:
    """An integer clamped into ``low``..``high``; None when it cannot be read."""
    number = lenient(as_int, value, what)
    return None if number is None else clamp(number, low, high)


def within[N: (int, float)](value: N | None, low: float, high: float) -> N | None:
    """``value`` when inside ``low``..``high``, else None (a reading that cannot be true)."""
    return value if value is not None and low <= value <= high else None


def url_host(host: str) -> str:
    """``host`` as it stands in a URL: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host else host


def address(host: str, port: int) -> str:
    """``host``, or ``host:port`` when the port is not the outlet's usual one (IPv6 bracketed)."""
    return url_host(host) if port == DEFAULT_PORT else f"{url_host(host)}:{port}"
