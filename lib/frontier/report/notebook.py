"""What every analysis notebook does around its analysis: check parameters, load inputs, show provenance, save
figures, write the machine-readable summary. Notebooks call these; no logic lives in notebook cells.

The parameters are declared once, in the notebook's ``parameters`` cell, as annotated defaults
(``isl: int = 1024  # tokens``); one call right after it validates them against those annotations:

    ctx = notebook.setup(globals(), "Iso-interactivity table")
    P = ctx.params
    ctx.show(ctx.table(df, formats=...))
    ctx.figure("frontier", lambda theme: charts.frontier_chart(..., theme=theme))
    ctx.finish(table=df)
"""

from __future__ import annotations

import base64
import functools
import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from frontier import __version__, paths
from frontier.analysis.economics import Pricing
from frontier.analysis.iso import COST_RULES
from frontier.data.load import LoadResult, load, matches
from frontier.plain import NotPlainError, check_plain, injected_names, shown
from frontier.present import charts, display, lab
from frontier.report import figure_forms
from frontier.report.summary_schema import SCHEMA_VERSION, data_inventory, with_config_keys

__all__ = [
    "Context",
    "ParameterError",
    "SCRATCH_ROOT",
    "check_params",
    "declared_parameters",
    "partial",
    "pricing_from",
    "resolve",
    "setup",
    "slug",
    "start",
]

SCRATCH_ROOT = paths.DATA_PROCESSED / "scratch"
"""Where a notebook run by hand (``output_dir`` left empty) writes its figures and summary: never ``reports/``."""
_CHART_MODES = ("svg", "interactive", "auto")
_SERVING_MODES = ("", "agg", "disagg")
_PARAMETER_CHOICES: dict[str, tuple[str, ...]] = {
    "chart_mode": _CHART_MODES,
    "cost_rule": COST_RULES,
    "serving": _SERVING_MODES,
}
"""Parameters (by name, in any notebook) whose value must be one of a fixed set; the sets live in the library."""


class ParameterError(ValueError):
    """A notebook parameter has the wrong type or value."""


def check_params(values: Mapping[str, Any], types: Mapping[str, Any]) -> dict[str, Any]:
    """Validate (and gently coerce) notebook parameters: ``types`` maps name → int, float, str, bool, dict,
    list[float], list[str], list[int] or a tuple of allowed strings. Raises ParameterError naming the parameter."""
    out: dict[str, Any] = {}
    for name, want in types.items():
        v = values.get(name)
        try:
            out[name] = _coerce(v, want)
        except (TypeError, ValueError) as e:
            raise ParameterError(
                f"parameter {name!r} is declared {_type_name(want)}: {e} (got {shown(v, 60)})"
            ) from None
    return out


def _type_name(want: Any) -> str:
    """An annotation as written in a parameters cell (``int``, ``list[float]``, ``dict``)."""
    if isinstance(want, tuple):
        return "one of " + ", ".join(map(repr, want))
    return want.__name__ if isinstance(want, type) else str(want)


def _number(v: Any) -> float:
    """``v`` as a float: numbers and text that spells one ("1024", " 0.5 "); else a ValueError."""
    if isinstance(v, bool) or v is None or not isinstance(v, (int, float, str)):
        raise TypeError("give a number")
    try:
        f = float(v)
    except ValueError:
        raise ValueError("give a number") from None
    if not math.isfinite(f):
        raise ValueError("give a finite number")
    return f


def _coerce(v: Any, want: Any) -> Any:
    if isinstance(want, tuple):  # allowed values
        if v not in want:
            raise ValueError(f"must be one of {list(want)}")
        return v
    origin = getattr(want, "__origin__", None)
    if origin is list:
        (inner,) = want.__args__
        if v is None:
            return []
        if isinstance(v, str):
            v = [s for s in (p.strip() for p in v.split(",")) if s]
        if not isinstance(v, (list, tuple)):
            raise TypeError("give a list")
        return [_coerce(x, inner) for x in v]
    if want is dict:
        if v is None:
            return {}
        if not isinstance(v, dict):
            raise TypeError("give a mapping")
        try:
            return dict(check_plain(v, "the mapping"))
        except NotPlainError as e:
            raise TypeError(str(e)) from None
    if want is bool:
        if isinstance(v, bool):
            return v
        if isinstance(v, str) and v.lower() in ("true", "false"):
            return v.lower() == "true"
        raise TypeError("give true or false")
    if want is int:
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        try:
            f = _number(v)
        except (TypeError, ValueError):
            raise ValueError("give a whole number") from None
        if f != int(f):
            raise ValueError("give a whole number")
        return int(f)
    if want is float:
        return _number(v)
    if want is str:
        if v is None:
            return ""
        if not isinstance(v, (str, int, float)):
            raise TypeError("give text")
        return str(v)
    raise TypeError(f"unsupported parameter type {want}")


