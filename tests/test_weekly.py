"""The weekly job as written (``examples/weekly-report.sh``: fetch, build keeping history, digest) run twice on
one data folder: the bundled sample, then the sample plus a generated run with planted changes
(``tests/planted_run.py``). The digest must list exactly the planted changes, classified against the spread the
first build measured, and nothing else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from frontier import paths
from frontier.data import labels
from frontier.report.changes import MOVED, WITHIN
from frontier.report.history import list_snapshots

from .api_responses import routes
from .api_server import FixtureAPIServer
from .planted_run import MOVED_FACTOR, NEW_RUN, PARAMS, WITHIN_FACTOR, add_planted_run, write_first_snapshot

JOB = paths.ROOT / "examples" / "weekly-report.sh"


def _job(data: Path, api: str, out: Path, fail_on: str = "") -> subprocess.CompletedProcess:
    """The job as cron runs it; its fetch asks the loopback server ``api``, into ``<out>/../api``."""
    fetched = out.parent / "api"
    env = dict(os.environ)
    env.update(
        FRONTIER=f"{sys.executable} -m frontier.cli",
        PYTHONPATH=os.pathsep.join([str(paths.ROOT / "lib"), env.get("PYTHONPATH", "")]),
        FRONTIER_API_BASE=api,
        NO_PROXY="127.0.0.1",
        no_proxy="127.0.0.1",
        WEEKLY_MODELS="DeepSeek-R1-0528",
        WEEKLY_FETCH_OUT=str(fetched),
        WEEKLY_FETCH_ARGS="--history --isl-osl 1024/1024 --max-age 0 --min-interval 0",
        WEEKLY_DATA=f"{data}:{fetched}",
        WEEKLY_OUT=str(out),
        WEEKLY_REPORTS="iso_interactivity",
        WEEKLY_YAML=json.dumps(PARAMS),
        WEEKLY_FAIL_ON=fail_on,
    )
    return subprocess.run(
        ["bash", str(JOB)], cwd=paths.ROOT, env=env, capture_output=True, text=True, timeout=1200, check=False
    )


def _config(rows: list[dict[str, Any]], model: str, hw: str, fw: str, prec: str) -> tuple[str, str]:
    """(the digest's name of a config: every part of its curve key, the label its rows carry) in the first build."""
    row = next(
        r
        for r in rows
        if r["model"].startswith(model)
        and (r["hardware"], r["framework"], r["precision"], r["spec_method"]) == (hw, fw, prec, "none")
    )
    assert row["config_key"] == labels.config_key(row)  # every row naming one config carries its join key
    return labels.config_key_words(row["config_key"]), row["label"]


def _spreads(summary: dict[str, Any], label: str) -> dict[float, float | None]:
    return {r["target tok/s/user"]: r["spread %"] for r in summary["spread"] if r["config"] == label}


@pytest.fixture
def api():
    srv = FixtureAPIServer(routes()).start()  # the same answers both weeks: the fetch adds nothing new
    try:
        yield srv
    finally:
        srv.stop()


def test_weekly_job_lists_exactly_the_planted_changes(tmp_path, api):
    data, out = write_first_snapshot(tmp_path / "data"), tmp_path / "reports"
    first = _job(data, api.base_url, out)
    assert first.returncode == 0, first.stdout + first.stderr
    assert len(list_snapshots(out)) == 1
    assert "nothing to compare yet" in (out / "changes.md").read_text()

    add_planted_run(data)
    second = _job(data, api.base_url, out, fail_on="moved flipped")
    assert second.returncode == 1, second.stdout + second.stderr  # --fail-on matched: something moved and flipped
    snaps = list_snapshots(out)
    assert len(snaps) == 2
    old = json.loads((snaps[0].path / "iso_interactivity" / "summary.json").read_text())
    digest = json.loads((out / "changes.json").read_text())
    assert digest["skipped"] == {}
    [rep] = digest["reports"]

    table = old["table"]
    moved, moved_label = _config(table, "Kimi", "b200", "vllm", "fp4")
    within, within_label = _config(table, "gpt-oss", "h200", "vllm", "fp4")
    # data: exactly the new run
    d = rep["data"]
    assert [r["run_id"] for r in d["runs_added"]] == [NEW_RUN["run_id"]]
    assert d["runs_added"][0]["date"] == NEW_RUN["date"] and d["runs_removed"] == []
    assert d["models_added"] == d["seq_lens_added"] == d["models_removed"] == d["seq_lens_removed"] == []
    assert d["since"] == "2026-10-05"  # the newest date of the first build's data
    # configs: exactly the new one
    assert rep["configs_added"] == ["Llama-3.3-70B-Instruct (synthetic) 1024/1024 · h100 · vllm · bf16 · no spec · agg"]
    assert rep["configs_removed"] == []
    # moves: exactly the two planted configs, each classified against the first build's spread
    by_config = {m["config"]: m for m in rep["moves"]}
    assert set(by_config) == {moved, within}
    assert by_config[moved]["class"] == MOVED and by_config[within]["class"] == WITHIN
    for name, label, factor in ((moved, moved_label, MOVED_FACTOR), (within, within_label, WITHIN_FACTOR)):
        spreads = _spreads(old, label)
        main = by_config[name]["main"]
        assert {c["target"] for c in main} == set(PARAMS["targets"])
        for c in main:
            assert c["field"] == "tput_per_gpu"
            assert abs(c["pct"] - (factor - 1) * 100) < 0.5  # the planted factor, read back
            assert spreads[c["target"]] is not None and c["spread_pct"] == spreads[c["target"]]
            assert (abs(c["pct"]) > spreads[c["target"]]) == (name == moved)
    # flips: only where the moved config now leads its model, like for like
    assert rep["flips"]
    for f in rep["flips"]:
        assert f["new_winner"] == moved and f["model"].startswith("Kimi") and (f["isl"], f["osl"]) == (1024, 1024)
    # nothing else
    assert rep["pricing"] is None and rep["parameters_changed"] == []
    # a headline may count the configs it read ("the cheapest of 31 configs"): the planted new config adds one,
    # and nothing else in it moves
    hl = rep["headline"]
    assert hl is None or (
        len(hl["old"]) == len(hl["new"])
        and hl["numbers"]
        and all(n["new"] == n["old"] + 1 and " configs" in n["sentence"] for n in hl["numbers"])
    ), hl
    assert digest["counts"]["moved"] == 1 and digest["counts"]["within_noise"] == 1
    assert digest["counts"]["spread_unknown"] == 0 and digest["counts"]["price"] == 0
    # the fetch asked the server each week and says it found nothing new the second time
    assert api.count("benchmarks/history") == 2
    assert {e["endpoint"] for e in digest["fetched"]} == {"benchmarks", "benchmarks/history"}
    assert all(e["added"]["rows_added"] == 0 and not e["added"]["first_copy"] for e in digest["fetched"])
    # the words: the digest to paste, the page linked from the index
    md = (out / "changes.md").read_text()
    assert "1 new run since 2026\\-10\\-05" in md or "1 new run since 2026-10-05" in md
    assert md.count("*moved*") == 1 and md.count("*within noise*") == 1 and md.count("*config added*") == 1
    index = (out / "index.html").read_text()
    assert 'href="changes.html"' in index and "Previous builds" in index
    assert all(f"history/{s.path.name}/iso_interactivity/index.html" in index for s in snaps)
    page = (out / "changes.html").read_text()
    assert "Kimi-K2.5" in page and "Fetched since the previous build" in page  # the fetch log reaches the page


def test_the_ci_workflow_and_the_cron_line_run_the_same_job():
    flow = yaml.safe_load((paths.ROOT / "examples" / "weekly-report.yml").read_text())
    job = flow["jobs"]["report"]
    runs = [step.get("run", "") for step in job["steps"]]
    assert "examples/weekly-report.sh" in runs
    out = job["env"]["WEEKLY_OUT"]
    kept = [s for s in job["steps"] if "cache" in str(s.get("uses", ""))]
    assert len(kept) == 2 and all(out in s["with"]["path"] for s in kept)  # history survives between runs
    assert any("upload-artifact" in str(s.get("uses", "")) and s["with"]["path"] == out for s in job["steps"])
    schedule = flow[True]["schedule"][0]["cron"]  # YAML 1.1 reads the key `on` as true
    assert f"{schedule}  cd /path/to/frontier && examples/weekly-report.sh" in JOB.read_text()


def test_the_weekly_job_fetches_new_ci_runs_and_hands_their_log_to_the_digest(tmp_path):
    """The job's fetch step as the cron line and the workflow set it (WEEKLY_RUNS_REPO), against a fake ``gh``: the
    new runs land in WEEKLY_RUNS_OUT with their fetch log; the build is stopped on purpose (an unknown report)."""
    from .test_fetch import make_artifacts, make_gh
    from .test_fetch_new_runs import LISTED, SUCCESS_IDS, _views

    gh, _ = make_gh(tmp_path, artifacts=make_artifacts(tmp_path / "artifacts"), list=LISTED, views=_views(LISTED))
    runs = tmp_path / "runs"
    env = dict(os.environ)
    env.update(
        FRONTIER=f"{sys.executable} -m frontier.cli",
        PYTHONPATH=os.pathsep.join([str(paths.ROOT / "lib"), env.get("PYTHONPATH", "")]),
        FRONTIER_GH=str(gh),
        WEEKLY_RUNS_REPO="SemiAnalysisAI/InferenceX",
        WEEKLY_RUNS_OUT=str(runs),
        WEEKLY_RUNS_ARGS="--max-runs 2",
        WEEKLY_DATA=str(runs),
        WEEKLY_OUT=str(tmp_path / "reports"),
        WEEKLY_REPORTS="no_such_report",
    )
    env.pop("WEEKLY_MODELS", None)
    job = subprocess.run(["bash", str(JOB)], cwd=paths.ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert job.returncode == 2 and "no_such_report" in job.stderr, job.stdout + job.stderr  # the build, not the fetch
    assert "added: first fetch: 2 runs (the newest of 5 listed)" in job.stdout
    assert sorted(int(p.name) for p in runs.iterdir() if p.is_dir()) == sorted(SUCCESS_IDS[:2])
    assert (runs / "fetch-log.meta.json").is_file()
    # the workflow fetches runs into a folder it reads, keeps between weeks and hands to the digest
    flow = yaml.safe_load((paths.ROOT / "examples" / "weekly-report.yml").read_text())
    job_env = flow["jobs"]["report"]["env"]
    assert job_env["WEEKLY_RUNS_REPO"] and "data/raw/runs" in job_env["WEEKLY_DATA"].split(":")
    cached = [s for s in flow["jobs"]["report"]["steps"] if "cache" in str(s.get("uses", ""))]
    assert all("data/raw/runs" in s["with"]["path"].split() for s in cached)
    script = JOB.read_text()
    assert '--fetch-log "$folder/fetch-log.meta.json"' in script and 'for folder in "$FETCH_OUT" "$RUNS_OUT"' in script
