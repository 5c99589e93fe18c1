"""What a report covers when its parameters leave it open: the model, ISL/OSL and target interactivities.

``choose_scope`` fits the defaults to the data instead of assuming a model or targets:

- model: as given (a display name or glob; ``"*"`` means every model); not given → the most-measured model
  (most points), or every model when ``all_workloads`` (analyses that pair like for like within each model);
- ISL/OSL: likewise, within the chosen model(s);
- targets (tok/s/user): as given; not given → ``n_targets`` round values inside the interactivity range the
  selected curves share (from the highest frontier start to the lowest frontier end). When the curves share no
  range, the targets go inside a range (at least a quarter of its start wide) covered by the most curves, and
  the notes say which curves cannot reach it.

Every choice is stated in ``Scope.notes`` so a report can say how its scope was chosen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from frontier.analysis.iso import MAX_TARGETS, check_targets
from frontier.analysis.pareto import frontier
from frontier.data.labels import LABEL_PARTS, config_label_expr
from frontier.data.load import matches
from frontier.data.schema import CURVE_KEY

__all__ = ["Scope", "X", "Y", "choose_scope", "choose_targets", "curve_ranges"]

X = "median_intvty"
Y = "tput_per_gpu"
N_TARGETS = 3
#: when curves share no range, the targets' range spans at least this fraction of its start (80 → 100 tok/s/user)
MIN_SPAN = 0.25
#: where chosen targets sit inside the range, as fractions of its width
TARGET_POSITIONS = {1: (0.5,), 2: (0.25, 0.75), 3: (0.2, 0.5, 0.8)}


@dataclass
class Scope:
    """The chosen model (None: every model), ISL/OSL (None: every one), targets (tok/s/user), the selected points
    and the notes that say how each was chosen."""

    model: str | None
    isl: int | None
    osl: int | None
    targets: list[float]
    points: pl.DataFrame
    notes: list[str] = field(default_factory=list)
    target_range: tuple[float, float] | None = None  # tok/s/user the targets were chosen in (None: given)

    @property
    def workload(self) -> str:
        """``"gpt-oss-120b 1024/1024"``, ``"every model, every ISL/OSL"`` …: what the report covers."""
        model = self.model or "every model"
        seq = f"{self.isl}/{self.osl}" if self.isl is not None and self.osl is not None else "every ISL/OSL"
        return f"{model} {seq}" if self.model else f"{model}, {seq}"


def choose_scope(
    points: pl.DataFrame,
    model: str | None = None,
    isl: int | None = None,
    osl: int | None = None,
    targets: Sequence[float] | None = None,
    *,
    all_workloads: bool = False,
    n_targets: int = N_TARGETS,
    by: Sequence[str] = CURVE_KEY,
    compared: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> Scope:
    """The scope of a report on ``points`` (see the module docstring); ``n_targets=0``: choose no targets (for
    analyses whose targets come from elsewhere, e.g. provider speeds). ``compared``: the points of the curves the
    report actually compares (e.g. ``compare.mtp_paired_points``); chosen targets come from those curves only.
    Raises ValueError when a given model or ISL/OSL is not in the data, naming what is."""
    given = check_targets(targets or [])  # the targets' limits, checked before anything is computed
    if not 0 <= n_targets <= MAX_TARGETS:
        raise ValueError(f"n_targets must be 0 to {MAX_TARGETS:,}, got {n_targets}")
    if points.height == 0:
        raise ValueError("no points to analyse")
    notes: list[str] = []
    pts, chosen_model = _choose_model(points, model, all_workloads, notes)
    pts, chosen_isl, chosen_osl = _choose_sequence(pts, isl, osl, all_workloads, notes)
    if given or n_targets == 0:
        return Scope(chosen_model, chosen_isl, chosen_osl, given, pts, notes)
    tlist, rng = choose_targets(_compared_points(pts, compared, notes), n_targets, by, notes)
    return Scope(chosen_model, chosen_isl, chosen_osl, tlist, pts, notes, rng)


def _compared_points(
    pts: pl.DataFrame, compared: Callable[[pl.DataFrame], pl.DataFrame] | None, notes: list[str]
) -> pl.DataFrame:
    """The points targets are chosen from: those of the compared curves, or every point when none is compared."""
    if compared is None:
        return pts
    sub = compared(pts)
    if sub.height == 0:
        notes.append("No curve has a like-for-like partner to compare: targets are chosen from every curve.")
        return pts
    if sub.height < pts.height:
        notes.append("Targets are chosen from the curves compared (those with a like-for-like partner) only.")
    return sub


def _choose_model(
    points: pl.DataFrame, model: str | None, all_workloads: bool, notes: list[str]
) -> tuple[pl.DataFrame, str | None]:
    counts = points.group_by("model").len().sort(["len", "model"], descending=[True, False])
    if model:
        pts = matches(points, model=model)
        if pts.height == 0:
            raise ValueError(f"no points match model {model!r}; models in the data: {sorted(counts['model'])}")
        names = pts["model"].unique().sort().to_list()
        return pts, names[0] if len(names) == 1 else None
    if all_workloads or counts.height == 1:
        if counts.height > 1:
            notes.append(
                f"No model was given: every model in the data is covered ({', '.join(sorted(counts['model']))}"
                "), each compared only with itself."
            )
        return points, counts["model"][0] if counts.height == 1 else None
    top, n = counts["model"][0], counts["len"][0]
    others = ", ".join(f"{m} ({k} points)" for m, k in counts.slice(1).iter_rows())
    notes.append(
        f"No model was given: this report covers the most-measured model in the data, {top} ({n} points); "
        f"also in the data: {others}. Set the parameter 'model' for another."
    )
    return points.filter(pl.col("model") == top), top


def _choose_sequence(
    pts: pl.DataFrame, isl: int | None, osl: int | None, all_workloads: bool, notes: list[str]
) -> tuple[pl.DataFrame, int | None, int | None]:
    if isl:
        pts = _require(pts, "isl", isl)
    if osl:
        pts = _require(pts, "osl", osl)
    counts = pts.group_by("isl", "osl").len().sort(["len", "isl", "osl"], descending=[True, False, False])
    if counts.height == 1:
        return pts, int(counts["isl"][0]), int(counts["osl"][0])
    if all_workloads:
        seqs = ", ".join(f"{a}/{b}" for a, b, _ in counts.sort("isl", "osl").iter_rows())
        notes.append(
            f"No ISL/OSL was given: every one in the data is covered ({seqs}), each compared only with itself."
        )
        return pts, None, None
    top_isl, top_osl, n = counts.row(0)
    others = ", ".join(f"{a}/{b} ({k} points)" for a, b, k in counts.slice(1).iter_rows())
    notes.append(
        f"No ISL/OSL was given: this report covers the most-measured one, {top_isl}/{top_osl} ({n} points); "
        f"also measured: {others}. Set 'isl' and 'osl' for another."
    )
    return pts.filter((pl.col("isl") == top_isl) & (pl.col("osl") == top_osl)), int(top_isl), int(top_osl)


def _require(pts: pl.DataFrame, col: str, value: int) -> pl.DataFrame:
    out = pts.filter(pl.col(col) == value)
    if out.height == 0:
        raise ValueError(f"no points match {col} {value}; {col} in the data: {sorted(set(pts[col].to_list()))}")
    return out


def curve_ranges(points: pl.DataFrame, by: Sequence[str] = CURVE_KEY) -> pl.DataFrame:
    """One row per curve: its key columns and the interactivity range its frontier covers (``lo``, ``hi``,
    tok/s/user)."""
    by = [c for c in by if c in points.columns]
    fr = frontier(points, by, X, Y)
    return fr.group_by("curve_id", *by).agg(pl.col(X).min().alias("lo"), pl.col(X).max().alias("hi")).sort("curve_id")


def choose_targets(
    points: pl.DataFrame, n_targets: int = N_TARGETS, by: Sequence[str] = CURVE_KEY, notes: list[str] | None = None
) -> tuple[list[float], tuple[float, float] | None]:
    """Round targets (tok/s/user) inside the range the curves share, else inside the range most curves cover;
    the reason goes to ``notes``. Returns (targets, the range they were chosen in)."""
    notes = notes if notes is not None else []
    ranges = curve_ranges(points, by)
    if ranges.height == 0:
        raise ValueError("no curve has a frontier (no point with a positive interactivity and throughput)")
    lo, hi, covered = _best_interval(ranges["lo"].to_numpy(), ranges["hi"].to_numpy())
    targets = _round_targets(lo, hi, n_targets)
    shown = ", ".join(f"{t:g}" for t in targets)
    n = ranges.height
    if covered == n:
        notes.append(
            f"No targets were given: {shown} tok/s/user were chosen inside {lo:.1f}–{hi:.1f} tok/s/user, the "
            f"interactivity range all {n} curve(s) share (highest frontier start to lowest frontier end)."
        )
    else:
        out = ranges.filter((pl.col("lo") > hi) | (pl.col("hi") < lo))
        names = "; ".join(_curve_text(r, by) for r in out.head(8).iter_rows(named=True))
        more = f"; and {out.height - 8} more" if out.height > 8 else ""
        notes.append(
            f"No targets were given, and the {n} curves share no interactivity range: {shown} tok/s/user "
            f"were chosen inside {lo:.1f}–{hi:.1f} tok/s/user, the range covered by the most curves "
            f"({covered} of {n}; a range at least a quarter of its start wide where there is one). "
            f"Unreachable there: {names}{more}."
        )
    return targets, (lo, hi)


def _best_interval(lo: np.ndarray, hi: np.ndarray) -> tuple[float, float, int]:
    """The range the curves share; when they share none, the range of at least ``MIN_SPAN`` (relative to its
    start) covered by the most curves (ties: the widest), else the narrower one covered by the most. Returns
    (start, end, curves covering it)."""
    shared_lo, shared_hi = float(lo.max()), float(hi.min())
    if shared_lo <= shared_hi:
        return shared_lo, shared_hi, lo.size
    best = (0, -1.0, 0.0, 0.0)  # (count, width, start, end)
    fallback = (0, -1.0, 0.0, 0.0)
    for a in np.unique(lo):
        his = np.sort(hi[(lo <= a) & (hi >= a)])
        ends = his[his > a]
        if ends.size == 0:
            continue
        counts = his.size - np.searchsorted(his, ends, side="left")  # curves reaching at least each end
        for b, count in zip(ends, counts):
            cand = (int(count), float(b - a), float(a), float(b))
            if b >= a * (1 + MIN_SPAN) and cand[:2] > best[:2]:
                best = cand
            if cand[:2] > fallback[:2]:
                fallback = cand
    pick = best if best[0] else fallback
    if pick[0] == 0:  # every curve is a single point: the value most of them share
        vals, counts = np.unique(lo, return_counts=True)
        return float(vals[counts.argmax()]), float(vals[counts.argmax()]), int(counts.max())
    return pick[2], pick[3], pick[0]


def _round_targets(lo: float, hi: float, n: int) -> list[float]:
    """``n`` targets spread inside [lo, hi], rounded to whole tok/s/user when the range allows (else to 0.1)."""
    if hi - lo < 1e-9:
        return [lo]
    width = hi - lo
    step = 1.0 if width >= 4 * n else 0.1
    out = []
    for f in TARGET_POSITIONS.get(n, tuple((i + 1) / (n + 1) for i in range(n))):
        t = round((lo + f * width) / step) * step
        t = min(max(t, math.ceil(lo / step) * step), math.floor(hi / step) * step)
        t = round(t, 1)
        if lo <= t <= hi and t not in out:
            out.append(t)
    return out or [round((lo + hi) / 2, 6)]


def _curve_text(row: dict[str, Any], by: Sequence[str]) -> str:
    """A curve in the words of the tables' config labels (``M 1024/1024 · b200 · vllm · fp8 · no spec · agg``)
    with its frontier's interactivity range."""
    one = pl.DataFrame([{c: row[c] for c in by if c in row}])
    label = one.select(config_label_expr(one, [c for c in LABEL_PARTS if c in by], every=True)).item()
    return f"{label} ({row['lo']:.0f}–{row['hi']:.0f})"