@dataclass
class Context:
    """One notebook run: its parameters, loaded data and output folder."""

    title: str
    params: dict[str, Any]
    result: LoadResult
    output_dir: Path
    chart_mode: str = "svg"
    figures: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary_path: Path | None = None
    #: the finding first: 1–3 sentences computed from the results (``headline``), and whether there was anything
    #: to compare ("finding" / "nothing to compare")
    headline_lines: list[str] = field(default_factory=list)
    headline_state: str = ""
    #: what the report covers when the notebook chose it from the data, e.g. "DeepSeek-R1-0528 · 1024/1024"
    scope: str = ""
    inputs: list[str] = field(default_factory=list)  # the data paths loaded (absolute)
    keep: str = "newest"  # how reruns were kept when loading

    @property
    def points(self) -> pl.DataFrame:
        return self.result.points

    @property
    def synthetic(self) -> bool:
        return self.result.synthetic

    def select(self, **filters: Any) -> pl.DataFrame:
        """Points matching filters (see ``frontier.data.load.matches``); empty lists/strings/0 mean "all".
        Raises ParameterError when nothing matches, listing what the data holds."""
        clean = {k: v for k, v in filters.items() if v not in (None, "", [], (), 0)}
        out = matches(self.points, **clean)
        if out.height == 0:
            models = sorted(set(self.points["model"].drop_nulls()))
            seqs = sorted(set(self.points.select(pl.format("{}/{}", "isl", "osl")).to_series()))
            raise ParameterError(f"no points match {clean}; models loaded: {models}; ISL/OSL: {seqs}")
        return out

    def show(self, *objs: Any) -> None:
        _display(*objs)

    def table(self, df: pl.DataFrame, formats: Mapping[str, Any] | None = None, **kw: Any) -> display.HTML:
        """An HTML table; ``formats`` may be a shared dict (entries for absent columns are ignored)."""
        fmts = {k: v for k, v in (formats or {}).items() if k in df.columns}
        return display.table_html(df, formats=fmts, **kw)

    def note(self, text: str, kind: str = "note", title: str | None = None) -> None:
        """Show a callout and keep it for the summary."""
        self.notes.append(text)
        _display(display.callout(text, kind, title=title))

    def figure(self, name: str, builder: Callable[..., Any], caption: str | None = None) -> None:
        """Show ``builder`` (theme → chart) in the light theme and save that same render in ``figures/``: the
        forms :mod:`frontier.report.figure_forms` asks for (a report: ``<name>-light.svg``; by hand also the PNG (2×);
        ``frontier report --figures all``: the dark theme too)."""
        fig_dir = self.output_dir / "figures"
        forms = figure_forms.current()
        png = figure_forms.with_png(forms)
        spec = charts.to_spec(_call_builder(builder, "light"))
        if self.chart_mode == "interactive":
            data, meta = lab.interactive_renderer(spec)
        else:
            data, meta = lab.svg_renderer(spec, png=png)
        svg = data.get("image/svg+xml") or charts.export.render_svg(lab.themed(spec))
        written = charts.write_figure(
            name, fig_dir, "light", svg=svg, png=base64.b64decode(data["image/png"]) if png else None
        )
        if forms == "all":
            written += charts.save_figure(builder, name, fig_dir, themes=("dark",))
        self.figures.append({"name": name, "files": [p.name for p in written], "caption": caption})
        _display_bundle(data, meta)
        if caption:
            _display(display.callout(caption, "note"))

    def headline(self, sentences: Sequence[str | None], *, state: str = "finding", scope: str = "") -> None:
        """The report's finding: 1–3 plain sentences computed from its results (empty ones dropped), shown in a
        block the report moves to the top of the page, and kept as ``headline`` in ``summary.json``. ``state``
        "nothing to compare" when the data held nothing to compare (the index then says so); ``scope``: the
        model and ISL/OSL the notebook chose from the data."""
        lines = [str(t) for t in sentences if t]
        if not lines:
            raise ValueError("a headline needs at least one sentence")
        self.headline_lines, self.headline_state = lines, state
        if scope:
            self.scope = scope
        _display(display.headline_html(lines, state, source=self.data_source))

    @functools.cached_property
    def every_run(self) -> pl.DataFrame:
        """The same inputs loaded with every rerun kept (``keep="all"``): per-run values and their range."""
        if self.keep == "all":
            return self.points
        return load(self.inputs, keep="all").points

    @property
    def data_source(self) -> str:
        """Where the data came from and when it was measured, in one line (``labels.data_line``)."""
        from frontier.data.labels import data_line

        return data_line(self.points) if self.points.height else "Data: no points loaded"

    def data_dates(self) -> dict[str, Any]:
        """First and last measurement date of the loaded points (ISO text), or ``undated`` with the run ids."""
        pts = self.points
        if "date" in pts.columns and pts["date"].drop_nulls().len():
            return {"first": str(pts["date"].drop_nulls().min()), "last": str(pts["date"].drop_nulls().max())}
        runs = sorted(pts["run_id"].drop_nulls().unique().to_list()) if "run_id" in pts.columns else []
        return {
            "undated": True,
            "runs": len(runs),
            "first_run": runs[0] if runs else None,
            "last_run": runs[-1] if runs else None,
        }

    def finish(self, **summary: Any) -> None:
        """Write ``summary.json`` (parameters, inputs, load report, figures, notes and the given tables) to
        ``summary_path``. Returns nothing, so a notebook's last cell shows no repr."""
        body = {
            "schema_version": SCHEMA_VERSION,
            "title": self.title,
            "library_version": __version__,
            "synthetic": self.synthetic,
            "parameters": self.params,
            "load": self.result.report.to_dict(examples=20) | {"files": self.result.inputs()},
            "figures": self.figures,
            "notes": self.notes,
            "data": data_inventory(self.points),
            "headline": self.headline_lines,
            "headline_state": self.headline_state or ("finding" if self.headline_lines else ""),
            "scope": self.scope,
            "data_source": self.data_source,
            "data_dates": self.data_dates(),
            **summary,
        }
        self.summary_path = display.summary_json(with_config_keys(display.jsonable(body)), self.output_dir)


