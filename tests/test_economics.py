"""Economics against the reference figures of spec §5."""

from __future__ import annotations

import polars as pl
import pytest

from frontier.analysis import economics as E
from frontier.analysis.compare import ratio_words


def test_gpu_table_versions_by_date():
    v0 = E.gpu_table("v0")
    assert v0.filter(pl.col("gpu") == "b200").row(0, named=True)["costh"] == 1.95
    assert E.gpu_table(as_of="2026-08-01")["version"].unique().to_list() == ["v1"]
    assert E.gpu_table(as_of="2026-05-01")["version"].unique().to_list() == ["v0"]
    newest = E.gpu_table()
    assert newest["version"].unique().to_list() == ["v2"]
    assert newest["costn"].null_count() == newest.height  # costn was dropped in v2
    assert E.Pricing.dashboard().views == ("costh", "costr")
    assert E.all_gpu_tables()["source"].null_count() == 0
    with pytest.raises(ValueError, match="unknown GPU table version"):
        E.gpu_table("v9")


def test_llama_on_demand_and_spot_table():
    # spec §5: $/GPU-hour on-demand/spot and tok/s/GPU → $/M tokens, as published (2 significant digits)
    cases = {
        "h100": (2.64, 1.66, 1500, 0.49, 0.31),
        "h200": (4.62, 1.92, 2500, 0.51, 0.21),
        "b200": (6.03, 2.12, 10000, 0.17, 0.059),
    }
    prices = pl.DataFrame(
        {"gpu": list(cases), "on_demand": [c[0] for c in cases.values()], "spot": [c[1] for c in cases.values()]}
    )
    pts = pl.DataFrame(
        {
            "hardware": list(cases),
            "tput_per_gpu": [float(c[2]) for c in cases.values()],
            "input_tput_per_gpu": [1.0] * 3,
            "output_tput_per_gpu": [1.0] * 3,
        }
    )
    priced, unpriced = E.add_costs(pts, E.Pricing.from_table(prices))
    assert unpriced == []
    for row in priced.iter_rows(named=True):
        od, spot, _, want_od, want_spot = cases[row["hardware"]]
        digits = 3 if want_spot < 0.1 else 2
        assert round(row["cost_total_on_demand"], 2) == want_od
        assert round(row["cost_total_spot"], digits) == want_spot


def test_kimi_fp4_vs_int4_formula_and_ratios():
    # 1057.2 vs 344.4 tok/s/GPU on B200 at $1.95/h (v0 costh), 2.17 kW
    fp4, int4 = 1057.2, 344.4
    assert E.cost_per_million(1.95, fp4) == pytest.approx(0.512, abs=5e-4)  # formula; published 0.509
    published_ratio = 1.569 / 0.509
    assert E.cost_per_million(1.95, int4) / E.cost_per_million(1.95, fp4) == pytest.approx(published_ratio, rel=0.01)
    assert E.tokens_per_mw(fp4, 2.17) == pytest.approx(487_171, rel=1e-4)
    assert E.tokens_per_mw(int4, 2.17) == pytest.approx(158_708, rel=1e-4)
    # pages before Aug 2026 splined cost independently of throughput (spec §5): ratios agree to ~2 %, not exactly
    for a, b, ca, cb in ((712.9, 226.6, 0.756, 2.367), (506.6, 157.8, 1.058, 3.449)):
        assert (a / b) == pytest.approx(cb / ca, rel=0.02)
        assert E.cost_per_million(1.95, a) == pytest.approx(ca, rel=0.02)
    # 8k/1k at 32 tok/s/user: B200 NVFP4 $0.140 vs H200 INT4 $0.413 → 2.95×
    w = ratio_words(0.140, 0.413, "B200 NVFP4", "H200 INT4")
    assert w["cheaper"] == "B200 NVFP4" and round(w["ratio"], 2) == 2.95
    assert "2.95× cheaper" in w["text"] and round(w["saved_pct"]) == 66 and round(w["dashboard_pct"]) == 195
    # DeepSeek-R1 FP4 Dynamo TRT $0.251 vs MTP $0.057
    assert round(ratio_words(0.251, 0.057)["ratio"], 2) == 4.40
    assert ratio_words(1.0, 1.005)["text"].startswith("tie")


