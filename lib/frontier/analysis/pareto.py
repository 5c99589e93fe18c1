"""Pareto frontier and iso-interactivity interpolation (spec §3), matching the dashboard.

Two implementations of the same algorithm:

- ``frontier_reference`` / ``interpolate_reference``: plain Python for one config, written step by step from the
  spec; the contract of the blog helper (``iso_point``) and the yardstick for tests and benchmarks.
- ``frontier_mask`` / ``interpolate_many``: vectorised over any number of configs at once (polars + numpy).

Frontier: in the (x = interactivity tok/s/user, y = throughput tok/s/GPU) plane keep finite x > 0, sort by x
ascending (ties y descending); a point with the x of the last kept point is dropped (it is not higher: ties are
sorted y-descending); otherwise kept points whose y ≤ the new y are popped and the new point kept. The result has
strictly increasing x and strictly decreasing y.

Interpolation at target x: unreachable outside [min x, max x] (no extrapolation); a one-point frontier has a value
only at |target − x| < 1e-6; otherwise a monotone cubic Hermite spline (the dashboard's ``monotoneSlopes``: Steffen
interior slopes, one-sided ends; two knots are not a straight line), clamped to the frontier's [min, max] of the
splined values. A reciprocal metric (constant ÷ a throughput, e.g. $/M tokens) is
read as constant ÷ spline(throughput) when every frontier point agrees on metric × throughput within 0.1 %,
otherwise splined directly. A frontier point lacking the metric makes the result unreachable (null), never 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

__all__ = [
    "FrontierParts",
    "frontier",
    "frontier_parts",
    "frontier_reference",
    "interpolate_many",
    "interpolate_reference",
    "iso_point",
    "spline_at",
    "steffen_slopes",
]

_SINGLE_POINT_TOL = 1e-6
_RECIPROCAL_AGREEMENT = 1e-3


# ---------------------------------------------------------------------------------------------------------------
# reference (one config, plain Python)


def frontier_reference(points: Sequence[dict[str, Any]], x: str, y: str) -> list[dict[str, Any]]:
    """Upper-left Pareto frontier of one config's points, sorted by x (spec §3 steps 1–3)."""
    pts = [p for p in points if _finite(p.get(x)) and p[x] > 0 and _finite(p.get(y))]
    pts.sort(key=lambda p: (p[x], -p[y]))
    kept: list[dict[str, Any]] = []
    for p in pts:
        if kept and p[x] == kept[-1][x]:
            if p[y] > kept[-1][y]:
                kept[-1] = p
            continue
        while kept and p[y] >= kept[-1][y]:
            kept.pop()
        kept.append(p)
    return kept


def steffen_slopes(xs: Sequence[float], ys: Sequence[float]) -> list[float]:
    """Tangents at each knot, as the dashboard's ``monotoneSlopes`` (spec §3 step 4).

    All slopes start at 0; interior ones are Steffen's; then ``m_0 = (3 s_0 − m_1)/2`` and, using that new
    ``m_0`` when there are two knots, ``m_{n−1} = (3 s_{n−2} − m_{n−2})/2``. Two knots are therefore not a
    straight line: ``steffen_slopes([0, 10], [0, 100]) == [15, 7.5]``."""
    n = len(xs)
    if n < 2:
        return [0.0] * n
    h = [xs[i + 1] - xs[i] for i in range(n - 1)]
    s = [(ys[i + 1] - ys[i]) / h[i] for i in range(n - 1)]
    m = [0.0] * n
    for i in range(1, n - 1):
        p = (s[i - 1] * h[i] + s[i] * h[i - 1]) / (h[i - 1] + h[i])
        m[i] = (_sign(s[i - 1]) + _sign(s[i])) * min(abs(s[i - 1]), abs(s[i]), 0.5 * abs(p))
    m[0] = (3 * s[0] - m[1]) / 2
    m[n - 1] = (3 * s[n - 2] - m[n - 2]) / 2
    return m


def spline_at(xs: Sequence[float], ys: Sequence[float], target: float) -> float:
    """Monotone cubic Hermite value at ``target`` (inside [xs[0], xs[-1]]; binary search for the interval)."""
    m = steffen_slopes(xs, ys)
    lo, hi = 0, len(xs) - 1
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if xs[mid] <= target:
            lo = mid
        else:
            hi = mid
    return _hermite(xs[lo], xs[hi], ys[lo], ys[hi], m[lo], m[hi], target)


