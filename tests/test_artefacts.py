"""Frontier artefacts: cliffs and sparse gaps are flagged by the stated rule; ratios read there are marked
unstable, cut from the ratio chart and never quoted in a headline."""

from __future__ import annotations

import polars as pl
import pytest

from frontier.analysis import artefacts, compare, headline
from frontier.data.load import load, matches
from frontier.present import figures

from .conftest import MANTILE_RAW, need


def _config(precision: str, xs_ys: list[tuple[float, float]], hw: str = "b200") -> list[dict]:
    return [
        {
            "model": "M",
            "isl": 1024,
            "osl": 1024,
            "hardware": hw,
            "framework": "sglang",
            "precision": precision,
            "spec_method": "none",
            "disagg": False,
            "conc": 2**i,
            "median_intvty": x,
            "tput_per_gpu": y,
            "input_tput_per_gpu": y / 2,
            "output_tput_per_gpu": y / 2,
            "topology": "TP8",
        }
        for i, (x, y) in enumerate(xs_ys)
    ]


SMOOTH = [(20.0, 3000.0), (30.0, 2400.0), (40.0, 1900.0), (50.0, 1500.0), (60.0, 1200.0), (70.0, 950.0)]
#: a cliff: 2,000 → 500 tok/s/GPU between 47 and 52 tok/s/user (4×, +11 %)
CLIFF = [(20.0, 2600.0), (30.0, 2300.0), (40.0, 2100.0), (47.0, 2000.0), (52.0, 500.0), (60.0, 420.0), (70.0, 300.0)]


def _frontier(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows).with_columns(curve_id=pl.lit(0, pl.Int64)).sort("median_intvty")


def test_a_cliff_is_flagged_with_its_numbers():
    segs = artefacts.segments(_frontier(_config("fp8", CLIFF)))
    cliffs = segs.filter(pl.col("kind") == "cliff")
    assert cliffs.select("x_lo", "x_hi").rows() == [(47.0, 52.0)]
    assert "2,000 → 500 tok/s/GPU between 47.0 and 52.0" in cliffs["reason"][0]


def test_a_smooth_curve_has_no_artefact_and_a_halving_over_a_wide_step_is_no_cliff():
    assert artefacts.segments(_frontier(_config("fp8", SMOOTH))).height == 0
    halving = [(20.0, 2000.0), (30.0, 1000.0), (40.0, 800.0), (50.0, 700.0)]  # ÷2 over +50 %: a normal frontier
    assert artefacts.segments(_frontier(_config("fp8", halving))).height == 0


def test_sparse_curves_and_wide_gaps():
    three = artefacts.segments(_frontier(_config("fp8", SMOOTH[:3])))
    assert set(three["kind"]) == {"sparse"} and three.height == 2  # fewer than SPARSE_MIN_POINTS: every segment
    gap = [(10.0, 3000.0), (12.0, 2900.0), (14.0, 2800.0), (40.0, 2000.0), (45.0, 1800.0)]
    g = artefacts.segments(_frontier(_config("fp8", gap)))
    assert g.select("kind", "x_lo", "x_hi").rows() == [("sparse", 14.0, 40.0)]


def test_reads_inside_a_segment_are_unstable_and_on_its_points_are_not():
    segs = artefacts.segments(_frontier(_config("fp8", CLIFF)))
    f = artefacts.flag_reads([0, 0, 0, 0, 1], [47.0, 49.5, 52.0, 60.0, 49.5], segs)
    assert f["unstable"].to_list() == [False, True, False, False, False]
    assert f["unstable_reason"][1].startswith("cliff")


def test_pair_ratios_on_a_cliff_are_marked_cut_and_never_the_headline():
    pts = pl.DataFrame(_config("fp4", SMOOTH) + _config("fp8", CLIFF))
    pc = compare.precision_comparison(pts, [40.0, 49.5, 60.0])
    at = pc.at_targets.sort("target")
    assert at["unstable"].to_list() == [False, True, False]
    assert "B cliff" in at["unstable_reason"][1]
    # the chart leaves the cliff out and its caption says where and why
    drawn = figures.curves_frame(pc, pc.pairs.with_columns(series=pl.lit("s")))
    cut = pc.curves.filter(pl.col("unstable"))
    assert cut.height > 0 and not drawn["median_intvty"].is_in(cut["target"].implode()).any()
    assert drawn["piece"].n_unique() == 2  # one line either side of the cliff
    fig = figures.pair_ratio(pc)
    assert fig.caption and "- B cliff: 2,000 → 500" in fig.caption and artefacts.RULE in fig.caption
    h = headline.pair_headline(pc, subject="precision", a_name="A", b_name="B", view="costh")
    assert h.numbers["target"] != 49.5 and h.numbers["unstable_readings"] == 1
    assert "49.5" not in h.sentences[0]
    # the table: the unstable reading names its segment; a stable one reads "—" (not "unreachable")
    from frontier.present import tables

    shown = tables.pairs_shown(pc).sort("target tok/s/user")[tables.UNSTABLE_COLUMN].to_list()
    assert shown[0] == shown[2] == "—" and "B cliff" in shown[1]


def test_real_gb200_fp8_cliff_is_flagged():
    res = load([need(MANTILE_RAW)])
    pts = matches(res.points, model="DeepSeek-R1-0528", isl=1024, osl=1024).filter(
        (pl.col("hardware") == "gb200") & (pl.col("framework") == "dynamo-sglang")
    )
    if pts.height == 0:
        pytest.skip("no GB200 Dynamo SGLang DeepSeek-R1 1k/1k points in this data")
    pc = compare.precision_comparison(pts, [40.0, 49.0, 60.0])
    fp8 = pc.iso.configs.filter(pl.col("precision") == "fp8")["curve_id"][0]
    cliffs = pc.artefacts.filter((pl.col("curve_id") == fp8) & (pl.col("kind") == "cliff"))
    # the drop of the issue: more than 3× between ~47 and ~52 tok/s/user
    big = cliffs.filter((pl.col("x_lo") > 45) & (pl.col("x_hi") < 53))
    assert big.height == 1 and big["y_lo"][0] / big["y_hi"][0] > 3
    row = pc.at_targets.filter(pl.col("target") == 49.0)
    assert row["unstable"].to_list() == [True]
    # the chart draws no 15× spike: every stretch it draws has a line (two readings or more), and the lone
    # reading the cuts leave at the foot of the cliff neither draws nor stretches the axis
    drawn = figures.curves_frame(pc, pc.pairs.with_columns(series=pl.lit("s")))
    assert drawn.group_by("piece").len()["len"].min() > 1
    assert drawn["ratio"].max() < 10 < pc.curves.filter(~pl.col("unstable"))["cost_ratio_b_over_a"].max()


def test_iso_readings_on_a_cliff_are_listed_with_their_reason():
    from frontier.analysis import iso

    res = iso.iso_table(pl.DataFrame(_config("fp4", SMOOTH) + _config("fp8", CLIFF)), [40.0, 49.5, 52.0])
    u = artefacts.unstable_reads(res)
    assert u.select("target").to_series().to_list() == [49.5]  # 52 is a measured point: read, not interpolated
    text = artefacts.unstable_caption([u["unstable_reason"][0]])
    assert text is not None and text.startswith("1 values read inside a cliff") and "\n- cliff: 2,000 → 500" in text
