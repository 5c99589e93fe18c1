"""Normalisation of names and topology, as the spec (§1, §2) describes, vectorised over polars frames.

- hardware: runner labels lose their suffix (``b200-trt`` → ``b200``, ``mi355x-amd_0`` → ``mi355x``,
  ``MI355-gbt350-…`` → ``mi355x``); a suffix that names an engine fills a missing framework.
- framework aliases (``dynamo-trtllm`` → ``dynamo-trt``, ``sglang-disagg`` → ``mori-sglang``, …).
- model keys → display names (``dsr1`` → ``DeepSeek-R1-0528`` …); synthetic rows get `` (synthetic)``.
- ``spec_decoding`` / ``spec_method`` → ``spec_method`` (``none`` when absent).
- GPU count: single node ``tp × pp × pcp_size``; disaggregated/multinode ``num_prefill_gpu + num_decode_gpu``.
- text fields (model, runner label, framework, precision, spec method, image): control characters, bidirectional
  controls and the non-characters U+FFFE/U+FFFF are replaced by U+FFFD (``CONTROL_CHARS``); the row is loaded and
  flagged (``TEXT_REPLACED``) in the load report.
- dates: the rule of ``load.dates`` (impossible dates mark the row invalid; dates after the load date are dropped
  from the row and flagged).

``normalise(raw)`` applies all of it to the raw table (agg field names + provenance) and returns the canonical
columns (``frontier.data.schema.SCHEMA``); ``validate`` then names the rows that cannot be used. The name tables here
are
the project's one home for model and framework aliases (``frontier.normalise`` re-exports them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import polars as pl

from frontier.data.load.dates import future_after, latest_date, with_dates
from frontier.data.load.raw import INT, STR
from frontier.data.schema import LATENCY_KINDS, STAT_SOURCE_NAMES

__all__ = [
    "CONTROL_CHARS",
    "FALSE_STRINGS",
    "FRAMEWORK_ALIASES",
    "HW_ALIASES",
    "HW_SUFFIX_FRAMEWORK",
    "MODEL_DISPLAY_NAMES",
    "MODEL_KEYS",
    "MODEL_KEY_ALIASES",
    "MODEL_PATH_PATTERNS",
    "NO_SPEC_STRINGS",
    "RUN_URL_RE",
    "SYNTHETIC_SUFFIX",
    "TEXT_FIELDS",
    "TEXT_REPLACED",
    "TRUE_STRINGS",
    "bool_expr",
    "framework_expr",
    "gpu_count_expr",
    "hardware_expr",
    "hw_suffix_framework_expr",
    "model_key_expr",
    "model_key_for",
    "normalise",
    "spec_method_expr",
    "topology_label_expr",
]

#: canonical model key → display name
_MODEL_NAMES: dict[str, str] = {
    "dsr1": "DeepSeek-R1-0528",
    "gptoss": "gpt-oss-120b",
    "kimik2.5": "Kimi-K2.5",
    "llama70b": "Llama-3.3-70B-Instruct",
}
#: other spellings of a model key (artifact prefixes, API keys) → the canonical key
MODEL_KEY_ALIASES: dict[str, str] = {
    "gptoss120b": "gptoss",
    "gpt-oss": "gptoss",
    "kimik25": "kimik2.5",
    "kimi-k2.5": "kimik2.5",
}
#: model key, canonical or alias → display name
MODEL_DISPLAY_NAMES: dict[str, str] = {**_MODEL_NAMES, **{a: _MODEL_NAMES[k] for a, k in MODEL_KEY_ALIASES.items()}}
#: display name → canonical key
MODEL_KEYS: dict[str, str] = {v: k for k, v in _MODEL_NAMES.items()}

#: substrings of a model path/HF id (lower case) → model key, for artifacts without a prefix
MODEL_PATH_PATTERNS: tuple[tuple[str, str], ...] = (
    ("deepseek-r1", "dsr1"),
    ("gpt-oss-120b", "gptoss"),
    ("kimi-k2.5", "kimik2.5"),
    ("llama-3.3-70b", "llama70b"),
)

SYNTHETIC_SUFFIX = " (synthetic)"

FRAMEWORK_ALIASES: dict[str, str] = {
    "dynamo-trtllm": "dynamo-trt",
    "sglang-disagg": "mori-sglang",
    "trtllm": "trt",
    "tensorrt-llm": "trt",
    "tensorrt_llm": "trt",
}

#: runner-label suffix that implies the engine
HW_SUFFIX_FRAMEWORK: dict[str, str] = {"trt": "trt", "trtllm": "trt", "sglang": "sglang", "vllm": "vllm"}

HW_ALIASES: dict[str, str] = {"mi355": "mi355x", "mi300": "mi300x", "mi325": "mi325x"}

#: how flags are spelled in artifacts (lower case, stripped); the loader also reads an empty field as false
TRUE_STRINGS = ("true", "1", "yes", "y", "t")
FALSE_STRINGS = ("false", "0", "no", "n", "f")
#: spec_decoding / spec_method values that mean no speculative decoding (lower case, stripped)
NO_SPEC_STRINGS = ("", "null", "none", "false", "no")
#: characters never kept in a text field (regex class): C0 and C1 controls and DEL, bidirectional marks, embeddings,
#: overrides and isolates, and the non-characters U+FFFE/U+FFFF (which also end a figure export)
CONTROL_CHARS = r"[\x00-\x1f\x7f-\x9f\x{061c}\x{200e}\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}\x{fffe}\x{ffff}]"
#: raw text fields that reach the table (and so labels, tables and figures)
TEXT_FIELDS = ("infmax_model_prefix", "model", "hw", "framework", "precision", "spec_decoding", "image")
TEXT_REPLACED = "control characters in text fields replaced by U+FFFD"
#: run id and attempt in a CI run URL (``…/actions/runs/123/attempts/2``)
RUN_URL_RE = re.compile(r"/runs/(\d+)(?:/attempts?/(\d+))?")


def model_key_for(prefix: str | None, path: str | None) -> str | None:
    """Model key from an artifact's prefix or, failing that, a model path or id (``openai/gpt-oss-120b``)."""
    if prefix:
        return prefix.strip().lower()
    if path:
        low = path.lower()
        for pattern, key in MODEL_PATH_PATTERNS:
            if pattern in low:
                return key
    return None


