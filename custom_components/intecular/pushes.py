"""Pushes: merged into the coordinator's DeviceState, the entities of the changed parts told.

``PushCoordinator`` is the half of ``IntecularCoordinator`` (coordinator.py) that the
outlet's pushes drive: a push (or its repeat) applied, a re-read when it asks for one,
the sensors' silence watchdog, and every new state handed only to the entities that
read a part of it that changed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .api import Callback, IntecularClient, IntecularError, OutletInfo, Push, SensorReadings
from .const import DOMAIN, LOGGER, SENSOR_SILENCE_TIMEOUT
from .devices import async_sync_devices
from .link import Link
from .reading import PartReader, parts_to_read
from .state import DeviceState, apply_push, changed_fields
from .watchdog import Watchdog


class PushCoordinator(DataUpdateCoordinator[DeviceState]):
    """Pushes applied and the entities told; ``IntecularCoordinator`` reads and commands."""

    config_entry: ConfigEntry[Any]
    client: IntecularClient
    _started: bool  # True once the first refresh produced data
    _link: Link[tuple[DeviceState, bool]]
    _resync: asyncio.Task[None] | None
    # Set when a push asks for a re-read; a read that started earlier is stale then.
    _resync_wanted: bool
    _sensor_watchdog: Watchdog
    _push_listeners: list[Callable[[Push], None]]
    # The pushes that arrived during each full read under way.
    _pushes_during_reads: list[list[Push]]
    _parts: PartReader

    async def _read_state(self) -> tuple[DeviceState, bool]:
        """Read the essentials over the live link (``IntecularCoordinator._read_state``)."""
        raise NotImplementedError

    @callback
    def add_push_listener(self, listener: Callable[[Push], None]) -> CALLBACK_TYPE:
        """Also hand every push to ``listener`` (e.g. firmware progress)."""
        self._push_listeners.append(listener)
        return lambda: self._push_listeners.remove(listener)

    @callback
    def _handle_push(self, push: Push) -> None:
        for listener in self._push_listeners:
            listener(push)
        for pushes in self._pushes_during_reads:
            pushes.append(push)
        if not self._started or not self._link.verified:
            # A read under way applies it once the outlet proved to be this one; the
            # client must not take its repeat for one already shown.
            self.client.forget_pushes()
            return
        state = self.data
        if isinstance(push, SensorReadings):
            self._sensor_watchdog.feed()
            if not state.info.faceplate_online:
                self._schedule_resync()  # the faceplate is back before device info said so
        elif isinstance(push, OutletInfo):
            # The outlet pushes 12 when it (or its faceplate) restarts: read everything.
            self._schedule_resync()
        new = apply_push(state, push)
        if new is not state:
            self._publish(new, push=True)

    @callback
    def _handle_repeat(self, callback_number: int) -> None:
        """A state push that repeated the last one: only a sensor push still matters.

        It proves the faceplate reports (the silence watchdog); after a silence it makes
        the readings fresh again, and while device info says the faceplate is offline it
        asks for a re-read, as any sensor push does.
        """
        if callback_number != Callback.SENSORS or not self._started or not self._link.verified:
            return
        self._sensor_watchdog.feed()
        state = self.data
        if not state.info.faceplate_online:
            self._schedule_resync()
        if not state.sensors_fresh and state.sensors is not None:
            self._publish(replace(state, sensors_fresh=True), push=True)

    @callback
    def _publish(self, state: DeviceState, *, push: bool = False, whole: bool = False) -> None:
        """Hand a new state to the entities of the parts that changed.

        ``whole``: a new picture of the outlet (a reconnect, a full re-read): every
        entity hears of it. Unless the change came from a push (``push``), the outlet's
        next push is handled even when it repeats the last: it may correct the change.
        """
        old = self.data
        self.data = state
        changed = changed_fields(old, state)
        self._parts.changed(changed)
        if not push:
            self.client.forget_pushes()
        if self._started and old.info is not state.info and old.info != state.info:
            try:
                async_sync_devices(self.hass, self.config_entry, old.info, state.info)
            except Exception:  # noqa: BLE001 - logged; the entities must still hear of it
                LOGGER.exception("Updating the devices of %s failed", self.client.host)
        if whole:
            self.async_update_listeners()
        else:
            self._notify(frozenset(changed))

    @callback
    def async_update_state(self, change: Callable[[DeviceState], DeviceState]) -> None:
        """Apply ``change`` to the state and tell the entities, if it changed anything."""
        new = change(self.data)
        if new != self.data:
            self._publish(new)

    @callback
    def async_update_listeners(self) -> None:
        """Tell every entity; one that fails is logged and the others still hear of it."""
        self._notify(None)

    @callback
    def _notify(self, changed: frozenset[str] | None) -> None:
        """Call the listeners of the changed parts (None: every listener).

        An entity registers with the ``DeviceState`` fields it reads as its context
        (``IntecularEntity.parts``); a listener without one hears of every change.
        One that fails is logged and the others still hear of it.
        """
        for update_callback, context in list(self._listeners.values()):
            if (
                changed is not None
                and isinstance(context, frozenset)
                and context.isdisjoint(changed)
            ):
                continue
            try:
                update_callback()
            except Exception:  # noqa: BLE001 - logged; the other entities still update
                LOGGER.exception("An entity of %s failed to show its state", self.client.host)

    @callback
    def _schedule_resync(self) -> None:
        self._resync_wanted = True
        if self._resync is None or self._resync.done():
            self._resync = self.config_entry.async_create_background_task(
                self.hass, self._resync_now(), f"{DOMAIN} resync {self.client.host}"
            )

    async def _resync_now(self) -> None:
        """Re-read until no push asked for another read meanwhile.

        A faceplate going offline and straight back must not end with the offline
        read shown. The optional parts follow the last read.
        """
        state: DeviceState | None = None
        config_read = True
        while self._resync_wanted:
            self._resync_wanted = False
            try:
                state, config_read = await self._read_state()
            except IntecularError as err:
                LOGGER.debug("Re-reading %s failed: %s", self.client.host, err)
                return
            if not self._resync_wanted and state != self.data:
                self._publish(state, whole=True)
        if state is not None:
            await self._parts.read(parts_to_read(state, config=not config_read))

    @callback
    def _sensors_silent(self) -> None:
        if self._started and self.data.sensors_fresh:
            LOGGER.debug("No sensor push from %s for %ss", self.client.host, SENSOR_SILENCE_TIMEOUT)
            self._publish(replace(self.data, sensors_fresh=False))

    @callback
    def sensors_read(self) -> None:
        """The sensors were just read: the faceplate is there."""
        self._sensor_watchdog.feed()