def test_provider_margin_arithmetic():
    # served at $1.35 in / $5.40 out; benchmark cost ≤ $0.226 / $2.955 → margins up to 83 % / 45 %
    assert round(E.gross_margin(0.226, 1.35) * 100) == 83
    assert round(E.gross_margin(2.955, 5.40) * 100) == 45


def test_unknown_gpu_has_no_cost_and_is_reported():
    pts = pl.DataFrame(
        {
            "hardware": ["b200", "gaudi25"],
            "tput_per_gpu": [1000.0, 1000.0],
            "input_tput_per_gpu": [500.0, 500.0],
            "output_tput_per_gpu": [500.0, 500.0],
        }
    )
    priced, unpriced = E.add_costs(pts, E.Pricing.dashboard("v0"))
    assert unpriced == ["gaudi25"]
    g = priced.filter(pl.col("hardware") == "gaudi25").row(0, named=True)
    assert g["cost_total_costh"] is None and g["tok_s_mw"] is None
    b = priced.filter(pl.col("hardware") == "b200").row(0, named=True)
    assert b["cost_total_costh"] == pytest.approx(1.95 / 3.6)
    assert b["cost_input_costh"] == pytest.approx(1.95 / 1.8) and b["tok_s_mw"] == pytest.approx(1000 * 1000 / 2.17)


def test_user_price_table_file(tmp_path):
    f = tmp_path / "prices.csv"
    f.write_text("# my contract prices\ngpu,on_demand,spot,source\nB200,6.03,2.12,quote\nh100,2.64,1.66,quote\n")
    pr = E.Pricing.from_table(f)
    assert pr.views == ("on_demand", "spot")
    assert pr.table.filter(pl.col("gpu") == "b200")["kw"][0] == 1.71  # power from the newest dashboard table
    assert pr.power.startswith("dashboard GPU table v2")  # and it says so
    bad = tmp_path / "bad.csv"
    bad.write_text("gpu,on_demand\nb200,cheap\n")
    with pytest.raises(ValueError, match="non-numeric"):
        E.read_price_table(bad)
    with pytest.raises(ValueError, match="'gpu' column"):
        (tmp_path / "nogpu.csv").write_text("name,price\nx,1\n")
        E.read_price_table(tmp_path / "nogpu.csv")


def test_price_table_listing_a_gpu_twice_is_an_error():
    prices = pl.DataFrame({"gpu": ["h100", "b200", "h100"], "on_demand": [2.64, 6.03, 2.10]})
    pts = pl.DataFrame(
        {"hardware": ["h100"], "tput_per_gpu": [1500.0], "input_tput_per_gpu": [1.0], "output_tput_per_gpu": [1.0]}
    )
    with pytest.raises(ValueError, match=r"listed more than once: \['h100'\]"):
        E.add_costs(pts, E.Pricing.from_table(prices, label="my prices"))


