"""Words for configs, prices and data: the one home of label rules, view names and the synthetic marker.

- one spelling of a config per audience: tables (:func:`config_label_expr`: the config's parts as stored,
  ``b200 · sglang · fp4 · no spec · agg``, the same in every table of a report), chart legends
  (:func:`series_labels`: the parts that vary, in display words, ``B200 · SGLang · FP4 · MTP``) with what is held
  constant across the series (:func:`held_constant`) for the subtitle, and joins (:func:`config_key`: every
  curve-key part, stable whatever else a table holds, ``DeepSeek-R1-0528|1024|1024|b200|sglang|fp4|mtp|agg``);
- pair labels (:func:`pair_label`: shared parts, then ``A → B`` for the part that differs);
- TCO view words (:data:`VIEW_WORDS`) and the price basis of a figure (:func:`price_line`);
- the synthetic marker (:data:`SYNTHETIC_SUFFIX` on model names, :data:`SYNTHETIC_NOTE` on figures) and the data
  source of the points drawn (:func:`data_line`), for the source line under every exported figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Mapping, Sequence
from typing import Any

import polars as pl

from frontier import __version__
from frontier.data.load.normalise import SYNTHETIC_SUFFIX
from frontier.data.schema import CURVE_KEY

__all__ = [
    "SYNTHETIC_SUFFIX",
    "SYNTHETIC_NOTE",
    "LABEL_PARTS",
    "VIEW_WORDS",
    "COLUMN_TITLES",
    "CONFIG_PARTS",
    "KEY_PARTS",
    "config_label_expr",
    "config_key",
    "config_key_expr",
    "config_key_columns",
    "config_key_words",
    "has_config_key_parts",
    "is_join_column",
    "parse_config_key",
    "workload_text",
    "full_config_name",
    "base_model",
    "base_model_expr",
    "value_words",
    "series_labels",
    "held_constant",
    "pair_label",
    "without_shared_parts",
    "view_words",
    "side_words",
    "price_view_words",
    "price_line",
    "price_views_line",
    "NO_DATES",
    "data_line",
    "build_line",
    "source_lines",
    "column_title",
]

#: on every figure drawn from generated data (the bundled sample), in its subtitle and source line
SYNTHETIC_NOTE = "Synthetic data: generated sample, not measurements"

#: table words for no speculative decoding and for the serving mode
NO_SPEC_SHORT = "no spec"
SERVING_SHORT = {True: "disagg", False: "agg"}

#: curve-key columns a config label may name, in the order they are named
LABEL_PARTS = CURVE_KEY
#: the parts of a label that name the config within its scope (model and ISL/OSL are the scope)
CONFIG_PARTS = ("hardware", "framework", "precision", "spec_method", "disagg")
#: a config key's parts, in order, its separator and the mark of a part the config was grouped without
KEY_PARTS = CURVE_KEY
KEY_SEP = "|"
KEY_ANY = "*"

#: dashboard TCO views in plain words ($/GPU-hour basis)
VIEW_WORDS: dict[str, str] = {
    "costh": "owning at hyperscaler volume",
    "costn": "owning as a neocloud giant",
    "costr": "renting on a 3-year commit",
}

#: engines as their projects spell them
FRAMEWORK_WORDS: dict[str, str] = {
    "sglang": "SGLang",
    "vllm": "vLLM",
    "trt": "TensorRT-LLM",
    "dynamo-trt": "Dynamo TRT-LLM",
    "dynamo-sglang": "Dynamo SGLang",
    "dynamo-vllm": "Dynamo vLLM",
    "mori-sglang": "MoRI SGLang",
    "atom": "ATOM",
}

#: column names → titles for axes and tooltips (units in brackets)
COLUMN_TITLES: dict[str, str] = {
    "median_intvty": "Interactivity (tok/s/user)",
    "tput_per_gpu": "Throughput (tok/s/GPU)",
    "output_tput_per_gpu": "Output throughput (tok/s/GPU)",
    "input_tput_per_gpu": "Input throughput (tok/s/GPU)",
    "cost_per_m_total": "Cost ($/M tokens)",
    "conc": "Concurrency (users)",
    "topology": "Topology",
    "ratio": "Ratio (×)",
    "tput_ratio_b_over_a": "Throughput ratio (×)",
    "tok_s_mw": "Tokens per MW (tok/s/MW)",
}


def column_title(name: str) -> str:
    """A human title for a column name (the name itself when none is known)."""
    return COLUMN_TITLES.get(name, name)


# --------------------------------------------------------------------------------------------- config labels
def config_label_expr(configs: pl.DataFrame, parts: Sequence[str] = LABEL_PARTS, *, every: bool = False) -> pl.Expr:
    """A config's name in tables, values as stored (``b200 · sglang · fp4 · no spec · agg``): every config part
    (:data:`CONFIG_PARTS`) among ``parts`` the frame has, so a config reads the same in every table of a report;
    the scope parts (model, ISL/OSL) only where they vary across ``configs`` (the title names a single scope), or
    always with ``every`` (one config named on its own, e.g. in a note). Joins use :func:`config_key_expr`."""
    present = [c for c in parts if c in configs.columns]
    named = [c for c in present if c in CONFIG_PARTS or every or configs[c].n_unique() > 1]
    seq = None
    if "isl" in named or "osl" in named:
        named = [c for c in named if c not in ("isl", "osl")]
        seq = pl.format("{}/{}", pl.col("isl"), pl.col("osl"))
    pieces: list[pl.Expr] = []
    for c in named:
        if c == "disagg":
            pieces.append(
                pl.when(pl.col("disagg")).then(pl.lit(SERVING_SHORT[True])).otherwise(pl.lit(SERVING_SHORT[False]))
            )
        elif c == "spec_method":
            pieces.append(pl.when(pl.col(c) == "none").then(pl.lit(NO_SPEC_SHORT)).otherwise(pl.col(c)))
        else:
            pieces.append(pl.col(c).cast(pl.String))
    if seq is not None and "model" in named:  # the workload as one part, as full_config_name writes it
        pieces[0] = pl.concat_str([pieces[0], seq], separator=" ")
    elif seq is not None:
        pieces.insert(0, seq)
    if not pieces:  # grouped by columns a label does not usually name: use them as they are
        pieces = [pl.col(c).cast(pl.String) for c in (present or configs.columns)]
    if not pieces:  # no grouping: one frontier over every point
        return pl.lit("all points", dtype=pl.String)
    return pl.concat_str(pieces, separator=" · ")


# ----------------------------------------------------------------------------------------------- config keys
def _key_text(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).str.replace_all("%", "%25", literal=True).str.replace_all("|", "%7C", literal=True)


def config_key_expr(columns: Sequence[str], suffix: str = "") -> pl.Expr:
    """A config's stable key for joins (``DeepSeek-R1-0528|1024|1024|b200|sglang|fp4|mtp|agg``): every curve-key
    part in :data:`KEY_PARTS` order, values as stored, ``*`` for a part the frame does not have (a config grouped
    without it), an empty field for a missing value; ``%`` and ``|`` in values are written ``%25`` and ``%7C``.
    Unlike a label it does not depend on which other configs a table holds. ``suffix``: read ``hardware_a`` …"""
    fields: list[pl.Expr] = []
    for c in KEY_PARTS:
        name = f"{c}{suffix}"
        if name not in columns:
            fields.append(pl.lit(KEY_ANY))
        elif c == "disagg":
            fields.append(
                pl.when(pl.col(name)).then(pl.lit("disagg")).when(pl.col(name).is_not_null()).then(pl.lit("agg"))
            )
        else:
            fields.append(_key_text(pl.col(name)))
    return pl.concat_str([f.fill_null("") for f in fields], separator=KEY_SEP)


def config_key(row: Mapping[str, Any], suffix: str = "") -> str:
    """:func:`config_key_expr` for one row (a mapping of curve-key fields)."""
    out: list[str] = []
    for c in KEY_PARTS:
        name = f"{c}{suffix}"
        if name not in row:
            out.append(KEY_ANY)
        elif row[name] is None:
            out.append("")
        elif c == "disagg":
            out.append("disagg" if row[name] else "agg")
        else:
            out.append(str(row[name]).replace("%", "%25").replace("|", "%7C"))
    return KEY_SEP.join(out)


def is_join_column(name: str) -> bool:
    """Whether a column holds config keys (``config_key``, ``config_key_a`` …): JSON carries it, tables for people
    do not show it."""
    return name == "config_key" or name.startswith("config_key_") or name == "best_config_key"


def config_key_columns(frame: pl.DataFrame, suffix: str = "") -> list[pl.Expr]:
    """``config_key`` (``config_key<suffix>``) for a view built from ``frame``: the frame's own key column, else
    one made from its curve-key parts when it has them all; none when it has neither (a group, not a config)."""
    name = f"config_key{suffix}"
    if name in frame.columns:
        return [pl.col(name)]
    if has_config_key_parts(frame.columns, suffix):
        return [config_key_expr(frame.columns, suffix).alias(name)]
    return []


def has_config_key_parts(names: Container[str], suffix: str = "") -> bool:
    """Whether ``names`` (a row's fields or a frame's columns) hold every curve-key part, so :func:`config_key`
    names one config, not a group."""
    return all(f"{c}{suffix}" in names for c in KEY_PARTS)


def parse_config_key(key: str) -> dict[str, str] | None:
    """The parts of a config key (``*`` parts left out), or None when ``key`` is not one."""
    fields = key.split(KEY_SEP)
    if len(fields) != len(KEY_PARTS):
        return None
    return {c: v.replace("%7C", "|").replace("%25", "%") for c, v in zip(KEY_PARTS, fields) if v != KEY_ANY}


def config_key_words(key: str) -> str:
    """A config key in table words, every part named (``DeepSeek-R1-0528 1024/1024 · b200 · sglang · fp4 · mtp ·
    agg``): how a digest names a config across builds. A string that is not a key is returned as it is."""
    parts = parse_config_key(key)
    if parts is None:
        return key
    head = " ".join(x for x in (parts.get("model"), _seq_text(parts)) if x)
    rest = [parts[c] for c in ("hardware", "framework", "precision") if parts.get(c)]
    if parts.get("spec_method"):
        rest.append(NO_SPEC_SHORT if parts["spec_method"] == "none" else parts["spec_method"])
    if parts.get("disagg"):
        rest.append(parts["disagg"])
    return " · ".join(x for x in (head, *rest) if x)


def _seq_text(parts: Mapping[str, str]) -> str:
    isl, osl = parts.get("isl"), parts.get("osl")
    return f"{isl}/{osl}" if isl and osl else ""


def workload_text(row: Mapping[str, Any]) -> str:
    """``"Kimi-K2.5 1024/1024"``: the model and ISL/OSL a comparison holds fixed."""
    return f"{row['model']} {row['isl']}/{row['osl']}"


def full_config_name(row: Mapping[str, Any]) -> str:
    """Every field of a config, in table words: ``"DeepSeek-R1-0528 1024/1024 · h200 · dynamo-trt · fp8 · mtp ·
    disagg"`` (the words of its :func:`config_key`)."""
    return config_key_words(config_key(row))


