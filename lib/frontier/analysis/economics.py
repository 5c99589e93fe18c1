"""Prices, power and cost per token.

- ``$/GPU-hour`` prices come from a dated, sourced GPU table (``data/gpu_costs.csv``: the dashboard's TCO views
  ``costh`` owning at hyperscaler volume, ``costn`` owning as a neocloud giant, ``costr`` 3-year rental) or from a
  user price table (any columns of $/GPU-hour, e.g. ``on_demand``, ``spot``).
- cost per million tokens = $/GPU-hour ÷ (tokens/s/GPU × 3600 / 1e6); total, input and output use the matching
  throughput (on disaggregated configs input/output throughput are per prefill/decode GPU, which flatters them:
  only total-token figures compare like for like).
- tokens per provisioned megawatt = tok/s/GPU × 1000 / all-in kW per GPU.
- A GPU missing from the table has no cost (null, listed in ``unpriced``), never 0.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import polars as pl

from frontier import paths

__all__ = [
    "COST_THROUGHPUT",
    "Pricing",
    "TCO_VIEWS",
    "add_costs",
    "all_gpu_tables",
    "cost_columns",
    "cost_per_million",
    "gpu_table",
    "gross_margin",
    "price_points",
    "read_price_table",
    "throughput_of",
    "tokens_per_mw",
    "unpriced_gpus",
]

#: a number or a polars expression: the unit formulas below serve scalars and whole columns alike
_Num = TypeVar("_Num", float, pl.Expr)

_GPU_COSTS_CSV = paths.PACKAGE_DATA / "gpu_costs.csv"
TCO_VIEWS = ("costh", "costn", "costr")
#: cost column kind → the throughput (tok/s/GPU) column it divides: the one home of this mapping
COST_THROUGHPUT = {"total": "tput_per_gpu", "input": "input_tput_per_gpu", "output": "output_tput_per_gpu"}
#: price-table columns that are not prices ($/GPU-hour)
_NON_PRICE_COLUMNS = ("gpu", "kw", "source", "version", "date", "effective_from", "effective_to")
_SECONDS_PER_HOUR = 3600.0
_TOKENS_PER_MILLION = 1e6

_GPU_TABLE_SCHEMA = {
    "gpu": pl.String,
    "version": pl.String,
    "effective_from": pl.Date,
    "effective_to": pl.Date,
    "kw": pl.Float64,
    "costh": pl.Float64,
    "costn": pl.Float64,
    "costr": pl.Float64,
    "source": pl.String,
}


def cost_per_million(price_per_gpu_hour: _Num, tokens_per_s_per_gpu: _Num) -> _Num:
    """$/M tokens from $/GPU-hour and tok/s/GPU (numbers or polars expressions)."""
    return price_per_gpu_hour / (tokens_per_s_per_gpu * (_SECONDS_PER_HOUR / _TOKENS_PER_MILLION))


def tokens_per_mw(tokens_per_s_per_gpu: _Num, kw_per_gpu: _Num) -> _Num:
    """tok/s per provisioned MW from tok/s/GPU and all-in kW per GPU (numbers or polars expressions)."""
    return tokens_per_s_per_gpu * 1000.0 / kw_per_gpu


def gross_margin(cost: float, price: float) -> float:
    """Gross margin (fraction): 1 − cost/price."""
    return 1.0 - cost / price


def all_gpu_tables() -> pl.DataFrame:
    """Every version of the dashboard GPU table (kW and $/GPU-hour), with dates and sources."""
    return pl.read_csv(_GPU_COSTS_CSV, schema=_GPU_TABLE_SCHEMA)


def _as_of_day(text: str) -> dt.date:
    """The day of an as-of date written ``YYYY-MM-DD`` (a time after it, and spaces around it, ignored)."""
    s = str(text).strip()
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        raise ValueError(f"as-of date {text!r}: expected a date written YYYY-MM-DD, e.g. 2026-01-01") from None


def gpu_table(version: str | None = None, as_of: str | dt.date | None = None) -> pl.DataFrame:
    """One version of the GPU table: ``version`` ("v0"/"v1"/"v2"), the version in force ``as_of`` a date, or the
    newest. Columns: gpu, kw, costh, costn, costr, version, effective_from, source."""
    t = all_gpu_tables()
    if version:
        out = t.filter(pl.col("version") == version)
        if out.height == 0:
            raise ValueError(f"unknown GPU table version {version!r}; known: {sorted(set(t['version']))}")
        return out
    if as_of is not None:
        day = as_of if isinstance(as_of, dt.date) else _as_of_day(as_of)
        out = t.filter(
            (pl.col("effective_from") <= day) & (pl.col("effective_to").is_null() | (pl.col("effective_to") >= day))
        )
        if out.height == 0:
            raise ValueError(f"no GPU table in force on {day}")
        return out
    newest = t["effective_from"].max()
    return t.filter(pl.col("effective_from") == newest)


def _price_table_rows(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a price table CSV; ValueError naming the file when it is a folder, unreadable, not UTF-8,
    has no header, a column without a name or twice, or a row with more or fewer fields than the header."""
    p = Path(path)
    if not p.exists():
        raise ValueError(f"{path}: the price table does not exist")
    if p.is_dir():
        raise ValueError(f"{path}: is a folder; a price table is a CSV file such as gpu,on_demand,spot")
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise ValueError(f"{path}: cannot be read ({e.strerror or e})") from None
    if not raw.strip():
        raise ValueError(f"{path}: the price table is empty; expected a CSV with a header such as gpu,costh")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not UTF-8 text (byte {e.start}); save the price table as UTF-8 CSV") from None
    if "\x00" in text:
        raise ValueError(f"{path}: not a text file (it holds NUL bytes); a price table is a CSV file")
    records = []
    reader = csv.reader(io.StringIO(text))
    for rec in reader:
        if not any(f.strip() for f in rec) or rec[0].lstrip().startswith("#"):
            continue  # blank lines and # comments
        records.append((reader.line_num, [f.strip() for f in rec]))
    if not records:
        raise ValueError(f"{path}: no header line; expected a CSV with a header such as gpu,costh")
    header = records[0][1]
    if "" in header:
        raise ValueError(f"{path}: column {header.index('') + 1} of the header has no name")
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise ValueError(f"{path}: column(s) {twice} appear more than once in the header; give each column once")
    for line, rec in records[1:]:
        if len(rec) != len(header):
            raise ValueError(
                f"{path}: line {line} has {len(rec)} field(s), the header has {len(header)} ({','.join(header)})"
            )
    return header, [rec for _, rec in records[1:]]


