"""The six actions exist from start-up; the light actions take only Aura colour lights."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import Mock, patch

from homeassistant.components.light import DOMAIN as LIGHT_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
    service as service_helper,
)
from homeassistant.helpers.selector import validate_selector
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.const import DOMAIN
from custom_components.intecular.services import async_setup_services
from simulator import SimulatedOutlet

from .common import find_device
from .lighting import AURA_LIGHT, INDICATOR, PRO_LIGHT, action, array, commands

ACTIONS = {
    "calibrate_occupancy",
    "calibrate_temperature_humidity",
    "send_mqtt_discovery",
    "clear_mqtt_discovery",
    "set_effect",
    "set_led_colors",
}
SERVICES_YAML = Path(__file__).parents[2] / "custom_components" / DOMAIN / "services.yaml"


async def test_every_action_exists_right_after_setup(hass: HomeAssistant) -> None:
    """No outlet added, none loaded: an automation using any action is still valid."""
    assert await async_setup_component(hass, DOMAIN, {})
    assert not hass.config_entries.async_entries(DOMAIN)
    assert set(hass.services.async_services_for_domain(DOMAIN)) == ACTIONS


async def test_light_action_without_a_loaded_outlet(hass: HomeAssistant) -> None:
    """Before any outlet is loaded, naming a light gets a clear error, not a silent no-op."""
    assert await async_setup_component(hass, DOMAIN, {})
    with pytest.raises(ServiceValidationError) as err:
        await action(hass, "set_effect", "light.kitchen", effect="rainbow")
    assert err.value.translation_key == "not_a_color_light"
    assert err.value.translation_placeholders == {"entity": "light.kitchen"}


@pytest.mark.parametrize("variant", ["aura"])
async def test_light_action_refuses_other_lights(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    entity_registry: er.EntityRegistry,
) -> None:
    """A light of another integration, named with an Aura light: refused, nothing sent."""
    other = entity_registry.async_get_or_create(LIGHT_DOMAIN, "hue", "lamp-1")
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "set_effect",
            {ATTR_ENTITY_ID: [AURA_LIGHT, other.entity_id], "effect": "rainbow"},
            blocking=True,
        )
    assert err.value.translation_key == "not_a_color_light"
    assert err.value.translation_placeholders == {"entity": other.entity_id}
    assert not commands(simulator)


@pytest.mark.parametrize("variant", ["aura"])
async def test_light_action_on_an_unloaded_outlet(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The Aura's outlet unloaded: the action says so instead of doing nothing."""
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await action(hass, "set_effect", AURA_LIGHT, effect="rainbow")
    assert err.value.translation_key == "outlet_not_loaded"
    assert not commands(simulator)


@pytest.mark.usefixtures("enable_all")
@pytest.mark.parametrize("variant", ["aura"])
async def test_colours_as_the_action_editor_gives_them(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The editor's colour lists ({"color": [r, g, b]}, {"hue", "saturation"}) work too."""
    await action(
        hass,
        "set_effect",
        AURA_LIGHT,
        effect="starry_night",
        rgb_colors=[{"color": [0, 0, 255]}, {"color": [255, 255, 255]}],
    )
    assert [(led.hue, led.saturation) for led in array(simulator).leds] == [(240, 100), (0, 0)]
    hues = [{"hue": 30 * i, "saturation": 100} for i in range(7)]
    await action(hass, "set_led_colors", INDICATOR, hs_colors=hues)
    assert [(led.hue, led.saturation) for led in array(simulator, 7).leds] == [
        (30 * i, 100) for i in range(7)
    ]
    with pytest.raises(ServiceValidationError) as err:
        await action(hass, "set_led_colors", INDICATOR, hs_colors=[{"hue": 30}] * 7)
    assert err.value.translation_key == "invalid_color"


def test_colour_fields_have_editor_selectors() -> None:
    """Each colour list is a list of colour pickers (or hue/saturation numbers) in the UI."""
    actions = load_yaml_dict(str(SERVICES_YAML))
    for name in ("set_effect", "set_led_colors"):
        fields = actions[name]["fields"]
        rgb = fields["rgb_colors"]["selector"]["object"]
        hs = fields["hs_colors"]["selector"]["object"]
        assert rgb["multiple"] is hs["multiple"] is True
        assert set(rgb["fields"]) == {"color"}
        assert set(hs["fields"]) == {"hue", "saturation"}
        for field in (*rgb["fields"].values(), *hs["fields"].values()):
            assert field["required"] is True
            validate_selector(field["selector"])
        assert rgb["fields"]["color"]["selector"] == {"color_rgb": None}


async def test_light_actions_use_the_platform_entity_helper_where_it_exists(
    hass: HomeAssistant,
) -> None:
    """Newer releases register them with service.async_register_platform_entity_service."""
    register = Mock()
    with patch.object(
        service_helper, "async_register_platform_entity_service", register, create=True
    ):
        async_setup_services(hass)
    assert {c.args[2]: c.kwargs["func"] for c in register.call_args_list} == {
        "set_effect": "async_set_effect",
        "set_led_colors": "async_set_led_colors",
    }
    for call in register.call_args_list:
        assert call.args[:2] == (hass, DOMAIN)
        assert call.kwargs["entity_domain"] == LIGHT_DOMAIN
        assert cv.is_entity_service_schema(call.kwargs["schema"])
    assert not hass.services.has_service(DOMAIN, "set_effect")  # not registered twice


@pytest.mark.parametrize("service", ["set_effect", "set_led_colors"])
async def test_light_action_on_a_pro_faceplate_by_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    device_registry: dr.DeviceRegistry,
    service: str,
) -> None:
    """Targeting the Pro's faceplate reaches its white nightlight, which refuses."""
    faceplate = find_device(device_registry, {(DOMAIN, f"{simulator.serial}_faceplate")})
    assert faceplate is not None
    data = {"effect": "rainbow"} if service == "set_effect" else {"rgb_colors": [[1, 2, 3]] * 9}
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, service, {"device_id": faceplate.id, **data}, blocking=True
        )
    assert err.value.translation_key == "not_a_color_light"
    assert err.value.translation_placeholders == {"entity": PRO_LIGHT}
    assert not commands(simulator)
