"""Hypothesis strategies: valid callbackArgs of every callback, random JSON, mutated frames.

Also the settings the models' round-trip tests share (``ROUND_TRIPS``).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import settings, strategies as st

from custom_components.intecular.api import (
    AccessoryNames,
    ColorLed,
    ColorLight,
    Nightlight,
    OutletStates,
    SensorReadings,
)
from custom_components.intecular.api.sensors import RANGES, WIRE_KEYS

ROUND_TRIPS = settings(max_examples=100, deadline=None)

KNOWN_CALLBACKS = (1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 17, 18, 20, 21, 22, 23, 24, 25)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()  # NaN and infinities too: json.dumps writes them, json.loads reads them
    | st.text(max_size=12)
    | st.sampled_from(["1", "0", "1e400", "-inf", "nan", "12.5", "", "Unknown", "0x10"])
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=15,
)

percent = st.integers(min_value=0, max_value=100)

color_leds = st.builds(
    ColorLed,
    st.booleans(),
    percent,
    st.none() | st.integers(min_value=0, max_value=360),
    st.none() | percent,
    st.none() | st.integers(min_value=1000, max_value=40000),
)

color_lights = st.builds(
    ColorLight,
    st.sampled_from([5, 7]),
    st.integers(min_value=1, max_value=7),
    st.lists(color_leds, max_size=9).map(tuple),
    st.none() | st.integers(min_value=0, max_value=7),
    st.none() | st.booleans(),
    st.none() | percent,
)


def _reading(name: str, kind: str) -> st.SearchStrategy[Any]:
    """Any value the reading can truly have (``RANGES``)."""
    if kind == "flag":
        return st.booleans()
    low, high = RANGES[name]
    if kind == "int":
        return st.integers(int(low), min(int(high), 6))
    return st.integers(int(low), int(min(high, 100_000))) | st.floats(low, high)


sensor_readings = st.builds(
    SensorReadings,
    device_type=st.integers(0, 3),
    **{name: st.none() | _reading(name, kind) for name, kind in WIRE_KEYS.values()},
)

_serial = st.text("0123456789ABCDEF", min_size=1, max_size=11)
_module = st.fixed_dictionaries(
    {"sn": _serial},
    optional={
        "MAC": st.text(max_size=17),
        "device": st.sampled_from(["InvisOutlet", "InvisDeco", "", "Unknown"]),
        "hw_rev": st.text(max_size=4),
        "fw_rev": st.text(max_size=8),
    },
)
device_info_args = st.fixed_dictionaries(
    {"IM": _module},
    optional={
        "PM": _module.flatmap(
            lambda pm: st.fixed_dictionaries(
                {k: st.just(v) for k, v in pm.items()},
                optional={
                    "online": st.booleans() | st.sampled_from([0, 1]),
                    "type": st.sampled_from(["Aura", "Pro", ""]),
                    "radar": st.fixed_dictionaries(
                        {},
                        optional={
                            "fw_rev": st.text(max_size=6),
                            "fw_ver": st.text(max_size=6),
                            "hw_type": st.text(max_size=4),
                            "MAC": st.text(max_size=17),
                        },
                    ),
                },
            )
        )
    },
)
_versions = st.fixed_dictionaries(
    {},
    optional={
        key: st.text(max_size=8)
        for key in ("fw_rev", "available_fw_rev", "www_fw_rev", "available_www_fw_rev")
    },
)
available_updates_args = st.fixed_dictionaries({"IM": _versions}, optional={"PM": _versions})
_pref_key = st.text("abcdefgXYZ", min_size=1, max_size=8)
config_args = st.fixed_dictionaries(
    {},
    optional={
        "acc_prefs": st.dictionaries(
            _pref_key,
            st.integers(0, 100) | st.dictionaries(_pref_key, st.integers(0, 100), max_size=3),
            max_size=5,
        ),
        "sys_prefs": st.fixed_dictionaries(
            {},
            optional={
                "mqtt": st.fixed_dictionaries(
                    {},
                    optional={
                        "enabled": st.sampled_from([0, 1]),
                        "mqtt_broker_url": st.text(max_size=10),
                        "user": st.text(max_size=5),
                        "pass": st.text(max_size=5),
                        "qos": st.integers(0, 2),
                    },
                ),
                "internet": st.fixed_dictionaries(
                    {}, optional={k: st.text(max_size=8) for k in ("ip", "mainDNS", "backupDNS")}
                ),
            },
        ),
    },
)
names_args = st.builds(
    AccessoryNames, st.dictionaries(st.integers(1, 3), st.text(max_size=12), max_size=3)
).map(lambda names: names.to_args())

ota_pair = st.tuples(st.sampled_from([1, 2, 3]), st.integers(0, 100)).map(list)

VALID_ARGS: dict[int, st.SearchStrategy[Any]] = {
    1: config_args,
    3: names_args | names_args.map(lambda names: {"payload": names}),
    9: st.builds(OutletStates, st.booleans(), st.booleans()).map(lambda o: o.to_args()),
    11: st.tuples(sensor_readings, st.booleans()).map(lambda t: t[0].to_args(as_strings=t[1])),
    12: device_info_args,
    15: st.builds(Nightlight, st.booleans(), percent).map(lambda n: n.to_args()),
    18: color_lights.map(lambda light: light.to_args()),
    20: available_updates_args,
    21: ota_pair,
    22: ota_pair,
    23: ota_pair,
}


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with one random change somewhere inside it (or none)."""
    action = draw(st.integers(0, 9))
    if action == 0:
        return draw(json_values)  # replaced wholesale
    if action == 1 and isinstance(value, (int, float)) and not isinstance(value, bool):
        return draw(st.sampled_from([str(value), -value, value * 10**9, float(value), None]))
    if isinstance(value, list) and value:
        index = draw(st.integers(0, len(value) - 1))
        changed = list(value)
        if action == 2:
            del changed[index]
        elif action == 3:
            changed.insert(index, draw(json_values))
        else:
            changed[index] = draw(mutated(value[index]))
        return changed
    if isinstance(value, dict) and value:
        key = draw(st.sampled_from(sorted(value)))
        edited = dict(value)
        if action == 2:
            del edited[key]
        elif action == 3:
            edited[draw(st.text(max_size=6))] = draw(json_values)
        else:
            edited[key] = draw(mutated(value[key]))
        return edited
    return value


valid_pushes = st.sampled_from(sorted(VALID_ARGS)).flatmap(
    lambda callback: st.tuples(st.just(callback), VALID_ARGS[callback])
)
mutated_args = valid_pushes.flatmap(
    lambda pair: st.tuples(st.just(pair[0]), mutated(pair[1]) | mutated(pair[1]).flatmap(mutated))
)


@st.composite
def frames(draw: st.DrawFn) -> dict[str, Any]:
    """An outlet frame (reply or push) that is valid, nearly valid, or anything."""
    callback, args = draw(mutated_args)
    frame: dict[str, Any] = {
        "sn": "0019B2E7C4",
        "packetID": draw(st.integers(100_000, 999_999)),
        "payload": {
            "callbackName": draw(st.just(callback) | st.sampled_from(KNOWN_CALLBACKS)),
            "callbackArgs": args,
        },
    }
    if draw(st.booleans()):
        frame["PUBACK"] = 1
    return draw(mutated(frame) | st.just(frame))


texts = (
    frames().map(json.dumps)
    | json_values.map(json.dumps)
    | st.text(max_size=40)
    | st.sampled_from(["[" * 5000, '{"a":' * 3000, "{}", "null", '{"PUBACK": "1e400"}'])
)
raw_frames = texts | st.binary(max_size=40)
