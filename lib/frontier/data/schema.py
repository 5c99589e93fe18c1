"""The canonical point table: one row per benchmark point, every format loads into it.

Units
-----
- throughput columns (``tput_per_gpu``, ``output_tput_per_gpu``, ``input_tput_per_gpu``): tokens/s per GPU.
  Total throughput is divided by all GPUs; output by decode GPUs and input by prefill GPUs on disaggregated
  configs (as the benchmark harness reports them).
- latency columns end in ``_s``: seconds (``ttft`` time to first token, ``tpot`` time per output token,
  ``itl`` inter-token latency, ``e2el`` end-to-end request latency). ``p999`` is the 99.9th percentile.
- interactivity columns end in ``_intvty``: tok/s/user (1 / TPOT).
- ``avg_power_w``: watts per GPU; ``joules_per_*_token``: J/token (only in newer artifacts).
- ``date``: the run's date (UTC) when known, else null.

A **curve** is ``CURVE_KEY``; its points over every topology and concurrency form one Pareto frontier.
A **point** is ``POINT_KEY``: a curve, a topology and a concurrency.
"""

from __future__ import annotations

import polars as pl

__all__ = [
    "DISAGG_TOPOLOGY",
    "CURVE_KEY",
    "DISAGG_SCHEMA",
    "FORMATS",
    "LATENCY_KINDS",
    "POINT_KEY",
    "SCHEMA",
    "STATS",
    "STAT_SOURCE_NAMES",
    "TOPOLOGY_KEY",
    "conform",
    "empty_points",
]

LATENCY_KINDS = ("ttft", "tpot", "itl", "e2el")
STATS = ("mean", "median", "std", "p90", "p99", "p999")
#: source stat name -> canonical stat name
STAT_SOURCE_NAMES = {"mean": "mean", "median": "median", "std": "std", "p90": "p90", "p99": "p99", "p99.9": "p999"}

_LATENCY_COLUMNS = tuple(f"{s}_{k}_s" for k in LATENCY_KINDS for s in STATS)
_INTVTY_COLUMNS = tuple(f"{s}_intvty" for s in STATS)

#: the prefill/decode split of a disaggregated config (null for aggregated serving)
DISAGG_SCHEMA: dict[str, pl.DataType] = {
    "prefill_tp": pl.Int32(),
    "prefill_ep": pl.Int32(),
    "prefill_dp_attention": pl.Boolean(),
    "prefill_num_workers": pl.Int32(),
    "decode_tp": pl.Int32(),
    "decode_ep": pl.Int32(),
    "decode_dp_attention": pl.Boolean(),
    "decode_num_workers": pl.Int32(),
    "num_prefill_gpu": pl.Int32(),  # disaggregated: GPUs serving prefill; else null
    "num_decode_gpu": pl.Int32(),  # disaggregated: GPUs serving decode; else null
}

_CONFIG_SCHEMA: dict[str, pl.DataType] = {
    "model": pl.String(),  # display name, e.g. "DeepSeek-R1-0528" (suffix " (synthetic)" for generated data)
    "model_key": pl.String(),  # short key, e.g. "dsr1"
    "model_path": pl.String(),  # HF id or path as written in the artifact
    "isl": pl.Int32(),  # input sequence length, tokens
    "osl": pl.Int32(),  # output sequence length, tokens
    "hardware": pl.String(),  # normalised GPU key, e.g. "b200"
    "hw_raw": pl.String(),  # runner label as written, e.g. "b200-trt"
    "framework": pl.String(),  # normalised engine, e.g. "trt", "dynamo-trt", "vllm"
    "precision": pl.String(),  # fp4 / fp8 / int4 / bf16 ...
    "spec_method": pl.String(),  # "none", "mtp", ...
    "disagg": pl.Boolean(),  # prefill/decode disaggregated serving
    "is_multinode": pl.Boolean(),
    "image": pl.String(),  # engine container image (version)
    "conc": pl.Int32(),  # max concurrency (users)
    "tp": pl.Int32(),
    "ep": pl.Int32(),
    "pp": pl.Int32(),
    "dcp_size": pl.Int32(),
    "pcp_size": pl.Int32(),
    "dp_attention": pl.Boolean(),
    **DISAGG_SCHEMA,
    "num_gpus": pl.Int32(),  # GPUs the total throughput is divided by
    "topology": pl.String(),  # readable label, e.g. "TP8 EP8 DPA" or "P 5×TP4/EP4 DPA + D 1×TP32/EP32 DPA"
}

_METRIC_SCHEMA: dict[str, pl.DataType] = {
    "tput_per_gpu": pl.Float64(),
    "output_tput_per_gpu": pl.Float64(),
    "input_tput_per_gpu": pl.Float64(),
    **{c: pl.Float64() for c in _LATENCY_COLUMNS},
    **{c: pl.Float64() for c in _INTVTY_COLUMNS},
    "avg_power_w": pl.Float64(),
    "joules_per_total_token": pl.Float64(),
    "joules_per_output_token": pl.Float64(),
}

_PROVENANCE_SCHEMA: dict[str, pl.DataType] = {
    "source_file": pl.String(),  # path of the file (zip members as "archive.zip!member")
    "source_format": pl.String(),  # one of FORMATS
    "source_row": pl.Int32(),  # 0-based row index inside the file
    "run_id": pl.Int64(),  # CI run id when known
    "run_attempt": pl.Int32(),
    "date": pl.Date(),
    "synthetic": pl.Boolean(),  # generated data (the bundled sample), never a measurement
}

SCHEMA: dict[str, pl.DataType] = {**_CONFIG_SCHEMA, **_METRIC_SCHEMA, **_PROVENANCE_SCHEMA}

CURVE_KEY = ("model", "isl", "osl", "hardware", "framework", "precision", "spec_method", "disagg")
#: the topology fields of a disaggregated (multinode) point: prefill and decode workers
DISAGG_TOPOLOGY = (
    "prefill_tp",
    "prefill_ep",
    "prefill_dp_attention",
    "prefill_num_workers",
    "decode_tp",
    "decode_ep",
    "decode_dp_attention",
    "decode_num_workers",
    "num_prefill_gpu",
    "num_decode_gpu",
)
TOPOLOGY_KEY = ("is_multinode", "tp", "ep", "pp", "dcp_size", "pcp_size", "dp_attention", *DISAGG_TOPOLOGY)
POINT_KEY = CURVE_KEY + TOPOLOGY_KEY + ("conc",)

FORMATS = ("agg", "agg_bmk", "raw_client", "api", "csv", "early_agg")


def empty_points() -> pl.DataFrame:
    """An empty canonical table."""
    return pl.DataFrame(schema=SCHEMA)


def conform(df: pl.DataFrame) -> pl.DataFrame:
    """Cast ``df`` to the canonical schema: missing columns become typed nulls, extra columns are dropped."""
    cols = []
    for name, dtype in SCHEMA.items():
        if name in df.columns:
            cols.append(pl.col(name).cast(dtype, strict=False))
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    return df.select(cols)