def base_model(name: str) -> str:
    """A model display name without the synthetic suffix."""
    return name[: -len(SYNTHETIC_SUFFIX)] if name.endswith(SYNTHETIC_SUFFIX) else name


def base_model_expr(col: str = "model") -> pl.Expr:
    """``base_model`` as a polars expression."""
    return pl.col(col).str.strip_suffix(SYNTHETIC_SUFFIX)


def _seq_words(n: Any) -> str:
    """Sequence length in tokens as posts write it: 1024 → 1k, 8192 → 8k, other values as numbers."""
    if n is None:
        return "?"
    n = int(n)
    return f"{n // 1024}k" if n >= 1024 and n % 1024 == 0 else str(n)


def value_words(column: str, value: Any) -> str:
    """One curve-key value in display words (``b200`` → B200, ``fp4`` → FP4, ``none`` spec → no spec decoding)."""
    if value is None:
        return "—"
    if column == "model":
        return base_model(str(value))
    if column in ("hardware", "precision"):
        return str(value).upper()
    if column == "framework":
        return FRAMEWORK_WORDS.get(str(value), str(value))
    if column == "spec_method":
        return "no spec decoding" if value == "none" else str(value).upper()
    if column == "disagg":
        return "disaggregated" if value else "aggregated"
    if column in ("isl", "osl"):
        return _seq_words(value)
    return str(value)


