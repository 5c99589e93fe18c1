"""Which format a JSON document holds: from its first bytes (``probe_keys``, no parse) or parsed (``classify``)."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["classify", "probe_file", "probe_keys"]

_EMPTY_ARRAY_RE = re.compile(r"^\[\s*\]\s*$")


def probe_keys(head: bytes) -> str | None:
    """Guess the format from the first object's keys without parsing the whole file."""
    text = head.decode("utf-8", errors="ignore")
    if text.startswith("[") and _EMPTY_ARRAY_RE.match(text):
        return "agg_bmk"
    first = text[: text.find("}") + 1] if "}" in text else text
    if '"hw"' in first and '"isl"' in first:
        return "agg_bmk" if text.startswith("[") else "agg"
    if '"hardware"' in text and '"metrics"' in text and '"task"' not in text:
        return "api"
    return None


def probe_file(data: Any) -> str | None:
    """The format a file's first 4 KiB point to (``probe_keys``); None when it does not start like JSON."""
    head = bytes(data[:4096]).lstrip()
    if head[:1] not in (b"[", b"{"):
        return None
    try:
        return probe_keys(head)
    except ValueError:
        return None


def classify(obj: Any) -> str:
    """Format of a parsed JSON document: agg, agg_bmk, early_agg, api, raw_client or a skip reason."""
    sample = obj[0] if isinstance(obj, list) and obj else obj
    if isinstance(obj, list) and not obj:
        return "agg_bmk"  # an empty sweep: zero rows, not an error
    if not isinstance(sample, dict):
        return "unknown format: JSON is neither an object nor an array of objects"
    keys = set(sample)
    if "scenario_type" in keys or "users" in keys and "offload_mode" in keys:
        return "unsupported benchmark type: agentic multi-turn"
    if "hardware" in keys and "metrics" in keys and "task" in keys:
        return "evaluation rows, not benchmark points (use frontier.analysis.evals)"
    if "hardware" in keys and "metrics" in keys:
        return "api"
    if "hw" in keys and ("tput_per_gpu" in keys or "median_tpot" in keys):
        if "isl" not in keys and ("source_file" in keys or "timestamp" in keys):
            return "early_agg"
        return "agg_bmk" if isinstance(obj, list) else "agg"
    if "max_concurrency" in keys and ("total_token_throughput" in keys or "output_throughput" in keys):
        return "raw_client"
    return "unknown format: no benchmark fields (hw/tput_per_gpu, hardware/metrics or model_id/max_concurrency)"
