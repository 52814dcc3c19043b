"""The client reads every example frame of protocol.md to the values it documents."""

from __future__ import annotations

from collections.abc import Callable, Mapping
import dataclasses
from enum import Enum
import json
from typing import Any, Final

import pytest

from custom_components.intecular.api import (
    AccessoryNames,
    AvailableUpdates,
    ColorLight,
    DeviceConfig,
    Nightlight,
    OutletInfo,
    OutletStates,
    SensorReadings,
)
from custom_components.intecular.api.models import parse_push
from custom_components.intecular.api.protocol import build_request, parse_frame
from tests.golden_frames import golden, name_of

# The parser the client applies to the reply of each data-returning callback.
REPLY_PARSERS: Final[dict[int, Callable[[Any], Any]]] = {
    1: DeviceConfig.from_args,
    3: AccessoryNames.from_args,
    9: OutletStates.from_args,
    11: SensorReadings.from_args,
    12: OutletInfo.from_args,
    15: Nightlight.from_args,
    18: ColorLight.from_args,
    20: AvailableUpdates.from_args,
}


def plain(value: Any) -> Any:
    """A model value as plain JSON-like data (dataclasses as dicts, enums as values)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def resolve(model: Any, path: str) -> Any:
    """``model.a.b`` for the path ``"a.b"``."""
    for part in path.split("."):
        model = getattr(model, part)
    return model


def test_every_documented_callback_has_golden_frames() -> None:
    """A guard for the fixture: every data-returning callback and every push is covered."""
    callbacks = {entry["envelope"]["callback"] for entry in golden("reply", "push")}
    assert callbacks >= {1, 3, 9, 11, 12, 15, 18, 20, 21, 22, 23}
    requests = {entry["frame"]["payload"]["callbackName"] for entry in golden("request")}
    assert requests == {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 17, 18, 21, 24, 25, 26, 27, 28}


@pytest.mark.parametrize("entry", golden("reply", "push"), ids=name_of)
def test_client_reads_golden_frame(entry: dict[str, Any]) -> None:
    frame = parse_frame(json.dumps(entry["frame"]))
    envelope = entry["envelope"]
    assert frame.packet_id == envelope["packet_id"]
    assert frame.serial == envelope["serial"]
    assert frame.puback == envelope["puback"]
    assert frame.callback == envelope["callback"]
    if "model" not in entry:  # an acknowledgement or a refusal: no data
        assert frame.callback is None
        return
    assert frame.callback is not None
    if entry["kind"] == "push":
        model = parse_push(frame.callback, frame.args)
    else:
        model = REPLY_PARSERS[frame.callback](frame.args)
    assert type(model).__name__ == entry["model"]
    for path, expected in entry["expected"].items():
        assert plain(resolve(model, path)) == expected, path


@pytest.mark.parametrize("entry", golden("request"), ids=name_of)
def test_client_builds_golden_request(entry: dict[str, Any]) -> None:
    """The client's request for the same callback and arguments is the documented frame."""
    frame = entry["frame"]
    payload = frame["payload"]
    built = build_request(frame["packetID"], payload["callbackName"], payload.get("callbackArgs"))
    assert json.loads(built) == frame
