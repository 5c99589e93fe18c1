"""Loader on every real format in ../shared/data."""

from __future__ import annotations

import json

import polars as pl
import pytest

from frontier.data.load import load
from frontier.data.schema import SCHEMA

from .conftest import API_FIXTURES, CSV_DIR, EARLY_AGG, KIMI_DIR, MANTILE_RAW, need


def test_all_agg_bmk_rows_accounted_for(no_cache):
    raw = need(MANTILE_RAW)
    files = sorted(raw.rglob("agg_bmk.json"))
    expected_rows = sum(len(json.loads(f.read_text())) for f in files)
    assert len(files) == 36 and expected_rows == 1687  # 35 runs + a byte-identical top-level copy
    res = load(raw, cache=False)
    rep = res.report
    assert rep.rows_read == 1687
    rep.check_accounting()
    assert rep.rows_loaded + rep.rows_skipped + rep.duplicates == 1687
    # keep="all" removes only identical copies: exactly the 65 rows of the top-level duplicate file
    everything = load(raw, cache=False, keep="all")
    assert everything.report.duplicates == 65
    assert everything.report.rows_loaded == 1622
    assert {d["reason"] for d in everything.report.duplicate_examples} == {"identical duplicate"}
    # the copy without a run id is the one removed; the run's own rows stay
    assert everything.points["run_id"].null_count() == 0
    # newest-only keeps one row per point
    from frontier.data.schema import POINT_KEY

    assert res.points.select(POINT_KEY).is_duplicated().sum() == 0
    assert res.points.schema == pl.Schema(SCHEMA)


def test_agg_normalisation_on_real_sweeps(no_cache):
    pts = load(need(MANTILE_RAW), cache=False, keep="all").points
    assert set(pts["hardware"]) == {"b200", "gb200", "h100", "h200", "mi300x", "mi325x", "mi355x"}
    assert "b200-trt" in set(pts["hw_raw"]) and "mi355x-amd_0" in set(pts["hw_raw"])
    assert "sglang-disagg" not in set(pts["framework"]) and "mori-sglang" in set(pts["framework"])
    assert set(pts["model"]) == {"DeepSeek-R1-0528", "gpt-oss-120b"}
    assert set(pts["spec_method"]) == {"none", "mtp"}
    # disaggregated rows: GPU count = prefill + decode GPUs
    dis = pts.filter(pl.col("disagg"))
    assert dis.height > 0
    assert (dis["num_gpus"] == dis["num_prefill_gpu"] + dis["num_decode_gpu"]).all()
    single = pts.filter(~pl.col("disagg") & ~pl.col("is_multinode"))
    assert (single["num_gpus"] == single["tp"]).all()
    # interactivity is 1/TPOT and latencies are seconds
    assert ((pts["median_intvty"] * pts["median_tpot_s"] - 1).abs() < 0.05).all()
    assert pts["median_tpot_s"].max() < 1.0
    # run ids come from the run_<id> folders
    assert pts["run_id"].n_unique() == 33


def test_csv_export_latency_columns_are_seconds(no_cache):
    d = need(CSV_DIR)
    res = load(d / "InferenceX_DeepSeek-R1-0528_e2e.csv", cache=False)
    pts = res.points
    assert pts.height == 5 and set(pts["source_format"]) == {"csv"}
    first = pts.sort("conc").row(0, named=True)
    # the file says "Mean TTFT (ms)" = 0.15776667634490876: that is seconds
    assert first["mean_ttft_s"] == pytest.approx(0.15776667634490876)
    assert first["median_tpot_s"] == pytest.approx(0.00972992689843301)
    assert first["median_intvty"] == pytest.approx(102.77569507341812)
    assert first["hardware"] == "h200" and first["framework"] == "sglang" and first["model"] == "DeepSeek-R1-0528"
    assert str(first["date"]) == "2026-06-02"
    # the two byte-identical exports are one set of points
    both = load(d, cache=False, keep="all")
    assert both.report.rows_read == 42 and both.report.duplicates == 21 and both.report.rows_loaded == 21