def _call_builder(builder: Callable[..., Any], theme: str) -> Any:
    try:
        sig = inspect.signature(builder)
        if "theme" in sig.parameters:
            return builder(theme=theme)
    except (TypeError, ValueError):
        pass
    return builder(theme)


def _display_bundle(data: dict[str, Any], meta: dict[str, Any]) -> None:
    """Show a rendered mime bundle (what Altair's renderer would have shown), or its text outside Jupyter."""
    try:
        from IPython.display import display as ipy_display
    except ImportError:  # outside Jupyter
        print(data.get("text/plain", ""))
        return
    ipy_display(data, metadata=meta, raw=True)


def _display(*objs: Any) -> None:
    try:
        from IPython.display import display as ipy_display
    except ImportError:  # outside Jupyter
        for o in objs:
            print(o)
        return
    ipy_display(*objs)


def declared_parameters(ns: Mapping[str, Any]) -> dict[str, Any]:
    """Name → type of every parameter the notebook's ``parameters`` cell declared (its annotated assignments,
    which Python keeps in the namespace's ``__annotations__``)."""
    declared = ns.get("__annotations__")
    if not isinstance(declared, Mapping) or not declared:
        raise ParameterError(
            "no annotated parameters found: run the notebook's parameters cell first "
            "(each parameter declared as `name: type = default  # comment`)"
        )
    return dict(declared)


def setup(ns: dict[str, Any], title: str, *, keep: str = "newest", intro: str | None = None) -> Context:
    """The one setup call of a notebook: validate the (possibly injected) parameters in ``ns`` (the notebook's
    ``globals()``) against the annotations of its ``parameters`` cell, write the coerced values back, then
    :func:`start` (load data, style, provenance, output folder).

    ``chart_mode`` "auto" means static SVG when ``output_dir`` is given (a report or batch run) and interactive
    charts when it is not (a run by hand in JupyterLab). A run by hand writes to :data:`SCRATCH_ROOT`."""
    declared = declared_parameters(ns)
    _refuse_undeclared(ns, declared)
    params = check_params(ns, declared)
    for name, allowed in _PARAMETER_CHOICES.items():
        if name in params and params[name] not in allowed:
            raise ParameterError(f"parameter {name!r}: must be one of {list(allowed)} (got {params[name]!r})")
    ns.update(params)
    output_dir = str(params.get("output_dir") or "")
    mode = str(params.get("chart_mode") or "svg")
    if mode == "auto":
        mode = "svg" if output_dir else "interactive"
    return start(
        title,
        params=params,
        data_paths=params.get("data_paths") or [],
        output_dir=output_dir,
        chart_mode=mode,
        keep=keep,
        intro=intro,
    )


