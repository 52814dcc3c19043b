"""The coordinator: one outlet's persistent WebSocket, its state pipeline and its commands.

Every change of the state enters through one method, ``_change``, in the order it
arrives: a push, what a read found, what an acknowledged command did, a timer. Each
change is stamped with a sequence number per part (``DeviceState`` field). A read's
result or a command's acknowledgement carries the sequence number of the moment its
request was sent and applies only to the parts that have not changed since: a push
that arrived meanwhile is newer and wins. Pushes apply from the moment the socket's
outlet proved to be this entry's (its device info read), whether loading has finished
or not; before that, a socket's update events (21-23: nothing of identity nor state) are
held and handed on once it is proved. Entities hear only of the parts they read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable, Mapping
import contextlib
from dataclasses import replace
from datetime import datetime, timedelta
from functools import wraps
from itertools import compress
from operator import attrgetter, ne
from typing import Any, Final, Protocol, cast, overload

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import (
    IntecularClient,
    IntecularCommandRefusedError,
    IntecularConnectionError,
    IntecularError,
    IntecularTimeoutError,
    OtaAck,
    OtaProgress,
    OtaResult,
    OutletInfo,
    Push,
    RestartNotice,
    SensorReadings,
)
from .const import (
    CONF_FACEPLATE,
    CONFIG_READ_TIMEOUT,
    DOMAIN,
    FULL_READ_MIN_INTERVAL,
    LOGGER,
    NAMES_REFRESH_INTERVAL,
    OPTIONAL_READ_WAIT,
    SENSOR_SILENCE_TIMEOUT,
)
from .devices import async_sync_devices
from .link import Link
from .reading import (
    Part,
    PartReader,
    expected_parts,
    parts_to_read,
    read_essentials,
    read_part,
    with_part,
)
from .state import (
    STATE_FIELDS,
    DeviceState,
    FaceplateKind,
    apply_push,
    changed_fields,
    pushed,
)
from .watchdog import Watchdog

# How a failed command reads to the user, most specific first.
_COMMAND_ERRORS: Final[tuple[tuple[type[IntecularError], str], ...]] = (
    (IntecularCommandRefusedError, "command_refused"),
    (IntecularTimeoutError, "command_timeout"),
    (IntecularConnectionError, "not_connected"),
    (IntecularError, "communication_error"),
)


# How many sets of changed parts keep their worked-out listeners.
_WAKE_MEMORY: Final = 256
# Update events (21-23) kept of a socket not yet verified (a real outlet sends a few).
EARLY_PUSHES_HELD: Final = 32

# Reads some fields of a part's model, as a tuple.
type _FieldReader = Callable[[Any], tuple[Any, ...]]


class WrongOutletError(IntecularError):
    """The outlet at the entry's address has another serial number."""

    def __init__(self, expected: str, found: str) -> None:
        """Remember both serials."""
        super().__init__(f"expected outlet {expected}, found {found}")
        self.expected = expected
        self.found = found


