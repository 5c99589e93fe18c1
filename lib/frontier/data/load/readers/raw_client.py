"""Reader for raw benchmark-client results: one JSON object per run (latencies in ms), topology from the
InferenceX file name (or ``topology=``) → one raw agg row (latencies in seconds, throughput per GPU)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

import polars as pl

from frontier.data.load.limits import INT32_MAX
from frontier.data.load.raw import FLT, INT, RAW_SCHEMA, STR
from frontier.data.load.readers.coerce import coerce, coerce_why, python_rows
from frontier.data.schema import LATENCY_KINDS, STAT_SOURCE_NAMES

__all__ = ["read"]

#: InferenceX result file-name convention (raw benchmark-client results and agg files)
_RESULT_NAME_RE = re.compile(
    r"^(?:agg_)?(?P<prefix>[a-z0-9.]+?)_(?P<isl>\d+k)(?P<osl>\d+k)_(?P<precision>[a-z0-9]+)_(?P<framework>[a-z0-9.-]+)"
    r"_tp(?P<tp>\d+)-ep(?P<ep>\d+)-dpa(?P<dpa>true|false)_disagg-(?P<disagg>true|false)_spec-(?P<spec>[a-z0-9-]+)"
    r"_conc(?P<conc>\d+)_(?P<runner>.+)$",
    re.IGNORECASE,
)
_NEEDED = ("hw", "tp", "isl", "osl", "precision", "framework")
_NO_TOPOLOGY = (
    "raw client result without topology: file name not in the InferenceX convention "
    "(pass topology={hw, tp, isl, osl, precision, framework, ...})"
)


def _tokens(tok: str) -> int:
    """``1k`` → 1024 tokens; ``300`` → 300."""
    return int(tok[:-1]) * 1024 if tok.lower().endswith("k") else int(tok)


def _topology_from_name(label: str) -> dict[str, Any]:
    """Raw agg fields named by a result file name in the InferenceX convention (empty when it is not)."""
    m = _RESULT_NAME_RE.match(PurePosixPath(label.split("!")[-1]).stem)
    if not m:
        return {}
    return {
        "infmax_model_prefix": m["prefix"],
        "isl": _tokens(m["isl"]),
        "osl": _tokens(m["osl"]),
        "precision": m["precision"],
        "framework": m["framework"],
        "tp": int(m["tp"]),
        "ep": int(m["ep"]),
        "dp_attention": m["dpa"],
        "disagg": m["disagg"],
        "spec_decoding": m["spec"],
        "conc": int(m["conc"]),
        "hw": m["runner"],
    }


def _measurements(obj: dict[str, Any], row: dict[str, Any], gpus: int) -> str | None:
    """Throughput per GPU and latencies (ms → s) from ``obj`` into ``row``; the skip reason, if any."""
    skip = None
    try:
        total = float(obj["total_token_throughput"])
        output = float(obj["output_throughput"])
        row["tput_per_gpu"] = total / gpus
        row["output_tput_per_gpu"] = output / gpus
        row["input_tput_per_gpu"] = (total - output) / gpus
    except (KeyError, TypeError, ValueError):
        skip = "missing field: total_token_throughput/output_throughput"
    except OverflowError:
        skip = "value out of range for field: total_token_throughput/output_throughput"
    if obj.get("completed") is not None and coerce(obj.get("completed"), FLT)[0] == 0:
        skip = "zero successful requests"
    for stat_src in STAT_SOURCE_NAMES:
        for kind in LATENCY_KINDS:
            field = f"{stat_src}_{kind}_ms"
            if obj.get(field) is None or isinstance(obj.get(field), (str, bool)):
                continue  # only numbers are latencies
            v, ok, why = coerce_why(obj[field], FLT)
            if not ok:
                skip = skip or f"{why} for field: {field}"
            else:
                row[f"{stat_src}_{kind}"] = v / 1000.0
                if kind == "tpot":
                    row[f"{stat_src}_intvty"] = 1000.0 / v if v else None
    return skip


def _gpus(topo: dict[str, Any]) -> int | str:
    """GPUs the throughput is divided by (tp × pp × pcp), or the reason there is no such count."""
    gpus = 1
    for k in ("tp", "pp", "pcp_size"):
        v, ok, why = coerce_why(topo.get(k) if k == "tp" else (topo.get(k) or 1), INT)
        if not ok or v is None:
            return f"{why} for field: {k}" if not ok else "unknown GPU count (no tp or prefill/decode GPUs)"
        if not 1 <= v <= INT32_MAX:
            return (
                f"value out of range for field: {k}"
                if v > INT32_MAX
                else "unknown GPU count (no tp or prefill/decode GPUs)"
            )
        gpus *= v
    return gpus


#: the benchmark client's date: YYYYMMDD[-hhmmss]
_CLIENT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:-(\d{2})(\d{2})(\d{2}))?$")


def read(obj: dict[str, Any], label: str, topology: dict[str, Any] | None) -> pl.DataFrame | str:
    """A raw benchmark-client result → one raw agg row, or the reason it has no topology."""
    topo = _topology_from_name(label)
    if topology:
        topo.update(topology)
    if not all(topo.get(k) is not None for k in _NEEDED):
        return _NO_TOPOLOGY
    row: dict[str, Any] = {k: v for k, v in topo.items() if k in RAW_SCHEMA}
    row.setdefault("conc", obj.get("max_concurrency"))
    row.setdefault("spec_decoding", "none")
    row.setdefault("disagg", "false")
    row["model"] = obj.get("model_id")
    row["is_multinode"] = "false"
    if obj.get("date"):  # the client writes 20260527-075026; anything else is checked as written
        d = str(obj["date"])
        m = _CLIENT_DATE_RE.match(d)
        row["date"] = (f"{m[1]}-{m[2]}-{m[3]}" + (f"T{m[4]}:{m[5]}:{m[6]}" if m[4] else "")) if m else d
    gpus = _gpus(topo)
    if isinstance(gpus, str):
        skip: str | None = gpus
    else:
        skip = _measurements(obj, row, gpus)
    df = python_rows([row], RAW_SCHEMA)
    if skip:
        df = df.with_columns(_skip=pl.lit(skip, dtype=STR))
    return df