def test_raw_client_files_reproduce_their_agg_siblings(no_cache):
    d = need(KIMI_DIR)
    raw_files = sorted(p for p in d.glob("kimik2.5_*.json"))
    assert len(raw_files) == 3
    for raw in raw_files:
        agg = raw.with_name("agg_" + raw.name)
        from_raw = load(raw, cache=False).points
        from_agg = load(agg, cache=False).points
        assert from_raw.height == 1 and from_agg.height == 1
        assert from_raw["source_format"][0] == "raw_client" and from_agg["source_format"][0] == "agg"
        a, b = from_raw.row(0, named=True), from_agg.row(0, named=True)
        for k in (
            "model",
            "isl",
            "osl",
            "hardware",
            "framework",
            "precision",
            "spec_method",
            "conc",
            "tp",
            "ep",
            "num_gpus",
            "disagg",
        ):
            assert a[k] == b[k], k
        for k, v in b.items():
            if isinstance(v, float):
                assert a[k] == pytest.approx(v, rel=1e-9), k
        assert str(a["date"]) == "2026-05-27"


def test_public_api_rows(no_cache):
    d = need(API_FIXTURES)
    res = load(d / "benchmarks.json", cache=False, keep="all")
    pts = res.points
    assert res.report.rows_read == 435
    res.report.check_accounting()
    assert set(pts["source_format"]) == {"api"}
    # single-node rows: GPU count from decode_tp, not the tp×ep ingest quirk in num_*_gpu
    single = pts.filter(~pl.col("is_multinode"))
    assert (single["num_gpus"] == single["tp"]).all()
    raw = {
        (r["hardware"], r["framework"], r["precision"], r["conc"], r["isl"], r["osl"], r["spec_method"]): r
        for r in json.loads((d / "benchmarks.json").read_text())
        if r["decode_ep"] == 8 and not r["is_multinode"]
    }
    assert any(r["num_prefill_gpu"] == 64 for r in raw.values())
    assert single.filter(pl.col("ep") == 8)["num_gpus"].max() == 8
    multi = pts.filter(pl.col("is_multinode"))
    assert (multi["num_gpus"] == multi["num_prefill_gpu"] + multi["num_decode_gpu"]).all()
    # run id and attempt from run_url; date from the row; power metrics kept where measured
    assert pts["run_id"].null_count() == 0 and pts["run_attempt"].null_count() == 0
    assert pts["date"].null_count() == 0
    assert pts["avg_power_w"].drop_nulls().len() > 0
    assert pts["model"].unique().to_list() == ["DeepSeek-R1-0528"]


def test_api_history_keeps_dates_with_keep_all(no_cache):
    d = need(API_FIXTURES)
    res = load(d / "benchmarks-history.json", cache=False, keep="all")
    assert res.report.rows_read == 1462
    res.report.check_accounting()
    assert res.points["date"].n_unique() > 10
    newest = load(d / "benchmarks-history.json", cache=False)
    assert newest.points.height < res.points.height
    newest.report.check_accounting()


def test_early_agg_schema_and_missing_isl(no_cache):
    res = load(need(EARLY_AGG), cache=False)
    rep = res.report
    assert rep.rows_read == 31
    assert rep.skipped == {"missing field: isl/osl": 1}  # the extra h100 row has no source_file to read ISL/OSL from
    assert rep.rows_loaded == 30
    pts = res.points
    assert set(pts["hardware"]) == {"gaudi25"} and set(pts["model"]) == {"Llama-3.3-70B-Instruct"}
    assert set(pts["isl"]) == {1024} and set(pts["osl"]) == {1024}
    assert pts["run_id"].unique().to_list() == [18455912415]  # from the artifact path "artifacts/run-…/"
    assert str(pts["date"][0]) == "2025-10-15"


def test_whole_shared_tree_never_crashes(no_cache):
    res = load(need(MANTILE_RAW).parents[4].parent, cache=False)
    rep = res.report
    rep.check_accounting()
    reasons = rep.skipped
    assert reasons.get("unsupported benchmark type: agentic multi-turn", 0) == 44
    assert any(r.startswith("evaluation rows") for r in reasons)
    assert rep.rows_loaded > 1000
