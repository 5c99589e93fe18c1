"""GPU and model reference facts: the spec tables shipped with the package (gpu_specs.csv, model_specs.csv: memory,
bandwidth, peak TFLOPS; parameters, layers, KV heads), name lookups, bytes per weight and per KV-cache token, and the
KV-cache budget a replica's memory leaves. Units: GB, TB/s, TFLOPS, bytes."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import polars as pl

from frontier.data.load.normalise import MODEL_KEY_ALIASES
from frontier.paths import PACKAGE_DATA

__all__ = [
    "check_precision",
    "positive",
    "KvBudget",
    "PRECISIONS",
    "KV_CACHE_BYTES_PER_ELEMENT",
    "COMPUTE_PRECISION",
    "gpu_specs",
    "model_specs",
    "gpu_key",
    "model_key",
    "gpu_spec",
    "model_spec",
    "bytes_per_weight",
    "weight_bytes",
    "kv_bytes_per_token",
    "compute_format",
    "peak_tflops",
    "DEFAULT_MEMORY_FRACTION",
    "DEFAULT_RESERVE_GB_PER_GPU",
    "kv_cache_budget",
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


def check_precision(precision: str) -> str:
    p = _norm(precision)
    if p not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; expected one of {PRECISIONS}")
    return p


def bytes_per_weight(model: str, precision: str) -> float:
    """Bytes per quantised weight (block scales included) for ``model`` at ``precision``."""
    return float(model_spec(model)[f"bpw_{check_precision(precision)}"])


def weight_bytes(model: str, precision: str, *, active_only: bool = True) -> float:
    """Weight bytes: streamed per token at batch 1 (``active_only``) or resident in HBM (all parameters).

    Quantised parameters cost ``bpw_<precision>`` bytes, ``unquantized_params_b`` cost 2 bytes (BF16).
    """
    m = model_spec(model)
    bpw = bytes_per_weight(model, precision)
    n = m["active_params_b"] if active_only else m["total_params_b"]
    unq = m["unquantized_params_b"]
    if check_precision(precision) == "bf16":
        return n * 1e9 * bpw
    return ((n - unq) * bpw + unq * 2.0) * 1e9


def kv_bytes_per_token(model: str, precision: str, *, kv_element_bytes: float | None = None) -> float:
    """KV-cache bytes per token of context (all layers), before any tensor-parallel sharding.

    ``kv_element_bytes`` defaults to :data:`KV_CACHE_BYTES_PER_ELEMENT` for the weight precision.
    """
    m = model_spec(model)
    eb = KV_CACHE_BYTES_PER_ELEMENT[check_precision(precision)] if kv_element_bytes is None else kv_element_bytes
    return float(m["kv_layers"] * m["kv_elems_per_token_layer"] * eb)


def compute_format(precision: str, model: str | None = None) -> str:
    """Tensor-core format the GEMMs of a ``precision`` checkpoint run in (``model`` refines FP4: W4A4 or W4A8)."""
    p = check_precision(precision)
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


DEFAULT_MEMORY_FRACTION = 0.90  # share of HBM a serving engine lets itself use (e.g. vLLM gpu_memory_utilization)
DEFAULT_RESERVE_GB_PER_GPU = 2.0  # GB per GPU kept for activations, CUDA graphs and the runtime
_kv_bytes_fn = kv_bytes_per_token  # the budget functions' keyword ``kv_bytes_per_token`` shadows it


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
    p = check_precision(precision)
    g = gpu_spec(gpu)
    m = model_spec(model)
    cap = float(g["hbm_capacity_gb"]) if capacity_gb is None else positive(capacity_gb, "HBM capacity")
    if not (0 < memory_fraction <= 1) or not (reserve_gb_per_gpu >= 0) or n_gpus <= 0:
        raise ValueError("memory_fraction must be in (0, 1], reserve_gb_per_gpu ≥ 0 and n_gpus positive")
    w = (
        weight_bytes(model, p, active_only=False)
        if resident_weight_bytes is None
        else positive(resident_weight_bytes, "resident weight bytes")
    )
    usable = n_gpus * (cap * memory_fraction - reserve_gb_per_gpu) * 1e9
    budget = max(0.0, usable - w)
    kvt = (
        _kv_bytes_fn(model, p, kv_element_bytes=kv_element_bytes)
        if kv_bytes_per_token is None
        else positive(kv_bytes_per_token, "KV bytes per token")
    )
    shards = n_gpus if dp_attention else min(n_gpus, int(m["kv_heads"]))
    copies = n_gpus // shards if n_gpus >= shards else 1
    ctx = int(isl) + int(osl)
    per_seq = kvt * ctx * copies
    maxc = int(math.floor(budget / per_seq)) if per_seq > 0 else 0
    return KvBudget(m["model_key"], p, g["gpu"], int(n_gpus), w / 1e9, budget / 1e9, kvt, int(copies), ctx, maxc)


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


def positive(value: float, what: str) -> float:
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{what} must be a positive finite number, got {value}")
    return v
