"""Following a firmware update from the 21 command to the module's new version.

An update goes: 21 (start) -> a spurious ``23 [target, 0]`` -> 22 progress pushes ->
``23 [target, 1]`` -> the module reboots -> it reports the new version. The outlet runs
two phases (web partition 3, then firmware 1); a revB outlet restarts right after 21
and confirms with a ``21 [1, 1]`` push once a client is back. The tracker turns this
into what an update entity shows: in progress, a percentage that only moves forward,
and an end (the new version) or a failure with a translated reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_call_later

from .api import (
    AvailableUpdates,
    IntecularClient,
    IntecularCommandRefusedError,
    OtaAck,
    OtaMethod,
    OtaProgress,
    OtaResult,
    OtaTarget,
    Push,
)
from .const import (
    CONF_FACEPLATE_UPDATE_METHOD,
    DOMAIN,
    FACEPLATE_MODEL,
    LOGGER,
)
from .coordinator import IntecularConfigEntry, IntecularCoordinator
from .devices import faceplate_model
from .state import DeviceState

# Longest silence between two OTA pushes while a module downloads.
OTA_PROGRESS_TIMEOUT = timedelta(seconds=120)
# After the last successful result: how long the module may take to reboot and report
# the new version (the outlet restarts, a faceplate leaves and comes back).
OTA_REBOOT_TIMEOUT = timedelta(minutes=5)


# Faceplate update method (select entity option) -> the second argument of 21.
FACEPLATE_METHODS = {
    "faceplate_wifi": OtaMethod.FACEPLATE_WIFI,
    "via_outlet": OtaMethod.VIA_OUTLET,
}
# The vendor's first choice; when it fails, the error suggests the other one.
DEFAULT_FACEPLATE_METHOD = "faceplate_wifi"


def faceplate_update_method(entry: IntecularConfigEntry) -> str:
    """The chosen way to deliver faceplate firmware (an entry option)."""
    method = entry.options.get(CONF_FACEPLATE_UPDATE_METHOD, DEFAULT_FACEPLATE_METHOD)
    return method if method in FACEPLATE_METHODS else DEFAULT_FACEPLATE_METHOD


class Module(StrEnum):
    """A module with its own firmware."""

    OUTLET = "outlet"
    FACEPLATE = "faceplate"

    @property
    def target(self) -> OtaTarget:
        """The 21/22/23 target of this module's (last) phase."""
        return OtaTarget.OUTLET if self is Module.OUTLET else OtaTarget.FACEPLATE

    @property
    def phases(self) -> tuple[OtaTarget, ...]:
        """Targets the module's progress is reported for, in the order they run."""
        if self is Module.OUTLET:
            return (OtaTarget.OUTLET_WEB, OtaTarget.OUTLET)
        return (OtaTarget.FACEPLATE,)


type Versions = tuple[str | None, ...]


def installed_versions(module: Module, state: DeviceState) -> Versions:
    """What the module runs: firmware (and, for the outlet, web firmware)."""
    updates = state.updates
    if module is Module.OUTLET:
        fw = state.info.outlet.fw_rev or (updates.outlet.installed if updates else None)
        return (fw, updates.outlet.web_installed if updates else None)
    face = state.info.faceplate
    fw = face.fw_rev if face is not None and face.fw_rev else None
    if fw is None and updates is not None and updates.faceplate is not None:
        fw = updates.faceplate.installed
    return (fw,)


def latest_versions(module: Module, state: DeviceState) -> Versions | None:
    """The newest firmware the module could run (callback 20), None while unknown."""
    if (updates := state.updates) is None:
        return None
    if module is Module.OUTLET:
        return (updates.outlet.available, updates.outlet.web_available)
    if updates.faceplate is None:
        return None
    return (updates.faceplate.available,)


def _reported_versions(module: Module, state: DeviceState) -> set[Versions]:
    """Every version the module reports, by device info (12) and by callback 20."""
    reported = {installed_versions(module, state)}
    if (updates := state.updates) is not None:
        if module is Module.OUTLET:
            reported.add((updates.outlet.installed, updates.outlet.web_installed))
        elif updates.faceplate is not None:
            reported.add((updates.faceplate.installed,))
    return reported


