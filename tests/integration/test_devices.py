"""The outlet and its faceplate as devices in the registry."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.intecular.const import DOMAIN
from simulator import SimulatedOutlet

from .common import SERIAL


@pytest.mark.parametrize("variant", ["pro", "aura", "bare"])
async def test_devices(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatedOutlet,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The outlet is a device; a faceplate is a second one, attached to it."""
    devices = dr.async_entries_for_config_entry(device_registry, init_integration.entry_id)
    outlet = device_registry.async_get_device(identifiers={(DOMAIN, SERIAL)})
    assert outlet is not None
    assert outlet == snapshot(name="outlet", exclude=props("configuration_url"))
    assert outlet.configuration_url == f"http://127.0.0.1:{simulator.port}"
    if simulator.faceplate_serial is None:
        assert devices == [outlet]
        return
    faceplate = device_registry.async_get_device(
        identifiers={(DOMAIN, f"{simulator.serial}_faceplate")}
    )
    assert faceplate is not None
    assert faceplate.via_device_id == outlet.id
    assert faceplate == snapshot(name="faceplate")
    assert {d.id for d in devices} == {outlet.id, faceplate.id}
