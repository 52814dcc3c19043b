"""The live state of a simulated outlet, and the wire form of what it reports.

Everything a client can read or change lives here; ``SimulatedOutlet.state`` is
this object, so tests can inspect it directly. Reads from tests should treat it as
read-only: change the device through ``SimulatedOutlet`` so the pushes go out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
import random
from typing import Any, Final

from .color import ColorArray, default_arrays
from .identity import Identity
from .models import Nightlight, Outlets
from .options import Quirks, Variant
from .prefs import default_config
from .sensors import SensorBank
from .wire import OtaTarget

DEFAULT_NAMES: Final = {1: "Outlet 1", 2: "Outlet 2", 3: "Nightlight"}
NEWER_VERSIONS: Final = {"im": "2.5.0", "www": "1.3.0", "pm": "1.9.3"}


@dataclass(slots=True)
class Firmware:
    """Installed and newest firmware of every module."""

    im: str = "2.4.7"
    im_available: str = "2.4.7"
    www: str = "1.2.0"
    www_available: str = "1.2.0"
    pm: str = "1.9.2"
    pm_available: str = "1.9.2"
    radar: str = "3.1.0"

    @property
    def outlet_outdated(self) -> bool:
        """Whether the outlet's main or web firmware has a newer version."""
        return self.im != self.im_available or self.www != self.www_available

    @property
    def faceplate_outdated(self) -> bool:
        """Whether the faceplate firmware has a newer version."""
        return self.pm != self.pm_available

    def install_web(self) -> None:
        """The outlet now serves its newest web interface."""
        self.www = self.www_available

    def install_outlet(self) -> None:
        """The outlet now runs its newest firmware."""
        self.im, self.www = self.im_available, self.www_available

    def install_faceplate(self) -> None:
        """The faceplate now runs its newest firmware."""
        self.pm = self.pm_available


@dataclass(slots=True)
class FaceplateState:
    """Whether the faceplate is talking to the outlet."""

    online: bool = True
    """``PM.online``; False keeps the ``PM`` block but silences the faceplate."""

    restarting: bool = False
    """During a faceplate restart ``PM`` is absent from 12."""

    version_hidden: bool = False
    """Just back from a restart: its ``fw_rev`` reads blank in 12 and 20 for a while."""


@dataclass(slots=True)
class MqttState:
    """The outlet's simulated MQTT client."""

    connected_override: bool | None = None
    """None: connected iff MQTT is enabled and a broker URL is set."""

    discovery_published: bool = False
    """Whether the Home Assistant discovery payload is on the broker (27 commands 1/2)."""


