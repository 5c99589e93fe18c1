"""What each report draws: the figures of an analysis result, ready to save and show.

Each function returns a :class:`Figure`: a builder ``theme -> chart`` (for ``charts.save_figure`` and
``notebook.Context.figure``) plus a caption listing anything left out. Every figure:

- names only what varies in its legend (``labels.series_labels``) and what is held constant in its subtitle;
- draws at most ``max_series`` series (default :data:`MAX_SERIES`), chosen by a rule that is printed with it;
  the series not drawn are listed in the caption;
- carries a source block built from the points drawn and the pricing (``labels.source_lines``) and the
  synthetic-data marker when the data are generated.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from frontier.analysis import artefacts
from frontier.data import labels
from frontier.present import charts, display

__all__ = [
    "Figure",
    "MAX_PAIRS",
    "MAX_SERIES",
    "explore_frontier",
    "iso_bounds",
    "iso_cost",
    "iso_frontier",
    "pair_frontiers",
    "pair_ratio",
    "provider_margin_figures",
]

#: the default cap on series in one chart (colours in the palette)
MAX_SERIES = 8
#: the default cap on pairs in a frontier chart of pairs (two lines each)
MAX_PAIRS = 4


@dataclass
class Figure:
    """A chart builder (``theme -> chart``) and the caption shown under it (series left out, if any)."""

    builder: Callable[..., Any]
    caption: str | None = None

    def __call__(self, theme: str = "light") -> Any:
        return self.builder(theme=theme)


def _synthetic(points: pl.DataFrame) -> bool:
    return "synthetic" in points.columns and bool(points["synthetic"].fill_null(False).any())


def _left_out(names: Sequence[str], what: str = "configs") -> str | None:
    if not names:
        return None
    return f"Not drawn ({len(names)} {what}):\n" + "\n".join(f"- {n}" for n in names)


def _rule_line(shown: int, total: int, rule: str, what: str = "configs") -> str:
    if total <= shown:
        return ""
    return f"Showing {shown} of {total} {what}: {rule}; the others are listed under the chart."


# ------------------------------------------------------------------------------------------ iso-interactivity
def _middle(targets: Sequence[float]) -> float:
    ts = sorted(targets)
    return ts[len(ts) // 2]


def rank_configs(result: Any, target: float) -> pl.DataFrame:
    """Configs of an ``iso.IsoResult`` ranked for drawing: highest throughput per GPU at ``target`` first;
    configs that do not reach it after, by their highest measured throughput (tok/s/GPU)."""
    at = result.table.filter((pl.col("target") - target).abs() < 1e-9).select("curve_id", "tput_per_gpu")
    best = result.frontier.group_by("curve_id").agg(pl.col("tput_per_gpu").max().alias("_max"))
    return (
        result.configs.join(at, on="curve_id", how="left")
        .join(best, on="curve_id", how="left")
        .sort(["tput_per_gpu", "_max", "curve_id"], descending=[True, True, False], nulls_last=True)
        .drop("tput_per_gpu", "_max")
    )


@dataclass
class _Selection:
    configs: pl.DataFrame  # drawn configs: curve_id, key columns, label, series
    rule: str  # the rule line printed on the figure ("" when every config is drawn)
    left_out: list[str]  # configs not drawn, in legend words
    held: str  # what the drawn configs share, in words


def select_configs(
    result: Any,
    targets: Sequence[float] | None = None,
    max_series: int = MAX_SERIES,
    first: Sequence[str] = (),
    first_rule: str = "",
) -> _Selection:
    """The configs a chart of ``result`` draws: the configs labelled ``first`` (``first_rule`` says why), then the
    best at the middle target up to ``max_series``; with legend labels (``series``), the selection rule and what
    is held constant."""
    ts = list(targets or result.targets)
    target = _middle(ts)
    ranked = rank_configs(result, target)
    if first:
        ranked = (
            ranked.with_columns(_first=pl.col("label").is_in(list(first)))
            .sort("_first", descending=True, maintain_order=True)
            .drop("_first")
        )
    drawn, rest = ranked.head(max_series), ranked.slice(max_series)
    drawn = drawn.with_columns(series=labels.series_labels(drawn))
    where = "middle target; " if len(ts) > 1 else ""
    best = (
        f"the highest throughput per GPU at {target:g} tok/s/user ({where}configs that do not reach it "
        "ranked by their highest measured throughput)"
    )
    rule = _rule_line(
        drawn.height, ranked.height, f"{first_rule}, then {best}" if first_rule else f"the {drawn.height} with {best}"
    )
    rest_names = labels.series_labels(ranked).slice(max_series).to_list() if rest.height else []
    return _Selection(drawn, rule, rest_names, labels.held_constant(drawn))


def _with_series(df: pl.DataFrame, sel: _Selection, on: str) -> pl.DataFrame:
    return df.join(sel.configs.select(on, "series"), on=on, how="inner")


def iso_frontier(
    result: Any,
    *,
    targets: Sequence[float] | None = None,
    max_series: int = MAX_SERIES,
    title: str = "Throughput per GPU vs interactivity",
) -> Figure:
    """Frontiers (lines) and every measured point (faint) of the drawn configs, with the target rules."""
    sel = select_configs(result, targets, max_series)
    fr = _with_series(result.frontier, sel, "curve_id")
    pts = _with_series(result.points, sel, "label")
    build = functools.partial(
        charts.frontier_chart,
        pts,
        fr,
        color="series",
        targets=list(targets or result.targets),
        title=title,
        subtitle=[sel.held, "Lines: Pareto frontier over all topologies and concurrencies; dots: every measured point"],
        source=labels.source_lines(pts, extra=[sel.rule]),
        synthetic=_synthetic(pts),
    )
    return Figure(build, _left_out(sel.left_out))


def iso_cost(
    result: Any,
    view: str,
    *,
    targets: Sequence[float] | None = None,
    max_series: int = MAX_SERIES,
    log_y: bool = True,
    title: str = "Cost per million tokens vs interactivity",
) -> Figure:
    """$/M total tokens along each drawn config's frontier under pricing ``view``."""
    sel = select_configs(result, targets, max_series)
    col = f"cost_total_{view}"
    fr = _with_series(result.frontier.filter(pl.col(col).is_not_null()), sel, "curve_id").with_columns(
        pl.col(col).alias("cost_per_m_total")
    )
    scale = "log scale" if log_y else "linear scale"
    build = functools.partial(
        charts.cost_chart,
        fr,
        color="series",
        targets=list(targets or result.targets),
        log_y=log_y,
        title=title,
        subtitle=[sel.held, f"Total tokens (input + output); GPUs {labels.view_words(view)}; {scale}"],
        source=labels.source_lines(fr, result.pricing, view, extra=[sel.rule]),
        synthetic=_synthetic(fr),
        tooltip=["series", "median_intvty", "cost_per_m_total", "tput_per_gpu", "conc", "topology"],
    )
    return Figure(build, _left_out(sel.left_out))


