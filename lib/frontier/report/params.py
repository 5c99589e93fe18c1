"""Report parameters: YAML params files, notebook names, and the parameters a notebook declares."""

from __future__ import annotations

import dataclasses
import keyword
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from frontier import paths
from frontier.plain import NotPlainError, check_plain, shown
from frontier.report.results import ReportError

__all__ = [
    "Overrides",
    "ParamsSpec",
    "RUNNER_PARAMS",
    "check_common",
    "check_declared",
    "check_name",
    "check_params",
    "cli_overrides",
    "cli_value",
    "declared_parameters",
    "file_parameters",
    "list_notebooks",
    "load_params",
    "strip_ipynb",
]

#: parameters the runner controls; a params file may not set them
RUNNER_PARAMS = frozenset({"output_dir", "chart_mode"})
#: largest params file read, bytes (a parameter set is a few hundred bytes; this bounds parse time and memory)
_MAX_PARAMS_BYTES = 1 << 20
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
#: YAML tags SafeLoader knows that build something other than plain data (bytes, tuples, sets, datetimes)
_REFUSED_TAGS = ("binary", "omap", "pairs", "set", "timestamp")


class _StringDateLoader:  # namespace for the YAML loader class built lazily (PyYAML import on demand)
    cls: Any = None


def _yaml_loader() -> Any:
    if _StringDateLoader.cls is None:
        import yaml

        class Loader(yaml.SafeLoader):
            """SafeLoader that keeps ISO dates/timestamps as strings (notebooks parse them themselves) and refuses
            aliases (``*name``): a parameter set never needs them, and nested aliases expand exponentially."""

            def compose_node(self, parent: Any, index: Any) -> Any:
                if self.check_event(yaml.AliasEvent):
                    mark = self.peek_event().start_mark
                    raise yaml.composer.ComposerError(
                        None, None, "aliases (*name) are not allowed in params files; write the value out", mark
                    )
                return super().compose_node(parent, index)

        def refuse_tag(loader: Any, node: Any) -> Any:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed in parameters "
                "(use text, numbers, true/false, null, lists and mappings)",
                node.start_mark,
            )

        # parameters are plain data: the core tags only; an unknown tag already fails in SafeLoader
        for tag in _REFUSED_TAGS:
            Loader.add_constructor(f"tag:yaml.org,2002:{tag}", refuse_tag)
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
        if not isinstance(k, str) or not k.isidentifier() or keyword.iskeyword(k):
            raise ReportError(f"{where}: parameter name {k!r} is not a valid Python identifier")
        if k in RUNNER_PARAMS:
            raise ReportError(f"{where}: {k!r} is set by the report runner and cannot be given as a parameter")
        try:
            out[k] = check_plain(v, f"parameter {k!r}")
        except NotPlainError as exc:
            raise ReportError(f"{where}: {exc}") from None
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
    """The YAML document in params file ``p``; any problem reading or parsing it is a :class:`ReportError`."""
    if not p.is_file():
        raise ReportError(f"params file not found: {p}" if not p.exists() else f"params file is not a file: {p}")
    try:
        with p.open("rb") as f:
            raw = f.read(_MAX_PARAMS_BYTES + 1)
    except OSError as exc:
        raise ReportError(f"params file {p} cannot be read: {exc.strerror or exc}") from exc
    if len(raw) > _MAX_PARAMS_BYTES:
        raise ReportError(
            f"params file {p} is larger than {_MAX_PARAMS_BYTES // 1024} KiB; a params file holds a few parameters"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReportError(
            f"params file {p} is not UTF-8 text (byte {exc.start}: {raw[exc.start : exc.start + 1]!r})"
        ) from exc
    return _parse_yaml(text, f"params file {p}")


def _parse_yaml(text: str, where: str) -> Any:
    """``text`` parsed as YAML with the params loader (safe types only, dates as strings, no aliases)."""
    import yaml

    try:
        return yaml.load(text, Loader=_yaml_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        what = " ".join(str(exc.problem or exc.context or "unreadable").split())
        raise ReportError(f"{where} is not valid YAML: {what}{at}") from None
    except yaml.YAMLError as exc:
        raise ReportError(f"{where} is not valid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise ReportError(f"{where} is nested too deeply") from None


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
        raise ReportError(
            f"params file {p}: unexpected top-level key(s) {sorted(extra)} next to 'notebook' "
            "(parameters go under 'parameters:')"
        )
    name = doc["notebook"]
    if not isinstance(name, str):
        raise ReportError(f"params file {p}: 'notebook' must be a notebook name")
    name = check_name(strip_ipynb(name))
    spec.per[name] = check_params(doc.get("parameters"), f"{p} parameters")
    spec.names = [name]


def strip_ipynb(name: str) -> str:
    """A notebook name without a trailing ``.ipynb``."""
    return name.removesuffix(".ipynb")


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
    return list(_declared_parameter_types(nb_path))


def _declared_parameter_types(nb_path: str | Path) -> dict[str, str | None]:
    """Parameter name → its annotation as written (``"int"``, ``"list[float]"``; None when not annotated), in the
    order of the notebook's ``parameters`` cell. Empty if there is no such cell or it does not parse."""
    import ast

    import nbformat

    try:
        nb = nbformat.read(str(nb_path), as_version=4)
    except Exception:
        return {}
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                return {}
            found: dict[str, str | None] = {}
            for node in tree.body:
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    found.setdefault(node.target.id, ast.unparse(node.annotation))
                elif isinstance(node, ast.Assign):
                    for t in node.targets:
                        if isinstance(t, ast.Name):
                            found.setdefault(t.id, None)
            return found
    return {}


# ------------------------------------------------------------------------------------ command-line parameters
def cli_value(text: str) -> Any:
    """A ``-p`` value read the way papermill's ``-p`` reads it: ``True``/``False``/``None``, an int, a float,
    else the text itself."""
    if text in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[text]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


@dataclasses.dataclass
class Overrides:
    """Parameters given on the command line: ``values`` to inject, and for names last set by ``-p`` the text as
    typed (``typed``), used where the notebook declares the parameter ``str``."""

    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    typed: dict[str, str] = dataclasses.field(default_factory=dict)

    def for_notebook(self, nb_path: Path) -> dict[str, Any]:
        """The values checked against what notebook ``nb_path`` declares: each name must be one of its parameters
        and each value fit the declared type. Raises :class:`ReportError` naming the parameter."""
        declared = _declared_parameter_types(nb_path)
        out = dict(self.values)
        for name in self.typed:
            if declared.get(name) == "str":
                out[name] = self.typed[name]  # "-p model 1.10" means the text 1.10, not the number 1.1
        check_declared(out, declared, nb_path.stem)
        return out


def check_declared(values: Mapping[str, Any], declared: Mapping[str, str | None], notebook: str) -> None:
    """Raise :class:`ReportError` unless every name in ``values`` is a parameter ``declared`` by ``notebook``
    (name → annotation, from its parameters cell) and every value fits its declared type."""
    for name, value in values.items():
        if declared and name not in declared:
            usable = ", ".join(k for k in declared if k not in RUNNER_PARAMS)
            known = f"its parameters: {usable}" if usable else "it declares none that can be set"
            raise ReportError(f"{notebook} has no parameter {name!r} ({known})")
        want = declared.get(name)
        problem = _type_problem(value, want)
        if problem:
            raise ReportError(
                f"parameter {name!r} of {notebook} is declared {want}: {problem} (got {shown(value, 60)})"
            )


def file_parameters(spec: ParamsSpec, name: str, nb_path: Path) -> dict[str, Any]:
    """The params file's values for notebook ``name``: the common ones it declares, then its own entry, each
    checked against its declared names and types (:class:`ReportError` naming the parameter otherwise)."""
    declared = _declared_parameter_types(nb_path)
    values = {k: v for k, v in spec.common.items() if not declared or k in declared}
    values.update(spec.per.get(name, {}))
    check_declared(values, declared, name)
    return values


def check_common(spec: ParamsSpec, nb_paths: Sequence[Path]) -> None:
    """Raise :class:`ReportError` when a common parameter of the params file is declared by none of the notebooks
    to run (a misspelt name would otherwise be dropped everywhere)."""
    declared: set[str] = set()
    for p in nb_paths:
        found = _declared_parameter_types(p)
        if not found:
            return  # a notebook without a parameters cell takes everything at the top
        declared.update(found)
    unused = sorted(set(spec.common) - declared)
    if unused:
        names = ", ".join(sorted(declared - RUNNER_PARAMS))
        raise ReportError(
            f"params file {spec.source}: no notebook to run declares {', '.join(map(repr, unused))} "
            f"(their parameters: {names})"
        )


def cli_overrides(yaml_texts: Sequence[str] = (), pairs: Sequence[tuple[str, str, bool]] = ()) -> Overrides:
    """Parameters from the command line: each ``-y`` YAML mapping in turn, then each ``-p``/``-r`` pair
    ``(name, text, raw)`` in the order given (raw: the text as a string, else :func:`cli_value`). Later wins."""
    out = Overrides()
    for text in yaml_texts:
        doc = _parse_yaml(text, f"-y {text[:60]!r}")
        if doc is not None and not isinstance(doc, Mapping):
            raise ReportError(
                f"-y {text[:60]!r}: expected a YAML mapping such as 'isl: 8192', got {type(doc).__name__}"
            )
        values = check_params(doc, "-y")
        out.values.update(values)
        for k in values:
            out.typed.pop(k, None)
    for name, text, raw in pairs:
        out.values.update(check_params({name: text if raw else cli_value(text)}, "-r" if raw else "-p"))
        if raw:
            out.typed.pop(name, None)
        else:
            out.typed[name] = text
    if "data_paths" in out.values:
        raise ReportError("give input data with --data PATH..., not as a -p/-y parameter")
    return out


def _type_problem(value: Any, want: str | None) -> str | None:
    """Why ``value`` does not fit annotation ``want`` (None: it fits, or the annotation is not checked)."""
    if isinstance(value, str) and want in ("int", "float", "bool"):
        value = _from_text(value)  # -r text: the notebook reads "1024" or "true" as its declared type
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    checks: dict[str, tuple[bool, str]] = {
        "int": (number and float(value).is_integer(), "give a whole number"),
        "float": (number, "give a number"),
        "str": (isinstance(value, str), "give text"),
        "bool": (isinstance(value, bool), "give True or False"),
    }
    if want in checks:
        fits, hint = checks[want]
        return None if fits else hint
    if want == "dict":
        return None if isinstance(value, dict) else "give a mapping, e.g. -y 'name: {key: value}'"
    m = re.fullmatch(r"list\[(int|float|str)\]", want or "")
    if m is None:
        return None
    if isinstance(value, str):
        return None  # a comma-separated list, split by the notebook
    if not isinstance(value, list):
        return "give a list, e.g. -y 'name: [1, 2]' or -p name 1,2"
    bad = [v for v in value if _type_problem(v, m.group(1))]
    return f"every item must be {m.group(1)}, not {bad[0]!r}" if bad else None


def _from_text(text: str) -> Any:
    """A number or boolean the text spells (as the notebook's own parameter check reads it), else the text."""
    if text.strip().lower() in ("true", "false"):
        return text.strip().lower() == "true"
    try:
        return float(text)
    except ValueError:
        return text
