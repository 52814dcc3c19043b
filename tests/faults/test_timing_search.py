"""Timing found by search: a seeded storm of frame timings, then Home Assistant must agree.

For each seed a simulated outlet (a Pro or an Aura) holds back, reorders and now and
then answers too late, and drops its socket at random moments (``simulator.timing``),
while Home Assistant loads the entry, the user commands it (switches, the nightlight,
settings, now and then a firmware update or a reload) and the outlet changes by
itself (switched at the wall, sensors, the nightlight changed in the app, restart
announcements). Then the storm stops, everything settles, and every entity must show
what the outlet holds: first the ones the test can read off the simulator directly,
then every entity of the entry against a fresh load of the same outlet.

The seeds in ``CI_SEEDS`` run in the normal suite. Choose others, or many, with
``INTECULAR_TIMING_SEEDS`` ("17", "3,17,40", "1000-1999") or
``INTECULAR_TIMING_COUNT=N`` (N seeds from ``INTECULAR_TIMING_START``, default 1000);
``scripts/soak-timing N`` runs N seeds and lists the ones that fail. A failing seed
names itself in its message, with the line that replays it.

A seed fixes every random choice (the scenario, the commands, the outlet's own changes,
and the frame timings, drawn from ``random.Random(seed)`` inside the simulator); the
event loop still interleaves real sockets as it will, so a seed replays the same storm
over traffic that may differ a little from run to run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import os
import random
import time
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intecular.const import DOMAIN
from simulator import SimulatedOutlet
from tests.integration.common import SLUG

# Seeds run by the normal suite: both faceplates, slow optional reads, late replies, an
# update. On the core this test was written against, 11 and 25 (every run) and 17 (most
# runs) lose a push made during a loading's optional wait; 20, 23, 35 and 37 (some runs)
# let a command's late acknowledgement overwrite the outlet's newer push; 2 and 8 pass.
# (30 also found that: it now and then ends with the web interface's old version after
# an install interrupted by a reload loses its result frame, the lost-result case of the
# real-outlet issue; it rejoins this set when that is handled.)
CI_SEEDS: tuple[int, ...] = (2, 8, 11, 17, 20, 23, 25, 35, 37)
SOAK_START = 1000

SEEDS_VARIABLE = "INTECULAR_TIMING_SEEDS"
COUNT_VARIABLE = "INTECULAR_TIMING_COUNT"
START_VARIABLE = "INTECULAR_TIMING_START"

WAIT = 20.0
"""Bound of every wait here: above a request timeout (5 s) plus a late reply (6 s)."""
CONVERGE = 6.0
"""How long Home Assistant gets, once all is quiet, to show what the outlet holds."""
QUIET = 0.4
"""No request from Home Assistant for this long (and nothing held): the link is idle."""
LATE_REPLY_DELAY = 5.6
"""Just past the client's 5 s wait for a reply."""


def _parse_seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        if "-" in part[1:]:
            low, high = part.split("-", 1)
            seeds.extend(range(int(low), int(high) + 1))
        else:
            seeds.append(int(part))
    return seeds


def chosen_seeds() -> list[int]:
    """The seeds of this run: the environment's, or ``CI_SEEDS``."""
    if text := os.environ.get(SEEDS_VARIABLE, "").strip():
        return _parse_seeds(text)
    if count := os.environ.get(COUNT_VARIABLE, "").strip():
        start = int(os.environ.get(START_VARIABLE, SOAK_START))
        return list(range(start, start + int(count)))
    return list(CI_SEEDS)


def variant_of(seed: int) -> str:
    """Even seeds fit a Pro, odd ones an Aura."""
    return "pro" if seed % 2 == 0 else "aura"


# --- the scenario a seed stands for -----------------------------------------------------


