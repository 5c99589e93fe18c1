"""Reader fix-ups for early agg rows (agg fields without ISL/OSL): ISL/OSL from ``source_file`` (``…_1k1k_…``),
date from ``timestamp``, run id from the ``run-<id>`` part of ``source_file``."""

from __future__ import annotations

import polars as pl

from frontier.data.load.raw import INT

__all__ = ["fixups"]


def fixups(df: pl.DataFrame) -> pl.DataFrame:
    """Raw frame of early agg rows (read like agg rows) → with isl, osl, date and run_url filled where missing."""
    m = pl.col("source_file").str.extract_groups(r"_(\d{1,9})k(\d{1,9})k_")  # longer: not a sequence length
    return df.with_columns(
        isl=pl.coalesce(pl.col("isl"), m.struct.field("1").cast(INT) * 1024),
        osl=pl.coalesce(pl.col("osl"), m.struct.field("2").cast(INT) * 1024),
        date=pl.coalesce(pl.col("date"), pl.col("timestamp")),  # checked whole by the date rule
        run_url=pl.coalesce(
            pl.col("run_url"), pl.format("/runs/{}", pl.col("source_file").str.extract(r"run-(\d+)", 1))
        ),
    )
