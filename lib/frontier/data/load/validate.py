"""Validation: the first failed check names why a normalised row cannot be used (spec §2); such rows are skipped
and recorded in the load report with their file and row."""

from __future__ import annotations

from typing import Any

import polars as pl

from frontier.data.load.dates import INVALID_DATE
from frontier.data.load.limits import INT32_MAX, INT32_MIN
from frontier.data.load.normalise import RUN_URL_RE
from frontier.data.load.raw import STR
from frontier.data.load.report import LoadReport, SkipEntry

__all__ = ["drop_invalid", "mark_invalid"]

#: integer columns stored as Int32 in the point table: a value outside that range is skipped, never nulled
_INT32_FIELDS = (
    "conc",
    "isl",
    "osl",
    "tp",
    "ep",
    "pp",
    "dcp_size",
    "pcp_size",
    "prefill_tp",
    "prefill_ep",
    "prefill_num_workers",
    "decode_tp",
    "decode_ep",
    "decode_num_workers",
    "num_prefill_gpu",
    "num_decode_gpu",
)


def _range_checks() -> list[tuple[pl.Expr, str]]:
    """Values that do not fit their column: integers past Int32, GPU counts whose product does."""
    checks = [
        ((pl.col(c) < INT32_MIN) | (pl.col(c) > INT32_MAX), f"value out of range for field: {c}") for c in _INT32_FIELDS
    ]
    product = (
        pl.col("tp").cast(pl.Float64)
        * pl.col("pp").fill_null(1).cast(pl.Float64)
        * pl.col("pcp_size").fill_null(1).cast(pl.Float64)
    )
    split = pl.col("num_prefill_gpu").cast(pl.Float64) + pl.col("num_decode_gpu").cast(pl.Float64)
    checks.append(((product > INT32_MAX) | (split > INT32_MAX), "value out of range for field: num_gpus"))
    run = pl.col("run_url").str.extract_groups(RUN_URL_RE.pattern)  # run id (Int64) and attempt (Int32)
    checks.append(
        (
            (run.struct.field("1").str.len_chars() > 18) | (run.struct.field("2").str.len_chars() > 9),
            "value out of range for field: run_url",
        )
    )
    return checks


def _checks() -> list[tuple[pl.Expr, str]]:
    """(condition that makes a row unusable, reason), in the order they are tried."""
    tput = pl.col("tput_per_gpu")
    tpot = pl.col("median_tpot_s")
    return _range_checks() + [
        (pl.col("hw_raw").is_null() | (pl.col("hw_raw") == ""), "missing field: hw/hardware"),
        (pl.col("model").is_null(), "missing field: model"),
        (pl.col("framework").is_null(), "missing field: framework"),
        (pl.col("precision").is_null(), "missing field: precision"),
        (pl.col("isl").is_null() | pl.col("osl").is_null(), "missing field: isl/osl"),
        (pl.col("conc").is_null(), "missing field: conc"),
        (tput.is_null(), "missing field: tput_per_gpu"),
        (tpot.is_null(), "missing field: median_tpot (or median_intvty)"),
        (~tput.is_finite() | ~tpot.is_finite(), "non-finite throughput or TPOT"),
        (tput <= 0, "non-positive throughput"),
        (tpot <= 0, "non-positive TPOT"),
        (pl.col("num_gpus").is_null() | (pl.col("num_gpus") <= 0), "unknown GPU count (no tp or prefill/decode GPUs)"),
        ((pl.col("isl") <= 0) | (pl.col("osl") <= 0) | (pl.col("conc") <= 0), "non-positive isl, osl or conc"),
        (pl.col("_date_invalid"), INVALID_DATE),
    ]


def mark_invalid(df: pl.DataFrame) -> pl.DataFrame:
    """``_skip``: the reader's reason, else the first failing check's reason, else null."""
    chain: Any = pl.when(pl.col("_skip").is_not_null()).then(pl.col("_skip"))
    for cond, text in _checks():  # one flat when/then chain: the first match wins
        chain = chain.when(cond.fill_null(False)).then(pl.lit(text))
    return df.with_columns(_skip=chain.otherwise(pl.lit(None, dtype=STR)))


def drop_invalid(df: pl.DataFrame, report: LoadReport) -> pl.DataFrame:
    """Rows with a ``_skip`` reason → the report's skips (file, row, reason); the other rows are returned."""
    bad = df.filter(pl.col("_skip").is_not_null()).select("source_file", "source_row", "_skip")
    for f, r, reason in bad.iter_rows():
        report.skips.append(SkipEntry(f, r, reason))
    return df.filter(pl.col("_skip").is_null()) if bad.height else df