def _refuse_undeclared(ns: Mapping[str, Any], declared: Mapping[str, Any]) -> None:
    """Raise ParameterError when the injected parameters cell (written by ``frontier report`` or papermill, found
    in the kernel's input history ``In``) sets a name the parameters cell does not declare: papermill only warns,
    and a misspelt name would leave its parameter at the default."""
    history = ns.get("In")
    if not isinstance(history, list):
        return
    for source in reversed(history):
        names = injected_names(source) if isinstance(source, str) else None
        if names is None:
            continue
        unknown = [n for n in dict.fromkeys(names) if n not in declared]
        if unknown:
            raise ParameterError(
                f"this notebook has no parameter {', '.join(map(repr, unknown))} "
                f"(its parameters: {', '.join(declared)})"
            )
        return


def _output_folder(title: str, output_dir: str | None) -> tuple[Path, bool]:
    """(folder for figures and summary.json, whether it is the scratch folder of a run by hand)."""
    if not output_dir:
        return SCRATCH_ROOT / slug(title), True
    out = Path(output_dir)
    return (out if out.is_absolute() else paths.ROOT / out), False


def start(
    title: str,
    *,
    params: Mapping[str, Any],
    data_paths: Sequence[str] | None = None,
    output_dir: str | None = None,
    chart_mode: str = "svg",
    keep: str = "newest",
    intro: str | None = None,
) -> Context:
    """Load the inputs (default: the bundled sample), show title, synthetic banner and provenance."""
    if chart_mode not in ("svg", "interactive"):
        raise ParameterError(f"parameter 'chart_mode': must be one of {list(_CHART_MODES)}, got {chart_mode!r}")
    inputs = paths.input_paths(data_paths or [])
    out, scratch = _output_folder(title, output_dir)
    out.mkdir(parents=True, exist_ok=True)
    lab.enable(chart_mode)
    if scratch:
        _display(
            display.callout(
                f"Run by hand: figures and summary.json go to the scratch folder "
                f"{_scratch_text(out)} (reports are built with `frontier report`).",
                "note",
                title="Output",
            )
        )
    res = load(inputs, keep=keep)
    ctx = Context(
        title=title, params=dict(params), result=res, output_dir=out, chart_mode=chart_mode, inputs=inputs, keep=keep
    )
    if intro:
        _display(display.callout(intro, "note"))
    _display(
        display.provenance_html(
            inputs=[
                {k: f[k] for k in ("path", "sha256", "format", "rows_read", "rows_loaded")}
                for f in res.inputs()
                if f["status"] == "read"
            ],
            load_summary=res.report.to_dict(examples=10),
            params=dict(params.items()),
            library_version=__version__,
            synthetic=res.synthetic,
        )
    )
    return ctx


def _scratch_text(out: Path) -> str:
    try:
        return str(out.relative_to(paths.ROOT))
    except ValueError:
        return str(out)


def pricing_from(view: str, gpu_table: str = "", price_table: str = "", as_of: str = "") -> Pricing:
    """The pricing a notebook's parameters ask for: a user price table CSV (kW from its own column, else from the
    GPU table chosen by ``gpu_table`` / ``as_of``), or a dashboard GPU table (a version, or the one in force on
    ``as_of``, else the newest)."""
    if gpu_table and as_of:
        raise ParameterError("parameters 'gpu_table' and 'as_of': give one of them, not both")
    try:
        if price_table:
            p = Path(price_table)
            pr = Pricing.from_table(
                p if p.is_absolute() else paths.ROOT / p, version=gpu_table or None, as_of=as_of or None
            )
        else:
            pr = Pricing.dashboard(version=gpu_table or None, as_of=as_of or None)
    except ValueError as e:
        raise ParameterError(f"pricing parameters: {e}") from None
    if view not in pr.views:
        raise ParameterError(f"parameter 'tco_view': {view!r} is not in {pr.label} (views: {list(pr.views)})")
    return pr


def slug(text: str) -> str:
    """A file-name-safe name: lower case, runs of other characters become "_"."""
    import re

    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "notebook"


def resolve(path: str) -> Path:
    """A path from a parameter: absolute as given, relative from the project root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else paths.ROOT / p


partial = functools.partial  # re-exported so notebooks can build chart builders without importing functools
