"""Scope defaults that fit the data: model, ISL/OSL and targets chosen from what was measured, and said so."""

from __future__ import annotations

import json

import polars as pl
import pytest

from frontier import paths
from frontier.analysis.scope import choose_scope, choose_targets, curve_ranges
from frontier.data.load import load

from .conftest import MANTILE_RAW, need


def _curve(model, hw, lo, hi, isl=1024, n=5, scale=1.0):
    """A config measured from ``lo`` to ``hi`` tok/s/user (throughput falling with interactivity)."""
    step = (hi - lo) / (n - 1) if n > 1 else 0.0
    return [
        {
            "model": model,
            "isl": isl,
            "osl": 1024,
            "hardware": hw,
            "framework": "vllm",
            "precision": "fp8",
            "spec_method": "none",
            "disagg": False,
            "median_intvty": lo + i * step,
            "tput_per_gpu": scale * 5000.0 / (lo + i * step),
        }
        for i in range(n)
    ]


def _frame(*curves):
    return pl.DataFrame([r for c in curves for r in c])


def test_most_measured_model_and_sequence_are_chosen_and_said():
    pts = _frame(
        _curve("A", "b200", 10, 60, n=8),
        _curve("A", "h200", 20, 80, n=8),
        _curve("A", "b200", 10, 60, isl=8192, n=3),
        _curve("B", "b200", 30, 90, n=4),
    )
    sc = choose_scope(pts, targets=[40.0])
    assert (sc.model, sc.isl, sc.osl, sc.targets) == ("A", 1024, 1024, [40.0])
    assert sc.points["model"].unique().to_list() == ["A"] and sc.points["isl"].unique().to_list() == [1024]
    assert "most-measured model in the data, A (19 points)" in sc.notes[0] and "B (4 points)" in sc.notes[0]
    assert "most-measured one, 1024/1024 (16 points)" in sc.notes[1] and "8192/1024 (3 points)" in sc.notes[1]
    assert sc.workload == "A 1024/1024"
    every = choose_scope(pts, targets=[40.0], all_workloads=True)
    assert every.model is None and every.isl is None and every.points.height == pts.height
    assert every.workload == "every model, every ISL/OSL" and "each compared only with itself" in every.notes[0]
    with pytest.raises(ValueError, match=r"no points match model 'C'; models in the data: \['A', 'B'\]"):
        choose_scope(pts, model="C")
    with pytest.raises(ValueError, match="no points match isl 4096"):
        choose_scope(pts, model="A", isl=4096)


def test_targets_inside_the_shared_range():
    pts = _frame(_curve("A", "b200", 10, 60), _curve("A", "h200", 20, 80), _curve("A", "mi300x", 15, 50))
    ranges = curve_ranges(pts)
    assert sorted(zip(ranges["lo"], ranges["hi"])) == [(10, 60), (15, 50), (20, 80)]
    notes: list[str] = []
    targets, rng = choose_targets(pts, notes=notes)
    assert rng == (20.0, 50.0) and targets == [26.0, 35.0, 44.0]
    assert all(20 <= t <= 50 for t in targets)
    assert "inside 20.0–50.0 tok/s/user, the interactivity range all 3 curve(s) share" in notes[0]


def test_targets_when_curves_share_no_range_say_which_cannot_reach():
    # the gpt-oss case: one curve starts where the others end
    pts = _frame(_curve("A", "b200", 10, 40), _curve("A", "h200", 12, 45), _curve("A", "h100", 65, 77))
    notes: list[str] = []
    targets, (lo, hi) = choose_targets(pts, notes=notes)
    assert (lo, hi) == (12.0, 40.0) and all(lo <= t <= hi for t in targets)
    assert "share no interactivity range" in notes[0] and "covered by the most curves (2 of 3;" in notes[0]
    # the curve is spelled as the tables spell configs
    assert "Unreachable there: A 1024/1024 · h100 · vllm · fp8 · no spec · agg (65–77)" in notes[0]


