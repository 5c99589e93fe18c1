"""The raw table every reader produces: agg field names (ambiguous fields read as strings), then provenance.

Readers return frames in ``RAW_SCHEMA`` plus an optional ``_skip`` column (a reason per bad row). ``tag`` numbers
a frame's rows and names its file; ``attach_provenance`` joins the per-file facts (label, format, run id, date,
synthetic flag) onto every row once all files are read.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from frontier.data.schema import LATENCY_KINDS, STAT_SOURCE_NAMES

__all__ = [
    "FLT",
    "FileMetas",
    "INT",
    "RAW_CONFIG",
    "RAW_METRICS",
    "RAW_SCHEMA",
    "STR",
    "attach_provenance",
    "tag",
    "to_raw_columns",
]

INT = pl.Int64()
FLT = pl.Float64()
STR = pl.String()

RAW_CONFIG: dict[str, pl.DataType] = {
    "hw": STR,
    "conc": INT,
    "image": STR,
    "model": STR,
    "infmax_model_prefix": STR,
    "framework": STR,
    "precision": STR,
    "spec_decoding": STR,
    "disagg": STR,
    "isl": INT,
    "osl": INT,
    "is_multinode": STR,
    "tp": INT,
    "ep": INT,
    "pp": INT,
    "dcp_size": INT,
    "pcp_size": INT,
    "dp_attention": STR,
    "prefill_tp": INT,
    "prefill_ep": INT,
    "prefill_dp_attention": STR,
    "prefill_num_workers": INT,
    "decode_tp": INT,
    "decode_ep": INT,
    "decode_dp_attention": STR,
    "decode_num_workers": INT,
    "num_prefill_gpu": INT,
    "num_decode_gpu": INT,
    "synthetic": STR,
    "scenario_type": STR,
    "timestamp": STR,
    "source_file": STR,
    "date": STR,
    "run_url": STR,
}
#: throughput (tok/s/GPU), latency (seconds), interactivity (tok/s/user), power (W) and energy (J/token) fields
RAW_METRICS: dict[str, pl.DataType] = {
    "tput_per_gpu": FLT,
    "output_tput_per_gpu": FLT,
    "input_tput_per_gpu": FLT,
    **{f"{s}_{k}": FLT for k in LATENCY_KINDS + ("intvty",) for s in STAT_SOURCE_NAMES},
    "avg_power_w": FLT,
    "joules_per_total_token": FLT,
    "joules_per_output_token": FLT,
}
RAW_SCHEMA: dict[str, pl.DataType] = {**RAW_CONFIG, **RAW_METRICS}
#: per-row provenance: file label, format, row in the file, run id/attempt/date/synthetic from the file's
#: surroundings, the file's position in the load order and the row's skip reason
_PROV_COLUMNS: dict[str, pl.DataType] = {
    "_file": STR,
    "_format": STR,
    "_row": pl.Int32(),
    "_run_id": INT,
    "_run_attempt": pl.Int32(),
    "_date": STR,
    "_synthetic": pl.Boolean(),
    "_file_index": pl.Int32(),
    "_skip": STR,
}

#: file index → (label shown to users, run hint from sidecars/folders, format)
FileMetas = dict[int, tuple[str, dict[str, Any], str]]


def to_raw_columns(df: pl.DataFrame) -> pl.DataFrame:
    """A reader's frame → exactly ``RAW_SCHEMA`` (missing fields as typed nulls) plus ``_skip`` when present."""
    missing = [pl.lit(None, dtype=dt).alias(c) for c, dt in RAW_SCHEMA.items() if c not in df.columns]
    if missing:
        df = df.with_columns(missing)
    return df.select(list(RAW_SCHEMA) + (["_skip"] if "_skip" in df.columns else []))


def tag(df: pl.DataFrame, file_index: int, first_row: int = 0) -> pl.DataFrame:
    """Per-file frame → with ``_file_index``, ``_row`` and ``_skip`` (provenance is attached once, at the end)."""
    cols = {
        "_file_index": pl.lit(file_index, dtype=pl.Int32),
        "_row": pl.int_range(first_row, first_row + pl.len(), dtype=pl.Int32),
    }
    if "_skip" not in df.columns:
        cols["_skip"] = pl.lit(None, dtype=STR)
    return df.with_columns(**cols)


def _int_or_none(v: Any) -> int | None:
    """``v`` as an int, or None when absent or not a number."""
    try:
        return int(v) if v is not None else None
    except (TypeError, ValueError):
        return None


def attach_provenance(raws: list[pl.DataFrame], metas: FileMetas) -> pl.DataFrame:
    """Concatenate raw frames into one contiguous frame (every later step on a group is much slower on many
    chunks than the one copy made here) and add the provenance columns (PROV_COLUMNS) from each row's
    ``_file_index``.

    ``raws`` is emptied, so the input frames are released once copied."""
    n = max(metas) + 1 if metas else 0
    columns: list[list[Any]] = [[None] * n for _ in range(6)]
    label, fmt, run_id, attempt, date, synth = columns
    for i, (lab, hint, f) in metas.items():
        label[i], fmt[i] = lab, f
        run_id[i] = _int_or_none(hint.get("run_id"))
        attempt[i] = _int_or_none(hint.get("run_attempt"))
        date[i] = str(hint["date"]) if hint.get("date") else None  # checked by the sidecar reader
        synth[i] = bool(hint.get("synthetic")) if "synthetic" in hint else None
    prov = pl.DataFrame(
        {
            "_file": label,
            "_format": fmt,
            "_run_id": run_id,
            "_run_attempt": attempt,
            "_date": date,
            "_synthetic": synth,
        },
        schema={
            "_file": STR,
            "_format": STR,
            "_run_id": INT,
            "_run_attempt": pl.Int32(),
            "_date": STR,
            "_synthetic": pl.Boolean(),
        },
    )
    own = [*RAW_SCHEMA, "_row", "_file_index", "_skip"]
    raw = pl.concat([r.select(own) for r in raws], how="vertical").rechunk() if len(raws) > 1 else raws[0]
    raws.clear()
    fi = raw["_file_index"]
    return raw.with_columns([prov[c].gather(fi) for c in prov.columns]).select(list(RAW_SCHEMA) + list(_PROV_COLUMNS))
