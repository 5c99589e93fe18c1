"""The loader's rules for text, dates and conflicting measurements; a load's answer does not depend on the order of
its arguments or on the cache."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from frontier.data.load import dates as dates_mod
from frontier.data.load import load
from frontier.data.load.dates import INVALID_DATE, date_problem, with_dates
from frontier.data.load.dedupe import CONFLICT, IDENTICAL, SUPERSEDED
from frontier.data.load.normalise import TEXT_REPLACED
from frontier.data.load.sidecars import parse_sidecar
from tests.test_load_bad import agg_row


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows))
    return path


# ------------------------------------------------------------------------------------------------ text fields
def test_control_characters_in_names_are_replaced_and_flagged(tmp_path):
    f = _write(
        tmp_path / "agg_bmk.json",
        [
            agg_row(conc=4, model="Ctrl\x01Model", infmax_model_prefix=None),
            agg_row(conc=8, framework="vl\x1b[2Jlm", hw="b200\u202e-trt"),
            agg_row(conc=16),
            agg_row(conc=32, image="img\x07:1", date="2030-01-01"),
        ],
    )
    res = load(f, cache=False)
    rep = res.report
    rep.check_accounting()
    assert res.points.height == 4  # nothing lost
    by_conc = {r["conc"]: r for r in res.points.iter_rows(named=True)}
    assert by_conc[4]["model"] == "Ctrl\ufffdModel" and by_conc[4]["model_path"] == "Ctrl\ufffdModel"
    assert by_conc[8]["framework"] == "vl\ufffd[2jlm" and by_conc[8]["hw_raw"] == "b200\ufffd-trt"
    assert by_conc[8]["hardware"] == "b200\ufffd"
    assert by_conc[16]["model"] == "gpt-oss-120b" and by_conc[16]["image"] == "img:1"
    assert by_conc[32]["image"] == "img\ufffd:1"
    assert rep.flagged[TEXT_REPLACED] == 3
    assert sorted(e["row"] for e in rep.flag_examples) == [0, 1, 3]
    assert f"flagged 3 rows: {TEXT_REPLACED}" in rep.summary()
    # no character of the class survives in any text column
    for col, dtype in res.points.schema.items():
        if dtype == pl.String and col != "source_file":
            assert not res.points[col].str.contains(r"[\x00-\x1f\x7f-\x9f\x{202e}]").any(), col


def test_control_characters_in_a_sweep_of_few_distinct_names(tmp_path):
    # names are normalised once per distinct combination and joined back: the join must still find every row
    rows = [agg_row(conc=c, model="Ctrl\x01Model", infmax_model_prefix=None, date="2026-01-01") for c in range(1, 65)]
    res = load(_write(tmp_path / "agg_bmk.json", rows), cache=False)
    assert res.report.skipped == {} and res.points.height == 64
    assert res.points["model"].unique().to_list() == ["Ctrl\ufffdModel"]
    assert res.points["hw_raw"].null_count() == 0 and res.points["date"].null_count() == 0
    assert res.report.flagged == {TEXT_REPLACED: 64}


def test_a_clean_load_flags_nothing(tmp_path):
    res = load(_write(tmp_path / "agg_bmk.json", [agg_row(conc=4)]), cache=False)
    assert res.report.flagged == {} and res.report.flag_examples == []


# ------------------------------------------------------------------------------------------------------ dates
DATE_CASES = {
    "2026-01-01": True,
    " 2026-01-01 ": True,
    "2026-01-01T10:00:00Z": True,
    "2026-01-01 10:00": True,
    "2026-01-01T23:59:59.123456+05:30": True,
    "2026-01-01T10:00:00-0800": True,
    "2026-01-01T25:61:00+99:00": False,
    "2026-01-01T24:00:00": False,
    "2026-01-01T10:60": False,
    "2026-01-01T10:00:00+15:00": False,
    "2026-01-01T10:00:00+05:60": False,
    "2026-02-30": False,
    "2026-13-01": False,
    "1999-12-31": False,
    "20260101": False,
    "yesterday": False,
    "2026-01-01junk": False,
}


def test_the_date_rule_is_one_rule_in_python_and_polars():
    texts = list(DATE_CASES)
    got = with_dates(pl.DataFrame({"t": texts}), pl.col("t"), "day", "invalid")
    assert got.columns == ["t", "invalid", "day"]  # no helper column left behind
    for text, (_, bad, d) in zip(texts, got.iter_rows()):
        assert (date_problem(text) is None) is DATE_CASES[text], text
        assert bad is (not DATE_CASES[text]), text
        assert (d is not None) is DATE_CASES[text], text
    blank = with_dates(pl.DataFrame({"t": ["", "  ", None]}, schema={"t": pl.String}), pl.col("t"), "day", "invalid")
    assert blank["day"].null_count() == 3 and not blank["invalid"].any()


def test_impossible_row_dates_are_skipped_with_a_reason(tmp_path):
    f = _write(
        tmp_path / "agg_bmk.json",
        [
            agg_row(conc=4, date="2026-01-01T25:61:00+99:00"),
            agg_row(conc=8, date="2026-02-30"),
            agg_row(conc=16, date="2026-01-02T10:00:00Z"),
            agg_row(conc=32, date=""),
        ],
    )
    res = load(f, cache=False)
    res.report.check_accounting()
    assert res.report.skipped == {INVALID_DATE: 2}
    assert sorted(s.row for s in res.report.skips) == [0, 1]
    dates = dict(zip(res.points["conc"].to_list(), res.points["date"].to_list()))
    assert dates == {16: dt.date(2026, 1, 2), 32: None}


def test_raw_client_and_early_agg_timestamps_are_checked_whole(tmp_path):
    from frontier.data.load.readers.early_agg import fixups

    raw = pl.DataFrame(
        {"timestamp": ["2025-10-15T08:30:27.556503", "2025-10-15T28:30:27"], "source_file": ["a", "b"]}
    ).with_columns(
        date=pl.lit(None, dtype=pl.String),
        isl=pl.lit(1024, dtype=pl.Int64),
        osl=pl.lit(1024, dtype=pl.Int64),
        run_url=pl.lit(None, dtype=pl.String),
    )
    out = with_dates(fixups(raw), pl.col("date"), "day", "invalid")["invalid"].to_list()
    assert out == [False, True]  # the impossible hour is no longer cut off to a valid day


def test_run_json_dates_and_ids_are_checked():
    assert "impossible or unreadable date" in parse_sidecar(b'{"date": "2026-01-01T25:61:00+99:00"}')
    assert "not an integer in range" in parse_sidecar(b'{"run_id": -5}')
    assert "not an integer in range" in parse_sidecar(b'{"run_id": 7, "run_attempt": 0}')
    assert "createdAt" in parse_sidecar(b'{"createdAt": "2026-02-30T00:00:00Z"}')
    assert parse_sidecar(b'{"databaseId": 7, "createdAt": "2026-02-03T04:05:06Z"}') == {
        "run_id": 7,
        "date": "2026-02-03T04:05:06Z",
    }


def test_a_run_json_with_an_impossible_date_is_skipped_and_not_used(tmp_path):
    run = tmp_path / "run_77"
    _write(run / "agg_bmk.json", [agg_row(conc=4)])
    (run / "run.json").write_text(json.dumps({"run_id": 77, "date": "2026-01-01T25:61:00+99:00"}))
    res = load(tmp_path, cache=False)
    skipped = [f for f in res.report.files if f.path.endswith("run.json")]
    assert skipped[0].status == "skipped" and "impossible or unreadable date" in (skipped[0].reason or "")
    assert res.points["date"].to_list() == [None]  # not 2026-01-01
    assert res.points["run_id"].to_list() == [77]  # from the folder name


def test_dates_after_the_load_date_are_flagged_and_cannot_win_keep_newest(tmp_path):
    latest = dates_mod.latest_date()
    future = (latest + dt.timedelta(days=1)).isoformat()
    _write(tmp_path / "a" / "agg_bmk.json", [agg_row(conc=4, tput_per_gpu=4000.0, date="9999-12-31")])
    _write(tmp_path / "b" / "agg_bmk.json", [agg_row(conc=4, tput_per_gpu=4100.0, date="2026-06-01")])
    _write(tmp_path / "c" / "agg_bmk.json", [agg_row(conc=8, date=future), agg_row(conc=16, date=latest.isoformat())])
    res = load(tmp_path, cache=False)
    rep = res.report
    rep.check_accounting()
    by_conc = {r["conc"]: r for r in res.points.iter_rows(named=True)}
    assert by_conc[4]["tput_per_gpu"] == 4100.0  # the real dated rerun wins over the year 9999
    assert by_conc[8]["date"] is None and by_conc[16]["date"] == latest
    assert rep.flagged == {dates_mod.future_after(latest): 2}  # the 9999 row (superseded) and the conc 8 row
    assert rep.duplicates == 1 and rep.conflicts == 0
    assert rep.load_date == latest.isoformat()


def test_a_cached_load_with_future_dates_is_redone_on_a_later_day(tmp_path, monkeypatch):
    _write(tmp_path / "d" / "agg_bmk.json", [agg_row(conc=4, date="2030-01-01")])
    cache = tmp_path / "processed"
    first = load(tmp_path / "d", cache_dir=cache)
    assert first.report.flagged and load(tmp_path / "d", cache_dir=cache).report.from_cache
    later = dt.date(2031, 1, 1)
    monkeypatch.setattr("frontier.data.load.pipeline.latest_date", lambda: later)
    again = load(tmp_path / "d", cache_dir=cache)
    assert not again.report.from_cache and again.report.flagged == {}
    assert again.points["date"].to_list() == [dt.date(2030, 1, 1)]
    assert any("flagged dates after its load date" in n for n in again.report.notes)


# ------------------------------------------------------------------------- argument order, cache, conflicts
@pytest.fixture
def conflicting(tmp_path):
    """Two files measuring the same points differently, with no run id, attempt or date to choose by."""
    a = _write(tmp_path / "x" / "a.json", [agg_row(conc=c, tput_per_gpu=1000.0 * c) for c in (4, 8, 16)])
    b = _write(tmp_path / "y" / "b.json", [agg_row(conc=c, tput_per_gpu=900.0 * c) for c in (4, 8, 32)])
    return a, b


def test_the_same_inputs_give_the_same_table_in_any_order_cached_or_not(conflicting, tmp_path):
    a, b = conflicting
    cache = tmp_path / "processed"
    ab = load([a, b], cache=False)
    ba = load([b, a], cache=False)
    assert_frame_equal(ab.points, ba.points)
    cold_ba = load([b, a], cache_dir=cache)
    warm_ab = load([a, b], cache_dir=cache)
    assert not cold_ba.report.from_cache and warm_ab.report.from_cache
    for res in (cold_ba, warm_ab):
        assert_frame_equal(res.points, ab.points)
    # folders in either order, and a file named beside the folder holding it
    assert_frame_equal(load([a.parent, b.parent], cache=False).points, ab.points)
    assert_frame_equal(load([b.parent, a.parent], cache=False).points, ab.points)
    assert_frame_equal(load([a, b, a.parent], cache=False).points, load([a.parent, b, a], cache=False).points)


def test_conflicting_measurements_are_reported_with_the_row_kept(conflicting):
    a, b = conflicting
    res = load([b, a], cache=False)
    rep = res.report
    rep.check_accounting()
    assert rep.conflicts == 2 and rep.duplicates == 0
    assert res.points.height == 4
    kept = dict(zip(res.points["conc"].to_list(), res.points["tput_per_gpu"].to_list()))
    # the file last in path order (y/b.json after x/a.json) is kept, whatever the argument order
    assert kept == {4: 3600.0, 8: 7200.0, 16: 16000.0, 32: 28800.0}
    ex = sorted(rep.conflict_examples, key=lambda e: e["row"])
    assert [(e["file"].endswith("a.json"), e["row"], e["kept_file"].endswith("b.json"), e["kept_row"]) for e in ex] == [
        (True, 0, True, 0),
        (True, 1, True, 1),
    ]
    assert {e["reason"] for e in ex} == {CONFLICT}
    assert "removed 2 rows: conflicting measurement" in rep.summary()
    d = rep.to_dict()
    assert d["conflicts"] == 2 and d["duplicates"] == 0


def test_identical_copies_and_reruns_are_not_conflicts(tmp_path):
    _write(tmp_path / "x" / "a.json", [agg_row(conc=4)])
    _write(tmp_path / "y" / "a.json", [agg_row(conc=4)])  # an identical copy
    _write(tmp_path / "run_5" / "agg_bmk.json", [agg_row(conc=8, tput_per_gpu=10.0)])
    _write(tmp_path / "run_6" / "agg_bmk.json", [agg_row(conc=8, tput_per_gpu=20.0)])  # a newer run
    rep = load(tmp_path, cache=False).report
    assert rep.conflicts == 0 and rep.duplicates == 2
    assert {e["reason"] for e in rep.duplicate_examples} == {IDENTICAL, SUPERSEDED}


def test_raw_client_dates_keep_their_time_for_the_date_rule():
    from frontier.data.load.readers.raw_client import read

    label = "exp_fp4_vllm_tp8-ep1-dpafalse_disagg-false_spec-none_conc4_b200.json"
    topo = {"hw": "b200", "tp": 8, "isl": 1024, "osl": 1024, "framework": "vllm", "precision": "fp4"}
    obj = {"max_concurrency": 4, "total_token_throughput": 800.0, "median_tpot_ms": 10.0, "model_id": "m"}
    got = {}
    for written in ("20260527-075026", "20260527", "20261399-250000", "2026-05-27T25:00:00"):
        df = read({**obj, "date": written}, label, topo)
        assert not isinstance(df, str)
        got[written] = with_dates(df, pl.col("date"), "day", "invalid").select("date", "invalid").row(0)
    assert got == {
        "20260527-075026": ("2026-05-27T07:50:26", False),
        "20260527": ("2026-05-27", False),
        "20261399-250000": ("2026-13-99T25:00:00", True),
        "2026-05-27T25:00:00": ("2026-05-27T25:00:00", True),  # no longer cut to its day
    }
