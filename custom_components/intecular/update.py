"""Firmware updates of the outlet and its faceplate, as the outlet itself finds them.

The outlet asks Intecular for newer firmware when asked (callback 20), so no cloud
service is needed here: 20 is read at setup, after every reconnect, every few hours
and when the user checks for updates. Installing follows the update through the
module's reboot until it reports the new version (ota.py).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityDescription,
    UpdateEntityFeature,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.translation import async_get_cached_translations
from homeassistant.util import dt as dt_util

from .api import OtaMethod
from .const import DOMAIN, LOGGER
from .coordinator import IntecularConfigEntry, IntecularCoordinator
from .entity import IntecularEntity
from .ota import (
    FACEPLATE_METHODS,
    Module,
    OtaTracker,
    Versions,
    async_check_for_updates,
    faceplate_update_method,
    installed_versions,
    latest_versions,
)

# An install waits for the whole update (minutes, through a reboot); a second entity's
# install or check must not queue behind it. The outlet runs one update at a time and
# refuses another, which the entity reports.
PARALLEL_UPDATES = 0

# The outlet is asked for newer firmware this often (also after every reconnect).
UPDATE_CHECK_INTERVAL = timedelta(hours=3)


@dataclass(frozen=True, kw_only=True)
class IntecularUpdateDescription(UpdateEntityDescription):
    """The firmware of one module."""

    module: Module


UPDATES = (
    IntecularUpdateDescription(
        key="outlet_firmware",
        translation_key="outlet_firmware",
        device_class=UpdateDeviceClass.FIRMWARE,
        entity_category=EntityCategory.CONFIG,
        module=Module.OUTLET,
    ),
    IntecularUpdateDescription(
        key="faceplate_firmware",
        translation_key="faceplate_firmware",
        device_class=UpdateDeviceClass.FIRMWARE,
        entity_category=EntityCategory.CONFIG,
        module=Module.FACEPLATE,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntecularConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a firmware entity per module and check for new firmware every few hours."""
    coordinator = entry.runtime_data
    async_add_entities(
        IntecularUpdate(coordinator, description)
        for description in UPDATES
        if description.module is Module.OUTLET or coordinator.has_faceplate
    )

    async def check(_now: datetime) -> None:
        try:
            await async_check_for_updates(coordinator)
        except HomeAssistantError as err:
            LOGGER.debug("Checking %s for firmware failed: %s", coordinator.client.host, err)

    entry.async_on_unload(
        async_track_time_interval(
            hass, check, UPDATE_CHECK_INTERVAL, name=f"{DOMAIN} firmware check"
        )
    )
    # A check follows loading, every reconnect and every change of device info (a
    # restart, a faceplate back); none is part of them, as 20 may be slow.
    entry.async_create_task(hass, check(dt_util.utcnow()), f"{DOMAIN} firmware check")
    seen = (coordinator.reconnects, coordinator.data.info)

    @callback
    def _check_after_changes() -> None:
        nonlocal seen
        if (now := (coordinator.reconnects, coordinator.data.info)) != seen:
            seen = now
            entry.async_create_task(hass, check(dt_util.utcnow()), f"{DOMAIN} firmware check")

    entry.async_on_unload(coordinator.async_add_listener(_check_after_changes))


def _outlet_version(versions: Versions) -> str | None:
    """The outlet's firmware and web firmware as one version: "2.4.7 / www 1.2.0"."""
    firmware, web = versions
    if firmware is None:
        return None
    return firmware if web is None else f"{firmware} / www {web}"