def bool_expr(col: str) -> pl.Expr:
    """A column holding booleans or strings like "true"/"False"/"1"/"" → Boolean (unknown strings → null)."""
    s = pl.col(col).cast(pl.String).str.strip_chars().str.to_lowercase()
    return (
        pl.when(s.is_in(TRUE_STRINGS))
        .then(True)
        .when(s.is_in(FALSE_STRINGS) | (s == ""))
        .then(False)
        .otherwise(None)
        .cast(pl.Boolean)
        .alias(col)
    )


def hardware_expr(col: str = "hw_raw") -> pl.Expr:
    """Runner label → GPU key, vectorised."""
    base = pl.col(col).str.strip_chars().str.to_lowercase().str.extract(r"^([^-_]+)", 1)
    return base.replace(HW_ALIASES)


def hw_suffix_framework_expr(col: str = "hw_raw") -> pl.Expr:
    """The engine a runner suffix implies (``b200-trt`` → ``trt``), else null."""
    suffix = pl.col(col).str.to_lowercase().str.extract(r"^[^-_]+[-_]([a-z]+)", 1)
    return suffix.replace_strict(HW_SUFFIX_FRAMEWORK, default=None, return_dtype=pl.String)


def framework_expr(col: str = "framework") -> pl.Expr:
    return pl.col(col).str.strip_chars().str.to_lowercase().replace(FRAMEWORK_ALIASES)


def spec_method_expr(col: str) -> pl.Expr:
    s = pl.col(col).cast(pl.String).str.strip_chars().str.to_lowercase()
    return pl.when(s.is_null() | s.is_in(NO_SPEC_STRINGS)).then(pl.lit("none")).otherwise(s)


def model_key_expr(prefix_col: str, path_col: str) -> pl.Expr:
    """Model key from the prefix column, else by matching the model path."""
    low = pl.col(path_col).str.to_lowercase()
    from_path = pl.lit(None, dtype=pl.String)
    for pattern, key in reversed(MODEL_PATH_PATTERNS):
        from_path = pl.when(low.str.contains(pattern, literal=True)).then(pl.lit(key)).otherwise(from_path)
    prefix = pl.col(prefix_col).str.strip_chars().str.to_lowercase()
    return pl.when(prefix.is_not_null() & (prefix != "")).then(prefix).otherwise(from_path)


