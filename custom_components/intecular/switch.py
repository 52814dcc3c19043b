"""Switches: the two outlets, and the on/off accessory settings (settings.py)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Hashable
from dataclasses import dataclass
from typing import Any, Final

from homeassistant.components.switch import (
    SwitchDeviceClass,
    SwitchEntity,
    SwitchEntityDescription,
)
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Accessory, IntecularClient, OutletStates
from .coordinator import Acknowledged, device_command
from .entity import IntecularEntity, IntecularEntityDescription, async_add_when_reported
from .runtime import IntecularConfigEntry
from .settings import SWITCH_SETTINGS, Setting, apply_pref, has_pref, pref, write_pref
from .state import DeviceState

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class IntecularSwitchDescription(IntecularEntityDescription, SwitchEntityDescription):
    """A switch: how to read it, how to set it, what the device did once it agreed."""

    is_on_fn: Callable[[DeviceState], bool | None]
    set_fn: Callable[[IntecularClient, DeviceState, bool], Coroutine[Any, Any, None]]
    apply_fn: Callable[[DeviceState, bool], DeviceState] | None = None


def _outlet(number: int) -> IntecularSwitchDescription:
    def apply(state: DeviceState, on: bool) -> DeviceState:
        # Built here (the model's generated constructor): no call into the models.
        outlets = state.outlets
        if number == 1:
            return state.evolve(outlets=OutletStates(on, outlets.outlet_2))
        return state.evolve(outlets=OutletStates(outlets.outlet_1, on))

    return IntecularSwitchDescription(
        key=f"outlet_{number}",
        translation_key="outlet",
        translation_placeholders={"number": str(number)},
        device_class=SwitchDeviceClass.OUTLET,
        # the outlet's own field, read directly: a push calls nothing of the model's
        is_on_fn=(lambda state: state.outlets.outlet_1)
        if number == 1
        else (lambda state: state.outlets.outlet_2),
        # its own outlet's field: a push that switches the other one does not wake it
        parts=frozenset({f"outlets.outlet_{number}"}),
        set_fn=lambda client, _, on: client.set_outlet(number, on),
        apply_fn=apply,
        accessory=Accessory(number),
    )


# Settings a user sets once, if ever: there, but disabled until enabled on purpose.
# What stays enabled is what a user switches or automates (touch control as a child
# lock, the indicators at night, the nightlight's modes, away simulation and its alert).
DISABLED_BY_DEFAULT: Final = frozenset(
    {
        "magic_touch",
        "air_quality_color",
        "nightlight_override",
        "away_simulation_outlet_1",
        "away_simulation_outlet_2",
        "away_simulation_nightlight",
    }
)


def _setting(setting: Setting) -> IntecularSwitchDescription:
    """An on/off accessory setting (settings.py)."""
    path = setting.path
    return IntecularSwitchDescription(
        key=setting.key,
        translation_key=setting.name_key,
        translation_placeholders=setting.placeholders,
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=setting.key not in DISABLED_BY_DEFAULT,
        is_on_fn=lambda state: None if (value := pref(state, path)) is None else value != 0,
        set_fn=lambda client, _, on: write_pref(client, path, int(on)),
        apply_fn=lambda state, on: apply_pref(state, path, int(on)),
        exists_fn=has_pref(path),
        parts=frozenset({"config"}),
        faceplate=setting.faceplate,
    )


SWITCHES: tuple[IntecularSwitchDescription, ...] = (
    _outlet(1),
    _outlet(2),
    *(_setting(setting) for setting in SWITCH_SETTINGS),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntecularConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the switches this outlet has (settings once the outlet reports them)."""
    async_add_when_reported(entry, async_add_entities, Platform.SWITCH, SWITCHES, IntecularSwitch)


class IntecularSwitch(IntecularEntity, SwitchEntity):
    """A switch driven by a description."""

    entity_description: IntecularSwitchDescription

    def _fingerprint(self) -> Hashable:
        """Whether the device reports it on, set for Home Assistant to read."""
        self._attr_is_on = on = self.entity_description.is_on_fn(self.coordinator.data)
        return on

    @device_command
    async def async_turn_on(self, **kwargs: Any) -> Acknowledged:
        """Switch on."""
        return await self._switch(True)

    @device_command
    async def async_turn_off(self, **kwargs: Any) -> Acknowledged:
        """Switch off."""
        return await self._switch(False)

    async def _switch(self, on: bool) -> Acknowledged:
        """Set the switch; what the outlet then did, once it acknowledged."""
        description = self.entity_description
        coordinator = self.coordinator
        await description.set_fn(coordinator.client, coordinator.data, on)
        if (apply_fn := description.apply_fn) is None:
            return None
        return lambda state: apply_fn(state, on)
