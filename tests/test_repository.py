"""Repository rules that Home Assistant, hassfest and HACS rely on."""

from __future__ import annotations

import ast
import json
from pathlib import Path
import re

from awesomeversion import AwesomeVersion
from homeassistant.const import Platform
import pytest

ROOT = Path(__file__).parent.parent
COMPONENT = ROOT / "custom_components" / "intecular"

# hassfest's schema for custom integrations (keys a manifest may have).
MANIFEST_KEYS = {
    "domain", "name", "after_dependencies", "bluetooth", "codeowners", "config_flow",
    "dependencies", "dhcp", "documentation", "homekit", "import_executor", "integration_type",
    "iot_class", "issue_tracker", "loggers", "mqtt", "requirements", "single_config_entry",
    "ssdp", "usb", "version", "zeroconf",
}  # fmt: skip


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_manifest_follows_the_custom_integration_schema() -> None:
    manifest = _json(COMPONENT / "manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:]), "hassfest wants the keys after name sorted"
    assert set(keys) <= MANIFEST_KEYS
    assert manifest["domain"] == COMPONENT.name
    assert manifest["iot_class"] == "local_push"
    assert manifest["config_flow"] is True
    assert manifest["zeroconf"] == ["_invis._tcp.local."]
    assert manifest["codeowners"]
    assert manifest["documentation"].startswith("https://")
    assert manifest["issue_tracker"].startswith("https://")
    assert AwesomeVersion(manifest["version"]).valid
    assert manifest["requirements"] == [], "the client ships inside the integration"


# The keys HACS documents for hacs.json (render_readme is no longer among them).
HACS_KEYS = {
    "name", "content_in_root", "zip_release", "filename", "hide_default_branch", "country",
    "homeassistant", "hacs", "persistent_directory",
}  # fmt: skip


def test_hacs_metadata() -> None:
    hacs = _json(ROOT / "hacs.json")
    assert hacs["name"]
    assert set(hacs) <= HACS_KEYS
    assert hacs["homeassistant"] == oldest_tested()


def oldest_tested() -> str:
    """The oldest Home Assistant the suite runs on (requirements_ha.txt, as scripts/test)."""
    pins = (ROOT / "requirements_ha.txt").read_text(encoding="utf-8")
    (version,) = re.findall(r"^homeassistant==(\S+)$", pins, re.MULTILINE)
    return version


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_is_for_users() -> None:
    """HACS shows the README inside Home Assistant: short, no architecture, the two commands."""
    readme = _readme()
    assert len(readme.split()) < 3000
    headings = re.findall(r"^#+ (.+)$", readme, re.MULTILINE)
    assert "Architecture" not in headings
    assert headings[-3:] == ["Troubleshooting", "Removal", "Development"]
    development = readme.split("\n## Development\n", 1)[1]
    commands = re.findall(r"^(scripts/\S+)", development, re.MULTILINE)
    assert commands == ["scripts/develop", "scripts/test"]
    assert f"**{oldest_tested()} or newer**" in readme


def test_readme_images_resolve_inside_home_assistant() -> None:
    """Relative image paths do not resolve where HACS shows the README; raw URLs do."""
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", _readme())
    assert images
    raw = "https://raw.githubusercontent.com/intecular-ha/intecular-homeassistant/main/"
    assert all(image.startswith("https://") for image in images), images
    ours = [image for image in images if "my.home-assistant.io/badges/" not in image]
    assert len(ours) == 2  # the two device pages
    for image in ours:
        assert image.startswith(raw), image
        assert (ROOT / image.removeprefix(raw)).is_file(), image
    manifest = _json(COMPONENT / "manifest.json")
    assert manifest["documentation"] == "https://github.com/intecular-ha/intecular-homeassistant"


def test_translations_are_the_strings() -> None:
    """Home Assistant reads translations/en.json for a custom integration."""
    assert (COMPONENT / "strings.json").read_bytes() == (
        COMPONENT / "translations" / "en.json"
    ).read_bytes()


def test_every_icon_belongs_to_a_translated_entity() -> None:
    strings = _json(COMPONENT / "strings.json")["entity"]
    icons = _json(COMPONENT / "icons.json")["entity"]
    for platform, keys in icons.items():
        for key in keys:
            assert key in strings.get(platform, {}), f"icon for unknown {platform}.{key}"


def _imported_packages(folder: Path) -> set[tuple[str, str]]:
    """(file, top-level package) for every absolute import under ``folder``."""
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {(path.name, alias.name.split(".")[0]) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add((path.name, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("folder", [COMPONENT / "api", ROOT / "simulator"], ids=["api", "sim"])
def test_client_and_simulator_do_not_import_home_assistant(folder: Path) -> None:
    imports = _imported_packages(folder)
    assert imports, "nothing was read"
    assert not {f for f, package in imports if package == "homeassistant"}


def test_integration_does_not_import_the_simulator() -> None:
    imports = _imported_packages(COMPONENT)
    assert ("__init__.py", "homeassistant") in imports
    assert not {f for f, package in imports if package in ("simulator", "tests")}


def _module_name(path: Path) -> tuple[str, ...]:
    """``api/client.py`` -> ("api", "client"); a package's ``__init__.py`` -> the package."""
    parts = path.relative_to(COMPONENT).with_suffix("").parts
    return parts[:-1] if parts[-1] == "__init__" else parts


def _is_module(name: tuple[str, ...]) -> bool:
    folder = COMPONENT.joinpath(*name)
    return folder.with_suffix(".py").is_file() or (folder / "__init__.py").is_file()


def _relative_imports() -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    """Each module of the integration -> the modules it imports relatively.

    Every import counts, wherever it stands (``TYPE_CHECKING`` blocks, functions).
    """
    graph: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for path in COMPONENT.rglob("*.py"):
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name[:-1]
        imported: set[tuple[str, ...]] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.level:
                continue
            base = package[: len(package) - (node.level - 1)]
            target = base + tuple(node.module.split(".")) if node.module else base
            for alias in node.names:
                submodule = (*target, alias.name)
                imported.add(submodule if _is_module(submodule) else target)
        graph[name] = imported - {name}
    return graph


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = _relative_imports()
    assert ("coordinator",) in graph, "nothing was read"
    done: set[tuple[str, ...]] = set()

    def visit(module: tuple[str, ...], path: list[tuple[str, ...]]) -> None:
        if module in path:
            circle = [*path[path.index(module) :], module]
            pytest.fail("import circle: " + " -> ".join(".".join(m) or "__init__" for m in circle))
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_no_module_imports_a_platform() -> None:
    """Home Assistant loads the platforms; what two modules share lives elsewhere."""
    platforms = {(p.value,) for p in Platform if _is_module((p.value,))}
    assert {("switch",), ("light",), ("update",), ("select",)} <= platforms
    graph = _relative_imports()
    assert not {
        (".".join(module), imported[0])
        for module, imports in graph.items()
        for imported in imports
        if imported in platforms
    }
