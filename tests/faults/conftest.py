"""The integration tests' fixtures: a simulated outlet and the integration set up against it."""

from __future__ import annotations

from tests.integration.conftest import (  # noqa: F401 - fixtures, found by name
    config_entry,
    fast_reconnect,
    init_integration,
    simulator,
    variant,
)
