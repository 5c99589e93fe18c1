"""``frontier fetch --new-runs``: every new successful run of the benchmark workflow since the last fetch, with a fake
``gh`` answering ``gh run list`` with recorded-style output (no network)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from frontier.data.fetch import main_fetch
from frontier.data.fetch.added import LOG_NAME, describe
from frontier.data.fetch.newruns import parse_run_list, select_new
from frontier.data.load import load
from frontier.report.changes import compare_builds, read_build
from frontier.report.changes_format import to_markdown, to_text

from .test_fetch import HAND_ROW, gh_calls, make_artifacts, make_gh

REPO = "SemiAnalysisAI/InferenceX"


def listed(run_id: int, created: str, *, attempt: int = 1, conclusion: str = "success") -> dict[str, Any]:
    """One entry as ``gh run list --json databaseId,attempt,createdAt,headSha,status,conclusion,workflowName,url``
    prints it (keys in gh's order: sorted)."""
    return {
        "attempt": attempt,
        "conclusion": conclusion,
        "createdAt": created,
        "databaseId": run_id,
        "headSha": hashlib.sha1(str(run_id).encode()).hexdigest(),
        "status": "completed" if conclusion else "in_progress",
        "url": f"https://github.com/{REPO}/actions/runs/{run_id}",
        "workflowName": "Run Sweep",
    }


# newest first, as gh lists them; one failed run among them (gh --status success leaves it out)
LISTED = [
    listed(27612004518, "2026-12-03T05:12:09Z"),
    listed(27598801112, "2026-12-02T22:40:17Z", conclusion="failure"),
    listed(27588123377, "2026-12-01T04:40:51Z"),
    listed(27561870245, "2026-11-29T06:02:33Z"),
    listed(27533019981, "2026-11-28T03:15:27Z"),
    listed(27509932310, "2026-11-26T07:48:02Z"),
]
NEWER = listed(27640011223, "2026-12-05T06:01:44Z")
SUCCESS_IDS = [r["databaseId"] for r in LISTED if r["conclusion"] == "success"]


def _views(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    keys = ("databaseId", "attempt", "createdAt", "headSha", "url")
    return {str(r["databaseId"]): {k: r[k] for k in keys} for r in entries}


def _gh(tmp_path: Path, entries: list[dict[str, Any]], **more: Any) -> tuple[Path, Path]:
    arts = tmp_path / "artifacts"
    if not arts.exists():
        make_artifacts(arts)
    return make_gh(tmp_path, artifacts=arts, list=entries, views=_views(entries), **more)


def _fetch(gh: Path, out: Path, *more: str) -> int:
    return main_fetch(["--new-runs", "--gh", str(gh), "--out", str(out), *more])


def _on_disk(out: Path) -> list[int]:
    return sorted(int(p.name) for p in out.iterdir() if p.is_dir()) if out.exists() else []


def _downloads(log: Path) -> list[int]:
    return [int(c[2]) for c in gh_calls(log) if c[:2] == ["run", "download"]]


def _records(out: Path) -> list[dict[str, Any]]:
    return [e["added"] for e in json.loads((out / LOG_NAME).read_text())["entries"]]


def test_first_fetch_takes_the_newest_runs_up_to_the_limit(tmp_path, capsys):
    gh, log = _gh(tmp_path, LISTED)
    out = tmp_path / "runs"
    assert _fetch(gh, out, "--max-runs", "3") == 0
    assert _on_disk(out) == sorted(SUCCESS_IDS[:3])  # the newest three successful runs, the failed one never
    run = json.loads((out / str(SUCCESS_IDS[0]) / "run.json").read_text())
    assert (run["run_id"], run["run_attempt"], run["date"]) == (SUCCESS_IDS[0], 1, "2026-12-03")
    assert json.loads((out / str(SUCCESS_IDS[0]) / "results_bmk" / "agg_bmk.json").read_text()) == [HAND_ROW]
    [call] = [c for c in gh_calls(log) if c[:2] == ["run", "list"]]
    assert call == [
        "run",
        "list",
        "--repo",
        REPO,
        "--workflow",
        "run-sweep.yml",
        "--status",
        "success",
        "--limit",
        "100",
        "--json",
        "databaseId,attempt,createdAt,headSha,status,conclusion,workflowName,url",
        "--branch",
        "main",
    ]
    [rec] = _records(out)
    assert rec["kind"] == "runs" and rec["first_copy"] is True and rec["since"] is None
    assert rec["runs_added"] == [str(i) for i in SUCCESS_IDS[:3]] and rec["listed"] == 5
    assert rec["older_than_since"] == 2 and rec["left_for_next_fetch"] == [] and rec["skipped"] == []
    printed = capsys.readouterr().out
    assert "added: first fetch: 3 runs (the newest of 5 listed)" in printed
    assert "2 older, not taken by a first fetch" in printed
    assert load([str(out)], cache=False).report.to_dict()["files_skipped"] == 0  # the log is not read as data


def test_second_fetch_gets_none_and_says_so_then_only_the_new_run(tmp_path, capsys):
    gh, log = _gh(tmp_path, LISTED)
    out = tmp_path / "runs"
    assert _fetch(gh, out) == 0
    assert _on_disk(out) == sorted(SUCCESS_IDS) and len(_downloads(log)) == 5
    capsys.readouterr()
    assert _fetch(gh, out) == 0
    assert len(_downloads(log)) == 5  # nothing downloaded again
    rec = _records(out)[-1]
    assert rec["first_copy"] is False and rec["runs_added"] == [] and rec["already_held"] == 5
    assert "added: no new runs since 2026-12-03" in capsys.readouterr().out

    gh, log = _gh(tmp_path, [NEWER, *LISTED])  # a week later, one more run on main
    assert _fetch(gh, out) == 0
    assert _downloads(log)[-1:] == [NEWER["databaseId"]] and len(_downloads(log)) == 6
    rec = _records(out)[-1]
    assert rec["runs"] == [{"run_id": NEWER["databaseId"], "run_attempt": 1, "date": "2026-12-05", "url": NEWER["url"]}]
    assert rec["since"] == "2026-12-03"
    assert f"added: 1 new run since 2026-12-03: {NEWER['databaseId']} (2026-12-05)" in capsys.readouterr().out


def test_a_rerun_of_a_held_run_is_new_and_replaces_it(tmp_path):
    gh, log = _gh(tmp_path, LISTED[:1])
    out = tmp_path / "runs"
    assert _fetch(gh, out) == 0
    rerun = LISTED[0] | {"attempt": 2}
    gh, log = _gh(tmp_path, [rerun])
    assert _fetch(gh, out) == 0
    assert json.loads((out / str(rerun["databaseId"]) / "run.json").read_text())["run_attempt"] == 2
    assert _records(out)[-1]["runs_added"] == [str(rerun["databaseId"])]


def test_a_failing_run_is_skipped_with_its_reason_and_tried_again(tmp_path, capsys):
    out = tmp_path / "runs"
    gh, _ = _gh(tmp_path, LISTED[3:])  # held up to 2026-11-29
    assert _fetch(gh, out) == 0
    capsys.readouterr()
    bad = SUCCESS_IDS[1]  # 2026-12-01, older than the run that lands after it
    gh, log = _gh(tmp_path, LISTED, fail={str(bad): "HTTP 410: artifact has expired"})
    assert _fetch(gh, out) == 0  # the batch goes on: a skip is not a failed fetch
    assert bad not in _on_disk(out) and SUCCESS_IDS[0] in _on_disk(out)
    printed = capsys.readouterr().out
    assert f"skipped  run {bad} attempt 1  2026-12-01: `gh run download {bad} --repo {REPO}` failed" in printed
    assert "HTTP 410: artifact has expired" in printed
    rec = _records(out)[-1]
    assert rec["runs_added"] == [str(SUCCESS_IDS[0])] and rec["since"] == "2026-11-29"
    [skip] = rec["skipped"]
    assert skip["run_id"] == bad and skip["date"] == "2026-12-01" and "artifact has expired" in skip["reason"]
    line = describe(rec)
    assert line.startswith(f"1 new run since 2026-11-29: {SUCCESS_IDS[0]} (2026-12-03); 1 skipped: {bad} (2026-12-01)")
    # the next fetch tries the skipped run again although it is older than the newest run now held
    gh, log = _gh(tmp_path, LISTED)
    assert _fetch(gh, out) == 0
    assert _downloads(log)[-1] == bad and bad in _on_disk(out)
    assert _records(out)[-1]["runs_added"] == [str(bad)]


def test_the_limit_leaves_no_gap_the_rest_come_next_time(tmp_path, capsys):
    out = tmp_path / "runs"
    gh, _ = _gh(tmp_path, LISTED[-1:])  # one run held, 2026-11-26
    assert _fetch(gh, out) == 0
    gh, log = _gh(tmp_path, LISTED)
    assert _fetch(gh, out, "--max-runs", "2") == 0
    assert _downloads(log)[-2:] == [SUCCESS_IDS[3], SUCCESS_IDS[2]]  # the oldest new runs first
    rec = _records(out)[-1]
    assert rec["left_for_next_fetch"] == [SUCCESS_IDS[1], SUCCESS_IDS[0]]
    assert "2 left for the next fetch (at most 2 per fetch)" in capsys.readouterr().out
    assert _fetch(gh, out, "--max-runs", "2") == 0
    assert _on_disk(out) == sorted(SUCCESS_IDS)


def test_since_fills_in_older_runs(tmp_path):
    out = tmp_path / "runs"
    gh, log = _gh(tmp_path, LISTED)
    assert _fetch(gh, out, "--max-runs", "1") == 0
    assert _on_disk(out) == [SUCCESS_IDS[0]]
    assert _fetch(gh, out) == 0 and _on_disk(out) == [SUCCESS_IDS[0]]  # older runs are not new
    assert _fetch(gh, out, "--since", "2026-11-28") == 0
    assert _on_disk(out) == sorted(SUCCESS_IDS[:4])


def test_the_list_window_that_does_not_reach_back_is_said(tmp_path, capsys):
    out = tmp_path / "runs"
    gh, _ = _gh(tmp_path, LISTED[-1:])
    assert _fetch(gh, out) == 0
    gh, _ = _gh(tmp_path, LISTED)
    assert _fetch(gh, out, "--list-limit", "2") == 0
    printed = capsys.readouterr().out
    assert "the 2 newest runs listed do not reach back to 2026-11-26" in printed and "raise --list-limit" in printed


def test_gh_missing_or_logged_out_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("FRONTIER_GH", raising=False)
    assert main_fetch(["--new-runs", "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not installed" in err and "https://cli.github.com/" in err
    gh, log = make_gh(tmp_path, authenticated=False)
    assert _fetch(gh, tmp_path / "runs") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not logged in" in err and "gh auth login" in err
    assert gh_calls(log) == [["auth", "status"]] and not (tmp_path / "runs").exists()


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--workflow=--help"], "invalid workflow"),
        (["--branch=-x"], "invalid branch"),
        (["--since", "last week"], "invalid date"),
        (["--max-runs", "0"], "must be 1 or more"),
        (["--repo", "a/../b"], "invalid repository"),
    ],
)
def test_bad_options_are_one_line_and_never_reach_gh(tmp_path, capsys, argv, message):
    gh, log = _gh(tmp_path, LISTED)
    assert _fetch(gh, tmp_path / "runs", *argv) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert gh_calls(log) == []


def test_run_list_output_is_checked():
    bad_id = {"databaseId": "7", "status": "completed", "conclusion": "success"}
    runs, problems = parse_run_list(json.dumps([LISTED[0], LISTED[1], listed(1, "yesterday"), bad_id, "x", LISTED[0]]))
    assert [r.run_id for r in runs] == [SUCCESS_IDS[0]]  # the failed run and the duplicate left out
    assert problems == [
        "run 1: invalid createdAt 'yesterday'",
        "an entry with an invalid databaseId '7'",
        "an entry that is str, not an object",
    ]
    assert select_new(runs, {}, since_date=None, max_runs=5)[0] == runs


def test_the_digest_names_the_count_and_the_since_date(tmp_path):
    out = tmp_path / "runs"
    gh, _ = _gh(tmp_path, LISTED[3:])
    assert _fetch(gh, out) == 0  # first fetch: three runs, the newest 2026-11-29
    gh, _ = _gh(tmp_path, [NEWER, *LISTED])
    assert _fetch(gh, out) == 0  # three new runs
    assert _fetch(gh, out) == 0  # nothing new
    builds = []
    for name in ("old", "new"):  # two builds without build times: every log entry lies between them
        (tmp_path / name / "iso").mkdir(parents=True)
        (tmp_path / name / "iso" / "summary.json").write_text(json.dumps({"schema_version": 1, "title": "Iso"}))
        builds.append(read_build(tmp_path / name))
    digest = compare_builds(*builds, fetch_log=[tmp_path / "api" / LOG_NAME, out / LOG_NAME])
    lines = [describe(e["added"]) for e in digest["fetched"]]
    assert lines[1] == (
        f"3 new runs since 2026-11-29: {SUCCESS_IDS[1]} (2026-12-01), {SUCCESS_IDS[0]} (2026-12-03), "
        f"{NEWER['databaseId']} (2026-12-05)"
    )
    assert lines[2] == "no new runs since 2026-12-05"
    text = to_text(digest)
    assert "Fetched since the previous build" in text
    assert "gh run list repo=SemiAnalysisAI/InferenceX workflow=run-sweep.yml branch=main: 3 new runs since" in text
    md = to_markdown(digest)
    assert "3 new runs since 2026-11-29" in md or "3 new runs since 2026\\-11\\-29" in md
