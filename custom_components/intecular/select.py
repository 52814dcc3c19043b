"""Selects: how the faceplate receives its firmware.

The faceplate downloads an update over its own Wi-Fi, or has the outlet hand it
over. The choice is Home Assistant's (kept in the entry's options) and applies to
the next install of the faceplate's update entity.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_FACEPLATE_UPDATE_METHOD
from .entity import IntecularEntity, IntecularEntityDescription, async_add_when_reported
from .firmware import FACEPLATE_METHODS, faceplate_update_method
from .runtime import IntecularConfigEntry

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class IntecularSelectDescription(IntecularEntityDescription, SelectEntityDescription):
    """A select of this integration."""


FACEPLATE_UPDATE_METHOD = IntecularSelectDescription(
    key="faceplate_update_method",
    translation_key="faceplate_update_method",
    entity_category=EntityCategory.CONFIG,
    # Needed only when an update over the faceplate's own Wi-Fi fails.
    entity_registry_enabled_default=False,
    options=list(FACEPLATE_METHODS),
    faceplate=True,
    # Its choice is kept in the entry's options: no part of the outlet's state shows it.
    parts=frozenset(),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntecularConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the update method select when a faceplate is fitted."""
    async_add_when_reported(
        entry,
        async_add_entities,
        Platform.SELECT,
        [FACEPLATE_UPDATE_METHOD],
        FaceplateUpdateMethodSelect,
    )


class FaceplateUpdateMethodSelect(IntecularEntity, SelectEntity):
    """Which way the faceplate gets its firmware (callback 21, second argument)."""

    entity_description: IntecularSelectDescription

    @property
    def available(self) -> bool:
        """A choice of Home Assistant's: available while the outlet is."""
        return self.coordinator.last_update_success

    @property
    def current_option(self) -> str:
        """The method the next faceplate update uses."""
        return faceplate_update_method(self.coordinator.config_entry)

    def _fingerprint(self) -> Hashable:
        return self.current_option

    async def async_select_option(self, option: str) -> None:
        """Remember the method for the next update."""
        entry = self.coordinator.config_entry
        self.hass.config_entries.async_update_entry(
            entry, options={**entry.options, CONF_FACEPLATE_UPDATE_METHOD: option}
        )
        self.async_write_now()
