"""Wire-level helpers: salvaging a bad request's packetID, and garbage to send."""

from __future__ import annotations

import json
from typing import Any

from .server import Outgoing


def garbage_frames(serial: str) -> list[Outgoing]:
    """Frames no client should choke on: not JSON, not objects, wrong types, binary."""
    frames: list[Any] = [
        {"sn": 12345, "packetID": "abc", "PUBACK": "yes"},
        {"sn": serial, "packetID": 42, "payload": {"callbackName": "nine"}},
        {"sn": serial, "packetID": 43, "payload": {"callbackName": 99, "callbackArgs": [1]}},
        {"sn": serial, "packetID": 44, "payload": {"callbackName": 9, "callbackArgs": "on"}},
        {"sn": serial, "packetID": 45, "payload": {"callbackName": 11, "callbackArgs": None}},
        {"sn": serial, "packetID": 46},
        {"sn": serial, "payload": []},
    ]
    return [
        "this is not JSON {",
        '"just a string"',
        "[9, [1, 0]]",
        *(json.dumps(f) for f in frames),
        b"\x00\xffbinary frame",
    ]


def salvage_packet_id(text: str) -> int | None:
    """The integer ``packetID`` of a frame that is not a valid request, if it has one."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    packet_id = data.get("packetID") if isinstance(data, dict) else None
    if isinstance(packet_id, int) and not isinstance(packet_id, bool):
        return packet_id
    return None
