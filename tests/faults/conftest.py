"""The fault tests' fixtures: the integration tests' simulated outlet and setup, the clock."""

from __future__ import annotations

from tests.clock import clock  # noqa: F401 - a fixture, found by name
from tests.integration.conftest import (  # noqa: F401 - fixtures, found by name
    config_entry,
    enable_all,
    fast_reconnect,
    init_integration,
    profile,
    simulator,
    variant,
)
