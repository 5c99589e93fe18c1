"""Charts: Altair 6 builders with a light/dark theme, figure export and offline notebook rendering.

Everything here works with no network:

- builders (:func:`frontier_chart`, :func:`cost_chart`, :func:`ratio_chart`, :func:`line_chart`) take polars (or
  pandas) frames, inline only the columns they draw, and refuse more than ``max_rows`` rows (Altair's 5,000-row
  limit) with a clear message instead of silently dropping or touching Altair's global data transformer;
- the theme is set per chart through its Vega-Lite ``config`` (:func:`theme_config`, :func:`apply_theme`), never as
  a global side effect;
- :func:`save_figure` writes ``<name>-light.png`` (2x), ``<name>-light.svg``, ``<name>-dark.png`` and
  ``<name>-dark.svg`` with vl-convert;
- :func:`enable_offline` makes notebooks render charts as static inline SVG (default, no JavaScript) or, opt-in, as
  interactive charts that embed the vl-convert JavaScript bundle once per page.

Units on the default axes: interactivity in tok/s/user, throughput in tok/s/GPU, cost in $ per million tokens.
"""
from __future__ import annotations

import copy
import functools
import html
import inspect
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import altair as alt
import polars as pl

Theme = Literal["light", "dark"]
THEMES: tuple[str, ...] = ("light", "dark")

#: Altair's own inline-data limit; builders refuse larger frames unless told otherwise.
MAX_ROWS = 5000

FONT = "Liberation Sans, Helvetica Neue, Helvetica, Arial, DejaVu Sans, sans-serif"

#: Okabe-Ito based categorical palettes (colour-blind safe). The dark variant keeps the same hue order, lightened
#: for contrast on a dark background, so a label keeps its colour across variants.
PALETTES: dict[str, list[str]] = {
    "light": ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#A08C00", "#666666"],
    "dark": ["#4FA3E0", "#F0B13A", "#2FC295", "#F0803C", "#E39BC6", "#8FD3F7", "#F0E442", "#BBBBBB"],
}

COLORS: dict[str, dict[str, str]] = {
    "light": {"background": "#ffffff", "text": "#1f2328", "subtle": "#57606a", "grid": "#e6e8eb",
              "domain": "#8c959f"},
    "dark": {"background": "#0d1117", "text": "#e6edf3", "subtle": "#9da7b3", "grid": "#2a3038",
             "domain": "#6e7681"},
}

X_INTVTY_TITLE = "Interactivity (tok/s/user)"
Y_TPUT_TITLE = "Throughput per GPU (tok/s/GPU)"
Y_COST_TITLE = "Cost ($ per million tokens)"

_NUM_FORMAT = ",.5~r"


# --------------------------------------------------------------------------------------------------------- theme
def _check_theme(theme: str) -> str:
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {THEMES}, got {theme!r}")
    return theme


def theme_config(theme: Theme = "light") -> dict[str, Any]:
    """The Vega-Lite ``config`` of the project theme (a fresh dict each call)."""
    c = COLORS[_check_theme(theme)]
    palette = PALETTES[theme]
    label = {"labelColor": c["subtle"], "labelFont": FONT, "labelFontSize": 11}
    title = {"titleColor": c["text"], "titleFont": FONT, "titleFontSize": 12, "titleFontWeight": 600}
    return {
        "background": c["background"],
        "font": FONT,
        "padding": 10,
        "view": {"stroke": None, "continuousWidth": 640, "continuousHeight": 400},
        "title": {"color": c["text"], "subtitleColor": c["subtle"], "font": FONT, "subtitleFont": FONT,
                  "fontSize": 15, "subtitleFontSize": 12, "fontWeight": 600, "anchor": "start", "offset": 12},
        "axis": {**label, **title, "gridColor": c["grid"], "domainColor": c["domain"], "tickColor": c["domain"],
                 "labelFlush": False},
        "legend": {"labelColor": c["text"], "labelFont": FONT, "labelFontSize": 11, "titleColor": c["text"],
                   "titleFont": FONT, "titleFontSize": 12, "titleFontWeight": 600, "labelLimit": 320},
        "header": {"labelColor": c["text"], "titleColor": c["text"], "labelFont": FONT, "titleFont": FONT},
        "range": {"category": list(palette)},
        "mark": {"color": palette[0]},
        "line": {"strokeWidth": 2.2},
        "point": {"filled": True},
        "text": {"color": c["text"], "font": FONT},
        "style": {
            "guide-rule": {"color": c["subtle"], "strokeDash": [2, 3], "strokeWidth": 1.2},
            "guide-label": {"color": c["subtle"], "font": FONT, "fontSize": 10},
            "ref-rule": {"color": c["subtle"], "strokeDash": [5, 4], "strokeWidth": 1.2},
        },
    }


