"""`frontier breakeven`: JSON for scripts equal to the library's numbers, clear errors without tracebacks."""

from __future__ import annotations

import json

import pytest

from frontier import breakeven as be
from frontier import cli, paths
from frontier.economics import Pricing
from frontier.load import load, matches

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
