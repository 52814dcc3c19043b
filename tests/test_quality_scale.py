"""quality_scale.yaml: every rule of the Integration Quality Scale, each one assessed."""

from __future__ import annotations

from pathlib import Path

import yaml

QUALITY_SCALE = Path(__file__).parent.parent / "custom_components/intecular/quality_scale.yaml"

RULES = {
    "bronze": {
        "action-setup", "appropriate-polling", "brands", "common-modules", "config-flow",
        "config-flow-test-coverage", "dependency-transparency", "docs-actions",
        "docs-conditions", "docs-triggers", "docs-high-level-description",
        "docs-installation-instructions", "docs-removal-instructions", "entity-event-setup",
        "entity-unique-id", "has-entity-name", "runtime-data", "test-before-configure",
        "test-before-setup", "unique-config-entry",
    },
    "silver": {
        "action-exceptions", "config-entry-unloading", "docs-configuration-parameters",
        "docs-installation-parameters", "entity-unavailable", "integration-owner",
        "log-when-unavailable", "parallel-updates", "reauthentication-flow", "test-coverage",
    },
    "gold": {
        "devices", "diagnostics", "discovery", "discovery-update-info", "docs-data-update",
        "docs-examples", "docs-known-limitations", "docs-supported-devices",
        "docs-supported-functions", "docs-troubleshooting", "docs-use-cases",
        "dynamic-devices", "entity-category", "entity-device-class",
        "entity-disabled-by-default", "entity-translations", "exception-translations",
        "icon-translations", "reconfiguration-flow", "repair-issues", "stale-devices",
    },
    "platinum": {"async-dependency", "inject-websession", "strict-typing"},
}  # fmt: skip


def test_every_rule_is_assessed_once() -> None:
    rules = yaml.safe_load(QUALITY_SCALE.read_text(encoding="utf-8"))["rules"]
    every = set().union(*RULES.values())
    assert len(every) == 54
    assert set(rules) == every


def test_exempt_and_todo_rules_say_why() -> None:
    rules = yaml.safe_load(QUALITY_SCALE.read_text(encoding="utf-8"))["rules"]
    for name, rule in rules.items():
        status = rule if isinstance(rule, str) else rule["status"]
        assert status in {"done", "todo", "exempt"}, name
        if status != "done":
            assert isinstance(rule, dict), f"{name} is {status} without a reason"
            assert rule.get("comment", "").strip(), f"{name} is {status} without a reason"


def test_rules_the_integration_meets_are_done() -> None:
    """Rules that apply and are met are not claimed as exemptions."""
    rules = yaml.safe_load(QUALITY_SCALE.read_text(encoding="utf-8"))["rules"]
    for name in (
        "action-setup",
        "dependency-transparency",
        "docs-configuration-parameters",
        "dynamic-devices",
    ):
        rule = rules[name]
        assert (rule if isinstance(rule, str) else rule["status"]) == "done", name
