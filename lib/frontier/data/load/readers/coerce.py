"""The checked path shared by the JSON readers: Python objects coerced field by field, a reason per bad row."""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from frontier.data.load.limits import INT64_MAX, INT64_MIN, valid_text
from frontier.data.load.raw import FLT, STR

__all__ = ["coerce", "coerce_why", "python_rows"]


def coerce(value: Any, dtype: pl.DataType) -> tuple[Any, bool]:
    """Python value → value for ``dtype``; (value, ok). Integers accept 8, 8.0 and "8"; booleans are no number.
    Values that do not fit (integers beyond 64 bits, floats beyond the double range, text with lone surrogates)
    are not ok: never nulled or truncated."""
    v, ok, _ = coerce_why(value, dtype)
    return v, ok


def coerce_why(value: Any, dtype: pl.DataType) -> tuple[Any, bool, str]:
    """(value, ok, what is wrong when not ok: "bad value", "value out of range" or "invalid Unicode")."""
    if value is None:
        return None, True, ""
    if dtype == STR:
        if isinstance(value, bool):
            return ("true" if value else "false"), True, ""
        if isinstance(value, str):
            return (value, True, "") if valid_text(value) else (None, False, "invalid Unicode (lone surrogate)")
        if isinstance(value, (int, float)):
            return str(value), True, ""
        return None, False, "bad value"
    if isinstance(value, bool):
        return None, False, "bad value"
    if dtype == FLT:
        try:
            return float(value), True, ""
        except OverflowError:
            return None, False, "value out of range"
        except (TypeError, ValueError):
            return None, False, "bad value"
    if type(value) is int:
        return (value, True, "") if INT64_MIN <= value <= INT64_MAX else (None, False, "value out of range")
    try:
        f = float(value)
    except OverflowError:
        return None, False, "value out of range"
    except (TypeError, ValueError):
        return None, False, "bad value"
    if not math.isfinite(f) or f != int(f):
        return None, False, "bad value"
    if not INT64_MIN <= int(f) <= INT64_MAX:
        return None, False, "value out of range"
    return int(f), True, ""


def _coerce_row(row: dict[str, Any], schema: dict[str, pl.DataType]) -> tuple[dict[str, Any], str | None]:
    out: dict[str, Any] = {}
    first_bad: str | None = None
    for k, dtype in schema.items():
        if k in row:
            v, ok, why = coerce_why(row[k], dtype)
            out[k] = v
            if not ok and first_bad is None:
                first_bad = f"{why} for field: {k}"
    return out, first_bad


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
