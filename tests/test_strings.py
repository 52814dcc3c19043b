"""strings.json and translations/en.json keep Home Assistant's translation rules.

These are the rules hassfest (Home Assistant's validator, also run by the HACS action)
applies to every integration's strings; a file breaking one is rejected there, and the
string may not show at all. Written out here so a broken string fails our own suite.
"""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import re
import string
from typing import Any

import pytest

COMPONENT = Path(__file__).resolve().parents[1] / "custom_components" / "intecular"
FILES = [COMPONENT / "strings.json", COMPONENT / "translations" / "en.json"]

# A key: lowercase letters, digits, "-" and "_", neither first, last nor two in a row.
KEY = re.compile(r"^(?![-_])(?!.*[-_]{2})[a-z0-9_-]+(?<![-_])$")
HTML = re.compile(r"<[a-z/!][^>]*>", re.IGNORECASE)
URL = re.compile(
    r"((ftp|ftps|scp|https?|mqtts?|socket|socks5)://|www\.)[a-z0-9]+([-.][a-z0-9]+)*\.[a-z]{2,5}",
    re.IGNORECASE,
)
QUOTED_PLACEHOLDER = re.compile(r"'\{\w+\}'")
# Combining a reference with other text: "[%key:...%]" must be the whole string.
COMBINED_REFERENCE = re.compile(r"(.+\[%)|(%\].+)")
# Flow steps: what the user types in; the keys of "data" are the form's field names.
FLOWS = ("config", "options")

Path_ = tuple[str, ...]


def _strings(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    else:
        yield path, node


def _keys(node: Any, path: Path_ = ()) -> Iterator[Path_]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key)
            yield from _keys(value, (*path, key))


def _placeholders(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def _no_placeholders_allowed(path: Path_) -> bool:
    """Entity states, state attributes (name and states) and units: shown as they are."""
    if len(path) < 4 or path[0] != "entity":
        return False
    kind = path[3]
    return kind in ("state", "state_attributes", "unit_of_measurement")


def problems(strings: dict[str, Any]) -> list[str]:
    """Every rule the strings break, one line each (empty when they keep them all)."""
    found: list[str] = []
    for path in _keys(strings):
        # Field names of a flow's form are free text; every other key is a slug.
        in_form = len(path) >= 5 and path[0] in FLOWS and path[3] in ("data", "data_description")
        if not in_form and not KEY.match(path[-1]):
            found.append(f"{'.'.join(path)}: key is not [a-z0-9-_] (or starts/ends/doubles -_)")
    for path, text in _strings(strings):
        where = ".".join(path)
        if not isinstance(text, str):
            found.append(f"{where}: not a string")
            continue
        if HTML.search(text):
            found.append(f"{where}: contains HTML")
        if URL.search(text):
            found.append(f"{where}: contains a URL (use a description placeholder)")
        if text != text.strip():
            found.append(f"{where}: leading or trailing whitespace")
        if QUOTED_PLACEHOLDER.search(text):
            found.append(f"{where}: placeholder in single quotes")
        if COMBINED_REFERENCE.search(text):
            found.append(f"{where}: a reference combined with other text")
        try:
            names = _placeholders(text)
        except ValueError as err:
            found.append(f"{where}: broken placeholder ({err})")
            continue
        found.extend(
            f"{where}: placeholder {{{name}}} is not an identifier"
            for name in names
            if not name.isidentifier()
        )
        if names and _no_placeholders_allowed(path):
            found.append(f"{where}: placeholders are not allowed in entity states/units")
    flows = [(flow, strings.get(flow, {})) for flow in FLOWS] + [
        (f"issues.{issue_id}.fix_flow", issue.get("fix_flow", {}))
        for issue_id, issue in strings.get("issues", {}).items()
    ]
    found.extend(
        f"{where}.step.{step_id}.data_description.{key}: not in data"
        for where, flow in flows
        for step_id, step in flow.get("step", {}).items()
        for key in step.get("data_description", {})
        if key not in step.get("data", {})
    )
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_strings_keep_the_translation_rules(path: Path) -> None:
    assert problems(json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(
    ("strings", "rule"),
    [
        ({"entity": {"update": {"fw": {"state_attributes": {"a": {"state": {"x": "{v}"}}}}}}},
         "not allowed in entity states"),
        ({"entity": {"sensor": {"s": {"state": {"on": "On {when}"}}}}}, "not allowed"),
        ({"entity": {"sensor": {"s": {"unit_of_measurement": "{u}/h"}}}}, "not allowed"),
        ({"exceptions": {"e": {"message": "See <b>this</b>"}}}, "HTML"),
        ({"exceptions": {"e": {"message": "See https://example.com/help"}}}, "URL"),
        ({"exceptions": {"e": {"message": "Failed "}}}, "whitespace"),
        ({"exceptions": {"e": {"message": "Device '{name}' failed"}}}, "single quotes"),
        ({"exceptions": {"e": {"message": "Failed at {0}"}}}, "not an identifier"),
        ({"exceptions": {"Bad_Key": {"message": "x"}}}, "key is not"),
        ({"exceptions": {"bad__key": {"message": "x"}}}, "key is not"),
        ({"exceptions": {"bad_key_": {"message": "x"}}}, "key is not"),
        ({"config": {"step": {"user": {"data": {"host": "Host"},
                                        "data_description": {"port": "Its port"}}}}},
         "not in data"),
        ({"exceptions": {"e": {"message": "[%key:common::x%] more"}}}, "reference"),
    ],
)  # fmt: skip
def test_each_rule_is_checked(strings: dict[str, Any], rule: str) -> None:
    """The checks themselves can fail: each rule catches a string that breaks it."""
    found = problems(strings)
    assert len(found) == 1
    assert rule in found[0]


# The longest name the device page shows whole, at 390 px as at 1280 px: longer ones are
# cut off ("Away simulation maximum brightnes…").
NAME_LIMIT = 28
# What a placeholder in a name stands for: the socket number, one digit.
PLACEHOLDER = re.compile(r"\{\w+\}")


def long_names(strings: dict[str, Any]) -> list[str]:
    """Every entity name longer than the device page shows, as it is shown."""
    return [
        f"entity.{platform}.{key}: {shown!r} ({len(shown)} characters)"
        for platform, entities in strings.get("entity", {}).items()
        for key, entity in entities.items()
        if len(shown := PLACEHOLDER.sub("1", entity.get("name", ""))) > NAME_LIMIT
    ]


def test_entity_names_fit_the_device_page() -> None:
    strings = json.loads(FILES[0].read_text(encoding="utf-8"))
    assert long_names(strings) == []
    assert len(strings["entity"]["sensor"]) > 10  # the names are where this looks for them


def test_a_long_name_is_found() -> None:
    long = {
        "entity": {
            "number": {"x": {"name": "Away simulation maximum brightness"}},
            "switch": {"o": {"name": "Away simulation outlet {number}"}},
        }
    }
    assert long_names(long) == [
        "entity.number.x: 'Away simulation maximum brightness' (34 characters)"
    ]
