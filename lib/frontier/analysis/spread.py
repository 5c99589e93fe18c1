"""Run-to-run spread: how much an iso-interactivity figure moves between reruns of the same config.

Load with ``keep="all"`` so reruns stay. A run is one (``run_id``, ``run_attempt``); each config's points of one
run form that run's own frontier, read at each target exactly as the iso table reads the pooled one (spec §3). Per
config and target: the number of runs that reach the target, their median (polars' median: the mean of the two
middle values for an even count), min and max. One run is reported as one run ("no spread measured"), never as a
precise figure. Ratios between two configs carry the range over every pairing of their runs:
"4.40× (4.20–4.60×, 5 runs)".
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import polars as pl

from frontier import paths
from frontier.analysis.economics import Pricing
from frontier.analysis.iso import IsoResult, iso_table
from frontier.data.labels import config_key_columns, config_key_expr, config_label_expr
from frontier.data.schema import CURVE_KEY

__all__ = [
    "FORMATS",
    "POOLED_COLUMN",
    "POOLED_COST_COLUMN",
    "STATS",
    "band_subtitle",
    "bands",
    "caveats",
    "compare_runs",
    "iso_with_spread",
    "per_run",
    "ratio_range",
    "result_spread",
    "run_bounds",
    "runs_words",
    "span_text",
    "spread_view",
    "summarise",
]

_RUN = "run"
STATS = ("median", "min", "max")


def _with_run(points: pl.DataFrame) -> pl.DataFrame:
    """Add ``run``: "run <id>" (with "attempt <n>" when known), "unknown run" when the row has no run id."""
    rid = pl.col("run_id").cast(pl.String) if "run_id" in points.columns else pl.lit(None, dtype=pl.String)
    att = pl.col("run_attempt").cast(pl.String) if "run_attempt" in points.columns else pl.lit(None, dtype=pl.String)
    run = (
        pl.when(rid.is_null())
        .then(pl.lit("unknown run"))
        .when(att.is_null())
        .then(pl.format("run {}", rid))
        .otherwise(pl.format("run {} attempt {}", rid, att))
    )
    return points.with_columns(run.alias(_RUN))


def per_run(
    points: pl.DataFrame,
    targets: Any,
    *,
    pricing: Pricing | None = None,
    by: Sequence[str] = CURVE_KEY,
    cost_rule: str = "reciprocal",
) -> pl.DataFrame:
    """Iso values per run: one row per config × run × target (the iso table's metrics, $/M under ``cost_rule``;
    null when that run's frontier does not reach the target), with the config's ``label`` as the pooled iso table
    names it."""
    pts = _with_run(points)
    res = iso_table(pts, targets, pricing=pricing, by=[*by, _RUN], cost_rule=cost_rule)
    configs = res.configs.select(list(by)).unique(maintain_order=True)
    labels = configs.with_columns(
        config_label_expr(configs).alias("label"), config_key_expr(list(by)).alias("config_key")
    )
    out = res.table.drop("label", "curve_id", "config_key").join(labels, on=list(by), how="left", nulls_equal=True)
    if "image" in pts.columns:  # the engine image each run of a config used (its most common one)
        images = pts.group_by([*by, _RUN]).agg(pl.col("image").drop_nulls().mode().sort().first().alias("image"))
        out = out.join(images, on=[*by, _RUN], how="left", nulls_equal=True)
    return out


def summarise(runs: pl.DataFrame, metrics: Iterable[str], by: Sequence[str] = CURVE_KEY) -> pl.DataFrame:
    """Per config and target: ``runs`` (runs holding the config), ``runs_reaching`` (runs whose own frontier
    reaches the target) and ``<metric>_median/_min/_max`` over those runs."""
    metrics = [m for m in metrics if m in runs.columns]
    aggs: list[pl.Expr] = [
        pl.col(_RUN).n_unique().alias("runs"),
        pl.col(_RUN).filter(pl.col("reachable")).n_unique().alias("runs_reaching"),
    ]
    for m in metrics:
        v = pl.col(m).filter(pl.col("reachable"))
        aggs += [v.median().alias(f"{m}_median"), v.min().alias(f"{m}_min"), v.max().alias(f"{m}_max")]
    keys = [*by, "label", *(["config_key"] if "config_key" in runs.columns else []), "target"]
    out = runs.group_by(keys).agg(aggs).sort(["label", "target"])
    if "image" not in runs.columns:
        return out
    return out.join(_image_noise(runs, keys), on=keys, how="left", nulls_equal=True)


def _image_noise(runs: pl.DataFrame, keys: list[str], metric: str = "tput_per_gpu") -> pl.DataFrame:
    """Per config and target: ``images`` (engine images among the runs that reach it), their names, and
    ``noise_ratio``: the largest max ÷ min of ``metric`` over runs of one image (null when no image has two runs
    reaching the target). Runs of one image differ by noise; across images, by a version change as well."""
    reach = runs.filter(pl.col("reachable") & pl.col(metric).is_not_null())
    names = reach.group_by(keys).agg(
        pl.col("image").n_unique().alias("images"),
        pl.col("image").drop_nulls().unique().sort().str.join(", ").alias("image_names"),
    )
    per_image = (
        reach.group_by([*keys, "image"])
        .agg(n=pl.len(), lo=pl.col(metric).min(), hi=pl.col(metric).max())
        .filter(pl.col("n") >= 2)
        .group_by(keys)
        .agg((pl.col("hi") / pl.col("lo")).max().alias("noise_ratio"))
    )
    return names.join(per_image, on=keys, how="left", nulls_equal=True)


def with_spread(table: pl.DataFrame, spread: pl.DataFrame, by: Sequence[str] = CURVE_KEY) -> pl.DataFrame:
    """The iso table with its spread columns (``runs``, ``runs_reaching``, ``<metric>_median/_min/_max``) and a
    ``spread_note`` ("6 runs", "one run: no spread measured", "reached by 2 of 5 runs")."""
    cols = [c for c in spread.columns if c not in (*by, "label", "config_key", "target")]
    out = table.join(spread.select([*by, "target", *cols]), on=[*by, "target"], how="left", nulls_equal=True)
    note = (
        pl.when(pl.col("runs").is_null())
        .then(pl.lit("no run information"))
        .when(pl.col("runs") == 1)
        .then(pl.lit("one run: no spread measured"))
        .when(pl.col("runs_reaching") == pl.col("runs"))
        .then(pl.format("{} runs", pl.col("runs")))
        .otherwise(pl.format("reached by {} of {} runs", pl.col("runs_reaching"), pl.col("runs")))
    )
    if "images" in out.columns:  # runs on several engine images: the range mixes noise and version changes
        note = (
            pl.when(pl.col("images").fill_null(0) > 1)
            .then(
                pl.format(
                    "{} on {} engine images ({}): the range includes version changes",
                    note,
                    pl.col("images"),
                    pl.col("image_names"),
                )
            )
            .otherwise(note)
        )
    return out.with_columns(note.alias("spread_note"))


def iso_with_spread(
    points: pl.DataFrame,
    points_all: pl.DataFrame,
    targets: Any,
    *,
    pricing: Pricing | None = None,
    metrics: Sequence[str] | None = None,
) -> tuple[IsoResult, pl.DataFrame]:
    """(iso result on ``points`` (the default load: newest run of each point), its table with spread columns over
    every run of ``points_all`` (the same inputs loaded with ``keep="all"``))."""
    iso = iso_table(points, targets, pricing=pricing)
    runs = per_run(points_all, targets, pricing=iso.pricing)
    ms = list(metrics) if metrics is not None else ["tput_per_gpu", *[f"cost_total_{v}" for v in iso.pricing.views]]
    return iso, with_spread(iso.table, summarise(runs, ms))


def result_spread(result: IsoResult, data_paths: Sequence[str], view: str | None = None) -> pl.DataFrame:
    """``result``'s iso table with tok/s/GPU spread columns (and $/M total under price ``view`` when given) over
    every run of its configs: the inputs (``data_paths``, as a notebook's parameter; empty: the bundled sample)
    loaded again with ``keep="all"``."""
    from frontier.data.load import load

    every = load(paths.input_paths(data_paths), keep="all").points
    mine = every.join(result.configs.select(CURVE_KEY), on=list(CURVE_KEY), how="semi", nulls_equal=True)
    runs = per_run(mine, result.targets, pricing=result.pricing, cost_rule=result.cost_rule)
    return with_spread(result.table, summarise(runs, ["tput_per_gpu", *([f"cost_total_{view}"] if view else [])]))


ONE_RUN = "one run: no spread measured"
POOLED_COLUMN = "tok/s/GPU, pooled newest points"
"""The value read off one frontier of every config's newest points (it can mix runs), beside per-run values."""
POOLED_COST_COLUMN = "$/M total, pooled newest points"


# ---------------------------------------------------------------------------------------------------------------
# ratios with ranges


def ratio_range(values_a: Sequence[float], values_b: Sequence[float]) -> dict[str, Any]:
    """A ÷ B from each side's per-run values: ``ratio`` = median(A) ÷ median(B); ``lo``/``hi`` = the smallest and
    largest A ÷ B over every pairing of an A run with a B run; ``runs_a``/``runs_b``; ``text`` as
    "4.40× (4.20–4.60×, 5 runs)", or "4.40× (one run each: no spread measured)"."""
    a = [float(v) for v in values_a if v is not None and math.isfinite(v) and v > 0]
    b = [float(v) for v in values_b if v is not None and math.isfinite(v) and v > 0]
    if not a or not b:
        return {
            "ratio": None,
            "lo": None,
            "hi": None,
            "runs_a": len(a),
            "runs_b": len(b),
            "text": "not comparable: unreachable in every run of " + ("A" if not a else "B"),
        }
    ratio = statistics.median(a) / statistics.median(b)
    lo, hi = min(a) / max(b), max(a) / min(b)
    if len(a) == 1 and len(b) == 1:
        text = f"{ratio:.2f}× (one run each: no spread measured)"
    else:
        runs = f"{len(a)} runs" if len(a) == len(b) else f"{len(a)} and {len(b)} runs"
        text = f"{ratio:.2f}× ({lo:.2f}–{hi:.2f}×, {runs})"
    return {"ratio": ratio, "lo": lo, "hi": hi, "runs_a": len(a), "runs_b": len(b), "text": text}


def compare_runs(runs: pl.DataFrame, label_a: str, label_b: str, metric: str = "tput_per_gpu") -> pl.DataFrame:
    """Per target: ``metric`` of ``label_a`` ÷ ``label_b`` with its run-to-run range (see :func:`ratio_range`)."""
    rows = []
    for t in sorted(set(runs["target"].to_list())):
        at = runs.filter((pl.col("target") == t) & pl.col("reachable"))
        va = at.filter(pl.col("label") == label_a)[metric].drop_nulls().to_list()
        vb = at.filter(pl.col("label") == label_b)[metric].drop_nulls().to_list()
        rows.append({"target": t, "config_a": label_a, "config_b": label_b, **ratio_range(va, vb)})
    return pl.DataFrame(
        rows,
        schema={
            "target": pl.Float64,
            "config_a": pl.String,
            "config_b": pl.String,
            "ratio": pl.Float64,
            "lo": pl.Float64,
            "hi": pl.Float64,
            "runs_a": pl.Int64,
            "runs_b": pl.Int64,
            "text": pl.String,
        },
    )


def run_bounds(points: pl.DataFrame, target: float) -> list[float]:
    """Per run: the highest tok/s/GPU among its points at or above ``target`` tok/s/user (they serve its users): a
    lower bound for a config read below its measured range."""
    keys = [c for c in ("run_id", "run_attempt") if c in points.columns]
    fast = points.filter(pl.col("median_intvty") >= target)
    if not keys:  # one unnamed run
        best = fast["tput_per_gpu"].max()
        return [float(best)] if isinstance(best, (int, float)) else []
    return fast.group_by(keys).agg(pl.col("tput_per_gpu").max())["tput_per_gpu"].drop_nulls().to_list()


def runs_words(runs_a: int | None, runs_b: int | None = None) -> str:
    """How many runs a range spans: "5 runs", "5 and 3 runs" (two sides), "one run"."""
    a = int(runs_a or 0)
    b = a if runs_b is None else int(runs_b or 0)
    if a == b:
        return "one run" if a == 1 else f"{a} runs"
    return f"{a} and {b} runs"


def span_text(
    lo: float | None,
    hi: float | None,
    runs_a: int | None,
    runs_b: int | None = None,
    fmt: str = "{:,.1f}",
    *,
    mark: str = "",
) -> str | None:
    """A value's min–max over runs for a table cell: "$0.110–$0.130 (5 runs)"; "$0.120 (one run)" where one run
    (or every run) gives the same value; None where no run has a value. ``mark``: "≥ "/"≤ " for a bound."""
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return None
    a, b = fmt.format(lo), fmt.format(hi)
    value = a if a == b else f"{a.removesuffix('×')}–{b}"
    return f"{mark}{value} ({runs_words(runs_a, runs_b)})"


# ---------------------------------------------------------------------------------------------------------------
# bands for frontier charts


def bands(
    points_all: pl.DataFrame, *, n: int = 40, labels: Sequence[str] | None = None, metric: str = "tput_per_gpu"
) -> pl.DataFrame:
    """Per config, on ``n`` interactivities across its range: the min, median and max of ``metric`` over the runs
    whose frontier reaches there (columns label, median_intvty, lo, median, hi, runs_reaching). Only points reached
    by at least two runs are kept (one run has no band)."""
    pts = points_all.filter(pl.col("median_intvty").is_finite() & (pl.col("median_intvty") > 0))
    if pts.height == 0:
        return pl.DataFrame(
            schema={
                "label": pl.String,
                "median_intvty": pl.Float64,
                "lo": pl.Float64,
                "median": pl.Float64,
                "hi": pl.Float64,
                "runs_reaching": pl.UInt32,
            }
        )
    lo, hi = float(pts["median_intvty"].min()), float(pts["median_intvty"].max())  # type: ignore[arg-type]
    grid = [float(x) for x in np.geomspace(lo, hi, n)] if hi > lo else [lo]
    runs = per_run(pts, grid)
    if labels is not None:
        runs = runs.filter(pl.col("label").is_in(list(labels)))
    out = (
        runs.filter(pl.col("reachable") & pl.col(metric).is_not_null())
        .group_by("label", "target")
        .agg(
            pl.col(metric).min().alias("lo"),
            pl.col(metric).median().alias("median"),
            pl.col(metric).max().alias("hi"),
            pl.col(_RUN).n_unique().alias("runs_reaching"),
        )
        .filter(pl.col("runs_reaching") >= 2)
        .rename({"target": "median_intvty"})
        .sort("label", "median_intvty")
    )
    return out


def caveats(table: pl.DataFrame) -> list[str]:
    """What a reader must know beside a table with spread columns."""
    configs = table.select("label", "runs").unique()
    one = configs.filter(pl.col("runs") == 1)["label"].sort().to_list()
    most = int(configs["runs"].max() or 0) if configs.height else 0  # type: ignore[arg-type]
    out = [
        (
            "Spread: each run's own frontier (only that run's points) read at the target; median (the mean of the "
            "two middle runs for an even count) and min–max over the runs that reach it. A run that measured fewer "
            "concurrencies has a coarser frontier."
        )
    ]
    if one:
        out.append(
            f"Measured in one run only, so no spread is known: {', '.join(one)}. Their figures are one "
            "measurement, not a settled value."
        )
    if "images" in table.columns and table.filter(pl.col("images").fill_null(0) > 1).height:
        mixed = table.filter(pl.col("images") > 1)["label"].unique().sort().to_list()
        out.append(
            f"{len(mixed)} config(s) were measured on several engine images ({', '.join(mixed[:4])}"
            f"{' …' if len(mixed) > 4 else ''}): their min–max mixes run-to-run noise with version changes. "
            "Noise is the spread among runs of one image (column 'within one image %'); a difference between "
            "images is a version change (see the trend report, which names both versions)."
        )
    if most > 1:
        out.append(
            f"Up to {most} runs per config; runs are reruns of the same sweep points, not independent "
            "samples of every source of variation (software version, machine, date)."
        )
    return out


def band_subtitle(table: pl.DataFrame) -> str:
    """Chart subtitle saying what the bands show and which configs have none."""
    configs = table.select("label", "runs").unique()
    one = configs.filter(pl.col("runs") == 1).height
    several = configs.filter(pl.col("runs") > 1).height
    if several == 0:
        return "Every config was measured in one run: no run-to-run band can be drawn."
    text = (
        "Shaded: min–max over runs, each read off its own frontier; the line is the frontier of the newest run "
        "of each point, which can mix runs and leave the band"
    )
    return text + (f"; {one} config(s) measured in one run have no band." if one else ".")


# ---------------------------------------------------------------------------------------------------------------
# frames for display

FORMATS = {
    "tok/s/GPU": ",.1f",
    "tok/s/GPU, pooled newest points": ",.1f",
    "tok/s/GPU median": ",.1f",
    "tok/s/GPU min": ",.1f",
    "tok/s/GPU max": ",.1f",
    "target tok/s/user": "{:.0f}",
    "spread %": "{:.1f} %",
    "within one image %": "{:.1f} %",
    "$/M total, pooled newest points": "${:.3f}",
    "$/M median": "${:.3f}",
    "$/M min": "${:.3f}",
    "$/M max": "${:.3f}",
}


def spread_view(table: pl.DataFrame, view: str | None = None) -> pl.DataFrame:
    """Config × target: the pooled tok/s/GPU, and over runs the median, min–max, spread (max ÷ min − 1) and note;
    with ``view`` (when its spread was measured), the pooled $/M total and its median and min–max over runs.
    Where fewer than two runs reach the target the run columns are empty: one run has no spread to show."""
    several = pl.col("runs_reaching") >= 2

    def over_runs(expr: pl.Expr) -> pl.Expr:
        return pl.when(several).then(expr).otherwise(None)

    cost = f"cost_total_{view}"
    costs = (
        [
            pl.col(cost).alias(POOLED_COST_COLUMN),
            over_runs(pl.col(f"{cost}_median")).alias("$/M median"),
            over_runs(pl.col(f"{cost}_min")).alias("$/M min"),
            over_runs(pl.col(f"{cost}_max")).alias("$/M max"),
        ]
        if view and f"{cost}_median" in table.columns
        else []
    )
    return table.sort("target", "label").select(
        pl.col("label").alias("config"),
        *config_key_columns(table),
        pl.col("target").alias("target tok/s/user"),
        # one frontier over every config's newest points, which can mix runs: named so beside per-run values
        pl.col("tput_per_gpu").alias(POOLED_COLUMN),
        over_runs(pl.col("tput_per_gpu_median")).alias("tok/s/GPU median"),
        over_runs(pl.col("tput_per_gpu_min")).alias("tok/s/GPU min"),
        over_runs(pl.col("tput_per_gpu_max")).alias("tok/s/GPU max"),
        over_runs((pl.col("tput_per_gpu_max") / pl.col("tput_per_gpu_min") - 1) * 100).alias("spread %"),
        (
            ((pl.col("noise_ratio") - 1) * 100).alias("within one image %")
            if "noise_ratio" in table.columns
            else pl.lit(None, pl.Float64).alias("within one image %")
        ),
        *costs,
        pl.col("spread_note").alias("runs"),
    )
