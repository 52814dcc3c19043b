"""The modules a push crosses on its way to the entity that shows it, each entered once.

A push from the socket to a switch's state is read by the connection, parsed, handed
to the coordinator, applied to the state and shown by the switch: seven modules. A
module entered from a second place is a path that comes back (a helper called from
both ends, a listener the push needs not, a property Home Assistant asks for on the
way out); each is work a push pays for and a dependency the path hides.
"""

from __future__ import annotations

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import SimulatedOutlet

from .common import coordinator_of, wait_for_state, wait_until
from .paths import CallPath

OUTLET_1 = "switch.invisoutlet_e7c4_outlet_1"
OUTLET_2 = "switch.invisoutlet_e7c4_outlet_2"
# What the socket reader does with a frame: nothing else of the integration's counts.
READER = frozenset({"Connection.listen"})
PUSH_PATH = [
    "api/connection.py",
    "api/protocol.py",
    "api/models.py",
    "coordinator.py",
    "state.py",
    "entity.py",
    "switch.py",
]


@pytest.fixture
async def loaded(
    hass: HomeAssistant, enable_all: None, init_integration: MockConfigEntry
) -> MockConfigEntry:
    """A Pro outlet with every entity enabled, its optional parts read."""
    data = lambda: coordinator_of(init_integration).data  # noqa: E731
    await wait_until(
        hass,
        lambda: None not in (data().updates, data().names, data().sensors, data().nightlight),
    )
    await hass.async_block_till_done()
    return init_integration


async def test_outlet_push_crosses_seven_modules_each_entered_once(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The outlet's button switches outlet 1 off: the push's path, and its neighbour asleep."""
    await simulator.press_button(1)
    await wait_for_state(hass, OUTLET_1, STATE_ON)
    await hass.async_block_till_done()
    second = hass.states.get(OUTLET_2)
    assert second is not None
    with CallPath(READER) as path:
        await simulator.press_button(1)
        await wait_for_state(hass, OUTLET_1, STATE_OFF)
        await hass.async_block_till_done()
    trace = path.describe()
    assert path.modules == PUSH_PATH, trace
    assert path.reentered() == {}, trace
    # the other outlet's switch is not woken: nothing of it is on the path
    assert not [entry for entry in path.entries if entry[2] == "IntecularSwitch._fingerprint"][
        1:
    ], trace
    assert hass.states.get(OUTLET_2) == second
