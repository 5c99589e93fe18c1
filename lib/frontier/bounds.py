"""Physical bounds for LLM serving: decode floor, KV-cache budget, prefill ceiling.

These are first-principles limits computed from public vendor and model-card figures
(``lib/frontier/data/gpu_specs.csv`` and ``lib/frontier/data/model_specs.csv``, each row with a ``source``).
They are bounds, not predictions: a measured point can approach them, never beat them (except through
speculative decoding, which emits several tokens per weight pass; see :func:`decode_floor`).

Units
-----
- bandwidth: TB/s (1e12 bytes/s) per GPU; capacity: GB (1e9 bytes) per GPU.
- compute: dense TFLOP/s per GPU (without 2:4 sparsity).
- parameters: billions (``*_params_b``); weights: bytes per weight (``bpw_<precision>``).
- latency: seconds (``seconds_per_token``) or milliseconds where the name says ``ms``.
- interactivity: tok/s/user (1 / time per output token).
- prefill: tokens/s per GPU.

Model table columns
-------------------
``active_params_b`` parameters touched per token (model card); ``expert_params_b`` all routed-expert parameters
(MoE); ``n_routed_experts`` / ``experts_per_token`` router fan-out; ``unquantized_params_b`` parameters in the
active set kept in BF16 in every checkpoint (embeddings / LM head, and for gpt-oss all non-expert weights);
``attn_params_b`` attention weights (replicated on every GPU under DP-attention); ``attn_dim`` query heads ×
(qk head dim + v head dim), used for attention FLOPs; ``kv_layers`` layers holding a full-length KV cache;
``kv_elems_per_token_layer`` KV-cache elements per token per layer (MLA latent 512 + 64 rope = 576, or
2 × kv heads × head dim for GQA); ``kv_heads`` how many ways the KV cache can be sharded by tensor parallelism
(1 for MLA: the latent is replicated on every TP rank); ``fp4_gemm_format`` the tensor-core format an FP4
checkpoint's GEMMs run in (``fp4`` for W4A4 NVFP4, ``fp8`` for gpt-oss's MXFP4 × FP8 activations);
``precisions`` published checkpoints.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl

from frontier.labels import base_model
from frontier.load.normalise import MODEL_KEY_ALIASES
from frontier.paths import PACKAGE_DATA

__all__ = [
    "BOUND_FORMATS",
    "COMPUTE_PRECISION",
    "DEFAULT_MEMORY_FRACTION",
    "DEFAULT_RESERVE_GB_PER_GPU",
    "DecodeFloor",
    "FLOOR_TABLE_SCHEMA",
    "KV_CACHE_BYTES_PER_ELEMENT",
    "KvBudget",
    "PRECISIONS",
    "SPARSITY_FACTOR",
    "bytes_per_weight",
    "compute_format",
    "decode_floor",
    "decode_floor_table",
    "decode_gpus",
    "dense_peak_tflops",
    "floor_view",
    "frontier_vs_floor",
    "gpu_key",
    "gpu_spec",
    "gpu_specs",
    "kv_bytes_per_token",
    "kv_cache_budget",
    "model_key",
    "model_spec",
    "model_specs",
    "peak_tflops",
    "percent_of_bound",
    "prefill_ceiling",
    "prefill_flops_per_token",
    "ridge_point",
    "weight_bytes",
]

_GPU_SPECS_CSV = PACKAGE_DATA / "gpu_specs.csv"
_MODEL_SPECS_CSV = PACKAGE_DATA / "model_specs.csv"

_GPU_SPECS_SCHEMA: dict[str, pl.DataType] = {
    "gpu": pl.String(),
    "name": pl.String(),
    "vendor": pl.String(),
    "hbm_bandwidth_tb_s": pl.Float64(),  # TB/s per GPU
    "hbm_capacity_gb": pl.Float64(),  # GB per GPU
    "dense_fp4_tflops": pl.Float64(),  # dense TFLOP/s; null where not supported
    "dense_fp8_tflops": pl.Float64(),
    "dense_bf16_tflops": pl.Float64(),
    "scaleup_domain": pl.Int32(),  # GPUs in one NVLink / Infinity Fabric domain
    "scaleup_bw_gb_s": pl.Float64(),  # GB/s per GPU, bidirectional
    "tdp_w": pl.Float64(),  # W per GPU (board power)
    "source": pl.String(),
}

_MODEL_SPECS_SCHEMA: dict[str, pl.DataType] = {
    "model": pl.String(),  # display name
    "model_key": pl.String(),  # InferenceX prefix
    "hf_id": pl.String(),
    "arch": pl.String(),
    "total_params_b": pl.Float64(),
    "active_params_b": pl.Float64(),
    "expert_params_b": pl.Float64(),
    "n_routed_experts": pl.Int32(),
    "experts_per_token": pl.Int32(),
    "unquantized_params_b": pl.Float64(),
    "attn_params_b": pl.Float64(),
    "n_layers": pl.Int32(),
    "hidden_size": pl.Int32(),
    "attn_dim": pl.Int32(),
    "kv_layers": pl.Int32(),
    "kv_elems_per_token_layer": pl.Int32(),
    "kv_heads": pl.Int32(),
    "bpw_fp4": pl.Float64(),  # bytes per weight, scales included
    "bpw_fp8": pl.Float64(),
    "bpw_int4": pl.Float64(),
    "bpw_bf16": pl.Float64(),
    "fp4_gemm_format": pl.String(),  # tensor-core format FP4 checkpoints' GEMMs run in (fp4, or fp8 = W4A8)
    "precisions": pl.String(),  # ';'-separated
    "source": pl.String(),
}

PRECISIONS = ("fp4", "fp8", "int4", "bf16")

#: KV-cache element size (bytes) a serving config typically uses with each weight precision:
#: FP8 KV cache with FP4/FP8 weights, BF16 KV cache with INT4 (weight-only) and BF16 weights.
KV_CACHE_BYTES_PER_ELEMENT: dict[str, float] = {"fp4": 1.0, "fp8": 1.0, "int4": 2.0, "bf16": 2.0}

#: Tensor-core format the GEMMs run in for each weight precision. INT4 is weight-only (W4A16, BF16 math);
#: FP4 on a GPU without FP4 tensor cores (H100/H200, MI300X/MI325X) also runs as W4A16.
COMPUTE_PRECISION: dict[str, str] = {"fp4": "fp4", "fp8": "fp8", "int4": "bf16", "bf16": "bf16"}


@functools.cache
def _gpu_table() -> pl.DataFrame:
    return pl.read_csv(_GPU_SPECS_CSV, schema=_GPU_SPECS_SCHEMA)


@functools.cache
def _model_table() -> pl.DataFrame:
    return pl.read_csv(_MODEL_SPECS_CSV, schema=_MODEL_SPECS_SCHEMA)


def gpu_specs() -> pl.DataFrame:
    """The GPU table (one row per GPU key, vendor figures per GPU; see module docstring for units)."""
    return _gpu_table().clone()


def model_specs() -> pl.DataFrame:
    """The model table (one row per model; parameter counts in billions, bytes per weight by precision)."""
    return _model_table().clone()


def _norm(s: str) -> str:
    return s.strip().lower()


def gpu_key(gpu: str) -> str:
    """Normalise a GPU name or runner label (``b200-trt``, ``mi355x-amd_0``, ``H100``) to a table key."""
    g = _norm(gpu)
    keys = set(_gpu_table()["gpu"].to_list())
    if g in keys:
        return g
    for sep in ("-", "_"):
        head = g.split(sep, 1)[0]
        if head in keys:
            return head
    raise KeyError(f"unknown GPU {gpu!r}; known: {sorted(keys)}")


def model_key(model: str) -> str:
    """Normalise a model key (``dsr1``), display name, HF id or ``synthetic/<display name>`` to a key."""
    m = _norm(model)
    if m.startswith("synthetic/"):
        m = m[len("synthetic/") :]
    m = MODEL_KEY_ALIASES.get(m, m)
    t = _model_table()
    for row in t.select("model", "model_key", "hf_id").iter_rows():
        names = {_norm(row[0]), _norm(row[1]), _norm(row[2]), _norm(row[2].split("/")[-1])}
        if m in names:
            return row[1]
    # quantised variants such as "nvidia/DeepSeek-R1-0528-FP4" or "Llama-3.3-70B-Instruct-FP8"
    base = m.split("/")[-1]
    for row in t.select("model", "model_key").iter_rows():
        if base.startswith(_norm(row[0])):
            return row[1]
    raise KeyError(f"unknown model {model!r}; known: {t['model_key'].to_list()}")


def gpu_spec(gpu: str) -> dict:
    """One GPU row as a dict (see :func:`gpu_specs`)."""
    k = gpu_key(gpu)
    return _gpu_table().filter(pl.col("gpu") == k).row(0, named=True)


def model_spec(model: str) -> dict:
    """One model row as a dict (see :func:`model_specs`)."""
    k = model_key(model)
    return _model_table().filter(pl.col("model_key") == k).row(0, named=True)


def _check_precision(precision: str) -> str:
    p = _norm(precision)
    if p not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; expected one of {PRECISIONS}")
    return p


def bytes_per_weight(model: str, precision: str) -> float:
    """Bytes per quantised weight (block scales included) for ``model`` at ``precision``."""
    return float(model_spec(model)[f"bpw_{_check_precision(precision)}"])


def weight_bytes(model: str, precision: str, *, active_only: bool = True) -> float:
    """Weight bytes: streamed per token at batch 1 (``active_only``) or resident in HBM (all parameters).

    Quantised parameters cost ``bpw_<precision>`` bytes, ``unquantized_params_b`` cost 2 bytes (BF16).
    """
    m = model_spec(model)
    bpw = bytes_per_weight(model, precision)
    n = m["active_params_b"] if active_only else m["total_params_b"]
    unq = m["unquantized_params_b"]
    if _check_precision(precision) == "bf16":
        return n * 1e9 * bpw
    return ((n - unq) * bpw + unq * 2.0) * 1e9


_weight_bytes_fn = weight_bytes  # decode_floor's keyword ``weight_bytes`` shadows the function


def kv_bytes_per_token(model: str, precision: str, *, kv_element_bytes: float | None = None) -> float:
    """KV-cache bytes per token of context (all layers), before any tensor-parallel sharding.

    ``kv_element_bytes`` defaults to :data:`KV_CACHE_BYTES_PER_ELEMENT` for the weight precision.
    """
    m = model_spec(model)
    eb = KV_CACHE_BYTES_PER_ELEMENT[_check_precision(precision)] if kv_element_bytes is None else kv_element_bytes
    return float(m["kv_layers"] * m["kv_elems_per_token_layer"] * eb)


_kv_bytes_fn = kv_bytes_per_token  # the budget functions' keyword ``kv_bytes_per_token`` shadows it


def compute_format(precision: str, model: str | None = None) -> str:
    """Tensor-core format the GEMMs of a ``precision`` checkpoint run in (``model`` refines FP4: W4A4 or W4A8)."""
    p = _check_precision(precision)
    if p == "fp4" and model is not None:
        return model_spec(model)["fp4_gemm_format"] or "fp4"
    return COMPUTE_PRECISION[p]


def peak_tflops(gpu: str, precision: str, model: str | None = None) -> float:
    """Dense TFLOP/s per GPU for the GEMM format a ``precision`` checkpoint runs in (see :func:`compute_format`);
    BF16 where the GPU lacks that format (weight-only dequantisation)."""
    g = gpu_spec(gpu)
    fmt = compute_format(precision, model)
    val = g[f"dense_{fmt}_tflops"]
    if val is None:  # weight-only path: dequantise to BF16
        val = g["dense_bf16_tflops"]
    return float(val)


@dataclass(frozen=True)
class DecodeFloor:
    """Batch-1 decode floor. ``seconds_per_token`` = bytes streamed ÷ aggregate HBM bandwidth."""

    model: str
    precision: str
    gpu: str
    n_gpus: int
    weight_bytes: float  # bytes streamed per token (weights, plus KV when context_tokens > 0)
    bandwidth_tb_s: float  # per GPU
    seconds_per_token: float
    tok_s_user: float  # max interactivity, tok/s/user

    @property
    def ms_per_token(self) -> float:
        """Milliseconds per output token."""
        return self.seconds_per_token * 1e3


def decode_floor(
    model: str,
    precision: str,
    gpu: str,
    n_gpus: int = 1,
    *,
    bandwidth_tb_s: float | None = None,
    weight_bytes: float | None = None,
    context_tokens: int = 0,
    kv_element_bytes: float | None = None,
    kv_bytes_per_token: float | None = None,
) -> DecodeFloor:
    """Memory-bandwidth floor on time per output token at batch 1.

    Every decode step streams all active weights (and the request's KV cache) from HBM once, split evenly
    over ``n_gpus`` tensor-parallel GPUs: ``seconds_per_token = bytes / (n_gpus × bandwidth)``; the maximum
    interactivity is its reciprocal (tok/s/user). Speculative decoding (MTP) can exceed it by accepting
    several tokens per pass.

    ``bandwidth_tb_s`` overrides the table's per-GPU HBM bandwidth (TB/s); ``weight_bytes`` overrides the
    streamed weight bytes (bytes); ``context_tokens`` adds the KV-cache read for one request of that length, at
    ``kv_bytes_per_token`` bytes per token (default from the model table and ``kv_element_bytes``).
    """
    p = _check_precision(precision)
    g = gpu_spec(gpu)
    bw = float(g["hbm_bandwidth_tb_s"]) if bandwidth_tb_s is None else float(bandwidth_tb_s)
    if not (bw > 0 and n_gpus > 0):
        raise ValueError("bandwidth and n_gpus must be positive")
    wb = _weight_bytes_fn(model, p) if weight_bytes is None else _positive(weight_bytes, "weight bytes")
    kvt = (
        _kv_bytes_fn(model, p, kv_element_bytes=kv_element_bytes)
        if kv_bytes_per_token is None
        else float(kv_bytes_per_token)
    )
    total = wb + context_tokens * kvt
    sec = total / (n_gpus * bw * 1e12)
    return DecodeFloor(model_key(model), p, g["gpu"], int(n_gpus), total, bw, sec, 1.0 / sec)


DEFAULT_MEMORY_FRACTION = 0.90  # share of HBM a serving engine lets itself use (e.g. vLLM gpu_memory_utilization)
DEFAULT_RESERVE_GB_PER_GPU = 2.0  # GB per GPU kept for activations, CUDA graphs and the runtime


@dataclass(frozen=True)
class KvBudget:
    """HBM left for KV cache after weights, and the concurrency it allows at a given context length."""

    model: str
    precision: str
    gpu: str
    n_gpus: int
    weights_gb: float  # resident weights, all GPUs, GB
    kv_budget_gb: float  # HBM available for KV cache, all GPUs, GB (0 when the weights do not fit)
    kv_bytes_per_token: float  # bytes per context token, one copy, all layers
    kv_copies: int  # how many GPUs hold each sequence's KV (tensor-parallel replication of MLA / few KV heads)
    context_tokens: int  # isl + osl
    max_concurrency: int  # sequences that fit at full context

    @property
    def fits(self) -> bool:
        """True when the weights fit with room for at least one sequence."""
        return self.max_concurrency >= 1


def kv_cache_budget(
    model: str,
    precision: str,
    gpu: str,
    n_gpus: int = 8,
    isl: int = 1024,
    osl: int = 1024,
    *,
    memory_fraction: float = DEFAULT_MEMORY_FRACTION,
    reserve_gb_per_gpu: float = DEFAULT_RESERVE_GB_PER_GPU,
    dp_attention: bool = False,
    kv_element_bytes: float | None = None,
    capacity_gb: float | None = None,
    resident_weight_bytes: float | None = None,
    kv_bytes_per_token: float | None = None,
) -> KvBudget:
    """KV-cache budget (GB, all GPUs) after weights, and the concurrency it allows at context ``isl + osl``.

    budget = n_gpus × (capacity × memory_fraction − reserve) − resident weights. Under tensor parallelism a
    sequence's KV is split over at most ``kv_heads`` ranks (MLA: 1, i.e. replicated on every rank); with
    DP-attention each GPU holds its own sequences whole. Overrides: ``capacity_gb`` the per-GPU HBM (GB),
    ``resident_weight_bytes`` the weights held in HBM (bytes, all GPUs), ``kv_bytes_per_token`` the KV cache per
    token of context (bytes, one copy, all layers; else from the table and ``kv_element_bytes``).
    """
    p = _check_precision(precision)
    g = gpu_spec(gpu)
    m = model_spec(model)
    cap = float(g["hbm_capacity_gb"]) if capacity_gb is None else _positive(capacity_gb, "HBM capacity")
    if not (0 < memory_fraction <= 1) or not (reserve_gb_per_gpu >= 0) or n_gpus <= 0:
        raise ValueError("memory_fraction must be in (0, 1], reserve_gb_per_gpu ≥ 0 and n_gpus positive")
    w = (
        weight_bytes(model, p, active_only=False)
        if resident_weight_bytes is None
        else _positive(resident_weight_bytes, "resident weight bytes")
    )
    usable = n_gpus * (cap * memory_fraction - reserve_gb_per_gpu) * 1e9
    budget = max(0.0, usable - w)
    kvt = (
        _kv_bytes_fn(model, p, kv_element_bytes=kv_element_bytes)
        if kv_bytes_per_token is None
        else _positive(kv_bytes_per_token, "KV bytes per token")
    )
    shards = n_gpus if dp_attention else min(n_gpus, int(m["kv_heads"]))
    copies = n_gpus // shards if n_gpus >= shards else 1
    ctx = int(isl) + int(osl)
    per_seq = kvt * ctx * copies
    maxc = int(math.floor(budget / per_seq)) if per_seq > 0 else 0
    return KvBudget(m["model_key"], p, g["gpu"], int(n_gpus), w / 1e9, budget / 1e9, kvt, int(copies), ctx, maxc)


def prefill_flops_per_token(model: str, isl: int) -> float:
    """FLOPs per prompt token for a prompt of ``isl`` tokens: 2 × active params + causal attention
    (``kv_layers × attn_dim × isl``, i.e. QKᵀ and AV over on average isl/2 earlier tokens)."""
    m = model_spec(model)
    return 2.0 * m["active_params_b"] * 1e9 + float(m["kv_layers"]) * m["attn_dim"] * float(isl)


def prefill_ceiling(
    model: str,
    precision: str,
    gpu: str,
    n_gpus: int = 1,
    isl: int = 1024,
    *,
    efficiency: float = 1.0,
    dense_tflops: float | None = None,
    sparse_tflops: float | None = None,
) -> float:
    """Compute-bound ceiling on prefill throughput, tokens/s per GPU.

    ``peak dense TFLOP/s × efficiency ÷ FLOPs per prompt token``. Independent of ``n_gpus`` per GPU
    (parallelism splits the work evenly in the bound); ``n_gpus`` is accepted for symmetry and validated.
    The peak is the table's dense figure unless overridden: ``dense_tflops`` (TFLOP/s without sparsity) or
    ``sparse_tflops`` (a datasheet's "with sparsity" figure, twice the dense one: 18 PFLOPS FP4 sparse on B200
    is 9 PFLOPS dense).
    """
    if n_gpus <= 0:
        raise ValueError("n_gpus must be positive")
    peak = dense_peak_tflops(gpu, precision, model, dense_tflops=dense_tflops, sparse_tflops=sparse_tflops)
    return peak * 1e12 * efficiency / prefill_flops_per_token(model, isl)


#: 2:4 structured sparsity doubles a datasheet's tensor-core figure; the bounds use the dense one
SPARSITY_FACTOR = 2.0


def dense_peak_tflops(
    gpu: str,
    precision: str,
    model: str | None = None,
    *,
    dense_tflops: float | None = None,
    sparse_tflops: float | None = None,
) -> float:
    """Dense TFLOP/s per GPU: ``dense_tflops`` if given, else ``sparse_tflops`` ÷ 2, else the table
    (:func:`peak_tflops`). Giving both is an error (they would disagree)."""
    if dense_tflops is not None and sparse_tflops is not None:
        raise ValueError("give the dense or the sparse peak, not both (sparse = 2 × dense)")
    if dense_tflops is not None:
        return _positive(dense_tflops, "dense TFLOP/s")
    if sparse_tflops is not None:
        return _positive(sparse_tflops, "sparse TFLOP/s") / SPARSITY_FACTOR
    return peak_tflops(gpu, precision, model)


def ridge_point(dense_tflops: float, bandwidth_tb_s: float) -> float:
    """Compute/bandwidth ridge, FLOP per byte: a kernel doing fewer FLOPs per byte of HBM traffic is
    bandwidth-bound (decode at small batch), more is compute-bound (prefill)."""
    return _positive(dense_tflops, "dense TFLOP/s") / _positive(bandwidth_tb_s, "bandwidth TB/s")


def _positive(value: float, what: str) -> float:
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{what} must be a positive finite number, got {value}")
    return v


def percent_of_bound(measured_intvty, floor_intvty):
    """Measured interactivity as a percentage of the decode-floor interactivity (both tok/s/user).

    Accepts numbers, numpy arrays, polars Series or polars expressions; a non-positive or missing floor
    gives NaN (null for expressions) rather than a division by zero.
    """
    if isinstance(measured_intvty, pl.Expr) or isinstance(floor_intvty, pl.Expr):
        m = measured_intvty if isinstance(measured_intvty, pl.Expr) else pl.lit(measured_intvty)
        f = floor_intvty if isinstance(floor_intvty, pl.Expr) else pl.lit(floor_intvty)
        return pl.when(f > 0).then(100.0 * m / f).otherwise(None)
    if isinstance(measured_intvty, pl.Series) or isinstance(floor_intvty, pl.Series):
        name = measured_intvty.name if isinstance(measured_intvty, pl.Series) else "percent_of_bound"
        m = np.asarray(measured_intvty, dtype=float)
        f = np.asarray(floor_intvty, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(f > 0, 100.0 * m / f, np.nan)
        return pl.Series(name, out)
    m = np.asarray(measured_intvty, dtype=float)
    f = np.asarray(floor_intvty, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(f > 0, 100.0 * m / f, np.nan)
    return float(out) if out.ndim == 0 else out


def _int(v: object) -> int | None:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and v > 0 else None


def decode_gpus(row: dict) -> tuple[int | None, str]:
    """(GPUs one decode replica splits its weights over, "") from a point's topology fields, or (None, why not).

    Aggregated: max(tp, ep) × pp GPUs per replica; the point's ``num_gpus`` must be a whole number of replicas.
    Disaggregated: max(decode_tp, decode_ep) GPUs per decode worker; ``decode_num_workers`` workers must make up
    ``num_decode_gpu``. Fields that contradict the GPU count give no number (a floor on them would be wrong)."""
    if row.get("disagg"):
        tp, ep, workers = _int(row.get("decode_tp")), _int(row.get("decode_ep")), _int(row.get("decode_num_workers"))
        total = _int(row.get("num_decode_gpu"))
        if tp is None and ep is None:
            return None, "the decode workers' tensor/expert parallelism is not recorded"
        per = max(tp or 1, ep or 1)
        if total is not None and workers is not None and per * workers != total:
            return None, (
                f"decode tp {tp or 1} / ep {ep or 1} per worker × {workers} worker(s) = {per * workers} GPU(s), but "
                f"the point counts {total} decode GPUs: the topology fields contradict the GPU count"
            )
        if total is not None and workers is None and total % per:
            return None, f"{total} decode GPUs are not whole workers of {per} (decode tp {tp or 1} / ep {ep or 1})"
        return per, ""
    tp, ep, pp, n = _int(row.get("tp")), _int(row.get("ep")), _int(row.get("pp")), _int(row.get("num_gpus"))
    if tp is None:
        return (n, "") if n is not None else (None, "the tensor parallelism is not recorded")
    per = max(tp, ep or 1) * (pp or 1)
    if n is not None and (n < per or n % per):
        return None, (
            f"tp {tp} / ep {ep or 1} / pp {pp or 1} make {per}-GPU replicas, but the point counts {n} GPUs: "
            "the topology fields contradict the GPU count"
        )
    return per, ""


FLOOR_TABLE_SCHEMA: dict[str, pl.DataType] = {
    "model": pl.String(),
    "model_key": pl.String(),
    "precision": pl.String(),
    "gpu": pl.String(),
    "n_gpus": pl.Int32(),
    "weight_gb": pl.Float64(),  # streamed per token, GB
    "bandwidth_tb_s": pl.Float64(),  # per GPU
    "ms_per_token": pl.Float64(),
    "floor_intvty": pl.Float64(),  # tok/s/user
    "fits_in_memory": pl.Boolean(),  # resident weights fit in n_gpus × HBM
}


def decode_floor_table(
    models: Iterable[str] | None = None,
    precisions: Iterable[str] | None = None,
    gpus: Iterable[str] | None = None,
    n_gpus: Iterable[int] = (1, 2, 4, 8),
) -> pl.DataFrame:
    """Batch-1 decode floor for many (model, precision, gpu, n_gpus) combinations, for chart overlays.

    ``precisions`` defaults to each model's published checkpoints (``precisions`` column). Computed
    vectorised from the tables; ``fits_in_memory`` says whether the resident weights fit in HBM at all.
    """
    mt = _model_table()
    gt = _gpu_table()
    if models is not None:
        keys = [model_key(m) for m in models]
        mt = mt.filter(pl.col("model_key").is_in(keys))
    if gpus is not None:
        gt = gt.filter(pl.col("gpu").is_in([gpu_key(g) for g in gpus]))
    if precisions is None:
        prec = mt.select("model_key", pl.col("precisions").str.split(";").alias("precision")).explode("precision")
    else:
        plist = [_check_precision(p) for p in precisions]
        prec = mt.select("model_key").join(pl.DataFrame({"precision": plist}), how="cross")
    ng = pl.DataFrame({"n_gpus": [int(n) for n in n_gpus]}, schema={"n_gpus": pl.Int32()})
    df = (
        prec.join(mt, on="model_key")
        .join(gt.select("gpu", "hbm_bandwidth_tb_s", "hbm_capacity_gb"), how="cross")
        .join(ng, how="cross")
    )
    bpw = (
        pl.when(pl.col("precision") == "fp4")
        .then(pl.col("bpw_fp4"))
        .when(pl.col("precision") == "fp8")
        .then(pl.col("bpw_fp8"))
        .when(pl.col("precision") == "int4")
        .then(pl.col("bpw_int4"))
        .otherwise(pl.col("bpw_bf16"))
    )
    is_bf16 = pl.col("precision") == "bf16"
    unq = pl.col("unquantized_params_b")

    def _bytes(n: pl.Expr) -> pl.Expr:
        return pl.when(is_bf16).then(n * bpw).otherwise((n - unq) * bpw + unq * 2.0)

    df = (
        df.with_columns(
            _bytes(pl.col("active_params_b")).alias("weight_gb"),
            _bytes(pl.col("total_params_b")).alias("_resident_gb"),
            pl.col("hbm_bandwidth_tb_s").alias("bandwidth_tb_s"),
        )
        .with_columns(
            (pl.col("weight_gb") / (pl.col("n_gpus") * pl.col("bandwidth_tb_s"))).alias("ms_per_token"),
            (pl.col("_resident_gb") < pl.col("n_gpus") * pl.col("hbm_capacity_gb")).alias("fits_in_memory"),
        )
        .with_columns((1000.0 / pl.col("ms_per_token")).alias("floor_intvty"))
    )
    return df.select([pl.col(c).cast(t) for c, t in FLOOR_TABLE_SCHEMA.items()]).sort(
        "model_key", "precision", "gpu", "n_gpus"
    )


def frontier_vs_floor(iso_result) -> pl.DataFrame:
    """How close each measured curve gets to its batch-1 decode floor.

    For each config of an ``frontier.iso.IsoResult``: the fastest frontier point (tok/s/user), the GPUs one replica
    of it splits the weights over (:func:`decode_gpus`: tp × pp on one node, the decode worker's GPUs when
    disaggregated), the decode floor of that replica and per GPU (ms of HBM streaming per token on one GPU, which
    compares GPUs whatever their topology), and ``pct_of_bound`` = fastest measured interactivity ÷ floor
    interactivity × 100. MTP can exceed 100 % (several tokens per weight pass). Unknown models/GPUs/precisions and
    topology fields that contradict the GPU count get null floors and a ``floor_note`` saying why.
    """
    fr = iso_result.frontier
    topo_cols = [
        c
        for c in (
            "disagg",
            "tp",
            "ep",
            "pp",
            "num_gpus",
            "decode_tp",
            "decode_ep",
            "decode_num_workers",
            "num_decode_gpu",
        )
        if c in fr.columns
    ]
    fastest = (
        fr.sort("median_intvty")
        .group_by("curve_id", maintain_order=True)
        .last()
        .select(
            "curve_id",
            "label",
            "model",
            "hardware",
            "precision",
            "spec_method",
            "topology",
            pl.col("median_intvty").alias("fastest_intvty"),
            *[c for c in topo_cols if c != "disagg"],
            *(["disagg"] if "disagg" in topo_cols else []),
        )
        .sort("curve_id")
    )
    rows = [_floor_of(r) for r in fastest.iter_rows(named=True)]
    gpus = [r[0] for r in rows]
    floors = [r[1] for r in rows]
    per_gpu = [r[2] for r in rows]
    notes = [r[3] for r in rows]
    out = fastest.select(
        "curve_id", "label", "model", "hardware", "precision", "spec_method", "topology", "fastest_intvty"
    ).with_columns(
        weight_gpus=pl.Series(gpus, dtype=pl.Int64),
        floor_intvty=pl.Series(floors, dtype=pl.Float64),
        floor_gpu_ms=pl.Series(per_gpu, dtype=pl.Float64),
        floor_note=pl.Series(notes, dtype=pl.String),
    )
    return out.with_columns(pct_of_bound=percent_of_bound(pl.col("fastest_intvty"), pl.col("floor_intvty")))


def _floor_of(r: dict) -> tuple[int | None, float | None, float | None, str]:
    """(replica GPUs, floor tok/s/user, floor per GPU ms/token, inputs or why no floor) of one fastest point."""
    n, why = decode_gpus(r)
    try:
        if n is None:
            raise ValueError(why)
        f = decode_floor(base_model(r["model"]), r["precision"], r["hardware"], n)
    except (KeyError, ValueError) as e:
        return n, None, None, f"no floor: {e}"
    return (
        n,
        f.tok_s_user,
        f.ms_per_token * n,
        f"{f.weight_bytes / 1e9:.1f} GB streamed over {n} × {f.bandwidth_tb_s:g} TB/s",
    )


BOUND_FORMATS = {
    "fastest tok/s/user": ",.1f",
    "GPUs per replica": ",.0f",
    "floor tok/s/user": ",.0f",
    "floor per GPU, ms/token": "{:.2f}",
    "% of bound": "{:.1f} %",
}


def floor_view(fv: pl.DataFrame) -> pl.DataFrame:
    """``frontier_vs_floor`` with readable column names."""
    return fv.select(
        pl.col("label").alias("config"),
        pl.col("topology").alias("fastest point topology"),
        pl.col("fastest_intvty").alias("fastest tok/s/user"),
        pl.col("weight_gpus").alias("GPUs per replica"),
        pl.col("floor_intvty").alias("floor tok/s/user"),
        pl.col("floor_gpu_ms").alias("floor per GPU, ms/token"),
        pl.col("pct_of_bound").alias("% of bound"),
        pl.col("floor_note").alias("floor inputs"),
    )
