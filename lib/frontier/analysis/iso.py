"""Iso-interactivity tables: configs × target interactivities → throughput, $/M tokens, tok/s/MW, concurrency.

Every config (curve, ``schema.CURVE_KEY``) gets its Pareto frontier over all topologies and concurrencies on
(median interactivity, total throughput per GPU); each metric is read off that frontier at each target with the
spec §3 interpolation (``frontier.analysis.pareto``). Out-of-range targets are unreachable (null), never clamped.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl

from frontier.analysis.economics import Pricing, cost_columns, price_points, unpriced_gpus
from frontier.analysis.pareto import FrontierParts, frontier_parts, interpolate_many
from frontier.data.labels import config_key_expr, config_label_expr, view_words
from frontier.data.schema import CURVE_KEY
from frontier.number_words import approx, money

__all__ = [
    "COST_RULES",
    "DIRECT_METRICS",
    "IsoResult",
    "TABLE_FORMATS",
    "MAX_TARGET",
    "MAX_TARGETS",
    "MIN_BAND_STEP",
    "X",
    "Y",
    "band_from",
    "band_targets",
    "check_targets",
    "configs_view",
    "iso_table",
    "notes",
    "table_view",
    "targets_from",
]

X = "median_intvty"
Y = "tput_per_gpu"
DIRECT_METRICS = (
    "tput_per_gpu",
    "output_tput_per_gpu",
    "input_tput_per_gpu",
    "tok_s_mw",
    "conc",
    "median_ttft_s",
    "p90_ttft_s",
    "median_e2el_s",
)
#: how $/M columns are read off a frontier: "reciprocal" (spec §3 step 6: price ÷ the splined throughput, the
#: dashboard since August 2026) or "direct" (the cost splined on its own, as pages published before then did)
COST_RULES = ("reciprocal", "direct")


#: limits on targets (tok/s/user) from any caller — a list, a "30,50,90" string or a band — checked before anything
#: is built or computed: at most ``MAX_TARGETS`` targets, each finite and in (0, ``MAX_TARGET``]; a band's step at
#: least ``MIN_BAND_STEP`` (so a band spans at most ``MAX_TARGETS`` steps)
MAX_TARGETS = 1_000
MAX_TARGET = 100_000.0
MIN_BAND_STEP = 0.01
_LIMITS = (
    f"targets are at most {MAX_TARGETS:,} finite tok/s/user values above 0 and at most {MAX_TARGET:,.0f}; "
    f"a band's step is at least {MIN_BAND_STEP:g}"
)


def _number(v: Any, what: str) -> float:
    """``v`` as a float (a number or a numeric string; not a boolean); ValueError naming ``what`` otherwise."""
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise ValueError(f"{what} {v!r} is not a number (tok/s/user)")
    try:
        return float(v)
    except (ValueError, OverflowError):
        raise ValueError(f"{what} {v!r} is not a number (tok/s/user)") from None


def check_targets(values: Iterable[Any]) -> list[float]:
    """Targets (tok/s/user) from a sequence of numbers, within the stated limits; ValueError (one line) otherwise.
    At most ``MAX_TARGETS`` + 1 values are looked at, so an endless or huge input is refused without building it."""
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise ValueError(f"targets must be a list of numbers (tok/s/user), got {type(values).__name__}")
    head = list(itertools.islice(values, MAX_TARGETS + 1))
    if len(head) > MAX_TARGETS:
        raise ValueError(f"more than {MAX_TARGETS:,} targets given ({_LIMITS})")
    out = [_number(t, "target") for t in head]
    bad = [t for t in out if not (math.isfinite(t) and 0 < t <= MAX_TARGET)]
    if bad:
        raise ValueError(f"target {bad[0]:g} is out of range ({_LIMITS})")
    return out


def band_targets(start: Any, stop: Any, step: Any = 1) -> list[float]:
    """The targets of a band (tok/s/user): start, start + step, … up to stop, within the stated limits; the count
    is checked before any target is built."""
    lo, hi, st = (_number(v, name) for v, name in ((start, "band start"), (stop, "band stop"), (step, "band step")))
    if not all(math.isfinite(v) for v in (lo, hi, st)):
        raise ValueError(f"a band needs finite numbers, got start {lo:g}, stop {hi:g}, step {st:g}")
    if not 0 < lo <= hi <= MAX_TARGET:
        raise ValueError(f"a band needs 0 < start ≤ stop ≤ {MAX_TARGET:,.0f} tok/s/user, got {lo:g} to {hi:g}")
    if st < MIN_BAND_STEP:
        raise ValueError(f"a band's step must be at least {MIN_BAND_STEP:g} tok/s/user, got {st:g}")
    n = math.floor((hi - lo) / st + 1e-9) + 1
    if n > MAX_TARGETS:
        raise ValueError(
            f"the band {lo:g} to {hi:g} step {st:g} holds {n:,} targets, more than {MAX_TARGETS:,}: use a larger step"
        )
    return [round(lo + i * st, 10) for i in range(n)]


def band_from(values: Any) -> list[float]:
    """A band given as a list ``[start, stop, step]`` (tok/s/user; e.g. a notebook parameter) → its targets."""
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Sequence) or len(values) != 3:
        raise ValueError(f"a band is [start, stop, step] in tok/s/user, got {values!r:.80}")
    return band_targets(*values)


def targets_from(spec: Any) -> list[float]:
    """Targets (tok/s/user) from a list, a "30,50,90" string, or a band dict/tuple (start, stop, step); the limits
    above are checked before anything is built (ValueError, one line)."""
    if spec is None:
        return []
    if isinstance(spec, str):
        return check_targets(t for t in spec.replace(";", ",").split(",") if t.strip())
    if isinstance(spec, Mapping):
        extra = set(spec) - {"start", "stop", "step"}
        if extra or not {"start", "stop"} <= set(spec):
            raise ValueError("a band is {start, stop, step} in tok/s/user")
        return band_targets(spec["start"], spec["stop"], spec.get("step", 1))
    if isinstance(spec, tuple) and len(spec) == 3:
        return band_targets(*spec)
    return check_targets(spec)


@dataclass(eq=False)
class IsoResult:
    """An iso-interactivity table and everything it was computed from.

    table: one row per config × target; configs: one row per config (keys, label, curve_id, points, frontier size,
    interactivity range); unpriced: GPUs with no price. Built on first use (the table itself needs neither, and for
    a million points they are most of the work): frontier: the frontier points with every input column, priced,
    sorted by curve and interactivity; points: every input point, priced, with its label and ``on_frontier``."""

    table: pl.DataFrame
    configs: pl.DataFrame
    pricing: Pricing
    unpriced: list[str]
    targets: list[float]
    baseline: str | None
    metrics: list[str]
    _source: pl.DataFrame = field(repr=False)
    _parts: FrontierParts = field(repr=False)
    _group_labels: pl.Series = field(repr=False)
    #: how $/M was read off the frontiers (COST_RULES)
    cost_rule: str = "reciprocal"

    @cached_property
    def frontier(self) -> pl.DataFrame:
        """Frontier points (all input columns), priced, with ``label`` and ``curve_id``; sorted by curve, then
        interactivity."""
        return _frontier_rows(self._source, self._parts, self._group_labels, self.pricing)

    @cached_property
    def points(self) -> pl.DataFrame:
        """Every input point, priced (``economics.price_points``), with ``label`` and ``on_frontier`` (a frontier
        point or an exact repeat of one)."""
        return price_points(self._source, self.pricing).with_columns(
            label=_labels_of(self._parts.gid, self._group_labels),
            on_frontier=pl.Series("on_frontier", self._parts.on_frontier),
        )

    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready record per config and target (nulls where unreachable)."""
        cols = [*CURVE_KEY, "label", "config_key", "target", "reachable", *self.metrics, "topology"] + [
            c for c in self.table.columns if c.endswith("_vs_baseline")
        ]
        return self.table.select([c for c in cols if c in self.table.columns]).to_dicts()


