"""The folder is the map: each layer of ``lib/frontier`` imports only its own layer and the ones below, and no
module imports itself back through others. Read from the source with ``ast`` (imports inside functions count)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from frontier import paths

LIB = paths.PACKAGE_DIR
#: layers from the bottom up; a module is in the layer of its first package under ``frontier``
LAYERS = ["helpers", "data", "analysis", "present", "report", "cli"]
#: modules at the package root: the shared helpers, the version, and the command on top
ROOT_LAYER = {
    "frontier": "helpers",
    "paths": "helpers",
    "fsutil": "helpers",
    "progress": "helpers",
    "plain": "helpers",
    "number_words": "helpers",
    "terminal": "helpers",
    "tableview": "helpers",
    "cli": "cli",
    "__main__": "cli",
}


def _modules() -> dict[str, Path]:
    out = {}
    for p in LIB.rglob("*.py"):
        parts = list(p.relative_to(LIB.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return ROOT_LAYER["frontier"]
    if parts[1] in LAYERS:
        return parts[1]
    return ROOT_LAYER[parts[1]]


def _imports(module: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """(imported frontier module, line) for every import in ``path``, relative ones resolved."""
    is_pkg = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_pkg:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "frontier":
                continue
            for a in node.names:  # `from frontier.x import y`: y may be a module itself
                sub = f"{target}.{a.name}"
                yield (sub if sub in known else target), node.lineno
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "frontier":
                    yield a.name, node.lineno


def _graph() -> dict[str, dict[str, int]]:
    mods = _modules()
    known = set(mods)
    graph: dict[str, dict[str, int]] = {}
    for name, path in mods.items():
        edges: dict[str, int] = {}
        for target, line in _imports(name, path, known):
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            if target != name and not name.startswith(target + "."):  # a package's own __init__ is not an edge
                edges.setdefault(target, line)
        graph[name] = edges
    return graph


def test_every_module_has_a_layer():
    unplaced = [
        m
        for m in _modules()
        if m.count(".") == 1 and m.split(".")[1] not in LAYERS and m.split(".")[1] not in ROOT_LAYER
    ]
    assert not unplaced, f"modules at the package root that belong in a layer package: {unplaced}"


def test_imports_only_go_down():
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    upward = [
        f"{name} ({_layer(name)}) imports {target} ({_layer(target)}) at line {line}"
        for name, edges in _graph().items()
        for target, line in edges.items()
        if rank[_layer(target)] > rank[_layer(name)]
    ]
    assert not upward, "imports that go up a layer:\n" + "\n".join(sorted(upward))


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, {}):
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue  # a package and its own modules
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n, [n])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)