def _is_new(reported: Versions, before: Versions, expected: Versions | None) -> bool:
    """Whether the module now runs new firmware.

    Every part that was to change (expected differs from before) must have changed;
    without such a part (nothing known to be newer), any change counts.
    """
    pairs = list(zip(reported, before, strict=True))
    due = [
        i
        for i, want in enumerate(expected or ())
        if want is not None and before[i] is not None and want != before[i]
    ]
    if due:
        return all(pairs[i][0] is not None and pairs[i][0] != pairs[i][1] for i in due)
    return any(now is not None and then is not None and now != then for now, then in pairs)


def _matches(reported: Versions, expected: Versions | None) -> bool:
    """Whether the module runs every part it was to be updated to."""
    if expected is None:
        return False
    return all(want is None or now == want for now, want in zip(reported, expected, strict=True))


async def async_check_for_updates(coordinator: IntecularCoordinator) -> None:
    """Ask the outlet which firmware it can install (callback 20) and publish it."""
    found: list[AvailableUpdates] = []

    async def read(client: IntecularClient) -> None:
        found.append(await client.get_available_updates())

    await coordinator.async_command(read, lambda state: replace(state, updates=found[0]))


def module_name(module: Module, coordinator: IntecularCoordinator) -> str:
    """The name a user knows the module by: the outlet's title or the faceplate model."""
    if module is Module.OUTLET:
        return coordinator.config_entry.title
    face = coordinator.data.faceplate
    return faceplate_model(face) if face is not None else FACEPLATE_MODEL


@dataclass(slots=True)
class _Install:
    """One update being followed."""

    before: Versions
    expected: Versions | None
    method: OtaMethod | None
    waiter: asyncio.Future[None] | None
    progressed: set[OtaTarget]
    percentage: int | None = None
    downloaded: bool = False  # the last phase reported success; now rebooting