class DeviceState:
    """Everything the simulated outlet knows."""

    def __init__(
        self, variant: Variant, identity: Identity, hw_rev: str, rng: random.Random
    ) -> None:
        """A device fresh from the factory."""
        self.variant = variant
        self.identity = identity
        self.hw_rev = hw_rev
        self.firmware = Firmware()
        self.faceplate = FaceplateState()
        self.mqtt = MqttState()
        self.sensors = SensorBank(variant, rng)
        self.online = True
        """False while the outlet reboots (connections are refused)."""
        self.boot_count = 0
        self.ota_target: OtaTarget | None = None
        """The module being updated, if any."""
        self.outlets = Outlets(False, False)
        self.nightlight = Nightlight(False, 35)
        self.color: dict[int, ColorArray] = {}
        self.config: dict[str, Any] = {}
        self.names: dict[int, str] = {}
        self.factory_reset()

    def factory_reset(self) -> None:
        """Defaults for everything a user can change (identity and firmware stay)."""
        self.outlets = Outlets(False, False)
        self.nightlight = Nightlight(False, 35)
        self.color = default_arrays() if self.variant.has_color else {}
        self.config = default_config(self.variant)
        self.names = {a: DEFAULT_NAMES[a] for a in self.variant.accessories}
        self.mqtt.discovery_published = False
        self.sensors.temperature_offset = self.sensors.humidity_offset = 0.0

    # --- derived facts ------------------------------------------------------------

    @property
    def faceplate_available(self) -> bool:
        """Whether the faceplate is attached, online and not restarting."""
        return (
            self.variant.has_faceplate and self.faceplate.online and not self.faceplate.restarting
        )

    @property
    def mqtt_connected(self) -> bool:
        """Whether the simulated broker connection is up."""
        if self.mqtt.connected_override is not None:
            return self.mqtt.connected_override
        mqtt = self.config["sys_prefs"]["mqtt"]
        return bool(mqtt["enabled"]) and bool(mqtt["mqtt_broker_url"])

    # --- wire forms ---------------------------------------------------------------

    def device_info_args(self, quirks: Quirks, *, degraded: bool = False) -> dict[str, Any]:
        """``callbackArgs`` of a 12 reply or push.

        ``degraded``: the faceplate is offline or just back and reports no name (
        "Unknown" while offline, "") and a blank ``fw_rev`` (protocol.md §11 item 36).
        """
        ident, fw = self.identity, self.firmware
        name = quirks.device_name
        info: dict[str, Any] = {
            "IM": {
                "sn": ident.serial,
                "MAC": ident.mac,
                "device": "InvisOutlet" if name is None else name,
                "hw_rev": self.hw_rev,
                "fw_rev": fw.im,
            }
        }
        if self.variant.has_faceplate and not self.faceplate.restarting and not quirks.pm_absent:
            pm: dict[str, Any] = {
                "online": self.faceplate.online,
                "sn": ident.faceplate_serial,
                "MAC": ident.faceplate_mac,
                "device": "InvisDeco" if name is None else name,
                "hw_rev": "1",
                "fw_rev": "" if self.faceplate.version_hidden else fw.pm,
            }
            if degraded:
                pm["device"] = "" if self.faceplate.online else "Unknown"
                pm["fw_rev"] = ""
            if (kind := self.variant.faceplate_type) is not None:
                pm["type"] = kind
            if self.variant.has_radar:
                pm["radar"] = {"fw_rev": fw.radar, "hw_type": "R2", "MAC": ident.radar_mac}
            info["PM"] = pm
        return info

    def available_updates_args(self) -> dict[str, Any]:
        """``callbackArgs`` of a 20 reply."""
        fw = self.firmware
        updates: dict[str, Any] = {
            "IM": {
                "fw_rev": fw.im,
                "available_fw_rev": fw.im_available,
                "www_fw_rev": fw.www,
                "available_www_fw_rev": fw.www_available,
            }
        }
        if self.variant.has_faceplate:
            installed = "" if self.faceplate.version_hidden else fw.pm
            updates["PM"] = {"fw_rev": installed, "available_fw_rev": fw.pm_available}
        return updates

    def names_args(self, quirks: Quirks) -> Any:
        """``callbackArgs`` of a 3 reply: bare list or the vendor's wrapper."""
        names = [{"accessory": a, "name": n} for a, n in sorted(self.names.items())]
        return {"payload": names} if quirks.names_shape == "wrapped" else names

    def sensor_args(self, quirks: Quirks) -> list[Any]:
        """``callbackArgs`` of an 11 reply or push."""
        as_strings = quirks.sensor_strings
        if as_strings is None:
            as_strings = self.variant is Variant.AURA
        return self.sensors.to_args(self.variant.sensor_device_type, as_strings=as_strings)

    def to_json(self) -> dict[str, Any]:
        """A JSON-friendly dump of the whole state (``GET /control/state``)."""
        sensors = self.sensors
        return {
            "variant": str(self.variant),
            "serial": self.identity.serial,
            "faceplate_serial": self.identity.faceplate_serial
            if self.variant.has_faceplate
            else None,
            "mac": self.identity.mac,
            "hw_rev": self.hw_rev,
            "online": self.online,
            "boot_count": self.boot_count,
            "outlets": self.outlets.to_args(),
            "nightlight": self.nightlight.to_args() if self.variant.has_nightlight else None,
            "color_lights": {str(sel): array.to_args() for sel, array in self.color.items()},
            "config": self.config,
            "names": {str(a): n for a, n in self.names.items()},
            "sensors": sensors.readings(),
            "calibration": {
                "temperature_offset": sensors.temperature_offset,
                "humidity_offset": sensors.humidity_offset,
                "occupancy_phase": sensors.occupancy_phase,
                "accuracy_reset": sensors.accuracy_reset,
            },
            "firmware": asdict(self.firmware),
            "ota_target": None if self.ota_target is None else int(self.ota_target),
            "faceplate": asdict(self.faceplate) if self.variant.has_faceplate else None,
            "mqtt": {
                "connected": self.mqtt_connected,
                "discovery_published": self.mqtt.discovery_published,
            },
        }
