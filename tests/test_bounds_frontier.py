"""Measured frontiers against the batch-1 decode floor, on the sample and on real sweeps."""

from __future__ import annotations

import polars as pl
import pytest

from frontier import bounds, paths
from frontier.iso import iso_table
from frontier.load import load, matches

from .conftest import EARLY_AGG, MANTILE_RAW, need


def _floors(points):
    res = iso_table(points, [50.0])
    return res, bounds.frontier_vs_floor(res)


def test_sample_curves_stay_below_their_floor_without_mtp():
    pts = matches(load(paths.SAMPLE_DIR).points, model="Llama-3.3-70B-Instruct*", isl=1024, osl=1024)
    res, fv = _floors(pts)
    assert fv.height == res.configs.height and fv["floor_intvty"].null_count() == 0
    for r in fv.iter_rows(named=True):
        ref = bounds.decode_floor("Llama-3.3-70B-Instruct", r["precision"], r["hardware"], int(r["weight_gpus"]))
        assert r["floor_intvty"] == pytest.approx(ref.tok_s_user)
        assert r["pct_of_bound"] == pytest.approx(100 * r["fastest_intvty"] / ref.tok_s_user)
        assert 0 < r["pct_of_bound"] < 100  # no speculative decoding here: the floor is never beaten


def test_real_sweeps_against_the_floor():
    pts = matches(load(need(MANTILE_RAW)).points, model="DeepSeek-R1-0528", isl=1024, osl=1024)
    res, fv = _floors(pts)
    known = fv.filter(pl.col("floor_intvty").is_not_null())
    assert known.height == fv.height  # every GPU and precision in the real data has a sourced spec
    plain = known.filter(pl.col("spec_method") == "none")
    assert (plain["pct_of_bound"] < 100).all() and (plain["pct_of_bound"] > 1).all()
    view = bounds.floor_view(fv)
    assert view.columns[:3] == ["config", "fastest point topology", "fastest tok/s/user"]


def test_unknown_gpu_has_no_floor():
    pts = load(need(EARLY_AGG)).points  # gaudi25 rows
    res, fv = _floors(pts)
    assert fv["floor_intvty"].null_count() == fv.height
    assert all(n.startswith("no floor") for n in fv["floor_note"])
