"""Physical bounds: the reference decode-floor figures (spec §5) and the shipped spec tables."""

from __future__ import annotations

import json
import math

import numpy as np
import polars as pl
import pytest

from frontier.analysis import bounds
from frontier.data import specs

# --- spec §5 reference figures -------------------------------------------------------------------------------


def test_llama_nvfp4_weights_are_42_7_gb():
    assert round(specs.weight_bytes("llama70b", "fp4") / 1e9, 1) == 42.7


def test_decode_floor_llama_nvfp4_on_7_7_tb_s():
    """Llama 3.3 70B NVFP4 42.7 GB on 7.7 TB/s ≈ 5.5 ms/token (≈180 tok/s/user)."""
    f = bounds.decode_floor("Llama-3.3-70B-Instruct", "fp4", "b200", bandwidth_tb_s=7.7)
    assert round(f.ms_per_token, 1) == 5.5
    assert round(f.tok_s_user, -1) == 180
    stated = bounds.decode_floor("llama70b", "fp4", "b200", bandwidth_tb_s=7.7, weight_bytes=42.7e9)
    assert round(stated.ms_per_token, 1) == 5.5 and round(stated.tok_s_user, -1) == 180


def test_decode_floor_llama_fp8_on_h100():
    """FP8 72 GB on H100 3.35 TB/s ≈ 21.5 ms."""
    f = bounds.decode_floor("llama70b", "fp8", "h100", weight_bytes=72e9)
    assert f.bandwidth_tb_s == 3.35
    assert round(f.ms_per_token, 1) == 21.5
    # from the table (72.65 GB incl. BF16 embeddings) the floor is within 1 % of the stated figure
    assert bounds.decode_floor("llama70b", "fp8", "h100").ms_per_token == pytest.approx(21.5, rel=0.01)


# --- tables --------------------------------------------------------------------------------------------------


def test_gpu_table_vendor_figures():
    g = specs.gpu_specs()
    assert g.height == 9 and g["gpu"].to_list() == [
        "h100",
        "h200",
        "b200",
        "b300",
        "gb200",
        "gb300",
        "mi300x",
        "mi325x",
        "mi355x",
    ]
    expect = {
        "h100": (3.35, 80),
        "h200": (4.8, 141),
        "b200": (8.0, 180),
        "mi300x": (5.3, 192),
        "mi325x": (6.0, 256),
        "mi355x": (8.0, 288),
        "b300": (8.0, 288),
    }
    for gpu, (bw, cap) in expect.items():
        row = specs.gpu_spec(gpu)
        assert (row["hbm_bandwidth_tb_s"], row["hbm_capacity_gb"]) == (bw, cap)
    for gpu in ("h100", "h200", "mi300x", "mi325x"):
        assert specs.gpu_spec(gpu)["dense_fp4_tflops"] is None
    assert g["source"].str.len_chars().min() > 20
    assert g.filter(pl.col("dense_fp8_tflops") <= pl.col("dense_bf16_tflops")).height == 0
    assert specs.gpu_spec("gb200")["scaleup_domain"] == 72 and specs.gpu_spec("b200")["scaleup_domain"] == 8


def test_model_table():
    m = specs.model_specs()
    assert set(m["model_key"]) == {"dsr1", "gptoss", "kimik2.5", "llama70b"}
    assert m["source"].str.len_chars().min() > 20
    assert m.filter(pl.col("active_params_b") > pl.col("total_params_b")).height == 0
    assert m.filter(pl.col("expert_params_b") > pl.col("total_params_b")).height == 0
    # MLA: (512 + 64) elements x 61 layers, FP8 cache
    assert specs.kv_bytes_per_token("dsr1", "fp8") == 61 * 576
    assert specs.kv_bytes_per_token("kimik2.5", "int4") == 61 * 576 * 2  # BF16 cache with W4A16
    # GQA: 80 layers x 2 x 8 KV heads x 128
    assert specs.kv_bytes_per_token("llama70b", "bf16") == 80 * 2 * 8 * 128 * 2
    assert specs.bytes_per_weight("gptoss", "fp4") == pytest.approx(0.53125)  # MXFP4
    assert specs.bytes_per_weight("dsr1", "fp4") == pytest.approx(0.5625)  # NVFP4
    # resident weights: gpt-oss-120b MXFP4 checkpoint is ~65 GB; DeepSeek FP8 ~ 670-690 GB
    assert 60 < specs.weight_bytes("gptoss", "fp4", active_only=False) / 1e9 < 67
    assert 660 < specs.weight_bytes("dsr1", "fp8", active_only=False) / 1e9 < 700


