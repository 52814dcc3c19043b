"""The integration uses only Home Assistant's public surface: no ``_``-prefixed attribute.

Any release may rename or drop a private attribute (``DataUpdateCoordinator._listeners``
and the like) without notice. This reads the integration's source:

* ``self._name`` must be defined by the class itself or by one of the integration's
  own classes it derives from (an attribute it sets, a method it overrides);
* ``other._name`` is never used, except ``super()._name`` of a method the class
  overrides;
* Home Assistant's documented entity attributes (``_attr_*``) and the config flow's
  documented helpers (below) are public by convention.

``api/`` is left out: it never imports Home Assistant (test_repository.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

INTEGRATION = Path(__file__).parent.parent / "custom_components" / "intecular"

# ConfigFlow's helpers, documented in the developer docs and used by every core flow.
CONFIG_FLOW_HELPERS = frozenset(
    {
        "_abort_if_unique_id_configured",
        "_abort_if_unique_id_mismatch",
        "_async_current_entries",
        "_get_reconfigure_entry",
        "_set_confirm_only",
    }
)


def _private(name: str) -> bool:
    return (
        name.startswith("_")
        and not (name.startswith("__") and name.endswith("__"))
        and not name.startswith("_attr_")
        and name not in CONFIG_FLOW_HELPERS
    )


def _base_names(node: ast.ClassDef) -> list[str]:
    names = []
    for base in node.bases:
        target = base.value if isinstance(base, ast.Subscript) else base
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, ast.Attribute):
            names.append(target.attr)
    return names


def _own_names(node: ast.ClassDef) -> set[str]:
    """What a class defines: methods, class fields, attributes its methods set on self."""
    names: set[str] = set()
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(item.name)
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            names.add(item.target.id)
        elif isinstance(item, ast.Assign):
            names.update(t.id for t in item.targets if isinstance(t, ast.Name))
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.ctx, ast.Store)
            and isinstance(sub.value, ast.Name)
            and sub.value.id == "self"
        ):
            names.add(sub.attr)
    return names


def foreign_private_uses(sources: dict[str, str]) -> list[str]:
    """``file:line: name`` of every private attribute the code uses but does not own."""
    trees = {name: ast.parse(text, name) for name, text in sources.items()}
    classes: dict[str, tuple[list[str], set[str]]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                classes[node.name] = (_base_names(node), _own_names(node))

    def owned(class_name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        if class_name not in classes or class_name in seen:
            return set()
        bases, names = classes[class_name]
        result = set(names)
        for base in bases:
            result |= owned(base, seen | {class_name})
        return result

    found: list[str] = []
    for file, tree in trees.items():
        for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
            mine = owned(cls.name)
            for node in ast.walk(cls):
                if not isinstance(node, ast.Attribute) or not _private(node.attr):
                    continue
                receiver = node.value
                if isinstance(receiver, ast.Name) and receiver.id in ("self", "cls"):
                    if node.attr not in mine:
                        found.append(f"{file}:{node.lineno}: self.{node.attr}")
                elif isinstance(receiver, ast.Call) and ast.unparse(receiver.func) == "super":
                    if node.attr not in mine:
                        found.append(f"{file}:{node.lineno}: super().{node.attr}")
                else:
                    found.append(f"{file}:{node.lineno}: {ast.unparse(node)}")
        # outside classes (module functions): no private attribute of anything
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not any(
                node in ast.walk(c) for c in ast.walk(tree) if isinstance(c, ast.ClassDef)
            ):
                found.extend(
                    f"{file}:{sub.lineno}: {ast.unparse(sub)}"
                    for sub in ast.walk(node)
                    if isinstance(sub, ast.Attribute) and _private(sub.attr)
                )
        found.extend(
            f"{file}:{node.lineno}: {ast.unparse(node)}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr", "hasattr", "delattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)
        )
    return sorted(set(found))


def test_no_private_attribute_of_home_assistant_is_used() -> None:
    sources = {path.name: path.read_text() for path in sorted(INTEGRATION.glob("*.py"))}
    assert foreign_private_uses(sources) == []


def test_the_check_sees_home_assistant_s_private_attributes() -> None:
    """A subclass reading its base's ``_listeners``, a module reaching into an object."""
    source = (
        "class Coordinator(DataUpdateCoordinator):\n"
        "    def notify(self):\n"
        "        for listener in self._listeners.values():\n"
        "            listener()\n"
        "    def _handle(self):\n"
        "        super()._handle()\n"
        "        super()._async_refresh()\n"
        "def wake(coordinator):\n"
        "    return coordinator._listeners\n"
        "class Tracker:\n"
        "    def __init__(self):\n"
        "        self._listeners = []\n"
        "    def add(self, listener):\n"
        "        self._listeners.append(listener)\n"
    )
    assert foreign_private_uses({"x.py": source}) == [
        "x.py:3: self._listeners",
        "x.py:7: super()._async_refresh",
        "x.py:9: coordinator._listeners",
    ]
