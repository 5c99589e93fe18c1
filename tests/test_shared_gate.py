"""The suite's tests that read ../shared/data all go through a gate that skips without it (tests/shared_gate.py):
what lets CI's pass on a clone without ../shared run only those tests and a smoke subset, not the whole suite."""

from __future__ import annotations

import pytest

from frontier import paths

from .conftest import need
from .shared_gate import analyse, analyse_all

# cheap checks of the checkout itself: they also run in CI's pass on a clone without ../shared
pytestmark = pytest.mark.smoke


def test_every_test_that_reads_shared_data_skips_without_it():
    gates = analyse_all()
    assert [v for g in gates.values() for v in g.violations] == []
    gated = {f"{m}::{t}" for m, g in gates.items() for t in g.gated}
    # the analysis sees the tests it must: by need(), by a skipif made from a shared path, by module mark
    assert "test_load_real::test_all_agg_bmk_rows_accounted_for" in gated  # need(MANTILE_RAW)
    assert "test_evals::test_load_real_evaluations" in gated  # @needs_real (a skipif on EVAL_FILE)
    assert "test_compare::test_public_openrouter_export_prices_gpt_oss" in gated  # need(paths.SHARED_DATA / ...)
    assert gates["test_fetch"].marked and gates["test_fetch_to_load"].marked
    assert "MANTILE_RAW" in gates["test_notebooks"].shared_names  # imported from conftest
    assert "HAVE_RECORDED" in gates["test_fetch_to_load"].shared_names  # imported from test_fetch


def test_the_library_and_the_benchmark_never_read_shared_data():
    """Only tests read ../shared/data; the library names it once, in frontier.paths."""
    for root in (paths.PACKAGE_DIR, paths.ROOT / "bench"):
        for f in sorted(root.rglob("*.py")):
            if f == paths.PACKAGE_DIR / "paths.py":
                continue
            assert "SHARED_DATA" not in f.read_text(encoding="utf-8"), f


def test_need_skips_with_its_reason(tmp_path):
    with pytest.raises(pytest.skip.Exception, match="real data not present at .*absent"):
        need(tmp_path / "absent")
    assert need(tmp_path) == tmp_path


def test_the_analysis_finds_gates_and_reports_what_escapes_them():
    src = '''
from frontier import paths
from .conftest import MANTILE_RAW, need
RAW = MANTILE_RAW / "x"
DIRECT = paths.SHARED_DATA / "y"
real = pytest.mark.skipif(not DIRECT.exists(), reason="absent")

def test_gated():
    load(need(RAW))

@real
def test_skipif():
    load(DIRECT)

def test_fixture(shared_data):
    load(shared_data)

def test_ungated():
    load(RAW)

def helper():
    return DIRECT

def test_sample():
    """Never reads ../shared/data (a docstring may say so)."""
    assert str(paths.ROOT) != "../shared/data"
'''
    gate = analyse(src, imported=frozenset({"MANTILE_RAW"}))
    assert gate.gated == {"test_gated", "test_skipif", "test_fixture"}
    assert {v.split(": ", 1)[1].split()[0] for v in gate.violations} == {"test_ungated", "helper"}
    marked = analyse("import pytest\npytestmark = pytest.mark.shared\n" + src, imported=frozenset({"MANTILE_RAW"}))
    assert marked.marked and marked.violations == []


def test_collection_marks_the_gated_tests_before_selection():
    """``-m shared`` (CI's pass on a clone) selects the gated tests: the mark is set as each test is collected."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n0", "-p", "no:cacheprovider", "--collect-only", "-m", "shared"],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    ids = set(done.stdout.split())
    assert "tests/test_load_real.py::test_all_agg_bmk_rows_accounted_for" in ids  # need()
    assert "tests/test_evals.py::test_load_real_evaluations" in ids  # a skipif on a shared path
    assert any(i.startswith("tests/test_fetch.py::") for i in ids)  # a module marked whole
    assert not any(i.startswith("tests/test_iso.py::test_cli_as_of") for i in ids)  # not a reader
