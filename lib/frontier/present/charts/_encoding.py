"""Shared parts of the chart builders: frames to inline rows, encodings, colours and dashes, titles and
source lines, target markers and decode-floor rows. Private to the charts package."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import altair as alt
import polars as pl

from frontier.data import labels

from .theme import _NUM_FORMAT, PALETTES, Theme, theme_config

__all__ = ["chart_description"]


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
