"""Home Assistant API differences between the oldest release we support and the newest.

Newer releases renamed a few things and log the old names as deprecated ("will stop
working in Home Assistant 2027.x"); 2025.4 knows only the old names. Everything that has
to tell the two apart lives here, so the rest of the integration has one spelling.
Coverage is measured on 2025.4, hence ``no cover`` on the newer releases' branches;
``getattr`` keeps mypy (checked against 2025.4) quiet about the names it lacks.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant import const
from homeassistant.helpers import device_registry as dr

# ppm: ``UnitOfRatio.PARTS_PER_MILLION`` from 2025.11 on (the old constant is deprecated).
# Read through getattr so the deprecated name is never touched where the new one exists
# (and the types stay those of 2025.4, which mypy checks against).
PARTS_PER_MILLION: Final[str] = (
    getattr(const, "UnitOfRatio").PARTS_PER_MILLION  # noqa: B009  # pragma: no cover
    if hasattr(const, "UnitOfRatio")
    else const.CONCENTRATION_PARTS_PER_MILLION
)

# Devices name their parent by id (``via_device_id``) and are looked up by one identifier
# within one config entry; older releases know only ``via_device`` and ``async_get_device``.
NEW_DEVICE_REGISTRY: Final = hasattr(dr.DeviceRegistry, "async_get_device_by_identifier")


def via_parent(parent: dr.DeviceEntry, identifier: tuple[str, str]) -> dict[str, Any]:
    """``async_get_or_create`` keywords that attach a device to ``parent`` (``identifier``)."""
    if NEW_DEVICE_REGISTRY:  # pragma: no cover - newer releases
        return {"via_device_id": parent.id}
    return {"via_device": identifier}


def get_device(
    registry: dr.DeviceRegistry, identifier: tuple[str, str], config_entry_id: str
) -> dr.DeviceEntry | None:
    """The config entry's device with this identifier."""
    if NEW_DEVICE_REGISTRY:  # pragma: no cover - newer releases
        found: dr.DeviceEntry | None = getattr(registry, "async_get_device_by_identifier")(  # noqa: B009
            identifier, config_entry_id
        )
        return found
    device = registry.async_get_device(identifiers={identifier})
    if device is None or config_entry_id not in device.config_entries:
        return None
    return device


def device_config_entry_ids(device: dr.DeviceEntry) -> list[str]:
    """The config entries a device belongs to (exactly one on newer releases)."""
    if NEW_DEVICE_REGISTRY:  # pragma: no cover - newer releases
        entry_id: str | None = getattr(device, "config_entry_id", None)
        return [] if entry_id is None else [entry_id]
    return sorted(device.config_entries)