def test_lookups():
    assert specs.model_key("synthetic/DeepSeek-R1-0528") == "dsr1"
    assert specs.model_key("nvidia/Llama-3.3-70B-Instruct-FP4") == "llama70b"
    assert specs.model_key("openai/gpt-oss-120b") == "gptoss"
    assert specs.model_key("gptoss120b") == "gptoss"
    assert specs.model_key("Kimi-K2.5") == "kimik2.5"
    assert specs.gpu_key("b200-trt") == "b200" and specs.gpu_key("mi355x-amd_0") == "mi355x"
    assert specs.gpu_key("H100") == "h100"
    with pytest.raises(KeyError):
        specs.gpu_key("tpu7")
    with pytest.raises(KeyError):
        specs.model_key("no-such-model")
    with pytest.raises(ValueError):
        bounds.decode_floor("dsr1", "fp2", "b200")


# --- functions -----------------------------------------------------------------------------------------------


def test_decode_floor_scaling_and_context():
    one = bounds.decode_floor("dsr1", "fp4", "b200")
    eight = bounds.decode_floor("dsr1", "fp4", "b200", n_gpus=8)
    assert eight.seconds_per_token == pytest.approx(one.seconds_per_token / 8)
    assert one.tok_s_user == pytest.approx(1 / one.seconds_per_token)
    ctx = bounds.decode_floor("dsr1", "fp4", "b200", context_tokens=8192)
    assert ctx.weight_bytes == pytest.approx(one.weight_bytes + 8192 * 61 * 576)
    with pytest.raises(ValueError):
        bounds.decode_floor("dsr1", "fp4", "b200", bandwidth_tb_s=0)


def test_kv_cache_budget():
    no = specs.kv_cache_budget("llama70b", "fp8", "h100", 1, 1024, 1024)
    assert no.max_concurrency == 0 and not no.fits and no.kv_budget_gb == 0
    tp2 = specs.kv_cache_budget("llama70b", "fp8", "h100", 2, 1024, 1024)
    expect_gb = 2 * (80 * 0.9 - 2.0) - specs.weight_bytes("llama70b", "fp8", active_only=False) / 1e9
    assert tp2.kv_budget_gb == pytest.approx(expect_gb)
    assert tp2.max_concurrency == math.floor(expect_gb * 1e9 / (163840 * 2048))
    long = specs.kv_cache_budget("llama70b", "fp8", "h100", 2, 8192, 1024)
    assert long.max_concurrency < tp2.max_concurrency
    # MLA latent is replicated across TP ranks; DP-attention holds each sequence once
    tp = specs.kv_cache_budget("dsr1", "fp4", "b200", 8, 8192, 1024)
    dpa = specs.kv_cache_budget("dsr1", "fp4", "b200", 8, 8192, 1024, dp_attention=True)
    assert tp.kv_copies == 8 and dpa.kv_copies == 1
    assert dpa.max_concurrency in range(8 * tp.max_concurrency, 8 * tp.max_concurrency + 8)


