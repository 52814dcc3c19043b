"""The simulator shares no code with the integration: it is written from protocol.md."""

from __future__ import annotations

import ast
from pathlib import Path
import subprocess
import sys

import pytest

ROOT = Path(__file__).parents[2]
SIMULATOR = ROOT / "simulator"
FORBIDDEN = ("custom_components", "homeassistant")


def imported_modules(source: str, package: str) -> list[str]:
    """Every module ``source`` imports, at any depth of its code (relative ones resolved)."""
    modules: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                modules.append(f"{base}.{node.module}" if node.module else base)
            else:
                modules.append(node.module or "")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Attribute, ast.Name))
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            modules.append(str(node.args[0].value))
    return modules


def offending(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in FORBIDDEN]


def test_checker_sees_every_kind_of_import() -> None:
    """The check itself: each way of importing the integration is caught."""
    sample = (
        "import custom_components.intecular\n"
        "from custom_components.intecular.api import models\n"
        "from . import wire\n"
        "def later():\n"
        "    from homeassistant.core import HomeAssistant\n"
        "    import importlib\n"
        "    return importlib.import_module('custom_components.intecular.api')\n"
    )
    modules = imported_modules(sample, "simulator")
    assert "simulator" in modules
    assert offending(modules) == [
        "custom_components.intecular",
        "custom_components.intecular.api",
        "homeassistant.core",
        "custom_components.intecular.api",
    ]


@pytest.mark.parametrize(
    "path", sorted(SIMULATOR.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_integration_import(path: Path) -> None:
    package = ".".join(path.relative_to(ROOT).parts[:-1])
    assert offending(imported_modules(path.read_text(encoding="utf-8"), package)) == []


def test_runs_without_the_integration() -> None:
    """Importing and running the simulator loads nothing of the integration."""
    code = (
        "import sys, simulator, simulator.__main__\n"
        "sim = simulator.SimulatedOutlet('aura', profile='real')\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(roots & {'custom_components', 'homeassistant'}))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stderr
