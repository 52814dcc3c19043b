"""Commands and the link in the moments around them, through Home Assistant and the outlet.

Each test is a window found by trying to break the command path and the reader task:
a reply late or missing right after the outlet carried a command out, the reader
ending on something other than a dropped socket.
"""

from __future__ import annotations

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import Callback
from simulator import SimulatedOutlet

from .common import coordinator_of
from .hooks import Hooks

OUTLET_1_NAME = "text.invisoutlet_e7c4_outlet_1_name"


@pytest.mark.usefixtures("enable_all")
async def test_a_rename_the_outlet_took_shows_though_its_read_back_is_lost(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The outlet acknowledged the new names; the read-back after it goes unanswered.

    The outlet holds the new name: Home Assistant shows it at once (the names are
    never pushed, so nothing else would tell it before the next read of the names).
    """
    coordinator = coordinator_of(init_integration)
    hooks = Hooks(simulator)
    written: list[bool] = []
    hooks.handled[Callback.SET_ACCESSORY_NAMES] = lambda: written.append(True)
    hooks.unanswered_if = lambda callback, _args: (
        bool(written) and callback == Callback.GET_ACCESSORY_NAMES
    )
    coordinator.client.request_timeout = 0.05
    await hass.services.async_call(
        "text", "set_value", {ATTR_ENTITY_ID: OUTLET_1_NAME, "value": "Kettle"}, blocking=True
    )
    await hass.async_block_till_done()
    assert simulator.state.names[1] == "Kettle"
    assert hass.states.get(OUTLET_1_NAME).state == "Kettle"
