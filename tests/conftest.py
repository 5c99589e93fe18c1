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
    from frontier import figure_forms

    os.environ[figure_forms.ENV] = figure_forms.REPORT_DEFAULT


SAMPLE_REPORTS_GROUP = "sample_reports"
"""xdist group of the tests that read the sample reports: one worker builds them and runs those tests while the
others run the rest (``--dist loadgroup``)."""


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    """Group the tests that read the sample reports on one worker; mark ``shared`` every test that reads
    ../shared/data behind a skip (tests/shared_gate.py finds them), so a clone's CI pass can select them."""
    from .shared_gate import analyse_all

    gates = analyse_all()
    for item in items:
        if "sample_reports" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(SAMPLE_REPORTS_GROUP))
        gate = gates.get(Path(str(item.fspath)).stem)
        fn = getattr(item, "originalname", item.name)
        qual = f"{item.cls.__name__}.{fn}" if getattr(item, "cls", None) is not None else fn
        if gate is not None and qual in gate.gated:
            item.add_marker(pytest.mark.shared)


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
def run_tmp(tmp_path_factory, request) -> Path:
    """A folder shared by every process of this test run: the session's temporary folder, or with xdist the
    folder holding every worker's (new for each run)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if hasattr(request.config, "workerinput") else base


@pytest.fixture(scope="session")
def sample_reports(run_tmp) -> Path:
    """Every report built once per test run on the bundled sample (``frontier report --out DIR``): by the first
    process that asks; the others wait for it and read the same folder (tests copy it before changing it)."""
    out = run_tmp / "sample_reports"
    record = run_tmp / "sample_reports.json"
    with _exclusive(run_tmp / "sample_reports.lock"):
        if not record.exists():
            done = subprocess.run(
                [sys.executable, "-m", "frontier.cli", "report", "--out", str(out)],
                capture_output=True,
                text=True,
                cwd=paths.ROOT,
                timeout=1200,
            )
            record.write_text(json.dumps({"returncode": done.returncode, "output": done.stdout + done.stderr}))
    built = json.loads(record.read_text())
    assert built["returncode"] == 0, built["output"]
    return out
