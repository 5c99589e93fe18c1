"""The checked path shared by the JSON readers: Python objects coerced field by field, a reason per bad row."""
from __future__ import annotations

import math
from typing import Any

import polars as pl

from ..raw import FLT, STR


def coerce(value: Any, dtype: pl.DataType) -> tuple[Any, bool]:
    """Python value → value for ``dtype``; (value, ok). Integers accept 8, 8.0 and "8"; booleans are no number."""
    if value is None:
        return None, True
    if dtype == STR:
        if isinstance(value, bool):
            return ("true" if value else "false"), True
        if isinstance(value, (str, int, float)):
            return str(value), True
        return None, False
    if isinstance(value, bool):
        return None, False
    if dtype == FLT:
        try:
            return float(value), True
        except (TypeError, ValueError):
            return None, False
    try:
        f = float(value)
        if math.isfinite(f) and f == int(f):
            return int(f), True
    except (TypeError, ValueError, OverflowError):
        pass
    return None, False


def _coerce_row(row: dict[str, Any], schema: dict[str, pl.DataType]) -> tuple[dict[str, Any], str | None]:
    out: dict[str, Any] = {}
    bad: list[str] = []
    for k, dtype in schema.items():
        if k in row:
            v, ok = coerce(row[k], dtype)
            out[k] = v
            if not ok:
                bad.append(k)
    return out, (f"bad value for field: {bad[0]}" if bad else None)


def python_rows(objs: list[Any], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Parsed JSON objects → a frame in ``schema`` + ``_skip`` (the first bad field, or not an object)."""
    rows = []
    for obj in objs:
        if not isinstance(obj, dict):
            rows.append({"_skip": "row is not a JSON object"})
            continue
        out, err = _coerce_row(obj, schema)
        if err:
            out["_skip"] = err
        rows.append(out)
    return pl.DataFrame(rows, schema={**schema, "_skip": STR}, strict=False)
