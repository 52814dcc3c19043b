"""Actions: sensor calibrations and the outlet's MQTT discovery."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homeassistant.components.light import LightEntityFeature
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.selector import validate_selector
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.const import CONF_MQTT_DISCOVERY, DOMAIN
from simulator import SimulatedOutlet

from .common import SERIAL, coordinator_of, find_device, wait_until

MQTT_ON = {"mqtt": {"enabled": 1, "mqtt_broker_url": "mqtt://192.168.7.20"}}


def outlet_device(hass: HomeAssistant) -> str:
    """The outlet's device id."""
    device = find_device(dr.async_get(hass), {(DOMAIN, SERIAL)})
    assert device is not None
    return device.id


def faceplate_device(hass: HomeAssistant, simulator: SimulatedOutlet) -> str:
    """The faceplate's device id."""
    assert simulator.faceplate_serial is not None
    identifiers = {(DOMAIN, f"{simulator.serial}_faceplate")}
    device = find_device(dr.async_get(hass), identifiers)
    assert device is not None
    return device.id


async def call(hass: HomeAssistant, service: str, data: dict[str, Any]) -> None:
    """Run one of the integration's actions."""
    await hass.services.async_call(DOMAIN, service, data, blocking=True)


# --- occupancy calibration (26) --------------------------------------------------------


async def test_calibrate_occupancy(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Target the faceplate (or the outlet): 26 with the duration, 30 s by default."""
    await call(hass, "calibrate_occupancy", {"device_id": faceplate_device(hass, simulator)})
    await call(hass, "calibrate_occupancy", {"device_id": outlet_device(hass), "duration": 45})
    assert [r for r in simulator.requests if r[0] == 26] == [(26, [30]), (26, [45])]
    await simulator.wait_idle()
    assert simulator.state.sensors.occupancy_phase is None  # the learning ran and ended


@pytest.mark.parametrize("duration", [29, 61, 30.5, -1])
async def test_calibrate_occupancy_duration_checked(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    duration: float,
) -> None:
    """Outside 30-60 whole seconds: a translated validation error, nothing sent."""
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "calibrate_occupancy",
            {"device_id": outlet_device(hass), "duration": duration},
        )
    assert err.value.translation_key == "calibration_duration_out_of_range"
    assert err.value.translation_placeholders == {
        "value": f"{duration:g}",
        "min": "30",
        "max": "60",
    }
    assert "30 to 60 whole seconds" in str(err.value)
    assert all(r[0] != 26 for r in simulator.requests)


@pytest.mark.parametrize("variant", ["aura", "bare"])
async def test_calibrate_occupancy_needs_a_pro(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Without the Pro's radar: a translated validation error, nothing sent."""
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "calibrate_occupancy", {"device_id": outlet_device(hass)})
    assert err.value.translation_key == "no_occupancy_sensor"
    assert all(r[0] != 26 for r in simulator.requests)


async def test_calibrate_occupancy_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The radar does not answer the outlet: a translated error with what to do."""
    simulator.state.faceplate.online = False  # silently gone; the outlet refuses 26
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "calibrate_occupancy", {"device_id": outlet_device(hass)})
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "occupancy_calibration_refused"
    assert "Restart the faceplate" in str(err.value)


async def test_calibrate_with_faceplate_offline(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A faceplate known to be offline: said so, without asking the outlet."""
    await simulator.set_faceplate_online(False)
    coordinator = coordinator_of(init_integration)
    await wait_until(hass, lambda: not coordinator.data.faceplate_available)
    simulator.requests.clear()
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "calibrate_temperature_humidity",
            {"device_id": outlet_device(hass), "temperature": 21, "humidity": 40},
        )
    assert err.value.translation_key == "faceplate_offline"
    assert not simulator.requests


# --- temperature and humidity calibration (28) ------------------------------------------


