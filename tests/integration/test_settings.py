"""The outlet's accessory settings as switches and numbers (callbacks 1 and 2)."""

from __future__ import annotations

from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    EntityCategory,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.intecular.api import Callback
from custom_components.intecular.const import DOMAIN
from custom_components.intecular.settings import (
    NUMBER_SETTINGS,
    SWITCH_SETTINGS,
    NumberSetting,
    Setting,
)
from simulator import SimulatedOutlet

from .common import SERIAL, coordinator_of, find_device, wait_for_state

SETTING_KEYS = {s.key for s in (*SWITCH_SETTINGS, *NUMBER_SETTINGS)}
OUTLET_KEYS = {
    "away_simulation",
    "away_simulation_outlet_1",
    "away_simulation_outlet_2",
    "away_min_on_time",
    "away_max_on_time",
    "away_min_off_time",
    "away_max_off_time",
}
NIGHTLIGHT_AWAY_KEYS = {
    "away_simulation_nightlight",
    "away_min_brightness",
    "away_max_brightness",
}
# Radar and air-quality features: on the Pro only.
PRO_ONLY_KEYS = {
    "air_quality_color",
    "security_alert",
    "occupancy_nightlight",
    "nightlight_override",
}


def entity_id(hass: HomeAssistant, platform: str, key: str) -> str:
    """The entity id of a setting (by its unique id)."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{SERIAL}_{key}")
    assert found is not None, key
    return found


def device_value(simulator: SimulatedOutlet, path: str) -> int:
    """A setting as the outlet has it."""
    node = simulator.state.config["acc_prefs"]
    for part in path.split("."):
        node = node[part]
    return int(node)


def settings_of(hass: HomeAssistant, entry: MockConfigEntry) -> list[er.RegistryEntry]:
    """The setting entities of the entry, by entity id."""
    return sorted(
        (
            e
            for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
            if e.unique_id.removeprefix(f"{SERIAL}_") in SETTING_KEYS
        ),
        key=lambda e: e.entity_id,
    )


@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
async def test_settings_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    snapshot: SnapshotAssertion,
) -> None:
    """Each faceplate has the settings of its features; the rest belong to the outlet."""
    entries = settings_of(hass, init_integration)
    keys = {e.unique_id.removeprefix(f"{SERIAL}_") for e in entries}
    if simulator.variant == "pro":
        assert keys == SETTING_KEYS
    elif simulator.variant == "aura":
        assert keys == SETTING_KEYS - PRO_ONLY_KEYS
    else:
        assert keys == OUTLET_KEYS
    outlet = find_device(dr.async_get(hass), {(DOMAIN, SERIAL)})
    assert outlet is not None
    for entry in entries:
        key = entry.unique_id.removeprefix(f"{SERIAL}_")
        assert entry.entity_category is EntityCategory.CONFIG
        on_outlet = key in OUTLET_KEYS | NIGHTLIGHT_AWAY_KEYS
        assert (entry.device_id == outlet.id) == on_outlet, key
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        assert hass.states.get(entry.entity_id) == snapshot(name=f"{entry.entity_id}-state")


@pytest.mark.parametrize("setting", SWITCH_SETTINGS, ids=lambda s: s.key)
@pytest.mark.usefixtures("enable_all")
async def test_switch_setting(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    setting: Setting,
) -> None:
    """A switch writes only its own key (partial 2) and shows what the outlet has."""
    switch = entity_id(hass, Platform.SWITCH, setting.key)
    initially = device_value(simulator, setting.path)
    assert hass.states.get(switch).state == (STATE_ON if initially else STATE_OFF)

    for on in (not initially, bool(initially)):
        simulator.requests.clear()
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
            {ATTR_ENTITY_ID: switch},
            blocking=True,
        )
        assert device_value(simulator, setting.path) == int(on)
        assert hass.states.get(switch).state == (STATE_ON if on else STATE_OFF)
        *parents, leaf = setting.path.split(".")
        sent: dict[str, object] = {leaf: int(on)}
        for parent in reversed(parents):
            sent = {parent: sent}
        assert list(simulator.requests) == [(2, [{"acc_prefs": sent}])]


async def test_switch_follows_the_outlet(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """A change made in the vendor app shows after the next full read (a reconnect)."""
    await simulator.set_config(acc_prefs={"capacitiveCtrl": 0})
    await simulator.drop_connections()
    await wait_for_state(hass, "switch.invisdeco_pro_e7c4_touch_control", STATE_OFF)


@pytest.mark.parametrize("setting", NUMBER_SETTINGS, ids=lambda s: s.key)
@pytest.mark.usefixtures("enable_all")
async def test_number_setting(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    setting: NumberSetting,
) -> None:
    """A number takes a value in its range, and refuses one outside it, sending nothing."""
    number = entity_id(hass, Platform.NUMBER, setting.key)
    state = hass.states.get(number)
    assert float(state.state) == device_value(simulator, setting.path)
    low, high = state.attributes["min"], state.attributes["max"]
    assert (low, high) == (setting.minimum, setting.maximum)

    # Inside both its own range and its pair's (min <= max).
    value = (device_value(simulator, setting.path) + 1) if "min" not in setting.key else low
    await hass.services.async_call(
        NUMBER_DOMAIN, SERVICE_SET_VALUE, {ATTR_ENTITY_ID: number, ATTR_VALUE: value}, blocking=True
    )
    assert device_value(simulator, setting.path) == value
    assert float(hass.states.get(number).state) == value

    simulator.requests.clear()
    for wrong in (low - 1, high + 1):
        with pytest.raises(ServiceValidationError):
            await hass.services.async_call(
                NUMBER_DOMAIN,
                SERVICE_SET_VALUE,
                {ATTR_ENTITY_ID: number, ATTR_VALUE: wrong},
                blocking=True,
            )
    assert not simulator.requests
    assert device_value(simulator, setting.path) == value


@pytest.mark.parametrize(
    "case",
    [
        ("adaptive_min_brightness", 80, "setting_above_maximum", "70"),
        ("adaptive_max_brightness", 5, "setting_below_minimum", "8"),
        ("away_min_on_time", 50, "setting_above_maximum", "45"),
        ("away_max_off_time", 5, "setting_below_minimum", "10"),
    ],
    ids=lambda case: case[0],
)
@pytest.mark.usefixtures("enable_all")
async def test_minimum_never_above_maximum(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    case: tuple[str, int, str, str],
) -> None:
    """A minimum above its maximum (or the reverse) is refused with a clear message."""
    key, value, error, limit = case
    number = entity_id(hass, Platform.NUMBER, key)
    before = hass.states.get(number).state
    simulator.requests.clear()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            {ATTR_ENTITY_ID: number, ATTR_VALUE: value},
            blocking=True,
        )
    assert err.value.translation_key == error
    assert err.value.translation_placeholders == {"value": str(value), "limit": limit}
    assert limit in str(err.value)
    # the configuration is read (the pair may have changed in the app), nothing written
    assert [callback for callback, _ in simulator.requests] == [Callback.GET_CONFIG]
    assert hass.states.get(number).state == before


@pytest.mark.usefixtures("enable_all")
async def test_unconfirmed_write_changes_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """The outlet does not confirm the write: a translated error, the old value stays."""
    coordinator_of(init_integration).client.request_timeout = 0.05
    simulator.faults.drop_replies = True
    number = entity_id(hass, Platform.NUMBER, "indicator_brightness")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            {ATTR_ENTITY_ID: number, ATTR_VALUE: 20},
            blocking=True,
        )
    assert err.value.translation_key == "command_timeout"
    assert hass.states.get(number).state == "65"
    simulator.faults.drop_replies = False


async def test_faceplate_settings_follow_the_faceplate(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: SimulatedOutlet
) -> None:
    """Faceplate settings are unavailable while it is offline; outlet settings stay."""
    await simulator.set_faceplate_online(False)
    await wait_for_state(hass, "switch.invisdeco_pro_e7c4_touch_control", STATE_UNAVAILABLE)
    assert hass.states.get("switch.invisoutlet_e7c4_away_simulation").state == STATE_OFF