@dataclass
class Scenario:
    """What one seed makes of the run."""

    seed: int
    variant: str
    knobs: dict[str, Any]
    slow_optional: bool
    """Optional reads go unanswered (27; the names 3 on a Pro, the indicator 18 [7] on an
    Aura), as on a real outlet: loading waits for them, which opens its longest window."""
    update: bool
    steps: int
    trace: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def draw(cls, seed: int) -> Scenario:
        """The scenario of ``seed`` (its own stream: the simulator draws from another)."""
        rng = random.Random(f"scenario:{seed}")
        knobs = {
            "timing_seed": seed,
            "reply_jitter": rng.choice((0.005, 0.02, 0.05)),
            "handle_jitter": rng.choice((0.0, 0.005, 0.02)),
            "reorder_rate": rng.choice((0.0, 0.3, 0.7)),
            "drop_rate": rng.choice((0.0, 0.01, 0.03)),
            "late_replies": 1 if rng.random() < 0.3 else 0,
            "late_reply_rate": 0.15,
            "late_reply_delay": LATE_REPLY_DELAY,
        }
        return cls(
            seed=seed,
            variant=variant_of(seed),
            knobs=knobs,
            slow_optional=rng.random() < 0.3,
            update=rng.random() < 0.4,
            steps=rng.randint(10, 25),
        )

    def note(self, what: str) -> None:
        """Keep what happened, for the failure message."""
        self.trace.append(f"{time.monotonic() - self.started:7.3f}  {what}")

    def describe(self) -> str:
        """The scenario in one line."""
        knobs = {k: v for k, v in self.knobs.items() if k != "timing_seed"}
        return (
            f"{self.variant}, {self.steps} steps, slow optional reads {self.slow_optional}, "
            f"update {self.update}, {knobs}"
        )


# --- entity ids ---------------------------------------------------------------------------


class Ids:
    """The entity ids of one outlet with this faceplate."""

    def __init__(self, variant: str) -> None:
        face = f"invisdeco_{variant}_e7c4"
        self.outlets = {1: f"switch.{SLUG}_outlet_1", 2: f"switch.{SLUG}_outlet_2"}
        self.nightlight = f"light.{face}_nightlight"
        self.touch_control = f"switch.{face}_touch_control"
        self.indicator_brightness = f"number.{face}_indicator_brightness"
        self.illuminance = f"sensor.{face}_illuminance"
        self.temperature = f"sensor.{face}_temperature" if variant == "pro" else None
        self.outlet_firmware = f"update.{SLUG}_firmware"


# --- what the outlet holds against what Home Assistant shows -----------------------------


def _state(hass: HomeAssistant, entity_id: str) -> Any:
    state = hass.states.get(entity_id)
    return None if state is None else state.state


def _number(text: Any) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def direct_differences(hass: HomeAssistant, sim: SimulatedOutlet, ids: Ids) -> list[str]:
    """Entities whose state can be read off the simulator and differ from it."""
    found: list[str] = []
    device = sim.state

    def check(entity_id: str, shown: Any, actual: Any) -> None:
        if shown != actual:
            found.append(f"{entity_id}: Home Assistant shows {shown!r}, the outlet has {actual!r}")

    def on_off(on: bool) -> str:
        return STATE_ON if on else STATE_OFF

    for number, entity_id in ids.outlets.items():
        check(entity_id, _state(hass, entity_id), on_off(device.outlets.is_on(number)))
    if device.faceplate_available:
        if sim.variant.has_nightlight:
            light_on = device.nightlight.on
        else:
            light_on = device.color[5].light.is_on
        check(ids.nightlight, _state(hass, ids.nightlight), on_off(light_on))
        if sim.variant.has_nightlight and light_on:
            shown = hass.states.get(ids.nightlight)
            percent = None if shown is None else shown.attributes.get("brightness")
            wanted = device.nightlight.brightness
            if percent is None or abs(percent * 100 / 255 - wanted) > 0.5:
                check(f"{ids.nightlight} brightness", percent, f"{wanted} %")
        readings = sim.sensor_args()[1]
        sensors = [(ids.illuminance, "lux"), (ids.temperature, "temp_celsius")]
        for entity_id, key in sensors:
            if entity_id is None or key not in readings:
                continue
            shown_value, actual = _number(_state(hass, entity_id)), _number(readings[key])
            if shown_value is None or actual is None or abs(shown_value - actual) > 0.01:
                check(entity_id, _state(hass, entity_id), readings[key])
    prefs = device.config["acc_prefs"]
    if "capacitiveCtrl" in prefs:
        check(
            ids.touch_control,
            _state(hass, ids.touch_control),
            on_off(bool(prefs["capacitiveCtrl"])),
        )
    if "pmIndicatorBrightness" in prefs:
        shown_value = _number(_state(hass, ids.indicator_brightness))
        if shown_value != prefs["pmIndicatorBrightness"]:
            check(
                ids.indicator_brightness,
                _state(hass, ids.indicator_brightness),
                prefs["pmIndicatorBrightness"],
            )
    firmware = hass.states.get(ids.outlet_firmware)
    installed = None if firmware is None else firmware.attributes.get("installed_version")
    # "2.4.7 (web 1.2.0)" once the update check answered, "2.4.7" before: the firmware's
    if installed is not None:
        installed = installed.partition(" (web ")[0]
    check(f"{ids.outlet_firmware} installed_version", installed, device.firmware.im)
    return found


