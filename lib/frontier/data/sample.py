"""Synthetic benchmark sample in the InferenceX artifact format, from a first-principles performance model.

Nothing here is a measurement. Every generated row carries ``"synthetic": true`` and a ``model`` starting with
``synthetic/``; ``infmax_model_prefix`` keeps the real key (``dsr1``, ``gptoss``, ``kimik2.5``, ``llama70b``) so
normalisation works unchanged. Hardware and model parameters come from :mod:`frontier.analysis.bounds`
(``lib/frontier/data/gpu_specs.csv`` and ``model_specs.csv``).

Regenerate the bundled sample (byte-identical for the same seed)::

    python -m frontier.data.sample [--out DIR] [--seed N]      # default: data/raw/sample, seed 20261123

Performance model (per engine instance of ``g`` GPUs serving ``B`` concurrent requests; times in seconds)
---------------------------------------------------------------------------------------------------------
- **Decode step** = max(memory, compute) + 0.2 × min(memory, compute) + communication + overhead, divided by a
  software-efficiency factor (framework, vendor stack, date).
  * memory = (weight bytes streamed + KV bytes read) ÷ (``_BW_EFF`` × HBM bandwidth) per GPU. Weight bytes are the
    active non-expert weights plus the routed experts actually touched by the step's tokens
    (``1 − (1 − k/E)^tokens`` of them), at the precision's bytes/weight, split over ``g`` GPUs (attention weights
    are replicated under DP-attention; expert-parallel load imbalance adds up to 30 % at small batches).
    KV bytes = B × mean context × KV bytes/token, sharded over ``g`` GPUs with DP-attention, else over at most
    ``kv_heads`` ranks (MLA's latent is replicated on every tensor-parallel rank).
  * compute = (2 × active params + 2 × kv_layers × attn_dim × context) × tokens ÷ (``_DECODE_FLOP_EFF`` × dense
    FLOP/s × g); tensor-sliced MoE GEMMs run at 75 % of expert-parallel ones.
  * communication: two all-reduces per layer under tensor parallelism, a dispatch + combine all-to-all per layer
    under expert parallelism, a barrier under DP-attention; latency + bytes ÷ scale-up bandwidth.
  * overhead: ``_STEP_OVERHEAD_S`` + ``_PER_SEQ_OVERHEAD_S`` × B (launch, sampling, scheduling).
- **MTP**: each step verifies ``_MTP_DRAFT_TOKENS`` = 2 draft tokens per request (3 tokens per request through the
  model) and accepts on average 1 + a + a² tokens (a = ``_MTP_ACCEPTANCE`` = 0.7, i.e. 2.19), at the cost of a
  slightly longer step (three times the tokens, plus draft-head time).
- **Prefill** is compute bound: (2 × active params × ISL + kv_layers × attn_dim × ISL²) FLOPs at
  ``_PREFILL_FLOP_EFF`` of dense FLOP/s. In aggregated serving it adds to TTFT and steals time from decode:
  TPOT = step ÷ tokens-per-step + ``_PREFILL_STALL`` × B × prefill time ÷ OSL. TTFT adds an M/D/1 queueing wait at
  prefill utilisation ρ, plus ``_TTFT_BASE_S`` of request handling. In disaggregated serving prefill runs on separate
  workers (no stall) and the KV cache is handed over (``_KV_TRANSFER_S``); when the prefill workers reach
  ``_PREFILL_MAX_UTIL`` the request rate caps and the closed-loop users queue, so TTFT grows.
- **Throughput**: request rate = B ÷ mean end-to-end latency; output tokens/s = rate × mean output length, input
  likewise (lengths are uniform in [0.8, 1] × nominal, mean 0.9 ×). Per GPU: ÷ g; disaggregated: total ÷ all GPUs,
  output ÷ decode GPUs, input ÷ prefill GPUs (as the harness reports).
- **Concurrency limit**: a point is generated only if B sequences at full context fit the KV budget
  (:func:`frontier.analysis.spec_tables.kv_cache_budget`); disaggregated points whose prefill workers would run above
  ``_PREFILL_SATURATED`` utilisation are left out too (a tuned sweep sizes prefill to the prompt length).
- **Latency distributions** are log-normal around the medians (spread grows with prefill pressure); mean, std and
  percentiles follow from it. Interactivity statistics are ``1 / tpot`` of the same statistic, as in the real
  artifacts. **Noise**: ±0.4 % on the step time, ±3 % on prefill time and ±0.5 % on the realised mean request
  lengths, seeded per configuration and run.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import polars as pl

from frontier.data import specs as spec_tables
from frontier.data.schema import DISAGG_TOPOLOGY
from frontier.paths import SAMPLE_DIR

__all__ = [
    "DEFAULT_SEED",
    "HEAD_FIELDS",
    "METRIC_FIELDS",
    "MTP",
    "MULTINODE_FIELDS",
    "SINGLE_NODE_FIELDS",
    "STATS_SRC",
    "SampleConfig",
    "SampleRun",
    "Topology",
    "generate_frame",
    "main_sample",
    "write_agg_bmk",
    "write_agg_files",
    "write_sample",
]

DEFAULT_SEED = 20261123

_CONC_SWEEP = (4, 8, 16, 32, 64, 128, 256, 512)
_SEQ_LENS = ((1024, 1024), (8192, 1024))

# --- performance-model constants (documented in the module docstring) ---------------------------------------
_BW_EFF = 0.65  # achievable fraction of HBM bandwidth
_DECODE_FLOP_EFF = 0.35  # achievable fraction of dense FLOP/s in decode GEMMs
_PREFILL_FLOP_EFF = 0.35  # achievable fraction of dense FLOP/s in prefill
_STEP_OVERHEAD_S = 1.6e-3  # per decode step
_PER_SEQ_OVERHEAD_S = 6e-6  # per running sequence per decode step
_PREFILL_OVERHEAD_S = 3e-3  # per prefill (launch, KV allocation, sampling the first token)
_PREFILL_STALL = 0.8  # fraction of prefill time that blocks decode (chunked prefill overlaps the rest)
_KV_TRANSFER_S = 0.02  # disaggregated: prefill -> decode KV hand-off
_PREFILL_MAX_UTIL = 0.95  # disaggregated: highest sustainable prefill-worker utilisation
_PREFILL_SATURATED = 0.85  # disaggregated points above this prefill utilisation are left out of the sample
_TTFT_BASE_S = 0.04  # request handling before prefill (HTTP, tokenisation, scheduling); TTFT only
_MTP_DRAFT_TOKENS = 2
_MTP_ACCEPTANCE = 0.7
_LENGTH_MEAN_FRAC = 0.9  # request lengths uniform in [0.8, 1.0] x nominal
_STEP_NOISE = 0.004
_PREFILL_NOISE = 0.03
_LENGTH_NOISE = 0.005  # realised mean request lengths of one run vary by ±0.5 %

#: software-efficiency multipliers (synthetic assumptions, not measurements)
_FRAMEWORK_EFF = {"trt": 1.10, "dynamo-trt": 1.10, "sglang": 1.00, "vllm": 0.95, "atom": 1.00}
_VENDOR_EFF = {"nvidia": 1.00, "amd": 0.85}
#: kernel efficiency by precision: INT4 is weight-only (W4A16) with slower MoE kernels
_PRECISION_KERNEL_EFF = {"fp4": 1.00, "fp8": 1.00, "int4": 0.75, "bf16": 1.00}
_WEIGHT_ONLY_FP4_EFF = 0.38  # FP4 weights on a GPU without FP4 tensor cores (W4A16 MoE kernels)
#: software maturity of a GPU generation (1 when absent): the fraction of the memory and compute model its engines
#: reach. Calibrated, with ``_WEIGHT_ONLY_FP4_EFF`` and the B200 FP8 sweep's range, so the sample's headline ratios
#: (B200 FP4 vs H200 FP8, B200 vs H100 on gpt-oss, FP8 vs FP4, MTP) fall, per ISL/OSL, inside the ranges the public
#: sweeps show for that ISL/OSL (tests/test_sample_calibration.py); an assumption, not a measurement
_GPU_EFF = {"b200": 0.67, "gb200": 0.67}

Z90, Z99, Z999 = 1.2815515655446004, 2.3263478740408408, 3.090232306167813

STATS_SRC = ("mean", "median", "std", "p90", "p99", "p99.9")
METRIC_FIELDS = (
    ["tput_per_gpu", "output_tput_per_gpu", "input_tput_per_gpu"]
    + [f"{s}_ttft" for s in STATS_SRC]
    + [f for s in STATS_SRC for f in (f"{s}_tpot", f"{s}_intvty")]
    + [f"{s}_itl" for s in STATS_SRC]
    + [f"{s}_e2el" for s in STATS_SRC]
    + ["avg_power_w", "joules_per_total_token", "joules_per_output_token"]
)
SINGLE_NODE_FIELDS = ("tp", "ep", "dp_attention")
MULTINODE_FIELDS = DISAGG_TOPOLOGY
HEAD_FIELDS = (
    "hw",
    "conc",
    "image",
    "model",
    "infmax_model_prefix",
    "framework",
    "precision",
    "spec_decoding",
    "disagg",
    "isl",
    "osl",
    "is_multinode",
)

# ------------------------------------------------------------------------------------------------------------
# catalogue


@dataclass(frozen=True)
class Topology:
    """One serving topology. Single node: ``tp``/``ep``/``dpa``. Disaggregated: prefill and decode workers."""

    tp: int = 8
    ep: int = 1
    dpa: bool = False
    concs: tuple[int, ...] = _CONC_SWEEP
    disagg: bool = False
    prefill_tp: int = 0
    prefill_ep: int = 0
    prefill_dpa: bool = False
    prefill_workers: int = 0
    decode_workers: int = 0
    isl_only: int = 0  # restrict to one ISL (0: every ISL of the config)

    @property
    def n_gpus(self) -> int:
        if self.disagg:
            return self.prefill_tp * self.prefill_workers + self.tp * self.decode_workers
        return self.tp

    @property
    def label(self) -> str:
        s = f"tp{self.tp}-ep{self.ep}-dpa{str(self.dpa).lower()}"
        if self.disagg:
            s = (
                f"p{self.prefill_workers}x{self.prefill_tp}-ep{self.prefill_ep}"
                f"-dpa{str(self.prefill_dpa).lower()}_d{self.decode_workers}x" + s
            )
        return s


def _tp(tp: int, ep: int = 1, dpa: bool = False, concs: Sequence[int] = _CONC_SWEEP) -> Topology:
    return Topology(tp=tp, ep=ep, dpa=dpa, concs=tuple(concs))


def _pd(pw: int, ptp: int, pdpa: bool, dw: int, dtp: int, ddpa: bool, concs: Sequence[int], isl: int) -> Topology:
    return Topology(
        tp=dtp,
        ep=dtp,
        dpa=ddpa,
        concs=tuple(concs),
        disagg=True,
        prefill_tp=ptp,
        prefill_ep=ptp,
        prefill_dpa=pdpa,
        prefill_workers=pw,
        decode_workers=dw,
        isl_only=isl,
    )


@dataclass(frozen=True)
class SampleConfig:
    """One benchmark configuration (a curve family): model, hardware, engine, precision, spec, topologies."""

    prefix: str  # infmax_model_prefix
    gpu: str  # gpu_specs key
    hw: str  # runner label as written in the artifact
    runner: str  # runner name used in artifact file names
    framework: str
    precision: str
    spec: str  # "none" | "mtp"
    image: str
    model_path: str  # written to "model" (always "synthetic/...")
    topologies: tuple[Topology, ...]
    seq_lens: tuple[tuple[int, int], ...] = _SEQ_LENS
    sw_eff: float = 1.0  # extra software-efficiency multiplier (history runs)

    @property
    def label(self) -> str:
        return f"{self.prefix}|{self.gpu}|{self.hw}|{self.framework}|{self.precision}|{self.spec}"


_IMG = {
    "sglang": "lmsysorg/sglang:v0.5.9-cu129-amd64",
    "sglang-mi355x": "lmsysorg/sglang:v0.5.9-rocm700-mi35x",
    "sglang-mi300x": "lmsysorg/sglang:v0.5.9-rocm700-mi30x",
    "vllm": "vllm/vllm-openai:v0.20.1",
    "vllm-rocm": "vllm/vllm-openai-rocm:v0.20.1",
    "trt": "nvcr.io#nvidia/tensorrt-llm/release:1.3.0",
    "dynamo-trt": "nvcr.io#nvidia/ai-dynamo/tensorrtllm-runtime:0.9.1",
}
_RUNNER = {
    "h100": "h100-cr_0",
    "h200": "h200-cw_1",
    "b200": "b200-dgxc-slurm_3",
    "gb200": "gb200-nv_0",
    "mi300x": "mi300x-amd_1",
    "mi355x": "mi355x-amd_2",
}
_MODEL_PATHS = {
    ("dsr1", "fp8"): "synthetic/DeepSeek-R1-0528",
    ("dsr1", "fp4"): "synthetic/DeepSeek-R1-0528-NVFP4",
    ("dsr1", "fp4", "amd"): "synthetic/DeepSeek-R1-0528-MXFP4",
    ("gptoss", "fp4"): "synthetic/gpt-oss-120b",
    ("kimik2.5", "int4"): "synthetic/Kimi-K2.5",
    ("kimik2.5", "fp4"): "synthetic/Kimi-K2.5-NVFP4",
    ("llama70b", "fp8"): "synthetic/Llama-3.3-70B-Instruct-FP8",
    ("llama70b", "fp4"): "synthetic/Llama-3.3-70B-Instruct-NVFP4",
    ("llama70b", "bf16"): "synthetic/Llama-3.3-70B-Instruct",
}


def _cfg(
    prefix: str,
    gpu: str,
    framework: str,
    precision: str,
    topologies: Sequence[Topology],
    *,
    hw: str | None = None,
    image: str | None = None,
    specs: Sequence[str] = ("none",),
) -> list[SampleConfig]:
    vendor = spec_tables.gpu_spec(gpu)["vendor"]
    path = _MODEL_PATHS.get((prefix, precision, vendor)) or _MODEL_PATHS[(prefix, precision)]
    return [
        SampleConfig(
            prefix=prefix,
            gpu=gpu,
            hw=hw or gpu,
            runner=_RUNNER[gpu],
            framework=framework,
            precision=precision,
            spec=s,
            image=image or _IMG[framework],
            model_path=path,
            topologies=tuple(topologies),
        )
        for s in specs
    ]


_MOE4 = (_tp(4, 1), _tp(8, 1), _tp(8, 8, True))
_MOE3T = (_tp(4, 4), _tp(8, 8), _tp(8, 8, True))
_MOE2 = (_tp(8, 1), _tp(8, 8, True))
_SMALL = (_tp(1), _tp(2), _tp(4), _tp(8))
#: B200 FP8 DeepSeek-R1 is swept up to 64 concurrent requests, as the public sweeps sweep it (its FP4 runs go higher)
_MOE2_B200_FP8 = (_tp(8, 1, concs=_CONC_SWEEP[:5]), _tp(8, 8, True, concs=_CONC_SWEEP[:5]))
_DISAGG = (  # prefill workers sized to the prompt length, as tuned disaggregated sweeps are
    _pd(1, 4, False, 4, 8, False, (4, 8, 16, 32, 64, 128), 1024),  # low latency: 4 TP8 decode workers
    _pd(1, 4, True, 1, 8, True, (16, 32, 64, 128, 256), 1024),
    _pd(2, 4, True, 1, 16, True, (64, 128, 256, 512, 1024), 1024),
    _pd(4, 4, True, 1, 32, True, (256, 512, 1024, 2048, 4096), 1024),
    _pd(2, 4, False, 4, 8, False, (4, 8, 16, 32, 64, 128), 8192),
    _pd(3, 4, True, 1, 8, True, (16, 32, 64, 128, 256), 8192),
    _pd(6, 4, True, 1, 16, True, (64, 128, 256, 512, 1024), 8192),
    _pd(10, 4, True, 1, 32, True, (256, 512, 1024, 2048), 8192),
)
MTP = ("none", "mtp")


def _main_configs() -> list[SampleConfig]:
    """The main sweep (run dated 2026-10-05): every model / GPU / engine / precision / spec configuration."""
    c: list[SampleConfig] = []
    # DeepSeek-R1-0528
    c += _cfg("dsr1", "b200", "sglang", "fp4", _MOE4, specs=MTP)
    c += _cfg("dsr1", "b200", "trt", "fp4", _MOE3T, hw="b200-trt", specs=MTP)
    c += _cfg("dsr1", "b200", "sglang", "fp8", _MOE2_B200_FP8, specs=MTP)
    c += _cfg("dsr1", "h200", "sglang", "fp8", _MOE2, specs=MTP)
    c += _cfg("dsr1", "mi355x", "sglang", "fp4", _MOE4, image=_IMG["sglang-mi355x"])
    c += _cfg("dsr1", "mi355x", "sglang", "fp8", _MOE2, image=_IMG["sglang-mi355x"], specs=MTP)
    c += _cfg("dsr1", "mi300x", "sglang", "fp8", _MOE2, image=_IMG["sglang-mi300x"])
    c += _cfg("dsr1", "gb200", "dynamo-trt", "fp4", _DISAGG, specs=MTP)
    # gpt-oss-120b
    c += _cfg("gptoss", "h100", "vllm", "fp4", _SMALL)
    c += _cfg("gptoss", "h200", "vllm", "fp4", _SMALL)
    c += _cfg("gptoss", "b200", "vllm", "fp4", _SMALL)
    c += _cfg("gptoss", "b200", "trt", "fp4", (_tp(1), _tp(2), _tp(4, 4), _tp(8, 8)), hw="b200-trt")
    c += _cfg("gptoss", "mi355x", "vllm", "fp4", _SMALL, image=_IMG["vllm-rocm"])
    c += _cfg("gptoss", "mi300x", "vllm", "fp4", _SMALL, image=_IMG["vllm-rocm"])
    # Kimi-K2.5
    c += _cfg("kimik2.5", "b200", "vllm", "fp4", _MOE4)
    c += _cfg("kimik2.5", "b200", "vllm", "int4", _MOE2)
    c += _cfg("kimik2.5", "h200", "vllm", "int4", _MOE2)
    c += _cfg("kimik2.5", "mi355x", "vllm", "int4", (_tp(4), _tp(8)), image=_IMG["vllm-rocm"], specs=MTP)
    # Llama-3.3-70B-Instruct
    c += _cfg("llama70b", "h100", "vllm", "fp8", _SMALL[1:])
    c += _cfg("llama70b", "h200", "vllm", "fp8", _SMALL)
    c += _cfg("llama70b", "h200", "vllm", "bf16", _SMALL[1:])
    c += _cfg("llama70b", "b200", "trt", "fp4", _SMALL, hw="b200-trt")
    c += _cfg("llama70b", "mi300x", "vllm", "fp8", _SMALL, image=_IMG["vllm-rocm"])
    return c


@dataclass(frozen=True)
class SampleRun:
    """One CI run of the sample: metadata for ``run.json`` and its configurations."""

    run_id: int
    run_attempt: int
    date: str
    layout: str  # "agg_bmk" (results_bmk/agg_bmk.json) or "per_point" (bmk_<name>/agg_<name>.json)
    configs: tuple[SampleConfig, ...]
    dirname: str = ""
    only: tuple[tuple[str, int, int, str, int], ...] = ()  # (label, isl, osl, topology, conc)

    @property
    def folder(self) -> str:
        return self.dirname or f"run_{self.run_id}"


_HISTORY = (
    # (date, sglang image, vllm image, dsr1/gptoss efficiency, kimi efficiency, kimi topologies)
    (
        "2026-08-03",
        "lmsysorg/sglang:v0.5.7-cu129-amd64",
        "vllm/vllm-openai:v0.18.0",
        1 / 1.15**2,
        1 / 1.15,
        (_tp(4), _tp(8)),
    ),
    ("2026-09-07", "lmsysorg/sglang:v0.5.8-cu129-amd64", "vllm/vllm-openai:v0.19.0", 1 / 1.15, 1.0, (_tp(4), _tp(8))),
)


def _history_configs(
    sglang_img: str, vllm_img: str, eff: float, kimi_eff: float, kimi_topos: Sequence[Topology]
) -> list[SampleConfig]:
    one = ((1024, 1024),)
    out = []
    for c in _main_configs():
        if c.spec != "none":
            continue
        if (c.prefix, c.gpu, c.framework, c.precision) == ("dsr1", "b200", "sglang", "fp4"):
            out.append(replace(c, image=sglang_img, sw_eff=eff, seq_lens=one))
        elif (c.prefix, c.gpu, c.framework, c.precision) == ("gptoss", "h200", "vllm", "fp4"):
            out.append(replace(c, image=vllm_img, sw_eff=eff, seq_lens=one))
        elif (c.prefix, c.gpu, c.framework, c.precision) == ("kimik2.5", "b200", "vllm", "fp4"):
            out.append(replace(c, image=vllm_img, sw_eff=kimi_eff, seq_lens=one, topologies=tuple(kimi_topos)))
    return out


_RUN_ID_BASE = 9100000001


def _sample_runs() -> list[SampleRun]:
    """The runs of the bundled sample: two history runs, the main sweep, and a rerun (attempt 2) of one point."""
    runs = []
    for i, (date, simg, vimg, eff, keff, ktopo) in enumerate(_HISTORY):
        runs.append(
            SampleRun(_RUN_ID_BASE + i, 1, date, "per_point", tuple(_history_configs(simg, vimg, eff, keff, ktopo)))
        )
    main = SampleRun(_RUN_ID_BASE + 2, 1, "2026-10-05", "agg_bmk", tuple(_main_configs()))
    runs.append(main)
    dsr1 = next(
        c
        for c in main.configs
        if (c.prefix, c.gpu, c.framework, c.precision, c.spec) == ("dsr1", "b200", "sglang", "fp4", "none")
    )
    runs.append(
        SampleRun(
            _RUN_ID_BASE + 2,
            2,
            "2026-10-05",
            "per_point",
            (dsr1,),
            dirname=f"run_{_RUN_ID_BASE + 2}_attempt2",
            only=((dsr1.label, 1024, 1024, _tp(8).label, 64),),
        )
    )
    return runs


# ------------------------------------------------------------------------------------------------------------
# vectorised performance model


def _param_arrays(
    prefix: Sequence[str] | np.ndarray, gpu: Sequence[str] | np.ndarray, precision: Sequence[str] | np.ndarray
) -> dict[str, np.ndarray]:
    """Model / GPU / precision parameters gathered per row (vectorised over rows): the model columns the
    simulation reads, the per-precision arrays (:func:`_precision_arrays`), then the GPU columns."""
    ms = spec_tables.model_specs()
    gs = spec_tables.gpu_specs()
    mi = {k: i for i, k in enumerate(ms["model_key"].to_list())}
    gi = {k: i for i, k in enumerate(gs["gpu"].to_list())}
    m_idx = np.array([mi[p] for p in prefix], dtype=np.int64)
    g_idx = np.array([gi[g] for g in gpu], dtype=np.int64)
    precs = np.asarray(precision, dtype=object)

    def mcol(name: str) -> np.ndarray:
        return ms[name].fill_null(0).cast(pl.Float64).to_numpy()[m_idx]

    def gcol(name: str) -> np.ndarray:
        return gs[name].cast(pl.Float64).fill_null(np.nan).to_numpy()[g_idx]

    P: dict[str, np.ndarray] = {}
    for name in (
        "active_params_b",
        "expert_params_b",
        "n_routed_experts",
        "experts_per_token",
        "unquantized_params_b",
        "attn_params_b",
        "n_layers",
        "hidden_size",
        "attn_dim",
        "kv_layers",
        "kv_elems_per_token_layer",
        "kv_heads",
        "total_params_b",
    ):
        P[name] = mcol(name)
    bpw, kvb, keff, fl = _precision_arrays(precs, mcol, gcol, ms["fp4_gemm_format"].to_numpy()[m_idx])
    keff *= np.array([_GPU_EFF.get(str(g), 1.0) for g in gs["gpu"].to_numpy()[g_idx]])
    P["bpw"] = bpw
    P["unq_eff"] = np.where(precs == "bf16", 0.0, P["unquantized_params_b"])
    P["kv_tok"] = P["kv_layers"] * P["kv_elems_per_token_layer"] * kvb
    P["keff"] = keff
    P["flops"] = fl
    P["bw"] = gcol("hbm_bandwidth_tb_s")
    P["cap"] = gcol("hbm_capacity_gb")
    P["sbw"] = gcol("scaleup_bw_gb_s")
    P["tdp"] = gcol("tdp_w")
    P["amd"] = gs["vendor"].to_numpy()[g_idx] == "amd"
    return P


def _precision_arrays(
    precs: np.ndarray,
    mcol: Callable[[str], np.ndarray],
    gcol: Callable[[str], np.ndarray],
    fp4_gemm_format: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row, from its precision: weight bits per parameter, KV-cache bytes per element, kernel efficiency
    (weight-only FP4 where the GPU has no FP4 tensor cores) and dense TFLOPS of the compute precision (BF16 where
    the GPU lacks it). ``mcol``/``gcol``: a model / GPU column gathered per row."""
    n = len(precs)
    bpw, kvb, keff, fl = np.zeros(n), np.zeros(n), np.ones(n), np.zeros(n)
    for p in spec_tables.PRECISIONS:
        sel = precs == p
        if not sel.any():
            continue
        bpw[sel] = mcol(f"bpw_{p}")[sel]
        kvb[sel] = spec_tables.KV_CACHE_BYTES_PER_ELEMENT[p]
        keff[sel] = _PRECISION_KERNEL_EFF[p]
        if p == "fp4":  # W4A4 or W4A8 by model
            fl[sel] = np.where(fp4_gemm_format == "fp8", gcol("dense_fp8_tflops"), gcol("dense_fp4_tflops"))[sel]
        else:
            fl[sel] = gcol(f"dense_{spec_tables.COMPUTE_PRECISION[p]}_tflops")[sel]
    keff[(precs == "fp4") & np.isnan(gcol("dense_fp4_tflops"))] *= _WEIGHT_ONLY_FP4_EFF
    return bpw, kvb, keff, np.where(np.isnan(fl), gcol("dense_bf16_tflops"), fl)


