"""Run the analysis notebooks headless and export self-contained offline HTML reports.

``frontier report [NAME...] [--data PATH...] [--params FILE] [--out DIR] [--timeout S] [--interactive]``

For each notebook ``notebooks/<name>.ipynb``, one after the other (parallel kernel starts collide on this
machine):

1. papermill executes it (kernel ``python3``, working directory = project root, per-cell timeout) into a staging
   folder, injecting parameters: the notebook's own defaults, overridden by the YAML params file, then
   ``data_paths`` (``--data``), ``output_dir`` (a fresh per-run folder the notebook writes ``figures/`` and
   ``summary.json`` into) and ``chart_mode`` (``"svg"`` or ``"interactive"``, when the notebook declares it).
2. nbconvert turns the executed notebook into one HTML file (code hidden, ``parameters`` / ``injected-parameters``
   cells removed) with the offline template in ``templates/frontier`` (no CDN scripts).
3. :func:`check_offline` rejects any external reference in it.
4. Only then the new report replaces ``<out>/<name>/`` (``index.html``, ``<name>.ipynb``, ``figures/``,
   ``summary.json``, ``run.json``) in one rename. A failing notebook leaves the previous good report untouched and
   writes ``<out>/<name>/failed.html`` (error and traceback on top), ``failed.ipynb`` and ``failed.json``.

``<out>/index.html`` lists every report (:func:`write_index`). The CLI exits 0 only if every report succeeded.
"""
from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import dataclasses
import datetime as dt
import html
import json
import os
import re
import shutil
import sys
import time
import traceback
import uuid
from collections.abc import Iterator, Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from frontier import paths
from frontier.cache import file_sha256

TEMPLATES_DIR = paths.PACKAGE_DIR / "templates"
TEMPLATE_NAME = "frontier"
#: cells with these tags are dropped from reports
REMOVE_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell"})
#: parameters the runner controls; a params file may not set them
RUNNER_PARAMS = frozenset({"output_dir", "chart_mode"})
_HIDE_INPUT_TAG = "frontier-hide-input"
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class ReportError(Exception):
    """A problem with the request itself (unknown notebook, bad params file, missing data): nothing was run."""


@dataclasses.dataclass
class ReportResult:
    """Outcome of one notebook run. ``html_path`` is ``index.html`` on success, ``failed.html`` on failure."""

    name: str
    status: str  # "ok" or "failed"
    report_dir: Path
    html_path: Path
    started_utc: str
    finished_utc: str
    duration_s: float
    parameters: dict[str, Any]
    error: str | None = None
    external_refs: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class ReportResults(list):
    """The list of :class:`ReportResult` from :func:`run_reports`; ``ok`` is True only if all succeeded."""

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self)


# ------------------------------------------------------------------------------------------------- params files
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


def _check_params(d: Any, where: str) -> dict[str, Any]:
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
    import yaml

    p = Path(path)
    if not p.is_file():
        raise ReportError(f"params file not found: {p}")
    try:
        doc = yaml.load(p.read_text(encoding="utf-8"), Loader=_yaml_loader())  # noqa: S506 (SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise ReportError(f"params file {p} is not valid YAML: {exc}") from exc
    spec = ParamsSpec(source=p)
    if doc is None:
        return spec
    if not isinstance(doc, Mapping):
        raise ReportError(f"params file {p}: expected a YAML mapping at the top level, got {type(doc).__name__}")
    if "notebooks" in doc:
        extra = set(doc) - {"notebooks", "parameters", "description"}
        if extra:
            raise ReportError(f"params file {p}: unexpected top-level key(s) {sorted(extra)} next to 'notebooks'")
        nbs = doc["notebooks"]
        if not isinstance(nbs, Mapping) or not nbs:
            raise ReportError(f"params file {p}: 'notebooks' must map notebook names to parameter mappings")
        spec.common = _check_params(doc.get("parameters"), f"{p} parameters")
        for name, params in nbs.items():
            _check_name(str(name))
            spec.per[str(name)] = _check_params(params, f"{p} notebooks.{name}")
        spec.names = list(spec.per)
    elif "notebook" in doc:
        extra = set(doc) - {"notebook", "parameters", "description"}
        if extra:
            raise ReportError(f"params file {p}: unexpected top-level key(s) {sorted(extra)} next to 'notebook' "
                              "(parameters go under 'parameters:')")
        name = doc["notebook"]
        if not isinstance(name, str):
            raise ReportError(f"params file {p}: 'notebook' must be a notebook name")
        name = _strip_ipynb(name)
        _check_name(name)
        spec.per[name] = _check_params(doc.get("parameters"), f"{p} parameters")
        spec.names = [name]
    else:
        spec.common = _check_params(doc, str(p))
    return spec