async def test_calibrate_temperature_humidity(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """28 with the reference in thousandths; the faceplate corrects its readings."""
    await call(
        hass,
        "calibrate_temperature_humidity",
        {"device_id": faceplate_device(hass, simulator), "temperature": 23.4, "humidity": 51.2},
    )
    assert (28, [23400, 51200]) in simulator.requests
    readings = simulator.state.sensors.readings()
    assert (readings["temp_celsius"], readings["humidity"]) == pytest.approx((23.4, 51.2))


@pytest.mark.parametrize("profile", ["real"])
async def test_calibrate_temperature_in_fahrenheit(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Home Assistant set to US customary units: 71.6 (°F) reaches the faceplate as 22.0 °C."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    await call(
        hass,
        "calibrate_temperature_humidity",
        {"device_id": faceplate_device(hass, simulator), "temperature": 71.6, "humidity": 45},
    )
    assert [r for r in simulator.requests if r[0] == 28] == [(28, [22000, 45000])]
    assert simulator.state.sensors.readings()["temp_celsius"] == pytest.approx(22.0)

    # the range is told in °F too: 200 °F is 93.3 °C, above the faceplate's 85 °C
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "calibrate_temperature_humidity",
            {"device_id": outlet_device(hass), "temperature": 200, "humidity": 45},
        )
    assert err.value.translation_key == "temperature_out_of_range"
    assert "between -40 and 185 °F, not 200" in str(err.value)
    assert len([r for r in simulator.requests if r[0] == 28]) == 1


@pytest.mark.parametrize("profile", ["real"])
@pytest.mark.parametrize(
    ("units", "data", "error", "text"),
    [
        # 50 °C above the reading of 22.4 °C: the value meant as °F, typed in °C
        (
            "metric",
            {"temperature": 72.4, "humidity": 47},
            "temperature_far_from_reading",
            "72.4 °C is more than 10 °C away from the faceplate's reading of 22.4 °C",
        ),
        (
            "us",
            {"temperature": 22, "humidity": 47},
            "temperature_far_from_reading",
            "22 °F is more than 18 °F away from the faceplate's reading of 72.3 °F",
        ),
        (
            "metric",
            {"temperature": 22, "humidity": 80},
            "humidity_far_from_reading",
            "80 % is more than 30 % away from the faceplate's reading of 47.1 %",
        ),
    ],
)
async def test_calibrate_far_from_the_reading_needs_force(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    units: str,
    data: dict[str, float],
    error: str,
    text: str,
) -> None:
    """A reference far from what the faceplate reads: refused, nothing sent; forced: sent."""
    if units == "us":
        hass.config.units = US_CUSTOMARY_SYSTEM
    simulator.set_knob("sensor_overrides", {})  # the real profile's humidity is "nan"
    await simulator.set_sensor("humidity", 47.1)
    coordinator = coordinator_of(init_integration)
    await wait_until(hass, lambda: coordinator.data.sensors.humidity == 47.1)
    device = {"device_id": faceplate_device(hass, simulator)}
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "calibrate_temperature_humidity", {**device, **data})
    assert err.value.translation_key == error
    assert text in str(err.value)
    assert "turn on Force" in str(err.value)
    assert all(r[0] != 28 for r in simulator.requests)

    await call(hass, "calibrate_temperature_humidity", {**device, **data, "force": True})
    assert len([r for r in simulator.requests if r[0] == 28]) == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"temperature": 90, "humidity": 40}, "temperature_out_of_range"),
        ({"temperature": -41, "humidity": 40}, "temperature_out_of_range"),
        ({"temperature": 21, "humidity": 101}, "humidity_out_of_range"),
        ({"temperature": 21, "humidity": -0.5}, "humidity_out_of_range"),
    ],
)
async def test_calibrate_temperature_humidity_checked(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    data: dict[str, float],
    error: str,
) -> None:
    """A reference outside what the sensor can be: translated error, nothing sent."""
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass, "calibrate_temperature_humidity", {"device_id": outlet_device(hass), **data}
        )
    assert err.value.translation_key == error
    assert all(r[0] != 28 for r in simulator.requests)