def test_price_table_power_comes_from_its_own_kw_or_the_table_version_in_use(tmp_path):
    f = tmp_path / "prices.csv"
    f.write_text("gpu,on_demand,spot\nb200,6.03,2.12\nh100,2.64,1.66\n")
    v0 = E.Pricing.from_table(f, version="v0")
    assert v0.table.filter(pl.col("gpu") == "b200")["kw"][0] == 2.17  # not the newest table's 1.71
    assert v0.power == "dashboard GPU table v0 (in force 2025-01-01 to 2026-07-13)"
    assert E.Pricing.from_table(f, as_of="2026-08-01").table.filter(pl.col("gpu") == "b200")["kw"][0] == 1.71
    own = tmp_path / "own.csv"
    own.write_text("gpu,on_demand,kw,date\nb200,6.03,1.5,2026-10-01\nh100,2.64,,2026-10-01\n")
    pr = E.Pricing.from_table(own, version="v0")
    kw = dict(pr.table.select("gpu", "kw").iter_rows())
    assert kw == {"b200": 1.5, "h100": 1.73}  # its own kW where given, else the chosen table's
    assert pr.power == (
        f"kw column of {own} (dated 2026-10-01) where given, "
        "else dashboard GPU table v0 (in force 2025-01-01 to 2026-07-13)"
    )
    assert pr.label == f"{own} (dated 2026-10-01)" and pr.views == ("on_demand",)
    pts = pl.DataFrame(
        {"hardware": ["b200"], "tput_per_gpu": [1000.0], "input_tput_per_gpu": [1.0], "output_tput_per_gpu": [1.0]}
    )
    assert E.price_points(pts, pr)["tok_s_mw"][0] == pytest.approx(1000 * 1000 / 1.5)
    with pytest.raises(ValueError, match="no price column"):
        E.Pricing.from_table(f, views=["reserved"])


def test_cost_columns_and_their_throughputs_have_one_home():
    assert E.cost_columns(["spot"]) == {
        "cost_total_spot": "tput_per_gpu",
        "cost_input_spot": "input_tput_per_gpu",
        "cost_output_spot": "output_tput_per_gpu",
    }
    assert [E.throughput_of(c) for c in E.cost_columns(["costh"])] == list(E.COST_THROUGHPUT.values())
    assert E.throughput_of("tok_s_mw") is None


def test_kimi_params_file_reproduces_its_publication_with_table_v0():
    import yaml

    from frontier import paths
    from frontier.report import notebook

    spec = yaml.safe_load((paths.ROOT / "params" / "kimi_fp4_vs_int4.yaml").read_text())
    p = spec["parameters"]
    assert p["gpu_table"] == "v0" and p["cost_rule"] == "direct"
    assert "v0" in spec["description"] and "before August 2026" in spec["description"]
    pricing = notebook.pricing_from(p["tco_view"], p.get("gpu_table", ""), p.get("price_table", ""), "")
    b200 = pricing.table.filter(pl.col("gpu") == "b200").row(0, named=True)
    # spec §5, formula on the stated inputs: 1057.2 / 344.4 tok/s/GPU → $0.509 / $1.569 (published rounding)
    for tput, published in ((1057.2, 0.509), (344.4, 1.569)):
        assert E.cost_per_million(b200[p["tco_view"]], tput) == pytest.approx(published, rel=0.01)
    assert E.tokens_per_mw(1057.2, b200["kw"]) == pytest.approx(487_171, rel=1e-4)
    # the newest table would print every $/M about 11 % low
    newest = E.gpu_table().filter(pl.col("gpu") == "b200")["costh"][0]
    assert E.cost_per_million(newest, 1057.2) / 0.509 == pytest.approx(0.89, abs=0.01)


def test_params_that_reproduce_a_publication_pin_table_and_rule():
    import yaml

    from frontier import paths

    for f in sorted((paths.ROOT / "params").glob("*.yaml")):
        spec = yaml.safe_load(f.read_text())
        if "reproduc" not in str(spec.get("description", "")).lower():
            continue
        params = spec.get("parameters", {})
        assert params.get("gpu_table") or params.get("as_of"), f"{f.name} does not pin its GPU table"
        assert params.get("cost_rule"), f"{f.name} does not pin its interpolation rule"


def test_price_table_with_a_negative_or_zero_price_is_refused(tmp_path):
    for bad in ("-1.5", "0", "inf"):
        p = tmp_path / "prices.csv"
        p.write_text(f"gpu,on_demand,spot\nb200,6.03,{bad}\nh100,2.64,1.66\n")
        with pytest.raises(ValueError, match="spot"):
            E.read_price_table(p)
    ok = tmp_path / "ok.csv"
    ok.write_text("gpu,on_demand,spot\nb200,6.03,\nh100,2.64,1.66\n")
    assert E.read_price_table(ok)["spot"].to_list() == [None, 1.66]