def gpu_count_expr() -> pl.Expr:
    """GPUs the total throughput is divided by (spec §1)."""
    single = pl.col("tp") * pl.col("pp").fill_null(1) * pl.col("pcp_size").fill_null(1)
    split = pl.col("num_prefill_gpu") + pl.col("num_decode_gpu")
    use_split = (pl.col("disagg").fill_null(False) | pl.col("is_multinode").fill_null(False)) & split.is_not_null()
    # counts past the Int32 range become null here; validation skips those rows naming the field
    return pl.when(use_split).then(split).otherwise(single).cast(pl.Int32, strict=False)


def _part(prefix: str, tp: str, ep: str, dpa: str) -> pl.Expr:
    ep_txt = pl.when(pl.col(ep).fill_null(1) > 1).then(pl.format("/EP{}", pl.col(ep))).otherwise(pl.lit(""))
    dpa_txt = pl.when(pl.col(dpa).fill_null(False)).then(pl.lit(" DPA")).otherwise(pl.lit(""))
    return pl.concat_str([pl.lit(prefix), pl.format("TP{}", pl.col(tp).fill_null(0)), ep_txt, dpa_txt])


def topology_label_expr() -> pl.Expr:
    """Readable topology: ``TP8/EP8 DPA`` or ``P 5×TP4/EP4 DPA + D 1×TP32/EP32 DPA (20+32 GPUs)``."""
    pp_txt = pl.when(pl.col("pp").fill_null(1) > 1).then(pl.format(" PP{}", pl.col("pp"))).otherwise(pl.lit(""))
    single = pl.concat_str([_part("", "tp", "ep", "dp_attention"), pp_txt])
    pw = pl.col("prefill_num_workers").fill_null(1).cast(pl.String)
    dw = pl.col("decode_num_workers").fill_null(1).cast(pl.String)
    split = pl.concat_str(
        [
            pl.lit("P "),
            pw,
            pl.lit("×"),
            _part("", "prefill_tp", "prefill_ep", "prefill_dp_attention"),
            pl.lit(" + D "),
            dw,
            pl.lit("×"),
            _part("", "decode_tp", "decode_ep", "decode_dp_attention"),
            pl.format(" ({}+{} GPUs)", pl.col("num_prefill_gpu").fill_null(0), pl.col("num_decode_gpu").fill_null(0)),
        ]
    )
    return pl.when(pl.col("disagg").fill_null(False) & pl.col("prefill_tp").is_not_null()).then(split).otherwise(single)


# ---------------------------------------------------------------------------------------------------------------
# the raw table → canonical columns
_FLAG_COLUMNS = ("disagg", "is_multinode", "dp_attention", "prefill_dp_attention", "decode_dp_attention")


def _per_distinct(
    df: pl.DataFrame, cols: list[str], build: Callable[[pl.DataFrame], pl.DataFrame], outputs: list[str]
) -> list[pl.Series]:
    """Columns ``outputs`` of ``build(frame)`` — which may only use ``cols``, row by row — for every row of ``df``,
    computed once per run of rows with the same ``cols`` (rows come file by file, and a file's rows share their
    names, flags and dates) and repeated over the run (plainly on all rows when runs are short)."""
    keys = df.select(cols)
    first = pl.any_horizontal(pl.col(c).ne_missing(pl.col(c).shift(1)) for c in cols) | (pl.int_range(pl.len()) == 0)
    starts = keys.with_columns(__first=first)
    run = starts.get_column("__first").cast(pl.Int32).cum_sum() - 1
    starts = starts.filter("__first").drop("__first")
    if starts.height * 8 > keys.height:
        out = build(keys)
        return [out[o] for o in outputs]
    table = build(starts)
    return [_chunked_like(table.get_column(o).gather(run), df) for o in outputs]


def _chunked_like(s: pl.Series, df: pl.DataFrame) -> pl.Series:
    """``s`` split (zero-copy) into the chunk lengths of ``df``'s columns, so mixing them never forces a copy."""
    lengths = df.get_column(df.columns[0]).chunk_lengths() if df.width else [s.len()]
    if len(lengths) <= 1 or s.n_chunks() != 1:
        return s
    parts, offset = [], 0
    for n in lengths:
        parts.append(s.slice(offset, n))
        offset += n
    return pl.concat(parts, rechunk=False)


