"""A simulated Intecular InvisOutlet, speaking the local WebSocket API of protocol.md.

Run one from the shell with ``python -m simulator --help``, or from Python::

    from simulator import SimulatedOutlet, SimulatorFarm, Variant

    async with SimulatedOutlet("aura", sensor_interval=0, reboot_delay=0.05) as sim:
        sim.url                      # "ws://127.0.0.1:<port>/ws" (sim.host, sim.port)
        await sim.press_button(1)    # every client gets a 9 push

Variants (``Variant`` or its string): ``"pro"`` (white nightlight 14/15, full
sensor suite with radar and lux, 26 and 28), ``"aura"`` (colour arrays 5 and 7 via
17/18, ``lux`` only, no 14/15), ``"deco"`` (a plain InvisDeco: white nightlight 14/15,
``lux`` only, no radar and no ``PM.type``), ``"bare"`` (no faceplate: faceplate
callbacks answer ``PUBACK: 0``).

Constructor::

    SimulatedOutlet(variant="pro", serial=None, host="127.0.0.1", port=0,
                    sensor_interval=5.0, seed=None, hw_rev="revA", *,
                    update_available=False, available_fw=None, available_www=None,
                    available_faceplate_fw=None, profile="friendly",
                    timings=None, quirks=None, faults=None, **knobs)

``knobs`` are any fields of ``Timings``, ``Quirks`` or ``Faults`` by name; they
override the ``profile`` (``"friendly"``: answers everything at once; ``"real"``:
behaves as protocol.md §11 items 28-32 suggest a real outlet does, see
``simulator.profiles``). The knobs a profile sets, all on ``sim.faults``:
``update_check_delay`` (20 answered late), ``unanswered`` (request keys never
answered: "1", "3", "11", "15", "18/5", "18/7", "20", "27"), ``sensor_overrides``
(values forced into every 11 frame), ``ota_ack`` (False: 21 gets no reply),
``connect_delay`` (slow handshake), ``interleave_pushes`` (a push before every reply).
``push_lag`` (no profile sets it) sends the pushes a request causes that many seconds
after its reply.
Frame timing (``simulator.timing``, all off by default, on ``sim.faults``): one
``random.Random(timing_seed)`` decides per request whether its reply is held back
(``reply_jitter``), it is carried out late (``handle_jitter``), its pushes go out
before its reply (``reorder_rate``), its reply comes after the client gave up
(``late_replies`` of them at most, ``late_reply_rate``, ``late_reply_delay``) or the
socket drops around it (``drop_rate``); ``sim.frames_held`` counts what is still held.
``available_fw`` / ``available_www`` / ``available_faceplate_fw`` offer newer
firmware: a web-interface-only outlet update ends on ``23 [3, 1]`` without reboot. ``seed``
makes the serials, the sensor drift and the push packet ids reproducible;
``sensor_interval`` 0 disables the 11 timer; ``hw_rev`` "revB" changes how an
outlet OTA starts.

Reading the device:

* ``sim.serial``, ``sim.faceplate_serial`` (None without faceplate), ``sim.mac``
* ``sim.state``: the live ``DeviceState``: ``outlets`` (``Outlets``),
  ``nightlight`` (``Nightlight``), ``color[selector].light`` (``ColorLight``), all
  from ``simulator.models`` with ``to_args()``; ``config`` (the nested 1 object),
  ``names``, ``sensors`` (``SensorBank``: ``readings()``, offsets,
  ``occupancy_phase``), ``firmware``, ``faceplate`` (``online``, ``restarting``),
  ``mqtt`` (``discovery_published``), ``mqtt_connected``, ``ota_target``, ``online``,
  ``boot_count``; ``to_json()`` dumps it all.
* ``sim.connection_count`` (now), ``sim.total_connections`` (ever),
  ``sim.requests`` (deque of ``(callback, args)``, newest last, 10 000 kept).

Changing it (each pushes like the real device would)::

    await sim.start() / await sim.stop()           # or ``async with``
    await sim.press_button(outlet)                 # toggle, push 9
    await sim.set_outlet(outlet, on)               # push 9
    await sim.set_nightlight(on, brightness=None)  # push 15 (Pro)
    await sim.set_color_light(light: ColorLight)   # push 18 (Aura); ValueError if refused
    await sim.set_sensor(wire_key, value)          # push 11 now
    await sim.remove_sensor(wire_key)              # omitted from following 11 frames
    await sim.push_sensors()                       # one 11 push now
    await sim.set_names({1: "Kettle"})             # no push
    await sim.set_config(acc_prefs={...}, sys_prefs={...})  # no push; 2's rules
    await sim.reboot(delay=None)                   # returns once down; back after delay, 12
    await sim.wait_until_online()
    await sim.restart_faceplate(delay=None)        # returns at once; back after delay, 12
    await sim.swap_faceplate(serial)               # another faceplate; back after the delay
    await sim.set_faceplate_online(online)         # PM.online; push 12 on a change
    await sim.drop_connections()                   # outlet keeps running
    await sim.send_raw(text_or_bytes)              # verbatim to every client
    await sim.send_garbage()                       # every malformed frame kind once
    await sim.wait_idle()                          # no reboot/OTA/calibration running
    sim.set_available_versions(im=..., www=..., pm=...)
    sim.set_knob("unanswered", ["20"])             # any knob by name, at once
    sim.apply_profile("real")                      # every profile knob at once
    sim.set_mqtt_connected(True | False | None)    # None: follow the configuration
    sim.faults.silent = True                       # any knob, at once
    sim.timings.reboot_delay = 0.01

``SimulatorFarm(count, base_port=0, variant="pro", *, host, seed, serials, **options)``
runs several outlets (consecutive ports from a non-zero ``base_port``, distinct
serials); iterate it, index it, ``start()``/``stop()`` it or use ``async with``.

Each outlet also serves a small HTTP control API on its own port (see
``simulator.control``): ``GET /control/state``, ``POST /control/button``,
``/control/outlet``, ``/control/nightlight``, ``/control/sensor``,
``/control/reboot``, ``/control/faceplate/restart``, ``/control/faceplate/online``,
``/control/faults``, ``/control/knobs``, ``/control/profile``, ``/control/firmware``.

The simulator shares no code with the integration: ``simulator.wire`` (callback
numbers, frames) and ``simulator.models`` are written from protocol.md alone.

Assumptions where protocol.md is silent are documented in the modules that make
them: ``device`` (malformed requests, boot announcements), ``handlers`` (names,
types, faceplate-less replies), ``prefs`` (configuration), ``color`` (17/18),
``sensors`` (drift, calibrations) and ``ota`` (update sequences).
"""

from __future__ import annotations

from .farm import SimulatorFarm
from .options import Faults, Quirks, Timings, Variant
from .outlet import SimulatedOutlet
from .state import DeviceState

__all__ = [
    "DeviceState",
    "Faults",
    "Quirks",
    "SimulatedOutlet",
    "SimulatorFarm",
    "Timings",
    "Variant",
]
