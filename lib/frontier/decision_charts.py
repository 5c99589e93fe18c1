"""Charts for decisions: cost ratio against interactivity with its break-even line, break-even price of one side
against the other's price (actual prices per view as labelled markers), payback sensitivity, and frontiers with
run-to-run bands. Built on :mod:`frontier.charts` (same theme, export and offline rendering).

Units: interactivity tok/s/user, throughput tok/s/GPU, prices $/GPU-hour, payback months.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import polars as pl

from . import charts
from .charts import MAX_ROWS, Theme

__all__ = ["breakeven_price_chart", "cost_ratio_chart", "frontier_band_chart", "payback_heatmap"]


def cost_ratio_chart(
    curves: pl.DataFrame,
    side_a: str,
    side_b: str,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    theme: Theme = "light",
    **kw: Any,
) -> alt.TopLevelMixin:
    """Cost ratio A ÷ B against interactivity, one line per price view, with the break-even line at 1× (below it
    A is cheaper per token)."""
    d = curves.filter(pl.col("cost_ratio").is_not_null()).select(
        pl.col("target").alias("median_intvty"),
        pl.col("cost_ratio").alias("ratio"),
        pl.col("price_label").alias("label"),
    )
    return charts.ratio_chart(
        d,
        ref=1.0,
        log_y=True,
        y_title=f"Cost per token, {side_a} ÷ {side_b} (×)",
        title=title or f"Cost ratio {side_a} ÷ {side_b} by price view",
        subtitle=subtitle or f"Line at 1×: break-even. Below it {side_a} is cheaper per token.",
        theme=theme,
        **kw,
    )


def breakeven_price_chart(
    by_view: pl.DataFrame,
    side_a: str,
    side_b: str,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    source: Sequence[str] | None = None,
    synthetic: bool = False,
    theme: Theme = "light",
    width: int = 640,
    height: int = 400,
) -> alt.TopLevelMixin:
    """Break-even $/GPU-hour of side A against side B's $/GPU-hour at one target (a line through the origin with
    slope tok/s/GPU A ÷ B), and each price view's actual (B price, A price) as a labelled marker: markers below the
    line are views where A is cheaper per token.
    Long because it is one chart spec, built layer by layer and read top to bottom."""
    charts._check_theme(theme)
    rows = by_view.filter(
        pl.col("price_a").is_not_null() & pl.col("price_b").is_not_null() & pl.col("breakeven_price_a").is_not_null()
    )
    if rows.height == 0:
        raise ValueError("breakeven_price_chart: no price view prices both sides at a reachable target")
    targets = rows["target"].unique().to_list()
    if len(targets) != 1:
        raise ValueError(f"breakeven_price_chart: give one target's rows (got targets {sorted(targets)})")
    slope = float(rows["breakeven_price_a"][0] / rows["price_b"][0])
    x_max = max(rows["price_b"].to_list()) * 1.25
    line_rows = [
        {"price_b": x, "price_a": x * slope, "what": f"break-even ({slope:.2f}× {side_b}'s price)"}
        for x in (0.0, x_max)
    ]
    xs = alt.X("price_b:Q", title=f"{side_b} price ($/GPU-hour)", scale=alt.Scale(domain=[0, x_max]))
    ys = alt.Y("price_a:Q", title=f"{side_a} price ($/GPU-hour)", scale=alt.Scale(zero=True))
    line = (
        alt.Chart(charts._data(line_rows))
        .mark_line(strokeWidth=2)
        .encode(x=xs, y=ys, tooltip=[alt.Tooltip("what:N", title="line")])
    )
    marks = charts._values(
        rows.select(pl.col("price_b"), pl.col("price_a"), pl.col("view"), pl.col("price_label"), pl.col("cost_ratio")),
        ["price_b", "price_a", "view", "price_label", "cost_ratio"],
        what="breakeven_price_chart markers",
        max_rows=MAX_ROWS,
    )
    base = alt.Chart(charts._data(marks))
    dots = base.mark_point(filled=True, size=70).encode(
        x=xs,
        y=ys,
        tooltip=[
            alt.Tooltip("price_label:N", title="price view"),
            alt.Tooltip("price_b:Q", title=f"{side_b} $/GPU-hour", format="$.2f"),
            alt.Tooltip("price_a:Q", title=f"{side_a} $/GPU-hour", format="$.2f"),
            alt.Tooltip("cost_ratio:Q", title="cost A ÷ B", format=".2f"),
        ],
    )
    text = base.mark_text(align="left", dx=7, dy=-6, fontSize=11).encode(x=xs, y=ys, text="view:N")
    t = float(targets[0])
    chart = alt.layer(line, dots, text)
    return charts._finish(
        chart,
        theme=theme,
        title=title or f"Break-even price of {side_a} against {side_b} at {t:g} tok/s/user",
        subtitle=subtitle or f"Markers below the line: {side_a} is cheaper per token at that view's prices.",
        width=width,
        height=height,
        source=source,
        synthetic=synthetic,
    )


_INKS = ["#8c959f", "#ffffff", "#1f2328"]  # heatmap text: "never" cells, dark cells, light cells


def payback_heatmap(
    sens: pl.DataFrame,
    new_gpu: str,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    source: Sequence[str] | None = None,
    synthetic: bool = False,
    theme: Theme = "light",
    width: int = 480,
    height: int = 260,
) -> alt.TopLevelMixin:
    """Months to pay back by utilisation (rows) and the new side's $/GPU-hour (columns); "never" cells left
    uncoloured.
    Long because it is one chart spec, built layer by layer and read top to bottom."""
    charts._check_theme(theme)
    d = sens.with_columns(
        pl.struct("new_price", "price_factor")
        .map_elements(lambda r: f"${r['new_price']:,.2f} ({r['price_factor']:g}×)", return_dtype=pl.String)
        .alias("price"),
        (pl.col("utilisation") * 100).round(0).cast(pl.Int64).alias("utilisation_pct"),
        pl.when(pl.col("payback_months").is_null())
        .then(pl.lit("never"))
        .otherwise(pl.col("payback_months").round(1).cast(pl.String))
        .alias("cell"),
    )
    months = d["payback_months"].drop_nulls()
    mid = (min(months.to_list()) + max(months.to_list())) / 2 if months.len() else 0.0
    # cell text readable on light and dark cells in either theme; "never" cells (no fill) in mid grey
    d = d.with_columns(
        pl.when(pl.col("payback_months").is_null())
        .then(pl.lit(_INKS[0]))
        .when(pl.col("payback_months") > mid)
        .then(pl.lit(_INKS[1]))
        .otherwise(pl.lit(_INKS[2]))
        .alias("ink")
    )
    order = d["price"].unique(maintain_order=True).to_list()
    rows = charts._values(
        d, ["price", "utilisation_pct", "payback_months", "cell", "ink"], what="payback_heatmap data", max_rows=MAX_ROWS
    )
    base = alt.Chart(charts._data(rows))
    x = alt.X(
        "price:O", sort=order, title=f"{new_gpu} price ($/GPU-hour, × the view's price)", axis=alt.Axis(labelAngle=0)
    )
    y = alt.Y("utilisation_pct:O", sort="descending", title="Utilisation (%)")
    rect = base.mark_rect().encode(
        x=x,
        y=y,
        color=alt.Color("payback_months:Q", title="months", scale=alt.Scale(scheme="blues")),
        tooltip=[alt.Tooltip("cell:N", title="payback (months)")],
    )
    text = base.mark_text(fontSize=12).encode(
        x=x, y=y, text="cell:N", color=alt.Color("ink:N", scale=alt.Scale(domain=_INKS, range=_INKS), legend=None)
    )
    return charts._finish(
        alt.layer(rect, text),
        theme=theme,
        title=title or "Months to pay back the migration",
        subtitle=subtitle,
        width=width,
        height=height,
        source=source,
        synthetic=synthetic,
    )


def frontier_band_chart(
    points: Any | None,
    frontier: Any | None,
    band: pl.DataFrame,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    theme: Theme = "light",
    **kw: Any,
) -> alt.TopLevelMixin:
    """:func:`frontier.charts.frontier_chart` with a shaded min–max band per config over its runs (``band`` from
    :func:`frontier.spread.bands`: label, median_intvty, lo, hi, runs_reaching). Configs measured in one run have no
    band; say so in the subtitle or a note."""
    chart = charts.frontier_chart(points, frontier, title=title, subtitle=subtitle, theme=theme, **kw)
    if band.height == 0:
        return chart
    fr = charts._frame(frontier, "frontier") if frontier is not None else None
    pts = charts._frame(points, "points") if points is not None else None
    domain = charts._domain((fr, "label"), (pts, "label"), (band, "label"))
    rows = charts._values(
        band,
        ["label", "median_intvty", "lo", "hi", "runs_reaching"],
        what="frontier_band_chart band",
        max_rows=MAX_ROWS,
    )
    area = (
        alt.Chart(charts._data(rows))
        .mark_area(opacity=0.18, interpolate="monotone")
        .encode(
            x=alt.X("median_intvty:Q"),
            y=alt.Y("lo:Q"),
            y2=alt.Y2("hi:Q"),
            color=charts._color("label", domain),
            tooltip=[
                alt.Tooltip("label:N"),
                alt.Tooltip("median_intvty:Q", format=",.1f"),
                alt.Tooltip("lo:Q", title="min over runs", format=",.1f"),
                alt.Tooltip("hi:Q", title="max over runs", format=",.1f"),
                alt.Tooltip("runs_reaching:Q", title="runs"),
            ],
        )
    )
    chart.layer = [*chart.layer, area]  # after the frontier layer, which sets the legend's symbols
    return chart
