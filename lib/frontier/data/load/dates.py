"""The loader's one rule for dates and timestamps (row dates and ``run.json`` sidecars alike).

Accepted: ``YYYY-MM-DD``, optionally followed by ``T`` or a space and ``hh:mm[:ss[.fraction]]`` with an optional
``Z`` or ``±hh[:]mm`` offset; leading and trailing spaces are ignored and an empty value is no date. The date must
exist (2026-02-30 does not), the year be 2000 or later, the time within 00:00:00–23:59:59 and the offset within
±14:00. Anything else is an impossible date: a row holding one is skipped with ``INVALID_DATE``, a sidecar holding
one is not used. Only the day is kept (the date as written, not converted to UTC).

A date later than the load day (UTC) plus ``FUTURE_GRACE_DAYS`` is "after the load date": the row is loaded
without its date (so it cannot win "keep newest" on a date that has not happened) and flagged in the load report.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

__all__ = [
    "DATE_PATTERN",
    "FUTURE_DATE",
    "FUTURE_GRACE_DAYS",
    "INVALID_DATE",
    "MIN_YEAR",
    "date_problem",
    "future_after",
    "latest_date",
    "with_dates",
]

#: year, month, day, then optionally hour, minute, second, and an offset sign, hours, minutes
DATE_PATTERN = (
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):?(\d{2}))?)?$"
)
_DATE_RE = re.compile(DATE_PATTERN)
MIN_YEAR = 2000
_MAX_OFFSET_MIN = 14 * 60
#: days after the load day (UTC) a date may lie before it counts as after the load date (time zones ahead of UTC)
FUTURE_GRACE_DAYS = 1
INVALID_DATE = (
    "impossible or unreadable date (expected YYYY-MM-DD[Thh:mm[:ss]][Z|±hh:mm], a real day and time, year ≥ 2000)"
)
FUTURE_DATE = "date after the load date: loaded without its date"


def latest_date(today: dt.date | None = None) -> dt.date:
    """The latest date a load accepts as a row's date: the load day (UTC) plus ``FUTURE_GRACE_DAYS``."""
    today = today or dt.datetime.now(dt.UTC).date()
    return today + dt.timedelta(days=FUTURE_GRACE_DAYS)


def future_after(latest: dt.date) -> str:
    """The flag text for rows dated after ``latest`` (names the date, so a cached report stays exact)."""
    return f"{FUTURE_DATE} (later than {latest.isoformat()})"


def date_problem(text: str) -> str | None:
    """None when ``text`` is a valid date or timestamp under the rule above, else ``INVALID_DATE``."""
    m = _DATE_RE.match(text.strip())
    if m is None:
        return INVALID_DATE
    y, mo, d, hh, mm, ss, sign, oh, om = m.groups()
    try:
        dt.date(int(y), int(mo), int(d))
    except ValueError:
        return INVALID_DATE
    ok = int(y) >= MIN_YEAR
    if hh is not None:
        ok = ok and int(hh) <= 23 and int(mm) <= 59 and (ss is None or int(ss) <= 59)
    if sign is not None:
        ok = ok and int(om) <= 59 and int(oh) * 60 + int(om) <= _MAX_OFFSET_MIN
    return None if ok else INVALID_DATE


_PARTS = ("__dt_y", "__dt_mo", "__dt_d", "__dt_hh", "__dt_mi", "__dt_ss", "__dt_sign", "__dt_oh", "__dt_om")


def with_dates(df: pl.DataFrame, text: pl.Expr, day: str, invalid: str) -> pl.DataFrame:
    """``df`` with column ``day`` (Date) and ``invalid`` (Boolean) from the string expression ``text`` under the
    rule above: null or blank text gives a null day and no flag; an impossible date a null day and the flag.
    Vectorised in stages, so the text is parsed once (the same rule as ``date_problem``)."""
    s = text.str.strip_chars()
    df = df.with_columns(pl.when(s != "").then(s).alias("__dt_text"))
    df = df.with_columns(
        pl.col("__dt_text").str.extract_groups(DATE_PATTERN).struct.rename_fields(list(_PARTS)).alias("__dt_parts"),
        pl.col("__dt_text").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).alias("__dt_day"),
    ).unnest("__dt_parts")
    df = df.with_columns(*(pl.col(c).cast(pl.Int32, strict=False) for c in _PARTS if c != "__dt_sign"))
    y, hh, mi, ss, oh, om = (pl.col(f"__dt_{c}") for c in ("y", "hh", "mi", "ss", "oh", "om"))
    ok = y.is_not_null() & pl.col("__dt_day").is_not_null() & (y >= MIN_YEAR)
    ok = ok & (hh.is_null() | ((hh <= 23) & (mi <= 59) & (ss.fill_null(0) <= 59)))
    ok = ok & (pl.col("__dt_sign").is_null() | ((om <= 59) & (oh * 60 + om <= _MAX_OFFSET_MIN)))
    df = df.with_columns((pl.col("__dt_text").is_not_null() & ~ok.fill_null(False)).alias(invalid))
    df = df.with_columns(pl.when(pl.col(invalid)).then(None).otherwise(pl.col("__dt_day")).alias(day))
    return df.drop("__dt_text", "__dt_day", *_PARTS)
