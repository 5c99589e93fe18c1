"""Frontier artefacts: places on a Pareto frontier where a value read between measured points is not a finding.

The rule (stated in README "The frontier algorithm" and in every caption that cuts a line):

- **cliff**: between two neighbouring frontier points throughput falls by more than :data:`CLIFF_FACTOR` (×) while
  interactivity rises by less than :data:`CLIFF_STEP` (a fraction). The spline crosses such a drop in a few
  tok/s/user, so a target a little to either side reads a very different throughput.
- **sparse**: a curve with fewer than :data:`SPARSE_MIN_POINTS` frontier points (every reading between them), or
  two neighbours more than :data:`SPARSE_GAP` (×) apart in interactivity: the curve between them is a guess.

A value read at a target strictly between the two points of a flagged segment is *unstable*; a ratio of two
values is unstable when either is. Unstable values stay in tables and JSON, marked with their reason; charts cut
them (the caption says where and why); headlines never quote them. A target that lands on a measured point is
read, not interpolated, and is never unstable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

__all__ = [
    "CLIFF_FACTOR",
    "CLIFF_STEP",
    "RULE",
    "SPARSE_GAP",
    "SPARSE_MIN_POINTS",
    "SEGMENT_SCHEMA",
    "flag_comparison",
    "flag_reads",
    "segments",
    "unstable_caption",
    "unstable_reads",
]

CLIFF_FACTOR = 1.8
"""A cliff: throughput falls by more than this factor (×) between neighbouring frontier points …"""
CLIFF_STEP = 0.15
"""… while interactivity rises by less than this fraction (0.15: 15 %)."""
SPARSE_MIN_POINTS = 4
"""A curve with fewer frontier points than this is too sparse to read between its points."""
SPARSE_GAP = 1.8
"""Neighbouring frontier points further apart than this factor (×) in interactivity: a sparse gap."""

RULE = (
    f"a cliff is a frontier segment where throughput falls more than {CLIFF_FACTOR:g}× while interactivity rises "
    f"less than {CLIFF_STEP:.0%}; a curve is sparse with fewer than {SPARSE_MIN_POINTS} frontier points or where "
    f"neighbouring points are more than {SPARSE_GAP:g}× apart in interactivity; values read inside either are "
    "unstable"
)

SEGMENT_SCHEMA = {
    "curve_id": pl.Int64,
    "x_lo": pl.Float64,  # tok/s/user at the segment's left point
    "x_hi": pl.Float64,  # tok/s/user at its right point
    "y_lo": pl.Float64,  # tok/s/GPU at the left point
    "y_hi": pl.Float64,  # tok/s/GPU at the right point
    "kind": pl.String,  # "cliff" or "sparse"
    "reason": pl.String,  # the segment in words
}


def segments(frontier: pl.DataFrame, x: str = "median_intvty", y: str = "tput_per_gpu") -> pl.DataFrame:
    """The flagged segments of every curve of a frontier table (``pareto.frontier`` / ``IsoResult.frontier``:
    ``curve_id`` and the x, y columns), one row each (:data:`SEGMENT_SCHEMA`)."""
    if frontier.height == 0 or "curve_id" not in frontier.columns:
        return pl.DataFrame(schema=SEGMENT_SCHEMA)
    f = (
        frontier.select("curve_id", pl.col(x).cast(pl.Float64).alias("x_lo"), pl.col(y).cast(pl.Float64).alias("y_lo"))
        .sort("curve_id", "x_lo")
        .with_columns(
            x_hi=pl.col("x_lo").shift(-1).over("curve_id"),
            y_hi=pl.col("y_lo").shift(-1).over("curve_id"),
            n=pl.len().over("curve_id"),
        )
        .filter(pl.col("x_hi").is_not_null())
    )
    fall = pl.col("y_lo") / pl.col("y_hi")
    step = pl.col("x_hi") / pl.col("x_lo")
    kind = (
        pl.when((fall > CLIFF_FACTOR) & (step < 1 + CLIFF_STEP))
        .then(pl.lit("cliff"))
        .when(pl.col("n") < SPARSE_MIN_POINTS)
        .then(pl.lit("sparse"))
        .when(step > SPARSE_GAP)
        .then(pl.lit("sparse"))
    )
    between = pl.format("between {} and {} tok/s/user", _num(pl.col("x_lo"), 1), _num(pl.col("x_hi"), 1))
    reason = (
        pl.when(pl.col("kind") == "cliff")
        .then(pl.format("cliff: {} → {} tok/s/GPU {}", _num(pl.col("y_lo"), 0), _num(pl.col("y_hi"), 0), between))
        .when(pl.col("n") < SPARSE_MIN_POINTS)
        .then(pl.format("sparse: {} frontier points", pl.col("n")))
        .otherwise(pl.format("sparse: no measured point {}", between))
    )
    out = f.with_columns(kind=kind).filter(pl.col("kind").is_not_null()).with_columns(reason=reason)
    return out.select(list(SEGMENT_SCHEMA)).cast(SEGMENT_SCHEMA)  # type: ignore[arg-type]


def _num(e: pl.Expr, decimals: int) -> pl.Expr:
    """A number as text with thousands separators (``2,742``), ``decimals`` after the point."""
    return e.round(decimals).map_elements(lambda v: f"{v:,.{decimals}f}", return_dtype=pl.String)


def flag_reads(
    curve_id: Sequence[Any] | pl.Series, target: Sequence[Any] | pl.Series, segs: pl.DataFrame
) -> pl.DataFrame:
    """For reads at (curve, target): ``unstable`` (bool) and ``unstable_reason`` (null when stable). A read is
    unstable when its target lies strictly inside a flagged segment of its curve."""
    c = np.asarray(pl.Series(curve_id, dtype=pl.Int64).fill_null(-1).to_numpy())
    t = np.asarray(pl.Series(target, dtype=pl.Float64).fill_null(np.nan).to_numpy())
    flag = np.zeros(c.size, dtype=bool)
    reason: list[str | None] = [None] * c.size
    for s in segs.iter_rows(named=True):
        inside = (c == s["curve_id"]) & (t > s["x_lo"]) & (t < s["x_hi"])
        for i in np.flatnonzero(inside & ~flag):
            reason[i] = s["reason"]
        flag |= inside
    return pl.DataFrame(
        {"unstable": pl.Series(flag, dtype=pl.Boolean), "unstable_reason": pl.Series(reason, dtype=pl.String)}
    )


def _joined_reason(a: str, b: str) -> pl.Expr:
    return (
        pl.when(pl.col(a).is_not_null() & pl.col(b).is_not_null())
        .then(pl.format("A {}; B {}", pl.col(a), pl.col(b)))
        .when(pl.col(a).is_not_null())
        .then(pl.format("A {}", pl.col(a)))
        .when(pl.col(b).is_not_null())
        .then(pl.format("B {}", pl.col(b)))
    )


def _flag_pair_frame(df: pl.DataFrame, segs: pl.DataFrame) -> pl.DataFrame:
    """A pair × target frame (``curve_id_a``, ``curve_id_b``, ``target``) with ``unstable`` and its reason."""
    fa = flag_reads(df["curve_id_a"], df["target"], segs)
    fb = flag_reads(df["curve_id_b"], df["target"], segs)
    return (
        df.drop([c for c in ("unstable", "unstable_reason") if c in df.columns])
        .with_columns(_ra=fa["unstable_reason"], _rb=fb["unstable_reason"])
        .with_columns(unstable=fa["unstable"] | fb["unstable"], unstable_reason=_joined_reason("_ra", "_rb"))
        .drop("_ra", "_rb")
    )


def flag_comparison(pc: Any) -> Any:
    """A ``compare.PairComparison`` with ``unstable`` / ``unstable_reason`` on its at-target rows and its curves
    (either side read inside a flagged segment), and the segments of its frontiers in ``pc.artefacts``."""
    segs = segments(pc.iso.frontier)
    pc.at_targets = _flag_pair_frame(pc.at_targets, segs)
    if pc.curves.height:
        pc.curves = _flag_pair_frame(pc.curves, segs)
    pc.artefacts = segs
    return pc


def unstable_caption(reasons: Sequence[str | None], what: str = "values", limit: int = 12) -> str | None:
    """A caption: how many ``what`` are unstable, the rule, and the distinct reasons as a list (one "- " line
    each, at most ``limit``); None when none is."""
    flagged = [r for r in reasons if r]
    if not flagged:
        return None
    distinct = list(dict.fromkeys(flagged))
    lines = [f"- {r}" for r in distinct[:limit]]
    if len(distinct) > limit:
        lines.append(f"- and {len(distinct) - limit} more")
    return (
        f"{len(flagged)} {what} read inside a cliff or a sparse gap are marked unstable and are not findings "
        f"(rule: {RULE}):\n" + "\n".join(lines)
    )


def unstable_reads(result: Any) -> pl.DataFrame:
    """The readings of an iso table (``iso.IsoResult``) that fall inside a cliff or a sparse gap: label, config_key,
    target (tok/s/user), tput_per_gpu and the reason; empty when none does."""
    t = result.table
    if t.height == 0:
        return pl.DataFrame(
            schema={
                "label": pl.String,
                "config_key": pl.String,
                "target": pl.Float64,
                "tput_per_gpu": pl.Float64,
                "unstable_reason": pl.String,
            }
        )
    flags = flag_reads(t["curve_id"], t["target"], segments(result.frontier))
    return (
        t.with_columns(flags)
        .filter(pl.col("unstable") & pl.col("tput_per_gpu").is_not_null())
        .select("label", "config_key", "target", "tput_per_gpu", "unstable_reason")
        .sort("label", "target")
    )
