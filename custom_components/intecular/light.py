"""Lights: the Pro's white nightlight and the Aura's two colour LED arrays.

The descriptions, the platform setup and the white nightlight; the colour arrays'
entity is in color_light.py.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Any, NoReturn

from homeassistant.components.light import ATTR_BRIGHTNESS, LightEntity, LightEntityDescription
from homeassistant.components.light.const import ColorMode as LightColorMode
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import light_actions as actions
from .api import Accessory, LightSelector, Nightlight
from .color_light import IntecularColorLight
from .color_math import to_brightness, to_percent
from .coordinator import IntecularConfigEntry, IntecularCoordinator
from .entity import IntecularEntity, IntecularEntityDescription, async_add_when_reported

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class IntecularLightDescription(IntecularEntityDescription, LightEntityDescription):
    """A light of the faceplate: the white nightlight (no selector) or a colour array."""

    selector: LightSelector | None = None
    faceplate: bool = True


LIGHTS: tuple[IntecularLightDescription, ...] = (
    IntecularLightDescription(
        key="nightlight",
        translation_key="nightlight",
        accessory=Accessory.NIGHTLIGHT,
        exists_fn=lambda state: state.nightlight is not None,
        parts=frozenset({"nightlight"}),
    ),
    IntecularLightDescription(
        key="color_nightlight",
        translation_key="nightlight",
        selector=LightSelector.NIGHTLIGHT,
        accessory=Accessory.NIGHTLIGHT,
        exists_fn=lambda state: state.color_light is not None,
        parts=frozenset({"color_light", "indicator_light"}),
    ),
    IntecularLightDescription(
        key="indicator",
        translation_key="indicator",
        selector=LightSelector.INDICATOR,
        entity_registry_enabled_default=False,
        exists_fn=lambda state: state.indicator_light is not None,
        parts=frozenset({"color_light", "indicator_light"}),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntecularConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the faceplate's lights once it reports them (their actions: services.py)."""

    def create(
        coordinator: IntecularCoordinator, description: IntecularLightDescription
    ) -> IntecularEntity:
        if description.selector is None:
            return IntecularNightlight(coordinator, description)
        return IntecularColorLight(coordinator, description)

    async_add_when_reported(entry, async_add_entities, Platform.LIGHT, LIGHTS, create)


class IntecularNightlight(IntecularEntity, LightEntity):
    """The Pro's dimmable white nightlight (callbacks 14 and 15)."""

    entity_description: IntecularLightDescription
    _attr_color_mode = LightColorMode.BRIGHTNESS
    _attr_supported_color_modes = {LightColorMode.BRIGHTNESS}  # noqa: RUF012 - never changed

    @property
    def available(self) -> bool:
        """Available while the faceplate is and its state is known."""
        return super().available and self.coordinator.data.nightlight is not None

    @property
    def is_on(self) -> bool | None:
        """Whether the nightlight is on (the nightlight push, 15)."""
        light = self.coordinator.data.nightlight
        return None if light is None else light.on

    @property
    def brightness(self) -> int | None:
        """Its brightness."""
        light = self.coordinator.data.nightlight
        return None if light is None else to_brightness(light.brightness)

    def _fingerprint(self) -> Hashable:
        return self.coordinator.data.nightlight, self.accessory_name

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on, at the given or the last brightness."""
        light = self.coordinator.data.nightlight
        if ATTR_BRIGHTNESS in kwargs:
            percent = to_percent(kwargs[ATTR_BRIGHTNESS])
        else:
            percent = light.brightness if light is not None and light.brightness else 100
        await self._set(Nightlight(True, percent))

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off; the brightness is kept for the next time."""
        light = self.coordinator.data.nightlight
        await self._set(Nightlight(False, light.brightness if light is not None else 100))

    async def _set(self, light: Nightlight) -> None:
        await self.coordinator.async_command(
            lambda client: client.set_nightlight(light.on, light.brightness),
            lambda state: replace(state, nightlight=light),
        )

    async def async_set_effect(self, **kwargs: Any) -> NoReturn:
        """The white nightlight has no effects."""
        raise actions.invalid("not_a_color_light", entity=self.entity_id)

    async def async_set_led_colors(self, **kwargs: Any) -> NoReturn:
        """The white nightlight has no colours."""
        raise actions.invalid("not_a_color_light", entity=self.entity_id)