# ------------------------------------------------------------------------------------------------ offline check
_URL_ATTRS = {"src", "href", "xlink:href", "action", "formaction", "poster", "data", "background", "manifest",
              "codebase", "cite", "longdesc", "icon", "ping", "archive", "lowsrc", "dynsrc"}
_EXTERNAL_RE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)\s*([^'")\s]+)""", re.I)
_CSS_IMPORT_RE = re.compile(r"""@import\s+(?:url\(\s*)?['"]?\s*([^'");\s]+)""", re.I)
_JS_ATTR_RE = re.compile(r"""\b(?:src|href)\s*=\s*\\?['"]?\s*((?:https?:)?//[^\s'"\\>]+)""", re.I)
_DATA_URI_RE = re.compile(r"^\s*data:([^;,]+)((?:;[^;,]+)*),(.*)$", re.I | re.S)


def _is_external(url: str) -> bool:
    u = url.strip().lower()
    if not _EXTERNAL_RE.match(u):
        return False
    return not u.startswith(("data:", "javascript:", "about:", "blob:", "mailto:"))


def _css_refs(css: str) -> list[str]:
    found = [m.group(2) for m in _CSS_URL_RE.finditer(css)]
    found += [m.group(1) for m in _CSS_IMPORT_RE.finditer(css)]
    return [u for u in found if _is_external(u)]


class _RefParser(HTMLParser):
    def __init__(self, include_links: bool, depth: int):
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.include_links = include_links
        self.depth = depth
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)
        if tag in ("style", "script"):
            self._in = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.refs += [f"<style> url {u}" for u in _css_refs(data)]
        elif self._in == "script":
            self.refs += [f"<script> text {m.group(1)}" for m in _JS_ATTR_RE.finditer(data)]
            self.refs += [f"<script> text url {u}" for u in _css_refs(data) if "//" in u]

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            name = name.lower()
            if name == "style":
                self.refs += [f"<{tag} style> url {u}" for u in _css_refs(value)]
            elif name in ("srcset", "imagesrcset"):
                for part in value.split(","):
                    u = part.strip().split(" ")[0]
                    if u and _is_external(u):
                        self.refs.append(f"<{tag} {name}> {u}")
            elif name == "content" and tag == "meta" and "url=" in value.lower():
                u = value.lower().split("url=", 1)[1]
                if _is_external(u):
                    self.refs.append(f"<meta refresh> {value.split('=', 1)[-1].strip()}")
            elif name in _URL_ATTRS:
                if tag == "a" and name == "href" and not self.include_links:
                    continue
                if _is_external(value):
                    self.refs.append(f"<{tag} {name}> {value.strip()}")
                elif self.depth < 3:
                    self.refs += [f"<{tag} {name}> data URI -> {r}" for r in self._data_uri_refs(value)]

    def _data_uri_refs(self, value: str) -> list[str]:
        m = _DATA_URI_RE.match(value)
        if not m:
            return []
        mime, params, payload = m.group(1).lower(), m.group(2).lower(), m.group(3)
        if not ("svg" in mime or "html" in mime or "css" in mime):
            return []
        try:
            if ";base64" in params:
                text = base64.b64decode(payload, validate=False).decode("utf-8", "replace")
            else:
                from urllib.parse import unquote

                text = unquote(payload)
        except (binascii.Error, ValueError):
            return []
        if "css" in mime:
            return _css_refs(text)
        return find_external_refs(text, include_links=True, _depth=self.depth + 1)


def find_external_refs(text: str, *, include_links: bool = True, _depth: int = 0) -> list[str]:
    """External references (http(s) or protocol-relative ``//``) in HTML/SVG text: ``src``/``href``/... attributes,
    ``url(...)`` and ``@import`` in CSS, and inside SVG/HTML/CSS ``data:`` URIs. ``include_links=False`` ignores
    plain ``<a href>`` hyperlinks (navigation, not something the page loads)."""
    parser = _RefParser(include_links, _depth)
    parser.feed(text)
    parser.close()
    return parser.refs


def check_offline(html_path: str | Path, *, include_links: bool = True) -> list[str]:
    """Every external reference in an HTML file (empty list: it renders with no network). See
    :func:`find_external_refs`; the report runner calls it with ``include_links=False``."""
    return find_external_refs(Path(html_path).read_text(encoding="utf-8", errors="replace"),
                              include_links=include_links)


# ------------------------------------------------------------------------------------------------------- export
def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _report_css() -> str:
    from frontier import display

    extra = """
.fx-failure{border:3px solid #D55E00;background:#fdf1ea;color:#1f2328;padding:14px 18px;margin:16px 0 22px;
  border-radius:6px;font-family:-apple-system,"Segoe UI","Liberation Sans",Helvetica,Arial,sans-serif}
.fx-failure h1{color:#a33a00;font-size:22px;margin:0 0 8px}
.fx-failure .fx-err{font-size:16px;font-weight:700;margin:6px 0 10px;white-space:pre-wrap}
.fx-failure pre{background:#fff;border:1px solid #e6b8a0;padding:10px;overflow-x:auto;font-size:12px;
  white-space:pre-wrap}
.fx-footer{color:#57606a;font-size:12px;border-top:1px solid #e6e8eb;margin-top:28px;padding:8px 0 20px;
  font-family:-apple-system,"Segoe UI","Liberation Sans",Helvetica,Arial,sans-serif}
"""
    return f'<style type="text/css" data-frontier="report-css">\n{display.CSS}\n{extra.strip()}\n</style>'


def _exporter(*, hide_all_input: bool) -> Any:
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    c.HTMLExporter.template_name = TEMPLATE_NAME
    c.HTMLExporter.exclude_input = hide_all_input
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.embed_images = True
    c.HTMLExporter.theme = "light"
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    c.TagRemovePreprocessor.remove_input_tags = {_HIDE_INPUT_TAG, "remove-input", "hide-input"}
    c.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    return HTMLExporter(config=c)


def notebook_to_html(nb: Any, *, title: str, banner: str = "", footer: str = "", failure: bool = False) -> str:
    """Render an executed notebook to one self-contained HTML page with the offline template.

    Normal reports hide all code; failure reports (``failure=True``) show the code of the failing cell only.
    """
    import copy

    nb = copy.deepcopy(nb)
    if failure:
        for cell in nb.cells:
            if cell.get("cell_type") != "code":
                continue
            errored = any(o.get("output_type") == "error" for o in cell.get("outputs", [])) or bool(
                cell.get("metadata", {}).get("papermill", {}).get("exception"))
            if not errored:
                tags = list(cell.setdefault("metadata", {}).get("tags", []))
                cell["metadata"]["tags"] = [*tags, _HIDE_INPUT_TAG]
    resources = {
        "metadata": {"name": title},
        "frontier_css": _report_css(),
        "frontier_banner": banner,
        "frontier_footer": footer,
    }
    body, _ = _exporter(hide_all_input=not failure).from_notebook_node(nb, resources=resources)
    return body


def _footer(name: str, started: str, nb_sha: str) -> str:
    from frontier import __version__

    return (f'<div class="fx-footer">Report <strong>{html.escape(name)}</strong> · run {html.escape(started)} UTC · '
            f"frontier {html.escape(__version__)} · notebook sha256 {html.escape(nb_sha[:12])}</div>")


def _failure_banner(name: str, error: str, tb: str, started: str, has_good: bool) -> str:
    prev = ('The previous good report is unchanged: <a href="index.html">index.html</a>.' if has_good
            else "There is no previous good report of this name.")
    return (
        '<div class="fx-failure" role="alert">'
        f"<h1>Report failed: {html.escape(name)}</h1>"
        f'<div class="fx-err">{html.escape(error)}</div>'
        f"<p>Run started {html.escape(started)} UTC. {prev}</p>"
        f"<details open><summary>Traceback</summary><pre>{html.escape(tb)}</pre></details>"
        "</div>"
    )


def _write_atomic(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    if isinstance(data, bytes):
        tmp.write_bytes(data)
    else:
        tmp.write_text(data, encoding="utf-8")
    tmp.replace(path)


def _json(obj: Any) -> str:
    from frontier.display import _jsonable

    return json.dumps(_jsonable(obj), indent=2, ensure_ascii=False) + "\n"


# -------------------------------------------------------------------------------------------------------- running
def _strip_ipynb(name: str) -> str:
    return name[:-6] if name.endswith(".ipynb") else name


def _check_name(name: str) -> str:
    if not _NAME_RE.fullmatch(name):
        raise ReportError(f"bad notebook name {name!r}: use letters, digits, '_', '.' and '-'")
    return name


def list_notebooks(notebooks_dir: str | Path | None = None) -> list[str]:
    """Names of the notebooks a report can be built from (``<dir>/<name>.ipynb``, not starting with '_' or '.')."""
    d = Path(notebooks_dir if notebooks_dir is not None else paths.NOTEBOOKS)
    if not d.is_dir():
        return []
    return sorted(p.stem for p in d.glob("*.ipynb") if not p.name.startswith(("_", ".")))


@contextlib.contextmanager
def _lock(out_dir: Path) -> Iterator[None]:
    import fcntl

    out_dir.mkdir(parents=True, exist_ok=True)
    f = open(out_dir / ".lock", "w")
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise ReportError(f"another report run is writing to {out_dir}; try again when it has finished") from exc
        yield
    finally:
        f.close()


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


@contextlib.contextmanager
def _quiet_papermill() -> Iterator[None]:
    """papermill logs a warning per comment it cannot parse and per parameter it thinks is unknown; the runner
    checks parameters itself (``declared_parameters``) and records its own warnings in run.json."""
    import logging

    log = logging.getLogger("papermill")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _error_from(exc: BaseException) -> tuple[str, str]:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        tb = "\n".join(exc.traceback) if isinstance(exc.traceback, list) else str(exc.traceback)
        return f"{exc.ename}: {exc.evalue}", _ANSI_RE.sub("", tb)
    return f"{type(exc).__name__}: {exc}", "".join(traceback.format_exception(exc))


def _run_one(name: str, nb_path: Path, params: dict[str, Any], out_dir: Path, staging_root: Path,
             timeout_s: int, interactive: bool) -> ReportResult:
    import nbformat
    import papermill as pm

    from frontier import __version__

    started = _now()
    t0 = time.monotonic()
    final = out_dir / name
    stage = staging_root / f"{name}-{uuid.uuid4().hex[:8]}"
    report = stage / "report"
    work = stage / "output"
    report.mkdir(parents=True)
    work.mkdir()
    executed = report / f"{name}.ipynb"
    nb_sha = file_sha256(nb_path)
    declared = declared_parameters(nb_path)
    warnings: list[str] = []

    injected = dict(params)
    injected["output_dir"] = str(work)
    if "chart_mode" in declared:
        injected["chart_mode"] = "interactive" if interactive else "svg"
    elif interactive:
        warnings.append("the notebook has no 'chart_mode' parameter: --interactive has no effect on it")
    if not declared:
        warnings.append("the notebook has no cell tagged 'parameters': parameters are injected at the top")
    elif "output_dir" not in declared:
        warnings.append("the notebook has no 'output_dir' parameter: figures and summary cannot be collected")
    unknown = sorted(k for k in injected if declared and k not in declared and k != "output_dir")
    if unknown:
        warnings.append(f"parameters not declared by the notebook: {', '.join(unknown)}")

    meta: dict[str, Any] = {
        "name": name,
        "started_utc": _iso(started),
        "parameters": injected,
        "parameter_overrides": {k: v for k, v in params.items()},
        "notebook": os.path.relpath(nb_path, paths.ROOT) if nb_path.is_relative_to(paths.ROOT) else str(nb_path),
        "notebook_sha256": nb_sha,
        "library_version": __version__,
        "interactive": interactive,
        "timeout_s": timeout_s,
        "python": sys.version.split()[0],
        "warnings": warnings,
    }

    error: str | None = None
    tb = ""
    refs: list[str] = []
    page = ""
    try:
        with _quiet_papermill():
            pm.execute_notebook(
                str(nb_path), str(executed), parameters=injected, kernel_name="python3", cwd=str(paths.ROOT),
                execution_timeout=timeout_s, progress_bar=False, log_output=False,
                # the kernel's own start-up chatter (e.g. its notice about local TCP sockets) is not the report's
                # business; cell errors still fail the run and appear in the failure report
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
        nb = nbformat.read(str(executed), as_version=4)
        title = str(nb.metadata.get("title") or name)
        page = notebook_to_html(nb, title=title, footer=_footer(name, _iso(started), nb_sha))
        refs = find_external_refs(page, include_links=False)
        if refs:
            error = f"OfflineCheckError: the report references {len(refs)} external resource(s)"
            tb = "\n".join(refs)
    except Exception as exc:  # noqa: BLE001 - any failure becomes a failure report
        error, tb = _error_from(exc)

    finished = _now()
    meta.update(finished_utc=_iso(finished), duration_s=round(time.monotonic() - t0, 3))

    if error is None:
        _write_atomic(report / "index.html", page)
        for item in sorted(work.iterdir()):
            if item.name in ("index.html", "run.json", executed.name, "failed.html", "failed.json", "failed.ipynb"):
                warnings.append(f"ignored {item.name} in output_dir: the runner writes that name")
                continue
            shutil.move(str(item), str(report / item.name))
        files = sorted(str(p.relative_to(report)) for p in report.rglob("*") if p.is_file())
        meta.update(status="ok", files=[*files, "run.json"])
        _write_atomic(report / "run.json", _json(meta))
        if final.exists() and not final.is_dir():
            raise ReportError(f"{final} exists and is not a directory")
        old = staging_root / f"{name}-previous-{uuid.uuid4().hex[:8]}"
        if final.exists():
            final.rename(old)
        report.rename(final)
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(stage, ignore_errors=True)
        return ReportResult(name, "ok", final, final / "index.html", meta["started_utc"], meta["finished_utc"],
                            meta["duration_s"], injected, None, [], warnings)

    # failure: never touch the previous good index.html / figures
    has_good = (final / "index.html").exists()
    banner = _failure_banner(name, error, tb, meta["started_utc"], has_good)
    try:
        if executed.exists():
            nb = nbformat.read(str(executed), as_version=4)
        else:
            nb = nbformat.read(str(nb_path), as_version=4)
            for cell in nb.cells:
                if cell.get("cell_type") == "code":
                    cell["outputs"] = []
        fpage = notebook_to_html(nb, title=f"FAILED: {name}", banner=banner, failure=True,
                                 footer=_footer(name, meta["started_utc"], nb_sha))
    except Exception as exc:  # noqa: BLE001 - the failure report must exist even if conversion fails
        fpage = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                 f"<title>FAILED: {html.escape(name)}</title>{_report_css()}</head><body>{banner}"
                 f"<p>The notebook could not be converted either: {html.escape(repr(exc))}</p></body></html>")
    final.mkdir(parents=True, exist_ok=True)
    _write_atomic(final / "failed.html", fpage)
    if executed.exists():
        _write_atomic(final / "failed.ipynb", executed.read_bytes())
    meta.update(status="failed", error=error, traceback=tb, external_refs=refs)
    _write_atomic(final / "failed.json", _json(meta))
    shutil.rmtree(stage, ignore_errors=True)
    return ReportResult(name, "failed", final, final / "failed.html", meta["started_utc"], meta["finished_utc"],
                        meta["duration_s"], injected, error, refs, warnings)


def run_reports(
    names: Sequence[str] | None = None,
    *,
    data: Sequence[str | Path] | None = None,
    params_file: str | Path | None = None,
    out_dir: str | Path | None = None,
    timeout_s: int = 600,
    interactive: bool = False,
    notebooks_dir: str | Path | None = None,
) -> ReportResults:
    """Execute notebooks and export reports, sequentially; see the module docstring.

    ``names``: notebook names (``<notebooks_dir>/<name>.ipynb``, default ``paths.NOTEBOOKS``); None: the
    notebooks the params file names, else all. ``data``: input paths passed as the ``data_paths`` parameter
    (resolved against the current directory).
    ``timeout_s``: per-cell timeout, seconds. Raises :class:`ReportError` before running anything if a notebook,
    the params file or a data path is missing or invalid. A notebook that fails gives a ``failed`` result (and
    ``failed.html``); the others still run. ``result.ok`` is True only if every report succeeded.
    """
    nb_dir = Path(notebooks_dir if notebooks_dir is not None else paths.NOTEBOOKS).resolve()
    out = Path(out_dir if out_dir is not None else paths.REPORTS).resolve()
    spec = load_params(Path(params_file).resolve()) if params_file is not None else ParamsSpec()

    if names:
        wanted = [_check_name(_strip_ipynb(str(n))) for n in names]
        if spec.names is not None and not set(spec.names) & set(wanted):
            raise ReportError(f"params file {spec.source} configures notebook(s) {spec.names}, "
                              f"none of which was requested ({wanted})")
    elif spec.names is not None:
        wanted = list(spec.names)
    else:
        wanted = list_notebooks(nb_dir)
        if not wanted:
            raise ReportError(f"no notebooks found in {nb_dir}")
    wanted = list(dict.fromkeys(wanted))
    missing = [n for n in wanted if not (nb_dir / f"{n}.ipynb").is_file()]
    if missing:
        avail = list_notebooks(nb_dir)
        raise ReportError(f"notebook(s) not found in {nb_dir}: {', '.join(missing)}"
                          f" (available: {', '.join(avail) or 'none'})")

    data_paths: list[str] | None = None
    if data:
        data_paths = []
        for d in data:
            p = Path(d).expanduser().resolve()
            if not p.exists():
                raise ReportError(f"data path not found: {d}")
            data_paths.append(str(p))

    results = ReportResults()
    with _lock(out):
        staging_root = out / ".staging"
        shutil.rmtree(staging_root, ignore_errors=True)
        staging_root.mkdir(parents=True)
        try:
            for name in wanted:
                params = spec.for_notebook(name)
                if data_paths is not None:
                    params["data_paths"] = list(data_paths)
                results.append(_run_one(name, nb_dir / f"{name}.ipynb", params, out, staging_root,
                                        int(timeout_s), interactive))
        finally:
            shutil.rmtree(staging_root, ignore_errors=True)
            write_index(out)
    return results


# ---------------------------------------------------------------------------------------------------------- index
def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        return d if isinstance(d, dict) else None
    except (OSError, ValueError):
        return None


def _params_summary(p: Mapping[str, Any] | None, limit: int = 200) -> str:
    if not p:
        return "defaults"
    parts = []
    for k, v in p.items():
        if k == "data_paths" and isinstance(v, list):
            v = ", ".join(os.path.relpath(x, paths.ROOT) if str(x).startswith(str(paths.ROOT)) else str(x)
                          for x in v)
        parts.append(f"{k}={v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}")
    s = "; ".join(parts)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def write_index(out_dir: str | Path | None = None) -> Path:
    """Write ``<out_dir>/index.html`` listing every report folder: status, last good run, parameters, links.

    A report is ``failed`` when its latest run failed (``failed.json`` newer than ``run.json``)."""
    out = Path(out_dir if out_dir is not None else paths.REPORTS)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for d in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        run = _read_json(d / "run.json")
        failed = _read_json(d / "failed.json")
        if run is None and failed is None:
            continue
        is_failed = failed is not None and (run is None or str(failed.get("finished_utc", ""))
                                            >= str(run.get("finished_utc", "")))
        rows.append((d, run, failed, is_failed))

    e = html.escape
    body = []
    for d, run, failed, is_failed in rows:
        name = d.name
        href = e(name, quote=True)
        links = []
        if (d / "index.html").exists():
            links.append(f'<a href="{href}/index.html">report</a>')
        if (d / "failed.html").exists():
            links.append(f'<a href="{href}/failed.html">failure report</a>')
        if (d / "summary.json").exists():
            links.append(f'<a href="{href}/summary.json">summary.json</a>')
        if (d / f"{name}.ipynb").exists():
            links.append(f'<a href="{href}/{href}.ipynb">notebook</a>')
        figs = sorted(p.name for p in (d / "figures").glob("*") if p.is_file()) if (d / "figures").is_dir() else []
        fig_links = " ".join(f'<a href="{href}/figures/{e(f, quote=True)}">{e(f)}</a>' for f in figs)
        status = ('<span class="bad">failed</span>' if is_failed else '<span class="good">ok</span>')
        err = ""
        if is_failed and failed:
            err = f'<div class="err">{e(str(failed.get("error", "")))} ({e(str(failed.get("finished_utc", "")))})</div>'
        src = run if run is not None else failed
        params = _params_summary((src or {}).get("parameter_overrides"))
        body.append(
            "<tr>"
            f'<td class="name">{e(name)}</td><td>{status}{err}</td>'
            f"<td>{e(str(run.get('finished_utc', '—'))) if run else '—'}</td>"
            f'<td class="params">{e(params)}</td>'
            f"<td>{' · '.join(links)}{'<div class=figs>' + fig_links + '</div>' if fig_links else ''}</td>"
            "</tr>"
        )
    from frontier import __version__

    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Reports</title>"
        "<style>"
        "body{font-family:-apple-system,'Segoe UI','Liberation Sans',Helvetica,Arial,sans-serif;color:#1f2328;"
        "background:#fff;margin:24px;font-size:14px}"
        "table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e6e8eb;padding:6px 10px;"
        "text-align:left;vertical-align:top}th{background:#f6f8fa;border-bottom:2px solid #8c959f}"
        ".good{color:#0a7a3c;font-weight:700}.bad{color:#b3261e;font-weight:700}.err{color:#7a2e00;font-size:12px;"
        "max-width:420px;white-space:pre-wrap}.params{font-family:'DejaVu Sans Mono',monospace;font-size:12px;"
        "max-width:380px;word-break:break-word}.figs{font-size:12px;margin-top:4px}.name{font-weight:600}"
        "a{color:#0969da}.muted{color:#57606a;font-size:12px}"
        "</style></head>\n<body>\n<h1>Reports</h1>\n"
        f"<p class=\"muted\">Index written {e(_iso(_now()))} UTC by frontier {e(__version__)}. "
        "Every report is a single self-contained file that opens with no network.</p>\n"
        "<table><thead><tr><th>Report</th><th>Status</th><th>Last good run (UTC)</th>"
        "<th>Parameters</th><th>Files</th></tr></thead><tbody>\n"
        + ("\n".join(body) if body else '<tr><td colspan="5">No reports yet.</td></tr>')
        + "\n</tbody></table>\n</body></html>\n"
    )
    target = out / "index.html"
    _write_atomic(target, page)
    return target


# ------------------------------------------------------------------------------------------------------------ CLI
def _rel(p: Path) -> str:
    try:
        return os.path.relpath(p)
    except ValueError:
        return str(p)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="frontier report",
        description="Execute analysis notebooks headless and export offline HTML reports "
                    "(exit 0 only if every report succeeded).")
    ap.add_argument("names", nargs="*", metavar="NAME", help="notebook names in notebooks/ (default: all, or the "
                    "notebook(s) the params file names)")
    ap.add_argument("--data", nargs="+", action="extend", metavar="PATH",
                    help="input files/folders passed to the notebooks as data_paths")
    ap.add_argument("--params", type=Path, metavar="FILE", help="YAML params file (see params/README.md)")
    ap.add_argument("--out", type=Path, default=None, metavar="DIR",
                    help="output folder (default: reports/ in the project)")
    ap.add_argument("--timeout", type=int, default=600, metavar="S", help="per-cell timeout in seconds (600)")
    ap.add_argument("--interactive", action="store_true",
                    help="interactive charts (embeds the chart runtime once per page) instead of static SVG")
    ap.add_argument("--list", action="store_true", help="list the notebooks and exit")
    return ap


def main_report(argv: Sequence[str] | None = None) -> int:
    """``frontier report`` entry point; returns the exit code (0 all ok, 1 a report failed, 2 bad request)."""
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    if args.list:
        for n in list_notebooks():
            print(n)
        return 0
    if args.timeout <= 0:
        print("frontier report: --timeout must be a positive number of seconds", file=sys.stderr)
        return 2
    try:
        results = run_reports(args.names or None, data=args.data, params_file=args.params, out_dir=args.out,
                              timeout_s=args.timeout, interactive=args.interactive)
    except ReportError as exc:
        print(f"frontier report: error: {exc}", file=sys.stderr)
        return 2
    for r in results:
        line = f"{'ok' if r.ok else 'FAILED':<7}{r.name:<28} {_rel(r.html_path)}  ({r.duration_s:.1f} s)"
        if not r.ok:
            line += f"  {r.error}"
        print(line)
        for w in r.warnings:
            print(f"        warning: {w}")
    out = Path(args.out) if args.out is not None else paths.REPORTS
    print(f"index: {_rel(out.resolve() / 'index.html')}")
    return 0 if results.ok else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main_report())
