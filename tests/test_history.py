"""The build history of an output folder: what a build keeps, the bound, failed builds, the index section."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from frontier.report.history import (
    BUILD_FILE,
    HISTORY_DIR,
    KEPT_FILES,
    check_reserved,
    history_html,
    keep_history,
    list_snapshots,
)
from frontier.report.index import write_index
from frontier.report.results import ReportError, ReportResult, ReportResults

T0 = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)


def _report(out: Path, name: str, value: float, headline: list[str] | None = None) -> ReportResult:
    """A published report folder as the runner leaves it (page, summary, run record, a figure)."""
    d = out / name
    (d / "figures").mkdir(parents=True, exist_ok=True)
    summary = {"schema_version": 1, "title": f"Title of {name}", "table": [{"label": "a", "tput_per_gpu": value}]}
    if headline is not None:
        summary["headline"] = headline
    (d / "summary.json").write_text(json.dumps(summary))
    (d / "index.html").write_text(f"<html>{name} {value}</html>")
    (d / "figures" / "f-light.svg").write_text("<svg/>")
    run = {"status": "ok", "finished_utc": "2026-11-30T06:00:00Z", "title": f"Title of {name}", "scope": "m · 1/1"}
    (d / "run.json").write_text(json.dumps(run | {"files": ["index.html", "summary.json", "figures/f-light.svg"]}))
    return ReportResult(name, "ok", d, d / "index.html", "s", "f", 1.0, {})


def _failed(out: Path, name: str) -> ReportResult:
    return ReportResult(name, "failed", out / name, out / name / "failed.html", "s", "f", 1.0, {}, error="Boom")


def _build(out: Path, i: int, *results: ReportResult) -> Path | None:
    return keep_history(out, ReportResults(results), keep=3, when=T0 + dt.timedelta(days=7 * i))


def test_a_build_keeps_summary_page_and_headline_of_each_report(tmp_path):
    snap = _build(tmp_path, 0, _report(tmp_path, "iso", 10.0, ["B200 leads."]), _report(tmp_path, "trend", 1.0))
    assert snap == tmp_path / HISTORY_DIR / "2026-11-30T06-00-00Z"
    for name in ("iso", "trend"):
        assert sorted(p.name for p in (snap / name).iterdir()) == sorted(KEPT_FILES)  # figures are not kept
        assert (snap / name / "index.html").read_text() == (tmp_path / name / "index.html").read_text()
    build = json.loads((snap / BUILD_FILE).read_text())
    assert build["built_utc"] == "2026-11-30T06:00:00Z" and build["complete"] is True
    assert build["reports"]["iso"]["headline"] == ["B200 leads."]
    assert build["reports"]["iso"]["title"] == "Title of iso" and build["reports"]["trend"]["headline"] == []
    assert not list((tmp_path / HISTORY_DIR).glob(".new-*"))


def test_history_keeps_the_newest_n_builds_and_never_a_foreign_folder(tmp_path):
    foreign = tmp_path / HISTORY_DIR / "2020-01-01T00-00-00Z"
    foreign.mkdir(parents=True)
    (foreign / "mine.txt").write_text("not written by frontier")
    for i in range(5):
        _build(tmp_path, i, _report(tmp_path, "iso", float(i)))
    snaps = list_snapshots(tmp_path)
    assert [s.path.name[:10] for s in snaps] == ["2026-12-14", "2026-12-21", "2026-12-28"]  # the newest 3
    assert (foreign / "mine.txt").exists()
    # the same second twice: a second folder, not an overwrite
    _build(tmp_path, 4, _report(tmp_path, "iso", 9.0))
    assert list_snapshots(tmp_path)[-1].path.name == "2026-12-28T06-00-00Z-2"


def test_a_failed_build_never_replaces_or_deletes_history(tmp_path):
    for i in range(3):
        _build(tmp_path, i, _report(tmp_path, "iso", float(i)))
    before = [s.path.name for s in list_snapshots(tmp_path)]
    # every report failed: nothing kept, nothing deleted
    assert _build(tmp_path, 3, _failed(tmp_path, "iso")) is None
    assert [s.path.name for s in list_snapshots(tmp_path)] == before
    # one report failed: the build is kept with the failure named, and no older build is deleted
    snap = _build(tmp_path, 4, _report(tmp_path, "trend", 1.0), _failed(tmp_path, "iso"))
    assert snap is not None and [s.path.name for s in list_snapshots(tmp_path)] == [*before, snap.name]
    build = json.loads((snap / BUILD_FILE).read_text())
    assert build["complete"] is False and build["reports"]["iso"] == {"status": "failed", "error": "Boom"}
    assert not (snap / "iso").exists()
    # the next complete build prunes back to the bound
    _build(tmp_path, 5, _report(tmp_path, "iso", 5.0))
    assert len(list_snapshots(tmp_path)) == 3


def test_keep_zero_keeps_nothing(tmp_path):
    assert keep_history(tmp_path, ReportResults([_report(tmp_path, "iso", 1.0)]), keep=0) is None
    assert not (tmp_path / HISTORY_DIR).exists()


def test_reserved_names():
    check_reserved(["iso", "trend"])
    with pytest.raises(ReportError, match="history"):
        check_reserved(["iso", "history"])


def test_index_lists_previous_builds_escaped(tmp_path):
    name = 'x"><script>alert(1)</script>'
    _build(tmp_path, 0, _report(tmp_path, "iso", 1.0), _failed(tmp_path, name))
    _build(tmp_path, 1, _report(tmp_path, "iso", 2.0))
    section = history_html(tmp_path)
    assert "<script>" not in section and "&lt;script&gt;" in section
    assert section.index("2026-12-07") < section.index("2026-11-30")  # newest first
    assert 'href="history/2026-12-07T06-00-00Z/iso/index.html"' in section
    assert "(a report failed)" in section
    (tmp_path / "changes.html").write_text("<title>What changed</title>")
    page = write_index(tmp_path).read_text()
    assert "Previous builds" in page and 'href="changes.html"' in page


def test_reports_not_run_in_a_build_are_kept_as_they_were(tmp_path):
    from frontier.report.changes import compare_builds, read_build

    _build(tmp_path, 0, _report(tmp_path, "iso", 1.0), _report(tmp_path, "trend", 1.0))
    snap = _build(tmp_path, 1, _report(tmp_path, "trend", 2.0))  # only trend ran; iso stays published
    assert snap is not None
    build = json.loads((snap / BUILD_FILE).read_text())
    assert build["reports"]["iso"]["rebuilt"] is False and build["reports"]["trend"]["rebuilt"] is True
    assert (snap / "iso" / "summary.json").is_file()
    old, new = list_snapshots(tmp_path)
    digest = compare_builds(read_build(old.path), read_build(new.path))
    assert [r["name"] for r in digest["reports"]] == ["trend"]
    assert digest["skipped"] == {"iso": "not rebuilt in the newer build (its page is the one before)"}
    assert "(as before)" in history_html(tmp_path)


def test_report_command_keeps_history_and_a_failed_build_deletes_none(tmp_path, sample_reports):
    """The session's build of every report, then in a copy: a build that fails (nothing kept, nothing deleted) and
    a good rebuild of one report (a second snapshot, the What changed page, the digest)."""
    import shutil
    import subprocess
    import sys

    from frontier import paths

    def report(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "frontier.cli", *args]
        return subprocess.run(cmd, capture_output=True, text=True, cwd=paths.ROOT, timeout=1200, check=False)

    out = tmp_path / "reports"
    shutil.copytree(sample_reports, out, symlinks=True)
    names = sorted(p.stem for p in paths.NOTEBOOKS.glob("*.ipynb"))
    [first] = list_snapshots(out)
    assert sorted(first.reports) == names and all(e["status"] == "ok" for e in first.reports.values())
    assert all((first.path / n / "summary.json").is_file() for n in names)
    assert not (out / "changes.html").exists()  # one build: nothing to compare yet

    failed = report("report", "explore", "-p", "model", "NoSuchModel", "--out", str(out))
    assert failed.returncode == 1
    assert [s.path for s in list_snapshots(out)] == [first.path]  # kept, not replaced
    assert (first.path / "explore" / "index.html").is_file()

    again = report("report", "explore", "-p", "lookup_at", "55", "--out", str(out))
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(list_snapshots(out)) == 2
    assert (
        "What changed" in (out / "changes.html").read_text()
        and 'href="changes.html"' in (out / "index.html").read_text()
    )
    digest = report("changes", "--out", str(out), "--json")
    assert digest.returncode == 0, digest.stderr
    d = json.loads(digest.stdout)
    [explore] = d["reports"]
    assert explore["name"] == "explore" and explore["parameters_changed"][0]["name"] == "lookup_at"
    assert set(d["skipped"]) == set(names) - {"explore"}