def iso_bounds(
    result: Any,
    floors: pl.DataFrame,
    *,
    max_series: int = MAX_SERIES,
    title: str = "Frontiers against their batch-1 decode floors",
) -> Figure:
    """Frontiers on a log interactivity axis fitted to the data and the decode floors (``bounds.frontier_vs_floor``)
    of the drawn configs: one rule and label per distinct floor value."""
    sel = select_configs(result, None, max_series)
    fr = _with_series(result.frontier, sel, "curve_id")
    pts = _with_series(result.points, sel, "label")
    bd = _with_series(floors.filter(pl.col("floor_intvty").is_not_null()), sel, "curve_id")
    build = functools.partial(
        charts.frontier_chart,
        pts,
        fr,
        color="series",
        log_x=True,
        bounds=bd,
        bounds_x="floor_intvty",
        title=title,
        subtitle=[
            sel.held,
            "Dashed rules: batch-1 decode floor (weights streamed from HBM once per token); log interactivity axis",
        ],
        source=labels.source_lines(pts, extra=[sel.rule]),
        synthetic=_synthetic(pts),
    )
    drawn = set(fr["curve_id"].unique().to_list()) if "curve_id" in fr.columns else set()
    none = floors.filter(pl.col("floor_intvty").is_null() & pl.col("curve_id").is_in(sorted(drawn)))
    no_floor = (
        "No floor drawn for: "
        + "; ".join(f"{r['label']} ({r['floor_note'].removeprefix('no floor: ')})" for r in none.iter_rows(named=True))
        + "."
        if none.height
        else None
    )
    caption = " ".join(c for c in (_left_out(sel.left_out), no_floor) if c) or None
    return Figure(build, caption)