def _labels_of(gid: np.ndarray, group_labels: pl.Series) -> pl.Series:
    """The config label of each row, given the rows' group ids."""
    return group_labels.gather(gid).alias("label") if gid.size else pl.Series("label", [], pl.String)


def _frontier_rows(
    points: pl.DataFrame, parts: FrontierParts, group_labels: pl.Series, pricing: Pricing
) -> pl.DataFrame:
    return price_points(points[parts.rows], pricing).with_columns(
        label=_labels_of(parts.gid[parts.rows], group_labels), curve_id=pl.Series(parts.curve_id, dtype=pl.Int64)
    )


def iso_table(
    points: pl.DataFrame,
    targets: Iterable[float] | str | tuple,
    *,
    pricing: Pricing | None = None,
    baseline: str | dict[str, Any] | None = None,
    by: Sequence[str] = CURVE_KEY,
    extra_metrics: Sequence[str] = (),
    cost_rule: str = "reciprocal",
) -> IsoResult:
    """Configs × targets table. ``baseline``: a config label or a dict of curve-key values; adds
    ``<metric>_vs_baseline`` = value ÷ baseline value at the same target. ``cost_rule``: see ``COST_RULES``.

    Works on the frontier rows and only the columns the metrics need (costs are read off the frontier);
    ``IsoResult.frontier`` and ``IsoResult.points`` carry every column and are built when first used."""
    tlist = targets_from(targets)
    if not tlist:
        raise ValueError("no target interactivities given")
    if cost_rule not in COST_RULES:
        raise ValueError(f"cost_rule {cost_rule!r}: one of {list(COST_RULES)}")
    pricing = pricing or Pricing.dashboard()
    by = list(by)
    # one grouping pass (integer group ids) serves the frontier, labels, point counts and frontier membership
    parts = frontier_parts(points, by, X, Y)
    group_labels = _group_labels(points, by, parts)
    need = [*by, X, Y, "hardware", "topology", "input_tput_per_gpu", "output_tput_per_gpu", *DIRECT_METRICS]
    narrow = points.select([c for c in dict.fromkeys([*need, *extra_metrics]) if c in points.columns])
    fr = _frontier_rows(narrow, parts, group_labels, pricing)
    cfg = _config_table(fr, parts, by)
    metrics: dict[str, str | None] = {m: None for m in DIRECT_METRICS if m in fr.columns}
    costs = cost_columns(pricing.views)
    metrics.update({c: (thr if cost_rule == "reciprocal" else None) for c, thr in costs.items()})
    for m in extra_metrics:
        metrics.setdefault(m, None)
    grid = cfg.select("curve_id").join(pl.DataFrame({"target": tlist}, schema={"target": pl.Float64}), how="cross")
    vals = interpolate_many(fr, grid, metrics, x=X)
    vals = vals.with_columns(topology=_winning_topology(fr, vals))
    table = (
        cfg.select("curve_id", *by, "label", "config_key")
        .join(vals.drop("lo", "hi"), on="curve_id")
        .sort("curve_id", "target")
    )
    base_label = None
    if baseline is not None:
        base_rows = _pick_baseline(cfg, baseline)
        base_label = base_rows["label"][0]
        table = _versus_baseline(table, base_rows["curve_id"][0], list(metrics))
    return IsoResult(
        table=table,
        configs=cfg,
        pricing=pricing,
        unpriced=unpriced_gpus(points["hardware"], pricing),
        targets=tlist,
        baseline=base_label,
        metrics=list(metrics),
        _source=points,
        _parts=parts,
        _group_labels=group_labels,
        cost_rule=cost_rule,
    )