def interpolate_reference(
    points: Sequence[dict[str, Any]],
    target: float,
    metric: str,
    *,
    x: str,
    y: str,
    reciprocal_of: str | None = None,
) -> float | None:
    """Value of ``metric`` at interactivity ``target`` on the (x, y) frontier of one config, or None."""
    fr = frontier_reference(points, x, y)
    if not fr or not _finite(target):
        return None
    if any(not _finite(p.get(metric)) for p in fr):
        return None
    if reciprocal_of is not None and any(not _finite(p.get(reciprocal_of)) or p[reciprocal_of] <= 0 for p in fr):
        reciprocal_of = None
    xs = [p[x] for p in fr]
    if len(fr) == 1:
        return fr[0][metric] if abs(target - xs[0]) < _SINGLE_POINT_TOL else None
    if target < xs[0] or target > xs[-1]:
        return None
    if reciprocal_of is not None:
        ks = [p[metric] * p[reciprocal_of] for p in fr]
        k0 = ks[0]
        if k0 != 0 and all(abs(k / k0 - 1.0) <= _RECIPROCAL_AGREEMENT for k in ks):
            ts = [p[reciprocal_of] for p in fr]
            t = min(max(spline_at(xs, ts, target), min(ts)), max(ts))
            return k0 / t
    vs = [p[metric] for p in fr]
    return min(max(spline_at(xs, vs, target), min(vs)), max(vs))


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _sign(v: float) -> int:
    return -1 if v < 0 else 1


def _hermite(x0, x1, y0, y1, m0, m1, t):
    h = x1 - x0
    u = (t - x0) / h
    u2, u3 = u * u, u * u * u
    return (2 * u3 - 3 * u2 + 1) * y0 + (u3 - 2 * u2 + u) * h * m0 + (-2 * u3 + 3 * u2) * y1 + (u3 - u2) * h * m1


# ---------------------------------------------------------------------------------------------------------------
# vectorised (many configs)


