"""The shape of the code, read from the source (issue 11): each rule is a list of offenders
that must be empty.

- An import inside a function says why it is deferred: a comment on its first line or on
  the line just above its group of consecutive import lines (tests and migrations aside).
- No domain app imports ``parity.web``: the shell imports the apps, never the reverse.
- No file imports a ``_private`` name from another app (the top package under ``parity/``),
  neither by name nor as an attribute of a module it imported.
- ``parity/api/`` keeps the root router, auth and schema only: no per-domain module.
- No import cycle between modules at their top (an import inside a function, or under
  ``TYPE_CHECKING``, is outside the graph: the first rule makes those say why).

The rules are checked per app, so a failure names the app that breaks it."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PARITY = Path(__file__).resolve().parents[2]
APPS = sorted(p.name for p in PARITY.iterdir() if (p / "__init__.py").exists())
API_KEEPS = {
    "__init__.py",
    "actions.py",
    "apps.py",
    "schema.py",
    "token.py",
    "urls.py",
    "static",
    "templates",
    "tests",
    "migrations",
}


def _sources(app: str | None = None) -> list[Path]:
    """The Python files of ``app`` (or of the whole of ``parity/``), relative to its parent."""
    root = PARITY / app if app else PARITY
    return sorted(root.rglob("*.py"))


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _rel(path: Path) -> str:
    return str(path.relative_to(PARITY.parent))


def _is_test_or_migration(path: Path) -> bool:
    parts = path.relative_to(PARITY).parts
    return "tests" in parts or "migrations" in parts or path.name == "conftest.py"


def _imports_in_functions(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement whose nearest enclosing scope chain holds a function."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom) and in_function:
                found.append(child)
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            visit(child, inner)

    visit(tree, False)
    return sorted(found, key=lambda n: n.lineno)


def undeferred_imports(path: Path) -> list[str]:
    """The groups of imports inside functions of ``path`` with no comment saying why.

    A group is a run of import statements on consecutive lines; it is explained when its
    first line carries a comment or the line just above it is a comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    offenders = []
    previous_end = None
    for node in _imports_in_functions(_tree(path)):
        starts_group = previous_end is None or node.lineno != previous_end + 1
        previous_end = node.end_lineno
        if not starts_group:
            continue
        first = lines[node.lineno - 1]
        above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
        if "#" not in first and not above.startswith("#"):
            offenders.append(f"{_rel(path)}:{node.lineno}: {first.strip()}")
    return offenders


def _imported_modules(tree: ast.Module) -> list[tuple[str, int]]:
    """Every module named by an import statement of ``tree``, with its line."""
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.append((node.module, node.lineno))
            modules += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return modules


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "parity" else None


def _is_module(dotted: str) -> bool:
    path = PARITY.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_borrowings(path: Path) -> list[str]:
    """The ``_private`` names ``path`` takes from another app's modules."""
    own = path.relative_to(PARITY).parts[0].removesuffix(".py")
    tree = _tree(path)
    offenders = []
    foreign_modules: dict[str, str] = {}  # local name -> module of another app
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if _app_of(node.module) in (None, own):
                continue
            for alias in node.names:
                if _is_private(alias.name):
                    offenders.append(f"{_rel(path)}:{node.lineno}: {node.module}.{alias.name}")
                elif _is_module(f"{node.module}.{alias.name}"):
                    foreign_modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _app_of(alias.name) not in (None, own) and alias.asname:
                    foreign_modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in foreign_modules
            and _is_private(node.attr)
        ):
            module = foreign_modules[node.value.id]
            offenders.append(f"{_rel(path)}:{node.lineno}: {module}.{node.attr}")
    return offenders


@pytest.mark.parametrize("app", APPS)
def test_imports_inside_functions_say_why_they_are_deferred(app):
    offenders = [
        offender
        for path in _sources(app)
        if not _is_test_or_migration(path)
        for offender in undeferred_imports(path)
    ]
    assert offenders == []