def test_prefill_ceiling():
    isl = 1024
    flops = 2 * 70.55e9 + 80 * 16384 * isl
    assert bounds.prefill_flops_per_token("llama70b", isl) == pytest.approx(flops)
    assert bounds.prefill_ceiling("llama70b", "fp8", "h100", 8, isl) == pytest.approx(1979e12 / flops)
    # FP4 on H100 has no FP4 tensor cores: BF16 rate; gpt-oss MXFP4 runs W4A8 on Blackwell
    assert bounds.prefill_ceiling("llama70b", "fp4", "h100", 1, isl) == pytest.approx(989e12 / flops)
    assert specs.peak_tflops("b200", "fp4", "gptoss") == 4500
    assert specs.peak_tflops("b200", "fp4", "dsr1") == 9000
    assert specs.peak_tflops("b200", "int4") == 2250  # W4A16
    assert bounds.prefill_ceiling("dsr1", "fp4", "b200", isl=8192, efficiency=0.5) == pytest.approx(
        0.5 * bounds.prefill_ceiling("dsr1", "fp4", "b200", isl=8192)
    )
    assert bounds.prefill_ceiling("dsr1", "fp4", "b200", isl=8192) < bounds.prefill_ceiling(
        "dsr1", "fp4", "b200", isl=1024
    )


def test_percent_of_bound_types():
    assert bounds.percent_of_bound(90.0, 180.0) == pytest.approx(50.0)
    assert math.isnan(bounds.percent_of_bound(90.0, 0.0))
    arr = bounds.percent_of_bound(np.array([10.0, 20.0]), np.array([40.0, 0.0]))
    assert arr[0] == pytest.approx(25.0) and math.isnan(arr[1])
    s = bounds.percent_of_bound(pl.Series("m", [50.0, 60.0]), pl.Series("f", [100.0, 120.0]))
    assert isinstance(s, pl.Series) and s.to_list() == pytest.approx([50.0, 50.0])
    df = pl.DataFrame({"m": [30.0, 30.0], "f": [60.0, 0.0]})
    out = df.select(bounds.percent_of_bound(pl.col("m"), pl.col("f")).alias("p"))["p"].to_list()
    assert out[0] == pytest.approx(50.0) and out[1] is None


def test_decode_floor_table():
    t = bounds.decode_floor_table()
    assert t.schema == pl.Schema(bounds.FLOOR_TABLE_SCHEMA)
    # default precisions follow the published checkpoints
    assert set(t.filter(pl.col("model_key") == "kimik2.5")["precision"]) == {"int4", "fp4"}
    row = t.filter(
        (pl.col("model_key") == "llama70b")
        & (pl.col("precision") == "fp4")
        & (pl.col("gpu") == "b200")
        & (pl.col("n_gpus") == 1)
    ).row(0, named=True)
    f = bounds.decode_floor("llama70b", "fp4", "b200")
    assert row["ms_per_token"] == pytest.approx(f.ms_per_token)
    assert row["floor_intvty"] == pytest.approx(f.tok_s_user)
    assert row["weight_gb"] == pytest.approx(42.7, abs=0.05) and row["fits_in_memory"]
    dsr1 = t.filter((pl.col("model_key") == "dsr1") & (pl.col("precision") == "fp8") & (pl.col("gpu") == "h100"))
    assert not dsr1.filter(pl.col("n_gpus") == 1)["fits_in_memory"].item()
    sub = bounds.decode_floor_table(["Llama-3.3-70B-Instruct"], ["fp8"], ["h100", "h200"], n_gpus=(8,))
    assert sub.height == 2 and sub["n_gpus"].to_list() == [8, 8]


def test_sample_uses_the_tables():
    from frontier.data import sample

    p = sample._param_arrays(["dsr1", "llama70b"], ["b200", "h100"], ["fp4", "fp8"])
    assert p["bw"].tolist() == [8.0, 3.35]
    assert p["bpw"].tolist() == [0.5625, 1.0]
    assert p["kv_tok"].tolist() == [
        specs.kv_bytes_per_token("dsr1", "fp4"),
        specs.kv_bytes_per_token("llama70b", "fp8"),
    ]


