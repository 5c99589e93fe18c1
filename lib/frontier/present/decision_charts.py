"""Charts for decisions: cost ratio against interactivity with its break-even line, break-even price of one side
against the other's price (actual prices per view as labelled markers), payback sensitivity, and frontiers with
run-to-run bands. Built on :mod:`frontier.present.charts` (same theme, export and offline rendering).

Units: interactivity tok/s/user, throughput tok/s/GPU, prices $/GPU-hour, payback months.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import polars as pl

from frontier.data import labels
from frontier.present import charts
from frontier.present.charts import MAX_ROWS, Theme

__all__ = [
    "breakeven_price_chart",
    "cost_ratio_chart",
    "frontier_band_chart",
    "payback_heatmap",
    "payback_held",
    "prices_line",
    "view_names",
]

VIEW_COLUMNS = ("price_label", "view", "price_table", "as_of", "price_a", "price_b")


def _view_rows(df: pl.DataFrame) -> list[dict[str, Any]]:
    """One row per price view (label, view, table, date and the two $/GPU-hour), in first-seen order."""
    return df.select([c for c in VIEW_COLUMNS if c in df.columns]).unique(maintain_order=True).to_dicts()


def _view_name(r: dict[str, Any], side_a: str, side_b: str, *, with_table: bool) -> str:
    """A price view for a legend or marker: what it means in words and the two $/GPU-hour it sets."""
    a, b = labels.side_words(side_a), labels.side_words(side_b)
    pa, pb = r.get("price_a"), r.get("price_b")
    prices = f"{a} ${pa:,.2f}, {b} ${pb:,.2f}" if pa is not None and pb is not None else "no price"
    table = f"{r['price_table']}, " if with_table and r.get("price_table") else ""
    return f"{labels.view_words(str(r['view']))} ({table}{prices})"


def view_names(df: pl.DataFrame, side_a: str, side_b: str) -> dict[str, str]:
    """price_label → figure words for each price view in ``df`` (the table named when several tables appear)."""
    rows = _view_rows(df)
    several = len({r.get("price_table") for r in rows}) > 1
    return {str(r["price_label"]): _view_name(r, side_a, side_b, with_table=several) for r in rows}


def prices_line(df: pl.DataFrame, side_a: str, side_b: str) -> str:
    """The source line naming every price view drawn: table, view in words, date and both $/GPU-hour."""
    parts = [
        labels.price_view_words(
            str(r["view"]),
            str(r.get("price_table") or ""),
            r.get("as_of"),
            {labels.side_words(side_a): r.get("price_a"), labels.side_words(side_b): r.get("price_b")},
        )
        for r in _view_rows(df)
    ]
    return "Prices: " + "; ".join(parts)


def _with_prices(source: Sequence[str] | None, line: str) -> list[str]:
    """``source`` with its price line (if any) replaced by ``line``, built from the prices drawn."""
    lines = [s_ for s_ in (source or []) if not s_.startswith("Prices:")]
    return [*lines[:1], line, *lines[1:]]


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
    c = curves.filter(pl.col("cost_ratio").is_not_null())
    names = view_names(c, side_a, side_b)
    d = c.select(
        pl.col("target").alias("median_intvty"),
        pl.col("cost_ratio").alias("ratio"),
        pl.col("price_label").replace_strict(names, default=pl.col("price_label")).alias("label"),
    )
    a, b = labels.side_words(side_a), labels.side_words(side_b)
    if "source" in kw:
        kw["source"] = _with_prices(kw["source"], prices_line(c, side_a, side_b))
    return charts.ratio_chart(
        d,
        ref=1.0,
        log_y=True,
        y_title=f"Cost per token, {a} ÷ {b} (×)",
        title=title or f"Cost per token of {a} relative to {b}, by price view",
        subtitle=subtitle
        or f"Line at 1×: break-even. Below it {a} is cheaper per token; each line sets both GPUs' "
        "$/GPU-hour by one price view (legend).",
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
    line are views where A is cheaper per token."""
    charts.theme._check_theme(theme)
    rows, t = _breakeven_rows(by_view)
    slope = float(rows["breakeven_price_a"][0] / rows["price_b"][0])
    a, b = labels.side_words(side_a), labels.side_words(side_b)
    x_max = max(rows["price_b"].to_list()) * 1.25
    # the y axis fits the markers and the line over the markers' x range, not the line's far end
    y_max = max([*rows["price_a"].to_list(), *rows["breakeven_price_a"].to_list()]) * 1.25
    xs, ys = _price_axis(alt.X, "price_b", b, x_max), _price_axis(alt.Y, "price_a", a, y_max)
    line_rows = [
        {"price_b": x, "price_a": x * slope, "what": f"break-even: {a} at {slope:.2f}× {b}'s price"}
        for x in (0.0, x_max)
    ]
    line = (
        alt.Chart(charts._encoding._data(line_rows))
        .mark_line(strokeWidth=2, clip=True)
        .encode(x=xs, y=ys, tooltip=[alt.Tooltip("what:N", title="line")])
    )
    return charts._encoding._finish(
        alt.layer(line, *_view_markers(rows, view_names(rows, side_a, side_b), xs, ys, a, b)),
        theme=theme,
        title=title or f"Break-even {a} price against the {b} price at {t:g} tok/s/user",
        subtitle=subtitle
        or [
            f"Line: the {a} $/GPU-hour at which its cost per token equals {b}'s ({slope:.2f}× {b}'s price, "
            "the throughput ratio).",
            f"Markers: each price view's actual prices; below the line {a} is cheaper per token.",
        ],
        width=width,
        height=height,
        source=_with_prices(source, prices_line(rows, side_a, side_b)) if source is not None else None,
        synthetic=synthetic,
    )


