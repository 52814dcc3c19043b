"""Lights: the Pro's white nightlight and the Aura's two colour LED arrays."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Any, NoReturn

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_HS_COLOR,
    EFFECT_OFF,
    LightEntity,
    LightEntityDescription,
)
from homeassistant.components.light.const import ColorMode as LightColorMode, LightEntityFeature
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import ExtraStoredData, RestoreEntity

from . import color_math, light_actions as actions
from .api import (
    Accessory,
    ColorLed,
    ColorLight,
    ColorMode,
    FrameError,
    LightSelector,
    Nightlight,
)
from .color_math import to_brightness, to_percent
from .const import DOMAIN
from .coordinator import Acknowledged, IntecularCoordinator, device_command
from .entity import IntecularEntity, IntecularEntityDescription, async_add_when_reported
from .runtime import IntecularConfigEntry

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
        key=actions.COLOR_NIGHTLIGHT_KEY,
        translation_key="nightlight",
        selector=LightSelector.NIGHTLIGHT,
        accessory=Accessory.NIGHTLIGHT,
        exists_fn=lambda state: state.color_light is not None,
        parts=frozenset({"color_light", "indicator_light"}),
    ),
    IntecularLightDescription(
        key=actions.INDICATOR_KEY,
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
        return self.coordinator.data.nightlight

    @device_command
    async def async_turn_on(self, **kwargs: Any) -> Acknowledged:
        """Switch on, at the given or the last brightness."""
        light = self.coordinator.data.nightlight
        if ATTR_BRIGHTNESS in kwargs:
            percent = to_percent(kwargs[ATTR_BRIGHTNESS])
        else:
            percent = light.brightness if light is not None and light.brightness else 100
        return await self._send(Nightlight(True, percent))

    @device_command
    async def async_turn_off(self, **kwargs: Any) -> Acknowledged:
        """Switch off; the brightness is kept for the next time."""
        light = self.coordinator.data.nightlight
        return await self._send(Nightlight(False, light.brightness if light is not None else 100))

    async def _send(self, light: Nightlight) -> Acknowledged:
        """Set the nightlight; once acknowledged, it shows ``light``."""
        await self.coordinator.client.set_nightlight(light.on, light.brightness)
        return lambda state: replace(state, nightlight=light)

    async def async_set_effect(self, **kwargs: Any) -> NoReturn:
        """The white nightlight has no effects."""
        raise actions.invalid("not_a_color_light", entity=self.entity_id)

    async def async_set_led_colors(self, **kwargs: Any) -> NoReturn:
        """The white nightlight has no colours."""
        raise actions.invalid("not_a_color_light", entity=self.entity_id)


@dataclass(slots=True)
class _LastLit(ExtraStoredData):
    """The last lit state of an array, so turning it on restores it after a restart."""

    args: list[Any] | None

    def as_dict(self) -> dict[str, Any]:
        return {"last_lit": self.args}


class IntecularColorLight(IntecularEntity, LightEntity, RestoreEntity):
    """An Aura colour array: colour, colour temperature and on-device effects."""

    entity_description: IntecularLightDescription
    _attr_supported_features = LightEntityFeature.EFFECT
    _attr_min_color_temp_kelvin = color_math.KELVIN_WARMEST
    _attr_max_color_temp_kelvin = color_math.KELVIN_COOLEST

    def __init__(
        self,
        coordinator: IntecularCoordinator,
        description: IntecularLightDescription,
    ) -> None:
        """Create the light for one array (selector 5 or 7)."""
        if description.selector is None:
            raise ValueError("a colour array's description names its selector")
        self._selector = description.selector
        super().__init__(coordinator, description)
        self._attr_supported_color_modes = {LightColorMode.HS, LightColorMode.COLOR_TEMP}
        self._attr_effect_list = [EFFECT_OFF, *color_math.EFFECT_MODES]
        self._seen: ColorLight | None = None
        self._look: color_math.Look | None = None
        self._last_lit: ColorLight | None = None
        self._remember_lit()

    # --- state -----------------------------------------------------------------------

    def _array(self) -> ColorLight | None:
        return self.coordinator.data.color_array(self._selector)

    def _current(self) -> color_math.Look | None:
        """The array as shown; recomputed only when the device reported a change."""
        light = self._array()
        if light is not self._seen:
            self._seen = light
            self._look = None if light is None else color_math.look(light)
        return self._look

    @property
    def available(self) -> bool:
        """Available while the faceplate is and the array's state is known."""
        return super().available and self._array() is not None

    @property
    def is_on(self) -> bool | None:
        """Whether any LED is lit."""
        return None if (now := self._current()) is None else now.is_on

    @property
    def brightness(self) -> int | None:
        """The brightest LED (random colours: their brightness)."""
        return None if (now := self._current()) is None else to_brightness(now.brightness)

    @property
    def color_mode(self) -> LightColorMode | None:
        """Colour temperature, colour, or brightness only for colour-less effects."""
        return None if (now := self._current()) is None else now.color_mode

    @property
    def hs_color(self) -> tuple[float, float] | None:
        """The colour of the first lit LED."""
        return None if (now := self._current()) is None else now.hs

    @property
    def color_temp_kelvin(self) -> int | None:
        """The colour temperature of the first lit LED."""
        return None if (now := self._current()) is None else now.kelvin

    @property
    def effect(self) -> str | None:
        """The effect the device runs, whoever started it."""
        return None if (now := self._current()) is None else now.effect

    def _fingerprint(self) -> Hashable:
        return self._current()

    def _remember_lit(self) -> None:
        if (light := self._array()) is not None and light.is_on:
            self._last_lit = light

    @callback
    def _handle_coordinator_update(self) -> None:
        self._remember_lit()
        super()._handle_coordinator_update()

    async def async_added_to_hass(self) -> None:
        """Recall the last lit state from before a restart."""
        await super().async_added_to_hass()
        if self._last_lit is not None or (data := await self.async_get_last_extra_data()) is None:
            return
        try:
            light = ColorLight.from_args(data.as_dict().get("last_lit"))
        except FrameError:
            return
        if light.selector == self._selector:
            self._last_lit = light

    @property
    def extra_restore_state_data(self) -> _LastLit:
        """Stored across restarts: the last lit state."""
        return _LastLit(None if self._last_lit is None else self._last_lit.to_args())

    # --- commands --------------------------------------------------------------------

    def _now(self) -> ColorLight:
        if (light := self._array()) is None:
            raise HomeAssistantError(translation_domain=DOMAIN, translation_key="light_unknown")
        return light

    def _base(self, current: ColorLight) -> ColorLight:
        """What to start from: the array if lit, else what it showed when last lit."""
        if current.is_on:
            return current
        return self._last_lit or color_math.lit_again(current)

    @device_command
    async def async_turn_on(self, **kwargs: Any) -> Acknowledged:
        """Light the array; without arguments as it last was (colour or effect)."""
        current = self._now()
        base = self._base(current)
        level = color_math.look(base).brightness or 100
        command = base
        if (name := kwargs.get(ATTR_EFFECT)) is not None and name != color_math.look(base).effect:
            command = self._effect_command(current, base, name, level)
        hs = kwargs.get(ATTR_HS_COLOR)
        kelvin = kwargs.get(ATTR_COLOR_TEMP_KELVIN)
        mode = command.color_mode
        effect_on = mode is not None and mode.is_effect
        if effect_on and mode is not ColorMode.RAINBOW:
            # A colour for the running effect (effects take colours, not temperatures).
            if kelvin is not None:
                hs = color_math.kelvin_hs(color_math.clamp_kelvin(kelvin))
            if hs is not None:
                command = color_math.recolored(command, hs)
        elif effect_on and name is not None:
            pass  # rainbow was asked for: it has no colour to set
        elif kelvin is not None:
            command = color_math.static_kelvin(self._selector, current, kelvin, level)
        elif hs is not None:
            command = color_math.static_hs(self._selector, current, hs, level)
        if ATTR_BRIGHTNESS in kwargs:
            command = color_math.with_brightness(command, to_percent(kwargs[ATTR_BRIGHTNESS]))
        return await self._send(command)

    def _effect_command(
        self, current: ColorLight, base: ColorLight, name: str, level: int
    ) -> ColorLight:
        if name == EFFECT_OFF:
            first = color_math.colors_of(base)
            hs = (first[0].hue or 0, first[0].saturation or 0) if first else color_math.WHITE
            return color_math.static_hs(self._selector, current, hs, level)
        mode = actions.effect_mode(name)
        return color_math.effect(
            self._selector,
            mode,
            color_math.effect_colors(base, mode),
            speed=current.speed if current.speed is not None else color_math.DEFAULT_SPEED,
            random=bool(base.random) and bool(base.color_mode and base.color_mode.is_effect),
            brightness=level,
        )

    @device_command
    async def async_turn_off(self, **kwargs: Any) -> Acknowledged:
        """Switch every LED off (the device keeps the colours)."""
        return await self._send(color_math.turned_off(self._selector, self._now()))

    async def _send(self, command: ColorLight) -> Acknowledged:
        """Send a command; once acknowledged, the array shows it (unless it reported since)."""
        await self.coordinator.client.set_color_light(command)
        return lambda state: state.with_color_array(command)

    # --- actions ---------------------------------------------------------------------

    # Each action checks its input first, then runs as a command: bad input gets its own
    # error at once, not after the wait for the link.

    async def async_set_effect(
        self,
        *,
        effect: str,
        rgb_colors: Sequence[Any] | None = None,
        hs_colors: Sequence[Any] | None = None,
        speed: float | None = None,
        random_colors: bool = False,
        brightness_pct: float | None = None,
    ) -> None:
        """Run an on-device effect with the given (or the current) colours."""
        mode = actions.effect_mode(effect)
        given = actions.colors(rgb_colors, hs_colors)
        if given is not None:
            actions.check_effect_colors(mode, given)
        await self._run_effect(
            mode, given, actions.speed(speed), random_colors, actions.brightness(brightness_pct)
        )

    @device_command
    async def _run_effect(
        self,
        mode: ColorMode,
        given: Sequence[actions.Hs] | None,
        speed: int | None,
        random_colors: bool,
        level: int | None,
    ) -> Acknowledged:
        current = self._now()
        base = self._base(current)
        if level is None:
            level = color_math.look(base).brightness or 100
        if given is None:
            colors = [replace(c, brightness=level) for c in color_math.effect_colors(base, mode)]
        else:
            colors = [_color(hs, level) for hs in given]
        if speed is None:
            speed = current.speed if current.speed is not None else color_math.DEFAULT_SPEED
        return await self._send(
            color_math.effect(
                self._selector, mode, colors, speed=speed, random=random_colors, brightness=level
            )
        )

    async def async_set_led_colors(
        self,
        *,
        rgb_colors: Sequence[Any] | None = None,
        hs_colors: Sequence[Any] | None = None,
        brightness_pct: float | None = None,
    ) -> None:
        """Give every LED its own colour (black: that LED is off)."""
        given = actions.check_led_colors(
            actions.colors(rgb_colors, hs_colors), self._selector.led_count
        )
        await self._light_leds(given, actions.brightness(brightness_pct))

    @device_command
    async def _light_leds(self, given: Sequence[actions.Hs], level: int | None) -> Acknowledged:
        current = self._now()
        if level is None:
            level = color_math.look(self._base(current)).brightness or 100
        leds = [
            color_math.hs_led(hs, level) if hs is not None else ColorLed(False, level, 0, 0)
            for hs in given
        ]
        return await self._send(color_math.per_led(self._selector, current, leds))


def _color(hs: actions.Hs, brightness: int) -> ColorLed:
    """A colour of an effect; black is a colour at brightness 0."""
    return ColorLed(True, 0, 0, 0) if hs is None else color_math.hs_led(hs, brightness)
