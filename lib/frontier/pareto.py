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
only at |target − x| < 1e-6; otherwise a monotone cubic Hermite spline (Steffen, as d3.curveMonotoneX), clamped to
the frontier's [min, max] of the splined values. A reciprocal metric (constant ÷ a throughput, e.g. $/M tokens) is
read as constant ÷ spline(throughput) when every frontier point agrees on metric × throughput within 0.1 %,
otherwise splined directly. A frontier point lacking the metric makes the result unreachable (null), never 0.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import polars as pl

SINGLE_POINT_TOL = 1e-6
RECIPROCAL_AGREEMENT = 1e-3


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
    """Tangents of the monotone cubic (d3.curveMonotoneX) at each knot."""
    n = len(xs)
    if n < 2:
        return [0.0] * n
    h = [xs[i + 1] - xs[i] for i in range(n - 1)]
    s = [(ys[i + 1] - ys[i]) / h[i] for i in range(n - 1)]
    if n == 2:
        return [s[0], s[0]]
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
    points: Sequence[dict[str, Any]], target: float, metric: str, *, x: str, y: str,
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
        return fr[0][metric] if abs(target - xs[0]) < SINGLE_POINT_TOL else None
    if target < xs[0] or target > xs[-1]:
        return None
    if reciprocal_of is not None:
        ks = [p[metric] * p[reciprocal_of] for p in fr]
        k0 = ks[0]
        if k0 != 0 and all(abs(k / k0 - 1.0) <= RECIPROCAL_AGREEMENT for k in ks):
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
    return ((2 * u3 - 3 * u2 + 1) * y0 + (u3 - 2 * u2 + u) * h * m0
            + (-2 * u3 + 3 * u2) * y1 + (u3 - u2) * h * m1)


# ---------------------------------------------------------------------------------------------------------------
# vectorised (many configs)


def frontier_mask(df: pl.DataFrame, by: Sequence[str], x: str = "median_intvty", y: str = "tput_per_gpu") -> pl.Series:
    """Boolean Series: is each row on its group's Pareto frontier (same rule as ``frontier_reference``)."""
    idx = "__row"
    d = df.select([*by, x, y]).with_row_index(idx)
    valid = pl.col(x).is_finite() & (pl.col(x) > 0) & pl.col(y).is_finite()
    v = d.filter(valid.fill_null(False)).sort([*by, x, y, idx], descending=[False] * len(by) + [False, True, False],
                                              nulls_last=True)
    keys = list(by) if by else None
    # first row of each (group, x): the highest y at that x
    first_at_x = pl.int_range(pl.len()).over([*by, x] if by else [x]) == 0
    # max y over rows with strictly greater x in the group: reverse cumulative max, taken at the next x
    v = v.with_columns(_first=first_at_x)
    g = v.filter(pl.col("_first"))
    if keys:
        g = g.with_columns(_sufmax=pl.col(y).reverse().cum_max().reverse().shift(-1).over(keys))
    else:
        g = g.with_columns(_sufmax=pl.col(y).reverse().cum_max().reverse().shift(-1))
    on = g.filter(pl.col("_sufmax").is_null() | (pl.col(y) > pl.col("_sufmax")))[idx]
    return pl.Series("on_frontier", np.isin(np.arange(df.height), on.to_numpy()))


def frontier(df: pl.DataFrame, by: Sequence[str], x: str = "median_intvty", y: str = "tput_per_gpu") -> pl.DataFrame:
    """Frontier rows of every group, sorted by group then x, with ``curve_id`` (0..n_groups-1)."""
    fr = df.filter(frontier_mask(df, by, x, y))
    if by:
        fr = fr.sort([*by, x], nulls_last=True)
        fr = fr.with_columns(curve_id=pl.struct(list(by)).rank("dense").cast(pl.Int64) - 1)
        fr = fr.sort(["curve_id", x])
    else:
        fr = fr.sort(x).with_columns(curve_id=pl.lit(0, dtype=pl.Int64))
    return fr


