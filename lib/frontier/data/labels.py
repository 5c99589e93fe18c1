"""Words for configs, prices and data: the one home of label rules, view names and the synthetic marker.

- config labels for tables (:func:`config_label_expr`: the curve-key parts that vary, as stored) and for chart
  legends (:func:`series_labels`: the varying parts in display words, ``B200 · SGLang · FP4 · MTP``), with what is
  held constant across the series (:func:`held_constant`) for a chart's subtitle;
- pair labels (:func:`pair_label`: shared parts, then ``A → B`` for the part that differs);
- TCO view words (:data:`VIEW_WORDS`) and the price basis of a figure (:func:`price_line`);
- the synthetic marker (:data:`SYNTHETIC_SUFFIX` on model names, :data:`SYNTHETIC_NOTE` on figures) and the data
  source of the points drawn (:func:`data_line`), for the source line under every exported figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from frontier import __version__
from frontier.data.load.normalise import SYNTHETIC_SUFFIX

__all__ = [
    "SYNTHETIC_SUFFIX",
    "SYNTHETIC_NOTE",
    "LABEL_PARTS",
    "VIEW_WORDS",
    "COLUMN_TITLES",
    "config_label_expr",
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
LABEL_PARTS = ("model", "isl", "osl", "hardware", "framework", "precision", "spec_method", "disagg")

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
    """Table label from the curve-key columns that vary across ``configs`` (e.g. ``b200 · fp4 · mtp``), values as
    stored; used as the config's name in tables, baselines and summaries. ``every``: name every part present,
    varying or not (one config named on its own, e.g. in a note)."""
    varying = [c for c in parts if c in configs.columns and (every or configs[c].n_unique() > 1)]
    if "isl" in varying or "osl" in varying:
        varying = [c for c in varying if c not in ("isl", "osl")]
        seq = pl.format("{}/{}", pl.col("isl"), pl.col("osl"))
    else:
        seq = None
    if not varying and seq is None:
        varying = [c for c in ("hardware", "framework", "precision") if c in configs.columns]
    pieces: list[pl.Expr] = []
    for c in varying:
        if c == "disagg":
            pieces.append(
                pl.when(pl.col("disagg")).then(pl.lit(SERVING_SHORT[True])).otherwise(pl.lit(SERVING_SHORT[False]))
            )
        elif c == "spec_method":
            pieces.append(pl.when(pl.col(c) == "none").then(pl.lit(NO_SPEC_SHORT)).otherwise(pl.col(c)))
        else:
            pieces.append(pl.col(c).cast(pl.String))
    if seq is not None:
        pieces.insert(1 if "model" in varying else 0, seq)
    if not pieces:  # grouped by columns a label does not usually name: use them as they are
        pieces = [pl.col(c).cast(pl.String) for c in configs.columns]
    if not pieces:  # no grouping: one frontier over every point
        return pl.lit("all points", dtype=pl.String)
    return pl.concat_str(pieces, separator=" · ")


def workload_text(row: Mapping[str, Any]) -> str:
    """``"Kimi-K2.5 1024/1024"``: the model and ISL/OSL a comparison holds fixed."""
    return f"{row['model']} {row['isl']}/{row['osl']}"


def full_config_name(row: Mapping[str, Any]) -> str:
    """Every field of a config, in table words: ``"DeepSeek-R1-0528 1024/1024 · h200 · dynamo-trt · fp8 · mtp ·
    disagg"``."""
    spec = NO_SPEC_SHORT if row.get("spec_method") in (None, "none") else row["spec_method"]
    return " · ".join(
        [
            workload_text(row),
            str(row["hardware"]),
            str(row["framework"]),
            str(row["precision"]),
            spec,
            SERVING_SHORT[bool(row.get("disagg"))],
        ]
    )


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
    """What two labels share, then "A → B" for the parts that differ:
    ("B200 · FP4 · no spec decoding", "B200 · FP4 · MTP") → "B200 · FP4 · no spec decoding → MTP"."""
    pa, pb = a.split(sep), b.split(sep)
    if len(pa) != len(pb):
        return f"{a} → {b}"
    shared = [x for x, y in zip(pa, pb) if x == y]
    diff = [f"{x} → {y}" for x, y in zip(pa, pb) if x != y]
    return sep.join(shared + diff)


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