def test_small_ranges_and_single_points():
    narrow = _frame(_curve("A", "b200", 30.0, 31.0))
    targets, _ = choose_targets(narrow)
    assert targets == [30.2, 30.5, 30.8]
    one = _frame(_curve("A", "b200", 30.0, 30.0, n=1))
    assert choose_targets(one)[0] == [30.0]
    assert choose_scope(_frame(_curve("A", "b200", 10, 60)), n_targets=0).targets == []


def test_sample_defaults_cover_deepseek_1k1k_with_reachable_targets():
    from frontier.analysis.iso import iso_table

    sc = choose_scope(load(paths.SAMPLE_DIR).points)
    assert sc.model == "DeepSeek-R1-0528 (synthetic)" and (sc.isl, sc.osl) == (1024, 1024)
    res = iso_table(sc.points, sc.targets)
    reach = res.table.group_by("target").agg(pl.col("reachable").mean()).sort("target")
    assert reach["reachable"].min() >= 0.9  # 13 of 14 curves reach the targets; the note names the 14th


@pytest.mark.slow
def test_every_notebook_builds_on_a_real_sweep_with_only_data_given(tmp_path):
    """A gpt-oss-only run (its curves start at 65-77 tok/s/user): the defaults must fit it."""
    import papermill as pm

    run = need(MANTILE_RAW / "run_20218553330" / "agg_bmk.json")
    for name in ("iso_interactivity", "mtp_delta", "precision_comparison", "provider_margins", "trend", "explore"):
        out = tmp_path / name
        pm.execute_notebook(
            str(paths.NOTEBOOKS / f"{name}.ipynb"),
            str(tmp_path / f"{name}.ipynb"),
            parameters={"output_dir": str(out), "data_paths": [str(run)]},
            kernel_name="python3",
            cwd=str(paths.ROOT),
            progress_bar=False,
            execution_timeout=300,
        )
        summary = json.loads((out / "summary.json").read_text())
        assert summary["synthetic"] is False
        if name == "iso_interactivity":
            assert all(r["model"] == "gpt-oss-120b" for r in summary["table"])
            assert all(r["tput_per_gpu"] is not None for r in summary["table"])  # chosen inside the shared range
            assert any("No targets were given" in n for n in summary["notes"])


def test_without_a_shared_range_targets_avoid_a_sliver():
    # four curves overlap only on 48–50; a wider range (40–60) is still reached by three of them
    pts = _frame(
        _curve("A", "b200", 40, 60),
        _curve("A", "h200", 30, 70),
        _curve("A", "h100", 35, 65),
        _curve("A", "mi300x", 48, 50),
        _curve("A", "mi355x", 5, 12),
    )
    targets, (lo, hi) = choose_targets(pts)
    assert (lo, hi) == (40.0, 60.0) and targets == [44.0, 50.0, 56.0]


def test_chosen_targets_come_from_the_curves_compared():
    from frontier.analysis.compare import mtp_paired_points

    # A: b200 with and without MTP (a pair, 40–60 tok/s/user); h200 without a partner (55–200)
    no_spec = pl.DataFrame(_curve("A", "b200", 40, 60, n=6))
    mtp = no_spec.with_columns(pl.lit("mtp").alias("spec_method"))
    alone = pl.DataFrame(_curve("A", "h200", 55, 200, n=6))
    pts = pl.concat([no_spec, mtp, alone])
    assert mtp_paired_points(pts)["hardware"].unique().to_list() == ["b200"]
    sc = choose_scope(pts, compared=mtp_paired_points)
    assert sc.targets and all(40 <= t <= 60 for t in sc.targets)
    assert any("curves compared" in n for n in sc.notes)
    # from every curve the unpaired h200 narrows the range to 55–60
    assert all(55 <= t <= 60 for t in choose_scope(pts).targets) and min(sc.targets) < 55
    # nothing compared: every curve, said so
    lone = choose_scope(alone, compared=mtp_paired_points)
    assert all(55 <= t <= 200 for t in lone.targets) and any("has a like-for-like partner" in n for n in lone.notes)