def _decode_step(P: dict, g, ep, dpa, B, n_q, ctx, sw):
    """Decode step time (s) and its core (memory/compute) part for B sequences × n_q tokens on g GPUs."""
    T = B * n_q
    E = P["n_routed_experts"]
    moe = E > 0
    route = np.where(moe, P["experts_per_token"] / np.maximum(E, 1.0), 0.0)
    act_exp = P["expert_params_b"] * route
    unq = P["unq_eff"]
    dense_q = np.maximum(P["active_params_b"] - act_exp - unq, 0.0)
    attn = np.minimum(P["attn_params_b"], dense_q)
    bpw = P["bpw"]
    attn_bytes = attn * bpw * 1e9
    other_bytes = ((dense_q - attn) * bpw + unq * 2.0) * 1e9
    frac = np.where(moe, 1.0 - (1.0 - route) ** T, 0.0)
    exp_bytes = P["expert_params_b"] * bpw * frac * 1e9
    has_ep = ep > 1
    imb = np.where(has_ep, 1.05 + 0.25 * np.exp(-T / (4.0 * g)), 1.0)
    w_gpu = np.where(dpa, attn_bytes, attn_bytes / g) + other_bytes / g + exp_bytes * imb / g
    shards = np.where(dpa, g, np.minimum(g, P["kv_heads"]))
    kv_gpu = B * ctx * P["kv_tok"] / shards
    t_mem = (w_gpu + kv_gpu) / (P["bw"] * 1e12 * _BW_EFF * P["keff"])
    flops = 2.0 * P["active_params_b"] * 1e9 * T + 2.0 * P["kv_layers"] * P["attn_dim"] * ctx * T
    moe_eff = np.where(moe & ~has_ep & (g > 1), 0.75, 1.0)
    t_comp = flops / (g * P["flops"] * 1e12 * _DECODE_FLOP_EFF * P["keff"] * moe_eff)
    t_core = np.maximum(t_mem, t_comp) + 0.2 * np.minimum(t_mem, t_comp)
    link = P["sbw"] * 0.5e9  # unidirectional bytes/s per GPU
    L = P["n_layers"]
    hid = P["hidden_size"]
    tp_comm = np.where((g > 1) & ~dpa, L * 2.0 * (4e-6 + 0.8e-6 * g + T * hid * 2.0 * 2.0 * (g - 1) / g / link), 0.0)
    a2a_bytes = (T / g) * P["experts_per_token"] * hid * 3.0 * (g - 1) / g
    ep_comm = np.where(has_ep, L * (2.0 * 10e-6 + a2a_bytes / link), 0.0)
    dpa_sync = np.where(dpa, L * 3e-6 + 0.3e-3, 0.0)
    t_over = _STEP_OVERHEAD_S + _PER_SEQ_OVERHEAD_S * B
    t = (t_core + tp_comm + ep_comm + dpa_sync + t_over) / sw
    return t, t_core / sw


