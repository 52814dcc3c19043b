"""Actions: the faceplate's calibrations, the outlet's MQTT discovery, the Aura lights.

All six are registered when the integration loads (``async_setup``), so automations
that use them are valid while no outlet is loaded. The calibration and MQTT actions
target one outlet by a device of this integration (the outlet or its faceplate;
``device_id``); the light actions target Aura colour lights (light_actions.py). Input
a user can correct raises a translated ``ServiceValidationError``; a device that
refuses raises a translated ``HomeAssistantError``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID, Platform, UnitOfTemperature
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
    service as service_helper,
)
from homeassistant.helpers.typing import VolDictType
from homeassistant.util.unit_conversion import TemperatureConverter
import voluptuous as vol

from . import light_actions
from .api.protocol import OCCUPANCY_CALIBRATION_MAX, OCCUPANCY_CALIBRATION_MIN
from .compat import device_config_entry_ids
from .const import DOMAIN
from .outlet_mqtt import async_set_discovery
from .runtime import IntecularConfigEntry
from .state import FaceplateKind

SERVICE_CALIBRATE_OCCUPANCY = "calibrate_occupancy"
SERVICE_CALIBRATE_TEMPERATURE_HUMIDITY = "calibrate_temperature_humidity"
SERVICE_SEND_MQTT_DISCOVERY = "send_mqtt_discovery"
SERVICE_CLEAR_MQTT_DISCOVERY = "clear_mqtt_discovery"

ATTR_DURATION = "duration"
ATTR_TEMPERATURE = "temperature"
ATTR_HUMIDITY = "humidity"
ATTR_FORCE = "force"

DEFAULT_CALIBRATION_SECONDS = 30
# The reference values the faceplate accepts.
TEMPERATURE_RANGE = (-40.0, 85.0)
HUMIDITY_RANGE = (0.0, 100.0)
# A reference further than this from the faceplate's own reading is taken for a mistake
# (most likely the wrong unit) unless the call says it is meant (force).
TEMPERATURE_MAX_CORRECTION = 10.0  # °C
HUMIDITY_MAX_CORRECTION = 30.0  # % relative humidity

_DEVICE: dict[vol.Marker, Any] = {vol.Required(ATTR_DEVICE_ID): cv.string}
# Numbers are checked by the handlers, so a wrong one gets a translated error (one
# beyond any float is infinite, never an OverflowError).
_NUMBER = light_actions.number

SCHEMAS = {
    SERVICE_CALIBRATE_OCCUPANCY: vol.Schema(
        {**_DEVICE, vol.Optional(ATTR_DURATION, default=DEFAULT_CALIBRATION_SECONDS): _NUMBER}
    ),
    SERVICE_CALIBRATE_TEMPERATURE_HUMIDITY: vol.Schema(
        {
            **_DEVICE,
            vol.Required(ATTR_TEMPERATURE): _NUMBER,
            vol.Required(ATTR_HUMIDITY): _NUMBER,
            vol.Optional(ATTR_FORCE, default=False): cv.boolean,
        }
    ),
    SERVICE_SEND_MQTT_DISCOVERY: vol.Schema(_DEVICE),
    SERVICE_CLEAR_MQTT_DISCOVERY: vol.Schema(_DEVICE),
}


def _invalid(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _entry(call: ServiceCall) -> IntecularConfigEntry:
    """The loaded outlet that the call's device belongs to."""
    device_id: str = call.data[ATTR_DEVICE_ID]
    device = dr.async_get(call.hass).async_get(device_id)
    if device is not None:
        for entry_id in device_config_entry_ids(device):
            entry = call.hass.config_entries.async_get_entry(entry_id)
            if entry is None or entry.domain != DOMAIN:
                continue
            if entry.state is not ConfigEntryState.LOADED:
                raise _invalid("outlet_not_loaded", name=entry.title)
            return entry
    raise _invalid("invalid_device", device_id=device_id)


def _check_range(key: str, value: float, bounds: tuple[float, float], unit: str) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise _invalid(key, value=f"{value:g}", min=f"{low:g}", max=f"{high:g}", unit=unit)