def explore_frontier(result: Any, lookup_at: float, *, max_series: int = MAX_SERIES) -> Figure:
    """The explore notebook's frontier chart (configs ranked at ``lookup_at``)."""
    return iso_frontier(result, targets=[lookup_at], max_series=max_series)


# ------------------------------------------------------------------------------------------------- pairs
_DIFFER_TITLES = {"spec_method": "Spec decoding", "precision": "Precision"}


def _pair_selection(pc: Any, max_pairs: int) -> tuple[pl.DataFrame, str, list[str], str, str]:
    """Pairs drawn (pair_id, series, side words), rule line, pairs left out, held-constant text, differing column."""
    p = pc.pairs
    differ = next(
        (c[:-2] for c in p.columns if c.endswith("_a") and c not in ("curve_id_a", "label_a", "min_a", "max_a")), "side"
    )
    ranked = p.with_columns(_w=pl.col("band_hi") - pl.col("band_lo")).sort(
        ["shared_band", "_w", "pair_id"], descending=[True, True, False], nulls_last=True
    )
    drawn, rest = ranked.head(max_pairs), ranked.slice(max_pairs)
    shared = [c for c in labels.LABEL_PARTS if c in drawn.columns]
    lab = labels.series_labels(drawn.select(shared)) if drawn.height else pl.Series("series", [], pl.String)
    if f"{differ}_a" in drawn.columns:
        a_words = [labels.value_words(differ, v) for v in drawn[f"{differ}_a"].to_list()]
        b_words = [labels.value_words(differ, v) for v in drawn[f"{differ}_b"].to_list()]
    else:  # explicit pairs (``compare.cross_pairs``): the sides are named by their labels
        a_words, b_words = drawn["label_a"].to_list(), drawn["label_b"].to_list()
    one_kind = len(set(zip(a_words, b_words))) <= 1
    names = [s if one_kind else f"{s} · {a} → {b}" for s, a, b in zip(lab.to_list(), a_words, b_words)]
    drawn = drawn.with_columns(
        series=pl.Series(names, dtype=pl.String),
        side_a=pl.Series(a_words, dtype=pl.String),
        side_b=pl.Series(b_words, dtype=pl.String),
    )
    held = labels.held_constant(drawn.select(shared)) if drawn.height else ""
    if one_kind and drawn.height:
        held = " · ".join(x for x in (held, f"{a_words[0]} vs {b_words[0]}") if x)
    rule = _rule_line(
        drawn.height, p.height, f"the {drawn.height} with the widest interactivity band both members reach", "pairs"
    )
    left = [f"{a} vs {b}" for a, b in zip(rest["label_a"].to_list(), rest["label_b"].to_list())]
    return drawn, rule, left, held, differ


def pair_ratio(pc: Any, *, title: str | None = None, y_title: str | None = None, max_pairs: int = MAX_SERIES) -> Figure:
    """Cost ratio B ÷ A of each drawn pair across the interactivity band both members reach. Title and y title
    default to the two sides' words (``Cost per token of INT4 relative to FP4``), so they never claim an order
    (e.g. higher precision) that a pair does not have."""
    drawn, rule, left, held, _ = _pair_selection(pc, max_pairs)
    default_title, default_y = _ratio_titles(drawn)
    curves = curves_frame(pc, drawn)
    cut = _cut_caption(pc, drawn)
    pts = pc.iso.frontier.filter(
        pl.col("curve_id").is_in(drawn["curve_id_a"].to_list() + drawn["curve_id_b"].to_list())
    )
    build = functools.partial(
        charts.ratio_chart,
        curves,
        color="series",
        y_title=y_title or default_y,
        title=title or default_title,
        subtitle=[
            held,
            f"Below 1: {_b_side(drawn)} is cheaper; total tokens, GPUs {labels.view_words(_view(pc))}; "
            "lines read between each frontier's measured points"
            + ("; gaps: cut at cliffs and sparse stretches (listed under the chart)" if cut else ""),
        ],
        source=labels.source_lines(pts, pc.iso.pricing, _view(pc), extra=[rule]),
        synthetic=_synthetic(pts),
        tooltip=["series", "median_intvty", "ratio", "tput_ratio_b_over_a"],
        detail="piece",
    )
    caption = "\n\n".join(c for c in (cut, _left_out(left, "pairs")) if c)
    return Figure(build, caption or None)


