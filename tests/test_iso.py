"""Iso-interactivity table on loaded points."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

import polars as pl
import pytest

from frontier.analysis import pareto as P
from frontier.analysis.economics import Pricing
from frontier.analysis.iso import band_from, band_targets, iso_table, targets_from
from frontier.data import labels
from frontier.data.load import load

from .conftest import MANTILE_RAW, need


def _points():
    rows = []
    for hw, scale in (("b200", 3.0), ("h200", 1.0), ("mystery", 1.0)):
        for tp, eff in ((4, 1.0), (8, 0.8)):
            for conc in (4, 8, 16, 32, 64, 128):
                intv = 200.0 / conc**0.5 * (1.2 if tp == 8 else 1.0)
                tput = scale * eff * 60.0 * conc**0.8
                rows.append(
                    {
                        "model": "M",
                        "isl": 1024,
                        "osl": 1024,
                        "hardware": hw,
                        "framework": "vllm",
                        "precision": "fp8",
                        "spec_method": "none",
                        "disagg": False,
                        "tp": tp,
                        "conc": conc,
                        "median_intvty": intv,
                        "median_tpot_s": 1 / intv,
                        "tput_per_gpu": tput,
                        "input_tput_per_gpu": tput / 2,
                        "output_tput_per_gpu": tput / 2,
                        "topology": f"TP{tp}",
                        "median_ttft_s": 0.1 * conc**0.3,
                    }
                )
    return pl.DataFrame(rows)


def test_iso_table_values_match_reference_and_formula():
    pts = _points()
    res = iso_table(pts, [30, 50, 90], pricing=Pricing.dashboard("v0"), baseline="h200")
    assert res.unpriced == ["mystery"]
    assert set(res.table["label"]) == {f"{g} · vllm · fp8 · no spec · agg" for g in ("b200", "h200", "mystery")}
    for row in res.table.iter_rows(named=True):
        assert row["config_key"] == labels.config_key(row)  # the join key names every curve-key part
        sel = list(pts.filter(pl.col("hardware") == row["hardware"]).to_dicts())
        ref = P.interpolate_reference(sel, row["target"], "tput_per_gpu", x="median_intvty", y="tput_per_gpu")
        if ref is None:
            assert row["tput_per_gpu"] is None and row["cost_total_costh"] is None and not row["reachable"]
            continue
        assert row["tput_per_gpu"] == pytest.approx(ref, rel=1e-12)
        price = {"b200": 1.95, "h200": 1.41}.get(row["hardware"])
        if price is None:
            assert row["cost_total_costh"] is None  # unknown GPU: no cost, not zero
        else:
            assert row["cost_total_costh"] == pytest.approx(price / (ref * 0.0036), rel=1e-9)
            assert row["cost_input_costh"] == pytest.approx(price / (ref / 2 * 0.0036), rel=1e-9)
        kw = {"b200": 2.17, "h200": 1.73}.get(row["hardware"])
        if kw:
            assert row["tok_s_mw"] == pytest.approx(ref * 1000 / kw, rel=1e-9)
        assert row["topology"] in ("TP4", "TP8")
    b = res.table.filter(pl.col("hardware") == "b200", pl.col("target") == 50).row(0, named=True)
    h = res.table.filter(pl.col("hardware") == "h200", pl.col("target") == 50).row(0, named=True)
    assert b["tput_per_gpu_vs_baseline"] == pytest.approx(b["tput_per_gpu"] / h["tput_per_gpu"])
    assert b["tput_per_gpu_vs_baseline"] == pytest.approx(3.0)
    assert res.baseline == "h200 · vllm · fp8 · no spec · agg"  # "h200" picks the one config it names
    by_key = iso_table(pts, [50], pricing=Pricing.dashboard("v0"), baseline=h["config_key"])
    assert by_key.baseline == res.baseline
    with pytest.raises(ValueError, match="matches 3 configs"):
        iso_table(pts, [50], pricing=Pricing.dashboard("v0"), baseline="vllm")


def test_points_are_priced_labelled_and_marked_on_frontier():
    pts = _points()
    # an exact repeat of a frontier point, and a point dominated by its neighbours
    first = pts.filter(pl.col("hardware") == "b200").sort("median_intvty").row(0, named=True)
    dominated = dict(
        first, median_intvty=first["median_intvty"] * 1.01, tput_per_gpu=first["tput_per_gpu"] / 2, conc=999
    )
    pts = pl.concat([pts, pl.DataFrame([first, dominated], schema=pts.schema)])
    res = iso_table(pts, [50], pricing=Pricing.dashboard("v0"))
    got = res.points
    assert got.height == pts.height and got["label"].null_count() == 0
    for hw, g in got.group_by("hardware"):
        rows = g.to_dicts()
        front = {
            (r["median_intvty"], r["tput_per_gpu"]) for r in P.frontier_reference(rows, "median_intvty", "tput_per_gpu")
        }
        for r in rows:
            assert r["on_frontier"] == ((r["median_intvty"], r["tput_per_gpu"]) in front), (hw, r["conc"])
            if r["hardware"] != "mystery":
                assert r["cost_total_costh"] == pytest.approx(r["price_costh"] / (r["tput_per_gpu"] * 0.0036))
            else:
                assert r["cost_total_costh"] is None
    marked = got.filter(pl.col("hardware") == "b200", pl.col("median_intvty") == first["median_intvty"])
    assert marked.height == 2 and marked["on_frontier"].all()  # the repeat is marked too
    assert not got.filter(pl.col("conc") == 999)["on_frontier"].any()
    # the frontier itself keeps one of the two equal points
    assert (
        res.frontier.filter(pl.col("hardware") == "b200", pl.col("median_intvty") == first["median_intvty"]).height == 1
    )


def test_one_frontier_over_every_point_and_empty_input():
    pts = _points().filter(pl.col("hardware") == "b200")
    res = iso_table(pts, [50], pricing=Pricing.dashboard("v0"), by=[])
    row = res.table.row(0, named=True)
    ref = P.interpolate_reference(pts.to_dicts(), 50.0, "tput_per_gpu", x="median_intvty", y="tput_per_gpu")
    assert row["label"] == "all points" and row["tput_per_gpu"] == pytest.approx(ref, rel=1e-12)
    assert set(res.points["label"]) == {"all points"} and res.frontier["curve_id"].unique().to_list() == [0]
    # grouped by a column labels do not usually name: the labels are its values, one frontier per value
    by_tp = iso_table(pts, [50], pricing=Pricing.dashboard("v0"), by=["tp"])
    assert sorted(by_tp.table["label"].to_list()) == ["4", "8"]
    for row in by_tp.table.iter_rows(named=True):
        sel = pts.filter(pl.col("tp") == row["tp"]).to_dicts()
        ref = P.interpolate_reference(sel, 50.0, "tput_per_gpu", x="median_intvty", y="tput_per_gpu")
        assert row["tput_per_gpu"] == pytest.approx(ref, rel=1e-12)
    empty = iso_table(pts.head(0), [50])
    assert empty.table.height == 0 and empty.frontier.height == 0 and empty.points.height == 0


def test_unreachable_cells_and_records():
    res = iso_table(_points(), [5, 50, 500], pricing=Pricing.dashboard())
    recs = res.records()
    assert len(recs) == 9
    far = [r for r in recs if r["target"] in (5.0, 500.0)]
    assert all(r["tput_per_gpu"] is None and r["reachable"] is False for r in far)
    assert all(r["tput_per_gpu"] is not None for r in recs if r["target"] == 50.0)


def test_targets_parsing():
    assert targets_from("30,50,90") == [30.0, 50.0, 90.0]
    assert targets_from((20, 40, 10)) == [20.0, 30.0, 40.0]
    assert targets_from({"start": 30, "stop": 31, "step": 0.5}) == [30.0, 30.5, 31.0]
    with pytest.raises(ValueError):
        targets_from([0, 10])


@pytest.mark.parametrize(
    "spec, says",
    [
        ((1, 1_000_000, 0.0001), "≤ 100,000 tok/s/user"),  # the reported ~1e10-target band: refused unbuilt
        ((1, 1000, 0.0001), "at least 0.01"),
        ((1, 1000, 1e-300), "at least 0.01"),
        ((1, 100_000, 0.01), "more than 1,000: use a larger step"),
        ({"start": 1, "stop": 2, "step": float("nan")}, "finite numbers"),
        ({"start": 0, "stop": 2}, "0 < start"),
        ((50, 40, 1), "0 < start ≤ stop"),
        ((1, 1e9, 1e6), "≤ 100,000"),
        ({"start": 1, "stop": 2, "steps": 1}, "a band is {start, stop, step}"),
        ([1.0] * 1001, "more than 1,000 targets"),
        (",".join(["30"] * 1001), "more than 1,000 targets"),
        (iter(range(1, 10**12)), "more than 1,000 targets"),  # never materialised
        ([30, float("inf")], "out of range"),
        ([30, 1e6], "out of range"),
        ([True, 30], "is not a number"),
        ("30,abc", "is not a number"),
    ],
)
def test_target_limits_are_one_clear_error_before_anything_is_built(spec, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        targets_from(spec)


def test_target_limits_hold_at_every_entry_point():
    from frontier.analysis.scope import choose_scope
    from frontier.cli import _targets_arg

    assert len(band_targets(1, 1000, 1)) == 1000 and len(band_targets(0.5, 10.49, 0.01)) == 1000
    assert band_from([20, 40, 10]) == [20.0, 30.0, 40.0]
    with pytest.raises(ValueError, match="a band is"):
        band_from([20, 40])
    with pytest.raises(ValueError, match="at least 0.01"):
        iso_table(_points(), (1, 1000, 0.0001), pricing=Pricing.dashboard())
    with pytest.raises(ValueError, match="more than 1,000 targets"):
        choose_scope(_points(), targets=[30.0] * 1001)
    with pytest.raises(argparse.ArgumentTypeError, match="out of range"):
        _targets_arg("30,1e9")
    assert _targets_arg("30,50") == [30.0, 50.0]


def test_cli_iso_json_on_real_data(tmp_path):
    raw = need(MANTILE_RAW)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "frontier.cli",
            "iso",
            str(raw),
            "--model",
            "DeepSeek-R1-0528",
            "--isl",
            "1024",
            "--osl",
            "1024",
            "--targets",
            "30,50,90",
            "--tco",
            "costh",
            "--json",
            "--no-cache",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    recs = json.loads(out.stdout)
    pts = load(raw, cache=False).points.filter(
        (pl.col("model") == "DeepSeek-R1-0528") & (pl.col("isl") == 1024) & (pl.col("osl") == 1024)
    )
    n_cfg = pts.select("hardware", "framework", "precision", "spec_method", "disagg").unique().height
    assert len(recs) == 3 * n_cfg
    r = next(
        r
        for r in recs
        if r["hardware"] == "b200" and r["framework"] == "sglang" and r["precision"] == "fp4" and r["target"] == 50.0
    )
    sel = pts.filter(
        (pl.col("hardware") == "b200") & (pl.col("framework") == "sglang") & (pl.col("precision") == "fp4")
    ).to_dicts()
    ref = P.interpolate_reference(sel, 50.0, "tput_per_gpu", x="median_intvty", y="tput_per_gpu")
    assert r["tput_per_gpu"] == pytest.approx(ref, rel=1e-9)
    assert r["cost_total_costh"] == pytest.approx(1.73 / (ref * 0.0036), rel=1e-9)  # newest table: b200 $1.73
    assert any(r["tput_per_gpu"] is None for r in recs)  # some targets are out of range: null, not a number
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "frontier.cli",
            "iso",
            str(raw),
            "--model",
            "Nope",
            "--isl",
            "1024",
            "--osl",
            "1024",
            "--no-cache",
        ],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "no model matches 'Nope'" in missing.stderr


def _cli_iso(*extra):
    from frontier import paths

    return subprocess.run(
        [
            sys.executable,
            "-m",
            "frontier.cli",
            "iso",
            str(paths.SAMPLE_DIR),
            "--model",
            "DeepSeek-R1-0528*",
            "--isl",
            "1024",
            "--osl",
            "1024",
            "--targets",
            "40",
            "--hardware",
            "b200",
            "--no-cache",
            *extra,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "400"},  # the price line on one line: these tests read its words
    )


def test_cli_prices_any_column_with_power_from_the_table_in_use(tmp_path):
    prices = tmp_path / "prices.csv"
    prices.write_text("gpu,on_demand,spot\nb200,6.03,2.12\n")
    out = _cli_iso("--prices", str(prices), "--gpu-table", "v0", "--tco", "spot", "--json")
    assert out.returncode == 0, out.stderr
    for r in (r for r in json.loads(out.stdout) if r["tput_per_gpu"] is not None):
        assert r["cost_total_spot"] == pytest.approx(2.12 / (r["tput_per_gpu"] * 0.0036), rel=1e-9)
        assert r["tok_s_mw"] == pytest.approx(r["tput_per_gpu"] * 1000 / 2.17, rel=1e-9)  # v0 kW, not 1.71
    text = _cli_iso("--prices", str(prices), "--gpu-table", "v0", "--tco", "spot")
    assert text.returncode == 0, text.stderr
    # the text names the price column in use with its $/GPU-hour; the other column is not shown
    assert "spot: B200 $2.12 per GPU-hour" in text.stdout and "on demand" not in text.stdout
    assert "power: dashboard GPU table v0 (in force 2025-01-01 to 2026-07-13)" in text.stdout
    bad = _cli_iso("--prices", str(prices), "--tco", "reserved")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "--tco 'reserved' is not a price column" in bad.stderr and "(columns: on_demand, spot)" in bad.stderr


def test_cli_as_of_chooses_the_table_in_force():
    out = _cli_iso("--as-of", "2026-08-01", "--tco", "costn")
    assert out.returncode == 0, out.stderr
    assert (
        "Prices: dashboard GPU table v1 (in force 2026-07-14 to 2026-08-31), owning as a neocloud giant" in out.stdout
    )
    gone = _cli_iso("--tco", "costn")  # the newest table has no costn
    assert gone.returncode == 2 and "not a price column" in gone.stderr
    both = _cli_iso("--as-of", "2026-08-01", "--gpu-table", "v0")
    assert both.returncode == 2 and "not both" in both.stderr


def test_direct_cost_rule_splines_the_cost_itself():
    pts = _points().filter(pl.col("hardware") == "b200")
    res = iso_table(pts, [40.0], pricing=Pricing.dashboard("v0"), cost_rule="direct")
    fr = res.frontier.to_dicts()
    got = res.table.filter(pl.col("label").str.contains("b200"))["cost_total_costh"][0]
    assert got == pytest.approx(
        P.interpolate_reference(fr, 40.0, "cost_total_costh", x="median_intvty", y="tput_per_gpu"), rel=1e-12
    )
    recip = iso_table(pts, [40.0], pricing=Pricing.dashboard("v0")).table["cost_total_costh"][0]
    assert recip == pytest.approx(1.95 / (res.table["tput_per_gpu"][0] * 0.0036), rel=1e-12)
    assert got != pytest.approx(recip, rel=1e-6)
    with pytest.raises(ValueError, match="cost_rule"):
        iso_table(pts, [40.0], cost_rule="guess")


def test_cli_iso_text_table_uses_significant_digits_and_marks_interpolated_concurrency():
    from frontier.cli import iso_text_table

    table = pl.DataFrame(
        {
            "label": ["b200 · fp4", "b200 · fp4", "h200 · fp8"],
            "target": [30.0, 47.2, 30.0],
            "tput_per_gpu": [17079.247, 310.5, None],
            "cost_total_costh": [0.0331234, 1.23456, None],
            "conc": [311.266, 64.0, None],
        }
    )
    text = iso_text_table(table, "costh")
    assert text.columns == ["config", "target tok/s/user", "tok/s/GPU", "$/M total", "concurrency"]
    row = text.row(0, named=True)
    assert row["tok/s/GPU"] == "17,079" and row["$/M total"] == "$0.0331" and row["concurrency"] == "≈311"
    assert text.row(1, named=True)["target tok/s/user"] == "47.2" and text.row(1, named=True)["concurrency"] == "64"
    assert text.row(2, named=True)["$/M total"] == "—"
