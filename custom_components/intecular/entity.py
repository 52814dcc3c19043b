"""The base entity (ids, device, availability, cheap updates), and adding entities.

An entity's commands are methods decorated with ``coordinator.device_command``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Final

from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Accessory
from .const import DOMAIN
from .coordinator import IntecularCoordinator
from .devices import faceplate_identifier
from .runtime import IntecularConfigEntry
from .state import DeviceState


@dataclass(frozen=True, kw_only=True)
class IntecularEntityDescription(EntityDescription):
    """What every entity of an outlet declares, read by ``IntecularEntity``.

    ``faceplate``: the entity lives on the faceplate's device, and exists only while a
    faceplate is fitted. ``needs_faceplate`` (None: as ``faceplate``) makes it
    unavailable while the faceplate is; an entity about the faceplate that must stay
    readable while it is gone sets it False. An entity with an ``accessory`` is named as
    the user named that accessory in the vendor app, and by its translation while it
    has the factory name. ``exists_fn`` tells when the outlet reports what it shows
    (it is added then, and kept); it reads only the ``parts`` named (and ``info``), which
    is what the wait for it listens to. ``parts`` names the ``DeviceState`` fields it shows: a
    change of another part does not wake it (None: every part); ``part.field`` names
    one field of a part's model (``outlets.outlet_1``).
    """

    faceplate: bool = False
    needs_faceplate: bool | None = None
    accessory: Accessory | None = None
    exists_fn: Callable[[DeviceState], bool] = lambda _: True
    parts: frozenset[str] | None = None


class IntecularEntity(CoordinatorEntity[IntecularCoordinator]):
    """An entity of one outlet (or of its faceplate), as its description says.

    Pushes arrive several times a second across all entities of an outlet, so an
    entity writes its state only when what it shows changed: subclasses return that
    in ``_fingerprint()``. The faceplate's state (``info``, ``sensors_fresh``) is added
    to the parts an entity that needs the faceplate reads, ``names`` for one with an
    accessory. A whole new state (a reconnect, a full re-read, the grace period ending)
    wakes every entity.
    """

    _attr_has_entity_name = True
    entity_description: IntecularEntityDescription
    # Home Assistant's own reading of ``_attr_available`` (``CoordinatorEntity`` reads
    # ``last_update_success`` alone): every wake sets it, the outage included, so a
    # state write asks nothing of the integration for it.
    available = Entity.available

    def __init__(
        self, coordinator: IntecularCoordinator, description: IntecularEntityDescription
    ) -> None:
        """Bind the entity to the outlet's (or the faceplate's) device."""
        needs = description.needs_faceplate
        self._faceplate = description.faceplate if needs is None else needs
        self._accessory = description.accessory
        # The accessory's name as of a ``names`` part (the object it was read from).
        self._named: tuple[object, str | None] = (_UNREAD, None)
        self._name_applied: object = _UNREAD  # the names part the name was taken from
        super().__init__(coordinator, self._parts_read(description))
        self.entity_description = description
        self._apply_accessory_name()
        info = coordinator.data.info
        self._attr_unique_id = f"{info.outlet.serial}_{description.key}"
        self._attr_device_info = self._device_info(description.faceplate)
        self._written: tuple[bool, Hashable, str | None] | None = None

    def _parts_read(self, description: IntecularEntityDescription) -> frozenset[str] | None:
        """The ``DeviceState`` fields this entity reads (its listener's context)."""
        parts = description.parts
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

    def _shown_available(self) -> bool:
        """Unavailable when the outlet is gone, or for faceplate entities the faceplate.

        Set as ``_attr_available`` whenever the entity is woken (a change of availability
        wakes it: the faceplate's parts are among those it reads, the outlet's outage
        and return wake every entity), and read by ``available``. A subclass with more
        to say extends this (the sensors do), or ``available`` on top of it.
        """
        coordinator = self.coordinator
        if not coordinator.last_update_success:
            return False
        return not self._faceplate or coordinator.data.faceplate_available

    @property
    def accessory_name(self) -> str | None:
        """The user-given name of this entity's accessory, if it has one.

        Read again only when the names part is another object (an unchanged part keeps
        its object): a push asks twice per woken entity, the names rarely change.
        """
        if self._accessory is None:
            return None
        state = self.coordinator.data
        if (named := self._named)[0] is not state.names:
            named = self._named = (state.names, state.accessory_name(self._accessory))
        return named[1]

    def _apply_accessory_name(self, *, again: bool = True) -> None:
        """Take the accessory's name, or fall back to the translated one.

        ``again=False``: nothing to do when the name was taken, with the entity in the
        registry, from the names part the state holds now.
        """
        if self._accessory is None:
            return
        names = self.coordinator.data.names
        if not again and names is self._name_applied:
            return
        if (name := self.accessory_name) is not None:
            self._attr_name = name
        elif hasattr(self, "_attr_name"):
            del self._attr_name
        entry = self.registry_entry
        if entry is None:
            return
        self._name_applied = names
        if entry.original_name != (name := self._name_or_none()):
            # The registry's name is what the frontend shows: keep it in step.
            er.async_get(self.hass).async_update_entity(self.entity_id, original_name=name)

    def _name_or_none(self) -> str | None:
        name = self.name
        return name if isinstance(name, str) else None

    def _fingerprint(self) -> Hashable:
        """Everything this entity shows; the state is written only when it changes.

        The accessory's name and the availability are the base's to compare. A
        subclass may set the entity model's own attributes (``_attr_is_on``) here
        instead of answering Home Assistant's questions with properties.
        """
        raise NotImplementedError

    def _now_shown(self) -> tuple[bool, Hashable, str | None]:
        """What the entity shows now, its attributes set for the next state write."""
        self._attr_available = self._shown_available()
        return self.available, self._fingerprint(), self.accessory_name

    async def async_added_to_hass(self) -> None:
        """Remember what was written first."""
        await super().async_added_to_hass()
        self._written = self._now_shown()

    @callback
    def async_write_now(self) -> None:
        """Write the state now: it changed without the coordinator's state changing."""
        self._written = self._now_shown()
        self.async_write_ha_state()

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write the state only if this entity's part of it changed."""
        written = self._now_shown()
        if written != self._written:
            self._written = written
            self._apply_accessory_name(again=False)
            self.async_write_ha_state()


@callback
def async_add_when_reported[D: IntecularEntityDescription](
    entry: IntecularConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    domain: str,
    descriptions: Sequence[D],
    create: Callable[[IntecularCoordinator, D], Entity],
    *,
    exists: Callable[[D, DeviceState], bool] | None = None,
    reads: frozenset[str] | None = None,
) -> None:
    """Add each entity when it exists (``exists``, else its ``exists_fn``); keep it then.

    Every platform adds its entities here; ``create(coordinator, description)`` is
    usually the entity class. Without a faceplate, nothing of one. While some wait,
    only a change of what their check reads is looked at: each description's
    ``parts`` (``reads`` for an ``exists`` of the platform's; None: every part), and
    device info. A
    reading missing from one push changes nothing: the entity shows unavailable and
    keeps its settings. At setup, while the faceplate is not reporting (offline, or
    back later than Home Assistant), entities the registry already knows are added
    too, so they do not turn into orphans; a live faceplate that lacks the data (a
    different kind was fitted) does not bring them back.
    """
    if exists is None:
        exists = _exists_fn
        reads_of: Callable[[D], frozenset[str] | None] = attrgetter("parts")
    else:
        reads_of = lambda _: reads  # noqa: E731
    coordinator = entry.runtime_data.coordinator
    if not coordinator.has_faceplate:
        # Without a faceplate, nothing of one (the outlet may still list its settings).
        descriptions = [d for d in descriptions if not d.faceplate]
    state = coordinator.data
    serial = state.info.outlet.serial
    known: set[str] = set()
    if not state.faceplate_available:
        known = {
            e.unique_id
            for e in er.async_entries_for_config_entry(
                er.async_get(coordinator.hass), entry.entry_id
            )
            if e.domain == domain
        }
    first = [d for d in descriptions if exists(d, state) or f"{serial}_{d.key}" in known]
    if first:
        async_add_entities(create(coordinator, d) for d in first)
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
            async_add_entities(create(coordinator, d) for d in new)
            if not pending:
                _stop()

    remove = coordinator.async_add_listener(_check, _parts_checked(map(reads_of, pending)))
    entry.async_on_unload(_stop)


_UNREAD: Final = object()  # no names part read yet (None is "no names reported")


def _exists_fn(description: IntecularEntityDescription, state: DeviceState) -> bool:
    return description.exists_fn(state)


def _parts_checked(reads: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    """What the wait for entities listens to: the parts their checks read, and device info.

    Device info: a faceplate fitted, or of another kind. None: every part.
    """
    parts = {"info"}
    for read in reads:
        if read is None:
            return None
        parts |= read
    return frozenset(parts)
