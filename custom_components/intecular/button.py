"""Buttons: restarting and resetting the outlet and its faceplate.

The resets lose settings (or the outlet's place on the network), so they are
disabled until a user enables them on purpose.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Hashable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import (
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import IntecularClient
from .coordinator import Acknowledged, device_command
from .entity import IntecularEntity, IntecularEntityDescription, async_add_when_reported
from .firmware import Module
from .runtime import IntecularConfigEntry, IntecularData

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class IntecularButtonDescription(IntecularEntityDescription, ButtonEntityDescription):
    """A button: the command it sends, and which module it belongs to.

    A button shows no part of the state, only whether it can be pressed: it hears of
    the outlet's (and the faceplate's) availability, not of pushes.
    """

    press_fn: Callable[[IntecularClient], Coroutine[Any, Any, None]]
    parts: frozenset[str] | None = frozenset()
    # What follows an accepted press (the faceplate's restart: watch for its return).
    pressed_fn: Callable[[IntecularData], None] | None = None


BUTTONS: tuple[IntecularButtonDescription, ...] = (
    IntecularButtonDescription(
        key="restart",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda client: client.restart(),
    ),
    IntecularButtonDescription(
        key="restart_faceplate",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda client: client.restart_faceplate(),
        # Nothing announces its return: read device info until it is back.
        pressed_fn=lambda data: data.trackers[Module.FACEPLATE].watch_return(),
        faceplate=True,
    ),
    IntecularButtonDescription(
        key="reset_faceplate",
        translation_key="reset_faceplate",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        press_fn=lambda client: client.reset_faceplate(),
        faceplate=True,
    ),
    IntecularButtonDescription(
        key="reset_network",
        translation_key="reset_network",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        press_fn=lambda client: client.reset_network(),
    ),
    IntecularButtonDescription(
        key="factory_reset",
        translation_key="factory_reset",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        press_fn=lambda client: client.factory_reset(),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntecularConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the outlet's buttons, and the faceplate's when one is fitted."""
    async_add_when_reported(entry, async_add_entities, Platform.BUTTON, BUTTONS, IntecularButton)


class IntecularButton(IntecularEntity, ButtonEntity):
    """A button driven by a description."""

    entity_description: IntecularButtonDescription

    def _fingerprint(self) -> Hashable:
        return None  # a button shows nothing but when it was last pressed

    @device_command
    async def async_press(self) -> Acknowledged:
        """Send the command; it changes nothing the state shows."""
        await self.entity_description.press_fn(self.coordinator.client)
        if (pressed := self.entity_description.pressed_fn) is not None:
            pressed(self.coordinator.config_entry.runtime_data)
        return None
