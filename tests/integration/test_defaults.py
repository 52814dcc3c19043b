"""What a user sees without changing anything: icons and device classes."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.components.number import NumberDeviceClass
from homeassistant.components.switch import SwitchDeviceClass
from homeassistant.const import ATTR_DEVICE_CLASS, ATTR_ICON, ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .common import SLUG

ICONS = Path(__file__).parents[2] / "custom_components" / "intecular" / "icons.json"


async def test_outlet_switches_show_the_outlet_icons(
    hass: HomeAssistant, init_integration: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """Plug on, plug-off off: the outlet device class's pair, not one icon for both."""
    assert "outlet" not in json.loads(ICONS.read_text(encoding="utf-8"))["entity"]["switch"]
    for number in (1, 2):
        entity_id = f"switch.{SLUG}_outlet_{number}"
        entry = entity_registry.async_get(entity_id)
        assert entry is not None
        assert entry.original_device_class == SwitchDeviceClass.OUTLET
        assert entry.original_icon is None
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.attributes[ATTR_DEVICE_CLASS] == SwitchDeviceClass.OUTLET
        assert ATTR_ICON not in state.attributes


@pytest.mark.usefixtures("enable_all")
@pytest.mark.parametrize("kind", ["on", "off"])
@pytest.mark.parametrize("bound", ["minimum", "maximum"])
async def test_away_times_are_durations(
    hass: HomeAssistant, init_integration: MockConfigEntry, kind: str, bound: str
) -> None:
    state = hass.states.get(f"number.{SLUG}_away_{bound}_{kind}_time")
    assert state is not None
    assert state.attributes[ATTR_DEVICE_CLASS] == NumberDeviceClass.DURATION
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "min"