WORKLOAD_PARTS = ("model", "isl", "osl")


def _one_workload(drawn: pl.DataFrame, held: str) -> tuple[pl.DataFrame, list[str], str]:
    """The drawn pairs of the first pair's model and ISL/OSL, the other pairs' names, and the held-constant text
    (now naming that workload)."""
    cols = [c for c in WORKLOAD_PARTS if c in drawn.columns]
    if not cols or drawn.height == 0 or drawn.select(cols).n_unique() == 1:
        return drawn, [], held
    first = drawn.row(0, named=True)
    same = pl.all_horizontal([pl.col(c) == first[c] for c in cols])
    keep, rest = drawn.filter(same), drawn.filter(~same)
    other = [f"{a} vs {b}" for a, b in zip(rest["label_a"].to_list(), rest["label_b"].to_list())]
    shared = [c for c in labels.LABEL_PARTS if c in keep.columns]
    names = labels.series_labels(keep.select(shared)).to_list()
    sides = list(zip(keep["side_a"].to_list(), keep["side_b"].to_list()))
    held = labels.held_constant(keep.select(shared))
    if len(set(sides)) == 1:
        held = " · ".join(x for x in (held, f"{sides[0][0]} vs {sides[0][1]}") if x)
    else:
        names = [f"{n} · {a} → {b}" for n, (a, b) in zip(names, sides)]
    return keep.with_columns(series=pl.Series(names, dtype=pl.String)), other, held


def _ratio_titles(drawn: pl.DataFrame) -> tuple[str, str]:
    """(title, y title) of a pair cost-ratio chart in the drawn pairs' own words."""
    kinds = set(zip(drawn["side_a"].to_list(), drawn["side_b"].to_list())) if drawn.height else set()
    if len(kinds) == 1:
        a, b = next(iter(kinds))
        return (
            f"Cost per token of {b} relative to {a}, across the shared interactivity band",
            f"Cost per token, {b} ÷ {a} (×)",
        )
    return (
        "Cost per token after the arrow relative to before, across the shared interactivity band",
        "Cost per token, after ÷ before the arrow (×)",
    )


def _b_side(drawn: pl.DataFrame) -> str:
    sides = drawn["side_b"].unique().to_list() if drawn.height else []
    return sides[0] if len(sides) == 1 else "the config after the arrow"


def _view(pc: Any) -> str:
    return pc.cost_metric.removeprefix("cost_total_")


def curves_frame(pc: Any, drawn: pl.DataFrame) -> pl.DataFrame:
    """Ratio curves of the drawn pairs: median_intvty, ratio (cost B ÷ A), tput_ratio_b_over_a, series, piece.
    Where either side is read inside a cliff or a sparse gap (``unstable``, see ``frontier.analysis.artefacts``) the
    rows
    are left out and ``piece`` numbers the stretches either side, so the chart cuts the line there."""
    c = pc.curves.filter(pl.col("cost_ratio_b_over_a").is_not_null()).sort("pair_id", "target")
    cut = pl.col("unstable").fill_null(False) if "unstable" in c.columns else pl.lit(False)
    c = c.with_columns(_cut=cut).with_columns(_piece=pl.col("_cut").cast(pl.Int32).cum_sum().over("pair_id"))
    kept = c.filter(~pl.col("_cut"))
    if "unstable" in c.columns:  # a lone reading between two cuts draws no line, but would still stretch the axis
        kept = kept.filter(pl.len().over("pair_id", "_piece") > 1)
    return kept.join(drawn.select("pair_id", "series"), on="pair_id").select(
        pl.col("target").alias("median_intvty"),
        pl.col("cost_ratio_b_over_a").alias("ratio"),
        "tput_ratio_b_over_a",
        "series",
        pl.format("{} #{}", "series", "_piece").alias("piece"),
    )


