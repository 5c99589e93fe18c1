"""The declared public API: ``__all__`` everywhere, lazy re-exports from ``frontier``, notebooks on public names,
and no long function without a stated reason."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import frontier

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib" / "frontier"
MAX_FUNCTION_LINES = 60


def _module_names() -> list[str]:
    names = ["frontier"]
    for info in pkgutil.walk_packages([str(LIB)], prefix="frontier."):
        if not info.name.endswith("__main__"):
            names.append(info.name)
    return sorted(names)


MODULES = _module_names()


def test_every_module_is_found():
    assert {
        "frontier.analysis.iso",
        "frontier.data.load",
        "frontier.data.load.pipeline",
        "frontier.report.runner",
    } <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_module_declares_all_and_every_name_exists(name):
    module = importlib.import_module(name)
    declared = getattr(module, "__all__", None)
    assert isinstance(declared, list), f"{name} has no __all__ list"
    assert len(declared) == len(set(declared)), f"{name}.__all__ repeats a name"
    missing = [n for n in declared if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what it does not define: {missing}"
    assert not [n for n in declared if n.startswith("_") and n != "__version__"], f"{name}.__all__ lists a private name"


def test_frontier_reexports_resolve_lazily():
    code = "import sys, frontier; print(sorted(m for m in sys.modules if m.startswith('frontier')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['frontier']", f"import frontier imported more than itself: {out}"
    for name in frontier.__all__:
        value = getattr(frontier, name)
        assert value is not None
        if name != "__version__":
            home = importlib.import_module(frontier._ENTRY_POINTS[name])
            assert value is getattr(home, name)
            assert name in home.__all__, f"{name} is re-exported but not public in {home.__name__}"
    with pytest.raises(AttributeError):
        _ = frontier.no_such_name


def test_reexports_do_not_shadow_modules():
    submodules = {m.split(".")[1] for m in MODULES if m.count(".") >= 1}
    assert not set(frontier._ENTRY_POINTS) & submodules


def _notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_use_only_public_names(path):
    tree = ast.parse(_notebook_code(path))
    modules: dict[str, str] = {}  # local name → frontier module
    used: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "frontier":
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in MODULES:
                    modules[alias.asname or alias.name] = full
                else:
                    used.append((node.module, alias.name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
            used.append((modules[node.value.id], node.attr))
    assert used or modules, f"{path.name} uses no frontier module"
    private = [f"{m}.{n}" for m, n in used if n.startswith("_")]
    assert not private, f"{path.name} uses private names: {private}"
    undeclared = [f"{m}.{n}" for m, n in used if n not in importlib.import_module(m).__all__]
    assert not undeclared, f"{path.name} uses names its modules do not declare public: {undeclared}"


def _long_functions() -> list[str]:
    out = []
    for path in sorted(LIB.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                reason = re.search(r"long because", ast.get_docstring(node) or "", re.IGNORECASE)
                if lines > MAX_FUNCTION_LINES and not reason:
                    out.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)")
    return out


def test_no_long_function_without_a_reason():
    long = _long_functions()
    assert not long, "functions over 60 lines whose docstring does not say 'Long because …':\n" + "\n".join(long)


def test_all_of_frontier_names_every_entry_point():
    assert set(frontier.__all__) == {"__version__", *frontier._ENTRY_POINTS}
