"""The performance benchmark runs end to end on a tiny size and records what it measured (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_quick_run_writes_results(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run_bench.py"),
            "--rows",
            "2000",
            "--configs",
            "40",
            "--files",
            "10",
            "--targets",
            "3",
            "--quick",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "AGREE" in proc.stdout
    res = json.loads(out.read_text())
    assert {"machine", "params", "method", "results", "figures", "targets", "agreement", "data"} <= set(res)
    assert {"cores", "ram_gb", "python", "polars", "date"} <= set(res["machine"])
    assert res["params"]["rows"] == 2000 and res["params"]["configs"] == 40 and len(res["params"]["targets"]) == 3
    steps = res["results"]
    for name in (
        "load_lib_many_files",
        "load_lib_one_file",
        "load_pandas_many_files",
        "cache_cold_many_files",
        "cache_warm_many_files",
        "cache_cold_one_file",
        "cache_warm_one_file",
        "iso_lib",
        "iso_ref",
    ):
        assert steps[name]["seconds"] >= 0 and steps[name]["peak_rss_mb"] > 0, name
    # both layouts load every row; the second cached load is a hit
    assert steps["load_lib_many_files"]["rows"] == steps["load_lib_one_file"]["rows"] == 2000
    assert steps["load_pandas_many_files"]["rows"] == 2000
    assert steps["cache_warm_many_files"]["from_cache"] and not steps["cache_cold_many_files"]["from_cache"]
    # one frontier per config; the reference loop covered the configs it timed, and both implementations agree
    assert steps["iso_lib"]["configs"] == 40
    # the deferred full-width tables were built and timed too: every frontier point and every input point
    assert steps["iso_lib"]["frontier_and_points_rows"] > 2000
    assert steps["iso_ref"]["configs_timed"] == 40
    agree = res["agreement"]
    assert agree["ok"] and agree["cells_compared"] > 0
    assert agree["unreachable_mismatches"] == 0 and agree["value_mismatches"] == 0 and agree["max_rel_diff"] <= 1e-9
    assert {t["target"] for t in res["targets"]} and all("met" in t for t in res["targets"])
    assert all({"what", "seconds", "peak_rss_mb"} <= set(f) for f in res["figures"])


def test_report_bench_times_each_step_of_a_report(tmp_path):
    """``./run.sh bench --reports`` on one notebook, without the full build: every step measured, none timed here."""
    out = tmp_path / "reports.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "report_bench.py"), "explore", "--no-build", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (row,) = json.loads(out.read_text())["steps"]
    steps = ("kernel start", "imports", "load", "analysis", "figures", "HTML export")
    assert row["name"] == "explore" and row["n_figures"] == 1  # explore draws one figure
    assert all(row[s] >= 0 for s in steps) and row["kernel start"] > 0 and row["figures"] > 0
    assert row["total"] == sum(row[s] for s in steps)
    printed = proc.stdout.splitlines()
    assert any(ln.startswith("explore") for ln in printed) and any(ln.startswith("total") for ln in printed)
    assert all(s in proc.stdout for s in steps)
