"""Immutable models of what the outlet reports, parsed from ``callbackArgs``.

Configuration, firmware, light and sensor models live in their own modules and are
re-exported here, so ``models`` is the one place to import them from.

Each model has ``from_args`` (tolerant of every shape protocol.md lists, raising
``FrameError`` on anything else) and, where the simulator or a command needs it,
``to_args`` producing the wire shape.

Frames with many independent values (12 and 3 here; 18 in lights.py, 11 in sensors.py,
1 in config.py) are refused only when their envelope or the value that identifies them
is unusable; each other value is read on its own, unknown when unreadable and clamped
(levels) when out of range (protocol.py, "lenient reading").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from .config import DeviceConfig, MqttSettings, NetworkSettings
from .errors import FrameError
from .lights import ColorLed, ColorLight, Nightlight
from .protocol import (
    Callback,
    as_dict,
    as_flag,
    as_int,
    as_list,
    as_str,
    lenient,
    lenient_dict,
    lenient_str,
)
from .sensors import SensorReadings
from .updates import AvailableUpdates, FirmwareVersions, OtaAck, OtaProgress, OtaResult

__all__ = [
    "AccessoryNames",
    "AvailableUpdates",
    "ColorLed",
    "ColorLight",
    "DeviceConfig",
    "FaceplateInfo",
    "FirmwareVersions",
    "ModuleInfo",
    "MqttSettings",
    "NetworkSettings",
    "Nightlight",
    "OtaAck",
    "OtaProgress",
    "OtaResult",
    "OutletInfo",
    "OutletStates",
    "Push",
    "RadarInfo",
    "RestartNotice",
    "SensorReadings",
    "parse_push",
]

_UNKNOWN_DEVICE_NAMES = frozenset({"", "unknown"})
# An outlet's state as the outlet sends it (``as_flag`` reads these the same way).
_FLAGS: Final[dict[Any, bool]] = {0: False, 1: True}


def _revision(data: Mapping[str, Any], key: str) -> str | None:
    """A firmware or hardware revision; None when absent or blank.

    A module that is down, just back or needs a restart reports a blank ``fw_rev``
    (protocol.md §6 / 12, §11 item 36): that is no version, it is unknown.
    """
    value = lenient_str(data, key)
    if value is None:
        return None
    return value.strip() or None


# --- outlets (9, 10) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutletStates:
    """Power state of the two outlets (callback 9)."""

    outlet_1: bool
    outlet_2: bool

    @classmethod
    def from_args(cls, args: Any) -> OutletStates:
        """Parse ``[o1, o2]`` or the wrapped push form ``[x, [o1, o2]]``.

        The usual frame, two flags 0 or 1 (``True``, ``1.0`` alike: they read the same),
        is read at once; anything else goes through the checks.
        """
        if type(args) is list and len(args) == 2:
            try:
                return cls(_FLAGS[args[0]], _FLAGS[args[1]])
            except (KeyError, TypeError):  # another value, or a list (the wrapped form)
                pass
        values = as_list(args, "outlet states", 2)
        if isinstance(values[1], list):
            values = as_list(values[1], "outlet states", 2)
        return cls(as_flag(values[0], "outlet 1"), as_flag(values[1], "outlet 2"))

    def to_args(self) -> list[int]:
        """Wire form ``[o1, o2]``."""
        return [int(self.outlet_1), int(self.outlet_2)]

    def is_on(self, outlet: int) -> bool:
        """State of outlet 1 or 2."""
        return self.outlet_1 if outlet == 1 else self.outlet_2


# --- device information (12) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    """Identity and firmware of one module (``IM`` or ``PM`` in callback 12).

    A revision the module reports blank (down, just back) is None: unknown.
    """

    serial: str
    mac: str | None = None
    device: str | None = None
    hw_rev: str | None = None
    fw_rev: str | None = None

    @property
    def model(self) -> str | None:
        """The model name, or None while the module reports "" or "Unknown"."""
        if self.device is None or self.device.strip().lower() in _UNKNOWN_DEVICE_NAMES:
            return None
        return self.device


@dataclass(frozen=True, slots=True)
class RadarInfo:
    """The faceplate's occupancy radar (``PM.radar``)."""

    fw_rev: str | None = None
    hw_type: str | None = None
    mac: str | None = None


@dataclass(frozen=True, slots=True)
class FaceplateInfo(ModuleInfo):
    """The InvisDeco faceplate (``PM`` in callback 12)."""

    online: bool = True
    variant: str | None = None
    radar: RadarInfo | None = None

    @property
    def is_aura(self) -> bool:
        """An Aura faceplate has colour LED arrays instead of a white nightlight."""
        return (self.variant or "").strip().lower() == "aura"

    @property
    def is_pro(self) -> bool:
        """A Pro faceplate has the environment sensors, radar and white nightlight."""
        return not self.is_aura and (
            self.radar is not None or "pro" in (self.variant or "").lower()
        )