class IntecularUpdate(IntecularEntity, UpdateEntity):
    """Firmware of the outlet or of its faceplate."""

    entity_description: IntecularUpdateDescription
    _attr_supported_features = UpdateEntityFeature.INSTALL | UpdateEntityFeature.PROGRESS

    def __init__(
        self, coordinator: IntecularCoordinator, description: IntecularUpdateDescription
    ) -> None:
        """Create the entity and the tracker that follows its installs."""
        faceplate = description.module is Module.FACEPLATE
        super().__init__(coordinator, description, faceplate=faceplate)
        self._tracker = OtaTracker(
            coordinator.hass, coordinator, description.module, self._tracker_changed
        )

    async def async_added_to_hass(self) -> None:
        """Follow OTA pushes; stop following when removed."""
        await super().async_added_to_hass()
        self.async_on_remove(self.coordinator.add_push_listener(self._tracker.handle_push))
        self.async_on_remove(self._tracker.shutdown)

    @property
    def _module(self) -> Module:
        return self.entity_description.module

    @property
    def available(self) -> bool:
        """Stays available through the reboot an update causes."""
        return self._tracker.active or super().available

    def _versions(self) -> tuple[Versions, Versions | None]:
        state = self.coordinator.data
        return installed_versions(self._module, state), latest_versions(self._module, state)

    @property
    def installed_version(self) -> str | None:
        """The firmware the module runs."""
        installed = installed_versions(self._module, self.coordinator.data)
        return _outlet_version(installed) if self._module is Module.OUTLET else installed[0]

    @property
    def latest_version(self) -> str | None:
        """The newest firmware the outlet offers for the module."""
        installed, latest = self._versions()
        if latest is None or latest[0] is None:
            return None
        if self._module is Module.FACEPLATE:
            return latest[0]
        # A part the outlet offers nothing newer for stays as installed.
        firmware, web = (new or old for new, old in zip(latest, installed, strict=True))
        return _outlet_version((firmware, web))

    def version_is_newer(self, latest_version: str, installed_version: str) -> bool:
        """Newer when any part differs from what the outlet reports as newest.

        The outlet says "no update" by reporting the installed version as available.
        """
        installed, latest = self._versions()
        if latest is None:
            return False
        return any(
            new is not None and new != old for new, old in zip(latest, installed, strict=True)
        )

    @property
    def release_summary(self) -> str | None:
        """Which part of the outlet is out of date (firmware, web interface or both)."""
        installed, latest = self._versions()
        if self._module is not Module.OUTLET or latest is None:
            return None
        texts = async_get_cached_translations(
            self.hass, self.hass.config.language, "entity", DOMAIN
        )
        prefix = f"component.{DOMAIN}.entity.update.outlet_firmware.state_attributes"
        lines = [
            texts.get(f"{prefix}.release_summary.state.{part}", "{installed} → {latest}").format(
                installed=old or "?", latest=new
            )
            for part, new, old in zip(("firmware", "web"), latest, installed, strict=True)
            if new is not None and new != old
        ]
        return "\n".join(lines) or None

    @property
    def in_progress(self) -> bool:
        """Installing, through the module's reboot until it reports the new version."""
        return self._tracker.active

    @property
    def update_percentage(self) -> int | None:
        """Progress of the whole update."""
        return self._tracker.percentage

    def _fingerprint(self) -> Hashable:
        return (
            self.installed_version,
            self.latest_version,
            self.in_progress,
            self.update_percentage,
        )

    async def async_update(self) -> None:
        """Check for updates: ask the outlet for newer firmware (callback 20)."""
        try:
            await async_check_for_updates(self.coordinator)
        except HomeAssistantError as err:
            # Home Assistant logs a failed update with a traceback; one line says it all.
            LOGGER.warning("Checking %s for new firmware failed: %s", self.entity_id, err)

    async def async_install(self, version: str | None, backup: bool, **kwargs: Any) -> None:
        """Install the newest firmware; returns once the module runs it."""
        method = OtaMethod.VIA_OUTLET
        if self._module is Module.FACEPLATE:
            method = FACEPLATE_METHODS[faceplate_update_method(self.coordinator.config_entry)]
        await self._tracker.async_install(method)

    @callback
    def _handle_coordinator_update(self) -> None:
        """Notice the module reporting its new version."""
        self._tracker.handle_state(self.coordinator.data)
        super()._handle_coordinator_update()

    @callback
    def _tracker_changed(self) -> None:
        self._written = (self.available, self._fingerprint())
        self.async_write_ha_state()
