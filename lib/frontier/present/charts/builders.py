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


def _check_column(fn: str, what: str, name: str | None, df: pl.DataFrame, hint: str = "") -> None:
    """A clear KeyError naming ``df``'s columns when the column ``name`` (if given) is not among them."""
    if name is not None and name not in df.columns:
        raise KeyError(f"{fn}: {what} {name!r} not found; available columns: {df.columns}{hint}")


def _tips(tooltip: Sequence[Any] | None, drawn: Sequence[str | None], df: pl.DataFrame | None = None) -> list[Any]:
    """The caller's tooltip items, else the drawn columns (unset ones skipped) and, given ``df``, its ``conc`` and
    ``topology`` columns."""
    if tooltip is not None:
        return list(tooltip)
    extra = [c for c in ("conc", "topology") if c in df.columns] if df is not None else []
    return [c for c in drawn if c] + extra


def _tip_names(tips: Sequence[Any]) -> list[str]:
    """The column names among tooltip items (the rest are ready-made ``alt.Tooltip`` objects)."""
    return [t for t in tips if isinstance(t, str)]


def _tips_in(tips: Sequence[Any], df: pl.DataFrame) -> list[Any]:
    """Tooltip items ``df`` can fill: ready-made items and the names of its columns."""
    return [t for t in tips if not isinstance(t, str) or t in df.columns]


