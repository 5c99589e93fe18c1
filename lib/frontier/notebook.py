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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from . import __version__, charts, display, figure_forms, lab, paths
from .economics import Pricing
from .iso import COST_RULES
from .load import LoadResult, load, matches

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
            raise ParameterError(f"parameter {name!r}: {e} (got {v!r})") from None
    return out


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
            raise TypeError("must be a list")
        return [_coerce(x, inner) for x in v]
    if want is dict:
        if v is None:
            return {}
        if not isinstance(v, dict):
            raise TypeError("must be a mapping")
        return dict(v)
    if want is bool:
        if isinstance(v, bool):
            return v
        if isinstance(v, str) and v.lower() in ("true", "false"):
            return v.lower() == "true"
        raise TypeError("must be true or false")
    if want is int:
        if isinstance(v, bool) or v is None:
            raise TypeError("must be an integer")
        f = float(v)
        if f != int(f):
            raise ValueError("must be a whole number")
        return int(f)
    if want is float:
        if isinstance(v, bool) or v is None:
            raise TypeError("must be a number")
        return float(v)
    if want is str:
        if v is None:
            return ""
        if not isinstance(v, (str, int, float)):
            raise TypeError("must be text")
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

    @property
    def points(self) -> pl.DataFrame:
        return self.result.points

    @property
    def synthetic(self) -> bool:
        return self.result.synthetic

    def select(self, **filters: Any) -> pl.DataFrame:
        """Points matching filters (see ``frontier.load.matches``); empty lists/strings/0 mean "all".
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
        forms :mod:`frontier.figure_forms` asks for (a report: ``<name>-light.svg``; by hand also the PNG (2×);
        ``frontier report --figures all``: the dark theme too)."""
        fig_dir = self.output_dir / "figures"
        forms = figure_forms.current()
        png = figure_forms.with_png(forms)
        spec = charts.to_spec(_call_builder(builder, "light"))
        if self.chart_mode == "interactive":
            data, meta = lab.interactive_renderer(spec)
        else:
            data, meta = lab.svg_renderer(spec, png=png)
        svg = data.get("image/svg+xml") or charts.render_svg(lab.themed(spec))
        written = charts.write_figure(
            name, fig_dir, "light", svg=svg, png=base64.b64decode(data["image/png"]) if png else None
        )
        if forms == "all":
            written += charts.save_figure(builder, name, fig_dir, themes=("dark",))
        self.figures.append({"name": name, "files": [p.name for p in written], "caption": caption})
        _display_bundle(data, meta)
        if caption:
            _display(display.callout(caption, "note"))

    def finish(self, **summary: Any) -> None:
        """Write ``summary.json`` (parameters, inputs, load report, figures, notes and the given tables) to
        ``summary_path``. Returns nothing, so a notebook's last cell shows no repr."""
        body = {
            "title": self.title,
            "library_version": __version__,
            "synthetic": self.synthetic,
            "parameters": self.params,
            "load": self.result.report.to_dict(examples=20) | {"files": self.result.inputs()},
            "figures": self.figures,
            "notes": self.notes,
            **summary,
        }
        self.summary_path = display.summary_json(body, self.output_dir)


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
    inputs = [str(Path(p) if Path(p).is_absolute() else paths.ROOT / p) for p in (data_paths or [])]
    if not inputs:
        inputs = [str(paths.SAMPLE_DIR)]
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
    ctx = Context(title=title, params=dict(params), result=res, output_dir=out, chart_mode=chart_mode)
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