def _prefill_time(P: dict, g, ep, isl_e, sw):
    """Time (s) to prefill one request of isl_e tokens on g GPUs (compute bound)."""
    moe = P["n_routed_experts"] > 0
    flops = 2.0 * P["active_params_b"] * 1e9 * isl_e + P["kv_layers"] * P["attn_dim"] * isl_e**2
    moe_eff = np.where(moe & (ep <= 1) & (g > 1), 0.85, 1.0)
    t_comp = flops / (g * P["flops"] * 1e12 * _PREFILL_FLOP_EFF * P["keff"] * moe_eff)
    resident = ((P["total_params_b"] - P["unq_eff"]) * P["bpw"] + P["unq_eff"] * 2.0) * 1e9
    t_mem = resident / g / (P["bw"] * 1e12 * _BW_EFF)
    link = P["sbw"] * 0.5e9
    comm = np.where(g > 1, P["n_layers"] * 2.0 * (10e-6 + isl_e * P["hidden_size"] * 2.0 / link), 0.0)
    return (np.maximum(t_comp, t_mem) + comm + _PREFILL_OVERHEAD_S) / sw


def _lognormal_stats(med: np.ndarray, sigma: np.ndarray, tail: np.ndarray | float = 1.0) -> dict[str, np.ndarray]:
    mean = med * np.exp(sigma**2 / 2.0)
    return {
        "mean": mean,
        "median": med,
        "std": mean * np.sqrt(np.expm1(sigma**2)),
        "p90": med * np.exp(Z90 * sigma),
        "p99": med * np.exp(Z99 * sigma * tail),
        "p99.9": med * np.exp(Z999 * sigma * tail),
    }


