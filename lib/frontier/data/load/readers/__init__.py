"""Readers: one module per artifact format, each turning one file's bytes into the raw table (``..raw``).

``read_one`` picks the reader by content (CSV by name): agg and agg_bmk JSON (``agg``, fast NDJSON path in
``ndjson``), raw benchmark-client JSON (``raw_client``), public API rows (``api``), dashboard CSV exports
(``dashboard_csv``) and early agg rows (``early_agg``). Anything else is skipped with the reason ``detect`` gives.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from frontier.data.load.discovery import Source
from frontier.data.load.limits import MAX_ROWS_PER_FILE, MAX_WHOLE_BYTES, parse_json
from frontier.data.load.raw import to_raw_columns
from frontier.data.load.readers import agg, api, dashboard_csv, early_agg, raw_client
from frontier.data.load.readers.detect import classify, probe_file

__all__ = ["TOO_BIG_WHOLE", "read_one", "too_big_to_read_whole"]

#: the counted reason for a file only a whole-file reader could take that is too large for one
TOO_BIG_WHOLE = "too large to read whole"


def too_big_to_read_whole(size: int, why: str = "") -> str:
    """The shown reason (with the numbers) for such a file; ``why``: what the streamed reader said."""
    return f"{TOO_BIG_WHOLE} ({size:,} bytes, limit {MAX_WHOLE_BYTES:,})" + (
        f"; the streamed reader cannot take it: {why}" if why else ""
    )


def read_one(src: Source, topology: dict[str, Any] | None) -> tuple[str | None, pl.DataFrame | str]:
    """(format, frame in the raw columns) or (format-or-None, skip reason) for one file, read on its own."""
    if len(src.data) > MAX_WHOLE_BYTES:  # a file that grew past the limit after it was listed
        return None, TOO_BIG_WHOLE
    if src.label.lower().endswith(".csv"):
        fmt, parsed = dashboard_csv.read(src.data)
    else:
        fmt, parsed = _read_json(src, topology)
    if isinstance(parsed, str):
        return fmt, parsed
    if fmt == "early_agg":
        parsed = early_agg.fixups(parsed)
    return fmt, to_raw_columns(parsed)


def _read_fast(data: bytes) -> tuple[str, pl.DataFrame] | None:
    """Whole-file readers with an explicit schema (strict): agg / agg_bmk as NDJSON, API rows; None if not."""
    probe = probe_file(data)
    if probe in ("agg", "agg_bmk"):
        return agg.read_fast(data)
    if probe == "api":
        if data.count(b"{") > 2 * MAX_ROWS_PER_FILE:  # a row is two objects (itself and its metrics)
            return None
        df = api.read_fast(data)
        return ("api", df) if df is not None else None
    return None


def _read_json(src: Source, topology: dict[str, Any] | None) -> tuple[str | None, pl.DataFrame | str]:
    """(format, raw frame) or (format-or-None, skip reason)."""
    data = src.data
    if not data[:4096].lstrip():
        return "", "empty file"
    fast = _read_fast(data)
    if fast is not None:
        return fast
    # checked path: Python's parser (accepts NaN/Infinity; nesting bounded; a repeated key keeps its first value,
    # as on the fast path), per-row coercion with reasons
    if len(data) > MAX_WHOLE_BYTES:
        return "", TOO_BIG_WHOLE
    try:
        obj = parse_json(data)
    except ValueError as e:
        return "", str(e)
    fmt = classify(obj)
    if fmt in ("agg", "agg_bmk", "early_agg"):
        return fmt, agg.read_checked(obj)
    if fmt == "api":
        return fmt, api.read_checked(obj)
    if fmt == "raw_client":
        return fmt, raw_client.read(obj, src.label, topology)
    return None, fmt