def _group_labels(points: pl.DataFrame, by: list[str], parts: FrontierParts) -> pl.Series:
    """The config label of each group of ``parts`` ("all points" when there is no grouping)."""
    if not by:  # one frontier over every point
        return pl.Series("label", ["all points"] if points.height else [], pl.String)
    configs = points.select(by)[parts.first]
    return configs.select(config_label_expr(configs).alias("label")).to_series()


def _config_table(fr: pl.DataFrame, parts: FrontierParts, by: list[str]) -> pl.DataFrame:
    """One row per curve: its keys, label, frontier size, interactivity range (tok/s/user) and point count."""
    cid = parts.curve_id
    n_fr = cid.size
    starts = np.flatnonzero(np.r_[True, cid[1:] != cid[:-1]]) if n_fr else np.zeros(0, np.int64)
    ends = np.r_[starts[1:], n_fr] - 1 if n_fr else np.zeros(0, np.int64)
    npts = np.zeros(starts.size, np.int64)
    has = parts.curve_of_group >= 0
    np.add.at(npts, parts.curve_of_group[has], np.bincount(parts.gid, minlength=parts.first.size)[has])
    xs_fr = fr[X].to_numpy()
    return (
        fr[starts]
        .select("curve_id", *by, "label")
        .with_columns(
            config_key=config_key_expr(by),
            frontier_points=pl.Series(np.diff(np.r_[starts, n_fr]), dtype=pl.UInt32),
            intvty_min=pl.Series(xs_fr[starts], dtype=fr[X].dtype),
            intvty_max=pl.Series(xs_fr[ends], dtype=fr[X].dtype),
            points=pl.Series(npts, dtype=pl.UInt32),
        )
    )


