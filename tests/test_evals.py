"""frontier.analysis.evals: loading API evaluation rows and attaching them to configs."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math

import polars as pl
import pytest

from frontier.analysis.evals import EVAL_SCHEMA, JOIN_COLUMNS, EvalLoad, evals_from_rows, join_evals, load_evals
from frontier.paths import SHARED_DATA

from .api_responses import api_topology

EVAL_FILE = (
    SHARED_DATA
    / "inferencex"
    / "SemiAnalysisAI__InferenceX-app"
    / "packages"
    / "app"
    / "cypress"
    / "fixtures"
    / "api"
    / "evaluations.json"
)
needs_real = pytest.mark.skipif(
    not EVAL_FILE.is_file(), reason=f"recorded InferenceX evaluations not found at {EVAL_FILE} (../shared/data absent)"
)

CFG_COLS = ("model", "hardware", "framework", "precision", "spec_method", "disagg")


def row(**over):
    """A hand-made evaluation row (not taken from any data file)."""
    base = {
        "id": "1",
        "config_id": 10,
        **api_topology("b200", "sglang", "fp8", 8),
        "task": "gsm8k",
        "date": "2026-05-01",
        "conc": 32,
        "metrics": {
            "n_eff": 1319,
            "em_strict": 0.95,
            "em_strict_se": 0.006,
            "em_flexible": 0.96,
            "em_flexible_se": 0.005,
        },
        "timestamp": "2026-05-01T10:00:00Z",
        "run_url": "https://github.com/SemiAnalysisAI/InferenceX/actions/runs/111",
    }
    base.update(over)
    return base


def configs(*rows):
    return pl.DataFrame(
        [dict(zip(CFG_COLS, r)) for r in rows],
        schema={
            "model": pl.String,
            "hardware": pl.String,
            "framework": pl.String,
            "precision": pl.String,
            "spec_method": pl.String,
            "disagg": pl.Boolean,
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# real data


@needs_real
def test_load_real_evaluations():
    raw = json.loads(EVAL_FILE.read_text())
    res = load_evals(EVAL_FILE)
    t = res.table
    assert res.rows_read == len(raw) == 531
    assert res.skipped == {} and res.problems == []
    assert t.schema == pl.Schema(EVAL_SCHEMA)
    n_scores = sum(sum(1 for k in r["metrics"] if k != "n_eff" and not k.endswith("_se")) for r in raw)
    assert t.height == n_scores
    names = dict(t.select("model_key", "model").unique().iter_rows())
    assert names["dsr1"] == "DeepSeek-R1-0528"
    assert names["gptoss120b"] == "gpt-oss-120b"
    assert names["kimik2.5"] == "Kimi-K2.5"
    assert names["minimaxm3"] == "minimaxm3"  # unknown keys kept as given
    assert set(t["task"]) == {"gsm8k"}
    assert {"em_strict", "em_flexible"} <= set(t["score_name"])
    assert t["score"].min() > 0 and t["score"].max() <= 1
    assert t["date"].min() == dt.date(2026, 4, 14) and t["date"].max() == dt.date(2026, 6, 14)
    assert t["run_id"].null_count() == 0 and t["run_attempt"].null_count() == t.height  # URLs name no attempt

    first = raw[0]
    got = t.filter((pl.col("eval_id") == first["id"]) & (pl.col("score_name") == "em_strict")).row(0, named=True)
    assert got["score"] == first["metrics"]["em_strict"]
    assert got["score_se"] == first["metrics"]["em_strict_se"]
    assert got["n_eff"] == first["metrics"]["n_eff"]
    assert got["run_id"] == int(first["run_url"].rsplit("/", 1)[1])
    assert got["conc"] == first["conc"] and got["disagg"] is first["disagg"]
    assert got["timestamp"] == dt.datetime(2026, 6, 14, 4, 8, 16, tzinfo=dt.UTC)
    assert got["source_file"] == str(EVAL_FILE) and got["source_row"] == 0


@needs_real
def test_join_real_picks_newest_without_averaging():
    raw = json.loads(EVAL_FILE.read_text())
    key = ("gptoss120b", "h200", "vllm", "fp4", "none", True)
    cands = [
        r
        for r in raw
        if (r["model"], r["hardware"], r["framework"], r["precision"], r["spec_method"], r["disagg"]) == key
    ]
    newest_date = max(r["date"] for r in cands)
    newest = [r for r in cands if r["date"] == newest_date]
    pick = max(newest, key=lambda r: (r["timestamp"], int(r["run_url"].rsplit("/", 1)[1]), int(r["id"])))
    cfg = configs(
        ("gpt-oss-120b", "h200", "vllm", "fp4", "none", True),
        ("DeepSeek-R1-0528", "h100", "no-such-engine", "fp8", "none", False),
    )
    out = join_evals(cfg, load_evals(EVAL_FILE), score_name="em_strict", task="gsm8k")
    assert out.height == 2
    m, miss = out.row(0, named=True), out.row(1, named=True)
    assert m["eval_status"] == "measured"
    assert m["eval_score"] == pick["metrics"]["em_strict"]
    assert m["eval_id"] == pick["id"] and m["eval_conc"] == pick["conc"]
    assert m["eval_date"] == dt.date.fromisoformat(newest_date)
    assert m["eval_n_candidates"] == len(cands) and m["eval_n_newest"] == len(newest)
    assert m["eval_score_min_newest"] == min(r["metrics"]["em_strict"] for r in newest)
    assert m["eval_score_max_newest"] == max(r["metrics"]["em_strict"] for r in newest)
    assert miss["eval_status"] == "missing"
    assert miss["eval_score"] is None and miss["eval_score_se"] is None and miss["eval_n_eff"] is None
    assert miss["eval_task"] == "gsm8k" and miss["eval_score_name"] == "em_strict"


# ---------------------------------------------------------------------------------------------------------------
# hand-made rows


def test_schema_is_explicit_even_when_empty():
    res = evals_from_rows([])
    assert res.table.schema == pl.Schema(EVAL_SCHEMA) and res.table.height == 0
    assert res.rows_read == 0


def test_long_table_from_rows():
    res = evals_from_rows(
        [
            row(
                run_url="https://github.com/o/r/actions/runs/222/attempts/3",
                disagg="true",
                model="kimik2.5",
                framework="sglang-disagg",
            )
        ],
        source_file="x.json",
    )
    t = res.table.sort("score_name")
    assert t["score_name"].to_list() == ["em_flexible", "em_strict"]
    assert t["score"].to_list() == [0.96, 0.95] and t["score_se"].to_list() == [0.005, 0.006]
    r = t.row(0, named=True)
    assert r["model"] == "Kimi-K2.5" and r["model_key"] == "kimik2.5"
    assert r["framework"] == "mori-sglang"  # alias normalised
    assert r["disagg"] is True  # boolean given as a string
    assert (r["run_id"], r["run_attempt"]) == (222, 3)
    assert r["source_file"] == "x.json" and r["source_row"] == 0


def test_malformed_rows_are_counted_not_dropped_silently():
    rows = [
        row(id="1"),
        "not a row",
        row(id="3", model=None),
        row(id="4", hardware=""),
        row(id="5", task=None),
        row(id="6", date="yesterday"),
        row(id="7", date=None),
        row(id="8", disagg="maybe"),
        row(id="9", metrics=None),
        row(id="10", metrics={"n_eff": 10, "em_strict": float("nan"), "em_strict_se": 0.1}),
        row(id="11", metrics={"em_strict": "abc", "em_flexible": 0.5, "em_flexible_se": -1}),
        row(id="12", conc="many"),
        row(id="1"),  # the same API row again
        {k: v for k, v in row(id="14").items() if k != "disagg"},
        row(id="15", metrics={"em_strict": 0.9, "em_strict_se": None}, spec_method=None, conc=None),
    ]
    res = evals_from_rows(rows, source_file="hand.json")
    assert res.rows_read == len(rows)
    assert res.skipped == {
        "row is not a JSON object": 1,
        "missing model": 1,
        "missing hardware": 1,
        "missing task": 1,
        "invalid date": 1,
        "missing date": 1,
        "invalid disagg": 1,
        "missing metrics": 1,
        "no finite scores in metrics": 1,
        "non-numeric or non-finite score em_strict": 1,
        "invalid conc": 1,
        "duplicate evaluation row": 1,
        "missing disagg": 1,
    }
    assert {"source_file": "hand.json", "source_row": 1, "reason": "row is not a JSON object"} in res.problems
    t = res.table
    assert sorted(set(t["eval_id"])) == ["1", "11", "15"]
    r11 = t.filter(pl.col("eval_id") == "11").row(0, named=True)
    assert r11["score_name"] == "em_flexible" and r11["score_se"] is None  # a negative SE is not an SE
    r15 = t.filter(pl.col("eval_id") == "15").row(0, named=True)
    assert r15["spec_method"] == "none" and r15["conc"] is None and r15["score_se"] is None and r15["n_eff"] is None
    assert "skipped 1: missing model" in res.summary()


def test_load_files_folder_gzip_and_unreadable(tmp_path):
    day = tmp_path / "api" / "2026-06-01"
    day.mkdir(parents=True)
    (day / "evaluations__abc.json").write_text(json.dumps([row(id="1"), row(id="2", hardware="h200")]))
    (day / "evaluations__abc.meta.json").write_text(json.dumps({"url": "http://x"}))  # sidecar: ignored
    (day / "benchmarks__x.json").write_text("[]")  # not an evaluations file: ignored
    gz = tmp_path / "more.json.gz"
    gz.write_bytes(gzip.compress(json.dumps([row(id="3", hardware="mi355x")]).encode()))
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "4", "trunc')
    notarray = tmp_path / "obj.json"
    notarray.write_text('{"a": 1}')
    res = load_evals([tmp_path / "api", gz, broken, notarray, tmp_path / "absent.json"])
    assert sorted(set(res.table["hardware"])) == ["b200", "h200", "mi355x"]
    assert res.skipped == {
        "unreadable file (JSONDecodeError)": 1,
        "file is not a JSON array of evaluations": 1,
        "unreadable file (FileNotFoundError)": 1,
    }
    assert {p["source_file"] for p in res.problems} == {str(broken), str(notarray), str(tmp_path / "absent.json")}
    assert isinstance(res, EvalLoad)


def test_join_newest_pick_ties_and_nulls():
    rows = [
        row(id="1", date="2026-04-01", metrics={"em_strict": 0.10}),
        row(
            id="2",
            date="2026-05-01",
            conc=64,
            metrics={"em_strict": 0.50, "em_strict_se": 0.01},
            timestamp="2026-05-01T10:00:00Z",
        ),
        row(
            id="3",
            date="2026-05-01",
            conc=32,
            metrics={"em_strict": 0.70, "em_strict_se": 0.02},
            timestamp="2026-05-01T11:00:00Z",
        ),
        # a rerun attempt of another run on the same date and time: the higher attempt wins over attempt-less ids
        row(
            id="5",
            hardware="h200",
            date="2026-05-01",
            metrics={"em_strict": 0.2},
            run_url="https://github.com/o/r/actions/runs/900/attempts/1",
        ),
        row(
            id="4",
            hardware="h200",
            date="2026-05-01",
            metrics={"em_strict": 0.3},
            run_url="https://github.com/o/r/actions/runs/900/attempts/2",
        ),
        row(id="6", hardware="b300", task="mmlu", metrics={"acc": 0.8}),
    ]
    ev = evals_from_rows(rows)
    cfg = configs(
        ("DeepSeek-R1-0528", "b200", "sglang", "fp8", "none", False),
        ("DeepSeek-R1-0528", "h200", "sglang", "fp8", "none", False),
        ("DeepSeek-R1-0528", "b200", "sglang", "fp8", "mtp", False),  # no eval for MTP
        ("DeepSeek-R1-0528", "b200", "sglang", "fp8", "none", None),  # unknown disagg never matches
    ).with_columns(pl.Series("note", ["a", "b", "c", "d"]))
    out = join_evals(cfg, ev, score_name="em_strict", task="gsm8k")
    assert out.columns == [*cfg.columns, *JOIN_COLUMNS]
    assert out["note"].to_list() == ["a", "b", "c", "d"]  # config rows kept, in order
    b200, h200, mtp, unknown = out.iter_rows(named=True)
    assert b200["eval_score"] == 0.70 and b200["eval_conc"] == 32 and b200["eval_id"] == "3"  # picked, not averaged
    assert b200["eval_n_candidates"] == 3 and b200["eval_n_newest"] == 2
    assert (b200["eval_score_min_newest"], b200["eval_score_max_newest"]) == (0.50, 0.70)
    assert b200["eval_date"] == dt.date(2026, 5, 1) and b200["eval_score_se"] == 0.02
    assert h200["eval_score"] == 0.3 and h200["eval_run_attempt"] == 2 and h200["eval_run_id"] == 900
    for miss in (mtp, unknown):
        assert miss["eval_status"] == "missing" and miss["eval_n_candidates"] == 0
        assert all(miss[c] is None for c in ("eval_score", "eval_score_se", "eval_n_eff", "eval_date", "eval_conc"))
    assert [r["eval_status"] for r in (b200, h200)] == ["measured", "measured"]


def test_join_all_pairs_and_empty_evals():
    ev = evals_from_rows([row(id="1"), row(id="6", hardware="b300", task="mmlu", metrics={"acc": 0.8})])
    cfg = configs(("DeepSeek-R1-0528", "b200", "sglang", "fp8", "none", False))
    out = join_evals(cfg, ev)
    pairs = list(zip(out["eval_task"], out["eval_score_name"], out["eval_status"]))
    assert pairs == [
        ("gsm8k", "em_flexible", "measured"),
        ("gsm8k", "em_strict", "measured"),
        ("mmlu", "acc", "missing"),
    ]
    empty = join_evals(cfg, evals_from_rows([]), score_name="em_strict", task="gsm8k")
    assert empty.height == 1 and empty["eval_status"].to_list() == ["missing"]
    assert empty["eval_task"].to_list() == ["gsm8k"] and empty["eval_score"].to_list() == [None]
    assert empty.schema["eval_score"] == pl.Float64 and empty.schema["eval_date"] == pl.Date
    none = join_evals(cfg, ev, score_name="no-such-score")
    assert none.height == 1 and none["eval_score_name"].to_list() == ["no-such-score"]
    assert none["eval_status"].to_list() == ["missing"]


def test_join_accepts_dataframe_and_string_booleans():
    ev = evals_from_rows([row(id="1", disagg=True)]).table
    cfg = pl.DataFrame(
        {
            "model": ["DeepSeek-R1-0528"],
            "hardware": ["b200"],
            "framework": ["sglang"],
            "precision": ["fp8"],
            "spec_method": ["none"],
            "disagg": ["true"],
        }
    )
    out = join_evals(cfg, ev, score_name="em_strict")
    assert out["eval_status"].to_list() == ["measured"] and math.isclose(out["eval_score"][0], 0.95)
    assert out["disagg"].to_list() == ["true"]  # the config's own column is untouched


def test_join_rejects_bad_configs():
    ev = evals_from_rows([row()])
    with pytest.raises(ValueError, match="lack the column"):
        join_evals(pl.DataFrame({"model": ["x"]}), ev)
    cfg = configs(("DeepSeek-R1-0528", "b200", "sglang", "fp8", "none", False)).with_columns(
        pl.lit(1.0).alias("eval_score")
    )
    with pytest.raises(ValueError, match="already have"):
        join_evals(cfg, ev)