@pytest.mark.parametrize(
    ("service", "data", "error"),
    [
        ("calibrate_occupancy", {"duration": 10**400}, "calibration_duration_out_of_range"),
        ("calibrate_occupancy", {"duration": float("1e309")}, "calibration_duration_out_of_range"),
        (
            "calibrate_temperature_humidity",
            {"temperature": 10**400, "humidity": 40},
            "temperature_out_of_range",
        ),
        (
            "calibrate_temperature_humidity",
            {"temperature": 21, "humidity": -(10**400)},
            "humidity_out_of_range",
        ),
        (
            "calibrate_temperature_humidity",
            {"temperature": float("-1e309"), "humidity": 40},
            "temperature_out_of_range",
        ),
    ],
)
async def test_calibrations_refuse_huge_numbers(
    hass: HomeAssistant,
    *,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    service: str,
    data: dict[str, float],
    error: str,
) -> None:
    """Numbers beyond any float, or infinite: a translated error, never OverflowError."""
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, service, {"device_id": outlet_device(hass), **data})
    assert err.value.translation_key == error
    assert all(r[0] not in {26, 28} for r in simulator.requests)


@pytest.mark.parametrize("variant", ["aura"])
async def test_calibrate_temperature_needs_a_pro(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The Aura has no climate sensor."""
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "calibrate_temperature_humidity",
            {"device_id": faceplate_device(hass, simulator), "temperature": 21, "humidity": 40},
        )
    assert err.value.translation_key == "no_climate_sensor"


async def test_calibrate_temperature_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The outlet refuses 28: a translated error."""
    simulator.state.faceplate.online = False
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "calibrate_temperature_humidity",
            {"device_id": outlet_device(hass), "temperature": 21, "humidity": 40},
        )
    assert err.value.translation_key == "climate_calibration_refused"


# --- targeting ---------------------------------------------------------------------------


