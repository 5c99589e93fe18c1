"""Charts: Altair 6 builders with a light/dark theme, figure export and offline notebook rendering.

Everything here works with no network:

- builders (:func:`frontier_chart`, :func:`cost_chart`, :func:`ratio_chart`, :func:`line_chart`,
  :func:`margin_chart`) take polars (or pandas) frames, inline only the columns they draw, and refuse more than
  ``max_rows`` rows (Altair's 5,000-row limit) with a clear message instead of silently dropping or touching
  Altair's global data transformer; each takes ``source`` (lines printed under the plot: data, prices, build date;
  see ``frontier.labels.source_lines``) and ``synthetic`` (the synthetic-data marker in the subtitle); legends are
  never cut, tooltips have human titles and rounded numbers, log axes are fitted to the data;
- the theme is set per chart through its Vega-Lite ``config`` (:func:`theme_config`, :func:`apply_theme`), never as
  a global side effect;
- :func:`save_figure` writes ``<name>-light.png`` (2x, 144 dpi in its metadata), ``<name>-light.svg``,
  ``<name>-dark.png`` and ``<name>-dark.svg`` with vl-convert;
- :func:`enable_offline` makes notebooks render charts as static inline SVG (default, no JavaScript) or, opt-in, as
  interactive charts that embed the vl-convert JavaScript bundle once per page;
- every spec that leaves this module (:func:`to_spec`) or reaches vl-convert (:func:`vl_svg`, :func:`vl_png`) has
  the characters XML cannot hold replaced by U+FFFD (:func:`xml_safe`): vl-convert aborts the whole process on one,
  so a label from data (or a caller's raw string) can never take a kernel or a report build down.

Units on the default axes: interactivity in tok/s/user, throughput in tok/s/GPU, cost in $ per million tokens.
"""

from __future__ import annotations

import copy
import functools
import html
import inspect
import json
import math
import re
import struct
import uuid
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, cast

import altair as alt
import polars as pl

from . import labels
from .display import NO_MATH

__all__ = [
    "COLORS",
    "MAX_ROWS",
    "PICK_DIM",
    "PICK_PARAM",
    "ZOOM_PARAM",
    "PALETTES",
    "RENDERERS",
    "Theme",
    "apply_theme",
    "bundle_script",
    "chart_description",
    "cost_chart",
    "enable_offline",
    "frontier_chart",
    "line_chart",
    "margin_chart",
    "png_dpi",
    "png_with_dpi",
    "ratio_chart",
    "save_figure",
    "spec_with_theme",
    "standalone_html",
    "to_spec",
    "vl_png",
    "vl_svg",
    "with_interaction",
    "xml_safe",
    "xml_safe_text",
    "write_figure",
]

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
    "light": {"background": "#ffffff", "text": "#1f2328", "subtle": "#57606a", "grid": "#e6e8eb", "domain": "#8c959f"},
    "dark": {"background": "#0d1117", "text": "#e6edf3", "subtle": "#9da7b3", "grid": "#2a3038", "domain": "#6e7681"},
}

X_INTVTY_TITLE = labels.COLUMN_TITLES["median_intvty"]
Y_TPUT_TITLE = "Throughput per GPU (tok/s/GPU)"
Y_COST_TITLE = "Cost ($ per million tokens)"

_NUM_FORMAT = ",.5~r"


# --------------------------------------------------------------------------------------------------------- theme
def _check_theme(theme: str) -> Theme:
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {THEMES}, got {theme!r}")
    return cast(Theme, theme)