# --- overrides and the bounds report (`frontier bounds`) --------------------------------------------------------


def test_prefill_peak_dense_or_sparse():
    """ "18 PFLOPS FP4" on B200 is the sparse figure; the bound uses the dense 9 PFLOPS."""
    table = bounds.prefill_ceiling("dsr1", "fp4", "b200", isl=1024)
    assert bounds.prefill_ceiling("dsr1", "fp4", "b200", isl=1024, sparse_tflops=18_000) == pytest.approx(table)
    assert bounds.prefill_ceiling("dsr1", "fp4", "b200", isl=1024, dense_tflops=9_000) == pytest.approx(table)
    # taking the sparse figure for dense doubles the ceiling: the mistake the override makes visible
    assert bounds.prefill_ceiling("dsr1", "fp4", "b200", isl=1024, dense_tflops=18_000) == pytest.approx(2 * table)
    with pytest.raises(ValueError, match="not both"):
        bounds.dense_peak_tflops("b200", "fp4", dense_tflops=9_000, sparse_tflops=18_000)
    with pytest.raises(ValueError, match="positive finite"):
        bounds.prefill_ceiling("dsr1", "fp4", "b200", dense_tflops=float("nan"))


def test_kv_budget_overrides():
    base = specs.kv_cache_budget("llama70b", "fp8", "h100", 2, 1024, 1024)
    lighter = specs.kv_cache_budget("llama70b", "fp8", "h100", 2, 1024, 1024, resident_weight_bytes=60e9)
    assert lighter.weights_gb == pytest.approx(60.0)
    assert lighter.kv_budget_gb == pytest.approx(2 * (80 * 0.9 - 2.0) - 60.0)
    half = specs.kv_cache_budget("llama70b", "fp8", "h100", 2, 1024, 1024, kv_bytes_per_token=81920)
    assert half.max_concurrency == math.floor(base.kv_budget_gb * 1e9 / (81920 * 2048))
    roomy = specs.kv_cache_budget("llama70b", "fp8", "h100", 2, 1024, 1024, memory_fraction=1.0, reserve_gb_per_gpu=0.0)
    assert roomy.kv_budget_gb == pytest.approx(base.kv_budget_gb + 2 * (80 * 0.1 + 2.0))
    with pytest.raises(ValueError):
        specs.kv_cache_budget("llama70b", "fp8", "h100", 2, memory_fraction=1.5)


def test_decode_floor_kv_override():
    f = bounds.decode_floor("llama70b", "fp8", "h100", context_tokens=1000, kv_bytes_per_token=1e5)
    assert f.weight_bytes == pytest.approx(specs.weight_bytes("llama70b", "fp8") + 1e8)


def test_bounds_report_reference_figures():
    from frontier.present.bounds_report import OVERRIDE, bounds_report

    nvfp4 = bounds_report("Llama-3.3-70B-Instruct", "b200", "fp4", bandwidth_tb_s=7.7)
    assert round(nvfp4.results["decode_ms_per_token"], 1) == 5.5  # spec §5: 42.7 GB on 7.7 TB/s
    assert round(nvfp4.results["decode_tok_s_user"], -1) == 180
    origin = {i.name: i.origin for i in nvfp4.inputs}
    value = {i.name: i.value for i in nvfp4.inputs}
    assert origin["HBM bandwidth"] == OVERRIDE and value["HBM bandwidth"] == 7.7
    assert round(value["weights streamed per token"], 1) == 42.7
    assert origin["weights streamed per token"].startswith("model_specs.csv[llama70b]")
    assert origin["HBM capacity"] == "gpu_specs.csv[b200].hbm_capacity_gb"
    assert origin["peak compute (dense)"] == "gpu_specs.csv[b200].dense_fp4_tflops"
    assert set(nvfp4.sources) == {"gpu_specs.csv[b200]", "model_specs.csv[llama70b]"}
    assert nvfp4.results["ridge_flop_per_byte"] == pytest.approx(9000 / 7.7)

    fp8 = bounds_report("llama70b", "h100", "fp8", weight_gb=72)
    assert round(fp8.results["decode_ms_per_token"], 1) == 21.5  # spec §5: 72 GB on 3.35 TB/s
    assert {i.name: i.origin for i in fp8.inputs}["weights resident"].startswith(OVERRIDE)  # dense model
    assert fp8.results["kv_max_concurrency"] == 0  # 72 GB of weights in 72 GB usable: no room
    assert "leave no room for one sequence" in fp8.to_text()


