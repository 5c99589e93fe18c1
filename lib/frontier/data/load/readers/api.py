"""Reader for public API rows: topology fields at the top level, measurements nested under ``metrics``."""

from __future__ import annotations

import io
from typing import Any

import polars as pl

from frontier.data.load.normalise import bool_expr
from frontier.data.load.raw import RAW_CONFIG, RAW_METRICS, RAW_SCHEMA, STR
from frontier.data.load.readers.coerce import python_rows
from frontier.data.load.readers.ndjson import has_surrogate_escapes
from frontier.data.schema import DISAGG_TOPOLOGY

__all__ = ["read_checked", "read_fast"]

#: API row fields named as in agg rows (their types are the raw schema's)
_SHARED_FIELDS = (
    "framework",
    "model",
    "precision",
    "disagg",
    "is_multinode",
    *DISAGG_TOPOLOGY,
    "isl",
    "osl",
    "conc",
    "image",
    "date",
    "run_url",
)
_API_SCHEMA: dict[str, pl.DataType] = {
    "hardware": STR,
    "spec_method": STR,
    **{k: RAW_CONFIG[k] for k in _SHARED_FIELDS},
    "metrics": pl.Struct(dict(RAW_METRICS.items())),
}


def read_fast(data: bytes) -> pl.DataFrame | None:
    """Raw frame read by polars with ``_API_SCHEMA``, or None when the checked path must read the file."""
    if has_surrogate_escapes(data):
        return None
    try:
        return _to_raw(pl.read_json(io.BytesIO(data), schema=_API_SCHEMA))
    except Exception:
        return None


def read_checked(obj: Any) -> pl.DataFrame:
    """Parsed API rows (an object or an array) → raw frame, with a reason per bad row."""
    flat = []
    for o in obj if isinstance(obj, list) else [obj]:
        if isinstance(o, dict):
            metrics = o.get("metrics")
            o = {**{k: v for k, v in o.items() if k != "metrics"}, **(metrics if isinstance(metrics, dict) else {})}
        flat.append(o)
    api_flat = {k: v for k, v in _API_SCHEMA.items() if k != "metrics"} | RAW_METRICS
    return _to_raw(python_rows(flat, api_flat), nested=False)


def _to_raw(df: pl.DataFrame, nested: bool = True) -> pl.DataFrame:
    """API rows → raw agg fields. Single-node rows take the GPU count from decode_tp (spec §2.4 quirk)."""
    if nested:
        df = df.unnest("metrics")
    single = ~bool_expr("is_multinode").fill_null(False)
    out = df.with_columns(
        hw=pl.col("hardware"),
        infmax_model_prefix=pl.col("model"),
        model=pl.lit(None, dtype=STR),
        spec_decoding=pl.col("spec_method"),
        tp=pl.when(single).then(pl.col("decode_tp")),
        ep=pl.when(single).then(pl.col("decode_ep")),
        dp_attention=pl.when(single).then(pl.col("decode_dp_attention")),
        **{c: pl.when(~single).then(pl.col(c)) for c in DISAGG_TOPOLOGY},
    )
    keep = [c for c in RAW_SCHEMA if c in out.columns] + (["_skip"] if "_skip" in out.columns else [])
    return out.select(keep)
