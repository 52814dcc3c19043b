"""The firmware parts of an outlet and its faceplate, and which versions they run.

The outlet has two parts, its firmware and its web interface (WWW partition), both
installed by one outlet update (21 [1]); the faceplate has its firmware. Installed
versions come from device info (12) first, which needs no update check; newest
versions only from the update check (20).
"""

from __future__ import annotations

from enum import StrEnum

from .api import OtaTarget
from .const import FACEPLATE_MODEL
from .coordinator import IntecularCoordinator
from .devices import faceplate_model
from .state import DeviceState


class Module(StrEnum):
    """A module that 21 updates: the outlet (both its parts) or the faceplate."""

    OUTLET = "outlet"
    FACEPLATE = "faceplate"

    @property
    def target(self) -> OtaTarget:
        """The target 21 names."""
        return OtaTarget.OUTLET if self is Module.OUTLET else OtaTarget.FACEPLATE

    @property
    def parts(self) -> tuple[Part, ...]:
        """The module's firmware parts, in the order the module installs them."""
        if self is Module.OUTLET:
            return (Part.OUTLET_WEB, Part.OUTLET_FIRMWARE)
        return (Part.FACEPLATE_FIRMWARE,)


class Part(StrEnum):
    """A piece of firmware with its own version (and its own update entity)."""

    OUTLET_FIRMWARE = "outlet_firmware"
    OUTLET_WEB = "outlet_web_interface"
    FACEPLATE_FIRMWARE = "faceplate_firmware"

    @property
    def module(self) -> Module:
        """The module whose update installs this part."""
        return Module.FACEPLATE if self is Part.FACEPLATE_FIRMWARE else Module.OUTLET

    @property
    def phase(self) -> OtaTarget:
        """The 22/23 target that reports this part's download."""
        return {
            Part.OUTLET_FIRMWARE: OtaTarget.OUTLET,
            Part.OUTLET_WEB: OtaTarget.OUTLET_WEB,
            Part.FACEPLATE_FIRMWARE: OtaTarget.FACEPLATE,
        }[self]


def installed_version(part: Part, state: DeviceState) -> str | None:
    """What the part runs: device info (12) first, the update check (20) otherwise."""
    updates = state.updates
    if part is Part.OUTLET_WEB:
        return updates.outlet.web_installed if updates else None
    if part is Part.OUTLET_FIRMWARE:
        return state.info.outlet.fw_rev or (updates.outlet.installed if updates else None)
    face = state.info.faceplate
    if face is not None and face.fw_rev:
        return face.fw_rev
    return updates.faceplate.installed if updates and updates.faceplate else None


def latest_version(part: Part, state: DeviceState) -> str | None:
    """The newest version the outlet offers for the part; None until 20 answered.

    The outlet says "nothing newer" by naming the installed version as available.
    """
    if (updates := state.updates) is None:
        return None
    if part is Part.OUTLET_WEB:
        checked, available = updates.outlet.web_installed, updates.outlet.web_available
    elif part is Part.OUTLET_FIRMWARE:
        checked, available = updates.outlet.installed, updates.outlet.available
    elif updates.faceplate is not None:
        checked, available = updates.faceplate.installed, updates.faceplate.available
    else:
        return None
    if not available or available == checked:
        return installed_version(part, state)
    return available


def outdated(part: Part, state: DeviceState) -> bool:
    """Whether the outlet offers a newer version of the part."""
    latest = latest_version(part, state)
    return latest is not None and latest != installed_version(part, state)


def module_name(module: Module, coordinator: IntecularCoordinator) -> str:
    """The name a user knows the module by: the outlet's title or the faceplate model."""
    if module is Module.OUTLET:
        return coordinator.config_entry.title
    face = coordinator.data.faceplate
    return faceplate_model(face) if face is not None else FACEPLATE_MODEL
