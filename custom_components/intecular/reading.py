"""Reading the outlet: the essentials at load and reconnect, then the optional parts.

Loading and every reconnect wait only for what identifies the outlet and drives its
switches (``read_essentials``). The rest (names, sensors, the lights, MQTT status, and
the configuration when it was slow) is read by ``PartReader``, one part at a time in
the client's background lane, so a command never waits behind it. A part the outlet
does not answer, refuses or answers with something unreadable stays unknown: one info
line, details at debug, and it is asked again after 10 s, then less and less often
(up to every 10 minutes), never while the link is down. A push of that part fills it
just as well (the retry's answer then applies only if nothing newer came).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from enum import StrEnum
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback

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


async def read_essentials(
    client: IntecularClient, config_timeout: float, *, background: bool = False
) -> tuple[OutletInfo, Callable[[], Awaitable[tuple[OutletStates, DeviceConfig | None]]]]:
    """Read what identifies the outlet (12); the rest of the essentials follows on call.

    The caller checks the identity before asking for more: nothing else is read from
    (or applied of) an outlet that is not the expected one. The outlets (9) are needed;
    the configuration (1) only when it answers within ``config_timeout`` (None then).
    ``background``: a re-read nobody waits for (the client's background lane).
    """
    info = await client.get_device_info(background=background)

    async def rest() -> tuple[OutletStates, DeviceConfig | None]:
        outlets, config = await asyncio.gather(
            client.get_outlets(background=background),
            _within(lambda: client.get_config(background=background), config_timeout),
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

    ``config``: the configuration too (it was slow to answer with the essentials). Any
    faceplate is asked for every light it may have, whatever its kind: a plain
    InvisDeco (no type, no radar) may have the white nightlight, and what answers is
    what it has (``expected_parts`` tells which silence is news). What the faceplate's
    entities show live comes first; what real outlets are slow to answer or leave
    unanswered (the indicator array, MQTT status) comes last, so it holds up nothing
    in the background lane. A faceplate that is offline keeps its last readings (its
    entities unavailable); MQTT status is asked only while MQTT is on in the
    configuration.
    """
    fitted = FaceplateKind.fitted(state.info) is not None
    parts = [Part.SENSORS, Part.NIGHTLIGHT, Part.COLOR_LIGHT] if fitted else []
    parts += [Part.CONFIG, Part.NAMES] if config else [Part.NAMES]
    if fitted:
        parts.append(Part.INDICATOR_LIGHT)
    if state.mqtt_enabled:
        parts.append(Part.MQTT)
    return parts


# The lights each kind of faceplate is known to have; the others are asked for in case.
_KNOWN_LIGHTS: Final = {
    FaceplateKind.PRO: frozenset({Part.NIGHTLIGHT}),
    FaceplateKind.AURA: frozenset({Part.COLOR_LIGHT, Part.INDICATOR_LIGHT}),
}
_LIGHTS: Final = frozenset({Part.NIGHTLIGHT, Part.COLOR_LIGHT, Part.INDICATOR_LIGHT})


def expected_parts(state: DeviceState) -> frozenset[Part]:
    """The parts whose silence or refusal is news: the outlet has them.

    Every part but a light; of the lights those the faceplate's kind has, and any it
    reported before. A light the faceplate is only asked for in case may be refused or
    left unanswered: it then has none.
    """
    kind = FaceplateKind.of(state.faceplate)
    known = _KNOWN_LIGHTS.get(kind, frozenset()) if kind is not None else frozenset()
    reported = {part for part in _LIGHTS if getattr(state, part.value) is not None}
    return frozenset(set(Part) - _LIGHTS) | known | reported


async def read_part(client: IntecularClient, part: Part, *, background: bool = False) -> Any:
    """Ask the outlet for one part; raises what the client raises."""
    match part:
        case Part.CONFIG:
            return await client.get_config(background=background)
        case Part.NAMES:
            return await client.get_accessory_names(background=background)
        case Part.SENSORS:
            return await client.get_sensors(background=background)
        case Part.NIGHTLIGHT:
            return await client.get_nightlight(background=background)
        case Part.COLOR_LIGHT:
            return await client.get_color_light(LightSelector.NIGHTLIGHT, background=background)
        case Part.INDICATOR_LIGHT:
            return await client.get_color_light(LightSelector.INDICATOR, background=background)
        case Part.MQTT:
            return await client.check_mqtt(background=background)


def with_part(state: DeviceState, part: Part, value: Any) -> DeviceState:
    """The state with one part replaced (the same object when it is unchanged).

    Sensor readings read are a report of the faceplate's, like a push of them: its
    sensors are fresh again even when the readings did not change.
    """
    if part is Part.SENSORS:
        if state.sensors == value and state.sensors_fresh:
            return state
        return replace(state, sensors=value, sensors_fresh=True)
    if getattr(state, part.value) == value:
        return state
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
    """Reads the optional parts of one outlet and retries the ones that failed.

    It is handed the client and what it needs of the coordinator: ``mark()`` (the
    state's sequence number before a read is sent) and ``apply(part, value, since)``
    (the pipeline, which keeps a part that changed since then), ``due()``: the parts
    the outlet has now, or None while the link is down, and ``expected()``: the parts
    it is known to have (``expected_parts``; without it, every part). A part asked for
    in case that the outlet refuses or leaves unanswered is one it does not have (not
    asked again until the next full read: real outlets leave the indicator array of a
    faceplate without one unanswered, and each retry would hold the background lane for
    a whole timeout). Its reads take the client's background lane: they never hold up a
    command.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: IntecularClient,
        *,
        mark: Callable[[], int],
        apply: Callable[[Part, Any, int], None],
        due: Callable[[], list[Part] | None],
        expected: Callable[[], frozenset[Part]] | None = None,
    ) -> None:
        """Nothing is read until ``read()``."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._mark = mark
        self._apply = apply
        self._due = due
        self._expected = expected or (lambda: frozenset(Part))
        self.missing: set[Part] = set()
        self._logged: set[Part] = set()
        self._retry: asyncio.Task[None] | None = None

    async def read(self, parts: Iterable[Part]) -> None:
        """Read these parts now, one after another; a dropped link ends the pass."""
        for part in parts:
            if not await self._read(part):
                return

    @callback
    def read_soon(self, parts: Iterable[Part], *, tracked: bool = True) -> None:
        """Read these parts soon in a task of their own.

        ``tracked``: Home Assistant waits for it when it waits for its tasks (after a
        reconnect), for the parts the outlet is known to have; those asked for in case
        follow in the background (a real outlet may leave them unanswered, and nobody
        should wait for that). A re-read's parts are all background work.
        """
        name = f"{DOMAIN} parts {self._client.host}"
        parts = list(parts)
        if not tracked:
            self._entry.async_create_background_task(self._hass, self.read(parts), name)
            return
        expected = self._expected()
        known = [part for part in parts if part in expected]
        in_case = [part for part in parts if part not in expected]

        async def read_known_then_in_case() -> None:
            await self.read(known)
            if in_case:
                self._entry.async_create_background_task(self._hass, self.read(in_case), name)

        self._entry.async_create_task(self._hass, read_known_then_in_case(), name)

    async def _read(self, part: Part) -> bool:
        """Read one part and apply it; False when the link is gone."""
        client = self._client
        if not client.connected:
            self.missing.add(part)
            return False
        since = self._mark()
        try:
            value: Any = await read_part(client, part, background=True)
        except IntecularConnectionError as err:
            LOGGER.debug("Reading the %s of %s stopped: %s", part, self._entry.title, err)
            self.missing.add(part)
            return False
        except IntecularError as err:
            if part in self._expected():
                self._failed(part, err)
            else:  # asked in case: refused or unanswered, the faceplate has no such part
                self.missing.discard(part)
                LOGGER.debug("%s has no %s: %s", self._entry.title, _LABELS[part], err)
            return True
        self.missing.discard(part)
        if part in self._logged:
            self._logged.discard(part)
            LOGGER.info("%s answered for its %s again", self._entry.title, _LABELS[part])
        self._apply(part, value, since)
        return True

    @callback
    def _failed(self, part: Part, err: IntecularError) -> None:
        host = self._entry.title
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
            self._retry = self._entry.async_create_background_task(
                self._hass, self._retry_missing(), f"{DOMAIN} parts {host}"
            )

    async def _retry_missing(self) -> None:
        """Ask for the missing parts again, waiting longer each time, until all answered."""
        delay = PART_RETRY_FIRST
        while self.missing:
            await asyncio.sleep(delay)
            delay = min(delay * 2, PART_RETRY_MAX)
            if (wanted := self._due()) is None:
                continue  # the link is down: the reconnect reads every part anyway
            # the configuration may be missing although an older one is shown
            wanted = [Part.CONFIG, *wanted]
            self.missing.intersection_update(wanted)  # e.g. the faceplate went away
            await self.read([part for part in wanted if part in self.missing])

    def cancel(self) -> None:
        """Stop retrying (shutdown)."""
        if self._retry is not None:
            self._retry.cancel()