def test_bounds_report_sparse_peak_and_kv_dtype():
    from frontier.present.bounds_report import bounds_report

    table = bounds_report("dsr1", "b200", "fp4", 8, 8192, 1024)
    sparse = bounds_report("dsr1", "b200", "fp4", 8, 8192, 1024, sparse_tflops=18_000, kv_dtype="bf16")
    assert sparse.results["prefill_tok_s_per_gpu"] == pytest.approx(table.results["prefill_tok_s_per_gpu"])
    peak = next(i for i in sparse.inputs if i.name == "peak compute (dense)")
    assert peak.value == 9000 and "18000 TFLOP/s with sparsity" in peak.origin
    kv = next(i for i in sparse.inputs if i.name == "KV cache per token")
    assert kv.value == 61 * 576 * 2 and "KV dtype bf16" in kv.origin
    assert sparse.results["kv_max_concurrency"] < table.results["kv_max_concurrency"]
    with pytest.raises(ValueError, match="unknown KV dtype"):
        bounds_report("dsr1", "b200", "fp4", kv_dtype="fp3")


def test_bounds_cli_text_and_json(capsys):
    from frontier import cli

    assert (
        cli.main(
            [
                "bounds",
                "--model",
                "llama70b",
                "--gpu",
                "b200",
                "--precision",
                "fp4",
                "--bandwidth-tb-s",
                "7.7",
                "--wide",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "decode floor (batch 1)   5.55 ms/token = 180.3 tok/s/user" in text
    assert "decode floor per GPU     5.55 ms/token" in text
    assert "override" in text and "gpu_specs.csv[b200].hbm_capacity_gb" in text and "ridge point" in text
    assert (
        cli.main(
            [
                "bounds",
                "--model",
                "llama70b",
                "--gpu",
                "h100",
                "--precision",
                "fp8",
                "--weight-gb",
                "72",
                "--sparse-tflops",
                "3958",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert round(out["results"]["decode_ms_per_token"], 1) == 21.5
    peak = next(i for i in out["inputs"] if i["name"] == "peak compute (dense)")
    assert peak["value"] == 1979 and peak["unit"] == "TFLOP/s per GPU"


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--model", "nope", "--gpu", "b200", "--precision", "fp4"], "unknown model 'nope'"),
        (["--model", "dsr1", "--gpu", "tpu9", "--precision", "fp4"], "unknown GPU 'tpu9'"),
        (["--model", "dsr1", "--gpu", "b200", "--precision", "fp2"], "unknown precision 'fp2'"),
        (["--model", "dsr1", "--gpu", "b200", "--precision", "fp4", "--bandwidth-tb-s", "-3"], "positive finite"),
        (["--model", "dsr1", "--gpu", "b200", "--precision", "fp4", "--dense-tflops", "nan"], "positive finite"),
        (["--model", "dsr1", "--gpu", "b200", "--precision", "fp4", "--n-gpus", "0"], "--n-gpus: expected a whole"),
        (["--model", "dsr1", "--gpu", "b200", "--precision", "fp4", "--memory-fraction", "1.5"], "fraction in (0, 1]"),
    ],
)
def test_bounds_cli_errors(argv, message, capsys):
    from frontier import cli

    try:  # refused by the library (returns 2) or by the argument parser (exits 2)
        rc = cli.main(["bounds", *argv])
    except SystemExit as e:
        rc = e.code
    assert rc == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1
