"""Firmware updates of the outlet and its faceplate, as the outlet itself finds them.

The outlet asks Intecular for newer firmware when asked (callback 20), so no cloud
service is needed here (firmware.py keeps the answer current). One entity per install
a user can start: the outlet's (one update command, 21 for target 1, brings both its
firmware and its web interface) and the faceplate's. The outlet's versions name both
parts, "2.4.7 (web 1.2.0)", so that an update of the web interface alone is offered
too, and its release summary says what changes. Installing follows the update until
the module runs its new version (ota.py).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
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
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.translation import async_get_translations

from .api import OtaMethod
from .const import DOMAIN, OUTLET_MODEL
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
from .state import DeviceState

# An install waits for the whole update (minutes, through a reboot); the other
# module's install or a check must not queue behind it (the trackers take turns).
PARALLEL_UPDATES = 0

# The outlet's web interface had an update entity of its own until its firmware's
# entity showed both parts (one install updates both).
REMOVED_KEYS = ("outlet_web_interface",)

# The longest release summary Home Assistant keeps.
SUMMARY_LIMIT = 255


@dataclass(frozen=True, kw_only=True)
class IntecularUpdateDescription(IntecularEntityDescription, UpdateEntityDescription):
    """The firmware of one module (what one install updates)."""

    module: Module


# What the entities show comes from device info (12) and the update check (20); an
# install's progress is told by its tracker, not by the state.
VERSIONS = frozenset({"info", "updates"})

UPDATES = (
    IntecularUpdateDescription(
        key="outlet_firmware",
        translation_key="outlet_firmware",
        device_class=UpdateDeviceClass.FIRMWARE,
        entity_category=EntityCategory.CONFIG,
        module=Module.OUTLET,
        parts=VERSIONS,
    ),
    IntecularUpdateDescription(
        key="faceplate_firmware",
        translation_key="faceplate_firmware",
        device_class=UpdateDeviceClass.FIRMWARE,
        entity_category=EntityCategory.CONFIG,
        module=Module.FACEPLATE,
        faceplate=True,
        parts=VERSIONS,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntecularConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an update entity per module (the check and the installs: the entry's data)."""
    data = entry.runtime_data
    _remove_old_entities(hass, data.coordinator.data.info.outlet.serial)
    texts = await _async_texts(hass)

    def create(
        coordinator: IntecularCoordinator, description: IntecularUpdateDescription
    ) -> IntecularUpdate:
        tracker = data.trackers[description.module]
        return IntecularUpdate(coordinator, description, tracker, data.checker, texts)

    async_add_when_reported(entry, async_add_entities, Platform.UPDATE, UPDATES, create)


def _remove_old_entities(hass: HomeAssistant, serial: str) -> None:
    """Take the entities this version no longer has out of the registry."""
    registry = er.async_get(hass)
    for key in REMOVED_KEYS:
        if entity_id := registry.async_get_entity_id(Platform.UPDATE, DOMAIN, f"{serial}_{key}"):
            registry.async_remove(entity_id)


async def _async_texts(hass: HomeAssistant) -> dict[str, str]:
    """The version and release summary templates, in Home Assistant's language.

    They combine versions, which entity state attributes cannot (their translations
    take no placeholders), so they are formatted here; English fills any gap.
    """
    prefix = f"component.{DOMAIN}.common."
    texts: dict[str, str] = {}
    for language in dict.fromkeys(("en", hass.config.language)):
        found = await async_get_translations(hass, language, "common", {DOMAIN})
        texts.update({k.removeprefix(prefix): v for k, v in found.items() if k.startswith(prefix)})
    return texts


