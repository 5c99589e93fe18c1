"""Measured frontiers against the batch-1 decode floor, on the sample and on real sweeps."""

from __future__ import annotations

import polars as pl
import pytest

from frontier import paths
from frontier.analysis import bounds
from frontier.analysis.iso import iso_table
from frontier.data.load import load, matches

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
    # every GPU and precision in the real data has a sourced spec; only topologies that contradict their GPU count
    # (GB200 Dynamo SGLang: decode tp 1 / ep 1, one worker, 8–48 decode GPUs) get no floor, with the reason
    none = fv.filter(pl.col("floor_intvty").is_null())
    assert set(none["label"].str.extract(r"^(\w+ · [\w-]+)").to_list()) == {"gb200 · dynamo-sglang"}
    assert all("contradict the GPU count" in n for n in none["floor_note"])
    plain = known.filter(pl.col("spec_method") == "none")
    assert (plain["pct_of_bound"] < 100).all() and (plain["pct_of_bound"] > 1).all()
    view = bounds.floor_view(fv)
    assert view.columns[:4] == ["config", "fastest point topology", "fastest tok/s/user", "GPUs per replica"]
    # disaggregated decode workers: the floor is over one decode worker's GPUs, from the data
    mi = known.filter(pl.col("label").str.starts_with("mi355x · mori-sglang")).row(0, named=True)
    assert mi["weight_gpus"] in (8, 16) and f"over {mi['weight_gpus']} × " in mi["floor_note"]
    # per GPU the floor is the same whatever the topology: bytes streamed per token ÷ one GPU's bandwidth
    for r in known.iter_rows(named=True):
        one = bounds.decode_floor("DeepSeek-R1-0528", r["precision"], r["hardware"], 1)
        assert r["floor_gpu_ms"] == pytest.approx(one.ms_per_token)


def test_decode_gpus_from_topology_fields():
    agg = {"disagg": False, "tp": 8, "ep": 8, "pp": None, "num_gpus": 8}
    assert bounds.decode_gpus(agg) == (8, "")
    assert bounds.decode_gpus(agg | {"tp": 4, "ep": 1, "num_gpus": 8}) == (4, "")  # two 4-GPU replicas
    n, why = bounds.decode_gpus(agg | {"tp": 8, "num_gpus": 4})
    assert n is None and "contradict the GPU count" in why
    disagg = {"disagg": True, "decode_tp": 8, "decode_ep": 8, "decode_num_workers": 3, "num_decode_gpu": 24}
    assert bounds.decode_gpus(disagg) == (8, "")
    assert bounds.decode_gpus(
        disagg | {"decode_tp": 1, "decode_ep": 16, "decode_num_workers": 1, "num_decode_gpu": 16}
    ) == (16, "")
    n, why = bounds.decode_gpus(
        disagg | {"decode_tp": 1, "decode_ep": 1, "decode_num_workers": 1, "num_decode_gpu": 32}
    )
    assert n is None and "= 1 GPU(s), but the point counts 32 decode GPUs" in why
    assert bounds.decode_gpus({"disagg": True})[0] is None


def test_unknown_gpu_has_no_floor():
    pts = load(need(EARLY_AGG)).points  # gaudi25 rows
    res, fv = _floors(pts)
    assert fv["floor_intvty"].null_count() == fv.height
    assert all(n.startswith("no floor") for n in fv["floor_note"])


def test_bounds_report_per_gpu_floor_compares_gpus_whatever_the_replica():
    """The issue's migration brief: an 8×H100 replica floor (2.71 ms) next to a 2×B200 one (2.67 ms) read as if the
    old GPU were as fast. Per GPU the floors differ by the bandwidth × bytes ratio, whatever the replica size."""
    from frontier.present.bounds_report import bounds_report

    h100 = bounds_report("llama70b", "h100", "fp8", n_gpus=8)
    b200 = bounds_report("llama70b", "b200", "fp4", n_gpus=2)
    per_h, per_b = h100.results["decode_gpu_ms_per_token"], b200.results["decode_gpu_ms_per_token"]
    assert per_h == pytest.approx(8 * h100.results["decode_ms_per_token"])
    assert per_b == pytest.approx(2 * b200.results["decode_ms_per_token"])
    assert per_h / per_b > 3  # per GPU the B200 is several times faster, whatever the replicas say
    assert "per GPU" in b200.to_text()