def _pro_faceplate(entry: IntecularConfigEntry, missing: str) -> None:
    """The sensors of these calibrations are on a Pro faceplate, which must be there."""
    state = entry.runtime_data.coordinator.data
    if FaceplateKind.of(state.faceplate) is not FaceplateKind.PRO:
        raise _invalid(missing, name=entry.title)
    if not state.faceplate_available:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="faceplate_offline",
            translation_placeholders={"name": entry.title},
        )


async def _calibrate_occupancy(call: ServiceCall) -> None:
    """Learn the empty room (callback 26), starting 10 s from now."""
    seconds: float = call.data[ATTR_DURATION]
    if not (
        OCCUPANCY_CALIBRATION_MIN <= seconds <= OCCUPANCY_CALIBRATION_MAX
        and float(seconds).is_integer()
    ):
        raise _invalid(
            "calibration_duration_out_of_range",
            value=f"{seconds:g}",
            min=str(OCCUPANCY_CALIBRATION_MIN),
            max=str(OCCUPANCY_CALIBRATION_MAX),
        )
    entry = _entry(call)
    _pro_faceplate(entry, "no_occupancy_sensor")
    await entry.runtime_data.coordinator.async_command(
        lambda client: client.calibrate_occupancy(int(seconds)),
        refused="occupancy_calibration_refused",
    )


def _number(value: float) -> str:
    """A value as a message shows it: at most one decimal."""
    return f"{round(value, 1):g}"


async def _calibrate_temperature_humidity(call: ServiceCall) -> None:
    """Tell the faceplate the true temperature and humidity (callback 28).

    The temperature is in the unit Home Assistant is set to; the faceplate takes °C.
    A reference far from what the faceplate reads is refused unless forced: a user who
    types 72 meaning °F would otherwise calibrate it to 72 °C.
    """
    unit = call.hass.config.units.temperature_unit
    given: float = call.data[ATTR_TEMPERATURE]
    humidity: float = call.data[ATTR_HUMIDITY]
    celsius = TemperatureConverter.convert(given, unit, UnitOfTemperature.CELSIUS)
    low, high = TEMPERATURE_RANGE
    if not low <= celsius <= high:
        raise _invalid(
            "temperature_out_of_range",
            value=f"{given:g}",
            min=_number(TemperatureConverter.convert(low, UnitOfTemperature.CELSIUS, unit)),
            max=_number(TemperatureConverter.convert(high, UnitOfTemperature.CELSIUS, unit)),
            unit=str(unit),
        )
    _check_range("humidity_out_of_range", humidity, HUMIDITY_RANGE, "%")
    entry = _entry(call)
    _pro_faceplate(entry, "no_climate_sensor")
    if not call.data[ATTR_FORCE]:
        _check_near_reading(entry, celsius, humidity, given, unit)
    await entry.runtime_data.coordinator.async_command(
        lambda client: client.calibrate_temperature_humidity(celsius, humidity),
        refused="climate_calibration_refused",
    )


def _check_near_reading(
    entry: IntecularConfigEntry, celsius: float, humidity: float, given: float, unit: str
) -> None:
    """Refuse a reference far from the faceplate's reading (none to compare: accepted)."""
    readings = entry.runtime_data.coordinator.data.sensors
    if readings is None or readings.temperature_valid is False:
        return
    reading = readings.temperature
    if reading is not None and abs(celsius - reading) > TEMPERATURE_MAX_CORRECTION:
        raise _invalid(
            "temperature_far_from_reading",
            value=f"{given:g}",
            reading=_number(TemperatureConverter.convert(reading, UnitOfTemperature.CELSIUS, unit)),
            limit=_number(
                TemperatureConverter.convert_interval(
                    TEMPERATURE_MAX_CORRECTION, UnitOfTemperature.CELSIUS, unit
                )
            ),
            unit=str(unit),
        )
    reading = readings.humidity
    if reading is not None and abs(humidity - reading) > HUMIDITY_MAX_CORRECTION:
        raise _invalid(
            "humidity_far_from_reading",
            value=f"{humidity:g}",
            reading=_number(reading),
            limit=_number(HUMIDITY_MAX_CORRECTION),
        )


