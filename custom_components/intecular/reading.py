"""Reading the outlet: the essentials at load and reconnect, then the optional parts.

Loading and every reconnect wait only for what identifies the outlet and drives its
switches (``read_essentials``). The rest (names, sensors, the lights, MQTT status, and
the configuration when it was slow) is read by ``PartReader``, one part at a time so a
command always finds a free slot. A part the outlet does not answer, refuses or answers
with something unreadable stays unknown: one info line, details at debug, and it is
asked again after 10 s, then less and less often (up to every 10 minutes), never while
the link is down. A push of that part fills it just as well.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import callback

from .api import (
    DeviceConfig,
    IntecularClient,
    IntecularCommandRefusedError,
    IntecularConnectionError,
    IntecularError,
    IntecularProtocolError,
    IntecularTimeoutError,
    LightSelector,
    OutletInfo,
    OutletStates,
)
from .const import DOMAIN, LOGGER
from .state import DeviceState, FaceplateKind

if TYPE_CHECKING:
    from .coordinator import IntecularCoordinator


async def read_essentials(
    client: IntecularClient, config_timeout: float
) -> tuple[OutletInfo, Callable[[], Awaitable[tuple[OutletStates, DeviceConfig | None]]]]:
    """Read what identifies the outlet (12); the rest of the essentials follows on call.

    The caller checks the identity before asking for more: nothing else is read from
    (or applied of) an outlet that is not the expected one. The outlets (9) are needed;
    the configuration (1) only when it answers within ``config_timeout`` (None then).
    """
    info = await client.get_device_info()

    async def rest() -> tuple[OutletStates, DeviceConfig | None]:
        outlets, config = await asyncio.gather(
            client.get_outlets(), _within(client.get_config, config_timeout)
        )
        return outlets, config

    return info, rest


async def _within[T](read: Callable[[], Awaitable[T]], timeout: float) -> T | None:
    """A read that may be slow, refused or unreadable: None then (read again later)."""
    try:
        async with asyncio.timeout(timeout):
            return await read()
    except (
        TimeoutError,
        IntecularTimeoutError,
        IntecularCommandRefusedError,
        IntecularProtocolError,
    ):
        return None


class Part(StrEnum):
    """A part of the state that is read after loading; the outlet may not answer it.

    Each is the ``DeviceState`` field it fills. A part the outlet does not answer stays
    unknown (its entities unavailable or unknown) and is asked again later.
    """

    CONFIG = "config"
    NAMES = "names"
    SENSORS = "sensors"
    NIGHTLIGHT = "nightlight"
    COLOR_LIGHT = "color_light"
    INDICATOR_LIGHT = "indicator_light"
    MQTT = "mqtt_connected"


def parts_to_read(state: DeviceState, *, config: bool) -> list[Part]:
    """The optional parts this outlet has now, in the order they are read.

    ``config``: the configuration too (it was slow to answer with the essentials). A
    faceplate that is offline keeps its last readings (its entities unavailable); MQTT
    status is asked only while MQTT is on in the configuration.
    """
    kind = FaceplateKind.fitted(state.info)
    parts = [Part.CONFIG, Part.NAMES] if config else [Part.NAMES]
    if kind is not None:
        parts.append(Part.SENSORS)
    if kind is FaceplateKind.PRO:
        parts.append(Part.NIGHTLIGHT)
    if kind is FaceplateKind.AURA:
        parts += [Part.COLOR_LIGHT, Part.INDICATOR_LIGHT]
    if state.mqtt_enabled:
        parts.append(Part.MQTT)
    return parts


async def read_part(client: IntecularClient, part: Part) -> Any:
    """Ask the outlet for one part; raises what the client raises."""
    match part:
        case Part.CONFIG:
            return await client.get_config()
        case Part.NAMES:
            return await client.get_accessory_names()
        case Part.SENSORS:
            return await client.get_sensors()
        case Part.NIGHTLIGHT:
            return await client.get_nightlight()
        case Part.COLOR_LIGHT:
            return await client.get_color_light(LightSelector.NIGHTLIGHT)
        case Part.INDICATOR_LIGHT:
            return await client.get_color_light(LightSelector.INDICATOR)
        case Part.MQTT:
            return await client.check_mqtt()


def with_part(state: DeviceState, part: Part, value: Any) -> DeviceState:
    """The state with one part replaced (the same object when it is unchanged)."""
    if getattr(state, part.value) == value:
        return state
    if part is Part.SENSORS:
        return replace(state, sensors=value, sensors_fresh=True)
    changed: DeviceState = replace(state, **{part.value: value})
    return changed


PART_RETRY_FIRST: Final = 10.0
PART_RETRY_MAX: Final = 600.0

# How the log names each part, with its callback.
_LABELS: Final = {
    Part.CONFIG: "settings (1)",
    Part.NAMES: "names (3)",
    Part.SENSORS: "sensor readings (11)",
    Part.NIGHTLIGHT: "nightlight (15)",
    Part.COLOR_LIGHT: "colour light (18 [5])",
    Part.INDICATOR_LIGHT: "indicator light (18 [7])",
    Part.MQTT: "MQTT status (27)",
}


class PartReader:
    """Reads the optional parts of one outlet and retries the ones that failed."""

    def __init__(self, coordinator: IntecularCoordinator) -> None:
        """Nothing is read until ``read()``."""
        self._coordinator = coordinator
        self.missing: set[Part] = set()
        # How often each DeviceState field changed by a push or a write: a read of a
        # part that changed while it was under way is older than what is shown.
        self.changes: Counter[str] = Counter()
        self._logged: set[Part] = set()
        self._retry: asyncio.Task[None] | None = None

    async def read(self, parts: Iterable[Part]) -> None:
        """Read these parts now, one after another; a dropped link ends the pass."""
        for part in parts:
            if not await self._read(part):
                return

    @callback
    def read_soon(self, state: DeviceState, *, config: bool) -> None:
        """Read the parts ``state`` calls for (Home Assistant tracks the task).

        ``config``: the configuration too (it did not answer with the essentials).
        """
        coordinator = self._coordinator
        coordinator.config_entry.async_create_task(
            coordinator.hass,
            self.read(parts_to_read(state, config=config)),
            f"{DOMAIN} parts {coordinator.client.host}",
        )

    @callback
    def changed(self, fields: Iterable[str]) -> None:
        """These fields just changed (a push, a write, a read): count, stop asking."""
        fields = list(fields)
        self.changes.update(fields)
        self.missing.difference_update(Part(name) for name in fields if name in _PART_NAMES)

    @callback
    def token(self, part: Part) -> tuple[int, int]:
        """What a read of ``part`` must still match when it answers (see ``apply``)."""
        return (self._coordinator.client.generation, self.changes[part.value])

    @callback
    def apply(self, part: Part, token: tuple[int, int], value: Any) -> None:
        """Show what a read of one part found, unless it is older than what is shown.

        It is dropped when the link it came over is gone, or when the part changed
        (a push, a write) while the read was under way.
        """
        coordinator = self._coordinator
        if not coordinator.client.connected or token != self.token(part):
            LOGGER.debug("Dropped an outdated read of the %s of %s", part, coordinator.client.host)
            return
        if part is Part.SENSORS:
            coordinator.sensors_read()
        coordinator.async_update_state(lambda state: with_part(state, part, value))

    async def _read(self, part: Part) -> bool:
        """Read one part and apply it; False when the link is gone."""
        coordinator = self._coordinator
        client = coordinator.client
        if not client.connected:
            self.missing.add(part)
            return False
        token = self.token(part)
        try:
            value: Any = await read_part(client, part)
        except IntecularConnectionError as err:
            LOGGER.debug("Reading the %s of %s stopped: %s", part, client.host, err)
            self.missing.add(part)
            return False
        except IntecularError as err:
            self._failed(part, err)
            return True
        self.missing.discard(part)
        if part in self._logged:
            self._logged.discard(part)
            LOGGER.info("%s answered for its %s again", client.host, _LABELS[part])
        self.apply(part, token, value)
        return True

    @callback
    def _failed(self, part: Part, err: IntecularError) -> None:
        host = self._coordinator.client.host
        self.missing.add(part)
        if part not in self._logged:
            self._logged.add(part)
            LOGGER.info(
                "%s did not answer for its %s; shown as unknown, asked again later",
                host,
                _LABELS[part],
            )
        LOGGER.debug("Reading the %s of %s failed: %s", part, host, err)
        if self._retry is None or self._retry.done():
            coordinator = self._coordinator
            self._retry = coordinator.config_entry.async_create_background_task(
                coordinator.hass, self._retry_missing(), f"{DOMAIN} parts {host}"
            )

    async def _retry_missing(self) -> None:
        """Ask for the missing parts again, waiting longer each time, until all answered."""
        delay = PART_RETRY_FIRST
        while self.missing:
            await asyncio.sleep(delay)
            delay = min(delay * 2, PART_RETRY_MAX)
            coordinator = self._coordinator
            if not coordinator.link_ready:
                continue  # the reconnect reads every part anyway
            # the configuration may be missing although an older one is shown
            wanted = [Part.CONFIG, *parts_to_read(coordinator.data, config=False)]
            self.missing.intersection_update(wanted)  # e.g. the faceplate went away
            await self.read([part for part in wanted if part in self.missing])

    def cancel(self) -> None:
        """Stop retrying (shutdown)."""
        if self._retry is not None:
            self._retry.cancel()


_PART_NAMES: Final[frozenset[str]] = frozenset(part.value for part in Part)
