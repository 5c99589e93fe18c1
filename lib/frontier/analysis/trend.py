"""Performance over time ("day 0 to day N"): the same configs re-measured across runs, read at fixed targets.

For every config (default ``schema.CURVE_KEY``) and every **period** it was measured in, the Pareto frontier is
built from that period's points only and read at fixed interactivity targets (tok/s/user) with
``frontier.analysis.iso.iso_table`` (``by=key + ("period",)``): throughput per GPU (tok/s/GPU) and cost per million
total
tokens ($/M, one ``economics.Pricing`` view for every period, so a cost change is a throughput change).

Periods
-------
A period is the run **date** (``"2026-08-03"``) when the row has one, else its **run id** (``"run 20218553330"``),
else ``"no date or run id"``. Dated periods are ordered by date. Undated runs are ordered by run id (CI run ids
increase with time): each is placed after the latest dated period whose first run id is not larger, so dated and
undated runs interleave in run order; rows with neither come last. Load with ``load(..., keep="all")`` so reruns
over time are kept; within one period a rerun of the same point keeps the newest run (highest run id, then
attempt), as ``keep="newest"`` would.

Outputs (``trend`` → ``TrendResult``)
-------------------------------------
- ``table``: config × period × target: ``tput_per_gpu`` (tok/s/GPU), ``cost_total`` ($/M total tokens, view
  ``TrendResult.view``), ``conc`` (users), improvement factors against the config's first period with a value
  (``tput_factor`` = value ÷ first; ``cost_factor`` = first ÷ value, so > 1 is better), the dominant ``image``
  (engine version) and ``framework`` of the period's points, the ``topology`` winning at the target and a
  ``status`` ("first measurement", "measured", "unreachable"). Unreachable targets are null, never 0.
- ``steps``: consecutive measured periods of a config at each target: step factors and ``changes``, a readable
  text of what changed between them (image old → new, framework, winning topology, topologies measured,
  reachability).
- ``best``: per period and target, the cheapest config ($/M total) among the selected configs measured then.
- ``periods``: one row per period: date, run ids, order, configs and points.

``_chart_frame`` / ``line_chart_kwargs`` give frames ready for ``charts.line_chart`` (x = date, or period number
when some periods have no date; y = tok/s/GPU or $/M; colour = config label).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from frontier.analysis.compare import LIKE_FOR_LIKE
from frontier.analysis.economics import Pricing
from frontier.analysis.iso import IsoResult, iso_table, targets_from
from frontier.data.labels import LABEL_PARTS, config_key_columns, config_label_expr, view_words
from frontier.data.schema import CURVE_KEY, POINT_KEY
from frontier.number_words import approx, money
from frontier.tableview import Shown, TableView

__all__ = [
    "config_labels",
    "CHANGE",
    "FIRST",
    "FORMATS",
    "STEPS_TABLE",
    "TREND_TABLE",
    "MEASURED",
    "NA",
    "NO_CHANGE",
    "NO_PERIOD",
    "TrendResult",
    "UNREACHABLE",
    "VERSION_CHANGE",
    "WITHIN_NOISE",
    "best_view",
    "configs_left_out",
    "for_workload",
    "mark_noise",
    "noise_bands",
    "notes",
    "periods_view",
    "steps_view",
    "table_view",
    "trend",
    "with_periods",
    "workloads",
]

NO_PERIOD = "no date or run id"
FIRST = "first measurement"
MEASURED = "measured"
UNREACHABLE = "unreachable"
#: the best config per period is chosen among configs serving the same workload
_WORKLOAD = LIKE_FOR_LIKE  # a trend never follows a config across models or ISL/OSL
NO_CHANGE = "no change in image, framework or topologies (same setup re-measured)"
_NO_CHANGE_NO_IMAGE = "no change in framework or topologies (image not recorded)"

#: provenance columns ``trend`` needs; hand-built frames lacking them get typed nulls
_OPTIONAL: dict[str, pl.DataType] = {
    "date": pl.Date(),
    "run_id": pl.Int64(),
    "run_attempt": pl.Int32(),
    "image": pl.String(),
    "topology": pl.String(),
    "source_row": pl.Int32(),
    "synthetic": pl.Boolean(),
}


@dataclass
class TrendResult:
    """Config × period × target table, steps between periods, the best config per period, and their inputs."""

    table: pl.DataFrame  # config × period × target
    steps: pl.DataFrame  # config × target × consecutive pair of measured periods
    best: pl.DataFrame  # period × target: the cheapest config
    periods: pl.DataFrame  # one row per period
    iso: IsoResult  # the iso table by config and period (frontiers, priced points)
    key: list[str]  # config columns
    view: str  # pricing view of ``cost_total``
    targets: list[float]  # tok/s/user
    superseded: int = 0  # reruns of a point within a period replaced by a newer run
    synthetic: bool = False
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def dated(self) -> bool:
        """True when every period has a date (charts then use a time axis)."""
        return bool(self.periods.height) and bool(self.periods["period_dated"].all())

    def records(self) -> list[dict[str, Any]]:
        """The config × period × target table as JSON-ready records (null where unreachable)."""
        return self.table.select(_record_columns(self.key)).to_dicts()


def _record_columns(key: Sequence[str]) -> list[str]:
    """Columns of ``TrendResult.records()`` in order."""
    return list(
        dict.fromkeys(
            [
                *key,
                "label",
                "period",
                "period_date",
                "period_index",
                "target",
                "reachable",
                "status",
                "tput_per_gpu",
                "cost_total",
                "conc",
                "tput_factor",
                "cost_factor",
                "baseline_period",
                "image",
                "n_images",
                "framework",
                "topology",
                "topologies",
                "points",
                "frontier_points",
            ]
        )
    )


# ---------------------------------------------------------------------------------------------------------------
# periods


def _complete(points: pl.DataFrame) -> pl.DataFrame:
    missing = [pl.lit(None, dtype=t).alias(c) for c, t in _OPTIONAL.items() if c not in points.columns]
    return points.with_columns(missing) if missing else points


def with_periods(points: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Add ``period`` (text), ``period_date`` (date or null) and ``period_index`` (1 = earliest) to points.

    Returns (points, periods): periods has one row per period with ``period_dated``, ``runs`` (run ids, text),
    ``first_run``/``last_run`` and ``order_note`` (how it was placed)."""
    pts = _complete(points)
    pts = pts.with_columns(
        period=pl.when(pl.col("date").is_not_null())
        .then(pl.col("date").cast(pl.String))
        .when(pl.col("run_id").is_not_null())
        .then(pl.format("run {}", pl.col("run_id")))
        .otherwise(pl.lit(NO_PERIOD))
    )
    per = (
        pts.group_by("period")
        .agg(
            pl.col("date").first().alias("period_date"),
            pl.col("run_id").min().alias("first_run"),
            pl.col("run_id").max().alias("last_run"),
            pl.col("run_id").drop_nulls().unique().sort().cast(pl.String).str.join(", ").alias("runs"),
            pl.len().alias("rows"),
        )
        .with_columns(period_dated=pl.col("period_date").is_not_null())
    )
    dated = per.filter(pl.col("period_dated"))
    undated = per.filter(~pl.col("period_dated"))
    # an undated run goes after the latest dated period whose first run id is not larger than its own
    anchors = (
        dated.filter(pl.col("first_run").is_not_null())
        .select(pl.col("first_run").alias("anchor_run"), pl.col("period_date").alias("anchor_date"))
        .sort("anchor_run")
    )
    if undated.height and anchors.height:
        und_runs = undated.filter(pl.col("first_run").is_not_null()).sort("first_run")
        placed = und_runs.join_asof(anchors, left_on="first_run", right_on="anchor_run", strategy="backward")
        undated = undated.join(placed.select("period", "anchor_date"), on="period", how="left")
    else:
        undated = undated.with_columns(anchor_date=pl.lit(None, dtype=pl.Date))
    dated = dated.with_columns(anchor_date=pl.col("period_date"))
    per = pl.concat([dated, undated], how="diagonal_relaxed").with_columns(
        _unknown=pl.col("period") == NO_PERIOD, _rank=pl.when(pl.col("period_dated")).then(0).otherwise(1)
    )
    per = per.sort(["_unknown", "anchor_date", "_rank", "first_run", "period"], nulls_last=False)
    per = per.with_columns(
        period_index=pl.int_range(1, pl.len() + 1, dtype=pl.Int32),
        order_note=pl.when(pl.col("period_dated"))
        .then(pl.lit("by date"))
        .when(pl.col("_unknown"))
        .then(pl.lit("no date or run id: placed last"))
        .when(pl.col("anchor_date").is_not_null())
        .then(pl.format("undated: by run id, after {}", pl.col("anchor_date").cast(pl.String)))
        .otherwise(pl.lit("undated: by run id")),
    ).select(
        "period_index", "period", "period_date", "period_dated", "runs", "first_run", "last_run", "rows", "order_note"
    )
    pts = pts.join(per.select("period", "period_date", "period_index"), on="period", how="left", maintain_order="left")
    return pts, per


