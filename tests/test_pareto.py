"""Frontier and interpolation: hand-computed cases, properties, vectorised == reference."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontier.analysis import pareto as P

THREE = [{"x": 10.0, "y": 1000.0}, {"x": 20.0, "y": 600.0}, {"x": 40.0, "y": 200.0}]


def test_frontier_drops_dominated_and_same_x_points():
    pts = THREE + [
        {"x": 20.0, "y": 500.0},
        {"x": 15.0, "y": 400.0},
        {"x": 30.0, "y": 650.0},
        {"x": -1.0, "y": 9e9},
        {"x": float("nan"), "y": 1.0},
    ]
    fr = P.frontier_reference(pts, "x", "y")
    assert [(p["x"], p["y"]) for p in fr] == [(10.0, 1000.0), (30.0, 650.0), (40.0, 200.0)]


def test_hand_computed_spline():
    # secants −40, −20; interior slope −33.33…; ends −43.33…, −13.33…; at 15: 787.5 exactly
    m = P.steffen_slopes([10, 20, 40], [1000, 600, 200])
    assert m == pytest.approx([-130 / 3, -100 / 3, -40 / 3])
    assert P.interpolate_reference(THREE, 15.0, "y", x="x", y="y") == pytest.approx(787.5, abs=1e-12)
    assert P.interpolate_reference(THREE, 18.0, "y", x="x", y="y") == pytest.approx(670.4, abs=1e-12)
    # knots are returned exactly, ends are reachable, beyond them is not
    assert P.interpolate_reference(THREE, 20.0, "y", x="x", y="y") == 600.0
    assert P.interpolate_reference(THREE, 40.0, "y", x="x", y="y") == 200.0
    assert P.interpolate_reference(THREE, 9.999, "y", x="x", y="y") is None
    assert P.interpolate_reference(THREE, 40.001, "y", x="x", y="y") is None


def test_two_point_slopes_are_the_dashboards_published_vector():
    # the dashboard's published test: monotoneSlopes([0,10],[0,100]) → [15, 7.5]
    assert P.steffen_slopes([0, 10], [0, 100]) == [15.0, 7.5]
    # m_0 = (3 s_0 − 0)/2 first, then m_1 = (3 s_0 − m_0)/2 with the new m_0
    assert P.steffen_slopes([10, 20], [1000, 600]) == [-60.0, -30.0]


def test_two_points_are_not_a_line_and_one_point_only_at_its_x():
    two = THREE[:2]
    # s = −40, m = (−60, −30), h = 10, u = 0.25: Hermite basis 0.84375, 0.140625, 0.15625, −0.046875
    expected = 0.84375 * 1000 + 0.140625 * 10 * -60 + 0.15625 * 600 + -0.046875 * 10 * -30
    assert P.interpolate_reference(two, 12.5, "y", x="x", y="y") == pytest.approx(expected, abs=1e-12)
    assert expected != pytest.approx(900.0)  # the straight line d3.curveMonotoneX would draw
    assert P.interpolate_reference(two, 10.0, "y", x="x", y="y") == 1000.0
    assert P.interpolate_reference(two, 20.0, "y", x="x", y="y") == 600.0
    one = THREE[:1]
    assert P.interpolate_reference(one, 10.0 + 5e-7, "y", x="x", y="y") == 1000.0
    assert P.interpolate_reference(one, 10.0 + 2e-6, "y", x="x", y="y") is None


def test_two_point_frontier_vectorised_and_iso_point_equal_the_reference():
    two = [dict(p, cost=2.0 / (p["y"] * 0.0036)) for p in THREE[:2]]
    fr = P.frontier(pl.DataFrame(two), [], "x", "y")
    targets = [10.0, 11.0, 12.5, 17.25, 20.0]
    out = P.interpolate_many(
        fr, pl.DataFrame({"curve_id": [0] * len(targets), "target": targets}), {"y": None, "cost": "y"}, x="x"
    )
    for t, y, cost in zip(targets, out["y"], out["cost"]):
        assert y == pytest.approx(P.interpolate_reference(two, t, "y", x="x", y="y"), rel=1e-12)
        assert cost == pytest.approx(
            P.interpolate_reference(two, t, "cost", x="x", y="y", reciprocal_of="y"), rel=1e-12
        )
        req = {"points": [{"interactivity": p["x"], "throughput": p["y"]} for p in two], "target_iv": t}
        assert P.iso_point(req)["value"] == pytest.approx(y, rel=1e-12)


def test_reciprocal_metric_is_constant_over_spline_of_throughput():
    pts = [dict(p, cost=2.0 / (p["y"] * 0.0036)) for p in THREE]
    v = P.interpolate_reference(pts, 18.0, "cost", x="x", y="y", reciprocal_of="y")
    assert v == pytest.approx(2.0 / (670.4 * 0.0036), rel=1e-12)
    # disagreeing products (>0.1 %) fall back to splining the metric itself, clamped
    pts[1]["cost"] *= 1.01
    direct = P.interpolate_reference(pts, 18.0, "cost", x="x", y="y", reciprocal_of="y")
    costs = [p["cost"] for p in pts]
    assert direct == pytest.approx(P.spline_at([10, 20, 40], costs, 18.0))
    # a frontier point lacking the metric: unreachable, never zero
    pts[2]["cost"] = None
    assert P.interpolate_reference(pts, 15.0, "cost", x="x", y="y", reciprocal_of="y") is None


def test_clamping_to_frontier_range():
    # a steep end slope can overshoot; the result stays within [min, max] of the frontier values
    pts = [{"x": 1.0, "y": 100.0}, {"x": 1.1, "y": 99.0}, {"x": 50.0, "y": 1.0}]
    vals = [P.interpolate_reference(pts, t, "y", x="x", y="y") for t in np.linspace(1, 50, 200)]
    assert min(vals) >= 1.0 and max(vals) <= 100.0


frontier_points = st.lists(
    st.tuples(st.floats(0.5, 300, allow_nan=False), st.floats(1, 1e5, allow_nan=False)), min_size=1, max_size=30
)


@settings(max_examples=200, deadline=None)
@given(frontier_points, st.floats(0.1, 400))
def test_properties_monotone_within_range_unreachable_outside(raw, target):
    pts = [{"x": x, "y": y} for x, y in raw]
    fr = P.frontier_reference(pts, "x", "y")
    xs = [p["x"] for p in fr]
    ys = [p["y"] for p in fr]
    assert all(a < b for a, b in zip(xs, xs[1:])) and all(a > b for a, b in zip(ys, ys[1:]))
    v = P.interpolate_reference(pts, target, "y", x="x", y="y")
    if len(fr) > 1 and xs[0] <= target <= xs[-1]:
        assert v is not None and min(ys) - 1e-9 <= v <= max(ys) + 1e-9
        # monotone: never above the value at a lower interactivity
        v2 = P.interpolate_reference(pts, min(target * 1.01, xs[-1]), "y", x="x", y="y")
        assert v2 <= v + 1e-9 * max(ys)
    elif len(fr) > 1:
        assert v is None


def _random_configs(seed: int, n_cfg: int = 200):
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n_cfg):
        n = int(rng.integers(1, 20))
        x = rng.uniform(5, 200, n)
        if c % 5 == 0:
            x = np.round(x, 0)
        y = 5000 / x * rng.uniform(0.5, 1.5, n)
        for i in range(n):
            rows.append(
                {
                    "c": c,
                    "x": float(x[i]),
                    "y": float(y[i]),
                    "cost": 2.0 / (y[i] * 0.0036),
                    "conc": float(rng.integers(1, 512)),
                }
            )
    return rows


@pytest.mark.parametrize("seed", [1, 2])
def test_vectorised_matches_reference_to_1e9(seed):
    rows = _random_configs(seed)
    df = pl.DataFrame(rows)
    fr = P.frontier(df, ["c"], "x", "y")
    for c in range(0, 200, 17):
        ref = [(p["x"], p["y"]) for p in P.frontier_reference([r for r in rows if r["c"] == c], "x", "y")]
        assert fr.filter(pl.col("c") == c).select("x", "y").rows() == ref
    targets = pl.DataFrame(
        {
            "curve_id": np.repeat(np.arange(200), 8),
            "target": np.tile([1, 10, 30, 50, 90, 150, 199.5, 250], 200).astype(float),
        }
    )
    out = P.interpolate_many(fr, targets, {"y": None, "cost": "y", "conc": None}, x="x")
    cmap = dict(zip(fr["curve_id"].to_list(), fr["c"].to_list()))
    by_c = {}
    for r in rows:
        by_c.setdefault(r["c"], []).append(r)
    reached = 0
    for r in out.iter_rows(named=True):
        pts = by_c[cmap[r["curve_id"]]]
        for m, rc in (("y", None), ("cost", "y"), ("conc", None)):
            ref = P.interpolate_reference(pts, r["target"], m, x="x", y="y", reciprocal_of=rc)
            if ref is None:
                assert r[m] is None
            else:
                reached += 1
                assert r[m] == pytest.approx(ref, rel=1e-9, abs=1e-9)
    assert reached > 500


def test_iso_point_cli_contract():
    req = {
        "points": [
            {"interactivity": p["x"], "throughput": p["y"], "cost_per_M": 2.0 / (p["y"] * 0.0036)} for p in THREE
        ],
        "target_iv": 18.0,
        "metric_key": "cost_per_M",
        "reciprocal_of": "throughput",
        "iv_key": "interactivity",
        "tput_key": "throughput",
    }
    out = subprocess.run(
        [sys.executable, "-m", "frontier.cli", "iso-point"], input=json.dumps(req), capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["value"] == pytest.approx(2.0 / (670.4 * 0.0036), rel=1e-12)
    req["target_iv"] = 99.0
    out = subprocess.run(
        [sys.executable, "-m", "frontier.cli", "iso-point"], input=json.dumps(req), capture_output=True, text=True
    )
    assert json.loads(out.stdout) == {"value": None}
    bad = subprocess.run(
        [sys.executable, "-m", "frontier.cli", "iso-point"], input="{oops", capture_output=True, text=True
    )
    assert bad.returncode == 2 and "error" in bad.stderr
    assert not math.isnan(P.iso_point({**req, "target_iv": 20.0})["value"])


curve_sets = st.lists(
    st.lists(
        st.tuples(
            st.floats(0.5, 300, allow_nan=False, allow_subnormal=False),
            st.floats(1, 1e5, allow_nan=False, allow_subnormal=False),
        ),
        min_size=1,
        max_size=8,
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(curve_sets, st.lists(st.floats(0.1, 320, allow_nan=False), min_size=1, max_size=6))
def test_property_vectorised_equals_reference_rule(curves, raw_targets):
    # random frontiers of every size, two-point ones included (short lists often reduce to two points)
    rows = [{"c": c, "x": x, "y": y, "cost": 2.0 / (y * 0.0036)} for c, pts in enumerate(curves) for x, y in pts]
    fr = P.frontier(pl.DataFrame(rows), ["c"], "x", "y")
    cmap = dict(zip(fr["curve_id"].to_list(), fr["c"].to_list()))
    knots = fr.select("curve_id", pl.col("x").alias("target"))  # the knots themselves are targets too
    grid = pl.concat(
        [
            knots,
            pl.DataFrame(
                {
                    "curve_id": np.repeat(np.arange(len(cmap)), len(raw_targets)),
                    "target": np.tile(raw_targets, len(cmap)).astype(float),
                }
            ),
        ]
    )
    out = P.interpolate_many(fr, grid, {"y": None, "cost": "y"}, x="x")
    for r in out.iter_rows(named=True):
        pts = [p for p in rows if p["c"] == cmap[r["curve_id"]]]
        for m, rc in (("y", None), ("cost", "y")):
            ref = P.interpolate_reference(pts, r["target"], m, x="x", y="y", reciprocal_of=rc)
            if ref is None:
                assert r[m] is None
            else:
                assert r[m] == pytest.approx(ref, rel=1e-9, abs=1e-9)


def test_two_point_real_curves_equal_the_reference():
    """The public API history read per date (as the trend view reads it) has many two-point frontiers."""
    from frontier.data.load import load
    from frontier.data.schema import CURVE_KEY

    from .conftest import API_FIXTURES, need

    res = load([need(API_FIXTURES / "benchmarks-history.json")], keep="all", cache=False)
    by = [*CURVE_KEY, "date"]
    fr = P.frontier(res.points, by)
    sizes = fr.group_by("curve_id").len()
    two = sizes.filter(pl.col("len") == 2)["curve_id"].sort().to_list()
    assert len(two) >= 10, "the API history is expected to hold two-point frontiers"
    fr2 = fr.filter(pl.col("curve_id").is_in(two))
    lo_hi = fr2.group_by("curve_id").agg(
        pl.col("median_intvty").min().alias("a"), pl.col("median_intvty").max().alias("b")
    )
    grid = (
        lo_hi.with_columns(
            target=pl.concat_list(
                [pl.col("a") + (pl.col("b") - pl.col("a")) * f for f in (0.0, 0.1, 0.37, 0.5, 0.83, 1.0)]
            )
        )
        .explode("target")
        .select("curve_id", "target")
    )
    out = P.interpolate_many(fr, grid, {"tput_per_gpu": None}, x="median_intvty")
    differs_from_line = 0
    for r in out.iter_rows(named=True):
        pts = fr.filter(pl.col("curve_id") == r["curve_id"]).select("median_intvty", "tput_per_gpu").to_dicts()
        ref = P.interpolate_reference(pts, r["target"], "tput_per_gpu", x="median_intvty", y="tput_per_gpu")
        assert r["tput_per_gpu"] == pytest.approx(ref, rel=1e-9, abs=1e-9)
        (x0, y0), (x1, y1) = [(p["median_intvty"], p["tput_per_gpu"]) for p in pts]
        line = y0 + (y1 - y0) * (r["target"] - x0) / (x1 - x0)
        differs_from_line += abs(ref - line) > 1e-6 * abs(line)
    assert differs_from_line > 0  # the spline, not the straight line d3 draws