def _key_columns(df: pl.DataFrame, parts: Sequence[str]) -> list[str]:
    return [c for c in parts if c in df.columns]


def _words_of_row(row: Mapping[str, Any], cols: Sequence[str], *, prefix_seq: bool) -> list[str]:
    out: list[str] = []
    for c in cols:
        if c == "osl" and "isl" in cols:
            continue
        if c == "isl" and "osl" in cols:
            seq = f"{value_words('isl', row['isl'])}/{value_words('osl', row['osl'])}"
            out.append(f"ISL/OSL {seq}" if prefix_seq else seq)
        else:
            out.append(value_words(c, row[c]))
    return out


def series_labels(df: pl.DataFrame, parts: Sequence[str] = LABEL_PARTS, *, sep: str = " · ") -> pl.Series:
    """A legend label per row of ``df``: the ``parts`` that vary across its rows, in display words.

    Constant parts are left out (they belong in the subtitle, see :func:`held_constant`); with no varying part the
    label is the hardware, engine and precision."""
    cols = _key_columns(df, parts)
    varying = [c for c in cols if df[c].n_unique() > 1]
    if "isl" in varying or "osl" in varying:
        varying = [c for c in cols if c in varying or c in ("isl", "osl")]
    if not varying:
        varying = [c for c in ("hardware", "framework", "precision") if c in cols] or cols[:1]
    if not varying:
        return pl.Series("series", ["all points"] * df.height, dtype=pl.String)
    keys = df.select(varying)
    words = {
        row: sep.join(_words_of_row(dict(zip(varying, row)), varying, prefix_seq=False))
        for row in keys.unique().iter_rows()
    }
    return pl.Series("series", [words[row] for row in keys.iter_rows()], dtype=pl.String)


