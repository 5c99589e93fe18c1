"""The ``summary.json`` contract: its version, the data inventory every summary carries, and the version check.

Fields are documented in ``docs/summary-json.md``. Version history:

- 0: summaries written before the version field (no ``schema_version``, no ``data``);
- 1: adds ``schema_version`` and ``data`` (runs, dates, models and ISL/OSL of the points the report loaded);
- 2: every table row that names a config carries its stable join key: ``config_key`` (``config_key_a`` /
  ``config_key_b`` for the two sides of a pair), see :func:`frontier.data.labels.config_key`. Labels are for
  people and may change between builds; keys do not.

A reader of a newer version than :data:`SCHEMA_VERSION` refuses it (:class:`SummaryVersionError`): fields may have
changed meaning, so a comparison could be wrong rather than merely incomplete.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from frontier.data.labels import config_key, has_config_key_parts

__all__ = [
    "READABLE_VERSIONS",
    "SCHEMA_VERSION",
    "SummaryVersionError",
    "NOT_TABLES",
    "data_inventory",
    "summary_tables",
    "summary_version",
    "with_config_keys",
]

SCHEMA_VERSION = 2
READABLE_VERSIONS = (0, 1, 2)


class SummaryVersionError(ValueError):
    """A ``summary.json`` whose ``schema_version`` this library cannot read."""


def summary_version(doc: dict[str, Any]) -> int:
    """The schema version of a parsed ``summary.json`` (0 when it has none); raises :class:`SummaryVersionError`
    for a version this library does not read."""
    v = doc.get("schema_version", 0)
    if isinstance(v, bool) or not isinstance(v, int):
        raise SummaryVersionError(f"summary.json schema_version {v!r} is not a whole number")
    if v not in READABLE_VERSIONS:
        newer = v > SCHEMA_VERSION
        raise SummaryVersionError(
            f"summary.json schema_version {v} is "
            + ("newer than this frontier reads" if newer else "not one this frontier reads")
            + f" (it reads {', '.join(map(str, READABLE_VERSIONS))})"
            + ("; update frontier to compare it" if newer else "")
        )
    return v


def data_inventory(points: pl.DataFrame) -> dict[str, Any]:
    """What data a report's points come from: each run (id, attempt, date, points), the dates, models and
    ISL/OSL pairs, sorted. A row without a run id counts under run ``None``."""
    cols = [c for c in ("run_id", "run_attempt", "date") if c in points.columns]
    runs: list[dict[str, Any]] = []
    if cols and points.height:
        grouped = points.group_by(cols).len("points").sort(cols, nulls_last=True)
        for r in grouped.iter_rows(named=True):
            runs.append({k: (str(v) if k == "date" and v is not None else v) for k, v in r.items()})
    dates = sorted({str(d) for d in points["date"].drop_nulls().to_list()}) if "date" in points.columns else []
    models = sorted({str(m) for m in points["model"].drop_nulls().to_list()}) if "model" in points.columns else []
    seqs: list[str] = []
    if {"isl", "osl"} <= set(points.columns):
        pairs = points.select("isl", "osl").unique().drop_nulls().sort("isl", "osl").iter_rows()
        seqs = [f"{i}/{o}" for i, o in pairs]
    return {"runs": runs, "dates": dates, "models": models, "seq_lens": seqs, "points": points.height}


def _keyed_row(row: dict[str, Any]) -> dict[str, Any]:
    if "config_key" in row or not has_config_key_parts(row):
        return row
    out: dict[str, Any] = {}
    for k, v in row.items():
        out[k] = v
        if k in ("label", "config"):
            out["config_key"] = config_key(row)
    out.setdefault("config_key", config_key(row))
    return out


def with_config_keys(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` (a JSON-ready summary, changed in place and returned) with ``config_key`` on every row of its tables
    (:func:`summary_tables`) that holds every curve-key part and no key yet (tables built with a key keep theirs)."""
    for rows in summary_tables(doc).values():
        rows[:] = [_keyed_row(r) for r in rows]
    return doc


#: top-level keys of a summary that hold no result table (a list of row objects)
NOT_TABLES = frozenset({"parameters", "load", "figures", "notes", "headline", "data", "schema_version"})


def summary_tables(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every result table in a summary (a list of row objects, top level or one level down), by dotted path."""
    out: dict[str, list[dict[str, Any]]] = {}
    for k, v in doc.items():
        if k in NOT_TABLES:
            continue
        if isinstance(v, list) and v and all(isinstance(r, dict) for r in v):
            out[k] = v
        elif isinstance(v, dict):
            for k2, v2 in v.items():
                if isinstance(v2, list) and v2 and all(isinstance(r, dict) for r in v2):
                    out[f"{k}.{k2}"] = v2
    return out