def _deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _config_dict(chart: alt.TopLevelMixin) -> dict[str, Any]:
    cfg = chart._get("config")  # type: ignore[attr-defined]
    if cfg is alt.Undefined or cfg is None:
        return {}
    if isinstance(cfg, Mapping):
        return dict(cfg)
    return cfg.to_dict(validate=False)


def apply_theme(chart: alt.TopLevelMixin, theme: Theme = "light") -> alt.TopLevelMixin:
    """A copy of ``chart`` styled with ``theme`` (the theme overrides the chart's own config where both set a key)."""
    out = chart.copy(deep=True)
    out["config"] = _deep_merge(_config_dict(chart), theme_config(theme))
    return out


def spec_with_theme(spec: Mapping[str, Any], theme: Theme = "light", *, override: bool = True) -> dict[str, Any]:
    """A Vega-Lite spec dict with the theme config merged in (``override=False``: chart settings win)."""
    spec = dict(spec)
    cfg = spec.get("config") or {}
    spec["config"] = _deep_merge(cfg, theme_config(theme)) if override else _deep_merge(theme_config(theme), cfg)
    return spec


# ---------------------------------------------------------------------------------------------------------- data
def _frame(df: Any, what: str) -> pl.DataFrame:
    if isinstance(df, pl.DataFrame):
        return df
    if isinstance(df, pl.LazyFrame):
        return df.collect()
    try:
        import pandas as pd

        if isinstance(df, pd.DataFrame):
            return pl.from_pandas(df)
    except ImportError:  # pragma: no cover
        pass
    if isinstance(df, list):
        return pl.DataFrame(df, infer_schema_length=None)
    raise TypeError(f"{what}: expected a polars or pandas DataFrame, got {type(df).__name__}")


def _field(name: str) -> str:
    """Escape a column name for a Vega-Lite field reference (dots and brackets are path syntax there)."""
    return re.sub(r"([.\[\]\\])", r"\\\1", name)


def _enc_type(dtype: pl.DataType) -> str:
    if dtype.is_numeric():
        return "quantitative"
    if dtype in (pl.Date, pl.Datetime) or isinstance(dtype, pl.Datetime):
        return "temporal"
    return "nominal"


def _values(df: pl.DataFrame, cols: Iterable[str], *, what: str, max_rows: int) -> list[dict[str, Any]]:
    """Rows of ``df`` restricted to ``cols`` as JSON-ready dicts (dates as ISO strings, NaN/inf as null)."""
    cols = list(dict.fromkeys(c for c in cols if c is not None))
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{what}: column(s) {missing} not found; available columns: {df.columns}")
    if df.height > max_rows:
        raise ValueError(
            f"{what} has {df.height:,} rows; a chart inlines at most {max_rows:,} rows (Altair's limit). "
            "Filter or aggregate first (e.g. frontier points only, one row per curve and x), "
            "or pass max_rows=... to raise the limit for this chart."
        )
    exprs = []
    for c in cols:
        dtype = df.schema[c]
        e = pl.col(c)
        if dtype.is_float():
            e = pl.when(e.is_finite()).then(e).otherwise(None)
        elif dtype.is_decimal():
            e = e.cast(pl.Float64)
        elif dtype == pl.Date:
            e = e.dt.strftime("%Y-%m-%d")
        elif isinstance(dtype, pl.Datetime):
            e = e.dt.strftime("%Y-%m-%dT%H:%M:%S%.f")
        elif isinstance(dtype, (pl.Categorical, pl.Enum)):
            e = e.cast(pl.String)
        elif isinstance(dtype, (pl.List, pl.Array, pl.Struct, pl.Object)):
            e = e.cast(pl.String, strict=False) if not isinstance(dtype, pl.Object) else e.map_elements(
                str, return_dtype=pl.String)
        exprs.append(e.alias(c))
    return df.select(exprs).to_dicts()


def _data(rows: list[dict[str, Any]]) -> alt.InlineData:
    return alt.InlineData(values=rows)