def read_price_table(path: str | Path) -> pl.DataFrame:
    """A user price table CSV (UTF-8): a ``gpu`` column and one or more $/GPU-hour columns (e.g. ``on_demand``,
    ``spot``), each named once; optional ``kw`` (all-in kW per GPU) and ``source``. Lines starting with ``#`` are
    comments; an empty cell is a GPU without that price. Every problem is a ValueError naming the file."""
    header, rows = _price_table_rows(path)
    if "gpu" not in header:
        raise ValueError(f"{path}: a price table needs a 'gpu' column (found {header})")
    if not [c for c in header if c not in _NON_PRICE_COLUMNS]:
        raise ValueError(f"{path}: no price column; add one or more $/GPU-hour columns, e.g. gpu,on_demand,spot")
    df = pl.DataFrame(
        {c: [r[i] or None for r in rows] for i, c in enumerate(header)}, schema=dict.fromkeys(header, pl.String)
    )
    out = df.with_columns(pl.col("gpu").str.strip_chars().str.to_lowercase())
    numeric = [c for c in out.columns if c not in ("gpu", "source", "version", "date", "effective_from")]
    bad, not_positive = [], []
    for c in numeric:
        cast = out[c].str.strip_chars().cast(pl.Float64, strict=False)
        if (cast.is_null() & out[c].is_not_null() & (out[c].str.strip_chars() != "")).any():
            bad.append(c)
        elif (cast.is_not_null() & ~(cast.is_finite() & (cast > 0))).any():
            not_positive.append(c)
        out = out.with_columns(cast.alias(c))
    if bad:
        raise ValueError(f"{path}: non-numeric values in price column(s) {bad}")
    if not_positive:
        raise ValueError(
            f"{path}: prices and kW must be positive finite numbers; column(s) {not_positive} are not "
            "(leave a cell empty for a GPU without a price)"
        )
    return out


