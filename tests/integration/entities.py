"""Helpers for the entity tests: all entities enabled, snapshots of chosen entities."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from unittest.mock import PropertyMock, patch

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from .common import SERIAL


@contextmanager
def all_entities_enabled() -> Iterator[None]:
    """Create disabled-by-default entities enabled, so their states can be checked."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


def registered(
    entity_registry: er.EntityRegistry, entry: MockConfigEntry, domain: str, keys: Collection[str]
) -> list[er.RegistryEntry]:
    """This entry's entities of ``domain`` whose description key is one of ``keys``."""
    return sorted(
        (
            e
            for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
            if e.domain == domain and e.unique_id.removeprefix(f"{SERIAL}_") in keys
        ),
        key=lambda e: e.entity_id,
    )


def snapshot_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    *,
    entry: MockConfigEntry,
    domain: str,
    keys: Collection[str],
) -> list[str]:
    """Snapshot registry entry and state of each chosen entity; return their ids."""
    entries = registered(entity_registry, entry, domain, keys)
    for entity in entries:
        assert entity == snapshot(name=f"{entity.entity_id}-entry")
        assert hass.states.get(entity.entity_id) == snapshot(name=f"{entity.entity_id}-state")
    return [e.entity_id for e in entries]
