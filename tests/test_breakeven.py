"""Break-even prices: the arithmetic against the published Llama 3.3 70B migration figures (spec §5), and the
analysis on synthetic points built with known throughputs."""

from __future__ import annotations

import polars as pl
import pytest

from frontier.analysis import breakeven as be
from frontier.analysis.economics import Pricing

# spec §5: Llama 3.3 70B at 50 tok/s/user, on-demand / spot $/GPU-hour and ~tok/s/GPU → published $/M tokens
PRICES = {
    "h100": {"on_demand": 2.64, "spot": 1.66},
    "h200": {"on_demand": 4.62, "spot": 1.92},
    "b200": {"on_demand": 6.03, "spot": 2.12},
}
TPUT = {"h100": 1500.0, "h200": 2500.0, "b200": 10000.0}
PUBLISHED = {
    "h100": {"on_demand": "0.49", "spot": "0.31"},
    "h200": {"on_demand": "0.51", "spot": "0.21"},
    "b200": {"on_demand": "0.17", "spot": "0.059"},
}


def published_prices() -> Pricing:
    return be.price_table_from_mapping(PRICES, label="migration analysis prices", as_of="2026-01-01")


def test_published_cost_table_recomputed_from_stated_inputs():
    chk = be.published_check(published_prices(), TPUT, PUBLISHED)
    assert chk.height == 6
    assert chk["verdict"].to_list() == ["matches published"] * 6
    got = {(r["gpu"], r["view"]): r for r in chk.iter_rows(named=True)}
    # $/M = $/GPU-hour ÷ (tok/s/GPU × 3600 / 1e6), by hand
    assert got[("h100", "on_demand")]["computed"] == pytest.approx(2.64 / 5.4)
    assert got[("b200", "spot")]["computed"] == pytest.approx(2.12 / 36.0)
    assert got[("b200", "spot")]["decimals"] == 3 and got[("b200", "spot")]["rounded"] == 0.059
    assert got[("h200", "spot")]["rounded"] == 0.21


def test_published_ratio_b200_vs_h100_on_demand():
    chk = be.published_ratio_check(
        published_prices(), TPUT, [{"view": "on_demand", "pricier": "h100", "cheaper": "b200", "published": "2.9"}]
    )
    r = chk.row(0, named=True)
    assert r["computed"] == pytest.approx((2.64 / 1500) / (6.03 / 10000))
    assert r["verdict"] == "matches published"


def test_check_published_reports_a_difference():
    r = be.check_published(0.4889, "0.52")
    assert r["verdict"].startswith("differs from published by -0.03")
    assert be.check_published(None, "0.5")["verdict"].startswith("not computed")
    assert be.decimals_of("2,500") == 0 and be.decimals_of(0.059) == 3


def test_price_table_from_mapping_rejects_bad_prices():
    with pytest.raises(ValueError, match="positive"):
        be.price_table_from_mapping({"h100": {"spot": -1.0}}, label="x")
    with pytest.raises(ValueError, match="no GPUs"):
        be.price_table_from_mapping({}, label="x")


def _points(
    model: str, hw: str, precision: str, xs: list[float], ys: list[float], isl: int = 1024, osl: int = 1024
) -> list[dict]:
    return [
        {
            "model": model,
            "isl": isl,
            "osl": osl,
            "hardware": hw,
            "framework": "vllm",
            "precision": precision,
            "spec_method": "none",
            "disagg": False,
            "median_intvty": x,
            "tput_per_gpu": y,
            "input_tput_per_gpu": y / 2,
            "output_tput_per_gpu": y / 2,
            "conc": 16.0,
            "topology": "TP8",
            "num_gpus": 8,
        }
        for x, y in zip(xs, ys)
    ]


def frame(rows: list[dict]) -> pl.DataFrame:
    schema = {
        "model": pl.String,
        "isl": pl.Int64,
        "osl": pl.Int64,
        "hardware": pl.String,
        "framework": pl.String,
        "precision": pl.String,
        "spec_method": pl.String,
        "disagg": pl.Boolean,
        "median_intvty": pl.Float64,
        "tput_per_gpu": pl.Float64,
        "input_tput_per_gpu": pl.Float64,
        "output_tput_per_gpu": pl.Float64,
        "conc": pl.Float64,
        "topology": pl.String,
        "num_gpus": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema)