def _table_label(t: pl.DataFrame) -> str:
    """``"dashboard GPU table v0 (in force 2025-01-01 to 2026-07-13)"``: which table, and when it applied."""
    version = str(t["version"][0])
    start, end = str(t["effective_from"].min()), str(t["effective_to"].max())
    until = f"to {end}" if t["effective_to"].null_count() == 0 else "onwards, newest"
    return f"dashboard GPU table {version} (in force {start} {until})"


@dataclass
class Pricing:
    """What to price with: a table (gpu, kw, <view columns> in $/GPU-hour) and the views (columns) to use.

    label: which table priced the numbers (and its version and dates); power: where kW per GPU came from."""

    table: pl.DataFrame
    views: tuple[str, ...]
    label: str
    power: str = ""

    @property
    def description(self) -> str:
        """Prices and power in one sentence, for tables and command output."""
        return f"prices: {self.label}; power (kW/GPU): {self.power or self.label}"

    @classmethod
    def dashboard(
        cls, version: str | None = None, as_of: str | dt.date | None = None, views: Iterable[str] = TCO_VIEWS
    ) -> Pricing:
        """A dashboard GPU table: ``version``, or the one in force ``as_of`` a date, or the newest."""
        t = gpu_table(version, as_of)
        views = tuple(v for v in views if t[v].is_not_null().any())  # costn was dropped in v2
        label = _table_label(t)
        return cls(t, views, label, power=f"kW column of the same table ({t['version'][0]})")

    @classmethod
    def from_table(
        cls,
        table: pl.DataFrame | str | Path,
        views: Iterable[str] | None = None,
        power: pl.DataFrame | None = None,
        label: str | None = None,
        *,
        version: str | None = None,
        as_of: str | dt.date | None = None,
    ) -> Pricing:
        """A user price table. Its own ``kw`` column gives power where filled; other GPUs take kW from ``power``
        (gpu, kw) or else from the dashboard GPU table in use (``version`` / ``as_of``; default the newest),
        and ``Pricing.power`` says which."""
        t = read_price_table(table) if isinstance(table, (str, Path)) else table
        label = label or (str(table) if isinstance(table, (str, Path)) else "user price table")
        if "date" in t.columns and t["date"].drop_nulls().len():
            dates = sorted(set(t["date"].drop_nulls().cast(pl.String).to_list()))
            label += f" (dated {dates[0]}" + (f" to {dates[-1]})" if len(dates) > 1 else ")")
        all_views = [c for c in t.columns if c not in _NON_PRICE_COLUMNS]
        views = list(views) if views is not None else all_views
        unknown = [v for v in views if v not in all_views]
        if unknown:
            raise ValueError(f"{label}: no price column {unknown}; its price columns: {all_views}")
        if power is not None:
            pw, pw_label = power.select("gpu", pl.col("kw").cast(pl.Float64)), "the power table given"
        else:
            g = gpu_table(version, as_of)
            pw, pw_label = g.select("gpu", "kw"), _table_label(g)
        own = "kw" in t.columns and t["kw"].is_not_null().any()
        if own and t["kw"].null_count() == 0:
            t, power_text = t.with_columns(pl.col("kw").cast(pl.Float64)), f"kw column of {label}"
        elif own:
            t = (
                t.join(pw.rename({"kw": "_kw"}), on="gpu", how="left")
                .with_columns(pl.col("kw").cast(pl.Float64).fill_null(pl.col("_kw")))
                .drop("_kw")
            )
            power_text = f"kw column of {label} where given, else {pw_label}"
        else:
            t, power_text = t.drop("kw", strict=False).join(pw, on="gpu", how="left"), pw_label
        return cls(t, tuple(views), label, power=power_text)


