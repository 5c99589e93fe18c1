"""``load()``: discover → (cache) → read → canonical (provenance, normalise, validate; group by group while
reading) → drop invalid rows → de-duplicate → report."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from frontier.data import cache as cache_mod
from frontier.data.load.canonical import CanonicalFrames
from frontier.data.load.dates import FUTURE_DATE, latest_date
from frontier.data.load.dedupe import CONFLICT, dedupe
from frontier.data.load.discovery import discover, sidecars_above, sources
from frontier.data.load.raw import FileMetas
from frontier.data.load.reading import read_sources
from frontier.data.load.report import LoadError, LoadReport, LoadResult
from frontier.data.load.validate import drop_invalid
from frontier.data.schema import SCHEMA, empty_points
from frontier.fsutil import safe_for_terminal as printable

__all__ = ["load"]

#: part of every cache key; 2: strict fast path (fractional or boolean numbers in numeric fields are skipped);
#: 3: values that do not fit are skipped, a repeated JSON key keeps its first value on every path, input limits;
#: 4: files in resolved-path order, conflicts reported, text cleaned and flagged, the date rule
_LOADER_VERSION = "4"
_DUPLICATE_EXAMPLES = 50


def load(
    paths: str | Path | Iterable[str | Path],
    *,
    strict: bool = False,
    keep: str = "newest",
    topology: dict[str, Any] | None = None,
    cache: bool = True,
    cache_dir: Path | None = None,
) -> LoadResult:
    """Load artifacts into the canonical table (``frontier.data.schema.SCHEMA``).

    paths: files, folders (recursive), globs or zips. keep: "newest" (reruns of a point keep the newest run) or
    "all" (keep every run; identical copies are still removed). topology: fields for raw client results whose file
    names do not follow the InferenceX convention (e.g. ``{"hw": "h200", "tp": 8, "isl": 1024, ...}``).
    cache: reuse a parquet copy in ``data/processed/`` keyed by the inputs' content hashes and these options.
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    latest = latest_date()
    report = LoadReport(load_date=latest.isoformat())
    inputs = discover(paths, report)
    key = hashes = None
    if cache:
        hashed = inputs.files + sidecars_above(inputs)  # run.json files above named files give their run ids
        hashes = cache_mod.content_hashes(hashed, cache_dir, resolved=inputs.resolved, notes=report.notes)
        key = cache_mod.key_for(hashes, {"keep": keep, "topology": topology, "version": _LOADER_VERSION})
        hit = _from_cache(key, cache_dir, report)
        if hit is not None:
            hit.report.raise_if_strict(strict)
            return hit
    metas: FileMetas = {}
    with CanonicalFrames(metas, latest=latest) as canonical:
        read_sources(sources(inputs, report, hashes), report, topology, metas, canonical)
        rows = canonical.finish()
    points = _to_points(rows, report, keep)
    _count_loaded(points, metas, report)
    points = points.drop("_file_index", strict=False)
    if key is not None:
        _store(key, points, report, cache_dir)
    report.raise_if_strict(strict)
    return LoadResult(points, report)


def _from_cache(key: str, cache_dir: Path | None, report: LoadReport) -> LoadResult | None:
    """The cached result for ``key`` (inputs that matched nothing this time listed first), or None."""
    hit = cache_mod.get(key, cache_dir, decode=LoadReport.from_dict, notes=report.notes)
    if hit is None:
        return None
    points, cached = hit
    if points.schema != pl.Schema(SCHEMA) or points.height != cached.rows_loaded:
        report.notes.append(f"cache: entry {key} does not match its report, ignored")
        return None
    if cached.load_date != report.load_date and any(k.startswith(FUTURE_DATE) for k in cached.flagged):
        # rows dated after that load's date may be in the past by now: load them again under today's date
        report.notes.append(f"cache: entry {key} flagged dates after its load date ({cached.load_date}), reloaded")
        return None
    cached.load_date = report.load_date
    cached.from_cache = True
    cached.notes = report.notes
    cached.files = report.files + cached.files
    cached.skips = report.skips + cached.skips
    return LoadResult(points, cached)


def _to_points(canonical: pl.DataFrame | None, report: LoadReport, keep: str) -> pl.DataFrame:
    """Canonical rows → the point table (+ ``_file_index``): invalid rows, duplicates and conflicting measurements
    removed and counted, flagged rows counted."""
    if canonical is None:
        return empty_points()
    report.rows_read = canonical.height
    good = drop_invalid(canonical, report).drop("_skip")
    del canonical
    points, removed = dedupe(good.drop("_flag"), keep)
    conflict = removed["dup_reason"] == CONFLICT
    dups, conflicts = removed.filter(~conflict), removed.filter(conflict)
    report.duplicates, report.conflicts = dups.height, conflicts.height
    report.duplicate_examples = [
        dict(zip(("file", "row", "reason"), r))
        for r in dups.head(_DUPLICATE_EXAMPLES).select("source_file", "source_row", "dup_reason").iter_rows()
    ]
    report.conflict_examples = [
        dict(zip(("file", "row", "reason", "kept_file", "kept_row"), r))
        for r in conflicts.head(_DUPLICATE_EXAMPLES).iter_rows()
    ]
    _count_flags(good, report)
    return points


def _count_flags(good: pl.DataFrame, report: LoadReport) -> None:
    """Flags (``_flag``) of the valid rows (loaded, or removed as duplicates afterwards): reason → count, and the
    first examples (file, row, reason)."""
    if good["_flag"].null_count() == good.height:
        return
    flags = good.select("source_file", "source_row", "_flag").filter(pl.col("_flag").is_not_null())
    reasons = flags["_flag"].str.split("; ").explode()
    report.flagged = dict(sorted(reasons.value_counts().iter_rows(), key=lambda kv: (-kv[1], kv[0])))
    report.flag_examples = [
        dict(zip(("file", "row", "reason"), r)) for r in flags.head(_DUPLICATE_EXAMPLES).iter_rows()
    ]


def _count_loaded(points: pl.DataFrame, metas: FileMetas, report: LoadReport) -> None:
    """Rows loaded, in all and per file (from each row's file index); LoadError when no file could be read."""
    report.rows_loaded = points.height
    if points.height:
        by_label: dict[str, int] = {}
        for idx, n in enumerate(np.bincount(points["_file_index"].to_numpy()).tolist()):
            if n:
                label = metas[idx][0]
                by_label[label] = by_label.get(label, 0) + n
        for f in report.files:
            f.rows_loaded = by_label.get(f.path, 0)
    if not any(f.status == "read" for f in report.files):
        raise LoadError(
            "nothing could be read: "
            + "; ".join(f"{printable(f.path)}: {printable(f.reason or '')}" for f in report.files[:10])
        )


def _store(key: str, points: pl.DataFrame, report: LoadReport, cache_dir: Path | None) -> None:
    """Cache the table and the whole report (every skip, not only the examples)."""
    d = report.to_dict(examples=10**9)
    d["all_skips"] = [s.__dict__ for s in report.skips]
    cache_mod.put(key, points, d, cache_dir, notes=report.notes)
