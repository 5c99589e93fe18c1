"""Which tests can see ``../shared/data``, found from their source: the proof that the rest of the suite does not
depend on it, so a clone without it needs to run only these (``.ci/run``).

A test *reads shared data* when its function (or a decorator on it) refers to ``paths.SHARED_DATA``, to a name
derived from it at module level (``MANTILE_RAW = SHARED / ...``, ``HAVE_RECORDED = (...).is_file()``, also across
``from .x import NAME``), or to a literal path under ``shared/data``. Such a test is **gated** when it skips
without the data: it calls ``need(...)`` (tests/conftest.py), asks for the ``shared_data`` fixture, or carries a
decorator built from a shared name (a ``skipif``). Gated tests get the ``shared`` mark at collection. A module
whose helpers or fixtures read shared data for several tests (e.g. a server that answers with recorded responses
when present) marks itself whole: ``pytestmark = pytest.mark.shared``. Anything else that refers to shared data
is a violation (``tests/test_shared_gate.py`` fails on it).
"""

from __future__ import annotations

import ast
import dataclasses
import functools
from pathlib import Path

__all__ = ["ModuleGate", "analyse", "analyse_all", "TESTS_DIR"]

TESTS_DIR = Path(__file__).resolve().parent
_ROOT_NAMES = frozenset({"SHARED_DATA"})
_GATE_CALLS = frozenset({"need"})
_GATE_FIXTURES = frozenset({"shared_data"})
_GATE_MODULES = frozenset({"conftest", "shared_gate", "test_shared_gate"})  # the gate, its analysis and its test


@dataclasses.dataclass
class ModuleGate:
    """What one test module does with shared data."""

    path: Path
    shared_names: set[str]  # module-level names derived from shared data (its own and imported)
    marked: bool  # ``pytestmark`` carries the ``shared`` mark: every test in it runs in the clone pass
    gated: set[str]  # test functions (``name`` or ``Class.name``) that read shared data and skip without it
    violations: list[str]  # "file:line: what" for references outside a gate


def _walk_code(node: ast.AST):
    """``ast.walk`` without docstrings, assertions and f-strings (text that names a path without reading it)."""
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.Assert, ast.JoinedStr)):
            continue
        if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant):
            continue
        yield n
        todo.extend(ast.iter_child_nodes(n))


def _refers(node: ast.AST, names: set[str]) -> bool:
    for n in _walk_code(node):
        if isinstance(n, ast.Name) and n.id in names:
            return True
        if isinstance(n, ast.Attribute) and n.attr in _ROOT_NAMES:
            return True
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and "shared/data" in n.value:
            return True
    return False


def _calls_gate(fn: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in _GATE_CALLS for n in ast.walk(fn)
    )


def _is_marked(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
        and any(isinstance(n, ast.Attribute) and n.attr == "shared" for n in ast.walk(node.value))
        for node in tree.body
    )


def _module_names(tree: ast.Module, imported: set[str]) -> set[str]:
    """Shared names of a module: ``SHARED_DATA``, names imported as shared, and module-level assignments made
    from them (in order, so a chain ``A = SHARED / x``; ``B = A / y`` is followed)."""
    names = set(_ROOT_NAMES) | imported
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and _refers(node.value, names):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def _functions(tree: ast.Module) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    out: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append((node.name, node))
        elif isinstance(node, ast.ClassDef):
            out += [
                (f"{node.name}.{f.name}", f)
                for f in node.body
                if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
            ]
    return out


def _analyse(path: Path, tree: ast.Module, imported: set[str]) -> ModuleGate:
    names = _module_names(tree, imported)
    marked = _is_marked(tree) or path.stem in _GATE_MODULES
    gated: set[str] = set()
    violations: list[str] = []
    for qual, fn in _functions(tree):
        in_body = any(_refers(stmt, names) for stmt in fn.body) or _refers(fn.args, names)
        in_decorators = any(_refers(d, names) for d in fn.decorator_list)
        is_test = qual.rsplit(".", 1)[-1].startswith("test")
        wants_fixture = any(a.arg in _GATE_FIXTURES for a in fn.args.args)
        if is_test and (wants_fixture or (in_body and _calls_gate(fn)) or in_decorators):
            gated.add(qual)
        elif in_body and not marked:
            violations.append(f"{path.name}:{fn.lineno}: {qual} reads shared data without need() or a skipif")
    for node in tree.body:  # module-level code other than definitions of shared names and imports
        if isinstance(node, (ast.Expr, ast.If, ast.For, ast.With)) and _refers(node, names) and not marked:
            violations.append(f"{path.name}:{node.lineno}: module-level code reads shared data")
    return ModuleGate(path, names, marked, gated, violations)


@functools.cache
def analyse_all(tests_dir: Path = TESTS_DIR) -> dict[str, ModuleGate]:
    """:class:`ModuleGate` of every ``*.py`` in ``tests_dir`` by module name, imports followed to a fixpoint."""
    trees = {p.stem: ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in sorted(tests_dir.glob("*.py"))}
    gates: dict[str, ModuleGate] = {}
    for _ in range(len(trees) + 1):
        changed = False
        for mod, tree in trees.items():
            imported = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and node.level >= 1:
                    source = gates.get(node.module.split(".")[-1])
                    if source is not None:
                        imported |= {a.asname or a.name for a in node.names if a.name in source.shared_names}
            gate = _analyse(tests_dir / f"{mod}.py", tree, imported)
            if mod not in gates or gate.shared_names != gates[mod].shared_names:
                changed = True
            gates[mod] = gate
        if not changed:
            break
    return gates


def analyse(source: str, name: str = "test_x.py", imported: frozenset[str] = frozenset()) -> ModuleGate:
    """:class:`ModuleGate` of one module's source (for tests of this analysis)."""
    return _analyse(Path(name), ast.parse(source), set(imported))