def test_break_even_on_known_throughputs():
    # single-point frontiers read exactly at their x: 10000 vs 1500 tok/s/GPU at 50 tok/s/user
    pts = frame(_points("Llama", "b200", "fp4", [50.0], [10000.0]) + _points("Llama", "h100", "fp8", [50.0], [1500.0]))
    res = be.break_even(pts, "b200/fp4", "h100/fp8", [50.0], [published_prices(), Pricing.dashboard(version="v1")])
    assert res.status == "ok"
    t = res.at_targets.row(0, named=True)
    assert t["breakeven_price_ratio"] == pytest.approx(10000 / 1500)
    rows = {r["view"]: r for r in res.by_view.iter_rows(named=True)}
    assert set(rows) == {"on_demand", "spot", "costh", "costn", "costr"}  # every view at once
    od = rows["on_demand"]
    assert od["breakeven_price_a"] == pytest.approx(2.64 * 10000 / 1500)
    assert od["cost_ratio"] == pytest.approx((6.03 / 36) / (2.64 / 5.4))
    assert od["winner"] == "b200/fp4" and "2.92× cheaper" in od["comparison"]
    assert "migration analysis prices" in od["price_label"] and "2026-01-01" in od["price_label"]
    assert "dashboard GPU table v1" in rows["costh"]["price_label"] and "2026-07-14" in rows["costh"]["price_label"]


def test_break_even_tie_and_unreachable():
    pts = frame(
        _points("M", "b200", "fp4", [40.0, 60.0], [2000.0, 1000.0])
        + _points("M", "h200", "fp8", [40.0, 50.0], [2000.0, 1500.0])
    )
    same = be.price_table_from_mapping({"b200": {"flat": 2.0}, "h200": {"flat": 2.0}}, label="flat", as_of="2026-09")
    res = be.break_even(pts, "b200/fp4", "h200/fp8", [40.0, 55.0], [same])
    r40, r55 = res.by_view.sort("target").iter_rows(named=True)
    assert r40["winner"] == "tie" and r40["cost_ratio"] == pytest.approx(1.0)
    assert r55["winner"] is None and r55["cost_ratio"] is None and "unreachable" in r55["comparison"]
    assert res.at_targets.filter(pl.col("target") == 55.0)["status"][0] == "unreachable by h200/fp8"
    assert any("unreachable" in n for n in res.notes)


def test_break_even_never_crosses_models():
    pts = frame(_points("A", "b200", "fp4", [50.0], [1.0]) + _points("B", "h100", "fp8", [50.0], [1.0]))
    with pytest.raises(ValueError, match="one model and ISL/OSL"):
        be.break_even(pts, "b200/fp4", "h100/fp8", [50.0], [published_prices()])
    only_a = frame(_points("A", "b200", "fp4", [50.0], [1.0]))
    res = be.break_even(only_a, "b200/fp4", "h100/fp8", [50.0], [published_prices()])
    assert res.status.startswith("no like-for-like partner: no h100/fp8 config of A at 1024/1024")
    assert res.by_view.height == 0 and "b200/fp4" in res.status


def test_missing_price_is_not_zero():
    pts = frame(_points("M", "b200", "fp4", [50.0], [100.0]) + _points("M", "h100", "fp8", [50.0], [50.0]))
    partial = be.price_table_from_mapping({"b200": {"od": 6.0}}, label="partial", as_of="2026-09-01")
    res = be.break_even(pts, "b200/fp4", "h100/fp8", [50.0], [partial])
    r = res.by_view.row(0, named=True)
    assert r["cost_b"] is None and r["winner"] is None and "no price for h100/fp8" in r["comparison"]


def test_curves_span_the_shared_band():
    pts = frame(
        _points("M", "b200", "fp4", [20.0, 40.0, 80.0], [4000.0, 3000.0, 1000.0])
        + _points("M", "h100", "fp8", [30.0, 60.0], [900.0, 300.0])
    )
    res = be.break_even(pts, "b200/fp4", "h100/fp8", [40.0], [published_prices()])
    c = be.curves(pts, res, n=11)
    assert c["target"].min() == pytest.approx(30.0) and c["target"].max() == pytest.approx(60.0)
    assert c.height == 11 * 2 and c["cost_ratio"].drop_nulls().len() == 22
    r = c.filter(pl.col("view") == "spot").row(0, named=True)
    assert r["cost_ratio"] == pytest.approx((r["price_a"] / r["price_b"]) / r["breakeven_price_ratio"])


def test_ratios_implied_by_the_stated_inputs():
    from frontier.analysis import migration

    published = {"source": "spec §5", "throughputs": TPUT, "cost_per_m": PUBLISHED}
    costs, ratios, verdict = migration.published_tables(published, published_prices())
    assert ratios.height == 0 and verdict.startswith("6 of 6 published figures match")
    implied = {(r["view"], r["gpu"]): r["ratio"] for r in migration.implied_ratios(costs).iter_rows(named=True)}
    assert implied[("on_demand", "h100")] == pytest.approx((2.64 / 1500) / (6.03 / 10000))  # the "~2.9×"
    assert implied[("spot", "h100")] == pytest.approx((1.66 / 1500) / (2.12 / 10000))  # "far more on spot": 5.2×
    assert implied[("spot", "h100")] > 5 > implied[("on_demand", "h100")]
    with pytest.raises(ValueError, match="missing"):
        migration.published_tables({"source": "x"}, published_prices())
