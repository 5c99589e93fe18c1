"""Reader for dashboard CSV exports: one row per point, display names in ``Model``; latency columns labelled
"(ms)" hold seconds (spec §2.5). Leading ``#`` comment lines are skipped; a bad cell skips its row with a reason."""

from __future__ import annotations

import csv
import io

import polars as pl

from frontier.data.load.limits import MAX_ROWS_PER_FILE
from frontier.data.load.normalise import MODEL_KEYS
from frontier.data.load.raw import FLT, INT, RAW_CONFIG, RAW_SCHEMA, STR

__all__ = ["read"]

_LATENCY_NAMES = {"TTFT": "ttft", "TPOT": "tpot", "ITL": "itl", "E2E Latency": "e2el"}
_STAT_NAMES = {"Mean": "mean", "Median": "median", "P90": "p90", "P99": "p99", "P99.9": "p99.9", "Std": "std"}
#: dashboard CSV export column → raw field
_CSV_COLUMNS: dict[str, str] = {
    "Model": "model",
    "ISL": "isl",
    "OSL": "osl",
    "Hardware": "hw",
    "Framework": "framework",
    "Precision": "precision",
    "TP": "tp",
    "Concurrency": "conc",
    "Date": "date",
    "Throughput/GPU (tok/s)": "tput_per_gpu",
    "Output Throughput/GPU (tok/s)": "output_tput_per_gpu",
    "Input Throughput/GPU (tok/s)": "input_tput_per_gpu",
    "Disaggregated": "disagg",
    "Num Prefill GPUs": "num_prefill_gpu",
    "Num Decode GPUs": "num_decode_gpu",
    "Spec Decoding": "spec_decoding",
    "EP": "ep",
    "DP Attention": "dp_attention",
    "Is Multinode": "is_multinode",
    **{f"{st} {lt} (ms)": f"{s}_{lat}" for st, s in _STAT_NAMES.items() for lt, lat in _LATENCY_NAMES.items()},
    **{f"{st} Interactivity (tok/s/user)": f"{s}_intvty" for st, s in _STAT_NAMES.items()},
}
_CSV_REQUIRED = (
    "Model",
    "ISL",
    "OSL",
    "Hardware",
    "Framework",
    "Precision",
    "Concurrency",
    "Throughput/GPU (tok/s)",
    "Median TPOT (ms)",
)


def _header(text: str) -> tuple[list[str], str] | str:
    """(header columns, the CSV from its header row on with newlines normalised), or the reason the text is not a
    dashboard export. Read line by line: a file of millions of short lines is never split into a Python list."""
    buf = io.StringIO(text, newline=None)  # universal newlines: \r\n and \r read as \n
    for line in buf:
        if not line.startswith("#"):
            header_line = line.rstrip("\n")
            break
    else:
        return "unknown format: CSV with no header row"
    header = next(iter(csv.reader([header_line])), [])
    missing = [c for c in _CSV_REQUIRED if c not in header]
    if missing:
        return f"unknown format: CSV header is not a dashboard export (missing {missing[0]!r})"
    return header, header_line + "\n" + buf.read()


def _target_dtype(column: str) -> pl.DataType:
    target = _CSV_COLUMNS.get(column, "")
    if target in RAW_CONFIG and RAW_CONFIG[target] == STR:
        return STR
    return RAW_SCHEMA.get(target, STR)


def read(data: bytes) -> tuple[str | None, pl.DataFrame | str]:
    """("csv", raw frame) or (None, skip reason)."""
    if data.count(b"\n") > MAX_ROWS_PER_FILE:
        return None, f"CSV with more than {MAX_ROWS_PER_FILE:,} lines"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "unreadable: not UTF-8 text (binary or corrupt file)"
    found = _header(text)
    if isinstance(found, str):
        return None, found
    header, body = found
    # read numbers as strings first, so a bad cell skips its row with a reason instead of failing the file
    try:
        df = pl.read_csv(io.StringIO(body), schema=dict.fromkeys(header, STR), has_header=True)
    except Exception as e:
        return None, f"unreadable CSV: {type(e).__name__}"
    bad = pl.lit(None, dtype=STR)
    cast_cols = []
    for c in header:
        target = _CSV_COLUMNS.get(c)
        if target is None:
            continue
        dtype = _target_dtype(c)
        if dtype == STR:
            cast_cols.append(pl.col(c).alias(target))
            continue
        casted = pl.col(c).str.strip_chars().cast(FLT, strict=False)
        given = pl.col(c).is_not_null() & (pl.col(c).str.strip_chars() != "")
        unusable = casted.is_null()
        if dtype != FLT:  # integers: a fraction (concurrency 4.5) is a bad value, never truncated
            unusable = unusable | ~casted.is_finite() | (casted != casted.floor())
        bad = pl.when(given & unusable).then(pl.lit(f"bad value for field: {target}")).otherwise(bad)
        if dtype != FLT:  # past the 64-bit range: skipped with its reason, never nulled
            bad = (
                pl.when(given & ~unusable & (casted.abs() >= 2.0**63))
                .then(pl.lit(f"value out of range for field: {target}"))
                .otherwise(bad)
            )
        cast_cols.append(
            (casted if dtype == FLT else pl.when(casted.abs() < 2.0**63).then(casted).cast(INT, strict=False)).alias(
                target
            )
        )
    df = df.select(*cast_cols, bad.alias("_skip"))
    # the Model column holds display names: keep it as the path and derive the key
    return "csv", df.with_columns(
        infmax_model_prefix=pl.col("model").replace_strict(MODEL_KEYS, default=None, return_dtype=STR),
    )
