"""The bundled synthetic sample: determinism, format, coverage and physical sanity."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from frontier.analysis import bounds
from frontier.data import sample, specs
from frontier.paths import SAMPLE_DIR

REAL_KEYS = {"dsr1", "gptoss", "kimik2.5", "llama70b"}
MAIN = (9100000003, 1)


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "README.md"
    }


def _load(root: Path) -> list[dict]:
    rows = []
    for run_dir in sorted(root.glob("run_*")):
        meta = json.loads((run_dir / "run.json").read_text())
        for f in sorted(run_dir.rglob("agg_*.json")):
            data = json.loads(f.read_text())
            for r in data if isinstance(data, list) else [data]:
                rows.append({**r, "_run": (meta["run_id"], meta["run_attempt"]), "_date": meta["date"], "_file": f})
    return rows


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    assert SAMPLE_DIR.is_dir(), "bundled sample missing: run python -m frontier.data.sample"
    return _load(SAMPLE_DIR)


@pytest.fixture(scope="module")
def main_rows(rows) -> list[dict]:
    return [r for r in rows if r["_run"] == MAIN]


def _topo(r: dict) -> tuple:
    if r["is_multinode"]:
        return (
            "disagg",
            r["prefill_tp"],
            r["prefill_num_workers"],
            r["decode_tp"],
            r["decode_ep"],
            r["decode_dp_attention"],
            r["decode_num_workers"],
        )
    return ("single", r["tp"], r["ep"], r["dp_attention"])


def _config(r: dict) -> tuple:
    return (r["infmax_model_prefix"], r["hw"], r["framework"], r["precision"], r["spec_decoding"], r["isl"], r["osl"])


def _pareto(pts: list[dict]) -> list[dict]:
    pts = sorted(pts, key=lambda r: (r["median_intvty"], -r["tput_per_gpu"]))
    kept: list[dict] = []
    for p in pts:
        if kept and p["median_intvty"] == kept[-1]["median_intvty"]:
            if p["tput_per_gpu"] > kept[-1]["tput_per_gpu"]:
                kept[-1] = p
            continue
        while kept and p["tput_per_gpu"] >= kept[-1]["tput_per_gpu"]:
            kept.pop()
        kept.append(p)
    return kept


# --- determinism ---------------------------------------------------------------------------------------------


def test_regeneration_is_byte_identical_to_committed(tmp_path):
    counts = sample.write_sample(tmp_path, seed=sample.DEFAULT_SEED)
    assert sum(counts.values()) == len(_load(SAMPLE_DIR))
    new, old = _files(tmp_path), _files(SAMPLE_DIR)
    assert sorted(new) == sorted(old)
    differing = [k for k in new if new[k] != old[k]]
    assert not differing, f"{len(differing)} files differ, e.g. {differing[:3]}"


def test_other_seed_differs_and_cli_writes(tmp_path, capsys):
    assert sample.main_sample(["--out", str(tmp_path), "--seed", "7"]) == 0
    assert "synthetic rows" in capsys.readouterr().out
    a = json.loads((tmp_path / "run_9100000003/results_bmk/agg_bmk.json").read_text())
    b = json.loads((SAMPLE_DIR / "run_9100000003/results_bmk/agg_bmk.json").read_text())
    assert len(a) == len(b)
    assert [r["conc"] for r in a] == [r["conc"] for r in b]
    assert any(x["tput_per_gpu"] != y["tput_per_gpu"] for x, y in zip(a, b))


def test_regeneration_keeps_foreign_files(tmp_path):
    (tmp_path / "README.md").write_text("keep me")
    (tmp_path / "run_1").mkdir()
    (tmp_path / "run_1" / "run.json").write_text('{"run_id": 1}')  # not synthetic: left alone
    sample.write_sample(tmp_path)
    assert (tmp_path / "README.md").read_text() == "keep me"
    assert (tmp_path / "run_1" / "run.json").exists()


# --- layout and format ---------------------------------------------------------------------------------------


def test_layout_and_run_metadata():
    runs = sorted(SAMPLE_DIR.glob("run_*"))
    metas = [json.loads((d / "run.json").read_text()) for d in runs]
    for m in metas:
        assert set(m) == {"run_id", "run_attempt", "date", "head_sha", "synthetic"}
        assert m["synthetic"] is True
        assert len(m["head_sha"]) == 40 and int(m["head_sha"], 16) >= 0
    assert sorted({m["date"] for m in metas}) == ["2026-08-03", "2026-09-07", "2026-10-05"]
    assert (SAMPLE_DIR / "run_9100000003" / "results_bmk" / "agg_bmk.json").is_file()
    per_point = list((SAMPLE_DIR / "run_9100000001").glob("bmk_*/agg_*.json"))
    assert per_point
    for f in per_point:
        assert f.parent.name == "bmk_" + f.stem[len("agg_") :]
    total = sum(p.stat().st_size for p in SAMPLE_DIR.rglob("*") if p.is_file())
    assert total < 5_000_000


def test_row_format(rows):
    assert 1000 <= len(rows) <= 3000
    for r in rows:
        keys = list(r)[:-3]  # drop test bookkeeping
        assert keys[:12] == list(sample.HEAD_FIELDS)
        topo_fields = sample.MULTINODE_FIELDS if r["is_multinode"] else sample.SINGLE_NODE_FIELDS
        assert keys[12 : 12 + len(topo_fields)] == list(topo_fields)
        assert keys[12 + len(topo_fields) :] == list(sample.METRIC_FIELDS) + ["synthetic"]
        assert r["synthetic"] is True
        assert r["model"].startswith("synthetic/")
        assert r["infmax_model_prefix"] in REAL_KEYS
        assert isinstance(r["conc"], int) and isinstance(r["isl"], int) and isinstance(r["disagg"], bool)
        for k in ("dp_attention", "prefill_dp_attention", "decode_dp_attention"):
            if k in r:
                assert r[k] in ("true", "false")
        for f in sample.METRIC_FIELDS:
            assert isinstance(r[f], float) and math.isfinite(r[f]) and r[f] > 0, (f, r[f])
        for s in sample.STATS_SRC:
            assert r[f"{s}_intvty"] == pytest.approx(1.0 / r[f"{s}_tpot"], rel=1e-8)
        assert r["p90_ttft"] <= r["p99_ttft"] <= r["p99.9_ttft"]
        assert r["median_ttft"] < r["median_e2el"]


def test_gpu_accounting(rows):
    for r in rows:
        if r["is_multinode"]:
            npf, nd = r["num_prefill_gpu"], r["num_decode_gpu"]
            assert npf == r["prefill_tp"] * r["prefill_num_workers"]
            assert nd == r["decode_tp"] * r["decode_num_workers"]
            total = r["output_tput_per_gpu"] * nd + r["input_tput_per_gpu"] * npf
            assert r["tput_per_gpu"] * (npf + nd) == pytest.approx(total, rel=1e-7)
        else:
            assert r["tput_per_gpu"] == pytest.approx(r["output_tput_per_gpu"] + r["input_tput_per_gpu"], rel=1e-7)


# --- coverage ------------------------------------------------------------------------------------------------


def test_coverage(main_rows):
    gpus = {specs.gpu_key(r["hw"]) for r in main_rows}
    assert {"h100", "h200", "b200", "gb200", "mi300x", "mi355x"} <= gpus
    assert {"fp4", "fp8", "int4", "bf16"} <= {r["precision"] for r in main_rows}
    assert {r["infmax_model_prefix"] for r in main_rows} == REAL_KEYS
    assert {(r["isl"], r["osl"]) for r in main_rows} == {(1024, 1024), (8192, 1024)}
    disagg = [r for r in main_rows if r["disagg"]]
    assert disagg and all(r["hw"] == "gb200" and r["framework"] == "dynamo-trt" and r["is_multinode"] for r in disagg)
    assert {(r["isl"], r["spec_decoding"]) for r in disagg} == {
        (1024, "none"),
        (1024, "mtp"),
        (8192, "none"),
        (8192, "mtp"),
    }
    # MTP vs none pairs: same config, only spec_decoding differs
    spec_methods = defaultdict(set)
    for r in main_rows:
        spec_methods[(r["infmax_model_prefix"], r["hw"], r["framework"], r["precision"])].add(r["spec_decoding"])
    pairs = [k for k, v in spec_methods.items() if v == {"none", "mtp"}]
    assert len(pairs) >= 5
    assert ("dsr1", "gb200", "dynamo-trt", "fp4") in pairs
    # required model / precision / hardware combinations
    combos = {(r["infmax_model_prefix"], specs.gpu_key(r["hw"]), r["precision"]) for r in main_rows}
    for need in [
        ("dsr1", "b200", "fp4"),
        ("dsr1", "b200", "fp8"),
        ("gptoss", "b200", "fp4"),
        ("kimik2.5", "b200", "fp4"),
        ("kimik2.5", "b200", "int4"),
        ("kimik2.5", "h200", "int4"),
        ("llama70b", "h100", "fp8"),
        ("llama70b", "h200", "fp8"),
        ("llama70b", "b200", "fp4"),
    ]:
        assert need in combos, need


def test_history_trend(rows):
    by_date = defaultdict(dict)
    for r in rows:
        if r["_run"][1] != 1 or (r["infmax_model_prefix"], r["hw"], r["precision"]) != ("dsr1", "b200", "fp4"):
            continue
        if (
            r["framework"] == "sglang"
            and r["spec_decoding"] == "none"
            and r["isl"] == 1024
            and _topo(r) == ("single", 8, 1, "false")
        ):
            by_date[r["_date"]][r["conc"]] = r
    dates = sorted(by_date)
    assert dates == ["2026-08-03", "2026-09-07", "2026-10-05"]
    assert len({next(iter(by_date[d].values()))["image"] for d in dates}) == 3
    for conc in (16, 64, 256):
        t = [by_date[d][conc]["tput_per_gpu"] for d in dates]
        assert t[0] < t[1] < t[2]
        assert 1.08 < t[1] / t[0] < 1.2 and 1.08 < t[2] / t[1] < 1.2
    # Kimi: the last step is a new topology (DP-attention) on the frontier
    kimi = defaultdict(set)
    for r in rows:
        if r["_run"][1] == 1 and (r["infmax_model_prefix"], r["precision"], r["hw"], r["isl"]) == (
            "kimik2.5",
            "fp4",
            "b200",
            1024,
        ):
            kimi[r["_date"]].add(r["dp_attention"])
    assert kimi["2026-08-03"] == kimi["2026-09-07"] == {"false"}
    assert "true" in kimi["2026-10-05"]


def test_rerun_duplicate(rows):
    dup = [r for r in rows if r["_run"] == (9100000003, 2)]
    assert len(dup) == 1
    d = dup[0]
    orig = [
        r
        for r in rows
        if r["_run"] == MAIN and _config(r) == _config(d) and _topo(r) == _topo(d) and r["conc"] == d["conc"]
    ]
    assert len(orig) == 1
    assert orig[0]["tput_per_gpu"] != d["tput_per_gpu"]
    assert orig[0]["tput_per_gpu"] == pytest.approx(d["tput_per_gpu"], rel=0.05)


# --- physical sanity -----------------------------------------------------------------------------------------


def test_throughput_falls_as_interactivity_rises(rows):
    curves = defaultdict(list)
    for r in rows:
        curves[(r["_run"], _config(r), _topo(r))].append(r)
    for key, pts in curves.items():
        pts.sort(key=lambda r: r["conc"])
        for a, b in zip(pts, pts[1:]):
            assert b["median_intvty"] < a["median_intvty"], key
            assert b["tput_per_gpu"] > a["tput_per_gpu"], key
            assert b["median_ttft"] > 0 and b["median_tpot"] > a["median_tpot"]


def test_mtp_raises_interactivity(main_rows):
    idx = defaultdict(dict)
    for r in main_rows:
        key = (r["infmax_model_prefix"], r["hw"], r["framework"], r["precision"], r["isl"], _topo(r), r["conc"])
        idx[key][r["spec_decoding"]] = r
    pairs = [v for v in idx.values() if len(v) == 2]
    assert len(pairs) > 100
    for v in pairs:
        assert v["mtp"]["median_intvty"] > v["none"]["median_intvty"]
        assert v["mtp"]["mean_itl"] > 2 * v["mtp"]["mean_tpot"]  # several tokens per step
        assert v["none"]["mean_itl"] == pytest.approx(v["none"]["mean_tpot"], rel=1e-6)


def test_frontier_mixes_topologies(main_rows):
    curves = defaultdict(list)
    for r in main_rows:
        curves[_config(r)].append(r)
    mixed = [k for k, pts in curves.items() if len({_topo(p) for p in _pareto(pts)}) >= 2]
    assert len(mixed) >= 0.8 * len(curves)


def test_concurrency_fits_kv_budget(main_rows):
    for r in main_rows:
        if r["is_multinode"]:
            continue
        kv = specs.kv_cache_budget(
            r["infmax_model_prefix"],
            r["precision"],
            r["hw"],
            r["tp"],
            r["isl"],
            r["osl"],
            dp_attention=r["dp_attention"] == "true",
        )
        assert r["conc"] <= kv.max_concurrency


def test_below_physical_floor(main_rows):
    """No non-MTP point beats the batch-1 bandwidth floor of its GPUs."""
    for r in main_rows:
        if r["spec_decoding"] != "none" or r["is_multinode"]:
            continue
        floor = bounds.decode_floor(r["infmax_model_prefix"], r["precision"], r["hw"], r["tp"])
        assert r["median_intvty"] < floor.tok_s_user


# --- bulk generator ------------------------------------------------------------------------------------------


def test_generate_frame_shape_and_types():
    df = sample.generate_frame(7, 5, seed=3)
    assert df.height == 35
    expected = list(sample.HEAD_FIELDS) + list(sample.SINGLE_NODE_FIELDS) + list(sample.METRIC_FIELDS) + ["synthetic"]
    assert df.columns == expected
    assert df.schema["conc"] == pl.Int64 and df.schema["dp_attention"] == pl.String
    assert df.schema["p99.9_ttft"] == pl.Float64 and df.schema["disagg"] == pl.Boolean
    assert set(df["dp_attention"].unique()) <= {"true", "false"}
    assert df["model"].str.starts_with("synthetic/").all() and df["synthetic"].all()
    metrics = df.select(list(sample.METRIC_FIELDS)).to_numpy()
    assert np.isfinite(metrics).all() and (metrics > 0).all()
    keys = [
        "infmax_model_prefix",
        "hw",
        "framework",
        "precision",
        "spec_decoding",
        "isl",
        "osl",
        "tp",
        "ep",
        "dp_attention",
        "conc",
    ]
    assert not df.select(keys).is_duplicated().any()
    assert df.equals(sample.generate_frame(7, 5, seed=3))
    assert not df.equals(sample.generate_frame(7, 5, seed=4))
    assert sample.generate_frame(0, 5, seed=1).height == 0


def test_generate_frame_repeats_catalogue_with_distinct_curves():
    n = len(sample._bulk_catalogue()) + 3
    df = sample.generate_frame(n, 2, seed=1)
    keys = [
        "infmax_model_prefix",
        "hw",
        "framework",
        "precision",
        "spec_decoding",
        "isl",
        "osl",
        "tp",
        "ep",
        "dp_attention",
        "conc",
    ]
    assert df.height == 2 * n and not df.select(keys).is_duplicated().any()


def test_writers_roundtrip(tmp_path):
    df = sample.generate_frame(4, 6, seed=1)
    p = sample.write_agg_bmk(df, tmp_path / "x" / "agg_bmk.json")
    data = json.loads(p.read_text())
    assert isinstance(data, list) and len(data) == df.height
    assert list(data[0]) == df.columns and "p99.9_tpot" in data[0]
    assert data[0]["dp_attention"] in ("true", "false") and data[0]["synthetic"] is True
    paths = sample.write_agg_files(df, tmp_path / "many", 3)
    assert [q.parent.name for q in paths] == ["run_0", "run_1", "run_2"]
    assert sum(len(json.loads(q.read_text())) for q in paths) == df.height
    meta = json.loads((paths[0].parent / "run.json").read_text())
    assert meta["synthetic"] is True and meta["run_attempt"] == 1
    with pytest.raises(ValueError):
        sample.write_agg_files(df, tmp_path / "none", 0)
