"""Fleet cost and migration payback: GPU counts with stated rounding, monthly cost per price view, payback that is
never negative or infinite, and the sensitivity table."""

from __future__ import annotations

import math

import polars as pl
import pytest

from frontier.analysis import breakeven as be
from frontier.analysis import fleet
from frontier.analysis.economics import cost_per_million

from .test_breakeven import PRICES, _points, frame

VIEWS = be.price_views([be.price_table_from_mapping(PRICES, label="prices", as_of="2026-01-01")])
H100 = fleet.FleetSide("h100/fp8", "h100", "h100 · fp8", "TP8", 1500.0, replica_gpus=8)
B200 = fleet.FleetSide("b200/fp4", "b200", "b200 · fp4", "TP1", 10000.0, replica_gpus=1)


def test_workload_from_requests_and_validation():
    w = fleet.Workload.from_requests(1_000_000, 1024, 1024, 50.0, 0.5)
    assert w.tokens_per_day == 2048 * 1_000_000
    assert w.provisioned_tok_s == pytest.approx(2.048e9 / 86400 / 0.5)
    assert "requests/day" in w.assumptions()[0]
    for bad in ({"tokens_per_day": 0}, {"utilisation": 0.0}, {"utilisation": 1.5}, {"target": -1.0}):
        kw = {"tokens_per_day": 1e9, "target": 50.0, "utilisation": 0.5} | bad
        with pytest.raises(ValueError):
            fleet.Workload(**kw)


def test_gpu_counts_round_up_to_whole_replicas():
    w = fleet.Workload(86400 * 10_000 * 0.6, 50.0, 0.6)  # provisions exactly 10,000 tok/s
    exact, n = H100.gpus(w)
    assert exact == pytest.approx(10_000 / 1500) and n == 8  # 6.67 GPUs → one 8-GPU replica
    exact, n = B200.gpus(w)
    assert exact == pytest.approx(1.0) and n == 1  # exact fit stays 1, no spurious extra GPU


def test_fleet_cost_and_payback_by_hand():
    w = fleet.Workload(86400 * 100_000.0, 50.0, 1.0)  # 100k tok/s all day
    fc = fleet.fleet_cost(w, [H100, B200], VIEWS)
    od = {r["side"]: r for r in fc.filter(pl.col("view") == "on_demand").iter_rows(named=True)}
    assert od["h100/fp8"]["gpus"] == 72 and od["b200/fp4"]["gpus"] == 10  # 66.7 → 9 × 8; 10 exactly
    assert od["h100/fp8"]["monthly_cost"] == pytest.approx(72 * 2.64 * 730)
    assert od["b200/fp4"]["monthly_cost"] == pytest.approx(10 * 6.03 * 730)
    # without rounding or idle time the fleet pays the per-token cost: 10 B200 at 100 % → $/M = price ÷ tput
    assert od["b200/fp4"]["cost_per_m_served"] == pytest.approx(cost_per_million(6.03, 10000.0))
    m = fleet.migration(w, H100, B200, VIEWS, migration_cost=250_000.0)
    r = m.filter(pl.col("view") == "on_demand").row(0, named=True)
    saving = (72 * 2.64 - 10 * 6.03) * 730
    assert r["monthly_saving"] == pytest.approx(saving)
    assert r["payback_months"] == pytest.approx(250_000.0 / saving)
    assert r["payback"].startswith("pays back in")


def test_never_pays_back_is_stated_not_negative():
    w = fleet.Workload(86400 * 100_000.0, 50.0, 1.0)
    m = fleet.migration(w, B200, H100, VIEWS, migration_cost=1000.0)  # "migrating" to the dearer fleet
    for r in m.iter_rows(named=True):
        assert r["monthly_saving"] < 0 and r["payback_months"] is None
        assert r["payback"].startswith("never pays back (monthly saving -$")
    assert fleet.payback(0.0, 10.0) == (0.0, "pays back in 0.0 months")
    assert fleet.payback(5.0, 0.0)[0] is None
    assert fleet.payback(5.0, None) == (None, "not priced")
    with pytest.raises(ValueError):
        fleet.payback(-1.0, 10.0)
    with pytest.raises(ValueError):
        fleet.payback(math.inf, 10.0)


