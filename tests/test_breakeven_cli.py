"""`frontier breakeven`: JSON for scripts equal to the library's numbers, clear errors without tracebacks."""

from __future__ import annotations

import json

import polars as pl
import pytest

from frontier import cli, paths
from frontier.analysis import breakeven as be
from frontier.analysis.economics import Pricing
from frontier.data.load import load, matches

ARGS = [
    "breakeven",
    str(paths.SAMPLE_DIR),
    "--sides",
    "b200/fp4 vs h100/fp8",
    "--model",
    "Llama-3.3-70B-Instruct*",
    "--isl",
    "1024",
    "--osl",
    "1024",
    "--targets",
    "50,90",
]


def test_breakeven_json_matches_the_library(tmp_path, capsys, no_cache):
    prices = tmp_path / "prices.csv"
    prices.write_text("# list prices, observed 2026-01-05\ngpu,on_demand,spot\nh100,2.64,1.66\nb200,6.03,2.12\n")
    rc = cli.main(
        [*ARGS, "--prices", str(prices), "--requests-per-day", "1000000", "--migration-cost", "250000", "--json"]
    )
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["status"] == "ok" and out["synthetic"] is True
    assert {v["view"] for v in out["price_views"]} == {"costh", "costr", "on_demand", "spot"}
    pts = matches(load(paths.SAMPLE_DIR).points, model="Llama-3.3-70B-Instruct*", isl=1024, osl=1024)
    ref = be.break_even(pts, "b200/fp4", "h100/fp8", [50.0, 90.0], [Pricing.dashboard(), Pricing.from_table(prices)])
    got = {(r["target"], r["view"]): r for r in out["by_view"]}
    for r in ref.by_view.iter_rows(named=True):
        assert got[(r["target"], r["view"])]["cost_ratio"] == pytest.approx(r["cost_ratio"], rel=1e-12)
        assert got[(r["target"], r["view"])]["winner"] == r["winner"]
    assert len(out["payback"]) == 4 and all(p["payback_months"] > 0 for p in out["payback"])
    assert {f["side"] for f in out["fleet"]} == {"b200/fp4", "h100/fp8"}


def test_breakeven_text_and_errors(capsys, no_cache):
    assert cli.main([*ARGS, "--wide"]) == 0
    text = capsys.readouterr().out
    assert "synthetic" in text and "break-even price ratio A ÷ B" in text
    rc = cli.main([*ARGS[:5], "Nope", *ARGS[6:]])
    err = capsys.readouterr().err
    assert rc == 2 and "no model matches 'Nope'" in err and "Traceback" not in err
    rc = cli.main([*ARGS[:3], "b200/fp4 h100/fp8", *ARGS[4:]])
    assert rc == 2 and "'gpu/precision vs gpu/precision'" in capsys.readouterr().err
    rc = cli.main([*ARGS[:3], "mi355x/fp4 vs h100/fp8", *ARGS[4:], "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 1 and out["status"].startswith("no like-for-like partner: no mi355x/fp4 config")
    rc = cli.main([*ARGS, "--prices", "/nonexistent/prices.csv"])
    assert rc == 2 and "frontier breakeven:" in capsys.readouterr().err


def test_breakeven_match_flag_names_what_else_differs(capsys, no_cache):
    """The sample's DeepSeek MI355X FP8 has an MTP config that is faster than anything MI300X runs: best of each picks
    it (and says so per row), like for like does not."""
    args = ["breakeven", str(paths.SAMPLE_DIR), "--sides", "mi355x/fp8 vs mi300x/fp8", "--model", "DeepSeek*"]
    args += ["--isl", "1024", "--osl", "1024", "--targets", "44,76", "--json"]
    assert cli.main(args) == 0
    like = json.loads(capsys.readouterr().out)
    assert like["match"] == "like-for-like" and all(r["differs"] == [] for r in like["at_targets"])
    assert {r["config_a"] for r in like["at_targets"]} == {"mi355x · sglang · fp8 · no spec · agg"}
    assert cli.main([*args, "--match", "best-of-each"]) == 0
    best = json.loads(capsys.readouterr().out)
    assert best["match"] == "best-of-each" and all(r["differs"] == ["spec_method"] for r in best["at_targets"])
    assert any(n.startswith("Best of each (as asked)") for n in best["notes"])
    assert cli.main([*args[:-1], "--match", "best-of-each"]) == 0
    assert "what else differs" in capsys.readouterr().out


def test_breakeven_below_the_measured_range_is_a_lower_bound(capsys, no_cache):
    """Real sweeps: DeepSeek-R1 B200 FP4's slowest measured point is 37.3 tok/s/user, so at 30 tok/s/user it is no
    longer "unreachable": that point serves those users at ≥ its tok/s/GPU, flagged in JSON and marked in text."""
    from .conftest import MANTILE_RAW, need

    raw = need(MANTILE_RAW)
    args = ["breakeven", str(raw), "--sides", "b200/fp4 vs mi300x/fp8", "--model", "DeepSeek-R1-0528"]
    args += ["--isl", "1024", "--osl", "1024", "--targets", "30"]
    assert cli.main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    r = out["at_targets"][0]
    pts = matches(load(raw).points, model="DeepSeek-R1-0528", isl=1024, osl=1024)
    b200 = pts.filter((pl.col("hardware") == "b200") & (pl.col("precision") == "fp4"))
    slowest = b200.sort("median_intvty").row(0, named=True)
    assert slowest["median_intvty"] == pytest.approx(37.3, abs=0.05)
    assert r["tput_a_lower_bound"] is True and r["tput_b_lower_bound"] is False
    assert r["tput_a"] == pytest.approx(slowest["tput_per_gpu"]) and r["tput_a"] >= 2270
    assert r["ratio_bound"] == "at least" and r["breakeven_price_ratio"] == pytest.approx(r["tput_a"] / r["tput_b"])
    assert all(v["tput_a_lower_bound"] for v in out["by_view"]) and all(
        v["winner"] == "b200/fp4" for v in out["by_view"]
    )
    assert cli.main(args) == 0
    text = capsys.readouterr().out
    assert f"≥ {r['tput_a']:,.1f}" in text and "lower bound" in text
    # the iso table keeps the dashboard's rule: below the measured range the cell is unreachable
    from frontier.analysis.iso import iso_table

    cell = iso_table(b200, [30.0]).table.row(0, named=True)
    assert cell["reachable"] is False and cell["tput_per_gpu"] is None


def test_breakeven_without_a_like_for_like_pair_says_so_and_best_of_each_still_compares(capsys, no_cache):
    """Real sweeps: GB200 runs DeepSeek disaggregated on Dynamo only, B200 aggregated on SGLang only: no pair shares
    a serving mode, so like for like nothing is compared (said in one line); best of each compares and names it."""
    from .conftest import MANTILE_RAW, need

    args = ["breakeven", str(need(MANTILE_RAW)), "--sides", "gb200/fp4 vs b200/fp4", "--model", "DeepSeek-R1-0528"]
    args += ["--isl", "1024", "--osl", "1024", "--targets", "60", "--json"]
    assert cli.main(args) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"].startswith("no like-for-like partner: no config of gb200/fp4 has the same")
    assert "best-of-each" in out["status"] and out["at_targets"] == []
    assert cli.main([*args, "--match", "best-of-each"]) == 0
    best = json.loads(capsys.readouterr().out)
    assert all("disagg" in r["differs"] and "framework" in r["differs"] for r in best["at_targets"])