def theme_config(theme: Theme = "light") -> dict[str, Any]:
    """The Vega-Lite ``config`` of the project theme (a fresh dict each call)."""
    c = COLORS[_check_theme(theme)]
    palette = PALETTES[theme]
    label = {"labelColor": c["subtle"], "labelFont": FONT, "labelFontSize": 11}
    title = {"titleColor": c["text"], "titleFont": FONT, "titleFontSize": 12, "titleFontWeight": 600}
    return {
        "background": c["background"],
        "font": FONT,
        "padding": {"left": 10, "top": 10, "bottom": 10, "right": 28},  # room for text measured narrower than drawn
        "view": {"stroke": None, "continuousWidth": 640, "continuousHeight": 400},
        "title": {
            "color": c["text"],
            "subtitleColor": c["subtle"],
            "font": FONT,
            "subtitleFont": FONT,
            "fontSize": 15,
            "subtitleFontSize": 12,
            "fontWeight": 600,
            "anchor": "start",
            "offset": 12,
        },
        "axis": {
            **label,
            **title,
            "gridColor": c["grid"],
            "domainColor": c["domain"],
            "tickColor": c["domain"],
            "labelFlush": False,
        },
        "legend": {
            "labelColor": c["text"],
            "labelFont": FONT,
            "labelFontSize": 11,
            "titleColor": c["text"],
            "titleFont": FONT,
            "titleFontSize": 12,
            "titleFontWeight": 600,
            "labelLimit": 320,
        },
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
            "source-text": {"color": c["subtle"], "font": FONT, "fontSize": 10},
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
    out = chart.copy(deep=True)  # type: ignore[attr-defined]
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


def _values(df: pl.DataFrame, cols: Iterable[str | None], *, what: str, max_rows: int) -> list[dict[str, Any]]:
    """Rows of ``df`` restricted to ``cols`` as JSON-ready dicts (dates as ISO strings, NaN/inf as null)."""
    names = list(dict.fromkeys(c for c in cols if c is not None))
    missing = [c for c in names if c not in df.columns]
    if missing:
        raise KeyError(f"{what}: column(s) {missing} not found; available columns: {df.columns}")
    if df.height > max_rows:
        raise ValueError(
            f"{what} has {df.height:,} rows; a chart inlines at most {max_rows:,} rows (Altair's limit). "
            "Filter or aggregate first (e.g. frontier points only, one row per curve and x), "
            "or pass max_rows=... to raise the limit for this chart."
        )
    exprs = []
    for c in names:
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
            e = (
                e.cast(pl.String, strict=False)
                if not isinstance(dtype, pl.Object)
                else e.map_elements(str, return_dtype=pl.String)
            )
        exprs.append(e.alias(c))
    return df.select(exprs).to_dicts()


def _data(rows: list[dict[str, Any]]) -> alt.InlineData:
    return alt.InlineData(values=rows)


#: tooltip number formats by column (d3-format): rounded, $ to three significant digits, ratios to 2 decimals
TOOLTIP_FORMATS: dict[str, str] = {
    "median_intvty": ",.1f",
    "tput_per_gpu": ",.0f",
    "output_tput_per_gpu": ",.0f",
    "input_tput_per_gpu": ",.0f",
    "cost_per_m_total": "$,.3~r",
    "ratio": ".2f",
    "tput_ratio_b_over_a": ".2f",
    "conc": ",.0f",
    "tok_s_mw": ",.0f",
    "price_per_m": "$,.3~r",
    "cost_per_m": "$,.3~r",
}


def _tooltip(df: pl.DataFrame, items: Sequence[Any]) -> list[Any]:
    """Tooltips with human titles (``labels.COLUMN_TITLES``) and rounded numbers."""
    out = []
    for t in items:
        if not isinstance(t, str):
            out.append(t)
            continue
        typ = _enc_type(df.schema[t])
        kw: dict[str, Any] = {"field": _field(t), "type": typ, "title": labels.column_title(t)}
        if typ == "quantitative":
            kw["format"] = TOOLTIP_FORMATS.get(t, _NUM_FORMAT)
        elif typ == "temporal":
            kw["format"] = "%d %b %Y"
        out.append(alt.Tooltip(**kw))
    return out


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

#: pixels per character of an 11 px legend label (a generous estimate, so no label is cut)
_CHAR_PX = 7.0


def _label_limit(domain: Sequence[str]) -> int:
    """A legend labelLimit (px) long enough for the longest label: legends are never cut with an ellipsis."""
    longest = max((len(v) for v in domain), default=0)
    return max(320, int(longest * _CHAR_PX) + 24)


def _dash(color: str | None, domain: list[str]) -> Any:
    """A strokeDash encoding when there are more labels than palette colours (so no two curves look the same);
    it shares the colour legend (same field, same title)."""
    n = len(PALETTES["light"])
    if color is None or len(domain) <= n:
        return alt.Undefined
    rng = [DASHES[min(i // n, len(DASHES) - 1)] for i in range(len(domain))]
    return alt.StrokeDash(f"{_field(color)}:N", title=None, scale=alt.Scale(domain=domain, range=rng))


def _dash_by(dash: str, domain: list[str], title: str | None) -> Any:
    """strokeDash by its own field (e.g. the two members of a pair: solid and dashed), with its own legend."""
    rng = [DASHES[i % len(DASHES)] for i in range(len(domain))]
    return alt.StrokeDash(
        f"{_field(dash)}:N",
        title=title,
        scale=alt.Scale(domain=domain, range=rng),
        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=260, labelLimit=_label_limit(domain)),
    )


#: legend labels longer than this (characters) put a line chart's legend under the plot, not beside it
LONG_LEGEND_CHARS = 40


def _color(color: str | None, domain: list[str], title: str | None = None, *, below: bool = False) -> Any:
    """Colour by label with a fixed domain (stable colours across layers); legend symbols are line segments and
    labels are never cut. ``below``: the legend under the plot (long labels), else beside it."""
    if color is None:
        return alt.Undefined
    where: dict[str, Any] = {"orient": "bottom", "direction": "vertical"} if below else {}
    return alt.Color(
        f"{_field(color)}:N",
        title=title,
        scale=alt.Scale(domain=domain),
        legend=alt.Legend(
            symbolType="stroke",
            symbolStrokeWidth=2.5,
            symbolSize=260,
            symbolOpacity=1,
            labelLimit=_label_limit(domain),
            **where,
        ),
    )


def _subtitle_lines(subtitle: str | Sequence[str] | None, synthetic: bool) -> list[str]:
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
    lines = [s for s in lines if s]
    if synthetic and not any(labels.SYNTHETIC_NOTE in s for s in lines):
        lines.insert(0, labels.SYNTHETIC_NOTE)
    return lines


def _title(title: str | None, subtitle: list[str]) -> Any:
    if title is None and not subtitle:
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
        kw["nice"] = False
    return alt.Scale(**kw)


def fit_domain(values: Iterable[float | None], *, log: bool = False, margin: float = 0.06) -> list[float] | None:
    """An axis domain that fits ``values`` with a margin (a fraction of the span; on a log axis of the span in
    decades), so the data fill the plot: no rounding out to the next power of ten. None when there is no value."""
    vals = [float(v) for v in values if v is not None and math.isfinite(float(v)) and (not log or float(v) > 0)]
    if not vals:
        return None
    lo, hi = min(vals), max(vals)
    if log:
        a, b = math.log10(lo), math.log10(hi)
        pad = max((b - a) * margin, 0.05)
        return [10 ** (a - pad), 10 ** (b + pad)]
    pad = (hi - lo) * margin or abs(hi) * 0.1 or 1.0
    return [lo - pad if lo - pad > 0 or lo < 0 else 0.0, hi + pad]


def nice_log_domain(values: Iterable[float | None]) -> list[float] | None:
    """A log axis domain whose ends are round (1, 2 or 5 × a power of ten) around the positive ``values``."""
    dom = fit_domain(values, log=True, margin=0.0)
    if dom is None:
        return None
    lo, hi = dom
    steps = (1.0, 2.0, 5.0, 10.0)
    k_lo, k_hi = math.floor(math.log10(lo)), math.floor(math.log10(hi))
    lo_n = max(s * 10**k_lo for s in steps if s * 10**k_lo <= lo * (1 + 1e-9))
    hi_n = min(s * 10**k_hi for s in steps if s * 10**k_hi >= hi * (1 - 1e-9))
    return [lo_n, hi_n] if hi_n > lo_n else [lo_n, lo_n * 2]


def log_ticks(domain: Sequence[float]) -> list[float]:
    """Tick values 1, 2 and 5 × powers of ten within a log ``domain`` (its round ends included)."""
    lo, hi = domain
    out = []
    for k in range(math.floor(math.log10(lo)), math.floor(math.log10(hi)) + 1):
        out += [s * 10**k for s in (1.0, 2.0, 5.0) if lo * (1 - 1e-9) <= s * 10**k <= hi * (1 + 1e-9)]
    return out


def _with_segments(d: pl.DataFrame, x: str, y: str, color: str | None) -> pl.DataFrame:
    """A ``_segment`` id joining each series' markers at adjacent x positions (in the chart's x order); markers
    with no neighbour, and values across a gap, get none, so a connector never implies a measurement between."""
    order = {v: i for i, v in enumerate(d.select(pl.col(x).drop_nulls().unique(maintain_order=True)).to_series())}
    seg: list[str | None] = [None] * d.height
    last: dict[Any, tuple[int, int, str]] = {}  # series → (row, x position, segment id)
    for i, (xv, yv, c) in enumerate(
        zip(d[x].to_list(), d[y].to_list(), d[color].to_list() if color else [None] * d.height)
    ):
        pos = order.get(xv)
        if pos is None or yv is None or (isinstance(yv, float) and not math.isfinite(yv)):
            last.pop(c, None)
            continue
        prev = last.get(c)
        if prev is not None and pos - prev[1] == 1:
            seg[prev[0]] = seg[prev[0]] or prev[2]
            seg[i] = prev[2]
            last[c] = (i, pos, prev[2])
        else:
            last[c] = (i, pos, f"{c}#{i}")
    return d.with_columns(pl.Series("_segment", seg, dtype=pl.String))


#: characters per line of the source block under a figure (wrapped at separators beyond this)
SOURCE_WRAP = 120


def _wrap(line: str, width: int = SOURCE_WRAP) -> list[str]:
    out, cur = [], ""
    for word in line.split(" "):
        if cur and len(cur) + 1 + len(word) > width:
            out.append(cur)
            cur = "    " + word
        else:
            cur = f"{cur} {word}" if cur else word
    return out + ([cur] if cur else [])


def _source_layer(lines: Sequence[str], height: int) -> alt.Chart:
    """The source block as a text layer below the plot (after the x axis title), left-aligned, in the subtle
    colour: data source and dates, prices, build date."""
    wrapped = [w for line in lines for w in _wrap(line)]
    return (
        alt.Chart(_data([{"source": 1}]))
        .mark_text(align="left", baseline="top", fontSize=10, lineHeight=13, style="source-text", text=wrapped)
        .encode(x=alt.value(0), y=alt.value(height + 44))
    )


def _finish(
    chart: Any,
    *,
    theme: Theme,
    title: str | None,
    subtitle: str | Sequence[str] | None,
    width: int,
    height: int,
    source: Sequence[str] | None = None,
    synthetic: bool = False,
) -> alt.LayerChart:
    """Size, title (+ the synthetic marker in the subtitle), the source block, description and theme."""
    sub = _subtitle_lines(subtitle, synthetic)
    if source:  # appended, so data Altair lifted to the layer chart stays where it is
        chart = chart.copy()
        chart.layer = [*chart.layer, _source_layer(source, height)]
    chart = chart.properties(width=width, height=height)
    t = _title(title, sub)
    if t is not alt.Undefined:
        chart = chart.properties(title=t)
    desc = ". ".join(x for x in (title, *sub, *(source or ())) if x)
    if desc:  # for screen readers: the SVG's aria-label and the report image's alt text
        chart = chart.properties(description=desc)
    chart["config"] = theme_config(theme)
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


#: least horizontal distance between two target labels (rotated text: about one line height plus a gap), px
TARGET_LABEL_GAP_PX = 18


def _target_rows(
    targets: Sequence[float], unit: str, xmax: float | None, domain_x: Sequence[float] | None, log_x: bool, width: int
) -> list[dict[str, Any]]:
    """One row per target; targets closer than :data:`TARGET_LABEL_GAP_PX` share one label ("47.2 / 50.8 tok/s/user")
    placed at the first, so labels never print on top of each other."""
    ts = sorted({float(t) for t in targets})
    # no fixed domain: a zero-based linear axis, which Vega's nice rounding may extend by up to ~25 %
    lo, hi = domain_x if domain_x else (0.0, max([*ts, xmax or 0.0]) * 1.25 or 1.0)
    log = log_x and bool(domain_x) and lo > 0

    def to_px(v: float) -> float:
        if log:
            return width * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        return width * (v - lo) / (hi - lo)

    rows: list[dict[str, Any]] = []
    start: tuple[float, dict[str, Any]] | None = None
    for t in ts:
        x = to_px(t)
        row: dict[str, Any] = {"target": t, "target_label": f"{t:g} {unit}".strip(), "_text": None}
        if start is not None and x - start[0] < TARGET_LABEL_GAP_PX:
            start[1]["_values"].append(f"{t:g}")
        else:
            row["_values"] = [f"{t:g}"]
            start = (x, row)
        rows.append(row)
    for r in rows:
        vals = r.pop("_values", None)
        if vals:
            r["_text"] = f"{' / '.join(vals)} {unit}".strip()
    return rows


def _target_layers(
    targets: Sequence[float] | None,
    x_field_title: str,
    unit: str,
    *,
    xmax: float | None = None,
    domain_x: Sequence[float] | None = None,
    log_x: bool = False,
    width: int = 640,
) -> list[alt.Chart]:
    """Thin rules at the targets, each labelled once; close targets share one label. ``xmax``: the largest x drawn
    (for a zero-based linear axis), ``domain_x``: the axis domain when fixed."""
    if not targets:
        return []
    rows = _target_rows(targets, unit, xmax, domain_x, log_x, width)
    base = alt.Chart(_data(rows))
    rule = base.mark_rule(style="guide-rule").encode(
        x=alt.X("target:Q", title=x_field_title), tooltip=[alt.Tooltip("target_label:N", title="Target")]
    )
    text = (
        base.transform_filter("datum._text != null")
        .mark_text(style="guide-label", angle=270, align="right", baseline="top", dx=-4, dy=3)
        .encode(x="target:Q", y=alt.value(0), text="_text:N")
    )
    return [rule, text]


# ---------------------------------------------------------------------------------------------------- decode floors
#: decode floors beyond this multiple of the largest interactivity drawn are named in the subtitle, not drawn:
#: the x axis stays fitted to the data
FLOOR_AXIS_REACH = 1.5


def _floor_owner(group: pl.DataFrame, color: str | None) -> str:
    """Who has a floor, in words a reader can match to the legend: the GPU and precision when known (``B200 FP4``),
    else the series names."""
    if {"hardware", "precision"} <= set(group.columns):
        pairs = group.select("hardware", "precision").unique().sort(["hardware", "precision"]).iter_rows()
        return ", ".join(f"{labels.value_words('hardware', h)} {labels.value_words('precision', p)}" for h, p in pairs)
    if color:
        return ", ".join(str(n) for n in group[color].unique().sort().to_list())
    return ""


def _floor_entry(owner: str, value: float) -> str:
    return f"{owner} {value:,.0f}".strip()


def floors_beyond_line(bd: pl.DataFrame, bounds_x: str, color: str | None) -> str:
    """Subtitle line naming decode floors too far right to draw without squeezing the data."""
    entries = [
        _floor_entry(_floor_owner(g, color), float(v))
        for (v,), g in sorted(bd.group_by(bounds_x), key=lambda kv: float(kv[0][0]))
    ]
    return f"Decode floors beyond the axis: {'; '.join(entries)} tok/s/user"


def _bound_rows(
    bd: pl.DataFrame, bounds_x: str, color: str | None, domain_x: list[float] | None, log_x: bool, width: int
) -> list[dict[str, Any]]:
    """One rule per distinct floor value (configs sharing it named together), and one label per cluster of
    floors closer than ~14 px, carrying the value(s) and whose floor each is (GPU and precision): labels never
    print on top of each other."""
    d = bd.filter(pl.col(bounds_x).is_not_null())
    rows: list[dict[str, Any]] = []
    for (v,), g in sorted(d.group_by(bounds_x), key=lambda kv: float(kv[0][0])):
        names = g[color].unique().sort().to_list() if color else []
        rows.append(
            {
                bounds_x: v,
                "_configs": ", ".join(str(n) for n in names),
                "_owner": _floor_owner(g, color),
                "_shared": len(names) != 1,
                "_series": names[0] if len(names) == 1 else None,
            }
        )

    def px(v: float) -> float:
        if not domain_x:
            return 0.0
        lo, hi = domain_x
        if log_x:
            return width * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        return width * (v - lo) / (hi - lo)

    cluster_start = None
    for r in rows:
        x = px(r[bounds_x])
        entry = _floor_entry(r.pop("_owner"), r[bounds_x])
        if cluster_start is not None and domain_x and x - cluster_start[0] < 14:
            cluster_start[1]["_bound_text"] += f"; {entry}"
            r["_bound_text"] = None
        else:
            r["_bound_text"] = f"decode floor {entry}"
            cluster_start = (x, r)
    for r in rows:
        if r["_bound_text"]:
            r["_bound_text"] += " tok/s/user"
    return rows


# -------------------------------------------------------------------------------------------------------- builders
def frontier_chart(
    points: Any | None,
    frontier: Any | None,
    x: str = "median_intvty",
    y: str = "tput_per_gpu",
    color: str | None = "label",
    *,
    dash: str | None = None,
    color_title: str | None = None,
    dash_title: str | None = None,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    source: Sequence[str] | None = None,
    synthetic: bool = False,
    tooltip: Sequence[Any] | None = None,
    bounds: Any | None = None,
    bounds_x: str = "intvty",
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
    (tok/s/user), ``y`` (tok/s/GPU) and ``color`` (series label). Either may be None. ``dash``: a column drawn as
    line dashes with its own legend (e.g. colour = pair, dash = MTP or not). ``bounds``: a frame with ``color``
    and ``bounds_x`` columns (e.g. the batch-1 decode floor in tok/s/user): one dashed rule per distinct value, one
    label per value (values closer than a label's width share one), in the series colour when one config has that
    floor, else neutral. ``targets``: interactivities (tok/s/user) drawn as thin rules. ``source``: lines printed
    under the plot; ``synthetic`` adds the synthetic-data marker to the subtitle. A log x axis is fitted to the
    data and floors (no rounding out to the next power of ten).
    Long because it is one chart spec: each optional layer (points, frontier lines, floors, targets) is a few
    lines beside the check on its input.
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
        raise KeyError(
            f"frontier_chart: colour column {color!r} not found; available columns: {ref.columns} "
            "(use frontier.labels.series_labels to build one, or pass color=None)"
        )
    if dash is not None and dash not in ref.columns:
        raise KeyError(f"frontier_chart: dash column {dash!r} not found; available columns: {ref.columns}")
    tips = (
        list(tooltip)
        if tooltip is not None
        else (
            ([color] if color else [])
            + ([dash] if dash else [])
            + [x, y]
            + [c for c in ("conc", "topology") if c in ref.columns]
        )
    )
    xvals = [v for df in (fr, pts) if df is not None for v in df[x].to_list()]
    if bd is not None and bounds_x in bd.columns:
        reach = FLOOR_AXIS_REACH * max([v for v in xvals if v is not None] + list(targets or []), default=0.0)
        far = bd.filter(pl.col(bounds_x) > reach) if reach > 0 else bd.clear()
        if far.height:
            lines = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
            subtitle = [*lines, floors_beyond_line(far, bounds_x, color if color in bd.columns else None)]
            bd = bd.filter(~(pl.col(bounds_x) > reach))
        xvals += bd[bounds_x].to_list()
    dom_x = fit_domain(xvals + list(targets or []), log=True) if log_x else None
    xs = alt.X(f"{_field(x)}:Q", title=x_title, scale=_scale(log_x, zero=False if log_x else None, domain=dom_x))
    dom_y = fit_domain([v for df in (fr, pts) if df is not None for v in df[y].to_list()], log=True) if log_y else None
    ys = alt.Y(f"{_field(y)}:Q", title=y_title, scale=_scale(log_y, domain=dom_y))
    domain = _domain((fr, color), (pts, color))
    col = _color(color, domain, color_title)
    stroke = _dash_by(dash, _domain((fr, dash), (pts, dash)), dash_title) if dash else _dash(color, domain)

    layers: list[alt.Chart] = []
    # frontier first: the shared legend takes its symbols from the first layer (solid, not the faint scatter)
    if fr is not None:
        ttips = [t for t in tips if not isinstance(t, str) or t in fr.columns]
        rows = _values(
            fr.sort(x),
            [x, y, color, dash, *[t for t in ttips if isinstance(t, str)]],
            what="frontier_chart frontier",
            max_rows=max_rows,
        )
        layers.append(
            alt.Chart(_data(rows))
            .mark_line(interpolate="monotone", point=alt.OverlayMarkDef(filled=True, size=40))
            .encode(x=xs, y=ys, color=col, strokeDash=stroke, tooltip=_tooltip(fr, ttips))
        )
    if pts is not None:
        ttips = [t for t in tips if not isinstance(t, str) or t in pts.columns]
        rows = _values(
            pts,
            [x, y, color, *[t for t in ttips if isinstance(t, str)]],
            what="frontier_chart points",
            max_rows=max_rows,
        )
        layers.append(
            alt.Chart(_data(rows))
            .mark_point(filled=True, size=26, opacity=0.28)
            .encode(x=xs, y=ys, color=col, tooltip=_tooltip(pts, ttips))
        )
    if bd is not None and bd.height:
        layers += _bound_layers(bd, bounds_x, color, domain, dom_x, log_x, width, x_title, theme)
    layers += _target_layers(
        targets, x_title, "tok/s/user", xmax=max(xvals, default=None), domain_x=dom_x, log_x=log_x, width=width
    )
    chart = alt.layer(*layers)
    return _finish(
        chart,
        theme=theme,
        title=title,
        subtitle=subtitle,
        width=width,
        height=height,
        source=source,
        synthetic=synthetic,
    )


def _bound_layers(
    bd: pl.DataFrame,
    bounds_x: str,
    color: str | None,
    domain: list[str],
    dom_x: list[float] | None,
    log_x: bool,
    width: int,
    x_title: str,
    theme: str,
) -> list[alt.Chart]:
    rows = _bound_rows(bd, bounds_x, color if color in bd.columns else None, dom_x, log_x, width)
    palette, neutral = PALETTES[theme], COLORS[theme]["subtle"]
    for r in rows:
        s = r.pop("_series")
        r["_stroke"] = palette[domain.index(s) % len(palette)] if s in domain else neutral
        r["_shared"] = "several configs" if r["_shared"] else "one config"
    base = alt.Chart(_data(rows))
    bx = alt.X(f"{_field(bounds_x)}:Q", title=x_title)
    tips = [
        alt.Tooltip(f"{_field(bounds_x)}:Q", title="Decode floor (tok/s/user)", format=",.0f"),
        alt.Tooltip("_configs:N", title="Configs"),
    ]
    rule = base.mark_rule(strokeDash=[6, 4], strokeWidth=1.4, opacity=0.85).encode(
        x=bx, color=alt.Color("_stroke:N", scale=None), tooltip=tips
    )
    text = (
        base.transform_filter("datum._bound_text != null")
        .mark_text(angle=270, align="right", baseline="bottom", dx=-4, dy=-3, fontSize=10)
        .encode(x=bx, y=alt.value(0), text="_bound_text:N", color=alt.Color("_stroke:N", scale=None))
    )
    return [rule, text]


def cost_chart(
    frontier_with_cost: Any,
    x: str = "median_intvty",
    y: str = "cost_per_m_total",
    color: str | None = "label",
    *,
    log_y: bool = False,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    source: Sequence[str] | None = None,
    synthetic: bool = False,
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

    ``log_y=True`` puts cost on a log axis fitted to the data (useful when configs differ by several x).
    Long because it is one chart spec, built layer by layer and read top to bottom.
    """
    _check_theme(theme)
    df = _frame(frontier_with_cost, "cost_chart data")
    if color is not None and color not in df.columns:
        raise KeyError(f"cost_chart: colour column {color!r} not found; available columns: {df.columns}")
    tips = (
        list(tooltip)
        if tooltip is not None
        else (([color] if color else []) + [x, y] + [c for c in ("conc", "topology") if c in df.columns])
    )
    rows = _values(
        df.sort(x), [x, y, color, *[t for t in tips if isinstance(t, str)]], what="cost_chart data", max_rows=max_rows
    )
    domain = _domain((df, color))
    col = _color(color, domain)
    dom_y = fit_domain(df[y].to_list(), log=True) if log_y else None
    line = (
        alt.Chart(_data(rows))
        .mark_line(interpolate="monotone", point=alt.OverlayMarkDef(filled=True, size=40))
        .encode(
            x=alt.X(f"{_field(x)}:Q", title=x_title),
            y=alt.Y(f"{_field(y)}:Q", title=y_title, scale=_scale(log_y, domain=dom_y), axis=alt.Axis(format=y_format)),
            color=col,
            strokeDash=_dash(color, domain),
            tooltip=_tooltip(df, tips),
        )
    )
    xmax = df[x].drop_nulls().max() if df.height else None
    drawn_max = float(xmax) if isinstance(xmax, int | float) else None
    targets_drawn = _target_layers(targets, x_title, "tok/s/user", xmax=drawn_max, width=width)
    chart = alt.layer(line, *targets_drawn)
    return _finish(
        chart,
        theme=theme,
        title=title,
        subtitle=subtitle,
        width=width,
        height=height,
        source=source,
        synthetic=synthetic,
    )


def ratio_chart(
    df: Any,
    x: str = "median_intvty",
    y: str = "ratio",
    color: str | None = "label",
    *,
    ref: float | None = 1.0,
    color_title: str | None = None,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    source: Sequence[str] | None = None,
    synthetic: bool = False,
    tooltip: Sequence[Any] | None = None,
    x_title: str = X_INTVTY_TITLE,
    y_title: str = "Ratio (×)",
    y_format: str = ".2~f",
    log_y: bool = False,
    theme: Theme = "light",
    width: int = 640,
    height: int = 360,
    max_rows: int = MAX_ROWS,
    detail: str | None = None,
) -> alt.LayerChart:
    """Delta curves (e.g. MTP / no-MTP cost ratio vs interactivity, read on a grid between measured points, so
    drawn as lines without markers) with a horizontal reference rule at ``ref``. ``detail``: a column splitting one
    colour's line into pieces drawn apart (a line cut where its values are not shown).
    Long because it is one chart spec, built layer by layer and read top to bottom."""
    _check_theme(theme)
    d = _frame(df, "ratio_chart data")
    if color is not None and color not in d.columns:
        color = None if color == "label" else color
        if color is not None:
            raise KeyError(f"ratio_chart: colour column {color!r} not found; available columns: {d.columns}")
    tips = list(tooltip) if tooltip is not None else ([color] if color else []) + [x, y]
    rows = _values(
        d.sort(x),
        [x, y, color, detail, *[t for t in tips if isinstance(t, str)]],
        what="ratio_chart data",
        max_rows=max_rows,
    )
    domain = _domain((d, color))
    col = _color(color, domain, color_title)
    pieces = {"detail": alt.Detail(f"{_field(detail)}:N")} if detail else {}
    line = (
        alt.Chart(_data(rows))
        .mark_line(interpolate="monotone")
        .encode(
            x=alt.X(f"{_field(x)}:Q", title=x_title),
            y=alt.Y(f"{_field(y)}:Q", title=y_title, scale=_scale(log_y, zero=False), axis=alt.Axis(format=y_format)),
            color=col,
            strokeDash=_dash(color, domain),
            tooltip=_tooltip(d, tips),
            **pieces,
        )
    )
    layers: list[alt.Chart] = [line]
    if ref is not None:
        layers.insert(0, alt.Chart(_data([{"ref": float(ref)}])).mark_rule(style="ref-rule").encode(y="ref:Q"))
    chart = alt.layer(*layers)
    return _finish(
        chart,
        theme=theme,
        title=title,
        subtitle=subtitle,
        width=width,
        height=height,
        source=source,
        synthetic=synthetic,
    )


def line_chart(
    df: Any,
    x: str,
    y: str,
    color: str | None = None,
    *,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    source: Sequence[str] | None = None,
    synthetic: bool = False,
    tooltip: Sequence[Any] | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    x_type: str | None = None,
    x_format: str | None = None,
    y_format: str | None = None,
    points: bool = True,
    connect: bool = True,
    interpolate: Any = "linear",
    log_y: bool = False,
    theme: Theme = "light",
    width: int = 640,
    height: int = 360,
    max_rows: int = MAX_ROWS,
) -> alt.LayerChart:
    """Markers per value, optionally joined by faint connectors (``connect``), for a few measurements over time;
    ``x`` may be a date/datetime column (temporal axis, ``x_format`` e.g. ``"%b %Y"``), numbers or labels.
    Long because it is one chart spec, built layer by layer and read top to bottom."""
    _check_theme(theme)
    d = _frame(df, "line_chart data")
    if color is not None and color not in d.columns:
        raise KeyError(f"line_chart: colour column {color!r} not found; available columns: {d.columns}")
    for c in (x, y):
        if c not in d.columns:
            raise KeyError(f"line_chart: column {c!r} not found; available columns: {d.columns}")
    xt = x_type or _enc_type(d.schema[x])
    tips = list(tooltip) if tooltip is not None else ([color] if color else []) + [x, y]
    if color is not None:  # the legend names only what varies between the series
        short = labels.without_shared_parts([str(v) for v in d[color].drop_nulls().unique().sort().to_list()])
        d = d.with_columns(pl.col(color).cast(pl.String).replace_strict(short, default=pl.col(color)))
    d = _with_segments(d.sort(x), x, y, color)
    cols = [x, y, color, "_segment", *[t for t in tips if isinstance(t, str)]]
    rows = _values(d, cols, what="line_chart data", max_rows=max_rows)
    domain = _domain((d, color))
    col = _color(color, domain, below=max(map(len, domain), default=0) > LONG_LEGEND_CHARS)
    yaxis = alt.Axis(format=y_format) if y_format else alt.Axis()
    xaxis = alt.Axis(format=x_format) if x_format else alt.Axis()
    dom_y = nice_log_domain(d[y].to_list()) if log_y else None
    if dom_y:  # round tick values, the top and bottom of the axis among them
        yaxis = alt.Axis(format=y_format or ",~r", values=log_ticks(dom_y))
    enc = {
        "x": alt.X(
            f"{_field(x)}:{xt[0].upper()}",
            title=x_title if x_title is not None else x,
            axis=xaxis,
            scale=alt.Scale(padding=24) if xt != "ordinal" else alt.Undefined,
        ),
        "y": alt.Y(
            f"{_field(y)}:Q", title=y_title if y_title is not None else y, scale=_scale(log_y, domain=dom_y), axis=yaxis
        ),
        "color": col,
        "tooltip": _tooltip(d, tips),
    }
    base = alt.Chart(_data(rows))
    layers: list[alt.Chart] = []
    if connect:  # faint connectors only between markers in adjacent x positions: a gap is never bridged
        layers.append(
            base.transform_filter("datum._segment != null")
            .mark_line(interpolate=interpolate, strokeWidth=1.2, opacity=0.45)
            .encode(**enc, strokeDash=_dash(color, domain), detail="_segment:N")
        )
    if points or not connect:
        layers.append(base.mark_point(filled=True, size=70, opacity=1).encode(**enc))
    chart = alt.layer(*layers)
    return _finish(
        chart,
        theme=theme,
        title=title,
        subtitle=subtitle,
        width=width,
        height=height,
        source=source,
        synthetic=synthetic,
    )


#: label box height and width per character (px) used to keep annotation labels apart
_LABEL_PX_H, _LABEL_PX_CHAR = 13.0, 6.2


def _place_labels(
    rows: list[dict[str, Any]],
    dom_x: list[float] | None,
    dom_y: list[float] | None,
    width: int,
    height: int,
    log_y: bool,
) -> None:
    """Set ``_x_label``/``_y_label`` (data units) on each provider row: beside its price marker, moved down past
    labels already placed and sideways past other providers' markers and margin rules, so no label covers
    another label or a marker (greedy, top to bottom, in pixels)."""
    if not dom_x or not dom_y:
        for r in rows:
            r["_x_label"], r["_y_label"] = r["speed"], r["price"]
        return
    ylo, yhi = (math.log10(d) for d in dom_y) if log_y else dom_y

    def ypx(v: float) -> float:
        return height * (1 - ((math.log10(v) if log_y else v) - ylo) / (yhi - ylo))

    def xpx(v: float) -> float:
        return width * (v - dom_x[0]) / (dom_x[1] - dom_x[0])

    marks = [
        (xpx(r["speed"]), ypx(r["price"]), ypx(r["cost"]) if r["cost"] is not None else ypx(r["price"])) for r in rows
    ]
    placed: list[tuple[float, float, float]] = []  # x0, x1, y (px)
    for r in sorted(rows, key=lambda r: ypx(r["price"])):
        x, y, w, right = xpx(r["speed"]), ypx(r["price"]), len(str(r["label"])) * _LABEL_PX_CHAR, r["_right"]
        anchor = x
        for _ in range(4 * len(rows) + 4):
            x0, x1 = (anchor - 9 - w, anchor - 9) if right else (anchor + 9, anchor + 9 + w)
            hit_label = next((ay for a0, a1, ay in placed if x0 < a1 and a0 < x1 and abs(y - ay) < _LABEL_PX_H), None)
            if hit_label is not None:
                y = hit_label + _LABEL_PX_H
                continue
            hit = [
                mx for mx, top, bottom in marks if x0 - 5 < mx < x1 + 5 and top - 8 < y < bottom + 8 and mx != anchor
            ]
            if not hit:
                break
            anchor = min(hit) if right else max(hit)
        placed.append((x0, x1, y))
        r["_x_label"] = dom_x[0] + anchor / width * (dom_x[1] - dom_x[0])
        v = ylo + (1 - y / height) * (yhi - ylo)
        r["_y_label"] = 10**v if log_y else v


def margin_chart(
    curves: Any,
    providers: Any,
    x: str = "median_intvty",
    y: str = "cost_per_m_total",
    curve: str = "label",
    *,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    source: Sequence[str] | None = None,
    synthetic: bool = False,
    x_title: str = X_INTVTY_TITLE,
    y_title: str = "$ per million tokens",
    log_y: bool = True,
    theme: Theme = "light",
    width: int = 640,
    height: int = 400,
    max_rows: int = MAX_ROWS,
) -> alt.LayerChart:
    """Provider price against benchmark cost: the configs' cost curves (``curves``: ``x``, ``y``, ``curve``) in a
    faint neutral colour, and for each provider (``providers``: ``provider``, ``speed`` tok/s/user, ``price`` and
    ``cost`` in $/M, ``label``) a filled marker at its price, a hollow marker at the benchmark cost at its speed,
    a rule between them (the margin) and a label naming the provider and its price. A provider whose speed no
    config reaches has a price marker only (``cost`` null).
    Long because it is one chart spec, built layer by layer and read top to bottom."""
    _check_theme(theme)
    cv = _frame(curves, "margin_chart curves")
    pv = _frame(providers, "margin_chart providers")
    need = ["provider", "speed", "price", "cost", "label"]
    missing = [c for c in need if c not in pv.columns]
    if missing:
        raise KeyError(f"margin_chart: provider column(s) {missing} not found; available columns: {pv.columns}")
    c = COLORS[theme]
    dom_y = (
        fit_domain([*cv[y].to_list(), *pv["price"].to_list(), *pv["cost"].to_list()], log=True, margin=0.08)
        if log_y
        else None
    )
    yscale = _scale(log_y, domain=dom_y)
    ys = alt.Y(f"{_field(y)}:Q", title=y_title, scale=yscale, axis=alt.Axis(format="$,.3~r"))
    dom_x = fit_domain([0.0, *cv[x].to_list(), *pv["speed"].to_list()], margin=0.04)
    xscale = _scale(False, domain=dom_x)
    xs = alt.X(f"{_field(x)}:Q", title=x_title, scale=xscale)
    rows = _values(cv.sort(x), [x, y, curve], what="margin_chart curves", max_rows=max_rows)
    lines = (
        alt.Chart(_data(rows))
        .mark_line(interpolate="monotone", strokeWidth=1.3, opacity=0.35, color=c["subtle"])
        .encode(
            x=xs,
            y=ys,
            detail=f"{_field(curve)}:N",
            tooltip=[
                alt.Tooltip(f"{_field(curve)}:N", title="Config"),
                alt.Tooltip(f"{_field(x)}:Q", title=labels.column_title(x), format=",.1f"),
                alt.Tooltip(f"{_field(y)}:Q", title="Benchmark cost ($/M)", format="$,.3~r"),
            ],
        )
    )
    prow = _values(pv, need, what="margin_chart providers", max_rows=max_rows)
    for r in prow:  # labels right of the marker, or left of it in the right part of the plot
        r["_y_price"], r["_y_cost"] = r["price"], r["cost"]
        r["_right"] = bool(dom_x and r["speed"] is not None and r["speed"] > dom_x[0] + 0.55 * (dom_x[1] - dom_x[0]))
    _place_labels(prow, dom_x, dom_y, width, height, log_y)
    base = alt.Chart(_data(prow))
    domain = [str(v) for v in pv["provider"].to_list()]
    col = alt.Color(
        "provider:N",
        title="Provider",
        scale=alt.Scale(domain=domain),
        legend=alt.Legend(labelLimit=_label_limit(domain)),
    )
    tips = [
        alt.Tooltip("provider:N", title="Provider"),
        alt.Tooltip("speed:Q", title="Speed (tok/s/user)", format=",.0f"),
        alt.Tooltip("price:Q", title="Price ($/M)", format="$,.3~r"),
        alt.Tooltip("cost:Q", title="Benchmark cost ($/M)", format="$,.3~r"),
    ]
    px, py = alt.X("speed:Q", title=x_title, scale=xscale), alt.Y("_y_price:Q", title=y_title, scale=yscale)
    margin = (
        base.transform_filter("datum._y_cost != null")
        .mark_rule(strokeWidth=2, opacity=0.8)
        .encode(x=px, y=py, y2="_y_cost:Q", color=col, tooltip=tips)
    )
    price = base.mark_point(filled=True, size=110, shape="circle", opacity=1).encode(
        x=px, y=py, color=col, tooltip=tips
    )
    cost = (
        base.transform_filter("datum._y_cost != null")
        .mark_point(filled=False, size=110, shape="diamond", strokeWidth=2, opacity=1)
        .encode(x=px, y=alt.Y("_y_cost:Q", scale=yscale), color=col, tooltip=tips)
    )
    texts = [
        base.transform_filter(f"{'' if right else '!'}datum._right")
        .mark_text(align="right" if right else "left", dx=-9 if right else 9, fontSize=10.5)
        .encode(x=alt.X("_x_label:Q", scale=xscale), y=alt.Y("_y_label:Q", scale=yscale), text="label:N", color=col)
        for right in (False, True)
    ]
    chart = alt.layer(lines, margin, price, cost, *texts)
    return _finish(
        chart,
        theme=theme,
        title=title,
        subtitle=subtitle,
        width=width,
        height=height,
        source=source,
        synthetic=synthetic,
    )


# ---------------------------------------------------------------------------------------------------------- export
#: characters XML 1.0 cannot hold (C0 controls but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF)
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe_text(text: str) -> str:
    """``text`` with every character XML cannot hold replaced by U+FFFD."""
    return _NOT_XML_RE.sub("\ufffd", text)


def xml_safe(obj: Any) -> Any:
    """A spec (dicts, lists, strings, numbers) with ``xml_safe_text`` applied to every string, keys included (a new
    structure; numbers and other leaves are shared)."""
    if isinstance(obj, str):
        return _NOT_XML_RE.sub("\ufffd", obj)
    if isinstance(obj, Mapping):
        return {xml_safe(k): xml_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [xml_safe(v) for v in obj]
    return obj


def vl_svg(spec: Mapping[str, Any]) -> str:
    """SVG text of a Vega-Lite spec (made XML-safe first), rendered offline by vl-convert."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(xml_safe(dict(spec)), vl_version=_vl_version(), allowed_base_urls=[])


def vl_png(spec: Mapping[str, Any], scale: float = 1) -> bytes:
    """PNG bytes of a Vega-Lite spec at ``scale`` x (made XML-safe first), rendered offline by vl-convert."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(xml_safe(dict(spec)), vl_version=_vl_version(), scale=scale, allowed_base_urls=[])


def _vl_version() -> str | None:
    import vl_convert as vlc

    v = alt.SCHEMA_VERSION.lstrip("v")
    mm = ".".join(v.split(".")[:2])
    return mm if mm in vlc.get_vegalite_versions() else None


def to_spec(chart: Any, *, max_rows: int = MAX_ROWS) -> dict[str, Any]:
    """A Vega-Lite spec dict from an Altair chart or a dict, XML-safe (:func:`xml_safe`); frames passed straight to
    Altair get ``max_rows`` for this conversion only (Altair's data transformer is restored afterwards)."""
    if isinstance(chart, Mapping):
        return cast(dict[str, Any], xml_safe(copy.deepcopy(dict(chart))))
    if not isinstance(chart, alt.TopLevelMixin):
        raise TypeError(f"expected an Altair chart or a spec dict, got {type(chart).__name__}")
    with alt.data_transformers.enable("default", max_rows=max_rows):
        return cast(dict[str, Any], xml_safe(chart.to_dict()))


def _themed_spec(chart_or_builder: Any, theme: str, max_rows: int) -> dict[str, Any]:
    if isinstance(chart_or_builder, (alt.TopLevelMixin, Mapping)):
        return spec_with_theme(to_spec(chart_or_builder, max_rows=max_rows), theme)  # type: ignore[arg-type]
    if callable(chart_or_builder):
        params: Mapping[str, Any]
        try:
            params = inspect.signature(chart_or_builder).parameters
        except (TypeError, ValueError):
            params = {}
        chart = chart_or_builder(theme=theme) if "theme" in params else chart_or_builder(theme)
        return spec_with_theme(to_spec(chart, max_rows=max_rows), _check_theme(theme))
    raise TypeError("save_figure needs an Altair chart, a spec dict or a callable theme -> chart")


def render_svg(chart: Any, theme: Theme | None = None, *, max_rows: int = MAX_ROWS) -> str:
    """SVG text of a chart (optionally re-themed), rendered offline with vl-convert."""
    spec = to_spec(chart, max_rows=max_rows)
    if theme is not None:
        spec = spec_with_theme(spec, theme)
    return vl_svg(spec)


#: CSS pixels per inch: a PNG rendered at ``scale`` x carries ``scale`` x 72 dpi, so it pastes at its CSS size
CSS_DPI = 72


def png_with_dpi(data: bytes, dpi: float) -> bytes:
    """PNG bytes with a pHYs chunk stating ``dpi`` (pixels per metre, rounded), replacing any existing one."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    ppm = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    phys = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    out, pos = [data[:8]], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos : pos + 12 + length]
        pos += 12 + length
        if kind == b"pHYs":
            continue
        out.append(chunk)
        if kind == b"IHDR":
            out.append(phys)
    return b"".join(out)


def png_dpi(data: bytes) -> float | None:
    """The dpi a PNG's pHYs chunk states (None without one, or when its unit is not the metre)."""
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"pHYs":
            x, _, unit = struct.unpack(">IIB", data[pos + 8 : pos + 17])
            return x * 0.0254 if unit == 1 else None
        pos += 12 + length
    return None


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
    """Write ``<name>-<theme>.png`` (``scale`` x, default 2x, with ``scale`` x 72 dpi in its metadata so it pastes at
    its CSS size) and ``<name>-<theme>.svg`` for each theme.

    ``chart_or_builder``: a callable ``theme -> chart`` (called as ``f(theme=...)`` when it has a ``theme``
    parameter, e.g. ``functools.partial(frontier_chart, pts, fr)``, else ``f(theme)``), or an Altair chart / spec
    dict, which is re-themed for each variant. Returns the written paths in order.
    """
    if not _NAME_RE.fullmatch(name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '.', '_' and '-' only")
    bad = [f for f in formats if f not in ("png", "svg")]
    if bad:
        raise ValueError(f"unsupported figure format(s) {bad}; use 'png' and/or 'svg'")
    for t in themes:
        _check_theme(t)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for theme in themes:
        spec = _themed_spec(chart_or_builder, theme, max_rows)
        for fmt in formats:
            path = out / f"{name}-{theme}.{fmt}"
            if fmt == "png":
                path.write_bytes(png_with_dpi(vl_png(spec, scale), CSS_DPI * scale))
            else:
                path.write_text(vl_svg(spec), encoding="utf-8")
            written.append(path)
    return written


def write_figure(
    name: str, out_dir: str | Path, theme: str, *, svg: str, png: bytes | None = None, scale: float = 2
) -> list[Path]:
    """Write an already rendered figure as ``<name>-<theme>.png`` when ``png`` is given (rendered at ``scale`` x;
    its metadata set to ``scale`` x 72 dpi, as :func:`save_figure` does) and ``<name>-<theme>.svg``. Returns the
    paths written."""
    if not _NAME_RE.fullmatch(name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '.', '_' and '-' only")
    _check_theme(theme)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if png is not None:
        written.append(out / f"{name}-{theme}.png")
        written[-1].write_bytes(png_with_dpi(png, CSS_DPI * scale))
    written.append(out / f"{name}-{theme}.svg")
    written[-1].write_text(svg, encoding="utf-8")
    return written


# ------------------------------------------------------------------------------------------- offline rendering
_STATE: dict[str, Any] = {"bundle_emitted": False, "theme": "light"}
_READY_FLAG = "__frontierVegaReady"
_QUEUE = "__frontierVegaQueue"


def _script_safe_json(obj: Any) -> str:
    """JSON that is safe inside an HTML <script> element (no '</script', '<!--', U+2028/2029 breaks)."""
    s = json.dumps(obj, allow_nan=False, ensure_ascii=False)
    return (
        s.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@functools.lru_cache(maxsize=1)
def _bundle_js() -> str:
    import vl_convert as vlc

    js = vlc.javascript_bundle()  # type: ignore[call-arg]  # the snippet is optional at run time
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


ZOOM_PARAM = "frontier_zoom"
PICK_PARAM = "frontier_pick"
#: opacity of the series not picked in the legend
PICK_DIM = 0.15


def _encoding(view: Mapping[str, Any]) -> dict[str, Any]:
    enc = view.get("encoding")
    return enc if isinstance(enc, dict) else {}


def _is_xy(view: Mapping[str, Any]) -> bool:
    enc = _encoding(view)
    return "mark" in view and all(isinstance(enc.get(c), dict) and enc[c].get("type") == "quantitative" for c in "xy")


def with_interaction(spec: Mapping[str, Any]) -> dict[str, Any]:
    """``spec`` with the interactions of an interactive chart: drag to pan and wheel to zoom both axes (an interval
    selection bound to the scales), and click a legend entry to pick its series (shift-click adds one; the others
    fade to ``PICK_DIM``; double-click clears). Added to the first layer that plots two quantitative axes; the
    legend pick only where that layer colours by a field. Charts without such a layer (heat maps) and charts that
    already declare these parameters are returned unchanged (as a copy)."""
    out = copy.deepcopy(dict(spec))
    layer = out.get("layer")
    layers: list[Any] = layer if isinstance(layer, list) else ([out] if "mark" in out else [])
    host = next((v for v in layers if isinstance(v, dict) and _is_xy(v)), None)
    declared = {p.get("name") for v in [out, *layers] if isinstance(v, dict) for p in v.get("params", []) or []}
    if host is None or ZOOM_PARAM in declared:
        return out
    params = host.setdefault("params", [])
    params.append({"name": ZOOM_PARAM, "select": {"type": "interval", "encodings": ["x", "y"]}, "bind": "scales"})
    color = _encoding(host).get("color")
    field = color.get("field") if isinstance(color, dict) and "condition" not in color else None
    if field:
        params.append({"name": PICK_PARAM, "select": {"type": "point", "fields": [field]}, "bind": "legend"})
        for view in layers:
            c = _encoding(view).get("color") if isinstance(view, dict) else None
            if isinstance(c, dict) and c.get("field") == field and "opacity" not in _encoding(view):
                view["encoding"]["opacity"] = {"condition": {"param": PICK_PARAM, "value": 1}, "value": PICK_DIM}
    return out


def embed_snippet(spec: Mapping[str, Any], *, element_id: str | None = None) -> str:
    """A <div> plus a small <script> drawing ``spec`` with vega-embed (SVG renderer, no action links); it waits
    for :func:`bundle_script` if the bundle comes later on the page."""
    eid = element_id or f"frontier-vl-{uuid.uuid4().hex}"
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", eid):
        raise ValueError(f"bad element id {eid!r}")
    opts = {"renderer": "svg", "actions": False, "mode": "vega-lite"}
    return (
        f'<div class="frontier-chart {NO_MATH}" id="{eid}"></div>\n'
        '<script type="text/javascript">\n'
        "(function(){\n"
        f"  var el = document.getElementById({json.dumps(eid)});\n"
        f"  var spec = {_script_safe_json(with_interaction(spec))};\n"
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
    spec = spec_with_theme(spec, _STATE["theme"], override=False)
    svg = vl_svg(spec)
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


def standalone_html(
    charts: Sequence[Any],
    *,
    mode: Literal["svg", "interactive"] = "interactive",
    title: str = "Charts",
    theme: Theme = "light",
    max_rows: int = MAX_ROWS,
) -> str:
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
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f"<style>body{{background:{c['background']};color:{c['text']};font-family:{FONT};margin:24px}}"
        ".frontier-chart{margin:16px 0}</style></head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n" + "\n".join(body) + "\n</body></html>\n"
    )