class IntecularUpdate(IntecularEntity, UpdateEntity):
    """Firmware of the outlet (both its parts) or of its faceplate."""

    entity_description: IntecularUpdateDescription
    _attr_supported_features = UpdateEntityFeature.INSTALL | UpdateEntityFeature.PROGRESS

    def __init__(
        self,
        coordinator: IntecularCoordinator,
        description: IntecularUpdateDescription,
        tracker: OtaTracker,
        checker: UpdateChecker,
        texts: dict[str, str],
    ) -> None:
        """Create the entity; ``tracker`` follows its module's installs."""
        super().__init__(coordinator, description)
        self._tracker = tracker
        self._checker = checker
        self._texts = texts

    async def async_added_to_hass(self) -> None:
        """Follow the module's installs."""
        await super().async_added_to_hass()
        self.async_on_remove(self._tracker.add_listener(self._tracker_changed))

    @property
    def _module(self) -> Module:
        return self.entity_description.module

    def _text(self, key: str, **placeholders: str) -> str:
        return self._texts[key].format(**placeholders)

    @property
    def available(self) -> bool:
        """Stays available through the reboot an update causes."""
        return self._tracker.active or super().available

    @property
    def title(self) -> str:
        """The software: "InvisOutlet firmware", "InvisDeco Pro firmware"."""
        if self._module is Module.OUTLET:
            return f"{OUTLET_MODEL} firmware"
        return f"{module_name(Module.FACEPLATE, self.coordinator)} firmware"

    def _shown(self, firmware: str | None, web: str | None) -> str | None:
        """The module's version: its firmware's, and the outlet's web interface's."""
        if firmware is None or web is None:
            return firmware
        return self._text("outlet_version", firmware=firmware, web=web)

    def _version(self, read: Callable[[FirmwarePart, DeviceState], str | None]) -> str | None:
        """The module's version as ``read`` (installed or latest) finds its parts'."""
        state = self.coordinator.data
        if self._module is Module.FACEPLATE:
            return read(FirmwarePart.FACEPLATE_FIRMWARE, state)
        return self._shown(
            read(FirmwarePart.OUTLET_FIRMWARE, state), read(FirmwarePart.OUTLET_WEB, state)
        )

    @property
    def installed_version(self) -> str | None:
        """The version the module runs ("2.4.7 (web 1.2.0)" for the outlet)."""
        return self._version(installed_version)

    @property
    def latest_version(self) -> str | None:
        """The newest version the outlet offers; unknown until it answered."""
        return self._version(latest_version)

    def version_is_newer(self, latest_version: str, installed_version: str) -> bool:
        """Whatever the outlet offers is the newer version (it names no older one)."""
        return is_newer(latest_version, installed_version)

    @property
    def release_summary(self) -> str | None:
        """What the update changes: "Firmware 2.4.7 → 2.5.0, web interface 1.2.0 → 1.3.0"."""
        state = self.coordinator.data
        changes: dict[FirmwarePart, tuple[str, str]] = {}
        for part in self._module.parts:
            installed = installed_version(part, state)
            latest = latest_version(part, state)
            if installed is not None and latest is not None and is_newer(latest, installed):
                changes[part] = (installed, latest)
        firmware = changes.get(FirmwarePart.OUTLET_FIRMWARE) or changes.get(
            FirmwarePart.FACEPLATE_FIRMWARE
        )
        web = changes.get(FirmwarePart.OUTLET_WEB)
        if firmware is not None and web is not None:
            summary = self._text(
                "release_firmware_and_web",
                firmware_installed=firmware[0],
                firmware_latest=firmware[1],
                web_installed=web[0],
                web_latest=web[1],
            )
        elif firmware is not None:
            summary = self._text("release_firmware", installed=firmware[0], latest=firmware[1])
        elif web is not None:
            summary = self._text("release_web", installed=web[0], latest=web[1])
        else:
            return None
        return summary[:SUMMARY_LIMIT]

    @property
    def in_progress(self) -> bool:
        """Installing (or waiting for its turn), until the module runs the new version."""
        return any(self._tracker.installing(part) for part in self._module.parts)

    @property
    def update_percentage(self) -> int | None:
        """Progress of the whole update; none while it waits for its turn."""
        return self._tracker.percentage if self.in_progress else None

    def _fingerprint(self) -> Hashable:
        return (
            self.installed_version,
            self.latest_version,
            self.release_summary,
            self.in_progress,
            self.update_percentage,
            self.title,
        )

    async def async_update(self) -> None:
        """Check for updates: ask the outlet for newer firmware (callback 20) now."""
        await self._checker.async_check()

    async def async_install(self, version: str | None, backup: bool, **kwargs: Any) -> None:
        """Install the newest firmware; returns once the module runs it (or it failed)."""
        method = OtaMethod.VIA_OUTLET
        if self._module is Module.FACEPLATE:
            method = FACEPLATE_METHODS[faceplate_update_method(self.coordinator.config_entry)]
        await self._tracker.async_install(method)

    @callback
    def _tracker_changed(self) -> None:
        self.async_write_now()
