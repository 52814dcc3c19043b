"""Following a firmware update, from the update command (21) to the module's new version.

An update goes: the update command (21) -> a spurious result ``23 [target, 0]`` ->
progress pushes (22) per phase -> a result ``23 [phase, 1]`` -> for the outlet's
firmware and the faceplate, a reboot and the new version in device info (12). The
outlet runs a phase for what is outdated: its web partition (3), then its firmware
(1); a web-only update ends on ``23 [3, 1]`` without a reboot, and the new web version
is read with the update check (20).

The update command is not waited on beyond a short grace: a busy outlet may never answer it, and a
revB outlet restarts instead. No answer, ``PUBACK: 1`` or a dropped socket mean "maybe
started"; only ``PUBACK: 0`` is a refusal. The pushes, the reboot and the versions read
afterwards decide. An install ends at the latest ``OTA_START_TIMEOUT`` after 21 when
no progress came at all, ``OTA_PROGRESS_TIMEOUT`` after the last sign of progress, or
``OTA_REBOOT_TIMEOUT`` after the download finished. A result can be lost with a dropped
socket: after a reconnect during an install, and before calling it stalled or
unconfirmed, the update check (20) runs and the versions it reports decide; a timer that
runs out while the link is down waits for the link to be back to ask.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_call_later

from .api import (
    IntecularClient,
    IntecularError,
    IntecularTimeoutError,
    OtaAck,
    OtaMethod,
    OtaProgress,
    OtaResult,
    OtaTarget,
    Push,
)
from .const import DOMAIN, LOGGER
from .coordinator import IntecularCoordinator
from .firmware import (
    FirmwarePart,
    Module,
    UpdateChecker,
    installed_version,
    latest_version,
    module_device_name,
    outdated,
)
from .state import DeviceState, apply_push

# The pushes an install is followed by: the go-ahead (21), progress (22), results (23).
UPDATE_EVENTS: Final = (OtaAck, OtaProgress, OtaResult)
# How long 21 may take to be answered before the pushes alone tell.
OTA_ACK_GRACE = 2.0
# Longest silence after 21 before the first progress push: an update that has not
# started downloading by then never will (protocol.md §11 item 37).
OTA_START_TIMEOUT = timedelta(seconds=60)
# Longest silence between two OTA pushes while a module downloads.
OTA_PROGRESS_TIMEOUT = timedelta(seconds=120)
# After a faceplate's restart, update or return: re-read device info (12) after each
# of these many seconds until it is back with a version; nothing announces its return
# and its new version shows tens of seconds late (protocol.md §11 items 33, 34).
FACEPLATE_REREAD_DELAYS = (10, 20, 30, 30, 30, 60, 60)
# After the last successful result: how long the module may take to reboot and report
# the new version (the outlet restarts, a faceplate leaves and comes back).
OTA_REBOOT_TIMEOUT = timedelta(minutes=5)


@dataclass(slots=True, kw_only=True)
class _Install:
    """One update being followed."""

    parts: tuple[FirmwarePart, ...]  # what it installs (in order)
    before: dict[FirmwarePart, str | None]
    expected: dict[FirmwarePart, str]  # the versions 20 offered; empty when unknown
    method: OtaMethod | None
    waiter: asyncio.Future[None] | None = None  # None: started elsewhere (the app)
    progressed: set[OtaTarget] = field(default_factory=set)
    finished: set[FirmwarePart] = field(default_factory=set)  # parts whose result was a success
    percentage: int | None = None
    downloaded: bool = False  # the last part downloaded; now rebooting
    checked: bool = False  # 20 answered after the web partition was installed
    reconnects: int = 0  # the link's reconnect count when last looked at
    # Its timer ran out while the link was down: judged by the versions once it is back.
    overdue: HomeAssistantError | None = None

    @property
    def phases(self) -> list[OtaTarget]:
        return [part.phase for part in self.parts]


class OtaTracker:
    """Follows the updates of one module and tells its entities when anything changed.

    ``async_install`` starts an update and returns when the module runs the new
    version, raising a translated ``HomeAssistantError`` when it fails. An update
    started elsewhere (the vendor app) is followed too, from its first progress push.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        coordinator: IntecularCoordinator,
        module: Module,
        checker: UpdateChecker,
        turn: asyncio.Lock,
    ) -> None:
        """Follow ``module`` of the coordinator's outlet.

        ``turn`` is shared by the outlet's trackers: the outlet runs one update at a
        time, so an install waits for its turn (Home Assistant's "update all" starts
        every install at once).
        """
        self.hass = hass
        self.coordinator = coordinator
        self.module = module
        self.checker = checker
        self._turn = turn
        self._queued: tuple[FirmwarePart, ...] = ()  # waiting for its turn: what it brings
        self._listeners: list[Callable[[], None]] = []
        self._install: _Install | None = None
        self._timer: CALLBACK_TYPE | None = None
        self._finishing: asyncio.Task[None] | None = None
        # The faceplate's return: the re-reads of 12 still to come, the next one's timer.
        self._rereads: list[float] = []
        self._reread: CALLBACK_TYPE | None = None
        self._watching = False
        self._stopped = False  # the entry unloaded: an install waiting for its turn ends
        self._faceplate_listed = coordinator.data.info.faceplate is not None
        self._sensors_fresh = coordinator.data.sensors_fresh

    @callback
    def start(self, entry: ConfigEntry[Any]) -> None:
        """Follow pushes and state until the entry unloads."""
        # Only an update's own events: a state push (every few seconds) calls nothing here.
        entry.async_on_unload(
            self.coordinator.add_push_listener(self.handle_push, kinds=UPDATE_EVENTS)
        )
        if self.module is Module.FACEPLATE:
            entry.async_on_unload(  # its sensors reporting again after a silence
                self.coordinator.async_add_listener(
                    self._freshness_changed, frozenset({"sensors_fresh"})
                )
            )
        entry.async_on_unload(  # the versions: device info and the update check's answer
            self.coordinator.async_add_listener(self._state_changed, frozenset({"info", "updates"}))
        )
        entry.async_on_unload(self.shutdown)

    @callback
    def add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` whenever progress or the outcome changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    @property
    def active(self) -> bool:
        """Whether an update of this module is under way."""
        return self._install is not None

    def installing(self, part: FirmwarePart) -> bool:
        """Whether the update under way (or waiting for its turn) installs ``part``."""
        if self._install is None:
            return part in self._queued
        return part in self._install.parts

    @property
    def percentage(self) -> int | None:
        """Progress of the whole update, 0-100, never moving backwards; None waiting."""
        return None if self._install is None else self._install.percentage

    def _error(self, key: str, **placeholders: str) -> HomeAssistantError:
        """A translated error about this module's update."""
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={
                "name": module_device_name(self.module, self.coordinator),
                **placeholders,
            },
        )

    # --- starting ---------------------------------------------------------------------

    async def async_install(self, method: OtaMethod = OtaMethod.VIA_OUTLET) -> None:
        """Wait for the outlet's other update to end, start this one, wait for its outcome."""
        if self.active or self._queued:
            # Already updating (the vendor app, or the other outlet card): the outlet
            # runs one update at a time.
            raise self._error("update_refused")
        state = self.coordinator.data
        self._queued = tuple(p for p in self.module.parts if outdated(p, state)) or (
            self.module.parts
        )
        self._changed()
        try:
            async with self._turn:
                self._queued = ()
                if self._stopped:  # unloaded while waiting: the outlet is no longer ours
                    raise self._error("update_interrupted")
                if self.active:  # started meanwhile outside Home Assistant
                    raise self._error("update_refused")
                await self._install_now(method)
        finally:
            if self._queued:
                self._queued = ()
                self._changed()

    async def _install_now(self, method: OtaMethod) -> None:
        install = self._begin(self.coordinator.data, method)
        install.waiter = waiter = self.hass.loop.create_future()
        target = self.module.target

        async def perform(client: IntecularClient) -> None:
            try:
                await client.perform_update(target, method, timeout=OTA_ACK_GRACE)
            except IntecularTimeoutError:
                # Busy downloading already, or about to restart: the pushes will tell.
                LOGGER.debug("No reply to 21 yet; following the %s update", self.module)

        try:
            await self.coordinator.async_command(
                perform,
                refused="update_refused",
                placeholders={"name": module_device_name(self.module, self.coordinator)},
            )
        except HomeAssistantError:
            if self._install is install:
                self._end()
                self._changed()
            if waiter.done() and not waiter.cancelled():
                waiter.exception()  # ended otherwise meanwhile; this error says more
            waiter.cancel()
            raise
        await waiter

    def _begin(self, state: DeviceState, method: OtaMethod | None) -> _Install:
        due = tuple(part for part in self.module.parts if outdated(part, state))
        # Nothing known to be newer (20 unanswered): the outlet installs what it has.
        parts = due or self.module.parts
        self._install = install = _Install(
            parts=parts,
            before={part: installed_version(part, state) for part in parts},
            expected={part: v for part in due if (v := latest_version(part, state))},
            method=method,
            reconnects=self.coordinator.reconnects,
        )
        self._arm(OTA_START_TIMEOUT)
        self._changed()
        return install

    # --- pushes and state -------------------------------------------------------------

    @callback
    def handle_push(self, push: Push) -> None:
        """Progress (22), results (23) and the revB go-ahead (21) of this module."""
        phases = [part.phase for part in self.module.parts]
        if isinstance(push, OtaProgress):
            if push.target in phases:
                self._progress(push)
        elif isinstance(push, OtaResult):
            if push.target in phases and self._install is not None:
                self._result(push, self._install)
        elif (
            isinstance(push, OtaAck)
            and push.target is self.module.target
            and (install := self._install) is not None
        ):
            if push.accepted:
                install.overdue = None  # the outlet says it goes on
                self._arm(OTA_PROGRESS_TIMEOUT if install.progressed else OTA_START_TIMEOUT)
            else:
                self._fail(self._failure(install))

    def _progress(self, push: OtaProgress) -> None:
        if (install := self._install) is None:
            # Started elsewhere (the vendor app): follow it without a waiter.
            LOGGER.debug("A %s update started outside Home Assistant", self.module)
            install = self._begin(self.coordinator.data, None)
        if push.target not in install.phases:
            # A phase the versions did not announce: it is part of this update too.
            install.parts = tuple(
                p for p in self.module.parts if p in install.parts or p.phase is push.target
            )
            for part in install.parts:
                install.before.setdefault(part, installed_version(part, self.coordinator.data))
        install.progressed.add(push.target)
        install.overdue = None  # it goes on: a timer that ran out offline judged too soon
        self._arm(OTA_PROGRESS_TIMEOUT)
        # One bar for the whole update: each phase fills its share, in order.
        phases = install.phases
        percentage = (phases.index(push.target) * 100 + push.percent) // len(phases)
        if install.percentage is None or percentage > install.percentage:
            install.percentage = percentage
            self._changed()

    def _result(self, push: OtaResult, install: _Install) -> None:
        if not push.success:
            if not install.progressed:
                # Every update starts with a "failed" result before any progress.
                LOGGER.debug("Ignoring the result before any progress: %s", push)
                return
            self._fail(self._failure(install))
            return
        part = next(p for p in self.module.parts if p.phase is push.target)
        install.finished.add(part)
        if part is not install.parts[-1]:
            return  # the web partition is done; the firmware phase follows
        install.percentage = 100
        if part is FirmwarePart.OUTLET_WEB:
            # Web only: the outlet does not restart. Read the new version and finish.
            self._cancel_timer()
            self._finishing = self.coordinator.config_entry.async_create_background_task(
                self.hass, self._finish_web(install), f"{DOMAIN} web update"
            )
        else:
            install.downloaded = True
            self._arm(OTA_REBOOT_TIMEOUT)
            if self.module is Module.FACEPLATE:
                self.watch_return()  # it restarts now; nothing will announce its return
        self._changed()

    async def _finish_web(self, install: _Install) -> None:
        install.checked = await self.checker.async_check()
        if self._install is install:
            self._succeed()

    def _failure(self, install: _Install) -> HomeAssistantError:
        if install.method is OtaMethod.FACEPLATE_WIFI and self.module is Module.FACEPLATE:
            return self._error("faceplate_wifi_update_failed")
        return self._error("update_failed")

    @callback
    def _state_changed(self) -> None:
        """End the update once the module reports its new version."""
        if self.module is Module.FACEPLATE:
            listed = self.coordinator.data.info.faceplate is not None
            if self._faceplate_listed and not listed:
                self.watch_return()  # restarting (12 omits it): read 12 until it is back
            self._faceplate_listed = listed
        if (install := self._install) is None or not self.coordinator.last_update_success:
            return  # (a read while reconnecting: done once the outlet is back for all)
        if install.reconnects != self.coordinator.reconnects:
            # The link dropped during the update, maybe with its result: ask the outlet.
            # A timer that ran out meanwhile is judged now, by what the outlet answers.
            install.reconnects = self.coordinator.reconnects
            error, install.overdue = install.overdue, None
            if error is not None:
                self._cancel_timer()
            self._check_versions(install, error)
        state = self.coordinator.data
        main = install.parts[-1]
        now = installed_version(main, state)
        if now is None or now == install.before.get(main):
            return
        if install.downloaded or now == install.expected.get(main):
            LOGGER.debug("%s update done: now %s", self.module, now)
            self._succeed()

    # --- the faceplate's return ---------------------------------------------------------

    @callback
    def _freshness_changed(self) -> None:
        """The faceplate's sensors went silent, or report again after a silence.

        Reporting again while device info does not list it with a version: it came
        back, and nothing will announce it.
        """
        fresh = self.coordinator.data.sensors_fresh
        was, self._sensors_fresh = self._sensors_fresh, fresh
        if fresh and not was and not self._faceplate_back():
            self.watch_return()

    def _faceplate_back(self) -> bool:
        """Whether the faceplate is listed, online, with a version (not a blank)."""
        face = self.coordinator.data.info.faceplate
        return face is not None and face.online and bool(face.fw_rev and face.fw_rev.strip())

    @callback
    def watch_return(self) -> None:
        """Re-read 12 on the backoff until the faceplate is back and reports a version.

        Called after its update result, when device info stops listing it, when its
        sensors report again after a silence, and after its restart command (24).
        """
        if self._watching:
            return  # already watching (its first re-read found it gone)
        self._watching = True
        self._rereads = [float(delay) for delay in FACEPLATE_REREAD_DELAYS]
        self._next_reread()

    def _next_reread(self) -> None:
        if self._rereads:
            self._reread = async_call_later(self.hass, self._rereads.pop(0), self._reread_now)
        else:
            self._watching = False  # given up; a push or the next full read will tell

    @callback
    def _reread_now(self, _now: datetime) -> None:
        self._reread = None
        self.coordinator.config_entry.async_create_background_task(
            self.hass, self._read_info(), f"{DOMAIN} faceplate return"
        )

    async def _read_info(self) -> None:
        coordinator = self.coordinator
        if coordinator.link_ready:
            since = coordinator.sequence
            try:
                info = await coordinator.client.get_device_info(background=True)
            except IntecularError as err:
                LOGGER.debug("Reading device info for the faceplate failed: %s", err)
            else:
                if info.outlet.serial == coordinator.data.info.outlet.serial:
                    coordinator.async_apply(lambda state: apply_push(state, info), since=since)
        # Back with a version, and no update waiting for a newer one: done.
        if self._faceplate_back() and self._install is None:
            self._watching = False
        elif self._watching:
            self._next_reread()

    def _cancel_reread(self) -> None:
        self._watching = False
        self._rereads = []
        if self._reread is not None:
            self._reread()
            self._reread = None

    # --- ending -----------------------------------------------------------------------

    def _arm(self, delay: timedelta) -> None:
        self._cancel_timer()
        self._timer = async_call_later(self.hass, delay, self._timed_out)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer()
            self._timer = None

    @callback
    def _timed_out(self, _now: datetime) -> None:
        self._timer = None
        if (install := self._install) is None:
            return
        if not install.progressed:
            seconds = str(int(OTA_START_TIMEOUT.total_seconds()))
            error = self._error("update_not_started", seconds=seconds)
        elif install.downloaded:
            minutes = str(int(OTA_REBOOT_TIMEOUT.total_seconds() // 60))
            error = self._error("update_not_confirmed", minutes=minutes)
        else:
            seconds = str(int(OTA_PROGRESS_TIMEOUT.total_seconds()))
            error = self._error("update_stalled", seconds=seconds)
        if not self.coordinator.link_ready and install.overdue is None:
            # The result, or a revB outlet's go-ahead (told only on a new socket), may
            # have been lost with the socket, and nobody can ask now: judge once the
            # link is back (or when the timer runs out again).
            install.overdue = error
            self._arm(OTA_PROGRESS_TIMEOUT)
            return
        if not install.progressed:
            # Nothing was ever downloaded, so no result can have been lost.
            self._fail(error)
            return
        # The result may have been lost with a socket: the versions decide.
        self._check_versions(install, error)

    def _check_versions(self, install: _Install, error: HomeAssistantError | None) -> None:
        """Run the update check; succeed when it shows the new versions, else ``error``.

        A push while the check runs re-arms the timer: the update goes on, no ``error``.
        """
        self._finishing = self.coordinator.config_entry.async_create_background_task(
            self.hass, self._judge(install, error), f"{DOMAIN} update versions"
        )

    async def _judge(self, install: _Install, error: HomeAssistantError | None) -> None:
        answered = await self.checker.async_check()
        if self._install is not install:
            return  # ended meanwhile
        if answered and self._installed_all(install):
            LOGGER.debug("%s update done: the update check reports it", self.module)
            install.checked = True
            self._succeed()
        elif error is not None and self._timer is None:
            # (a push re-armed the timer while the check ran: the update goes on)
            self._fail(error)

    def _installed_all(self, install: _Install) -> bool:
        """Whether every part the update brings runs the version 20 offered."""
        state = self.coordinator.data
        return bool(install.expected) and all(
            installed_version(part, state) == version for part, version in install.expected.items()
        )

    def _succeed(self) -> None:
        install = self._end()
        if install is not None:
            self._record_web(install)
            if install.waiter is not None and not install.waiter.done():
                install.waiter.set_result(None)
        self._changed()
        if install is None or not install.checked:
            self.checker.schedule()  # the outlet now offers something else (or nothing)

    def _record_web(self, install: _Install) -> None:
        """The outlet reported the web partition installed: show it until 20 says more."""
        web = install.expected.get(FirmwarePart.OUTLET_WEB)
        if web is None or FirmwarePart.OUTLET_WEB not in install.finished or install.checked:
            return
        state = self.coordinator.data
        if state.updates is None or installed_version(FirmwarePart.OUTLET_WEB, state) == web:
            return
        outlet = replace(state.updates.outlet, web_installed=web)
        updates = replace(state.updates, outlet=outlet)
        self.coordinator.async_apply(lambda s: replace(s, updates=updates))

    def _fail(self, error: HomeAssistantError) -> None:
        install = self._end()
        if install is None or install.waiter is None:
            LOGGER.warning("A %s update started outside Home Assistant failed", self.module)
        elif not install.waiter.done():
            install.waiter.set_exception(error)
        self._changed()

    def _end(self) -> _Install | None:
        self._cancel_timer()
        install, self._install = self._install, None
        return install

    @callback
    def shutdown(self) -> None:
        """The entry unloads: stop the timer, tell a waiting install why it ended."""
        self._stopped = True
        if self._finishing is not None:
            self._finishing.cancel()
        self._cancel_reread()
        install = self._end()
        if install is not None and install.waiter is not None and not install.waiter.done():
            install.waiter.set_exception(self._error("update_interrupted"))