def _newest_within_period(points: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Keep the newest run of each point within each period (highest run id, then attempt, then source row).

    Returns (points, rows removed). Points need a ``period`` column (``with_periods``)."""
    keys = [c for c in (*POINT_KEY, "period") if c in points.columns and points[c].null_count() < points.height]
    if not keys or points.height == 0:
        return points, 0
    order = [c for c in ("run_id", "run_attempt", "source_row") if c in points.columns]
    ranked = points.with_row_index("__i").sort(order, nulls_last=False)
    keep = ranked.select(pl.struct(keys).is_last_distinct())[:, 0]
    kept = ranked.filter(keep).sort("__i").drop("__i")
    return kept, points.height - kept.height


# ---------------------------------------------------------------------------------------------------------------
# the analysis


def config_labels(configs: pl.DataFrame, key: Sequence[str]) -> pl.DataFrame:
    """configs (key columns) with ``label``: the label parts that vary across configs."""
    parts = [c for c in LABEL_PARTS if c in key]
    varying = [c for c in parts if configs[c].n_unique() > 1]
    if varying:
        lab = config_label_expr(configs, parts)
    else:
        fallback = [c for c in ("hardware", "framework", "precision", "spec_method") if c in key] or list(key)[:1]
        lab = pl.concat_str([pl.col(c).cast(pl.String) for c in fallback], separator=" · ")
    out = configs.with_columns(label=lab)
    if out["label"].n_unique() < out.height:  # e.g. a varying key column outside LABEL_PARTS
        extra = [c for c in key if c not in parts and configs[c].n_unique() > 1]
        out = out.with_columns(
            label=pl.concat_str([pl.col("label"), *[pl.col(c).cast(pl.String) for c in extra]], separator=" · ")
        )
    return out


def _mode(points: pl.DataFrame, by: list[str], col: str) -> pl.DataFrame:
    """Most frequent non-null ``col`` per group (ties: the later value in sort order), and its distinct count."""
    counts = (
        points.filter(pl.col(col).is_not_null())
        .group_by([*by, col])
        .len()
        .sort([*by, "len", col], descending=[False] * len(by) + [True, True], nulls_last=True)
    )
    top = counts.group_by(by, maintain_order=True).agg(pl.col(col).first(), pl.len().alias(f"n_{col}s"))
    return top


def _check_trend_inputs(
    points: pl.DataFrame, targets: list[float], pricing: Pricing, view: str, key: list[str]
) -> None:
    """A trend needs points, targets, a price view of ``pricing`` and a key holding hardware, model and ISL/OSL
    fixed."""
    if not targets:
        raise ValueError("no target interactivities given")
    if points.height == 0:
        raise ValueError("no points to analyse")
    if view not in pricing.views:
        raise ValueError(f"view {view!r} is not in {pricing.label} (views: {list(pricing.views)})")
    if "hardware" not in key:
        raise ValueError("key must include 'hardware' (prices are per GPU)")
    if any(c not in key for c in LIKE_FOR_LIKE):
        raise ValueError(f"key must include {list(LIKE_FOR_LIKE)}: a trend holds model and ISL/OSL fixed")


def _period_groups(pts: pl.DataFrame, key: list[str], by: list[str]) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """Per config × period: dominant image (and framework), topologies, points; and the points and grouping the
    iso table is read with (a config spanning engines or precisions is grouped by its dominant one)."""
    # per config × period: dominant image and framework, topologies measured, points
    groups = pts.group_by(by).agg(
        pl.len().alias("points"), pl.col("topology").drop_nulls().unique().sort().alias("topologies")
    )
    info = groups.join(_mode(pts, by, "image"), on=by, how="left", nulls_equal=True)
    iso_pts, iso_by = pts, by
    for col in ("framework", "precision"):
        if col not in key:
            # a config spanning engines (or precisions): the iso table is grouped by (key, period) as before,
            # plus that group's dominant value, which is constant per group and keeps the iso labels defined
            top = _mode(pts, by, col).drop(f"n_{col}s")
            iso_pts = iso_pts.drop(col).join(top, on=by, how="left", nulls_equal=True, maintain_order="left")
            iso_by = [*iso_by, col]
            if col == "framework":
                info = info.join(top, on=by, how="left", nulls_equal=True)
    return info, iso_pts, iso_by


def _with_factors(t: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """Each cell's throughput and cost factors against the config's first measured period, and its status."""
    cfg_t = [*key, "target"]
    t = t.sort([*key, "target", "period_index"], nulls_last=True)
    first_idx = pl.col("period_index").filter(pl.col("tput_per_gpu").is_not_null()).min().over(cfg_t)
    t = t.with_columns(_first=first_idx)
    base = t.filter(pl.col("period_index") == pl.col("_first")).select(
        *cfg_t,
        pl.col("period").alias("baseline_period"),
        pl.col("tput_per_gpu").alias("_t0"),
        pl.col("cost_total").alias("_c0"),
    )
    t = (
        t.join(base, on=cfg_t, how="left", nulls_equal=True)
        .with_columns(
            tput_factor=pl.col("tput_per_gpu") / pl.col("_t0"),
            cost_factor=pl.col("_c0") / pl.col("cost_total"),
            status=pl.when(pl.col("tput_per_gpu").is_null())
            .then(pl.lit(UNREACHABLE))
            .when(pl.col("period_index") == pl.col("_first"))
            .then(pl.lit(FIRST))
            .otherwise(pl.lit(MEASURED)),
        )
        .drop("_first", "_t0", "_c0")
        .sort(["label", "target", "period_index"])
    )
    return t.select(_record_columns(key) + [c for c in t.columns if c not in _record_columns(key)])


def _trend_stats(
    t: pl.DataFrame, key: list[str], configs: pl.DataFrame, periods: pl.DataFrame, res: IsoResult
) -> dict[str, Any]:
    """Counts a trend reports beside its table: configs, periods, unreachable cells, thin frontiers, unpriced GPUs."""
    n_cfg_periods = t.select(*key, "period").unique().group_by(key).len()
    return {
        "configs": configs.height,
        "periods": periods.height,
        "undated_periods": int((~periods["period_dated"]).sum()),
        "single_period_configs": int((n_cfg_periods["len"] == 1).sum()),
        "unreachable_cells": int(t.filter(pl.col("tput_per_gpu").is_null()).height),
        "cells": t.height,
        "thin_frontiers": int(res.configs.filter(pl.col("frontier_points") <= 2).height),
        "config_periods": res.configs.height,
        "unpriced": res.unpriced,
    }


def trend(
    points: pl.DataFrame,
    targets: Iterable[float] | str | tuple,
    *,
    pricing: Pricing | None = None,
    view: str | None = None,
    key: Sequence[str] = CURVE_KEY,
) -> TrendResult:
    """Throughput/GPU and $/M at fixed targets for every config and period.

    points: canonical points of the chosen configs, loaded with ``keep="all"`` (filter first, e.g. with
    ``load.matches``). targets: tok/s/user (list, "30,60" or a band, see ``iso.targets_from``). pricing: the GPU
    price table (default: newest dashboard table); view: its $/GPU-hour column for ``cost_total`` (default: the
    first view). key: the columns that make a config (default ``CURVE_KEY``; drop ``"framework"`` to follow a
    config across engines, e.g. SGLang → TensorRT-LLM, which the changes then report; must include
    ``"hardware"`` and ``compare.LIKE_FOR_LIKE``: model, ISL and OSL).
    """
    tlist, pricing = targets_from(targets), pricing or Pricing.dashboard()
    view, key = view or pricing.views[0], list(key)
    _check_trend_inputs(points, tlist, pricing, view, key)
    pts, periods = with_periods(points)
    pts, superseded = _newest_within_period(pts)
    periods = (
        periods.drop("rows").join(pts.group_by("period").len("rows"), on="period", how="left").sort("period_index")
    )
    configs = config_labels(pts.select(key).unique().sort(key, nulls_last=True), key)
    by = [*key, "period"]
    info, iso_pts, iso_by = _period_groups(pts, key, by)
    res = iso_table(iso_pts, tlist, pricing=pricing, by=iso_by)
    frontier_n = res.configs.select(*by, "frontier_points")  # (key, period) identifies a group of iso_by
    cost_col = f"cost_total_{view}"
    t = (
        res.table.drop("label")
        .select(*by, "target", "reachable", "tput_per_gpu", pl.col(cost_col).alias("cost_total"), "conc", "topology")
        .join(configs, on=key, how="left", nulls_equal=True)
        .join(periods.select("period", "period_date", "period_index"), on="period", how="left")
        .join(info, on=by, how="left", nulls_equal=True)
        .join(frontier_n, on=by, how="left", nulls_equal=True)
    )
    t = _with_factors(t.with_columns(pl.col("n_images").fill_null(0).cast(pl.Int32)), key)
    steps = mark_noise(_steps(t, key), t, key)
    best = _best(t, periods, [c for c in _WORKLOAD if c in key])
    stats = _trend_stats(t, key, configs, periods, res)
    synthetic = bool(pts["synthetic"].fill_null(False).any())
    return TrendResult(
        table=t,
        steps=steps,
        best=best,
        periods=periods,
        iso=res,
        key=key,
        view=view,
        targets=tlist,
        superseded=superseded,
        synthetic=synthetic,
        stats=stats,
    )


def _tag_change(old: str, new: str, what: str) -> pl.Expr:
    """``what old → new`` when the two columns differ (nulls compared as values); null when equal."""
    o, n = pl.col(old), pl.col(new)
    differ = o.ne_missing(n) & (o.is_not_null() | n.is_not_null())
    return pl.when(differ).then(pl.format(f"{what} {{}} → {{}}", o.fill_null("?"), n.fill_null("?")))


def _image_change() -> pl.Expr:
    """``image repo: old-tag → new-tag`` when the repository is the same, else the full names."""
    o, n = pl.col("prev_image"), pl.col("image")
    o_repo = o.str.extract(r"^(.*):[^:/]+$", 1)
    n_repo = n.str.extract(r"^(.*):[^:/]+$", 1)
    o_tag = o.str.extract(r":([^:/]+)$", 1)
    n_tag = n.str.extract(r":([^:/]+)$", 1)
    same_repo = o_repo.is_not_null() & (o_repo == n_repo)
    differ = o.ne_missing(n) & o.is_not_null() & n.is_not_null()
    return (
        pl.when(differ & same_repo)
        .then(pl.format("image {}: {} → {}", n_repo, o_tag, n_tag))
        .when(differ)
        .then(pl.format("image {} → {}", o, n))
        .when(o.is_null() & n.is_not_null())
        .then(pl.format("image ? → {}", n))
        .when(o.is_not_null() & n.is_null())
        .then(pl.format("image {} → ?", o))
    )


#: the columns of a steps table after the config key
_STEP_SCHEMA = pl.Schema(
    {
        "label": pl.String,
        "target": pl.Float64,
        "from_period": pl.String,
        "to_period": pl.String,
        "from_date": pl.Date,
        "to_date": pl.Date,
        "tput_from": pl.Float64,
        "tput_to": pl.Float64,
        "tput_step": pl.Float64,
        "cost_from": pl.Float64,
        "cost_to": pl.Float64,
        "cost_step": pl.Float64,
        "image_from": pl.String,
        "image_to": pl.String,
        "topology_from": pl.String,
        "topology_to": pl.String,
        "changes": pl.String,
    }
)


def _changes_expr() -> pl.Expr:
    """What changed between a period and the one before it (image, framework, topologies, reachability), as text;
    null when nothing did."""
    added = pl.col("topologies").list.set_difference(pl.col("prev_topologies")).list.sort()
    removed = pl.col("prev_topologies").list.set_difference(pl.col("topologies")).list.sort()
    topo_o, topo_n = pl.col("prev_topology"), pl.col("topology")
    parts = [
        _image_change(),
        _tag_change("prev_framework", "framework", "framework"),
        pl.when(topo_o.is_not_null() & topo_n.is_not_null() & (topo_o != topo_n)).then(
            pl.format("winning topology {} → {}", topo_o, topo_n)
        ),
        pl.when(added.list.len() > 0).then(pl.format("topologies added: {}", added.list.join(", "))),
        pl.when(removed.list.len() > 0).then(pl.format("topologies dropped: {}", removed.list.join(", "))),
        pl.when(pl.col("prev_tput_per_gpu").is_null() & pl.col("tput_per_gpu").is_not_null()).then(
            pl.format("target now reachable (winning topology {})", topo_n.fill_null("?"))
        ),
        pl.when(pl.col("prev_tput_per_gpu").is_not_null() & pl.col("tput_per_gpu").is_null()).then(
            pl.lit("target no longer reachable")
        ),
    ]
    return pl.concat_str(parts, separator="; ", ignore_nulls=True)


def _steps(t: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """Consecutive measured periods of each config at each target, with step factors and what changed."""
    cfg_t = [*key, "target"]
    cols = [
        "period",
        "period_date",
        "period_index",
        "tput_per_gpu",
        "cost_total",
        "image",
        "framework",
        "topology",
        "topologies",
    ]
    s = t.sort([*cfg_t, "period_index"]).with_columns([pl.col(c).shift(1).over(cfg_t).alias(f"prev_{c}") for c in cols])
    s = s.filter(pl.col("prev_period").is_not_null())
    if s.height == 0:
        return pl.DataFrame(schema={**{c: t.schema[c] for c in key}, **_STEP_SCHEMA})
    changes = _changes_expr()
    unchanged = changes.is_null() | (changes == "")
    no_image = pl.col("image").is_null() & pl.col("prev_image").is_null()
    s = s.with_columns(
        changes=pl.when(unchanged & no_image)
        .then(pl.lit(_NO_CHANGE_NO_IMAGE))
        .when(unchanged)
        .then(pl.lit(NO_CHANGE))
        .otherwise(changes)
    )
    return s.select(
        *key,
        "label",
        "target",
        pl.col("prev_period").alias("from_period"),
        pl.col("period").alias("to_period"),
        pl.col("prev_period_date").alias("from_date"),
        pl.col("period_date").alias("to_date"),
        pl.col("prev_tput_per_gpu").alias("tput_from"),
        pl.col("tput_per_gpu").alias("tput_to"),
        (pl.col("tput_per_gpu") / pl.col("prev_tput_per_gpu")).alias("tput_step"),
        pl.col("prev_cost_total").alias("cost_from"),
        pl.col("cost_total").alias("cost_to"),
        (pl.col("prev_cost_total") / pl.col("cost_total")).alias("cost_step"),
        pl.col("prev_image").alias("image_from"),
        pl.col("image").alias("image_to"),
        pl.col("prev_topology").alias("topology_from"),
        pl.col("topology").alias("topology_to"),
        "changes",
    ).sort("label", "target", "to_period")


WITHIN_NOISE = "within noise"
VERSION_CHANGE = "version change"
CHANGE = "change"


def noise_bands(t: pl.DataFrame, key: Sequence[str]) -> pl.DataFrame:
    """Run-to-run band of each config and target, measured within one engine image (reruns of the same image
    are noise): the largest max ÷ min of tok/s/GPU over the periods sharing an image (``band``, ×; null when no
    image was measured in two periods) and how many periods it rests on (``band_periods``)."""
    cfg_t = [*key, "target"]
    per_image = (
        t.filter(pl.col("image").is_not_null() & pl.col("tput_per_gpu").is_not_null())
        .group_by([*cfg_t, "image"])
        .agg(n=pl.len(), lo=pl.col("tput_per_gpu").min(), hi=pl.col("tput_per_gpu").max())
        .filter(pl.col("n") >= 2)
    )
    return per_image.group_by(cfg_t).agg(
        band=(pl.col("hi") / pl.col("lo")).max(), band_periods=pl.col("n").sum().cast(pl.Int64)
    )


def mark_noise(steps: pl.DataFrame, t: pl.DataFrame, key: Sequence[str]) -> pl.DataFrame:
    """Steps with ``band`` (the config's within-image run-to-run band at that target, ×), ``kind`` and
    ``within_noise``: a step on the same engine image is noise; a step whose factor lies inside the band is
    within noise whatever changed; a step across images outside the band is a version change (both images
    named in ``kind``); anything else a change. Within-noise steps are never progress."""
    if steps.height == 0:
        return steps.with_columns(
            band=pl.lit(None, pl.Float64), within_noise=pl.lit(None, pl.Boolean), kind=pl.lit(None, pl.String)
        )
    cfg_t = [*key, "target"]
    s = steps.join(noise_bands(t, key), on=cfg_t, how="left", nulls_equal=True)
    factor = pl.max_horizontal(pl.col("tput_step"), 1 / pl.col("tput_step"))
    same_image = pl.col("image_from").is_not_null() & (pl.col("image_from") == pl.col("image_to"))
    inside = pl.col("band").is_not_null() & (factor <= pl.col("band"))
    new_image = pl.col("image_from").is_not_null() & pl.col("image_to").is_not_null() & ~same_image
    kind = (
        pl.when(same_image)
        .then(pl.format("{}: same engine image {}", pl.lit(WITHIN_NOISE), pl.col("image_to")))
        .when(inside)
        .then(pl.format("{}: inside the run-to-run band ×{}", pl.lit(WITHIN_NOISE), pl.col("band").round(2)))
        .when(new_image & pl.col("band").is_null())
        .then(
            pl.format(
                "{}: {} → {} (no rerun on one image measured this config's noise)",
                pl.lit(VERSION_CHANGE),
                pl.col("image_from"),
                pl.col("image_to"),
            )
        )
        .when(new_image)
        .then(pl.format("{}: {} → {}", pl.lit(VERSION_CHANGE), pl.col("image_from"), pl.col("image_to")))
        .otherwise(pl.lit(CHANGE))
    )
    return s.drop("band_periods").with_columns(within_noise=same_image | inside, kind=kind)


def _best_change() -> pl.Expr:
    """What the cheapest config did since the previous period (``prev_best``; ``_n``: the period's place)."""
    return (
        pl.when(pl.col("best_config").is_null())
        .then(pl.lit("no priced config reaches the target"))
        .when(pl.col("_n") == 0)
        .then(pl.lit(FIRST))
        .when(pl.col("prev_best").is_null())
        .then(pl.lit("first period a priced config reaches the target"))
        .when(pl.col("prev_best") == pl.col("best_config"))
        .then(pl.lit("same config"))
        .otherwise(pl.format("new cheapest (was {})", pl.col("prev_best")))
    )


def _best(t: pl.DataFrame, periods: pl.DataFrame, group: list[str]) -> pl.DataFrame:
    """Per workload (``group``: model, ISL, OSL), period and target: the cheapest config measured in that period
    ($/M total), how many configs were measured, reached the target and had a price."""
    g = [*group, "period", "target"]
    key = [k.alias("best_config_key") for k in config_key_columns(t)]  # the winner's join key, where t names configs
    grid = t.group_by(g).agg(
        pl.col("label").n_unique().alias("configs"),
        pl.col("label").filter(pl.col("tput_per_gpu").is_not_null()).n_unique().alias("reachable"),
        pl.col("label").filter(pl.col("cost_total").is_not_null()).n_unique().alias("priced"),
    )
    cheapest = (
        t.filter(pl.col("cost_total").is_not_null())
        .sort([*g, "cost_total", "label"], nulls_last=True)
        .group_by(g, maintain_order=True)
        .first()
        .select(
            *g,
            pl.col("label").alias("best_config"),
            *key,
            "cost_total",
            "tput_per_gpu",
            "topology",
            "image",
            "framework",
        )
    )
    out = (
        grid.join(cheapest, on=g, how="left", nulls_equal=True)
        .join(periods.select("period", "period_date", "period_index"), on="period", how="left")
        .sort([*group, "target", "period_index"], nulls_last=True)
    )
    out = out.with_columns(
        prev_best=pl.col("best_config").shift(1).over([*group, "target"]),
        _n=pl.int_range(pl.len()).over([*group, "target"]),
    )
    out = out.with_columns(change=_best_change())
    return out.select(
        *group,
        "period",
        "period_date",
        "period_index",
        "target",
        "best_config",
        *(["best_config_key"] if key else []),
        "cost_total",
        "tput_per_gpu",
        "topology",
        "image",
        "framework",
        "configs",
        "reachable",
        "priced",
        "change",
    )


# ---------------------------------------------------------------------------------------------------------------
# charts


def workloads(res: TrendResult) -> list[tuple[str, int, int]]:
    """The (model, ISL, OSL) workloads in the trend table, most rows first: each gets charts of its own, so a chart
    never draws different models or sequence lengths side by side."""
    cols = [c for c in ("model", "isl", "osl") if c in res.table.columns]
    if len(cols) < 3 or not res.table.height:
        return []
    counts = res.table.group_by(cols).len().sort(["len", *cols], descending=[True, False, False, False])
    return [(str(m), int(i), int(o)) for m, i, o, _ in counts.iter_rows()]


def for_workload(res: TrendResult, model: str, isl: int, osl: int) -> TrendResult:
    """``res`` with its table restricted to one model and ISL/OSL (for that workload's charts)."""
    keep = (pl.col("model") == model) & (pl.col("isl") == isl) & (pl.col("osl") == osl)
    return dataclasses.replace(res, table=res.table.filter(keep))


# ---------------------------------------------------------------------------------------------------------------
# frames for display

#: what an empty cell means, per display column (others show "—")
NA = {
    "tok/s/GPU": "unreachable",
    "$/M total": "unreachable",
    "tok/s/GPU to": "unreachable",
    "tok/s/GPU from": "unreachable",
    "cheapest config": "none reaches the target",
}

_TARGET = Shown("target tok/s/user", "target", "{:g}")  # as chosen (47.2), the same as charts and file names
#: the trend tables for people: each column's title, source and format, declared once
TREND_TABLE = TableView(
    Shown("config", "label"),
    _TARGET,
    Shown("period"),
    Shown("tok/s/GPU", "tput_per_gpu", ",.1f"),
    Shown("$/M total", "cost_total", money),
    Shown("tok/s/GPU × first", "tput_factor", "{:.2f}×"),
    Shown("cheaper × first", "cost_factor", "{:.2f}×"),
    Shown("status"),
    Shown("image"),
    Shown("framework"),
    Shown("winning topology", "topology"),
    Shown("concurrency", "conc", approx(",.0f")),  # ≈ read off the curve between measured concurrencies
)
STEPS_TABLE = TableView(
    Shown("config", "label"),
    _TARGET,
    Shown("step", pl.format("{} → {}", "from_period", "to_period")),
    Shown("tok/s/GPU from", "tput_from", ",.1f"),
    Shown("tok/s/GPU to", "tput_to", ",.1f"),
    Shown("tok/s/GPU step", "tput_step", "{:.2f}×"),
    Shown("cheaper step", "cost_step", "{:.2f}×"),
    Shown("noise or change", "kind"),
    Shown("changes"),
)
FORMATS = TREND_TABLE.formats | STEPS_TABLE.formats | {"$/M from": money, "$/M to": money}


def table_view(res: TrendResult, min_periods: int = 1) -> pl.DataFrame:
    """The config × period × target table with readable column names; configs measured (at any target) in fewer
    than ``min_periods`` periods are left out (see ``configs_left_out``)."""
    keep = _configs_with_periods(res, min_periods)
    return (
        res.table.filter(pl.col("label").is_in(keep))
        .sort("target", "label", "period_index")
        .pipe(lambda t: TREND_TABLE.of(t, extra=config_key_columns(t)))
    )


def _configs_with_periods(res: TrendResult, min_periods: int) -> list[str]:
    measured = res.table.filter(pl.col("tput_per_gpu").is_not_null())
    n = measured.group_by("label").agg(pl.col("period").n_unique().alias("n"))
    keep = n.filter(pl.col("n") >= min_periods)["label"].to_list()
    return keep if min_periods > 1 else res.table["label"].unique().to_list()


def configs_left_out(res: TrendResult, min_periods: int) -> str | None:
    """A sentence naming how many configs ``table_view(res, min_periods)`` leaves out, or None."""
    total = res.table["label"].n_unique()
    kept = len(_configs_with_periods(res, min_periods))
    if kept == total:
        return None
    return (
        f"{total - kept} of {total} configs were measured in fewer than {min_periods} periods and are left out "
        f"of this table (they are in summary.json); set min_periods: 1 to show them."
    )


def steps_view(res: TrendResult) -> pl.DataFrame:
    """What changed at each step (consecutive measured periods of a config), with the step factors."""
    steps = res.steps.sort("label", "target", "to_period")
    return STEPS_TABLE.of(steps, extra=config_key_columns(steps))


def best_view(res: TrendResult) -> pl.DataFrame:
    """The cheapest config in each period at each target (per model and ISL/OSL)."""
    group = [c for c in _WORKLOAD if c in res.best.columns]
    work = [pl.col("model")] if "model" in group else []
    if "isl" in group and "osl" in group:
        work.append(pl.format("{}/{}", "isl", "osl"))
    lead = [pl.concat_str(work, separator=" ").alias("workload")] if work else []
    return res.best.sort([*group, "target", "period_index"], nulls_last=True).select(
        *lead,
        pl.col("target").alias("target tok/s/user"),
        "period",
        pl.col("best_config").alias("cheapest config"),
        pl.col("cost_total").alias("$/M total"),
        pl.col("tput_per_gpu").alias("tok/s/GPU"),
        pl.col("topology").alias("winning topology"),
        "image",
        pl.col("configs").alias("configs measured"),
        pl.col("reachable").alias("configs reaching target"),
        "change",
    )


def periods_view(res: TrendResult) -> pl.DataFrame:
    """One row per period: order, date, runs, rows and how it was placed."""
    n_cfg = res.table.group_by("period").agg(pl.col("label").n_unique().alias("configs"))
    out = (
        res.periods.join(n_cfg, on="period", how="left")
        .sort("period_index")
        .select(
            pl.col("period_index").alias("#"),
            "period",
            pl.col("period_date").alias("date"),
            "runs",
            "configs",
            pl.col("rows").alias("points"),
            pl.col("order_note").alias("order"),
        )
    )
    if out.height and out["date"].null_count() == out.height:  # every period undated: said once, in the headline
        out = out.drop("date", "order")
    return out


def notes(res: TrendResult) -> list[str]:
    """Caveats that belong beside the trend tables."""
    out = []
    if res.synthetic:
        out.append(
            "Synthetic data: the bundled sample is generated by a performance model; its history shows how "
            "the analysis reads, not how any engine improved."
        )
    out.append(
        f"Every period is priced with the same table ({res.iso.pricing.label}, {view_words(res.view)}, "
        "$/GPU-hour; assumptions, not measurements), so a change in $/M is a change in measured "
        "throughput, not in prices."
    )
    u = res.stats["undated_periods"]
    if u and u < res.stats["periods"]:  # every period undated: the data line and the headline say it, once
        out.append(
            f"{u} of {res.stats['periods']} periods have no date: they are runs ordered by run id (CI run ids "
            "increase with time), each placed after the latest dated period with a smaller run id."
        )
    if res.stats["single_period_configs"]:
        out.append(
            f"{res.stats['single_period_configs']} of {res.stats['configs']} configs were measured in one "
            "period only: factor 1.0 (first measurement), no trend."
        )
    if res.stats["unreachable_cells"]:
        out.append(
            f"{res.stats['unreachable_cells']} of {res.stats['cells']} config × period × target cells are "
            "unreachable: the target lies outside that period's frontier (left empty, never 0; factors "
            "count from the first period that reaches it)."
        )
    if res.stats["thin_frontiers"]:
        out.append(
            f"{res.stats['thin_frontiers']} of {res.stats['config_periods']} config × period frontiers have "
            "at most 2 points: values there are read between few measurements."
        )
    if "within_noise" in res.steps.columns and res.steps.height:
        n_noise = int(res.steps["within_noise"].fill_null(False).sum())
        out.append(
            f"{n_noise} of {res.steps.height} steps are within noise: on the same engine image, or no larger than "
            "the run-to-run band measured within one image (reruns of the same image); they are not progress. "
            "A step across images outside that band is a version change, with both images named."
        )
    if res.superseded:
        out.append(f"{res.superseded} reruns of a point within the same period were replaced by the newer run.")
    if res.stats["unpriced"]:
        out.append(f"No price for {', '.join(res.stats['unpriced'])}: their $/M is left empty, not zero.")
    return out