def held_constant(df: pl.DataFrame, parts: Sequence[str] = LABEL_PARTS, *, sep: str = " · ") -> str:
    """The ``parts`` that have one value across ``df`` in display words (``DeepSeek-R1-0528 · ISL/OSL 1k/1k``)."""
    cols = [c for c in _key_columns(df, parts) if df[c].n_unique() == 1 and df.height]
    if ("isl" in cols) != ("osl" in cols):
        cols = [c for c in cols if c not in ("isl", "osl")]
    if not cols:
        return ""
    return sep.join(_words_of_row(df.row(0, named=True), cols, prefix_seq=True))


def pair_label(a: str, b: str, sep: str = " · ") -> str:
    """Two labels as one, each part that differs written "A → B" in its place:
    ("B200 · FP4 · no spec decoding", "B200 · FP4 · MTP") → "B200 · FP4 · no spec decoding → MTP";
    ("mi300x · sglang · fp8", "mi355x · sglang · fp8") → "mi300x → mi355x · sglang · fp8"."""
    pa, pb = a.split(sep), b.split(sep)
    if len(pa) != len(pb):
        return f"{a} → {b}"
    return sep.join(x if x == y else f"{x} → {y}" for x, y in zip(pa, pb))


def without_shared_parts(names: Sequence[str], sep: str = " · ") -> dict[str, str]:
    """Each name without the ``sep``-separated parts every name shares (they belong in the subtitle):
    {"B200 · FP4 · no spec decoding", "H200 · FP8 · no spec decoding"} → {…: "B200 · FP4", …: "H200 · FP8"}.
    Names are kept whole when they share nothing, or when fewer than two are given."""
    uniq = list(dict.fromkeys(names))
    split = [n.split(sep) for n in uniq]
    if len(uniq) < 2:
        return {n: n for n in uniq}
    if len({len(p) for p in split}) == 1:  # same shape: drop the positions where every name agrees
        keep = [i for i in range(len(split[0])) if len({p[i] for p in split}) > 1]
        short = [sep.join(p[i] for i in keep) for p in split]
    else:  # different shapes: drop the parts found in every name
        shared = set(split[0]).intersection(*split[1:])
        short = [sep.join(x for x in p if x not in shared) for p in split]
    if any(not t for t in short) or len(set(short)) != len(uniq):
        return {n: n for n in uniq}
    return dict(zip(uniq, short))


# ---------------------------------------------------------------------------------------------- source lines
def view_words(view: str) -> str:
    """A pricing view in plain words: a dashboard TCO view's meaning, else a price-table column's name."""
    return VIEW_WORDS.get(view, view.replace("_", " "))


#: the curve-key column each part of a side name (``b200/fp4/sglang/mtp``) names, in order
SIDE_PARTS = ("hardware", "precision", "framework", "spec_method")


def side_words(name: str) -> str:
    """A side name in display words: ``b200/fp4`` → ``B200 FP4``, ``h200/fp8/sglang/mtp`` → ``H200 FP8 SGLang MTP``."""
    parts = [p for p in str(name).split("/") if p]
    return " ".join(value_words(c, p) for c, p in zip(SIDE_PARTS, parts)) or str(name)


def price_view_words(view: str, table: str, as_of: str | None, prices: Mapping[str, float | None]) -> str:
    """One price view in words with its $/GPU-hour per side: ``owning at hyperscaler volume (dashboard GPU table
    v2, as of 2026-09-01): B200 FP4 $1.73, H100 FP8 $1.17 per GPU-hour``."""
    when = f", as of {as_of}" if as_of and as_of not in table else ("" if as_of else ", undated")
    each = ", ".join(f"{k} {_money(float(v))}" if v is not None else f"{k} no price" for k, v in prices.items())
    return f"{view_words(view)} ({table}{when}): {each} per GPU-hour"


