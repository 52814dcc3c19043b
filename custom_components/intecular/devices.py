"""The outlet and its faceplate in the device registry."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.typing import UNDEFINED, UndefinedType

from .api import DEFAULT_PORT, FaceplateInfo, ModuleInfo, OutletInfo, address
from .compat import get_device, via_parent
from .const import CONF_FACEPLATE, DOMAIN, FACEPLATE_MODEL, MANUFACTURER, OUTLET_MODEL
from .state import FaceplateKind

_FACEPLATE_MODELS = {
    FaceplateKind.PRO: f"{FACEPLATE_MODEL} Pro",
    FaceplateKind.AURA: f"{FACEPLATE_MODEL} Aura",
    FaceplateKind.BASIC: FACEPLATE_MODEL,
}


def configuration_url(entry: ConfigEntry) -> str:
    """The outlet's own web page."""
    return f"http://{address(entry.data[CONF_HOST], entry.data.get(CONF_PORT, DEFAULT_PORT))}"


def _revision(value: str | None) -> str | UndefinedType:
    """A version as the registry takes it: a blank one (None) leaves the stored one.

    A module down or just back reports blank versions (protocol.md §11 item 36): the
    registry keeps the last good ones then, as it keeps the name and the model.
    """
    return UNDEFINED if value is None else value


def _add_revisions(info: DeviceInfo, module: ModuleInfo) -> DeviceInfo:
    """``info`` with the module's versions, those it reports."""
    if module.fw_rev is not None:
        info["sw_version"] = module.fw_rev
    if module.hw_rev is not None:
        info["hw_version"] = module.hw_rev
    return info


def outlet_device_info(entry: ConfigEntry, outlet: ModuleInfo) -> DeviceInfo:
    """The outlet module as a device."""
    info = DeviceInfo(
        identifiers={(DOMAIN, outlet.serial)},
        manufacturer=MANUFACTURER,
        model=outlet.model or OUTLET_MODEL,
        name=entry.title,
        serial_number=outlet.serial,
        configuration_url=configuration_url(entry),
    )
    _add_revisions(info, outlet)
    if outlet.mac:
        info["connections"] = {(dr.CONNECTION_NETWORK_MAC, dr.format_mac(outlet.mac))}
    return info


def faceplate_model(faceplate: FaceplateInfo) -> str:
    """Marketing name of a faceplate: InvisDeco Pro, InvisDeco Aura or InvisDeco."""
    kind = FaceplateKind.of(faceplate) or FaceplateKind.BASIC
    return _FACEPLATE_MODELS[kind]


def faceplate_device_info(
    outlet_serial: str, faceplate: FaceplateInfo | None, kind: FaceplateKind | None
) -> DeviceInfo:
    """The faceplate as a device (``async_register_devices`` attaches it to the outlet).

    Its identifier belongs to the outlet's faceplate slot, not to one faceplate: a
    swapped faceplate keeps the device (and the user's entities, areas and names),
    and so does a faceplate that is offline while Home Assistant starts. Its own
    serial number is shown as the device's serial.
    """
    model = _FACEPLATE_MODELS[kind or FaceplateKind.BASIC]
    info = DeviceInfo(
        identifiers={(DOMAIN, faceplate_identifier(outlet_serial))},
        manufacturer=MANUFACTURER,
        model=model,
        name=f"{model} {outlet_serial[-4:]}",
    )
    if faceplate is not None:
        info["serial_number"] = faceplate.serial
        _add_revisions(info, faceplate)
        if faceplate.mac:
            info["connections"] = {(dr.CONNECTION_NETWORK_MAC, dr.format_mac(faceplate.mac))}
    return info


def device_name(hass: HomeAssistant, entry: ConfigEntry, identifier: str) -> str | None:
    """The name Home Assistant shows for one of the entry's devices (the user's, if any)."""
    device = get_device(dr.async_get(hass), (DOMAIN, identifier), entry.entry_id)
    if device is None:
        return None
    return device.name_by_user or device.name


def faceplate_identifier(outlet_serial: str) -> str:
    """Registry identifier of the faceplate fitted to an outlet."""
    return f"{outlet_serial}_faceplate"


@callback
def async_register_devices(hass: HomeAssistant, entry: ConfigEntry, info: OutletInfo) -> None:
    """Create the outlet's device, and its faceplate's when it has or had one."""
    registry = dr.async_get(hass)
    outlet = registry.async_get_or_create(
        config_entry_id=entry.entry_id, **outlet_device_info(entry, info.outlet)
    )
    kind = FaceplateKind.fitted(info) or entry.data.get(CONF_FACEPLATE)
    if kind is not None:
        registry.async_get_or_create(
            config_entry_id=entry.entry_id,
            **faceplate_device_info(info.outlet.serial, info.faceplate, FaceplateKind(kind)),
            **via_parent(outlet, (DOMAIN, info.outlet.serial)),
        )


@callback
def async_sync_devices(
    hass: HomeAssistant, entry: ConfigEntry, old: OutletInfo, new: OutletInfo
) -> None:
    """Keep firmware versions and a swapped faceplate's serial current in the registry.

    A version the module reports blank (down, just back) leaves the last good one.
    """
    registry = dr.async_get(hass)
    serial = new.outlet.serial
    if (old.outlet.fw_rev, old.outlet.hw_rev) != (new.outlet.fw_rev, new.outlet.hw_rev) and (
        device := get_device(registry, (DOMAIN, serial), entry.entry_id)
    ):
        registry.async_update_device(
            device.id,
            sw_version=_revision(new.outlet.fw_rev),
            hw_version=_revision(new.outlet.hw_rev),
        )
    face = new.faceplate
    if face is None or face == old.faceplate:
        return
    if device := get_device(registry, (DOMAIN, faceplate_identifier(serial)), entry.entry_id):
        # another faceplate was fitted: the last one's versions are not its own
        swapped = device.serial_number != face.serial
        registry.async_update_device(
            device.id,
            model=faceplate_model(face),
            serial_number=face.serial,
            sw_version=face.fw_rev if swapped else _revision(face.fw_rev),
            hw_version=face.hw_rev if swapped else _revision(face.hw_rev),
        )


@callback
def async_update_configuration_url(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Point the outlet's device at its web page at the entry's (new) address."""
    registry = dr.async_get(hass)
    if entry.unique_id and (
        device := get_device(registry, (DOMAIN, entry.unique_id), entry.entry_id)
    ):
        registry.async_update_device(device.id, configuration_url=configuration_url(entry))
