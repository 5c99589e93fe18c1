"""Chart builders: frontier, cost, ratio, line and margin charts (Altair), themed and with their source."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import altair as alt
import polars as pl

from frontier.data import labels

from ._encoding import (
    FLOOR_AXIS_REACH,
    LONG_LEGEND_CHARS,
    _bound_rows,
    _color,
    _dash,
    _dash_by,
    _data,
    _domain,
    _enc_type,
    _field,
    _finish,
    _frame,
    _label_limit,
    _scale,
    _target_layers,
    _tooltip,
    _values,
    _with_segments,
    fit_domain,
    floors_beyond_line,
    log_ticks,
    nice_log_domain,
)
from .theme import COLORS, MAX_ROWS, PALETTES, X_INTVTY_TITLE, Y_COST_TITLE, Y_TPUT_TITLE, Theme, _check_theme

__all__ = ["cost_chart", "frontier_chart", "line_chart", "margin_chart", "ratio_chart"]


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
            "(use frontier.data.labels.series_labels to build one, or pass color=None)"
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
