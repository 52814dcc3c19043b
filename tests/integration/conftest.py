"""Fixtures: a simulated outlet on 127.0.0.1 and a config entry pointing at it."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from unittest.mock import patch

from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.const import CONF_FACEPLATE, DOMAIN
from simulator import SimulatedOutlet

from .common import SERIAL
from .entities import all_entities_enabled

# Small enough to keep tests fast, long enough to tell the phases apart.
FAST = {
    "reboot_delay": 0.3,
    "revb_restart_delay": 0.2,
    "faceplate_restart_delay": 0.3,
    "ota_step_interval": 0.01,
    "ota_step_percent": 25,
    "calibration_delay": 0.05,
    "calibration_second": 0.01,
}


@pytest.fixture
def variant() -> str:
    """The simulated faceplate; parametrize to change it."""
    return "pro"


@pytest.fixture
def profile() -> str:
    """How the simulated outlet behaves ("friendly" or "real"); parametrize to change it."""
    return "friendly"


@pytest.fixture
async def simulator(variant: str, profile: str) -> AsyncGenerator[SimulatedOutlet]:
    """A running simulated outlet with no sensor timer (pushes only when told)."""
    async with SimulatedOutlet(
        variant, serial=SERIAL, seed=7, sensor_interval=0, profile=profile, **FAST
    ) as sim:
        yield sim


@pytest.fixture
def config_entry(simulator: SimulatedOutlet, variant: str) -> MockConfigEntry:
    """A config entry for the simulated outlet, as the config flow would create it."""
    data = {CONF_HOST: simulator.host, CONF_PORT: simulator.port}
    if variant != "bare":
        # the kind the setup flow stores: a plain InvisDeco is the basic kind
        data[CONF_FACEPLATE] = "basic" if variant == "deco" else variant
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"InvisOutlet {simulator.serial[-4:]}",
        unique_id=simulator.serial,
        data=data,
    )


@pytest.fixture
def enable_all() -> Generator[None]:
    """Create disabled-by-default entities (the Aura indicator, raw readings) enabled."""
    with all_entities_enabled():
        yield


@pytest.fixture
def fast_reconnect() -> Generator[None]:
    """Reconnect attempts a few milliseconds apart instead of half a second."""
    with patch("custom_components.intecular.link.RECONNECT_BACKOFF_FIRST", 0.02):
        yield


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, config_entry: MockConfigEntry, fast_reconnect: None
) -> MockConfigEntry:
    """The integration set up and running against the simulator."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry
