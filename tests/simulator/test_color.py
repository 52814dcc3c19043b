"""Callbacks 17 and 18 on an Aura: LED-count rules, the seven modes, refusals."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.intecular.api.models import ColorLed, ColorLight
from custom_components.intecular.api.protocol import ColorMode
from simulator import SimulatedOutlet
from simulator.color import InvalidColorCommandError, default_arrays

from .conftest import Client, ClientFactory, SimFactory, args_of

HSV = [1, 60, [28, 85]]
TEMP = [1, 80, 2700]


@pytest.fixture
async def aura(make_sim: SimFactory) -> SimulatedOutlet:
    return await make_sim("aura")


@pytest.fixture
async def aura_client(aura: SimulatedOutlet, connect: ClientFactory) -> Client:
    return await connect(aura)


async def command(client: Client, args: list[Any]) -> list[Any] | None:
    """Send 17; on success return the 18 push that follows, else None."""
    reply = await client.request(17, args)
    if reply["PUBACK"] != 1:
        return None
    push = await client.push(18)
    fetched: list[Any] = args_of(await client.request(18, [args[0]]))
    assert args_of(push) == fetched
    return fetched


async def test_static_hsv_broadcast_and_per_led(aura_client: Client) -> None:
    state = await command(aura_client, [5, 1, [HSV]])
    assert state is not None
    assert state[:2] == [5, 1]
    assert state[2] == [[1, 60, [28, 85], 3000]] * 9  # one entry applies to every LED
    per_led = [[1, 10 * i, [40 * i, 50]] for i in range(9)]
    state = await command(aura_client, [5, 1, per_led])
    assert state is not None
    assert [entry[:3] for entry in state[2]] == per_led
    # the indicator has 7 LEDs
    assert await command(aura_client, [7, 1, per_led]) is None
    state = await command(aura_client, [7, 1, per_led[:7]])
    assert state is not None
    assert len(state[2]) == 7


async def test_fewer_entries_than_leds_change_the_first_leds(aura_client: Client) -> None:
    """protocol.md §11 item 39: the evidence sends fewer entries than the array has."""
    await command(aura_client, [5, 1, [HSV] * 9])
    state = await command(aura_client, [5, 1, [[1, 20, [200, 40]]] * 3])
    assert state is not None
    assert [e[:3] for e in state[2]] == [[1, 20, [200, 40]]] * 3 + [[1, 60, [28, 85]]] * 6
    state = await command(aura_client, [7, 2, [[1, 30, 2200], [0, 30, 6500]]])
    assert state is not None
    assert [(e[0], e[3]) for e in state[2]] == [(1, 2200), (0, 6500)] + [(1, 4000)] * 5


async def test_random_colours_ignore_the_colours_sent(aura_client: Client) -> None:
    """With random set an effect takes any number of colours, none included."""
    state = await command(aura_client, [5, 7, [HSV], 3, 1, 40])  # starry night: 1 colour
    assert state is not None
    assert state[1] == 7
    assert state[3:] == [3, 1, 40]
    state = await command(aura_client, [5, 3, [], 2, 1, 70])  # breathing: none at all
    assert state is not None
    assert state[2]  # the report keeps colours to show
    state = await command(aura_client, [5, 5, [HSV] * 12, 2, 1, 70])
    assert state is not None
    assert await command(aura_client, [5, 7, [HSV], 3, 0, 40]) is None  # not random: 2


async def test_static_temperature(aura_client: Client) -> None:
    state = await command(aura_client, [5, 2, [TEMP] * 9])
    assert state is not None
    assert state[1] == 2
    assert [(e[0], e[1], e[3]) for e in state[2]] == [(1, 80, 2700)] * 9
    # a single entry is not broadcast: only the first LED changes
    state = await command(aura_client, [5, 2, [[1, 20, 6500]]])
    assert state is not None
    assert [e[3] for e in state[2]] == [6500] + [2700] * 8
    assert [e[1] for e in state[2]] == [20] + [80] * 8
    # the full 18 form is accepted on 17 too
    state = await command(aura_client, [5, 2, [[1, 30, [10, 20], 4000]] * 9])
    assert state is not None
    assert state[2][0] == [1, 30, [10, 20], 4000]


@pytest.mark.parametrize(
    ("mode", "colors"),
    [
        (ColorMode.BREATHING, [[1, 90, [210, 100]], [1, 90, [300, 80]], [1, 90, [45, 100]]]),
        (ColorMode.STROBING, [[1, 100, [0, 100]]]),
        (ColorMode.COLOR_CYCLE, [[1, 70, [i * 40, 100]] for i in range(9)]),
        (ColorMode.RAINBOW, [[1, 50, [0, 100]], [1, 50, [180, 100]]]),
        (ColorMode.STARRY_NIGHT, [[1, 30, [240, 90]], [1, 100, [55, 20]]]),
    ],
)
async def test_effects_report_colours_as_sent(
    aura: SimulatedOutlet, aura_client: Client, mode: int, colors: list[Any]
) -> None:
    state = await command(aura_client, [5, mode, colors, 4, 0, 60])
    assert state is not None
    assert state[:2] == [5, mode]
    assert [entry[:3] for entry in state[2]] == colors
    assert all(len(entry) == 4 for entry in state[2])
    assert state[3:] == [4, 0, 60]
    light = aura.state.color[5].light
    assert light.color_mode == mode
    assert (light.speed, light.random, light.random_brightness) == (4, False, 60)


async def test_trailing_values_kept_when_omitted(aura_client: Client) -> None:
    await command(aura_client, [5, 3, [HSV], 6, 1, 20])
    state = await command(aura_client, [5, 1, [HSV]])
    assert state is not None
    assert state[3:] == [6, 1, 20]


async def test_turning_off(aura: SimulatedOutlet, aura_client: Client) -> None:
    await command(aura_client, [5, 1, [HSV]])
    assert aura.state.color[5].light.is_on
    state = await command(aura_client, [5, 1, [[0, 60, [28, 85]]] * 9])
    assert state is not None
    assert all(entry[0] == 0 for entry in state[2])
    assert not aura.state.color[5].light.is_on


INVALID_COMMANDS: list[Any] = [
    [6, 1, [HSV]],  # no such selector
    [5, 0, [HSV]],
    [5, 8, [HSV]],
    [5, 1, []],
    [5, 1, [HSV] * 10],  # static: at most one per LED
    [7, 1, [HSV] * 8],
    [5, 2, [TEMP] * 10],
    [5, 2, []],
    [5, 2, [HSV] * 9],  # temperature entries needed
    [5, 1, [TEMP] * 9],  # hue/saturation needed
    [5, 3, []],
    [5, 3, [HSV] * 10],
    [5, 7, [HSV]],  # starry night: exactly 2
    [5, 7, [HSV] * 3],
    [5, 1, [[1, 101, [0, 0]]]],
    [5, 1, [[2, 50, [0, 0]]]],
    [5, 1, [[1, 50, [361, 0]]]],
    [5, 1, [[1, 50, [0, 101]]]],
    [5, 1, [[1, 50, [0]]]],
    [5, 2, [[1, 50, 999]]],
    [5, 2, [[1, 50, 40001]]],
    [5, 1, [[1, 50]]],
    [5, 1, [[1, 50, [0, 0], 3000, 1]]],
    [5, 1, [[1, 50, 3000, [0, 0]]]],
    [5, 3, [HSV], 8],  # speed 0-7
    [5, 3, [HSV], 1, 2],  # random 0/1
    [5, 3, [HSV], 1, 0, 101],  # random brightness 0-100
    [5, 3, [HSV], 1, 0, 50, 1],
    [5, 3, [[1, 50, [0]]], 1, 1, 50],  # random colours are ignored, not unchecked
    [5, 1, [HSV] * 10, 1, 1, 50],  # random is for effects: a static count still counts
    [5, 1, HSV],
    [5, 1],
    [],
    "17",
    [True, 1, [HSV]],
]


async def test_invalid_commands_refused(aura: SimulatedOutlet, aura_client: Client) -> None:
    before = {sel: array.to_args() for sel, array in aura.state.color.items()}
    for args in INVALID_COMMANDS:
        assert await command(aura_client, args) is None, args
    assert {sel: array.to_args() for sel, array in aura.state.color.items()} == before
    assert await aura_client.pushes_before_next_reply() == []  # no 18 push


async def test_control_api_colour_change(aura: SimulatedOutlet, connect: ClientFactory) -> None:
    first, second = await connect(aura), await connect(aura)
    light = ColorLight(5, ColorMode.STATIC_TEMPERATURE, (ColorLed(True, 70, kelvin=2200),) * 9)
    await aura.set_color_light(light)
    for client in (first, second):
        pushed = args_of(await client.push(18))
        assert [e[3] for e in pushed[2]] == [2200] * 9
    with pytest.raises(ValueError, match="entries"):
        await aura.set_color_light(ColorLight(5, ColorMode.STARRY_NIGHT, (ColorLed(True, 5),)))


async def test_puback_on_push_quirk(make_sim: SimFactory, connect: ClientFactory) -> None:
    client = await connect(await make_sim("aura", puback_on_push=True))
    assert await command(client, [5, 1, [HSV]]) is not None
    await client.request(17, [5, 1, [HSV]])
    push = await client.push(18)
    assert push["PUBACK"] == 1


# --- properties: any command either applies fully or changes nothing -------------------

# mostly valid values, so both outcomes are common; edge cases have their own tests
_hs = st.tuples(st.integers(0, 360), st.integers(0, 100)).map(list)
_state = st.integers(0, 1)
_level = st.integers(0, 100)
_kelvin = st.integers(1000, 40000)
_good_entry = st.one_of(
    st.tuples(_state, _level, _hs).map(list),
    st.tuples(_state, _level, _kelvin).map(list),
    st.tuples(_state, _level, _hs, _kelvin).map(list),
)
_entry = st.one_of(
    _good_entry,
    st.lists(st.one_of(st.integers(), st.booleans(), st.text(max_size=2), st.none()), max_size=5),
)
_entry_lists = st.one_of(
    st.tuples(_good_entry, st.sampled_from([1, 2, 7, 9])).map(lambda t: [t[0]] * t[1]),
    st.lists(_entry, max_size=10),
    st.integers(),
)
_commands = st.tuples(
    st.sampled_from([5, 7]),
    st.integers(0, 8),
    _entry_lists,
    st.tuples(st.integers(0, 8), st.integers(0, 2), st.integers(0, 101)),
    st.integers(0, 3),
).map(lambda t: [t[0], t[1], t[2], *t[3][: t[4]]])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(args=_commands)
def test_random_commands_apply_fully_or_not_at_all(args: list[Any]) -> None:
    array = default_arrays()[args[0]]
    before = json.dumps(array.to_args())
    colors_before = len(array.colors) or 1  # an effect without colours shows the first LED's
    try:
        array.apply(args)
    except InvalidColorCommandError:
        assert json.dumps(array.to_args()) == before
        return
    reported = array.to_args()
    # what the device reports parses, and has the documented shape
    light = ColorLight.from_args(reported)
    assert light.mode == args[1]
    count = len(light.leds)
    if args[1] <= 2:
        assert count == array.selector.led_count
    else:  # random colours sent without any: the effect keeps the colours it had
        assert count == (len(args[2]) or colors_before)
    assert all(len(entry) == 4 for entry in reported[2])
    assert len(reported) == 6


async def test_random_commands_over_the_wire(aura: SimulatedOutlet, aura_client: Client) -> None:
    """A burst of hypothesis-generated commands never breaks the connection."""
    samples: list[list[Any]] = []

    @settings(max_examples=60, deadline=None, database=None)
    @given(args=_commands)
    def collect(args: list[Any]) -> None:
        samples.append(args)

    collect()
    for args in samples:
        reply = await aura_client.request(17, args)
        assert reply["PUBACK"] in (0, 1)
    assert (await aura_client.request(18, [5]))["PUBACK"] == 1
