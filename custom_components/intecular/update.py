"""Firmware updates of the outlet and its faceplate, as the outlet itself finds them.

The outlet asks Intecular for newer firmware when asked (callback 20), so no cloud
service is needed here (firmware.py keeps the answer current). Each firmware part
has its own entity with plain version strings: the outlet's firmware, its web
interface (installed by the same outlet update, command 21 for target 1) and the
faceplate's firmware.
Installing follows the update until the part runs its new version (ota.py).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityDescription,
    UpdateEntityFeature,
)
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import OtaMethod
from .const import OUTLET_MODEL
from .coordinator import IntecularCoordinator
from .entity import IntecularEntity, IntecularEntityDescription, async_add_when_reported
from .firmware import (
    FACEPLATE_METHODS,
    FirmwarePart,
    Module,
    UpdateChecker,
    faceplate_update_method,
    installed_version,
    is_newer,
    latest_version,
    module_name,
)
from .ota import OtaTracker
from .runtime import IntecularConfigEntry

# An install waits for the whole update (minutes, through a reboot); a second entity's
# install or check must not queue behind it. The outlet runs one update at a time;
# both outlet entities follow (and join) the same one.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class IntecularUpdateDescription(IntecularEntityDescription, UpdateEntityDescription):
    """The firmware of one part."""

    part: FirmwarePart


UPDATES = (
    IntecularUpdateDescription(
        key="outlet_firmware",
        translation_key="outlet_firmware",
        device_class=UpdateDeviceClass.FIRMWARE,
        entity_category=EntityCategory.CONFIG,
        part=FirmwarePart.OUTLET_FIRMWARE,
    ),
    IntecularUpdateDescription(
        key="outlet_web_interface",
        translation_key="outlet_web_interface",
        device_class=UpdateDeviceClass.FIRMWARE,
        entity_category=EntityCategory.CONFIG,
        part=FirmwarePart.OUTLET_WEB,
    ),
    IntecularUpdateDescription(
        key="faceplate_firmware",
        translation_key="faceplate_firmware",
        device_class=UpdateDeviceClass.FIRMWARE,
        entity_category=EntityCategory.CONFIG,
        part=FirmwarePart.FACEPLATE_FIRMWARE,
        faceplate=True,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntecularConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a firmware entity per part (the check and the installs: the entry's data)."""
    data = entry.runtime_data

    def create(
        coordinator: IntecularCoordinator, description: IntecularUpdateDescription
    ) -> IntecularUpdate:
        tracker = data.trackers[description.part.module]
        return IntecularUpdate(coordinator, description, tracker, data.checker)

    async_add_when_reported(entry, async_add_entities, Platform.UPDATE, UPDATES, create)


class IntecularUpdate(IntecularEntity, UpdateEntity):
    """Firmware of one part of the outlet or of its faceplate."""

    entity_description: IntecularUpdateDescription
    _attr_supported_features = UpdateEntityFeature.INSTALL | UpdateEntityFeature.PROGRESS

    def __init__(
        self,
        coordinator: IntecularCoordinator,
        description: IntecularUpdateDescription,
        tracker: OtaTracker,
        checker: UpdateChecker,
    ) -> None:
        """Create the entity; ``tracker`` follows its module's installs."""
        super().__init__(coordinator, description)
        self._tracker = tracker
        self._checker = checker

    async def async_added_to_hass(self) -> None:
        """Follow the module's installs."""
        await super().async_added_to_hass()
        self.async_on_remove(self._tracker.add_listener(self._tracker_changed))

    @property
    def _part(self) -> FirmwarePart:
        return self.entity_description.part

    @property
    def available(self) -> bool:
        """Stays available through the reboot an update causes."""
        return self._tracker.active or super().available

    @property
    def title(self) -> str:
        """The software: "InvisOutlet firmware", "InvisDeco Pro firmware"."""
        if self._part is FirmwarePart.OUTLET_WEB:
            return f"{OUTLET_MODEL} web interface"
        if self._part is FirmwarePart.OUTLET_FIRMWARE:
            return f"{OUTLET_MODEL} firmware"
        return f"{module_name(Module.FACEPLATE, self.coordinator)} firmware"

    @property
    def installed_version(self) -> str | None:
        """The version the part runs."""
        return installed_version(self._part, self.coordinator.data)

    @property
    def latest_version(self) -> str | None:
        """The newest version the outlet offers; unknown until it answered."""
        return latest_version(self._part, self.coordinator.data)

    def version_is_newer(self, latest_version: str, installed_version: str) -> bool:
        """Whatever the outlet offers is the newer version (it names no older one)."""
        return is_newer(latest_version, installed_version)

    @property
    def in_progress(self) -> bool:
        """Installing, through the module's reboot until it reports the new version."""
        return self._tracker.installing(self._part)

    @property
    def update_percentage(self) -> int | None:
        """Progress of the whole update."""
        return self._tracker.percentage if self.in_progress else None

    def _fingerprint(self) -> Hashable:
        return (
            self.installed_version,
            self.latest_version,
            self.in_progress,
            self.update_percentage,
            self.title,
        )

    async def async_update(self) -> None:
        """Check for updates: ask the outlet for newer firmware (callback 20) now."""
        await self._checker.async_check()

    async def async_install(self, version: str | None, backup: bool, **kwargs: Any) -> None:
        """Install the newest firmware; returns once the part runs it (or it failed)."""
        method = OtaMethod.VIA_OUTLET
        if self._part.module is Module.FACEPLATE:
            method = FACEPLATE_METHODS[faceplate_update_method(self.coordinator.config_entry)]
        await self._tracker.async_install(method)

    @callback
    def _tracker_changed(self) -> None:
        self.async_write_now()
