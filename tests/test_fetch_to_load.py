"""Fetched data flows into the loader: API cache folders and downloaded runs (with their run.json dates)."""
from __future__ import annotations

import datetime as dt

import polars as pl

from frontier.fetch import fetch_model, fetch_run
from frontier.iso import iso_table
from frontier.load import load

from .test_fetch import FAST, HAVE_RECORDED, MODEL, RUN_ID, make_artifacts, make_gh, server  # noqa: F401


def test_fetched_api_responses_load_and_price(server, tmp_path):  # noqa: F811
    results = fetch_model(MODEL, base_url=server.base_url, cache_dir=tmp_path / "api",
                          isl_osl=((1024, 1024),), **FAST)
    assert {r.endpoint for r in results} >= {"benchmarks", "benchmarks/history", "evaluations"}
    res = load(tmp_path / "api", cache=False, keep="all")
    rep = res.report
    rep.check_accounting()
    # sidecars are not data (listed as ignored, never read or skipped); the evaluations response is named as
    # such, never silently dropped
    assert all(f.status == "ignored" for f in rep.files if f.path.endswith(".meta.json"))
    assert any(s.reason.startswith("evaluation rows") for s in rep.skips)
    assert res.points.height > 0 and not res.synthetic
    assert set(res.points["source_format"]) == {"api"}
    assert res.points["date"].null_count() == 0
    if HAVE_RECORDED:
        one = res.points.filter((pl.col("isl") == 1024) & (pl.col("osl") == 1024))
        iso = iso_table(one, [30.0, 50.0])
        assert iso.table["tput_per_gpu"].drop_nulls().len() > 0


def test_downloaded_run_loads_with_its_date(tmp_path):
    arts = make_artifacts(tmp_path / "artifacts")
    gh, _ = make_gh(tmp_path, artifacts=arts)
    out = tmp_path / "runs"
    fetch_run(RUN_ID, gh=gh, out_dir=out)
    res = load(out, cache=False)
    assert res.points.height >= 1
    assert res.points["run_id"].unique().to_list() == [RUN_ID]
    assert res.points["date"].unique().to_list() == [dt.date(2025, 12, 14)]
    res.report.check_accounting()
