"""What the device does with each request: one function per callback.

A handler validates its arguments, changes the state, queues any push (sent after
the reply) and returns the reply, or None when the callback gets no reply (5, 6, 7
and a revB outlet OTA). A handler never awaits: anything that takes time is
spawned as a device activity.

Assumptions (protocol.md leaves them open):

* Callback 4 accepts a full or partial list and refuses the whole request when an
  entry names an accessory this outlet lacks (3 needs a faceplate), a name is not
  a string, or a name is longer than 32 characters (``MAX_NAME_LENGTH``).
* Flags and numbers must be JSON integers: booleans and strings are refused.
* A change command is followed by a push of the new state even when the value was
  already set (9 after 10, 15 after 14, 18 after 17).
* While the faceplate is offline or restarting, every faceplate callback (11, 14,
  15, 17, 18, 24, 25, 26, 28) answers ``PUBACK: 0``.
* A Pro or plain InvisDeco asked for a colour array (18) answers ``PUBACK: 1`` with
  empty ``callbackArgs``, as real devices without colour arrays do (protocol.md §6 / 18).
* 6 (network reset) only reboots the outlet; 7 restores the factory state and
  reboots.
* Callback 28 accepts -40 to 85 °C and 0 to 100 % RH (in thousandths).
"""

from __future__ import annotations

from collections.abc import Callable
import ipaddress
from typing import TYPE_CHECKING, Any, Final

from .color import InvalidColorCommandError
from .models import Nightlight
from .ota import perform_update
from .prefs import InvalidConfigError, merge_config
from .replies import FAIL, OK, Reply, data, int_args, is_int
from .wire import CALIBRATION_SECONDS, Callback, MqttCommand

if TYPE_CHECKING:
    from .device import Device

MAX_NAME_LENGTH: Final = 32

type Handler = Callable[["Device", Any], Reply | None]


# --- information and preferences (1-4) ------------------------------------------------


def get_config(dev: Device, _args: Any) -> Reply:
    """1: the configuration (network addresses as integers, as a knob says)."""
    config = dev.state.config
    if dev.faults.integer_network_fields:
        internet = {
            key: int(ipaddress.IPv4Address(value)) if isinstance(value, str) else value
            for key, value in config["sys_prefs"]["internet"].items()
        }
        config = {**config, "sys_prefs": {**config["sys_prefs"], "internet": internet}}
    return data(config)


def set_config(dev: Device, args: Any) -> Reply:
    """2: merge a (partial) configuration, all or nothing."""
    try:
        dev.state.config = merge_config(dev.state.config, args)
    except InvalidConfigError:
        return FAIL
    return OK


def get_names(dev: Device, _args: Any) -> Reply:
    """3: accessory names, in the configured reply shape."""
    return data(dev.state.names_args(dev.quirks))


def set_names(dev: Device, args: Any) -> Reply:
    """4: rename some or all accessories."""
    if not isinstance(args, list):
        return FAIL
    names: dict[int, str] = {}
    for entry in args:
        if not isinstance(entry, dict):
            return FAIL
        accessory, name = entry.get("accessory"), entry.get("name")
        if not is_int(accessory, 1, 3) or accessory not in dev.variant.accessories:
            return FAIL
        if not isinstance(name, str) or len(name) > MAX_NAME_LENGTH:
            return FAIL
        names[accessory] = name
    dev.state.names.update(names)
    return OK


# --- device management (5-7, 24-28) ----------------------------------------------------


def restart(dev: Device, _args: Any) -> None:
    """5 and 6: reboot; no reply."""
    dev.spawn(dev.reboot())


def factory_reset(dev: Device, _args: Any) -> None:
    """7: factory defaults, then reboot; no reply."""
    dev.state.factory_reset()
    dev.spawn(dev.reboot())


def restart_faceplate(dev: Device, _args: Any) -> Reply:
    """24: the faceplate restarts; the outlet stays connected."""
    return OK if dev.start_faceplate_restart() else FAIL


def reset_faceplate(dev: Device, _args: Any) -> Reply:
    """25: clear the faceplate's calibrations; accuracies read 0 for a while."""
    if not dev.state.faceplate_available:
        return FAIL
    dev.reset_faceplate_calibration()
    return OK


def calibrate_occupancy(dev: Device, args: Any) -> Reply:
    """26: learn the empty room for 30-60 s, after a delay."""
    if not (dev.variant.has_radar and dev.state.faceplate_available):
        return FAIL
    if (values := int_args(args, CALIBRATION_SECONDS)) is None:
        return FAIL
    dev.start_occupancy_calibration(values[0])
    return OK


