"""Let ``python -m simulator`` use the project's ``api/`` without loading Home Assistant.

``custom_components/intecular/__init__.py`` is the integration itself and imports
Home Assistant, and Python runs a package's ``__init__`` before any of its
submodules, so importing ``custom_components.intecular.api`` normally loads all of
Home Assistant (seconds, and it must be installed). The command-line simulator
never runs the integration, so it first registers the two parent packages as bare
namespace packages: the ``api`` modules then load in milliseconds, with aiohttp only.

Only the command line calls this. Never call it in a process that also runs Home
Assistant: the integration package would be an empty shell there.
"""

from __future__ import annotations

from pathlib import Path
import sys
import types

_ROOT = Path(__file__).resolve().parent.parent / "custom_components"


def skip_integration_package() -> None:
    """Make ``custom_components.intecular`` an empty namespace, unless already imported."""
    for name, path in (
        ("custom_components", _ROOT),
        ("custom_components.intecular", _ROOT / "intecular"),
    ):
        if name not in sys.modules:
            module = types.ModuleType(name)
            module.__path__ = [str(path)]
            sys.modules[name] = module
