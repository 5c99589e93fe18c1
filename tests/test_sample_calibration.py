"""The bundled sample tells the truth about the real world: the ratios the reports lead with fall inside the
ranges the public sweeps show (compared with ../shared/data, skipped without it)."""

from __future__ import annotations

import statistics

import pytest

from frontier import paths
from frontier.analysis import headline
from frontier.data.load import load

from .conftest import MANTILE_RAW, need

pytestmark = pytest.mark.shared  # the module's fixture reads the real sweeps (need(): skipped without them)


@pytest.fixture(scope="module")
def ratios():
    real = headline.headline_ratios(load([need(MANTILE_RAW)]).points)
    synthetic = headline.headline_ratios(load([paths.SAMPLE_DIR]).points)
    return real, synthetic


@pytest.mark.parametrize("kind", ["mtp", "fp8_vs_fp4", "b200_fp4_vs_h200_fp8", "gptoss_b200_vs_h100"])
def test_sample_headline_ratios_fall_inside_the_real_range(ratios, kind):
    real, synthetic = ratios
    assert real[kind] and synthetic[kind], f"{kind}: no reading in the real data or the sample"
    lo, hi = min(real[kind]), max(real[kind])
    med = statistics.median(synthetic[kind])
    assert lo <= med <= hi, f"{kind}: sample median {med:.2f}× outside the real range {lo:.2f}–{hi:.2f}×"


def test_sample_stays_marked_synthetic():
    pts = load([paths.SAMPLE_DIR]).points
    assert pts["synthetic"].all() and pts["model"].str.ends_with("(synthetic)").all()