def _curve(rows: list[dict[str, Any]]) -> alt.Chart:
    """A measured curve: a monotone line through filled markers (the analysis's d3.curveMonotoneX)."""
    return alt.Chart(_data(rows)).mark_line(interpolate="monotone", point=alt.OverlayMarkDef(filled=True, size=40))


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
    """
    _check_theme(theme)
    pts, fr, bd, ref = _frontier_frames(points, frontier, bounds, color, dash)
    tips = _tips(tooltip, [color, dash, x, y], ref)
    xvals = [v for df in (fr, pts) if df is not None for v in df[x].to_list()]
    bd, subtitle, xvals = _fit_floors(bd, bounds_x, color, xvals, targets, subtitle)
    xs, ys, dom_x = _frontier_axes(fr, pts, x, y, xvals, targets, x_title, y_title, log_x, log_y)
    domain, col, stroke = _frontier_colors(fr, pts, color, dash, color_title, dash_title)
    layers = _measured_layers(fr, pts, [x, y, color], dash, tips, {"x": xs, "y": ys, "color": col}, stroke, max_rows)
    layers += _bound_layers(bd, bounds_x, color, domain, dom_x, log_x, width, x_title, theme)
    xmax = max(xvals, default=None)
    layers += _target_layers(targets, x_title, "tok/s/user", xmax=xmax, domain_x=dom_x, log_x=log_x, width=width)
    return _finish(
        alt.layer(*layers),
        theme=theme,
        title=title,
        subtitle=subtitle,
        width=width,
        height=height,
        source=source,
        synthetic=synthetic,
    )


def _measured_layers(
    fr: pl.DataFrame | None,
    pts: pl.DataFrame | None,
    drawn: list[str | None],
    dash: str | None,
    tips: list[Any],
    enc: dict[str, Any],
    stroke: Any,
    max_rows: int,
) -> list[alt.Chart]:
    """:func:`frontier_chart`'s measured layers: the frontier curves (``stroke`` their dashes), then the points
    drawn faint. The frontier comes first: the shared legend takes its symbols from the first layer (solid lines,
    not the faint scatter). ``drawn``: the x, y and colour columns; ``enc``: their encodings."""
    layers: list[alt.Chart] = []
    if fr is not None:
        ttips = _tips_in(tips, fr)
        cols = [*drawn, dash, *_tip_names(ttips)]
        rows = _values(fr.sort(str(drawn[0])), cols, what="frontier_chart frontier", max_rows=max_rows)
        layers.append(_curve(rows).encode(**enc, strokeDash=stroke, tooltip=_tooltip(fr, ttips)))
    if pts is not None:
        ttips = _tips_in(tips, pts)
        rows = _values(pts, [*drawn, *_tip_names(ttips)], what="frontier_chart points", max_rows=max_rows)
        layers.append(
            alt.Chart(_data(rows))
            .mark_point(filled=True, size=26, opacity=0.28)
            .encode(**enc, tooltip=_tooltip(pts, ttips))
        )
    return layers


def _frontier_frames(
    points: Any | None, frontier: Any | None, bounds: Any | None, color: str | None, dash: str | None
) -> tuple[pl.DataFrame | None, pl.DataFrame | None, pl.DataFrame | None, pl.DataFrame]:
    """:func:`frontier_chart`'s inputs as frames (points, frontier, bounds) and the one whose columns set the
    defaults (the frontier, else the points), with the colour and dash columns checked on it."""
    pts = _frame(points, "frontier_chart points") if points is not None else None
    fr = _frame(frontier, "frontier_chart frontier") if frontier is not None else None
    bd = _frame(bounds, "frontier_chart bounds") if bounds is not None else None
    ref = fr if fr is not None else pts
    if ref is None:
        raise ValueError("frontier_chart: give points, frontier or both")
    hint = " (use frontier.data.labels.series_labels to build one, or pass color=None)"
    _check_column("frontier_chart", "colour column", color, ref, hint)
    _check_column("frontier_chart", "dash column", dash, ref)
    return pts, fr, bd, ref


def _frontier_colors(
    fr: pl.DataFrame | None,
    pts: pl.DataFrame | None,
    color: str | None,
    dash: str | None,
    color_title: str | None,
    dash_title: str | None,
) -> tuple[list[str], Any, Any]:
    """:func:`frontier_chart`'s colour domain and its colour and dash encodings (dashes by ``dash`` with their own
    legend, else by colour when there are more series than palette colours)."""
    domain = _domain((fr, color), (pts, color))
    stroke = _dash_by(dash, _domain((fr, dash), (pts, dash)), dash_title) if dash else _dash(color, domain)
    return domain, _color(color, domain, color_title), stroke


def _fit_floors(
    bd: pl.DataFrame | None,
    bounds_x: str,
    color: str | None,
    xvals: list[Any],
    targets: Sequence[float] | None,
    subtitle: str | Sequence[str] | None,
) -> tuple[pl.DataFrame | None, str | Sequence[str] | None, list[Any]]:
    """The floors to draw, the subtitle and the x values the axis must hold (tok/s/user): floors too far right of
    the data and targets to draw without squeezing the data are taken out and named in a subtitle line instead."""
    if bd is None or bounds_x not in bd.columns:
        return bd, subtitle, xvals
    reach = FLOOR_AXIS_REACH * max([v for v in xvals if v is not None] + list(targets or []), default=0.0)
    far = bd.filter(pl.col(bounds_x) > reach) if reach > 0 else bd.clear()
    if far.height:
        lines = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
        subtitle = [*lines, floors_beyond_line(far, bounds_x, color if color in bd.columns else None)]
        bd = bd.filter(~(pl.col(bounds_x) > reach))
    return bd, subtitle, xvals + bd[bounds_x].to_list()


def _frontier_axes(
    fr: pl.DataFrame | None,
    pts: pl.DataFrame | None,
    x: str,
    y: str,
    xvals: list[Any],
    targets: Sequence[float] | None,
    x_title: str,
    y_title: str,
    log_x: bool,
    log_y: bool,
) -> tuple[alt.X, alt.Y, list[float] | None]:
    """:func:`frontier_chart`'s x and y encodings and its x domain (set on a log x axis, fitted to ``xvals`` and
    the targets); a log y axis is fitted to the drawn y values."""
    dom_x = fit_domain(xvals + list(targets or []), log=True) if log_x else None
    xs = alt.X(f"{_field(x)}:Q", title=x_title, scale=_scale(log_x, zero=False if log_x else None, domain=dom_x))
    dom_y = fit_domain([v for df in (fr, pts) if df is not None for v in df[y].to_list()], log=True) if log_y else None
    ys = alt.Y(f"{_field(y)}:Q", title=y_title, scale=_scale(log_y, domain=dom_y))
    return xs, ys, dom_x


def _bound_layers(
    bd: pl.DataFrame | None,
    bounds_x: str,
    color: str | None,
    domain: list[str],
    dom_x: list[float] | None,
    log_x: bool,
    width: int,
    x_title: str,
    theme: str,
) -> list[alt.Chart]:
    """A dashed rule per decode floor (tok/s/user), in its series' colour when one config has it, and its label;
    none without floors."""
    if bd is None or not bd.height:
        return []
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
    """
    _check_theme(theme)
    df = _frame(frontier_with_cost, "cost_chart data")
    _check_column("cost_chart", "colour column", color, df)
    tips = _tips(tooltip, [color, x, y], df)
    rows = _values(df.sort(x), [x, y, color, *_tip_names(tips)], what="cost_chart data", max_rows=max_rows)
    domain = _domain((df, color))
    dom_y = fit_domain(df[y].to_list(), log=True) if log_y else None
    line = _curve(rows).encode(
        x=alt.X(f"{_field(x)}:Q", title=x_title),
        y=alt.Y(f"{_field(y)}:Q", title=y_title, scale=_scale(log_y, domain=dom_y), axis=alt.Axis(format=y_format)),
        color=_color(color, domain),
        strokeDash=_dash(color, domain),
        tooltip=_tooltip(df, tips),
    )
    xmax = df[x].drop_nulls().max() if df.height else None
    drawn_max = float(xmax) if isinstance(xmax, int | float) else None
    targets_drawn = _target_layers(targets, x_title, "tok/s/user", xmax=drawn_max, width=width)
    return _finish(
        alt.layer(line, *targets_drawn),
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
    colour's line into pieces drawn apart (a line cut where its values are not shown)."""
    _check_theme(theme)
    d = _frame(df, "ratio_chart data")
    if color == "label" and color not in d.columns:  # the default colour column is optional here
        color = None
    _check_column("ratio_chart", "colour column", color, d)
    tips = _tips(tooltip, [color, x, y])
    rows = _values(d.sort(x), [x, y, color, detail, *_tip_names(tips)], what="ratio_chart data", max_rows=max_rows)
    domain = _domain((d, color))
    pieces = {"detail": alt.Detail(f"{_field(detail)}:N")} if detail else {}
    line = (
        alt.Chart(_data(rows))
        .mark_line(interpolate="monotone")
        .encode(
            x=alt.X(f"{_field(x)}:Q", title=x_title),
            y=alt.Y(f"{_field(y)}:Q", title=y_title, scale=_scale(log_y, zero=False), axis=alt.Axis(format=y_format)),
            color=_color(color, domain, color_title),
            strokeDash=_dash(color, domain),
            tooltip=_tooltip(d, tips),
            **pieces,
        )
    )
    layers: list[alt.Chart] = [line]
    if ref is not None:
        layers.insert(0, alt.Chart(_data([{"ref": float(ref)}])).mark_rule(style="ref-rule").encode(y="ref:Q"))
    return _finish(
        alt.layer(*layers),
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
    ``x`` may be a date/datetime column (temporal axis, ``x_format`` e.g. ``"%b %Y"``), numbers or labels."""
    _check_theme(theme)
    d = _frame(df, "line_chart data")
    _check_column("line_chart", "colour column", color, d)
    for c in (x, y):
        _check_column("line_chart", "column", c, d)
    xt = x_type or _enc_type(d.schema[x])
    tips = _tips(tooltip, [color, x, y])
    d = _with_segments(_short_series(d, color).sort(x), x, y, color)
    rows = _values(d, [x, y, color, "_segment", *_tip_names(tips)], what="line_chart data", max_rows=max_rows)
    domain = _domain((d, color))
    enc = _line_encodings(d, x, y, xt, x_title, y_title, x_format, y_format, log_y)
    enc["color"] = _color(color, domain, below=max(map(len, domain), default=0) > LONG_LEGEND_CHARS)
    enc["tooltip"] = _tooltip(d, tips)
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
    return _finish(
        alt.layer(*layers),
        theme=theme,
        title=title,
        subtitle=subtitle,
        width=width,
        height=height,
        source=source,
        synthetic=synthetic,
    )


def _short_series(d: pl.DataFrame, color: str | None) -> pl.DataFrame:
    """``d`` with its series names cut to what varies between them (the legend's words)."""
    if color is None:
        return d
    short = labels.without_shared_parts([str(v) for v in d[color].drop_nulls().unique().sort().to_list()])
    return d.with_columns(pl.col(color).cast(pl.String).replace_strict(short, default=pl.col(color)))


def _line_encodings(
    d: pl.DataFrame,
    x: str,
    y: str,
    xt: str,
    x_title: str | None,
    y_title: str | None,
    x_format: str | None,
    y_format: str | None,
    log_y: bool,
) -> dict[str, Any]:
    """:func:`line_chart`'s x and y encodings: ``xt`` the x type, a log y axis with round ends and ticks."""
    yaxis = alt.Axis(format=y_format) if y_format else alt.Axis()
    xaxis = alt.Axis(format=x_format) if x_format else alt.Axis()
    dom_y = nice_log_domain(d[y].to_list()) if log_y else None
    if dom_y:  # round tick values, the top and bottom of the axis among them
        yaxis = alt.Axis(format=y_format or ",~r", values=log_ticks(dom_y))
    return {
        "x": alt.X(
            f"{_field(x)}:{xt[0].upper()}",
            title=x_title if x_title is not None else x,
            axis=xaxis,
            scale=alt.Scale(padding=24) if xt != "ordinal" else alt.Undefined,
        ),
        "y": alt.Y(
            f"{_field(y)}:Q", title=y_title if y_title is not None else y, scale=_scale(log_y, domain=dom_y), axis=yaxis
        ),
    }


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
    config reaches has a price marker only (``cost`` null)."""
    _check_theme(theme)
    cv = _frame(curves, "margin_chart curves")
    pv = _frame(providers, "margin_chart providers")
    missing = [c for c in _PROVIDER_COLUMNS if c not in pv.columns]
    if missing:
        raise KeyError(f"margin_chart: provider column(s) {missing} not found; available columns: {pv.columns}")
    dom_y = (
        fit_domain([*cv[y].to_list(), *pv["price"].to_list(), *pv["cost"].to_list()], log=True, margin=0.08)
        if log_y
        else None
    )
    dom_x = fit_domain([0.0, *cv[x].to_list(), *pv["speed"].to_list()], margin=0.04)
    xscale, yscale = _scale(False, domain=dom_x), _scale(log_y, domain=dom_y)
    lines = _margin_curves(cv, x, y, curve, xscale, yscale, x_title, y_title, COLORS[theme]["subtle"], max_rows)
    prow = _values(pv, _PROVIDER_COLUMNS, what="margin_chart providers", max_rows=max_rows)
    for r in prow:  # labels right of the marker, or left of it in the right part of the plot
        r["_y_price"], r["_y_cost"] = r["price"], r["cost"]
        r["_right"] = bool(dom_x and r["speed"] is not None and r["speed"] > dom_x[0] + 0.55 * (dom_x[1] - dom_x[0]))
    _place_labels(prow, dom_x, dom_y, width, height, log_y)
    marks = _provider_layers(prow, [str(v) for v in pv["provider"].to_list()], xscale, yscale, x_title, y_title)
    return _finish(
        alt.layer(lines, *marks),
        theme=theme,
        title=title,
        subtitle=subtitle,
        width=width,
        height=height,
        source=source,
        synthetic=synthetic,
    )


#: the columns :func:`margin_chart` reads from its providers frame
_PROVIDER_COLUMNS = ["provider", "speed", "price", "cost", "label"]


def _margin_curves(
    cv: pl.DataFrame,
    x: str,
    y: str,
    curve: str,
    xscale: alt.Scale,
    yscale: alt.Scale,
    x_title: str,
    y_title: str,
    ink: str,
    max_rows: int,
) -> alt.Chart:
    """The configs' cost curves ($/M against tok/s/user), faint in the neutral ``ink``, behind the providers."""
    rows = _values(cv.sort(x), [x, y, curve], what="margin_chart curves", max_rows=max_rows)
    return (
        alt.Chart(_data(rows))
        .mark_line(interpolate="monotone", strokeWidth=1.3, opacity=0.35, color=ink)
        .encode(
            x=alt.X(f"{_field(x)}:Q", title=x_title, scale=xscale),
            y=alt.Y(f"{_field(y)}:Q", title=y_title, scale=yscale, axis=alt.Axis(format="$,.3~r")),
            detail=f"{_field(curve)}:N",
            tooltip=[
                alt.Tooltip(f"{_field(curve)}:N", title="Config"),
                alt.Tooltip(f"{_field(x)}:Q", title=labels.column_title(x), format=",.1f"),
                alt.Tooltip(f"{_field(y)}:Q", title="Benchmark cost ($/M)", format="$,.3~r"),
            ],
        )
    )


def _provider_layers(
    prow: list[dict[str, Any]],
    domain: list[str],
    xscale: alt.Scale,
    yscale: alt.Scale,
    x_title: str,
    y_title: str,
) -> list[alt.Chart]:
    """Per provider (rows placed by :func:`_place_labels`): the margin rule from price to cost, the filled price
    marker, the hollow cost marker and the label."""
    base = alt.Chart(_data(prow))
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
    return [margin, price, cost, *texts]