@dataclass(frozen=True, slots=True)
class OutletInfo:
    """Callback 12: the outlet module and, when attached and known, its faceplate."""

    outlet: ModuleInfo
    faceplate: FaceplateInfo | None = None

    @classmethod
    def from_args(cls, args: Any) -> OutletInfo:
        """Parse ``{IM: {...}, PM: {...}}``; ``PM`` may be missing.

        Refused only without ``IM`` or its serial (what identifies the outlet). Any
        other unreadable string is unknown (None); a ``PM`` block that is not an
        object or has no serial is no known faceplate, as while it reboots; an
        unreadable ``online`` counts as online (as when absent).
        """
        data = as_dict(args, "device info")
        im = as_dict(data.get("IM"), "IM")
        serial = lenient_str(im, "sn")
        if not serial:
            raise FrameError("IM has no serial")
        outlet = ModuleInfo(
            serial,
            lenient_str(im, "MAC"),
            lenient_str(im, "device"),
            _revision(im, "hw_rev"),
            _revision(im, "fw_rev"),
        )
        faceplate = None
        if (pm := lenient_dict(data, "PM")) is not None and (pm_serial := lenient_str(pm, "sn")):
            radar = None
            if (raw := lenient_dict(pm, "radar")) is not None:
                radar = RadarInfo(
                    _revision(raw, "fw_rev") or _revision(raw, "fw_ver"),
                    lenient_str(raw, "hw_type"),
                    lenient_str(raw, "MAC"),
                )
            online = lenient(as_flag, pm.get("online"), "online")
            faceplate = FaceplateInfo(
                pm_serial,
                lenient_str(pm, "MAC"),
                lenient_str(pm, "device"),
                _revision(pm, "hw_rev"),
                _revision(pm, "fw_rev"),
                online=True if online is None else online,
                variant=lenient_str(pm, "type"),
                radar=radar,
            )
        return cls(outlet, faceplate)

    @property
    def faceplate_online(self) -> bool:
        """Whether a faceplate is attached and talking to the outlet."""
        return self.faceplate is not None and self.faceplate.online


# --- accessory names (3, 4) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccessoryNames:
    """User-given names of the outlets and the nightlight (callback 3)."""

    names: Mapping[int, str]

    @classmethod
    def from_args(cls, args: Any) -> AccessoryNames:
        """Parse the bare list or the vendor's ``{"payload": [...]}`` wrapper."""
        if isinstance(args, dict):
            args = args.get("payload")
        names: dict[int, str] = {}
        for raw in as_list(args, "accessory names"):
            # An entry without a readable accessory number or name tells nothing; the
            # other names still apply.
            if not isinstance(raw, dict):
                continue
            accessory = lenient(as_int, raw.get("accessory"), "accessory")
            name = lenient(as_str, raw.get("name"), "name")
            if accessory is not None and name is not None:
                names[accessory] = name
        return cls(names)

    def to_args(self) -> list[dict[str, Any]]:
        """Wire form ``[{accessory, name}, ...]``."""
        return [{"accessory": a, "name": n} for a, n in sorted(self.names.items())]

    def get(self, accessory: int) -> str | None:
        """The name of one accessory, or None when it has none."""
        name = self.names.get(accessory, "").strip()
        return name or None


# --- a restart announced without identity (12 push) ---------------------------------


@dataclass(frozen=True, slots=True)
class RestartNotice:
    """A 12 push that does not say which outlet it is (no ``IM.sn``, or no arguments).

    The outlet pushes 12 when it or its faceplate (re)starts; some pushes carry nothing
    usable (protocol.md §11 item 40). It announces a restart: read the outlet again.
    Nothing in it is taken, least of all an identity.
    """

    @classmethod
    def or_info(cls, args: Any) -> OutletInfo | RestartNotice:
        """The pushed device info, or the notice when it names no outlet."""
        try:
            return OutletInfo.from_args(args)
        except FrameError:
            return cls()


# --- push dispatch -----------------------------------------------------------------

type Push = (
    OutletStates
    | SensorReadings
    | OutletInfo
    | RestartNotice
    | Nightlight
    | ColorLight
    | OtaAck
    | OtaProgress
    | OtaResult
)

PUSH_PARSERS: Mapping[int, Callable[[Any], Push]] = {
    Callback.OUTLETS: OutletStates.from_args,
    Callback.SENSORS: SensorReadings.from_args,
    Callback.DEVICE_INFO: RestartNotice.or_info,
    Callback.NIGHTLIGHT: Nightlight.from_args,
    Callback.COLOR_LIGHT: ColorLight.from_args,
    Callback.PERFORM_UPDATE: OtaAck.from_args,
    Callback.UPDATE_PROGRESS: OtaProgress.from_args,
    Callback.UPDATE_RESULT: OtaResult.from_args,
}


def parse_push(callback: int, args: Any, last: tuple[Any, Push] | None = None) -> Push:
    """Turn a pushed frame's arguments into its model.

    ``last``: the arguments and model of the last push of its kind, if any; sensor
    readings then read only what changed (``SensorReadings.from_args``).
    """
    if last is not None and type(last[1]) is SensorReadings and callback == Callback.SENSORS:
        return SensorReadings.from_args(args, (last[0], last[1]))
    parser = PUSH_PARSERS.get(callback)
    if parser is None:
        raise FrameError(f"callback {callback} is never pushed")
    return parser(args)