def _breakeven_rows(by_view: pl.DataFrame) -> tuple[pl.DataFrame, float]:
    """The price views pricing both sides with a break-even price, and their one target (tok/s/user)."""
    rows = by_view.filter(
        pl.col("price_a").is_not_null() & pl.col("price_b").is_not_null() & pl.col("breakeven_price_a").is_not_null()
    )
    if rows.height == 0:
        raise ValueError("breakeven_price_chart: no price view prices both sides at a reachable target")
    targets = rows["target"].unique().to_list()
    if len(targets) != 1:
        raise ValueError(f"breakeven_price_chart: give one target's rows (got targets {sorted(targets)})")
    return rows, float(targets[0])


def _price_axis(channel: Any, field: str, side: str, top: float) -> Any:
    """An axis of one side's price in $/GPU-hour from 0 to ``top`` (``channel``: ``alt.X`` or ``alt.Y``)."""
    return channel(
        f"{field}:Q",
        title=f"{side} price ($/GPU-hour)",
        scale=alt.Scale(domain=[0, top], nice=False),
        axis=alt.Axis(format="$,.2f"),
    )


def _view_markers(rows: pl.DataFrame, names: dict[str, str], xs: Any, ys: Any, a: str, b: str) -> list[alt.Chart]:
    """Each price view's actual (B price, A price) in $/GPU-hour as a marker with its words beside it; ``a`` and
    ``b``: the sides in words, ``names``: price_label → the view's words in the tooltip."""
    marks = charts._encoding._values(
        rows.select(
            pl.col("price_b"),
            pl.col("price_a"),
            pl.col("view").map_elements(labels.view_words, return_dtype=pl.String).alias("view_words"),
            pl.col("price_label").replace_strict(names, default=pl.col("price_label")).alias("price_view"),
            pl.col("cost_ratio"),
        ),
        ["price_b", "price_a", "view_words", "price_view", "cost_ratio"],
        what="breakeven_price_chart markers",
        max_rows=MAX_ROWS,
    )
    base = alt.Chart(charts._encoding._data(marks))
    dots = base.mark_point(filled=True, size=70).encode(
        x=xs,
        y=ys,
        tooltip=[
            alt.Tooltip("price_view:N", title="price view"),
            alt.Tooltip("price_b:Q", title=f"{b} $/GPU-hour", format="$.2f"),
            alt.Tooltip("price_a:Q", title=f"{a} $/GPU-hour", format="$.2f"),
            alt.Tooltip("cost_ratio:Q", title=f"cost per token {a} ÷ {b}", format=".2f"),
        ],
    )
    text = base.mark_text(align="left", dx=7, dy=-6, fontSize=11).encode(x=xs, y=ys, text="view_words:N")
    return [dots, text]


_INKS = ["#8c959f", "#ffffff", "#1f2328"]  # heatmap text: "never" cells, dark cells, light cells


def payback_heatmap(
    sens: pl.DataFrame,
    new_gpu: str,
    *,
    title: str | None = None,
    subtitle: str | Sequence[str] | None = None,
    held: Sequence[str] = (),
    source: Sequence[str] | None = None,
    synthetic: bool = False,
    theme: Theme = "light",
    width: int = 480,
    height: int = 260,
) -> alt.TopLevelMixin:
    """Months to pay back by utilisation (rows) and the new side's $/GPU-hour (columns); "never" cells left
    uncoloured. ``held``: subtitle lines with what is held constant (:func:`payback_held`); a line explaining why
    payback lengthens with utilisation is added when it does."""
    charts.theme._check_theme(theme)
    d = _payback_cells(sens)
    order = d["price"].unique(maintain_order=True).to_list()
    rows = charts._encoding._values(
        d, ["price", "utilisation_pct", "payback_months", "cell", "ink"], what="payback_heatmap data", max_rows=MAX_ROWS
    )
    base = alt.Chart(charts._encoding._data(rows))
    gpu = labels.value_words("hardware", new_gpu)
    x = alt.X("price:O", sort=order, title=f"{gpu} price ($/GPU-hour, × the view's price)", axis=alt.Axis(labelAngle=0))
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
    return charts._encoding._finish(
        alt.layer(rect, text),
        theme=theme,
        title=title or "Months to pay back the migration",
        subtitle=[*held, *([subtitle] if isinstance(subtitle, str) else list(subtitle or [])), *_payback_why(sens)],
        width=width,
        height=height,
        source=source,
        synthetic=synthetic,
    )