class IntecularCoordinator(DataUpdateCoordinator[DeviceState]):
    """Holds the outlet's one WebSocket, keeps it alive and merges what it says.

    There is no polling: the first refresh (and every reconnect) reads what identifies
    the outlet and drives its switches; the other parts follow one by one (reading.py),
    then pushes keep it all current. A dropped socket is reconnected at once, then
    quickly for a minute, then with backoff; entities go unavailable only when the
    outage outlasts its grace period (link.py). The whole state is read again when the
    outlet announces a restart (a 12 push), and at most every 30 s while the faceplate
    reports sensors that device info does not list.
    """

    config_entry: ConfigEntry[Any]

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry[Any], client: IntecularClient
    ) -> None:
        """Set up the coordinator; nothing connects until the first refresh."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {client.host}",
            update_interval=None,
            always_update=False,
        )
        self.client = client
        # Frames of another outlet (one that got this outlet's address) never get here.
        client.expected_serial = entry.unique_id
        self._started = False  # True once loading is done and the link kept up
        # The pipeline's clock: one tick per change; each part's tick of its last change.
        self._sequence = 0
        self._changed_at: dict[str, int] = dict.fromkeys(STATE_FIELDS, 0)
        # Each part's tick of its last push: only the outlet's word beats an acknowledgement.
        self._pushed_at: dict[str, int] = dict.fromkeys(STATE_FIELDS, 0)
        # Pushes that arrive while loading reads the essentials (no state to apply to).
        self._held: list[Push] | None = None
        # Who hears of a change: every listener, those of each part (or of one field of
        # a part, "sensors.temperature"), those of any part; keyed by the order they
        # came in, in which they hear of it.
        self._listened = 0
        self._listening: dict[int, CALLBACK_TYPE] = {}
        self._listening_to: dict[str, dict[int, CALLBACK_TYPE]] = {
            name: {} for name in STATE_FIELDS
        }
        self._listening_to_any: dict[int, CALLBACK_TYPE] = {}
        # The fields of a part that someone listens to: part -> ("part.field", ...), and
        # what reads them from the part's model (a tuple, in that order).
        self._fields_heard: dict[str, tuple[tuple[str, ...], _FieldReader]] = {}
        # Who hears of a given set of changed names, worked out once (until a listener
        # comes or goes): a push finds its listeners with one lookup.
        self._wake: dict[tuple[str, ...], tuple[CALLBACK_TYPE, ...]] = {}
        # Who hears pushes as they come: each listener with the kinds it hears (None:
        # every push), in the order they came in; per kind of push, its listeners.
        self._push_listeners: list[tuple[Callable[[Push], None], tuple[type, ...] | None]] = []
        self._push_route: dict[type, tuple[Callable[[Push], None], ...]] = {}
        # Update events heard on a socket before its outlet was proved (a revB outlet
        # says whether its update goes on as soon as the socket opens): its generation,
        # then the events in order.
        self._early: tuple[int, list[Push]] = (-1, [])
        self._link: Link[bool] = Link(
            hass,
            entry,
            client,
            read=self._read_state,
            restored=self._restored,
            unavailable=self._grace_expired,
        )
        self._parts = PartReader(
            hass,
            entry,
            client,
            mark=lambda: self._sequence,
            apply=self._apply_part,
            due=self._parts_due,
            expected=lambda: expected_parts(self.data),
        )
        # Full re-reads: one task at a time, the next one wanted, when the last began.
        self._full_read: asyncio.Task[None] | None = None
        self._full_read_wanted = False
        self._full_read_urgent = asyncio.Event()
        self._full_read_began = -FULL_READ_MIN_INTERVAL
        # No sensor push for this long: the faceplate is gone, whatever 12 says.
        self._sensor_watchdog = Watchdog(hass.loop, SENSOR_SILENCE_TIMEOUT, self._sensors_silent)
        client.set_push_callback(self._on_push)

    # --- what the rest of the integration reads ----------------------------------------

    @property
    def link_ready(self) -> bool:
        """Whether the link is up, verified and its essentials read."""
        return self._link.ready

    @property
    def reconnects(self) -> int:
        """How often the link was restored since setup."""
        return self._link.reconnects

    @property
    def last_error(self) -> str | None:
        """Why the link last failed (for diagnostics and the unavailable log line)."""
        return self._link.last_error

    @last_error.setter
    def last_error(self, error: str | None) -> None:
        self._link.last_error = error

    @property
    def disconnected_since(self) -> datetime | None:
        """When the current outage began; None while connected."""
        return self._link.since

    @property
    def has_faceplate(self) -> bool:
        """A faceplate is fitted, or was when last seen (it may be rebooting)."""
        return (
            FaceplateKind.fitted(self.data.info) is not None
            or CONF_FACEPLATE in self.config_entry.data
        )

    @property
    def sequence(self) -> int:
        """The state's sequence number now: the ``since`` of a read or a command sent now."""
        return self._sequence

    # --- loading -------------------------------------------------------------------------

    async def _async_update_data(self) -> DeviceState:
        """The first refresh: connect, read the essentials, give the rest a moment."""
        try:
            await self._link.open()
            config_read = await self._read_state()
        except WrongOutletError as err:
            await self.client.close()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="wrong_outlet",
                translation_placeholders={
                    "host": self.client.host,
                    "expected": err.expected,
                    "found": err.found,
                },
            ) from err
        except IntecularError as err:
            await self.client.close()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="communication_error",
                translation_placeholders={"error": str(err)},
            ) from err
        # The optional parts get a short while, so the entities usually start complete;
        # what is slower follows in the background. Pushes apply meanwhile.
        first = self.config_entry.async_create_background_task(
            self.hass,
            self._parts.read(parts_to_read(self.data, config=not config_read)),
            f"{DOMAIN} parts {self.client.host}",
        )
        await asyncio.wait([first], timeout=OPTIONAL_READ_WAIT)
        return self.data

    async def _read_state(self, *, background: bool = False) -> bool:
        """Read the essentials over the live link into the state; whether 1 answered.

        Nothing is applied of an outlet that is not this entry's. Raises
        ``IntecularConnectionError`` when the link the read went over is gone by its
        end (its answers would describe a socket that no longer exists).
        """
        client = self.client
        generation = client.generation
        since = self._sequence
        self._full_read_began = self.hass.loop.time()
        loading = self.data is None
        if loading:
            self._held = []
        try:
            info, rest = await read_essentials(client, CONFIG_READ_TIMEOUT, background=background)
            expected = self.config_entry.unique_id
            if expected is not None and info.outlet.serial != expected:
                # Another outlet now answers at this address (DHCP reshuffle): never adopt it.
                raise WrongOutletError(expected, info.outlet.serial)
            if client.generation == generation:
                self._link.verified = True  # pushes apply from here on
                self._replay_early(generation)
            outlets, config = await rest()
            if client.generation != generation or not client.connected:
                raise IntecularConnectionError(f"the link to {client.host} dropped during the read")
            if loading:
                state = DeviceState(info=info, outlets=outlets, config=config)
                for push in self._held or ():
                    state = apply_push(state, push)
                self.data = state
            else:
                self._change(
                    lambda state: replace(
                        state,
                        info=info,
                        outlets=outlets,
                        config=state.config if config is None else config,
                    ),
                    since=since,
                )
        finally:
            if loading:
                self._held = None
        if self.data.sensors is not None:
            self._sensor_watchdog.feed()
        self._check_faceplate(self.data.info)
        return config is not None

    @callback
    def start(self) -> None:
        """Start keeping the connection alive (after the first refresh)."""
        self._started = True
        self._link.start()
        if self._full_read_wanted:  # a push asked for it while loading
            self._want_full_read(urgent=self._full_read_urgent.is_set())
        self.async_every(
            NAMES_REFRESH_INTERVAL, "names", lambda: self._parts.read([Part.CONFIG, Part.NAMES])
        )

    @callback
    def async_every(
        self, interval: timedelta, name: str, job: Callable[[], Coroutine[Any, Any, Any]]
    ) -> None:
        """Run ``job`` in the background every ``interval`` until the entry unloads.

        The outlet's periodic work (names, the firmware check, the MQTT status) all runs
        from here, and none of it while the link is down: the reconnect reads anew.
        """

        @callback
        def due(_now: datetime) -> None:
            if self.link_ready:
                self.config_entry.async_create_background_task(
                    self.hass, job(), f"{DOMAIN} {name} {self.client.host}"
                )

        self.config_entry.async_on_unload(
            async_track_time_interval(
                self.hass, due, interval, name=f"{DOMAIN} {name}", cancel_on_shutdown=True
            )
        )

    @callback
    def _restored(self, config_read: bool) -> None:
        """The link is back and its essentials read: every entity hears, the rest follows."""
        self.last_update_success = True
        self.async_update_listeners()
        self._parts.read_soon(parts_to_read(self.data, config=not config_read))

    @callback
    def _grace_expired(self) -> None:
        LOGGER.info("%s is unavailable: %s", self.config_entry.title, self.last_error)
        self.last_update_success = False
        self.async_update_listeners()

    async def async_move(self, host: str, port: int) -> None:
        """Follow the outlet to a new address: drop the socket, reconnect there."""
        await self._link.move(host, port)

    async def async_shutdown(self) -> None:
        """Close the socket and cancel every timer (unload, Home Assistant stop)."""
        self._link.stop()
        self._sensor_watchdog.stop()
        self._parts.cancel()
        if self._full_read is not None:
            self._full_read.cancel()
        await super().async_shutdown()
        await self.client.close()

    @callback
    def _check_faceplate(self, info: OutletInfo) -> None:
        """Reload when another kind of faceplate, or one where there was none, was fitted.

        Either brings other entities (and devices). The kind is remembered, so a
        faceplate offline at a later start still has its entities.
        """
        kind = FaceplateKind.fitted(info)
        entry = self.config_entry
        if kind is None or entry.data.get(CONF_FACEPLATE) == kind:
            return
        self.hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_FACEPLATE: kind}
        )
        if self._started:
            LOGGER.info("A faceplate (%s) was fitted; reloading", kind)
            self.hass.config_entries.async_schedule_reload(entry.entry_id)

    # --- the state pipeline ----------------------------------------------------------------

    @callback
    def _on_push(self, push: Push) -> None:
        """A push of the outlet's: into the pipeline, unless the outlet is not verified."""
        if not self._link.verified:
            # The read that verifies the outlet reads what a state push would have told;
            # an update's events are told once, so they wait for the verdict.
            if isinstance(push, (OtaAck, OtaProgress, OtaResult)):
                self._hold_early(push)
            return
        if (route := self._push_route.get(type(push))) is None:
            route = self._push_route[type(push)] = tuple(
                listener
                for listener, kinds in self._push_listeners
                if kinds is None or isinstance(push, kinds)
            )
        for listener in route:
            listener(push)
        if self._held is not None:
            self._held.append(push)  # loading: applied on top of what the read finds
            return
        if isinstance(push, SensorReadings):
            self._sensor_watchdog.feed()
            if not self.data.info.faceplate_online:
                # The faceplate reports before device info lists it: read everything,
                # but not on every push of a faceplate that stays unlisted.
                self._want_full_read(urgent=False)
        elif isinstance(push, (OutletInfo, RestartNotice)):
            self._want_full_read(urgent=True)  # the outlet or its faceplate restarted
        reported, among = pushed(push)
        self._change(lambda state: apply_push(state, push), reported=reported, among=among)

    @callback
    def _change(
        self,
        update: Callable[[DeviceState], DeviceState],
        *,
        since: int | None = None,
        acknowledged: bool = False,
        reported: str | None = None,
        among: tuple[str, ...] = STATE_FIELDS,
    ) -> None:
        """The one way into the state: apply ``update`` and tell who reads what changed.

        ``since``: the sequence number when the request behind this change was sent; a
        part changed after that keeps its newer value (``acknowledged``: a command's
        acknowledgement, which only a push of the part since then outranks: another
        command's acknowledgement of the same part is no newer news). ``reported``: the
        part the outlet just reported (a push). It counts as changed even when its value
        is the same: what the outlet says now is newer than an answer to an earlier
        request. ``among``: the only fields ``update`` can change (a push's), so the
        others need no comparison.
        """
        old = self.data
        new = update(old)
        changed = changed_fields(old, new, among) if new is not old else []
        if since is not None and changed:
            stamps = self._pushed_at if acknowledged else self._changed_at
            newer = [name for name in changed if stamps[name] > since]
            if newer:
                new = replace(new, **{name: getattr(old, name) for name in newer})
                changed = [name for name in changed if name not in newer]
        if reported is not None:
            self._sequence += 1
            self._changed_at[reported] = self._pushed_at[reported] = self._sequence
        if not changed:
            return
        self._sequence += 1
        for name in changed:
            self._changed_at[name] = self._sequence
        self.data = new
        if self._started and "info" in changed:
            try:
                async_sync_devices(self.hass, self.config_entry, old.info, new.info)
            except Exception:  # noqa: BLE001 - logged; the entities must still hear of it
                LOGGER.exception("Updating the devices of %s failed", self.config_entry.title)
        self._notify(self._changed_names(changed, old, new))

    def _changed_names(
        self, changed: list[str], old: DeviceState, new: DeviceState
    ) -> tuple[str, ...]:
        """The changed parts, and of those with field listeners the fields that changed.

        A part that appears or goes (None on one side) changes all its fields.
        """
        names = tuple(changed)
        for part in changed:
            if (heard := self._fields_heard.get(part)) is None:
                continue
            fields, read = heard
            a, b = getattr(old, part), getattr(new, part)
            if a is None or b is None or type(a) is not type(b):
                names += fields
            else:  # compared in C: a sensor push has some 25 fields listened to
                names += tuple(compress(fields, map(ne, read(a), read(b))))
        return names

    @callback
    def async_acknowledged(
        self, update: Callable[[DeviceState], DeviceState], *, since: int
    ) -> None:
        """What the outlet did for a command sent at ``since`` (see ``_change``)."""
        self._change(update, since=since, acknowledged=True)

    @callback
    def async_apply(
        self, update: Callable[[DeviceState], DeviceState], *, since: int | None = None
    ) -> None:
        """Apply a change found by other means than a push (see ``_change``)."""
        self._change(update, since=since)

    @callback
    def _hold_early(self, push: Push) -> None:
        generation, held = self._early
        if generation != self.client.generation:  # a new socket: what the last held is gone
            self._early = generation, held = self.client.generation, []
        if len(held) < EARLY_PUSHES_HELD:
            held.append(push)

    @callback
    def _replay_early(self, generation: int) -> None:
        """The socket's outlet is this entry's: hand on the update events it sent before."""
        held_for, held = self._early
        self._early = (-1, [])
        if held_for == generation:
            for push in held:
                self._on_push(push)

    @callback
    def _apply_part(self, part: Part, value: Any, since: int) -> None:
        """What a read of one optional part found (``PartReader``)."""
        self._change(lambda state: with_part(state, part, value), since=since)
        if part is Part.SENSORS:
            self._sensor_watchdog.feed()
            if not self.data.sensors_fresh:
                # The answer is the faceplate's report as it arrives, whenever the read
                # went out: a silence declared meanwhile is over (the readings themselves
                # still yield to newer ones).
                self._change(lambda state: replace(state, sensors_fresh=True))

    @callback
    def _parts_due(self) -> list[Part] | None:
        """The optional parts the outlet has now; None while the link is down."""
        return parts_to_read(self.data, config=False) if self.link_ready else None

    @callback
    def _sensors_silent(self) -> None:
        if self.data.sensors_fresh:
            LOGGER.debug("No sensor push from the faceplate of %s", self.config_entry.title)
            self._change(lambda state: replace(state, sensors_fresh=False))

    # --- who hears of a change -------------------------------------------------------------

    @callback
    def add_push_listener(
        self, listener: Callable[[Push], None], *, kinds: tuple[type[Push], ...] | None = None
    ) -> CALLBACK_TYPE:
        """Also hand the verified outlet's pushes of ``kinds`` (None: every push) to ``listener``.

        A push of another kind does not call it (firmware progress hears no state push).
        """
        registered = (listener, kinds)
        self._push_listeners.append(registered)
        self._push_route.clear()

        @callback
        def remove() -> None:
            self._push_listeners.remove(registered)
            self._push_route.clear()

        return remove

    @callback
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Listen for changes; a ``frozenset`` context names the parts the listener reads.

        An entity registers the ``DeviceState`` fields it reads (``IntecularEntity``)
        and hears only of changes to them; a listener without one hears of every change.
        A name ``part.field`` (``sensors.temperature``) is one field of a part's model:
        the listener hears when that field changes, or the part appears or goes.
        """
        remove_base = super().async_add_listener(update_callback, context)
        self._listened += 1
        key = self._listened
        self._listening[key] = update_callback
        parts = context if isinstance(context, frozenset) else None
        groups = (
            [self._listening_to_any]
            if parts is None
            else [self._listening_group(name) for name in parts]
        )
        for group in groups:
            if group is not None:
                group[key] = update_callback
        self._wake.clear()

        @callback
        def remove() -> None:
            self._listening.pop(key, None)
            for group in groups:
                if group is not None:
                    group.pop(key, None)
            self._wake.clear()
            remove_base()

        return remove

    def _listening_group(self, name: str) -> dict[int, CALLBACK_TYPE] | None:
        """The listeners of a part or of a field of one; None for no part of the state."""
        if (group := self._listening_to.get(name)) is not None:
            return group
        part, dot, field = name.partition(".")
        if not dot or part not in STATE_FIELDS or not field:
            return None
        names = (*self._fields_heard.get(part, ((), None))[0], name)
        fields = [heard.partition(".")[2] for heard in names]
        read: _FieldReader = (
            attrgetter(*fields) if len(fields) > 1 else lambda model: (getattr(model, field),)
        )
        self._fields_heard[part] = (names, read)
        group = self._listening_to[name] = {}
        return group

    @callback
    def async_update_listeners(self) -> None:
        """Tell every listener; one that fails is logged and the others still hear of it."""
        self._notify(None)

    @callback
    def _notify(self, changed: tuple[str, ...] | None) -> None:
        """Call the listeners of the changed parts and fields (None: every listener)."""
        if changed is None:
            listeners: Iterable[CALLBACK_TYPE] = list(self._listening.values())
        elif (known := self._wake.get(changed)) is not None:
            listeners = known
        else:
            heard = dict(self._listening_to_any)
            for name in changed:
                heard.update(self._listening_to.get(name, {}))
            listeners = tuple(heard[key] for key in sorted(heard))
            if len(self._wake) >= _WAKE_MEMORY:
                self._wake.clear()  # many combinations of changed fields: start again
            self._wake[changed] = listeners
        for update_callback in listeners:
            try:
                update_callback()
            except Exception:  # noqa: BLE001 - logged; the other entities still update
                LOGGER.exception(
                    "An entity of %s failed to show its state", self.config_entry.title
                )

    # --- full re-reads ----------------------------------------------------------------------

    async def async_request_refresh(self) -> None:
        """A manual refresh (``homeassistant.update_entity``): a re-read of the live link.

        It never marks the outlet unavailable: that is the connection's business. While
        the link is down it does nothing (the reconnect reads everything).
        """
        if not self._started:
            await super().async_request_refresh()
            return
        if not self.link_ready:
            return
        self._want_full_read(urgent=True)
        if (task := self._full_read) is not None:
            await asyncio.wait([task])

    @callback
    def _want_full_read(self, *, urgent: bool) -> None:
        """Read everything again: now when ``urgent``, else at most every 30 s.

        While loading the wish is kept: it runs as loading ends (``start``).
        """
        self._full_read_wanted = True
        if urgent:
            self._full_read_urgent.set()
        if not self._started:
            return
        if self._full_read is None or self._full_read.done():
            self._full_read = self.config_entry.async_create_background_task(
                self.hass, self._full_reads(), f"{DOMAIN} re-read {self.client.host}"
            )

    async def _full_reads(self) -> None:
        """Re-read while re-reads are wanted; the optional parts follow each one.

        An urgent re-read (a restart announced, a user's refresh) reads the essentials
        in the foreground lane; one that waited its 30 s is background work. The
        optional parts are always background work, read in a task of their own: a
        user's refresh does not wait for them.
        """
        while self._full_read_wanted:
            wait = self._full_read_began + FULL_READ_MIN_INTERVAL - self.hass.loop.time()
            if wait > 0 and not self._full_read_urgent.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await self._full_read_urgent.wait()
            urgent = self._full_read_urgent.is_set()
            self._full_read_wanted = False
            self._full_read_urgent.clear()
            if not self.link_ready:
                return  # the reconnect reads everything
            try:
                config_read = await self._read_state(background=not urgent)
            except IntecularError as err:
                LOGGER.debug("Re-reading %s failed: %s", self.config_entry.title, err)
                return
            self._parts.read_soon(parts_to_read(self.data, config=not config_read), tracked=False)

    # --- commands ---------------------------------------------------------------------------

    async def async_read_names(self) -> None:
        """Read the accessory names again (after a rename)."""
        await self.async_read_part(Part.NAMES)

    async def async_read_part(self, part: Part) -> None:
        """Read one part now (e.g. the configuration before a check); errors raise."""
        since = self._sequence
        value = await self.async_command(lambda client: read_part(client, part))
        self._change(lambda state: with_part(state, part, value), since=since)

    async def async_command[T](
        self,
        command: Callable[[IntecularClient], Coroutine[Any, Any, T]],
        apply: Callable[[DeviceState], DeviceState] | None = None,
        *,
        refused: str | None = None,
        placeholders: Mapping[str, str] | None = None,
    ) -> T:
        """Run a device command and return its result; map failures to translated errors.

        It waits while a reconnect is under way. ``apply(state)`` is what the
        outlet did once it acknowledged the command; it enters the pipeline as of the
        moment the command was sent, so a push that arrived meanwhile (someone else was
        faster) keeps its part. ``refused`` is the translation key (with
        ``placeholders``) of the outlet's refusal, when this command has one of its own.
        (An entity's command is a method decorated with ``device_command``, below.)
        """
        try:
            await self.async_wait_ready()
            since = self._sequence
            result = await command(self.client)
        except IntecularError as err:
            raise self.command_error(err, refused, placeholders) from err
        if apply is not None:
            self._change(apply, since=since, acknowledged=True)
        return result

    async def async_wait_ready(self) -> None:
        """Return while the link is up; hold a command while a reconnect is under way.

        Raises ``IntecularConnectionError`` once the outage outlasted its grace period
        (or the link is shutting down).
        """
        await self._link.wait_until_ready()

    def command_error(
        self,
        err: IntecularError,
        refused: str | None = None,
        placeholders: Mapping[str, str] | None = None,
    ) -> HomeAssistantError:
        """How a failed command reads to the user.

        ``refused`` is the translation key (with ``placeholders``) of the outlet's
        refusal, when the command has one of its own.
        """
        if refused is not None and isinstance(err, IntecularCommandRefusedError):
            return HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=refused,
                translation_placeholders=dict(placeholders) if placeholders else None,
            )
        key = next(key for kind, key in _COMMAND_ERRORS if isinstance(err, kind))
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={"host": self.client.host, "error": str(err)},
        )


# What the outlet did once it acknowledged an entity's command (None: nothing to show).
type Acknowledged = Callable[[DeviceState], DeviceState] | None


class CommandingEntity(Protocol):
    """What ``device_command`` needs of an entity: its outlet's coordinator."""

    @property
    def coordinator(self) -> IntecularCoordinator:
        """The coordinator of the entity's outlet."""
        ...


# An entity method (its first argument the entity): the body, and the decorated command.
type _Body[**P] = Callable[P, Coroutine[Any, Any, Acknowledged]]
type _Command[**P] = Callable[P, Coroutine[Any, Any, None]]


@overload
def device_command[**P](body: _Body[P], /) -> _Command[P]: ...


@overload
def device_command[**P](*, refused: str) -> Callable[[_Body[P]], _Command[P]]: ...


def device_command[**P](
    body: _Body[P] | None = None, /, *, refused: str | None = None
) -> _Command[P] | Callable[[_Body[P]], _Command[P]]:
    """Decorate an entity's command: its body calls the client and returns what it did.

    ``async_command`` in an entity method's form. The command waits while a reconnect
    is under way, then runs its body: direct client calls, returning what the outlet
    acknowledged as an update of the state (or None). That update enters the pipeline
    as of the moment the command was sent, so a push that arrived meanwhile keeps its
    part. A failure of the client's reads to the user as ``command_error`` says;
    ``refused`` is the translation key of the outlet's refusal when this command has
    one of its own.
    """

    def decorate(body: _Body[P]) -> _Command[P]:
        @wraps(body)
        async def command(*args: P.args, **kwargs: P.kwargs) -> None:
            # The entity is the method's first argument (``self``, which a method's
            # ``**kwargs`` keeps from being typed positional-only here).
            coordinator = cast("CommandingEntity", args[0]).coordinator
            try:
                await coordinator.async_wait_ready()
                since = coordinator.sequence
                acknowledged = await body(*args, **kwargs)
            except IntecularError as err:
                raise coordinator.command_error(err, refused) from err
            if acknowledged is not None:
                coordinator.async_acknowledged(acknowledged, since=since)

        return command

    return decorate if body is None else decorate(body)