def _winning_topology(fr: pl.DataFrame, vals: pl.DataFrame) -> pl.Expr:
    """The topology that wins at each target: that of the nearer bracketing frontier point (null if unreachable)."""
    xs = fr[X].to_numpy()
    lo, hi, t = vals["lo"].to_numpy(), vals["hi"].to_numpy(), vals["target"].to_numpy()
    nearest = np.where(np.abs(xs[np.maximum(hi, 0)] - t) < np.abs(xs[np.maximum(lo, 0)] - t), hi, lo)
    topo = fr["topology"] if "topology" in fr.columns else pl.Series([None] * fr.height, dtype=pl.String)
    win = (
        topo.cast(pl.String).gather(np.maximum(nearest, 0))
        if fr.height
        else pl.Series([None] * vals.height, dtype=pl.String)
    )
    return pl.when(pl.col("reachable")).then(win).otherwise(None).cast(pl.String)


def _versus_baseline(table: pl.DataFrame, base_curve: int, metrics: list[str]) -> pl.DataFrame:
    """``table`` with ``<metric>_vs_baseline`` = value ÷ the baseline curve's value at the same target."""
    base = table.filter(pl.col("curve_id") == base_curve).select(
        "target", *[pl.col(m).alias(f"__b_{m}") for m in metrics]
    )
    return (
        table.join(base, on="target", how="left")
        .with_columns([(pl.col(m) / pl.col(f"__b_{m}")).alias(f"{m}_vs_baseline") for m in metrics])
        .drop([f"__b_{m}" for m in metrics])
        .sort("curve_id", "target")
    )


def _pick_baseline(cfg: pl.DataFrame, baseline: str | dict[str, Any]) -> pl.DataFrame:
    """The one config ``baseline`` names: its table label, its config key, enough of its label's parts to pick one
    (``"h200"``, ``"h200 · fp8"``), or a dict of curve-key values."""
    if isinstance(baseline, str):
        rows = cfg.filter((pl.col("label") == baseline) | (pl.col("config_key") == baseline))
        if rows.height == 0:
            want = list(dict.fromkeys(p.strip() for p in baseline.split("·") if p.strip()))
            rows = cfg.filter(pl.col("label").str.split(" · ").list.set_intersection(want).list.len() == len(want))
    else:
        rows = cfg
        for k, v in baseline.items():
            rows = rows.filter(pl.col(k) == v)
    if rows.height != 1:
        raise ValueError(f"baseline {baseline!r} matches {rows.height} configs; labels: {cfg['label'].to_list()}")
    return rows