def test_sensitivity_matches_migration_at_each_cell():
    w = fleet.Workload(86400 * 50_000.0, 50.0, 0.5)
    od = next(v for v in VIEWS if v.view == "on_demand")
    s = fleet.sensitivity(w, H100, B200, od, 100_000.0, price_factors=(1.0, 4.0), utilisations=(0.4, 0.8))
    assert s.height == 4
    for r in s.iter_rows(named=True):
        wu = fleet.Workload(w.tokens_per_day, 50.0, r["utilisation"])
        old = H100.gpus(wu)[1] * 2.64 * 730
        new = B200.gpus(wu)[1] * 6.03 * r["price_factor"] * 730
        assert r["monthly_saving"] == pytest.approx(old - new)
        if old - new > 0:
            assert r["payback_months"] == pytest.approx(100_000.0 / (old - new))
        else:
            assert r["payback_months"] is None and r["payback"].startswith("never")
    assert s.filter(pl.col("price_factor") == 4.0)["payback_months"].null_count() >= 1  # 4× dearer B200 never pays
    grid = fleet.sensitivity_grid(s, "b200")
    assert grid.columns[0] == "utilisation %" and grid.height == 2 and "never" in grid.row(0)


def test_sides_from_break_even_take_replica_size_from_the_frontier():
    pts = frame(_points("M", "b200", "fp4", [50.0], [10000.0]) + _points("M", "h100", "fp8", [50.0], [1500.0]))
    res = be.break_even(
        pts,
        "b200/fp4",
        "h100/fp8",
        [50.0, 80.0],
        [be.price_table_from_mapping(PRICES, label="prices", as_of="2026-01-01")],
    )
    a, b = fleet.sides_from_break_even(res, 50.0)
    assert (a.tput_per_gpu, b.tput_per_gpu) == (10000.0, 1500.0) and a.replica_gpus == 8 and a.topology == "TP8"
    with pytest.raises(ValueError, match="unreachable"):
        fleet.sides_from_break_even(res, 80.0)
    with pytest.raises(ValueError, match="not among"):
        fleet.sides_from_break_even(res, 33.0)
    notes = fleet.caveats(fleet.Workload(1e9, 50.0, 0.5), b, a)
    assert any("rounded up to whole 8-GPU replicas of TP8" in n for n in notes)


def test_a_side_read_below_its_measured_range_bounds_the_fleet_and_payback():
    # B200 measured from 60 tok/s/user only: at 40 its slowest point (60 tok/s/user, 8,000 tok/s/GPU) serves the
    # users too, so B200's throughput is at least that, its fleet at most what that needs, the payback at most so long
    pts = frame(
        _points("M", "b200", "fp4", [60.0, 90.0], [8000.0, 4000.0])
        + _points("M", "h100", "fp8", [30.0, 50.0], [2000.0, 1000.0])
    )
    res = be.break_even(
        pts, "b200/fp4", "h100/fp8", [40.0], [be.price_table_from_mapping(PRICES, label="p", as_of="2026-01-01")]
    )
    r = res.at_targets.row(0, named=True)
    assert r["tput_a"] == 8000.0 and r["tput_a_lower_bound"] and not r["tput_b_lower_bound"]
    new, old = fleet.sides_from_break_even(res, 40.0)
    assert new.lower_bound and not old.lower_bound
    w = fleet.Workload(86400 * 100_000 * 0.5, 40.0, 0.5)
    pay = fleet.migration(w, old, new, res.views, 100_000.0)
    od = pay.filter(pl.col("view") == "on_demand").row(0, named=True)
    assert od["payback_months"] == pytest.approx(100_000.0 / od["monthly_saving"])
    assert od["payback"].startswith("pays back in at most")
    assert any("needs at most" in c and "a lower bound" in c for c in fleet.caveats(w, old, new))
    view = fleet.fleet_view(fleet.fleet_cost(w, [old, new], res.views))
    assert set(view["tok/s/GPU is"]) == {"measured at the target", "a lower bound: its slowest measured point"}
    # the old side read below its range instead: the saving is at most what is shown, the payback at least as long
    old_b = fleet.FleetSide(**{**old.__dict__, "lower_bound": True})
    new_m = fleet.FleetSide(**{**new.__dict__, "lower_bound": False})
    only_old = fleet.migration(w, old_b, new_m, res.views, 100_000.0)
    assert all(p.startswith(("pays back in at least", "never pays back")) for p in only_old["payback"])
    # both read below their ranges: no direction, said so
    both = fleet.migration(w, old_b, new, res.views, 100_000.0)
    assert all(p.startswith("open:") for p in both["payback"])