def _money(x: float) -> str:
    return f"${x:,.2f}" if x >= 0.1 else f"${x:.3g}"


def price_line(pricing: Any, view: str, gpus: Sequence[str] = ()) -> str:
    """Where the $/GPU-hour of a figure come from, in words, with the price of each GPU drawn:
    ``Prices: dashboard GPU table v2 (Sep 2026), owning at hyperscaler volume: B200 $1.73 / H200 $1.22 per
    GPU-hour``. ``pricing``: an ``economics.Pricing``."""
    t = pricing.table
    when = ""
    if "effective_from" in t.columns and t["effective_from"].drop_nulls().len():
        start = t["effective_from"].drop_nulls().min()
        if isinstance(start, dt.date) and str(start) not in pricing.label:  # the label may date itself
            when = f" (from {start:%b %Y})"
    head = f"Prices: {pricing.label}{when}, {view_words(view)}"
    prices = []
    if view in t.columns:
        lookup = dict(zip(t["gpu"].to_list(), t[view].to_list()))
        for g in sorted(dict.fromkeys(gpus)):
            p = lookup.get(g)
            prices.append(f"{g.upper()} {_money(float(p))}" if p is not None else f"{g.upper()} no price")
    return f"{head}: {' / '.join(prices)} per GPU-hour" if prices else f"{head} ($ per GPU-hour)"


def price_views_line(view_labels: Sequence[str]) -> str:
    """``Prices: <view>; <view>`` for a figure that draws several price views, each named by its own label."""
    return "Prices: " + "; ".join(dict.fromkeys(str(v) for v in view_labels))


_FORMAT_WORDS = {
    "agg": "per-point results",
    "agg_bmk": "sweep results",
    "raw_client": "benchmark-client results",
    "api": "public API rows",
    "csv": "dashboard CSV export",
    "early_agg": "early-format results",
}


NO_DATES = "dates not recorded"
"""Said in the data line of data that carries no measurement dates (its CI run ids are named instead)."""


def _date_range(df: pl.DataFrame) -> str:
    if "date" in df.columns and df["date"].drop_nulls().len():
        lo, hi = (str(v) for v in (df["date"].drop_nulls().min(), df["date"].drop_nulls().max()))
        return f"measured {lo}" if lo == hi else f"measured {lo} to {hi}"
    if "run_id" in df.columns and df["run_id"].drop_nulls().len():
        runs = sorted(df["run_id"].drop_nulls().unique().to_list())
        if len(runs) <= 3:
            return f"CI run{'s' if len(runs) != 1 else ''} {', '.join(str(r) for r in runs)} ({NO_DATES})"
        return f"{len(runs)} CI runs {runs[0]} to {runs[-1]} ({NO_DATES})"
    return NO_DATES


def data_line(points: pl.DataFrame) -> str:
    """Where the points drawn come from: the synthetic marker for generated data, else the InferenceX
    attribution, the artifact kinds and the date range of the points."""
    if "synthetic" in points.columns and points["synthetic"].fill_null(False).any():
        return "Data: synthetic sample generated by the project's performance model, not measurements"
    kinds = ""
    if "source_format" in points.columns:
        fmts = [_FORMAT_WORDS.get(f, f) for f in points["source_format"].drop_nulls().unique().sort().to_list()]
        kinds = f" {', '.join(fmts)}," if fmts else ""
    return f"Data: InferenceX (SemiAnalysis){kinds} {_date_range(points)}"


def build_line(today: dt.date | None = None) -> str:
    """``Built YYYY-MM-DD with frontier <version>`` (UTC date)."""
    day = today or dt.datetime.now(dt.UTC).date()
    return f"Built {day.isoformat()} with frontier {__version__}"


def source_lines(
    points: pl.DataFrame, pricing: Any | None = None, view: str | None = None, extra: Sequence[str] = ()
) -> list[str]:
    """The source block printed under a figure: data line, price line (when ``pricing`` and ``view`` are given:
    the figure shows costs), any ``extra`` lines (e.g. which series are drawn), build line."""
    out = [data_line(points)]
    if pricing is not None and view is not None:
        gpus = points["hardware"].drop_nulls().unique().to_list() if "hardware" in points.columns else []
        out.append(price_line(pricing, view, gpus))
    out += [e for e in extra if e]
    out.append(build_line())
    return out