def _group_ids(df: pl.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(group id of each row, first row of each group): one hashing pass over the key columns, no string sort.
    Nulls in key columns form groups of their own (as in ``over``/``group_by``). Ids are in no particular order."""
    if not by:
        return np.zeros(df.height, np.int64), np.zeros(1 if df.height else 0, np.int64)
    g = df.select(*by).with_row_index("__r").group_by(list(by)).agg(pl.col("__r"))
    lens = g["__r"].list.len().to_numpy().astype(np.int64)
    rows = g["__r"].explode().to_numpy().astype(np.int64)
    gid = np.empty(df.height, np.int64)
    gid[rows] = np.repeat(np.arange(g.height, dtype=np.int64), lens)
    first = np.full(g.height, df.height, np.int64)
    np.minimum.at(first, gid, np.arange(df.height, dtype=np.int64))
    return gid, first


def _frontier_mask_gid(
    gid: np.ndarray, xv: np.ndarray, yv: np.ndarray, with_ties: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Frontier membership per row for integer group ids (the rule of ``frontier_reference``), all in numpy.

    Rows sorted by (group, x ascending, y descending, row); the first row at each (group, x) is on the frontier
    when its y beats every y at a greater x in its group. The suffix maximum is taken over exact integer ranks
    of y, so the comparison is exact. ``with_ties``: also return the rows that repeat a frontier point (same
    group, x and y; the frontier keeps one of them)."""
    n = gid.size
    on = np.zeros(n, dtype=bool)
    tied = np.zeros(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        valid = np.isfinite(xv) & (xv > 0) & np.isfinite(yv)
    idx = np.nonzero(valid)[0]
    if idx.size == 0:
        return (on, tied) if with_ties else on
    g, x, y = gid[idx], xv[idx], yv[idx]
    order = _argsort_keys([g, x, y], [False, False, True])  # stable: ties keep row order
    g, x, y, idx = g[order], x[order], y[order], idx[order]
    new_group = np.empty(idx.size, dtype=bool)
    new_group[0] = True
    new_group[1:] = g[1:] != g[:-1]
    first_at_x = new_group.copy()
    first_at_x[1:] |= x[1:] != x[:-1]
    yr = np.unique(y, return_inverse=True)[1].astype(np.int64).reshape(-1)  # exact ranks of y
    # the highest y-rank among first-at-x rows after each row, within its group (-1 when none): a segmented
    # cumulative maximum walking from each group's end (groups offset so that the maximum restarts per group)
    contrib = np.where(first_at_x, yr, -1)[::-1]
    seg = np.cumsum(_segment_starts_rev(new_group))
    big = np.int64(yr.max() + 2)
    cm = (np.maximum.accumulate(seg * big + contrib) - seg * big)[::-1]  # forward: max over [i, group end]
    suffix = np.full(idx.size, -1, np.int64)
    same_next = ~new_group[1:]
    suffix[:-1] = np.where(same_next, cm[1:], -1)
    keep = first_at_x & (yr > suffix)
    on[idx[keep]] = True
    if not with_ties:
        return on
    # equal (group, x, y) rows are adjacent in this order, led by the one the frontier may keep
    new_run = first_at_x.copy()
    new_run[1:] |= yr[1:] != yr[:-1]
    run = np.cumsum(new_run) - 1
    tied[idx] = keep[np.flatnonzero(new_run)][run]
    return on, tied


def _argsort_keys(keys: list[np.ndarray], descending: list[bool]) -> np.ndarray:
    """Stable lexicographic argsort (first key first), as ``np.lexsort(keys[::-1])`` but multi-threaded."""
    d = pl.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    return d.select(pl.arg_sort_by(d.columns, descending=descending, maintain_order=True)).to_series().to_numpy()


def _segment_starts_rev(new_group: np.ndarray) -> np.ndarray:
    """In reversed order, 1 at the first row of each group (= the last row of each group in forward order)."""
    last = np.empty(new_group.size, dtype=bool)
    last[-1] = True
    last[:-1] = new_group[1:]
    out = last[::-1].astype(np.int64)
    out[0] = 0  # segment ordinals start at 0
    return out


def frontier_mask(df: pl.DataFrame, by: Sequence[str], x: str = "median_intvty", y: str = "tput_per_gpu") -> pl.Series:
    """Boolean Series: is each row on its group's Pareto frontier (same rule as ``frontier_reference``)."""
    gid, _ = _group_ids(df, by)
    xv = df[x].cast(pl.Float64).to_numpy().astype(float)
    yv = df[y].cast(pl.Float64).to_numpy().astype(float)
    return pl.Series("on_frontier", _frontier_mask_gid(gid, xv, yv))


def frontier(df: pl.DataFrame, by: Sequence[str], x: str = "median_intvty", y: str = "tput_per_gpu") -> pl.DataFrame:
    """Frontier rows of every group, sorted by group then x, with ``curve_id`` (0..n_groups-1).

    ``curve_id`` numbers the groups that have a frontier in the sort order of their key values (dense rank)."""
    parts = frontier_parts(df, by, x, y)
    return df[parts.rows].with_columns(curve_id=pl.Series(parts.curve_id, dtype=pl.Int64))


@dataclass(frozen=True, eq=False)
class FrontierParts:
    """Row-level results of one frontier computation (numpy arrays), for callers that need more than the rows.

    gid: group id of every row of the input (arbitrary numbering); first: first row of each group;
    rows: frontier rows, sorted by curve then x; curve_id: the curve of each of those rows;
    curve_of_group: curve id of each group (-1 when the group has no frontier); on_frontier: per input row, is it
    a frontier point or an exact repeat of one (same group, x and y)."""

    gid: np.ndarray
    first: np.ndarray
    rows: np.ndarray
    curve_id: np.ndarray
    curve_of_group: np.ndarray
    on_frontier: np.ndarray


def frontier_parts(
    df: pl.DataFrame, by: Sequence[str], x: str = "median_intvty", y: str = "tput_per_gpu"
) -> FrontierParts:
    """What ``frontier`` computes, as row indices (no copy of the table)."""
    by = list(by)
    gid, first = _group_ids(df, by)
    xv = df[x].cast(pl.Float64).to_numpy().astype(float)
    yv = df[y].cast(pl.Float64).to_numpy().astype(float)
    on, tied = _frontier_mask_gid(gid, xv, yv, with_ties=True)
    rows = np.nonzero(on)[0]
    cid_of_group = np.full(first.size, -1, np.int64)
    if by:
        has = np.zeros(first.size, dtype=bool)
        has[gid[rows]] = True
        groups = np.nonzero(has)[0]
        keys = df.select(by)[first[groups]]
        rank = keys.select(pl.struct(by).rank("dense")).to_series().to_numpy().astype(np.int64) - 1
        cid_of_group[groups] = rank
    elif first.size:
        cid_of_group[:] = 0
    cid = cid_of_group[gid[rows]]
    order = _argsort_keys([cid, xv[rows]], [False, False])
    return FrontierParts(gid, first, rows[order], cid[order], cid_of_group, tied)


class _Queries:
    """Where each query (curve, target) sits on the frontier table: its curve's row range, the bracketing interval
    and the window of four knots (lo−1, lo, lo+1, lo+2) that holds everything its spline needs."""

    def __init__(self, cid: np.ndarray, xs: np.ndarray, q_cid: np.ndarray, q_t: np.ndarray):
        n_curves = int(cid.max()) + 1 if cid.size else 0
        self.length = np.bincount(cid, minlength=n_curves).astype(np.int64)
        self.start = (
            np.concatenate([[0], np.cumsum(self.length)[:-1]]).astype(np.int64) if n_curves else np.zeros(0, np.int64)
        )
        self.n_curves, self.xs, self.t = n_curves, xs, q_t
        self.known = (q_cid >= 0) & (q_cid < n_curves)
        self.c = np.where(self.known, q_cid, 0)
        self.len = np.where(self.known, self.length[self.c], 0)
        self.first = self.start[self.c]
        self.lo_local = _knots_at_or_below(cid, xs, self.c, q_t, self.first, self.len)
        self.lo = self.first + self.lo_local
        self.hi = np.minimum(self.lo + 1, self.first + np.maximum(self.len - 1, 0))
        last = self.first + np.maximum(self.len - 1, 0)
        x_min = xs[np.minimum(self.first, xs.size - 1)]
        x_max = xs[np.minimum(last, xs.size - 1)]
        self.single = self.len == 1
        self.in_range = (
            self.known
            & np.isfinite(q_t)
            & (
                (self.single & (np.abs(q_t - x_min) < _SINGLE_POINT_TOL))
                | (~self.single & (self.len >= 2) & (q_t >= x_min) & (q_t <= x_max))
            )
        )
        n = xs.size
        self.win = np.stack(
            [np.maximum(self.lo - 1, 0), self.lo, np.minimum(self.lo + 1, n - 1), np.minimum(self.lo + 2, n - 1)]
        )
        self.xw = xs[self.win]
        self.xw[2] = np.where(self.len >= 2, self.xw[2], self.xw[1])  # a one-point curve: hi is lo
        self.lo_first = self.lo_local == 0
        self.hi_last = self.lo_local + 1 == self.len - 1


def _knots_at_or_below(
    cid: np.ndarray, xs: np.ndarray, q_c: np.ndarray, q_t: np.ndarray, q_start: np.ndarray, q_len: np.ndarray
) -> np.ndarray:
    """Index (within its curve) of the left knot of each query's interval: the binary search of spec §3 step 4
    (``x[mid] ≤ target`` moves ``lo``), done as one lexicographic sort of knots and queries together."""
    all_c = np.concatenate([cid, q_c])
    all_x = np.concatenate([xs, np.where(np.isfinite(q_t), q_t, np.inf)])
    is_q = np.concatenate([np.zeros(xs.size, np.int8), np.ones(q_t.size, np.int8)])
    order = _argsort_keys([all_c, all_x, is_q], [False, False, False])
    cnt = np.empty(all_c.size, np.int64)
    cnt[order] = np.cumsum(is_q[order] == 0)
    local_le = cnt[xs.size :] - q_start
    return np.clip(local_le - 1, 0, np.maximum(q_len - 2, 0))


def _hermite_many(qs: _Queries, vals: np.ndarray, q: np.ndarray | slice = slice(None)) -> np.ndarray:
    """The spline of ``vals`` (one value per frontier row) at the queries ``q`` (all by default): the arithmetic
    of ``steffen_slopes`` and ``_hermite``, knot by knot (interior slopes, end slopes, two-knot ends)."""
    yw = vals[qs.win[:, q]]
    x0, x1, x2, x3 = qs.xw[0, q], qs.xw[1, q], qs.xw[2, q], qs.xw[3, q]
    len_q = qs.len[q]
    two, more = len_q == 2, len_q > 2
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        h0, h1, h2 = x1 - x0, x2 - x1, x3 - x2
        s0, s1, s2 = (yw[1] - yw[0]) / h0, (yw[2] - yw[1]) / h1, (yw[3] - yw[2]) / h2
        i_lo = _interior(s0, s1, h0, h1)
        i_hi = _interior(s1, s2, h1, h2)
        # two knots: m_0 = (3 s − 0)/2, then m_1 = (3 s − m_0)/2 with the new m_0
        m_lo = np.where(two, 1.5 * s1, np.where(more, np.where(qs.lo_first[q], (3 * s1 - i_hi) / 2, i_lo), 0.0))
        m_hi = np.where(two, 0.75 * s1, np.where(more, np.where(qs.hi_last[q], (3 * s1 - i_lo) / 2, i_hi), 0.0))
        y1 = np.where(len_q >= 2, yw[2], yw[1])
        u = np.where(h1 > 0, (qs.t[q] - x1) / np.where(h1 > 0, h1, 1.0), 0.0)
        u2, u3 = u * u, u * u * u
        return (
            (2 * u3 - 3 * u2 + 1) * yw[1]
            + (u3 - 2 * u2 + u) * h1 * m_lo
            + (-2 * u3 + 3 * u2) * y1
            + (u3 - u2) * h1 * m_hi
        )


def _clamped_spline(qs: _Queries, vals: np.ndarray, q: np.ndarray | slice = slice(None)) -> np.ndarray:
    """The spline of ``vals`` at the queries ``q``, clamped to each curve's [min, max] of ``vals`` (step 5)."""
    vmin, vmax = _segment_minmax(vals, qs.start, qs.length)
    return np.clip(_hermite_many(qs, vals, q), vmin[qs.c[q]], vmax[qs.c[q]])


def _reciprocal_agreement(
    qs: _Queries, cid: np.ndarray, vals: np.ndarray, thr: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per curve: do all frontier points agree on ``vals × thr`` within 0.1 % (and have a usable throughput), and
    the constant (from the curve's first point) (step 6)."""
    bad_thr = ~np.isfinite(thr) | (thr <= 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        k = vals * thr
        k0 = k[qs.start]
        dev = np.abs(k / np.repeat(k0, qs.length) - 1.0)
    off = (dev > _RECIPROCAL_AGREEMENT) | ~np.isfinite(dev) | bad_thr
    agree = (np.bincount(cid, weights=off.astype(float), minlength=qs.n_curves) == 0) & (k0 != 0)
    return agree, k0


def interpolate_many(
    fr: pl.DataFrame,
    targets: pl.DataFrame,
    metrics: dict[str, str | None],
    *,
    x: str = "median_intvty",
) -> pl.DataFrame:
    """Read metrics off many frontiers at many targets.

    fr: output of ``frontier`` (rows sorted by ``curve_id`` then x). targets: columns ``curve_id`` and ``target``
    (tok/s/user). metrics: column → the throughput column it is the reciprocal of (e.g. ``{"cost_total_costh":
    "tput_per_gpu"}``) or None to spline it directly. Returns targets with one column per metric (null where
    unreachable), ``reachable``, ``lo``/``hi`` (row positions in ``fr`` of the bracketing frontier points).
    """
    cid = fr["curve_id"].to_numpy()
    xs = fr[x].to_numpy().astype(float)
    q_cid = targets["curve_id"].to_numpy().astype(np.int64)
    q_t = targets["target"].to_numpy().astype(float)
    if q_t.size == 0 or cid.size == 0:
        empty = targets.with_columns(
            reachable=pl.lit(False), lo=pl.lit(None, dtype=pl.Int64), hi=pl.lit(None, dtype=pl.Int64)
        )
        return empty.with_columns([pl.lit(None, dtype=pl.Float64).alias(mcol) for mcol in metrics])
    qs = _Queries(cid, xs, q_cid, q_t)
    spline_of: dict[str, np.ndarray] = {}  # column → its clamped spline at every query (computed once)

    def spline(col: str, vals: np.ndarray) -> np.ndarray:
        if col not in spline_of:
            spline_of[col] = _clamped_spline(qs, vals)
        return spline_of[col]

    out = {mcol: _metric_at(qs, fr, cid, mcol, recip, spline) for mcol, recip in metrics.items()}
    return targets.with_columns(
        reachable=pl.Series(qs.in_range),
        lo=pl.Series(np.where(qs.known, qs.lo, -1)).cast(pl.Int64),
        hi=pl.Series(np.where(qs.known, qs.hi, -1)).cast(pl.Int64),
        **{mcol: pl.Series(v).fill_nan(None) for mcol, v in out.items()},
    )


def _metric_at(
    qs: _Queries, fr: pl.DataFrame, cid: np.ndarray, mcol: str, recip: str | None, spline: Any
) -> np.ndarray:
    """One metric at every query (NaN where unreachable): constant ÷ spline(throughput) on curves whose points
    agree on metric × throughput, else the metric's own clamped spline; a one-point curve gives its value."""
    n_fr = qs.xs.size
    vals = fr[mcol].cast(pl.Float64).to_numpy().astype(float) if mcol in fr.columns else np.full(n_fr, np.nan)
    curve_missing = np.bincount(cid, weights=(~np.isfinite(vals)).astype(float), minlength=qs.n_curves) > 0
    nq = qs.t.size
    direct = np.ones(nq, dtype=bool)  # queries read off this metric's own spline
    value = np.full(nq, np.nan)
    if recip is not None and recip in fr.columns:
        thr = fr[recip].cast(pl.Float64).to_numpy().astype(float)
        agree, k0 = _reciprocal_agreement(qs, cid, vals, thr)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = k0[qs.c] / spline(recip, thr)
        direct = ~agree[qs.c]
    q_direct = np.flatnonzero(direct)
    if q_direct.size == nq and mcol in fr.columns:
        value = spline(mcol, vals).copy()
    elif q_direct.size:
        value[q_direct] = _clamped_spline(qs, vals, q_direct)
    value = np.where(qs.single, vals[np.minimum(qs.first, n_fr - 1)], value)
    ok = qs.in_range & ~curve_missing[qs.c]
    return np.where(ok, value, np.nan)


def _interior(s_prev: np.ndarray, s: np.ndarray, h_prev: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Steffen tangent at an interior knot from the secants and widths of its two intervals."""
    p = (s_prev * h + s * h_prev) / (h_prev + h)
    sign_prev = np.where(s_prev < 0, -1.0, 1.0)
    sign_next = np.where(s < 0, -1.0, 1.0)
    return (sign_prev + sign_next) * np.minimum(np.minimum(np.abs(s_prev), np.abs(s)), 0.5 * np.abs(p))


def _segment_minmax(v: np.ndarray, start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if v.size == 0:
        return np.zeros(start.size), np.zeros(start.size)
    clean_min = np.where(np.isfinite(v), v, np.inf)
    clean_max = np.where(np.isfinite(v), v, -np.inf)
    return np.minimum.reduceat(clean_min, start), np.maximum.reduceat(clean_max, start)


def iso_point(request: dict[str, Any]) -> dict[str, Any]:
    """The blog-helper contract: ``{"points": [...], "target_iv", "metric_key", "reciprocal_of", "iv_key",
    "tput_key"}`` → ``{"value": v or None}``."""
    pts = request.get("points")
    if not isinstance(pts, list):
        raise ValueError("'points' must be a list of objects")
    iv_key = request.get("iv_key", "interactivity")
    tput_key = request.get("tput_key", "throughput")
    metric = request.get("metric_key", tput_key)
    target: Any = request.get("target_iv")
    if not _finite(target):
        raise ValueError("'target_iv' must be a finite number")
    clean = [p for p in pts if isinstance(p, dict)]
    value = interpolate_reference(
        clean, float(target), metric, x=iv_key, y=tput_key, reciprocal_of=request.get("reciprocal_of")
    )
    return {"value": value}