def _segment_slopes(x: np.ndarray, y: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Steffen tangents for concatenated segments (curve c occupies [start[c], start[c]+length[c]))."""
    n = x.size
    m = np.zeros(n)
    if n == 0:
        return m
    seg = np.repeat(np.arange(start.size), length)
    pos = np.arange(n) - start[seg]
    seg_len = length[seg]
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.empty(n)
        h[:-1] = x[1:] - x[:-1]
        h[-1] = np.nan
        s = np.empty(n)
        s[:-1] = (y[1:] - y[:-1]) / h[:-1]
        s[-1] = np.nan
        last = pos == seg_len - 1
        h[last] = np.nan
        s[last] = np.nan
        # interior knot i: previous interval i-1, next interval i
        s_prev = np.roll(s, 1)
        h_prev = np.roll(h, 1)
        p = (s_prev * h + s * h_prev) / (h_prev + h)
        sign_prev = np.where(s_prev < 0, -1.0, 1.0)
        sign_next = np.where(s < 0, -1.0, 1.0)
        interior = (sign_prev + sign_next) * np.minimum(np.minimum(np.abs(s_prev), np.abs(s)), 0.5 * np.abs(p))
    is_interior = (pos > 0) & (pos < seg_len - 1)
    m[is_interior] = interior[is_interior]
    two = seg_len == 2
    first = pos == 0
    # two points: a straight line
    m[first & two] = s[first & two]
    idx_last2 = np.nonzero(last & two)[0]
    m[idx_last2] = s[idx_last2 - 1]
    # ends of longer segments: m0 = (3 s0 − m1)/2, m_{n-1} = (3 s_{n-2} − m_{n-2})/2
    f = np.nonzero(first & (seg_len > 2))[0]
    m[f] = (3 * s[f] - m[f + 1]) / 2
    lt = np.nonzero(last & (seg_len > 2))[0]
    m[lt] = (3 * s[lt - 1] - m[lt - 1]) / 2
    return m


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
    n_curves = int(cid.max()) + 1 if cid.size else 0
    length = np.bincount(cid, minlength=n_curves).astype(np.int64)
    start = np.concatenate([[0], np.cumsum(length)[:-1]]).astype(np.int64) if n_curves else np.zeros(0, np.int64)
    q_cid = targets["curve_id"].to_numpy().astype(np.int64)
    q_t = targets["target"].to_numpy().astype(float)
    nq = q_t.size
    out: dict[str, Any] = {}
    if nq == 0 or n_curves == 0:
        empty = targets.with_columns(reachable=pl.lit(False), lo=pl.lit(None, dtype=pl.Int64),
                                     hi=pl.lit(None, dtype=pl.Int64))
        return empty.with_columns([pl.lit(None, dtype=pl.Float64).alias(mcol) for mcol in metrics])
    known = (q_cid >= 0) & (q_cid < n_curves)
    q_c = np.where(known, q_cid, 0)
    q_len = np.where(known, length[q_c], 0)
    q_start = start[q_c]
    # local count of frontier x ≤ target, by one lexicographic sort of knots and queries together
    all_c = np.concatenate([cid, q_c])
    all_x = np.concatenate([xs, np.where(np.isfinite(q_t), q_t, np.inf)])
    is_q = np.concatenate([np.zeros(xs.size, np.int8), np.ones(nq, np.int8)])
    order = np.lexsort((is_q, all_x, all_c))
    knots_before = np.cumsum(is_q[order] == 0)
    cnt = np.empty(all_c.size, np.int64)
    cnt[order] = knots_before
    local_le = cnt[xs.size:] - q_start
    lo_local = np.clip(local_le - 1, 0, np.maximum(q_len - 2, 0))
    lo = q_start + lo_local
    hi = np.minimum(lo + 1, q_start + np.maximum(q_len - 1, 0))
    last_idx = q_start + np.maximum(q_len - 1, 0)
    x_min = xs[np.minimum(q_start, xs.size - 1)]
    x_max = xs[np.minimum(last_idx, xs.size - 1)]
    single = q_len == 1
    in_range = known & np.isfinite(q_t) & (
        (single & (np.abs(q_t - x_min) < SINGLE_POINT_TOL)) | (~single & (q_len >= 2) & (q_t >= x_min) & (q_t <= x_max)))
    for mcol, recip in metrics.items():
        vals = fr[mcol].cast(pl.Float64).to_numpy().astype(float) if mcol in fr.columns else np.full(xs.size, np.nan)
        missing = ~np.isfinite(vals)
        curve_missing = np.bincount(cid, weights=missing.astype(float), minlength=n_curves) > 0
        vmin, vmax = _segment_minmax(vals, start, length)
        direct_m = _segment_slopes(xs, vals, start, length)
        value = _hermite_vec(xs, vals, direct_m, lo, hi, q_t)
        value = np.clip(value, vmin[q_c], vmax[q_c])
        if recip is not None and recip in fr.columns:
            thr = fr[recip].cast(pl.Float64).to_numpy().astype(float)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                k = vals * thr
                k0 = k[start]
                dev = np.abs(k / np.repeat(k0, length) - 1.0)
            bad_thr = ~np.isfinite(thr) | (thr <= 0)
            agree = (np.bincount(cid, weights=((dev > RECIPROCAL_AGREEMENT) | ~np.isfinite(dev)
                                               | bad_thr).astype(float), minlength=n_curves) == 0) & (k0 != 0)
            tmin, tmax = _segment_minmax(thr, start, length)
            thr_m = _segment_slopes(xs, np.where(bad_thr, 0.0, thr), start, length)
            tv = np.clip(_hermite_vec(xs, thr, thr_m, lo, hi, q_t), tmin[q_c], tmax[q_c])
            with np.errstate(divide="ignore", invalid="ignore"):
                recip_value = k0[q_c] / tv
            value = np.where(agree[q_c], recip_value, value)
        value = np.where(single, vals[np.minimum(q_start, xs.size - 1)], value)
        ok = in_range & ~curve_missing[q_c]
        out[mcol] = np.where(ok, value, np.nan)
    reach = in_range
    res = targets.with_columns(
        reachable=pl.Series(reach),
        lo=pl.Series(np.where(known, lo, -1)).cast(pl.Int64),
        hi=pl.Series(np.where(known, hi, -1)).cast(pl.Int64),
        **{mcol: pl.Series(v).fill_nan(None) for mcol, v in out.items()},
    )
    return res


def _segment_minmax(v: np.ndarray, start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if v.size == 0:
        return np.zeros(start.size), np.zeros(start.size)
    clean_min = np.where(np.isfinite(v), v, np.inf)
    clean_max = np.where(np.isfinite(v), v, -np.inf)
    return np.minimum.reduceat(clean_min, start), np.maximum.reduceat(clean_max, start)


def _hermite_vec(xs, ys, m, lo, hi, t):
    x0, x1 = xs[lo], xs[hi]
    with np.errstate(divide="ignore", invalid="ignore"):
        h = x1 - x0
        u = np.where(h > 0, (t - x0) / np.where(h > 0, h, 1.0), 0.0)
        u2, u3 = u * u, u * u * u
        return ((2 * u3 - 3 * u2 + 1) * ys[lo] + (u3 - 2 * u2 + u) * h * m[lo]
                + (-2 * u3 + 3 * u2) * ys[hi] + (u3 - u2) * h * m[hi])


def iso_point(request: dict[str, Any]) -> dict[str, Any]:
    """The blog-helper contract: ``{"points": [...], "target_iv", "metric_key", "reciprocal_of", "iv_key",
    "tput_key"}`` → ``{"value": v or None}``."""
    pts = request.get("points")
    if not isinstance(pts, list):
        raise ValueError("'points' must be a list of objects")
    iv_key = request.get("iv_key", "interactivity")
    tput_key = request.get("tput_key", "throughput")
    metric = request.get("metric_key", tput_key)
    target = request.get("target_iv")
    if not _finite(target):
        raise ValueError("'target_iv' must be a finite number")
    clean = [p for p in pts if isinstance(p, dict)]
    value = interpolate_reference(clean, float(target), metric, x=iv_key, y=tput_key,
                                  reciprocal_of=request.get("reciprocal_of"))
    return {"value": value}