# ---------------------------------------------------------------------------------------------------------------
# frames for display (column names for people; numbers stay numbers)

TABLE_FORMATS = {
    "target tok/s/user": "{:g}",  # as chosen (47.2), the same as charts and file names
    "tok/s/GPU": ",.1f",
    "$/M total": money,
    "$/M input": money,
    "$/M output": money,
    "tok/s/MW": ",.0f",
    "concurrency": approx(",.0f"),  # ≈ read off the curve between measured concurrencies
    "cost × baseline": "{:.2f}×",
    "tok/s/GPU × baseline": "{:.2f}×",
    "interactivity from": ",.1f",
    "interactivity to": ",.1f",
}


def configs_view(res: IsoResult) -> pl.DataFrame:
    """One row per config: points, frontier size, the interactivity range the frontier covers (tok/s/user), and
    the topologies on its frontier."""
    topo = res.frontier.group_by("curve_id").agg(
        pl.col("topology").unique().sort().str.join(", ").alias("frontier topologies")
    )
    priced = list(res.pricing.views)
    out = res.configs.join(topo, on="curve_id", how="left").sort("curve_id")
    gpu_priced = out.with_columns(priced=~pl.col("hardware").is_in(res.unpriced))
    return gpu_priced.select(
        pl.col("label").alias("config"),
        pl.col("config_key"),
        pl.col("points"),
        pl.col("frontier_points").alias("frontier points"),
        pl.col("intvty_min").alias("interactivity from"),
        pl.col("intvty_max").alias("interactivity to"),
        pl.col("frontier topologies"),
        pl.col("priced") if priced else pl.lit(False).alias("priced"),
    )


def table_view(res: IsoResult, view: str) -> pl.DataFrame:
    """The iso-interactivity table for one pricing view, with readable column names."""
    t = res.table
    cols = [
        pl.col("label").alias("config"),
        pl.col("target").alias("target tok/s/user"),
        pl.col("tput_per_gpu").alias("tok/s/GPU"),
        pl.col(f"cost_total_{view}").alias("$/M total"),
        pl.col(f"cost_input_{view}").alias("$/M input"),
        pl.col(f"cost_output_{view}").alias("$/M output"),
        pl.col("tok_s_mw").alias("tok/s/MW"),
        pl.col("conc").alias("concurrency"),
        pl.col("topology"),
    ]
    if f"cost_total_{view}_vs_baseline" in t.columns:
        cols += [
            pl.col(f"cost_total_{view}_vs_baseline").alias("cost × baseline"),
            pl.col("tput_per_gpu_vs_baseline").alias("tok/s/GPU × baseline"),
        ]
    return t.sort("target", "curve_id").select(cols)


def notes(res: IsoResult, view: str) -> list[str]:
    """Caveats that belong beside an iso table: unpriced GPUs, disaggregated input/output figures, unreachable
    cells, the assumptions behind prices."""
    out = [
        f"Prices are assumptions from {res.pricing.label} ({view_words(view)}, $/GPU-hour); power (kW per GPU, for "
        f"tok/s/MW) from {res.pricing.power or res.pricing.label}; throughput is the only measured figure."
    ]
    if res.unpriced:
        out.append(f"No price for {', '.join(res.unpriced)}: their costs and tok/s/MW are left empty, not zero.")
    if res.table["disagg"].any():
        out.append(
            "Disaggregated configs: input and output $/M use prefill-only / decode-only GPU denominators and "
            "flatter them against aggregated serving; only total-token figures compare like for like."
        )
    if res.cost_rule == "direct":
        out.append(
            "$/M figures are splined on their own (as pages published before August 2026 did), not read as "
            "price ÷ the splined throughput: they reproduce those pages, not the current rule."
        )
    n_unreach = res.table.filter(~pl.col("reachable")).height
    if n_unreach:
        out.append(
            f"{n_unreach} of {res.table.height} cells are unreachable: the target lies outside that "
            "config's measured interactivity range (no extrapolation)."
        )
    return out