def add_costs(points: pl.DataFrame, pricing: Pricing | None = None) -> tuple[pl.DataFrame, list[str]]:
    """Add $/M-token and tok/s/MW columns to points; returns (points, GPUs with no price).

    New columns, per view ``v``: ``price_v`` ($/GPU-hour), ``cost_total_v``, ``cost_input_v``, ``cost_output_v``
    ($/M tokens); plus ``kw_per_gpu`` and ``tok_s_mw`` (tok/s per provisioned MW). Unknown GPUs get nulls.
    Prices are looked up per row (no join), so the existing columns are not copied.
    """
    pricing = pricing or Pricing.dashboard()
    return price_points(points, pricing), unpriced_gpus(points["hardware"], pricing)


def price_points(points: pl.DataFrame, pricing: Pricing) -> pl.DataFrame:
    """The columns of ``add_costs`` added to ``points``, without the list of unpriced GPUs."""
    t = _price_lookup(pricing)
    keys = t["gpu"]
    lookups = [
        pl.col("hardware").replace_strict(keys, t[src], default=None, return_dtype=pl.Float64).alias(dst)
        for src, dst in [("kw", "kw_per_gpu"), *[(v, f"price_{v}") for v in pricing.views]]
    ]
    out = points.with_columns(lookups)
    cols = [tokens_per_mw(pl.col("tput_per_gpu"), pl.col("kw_per_gpu")).alias("tok_s_mw")]
    for v in pricing.views:
        price = pl.col(f"price_{v}")
        cols += [
            cost_per_million(price, pl.col(thr)).alias(f"cost_{kind}_{v}") for kind, thr in COST_THROUGHPUT.items()
        ]
    return out.with_columns(cols)


def unpriced_gpus(hardware: pl.Series, pricing: Pricing) -> list[str]:
    """The GPUs in ``hardware`` that the pricing has no price for (in its first view), sorted."""
    t = _price_lookup(pricing)
    seen = hardware.drop_nulls().unique()
    if pricing.views:
        priced = t.filter(pl.col(pricing.views[0]).is_not_null())["gpu"]
        seen = seen.filter(~seen.is_in(priced.implode()))
    return sorted(seen.to_list())


def _price_lookup(pricing: Pricing) -> pl.DataFrame:
    """gpu, kw and the view columns as Float64, one row per GPU (a GPU listed twice is an error)."""
    t = pricing.table.select(["gpu", "kw", *pricing.views])
    dup = t.filter(pl.col("gpu").is_duplicated())["gpu"].unique().sort().to_list()
    if dup:
        raise ValueError(f"{pricing.label}: GPU(s) listed more than once: {dup}")
    return t.with_columns(pl.col(c).cast(pl.Float64) for c in ["kw", *pricing.views])


def cost_columns(views: Iterable[str]) -> dict[str, str]:
    """Cost column → the throughput column it is the reciprocal of (``COST_THROUGHPUT``)."""
    return {f"cost_{kind}_{v}": thr for v in views for kind, thr in COST_THROUGHPUT.items()}


def throughput_of(cost_column: str) -> str | None:
    """The throughput column a ``cost_<kind>_<view>`` column divides (None for other columns)."""
    for kind, thr in COST_THROUGHPUT.items():
        if cost_column.startswith(f"cost_{kind}_"):
            return thr
    return None
