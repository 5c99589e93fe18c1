"""Shared fixtures. Real InferenceX data is read in place from ../shared/data (skipped when absent)."""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def sample_reports(tmp_path_factory) -> Path:
    """Every report built once per test session on the bundled sample (``frontier report --out DIR``)."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("sample_reports")
    done = subprocess.run(
        [sys.executable, "-m", "frontier.cli", "report", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=1200,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out