def _latency_exprs() -> dict[str, pl.Expr]:
    """Latency columns in seconds and interactivity (tok/s/user), each filled from the other when missing."""
    lat = {}
    for src_stat, stat in STAT_SOURCE_NAMES.items():
        for kind in LATENCY_KINDS:
            lat[f"{stat}_{kind}_s"] = pl.col(f"{src_stat}_{kind}")
        tpot = pl.col(f"{src_stat}_tpot")
        intv = pl.col(f"{src_stat}_intvty")
        if stat != "std":  # fill interactivity from TPOT (and back) when one is missing
            lat[f"{stat}_intvty"] = pl.coalesce(intv, pl.when(tpot > 0).then(1.0 / tpot))
            lat[f"{stat}_tpot_s"] = pl.coalesce(tpot, pl.when(intv > 0).then(1.0 / intv))
        else:
            lat[f"{stat}_intvty"] = intv
    return lat


def _models(f: pl.DataFrame) -> pl.DataFrame:
    """Synthetic flag, model key and display name (``__synthetic``, ``__model_key``, ``__model``)."""
    f = f.with_columns(
        __synthetic=pl.coalesce(
            bool_expr("synthetic"), pl.col("_synthetic"), pl.col("model").str.starts_with("synthetic/")
        ).fill_null(False),
        __model_key=model_key_expr("infmax_model_prefix", "model"),
    )
    f = f.with_columns(
        __model=pl.when(pl.col("__model_key").is_not_null())
        .then(pl.col("__model_key").replace(MODEL_DISPLAY_NAMES))
        .otherwise(pl.col("model"))
    )
    return f.with_columns(
        __model=pl.when(pl.col("__synthetic") & pl.col("__model").is_not_null())
        .then(pl.col("__model") + SYNTHETIC_SUFFIX)
        .otherwise(pl.col("__model"))
    )


#: the raw columns names, flags and dates are read from (few distinct combinations in any real sweep)
_NAME_INPUTS = (
    "infmax_model_prefix",
    "model",
    "synthetic",
    "_synthetic",
    "hw",
    "framework",
    "spec_decoding",
    "precision",
    "date",
    "_date",
    *_FLAG_COLUMNS,
)


def _clean_text(f: pl.DataFrame, cols: tuple[str, ...]) -> pl.DataFrame:
    """``cols`` with ``CONTROL_CHARS`` replaced by U+FFFD; ``__text_fixed``: whether any was."""
    return f.with_columns(
        __text_fixed=pl.any_horizontal(pl.col(c).str.contains(CONTROL_CHARS).fill_null(False) for c in cols),
        **{c: pl.col(c).str.replace_all(CONTROL_CHARS, "\ufffd") for c in cols},
    )


#: the text fields normalised once per distinct combination (``_NAME_INPUTS``); the image is checked row by row
_NAME_TEXT = tuple(c for c in TEXT_FIELDS if c != "image")
#: canonical columns that keep a raw text field as written (cleaned only when it holds ``CONTROL_CHARS``)
_RAW_TEXT = {"hw_raw": "hw", "model_path": "model", "image": "image"}


def _name_columns(f: pl.DataFrame, latest: dt.date) -> pl.DataFrame:
    """``f`` (holding ``_NAME_INPUTS``) with the normalised names, flags and dates as ``__``-prefixed columns;
    dates after ``latest`` are dropped and flagged (``__flag``), impossible ones marked (``__date_invalid``). The
    input columns come back as given (they are the keys ``_per_distinct`` joins the results back on)."""
    raw_text = f.select(_NAME_TEXT)
    f = _models(_clean_text(f, _NAME_TEXT))
    text = pl.coalesce(pl.when(pl.col("date").str.strip_chars() != "").then(pl.col("date")), pl.col("_date"))
    f = with_dates(f, text, "__day", "__date_invalid")
    future = pl.col("__day") > pl.lit(latest)
    flag = pl.concat_str(
        pl.when(pl.col("__text_fixed")).then(pl.lit(TEXT_REPLACED)),
        pl.when(future).then(pl.lit(future_after(latest))),
        separator="; ",
        ignore_nulls=True,
    )
    f = f.with_columns(__future=future, __flag=flag)  # staged: each is computed once
    return f.with_columns(
        __hardware=hardware_expr("hw"),
        __framework=pl.coalesce(framework_expr("framework"), hw_suffix_framework_expr("hw")),
        __spec=spec_method_expr("spec_decoding"),
        __precision=pl.col("precision").str.strip_chars().str.to_lowercase(),
        __date=pl.when(pl.col("__future")).then(None).otherwise(pl.col("__day")),
        __flag=pl.when(pl.col("__flag") != "").then(pl.col("__flag")).otherwise(pl.lit(None, dtype=STR)),
        **{f"__{c}": bool_expr(c) for c in _FLAG_COLUMNS},
    ).with_columns(raw_text)


