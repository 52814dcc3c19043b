"""The ``profile`` fixture reaches the simulated outlet the integration tests use."""

from __future__ import annotations

import pytest

from simulator import SimulatedOutlet


async def test_friendly_by_default(simulator: SimulatedOutlet) -> None:
    assert simulator.profile == "friendly"
    assert simulator.faults.ota_ack
    assert simulator.faults.unanswered == frozenset()


@pytest.mark.parametrize("profile", ["real"])
async def test_parametrized_profile(simulator: SimulatedOutlet) -> None:
    assert simulator.profile == "real"
    assert not simulator.faults.ota_ack
    assert simulator.faults.update_check_delay == 8.0
    assert simulator.timings.reboot_delay == 0.3  # the fast test timings still apply