type Handler = Callable[[ServiceCall], Coroutine[Any, Any, None]]


def _discovery(publish: bool) -> Handler:
    async def handle(call: ServiceCall) -> None:
        """Send or clear the outlet's own Home Assistant discovery (callback 27, commands 2/1)."""
        entry = _entry(call)
        if not entry.runtime_data.coordinator.data.mqtt_enabled:
            raise _invalid("mqtt_disabled", name=entry.title)
        await async_set_discovery(call.hass, entry, publish=publish)

    return handle


LIGHT_ACTIONS: Final[dict[str, tuple[VolDictType, str]]] = {
    light_actions.SERVICE_SET_EFFECT: (light_actions.SET_EFFECT_SCHEMA, "async_set_effect"),
    light_actions.SERVICE_SET_LED_COLORS: (
        light_actions.SET_LED_COLORS_SCHEMA,
        "async_set_led_colors",
    ),
}


def _is_color_light(entry: er.RegistryEntry) -> bool:
    return (
        entry.platform == DOMAIN
        and entry.domain == Platform.LIGHT
        and any(entry.unique_id.endswith(f"_{key}") for key in light_actions.COLOR_LIGHT_KEYS)
    )


def _color_lights_only(hass: HomeAssistant) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Refuse a light named in the call that is not an Aura colour light of a loaded outlet.

    Lights reached through a device, area or label are filtered by Home Assistant
    itself; a light named by its id would otherwise be skipped with a log line only.
    """

    def check(data: dict[str, Any]) -> dict[str, Any]:
        named = data.get(ATTR_ENTITY_ID)
        if not isinstance(named, list):  # "all", "none" or no entity named
            return data
        registry = er.async_get(hass)
        for entity_id in named:
            entry = registry.async_get(entity_id)
            if entry is None or not _is_color_light(entry):
                raise light_actions.invalid("not_a_color_light", entity=entity_id)
            outlet = (
                hass.config_entries.async_get_entry(entry.config_entry_id)
                if entry.config_entry_id
                else None
            )
            if outlet is not None and outlet.state is not ConfigEntryState.LOADED:
                raise _invalid("outlet_not_loaded", name=outlet.title)
        return data

    return check


@callback
def _register_light_action(
    hass: HomeAssistant, name: str, fields: VolDictType, method: str
) -> None:
    """An entity action on this integration's lights, before any outlet is loaded."""
    schema = vol.All(cv.make_entity_service_schema(fields), _color_lights_only(hass))
    register = getattr(service_helper, "async_register_platform_entity_service", None)
    if register is not None:
        register(hass, DOMAIN, name, entity_domain=Platform.LIGHT, func=method, schema=schema)
        return
    # Releases before that helper (2025.4): the same registration over the table of this
    # integration's light entities that Home Assistant's entity platforms fill.
    from homeassistant.helpers.entity_platform import (  # noqa: PLC0415
        DATA_DOMAIN_PLATFORM_ENTITIES,
    )

    entities = hass.data.setdefault(DATA_DOMAIN_PLATFORM_ENTITIES, {}).setdefault(
        (Platform.LIGHT, DOMAIN), {}
    )
    service_helper.async_register_entity_service(
        hass, DOMAIN, name, entities=entities, func=method, job_type=None, schema=schema
    )


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, for every outlet)."""
    handlers: dict[str, Handler] = {
        SERVICE_CALIBRATE_OCCUPANCY: _calibrate_occupancy,
        SERVICE_CALIBRATE_TEMPERATURE_HUMIDITY: _calibrate_temperature_humidity,
        SERVICE_SEND_MQTT_DISCOVERY: _discovery(publish=True),
        SERVICE_CLEAR_MQTT_DISCOVERY: _discovery(publish=False),
    }
    for name, handler in handlers.items():
        hass.services.async_register(DOMAIN, name, handler, schema=SCHEMAS[name])
    for name, (fields, method) in LIGHT_ACTIONS.items():
        _register_light_action(hass, name, fields, method)
