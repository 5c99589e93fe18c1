"""Fetched data flows into the loader: API cache folders and downloaded runs (with their run.json dates)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from frontier.analysis.iso import iso_table
from frontier.data.fetch import fetch_model, fetch_run
from frontier.data.load import load

from . import api_responses
from .api_server import FixtureAPIServer
from .test_fetch import (
    API_FIXTURES,
    FAST,
    HAVE_RECORDED,
    MODEL,
    ROUTE_FILES,
    RUN_ID,
    make_artifacts,
    make_gh,
)

# the API fixture answers with recorded responses from ../shared/data (skipped without them) or made by code
pytestmark = pytest.mark.shared


@pytest.fixture(params=["made-by-code", "recorded"])
def api(request):
    """The API on 127.0.0.1: responses made by code in the API's shape (every clone), or the real recorded
    responses in ../shared/data (skipped when absent)."""
    if request.param == "recorded":
        if not HAVE_RECORDED:
            pytest.skip(f"recorded API responses not found at {API_FIXTURES} (../shared/data absent)")
        routes = {route: API_FIXTURES / name for route, name in ROUTE_FILES.items()}
    else:
        routes = api_responses.routes()
    srv = FixtureAPIServer(routes).start()
    try:
        yield srv
    finally:
        srv.stop()


def test_fetched_api_responses_load_and_price(api, tmp_path):
    results = fetch_model(MODEL, base_url=api.base_url, cache_dir=tmp_path / "api", isl_osl=((1024, 1024),), **FAST)
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
    one = res.points.filter((pl.col("isl") == 1024) & (pl.col("osl") == 1024))
    assert "DeepSeek-R1-0528" in set(one["model"])
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