def mqtt(dev: Device, args: Any) -> Reply:
    """27: check the broker connection, or clear/send the HA discovery payload."""
    if (values := int_args(args, (0, 2))) is None:
        return FAIL
    connected = dev.state.mqtt_connected
    if values[0] == MqttCommand.CHECK or not connected:
        return Reply(int(connected))
    dev.state.mqtt.discovery_published = values[0] == MqttCommand.SEND_DISCOVERY
    return OK


def calibrate_climate(dev: Device, args: Any) -> Reply:
    """28: reference temperature and humidity in thousandths."""
    if not (dev.variant.has_climate and dev.state.faceplate_available):
        return FAIL
    if (values := int_args(args, (-40_000, 85_000), (0, 100_000))) is None:
        return FAIL
    dev.state.sensors.calibrate(values[0] / 1000, values[1] / 1000)
    return OK


# --- outlets, sensors, device information (9-12, 20) -----------------------------------


def get_outlets(dev: Device, _args: Any) -> Reply:
    """9: both outlets."""
    return data(dev.state.outlets.to_args())


def set_outlet(dev: Device, args: Any) -> Reply:
    """10: switch one outlet."""
    if (values := int_args(args, (1, 2), (0, 1))) is None:
        return FAIL
    outlet, on = values
    dev.change_outlets(dev.state.outlets.switched(outlet, bool(on)))
    return OK


def get_sensors(dev: Device, _args: Any) -> Reply:
    """11: the faceplate's readings."""
    if not dev.state.faceplate_available:
        return FAIL
    if dev.faceplate_degraded:
        return data([])  # just back: no readings yet
    return data(dev.sensor_args())


def get_device_info(dev: Device, _args: Any) -> Reply:
    """12: identity and firmware of the outlet and its faceplate."""
    return data(dev.device_info_args())


def get_available_updates(dev: Device, _args: Any) -> Reply:
    """20: installed and newest firmware."""
    return data(dev.state.available_updates_args())


# --- lights (14, 15, 17, 18) -----------------------------------------------------------


def set_nightlight(dev: Device, args: Any) -> Reply:
    """14: the Pro's white nightlight."""
    if not (dev.variant.has_nightlight and dev.state.faceplate_available):
        return FAIL
    if (values := int_args(args, (0, 1), (0, 100))) is None:
        return FAIL
    dev.change_nightlight(Nightlight(bool(values[0]), values[1]))
    return OK


def get_nightlight(dev: Device, _args: Any) -> Reply:
    """15: the Pro's white nightlight."""
    if not (dev.variant.has_nightlight and dev.state.faceplate_available):
        return FAIL
    return data(dev.state.nightlight.to_args())


def set_color_light(dev: Device, args: Any) -> Reply:
    """17: a colour array's static colour or effect."""
    if not (dev.variant.has_color and dev.state.faceplate_available):
        return FAIL
    if not isinstance(args, list) or not args or not is_int(args[0], 0, 255):
        return FAIL
    if (array := dev.state.color.get(args[0])) is None:
        return FAIL
    try:
        array.apply(args)
    except InvalidColorCommandError:
        return FAIL
    dev.push(Callback.COLOR, array.to_args())
    return OK


def get_color_light(dev: Device, args: Any) -> Reply:
    """18: one colour array."""
    if not dev.state.faceplate_available:
        return FAIL
    if not dev.variant.has_color:
        return data([])
    if (values := int_args(args, (0, 255))) is None:
        return FAIL
    if (array := dev.state.color.get(values[0])) is None:
        return FAIL
    return data(array.to_args())


HANDLERS: Final[dict[int, Handler]] = {
    Callback.GET_CONFIG: get_config,
    Callback.SET_CONFIG: set_config,
    Callback.GET_NAMES: get_names,
    Callback.SET_NAMES: set_names,
    Callback.RESTART: restart,
    Callback.RESET_NETWORK: restart,
    Callback.FACTORY_RESET: factory_reset,
    Callback.OUTLETS: get_outlets,
    Callback.SET_OUTLET: set_outlet,
    Callback.SENSORS: get_sensors,
    Callback.DEVICE_INFO: get_device_info,
    Callback.SET_NIGHTLIGHT: set_nightlight,
    Callback.NIGHTLIGHT: get_nightlight,
    Callback.SET_COLOR: set_color_light,
    Callback.COLOR: get_color_light,
    Callback.AVAILABLE_UPDATES: get_available_updates,
    Callback.PERFORM_UPDATE: perform_update,
    Callback.RESTART_FACEPLATE: restart_faceplate,
    Callback.RESET_FACEPLATE: reset_faceplate,
    Callback.CALIBRATE_OCCUPANCY: calibrate_occupancy,
    Callback.MQTT: mqtt,
    Callback.CALIBRATE_CLIMATE: calibrate_climate,
}
