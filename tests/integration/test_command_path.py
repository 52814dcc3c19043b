"""The modules a switch command passes through: few, and none entered twice.

A command is an entity method decorated with ``device_command`` (coordinator.py): the
wrapper waits for the link, runs the body (a direct client call) and applies what the
outlet acknowledged. The path of ``switch.turn_on`` / ``turn_off`` is recorded
(``CallPath``) for each order of the outlet's reply and its push: the reply first (the
acknowledgement changes the state, and wakes the switch), or the push first (the
acknowledgement finds it done).
"""

from __future__ import annotations

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
)
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.switch import IntecularSwitch
from simulator import SimulatedOutlet

from .common import SLUG, wait_for_state, wait_until
from .paths import CallPath

OUTLET_2 = f"switch.{SLUG}_outlet_2"

# What a switch command may enter: at most these 9 modules (no api/models.py: the
# acknowledged state is built without calling into it).
ALLOWED = frozenset(
    {
        "coordinator.py",
        "switch.py",
        "api/client.py",
        "api/connection.py",
        "api/scheduler.py",
        "api/protocol.py",
        "link.py",
        "state.py",
        "entity.py",
    }
)


def _report(path: CallPath) -> str:
    modules = ", ".join(path.modules)
    return f"modules ({len(path.modules)}): {modules}\nentries and chains:\n{path.describe()}"


@pytest.mark.usefixtures("enable_all")
@pytest.mark.parametrize(
    "pushes_first",
    [
        pytest.param(False, id="reply_first"),
        pytest.param(True, id="push_first"),
    ],
)
@pytest.mark.parametrize("service", [SERVICE_TURN_ON, SERVICE_TURN_OFF])
async def test_switch_command_path(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    service: str,
    pushes_first: bool,
) -> None:
    """``switch.turn_on``/``turn_off`` cross at most 9 modules, none twice on one chain."""
    on = service == SERVICE_TURN_ON
    if not on:
        await simulator.set_outlet(2, True)
        await wait_for_state(hass, OUTLET_2, STATE_ON)
    if pushes_first:
        simulator.set_knob("reorder_rate", 1.0)
    else:  # the push well after the reply: the acknowledgement changes the state
        simulator.set_knob("push_lag", 0.2)
    method = IntecularSwitch.async_turn_on if on else IntecularSwitch.async_turn_off
    # The outermost frame of the integration's is the method Home Assistant calls (the
    # decorated command's wrapper, whatever its code is named).
    roots = frozenset({method.__code__.co_qualname})

    with CallPath(roots) as path:
        await hass.services.async_call(
            SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: OUTLET_2}, blocking=True
        )
    shown = hass.states.get(OUTLET_2)
    held = simulator.frames_held
    await wait_until(hass, lambda: simulator.frames_held == 0)

    assert simulator.state.outlets.outlet_2 is on
    assert shown is not None
    assert shown.state == (STATE_ON if on else STATE_OFF)  # at once, push or not
    assert held == (0 if pushes_first else 1)  # the order asked for was the order met
    report = _report(path)
    assert "switch.py" in path.modules, report
    assert set(path.modules) <= ALLOWED, report
    twice = [chain for chain in path.stacks if len(set(chain)) < len(chain)]
    assert not twice, report
