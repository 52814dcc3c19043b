"""The GitHub workflows, licence and changelog a HACS release needs.

The workflows cannot run here; these checks make sure they parse, use the official
hassfest and HACS actions without ignoring any check, and that a release tag, the
manifest's version and the changelog agree.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import yaml

ROOT = Path(__file__).parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
MANIFEST = ROOT / "custom_components" / "intecular" / "manifest.json"


def _workflow(name: str) -> dict[Any, Any]:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(workflow, dict)
    assert workflow["name"]
    assert workflow["jobs"]
    return workflow


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key "on" as True.
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    return triggers


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _uses(workflow: dict[Any, Any]) -> dict[str, dict[str, Any]]:
    """Each action used (without its version) and its inputs."""
    steps = [step for step in _steps(workflow) if "uses" in step]
    return {step["uses"].split("@")[0]: step.get("with", {}) for step in steps}


def test_every_workflow_is_valid_yaml() -> None:
    names = sorted(path.name for path in WORKFLOWS.glob("*.yml"))
    assert names == ["release.yml", "tests.yml", "validate.yml"]
    for name in names:
        workflow = _workflow(name)
        for step in _steps(workflow):
            assert ("uses" in step) != ("run" in step), step
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@[\w.-]+", step["uses"]), step["uses"]


def test_hassfest_and_hacs_validation_run_with_no_check_ignored() -> None:
    workflow = _workflow("validate.yml")
    assert {"push", "pull_request", "schedule"} <= set(_triggers(workflow))
    uses = _uses(workflow)
    assert "home-assistant/actions/hassfest" in uses
    assert uses["hacs/action"] == {"category": "integration"}, "no ignore: the default store"


def test_the_tests_run_the_readme_command() -> None:
    workflow = _workflow("tests.yml")
    assert {"push", "pull_request"} <= set(_triggers(workflow))
    assert "actions/checkout" in _uses(workflow)
    assert any(step.get("run", "").strip() == "scripts/test" for step in _steps(workflow))


def test_a_release_checks_its_tag_against_the_manifest() -> None:
    workflow = _workflow("release.yml")
    assert _triggers(workflow) == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {"contents": "write"}
    script = "\n".join(step.get("run", "") for step in _steps(workflow))
    assert "manifest.json" in script
    assert "CHANGELOG.md" in script
    assert "gh release create" in script


def test_changelog_starts_with_the_manifest_version() -> None:
    version = json.loads(MANIFEST.read_text(encoding="utf-8"))["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[([^\]]+)\]", changelog, flags=re.MULTILINE)
    if versions[0] == "Unreleased":  # Keep a Changelog: what the next release brings
        versions = versions[1:]
    assert "Unreleased" not in versions
    assert versions[0] == version
    assert len(versions) == len(set(versions))


def test_licence() -> None:
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
