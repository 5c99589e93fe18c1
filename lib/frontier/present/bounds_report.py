"""Every physical bound for one model × GPU × precision, with each input shown and where it came from.

What ``frontier bounds`` prints: the batch-1 decode floor (ms/token, tok/s/user) on ``n_gpus`` GPUs and per GPU
(ms/token on one GPU: the figure that compares GPUs whatever their topology), the KV-cache budget (GB, and
the concurrency it allows at ISL+OSL), the prefill ceiling (tokens/s per GPU) and the compute/bandwidth ridge
point (FLOP/byte). Each input is a table value (``gpu_specs.csv`` / ``model_specs.csv`` row and its ``source``),
an override the analyst gave, or a stated default; the numbers are computed by :mod:`frontier.analysis.bounds`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from frontier.analysis import bounds
from frontier.data import specs

__all__ = ["KV_DTYPE_BYTES", "OVERRIDE", "BoundInput", "BoundsReport", "bounds_report"]

#: bytes per KV-cache element by data type
KV_DTYPE_BYTES: dict[str, float] = {"fp4": 0.5, "fp8": 1.0, "int8": 1.0, "bf16": 2.0, "fp16": 2.0, "fp32": 4.0}

OVERRIDE = "override"


@dataclass(frozen=True)
class BoundInput:
    """One input of the bounds: ``value`` in ``unit``; ``origin`` says where it came from."""

    name: str
    value: float
    unit: str
    origin: str


@dataclass(frozen=True)
class BoundsReport:
    """Inputs and results for one model × GPU × precision on ``n_gpus`` GPUs at ``isl``/``osl`` tokens."""

    model: str
    gpu: str
    precision: str
    n_gpus: int
    isl: int
    osl: int
    inputs: list[BoundInput]
    results: dict[str, float]
    sources: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self, width: int | None = None, *, wide: bool = False) -> str:
        """Plain-text report fitted to ``width`` columns (default: the terminal's): results, then inputs with
        their origin (4 significant figures), then the table rows' sources. ``wide``: one line per input."""
        from frontier.terminal import Column, count, number, table_text, wrap

        def _value(v: float) -> str:  # exact counts (bytes, GB) whole; measured quantities to 4 figures
            return count(v) if float(v).is_integer() and abs(v) < 1e9 else number(4, trim=True)(v)

        r = self.results
        kv = (
            f"{r['kv_budget_gb']:,.1f} GB = {r['kv_max_concurrency']:,} sequences at {self.isl + self.osl:,} tokens "
            f"({r['kv_copies']} cop{'y' if r['kv_copies'] == 1 else 'ies'} each)"
            + ("; the weights leave no room for one sequence" if r["kv_max_concurrency"] < 1 else "")
        )
        results = [
            (
                "decode floor (batch 1)",
                f"{r['decode_ms_per_token']:.2f} ms/token = {r['decode_tok_s_user']:,.1f} tok/s/user",
            ),
            (
                "decode floor per GPU",
                f"{r['decode_gpu_ms_per_token']:.2f} ms/token (one GPU's bandwidth: compares GPUs)",
            ),
            ("KV-cache budget", kv),
            ("prefill ceiling", f"{r['prefill_tok_s_per_gpu']:,.0f} tokens/s per GPU"),
            ("ridge point", f"{r['ridge_flop_per_byte']:,.0f} FLOP/byte (dense peak ÷ HBM bandwidth)"),
        ]
        head = (
            f"bounds for {self.model} · {self.precision} on {self.n_gpus} × {self.gpu}, ISL/OSL {self.isl}/{self.osl}"
        )
        lines = [wrap(head, width)]
        lines += [wrap(f"  {name:<24} {text}", width, indent=" " * 27) for name, text in results]
        rows = [{"input": i.name, "value": i.value, "unit": i.unit, "origin": i.origin} for i in self.inputs]
        cols = [
            Column.text("input", "input"),
            Column.num("value", "value", _value),
            Column.text("unit", "unit"),
            Column.text("origin", "origin"),
        ]
        lines += ["", table_text(rows, cols, width=width, wide=wide), "", "sources:"]
        lines += [wrap(f"  {k}: {v}", width, indent="    ") for k, v in self.sources.items()]
        return "\n".join(lines)


def bounds_report(
    model: str,
    gpu: str,
    precision: str,
    n_gpus: int = 1,
    isl: int = 1024,
    osl: int = 1024,
    *,
    bandwidth_tb_s: float | None = None,
    capacity_gb: float | None = None,
    dense_tflops: float | None = None,
    sparse_tflops: float | None = None,
    weight_gb: float | None = None,
    resident_weight_gb: float | None = None,
    kv_dtype: str | None = None,
    kv_bytes_per_token: float | None = None,
    memory_fraction: float | None = None,
    reserve_gb_per_gpu: float | None = None,
    dp_attention: bool = False,
) -> BoundsReport:
    """Decode floor, KV budget, prefill ceiling and ridge point with every input overridable.

    Units: bandwidth TB/s per GPU, capacity GB per GPU, peaks TFLOP/s per GPU (``dense_tflops`` without
    sparsity, or ``sparse_tflops`` = a "with sparsity" datasheet figure, halved), ``weight_gb`` streamed per
    token (GB, all GPUs), ``resident_weight_gb`` held in HBM (GB, all GPUs; for a dense model ``weight_gb``
    serves for both), ``kv_dtype`` a name in :data:`KV_DTYPE_BYTES` or ``kv_bytes_per_token`` (bytes per token of
    context, all layers), ``memory_fraction`` of HBM usable, ``reserve_gb_per_gpu`` (GB) kept back.
    Every input is listed beside where it came from (table row, override or default).
    """
    p = specs.check_precision(precision)
    g, m = specs.gpu_spec(gpu), specs.model_spec(model)
    gpu_row, model_row = f"gpu_specs.csv[{g['gpu']}]", f"model_specs.csv[{m['model_key']}]"
    if n_gpus <= 0 or isl < 0 or osl < 0 or isl + osl <= 0:
        raise ValueError("n_gpus must be positive and isl, osl non-negative with isl + osl > 0")

    def table_or(override: float | None, table: float, column: str, row: str) -> tuple[float, str]:
        if override is not None:
            return specs.positive(override, column), OVERRIDE
        return float(table), f"{row}.{column}"

    given = {
        "bw": table_or(bandwidth_tb_s, g["hbm_bandwidth_tb_s"], "hbm_bandwidth_tb_s", gpu_row),
        "cap": table_or(capacity_gb, g["hbm_capacity_gb"], "hbm_capacity_gb", gpu_row),
        "peak": _peak(g, m, p, gpu_row, dense_tflops, sparse_tflops),
        "streamed": _streamed(m, p, weight_gb, model_row),
        "resident": _resident(m, p, weight_gb, resident_weight_gb, model_row),
        "kvt": _kv_per_token(m, p, kv_dtype, kv_bytes_per_token, model_row),
        "frac": _or_default(memory_fraction, specs.DEFAULT_MEMORY_FRACTION),
        "reserve": _or_default(reserve_gb_per_gpu, specs.DEFAULT_RESERVE_GB_PER_GPU),
    }
    inputs = _input_rows(given, bounds.prefill_flops_per_token(model, isl), model_row)
    values = {k: v for k, (v, _) in given.items()}
    results = _bound_results(model, p, gpu, n_gpus, isl, osl, values, dp_attention=dp_attention)
    sources = {gpu_row: str(g["source"]), model_row: str(m["source"])}
    return BoundsReport(str(m["model"]), str(g["gpu"]), p, int(n_gpus), int(isl), int(osl), inputs, results, sources)


def _or_default(value: float | None, default: float) -> tuple[float, str]:
    """An overridden input (as a float) or its default, with where it came from."""
    return (default, "default") if value is None else (float(value), OVERRIDE)


def _input_rows(given: dict[str, tuple[float, str]], prefill_flops: float, model_row: str) -> list[BoundInput]:
    """The inputs as listed, each (value, where it came from): ``bw`` TB/s, ``cap`` GB, ``peak`` TFLOP/s per GPU,
    ``streamed``/``resident`` bytes (listed in GB), ``kvt`` bytes per token, ``frac``, ``reserve`` GB per GPU."""
    (bw, bw_from), (cap, cap_from), (peak, peak_from) = given["bw"], given["cap"], given["peak"]
    (streamed, streamed_from), (resident, resident_from) = given["streamed"], given["resident"]
    (kvt, kvt_from), (frac, frac_from), (reserve, reserve_from) = given["kvt"], given["frac"], given["reserve"]
    return [
        BoundInput("HBM bandwidth", bw, "TB/s per GPU", bw_from),
        BoundInput("HBM capacity", cap, "GB per GPU", cap_from),
        BoundInput("peak compute (dense)", peak, "TFLOP/s per GPU", peak_from),
        BoundInput("weights streamed per token", streamed / 1e9, "GB", streamed_from),
        BoundInput("weights resident", resident / 1e9, "GB", resident_from),
        BoundInput("KV cache per token", kvt, "bytes", kvt_from),
        BoundInput("usable memory fraction", frac, "of HBM", frac_from),
        BoundInput("reserve", reserve, "GB per GPU", reserve_from),
        BoundInput(
            "prefill FLOPs per token",
            prefill_flops,
            "FLOP",
            f"2 × {model_row}.active_params_b + kv_layers × attn_dim × ISL",
        ),
    ]


def _bound_results(
    model: str, p: str, gpu: str, n_gpus: int, isl: int, osl: int, v: dict[str, float], *, dp_attention: bool
) -> dict[str, float]:
    """The bounds from the resolved inputs ``v`` (as in :func:`_input_rows`): decode floor (ms per token,
    tok/s/user), KV budget (GB, concurrency, copies), prefill ceiling (tok/s per GPU) and ridge point (FLOP per
    byte)."""
    floor = bounds.decode_floor(model, p, gpu, n_gpus, bandwidth_tb_s=v["bw"], weight_bytes=v["streamed"])
    kv = specs.kv_cache_budget(
        model,
        p,
        gpu,
        n_gpus,
        isl,
        osl,
        memory_fraction=v["frac"],
        reserve_gb_per_gpu=v["reserve"],
        dp_attention=dp_attention,
        capacity_gb=v["cap"],
        resident_weight_bytes=v["resident"],
        kv_bytes_per_token=v["kvt"],
    )
    return {
        "decode_ms_per_token": floor.ms_per_token,
        "decode_tok_s_user": floor.tok_s_user,
        "decode_gpu_ms_per_token": floor.ms_per_token * floor.n_gpus,  # the same bytes over one GPU's bandwidth
        "kv_budget_gb": kv.kv_budget_gb,
        "kv_max_concurrency": kv.max_concurrency,
        "kv_copies": kv.kv_copies,
        "prefill_tok_s_per_gpu": bounds.prefill_ceiling(model, p, gpu, n_gpus, isl, dense_tflops=v["peak"]),
        "ridge_flop_per_byte": bounds.ridge_point(v["peak"], v["bw"]),
    }


def _peak(g: dict, m: dict, p: str, row: str, dense: float | None, sparse: float | None) -> tuple[float, str]:
    value = bounds.dense_peak_tflops(g["gpu"], p, m["model_key"], dense_tflops=dense, sparse_tflops=sparse)
    if dense is not None:
        return value, f"{OVERRIDE} (dense)"
    if sparse is not None:
        return value, f"{OVERRIDE}: {sparse:g} TFLOP/s with sparsity ÷ {bounds.SPARSITY_FACTOR:g}"
    fmt = specs.compute_format(p, m["model_key"])
    column = f"dense_{fmt}_tflops" if g[f"dense_{fmt}_tflops"] is not None else "dense_bf16_tflops"
    note = "" if column == f"dense_{fmt}_tflops" else f" (no {fmt.upper()} tensor cores: weights dequantised)"
    return value, f"{row}.{column}{note}"


def _streamed(m: dict, p: str, weight_gb: float | None, row: str) -> tuple[float, str]:
    if weight_gb is not None:
        return specs.positive(weight_gb, "weight GB") * 1e9, OVERRIDE
    return specs.weight_bytes(m["model_key"], p), f"{row}: active_params_b at bpw_{p} (+ BF16 unquantized_params_b)"


def _resident(m: dict, p: str, weight_gb: float | None, resident_gb: float | None, row: str) -> tuple[float, str]:
    if resident_gb is not None:
        return specs.positive(resident_gb, "resident weight GB") * 1e9, OVERRIDE
    if weight_gb is not None and m["active_params_b"] == m["total_params_b"]:
        return specs.positive(
            weight_gb, "weight GB"
        ) * 1e9, f"{OVERRIDE} (weight GB; a dense model holds what it streams)"
    return (
        specs.weight_bytes(m["model_key"], p, active_only=False),
        f"{row}: total_params_b at bpw_{p} (+ BF16 unquantized_params_b)",
    )


def _kv_per_token(m: dict, p: str, dtype: str | None, per_token: float | None, row: str) -> tuple[float, str]:
    if per_token is not None:
        if dtype is not None:
            raise ValueError("give the KV dtype or the KV bytes per token, not both")
        return specs.positive(per_token, "KV bytes per token"), OVERRIDE
    elems = m["kv_layers"] * m["kv_elems_per_token_layer"]
    if dtype is not None:
        key = dtype.strip().lower()
        if key not in KV_DTYPE_BYTES:
            raise ValueError(f"unknown KV dtype {dtype!r}; known: {sorted(KV_DTYPE_BYTES)}")
        return elems * KV_DTYPE_BYTES[
            key
        ], f"{row}: kv_layers × kv_elems_per_token_layer × {KV_DTYPE_BYTES[key]:g} B ({OVERRIDE}: KV dtype {key})"
    eb = specs.KV_CACHE_BYTES_PER_ELEMENT[p]
    return elems * eb, f"{row}: kv_layers × kv_elems_per_token_layer × {eb:g} B (usual KV dtype with {p} weights)"
