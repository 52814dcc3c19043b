"""Commands and the link in the moments around them, through Home Assistant and the outlet.

Each test is a window found by trying to break the command path and the reader task:
a reply late or missing right after the outlet carried a command out, the reader
ending on something other than a dropped socket.
"""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.const import ATTR_ENTITY_ID, STATE_ON
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.api import Callback
from simulator import SimulatedOutlet
from tests.integration.common import wait_for_state

from .common import OUTLET_2, coordinator_of, differences, poll, settle
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


async def test_a_reader_ending_on_a_fault_leaves_why_the_link_dropped(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Reading the socket ends on an error that is no dropped connection (a fault).

    The socket is closed and reconnected, and the diagnostics' last error says why it
    dropped (not nothing, nor an older error). No socket produces such a fault: the
    client's frame handling is made to raise once.
    """
    coordinator = coordinator_of(init_integration)
    client = coordinator.client
    handle = client._handle_text
    raised: list[bool] = []

    def fault(data: str) -> None:
        if not raised:
            raised.append(True)
            raise RuntimeError("frame handling broke")
        handle(data)

    with patch.object(client, "_handle_text", fault):
        await simulator.press_button(1)
        await poll(lambda: coordinator.reconnects == 1, "the reconnect")
    await settle(hass, init_integration)
    assert coordinator.last_error is not None
    assert "frame handling broke" in coordinator.last_error
    await simulator.press_button(2)
    await wait_for_state(hass, OUTLET_2, STATE_ON)
    assert differences(hass, init_integration, simulator) == []
