"""Shared fixtures. Real InferenceX data is read in place from ../shared/data (skipped when absent)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontier import paths

SHARED = paths.SHARED_DATA / "inferencex"
MANTILE_RAW = SHARED / "gminneci__mantile" / "reconcile" / "sources" / "inferencemax" / "raw"
API_FIXTURES = SHARED / "SemiAnalysisAI__InferenceX-app" / "packages" / "app" / "cypress" / "fixtures" / "api"
KIMI_DIR = SHARED / "SemiAnalysisAI__InferenceX"
CSV_DIR = SHARED / "heyram74__nebius_sopertors_inferencex_benchmark" / "results" / "InferenceX_results_snapshot"
EARLY_AGG = SHARED / "jyothisambolu__InferenceMAX" / "dashboard" / "results.json"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real data not present at {path} (the ../shared/data folder ships with CI, not with clones)")
    return path


@pytest.fixture
def shared_data() -> Path:
    return need(SHARED)


@pytest.fixture
def no_cache(tmp_path, monkeypatch):
    """Point the load cache at a temporary folder."""
    monkeypatch.setattr(paths, "DATA_PROCESSED", tmp_path / "processed")
    return tmp_path / "processed"


def pytest_configure(config):
    """Notebooks run by tests render each figure in the form a report uses (the light SVG); a test that needs
    pixels or every form asks for them (``monkeypatch.setenv(figure_forms.ENV, "light" or "all")``)."""
    from frontier.report import figure_forms

    os.environ[figure_forms.ENV] = figure_forms.REPORT_DEFAULT


def pytest_itemcollected(item):
    """Mark ``shared`` every test that reads ../shared/data behind a skip (tests/shared_gate.py finds them), as it
    is collected (before ``-m`` selects), so a clone's CI pass can select them."""
    from .shared_gate import analyse_all

    gate = analyse_all().get(Path(str(item.fspath)).stem)
    fn = getattr(item, "originalname", item.name)
    qual = f"{item.cls.__name__}.{fn}" if getattr(item, "cls", None) is not None else fn
    if gate is not None and qual in gate.gated:
        item.add_marker(pytest.mark.shared)


@pytest.hookimpl(trylast=True)  # after -m / -k deselection: only the tests that will run
def pytest_collection_modifyitems(config, items):
    """Run the tests that read the sample reports last and start building those reports now, in the background,
    so the build overlaps the rest of the suite."""
    readers = [item for item in items if "sample_reports" in getattr(item, "fixturenames", ())]
    if readers and not config.option.collectonly:
        ids = {id(item) for item in readers}
        items[:] = [item for item in items if id(item) not in ids] + readers  # same order in every worker
        _start_sample_reports(_run_tmp(config))


def _run_tmp(config) -> Path:
    """A folder shared by every process of this test run: the session's temporary folder, or with xdist the
    folder holding every worker's (new for each run)."""
    base = config._tmp_path_factory.getbasetemp()
    return base.parent if hasattr(config, "workerinput") else base


# the build of the sample reports, run by a process of its own that holds the lock until its record is written
_BUILD = """
import json, os, subprocess, sys
out, record = sys.argv[1], sys.argv[2]
done = subprocess.run([sys.executable, "-m", "frontier.cli", "report", "--out", out], capture_output=True, text=True,
                      timeout=1200)
with open(record + ".tmp", "w") as fh:
    json.dump({"returncode": done.returncode, "output": done.stdout + done.stderr}, fh)
os.replace(record + ".tmp", record)
"""


def _sample_paths(run_tmp: Path) -> tuple[Path, Path, Path]:
    """(reports folder, build record, lock) of the sample reports of this test run."""
    return run_tmp / "sample_reports", run_tmp / "sample_reports.json", run_tmp / "sample_reports.lock"


def _start_sample_reports(run_tmp: Path) -> None:
    """Start the build unless it is running or done: whoever takes the lock first hands it to the build process,
    which keeps it until its record is written (a lock taken with flock belongs to the open file, which the child
    inherits), so one build runs per test run, however many workers collect."""
    out, record, lock = _sample_paths(run_tmp)
    with lock.open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # being built
        if not record.exists():
            subprocess.Popen(
                [sys.executable, "-c", _BUILD, str(out), str(record)],
                cwd=paths.ROOT,
                pass_fds=[fh.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``lock`` (created if missing) for the block, across processes."""
    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def sample_reports(request) -> Path:
    """Every report built once per test run on the bundled sample (``frontier report --out DIR``), started at
    collection (above); waits for the build and reads the same folder in every worker (tests copy it before
    changing it). Built here if it was not started."""
    out, record, lock = _sample_paths(_run_tmp(request.config))
    with _exclusive(lock):
        if not record.exists():
            subprocess.run([sys.executable, "-c", _BUILD, str(out), str(record)], cwd=paths.ROOT, check=False)
    built = json.loads(record.read_text())
    assert built["returncode"] == 0, built["output"]
    return out
