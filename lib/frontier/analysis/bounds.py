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

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl

from frontier.data import specs
from frontier.data.labels import base_model, config_key_columns
from frontier.data.specs import (
    check_precision,
    gpu_key,
    gpu_spec,
    gpu_specs,
    model_key,
    model_spec,
    model_specs,
    peak_tflops,
    positive,
)
from frontier.tableview import Shown, TableView

__all__ = [
    "BOUND_FORMATS",
    "FLOOR_TABLE",
    "DecodeFloor",
    "FLOOR_TABLE_SCHEMA",
    "SPARSITY_FACTOR",
    "decode_floor",
    "decode_floor_table",
    "decode_gpus",
    "dense_peak_tflops",
    "floor_view",
    "frontier_vs_floor",
    "percent_of_bound",
    "prefill_ceiling",
    "prefill_flops_per_token",
    "ridge_point",
]


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
    p = check_precision(precision)
    g = gpu_spec(gpu)
    bw = float(g["hbm_bandwidth_tb_s"]) if bandwidth_tb_s is None else float(bandwidth_tb_s)
    if not (bw > 0 and n_gpus > 0):
        raise ValueError("bandwidth and n_gpus must be positive")
    wb = specs.weight_bytes(model, p) if weight_bytes is None else positive(weight_bytes, "weight bytes")
    kvt = (
        specs.kv_bytes_per_token(model, p, kv_element_bytes=kv_element_bytes)
        if kv_bytes_per_token is None
        else float(kv_bytes_per_token)
    )
    total = wb + context_tokens * kvt
    sec = total / (n_gpus * bw * 1e12)
    return DecodeFloor(model_key(model), p, g["gpu"], int(n_gpus), total, bw, sec, 1.0 / sec)


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
        return positive(dense_tflops, "dense TFLOP/s")
    if sparse_tflops is not None:
        return positive(sparse_tflops, "sparse TFLOP/s") / SPARSITY_FACTOR
    return peak_tflops(gpu, precision, model)


def ridge_point(dense_tflops: float, bandwidth_tb_s: float) -> float:
    """Compute/bandwidth ridge, FLOP per byte: a kernel doing fewer FLOPs per byte of HBM traffic is
    bandwidth-bound (decode at small batch), more is compute-bound (prefill)."""
    return positive(dense_tflops, "dense TFLOP/s") / positive(bandwidth_tb_s, "bandwidth TB/s")


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
    mt = model_specs()
    gt = gpu_specs()
    if models is not None:
        keys = [model_key(m) for m in models]
        mt = mt.filter(pl.col("model_key").is_in(keys))
    if gpus is not None:
        gt = gt.filter(pl.col("gpu").is_in([gpu_key(g) for g in gpus]))
    if precisions is None:
        prec = mt.select("model_key", pl.col("precisions").str.split(";").alias("precision")).explode("precision")
    else:
        plist = [check_precision(p) for p in precisions]
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
    return df.select([pl.col(c).cast(t) for c, t in FLOOR_TABLE_SCHEMA.items()]).sort("precision", "gpu", "n_gpus")


#: the topology fields a replica's GPU count is read from (:func:`decode_gpus`)
_TOPOLOGY_FIELDS = (
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


def frontier_vs_floor(iso_result) -> pl.DataFrame:
    """How close each measured curve gets to its batch-1 decode floor.

    For each config of an ``frontier.analysis.iso.IsoResult``: the fastest frontier point (tok/s/user), the GPUs one
    replica of it splits the weights over (:func:`decode_gpus`: tp × pp on one node, the decode worker's GPUs when
    disaggregated), the decode floor of that replica and per GPU (ms of HBM streaming per token on one GPU, which
    compares GPUs whatever their topology), and ``pct_of_bound`` = fastest measured interactivity ÷ floor
    interactivity × 100. MTP can exceed 100 % (several tokens per weight pass). Unknown models/GPUs/precisions and
    topology fields that contradict the GPU count get null floors and a ``floor_note`` saying why.
    """
    fr = iso_result.frontier
    topo_cols = [c for c in _TOPOLOGY_FIELDS if c in fr.columns]
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
    out = out.with_columns(pct_of_bound=percent_of_bound(pl.col("fastest_intvty"), pl.col("floor_intvty")))
    keys = iso_result.configs.select("curve_id", "config_key") if "config_key" in iso_result.configs.columns else None
    return out if keys is None else out.join(keys, on="curve_id", how="left")


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


#: the floor table for people: each column's title, source and format, declared once
FLOOR_TABLE = TableView(
    Shown("config", "label"),
    Shown("fastest point topology", "topology"),
    Shown("fastest tok/s/user", "fastest_intvty", ",.1f"),
    Shown("GPUs per replica", "weight_gpus", ",.0f"),
    Shown("floor tok/s/user", "floor_intvty", ",.0f"),
    Shown("floor per GPU, ms/token", "floor_gpu_ms", "{:.2f}"),
    Shown("% of bound", "pct_of_bound", "{:.1f} %"),
    Shown("floor inputs", "floor_note"),
)
BOUND_FORMATS = FLOOR_TABLE.formats


def floor_view(fv: pl.DataFrame) -> pl.DataFrame:
    """``frontier_vs_floor`` with readable column names (and the configs' join keys, which tables hide)."""
    return FLOOR_TABLE.of(fv, extra=config_key_columns(fv))
