"""MTP / precision pairing, pair comparisons and provider margins."""
from __future__ import annotations

import polars as pl
import pytest

from frontier import compare as C
from frontier import pareto as P
from frontier.economics import Pricing


def _curve(hw, precision, spec, scale, reach=1.0):
    rows = []
    for conc in (1, 2, 4, 8, 16, 32, 64, 128, 256):
        intv = 150.0 * reach / conc ** 0.45
        tput = scale * 40.0 * conc ** 0.85
        rows.append({"model": "M", "isl": 1024, "osl": 1024, "hardware": hw, "framework": "trt",
                     "precision": precision, "spec_method": spec, "disagg": False, "conc": conc,
                     "median_intvty": intv, "tput_per_gpu": tput, "input_tput_per_gpu": tput * 0.5,
                     "output_tput_per_gpu": tput * 0.5, "topology": "TP8"})
    return rows


@pytest.fixture
def pts():
    rows = (_curve("b200", "fp4", "none", 2.0) + _curve("b200", "fp4", "mtp", 2.6, reach=1.4)
            + _curve("b200", "fp8", "none", 1.0) + _curve("h200", "fp8", "none", 0.7))
    return pl.DataFrame(rows)


def test_config_pairs_only_differ_in_one_field(pts):
    m = C.mtp_comparison(pts, [30, 50, 90], pricing=Pricing.dashboard("v0"))
    assert m.pairs.height == 1
    p = m.pairs.row(0, named=True)
    assert p["spec_method_a"] == "none" and p["spec_method_b"] == "mtp" and p["precision"] == "fp4"
    # MTP reaches further: extends the interactivity range by (1.4 − 1) × 150 tok/s/user
    assert p["b_extends_by"] == pytest.approx(150 * 0.4)
    at = m.at_targets.filter(pl.col("target") == 50).row(0, named=True)
    assert at["cost_ratio_b_over_a"] == pytest.approx(at["cost_b"] / at["cost_a"])
    assert at["comparison"].startswith("MTP on is ") and "× cheaper" in at["comparison"]
    gone = m.at_targets.filter(pl.col("cost_a").is_null() | pl.col("cost_b").is_null())["comparison"].to_list()
    assert all(" unreachable at " in w and "none" not in w for w in gone)
    # curve over the shared band: every grid point reachable by both, ratios computed from the spline
    assert m.curves["cost_ratio_b_over_a"].null_count() == 0
    assert m.curves["target"].min() == pytest.approx(p["band_lo"]) and m.curves["target"].max() == pytest.approx(
        p["band_hi"])
    a_pts = pts.filter((pl.col("spec_method") == "none") & (pl.col("precision") == "fp4")
                       & (pl.col("hardware") == "b200")).to_dicts()
    mid = m.curves.row(m.curves.height // 2, named=True)
    assert mid["tput_a"] == pytest.approx(P.interpolate_reference(a_pts, mid["target"], "tput_per_gpu",
                                                                  x="median_intvty", y="tput_per_gpu"))


def test_precision_pairs_put_lower_bit_first(pts):
    pc = C.precision_comparison(pts, [30, 50], pricing=Pricing.dashboard("v0"))
    assert pc.pairs.height == 1  # same silicon and engine only: b200 fp4 vs b200 fp8
    p = pc.pairs.row(0, named=True)
    assert (p["precision_a"], p["precision_b"], p["hardware"]) == ("fp4", "fp8", "b200")
    row = pc.at_targets.row(0, named=True)
    assert row["cost_b"] / row["cost_a"] == pytest.approx(2.0, rel=1e-9)  # same $/GPU-h, 2× throughput
    assert "fp4 is 2.00× cheaper (−50 % cost" in row["comparison"]
    cross = C.cross_pairs(pc.iso, {"hardware": "b200", "precision": "fp4", "spec_method": "none"},
                          {"hardware": "h200", "precision": "fp8"})
    cc = C.compare_pairs(pc.iso, cross, cost_metric="cost_total_costh")
    r = cc.at_targets.row(0, named=True)
    assert r["cost_b"] / r["cost_a"] == pytest.approx((2.0 / 0.7) * (1.41 / 1.95), rel=1e-9)


def test_provider_margins(pts):
    providers = pl.DataFrame({"provider": ["fast", "slow", "other"], "model": ["M", "M", "Z"],
                              "price_input_per_m": [1.35, 1.0, 1.0], "price_output_per_m": [5.40, 4.0, 4.0],
                              "tok_s_user": [50.0, 1000.0, 50.0], "date": ["2026-11-01"] * 3,
                              "source": ["test"] * 3})
    out = C.provider_margins(pts, providers, pricing=Pricing.dashboard("v0"), views=["costh"])
    fast = out.filter(pl.col("provider") == "fast").row(0, named=True)
    assert fast["status"] == "estimated" and fast["config"] is not None
    assert fast["margin_input"] == pytest.approx(1 - fast["cost_input_per_m"] / 1.35)
    assert fast["margin_output"] == pytest.approx(1 - fast["cost_output_per_m"] / 5.40)
    # the cheapest config at 50 tok/s/user is the MTP one (highest throughput there)
    assert "mtp" in fast["config"]
    slow = out.filter(pl.col("provider") == "slow").row(0, named=True)
    assert slow["status"].startswith("unreachable") and slow["margin_input"] is None
    other = out.filter(pl.col("provider") == "other").row(0, named=True)
    assert other["status"] == "no benchmark data for this model"


def test_ratio_words_on_unreachable():
    assert C.ratio_words(None, 1.0, "fp4", "fp8")["text"] == "not comparable: fp4 unreachable here"
    both = C.ratio_words(None, None, "MTP off", "MTP on", "at 90 tok/s/user")["text"]
    assert both == "not comparable: both unreachable at 90 tok/s/user"


def test_read_provider_table(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("provider,model,price_input_per_m,price_output_per_m,tok_s_user,date,source\n"
                 "a,M,1.35,5.40,36,2026-01-01,page\n")
    t = C.read_provider_table(f)
    assert t["price_output_per_m"][0] == 5.40
    (tmp_path / "bad.csv").write_text("provider,model\na,M\n")
    with pytest.raises(ValueError, match="lacks column"):
        C.read_provider_table(tmp_path / "bad.csv")