def test_top_level_modules_defer_imports_only_with_a_reason():
    offenders = [
        offender
        for path in PARITY.glob("*.py")
        if not _is_test_or_migration(path)
        for offender in undeferred_imports(path)
    ]
    assert offenders == []


@pytest.mark.parametrize("app", [app for app in APPS if app != "web"])
def test_domain_apps_do_not_import_the_web_shell(app):
    offenders = [
        f"{_rel(path)}:{line}: {module}"
        for path in _sources(app)
        for module, line in _imported_modules(_tree(path))
        if module == "parity.web" or module.startswith("parity.web.")
    ]
    assert offenders == []


@pytest.mark.parametrize("app", APPS)
def test_no_app_borrows_a_private_name_from_another(app):
    offenders = [offender for path in _sources(app) for offender in private_borrowings(path)]
    assert offenders == []


def test_api_package_holds_no_per_domain_module():
    extra = sorted(
        entry.name
        for entry in (PARITY / "api").iterdir()
        if entry.name not in API_KEEPS and entry.name != "__pycache__"
    )
    assert extra == []


def _module_name(path: Path) -> str:
    parts = path.relative_to(PARITY.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(tree: ast.Module) -> list[str]:
    """The modules a module's top runs (outside functions and ``if TYPE_CHECKING:``)."""
    names: list[str] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                names.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
                names.extend(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If):
                if "TYPE_CHECKING" not in ast.unparse(node.test):
                    visit(node.body)
                    visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                visit(node.orelse)
                visit(node.finalbody)

    visit(tree.body)
    return names


def import_cycles() -> list[list[str]]:
    """The groups of modules of ``parity/`` (tests and migrations aside) that import one
    another at their top, directly or through others (strongly connected components)."""
    modules = {_module_name(path): path for path in _sources() if not _is_test_or_migration(path)}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = set()
        for imported in _top_level_imports(_tree(path)):
            parts = imported.split(".")
            # ``import a.b.c`` runs ``a`` and ``a.b`` too; a module's own packages are
            # already running when it loads.
            for depth in range(1, len(parts) + 1):
                target = ".".join(parts[:depth])
                if target in modules and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return cycles


def test_no_import_cycle_between_modules():
    assert import_cycles() == []


def test_the_rules_see_what_they_forbid(tmp_path, monkeypatch):
    """Each check finds a planted offender and accepts its explained or legal twin."""
    app = tmp_path / "parity" / "planted"
    app.mkdir(parents=True)
    (tmp_path / "parity" / "other").mkdir()
    (tmp_path / "parity" / "other" / "__init__.py").write_text("")
    (tmp_path / "parity" / "other" / "mod.py").write_text("")
    monkeypatch.setattr(f"{__name__}.PARITY", tmp_path / "parity")
    source = app / "code.py"
    source.write_text(
        "from parity.other.mod import _hidden, shown\n"
        "from parity.other import mod\n"
        "import parity.other.mod as m\n"
        "from parity.planted.x import _own\n"
        "def f():\n"
        "    import json\n"
        "    import os\n"
        "    # deferred: a reason\n"
        "    import csv\n"
        "    import re  # deferred: a reason\n"
        "    return mod._secret, m._other, mod.__name__\n"
    )
    (app / "__init__.py").write_text("")
    (app / "a.py").write_text("from parity.planted import b\n")
    (app / "b.py").write_text("from parity.planted.a import x\n")
    (app / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from parity.planted import d\n"
    )
    (app / "d.py").write_text("def f():\n    from parity.planted import c  # deferred: cycle\n")
    _tree.cache_clear()
    assert import_cycles() == [["parity.planted.a", "parity.planted.b"]]
    assert undeferred_imports(source) == ["parity/planted/code.py:6: import json"]
    assert private_borrowings(source) == [
        "parity/planted/code.py:1: parity.other.mod._hidden",
        "parity/planted/code.py:11: parity.other.mod._secret",
        "parity/planted/code.py:11: parity.other.mod._other",
    ]
    _tree.cache_clear()