VOLATILE = frozenset({"update_percentage", "in_progress"})
"""Attributes that may still move after the state settled."""


def entity_states(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """Every entity of the entry: its state and attributes."""
    registry = er.async_get(hass)
    shown: dict[str, Any] = {}
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        state = hass.states.get(entity.entity_id)
        if state is None:
            continue
        attributes = {k: v for k, v in state.attributes.items() if k not in VOLATILE}
        shown[entity.entity_id] = (state.state, attributes)
    return shown


# --- the storm ----------------------------------------------------------------------------


class Storm:
    """The user and the outlet, each doing things at random times."""

    def __init__(
        self, hass: HomeAssistant, sim: SimulatedOutlet, entry: MockConfigEntry, scenario: Scenario
    ) -> None:
        self.hass, self.sim, self.entry, self.scenario = hass, sim, entry, scenario
        self.ids = Ids(scenario.variant)
        self.rng = random.Random(f"storm:{scenario.seed}")
        self.commands: list[asyncio.Task[None]] = []
        self.problems: list[str] = []
        self.updated = False

    # the user, through Home Assistant's services

    async def _call(self, domain: str, service: str, data: dict[str, Any]) -> None:
        what = f"{domain}.{service} {data}"
        self.scenario.note(f"user: {what}")
        try:
            async with asyncio.timeout(WAIT):
                await self.hass.services.async_call(domain, service, data, blocking=True)
        except TimeoutError:
            self.problems.append(f"{what} still running after {WAIT} s")
        except HomeAssistantError as err:
            self.scenario.note(f"user: {what} -> {err.translation_key or err!r}")
            # ours, or Home Assistant's own for the entity's domain (an install before the
            # outlet said which firmware it offers: "no update available")
            if err.translation_domain not in (DOMAIN, domain, None) and "not found" not in str(err):
                self.problems.append(f"{what} raised an untranslated {err!r}")
        else:
            self.scenario.note(f"user: {what} done")

    def command(self) -> None:
        """A user command, left running while the storm goes on."""
        rng, ids = self.rng, self.ids
        kind = rng.randrange(6)
        on = rng.random() < 0.5
        if kind <= 1:
            call = ("switch", "turn_on" if on else "turn_off", {"entity_id": ids.outlets[kind + 1]})
        elif kind == 2:
            call = (
                "light",
                "turn_on",
                {"entity_id": ids.nightlight, "brightness": rng.randint(3, 255)},
            )
        elif kind == 3:
            call = ("light", "turn_off", {"entity_id": ids.nightlight})
        elif kind == 4:
            call = ("switch", "turn_on" if on else "turn_off", {"entity_id": ids.touch_control})
        else:
            value = rng.randint(1, 100)
            call = ("number", "set_value", {"entity_id": ids.indicator_brightness, "value": value})
        self.commands.append(asyncio.create_task(self._call(*call)))

    def install_update(self) -> None:
        """The outlet firmware update, once."""
        self.updated = True
        self.commands.append(
            asyncio.create_task(
                self._call("update", "install", {"entity_id": self.ids.outlet_firmware})
            )
        )

    async def reload(self) -> None:
        """The user reloads the entry: loading again, in the storm."""
        self.scenario.note("user: reload")
        try:
            async with asyncio.timeout(WAIT):
                await self.hass.config_entries.async_reload(self.entry.entry_id)
        except TimeoutError:
            self.problems.append(f"a reload still running after {WAIT} s")
        self.scenario.note(f"user: reload -> {self.entry.state}")

    # the outlet, by itself

    async def outlet_acts(self, *, drops: bool = True) -> None:
        """One change of the outlet's own: wall switch, app, sensors, a drop."""
        rng, sim = self.rng, self.sim
        kind = rng.randrange(11)
        if kind <= 2:
            outlet, on = rng.choice((1, 2)), rng.random() < 0.5
            self.scenario.note(f"outlet: switched at the wall: {outlet} {'on' if on else 'off'}")
            await sim.set_outlet(outlet, on)
        elif kind <= 4:
            if not sim.state.faceplate_available:
                return
            if sim.variant.has_nightlight:
                on, level = rng.random() < 0.5, rng.randint(1, 100)
                self.scenario.note(f"outlet: app sets the nightlight {on} {level}")
                await sim.set_nightlight(on, level)
            else:
                on, level, hue = rng.random() < 0.5, rng.randint(1, 100), rng.randrange(360)
                self.scenario.note(f"outlet: app sets the colour light {on} {level} {hue}")
                await sim.set_color_light([5, 1, [[int(on), level, [hue, 100]]]])
        elif kind <= 6:
            if not sim.state.faceplate_available:
                return
            key = "temp_celsius" if sim.variant.has_climate and rng.random() < 0.5 else "lux"
            value = round(rng.uniform(15, 30) if key == "temp_celsius" else rng.uniform(0, 900), 2)
            self.scenario.note(f"outlet: sensor {key} {value}")
            await sim.set_sensor(key, value)
        elif kind == 7:
            self.scenario.note("outlet: announces a restart (12)")
            sim.push_device_info()
        elif kind == 8 and drops:
            self.scenario.note("outlet: drops the socket")
            await sim.drop_connections()
        elif kind == 9 and sim.state.faceplate_available:
            self.scenario.note("outlet: the faceplate restarts")
            await sim.restart_faceplate(rng.uniform(0.05, 0.3))

    # episodes: an action and changes timed into the window it opens

    async def command_then_change(self) -> None:
        """A command, and the outlet changing the same thing back around its reply."""
        rng, sim, ids = self.rng, self.sim, self.ids
        on = rng.random() < 0.5
        if rng.random() < 0.6 or not sim.state.faceplate_available:
            outlet = rng.choice((1, 2))
            call = ("switch", "turn_on" if on else "turn_off", {"entity_id": ids.outlets[outlet]})
            self.commands.append(asyncio.create_task(self._call(*call)))
            await self.pause(0.06)
            self.scenario.note(f"outlet: switched back at the wall: {outlet} {not on}")
            await sim.set_outlet(outlet, not on)
            return
        service = "turn_on" if on else "turn_off"
        self.commands.append(
            asyncio.create_task(self._call("light", service, {"entity_id": ids.nightlight}))
        )
        await self.pause(0.06)
        self.scenario.note(f"outlet: the app sets the nightlight back: {not on}")
        if sim.variant.has_nightlight:
            await sim.set_nightlight(not on)
        else:
            await sim.set_color_light([5, 1, [[int(not on), 60, [200, 100]]]])

    async def reload_with_changes(self) -> None:
        """A reload, and the outlet changing while it loads."""
        self.scenario.note("user: reload")
        task = asyncio.ensure_future(self.hass.config_entries.async_reload(self.entry.entry_id))
        await self.changes_during(task)
        self.scenario.note(f"user: reload -> {self.entry.state}")

    async def window_with_changes(self) -> None:
        """A drop or a restart announcement, and changes during the re-read it causes."""
        if self.rng.random() < 0.5:
            self.scenario.note("outlet: drops the socket")
            await self.sim.drop_connections()
        else:
            self.scenario.note("outlet: announces a restart (12)")
            self.sim.push_device_info()
        for _ in range(self.rng.randint(1, 3)):
            await self.pause(0.03)
            await self.outlet_acts(drops=False)

    async def episode(self) -> None:
        """One of the episodes, chosen at random."""
        roll = self.rng.random()
        if roll < 0.4:
            await self.command_then_change()
        elif roll < 0.7:
            await self.window_with_changes()
        else:
            await self.reload_with_changes()

    async def changes_during(self, task: asyncio.Future[Any], *, drops: bool = False) -> None:
        """A drawn number of the outlet's changes at drawn moments while ``task`` runs
        (most fall into a loading's optional wait), then ``task``'s end.

        The number is drawn, not "until done": how long a loading takes varies from run
        to run, and the draws that follow must not.
        """
        for _ in range(self.rng.randint(1, 5)):
            await self.pause(0.6)
            await self.outlet_acts(drops=drops)
        async with asyncio.timeout(WAIT):
            await task

    async def pause(self, longest: float = 0.04) -> None:
        """Let the frames fly a little."""
        await asyncio.sleep(self.rng.uniform(0, longest))


async def _until(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    try:
        async with asyncio.timeout(timeout):
            while not condition():  # noqa: ASYNC110 - plain attributes
                await asyncio.sleep(0.005)
    except TimeoutError:
        raise AssertionError(f"still waiting after {timeout} s for {what}") from None


async def _quiet(hass: HomeAssistant, sim: SimulatedOutlet) -> None:
    """Nothing held, a client connected, and no request for ``QUIET`` seconds."""
    async with asyncio.timeout(WAIT):
        while True:
            await _until(lambda: sim.frames_held == 0, "the held frames to go out")
            await _until(lambda: sim.connection_count > 0, "Home Assistant to reconnect")
            await hass.async_block_till_done()
            seen = len(sim.requests), sim.total_connections
            await asyncio.sleep(QUIET)
            await hass.async_block_till_done()
            if (len(sim.requests), sim.total_connections) == seen and sim.frames_held == 0:
                return


async def _load(storm: Storm) -> None:
    """Set the entry up while the outlet changes by itself; retry as the user would."""
    hass, entry, scenario = storm.hass, storm.entry, storm.scenario
    for attempt in range(1, 6):
        if entry.state is ConfigEntryState.NOT_LOADED:
            setup: Awaitable[Any] = hass.config_entries.async_setup(entry.entry_id)
        else:  # waiting for a retry: the user reloads now
            setup = hass.config_entries.async_reload(entry.entry_id)
        scenario.note(f"user: load, attempt {attempt}")
        await storm.changes_during(asyncio.ensure_future(setup), drops=attempt == 1)
        scenario.note(f"user: load -> {entry.state}")
        if entry.state is ConfigEntryState.LOADED:
            return


def _failure(scenario: Scenario, title: str, lines: list[str]) -> str:
    trace = "\n    ".join(scenario.trace[-40:])
    details = "\n  ".join(lines)
    return (
        f"seed {scenario.seed}: {title}\n  {details}\n"
        f"  scenario: {scenario.describe()}\n"
        f"  last events:\n    {trace}\n"
        f"replay with {SEEDS_VARIABLE}={scenario.seed}"
    )


@pytest.mark.usefixtures("enable_all", "fast_reconnect")
@pytest.mark.parametrize(
    ("seed", "variant"),
    [pytest.param(seed, variant_of(seed), id=f"seed-{seed}") for seed in chosen_seeds()],
)
async def test_timing_search(
    hass: HomeAssistant,
    simulator: SimulatedOutlet,
    config_entry: MockConfigEntry,
    seed: int,
    variant: str,
) -> None:
    """Whatever the frame timing did, once it is over Home Assistant shows the outlet."""
    scenario = Scenario.draw(seed)
    assert scenario.variant == variant
    sim = simulator
    if scenario.slow_optional:
        sim.set_knob("unanswered", ["27", "18/7"] if variant == "aura" else ["27", "3"])
    if scenario.update:
        sim.set_available_versions(im="2.5.0", www="1.3.0")
    for name, value in scenario.knobs.items():
        sim.set_knob(name, value)
    config_entry.add_to_hass(hass)
    storm = Storm(hass, sim, config_entry, scenario)

    # loading, in the storm
    await _load(storm)

    # commands, the outlet's own changes, drops, a reload, an update
    for _ in range(scenario.steps):
        if config_entry.state is not ConfigEntryState.LOADED:
            await _load(storm)
        roll = storm.rng.random()
        if roll < 0.35:
            storm.command()
        elif roll < 0.7:
            await storm.outlet_acts()
        elif roll < 0.75 and scenario.update and not storm.updated:
            storm.install_update()
        elif roll < 0.97:
            await storm.episode()
        else:
            await storm.reload()
        await storm.pause()
    # the last thing before the storm stops: changes nothing comes after to cover up
    if config_entry.state is ConfigEntryState.LOADED:
        await storm.episode()

    # the storm stops; what was started finishes; all goes quiet
    scenario.note("the storm stops")
    for name in ("reply_jitter", "handle_jitter", "reorder_rate", "drop_rate"):
        sim.set_knob(name, 0.0)
    sim.set_knob("late_replies", 0)
    async with asyncio.timeout(WAIT * 2):
        await asyncio.gather(*storm.commands)
        await sim.wait_idle()
    if config_entry.state is not ConfigEntryState.LOADED:
        await _load(storm)
    assert config_entry.state is ConfigEntryState.LOADED, _failure(
        scenario, "the entry does not load once the storm is over", [str(config_entry.state)]
    )
    await _quiet(hass, sim)
    assert not storm.problems, _failure(scenario, "commands misbehaved", storm.problems)

    # every entity the test can read off the outlet
    ids = storm.ids
    try:
        await _until(lambda: not direct_differences(hass, sim, ids), "agreement", CONVERGE)
    except AssertionError:
        found = direct_differences(hass, sim, ids)
        if found:
            pytest.fail(_failure(scenario, "Home Assistant differs from the outlet", found))

    # every entity of the entry, against a fresh load of the same outlet
    shown = entity_states(hass, config_entry)
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await _quiet(hass, sim)
    fresh = entity_states(hass, config_entry)
    stale = [
        f"{entity_id}: Home Assistant showed {shown.get(entity_id)!r}, a fresh load shows {now!r}"
        for entity_id, now in sorted(fresh.items())
        if shown.get(entity_id) != now and now[0] not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
    ]
    assert not stale, _failure(scenario, "Home Assistant differs from a fresh load", stale)