class OtaTracker:
    """Follows the updates of one module and tells its entity when anything changed.

    ``async_install`` starts an update and returns when the module reports the new
    version, raising a translated ``HomeAssistantError`` when it fails. An update
    started elsewhere (the vendor app) is followed too, from its first progress push.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        coordinator: IntecularCoordinator,
        module: Module,
        on_change: Callable[[], None],
    ) -> None:
        """Follow ``module`` of the coordinator's outlet."""
        self.hass = hass
        self.coordinator = coordinator
        self.module = module
        self._on_change = on_change
        self._install: _Install | None = None
        self._timer: CALLBACK_TYPE | None = None

    @property
    def active(self) -> bool:
        """Whether an update of this module is under way."""
        return self._install is not None

    @property
    def percentage(self) -> int | None:
        """Progress of the whole update, 0-100, never moving backwards."""
        return None if self._install is None else self._install.percentage

    def _error(self, key: str, **placeholders: str) -> HomeAssistantError:
        """A translated error about this module's update."""
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={
                "name": module_name(self.module, self.coordinator),
                **placeholders,
            },
        )

    # --- starting ---------------------------------------------------------------------

    async def async_install(self, method: OtaMethod = OtaMethod.VIA_OUTLET) -> None:
        """Start an update and wait for its end (new version) or failure."""
        state = self.coordinator.data
        waiter: asyncio.Future[None] = self.hass.loop.create_future()
        self._begin(state, method, waiter)
        target = self.module.target

        async def perform(client: IntecularClient) -> None:
            try:
                await client.perform_update(target, method)
            except IntecularCommandRefusedError as err:
                raise self._error("update_refused") from err

        try:
            await self.coordinator.async_command(perform)
        except HomeAssistantError:
            if self._install is not None and self._install.waiter is waiter:
                self._end()
            raise
        await waiter

    def _begin(
        self,
        state: DeviceState,
        method: OtaMethod | None,
        waiter: asyncio.Future[None] | None,
    ) -> _Install:
        self._install = install = _Install(
            before=installed_versions(self.module, state),
            expected=latest_versions(self.module, state),
            method=method,
            waiter=waiter,
            progressed=set(),
        )
        self._arm(OTA_PROGRESS_TIMEOUT)
        self._on_change()
        return install

    # --- pushes and state -------------------------------------------------------------

    @callback
    def handle_push(self, push: Push) -> None:
        """Progress (22), results (23) and the revB go-ahead (21) of this module."""
        if isinstance(push, OtaProgress):
            if push.target in self.module.phases:
                self._progress(push)
        elif isinstance(push, OtaResult):
            if push.target in self.module.phases and self._install is not None:
                self._result(push, self._install)
        elif (
            isinstance(push, OtaAck)
            and push.target is self.module.target
            and (install := self._install) is not None
        ):
            if push.accepted:
                self._arm(OTA_PROGRESS_TIMEOUT)
            else:
                self._fail(self._failure(install))

    def _progress(self, push: OtaProgress) -> None:
        if (install := self._install) is None:
            # Started elsewhere (the vendor app): follow it without a waiter.
            LOGGER.debug("A %s update started outside Home Assistant", self.module)
            install = self._begin(self.coordinator.data, None, None)
        install.progressed.add(push.target)
        percentage = self._overall(push, install.progressed)
        self._arm(OTA_PROGRESS_TIMEOUT)
        if install.percentage is None or percentage > install.percentage:
            install.percentage = percentage
            self._on_change()

    def _overall(self, push: OtaProgress, seen: set[OtaTarget]) -> int:
        """Phase progress as progress of the whole update.

        The outlet downloads its web partition, then its firmware, each from 0 to 100;
        shown as one bar, the web half fills 0-50 and the firmware half 50-100.
        """
        phases = self.module.phases
        if len(phases) == 1 or not seen & {OtaTarget.OUTLET_WEB}:
            return push.percent
        index = phases.index(push.target)
        return (index * 100 + push.percent) // len(phases)

    def _result(self, push: OtaResult, install: _Install) -> None:
        if not push.success:
            if not install.progressed:
                # Every update starts with a "failed" result before any progress.
                LOGGER.debug("Ignoring the result before any progress: %s", push)
                return
            self._fail(self._failure(install))
            return
        if push.target is not self.module.target:
            return  # the web partition is done; the firmware phase follows
        install.downloaded = True
        install.percentage = 100
        self._arm(OTA_REBOOT_TIMEOUT)
        self._on_change()

    def _failure(self, install: _Install) -> HomeAssistantError:
        if install.method is OtaMethod.FACEPLATE_WIFI and self.module is Module.FACEPLATE:
            return self._error("faceplate_wifi_update_failed")
        return self._error("update_failed")

    @callback
    def handle_state(self, state: DeviceState) -> None:
        """End the update once the module reports its new version."""
        if (install := self._install) is None or not self.coordinator.last_update_success:
            return  # (a read while reconnecting: done once the outlet is back for all)
        for reported in _reported_versions(self.module, state):
            if _is_new(reported, install.before, install.expected) and (
                install.downloaded or _matches(reported, install.expected)
            ):
                LOGGER.debug("%s update done: now %s", self.module, reported)
                self._succeed()
                return

    # --- ending -----------------------------------------------------------------------

    def _arm(self, delay: timedelta) -> None:
        if self._timer is not None:
            self._timer()
        self._timer = async_call_later(self.hass, delay, self._timed_out)

    @callback
    def _timed_out(self, _now: datetime) -> None:
        self._timer = None
        if (install := self._install) is None:
            return
        if install.downloaded:
            minutes = str(int(OTA_REBOOT_TIMEOUT.total_seconds() // 60))
            self._fail(self._error("update_not_confirmed", minutes=minutes))
        else:
            seconds = str(int(OTA_PROGRESS_TIMEOUT.total_seconds()))
            self._fail(self._error("update_stalled", seconds=seconds))

    def _succeed(self) -> None:
        waiter = self._end()
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        self._on_change()

    def _fail(self, error: HomeAssistantError) -> None:
        waiter = self._end()
        if waiter is None:
            LOGGER.warning("A %s update started outside Home Assistant failed", self.module)
        elif not waiter.done():
            waiter.set_exception(error)
        self._on_change()

    def _end(self) -> asyncio.Future[None] | None:
        if self._timer is not None:
            self._timer()
            self._timer = None
        install, self._install = self._install, None
        return None if install is None else install.waiter

    @callback
    def shutdown(self) -> None:
        """The entity goes away: stop the timer, tell a waiting install why it ended."""
        waiter = self._end()
        if waiter is not None and not waiter.done():
            waiter.set_exception(self._error("update_interrupted"))
