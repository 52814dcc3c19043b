"""What a loaded entry holds (its runtime data), built when the entry is set up.

The coordinator, the firmware update check and one install tracker per module are
created and started together in ``async_setup_entry`` (``__init__.py``); platforms,
actions and diagnostics only read them here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .coordinator import IntecularCoordinator
from .firmware import Module, UpdateChecker
from .ota import OtaTracker

type IntecularConfigEntry = ConfigEntry[IntecularData]


@dataclass(frozen=True, slots=True)
class IntecularData:
    """One outlet's live objects, for as long as its entry is loaded.

    ``trackers``: one per module; the faceplate's follows nothing while none is fitted.
    """

    coordinator: IntecularCoordinator
    checker: UpdateChecker
    trackers: Mapping[Module, OtaTracker]