def _cut_caption(pc: Any, drawn: pl.DataFrame) -> str | None:
    """The caption sentence naming where the drawn ratio lines are cut and why (None when nothing is cut)."""
    if "unstable" not in pc.curves.columns:
        return None
    cut = pc.curves.filter(pl.col("unstable") & pl.col("pair_id").is_in(drawn["pair_id"].implode()))
    if cut.height == 0:
        return None
    reasons = list(dict.fromkeys(r for r in cut["unstable_reason"].to_list() if r))
    return (
        f"Lines are cut where either curve is read inside a cliff or a sparse gap (values there are not findings; "
        f"rule: {artefacts.RULE}):\n" + "\n".join(f"- {r}" for r in reasons)
    )


def pair_frontiers(
    pc: Any, *, targets: Sequence[float] | None = None, title: str, max_pairs: int = MAX_PAIRS
) -> Figure:
    """Frontiers of the drawn pairs: the two members of a pair share a colour and differ by dash. One panel holds
    one model and ISL/OSL (the targets apply to it): pairs of other workloads are listed as left out."""
    drawn, rule, left, held, differ = _pair_selection(pc, max_pairs)
    drawn, other, held = _one_workload(drawn, held)
    if other:
        left = [*other, *left]
        rule = _rule_line(
            drawn.height,
            pc.pairs.height,
            f"the {drawn.height} with the widest interactivity band both members reach, all of "
            f"{' · '.join(held.split(' · ')[:2])} (one model and ISL/OSL per chart)",
            "pairs",
        )
    sides = pl.concat(
        [
            drawn.select(pl.col("curve_id_a").alias("curve_id"), "series", pl.col("side_a").alias("side")),
            drawn.select(pl.col("curve_id_b").alias("curve_id"), "series", pl.col("side_b").alias("side")),
        ]
    )
    fr = pc.iso.frontier.join(sides, on="curve_id", how="inner")
    lab = pc.iso.frontier.select("curve_id", "label").unique()
    pts = pc.iso.points.join(lab.join(sides, on="curve_id"), on="label", how="inner")
    build = functools.partial(
        charts.frontier_chart,
        pts,
        fr,
        color="series",
        dash="side",
        color_title="Pair",
        dash_title=_DIFFER_TITLES.get(differ, differ),
        targets=list(targets or []),
        title=title,
        subtitle=[held, "Same colour: one pair; solid and dashed: its two members"],
        source=labels.source_lines(pts, extra=[rule]),
        synthetic=_synthetic(pts),
    )
    return Figure(build, _left_out(left, "pairs"))


# ------------------------------------------------------------------------------------------ provider margins
def provider_margin_figures(
    points: pl.DataFrame,
    margins: pl.DataFrame,
    pricing: Any,
    view: str,
    max_series: int = MAX_SERIES,
    *,
    illustrative: bool = False,
) -> list[tuple[str, Figure]]:
    """(figure name, figure) of :func:`provider_margin` for each model and ISL/OSL with a margin row under
    ``view`` (``margins``: ``compare.provider_margins`` of ``points``), like for like; ``illustrative``: the provider
    prices are made up (the bundled examples), said in every figure's title."""
    from frontier.analysis.iso import iso_table

    m = margins.filter((pl.col("view") == view) & pl.col("isl").is_not_null())
    out = []
    for (model, isl, osl), rows in sorted(m.group_by(["model", "isl", "osl"]), key=lambda g: tuple(map(str, g[0]))):
        pts = points.filter(
            (labels.base_model_expr("model") == model) & (pl.col("isl") == isl) & (pl.col("osl") == osl)
        )
        speeds = sorted(set(rows["tok_s_user"].to_list()))
        if not pts.height or not speeds:
            continue
        res = iso_table(pts, speeds, pricing=pricing)
        name = re.sub(r"[^a-z0-9]+", "_", f"cost {model} {isl} {osl}".lower()).strip("_")
        out.append((name, provider_margin(res, rows, view, max_series=max_series, illustrative=illustrative)))
    return out


