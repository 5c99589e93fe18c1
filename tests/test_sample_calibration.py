"""The bundled sample tells the truth about the real world: per ISL/OSL, the ratios the reports lead with fall
inside the ranges the public sweeps show for that ISL/OSL (compared with ../shared/data, skipped without it)."""

from __future__ import annotations

import statistics

import pytest

from frontier import paths
from frontier.analysis import headline
from frontier.data.load import load

from .conftest import MANTILE_RAW, need

pytestmark = pytest.mark.shared  # the module's fixture reads the real sweeps (need(): skipped without them)

KINDS = ["mtp", "fp8_vs_fp4", "b200_fp4_vs_h200_fp8", "gptoss_b200_vs_h100"]


def _merge(into: dict[str, dict[str, list[float]]], more: dict[str, dict[str, list[float]]]) -> None:
    for workload, kinds in more.items():
        for kind, values in kinds.items():
            into.setdefault(workload, {}).setdefault(kind, []).extend(values)


@pytest.fixture(scope="module")
def ratios():
    """(real readings per ISL/OSL and kind, the sample's). The real readings are those of the pooled newest points
    and those of each CI run on its own: both are what the public sweeps show (a reading's run-to-run range)."""
    raw = need(MANTILE_RAW)
    real: dict[str, dict[str, list[float]]] = {}
    _merge(real, headline.headline_ratios_by_workload(load([raw]).points))
    for _, run in load([raw], keep="all").points.group_by("run_id"):
        _merge(real, headline.headline_ratios_by_workload(run))
    return real, headline.headline_ratios_by_workload(load([paths.SAMPLE_DIR]).points)


@pytest.mark.parametrize("kind", KINDS)
def test_sample_headline_ratios_fall_inside_the_real_range_per_isl_osl(ratios, kind):
    real, synthetic = ratios
    both = sorted(w for w in synthetic if synthetic[w].get(kind) and real.get(w, {}).get(kind))
    assert both, f"{kind}: no ISL/OSL with a reading in both the real data and the sample"
    for workload in both:
        lo, hi = min(real[workload][kind]), max(real[workload][kind])
        med = statistics.median(synthetic[workload][kind])
        assert lo <= med <= hi, f"{kind} {workload}: sample median {med:.2f}× outside the real {lo:.2f}–{hi:.2f}×"


def test_the_sample_is_compared_on_every_isl_osl_it_shares_with_the_real_sweeps(ratios):
    real, synthetic = ratios
    shared = set(real) & set(synthetic)
    assert {"1024/1024", "8192/1024"} <= shared  # the sample's two sequence lengths, each compared on its own
    assert all(w.count("/") == 1 for w in shared)


def test_sample_stays_marked_synthetic():
    pts = load([paths.SAMPLE_DIR]).points
    assert pts["synthetic"].all() and pts["model"].str.ends_with("(synthetic)").all()