async def test_wrong_device(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A device of another integration, or none at all: a translated validation error."""
    other = MockConfigEntry(domain="demo")
    other.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("demo", "lamp")}
    )
    for device_id in (device.id, "not-a-device"):
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, "calibrate_occupancy", {"device_id": device_id})
        assert err.value.translation_key == "invalid_device"
        assert err.value.translation_placeholders == {"device_id": device_id}
    assert all(r[0] != 26 for r in simulator.requests)


async def test_outlet_not_loaded(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """An outlet whose entry is unloaded: a translated validation error."""
    device_id = outlet_device(hass)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "send_mqtt_discovery", {"device_id": device_id})
    assert err.value.translation_key == "outlet_not_loaded"


# --- MQTT discovery (27) --------------------------------------------------------------------


async def test_send_and_clear_discovery(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """27/2 publishes, 27/1 removes the outlet's own discovery; the entry remembers."""
    await simulator.set_config(sys_prefs=MQTT_ON)
    await simulator.drop_connections()  # the integration reads the new configuration
    coordinator = coordinator_of(init_integration)
    await wait_until(hass, lambda: coordinator.data.mqtt_connected is True)

    await call(hass, "send_mqtt_discovery", {"device_id": outlet_device(hass)})
    assert (27, [2]) in simulator.requests
    assert simulator.state.mqtt.discovery_published
    assert init_integration.data[CONF_MQTT_DISCOVERY] == "sent"

    await call(hass, "clear_mqtt_discovery", {"device_id": outlet_device(hass)})
    assert (27, [1]) in simulator.requests
    assert not simulator.state.mqtt.discovery_published
    assert init_integration.data[CONF_MQTT_DISCOVERY] == "cleared"


async def test_discovery_needs_mqtt(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """MQTT off on the outlet: a translated validation error, nothing sent."""
    for service in ("send_mqtt_discovery", "clear_mqtt_discovery"):
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, service, {"device_id": outlet_device(hass)})
        assert err.value.translation_key == "mqtt_disabled"
    assert all(r[0] != 27 for r in simulator.requests)
    assert CONF_MQTT_DISCOVERY not in init_integration.data


async def test_discovery_refused_without_broker(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """MQTT on but the broker unreachable: the outlet refuses; a translated error."""
    await simulator.set_config(sys_prefs=MQTT_ON)
    simulator.set_mqtt_connected(False)
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "send_mqtt_discovery", {"device_id": outlet_device(hass)})
    assert err.value.translation_key == "mqtt_discovery_refused"
    assert not simulator.state.mqtt.discovery_published
    assert CONF_MQTT_DISCOVERY not in init_integration.data


def test_action_descriptions() -> None:
    """services.yaml is valid, and every action and field has its translated text."""
    component = Path(__file__).parents[2] / "custom_components" / DOMAIN
    actions = load_yaml_dict(str(component / "services.yaml"))
    strings = json.loads((component / "strings.json").read_text(encoding="utf-8"))["services"]
    mine = {
        "calibrate_occupancy",
        "calibrate_temperature_humidity",
        "send_mqtt_discovery",
        "clear_mqtt_discovery",
    }
    for action in mine:
        fields = actions[action]["fields"]
        assert set(fields) == set(strings[action]["fields"]), action
        assert strings[action]["name"]
        assert strings[action]["description"]
        for field in fields.values():
            validate_selector(field["selector"])
        assert fields["device_id"]["required"] is True
        offered = {"integration": DOMAIN}
        if action.startswith("calibrate_"):
            offered["model"] = "InvisDeco Pro"  # the faceplate with those sensors
        assert fields["device_id"]["selector"] == {"device": {"filter": [offered]}}
    duration = actions["calibrate_occupancy"]["fields"]["duration"]
    assert duration["default"] == 30
    assert (duration["selector"]["number"]["min"], duration["selector"]["number"]["max"]) == (
        30,
        60,
    )


def _filters(action: str) -> tuple[dict[str, Any], ...]:
    """The device or entity filter an action's target picker applies."""
    component = Path(__file__).parents[2] / "custom_components" / DOMAIN
    description = load_yaml_dict(str(component / "services.yaml"))[action]
    if "target" in description:
        found = description["target"]["entity"]
    else:
        found = description["fields"]["device_id"]["selector"]["device"]["filter"]
    return tuple(found) if isinstance(found, list) else (found,)


@pytest.mark.parametrize("variant", ["pro", "aura"])
@pytest.mark.usefixtures("enable_all")
async def test_pickers_offer_only_what_the_action_takes(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    variant: str,
) -> None:
    """The calibrations offer the Pro faceplate alone; the light actions the Aura lights.

    Matched the way the frontend's pickers match: the device's integration and model,
    the entity's integration, domain and supported features.
    """
    devices = dr.async_entries_for_config_entry(device_registry, init_integration.entry_id)
    for action in ("calibrate_occupancy", "calibrate_temperature_humidity"):
        offered = {
            device.name
            for device in devices
            if any(f.get("model") in (None, device.model) for f in _filters(action))
        }
        assert offered == ({"InvisDeco Pro E7C4"} if variant == "pro" else set()), action
    lights = hass.states.async_all("light")
    for action in ("set_effect", "set_led_colors"):
        (only,) = _filters(action)
        assert only["integration"] == DOMAIN
        assert only["domain"] == "light"
        (feature,) = only["supported_features"]
        assert feature == "light.LightEntityFeature.EFFECT"
        offered = {
            state.entity_id
            for state in lights
            if state.attributes.get("supported_features", 0) & LightEntityFeature.EFFECT
        }
        expected = {
            "pro": set(),
            "aura": {
                "light.invisdeco_aura_e7c4_nightlight",
                "light.invisdeco_aura_e7c4_indicator",
            },
        }[variant]
        assert offered == expected, action
    assert len(lights) == (1 if variant == "pro" else 2)
