"""De-duplication: identical copies of a point are removed; with ``keep="newest"`` a rerun of a point keeps the
newest run. Every removed row is returned with its reason, for the load report."""

from __future__ import annotations

import numpy as np
import polars as pl

from ..schema import POINT_KEY, conform
from .raw import STR

__all__ = ["POINT_HASH", "conform_keep", "dedupe", "point_hash_expr"]

#: optional column of ``point_hash_expr`` values, computed while loading
POINT_HASH = "_point_hash"


def point_hash_expr() -> pl.Expr:
    """A 64-bit hash of each row's point key (``POINT_KEY``): rows whose hashes all differ are distinct points."""
    return pl.struct(list(POINT_KEY)).hash().alias(POINT_HASH)


def conform_keep(df: pl.DataFrame) -> pl.DataFrame:
    """Conform to the schema but keep the load-order helper column used by de-duplication."""
    out = conform(df)
    return out.with_columns(df["_file_index"]) if "_file_index" in df.columns else out


def dedupe(points: pl.DataFrame, keep: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Remove duplicate points. Returns (kept, removed-with-reason).

    Identical rows (same point, same throughput and TPOT) are always duplicates. With ``keep="newest"`` a rerun
    of the same point keeps the newest (highest run id, then attempt, then date, then load order).

    Works on a narrow frame of the key columns only (columns that are null on every row cannot tell rows apart
    and are left out of the keys); the full table is filtered once, and only when something was removed.
    """
    if keep not in ("newest", "all"):
        raise ValueError("keep must be 'newest' or 'all'")
    known_hashes = points[POINT_HASH] if POINT_HASH in points.columns else None
    points = points.drop(POINT_HASH, strict=False)
    if points.height == 0:
        return points, points.with_columns(dup_reason=pl.lit(None, dtype=STR)).head(0)
    order = ["run_id", "run_attempt", "date", "_file_index", "source_row"]
    ident_key = list(POINT_KEY) + ["tput_per_gpu", "median_tpot_s"]
    if keep == "all":
        ident_key += ["date"]

    def informative(cols: list[str]) -> list[str]:
        out = [c for c in dict.fromkeys(cols) if points[c].null_count() < points.height]
        return out or cols[:1]

    ident_cols = informative(ident_key)
    point_cols = informative(list(POINT_KEY))
    # the common case: every point distinct (then no row is an identical copy either) — one hashing pass, no sort
    # (distinct row hashes prove distinct rows; 8 bytes a row instead of a row-encoded copy of the keys). Columns
    # null on every row add the same to every hash, so the loader's hashes of the whole key serve as well.
    hashes = known_hashes if known_hashes is not None else points.select(pl.struct(point_cols).hash())[:, 0]
    if hashes.n_unique() == points.height:
        return points, pl.DataFrame(schema={"source_file": STR, "source_row": pl.Int32(), "dup_reason": STR})
    narrow = points.select(list(dict.fromkeys(ident_cols + point_cols + order))).with_row_index("_i")
    narrow = narrow.sort(order, nulls_last=False)  # newest last
    ident_keep = narrow.select(pl.struct(ident_cols).is_last_distinct())[:, 0]
    removed_i = [narrow.filter(~ident_keep)["_i"]]
    reasons = ["identical duplicate"]
    narrow = narrow.filter(ident_keep)
    if keep == "newest":
        newest = narrow.select(pl.struct(point_cols).is_last_distinct())[:, 0]
        removed_i.append(narrow.filter(~newest)["_i"])
        reasons.append("superseded by a newer run of the same point")
        narrow = narrow.filter(newest)
    rem = pl.concat(
        [
            points.select("source_file", "source_row").gather(idx).with_columns(dup_reason=pl.lit(reason, dtype=STR))
            for idx, reason in zip(removed_i, reasons)
        ]
    )
    if rem.height == 0:
        return points, rem
    mask = np.zeros(points.height, dtype=bool)
    mask[narrow["_i"].to_numpy()] = True
    return points.filter(pl.Series(mask)), rem
