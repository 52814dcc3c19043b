"""The faceplate's binary sensors: occupancy, motion and its connection to the outlet."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from syrupy.assertion import SnapshotAssertion

from simulator import SimulatedOutlet

from .common import coordinator_of, wait_for_state, wait_until
from .entities import snapshot_entities

OCCUPANCY = "binary_sensor.invisdeco_pro_e7c4_occupancy"
MOTION = "binary_sensor.invisdeco_pro_e7c4_motion"
CONNECTION = "binary_sensor.invisdeco_pro_e7c4_connection"
CALIBRATION = "sensor.invisdeco_pro_e7c4_occupancy_sensor_calibration"
TEMPERATURE = "sensor.invisdeco_pro_e7c4_temperature"


def _value(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
async def test_binary_sensors(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    variant: str,
) -> None:
    """Pro: occupancy, motion, connection; Aura: connection; bare: none of them."""
    ids = snapshot_entities(
        hass,
        entity_registry,
        snapshot,
        entry=init_integration,
        domain=Platform.BINARY_SENSOR,
        keys={"occupancy", "motion", "faceplate_connected"},
    )
    expected = {
        "pro": [CONNECTION, MOTION, OCCUPANCY],
        "aura": ["binary_sensor.invisdeco_aura_e7c4_connection"],
        "bare": [],
    }
    assert ids == expected[variant]


@pytest.mark.usefixtures("enable_all")
async def test_occupancy_follows_the_radar(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """occupancy_state 0 is empty, 1-3 present; 4-6 (calibration) are not presence."""
    assert _value(hass, OCCUPANCY) == STATE_ON
    await simulator.set_sensor("occupancy_state", 0)
    await wait_for_state(hass, OCCUPANCY, STATE_OFF)
    await simulator.set_sensor("occupancy_state", 2)
    await wait_for_state(hass, OCCUPANCY, STATE_ON)
    for phase in (4, 5, 6):
        await simulator.set_sensor("occupancy_state", phase)
        await wait_for_state(hass, OCCUPANCY, STATE_OFF)
        assert _value(hass, CALIBRATION) == "calibrating"
        assert _value(hass, MOTION) == STATE_OFF
        await simulator.set_sensor("occupancy_state", 3)
        await wait_for_state(hass, OCCUPANCY, STATE_ON)


@pytest.mark.usefixtures("enable_all")
async def test_calibration_never_shows_presence(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """During a real calibration run (callback 26) occupancy is never on."""
    coordinator = coordinator_of(init_integration)
    shown: list[tuple[str, str]] = []
    # Runs after the entities (added later), so it sees what each push made them show.
    remove = coordinator.async_add_listener(
        lambda: shown.append((_value(hass, OCCUPANCY), _value(hass, CALIBRATION)))
    )
    simulator.start_occupancy_calibration(30)
    await simulator.wait_idle()
    await wait_for_state(hass, CALIBRATION, "idle")
    remove()
    assert (STATE_OFF, "calibrating") in shown
    assert (STATE_ON, "calibrating") not in shown
    assert shown[-1] == (STATE_ON, "idle")


async def test_motion_from_movement_energy(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Any moving-target energy above 0 is motion."""
    assert _value(hass, MOTION) == STATE_ON
    await simulator.set_sensor("movement_energy", 0)
    await wait_for_state(hass, MOTION, STATE_OFF)
    assert _value(hass, OCCUPANCY) == STATE_ON, "someone sitting still"
    await simulator.set_sensor("movement_energy", 1)
    await wait_for_state(hass, MOTION, STATE_ON)


async def test_invalid_radar_is_unavailable(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """occupancy_valid 0: occupancy and motion unavailable; the connection is fine."""
    await simulator.set_sensor("occupancy_valid", 0)
    await wait_for_state(hass, OCCUPANCY, STATE_UNAVAILABLE)
    assert _value(hass, MOTION) == STATE_UNAVAILABLE
    assert _value(hass, CONNECTION) == STATE_ON
    await simulator.set_sensor("occupancy_valid", 1)
    await wait_for_state(hass, OCCUPANCY, STATE_ON)


async def test_connection_shows_the_faceplate_gone(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """PM.online false: the connection reads off (and stays available), the rest not."""
    assert _value(hass, CONNECTION) == STATE_ON
    await simulator.set_faceplate_online(False)
    await wait_for_state(hass, CONNECTION, STATE_OFF)
    for entity_id in (OCCUPANCY, MOTION, TEMPERATURE):
        assert _value(hass, entity_id) == STATE_UNAVAILABLE
    await simulator.set_faceplate_online(True)
    await wait_for_state(hass, CONNECTION, STATE_ON)
    await wait_for_state(hass, OCCUPANCY, STATE_ON)


async def test_connection_unavailable_with_the_outlet(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Only a lost outlet makes the connection sensor itself unavailable."""
    simulator.timings.reboot_delay = 1.0
    await simulator.reboot()
    coordinator = coordinator_of(init_integration)
    await wait_until(hass, lambda: coordinator.disconnected_since is not None)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=6))
    await wait_for_state(hass, CONNECTION, STATE_UNAVAILABLE)
    await wait_for_state(hass, CONNECTION, STATE_ON)
