"""What a push costs in entity work: an unchanged one none, a changed one its own entities."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, fields, replace
from unittest.mock import PropertyMock, patch

from homeassistant.const import EVENT_STATE_CHANGED, STATE_OFF, STATE_ON
from homeassistant.core import Event, EventStateChangedData, HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular import (
    binary_sensor,
    button,
    light,
    number,
    select,
    sensor,
    switch,
    text,
    update,
)
from custom_components.intecular.api import OutletStates, Push, SensorReadings
from custom_components.intecular.entity import IntecularEntity, IntecularEntityDescription
from custom_components.intecular.state import STATE_FIELDS
from simulator import SimulatedOutlet
from simulator.wire import Callback

from .common import coordinator_of, wait_for_state, wait_until

PRO = "sensor.invisdeco_pro_e7c4"
TEMPERATURE = f"{PRO}_temperature"
HUMIDITY = f"{PRO}_humidity"
OUTLET_1 = "switch.invisoutlet_e7c4_outlet_1"
OUTLET_2 = "switch.invisoutlet_e7c4_outlet_2"


@dataclass
class Activity:
    """The entities woken by the coordinator and the states written, in order."""

    woken: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    def clear(self) -> None:
        """Forget what happened so far."""
        self.woken.clear()
        self.written.clear()


@pytest.fixture
def enable_all() -> bool:
    """Whether the entities disabled by default are enabled too (as a user may)."""
    return False


@pytest.fixture
async def activity(
    hass: HomeAssistant, config_entry: MockConfigEntry, fast_reconnect: None, enable_all: bool
) -> AsyncIterator[Activity]:
    """Set up the integration with every entity wake and state write counted."""
    seen = Activity()
    handle = IntecularEntity._handle_coordinator_update

    def counted(entity: IntecularEntity) -> None:
        seen.woken.append(entity.entity_id)
        handle(entity)

    def written(event: Event[EventStateChangedData]) -> None:
        seen.written.append(event.data["entity_id"])

    hass.bus.async_listen(EVENT_STATE_CHANGED, written)
    enabled = patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    )
    with (
        patch.object(IntecularEntity, "_handle_coordinator_update", counted),
        enabled if enable_all else nullcontext(),
    ):
        config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        # the optional parts and the firmware check are read in the background
        data = lambda: coordinator_of(config_entry).data  # noqa: E731
        await wait_until(
            hass,
            lambda: None not in (data().updates, data().names, data().sensors, data().nightlight),
        )
        seen.clear()
        yield seen


async def _handled(
    hass: HomeAssistant, entry: MockConfigEntry, push: Callable[[], Awaitable[None]]
) -> None:
    """Have the simulator push once; wait until the coordinator has it, and all settled.

    Counted as pushes, not frames: replies to the parts still read in the background
    (a faceplate's lights asked for in case) are frames too.
    """
    received: list[Push] = []
    remove = coordinator_of(entry).add_push_listener(received.append)
    try:
        await push()
        await wait_until(hass, lambda: bool(received))
    finally:
        remove()
    await hass.async_block_till_done()


async def test_unchanged_push_wakes_no_entity(
    hass: HomeAssistant,
    activity: Activity,
    config_entry: MockConfigEntry,
    simulator: SimulatedOutlet,
) -> None:
    """The faceplate pushing what it pushed before writes no state, wakes no entity."""
    stats = coordinator_of(config_entry).client.stats
    for _ in range(3):
        await _handled(hass, config_entry, simulator.push_sensors)
    # the first push after the read is parsed (it equals what was read); the others repeat
    assert stats.repeats == 2
    assert activity.woken == []
    assert activity.written == []


async def test_push_changing_two_readings_writes_those_two(
    hass: HomeAssistant,
    activity: Activity,
    config_entry: MockConfigEntry,
    simulator: SimulatedOutlet,
) -> None:
    """Temperature and humidity change in one push: exactly their entities are written."""
    simulator.state.sensors.set("temp_celsius", 25.5)
    simulator.state.sensors.set("humidity", 61.0)
    await simulator.push_sensors()
    await wait_for_state(hass, HUMIDITY, "61")
    assert hass.states.get(TEMPERATURE).state == "25.5"
    assert sorted(activity.written) == sorted([TEMPERATURE, HUMIDITY])
    assert TEMPERATURE in activity.woken
    # the outlets, lights, names and settings read other parts: not even woken
    other = ("switch.", "light.", "text.", "number.")
    assert not [entity_id for entity_id in activity.woken if entity_id.startswith(other)]


async def test_temperature_push_wakes_no_other_reading(
    hass: HomeAssistant,
    activity: Activity,
    simulator: SimulatedOutlet,
) -> None:
    """A push that changes the temperature alone wakes, of the sensors, the temperature's.

    Each sensor hears only of the readings it shows; humidity, air and light sensors
    look at nothing (their 20-odd fingerprints were computed for every push), nor do
    the radar's occupancy and motion.
    """
    await simulator.set_sensor("temp_celsius", 26.5)
    await wait_for_state(hass, TEMPERATURE, "26.5")
    await hass.async_block_till_done()
    assert activity.written == [TEMPERATURE]
    assert [e for e in activity.woken if e.startswith(("sensor.", "binary_sensor."))] == [
        TEMPERATURE
    ]


async def test_reading_turned_unreadable_is_heard(
    hass: HomeAssistant,
    activity: Activity,
    simulator: SimulatedOutlet,
) -> None:
    """A reading the faceplate sends unreadable wakes its sensor: it shows unknown."""
    args = simulator.state.sensor_args(simulator.quirks)
    args[1]["humidity"] = "nan"
    simulator.push(Callback.SENSORS, args)
    await wait_for_state(hass, HUMIDITY, "unknown")
    assert hass.states.get(TEMPERATURE).state == "22.4"


async def test_switch_push_wakes_no_sensor(
    hass: HomeAssistant,
    activity: Activity,
    simulator: SimulatedOutlet,
) -> None:
    """The outlet's button: the switch is written, no faceplate entity is even woken.

    Nor is the other outlet's switch: each hears only of its own outlet's state.
    """
    await simulator.press_button(1)
    await wait_for_state(hass, OUTLET_1, STATE_ON)
    await hass.async_block_till_done()
    assert activity.written == [OUTLET_1]
    assert OUTLET_1 in activity.woken
    assert OUTLET_2 not in activity.woken
    assert not [e for e in activity.woken if e.startswith(("sensor.", "binary_sensor.", "light."))]


@pytest.mark.parametrize("enable_all", [True])
async def test_pushes_wake_only_the_entities_showing_them(
    hass: HomeAssistant,
    activity: Activity,
    simulator: SimulatedOutlet,
) -> None:
    """Every entity enabled (the delivery option, the diagnostics too): a socket's push
    and a reading's wake only the entities that show a socket or a reading, never the
    firmware delivery option, whose choice is Home Assistant's own."""
    await simulator.press_button(1)
    await wait_for_state(hass, OUTLET_1, STATE_ON)
    await simulator.set_sensor("temp_celsius", 26.5)
    await wait_for_state(hass, TEMPERATURE, "26.5")
    await hass.async_block_till_done()
    assert len(hass.states.async_entity_ids("select")) == 1  # it is there, and enabled
    woken = {entity_id.split(".")[0] for entity_id in activity.woken}
    assert woken <= {"switch", "sensor", "binary_sensor"}, activity.woken


async def test_push_wakes_no_button(
    hass: HomeAssistant,
    activity: Activity,
    simulator: SimulatedOutlet,
) -> None:
    """A button shows nothing a push changes: neither the outlet's nor a sensor's wakes it."""
    await simulator.press_button(1)
    await wait_for_state(hass, OUTLET_1, STATE_ON)
    await simulator.set_sensor("temp_celsius", 26.5)
    await wait_for_state(hass, TEMPERATURE, "26.5")
    await hass.async_block_till_done()
    assert activity.woken
    assert not [e for e in activity.woken if e.startswith("button.")]


async def test_reconnect_refreshes_every_entity(
    hass: HomeAssistant,
    activity: Activity,
    config_entry: MockConfigEntry,
    simulator: SimulatedOutlet,
    entity_registry: er.EntityRegistry,
) -> None:
    """A new link is a whole new state: every entity looks at it again."""
    coordinator = coordinator_of(config_entry)
    await simulator.drop_connections()
    await wait_until(hass, lambda: coordinator.reconnects == 1 and coordinator.link_ready)
    await hass.async_block_till_done()
    shown = {
        entry.entity_id
        for entry in er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
        if hass.states.get(entry.entity_id) is not None
    }
    assert shown
    assert shown <= set(activity.woken)


async def test_repeated_push_after_a_reconnect_is_handled(
    hass: HomeAssistant,
    activity: Activity,
    config_entry: MockConfigEntry,
    simulator: SimulatedOutlet,
) -> None:
    """A new link forgets the pushes of the old one: nothing stale is suppressed."""
    coordinator = coordinator_of(config_entry)
    stats = coordinator.client.stats
    for _ in range(2):
        await _handled(hass, config_entry, simulator.push_sensors)
    assert stats.repeats == 1
    await simulator.drop_connections()
    await wait_until(hass, lambda: coordinator.reconnects == 1 and coordinator.link_ready)
    await hass.async_block_till_done()
    await _handled(hass, config_entry, simulator.push_sensors)
    assert stats.repeats == 1  # the same frame as before the drop was parsed
    await _handled(hass, config_entry, simulator.push_sensors)
    assert stats.repeats == 2


async def test_repeated_push_corrects_a_change_made_meanwhile(
    hass: HomeAssistant,
    activity: Activity,
    config_entry: MockConfigEntry,
    simulator: SimulatedOutlet,
) -> None:
    """The state changed by other means than a push: the outlet's same push still counts.

    An acknowledged command is applied at once; when the outlet then pushes what it
    pushed before, that push is the truth and is shown.
    """
    coordinator = coordinator_of(config_entry)
    await simulator.set_outlet(1, True)
    await wait_for_state(hass, OUTLET_1, STATE_ON)
    coordinator.async_apply(
        lambda state: replace(state, outlets=OutletStates(outlet_1=False, outlet_2=False))
    )
    await wait_for_state(hass, OUTLET_1, STATE_OFF)
    simulator.push(Callback.OUTLETS, simulator.outlet_push_args())
    await wait_for_state(hass, OUTLET_1, STATE_ON)


async def test_a_push_held_back_before_the_outlet_is_verified_is_not_taken_for_a_repeat(
    hass: HomeAssistant,
    activity: Activity,
    config_entry: MockConfigEntry,
    simulator: SimulatedOutlet,
) -> None:
    """A push the coordinator did not apply (identity not yet proved) is not "shown".

    When the outlet sends it again once the link is verified, it is applied.
    """
    coordinator = coordinator_of(config_entry)
    link = coordinator._link
    assert hass.states.get(OUTLET_1).state == STATE_OFF
    frames = coordinator.client.stats.frames
    link.verified = False  # as between connecting and the identity check
    simulator.push(Callback.OUTLETS, [1, 0])
    await wait_until(hass, lambda: coordinator.client.stats.frames > frames)
    await hass.async_block_till_done()
    assert hass.states.get(OUTLET_1).state == STATE_OFF
    link.verified = True
    simulator.push(Callback.OUTLETS, [1, 0])
    await wait_for_state(hass, OUTLET_1, STATE_ON)


async def test_sensor_silence_ends_with_a_repeated_push(
    hass: HomeAssistant,
    activity: Activity,
    config_entry: MockConfigEntry,
    simulator: SimulatedOutlet,
) -> None:
    """Readings gone stale come back with the faceplate's next push, even an unchanged one."""
    coordinator = coordinator_of(config_entry)
    for _ in range(2):
        await _handled(hass, config_entry, simulator.push_sensors)
    coordinator._sensors_silent()  # what the silence watchdog does when it fires
    assert hass.states.get(TEMPERATURE).state == "unavailable"
    await simulator.push_sensors()
    await wait_for_state(hass, TEMPERATURE, "22.4")


def test_declared_parts_are_state_fields() -> None:
    """A part an entity declares is a field of the state (a typo would never wake it)."""
    descriptions: list[IntecularEntityDescription] = [
        *binary_sensor.BINARY_SENSORS,
        *button.BUTTONS,
        *light.LIGHTS,
        *number.NUMBERS,
        select.FACEPLATE_UPDATE_METHOD,
        *sensor.SENSORS,
        *switch.SWITCHES,
        *text.NAMES,
        *update.UPDATES,
    ]
    declared = [d.parts for d in descriptions if d.parts is not None]
    assert declared
    for parts in declared:
        # a part, or one field of a part's model ("outlets.outlet_1")
        for name in parts:
            part, dot, field_name = name.partition(".")
            assert part in STATE_FIELDS, name
            if dot:
                models = {"outlets": OutletStates, "sensors": SensorReadings}
                assert field_name in {f.name for f in fields(models[part])}, name


def test_sensor_fields_read_are_reading_fields() -> None:
    """A reading a sensor says it shows is a field of the readings (a typo never wakes it)."""
    names = {f.name for f in fields(SensorReadings)}
    shown = [d.readings for d in binary_sensor.BINARY_SENSORS if d.readings is not None]
    assert shown
    for readings in shown:
        assert readings <= names, readings - names
    read = [d.fields_read() for d in sensor.SENSORS]
    assert all(r is not None for r in read)
    for fields_read in read:
        assert fields_read is not None
        assert fields_read <= names, fields_read - names
