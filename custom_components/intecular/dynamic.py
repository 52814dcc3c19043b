"""Entities that appear once the outlet reports what they show, and never vanish."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import IntecularConfigEntry
from .state import DeviceState


@callback
def async_add_when_reported[D: EntityDescription](
    hass: HomeAssistant,
    entry: IntecularConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    *,
    domain: str,
    descriptions: Sequence[D],
    exists: Callable[[D, DeviceState], bool],
    create: Callable[[D], Entity],
) -> None:
    """Add each entity when ``exists`` first holds; keep it from then on.

    A reading missing from one push changes nothing: the entity shows unavailable and
    keeps its settings. At setup, while the faceplate is not reporting (offline, or
    back later than Home Assistant), entities the registry already knows are added
    too, so they do not turn into orphans; a live faceplate that lacks the data (a
    different kind was fitted) does not bring them back.
    """
    coordinator = entry.runtime_data
    if not coordinator.has_faceplate:
        # Without a faceplate, nothing of one (the outlet may still list its settings).
        descriptions = [d for d in descriptions if not getattr(d, "faceplate", False)]
    state = coordinator.data
    serial = state.info.outlet.serial
    known: set[str] = set()
    if not state.faceplate_available:
        known = {
            e.unique_id
            for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
            if e.domain == domain
        }
    first = [d for d in descriptions if exists(d, state) or f"{serial}_{d.key}" in known]
    if first:
        async_add_entities(create(d) for d in first)
    pending = [d for d in descriptions if d not in first]
    if not pending:
        return
    last = state
    listening = True

    @callback
    def _stop() -> None:
        nonlocal listening
        if listening:
            listening = False
            remove()

    @callback
    def _check() -> None:
        nonlocal last, pending
        if (now := coordinator.data) is last:
            return
        last = now
        if new := [d for d in pending if exists(d, now)]:
            pending = [d for d in pending if d not in new]
            async_add_entities(create(d) for d in new)
            if not pending:
                _stop()

    remove = coordinator.async_add_listener(_check)
    entry.async_on_unload(_stop)
