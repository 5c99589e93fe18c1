"""Reader for agg JSON: one benchmark point per ``agg_*.json`` object, or an ``agg_bmk.json`` array of them.

The fields are the raw schema's own; the fast path reads them as NDJSON, the checked path field by field.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from frontier.data.load.raw import RAW_SCHEMA
from frontier.data.load.readers.coerce import python_rows
from frontier.data.load.readers.ndjson import NotFast, fast_lines, join_lines, parse_ndjson

__all__ = ["read_checked", "read_fast"]


def read_fast(data: bytes) -> tuple[str, pl.DataFrame] | None:
    """(format, raw frame) through the NDJSON fast path, or None when the checked path must read the file."""
    fast = fast_lines(data)
    if fast is None:
        return None
    fmt, lines, n = fast
    if n == 0:
        return fmt, pl.DataFrame(schema=RAW_SCHEMA)
    try:
        return fmt, parse_ndjson(join_lines(lines), n)
    except NotFast:
        return None


def read_checked(obj: Any) -> pl.DataFrame:
    """A parsed agg object or array → raw frame, with a reason per bad row."""
    return python_rows(obj if isinstance(obj, list) else [obj], RAW_SCHEMA)