#: canonical column → the column of ``_name_columns`` it is taken from
_NAME_OUTPUTS = {
    "synthetic": "__synthetic",
    "model_key": "__model_key",
    "model": "__model",
    "hardware": "__hardware",
    "framework": "__framework",
    "spec_method": "__spec",
    "precision": "__precision",
    "date": "__date",
    "_date_invalid": "__date_invalid",
    "_flag": "__flag",
    **{c: f"__{c}" for c in _FLAG_COLUMNS},
}


def _names(raw: pl.DataFrame, latest: dt.date) -> dict[str, Any]:
    """Normalised names, flags and dates, computed once per distinct combination of the raw values they come from
    (there are few) and joined back."""
    outputs = list(_NAME_OUTPUTS.values())

    def build(f: pl.DataFrame) -> pl.DataFrame:
        return _name_columns(f, latest)

    cols = dict(zip(_NAME_OUTPUTS, _per_distinct(raw, list(_NAME_INPUTS), build, outputs), strict=True))
    cols["disagg"] = cols["disagg"].fill_null(False)
    cols["is_multinode"] = cols["is_multinode"].fill_null(False)
    return cols | _raw_text(raw, cols["_flag"])


def _raw_text(raw: pl.DataFrame, flag: pl.Series) -> dict[str, Any]:
    """The canonical columns that keep raw text (``_RAW_TEXT``): the raw columns themselves (no copy) unless a
    row holds ``CONTROL_CHARS`` (then cleaned), and ``_flag`` with the image's replacements added."""
    image_bad = raw["image"].str.contains(CONTROL_CHARS).fill_null(False)
    names_fixed = flag.str.contains(TEXT_REPLACED, literal=True).any()
    if not names_fixed and not image_bad.any():
        return {out: raw[src] for out, src in _RAW_TEXT.items()}
    out: dict[str, Any] = {o: raw[s].str.replace_all(CONTROL_CHARS, "\ufffd") for o, s in _RAW_TEXT.items()}
    add = image_bad & ~flag.str.contains(TEXT_REPLACED, literal=True).fill_null(False)
    out["_flag"] = (
        pl.DataFrame({"f": flag, "a": add})
        .select(
            pl.when("a")
            .then(pl.concat_str(pl.lit(TEXT_REPLACED), "f", separator="; ", ignore_nulls=True))
            .otherwise("f")
        )
        .to_series()
        .alias("_flag")
    )
    return out


def normalise(raw: pl.DataFrame, latest: dt.date | None = None) -> pl.DataFrame:
    """Raw agg-named rows (+ provenance) → canonical columns (kept next to the raw ones until ``conform``), plus
    ``_date_invalid`` (an impossible date) and ``_flag`` (why a loaded row is flagged). ``latest``: the latest
    date kept (default ``dates.latest_date()``)."""
    run_url = pl.col("run_url").str.extract_groups(RUN_URL_RE.pattern)
    df = raw.with_columns(
        run_id=pl.coalesce(run_url.struct.field("1").cast(INT, strict=False), pl.col("_run_id")),
        run_attempt=pl.coalesce(run_url.struct.field("2").cast(pl.Int32, strict=False), pl.col("_run_attempt")),
        source_file=pl.col("_file"),
        source_format=pl.col("_format"),
        source_row=pl.col("_row"),
        **_names(raw, latest or latest_date()),
        **_latency_exprs(),
    )
    return df.with_columns(num_gpus=gpu_count_expr(), topology=topology_label_expr())