def simulate(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Vectorised performance model: one output row per input row.

    ``cols`` holds per-row arrays: ``prefix``, ``gpu``, ``precision``, ``framework`` (str); ``conc``, ``isl``,
    ``osl``, ``tp``, ``ep`` (decode side), ``dpa`` (bool), ``mtp`` (bool), ``disagg`` (bool), ``prefill_tp``,
    ``prefill_ep``, ``prefill_workers``, ``decode_workers`` (disaggregated only, else ignored), ``sw_eff``
    (float), ``u_step``, ``u_prefill`` and optional ``u_isl``, ``u_osl`` (noise draws in [-1, 1]). Returns the
    agg metric fields (seconds, tok/s/GPU, tok/s/user, W, J/token) plus ``n_gpus`` and ``prefill_util``.
    """
    P = _param_arrays(cols["prefix"], cols["gpu"], cols["precision"])
    fw = np.array([_FRAMEWORK_EFF[f] for f in cols["framework"]], dtype=float)
    return _simulate_core(P, fw, cols)


def _simulate_core(P: dict[str, np.ndarray], fw: np.ndarray, cols: dict) -> dict[str, np.ndarray]:
    """Body of :func:`simulate` given per-row parameters ``P`` and framework factors ``fw``, in named steps: the
    row's serving inputs, the decode and prefill step times, the latencies under aggregated or disaggregated serving,
    then their distributions, throughput and power. ``v`` carries the per-row arrays from step to step."""
    v = _serving_inputs(P, fw, cols)
    _step_times(P, v, cols)
    _latencies(v)
    return _outputs(P, v)


def _serving_inputs(P: dict[str, np.ndarray], fw: np.ndarray, cols: dict) -> dict[str, np.ndarray]:
    """Per row: software efficiency, concurrency, effective ISL/OSL and context, serving mode, MTP and GPU counts."""
    n = len(cols["conc"])
    zero = np.zeros(n)
    v: dict[str, np.ndarray] = {"zero": zero}
    v["sw"] = fw * np.where(P["amd"], _VENDOR_EFF["amd"], _VENDOR_EFF["nvidia"]) * np.asarray(cols["sw_eff"], float)
    v["B"] = np.asarray(cols["conc"], float)
    v["isl_e"] = np.asarray(cols["isl"], float) * _LENGTH_MEAN_FRAC * (1.0 + _LENGTH_NOISE * cols.get("u_isl", zero))
    v["osl_e"] = np.asarray(cols["osl"], float) * _LENGTH_MEAN_FRAC * (1.0 + _LENGTH_NOISE * cols.get("u_osl", zero))
    v["ctx"] = v["isl_e"] + v["osl_e"] / 2.0
    dis = v["dis"] = np.asarray(cols["disagg"], bool)
    v["mtp"] = np.asarray(cols["mtp"], bool)
    v["g"] = np.asarray(cols["tp"], float)
    v["ep"] = np.asarray(cols["ep"], float)
    v["dpa"] = np.asarray(cols["dpa"], bool)
    v["dw"] = np.where(dis, np.asarray(cols["decode_workers"], float), 1.0)
    v["pw"] = np.where(dis, np.asarray(cols["prefill_workers"], float), 1.0)
    v["gp"] = np.where(dis, np.asarray(cols["prefill_tp"], float), v["g"])
    v["epp"] = np.where(dis, np.asarray(cols["prefill_ep"], float), v["ep"])
    v["Bd"] = v["B"] / v["dw"]  # sequences per decode instance
    v["n_q"] = np.where(v["mtp"], 1.0 + _MTP_DRAFT_TOKENS, 1.0)
    return v


def _step_times(P: dict[str, np.ndarray], v: dict[str, np.ndarray], cols: dict) -> None:
    """Adds ``t_step`` (a decode step, s, MTP drafting and noise included), ``accepted`` (tokens per step) and
    ``t_pf`` (a prefill, s) to ``v``."""
    mtp, sw = v["mtp"], v["sw"]
    t_step, t_core = _decode_step(P, v["g"], v["ep"], v["dpa"], v["Bd"], v["n_q"], v["ctx"], sw)
    a = _MTP_ACCEPTANCE
    v["accepted"] = np.where(mtp, sum(a**i for i in range(_MTP_DRAFT_TOKENS + 1)), 1.0)
    t_step = t_step + np.where(mtp, _MTP_DRAFT_TOKENS * (0.15e-3 / sw + t_core / P["n_layers"]), 0.0)
    v["t_step"] = t_step * (1.0 + _STEP_NOISE * np.asarray(cols["u_step"], float))
    v["t_pf"] = _prefill_time(P, v["gp"], v["epp"], v["isl_e"], sw) * (
        1.0 + _PREFILL_NOISE * np.asarray(cols["u_prefill"], float)
    )


def _latencies(v: dict[str, np.ndarray]) -> None:
    """Adds ``tpot``, ``ttft`` (s), prefill load ``rho`` and ``rho_agg``/``rho_dis`` to ``v``: aggregated serving
    (prefill stalls decode) or disaggregated (separate prefill workers; a fixed point on the request rate, capped
    where the prefill workers saturate and the closed-loop users queue for prefill)."""
    B, t_pf, t_step, osl_e, accepted, pw = v["B"], v["t_pf"], v["t_step"], v["osl_e"], v["accepted"], v["pw"]
    # aggregated serving: prefill stalls decode
    tpot_agg = t_step / accepted + _PREFILL_STALL * B * t_pf / osl_e
    life0 = t_pf + osl_e * tpot_agg
    rho_agg = np.clip(B * t_pf / life0, 0.0, 0.9)
    ttft_agg = t_pf * (1.0 + rho_agg / (2.0 * (1.0 - rho_agg))) + 0.5 * t_step
    # disaggregated: prefill workers separate; fixed-point on the request rate
    tpot_dis = t_step / accepted
    ttft_dis = t_pf + _KV_TRANSFER_S
    rho_dis = np.zeros(len(B))
    for _ in range(8):
        rate = B / (ttft_dis + osl_e * tpot_dis)
        rho_dis = np.clip(rate * t_pf / pw, 0.0, 0.9)
        ttft_dis = t_pf * (1.0 + rho_dis / (2.0 * (1.0 - rho_dis))) + _KV_TRANSFER_S
    # prefill workers saturated: the request rate caps and the closed-loop users queue for prefill
    rate_cap = _PREFILL_MAX_UTIL * pw / t_pf
    rate_dis = np.minimum(B / (ttft_dis + osl_e * tpot_dis), rate_cap)
    ttft_dis = np.maximum(ttft_dis, B / rate_dis - osl_e * tpot_dis)
    rho_dis = rate_dis * t_pf / pw
    dis = v["dis"]
    v["tpot"] = np.where(dis, tpot_dis, tpot_agg)
    v["ttft"] = np.where(dis, ttft_dis, ttft_agg) + _TTFT_BASE_S
    v["rho"] = np.where(dis, rho_dis, rho_agg)
    v["rho_agg"], v["rho_dis"] = rho_agg, rho_dis


def _outputs(P: dict[str, np.ndarray], v: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The benchmark fields: latency distributions (TTFT, TPOT, interactivity, ITL, E2EL), throughput per GPU
    (total, output per decode GPU, input per prefill GPU), power and energy per token."""
    dis, B, t_pf, t_step, osl_e, isl_e = v["dis"], v["B"], v["t_pf"], v["t_step"], v["osl_e"], v["isl_e"]
    tpot, ttft, rho, accepted, g = v["tpot"], v["ttft"], v["rho"], v["accepted"], v["g"]
    s_tpot = 0.02 + 0.10 * rho
    s_ttft = 0.25 + 0.60 * rho
    tp_s = _lognormal_stats(tpot, s_tpot)
    tt_s = _lognormal_stats(ttft, s_ttft, 1.2)
    stall = np.where(dis, 0.0, _PREFILL_STALL * B * t_pf / osl_e / np.maximum(tpot, 1e-12))
    itl_med = t_step * (1.0 + 0.2 * stall)
    it_s = _lognormal_stats(itl_med, 0.08 + 0.3 * stall, 1.0 + 2.0 * stall)
    it_s["mean"] = tp_s["mean"] * accepted  # one chunk of `accepted` tokens per gap, stalls included
    e2_med = ttft + osl_e * tpot
    e2_s = _lognormal_stats(e2_med, 0.06 + 0.5 * s_tpot)
    e2_mean = tt_s["mean"] + osl_e * tp_s["mean"]
    e2_s["mean"] = e2_mean

    rate = B / e2_mean  # requests/s, whole deployment
    n_dec = g * v["dw"]
    n_pre = np.where(dis, v["gp"] * v["pw"], g)
    n_all = np.where(dis, n_dec + n_pre, g)
    out_total = rate * osl_e
    in_total = rate * isl_e
    out_gpu = np.where(dis, out_total / n_dec, out_total / g)
    in_gpu = np.where(dis, in_total / n_pre, in_total / g)
    tput = (out_total + in_total) / n_all
    busy = 1.0 - np.exp(-(v["Bd"] * v["n_q"]) / (8.0 * g))
    power = P["tdp"] * (0.42 + 0.43 * busy)

    out: dict[str, np.ndarray] = {"tput_per_gpu": tput, "output_tput_per_gpu": out_gpu, "input_tput_per_gpu": in_gpu}
    for s in STATS_SRC:
        out[f"{s}_ttft"] = tt_s[s]
    for s in STATS_SRC:
        out[f"{s}_tpot"] = tp_s[s]
        out[f"{s}_intvty"] = 1.0 / tp_s[s]
    for s in STATS_SRC:
        out[f"{s}_itl"] = it_s[s]
    for s in STATS_SRC:
        out[f"{s}_e2el"] = e2_s[s]
    out["avg_power_w"] = power
    out["joules_per_total_token"] = power / tput
    out["joules_per_output_token"] = power * n_all / out_total
    out["n_gpus"] = n_all
    out["prefill_util"] = np.where(dis, v["rho_dis"], v["rho_agg"])
    return out


# ------------------------------------------------------------------------------------------------------------
# sample rows


def _isl_tag(isl: int, osl: int) -> str:
    return f"{isl // 1024}k{osl // 1024}k"


def _point_name(row: dict, runner: str) -> str:
    """InferenceX result name for a row, e.g.
    ``dsr1_1k1k_fp4_sglang_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc32_<runner>``
    (disaggregated rows: ``p<prefill GPUs>-tp<decode tp>-ep<decode ep>-dpa<decode dpa>`` as topology)."""
    if row["is_multinode"]:
        topo = f"p{row['num_prefill_gpu']}-tp{row['decode_tp']}-ep{row['decode_ep']}-dpa{row['decode_dp_attention']}"
    else:
        topo = f"tp{row['tp']}-ep{row['ep']}-dpa{row['dp_attention']}"
    return (
        f"{row['infmax_model_prefix']}_{_isl_tag(row['isl'], row['osl'])}_{row['precision']}_{row['framework']}_"
        f"{topo}_disagg-{str(row['disagg']).lower()}_spec-{row['spec_decoding']}_conc{row['conc']}_{runner}"
    )


def _round(x: float) -> float:
    return float(f"{x:.9g}")


def _config_points(cfg: SampleConfig) -> list[tuple[int, int, Topology, int]]:
    pts = []
    for isl, osl in cfg.seq_lens:
        for topo in cfg.topologies:
            if topo.isl_only and topo.isl_only != isl:
                continue
            if topo.disagg:
                kvb = spec_tables.kv_cache_budget(
                    cfg.prefix, cfg.precision, cfg.gpu, topo.tp, isl, osl, dp_attention=topo.dpa
                )
                limit = kvb.max_concurrency * topo.decode_workers
            else:
                limit = spec_tables.kv_cache_budget(
                    cfg.prefix, cfg.precision, cfg.gpu, topo.tp, isl, osl, dp_attention=topo.dpa
                ).max_concurrency
            for conc in topo.concs:
                if conc <= limit:
                    pts.append((isl, osl, topo, conc))
    return pts


def _config_rows(cfg: SampleConfig, seed: int, salt: str = "") -> list[dict]:
    """Agg rows (InferenceX field names and order, plus ``synthetic``) for one configuration: its points simulated
    with seeded noise, the points a tuned sweep would not run left out, each row written field by field."""
    pts = _config_points(cfg)
    if not pts:
        return []
    cols = _simulation_inputs(cfg, pts, seed, salt)
    res = simulate(cols)
    zero = np.zeros(len(pts))  # which points a sweep runs is decided without the noise, so it never depends on the seed
    util = simulate({**cols, "u_step": zero, "u_prefill": zero, "u_isl": zero, "u_osl": zero})["prefill_util"]
    rows = []
    for i, (isl, osl, topo, conc) in enumerate(pts):
        if topo.disagg and util[i] >= _PREFILL_SATURATED:
            continue  # prefill workers saturated: a tuned sweep does not run this point
        r = _row_config_fields(cfg, isl, osl, topo, conc)
        for f in METRIC_FIELDS:
            r[f] = _round(float(res[f][i]))
        for s in STATS_SRC:  # keep intvty = 1 / tpot exactly on the rounded values
            r[f"{s}_intvty"] = _round(1.0 / r[f"{s}_tpot"])
        r["synthetic"] = True
        rows.append(r)
    return rows


def _simulation_inputs(cfg: SampleConfig, pts: list[tuple[int, int, Topology, int]], seed: int, salt: str) -> dict:
    """The columns :func:`simulate` reads for ``cfg``'s points, with uniform noise in [-1, 1) seeded by the config,
    its image and ``salt`` (the run)."""
    rng = np.random.default_rng([seed, zlib.crc32(f"{cfg.label}|{cfg.image}|{salt}".encode())])
    u = rng.uniform(-1.0, 1.0, size=(4, len(pts)))
    n = len(pts)
    topo = [p[2] for p in pts]
    return {
        "prefix": [cfg.prefix] * n,
        "gpu": [cfg.gpu] * n,
        "precision": [cfg.precision] * n,
        "framework": [cfg.framework] * n,
        "conc": np.array([p[3] for p in pts]),
        "isl": np.array([p[0] for p in pts]),
        "osl": np.array([p[1] for p in pts]),
        **{k: np.array([getattr(t, k) for t in topo]) for k in ("tp", "ep", "dpa")},
        "mtp": np.full(n, cfg.spec == "mtp"),
        "disagg": np.array([t.disagg for t in topo]),
        **{k: np.array([getattr(t, k) for t in topo]) for k in _PD_FIELDS},
        "sw_eff": np.full(n, cfg.sw_eff),
        "u_step": u[0],
        "u_prefill": u[1],
        "u_isl": u[2],
        "u_osl": u[3],
    }


_PD_FIELDS = ("prefill_tp", "prefill_ep", "prefill_workers", "decode_workers")


def _row_config_fields(cfg: SampleConfig, isl: int, osl: int, topo: Topology, conc: int) -> dict:
    """An agg row's config and topology fields, in the artifact's order."""
    r: dict = {
        "hw": cfg.hw,
        "conc": int(conc),
        "image": cfg.image,
        "model": cfg.model_path,
        "infmax_model_prefix": cfg.prefix,
        "framework": cfg.framework,
        "precision": cfg.precision,
        "spec_decoding": cfg.spec,
        "disagg": bool(topo.disagg),
        "isl": int(isl),
        "osl": int(osl),
        "is_multinode": bool(topo.disagg),
    }
    if not topo.disagg:
        return r | {"tp": topo.tp, "ep": topo.ep, "dp_attention": str(topo.dpa).lower()}
    return r | {
        "prefill_tp": topo.prefill_tp,
        "prefill_ep": topo.prefill_ep,
        "prefill_dp_attention": str(topo.prefill_dpa).lower(),
        "prefill_num_workers": topo.prefill_workers,
        "decode_tp": topo.tp,
        "decode_ep": topo.ep,
        "decode_dp_attention": str(topo.dpa).lower(),
        "decode_num_workers": topo.decode_workers,
        "num_prefill_gpu": topo.prefill_tp * topo.prefill_workers,
        "num_decode_gpu": topo.tp * topo.decode_workers,
    }


def _run_rows(run: SampleRun, seed: int) -> list[tuple[SampleConfig, dict]]:
    salt = f"{run.run_id}-{run.run_attempt}"
    out: list[tuple[SampleConfig, dict]] = []
    for cfg in run.configs:
        rs = _config_rows(cfg, seed, salt)
        if run.only:
            keep = {(isl, osl, t, conc) for label, isl, osl, t, conc in run.only if label == cfg.label}
            rs = [r for r in rs if (r["isl"], r["osl"], _row_topology_label(r), r["conc"]) in keep]
        out += [(cfg, r) for r in rs]
    return out


def _row_topology_label(r: dict) -> str:
    if r["is_multinode"]:
        return "multinode"
    return f"tp{r['tp']}-ep{r['ep']}-dpa{r['dp_attention']}"


def _head_sha(run: SampleRun, seed: int) -> str:
    return hashlib.sha1(f"synthetic-sample-{seed}-{run.run_id}-{run.run_attempt}".encode()).hexdigest()


def _dump(obj) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def write_sample(out_dir: str | Path = SAMPLE_DIR, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the sample under ``out_dir`` as downloaded CI artifacts; returns rows written per run folder.

    Layout: ``run_<id>[ _attempt<k>]/run.json`` (run id, attempt, date, head sha, ``synthetic``) plus either
    ``results_bmk/agg_bmk.json`` (JSON array) or ``bmk_<name>/agg_<name>.json`` (one object per point).
    Previously generated ``run_*`` folders (those whose ``run.json`` says ``synthetic``) are replaced; other
    files in ``out_dir`` (e.g. its README) are left alone.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for d in sorted(out.glob("run_*")):
        sidecar = d / "run.json"
        if d.is_dir() and sidecar.is_file():
            try:
                synthetic = json.loads(sidecar.read_text()).get("synthetic") is True
            except (OSError, ValueError):
                synthetic = False
            if synthetic:
                shutil.rmtree(d)
    counts: dict[str, int] = {}
    for run in _sample_runs():
        pairs = _run_rows(run, seed)
        rows = [r for _, r in pairs]
        d = out / run.folder
        d.mkdir(parents=True, exist_ok=True)
        meta = {
            "run_id": run.run_id,
            "run_attempt": run.run_attempt,
            "date": run.date,
            "head_sha": _head_sha(run, seed),
            "synthetic": True,
        }
        (d / "run.json").write_text(_dump(meta), encoding="utf-8")
        if run.layout == "agg_bmk":
            (d / "results_bmk").mkdir(exist_ok=True)
            (d / "results_bmk" / "agg_bmk.json").write_text(_dump(rows), encoding="utf-8")
        else:
            for cfg, r in pairs:
                name = _point_name(r, cfg.runner)
                pd = d / f"bmk_{name}"
                pd.mkdir(exist_ok=True)
                (pd / f"agg_{name}.json").write_text(_dump(r), encoding="utf-8")
        counts[run.folder] = len(rows)
    return counts


# ------------------------------------------------------------------------------------------------------------
# fast bulk generator


def _bulk_catalogue() -> list[tuple[SampleConfig, Topology, int, int]]:
    cat = []
    for cfg in _main_configs():
        for isl, osl in cfg.seq_lens:
            for topo in cfg.topologies:
                if not topo.disagg:
                    cat.append((cfg, topo, isl, osl))
    return cat


def generate_frame(n_configs: int, points_per_config: int, seed: int = DEFAULT_SEED) -> pl.DataFrame:
    """A large synthetic agg table (single-node points) for benchmarks, vectorised: no Python loop per row.

    Config ``i`` is catalogue entry ``i mod C`` (model / GPU / engine / precision / spec / topology / ISL-OSL of
    the sample, C ≈ 190); repeats shift ``isl`` by 8 tokens per cycle so every curve is distinct. Concurrency
    values are distinct within a config (geometric 4…512 plus the point index). Columns and types follow the
    agg artifact (``dp_attention`` as ``"true"``/``"false"``, latencies in seconds, ``p99.9_*`` names) plus
    ``synthetic``. The KV-capacity limit is not applied here.
    """
    if n_configs < 0 or points_per_config < 0:
        raise ValueError("n_configs and points_per_config must be non-negative")
    cat = _bulk_catalogue()
    strings, per_cfg, c_P, c_fw = _catalogue_arrays(cat)
    n = n_configs * points_per_config
    cfg_idx = np.repeat(np.arange(n_configs, dtype=np.int64), points_per_config)
    j = np.tile(np.arange(points_per_config, dtype=np.int64), n_configs)
    cat_idx = cfg_idx % len(cat)
    denom = max(points_per_config - 1, 1)
    conc = j + np.rint(4.0 * 128.0 ** (j / denom)).astype(np.int64)
    u = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(4, n))
    isl = per_cfg["isl"][cat_idx] + 8 * (cfg_idx // len(cat))
    osl, tp, ep = (per_cfg[k][cat_idx] for k in ("osl", "tp", "ep"))
    zeros = np.zeros(n)
    cols = {"conc": conc, "isl": isl, "osl": osl, "tp": tp, "ep": ep}
    cols |= {"dpa": per_cfg["dpa"][cat_idx], "mtp": per_cfg["mtp"][cat_idx], "disagg": np.zeros(n, bool)}
    cols |= dict.fromkeys(_PD_FIELDS, zeros) | {"sw_eff": np.ones(n)}
    cols |= {"u_step": u[0], "u_prefill": u[1], "u_isl": u[2], "u_osl": u[3]}
    res = _simulate_core({k: v[cat_idx] for k, v in c_P.items()}, c_fw[cat_idx], cols)
    s = strings[cat_idx]
    return pl.DataFrame(
        {
            "hw": s["hw"],
            "conc": conc,
            **{k: s[k] for k in ("image", "model", "infmax_model_prefix", "framework", "precision", "spec_decoding")},
            "disagg": np.zeros(n, bool),
            "isl": isl,
            "osl": osl,
            "is_multinode": np.zeros(n, bool),
            "tp": tp,
            "ep": ep,
            "dp_attention": s["dp_attention"],
            **{f: res[f] for f in METRIC_FIELDS},
            "synthetic": np.ones(n, bool),
        }
    )


def _catalogue_arrays(
    cat: list,
) -> tuple[pl.DataFrame, dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
    """Per catalogue entry: its text fields (a frame), its ISL/OSL/topology/MTP arrays, its model/GPU/precision
    parameters (:func:`_param_arrays`) and its framework factor."""
    strings = pl.DataFrame(
        {
            "hw": [c.hw for c, _, _, _ in cat],
            "image": [c.image for c, _, _, _ in cat],
            "model": [c.model_path for c, _, _, _ in cat],
            "infmax_model_prefix": [c.prefix for c, _, _, _ in cat],
            "framework": [c.framework for c, _, _, _ in cat],
            "precision": [c.precision for c, _, _, _ in cat],
            "spec_decoding": [c.spec for c, _, _, _ in cat],
            "dp_attention": [str(t.dpa).lower() for _, t, _, _ in cat],
        }
    )
    per_cfg = {
        "isl": np.array([i for _, _, i, _ in cat], dtype=np.int64),
        "osl": np.array([o for _, _, _, o in cat], dtype=np.int64),
        "tp": np.array([t.tp for _, t, _, _ in cat], dtype=np.int64),
        "ep": np.array([t.ep for _, t, _, _ in cat], dtype=np.int64),
        "dpa": np.array([t.dpa for _, t, _, _ in cat], dtype=bool),
        "mtp": np.array([c.spec == "mtp" for c, _, _, _ in cat], dtype=bool),
    }
    c_fw = np.array([_FRAMEWORK_EFF[c.framework] for c, _, _, _ in cat], dtype=float)
    c_P = _param_arrays(
        [c.prefix for c, _, _, _ in cat], [c.gpu for c, _, _, _ in cat], [c.precision for c, _, _, _ in cat]
    )
    return strings, per_cfg, c_P, c_fw


def write_agg_bmk(df: pl.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as one ``agg_bmk.json`` (a JSON array of row objects, field names as in the artifacts)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    df.write_json(p)
    return p


def write_agg_files(
    df: pl.DataFrame, out_dir: str | Path, n_files: int, *, run_json: bool = True, date: str = "2026-10-05"
) -> list[Path]:
    """Split ``df`` into ``n_files`` contiguous slices written as ``out_dir/run_<k>/agg_bmk.json``.

    With ``run_json`` each folder also gets a ``run.json`` sidecar (run id 9200000000 + k, attempt 1, ``date``,
    ``synthetic: true``). Returns the array files written.
    """
    if n_files < 1:
        raise ValueError("n_files must be >= 1")
    out = Path(out_dir)
    bounds_ = np.linspace(0, df.height, n_files + 1).round().astype(int)
    paths = []
    for k in range(n_files):
        d = out / f"run_{k}"
        p = write_agg_bmk(df.slice(int(bounds_[k]), int(bounds_[k + 1] - bounds_[k])), d / "agg_bmk.json")
        if run_json:
            meta = {
                "run_id": 9200000000 + k,
                "run_attempt": 1,
                "date": date,
                "head_sha": hashlib.sha1(f"bulk-{k}".encode()).hexdigest(),
                "synthetic": True,
            }
            (d / "run.json").write_text(_dump(meta), encoding="utf-8")
        paths.append(p)
    return paths


# ------------------------------------------------------------------------------------------------------------
# CLI


def main_sample(argv: Sequence[str] | None = None) -> int:
    """``frontier sample [--out DIR] [--seed N]``: (re)generate the bundled synthetic sample."""
    from frontier.terminal import ArgumentParser, echo

    ap = ArgumentParser(prog="frontier sample", description="Generate the synthetic benchmark sample.")
    ap.add_argument("--out", default=str(SAMPLE_DIR), help="output folder (default: data/raw/sample)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    args = ap.parse_args(list(argv) if argv is not None else None)
    counts = write_sample(args.out, args.seed)
    for folder, n in counts.items():
        echo(f"{folder}: {n:,} rows")
    echo(f"total: {sum(counts.values()):,} synthetic rows in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_sample(sys.argv[1:]))
