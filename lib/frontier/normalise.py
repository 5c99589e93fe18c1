"""Normalisation of names and topology, as the spec (§1, §2) describes, vectorised over polars frames.

- hardware: runner labels lose their suffix (``b200-trt`` → ``b200``, ``mi355x-amd_0`` → ``mi355x``,
  ``MI355-gbt350-…`` → ``mi355x``); a suffix that names an engine fills a missing framework.
- framework aliases (``dynamo-trtllm`` → ``dynamo-trt``, ``sglang-disagg`` → ``mori-sglang``, …).
- model keys → display names (``dsr1`` → ``DeepSeek-R1-0528`` …); synthetic rows get `` (synthetic)``.
- ``spec_decoding`` / ``spec_method`` → ``spec_method`` (``none`` when absent).
- GPU count: single node ``tp × pp × pcp_size``; disaggregated/multinode ``num_prefill_gpu + num_decode_gpu``.
"""
from __future__ import annotations

import re

import polars as pl

MODEL_DISPLAY_NAMES: dict[str, str] = {
    "dsr1": "DeepSeek-R1-0528",
    "gptoss": "gpt-oss-120b",
    "gptoss120b": "gpt-oss-120b",
    "kimik2.5": "Kimi-K2.5",
    "llama70b": "Llama-3.3-70B-Instruct",
}
#: canonical key for each display name (first key wins)
MODEL_KEYS: dict[str, str] = {}
for _k, _v in MODEL_DISPLAY_NAMES.items():
    MODEL_KEYS.setdefault(_v, _k)

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

TRUE_STRINGS = ("true", "1", "yes", "y", "t")
FALSE_STRINGS = ("false", "0", "no", "n", "f", "")


def hardware_base(label: str | None) -> str | None:
    """GPU key of one runner label (``b200-trt`` → ``b200``)."""
    if label is None:
        return None
    base = re.split(r"[-_]", label.strip().lower(), maxsplit=1)[0]
    return HW_ALIASES.get(base, base)


def model_key_for(prefix: str | None, path: str | None) -> str | None:
    """Model key from an artifact's prefix or, failing that, its model path."""
    if prefix:
        return prefix.strip().lower()
    if path:
        low = path.lower()
        for pattern, key in MODEL_PATH_PATTERNS:
            if pattern in low:
                return key
    return None


def bool_expr(col: str) -> pl.Expr:
    """A column holding booleans or strings like "true"/"False"/"1" → Boolean (unknown strings → null)."""
    s = pl.col(col).cast(pl.String).str.strip_chars().str.to_lowercase()
    return (
        pl.when(s.is_in(TRUE_STRINGS)).then(True)
        .when(s.is_in(FALSE_STRINGS)).then(False)
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
    return pl.when(s.is_null() | s.is_in(["", "null", "none", "false", "no"])).then(pl.lit("none")).otherwise(s)


def model_display_expr(key_col: str = "model_key", synthetic_col: str = "synthetic") -> pl.Expr:
    """Display name from the model key; unknown keys are shown as given; synthetic rows get a suffix."""
    name = pl.col(key_col).replace(MODEL_DISPLAY_NAMES)
    return (
        pl.when(pl.col(synthetic_col).fill_null(False) & ~name.str.ends_with(SYNTHETIC_SUFFIX))
        .then(name + SYNTHETIC_SUFFIX)
        .otherwise(name)
    )


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
    return pl.when(use_split).then(split).otherwise(single).cast(pl.Int32)


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
    split = pl.concat_str([
        pl.lit("P "), pw, pl.lit("×"), _part("", "prefill_tp", "prefill_ep", "prefill_dp_attention"),
        pl.lit(" + D "), dw, pl.lit("×"), _part("", "decode_tp", "decode_ep", "decode_dp_attention"),
        pl.format(" ({}+{} GPUs)", pl.col("num_prefill_gpu").fill_null(0), pl.col("num_decode_gpu").fill_null(0)),
    ])
    return pl.when(pl.col("disagg").fill_null(False) & pl.col("prefill_tp").is_not_null()).then(split).otherwise(single)


def curve_label_expr(columns: tuple[str, ...] = ("hardware", "framework", "precision", "spec_method")) -> pl.Expr:
    """Short legend label for a curve, e.g. ``b200 · trt · fp4 · mtp`` (``disagg`` marked)."""
    parts = [pl.col(c).cast(pl.String) for c in columns]
    label = pl.concat_str(parts, separator=" · ")
    return pl.when(pl.col("disagg").fill_null(False)).then(label + pl.lit(" · disagg")).otherwise(label)
