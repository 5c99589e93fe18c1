"""Questions asked of a loaded point table: filter it (``matches``), list what it holds (``inventory``)."""

from __future__ import annotations

import fnmatch
from typing import Any

import polars as pl

__all__ = ["inventory", "matches"]


def matches(points: pl.DataFrame, **filters: Any) -> pl.DataFrame:
    """Filter points: ``model="DeepSeek*"`` (glob), ``isl=1024``, ``hardware=["b200", "h200"]``."""
    out = points
    for col, want in filters.items():
        if want is None:
            continue
        if isinstance(want, (list, tuple, set)):
            out = out.filter(pl.col(col).is_in(list(want)))
        elif isinstance(want, str) and any(ch in want for ch in "*?["):
            pattern = fnmatch.translate(want).replace("\\Z", "$")
            out = out.filter(pl.col(col).str.contains(f"(?i){pattern}"))
        else:
            out = out.filter(pl.col(col) == want)
    return out


def inventory(points: pl.DataFrame) -> pl.DataFrame:
    """What a table holds: per model and ISL/OSL, the configs, points, GPUs, precisions, dates (for people)."""
    if points.height == 0:
        return pl.DataFrame(
            schema={
                "model": pl.String,
                "isl": pl.Int32,
                "osl": pl.Int32,
                "configs": pl.UInt32,
                "points": pl.UInt32,
                "hardware": pl.String,
                "precisions": pl.String,
                "first date": pl.Date,
                "last date": pl.Date,
            }
        )
    return (
        points.group_by("model", "isl", "osl")
        .agg(
            pl.struct("hardware", "framework", "precision", "spec_method", "disagg").n_unique().alias("configs"),
            pl.len().alias("points"),
            pl.col("hardware").unique().sort().str.join(", ").alias("hardware"),
            pl.col("precision").unique().sort().str.join(", ").alias("precisions"),
            pl.col("date").min().alias("first date"),
            pl.col("date").max().alias("last date"),
        )
        .sort("model", "isl", "osl")
    )
