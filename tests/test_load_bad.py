"""A corpus of bad inputs: each gets its reason, nothing is lost silently, the batch goes on."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pytest

from frontier.data.load import LoadError, load


def agg_row(**over):
    row = {
        "hw": "b200-trt",
        "conc": 16,
        "image": "img:1",
        "model": "openai/gpt-oss-120b",
        "infmax_model_prefix": "gptoss",
        "framework": "trt",
        "precision": "fp4",
        "spec_decoding": "none",
        "disagg": False,
        "isl": 1024,
        "osl": 1024,
        "is_multinode": False,
        "tp": 4,
        "ep": 1,
        "dp_attention": "false",
        "tput_per_gpu": 5000.0,
        "output_tput_per_gpu": 2500.0,
        "input_tput_per_gpu": 2500.0,
        "median_tpot": 0.01,
        "median_intvty": 100.0,
        "median_ttft": 0.1,
        "mean_tpot": 0.011,
    }
    row.update(over)
    return row


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "artifacts"
    d.mkdir()
    (d / "good.json").write_text(
        json.dumps(
            [
                agg_row(conc=c, tput_per_gpu=6000.0 / (i + 1), median_tpot=0.01 * (i + 1))
                for i, c in enumerate((4, 8, 16))
            ]
        )
    )
    (d / "truncated.json").write_text(json.dumps([agg_row()])[:-40])
    (d / "garbage.json").write_bytes(bytes(range(256)) * 4)
    (d / "nan.json").write_text(
        "["
        + json.dumps(agg_row(conc=32)).replace("5000.0", "NaN", 1)
        + ","
        + json.dumps(agg_row(conc=64)).replace('"median_tpot": 0.01', '"median_tpot": Infinity')
        + "]"
    )
    (d / "nonpositive.json").write_text(
        json.dumps(
            [
                agg_row(conc=128, tput_per_gpu=0.0),
                agg_row(conc=256, tput_per_gpu=-5.0),
                agg_row(conc=512, median_tpot=0.0, median_intvty=None),
            ]
        )
    )
    missing = agg_row(conc=2)
    del missing["precision"]
    no_tput = agg_row(conc=3)
    del no_tput["tput_per_gpu"]
    (d / "missing.json").write_text(json.dumps([missing, no_tput]))
    (d / "empty.json").write_text("[]")
    (d / "bad_value.json").write_text(
        json.dumps([agg_row(conc=1, tp={"oops": 1}), agg_row(conc=1, tp=8.5), agg_row(conc=1, tput_per_gpu=True)])
    )
    # the same point in two attempts of one run: the newer attempt wins, the other is reported
    run = d / "run_555_1"
    run.mkdir()
    (run / "agg_bmk.json").write_text(json.dumps([agg_row(conc=8, tput_per_gpu=3100.0)]))
    run2 = d / "run_555_2"
    run2.mkdir()
    (run2 / "agg_bmk.json").write_text(json.dumps([agg_row(conc=8, tput_per_gpu=3200.0)]))
    (d / "wrong_header.csv").write_text("# comment\nfoo,bar\n1,2\n")
    (d / "notes.txt").write_text("not data")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../escape.json", json.dumps([agg_row(conc=1024)]))
        zf.writestr("bmk_ok/agg_ok.json", json.dumps(agg_row(conc=2048, tput_per_gpu=100.0, median_tpot=0.2)))
    (d / "artifact.zip").write_bytes(buf.getvalue())
    return d


def test_each_bad_input_gets_its_reason(corpus, no_cache):
    res = load(corpus, cache=False)
    rep = res.report
    rep.check_accounting()
    by_file = {s.file.split("/artifacts/")[-1]: s.reason for s in rep.skips}
    assert by_file["truncated.json"] == "unreadable: invalid or truncated JSON (JSONDecodeError)"
    assert by_file["garbage.json"].startswith("unreadable: not UTF-8")
    assert by_file["wrong_header.csv"].startswith("unknown format: CSV header is not a dashboard export")
    assert by_file["artifact.zip!../../escape.json"] == "zip member path escapes the archive folder"
    reasons = rep.skipped
    assert reasons["non-finite throughput or TPOT"] == 2
    assert reasons["non-positive throughput"] == 2
    assert reasons["non-positive TPOT"] == 1
    assert reasons["missing field: precision"] == 1
    assert reasons["missing field: tput_per_gpu"] == 1
    assert reasons["bad value for field: tp"] == 2  # an object, and a fractional GPU count: never rounded
    assert reasons["bad value for field: tput_per_gpu"] == 1  # a boolean is not a throughput
    # rows from good files and the safe zip member loaded; the rerun kept the newer attempt
    assert sorted(res.points["conc"].to_list()) == [4, 8, 16, 2048]
    eight = res.points.filter(res.points["conc"] == 8)
    assert eight.height == 1
    assert eight["tput_per_gpu"][0] == 3200.0 and eight["run_attempt"][0] == 2 and eight["run_id"][0] == 555
    assert rep.duplicates == 2  # good.json's conc 8 (no run id) and attempt 1
    assert {d["reason"] for d in rep.duplicate_examples} == {"superseded by a newer run of the same point"}
    ignored = [f for f in rep.files if f.status == "ignored"]
    assert [f.path.split("/")[-1] for f in ignored] == ["notes.txt"]
    empty = [f for f in rep.files if f.path.endswith("empty.json")][0]
    assert empty.status == "read" and empty.rows_read == 0


def test_strict_names_file_and_row(corpus, no_cache):
    with pytest.raises(LoadError, match=r"strict load: .*(row \d+|json|csv|zip)"):
        load(corpus, cache=False, strict=True)
    # strict on clean input is fine
    res = load(corpus / "good.json", cache=False, strict=True)
    assert res.points.height == 3
    bad = corpus / "nonpositive.json"
    with pytest.raises(LoadError, match=r"nonpositive\.json, row 0: non-positive throughput"):
        load(bad, cache=False, strict=True)


def test_nothing_readable_is_a_clear_error(tmp_path, no_cache):
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(LoadError, match="nothing could be read: .*x.json: unreadable"):
        load(tmp_path / "x.json", cache=False)
    with pytest.raises(LoadError, match="no such file"):
        load(tmp_path / "missing.json", cache=False)


def test_raw_client_without_topology_needs_it(tmp_path, no_cache):
    raw = {
        "model_id": "moonshotai/Kimi-K2.5",
        "max_concurrency": 8,
        "total_token_throughput": 800.0,
        "output_throughput": 400.0,
        "median_tpot_ms": 20.0,
        "completed": 40,
        "date": "20260101-000000",
    }
    f = tmp_path / "myrun.json"
    f.write_text(json.dumps(raw))
    with pytest.raises(LoadError, match="raw client result without topology"):
        load(f, cache=False)
    res = load(
        f,
        cache=False,
        topology={
            "hw": "h200",
            "tp": 8,
            "isl": 1024,
            "osl": 1024,
            "precision": "int4",
            "framework": "vllm",
            "infmax_model_prefix": "kimik2.5",
        },
    )
    row = res.points.row(0, named=True)
    assert row["tput_per_gpu"] == 100.0 and row["median_tpot_s"] == 0.02 and row["median_intvty"] == 50.0
    assert row["model"] == "Kimi-K2.5" and str(row["date"]) == "2026-01-01"
    zero = tmp_path / "kimik2.5_1k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-none_conc8_h200-x.json"
    zero.write_text(json.dumps({**raw, "completed": 0}))
    assert load(zero, cache=False).report.skipped == {"zero successful requests": 1}


def test_cli_load_json_reports_reasons(corpus):
    out = subprocess.run(
        [sys.executable, "-m", "frontier.cli", "load", str(corpus), "--json", "--no-cache"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["rows_loaded"] == 4 and d["duplicates"] == 2
    assert d["skipped"]["non-positive throughput"] == 2
    assert d["rows_read"] == d["rows_loaded"] + d["rows_skipped"] + d["duplicates"]
    bad = subprocess.run(
        [sys.executable, "-m", "frontier.cli", "load", str(corpus / "garbage.json"), "--no-cache"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "nothing could be read" in bad.stderr