def _payback_cells(sens: pl.DataFrame) -> pl.DataFrame:
    """The heatmap's cells: the price column's words, utilisation in %, the cell text (months or "never") and an
    ink readable on the cell's fill in either theme ("never" cells, with no fill, in mid grey)."""
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
    return d.with_columns(
        pl.when(pl.col("payback_months").is_null())
        .then(pl.lit(_INKS[0]))
        .when(pl.col("payback_months") > mid)
        .then(pl.lit(_INKS[1]))
        .otherwise(pl.lit(_INKS[2]))
        .alias("ink")
    )


def payback_held(work: Any, old: Any, new: Any, migration_cost: float, view: Any) -> list[str]:
    """Subtitle lines for :func:`payback_heatmap`: the two sides, workload, target, migration cost and the price
    view the cells vary around (``work``: fleet.Workload, ``old``/``new``: fleet.FleetSide, ``view``: PriceView)."""
    o, n = labels.side_words(old.name), labels.side_words(new.name)
    prices = {o: view.price(old.gpu), n: view.price(new.gpu)}
    return [
        f"{o} → {n} (best config of each at {work.target:g} tok/s/user), {work.tokens_per_day:,.0f} tokens/day, "
        f"one-off migration cost ${migration_cost:,.0f}",
        f"Prices: {labels.price_view_words(view.view, view.table, view.as_of, prices)}; columns scale {n}'s price",
    ]


def _payback_why(sens: pl.DataFrame) -> list[str]:
    """Why payback lengthens with utilisation, when it does on this grid."""
    d = sens.drop_nulls("payback_months")
    d = d.filter(pl.col("price_factor") == d["price_factor"].min()).sort("utilisation") if d.height else d
    if d.height < 2 or d["payback_months"][-1] <= d["payback_months"][0]:
        return []
    return [
        "Higher utilisation needs fewer GPUs on both sides, so the monthly saving is smaller and the fixed",
        "migration cost takes longer to repay; fleets come in whole replicas, so neighbouring rows can match.",
    ]


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
    """:func:`frontier.present.charts.frontier_chart` with a shaded min–max band per config over its runs (``band`` from
    :func:`frontier.analysis.spread.bands`: label, median_intvty, lo, hi, runs_reaching). Configs measured in one run
    have no
    band; say so in the subtitle or a note."""
    fr = charts._encoding._frame(frontier, "frontier") if frontier is not None else None
    pts = charts._encoding._frame(points, "points") if points is not None else None
    words = _legend_words(fr if fr is not None else pts)
    if words:  # legends in display words (B200 · TensorRT-LLM · FP4), the same names on lines, points and bands

        def named(df: pl.DataFrame | None) -> pl.DataFrame | None:
            return (
                None if df is None else df.with_columns(pl.col("label").replace_strict(words, default=pl.col("label")))
            )

        fr, pts = named(fr), named(pts)
        band = band.with_columns(pl.col("label").replace_strict(words, default=pl.col("label")))
    chart = charts.frontier_chart(pts, fr, title=title, subtitle=subtitle, theme=theme, **kw)
    if band.height == 0:
        return chart
    domain = charts._encoding._domain((fr, "label"), (pts, "label"), (band, "label"))
    rows = charts._encoding._values(
        band,
        ["label", "median_intvty", "lo", "hi", "runs_reaching"],
        what="frontier_band_chart band",
        max_rows=MAX_ROWS,
    )
    area = (
        alt.Chart(charts._encoding._data(rows))
        .mark_area(opacity=0.18, interpolate="monotone")
        .encode(
            x=alt.X("median_intvty:Q"),
            y=alt.Y("lo:Q"),
            y2=alt.Y2("hi:Q"),
            color=charts._encoding._color("label", domain),
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


def _legend_words(df: pl.DataFrame | None) -> dict[str, str]:
    """Config label → legend words (the curve-key parts that vary, in display words), or {} without key columns."""
    if df is None or "label" not in df.columns or not {"hardware", "precision"} <= set(df.columns):
        return {}
    cfg = df.unique("label", maintain_order=True)
    return dict(zip(cfg["label"].to_list(), labels.series_labels(cfg).to_list()))


def labels_with_one_run(spread_table: pl.DataFrame) -> Sequence[str]:
    """Config labels measured in a single run (no band drawn for them)."""
    return sorted(set(spread_table.filter(pl.col("runs") == 1)["label"].to_list()))
