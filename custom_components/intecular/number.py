"""Numbers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Hashable
from dataclasses import dataclass, replace
from typing import Any

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import EntityCategory, Platform, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import IntecularClient
from .api.protocol import EFFECT_SPEED_MAX
from .coordinator import Acknowledged, device_command
from .entity import IntecularEntity, IntecularEntityDescription, async_add_when_reported
from .runtime import IntecularConfigEntry
from .settings import (
    NUMBER_SETTINGS,
    NumberSetting,
    apply_pref,
    check_pair,
    has_pref,
    pref,
    write_pref,
)
from .state import DeviceState

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class IntecularNumberDescription(IntecularEntityDescription, NumberEntityDescription):
    """A number: how to read and set it, and what the device did once it agreed."""

    value_fn: Callable[[DeviceState], float | None]
    set_fn: Callable[[IntecularClient, DeviceState, float], Coroutine[Any, Any, None]]
    apply_fn: Callable[[DeviceState, float], DeviceState] | None = None


def _setting(setting: NumberSetting) -> IntecularNumberDescription:
    """A numeric accessory setting (settings.py)."""
    path = setting.path

    async def set_value(client: IntecularClient, state: DeviceState, value: float) -> None:
        if setting.pair is not None:  # check against the configuration as it is now
            state = replace(state, config=await client.get_config())
        check_pair(setting, state, round(value))
        await write_pref(client, path, round(value))

    # Brightness ranges and away-simulation timings are set once, if ever: disabled
    # until a user enables them.
    return IntecularNumberDescription(
        key=setting.key,
        translation_key=setting.name_key,
        translation_placeholders=setting.placeholders,
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        device_class=NumberDeviceClass.DURATION if setting.unit == UnitOfTime.MINUTES else None,
        native_min_value=setting.minimum,
        native_max_value=setting.maximum,
        native_step=1,
        native_unit_of_measurement=setting.unit,
        mode=NumberMode.SLIDER if setting.slider else NumberMode.BOX,
        value_fn=lambda state: pref(state, path),
        set_fn=set_value,
        apply_fn=lambda state, value: apply_pref(state, path, round(value)),
        exists_fn=has_pref(path),
        parts=frozenset({"config"}),
        faceplate=setting.faceplate,
    )


async def _set_effect_speed(client: IntecularClient, state: DeviceState, value: float) -> None:
    """Send the Aura array as it is, at the new speed (kept for effects started later)."""
    if state.color_light is not None:
        await client.set_color_light(replace(state.color_light, speed=round(value)))


def _apply_effect_speed(state: DeviceState, value: float) -> DeviceState:
    if state.color_light is None:
        return state
    return state.with_color_array(replace(state.color_light, speed=round(value)))


EFFECT_SPEED = IntecularNumberDescription(
    key="effect_speed",
    translation_key="effect_speed",
    entity_category=EntityCategory.CONFIG,
    native_min_value=0,
    native_max_value=EFFECT_SPEED_MAX,
    native_step=1,
    mode=NumberMode.SLIDER,
    value_fn=lambda state: None if state.color_light is None else state.color_light.speed,
    set_fn=_set_effect_speed,
    apply_fn=_apply_effect_speed,
    exists_fn=lambda state: state.color_light is not None,
    parts=frozenset({"color_light"}),
    faceplate=True,
)

NUMBERS: tuple[IntecularNumberDescription, ...] = (
    *(_setting(setting) for setting in NUMBER_SETTINGS),
    EFFECT_SPEED,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntecularConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the numbers this outlet has (faceplate ones once it reports them)."""
    async_add_when_reported(entry, async_add_entities, Platform.NUMBER, NUMBERS, IntecularNumber)


class IntecularNumber(IntecularEntity, NumberEntity):
    """A number driven by a description."""

    entity_description: IntecularNumberDescription

    @property
    def native_value(self) -> float | None:
        """The current value, clamped into the entity's range (whatever the outlet says)."""
        value = self.entity_description.value_fn(self.coordinator.data)
        if value is None:
            return None
        return min(self.native_max_value, max(self.native_min_value, value))

    def _fingerprint(self) -> Hashable:
        return self.native_value

    @device_command
    async def async_set_native_value(self, value: float) -> Acknowledged:
        """Send the new value to the outlet; what it then did, once it acknowledged."""
        description = self.entity_description
        coordinator = self.coordinator
        await description.set_fn(coordinator.client, coordinator.data, value)
        if (apply_fn := description.apply_fn) is None:
            return None
        return lambda state: apply_fn(state, value)