def _tooltip(df: pl.DataFrame, items: Sequence[Any]) -> list[Any]:
    out = []
    for t in items:
        if not isinstance(t, str):
            out.append(t)
            continue
        typ = _enc_type(df.schema[t])
        kw: dict[str, Any] = {"field": _field(t), "type": typ, "title": t}
        if typ == "quantitative":
            kw["format"] = _NUM_FORMAT
        out.append(alt.Tooltip(**kw))
    return out


def _present(df: pl.DataFrame | None, cols: Iterable[str | None]) -> list[str]:
    if df is None:
        return []
    return [c for c in cols if c is not None and c in df.columns]


def _domain(*pairs: tuple[pl.DataFrame | None, str | None]) -> list[str]:
    """Union of the colour column values in order of first appearance (stable colours across layers)."""
    seen: dict[str, None] = {}
    for df, col in pairs:
        if df is None or col is None or col not in df.columns:
            continue
        for v in df.get_column(col).cast(pl.String).to_list():
            if v is not None:
                seen.setdefault(v, None)
    return list(seen)


#: line dash patterns used, in turn, once the palette's colours are used up (label i gets dash i // len(palette))
DASHES: list[list[float]] = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]]


def _dash(color: str | None, domain: list[str]) -> Any:
    """A strokeDash encoding when there are more labels than palette colours (so no two curves look the same);
    it shares the colour legend (same field, same title)."""
    n = len(PALETTES["light"])
    if color is None or len(domain) <= n:
        return alt.Undefined
    rng = [DASHES[min(i // n, len(DASHES) - 1)] for i in range(len(domain))]
    return alt.StrokeDash(f"{_field(color)}:N", title=None, scale=alt.Scale(domain=domain, range=rng))


def _color(color: str | None, domain: list[str]) -> Any:
    """Colour by label with a fixed domain (stable colours across layers); legend symbols are line segments."""
    if color is None:
        return alt.Undefined
    return alt.Color(f"{_field(color)}:N", title=None, scale=alt.Scale(domain=domain),
                     legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=260, symbolOpacity=1))


def _title(title: str | None, subtitle: str | None) -> Any:
    if title is None and subtitle is None:
        return alt.Undefined
    return alt.TitleParams(text=title or "", subtitle=subtitle) if subtitle else title


def _scale(log: bool, zero: bool | None = None, domain: Any = None) -> alt.Scale:
    kw: dict[str, Any] = {}
    if log:
        kw["type"] = "log"
    elif zero is not None:
        kw["zero"] = zero
    if domain is not None:
        kw["domain"] = domain
    return alt.Scale(**kw)


def _finish(chart: alt.TopLevelMixin, *, theme: str, title: str | None, subtitle: str | None, width: int,
            height: int) -> alt.TopLevelMixin:
    chart = chart.properties(width=width, height=height)
    t = _title(title, subtitle)
    if t is not alt.Undefined:
        chart = chart.properties(title=t)
    desc = ". ".join(x for x in (title, subtitle) if x)
    if desc:  # for screen readers: the SVG's aria-label and the report image's alt text
        chart = chart.properties(description=desc)
    chart["config"] = theme_config(theme)  # type: ignore[index]
    return chart


def chart_description(spec: Mapping[str, Any]) -> str:
    """A one-line text description of a chart spec (its description, else its title and subtitle), for alt text."""
    desc = spec.get("description")
    if isinstance(desc, str) and desc.strip():
        return desc.strip()
    title = spec.get("title")
    parts: list[str] = []
    if isinstance(title, Mapping):
        for key in ("text", "subtitle"):
            v = title.get(key)
            parts += [str(x) for x in v] if isinstance(v, (list, tuple)) else ([str(v)] if v else [])
    elif isinstance(title, (list, tuple)):
        parts = [str(x) for x in title]
    elif title:
        parts = [str(title)]
    return ". ".join(p for p in parts if p.strip()) or "Chart"


def _target_layers(targets: Sequence[float] | None, x_field_title: str, unit: str) -> list[alt.Chart]:
    if not targets:
        return []
    rows = [{"target": float(t), "target_label": f"{float(t):g} {unit}".strip()} for t in targets]
    base = alt.Chart(_data(rows))
    rule = base.mark_rule(style="guide-rule").encode(
        x=alt.X("target:Q", title=x_field_title),
        tooltip=[alt.Tooltip("target_label:N", title="target")])
    text = base.mark_text(style="guide-label", angle=270, align="right", baseline="top", dx=-4, dy=3).encode(
        x="target:Q", y=alt.value(0), text="target_label:N")
    return [rule, text]


# -------------------------------------------------------------------------------------------------------- builders
def with_label(df: pl.DataFrame, cols: Sequence[str] = ("hardware", "framework", "precision", "spec_method"),
               *, name: str = "label", sep: str = " · ") -> pl.DataFrame:
    """Add a readable curve label column (``name``) joining ``cols`` that exist in ``df`` (nulls skipped)."""
    present = [c for c in cols if c in df.columns]
    if not present:
        raise KeyError(f"with_label: none of {list(cols)} in columns {df.columns}")
    return df.with_columns(pl.concat_str([pl.col(c).cast(pl.String) for c in present], separator=sep,
                                         ignore_nulls=True).alias(name))


def frontier_chart(
    points: Any | None,
    frontier: Any | None,
    x: str = "median_intvty",
    y: str = "tput_per_gpu",
    color: str | None = "label",
    *,
    title: str | None = None,
    subtitle: str | None = None,
    tooltip: Sequence[Any] | None = None,
    bounds: Any | None = None,
    bounds_x: str = "intvty",
    bounds_text: str = "decode floor",
    targets: Sequence[float] | None = None,
    x_title: str = X_INTVTY_TITLE,
    y_title: str = Y_TPUT_TITLE,
    log_x: bool = False,
    log_y: bool = False,
    theme: Theme = "light",
    width: int = 640,
    height: int = 400,
    max_rows: int = MAX_ROWS,
) -> alt.LayerChart:
    """Throughput-vs-interactivity frontier chart.

    ``points`` (all measured points, drawn faint) and ``frontier`` (the Pareto frontier points of each curve, drawn
    as a monotone line, Vega's ``monotone`` = d3.curveMonotoneX as in the analysis) share columns ``x``
    (tok/s/user), ``y`` (tok/s/GPU) and ``color`` (curve label). Either may be None. ``bounds``: a frame with
    ``color`` and ``bounds_x`` columns (e.g. the batch-1 decode floor in tok/s/user) drawn as dashed vertical rules.
    ``targets``: interactivity targets (tok/s/user) drawn as thin vertical rules.
    """
    _check_theme(theme)
    pts = _frame(points, "frontier_chart points") if points is not None else None
    fr = _frame(frontier, "frontier_chart frontier") if frontier is not None else None
    bd = _frame(bounds, "frontier_chart bounds") if bounds is not None else None
    if pts is None and fr is None:
        raise ValueError("frontier_chart: give points, frontier or both")
    ref = fr if fr is not None else pts
    assert ref is not None
    if color is not None and color not in ref.columns:
        raise KeyError(f"frontier_chart: colour column {color!r} not found; available columns: {ref.columns} "
                       "(use frontier.charts.with_label to build one, or pass color=None)")
    tips = list(tooltip) if tooltip is not None else (
        ([color] if color else []) + [x, y] + [c for c in ("conc", "topology") if c in ref.columns])
    xs = alt.X(f"{_field(x)}:Q", title=x_title, scale=_scale(log_x, zero=False if log_x else None))
    ys = alt.Y(f"{_field(y)}:Q", title=y_title, scale=_scale(log_y))
    domain = _domain((fr, color), (pts, color), (bd, color))
    col = _color(color, domain)

    layers: list[alt.Chart] = []
    # frontier first: the shared legend takes its symbols from the first layer (solid, not the faint scatter)
    if fr is not None:
        ttips = [t for t in tips if not isinstance(t, str) or t in fr.columns]
        rows = _values(fr.sort(x), [x, y, color, *[t for t in ttips if isinstance(t, str)]],
                       what="frontier_chart frontier", max_rows=max_rows)
        layers.append(alt.Chart(_data(rows)).mark_line(
            interpolate="monotone", point=alt.OverlayMarkDef(filled=True, size=40)).encode(
            x=xs, y=ys, color=col, strokeDash=_dash(color, domain), tooltip=_tooltip(fr, ttips)))
    if pts is not None:
        ttips = [t for t in tips if not isinstance(t, str) or t in pts.columns]
        rows = _values(pts, [x, y, color, *[t for t in ttips if isinstance(t, str)]],
                       what="frontier_chart points", max_rows=max_rows)
        layers.append(alt.Chart(_data(rows)).mark_point(filled=True, size=26, opacity=0.28).encode(
            x=xs, y=ys, color=col, tooltip=_tooltip(pts, ttips)))
    if bd is not None:
        bcols = [bounds_x] + ([color] if color else [])
        rows = _values(bd, bcols, what="frontier_chart bounds", max_rows=max_rows)
        for r in rows:
            r["_bound_text"] = bounds_text
        base = alt.Chart(_data(rows))
        bx = alt.X(f"{_field(bounds_x)}:Q", title=x_title)
        bt = [alt.Tooltip(f"{_field(bounds_x)}:Q", title=bounds_text, format=_NUM_FORMAT)]
        if color:
            bt.insert(0, alt.Tooltip(f"{_field(color)}:N", title=color))
        layers.append(base.mark_rule(strokeDash=[6, 4], strokeWidth=1.4, opacity=0.85).encode(
            x=bx, color=col, tooltip=bt))
        layers.append(base.mark_text(angle=270, align="right", baseline="bottom", dx=-4, dy=-3, fontSize=10).encode(
            x=bx, y=alt.value(0), text="_bound_text:N", color=col))
    layers += _target_layers(targets, x_title, "tok/s/user")
    chart = alt.layer(*layers)
    return _finish(chart, theme=theme, title=title, subtitle=subtitle, width=width, height=height)


def cost_chart(
    frontier_with_cost: Any,
    x: str = "median_intvty",
    y: str = "cost_per_m_total",
    color: str | None = "label",
    *,
    log_y: bool = False,
    title: str | None = None,
    subtitle: str | None = None,
    tooltip: Sequence[Any] | None = None,
    targets: Sequence[float] | None = None,
    x_title: str = X_INTVTY_TITLE,
    y_title: str = Y_COST_TITLE,
    y_format: str = "$,.3~r",
    theme: Theme = "light",
    width: int = 640,
    height: int = 400,
    max_rows: int = MAX_ROWS,
) -> alt.LayerChart:
    """Cost ($ per million tokens) vs interactivity (tok/s/user), one monotone line per ``color`` label.

    ``log_y=True`` puts cost on a log axis (useful when configs differ by several x).
    """
    _check_theme(theme)
    df = _frame(frontier_with_cost, "cost_chart data")
    if color is not None and color not in df.columns:
        raise KeyError(f"cost_chart: colour column {color!r} not found; available columns: {df.columns}")
    tips = list(tooltip) if tooltip is not None else (
        ([color] if color else []) + [x, y] + [c for c in ("conc", "topology") if c in df.columns])
    rows = _values(df.sort(x), [x, y, color, *[t for t in tips if isinstance(t, str)]], what="cost_chart data",
                   max_rows=max_rows)
    domain = _domain((df, color))
    col = _color(color, domain)
    line = alt.Chart(_data(rows)).mark_line(
        interpolate="monotone", point=alt.OverlayMarkDef(filled=True, size=40)).encode(
        x=alt.X(f"{_field(x)}:Q", title=x_title),
        y=alt.Y(f"{_field(y)}:Q", title=y_title, scale=_scale(log_y), axis=alt.Axis(format=y_format)),
        color=col, strokeDash=_dash(color, domain), tooltip=_tooltip(df, tips))
    chart = alt.layer(line, *_target_layers(targets, x_title, "tok/s/user"))
    return _finish(chart, theme=theme, title=title, subtitle=subtitle, width=width, height=height)


def ratio_chart(
    df: Any,
    x: str = "median_intvty",
    y: str = "ratio",
    color: str | None = "label",
    *,
    ref: float | None = 1.0,
    title: str | None = None,
    subtitle: str | None = None,
    tooltip: Sequence[Any] | None = None,
    x_title: str = X_INTVTY_TITLE,
    y_title: str = "Ratio (×)",
    y_format: str = ".2~f",
    log_y: bool = False,
    theme: Theme = "light",
    width: int = 640,
    height: int = 360,
    max_rows: int = MAX_ROWS,
) -> alt.LayerChart:
    """Delta curves (e.g. MTP / no-MTP cost ratio vs interactivity) with a horizontal reference rule at ``ref``."""
    _check_theme(theme)
    d = _frame(df, "ratio_chart data")
    if color is not None and color not in d.columns:
        color = None if color == "label" else color
        if color is not None:
            raise KeyError(f"ratio_chart: colour column {color!r} not found; available columns: {d.columns}")
    tips = list(tooltip) if tooltip is not None else ([color] if color else []) + [x, y]
    rows = _values(d.sort(x), [x, y, color, *[t for t in tips if isinstance(t, str)]], what="ratio_chart data",
                   max_rows=max_rows)
    domain = _domain((d, color))
    col = _color(color, domain)
    line = alt.Chart(_data(rows)).mark_line(
        interpolate="monotone", point=alt.OverlayMarkDef(filled=True, size=30)).encode(
        x=alt.X(f"{_field(x)}:Q", title=x_title),
        y=alt.Y(f"{_field(y)}:Q", title=y_title, scale=_scale(log_y, zero=False), axis=alt.Axis(format=y_format)),
        color=col, strokeDash=_dash(color, domain), tooltip=_tooltip(d, tips))
    layers: list[alt.Chart] = [line]
    if ref is not None:
        layers.insert(0, alt.Chart(_data([{"ref": float(ref)}])).mark_rule(style="ref-rule").encode(y="ref:Q"))
    chart = alt.layer(*layers)
    return _finish(chart, theme=theme, title=title, subtitle=subtitle, width=width, height=height)


def line_chart(
    df: Any,
    x: str,
    y: str,
    color: str | None = None,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    tooltip: Sequence[Any] | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    x_type: str | None = None,
    y_format: str | None = None,
    points: bool = True,
    interpolate: str = "linear",
    log_y: bool = False,
    theme: Theme = "light",
    width: int = 640,
    height: int = 360,
    max_rows: int = MAX_ROWS,
) -> alt.LayerChart:
    """Generic line chart; ``x`` may be a date/datetime column (temporal axis), numbers or labels (type inferred)."""
    _check_theme(theme)
    d = _frame(df, "line_chart data")
    if color is not None and color not in d.columns:
        raise KeyError(f"line_chart: colour column {color!r} not found; available columns: {d.columns}")
    for c in (x, y):
        if c not in d.columns:
            raise KeyError(f"line_chart: column {c!r} not found; available columns: {d.columns}")
    xt = x_type or _enc_type(d.schema[x])
    tips = list(tooltip) if tooltip is not None else ([color] if color else []) + [x, y]
    rows = _values(d.sort(x), [x, y, color, *[t for t in tips if isinstance(t, str)]], what="line_chart data",
                   max_rows=max_rows)
    domain = _domain((d, color))
    col = _color(color, domain)
    yaxis = alt.Axis(format=y_format) if y_format else alt.Axis()
    mark = alt.Chart(_data(rows)).mark_line(
        interpolate=interpolate, point=alt.OverlayMarkDef(filled=True, size=30) if points else False)
    line = mark.encode(
        x=alt.X(f"{_field(x)}:{xt[0].upper()}", title=x_title if x_title is not None else x),
        y=alt.Y(f"{_field(y)}:Q", title=y_title if y_title is not None else y, scale=_scale(log_y), axis=yaxis),
        color=col, strokeDash=_dash(color, domain), tooltip=_tooltip(d, tips))
    chart = alt.layer(line)
    return _finish(chart, theme=theme, title=title, subtitle=subtitle, width=width, height=height)


# ---------------------------------------------------------------------------------------------------------- export
def _vl_version() -> str | None:
    import vl_convert as vlc

    v = alt.SCHEMA_VERSION.lstrip("v")
    mm = ".".join(v.split(".")[:2])
    return mm if mm in vlc.get_vegalite_versions() else None


def to_spec(chart: Any, *, max_rows: int = MAX_ROWS) -> dict[str, Any]:
    """A Vega-Lite spec dict from an Altair chart or a dict; frames passed straight to Altair get ``max_rows``
    for this conversion only (Altair's data transformer is restored afterwards)."""
    if isinstance(chart, Mapping):
        return copy.deepcopy(dict(chart))
    if not isinstance(chart, alt.TopLevelMixin):
        raise TypeError(f"expected an Altair chart or a spec dict, got {type(chart).__name__}")
    with alt.data_transformers.enable("default", max_rows=max_rows):
        return chart.to_dict()


def _themed_spec(chart_or_builder: Any, theme: str, max_rows: int) -> dict[str, Any]:
    if isinstance(chart_or_builder, (alt.TopLevelMixin, Mapping)):
        return spec_with_theme(to_spec(chart_or_builder, max_rows=max_rows), theme)  # type: ignore[arg-type]
    if callable(chart_or_builder):
        try:
            params = inspect.signature(chart_or_builder).parameters
        except (TypeError, ValueError):
            params = {}
        chart = chart_or_builder(theme=theme) if "theme" in params else chart_or_builder(theme)
        return spec_with_theme(to_spec(chart, max_rows=max_rows), theme)
    raise TypeError("save_figure needs an Altair chart, a spec dict or a callable theme -> chart")


def render_svg(chart: Any, theme: Theme | None = None, *, max_rows: int = MAX_ROWS) -> str:
    """SVG text of a chart (optionally re-themed), rendered offline with vl-convert."""
    import vl_convert as vlc

    spec = to_spec(chart, max_rows=max_rows)
    if theme is not None:
        spec = spec_with_theme(spec, theme)
    return vlc.vegalite_to_svg(spec, vl_version=_vl_version(), allowed_base_urls=[])


def render_png(chart: Any, theme: Theme | None = None, *, scale: float = 2, max_rows: int = MAX_ROWS) -> bytes:
    """PNG bytes of a chart at ``scale`` x its size in CSS pixels, rendered offline with vl-convert."""
    import vl_convert as vlc

    spec = to_spec(chart, max_rows=max_rows)
    if theme is not None:
        spec = spec_with_theme(spec, theme)
    return vlc.vegalite_to_png(spec, vl_version=_vl_version(), scale=scale, allowed_base_urls=[])


_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def save_figure(
    chart_or_builder: Any,
    name: str,
    out_dir: str | Path,
    *,
    scale: float = 2,
    themes: Sequence[str] = THEMES,
    formats: Sequence[str] = ("png", "svg"),
    max_rows: int = MAX_ROWS,
) -> list[Path]:
    """Write ``<name>-<theme>.png`` (``scale`` x, default 2x) and ``<name>-<theme>.svg`` for each theme.

    ``chart_or_builder``: a callable ``theme -> chart`` (called as ``f(theme=...)`` when it has a ``theme``
    parameter, e.g. ``functools.partial(frontier_chart, pts, fr)``, else ``f(theme)``), or an Altair chart / spec
    dict, which is re-themed for each variant. Returns the written paths in order.
    """
    import vl_convert as vlc

    if not _NAME_RE.fullmatch(name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '.', '_' and '-' only")
    bad = [f for f in formats if f not in ("png", "svg")]
    if bad:
        raise ValueError(f"unsupported figure format(s) {bad}; use 'png' and/or 'svg'")
    for t in themes:
        _check_theme(t)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    vl_version = _vl_version()
    written: list[Path] = []
    for theme in themes:
        spec = _themed_spec(chart_or_builder, theme, max_rows)
        for fmt in formats:
            path = out / f"{name}-{theme}.{fmt}"
            if fmt == "png":
                path.write_bytes(vlc.vegalite_to_png(spec, vl_version=vl_version, scale=scale,
                                                     allowed_base_urls=[]))
            else:
                path.write_text(vlc.vegalite_to_svg(spec, vl_version=vl_version, allowed_base_urls=[]),
                                encoding="utf-8")
            written.append(path)
    return written


# ------------------------------------------------------------------------------------------- offline rendering
_STATE: dict[str, Any] = {"bundle_emitted": False, "theme": "light"}
_READY_FLAG = "__frontierVegaReady"
_QUEUE = "__frontierVegaQueue"


def _script_safe_json(obj: Any) -> str:
    """JSON that is safe inside an HTML <script> element (no '</script', '<!--', U+2028/2029 breaks)."""
    s = json.dumps(obj, allow_nan=False, ensure_ascii=False)
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@functools.lru_cache(maxsize=1)
def _bundle_js() -> str:
    import vl_convert as vlc

    js = vlc.javascript_bundle()
    return js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def bundle_script() -> str:
    """A <script> element with the vl-convert JavaScript bundle (Vega, Vega-Lite, vega-embed; ~0.9 MB), guarded by a
    global flag so a page that contains it twice loads it once; it then draws any chart queued before it."""
    return (
        '<script type="text/javascript" data-frontier="vega-bundle">\n'
        f"if (!window.{_READY_FLAG}) {{\n(function(){{\n{_bundle_js()}\n}}).call(window);\n"
        f"window.{_READY_FLAG} = true;\n}}\n"
        f"(function(){{ var q = window.{_QUEUE} || []; window.{_QUEUE} = [];\n"
        "  q.forEach(function(f){ try { f(); } catch (e) { console.error(e); } }); })();\n"
        "</script>\n"
    )


def embed_snippet(spec: Mapping[str, Any], *, element_id: str | None = None) -> str:
    """A <div> plus a small <script> drawing ``spec`` with vega-embed (SVG renderer, no action links); it waits
    for :func:`bundle_script` if the bundle comes later on the page."""
    eid = element_id or f"frontier-vl-{uuid.uuid4().hex}"
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", eid):
        raise ValueError(f"bad element id {eid!r}")
    opts = {"renderer": "svg", "actions": False, "mode": "vega-lite"}
    return (
        f'<div class="frontier-chart" id="{eid}"></div>\n'
        '<script type="text/javascript">\n'
        "(function(){\n"
        f"  var el = document.getElementById({json.dumps(eid)});\n"
        f"  var spec = {_script_safe_json(dict(spec))};\n"
        f"  var opts = {json.dumps(opts)};\n"
        "  function draw(){\n"
        f"    var target = el || document.getElementById({json.dumps(eid)});\n"
        "    window.vegaEmbed(target, spec, opts).catch(function(err){\n"
        "      target.textContent = 'Chart failed to render: ' + err; });\n"
        "  }\n"
        f"  if (window.{_READY_FLAG}) {{ draw(); }} else {{ (window.{_QUEUE} = window.{_QUEUE} || []).push(draw); }}\n"
        "})();\n"
        "</script>\n"
    )


def _svg_renderer(spec: dict, **metadata: Any) -> dict[str, str]:
    import vl_convert as vlc

    spec = spec_with_theme(spec, _STATE["theme"], override=False)
    svg = vlc.vegalite_to_svg(spec, vl_version=_vl_version(), allowed_base_urls=[])
    return {"image/svg+xml": svg, "text/plain": f"Chart: {chart_description(spec)}"}


def _interactive_renderer(spec: dict, **metadata: Any) -> dict[str, str]:
    spec = spec_with_theme(spec, _STATE["theme"], override=False)
    parts = []
    if not _STATE["bundle_emitted"]:
        parts.append(bundle_script())
        _STATE["bundle_emitted"] = True
    parts.append(embed_snippet(spec))
    return {"text/html": "".join(parts), "text/plain": "<chart>"}


RENDERERS = {"svg": "frontier-svg", "interactive": "frontier-interactive"}


def enable_offline(mode: Literal["svg", "interactive"] = "svg", *, theme: Theme = "light") -> str:
    """Register and enable an offline Altair renderer for notebooks; returns the renderer's name.

    - ``"svg"`` (default): each chart is inline static SVG made by vl-convert; no JavaScript at all.
    - ``"interactive"``: the first chart displayed after this call carries the vl-convert JavaScript bundle
      (guarded, loaded once per page), every chart a small embed snippet; works for many charts on one page with
      no network. Call it once near the top of a notebook (calling again re-emits the bundle with the next chart).

    ``theme`` fills in the project theme for charts that do not set their own config.
    """
    if mode not in RENDERERS:
        raise ValueError(f"mode must be one of {list(RENDERERS)}, got {mode!r}")
    _STATE["theme"] = _check_theme(theme)
    _STATE["bundle_emitted"] = False
    alt.renderers.register(RENDERERS["svg"], _svg_renderer)
    alt.renderers.register(RENDERERS["interactive"], _interactive_renderer)
    alt.renderers.enable(RENDERERS[mode])
    return RENDERERS[mode]


def standalone_html(charts: Sequence[Any], *, mode: Literal["svg", "interactive"] = "interactive",
                    title: str = "Charts", theme: Theme = "light", max_rows: int = MAX_ROWS) -> str:
    """A self-contained HTML page with ``charts`` (no external references)."""
    c = COLORS[_check_theme(theme)]
    body = []
    if mode == "interactive":
        body.append(bundle_script())
        for ch in charts:
            body.append(embed_snippet(spec_with_theme(to_spec(ch, max_rows=max_rows), theme, override=False)))
    elif mode == "svg":
        for ch in charts:
            body.append(f'<div class="frontier-chart">{render_svg(ch, None, max_rows=max_rows)}</div>')
    else:
        raise ValueError(f"mode must be 'svg' or 'interactive', got {mode!r}")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>"
        f"<style>body{{background:{c['background']};color:{c['text']};font-family:{FONT};margin:24px}}"
        ".frontier-chart{margin:16px 0}</style></head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n" + "\n".join(body) + "\n</body></html>\n"
    )
