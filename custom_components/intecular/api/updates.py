"""Callbacks 20-23: the firmware updates the outlet offers, and the pushes of one in progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import FrameError
from .protocol import OtaTarget, as_dict, as_int, as_list, clamp, opt_str


@dataclass(frozen=True, slots=True)
class FirmwareVersions:
    """Installed and newest firmware of one module (callback 20)."""

    installed: str | None
    available: str | None
    web_installed: str | None = None
    web_available: str | None = None


@dataclass(frozen=True, slots=True)
class AvailableUpdates:
    """Callback 20: firmware of the outlet and, when attached, of the faceplate."""

    outlet: FirmwareVersions
    faceplate: FirmwareVersions | None = None

    @classmethod
    def from_args(cls, args: Any) -> AvailableUpdates:
        """Parse ``{IM: {...}, PM: {...}}``."""
        data = as_dict(args, "available updates")
        im = as_dict(data.get("IM"), "IM")
        outlet = FirmwareVersions(
            opt_str(im, "fw_rev"),
            opt_str(im, "available_fw_rev"),
            opt_str(im, "www_fw_rev"),
            opt_str(im, "available_www_fw_rev"),
        )
        faceplate = None
        if (pm := data.get("PM")) is not None:
            pm = as_dict(pm, "PM")
            faceplate = FirmwareVersions(opt_str(pm, "fw_rev"), opt_str(pm, "available_fw_rev"))
        return cls(outlet, faceplate)


def _ota_pair(args: Any, what: str) -> tuple[OtaTarget, int]:
    values = as_list(args, what, 2)
    try:
        target = OtaTarget(as_int(values[0], "OTA device"))
    except ValueError:
        raise FrameError(f"unknown OTA device {values[0]!r}") from None
    return target, as_int(values[1], what)


@dataclass(frozen=True, slots=True)
class OtaAck:
    """Callback 21 pushed after a revB outlet reconnects: the update goes on (or not)."""

    target: OtaTarget
    accepted: bool

    @classmethod
    def from_args(cls, args: Any) -> OtaAck:
        """Parse ``[device, status]``."""
        target, status = _ota_pair(args, "OTA status")
        return cls(target, status != 0)


@dataclass(frozen=True, slots=True)
class OtaProgress:
    """Callback 22: download progress of one module."""

    target: OtaTarget
    percent: int

    @classmethod
    def from_args(cls, args: Any) -> OtaProgress:
        """Parse ``[deviceType, percent]``."""
        target, percent = _ota_pair(args, "OTA progress")
        return cls(target, clamp(percent, 0, 100))


@dataclass(frozen=True, slots=True)
class OtaResult:
    """Callback 23: outcome of one module's update phase."""

    target: OtaTarget
    success: bool

    @classmethod
    def from_args(cls, args: Any) -> OtaResult:
        """Parse ``[deviceType, result]``."""
        target, result = _ota_pair(args, "OTA result")
        return cls(target, result != 0)
