"""Callbacks 20-23: firmware updates, as the outlet and the faceplate perform them.

Sequences (protocol.md §6, callbacks 21-23):

* Outlet, hardware revA: ``PUBACK: 1``; ``23 [1, 0]`` (the spurious leading zero,
  quirk ``spurious_ota_zero``); 22 for target 3 (web partition) up to 100;
  ``23 [3, 1]``; 22 for target 1 up to 100; ``23 [1, 1]``; then a reboot that brings
  the new versions.
* Outlet, hardware revB: no reply; the outlet restarts at once (connections dropped
  and refused for ``revb_restart_delay``), waits for a client to reconnect
  (``ota_reconnect_wait``), pushes ``21 [1, 1]``, then runs the revA sequence.
* Faceplate: ``PUBACK: 1``; ``23 [2, 0]``; 22 for target 2; ``23 [2, 1]``; then the
  faceplate restarts (the outlet's sockets stay up) and returns with the new version.

With the ``partial_outlet_updates`` knob (on in the ``"real"`` profile), which phases
an outlet update runs depends on what is newer (``available_fw``,
``available_www``): both, as above; the web interface only (22 for 3, ``23 [3, 1]``,
then nothing: no reboot, no 12 push, and 20 reports the new ``www_fw_rev`` at once,
protocol.md §11 item 30); or the main firmware only (22 for 1, ``23 [1, 1]``, reboot).
The spurious ``23 [1, 0]`` leads every outlet update.

With the ``ota_ack`` knob off, an accepted 21 gets no reply at all (protocol.md §11
item 28) and the update runs exactly as it would with the reply; a refused one (up
to date, busy, bad arguments) is still answered ``PUBACK: 0``.

With the ``ota_result_lost`` knob the success that ends an outlet update (``23 [3,
1]`` for the web interface only, else ``23 [1, 1]``) is lost with the socket: the
outlet drops its connections instead of sending it and goes on as usual.

With the ``ota_stall_before_progress`` knob an accepted update never starts: after
the leading ``23 [t, 0]`` nothing follows (protocol.md §11 item 37).

Assumptions: an outlet update installs whatever is newest of both parts; it is
refused (``PUBACK: 0``) when neither is outdated. Only one update runs at a time. An
injected failure pushes ``23 [target, 0]`` in place of the progress push that reaches
``ota_fail_at``; the versions stay as they were (with ``partial_outlet_updates``, a
web phase that finished before stays installed) and nothing reboots.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Final

from .replies import FAIL, OK, Reply, int_args
from .wire import Callback, OtaMethod, OtaTarget

if TYPE_CHECKING:
    from .device import Device

WIFI_FAILURE_PERCENT: Final = 30
"""Where a faceplate update over its own Wi-Fi fails when that fault is on."""


def perform_update(dev: Device, args: Any) -> Reply | None:
    """21: start an update of the outlet (1) or the faceplate (2)."""
    if (values := int_args(args, (1, 2), (0, 1))) is None:
        return FAIL
    state = dev.state
    if state.ota_target is not None:
        return FAIL
    ack = OK if dev.faults.ota_ack else None
    if values[0] == OtaTarget.OUTLET:
        if not state.firmware.outlet_outdated:
            return FAIL
        state.ota_target = OtaTarget.OUTLET
        if state.hw_rev.lower() == "revb":
            dev.run_update(_outlet_revb(dev))
            return None
        dev.run_update(_outlet(dev))
        return ack
    if not (state.faceplate_available and state.firmware.faceplate_outdated):
        return FAIL
    state.ota_target = OtaTarget.FACEPLATE
    dev.run_update(_faceplate(dev, OtaMethod(values[1])))
    return ack


def _result(dev: Device, target: OtaTarget, success: bool) -> None:
    dev.push(Callback.UPDATE_RESULT, [int(target), int(success)])


def _starts(dev: Device, target: OtaTarget) -> bool:
    """The leading spurious ``23 [t, 0]``; False when the download then never starts."""
    if dev.quirks.spurious_ota_zero:
        _result(dev, target, False)
    return not dev.faults.ota_stall_before_progress


async def _download(dev: Device, target: OtaTarget, fail_at: int | None = None) -> bool:
    """Push progress for one target up to 100; False (after ``23 [t, 0]``) on failure."""
    faults = dev.faults
    if faults.ota_fail_at is not None and faults.ota_fail_target in (None, int(target)):
        fail_at = faults.ota_fail_at if fail_at is None else min(fail_at, faults.ota_fail_at)
    percent = 0
    while percent < 100:
        await asyncio.sleep(dev.timings.ota_step_interval)
        percent = min(100, percent + max(1, dev.timings.ota_step_percent))
        if fail_at is not None and percent >= fail_at:
            _result(dev, target, False)
            return False
        dev.push(Callback.UPDATE_PROGRESS, [int(target), percent])
    return True


async def _outlet(dev: Device) -> None:
    firmware = dev.state.firmware
    partial = dev.faults.partial_outlet_updates
    if not _starts(dev, OtaTarget.OUTLET):
        return
    if not partial or firmware.www != firmware.www_available:
        if not await _download(dev, OtaTarget.OUTLET_WEB):
            return
        if partial:
            firmware.install_web()  # the web partition is live at once, without a reboot
        if partial and firmware.im == firmware.im_available:
            # web interface only: no reboot (protocol.md §6 / 23)
            await _final_result(dev, OtaTarget.OUTLET_WEB)
            return
        _result(dev, OtaTarget.OUTLET_WEB, True)
    if not await _download(dev, OtaTarget.OUTLET):
        return
    await _final_result(dev, OtaTarget.OUTLET)
    await dev.reboot_cycle(dev.timings.reboot_delay, firmware.install_outlet)


async def _final_result(dev: Device, target: OtaTarget) -> None:
    """The success that ends an outlet update, or (``ota_result_lost``) a dropped link."""
    if dev.faults.ota_result_lost:
        await dev.lose_link()
    else:
        _result(dev, target, True)


async def _outlet_revb(dev: Device) -> None:
    await dev.reboot_cycle(dev.timings.revb_restart_delay)
    await dev.wait_for_client(dev.timings.ota_reconnect_wait)
    dev.push(Callback.PERFORM_UPDATE, [int(OtaTarget.OUTLET), 1])
    await _outlet(dev)


async def _faceplate(dev: Device, method: OtaMethod) -> None:
    if not _starts(dev, OtaTarget.FACEPLATE):
        return
    wifi_fails = method is OtaMethod.FACEPLATE_WIFI and dev.faults.faceplate_wifi_ota_fails
    if not await _download(dev, OtaTarget.FACEPLATE, WIFI_FAILURE_PERCENT if wifi_fails else None):
        return
    _result(dev, OtaTarget.FACEPLATE, True)
    await dev.faceplate_cycle(
        dev.timings.faceplate_restart_delay, dev.state.firmware.install_faceplate
    )
