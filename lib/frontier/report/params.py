"""Report parameters: YAML params files, notebook names, and the parameters a notebook declares."""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from frontier import paths

from .results import ReportError

#: parameters the runner controls; a params file may not set them
RUNNER_PARAMS = frozenset({"output_dir", "chart_mode"})
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class _StringDateLoader:  # namespace for the YAML loader class built lazily (PyYAML import on demand)
    cls: Any = None


def _yaml_loader() -> Any:
    if _StringDateLoader.cls is None:
        import yaml

        class Loader(yaml.SafeLoader):
            """SafeLoader that keeps ISO dates/timestamps as strings (notebooks parse them themselves)."""

        Loader.yaml_implicit_resolvers = {
            k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
            for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }
        _StringDateLoader.cls = Loader
    return _StringDateLoader.cls


@dataclasses.dataclass
class ParamsSpec:
    """A parsed params file: ``common`` parameters for every notebook run, ``per`` notebook parameters, and the
    notebooks the file names (None: the file does not say, run what was asked or all)."""

    source: Path | None = None
    common: dict[str, Any] = dataclasses.field(default_factory=dict)
    per: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    names: list[str] | None = None

    def for_notebook(self, name: str) -> dict[str, Any]:
        return {**self.common, **self.per.get(name, {})}


def check_params(d: Any, where: str) -> dict[str, Any]:
    """A parameter mapping checked for valid names (no runner-controlled ones); relative ``data_paths`` resolved
    from the project root. ``where`` names the source in error messages."""
    if d is None:
        return {}
    if not isinstance(d, Mapping):
        raise ReportError(f"{where}: parameters must be a mapping of name: value, got {type(d).__name__}")
    out: dict[str, Any] = {}
    for k, v in d.items():
        if not isinstance(k, str) or not k.isidentifier():
            raise ReportError(f"{where}: parameter name {k!r} is not a valid Python identifier")
        if k in RUNNER_PARAMS:
            raise ReportError(f"{where}: {k!r} is set by the report runner and cannot be given in a params file")
        out[k] = v
    if "data_paths" in out:
        dp = out["data_paths"]
        if isinstance(dp, str):
            dp = [dp]
        if not isinstance(dp, list) or not all(isinstance(p, str) for p in dp):
            raise ReportError(f"{where}: data_paths must be a list of paths")
        out["data_paths"] = [str(p if Path(p).is_absolute() else (paths.ROOT / p)) for p in dp]
    return out


def load_params(path: str | Path) -> ParamsSpec:
    """Parse a YAML params file (formats in ``params/README.md``).

    1. a plain mapping: parameters for every notebook run;
    2. ``notebook: <name>`` + ``parameters: {...}``: one notebook and its parameters;
    3. ``notebooks: {<name>: {...}, ...}`` (+ optional ``parameters`` shared by all): several notebooks.
    Dates stay ISO strings; relative ``data_paths`` are resolved from the project root.
    """
    p = Path(path)
    doc = _read_yaml(p)
    spec = ParamsSpec(source=p)
    if doc is None:
        return spec
    if not isinstance(doc, Mapping):
        raise ReportError(f"params file {p}: expected a YAML mapping at the top level, got {type(doc).__name__}")
    if "notebooks" in doc:
        _parse_many(doc, p, spec)
    elif "notebook" in doc:
        _parse_one(doc, p, spec)
    else:
        spec.common = check_params(doc, str(p))
    return spec


def _read_yaml(p: Path) -> Any:
    import yaml

    if not p.is_file():
        raise ReportError(f"params file not found: {p}")
    try:
        return yaml.load(p.read_text(encoding="utf-8"), Loader=_yaml_loader())  # noqa: S506 (SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise ReportError(f"params file {p} is not valid YAML: {exc}") from exc


def _parse_many(doc: Mapping[str, Any], p: Path, spec: ParamsSpec) -> None:
    extra = set(doc) - {"notebooks", "parameters", "description"}
    if extra:
        raise ReportError(f"params file {p}: unexpected top-level key(s) {sorted(extra)} next to 'notebooks'")
    nbs = doc["notebooks"]
    if not isinstance(nbs, Mapping) or not nbs:
        raise ReportError(f"params file {p}: 'notebooks' must map notebook names to parameter mappings")
    spec.common = check_params(doc.get("parameters"), f"{p} parameters")
    for name, params in nbs.items():
        check_name(str(name))
        spec.per[str(name)] = check_params(params, f"{p} notebooks.{name}")
    spec.names = list(spec.per)


def _parse_one(doc: Mapping[str, Any], p: Path, spec: ParamsSpec) -> None:
    extra = set(doc) - {"notebook", "parameters", "description"}
    if extra:
        raise ReportError(f"params file {p}: unexpected top-level key(s) {sorted(extra)} next to 'notebook' "
                          "(parameters go under 'parameters:')")
    name = doc["notebook"]
    if not isinstance(name, str):
        raise ReportError(f"params file {p}: 'notebook' must be a notebook name")
    name = check_name(strip_ipynb(name))
    spec.per[name] = check_params(doc.get("parameters"), f"{p} parameters")
    spec.names = [name]


def strip_ipynb(name: str) -> str:
    """A notebook name without a trailing ``.ipynb``."""
    return name[:-6] if name.endswith(".ipynb") else name


def check_name(name: str) -> str:
    """``name`` if it is a valid notebook name (letters, digits, ``_ . -``), else :class:`ReportError`."""
    if not _NAME_RE.fullmatch(name):
        raise ReportError(f"bad notebook name {name!r}: use letters, digits, '_', '.' and '-'")
    return name


def list_notebooks(notebooks_dir: str | Path | None = None) -> list[str]:
    """Names of the notebooks a report can be built from (``<dir>/<name>.ipynb``, not starting with '_' or '.')."""
    d = Path(notebooks_dir if notebooks_dir is not None else paths.NOTEBOOKS)
    if not d.is_dir():
        return []
    return sorted(p.stem for p in d.glob("*.ipynb") if not p.name.startswith(("_", ".")))


def declared_parameters(nb_path: str | Path) -> list[str]:
    """Names assigned in the notebook's ``parameters`` cell (parsed with ``ast``: papermill's own line parser gives
    up on comments containing quotes or brackets). Empty if there is no such cell or it does not parse."""
    import ast

    import nbformat

    try:
        nb = nbformat.read(str(nb_path), as_version=4)
    except Exception:  # noqa: BLE001 - unreadable notebooks fail later with a proper report
        return []
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                return []
            names: list[str] = []
            for node in tree.body:
                targets = node.targets if isinstance(node, ast.Assign) else (
                    [node.target] if isinstance(node, ast.AnnAssign) else [])
                names += [t.id for t in targets if isinstance(t, ast.Name)]
            return list(dict.fromkeys(names))
    return []
