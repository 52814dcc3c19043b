"""Text entities: the names of the outlets and the nightlight, as the vendor app shows them.

A rename here reads the names (callback 3), writes the list with only this name
changed (callback 4, the full list) and reads it back; a rename in the app reaches Home
Assistant when the names are next read (callback 3 is never pushed): after every
reconnect or restart announcement, and every ``NAMES_REFRESH_INTERVAL``.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Final

from homeassistant.components.text import TextEntity, TextEntityDescription
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Accessory, AccessoryNames, IntecularError
from .const import LOGGER
from .coordinator import Acknowledged, device_command
from .entity import IntecularEntity, IntecularEntityDescription, async_add_when_reported
from .runtime import IntecularConfigEntry
from .state import DeviceState

PARALLEL_UPDATES = 1

# Name limits are undocumented; the vendor app's labels are short. Longer names are
# refused here rather than cut short by the outlet.
NAME_MAX_LENGTH: Final = 32


@dataclass(frozen=True, kw_only=True)
class IntecularNameDescription(IntecularEntityDescription, TextEntityDescription):
    """The name of one accessory (callbacks 3 and 4).

    The outlet stores the names, so they stay readable and writable while the faceplate
    is away: the nightlight's lives with the faceplate but does not need it.
    """

    named: Accessory
    needs_faceplate: bool | None = False
    parts: frozenset[str] | None = frozenset({"names"})


NAMES: tuple[IntecularNameDescription, ...] = (
    IntecularNameDescription(
        key="outlet_1_name",
        translation_key="outlet_name",
        translation_placeholders={"number": "1"},
        named=Accessory.OUTLET_1,
    ),
    IntecularNameDescription(
        key="outlet_2_name",
        translation_key="outlet_name",
        translation_placeholders={"number": "2"},
        named=Accessory.OUTLET_2,
    ),
    IntecularNameDescription(
        key="nightlight_name",
        translation_key="nightlight_name",
        named=Accessory.NIGHTLIGHT,
        faceplate=True,
    ),
)


def is_named(description: IntecularNameDescription, state: DeviceState) -> bool:
    """Whether the outlet reports a name for this accessory."""
    return state.names is not None and description.named in state.names.names


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntecularConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a name entity for every accessory the outlet names."""
    async_add_when_reported(
        entry,
        async_add_entities,
        Platform.TEXT,
        NAMES,
        IntecularNameText,
        exists=is_named,
        reads=frozenset({"names"}),
    )


class IntecularNameText(IntecularEntity, TextEntity):
    """The user-given name of an outlet or the nightlight."""

    entity_description: IntecularNameDescription
    _attr_entity_category = EntityCategory.CONFIG
    # Renamed once, usually in the vendor app: disabled until a user enables it.
    _attr_entity_registry_enabled_default = False
    _attr_native_min = 1
    _attr_native_max = NAME_MAX_LENGTH

    @property
    def native_value(self) -> str | None:
        """The name as the outlet stores it; cut to fit, unknown when empty.

        A name set in the vendor app may be longer than this entity takes, or empty;
        Home Assistant would refuse to show either.
        """
        names = self.coordinator.data.names
        name = None if names is None else names.names.get(self.entity_description.named)
        return name[:NAME_MAX_LENGTH] if name else None

    def _fingerprint(self) -> Hashable:
        return self.native_value

    @device_command
    async def async_set_value(self, value: str) -> Acknowledged:
        """Rename: read the names now, change only this one, write the list, read it back.

        The names are never pushed, so the cached list may miss a rename made in the
        vendor app since it was read; sending it would undo that rename. What the
        outlet holds afterwards is what it read back; once it acknowledged the list, a
        read-back that fails leaves the list it acknowledged (it holds the new name, and
        the next read of the names corrects anything else).
        """
        client = self.coordinator.client
        current = await client.get_accessory_names()
        new = AccessoryNames({**current.names, self.entity_description.named: value})
        await client.set_accessory_names(new)
        try:
            stored = await client.get_accessory_names()
        except IntecularError as err:
            LOGGER.debug("Reading the names back after a rename failed: %s", err)
            stored = new
        return lambda state: replace(state, names=stored)