def provider_margin(
    res: Any, margins: pl.DataFrame, view: str, *, max_series: int = MAX_SERIES, illustrative: bool = False
) -> Figure:
    """Each provider's price blended at the margin's token mix (``price_blended_per_m``) against the benchmark
    cost at its speed (the cheapest matching config's total-token $/M there, ``cost_total_per_m``), over the
    cost curves of the drawn configs. ``res``: the iso result of one model and ISL/OSL; ``margins``: the
    ``compare.provider_margins`` rows of that model, ISL/OSL and ``view``.
    The provider rows, their labels and the chart are one figure, built in that order."""
    ranked = (
        margins.sort(["cost_total_per_m", "price_blended_per_m", "provider"], nulls_last=True)
        .with_columns(_reach=pl.col("cost_total_per_m").is_not_null())
        .sort("_reach", descending=True, maintain_order=True)
    )
    shown, rest = ranked.head(max_series), ranked.slice(max_series)
    prov = _provider_marks(shown)
    prov_rule = _rule_line(
        shown.height,
        ranked.height,
        f"the {shown.height} whose speed a benchmarked config reaches, lowest benchmark cost first",
        "providers",
    )
    names = {labels.full_config_name(c): c["label"] for c in res.configs.iter_rows(named=True)}
    setting = [names[c] for c in shown["config"].drop_nulls().to_list() if c in names]
    sel = select_configs(
        res, None, max_series, first=setting, first_rule="the configs setting the cost at each provider's speed"
    )
    col = f"cost_total_{view}"
    curves = _with_series(res.frontier.filter(pl.col(col).is_not_null()), sel, "curve_id").with_columns(
        pl.col(col).alias("cost_per_m_total")
    )
    mixes = sorted(set(margins["token_mix"].drop_nulls().to_list()))
    mix = _ratio_words(mixes[0]) if len(mixes) == 1 else "each provider's stated mix"
    build = functools.partial(
        charts.margin_chart,
        curves,
        prov,
        curve="series",
        title="Illustrative provider prices against benchmark cost"
        if illustrative
        else "Provider price against benchmark cost",
        subtitle=[
            *(
                ["Illustrative: made-up provider prices for the synthetic sample, not any provider's"]
                if illustrative
                else []
            ),
            sel.held,
            "Dot: provider price; diamond: cheapest matching benchmarked config's cost at the "
            f"provider's speed; both per million tokens at input:output {mix}",
            "Grey lines: benchmarked configs' cost curves; the gap between dot and diamond is the gross margin",
        ],
        source=labels.source_lines(curves, res.pricing, view, extra=[prov_rule, sel.rule, _provider_sources(margins)]),
        synthetic=_synthetic(curves),
    )
    left = [x for x in (_left_out(rest["provider"].to_list(), "providers"), _left_out(sel.left_out)) if x]
    return Figure(build, " ".join(left) or None)


def _provider_marks(shown: pl.DataFrame) -> pl.DataFrame:
    """The providers drawn by :func:`provider_margin`: speed (tok/s/user), blended price and benchmark cost ($/M)
    and the label naming price, cost and margin (or that no config reaches the speed)."""
    rows = []
    for r in shown.iter_rows(named=True):
        price, cost = r["price_blended_per_m"], r["cost_total_per_m"]
        tail = (
            f"cost {display.money(cost)} · margin {display.fraction_percent(r['margin_blended'])}"
            if cost is not None
            else "speed not reached"
        )
        rows.append(
            {
                "provider": r["provider"],
                "speed": r["tok_s_user"],
                "price": price,
                "cost": cost,
                "label": f"{r['provider']} {display.money(price)} · {tail}",
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "provider": pl.String,
            "speed": pl.Float64,
            "price": pl.Float64,
            "cost": pl.Float64,
            "label": pl.String,
        },
    )


def _ratio_words(mix: str) -> str:
    """``"1024:8192"`` → ``"1:8"``; other text as given."""
    try:
        a, b = (float(v) for v in mix.split(":"))
    except ValueError:
        return mix
    if a > 0 and b > 0 and a.is_integer() and b.is_integer():
        g = math.gcd(int(a), int(b))
        return f"{int(a) // g}:{int(b) // g}"
    return mix


def _provider_sources(m: pl.DataFrame) -> str:
    if not m.height:
        return ""
    dates = sorted(set(m["date"].drop_nulls().to_list()))
    srcs = sorted(set(m["source"].drop_nulls().to_list()))
    when = f" ({dates[0]}" + (f" to {dates[-1]})" if len(dates) > 1 else ")") if dates else ""
    return f"Provider prices and speeds{when}: {'; '.join(srcs)}"
