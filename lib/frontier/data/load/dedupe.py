"""De-duplication: identical copies of a point are removed; with ``keep="newest"`` a rerun of a point keeps the
newest run. Every removed row is returned with its reason, for the load report.

The answer never depends on the order of the load's arguments: rows are ordered by run id, attempt, date, then
file (files are read in the order of their resolved paths, whatever order they were given in), then row. Two
different measurements of one point that no run id, attempt or date tells apart are a **conflict**: the one last in
that order is kept and each other is returned as ``CONFLICT`` with the row kept in its place."""

from __future__ import annotations

import numpy as np
import polars as pl

from frontier.data.load.raw import STR
from frontier.data.schema import POINT_KEY, conform

__all__ = ["CONFLICT", "IDENTICAL", "POINT_HASH", "SUPERSEDED", "conform_keep", "dedupe", "point_hash_expr"]

#: optional column of ``point_hash_expr`` values, computed while loading
POINT_HASH = "_point_hash"
IDENTICAL = "identical duplicate"
SUPERSEDED = "superseded by a newer run of the same point"
CONFLICT = (
    "conflicting measurement of the same point (different throughput or TPOT, no run id, attempt or date to choose "
    "by): the row of the file last in path order was kept"
)
#: columns that order the runs of a point (newest last) before the file and row tie-break
_RUN_ORDER = ["run_id", "run_attempt", "date"]
_REMOVED_SCHEMA = {
    "source_file": STR,
    "source_row": pl.Int32(),
    "dup_reason": STR,
    "kept_file": STR,
    "kept_row": pl.Int32(),
}


def point_hash_expr() -> pl.Expr:
    """A 64-bit hash of each row's point key (``POINT_KEY``): rows whose hashes all differ are distinct points."""
    return pl.struct(list(POINT_KEY)).hash().alias(POINT_HASH)


def conform_keep(df: pl.DataFrame) -> pl.DataFrame:
    """Conform to the schema but keep the load-order helper column used by de-duplication."""
    out = conform(df)
    return out.with_columns(df["_file_index"]) if "_file_index" in df.columns else out


def dedupe(points: pl.DataFrame, keep: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Remove duplicate points. Returns (kept, removed): ``source_file``, ``source_row``, ``dup_reason``
    (``IDENTICAL``, ``SUPERSEDED`` or ``CONFLICT``) and, for conflicts, ``kept_file``/``kept_row``.

    Identical rows (same point, same throughput and TPOT) are always duplicates. With ``keep="newest"`` a rerun
    of the same point keeps the newest (highest run id, then attempt, then date; then file path order and row).

    Works on a narrow frame of the key columns only (columns that are null on every row cannot tell rows apart
    and are left out of the keys); the full table is filtered once, and only when something was removed.
    """
    if keep not in ("newest", "all"):
        raise ValueError("keep must be 'newest' or 'all'")
    known_hashes = points[POINT_HASH] if POINT_HASH in points.columns else None
    points = points.drop(POINT_HASH, strict=False)
    if points.height == 0:
        return points, pl.DataFrame(schema=_REMOVED_SCHEMA)
    order = [*_RUN_ORDER, "_file_index", "source_row"]
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
        return points, pl.DataFrame(schema=_REMOVED_SCHEMA)
    narrow = points.select(list(dict.fromkeys(ident_cols + point_cols + order))).with_row_index("_i")
    narrow = narrow.sort(order, nulls_last=False)  # newest last
    ident_keep = narrow.select(pl.struct(ident_cols).is_last_distinct())[:, 0]
    removed: list[tuple[pl.Series, str, pl.Series | None]] = [(narrow.filter(~ident_keep)["_i"], IDENTICAL, None)]
    narrow = narrow.filter(ident_keep)
    if keep == "newest":
        removed += _superseded(narrow, point_cols)
        narrow = narrow.filter(pl.struct(point_cols).is_last_distinct())
    rem = pl.concat([_removed_rows(points, idx, reason, kept) for idx, reason, kept in removed])
    if rem.height == 0:
        return points, rem
    mask = np.zeros(points.height, dtype=bool)
    mask[narrow["_i"].to_numpy()] = True
    return points.filter(pl.Series(mask)), rem


def _superseded(narrow: pl.DataFrame, point_cols: list[str]) -> list[tuple[pl.Series, str, pl.Series | None]]:
    """Rows of ``narrow`` (sorted, newest last; no identical copies left) that are not the last of their point:
    (row indices, reason, the kept row's index) — ``SUPERSEDED`` when an older run, else ``CONFLICT``."""
    last = pl.struct(point_cols).is_last_distinct()
    kept = {c: pl.col(c).last().over(point_cols) for c in ["_i", *_RUN_ORDER]}
    same_run = pl.all_horizontal(pl.col(c).eq_missing(kept[c]) for c in _RUN_ORDER)
    marked = narrow.with_columns(_last=last, _kept_i=kept["_i"], _conflict=same_run).filter(~pl.col("_last"))
    sup = marked.filter(~pl.col("_conflict"))
    con = marked.filter(pl.col("_conflict"))
    return [(sup["_i"], SUPERSEDED, None), (con["_i"], CONFLICT, con["_kept_i"])]


def _removed_rows(points: pl.DataFrame, idx: pl.Series, reason: str, kept: pl.Series | None) -> pl.DataFrame:
    """The removed rows ``idx`` of ``points`` as (file, row, reason, kept file, kept row)."""
    out = points.select("source_file", "source_row").gather(idx).with_columns(dup_reason=pl.lit(reason, dtype=STR))
    if kept is None:
        return out.with_columns(kept_file=pl.lit(None, dtype=STR), kept_row=pl.lit(None, dtype=pl.Int32()))
    k = points.select(kept_file="source_file", kept_row="source_row").gather(kept)
    return pl.concat([out, k], how="horizontal")
