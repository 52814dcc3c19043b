"""The base entity (unique ids, device, availability, cheap updates) and how entities are added."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import ClassVar

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Accessory
from .const import DOMAIN
from .coordinator import IntecularConfigEntry, IntecularCoordinator
from .devices import faceplate_identifier
from .state import DeviceState


class IntecularEntity(CoordinatorEntity[IntecularCoordinator]):
    """An entity of one outlet (or, with ``faceplate=True``, of its faceplate).

    Pushes arrive several times a second across all entities of an outlet, so an
    entity writes its state only when what it shows changed: subclasses return that
    in ``_fingerprint()``.

    ``needs_faceplate`` (default: ``faceplate``) makes the entity unavailable while the
    faceplate is; an entity about the faceplate that must stay readable while it is gone
    lives on the faceplate device with ``needs_faceplate=False``. An entity with an
    ``accessory`` is named as the user named that accessory in the vendor app, and by
    its translation while it has the factory name.

    ``parts`` names the ``DeviceState`` fields the entity shows (a description's
    ``parts`` wins over the class's): a change of another part does not wake it. None
    (the default) is every part. The faceplate's state (``info``, ``sensors_fresh``)
    is added for an entity that needs the faceplate, ``names`` for one with an
    accessory. A whole new state (a reconnect, a full re-read, the grace period
    ending) wakes every entity.
    """

    _attr_has_entity_name = True
    parts: ClassVar[frozenset[str] | None] = None

    def __init__(
        self,
        coordinator: IntecularCoordinator,
        description: EntityDescription,
        *,
        faceplate: bool = False,
        needs_faceplate: bool | None = None,
        accessory: Accessory | None = None,
    ) -> None:
        """Bind the entity to the outlet's (or the faceplate's) device."""
        self._faceplate = faceplate if needs_faceplate is None else needs_faceplate
        self._accessory = accessory
        super().__init__(coordinator, self._parts_read(description))
        self.entity_description = description
        self._apply_accessory_name()
        info = coordinator.data.info
        self._attr_unique_id = f"{info.outlet.serial}_{description.key}"
        self._attr_device_info = self._device_info(faceplate)
        self._written: tuple[bool, Hashable] | None = None

    def _parts_read(self, description: EntityDescription) -> frozenset[str] | None:
        """The ``DeviceState`` fields this entity reads (its listener's context)."""
        parts: frozenset[str] | None = getattr(description, "parts", None)
        if parts is None:
            parts = self.parts
        if parts is None:
            return None
        if self._faceplate:
            parts |= {"info", "sensors_fresh"}
        if self._accessory is not None:
            parts |= {"names"}
        return parts

    def _device_info(self, faceplate: bool) -> DeviceInfo:
        """Only the identifiers: the devices are registered at setup (devices.py)."""
        info = self.coordinator.data.info
        identifier = faceplate_identifier(info.outlet.serial) if faceplate else info.outlet.serial
        return DeviceInfo(identifiers={(DOMAIN, identifier)})

    @property
    def available(self) -> bool:
        """Unavailable when the outlet is gone, or for faceplate entities the faceplate."""
        if not super().available:
            return False
        return not self._faceplate or self.coordinator.data.faceplate_available

    @property
    def accessory_name(self) -> str | None:
        """The user-given name of this entity's accessory, if it has one."""
        if self._accessory is None:
            return None
        return self.coordinator.data.accessory_name(self._accessory)

    def _apply_accessory_name(self) -> None:
        """Take the accessory's name, or fall back to the translated one."""
        if self._accessory is None:
            return
        if (name := self.accessory_name) is not None:
            self._attr_name = name
        elif hasattr(self, "_attr_name"):
            del self._attr_name
        entry = self.registry_entry
        if entry is not None and entry.original_name != (name := self._name_or_none()):
            # The registry's name is what the frontend shows: keep it in step.
            er.async_get(self.hass).async_update_entity(self.entity_id, original_name=name)

    def _name_or_none(self) -> str | None:
        name = self.name
        return name if isinstance(name, str) else None

    def _fingerprint(self) -> Hashable:
        """Everything this entity shows; the state is written only when it changes."""
        raise NotImplementedError

    async def async_added_to_hass(self) -> None:
        """Remember what was written first."""
        await super().async_added_to_hass()
        self._written = (self.available, self._fingerprint())

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write the state only if this entity's part of it changed."""
        written = (self.available, self._fingerprint())
        if written != self._written:
            self._written = written
            self._apply_accessory_name()
            self.async_write_ha_state()


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
