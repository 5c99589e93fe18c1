"""Load benchmark artifacts of every format (spec §2) into the canonical point table.

``load(paths)`` takes files, folders (recursive), globs and zip archives, and returns a ``LoadResult`` holding
``points`` (a polars frame in ``frontier.schema.SCHEMA``) and a ``LoadReport`` that accounts for every input row:
loaded, skipped by reason (with file and row), or removed as a duplicate. One bad file never stops a batch;
``strict=True`` turns any skip into a ``LoadError`` naming the file and row.

Formats: per-point ``agg_*.json``; collected ``agg_bmk.json`` arrays; raw benchmark-client JSON (topology from the
InferenceX file name or ``topology=``); public API rows (nested ``metrics``); dashboard CSV exports (latency
columns labelled "(ms)" hold seconds); early agg rows (no ISL/OSL fields; taken from their ``source_file``);
zip archives and downloaded CI artifact trees of any of these.

Dates and run ids come from the artifact (API ``date``/``run_url``, CSV ``Date``, raw ``date``), else from a
``run.json`` sidecar in an enclosing folder (``{"run_id", "run_attempt", "date"}``), else from a ``run_<id>``
folder name.
"""
from __future__ import annotations

import fnmatch
import glob as globlib
import io
import json
import math
import mmap
import os
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Iterator

import numpy as np
import polars as pl

from . import cache as cache_mod
from .normalise import (
    MODEL_DISPLAY_NAMES,
    MODEL_KEYS,
    bool_expr,
    framework_expr,
    gpu_count_expr,
    hardware_expr,
    hw_suffix_framework_expr,
    model_key_expr,
    spec_method_expr,
    topology_label_expr,
)
from .schema import (
    INTVTY_COLUMNS,
    LATENCY_KINDS,
    POINT_KEY,
    SCHEMA,
    STAT_SOURCE_NAMES,
    conform,
    empty_points,
)

LOADER_VERSION = "2"  # 2: strict fast path (fractional or boolean numbers in numeric fields are skipped)
DATA_SUFFIXES = (".json", ".csv", ".zip")
SIDECAR_NAMES = ("run.json",)
IGNORED_SUFFIXES = (".meta.json",)

# ---------------------------------------------------------------------------------------------------------------
# Raw (pre-normalisation) schema: the agg field names, with ambiguous fields read as strings.

_INT = pl.Int64()
_FLT = pl.Float64()
_STR = pl.String()

RAW_CONFIG: dict[str, pl.DataType] = {
    "hw": _STR, "conc": _INT, "image": _STR, "model": _STR, "infmax_model_prefix": _STR, "framework": _STR,
    "precision": _STR, "spec_decoding": _STR, "disagg": _STR, "isl": _INT, "osl": _INT, "is_multinode": _STR,
    "tp": _INT, "ep": _INT, "pp": _INT, "dcp_size": _INT, "pcp_size": _INT, "dp_attention": _STR,
    "prefill_tp": _INT, "prefill_ep": _INT, "prefill_dp_attention": _STR, "prefill_num_workers": _INT,
    "decode_tp": _INT, "decode_ep": _INT, "decode_dp_attention": _STR, "decode_num_workers": _INT,
    "num_prefill_gpu": _INT, "num_decode_gpu": _INT, "synthetic": _STR, "scenario_type": _STR,
    "timestamp": _STR, "source_file": _STR, "date": _STR, "run_url": _STR,
}
RAW_METRICS: dict[str, pl.DataType] = {
    "tput_per_gpu": _FLT, "output_tput_per_gpu": _FLT, "input_tput_per_gpu": _FLT,
    **{f"{s}_{k}": _FLT for k in LATENCY_KINDS + ("intvty",) for s in STAT_SOURCE_NAMES},
    "avg_power_w": _FLT, "joules_per_total_token": _FLT, "joules_per_output_token": _FLT,
}
RAW_SCHEMA: dict[str, pl.DataType] = {**RAW_CONFIG, **RAW_METRICS}
PROV_COLUMNS: dict[str, pl.DataType] = {
    "_file": _STR, "_format": _STR, "_row": pl.Int32(), "_run_id": _INT, "_run_attempt": pl.Int32(),
    "_date": _STR, "_synthetic": pl.Boolean(), "_file_index": pl.Int32(), "_skip": _STR,
}
API_SCHEMA: dict[str, pl.DataType] = {
    "hardware": _STR, "framework": _STR, "model": _STR, "precision": _STR, "spec_method": _STR, "disagg": _STR,
    "is_multinode": _STR, "prefill_tp": _INT, "prefill_ep": _INT, "prefill_dp_attention": _STR,
    "prefill_num_workers": _INT, "decode_tp": _INT, "decode_ep": _INT, "decode_dp_attention": _STR,
    "decode_num_workers": _INT, "num_prefill_gpu": _INT, "num_decode_gpu": _INT, "isl": _INT, "osl": _INT,
    "conc": _INT, "image": _STR, "date": _STR, "run_url": _STR,
    "metrics": pl.Struct({k: v for k, v in RAW_METRICS.items()}),
}

#: dashboard CSV export column → raw field. Latency columns say "(ms)" but hold seconds (spec §2.5).
CSV_COLUMNS: dict[str, str] = {
    "Model": "model", "ISL": "isl", "OSL": "osl", "Hardware": "hw", "Framework": "framework",
    "Precision": "precision", "TP": "tp", "Concurrency": "conc", "Date": "date",
    "Throughput/GPU (tok/s)": "tput_per_gpu", "Output Throughput/GPU (tok/s)": "output_tput_per_gpu",
    "Input Throughput/GPU (tok/s)": "input_tput_per_gpu",
    "Disaggregated": "disagg", "Num Prefill GPUs": "num_prefill_gpu", "Num Decode GPUs": "num_decode_gpu",
    "Spec Decoding": "spec_decoding", "EP": "ep", "DP Attention": "dp_attention", "Is Multinode": "is_multinode",
}
_CSV_LAT_NAMES = {"TTFT": "ttft", "TPOT": "tpot", "ITL": "itl", "E2E Latency": "e2el"}
_CSV_STAT_NAMES = {"Mean": "mean", "Median": "median", "P90": "p90", "P99": "p99", "P99.9": "p99.9", "Std": "std"}
for _st, _s in _CSV_STAT_NAMES.items():
    for _lt, _l in _CSV_LAT_NAMES.items():
        CSV_COLUMNS[f"{_st} {_lt} (ms)"] = f"{_s}_{_l}"
    CSV_COLUMNS[f"{_st} Interactivity (tok/s/user)"] = f"{_s}_intvty"
CSV_REQUIRED = ("Model", "ISL", "OSL", "Hardware", "Framework", "Precision", "Concurrency",
                "Throughput/GPU (tok/s)", "Median TPOT (ms)")

#: InferenceX result file-name convention (raw benchmark-client results and agg files)
RESULT_NAME_RE = re.compile(
    r"^(?:agg_)?(?P<prefix>[a-z0-9.]+?)_(?P<isl>\d+k)(?P<osl>\d+k)_(?P<precision>[a-z0-9]+)_(?P<framework>[a-z0-9.-]+)"
    r"_tp(?P<tp>\d+)-ep(?P<ep>\d+)-dpa(?P<dpa>true|false)_disagg-(?P<disagg>true|false)_spec-(?P<spec>[a-z0-9-]+)"
    r"_conc(?P<conc>\d+)_(?P<runner>.+)$",
    re.IGNORECASE,
)
ISL_OSL_RE = re.compile(r"_(\d+)k(\d+)k_", re.IGNORECASE)
RUN_DIR_RE = re.compile(r"^run[_-](\d+)(?:[_-](\d+))?$")
RUN_URL_RE = re.compile(r"/runs/(\d+)(?:/attempts?/(\d+))?")


class LoadError(ValueError):
    """Raised when nothing could be read, or on any skip with ``strict=True``."""


@dataclass
class FileEntry:
    """One input file: its content hash and what became of it."""

    path: str
    sha256: str | None
    format: str | None
    rows_read: int = 0
    rows_loaded: int = 0
    status: str = "read"  # read | skipped | ignored
    reason: str | None = None


@dataclass
class SkipEntry:
    file: str
    row: int | None  # None: the whole file
    reason: str


@dataclass
class LoadReport:
    """What a load did with every input: rows read, loaded, skipped by reason, duplicates."""

    files: list[FileEntry] = field(default_factory=list)
    skips: list[SkipEntry] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    duplicates: int = 0
    duplicate_examples: list[dict[str, Any]] = field(default_factory=list)
    from_cache: bool = False

    @property
    def skipped(self) -> dict[str, int]:
        """Reason → count. A row counts once; a file that could not be parsed at all counts as one item."""
        out: dict[str, int] = {}
        for s in self.skips:
            out[s.reason] = out.get(s.reason, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def rows_skipped(self) -> int:
        return sum(1 for s in self.skips if s.row is not None)

    def to_dict(self, examples: int = 20) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_skipped": self.rows_skipped,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "files_read": sum(1 for f in self.files if f.status == "read"),
            "files_skipped": sum(1 for f in self.files if f.status == "skipped"),
            "files_ignored": sum(1 for f in self.files if f.status == "ignored"),
            "from_cache": self.from_cache,
            "skip_examples": [s.__dict__ for s in self.skips[:examples]],
            "duplicate_examples": self.duplicate_examples[:examples],
            "files": [f.__dict__ for f in self.files],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "LoadReport":
        rep = cls(
            files=[FileEntry(**f) for f in d["files"]],
            skips=[SkipEntry(**s) for s in d.get("all_skips", d.get("skip_examples", []))],
            rows_read=d["rows_read"], rows_loaded=d["rows_loaded"], duplicates=d["duplicates"],
            duplicate_examples=d.get("duplicate_examples", []),
        )
        return rep

    def summary(self) -> str:
        """One paragraph for people."""
        lines = [f"{self.rows_loaded:,} of {self.rows_read:,} rows loaded from "
                 f"{sum(1 for f in self.files if f.status == 'read'):,} files"
                 f"{' (from cache)' if self.from_cache else ''}; {self.duplicates:,} duplicates removed."]
        rows: dict[str, int] = {}
        files: dict[str, int] = {}
        for sk in self.skips:
            bucket = rows if sk.row is not None else files
            bucket[sk.reason] = bucket.get(sk.reason, 0) + 1
        for reason, n in sorted(rows.items(), key=lambda kv: -kv[1]):
            lines.append(f"  skipped {n:,} row{'s' if n != 1 else ''}: {reason}")
        for reason, n in sorted(files.items(), key=lambda kv: -kv[1]):
            lines.append(f"  skipped {n:,} file{'s' if n != 1 else ''}: {reason}")
        return "\n".join(lines)

    def check_accounting(self) -> None:
        """Every row read is loaded, skipped or a duplicate (raises AssertionError otherwise)."""
        assert self.rows_read == self.rows_loaded + self.rows_skipped + self.duplicates, self.to_dict(0)


@dataclass
class LoadResult:
    points: pl.DataFrame
    report: LoadReport

    @property
    def synthetic(self) -> bool:
        """True when any loaded row is synthetic (generated, not measured)."""
        return bool(self.points.height and self.points["synthetic"].fill_null(False).any())

    def inputs(self) -> list[dict[str, Any]]:
        """Inputs for provenance blocks: path, sha256, format, rows read/loaded."""
        return [{"path": f.path, "sha256": f.sha256, "format": f.format, "rows_read": f.rows_read,
                 "rows_loaded": f.rows_loaded, "status": f.status, "reason": f.reason} for f in self.report.files]


# ---------------------------------------------------------------------------------------------------------------
# discovery


@dataclass
class _Source:
    label: str  # path shown to users
    raw_data: bytes | None  # None: a large file on disk, read block by block (``data`` reads it whole on demand)
    root: Path | None  # folder to stop the sidecar search at
    fs_path: Path | None  # file on disk (None for zip members)
    run_hint: dict[str, Any] = field(default_factory=dict)
    sha256: str | None = None  # content hash when already known (the cache's memo)

    @property
    def data(self) -> bytes:
        if self.raw_data is None:
            assert self.fs_path is not None
            self.raw_data = self.fs_path.read_bytes()
        return self.raw_data


def _expand(paths: Iterable[str | Path], resolved: dict[Path, Path] | None = None) -> tuple[list[Path], list[str]]:
    """Files (sorted, unique) for paths, folders and globs; and inputs that matched nothing.

    ``resolved`` (optional) receives file → resolved path, so callers need not resolve each file again."""
    found: list[tuple[Path, Path | None]] = []
    missing: list[str] = []
    for p in paths:
        p = Path(p).expanduser()
        if any(ch in str(p) for ch in "*?["):
            matches = [Path(m) for m in sorted(globlib.glob(str(p), recursive=True))]
            if not matches:
                missing.append(str(p))
            for m in matches:
                found.extend(_walk(m))
        elif p.is_dir():
            found.extend(_walk(p))
        elif p.is_file():
            found.append((p, None))
        else:
            missing.append(str(p))
    seen: set[Path] = set()
    out = []
    for f, r in found:
        r = r if r is not None else f.resolve()
        if r not in seen:
            seen.add(r)
            out.append(f)
            if resolved is not None:
                resolved[f] = r
    return out, missing


def _walk(p: Path) -> list[tuple[Path, Path | None]]:
    """Files under ``p`` (sorted; not into symlinked folders; no hidden file names), each with its resolved path
    when known without a system call (no symlink on the way), else None."""
    if p.is_file():
        return [(p, None)]
    base = p.resolve()
    out: list[tuple[Path, Path | None]] = []

    def scan(d: str, rel: tuple[str, ...]) -> None:
        try:
            with os.scandir(d) as it:
                entries = list(it)
        except OSError:
            return
        for e in entries:
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not e.is_symlink():
                    scan(e.path, rel + (e.name,))
                continue
            try:
                if not e.is_file() or e.name.startswith("."):
                    continue
            except OSError:
                continue
            out.append((p.joinpath(*rel, e.name), None if e.is_symlink() else base.joinpath(*rel, e.name)))

    scan(str(p), ())
    out.sort(key=lambda t: t[0])
    return out


def _run_info_for(path: Path, stop: Path | None, memo: dict | None = None) -> dict[str, Any]:
    """Run id/attempt/date from the nearest ``run.json`` or ``run_<id>`` folder above ``path``.

    ``memo`` (shared across the files of one load) keeps each folder's parsed sidecar and each (folder, stop)
    result, so a sidecar is looked for once per folder, not once per file."""
    if memo is not None:
        key = (path.parent, stop)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = _run_info_walk(path, stop, memo)
        return dict(hit)
    return _run_info_walk(path, stop, {})


def _sidecar(folder: Path, memo: dict) -> dict[str, Any] | None:
    key = ("sidecar", folder)
    if key not in memo:
        meta = None
        try:
            meta = json.loads((folder / "run.json").read_text())
        except (OSError, ValueError):
            pass
        memo[key] = meta if isinstance(meta, dict) else ({} if meta is not None else None)
    return memo[key]


def _run_info_walk(path: Path, stop: Path | None, memo: dict) -> dict[str, Any]:
    info: dict[str, Any] = {}
    for parent in path.parents:
        if "date" not in info:
            meta = _sidecar(parent, memo)
            if meta is not None:
                for k_src, k in (("run_id", "run_id"), ("databaseId", "run_id"), ("run_attempt", "run_attempt"),
                                 ("attempt", "run_attempt"), ("date", "date"), ("synthetic", "synthetic")):
                    if k_src in meta and k not in info and meta[k_src] is not None:
                        info[k] = meta[k_src]
                if "date" not in info and meta.get("createdAt"):
                    info["date"] = str(meta["createdAt"])[:10]
        m = RUN_DIR_RE.match(parent.name)
        if m and "run_id" not in info:
            info["run_id"] = int(m.group(1))
            if m.group(2) and "run_attempt" not in info:
                info["run_attempt"] = int(m.group(2))
        if stop is not None and parent == stop:
            break
    return info


def _sources(files: list[Path], roots: dict[Path, Path], report: LoadReport, resolved: dict[Path, Path],
             hashes: dict[str, str] | None = None) -> Iterator[_Source]:
    """Every data file (zip members expanded). ``roots``: file → resolved input folder it was found under."""
    memo: dict = {}
    for f in files:
        name = f.name.lower()
        if name in SIDECAR_NAMES or name.endswith(IGNORED_SUFFIXES):
            continue
        if not name.endswith(DATA_SUFFIXES):
            report.files.append(FileEntry(str(f), None, None, status="ignored",
                                          reason="not a .json, .csv or .zip file"))
            continue
        data: bytes | None = None
        try:
            with open(f, "rb") as fh:
                if not (name.endswith(".json") and os.fstat(fh.fileno()).st_size >= _STREAM_BYTES):
                    data = fh.read()
        except OSError as e:
            report.files.append(FileEntry(str(f), None, None, status="skipped", reason=f"unreadable file: {e}"))
            report.skips.append(SkipEntry(str(f), None, "unreadable file"))
            continue
        root = roots.get(f)
        rf = resolved.get(f) or f.resolve()
        hint = _run_info_for(rf, root, memo)
        if name.endswith(".zip"):
            yield from _zip_sources(str(f), data if data is not None else f.read_bytes(), hint, report)
        else:
            known = (hashes or {}).get(str(rf))
            yield _Source(str(f), data, root, f, hint, known if known != "unreadable" else None)


def _safe_member(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return not (p.is_absolute() or ".." in p.parts or re.match(r"^[A-Za-z]:", name))


def _zip_sources(label: str, data: bytes, hint: dict[str, Any], report: LoadReport) -> Iterator[_Source]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        report.files.append(FileEntry(label, cache_mod.bytes_sha256(data), "zip", status="skipped",
                                      reason=f"bad zip archive: {e}"))
        report.skips.append(SkipEntry(label, None, "bad zip archive"))
        return
    report.files.append(FileEntry(label, cache_mod.bytes_sha256(data), "zip", status="read", reason="archive"))
    sidecars: dict[str, dict[str, Any]] = {}
    for info in infos:
        if PurePosixPath(info.filename).name == "run.json" and _safe_member(info.filename):
            try:
                sidecars[str(PurePosixPath(info.filename).parent)] = json.loads(zf.read(info))
            except (ValueError, zipfile.BadZipFile):
                pass
    for info in infos:
        if info.is_dir():
            continue
        member = f"{label}!{info.filename}"
        lname = info.filename.lower()
        if not _safe_member(info.filename):
            report.files.append(FileEntry(member, None, None, status="skipped",
                                          reason="zip member path escapes the archive folder"))
            report.skips.append(SkipEntry(member, None, "zip member path escapes the archive folder"))
            continue
        if PurePosixPath(lname).name in SIDECAR_NAMES or lname.endswith(IGNORED_SUFFIXES):
            continue
        if not lname.endswith(DATA_SUFFIXES):
            report.files.append(FileEntry(member, None, None, status="ignored", reason="not a .json, .csv or .zip file"))
            continue
        try:
            blob = zf.read(info)
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            report.files.append(FileEntry(member, None, None, status="skipped", reason=f"unreadable zip member: {e}"))
            report.skips.append(SkipEntry(member, None, "unreadable zip member"))
            continue
        mhint = dict(hint)
        parts = PurePosixPath(info.filename).parts
        for i in range(len(parts) - 1, 0, -1):
            meta = sidecars.get(str(PurePosixPath(*parts[:i])))
            if meta:
                mhint.update({k: meta[k] for k in ("run_id", "run_attempt", "date", "synthetic") if k in meta})
                break
        for part in parts[:-1]:
            m = RUN_DIR_RE.match(part)
            if m and "run_id" not in mhint:
                mhint["run_id"] = int(m.group(1))
        if lname.endswith(".zip"):
            yield from _zip_sources(member, blob, mhint, report)
        else:
            yield _Source(member, blob, None, None, mhint)


# ---------------------------------------------------------------------------------------------------------------
# parsing: every format → the raw frame (RAW_SCHEMA + PROV_COLUMNS)


def _raw_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={**RAW_SCHEMA, **PROV_COLUMNS}, strict=False)


def _coerce(value: Any, dtype: pl.DataType) -> tuple[Any, bool]:
    """Python value → value for ``dtype``; (value, ok)."""
    if value is None:
        return None, True
    if dtype == _STR:
        if isinstance(value, bool):
            return ("true" if value else "false"), True
        if isinstance(value, (str, int, float)):
            return str(value), True
        return None, False
    if isinstance(value, bool):
        return None, False
    if dtype == _FLT:
        try:
            return float(value), True
        except (TypeError, ValueError):
            return None, False
    try:  # integers: allow 8, 8.0, "8"
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
            v, ok = _coerce(row[k], dtype)
            out[k] = v
            if not ok:
                bad.append(k)
    return out, (f"bad value for field: {bad[0]}" if bad else None)


def _int_or_none(v: Any) -> int | None:
    try:
        return int(v) if v is not None else None
    except (TypeError, ValueError):
        return None


def _python_rows(objs: list[Any], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Slow path: coerce row by row, recording a skip reason per bad row."""
    rows = []
    for obj in objs:
        if not isinstance(obj, dict):
            rows.append({"_skip": "row is not a JSON object"})
            continue
        out, err = _coerce_row(obj, schema)
        if err:
            out["_skip"] = err
        rows.append(out)
    return pl.DataFrame(rows, schema={**schema, "_skip": _STR}, strict=False)


def _classify_json(obj: Any) -> str:
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
        return "evaluation rows, not benchmark points (use frontier.evals)"
    if "hardware" in keys and "metrics" in keys:
        return "api"
    if "hw" in keys and ("tput_per_gpu" in keys or "median_tpot" in keys):
        if "isl" not in keys and ("source_file" in keys or "timestamp" in keys):
            return "early_agg"
        return "agg_bmk" if isinstance(obj, list) else "agg"
    if "max_concurrency" in keys and ("total_token_throughput" in keys or "output_throughput" in keys):
        return "raw_client"
    return "unknown format: no benchmark fields (hw/tput_per_gpu, hardware/metrics or model_id/max_concurrency)"


def _parse_json_source(src: _Source, topology: dict[str, Any] | None) -> tuple[str, pl.DataFrame | str]:
    """(format, raw frame) or (format-or-None, skip reason)."""
    data = src.data
    head = data[:4096].lstrip()
    if not head:
        return "", "empty file"
    # fast path: polars' NDJSON reader (strict: any type mismatch fails) with an explicit schema
    if head[:1] in (b"[", b"{"):
        try:
            probe = _probe_keys(head)
        except ValueError:
            probe = None
        if probe in ("agg", "agg_bmk"):
            fast = _fast_lines(data)
            if fast is not None:
                fmt, text, n = fast
                if n == 0:
                    return fmt, pl.DataFrame(schema=RAW_SCHEMA)
                try:
                    return fmt, _parse_ndjson(text, n)
                except _NotFast:  # any parser failure falls back to the checked path
                    pass
        elif probe == "api":
            try:
                df = pl.read_json(io.BytesIO(data), schema=API_SCHEMA)
                return "api", _api_to_raw(df)
            except Exception:  # noqa: BLE001
                pass
    # checked path: Python's parser (accepts NaN/Infinity), per-row coercion with reasons
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "", "unreadable: not UTF-8 text (binary or corrupt file)"
    try:
        obj = json.loads(text)
    except ValueError as e:
        return "", f"unreadable: invalid or truncated JSON ({type(e).__name__})"
    fmt = _classify_json(obj)
    if fmt in ("agg", "agg_bmk", "early_agg"):
        objs = obj if isinstance(obj, list) else [obj]
        return fmt, _python_rows(objs, RAW_SCHEMA)
    if fmt == "api":
        objs = obj if isinstance(obj, list) else [obj]
        flat = []
        for o in objs:
            if isinstance(o, dict):
                o = {**{k: v for k, v in o.items() if k != "metrics"},
                     **(o.get("metrics") if isinstance(o.get("metrics"), dict) else {})}
            flat.append(o)
        api_flat = {k: v for k, v in API_SCHEMA.items() if k != "metrics"} | RAW_METRICS
        return fmt, _api_to_raw(_python_rows(flat, api_flat), nested=False)
    if fmt == "raw_client":
        return fmt, _raw_client_to_raw(obj, src, topology)
    return None, fmt


def _probe_keys(head: bytes) -> str | None:
    """Guess the format from the first object's keys without parsing the whole file."""
    text = head.decode("utf-8", errors="ignore")
    if text.startswith("[") and re.match(r"^\[\s*\]\s*$", text):
        return "agg_bmk"
    first = text[: text.find("}") + 1] if "}" in text else text
    if '"hw"' in first and '"isl"' in first:
        return "agg_bmk" if text.startswith("[") else "agg"
    if '"hardware"' in text and '"metrics"' in text and '"task"' not in text:
        return "api"
    return None


def _api_to_raw(df: pl.DataFrame, nested: bool = True) -> pl.DataFrame:
    """API rows → raw agg fields. Single-node rows take the GPU count from decode_tp (spec §2.4 quirk)."""
    if nested:
        df = df.unnest("metrics")
    single = ~bool_expr("is_multinode").fill_null(False)
    out = df.with_columns(
        hw=pl.col("hardware"),
        infmax_model_prefix=pl.col("model"),
        model=pl.lit(None, dtype=_STR),
        spec_decoding=pl.col("spec_method"),
        tp=pl.when(single).then(pl.col("decode_tp")),
        ep=pl.when(single).then(pl.col("decode_ep")),
        dp_attention=pl.when(single).then(pl.col("decode_dp_attention")),
        **{c: pl.when(~single).then(pl.col(c)) for c in (
            "prefill_tp", "prefill_ep", "prefill_dp_attention", "prefill_num_workers", "decode_tp", "decode_ep",
            "decode_dp_attention", "decode_num_workers", "num_prefill_gpu", "num_decode_gpu")},
    )
    keep = [c for c in RAW_SCHEMA if c in out.columns] + (["_skip"] if "_skip" in out.columns else [])
    return out.select(keep)


def _isl_token(tok: str) -> int:
    return int(tok[:-1]) * 1024 if tok.lower().endswith("k") else int(tok)


def _raw_client_to_raw(obj: dict[str, Any], src: _Source, topology: dict[str, Any] | None) -> pl.DataFrame | str:
    """A raw benchmark-client result (latencies in ms) → one raw agg row (seconds)."""
    stem = PurePosixPath(src.label.split("!")[-1]).stem
    topo: dict[str, Any] = {}
    m = RESULT_NAME_RE.match(stem)
    if m:
        topo = {
            "infmax_model_prefix": m["prefix"], "isl": _isl_token(m["isl"]), "osl": _isl_token(m["osl"]),
            "precision": m["precision"], "framework": m["framework"], "tp": int(m["tp"]), "ep": int(m["ep"]),
            "dp_attention": m["dpa"], "disagg": m["disagg"], "spec_decoding": m["spec"], "conc": int(m["conc"]),
            "hw": m["runner"],
        }
    if topology:
        topo.update(topology)
    needed = ("hw", "tp", "isl", "osl", "precision", "framework")
    if not all(topo.get(k) is not None for k in needed):
        return ("raw client result without topology: file name not in the InferenceX convention "
                "(pass topology={hw, tp, isl, osl, precision, framework, ...})")
    row: dict[str, Any] = {k: v for k, v in topo.items() if k in RAW_SCHEMA}
    row.setdefault("conc", obj.get("max_concurrency"))
    row.setdefault("spec_decoding", "none")
    row.setdefault("disagg", "false")
    row["model"] = obj.get("model_id")
    row["is_multinode"] = "false"
    if obj.get("date"):
        d = str(obj["date"])
        row["date"] = f"{d[:4]}-{d[4:6]}-{d[6:8]}" if re.match(r"^\d{8}", d) else d[:10]
    skip = None
    gpus = int(topo["tp"]) * int(topo.get("pp") or 1) * int(topo.get("pcp_size") or 1)
    try:
        total = float(obj["total_token_throughput"])
        output = float(obj["output_throughput"])
        row["tput_per_gpu"] = total / gpus
        row["output_tput_per_gpu"] = output / gpus
        row["input_tput_per_gpu"] = (total - output) / gpus
    except (KeyError, TypeError, ValueError):
        skip = "missing field: total_token_throughput/output_throughput"
    if obj.get("completed") is not None and _coerce(obj.get("completed"), _FLT)[0] == 0:
        skip = "zero successful requests"
    for stat_src in STAT_SOURCE_NAMES:
        for kind in LATENCY_KINDS:
            v = obj.get(f"{stat_src}_{kind}_ms")
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                row[f"{stat_src}_{kind}"] = v / 1000.0
                if kind == "tpot":
                    row[f"{stat_src}_intvty"] = 1000.0 / v if v else None
    df = _python_rows([row], RAW_SCHEMA)
    if skip:
        df = df.with_columns(_skip=pl.lit(skip, dtype=_STR))
    return df


def _parse_csv_source(src: _Source) -> tuple[str | None, pl.DataFrame | str]:
    try:
        text = src.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "unreadable: not UTF-8 text (binary or corrupt file)"
    lines = text.splitlines()
    body_start = 0
    while body_start < len(lines) and lines[body_start].startswith("#"):
        body_start += 1
    if body_start >= len(lines):
        return None, "unknown format: CSV with no header row"
    header = next(iter(__import__("csv").reader([lines[body_start]])), [])
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        return None, f"unknown format: CSV header is not a dashboard export (missing {missing[0]!r})"
    schema = {c: (_STR if CSV_COLUMNS.get(c) in RAW_CONFIG and RAW_CONFIG[CSV_COLUMNS[c]] == _STR
                  else RAW_SCHEMA.get(CSV_COLUMNS.get(c, ""), _STR)) for c in header}
    # read numbers as strings first, so a bad cell skips its row with a reason instead of failing the file
    try:
        df = pl.read_csv(io.StringIO("\n".join(lines[body_start:])), schema={c: _STR for c in header},
                         has_header=True)
    except Exception as e:  # noqa: BLE001
        return None, f"unreadable CSV: {type(e).__name__}"
    bad = pl.lit(None, dtype=_STR)
    cast_cols = []
    for c in header:
        target = CSV_COLUMNS.get(c)
        if target is None:
            continue
        dtype = schema[c]
        if dtype == _STR:
            cast_cols.append(pl.col(c).alias(target))
        else:
            casted = pl.col(c).str.strip_chars().cast(_FLT, strict=False)
            bad = pl.when(pl.col(c).is_not_null() & (pl.col(c).str.strip_chars() != "") & casted.is_null()) \
                .then(pl.lit(f"bad value for field: {target}")).otherwise(bad)
            cast_cols.append((casted if dtype == _FLT else casted.cast(_INT, strict=False)).alias(target))
    df = df.select(*cast_cols, bad.alias("_skip"))
    # the Model column holds display names: keep it as the path and derive the key
    df = df.with_columns(
        infmax_model_prefix=pl.col("model").replace_strict(MODEL_KEYS, default=None, return_dtype=_STR),
    )
    return "csv", df


def _early_agg_fixups(df: pl.DataFrame) -> pl.DataFrame:
    """Early agg rows: ISL/OSL from ``source_file`` (``…_1k1k_…``), date from ``timestamp``."""
    m = pl.col("source_file").str.extract_groups(r"_(\d+)k(\d+)k_")
    return df.with_columns(
        isl=pl.coalesce(pl.col("isl"), m.struct.field("1").cast(_INT) * 1024),
        osl=pl.coalesce(pl.col("osl"), m.struct.field("2").cast(_INT) * 1024),
        date=pl.coalesce(pl.col("date"), pl.col("timestamp").str.slice(0, 10)),
        run_url=pl.coalesce(pl.col("run_url"),
                            pl.format("/runs/{}", pl.col("source_file").str.extract(r"run-(\d+)", 1))),
    )


# ---------------------------------------------------------------------------------------------------------------
# normalisation and validation (vectorised over every row of every file)

REQUIRED_FIELDS = ("hw", "model_any", "framework", "precision", "isl", "osl", "conc", "tput_per_gpu", "tpot_any")


def _per_distinct(df: pl.DataFrame, cols: list[str], build: Any, outputs: list[str]) -> list[pl.Series]:
    """Columns ``outputs`` of ``build(frame)`` — which may only use ``cols`` — for every row of ``df``, computed
    once per distinct combination of ``cols`` and joined back (plainly on all rows when most rows differ)."""
    keys = df.select(cols)
    uniq = keys.unique()
    if uniq.height * 8 > keys.height:
        out = build(keys)
        return [out[o] for o in outputs]
    table = build(uniq).select(*cols, *outputs)
    joined = keys.join(table, on=cols, how="left", nulls_equal=True, maintain_order="left")
    return [_chunked_like(joined[o], df) for o in outputs]


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


def _normalise(raw: pl.DataFrame) -> pl.DataFrame:
    """Raw agg-named rows (+ provenance) → canonical columns plus ``_skip`` reasons for invalid rows."""
    run_url = pl.col("run_url").str.extract_groups(RUN_URL_RE.pattern)
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
    # name normalisation works on a handful of distinct values (of GPU labels, engines, models, flags), not on
    # every row: each group of columns is normalised once per distinct combination and joined back
    def models(f: pl.DataFrame) -> pl.DataFrame:
        f = f.with_columns(
            __synthetic=pl.coalesce(bool_expr("synthetic"), pl.col("_synthetic"),
                                    pl.col("model").str.starts_with("synthetic/")).fill_null(False),
            __model_key=model_key_expr("infmax_model_prefix", "model"),
        )
        f = f.with_columns(__model=pl.when(pl.col("__model_key").is_not_null())
                           .then(pl.col("__model_key").replace(MODEL_DISPLAY_NAMES)).otherwise(pl.col("model")))
        return f.with_columns(__model=pl.when(pl.col("__synthetic") & pl.col("__model").is_not_null())
                              .then(pl.col("__model") + " (synthetic)").otherwise(pl.col("__model")))

    synthetic, model_key, model = _per_distinct(
        raw, ["infmax_model_prefix", "model", "synthetic", "_synthetic"], models,
        ["__synthetic", "__model_key", "__model"])
    hardware, hw_fw = _per_distinct(raw, ["hw"], lambda f: f.with_columns(
        __hardware=hardware_expr("hw"), __hw_fw=hw_suffix_framework_expr("hw")), ["__hardware", "__hw_fw"])
    (framework,) = _per_distinct(raw, ["framework"], lambda f: f.with_columns(__fw=framework_expr("framework")),
                                 ["__fw"])
    flags = {c: _per_distinct(raw, [c], lambda f, c=c: f.with_columns(bool_expr(c).alias("__b")), ["__b"])[0]
             for c in ("disagg", "is_multinode", "dp_attention", "prefill_dp_attention", "decode_dp_attention")}
    (spec,) = _per_distinct(raw, ["spec_decoding"], lambda f: f.with_columns(
        __spec=spec_method_expr("spec_decoding")), ["__spec"])
    (precision,) = _per_distinct(raw, ["precision"], lambda f: f.with_columns(
        __p=pl.col("precision").str.strip_chars().str.to_lowercase()), ["__p"])
    (date,) = _per_distinct(raw, ["date", "_date"], lambda f: f.with_columns(
        __d=pl.coalesce(pl.col("date").str.slice(0, 10), pl.col("_date")).str.to_date("%Y-%m-%d", strict=False)),
        ["__d"])
    df = raw.with_columns(
        hw_raw=pl.col("hw"),
        model_path=pl.col("model"),
        synthetic=synthetic,
        model_key=model_key,
        disagg=flags["disagg"].fill_null(False),
        is_multinode=flags["is_multinode"].fill_null(False),
        dp_attention=flags["dp_attention"],
        prefill_dp_attention=flags["prefill_dp_attention"],
        decode_dp_attention=flags["decode_dp_attention"],
        spec_method=spec,
        precision=precision,
        run_id=pl.coalesce(run_url.struct.field("1").cast(_INT, strict=False), pl.col("_run_id")),
        run_attempt=pl.coalesce(run_url.struct.field("2").cast(pl.Int32, strict=False), pl.col("_run_attempt")),
        date=date,
        source_file=pl.col("_file"),
        source_format=pl.col("_format"),
        source_row=pl.col("_row"),
        hardware=hardware,
        framework=pl.coalesce(framework, hw_fw),
        model=model,
        **lat,
    )
    df = df.with_columns(
        num_gpus=gpu_count_expr(),
        topology=topology_label_expr(),
    )
    tput = pl.col("tput_per_gpu")
    tpot = pl.col("median_tpot_s")
    checks: list[tuple[pl.Expr, str]] = [
        (pl.col("hw_raw").is_null() | (pl.col("hw_raw") == ""), "missing field: hw/hardware"),
        (pl.col("model").is_null(), "missing field: model"),
        (pl.col("framework").is_null(), "missing field: framework"),
        (pl.col("precision").is_null(), "missing field: precision"),
        (pl.col("isl").is_null() | pl.col("osl").is_null(), "missing field: isl/osl"),
        (pl.col("conc").is_null(), "missing field: conc"),
        (tput.is_null(), "missing field: tput_per_gpu"),
        (tpot.is_null(), "missing field: median_tpot (or median_intvty)"),
        (~tput.is_finite() | ~tpot.is_finite(), "non-finite throughput or TPOT"),
        (tput <= 0, "non-positive throughput"),
        (tpot <= 0, "non-positive TPOT"),
        (pl.col("num_gpus").is_null() | (pl.col("num_gpus") <= 0), "unknown GPU count (no tp or prefill/decode GPUs)"),
        ((pl.col("isl") <= 0) | (pl.col("osl") <= 0) | (pl.col("conc") <= 0), "non-positive isl, osl or conc"),
    ]
    # the first failing check names the reason (one flat when/then chain: first match wins)
    chain = pl.when(pl.col("_skip").is_not_null()).then(pl.col("_skip"))
    for cond, text in checks:
        chain = chain.when(cond.fill_null(False)).then(pl.lit(text))
    df = df.with_columns(_skip=chain.otherwise(pl.lit(None, dtype=_STR)))
    return df


def _dedupe(points: pl.DataFrame, keep: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Remove duplicate points. Returns (kept, removed-with-reason).

    Identical rows (same point, same throughput and TPOT) are always duplicates. With ``keep="newest"`` a rerun
    of the same point keeps the newest (highest run id, then attempt, then date, then load order).

    Works on a narrow frame of the key columns only (columns that are null on every row cannot tell rows apart
    and are left out of the keys); the full table is filtered once, and only when something was removed.
    """
    if keep not in ("newest", "all"):
        raise ValueError("keep must be 'newest' or 'all'")
    if points.height == 0:
        return points, points.with_columns(dup_reason=pl.lit(None, dtype=_STR)).head(0)
    order = ["run_id", "run_attempt", "date", "_file_index", "source_row"]
    ident_key = list(POINT_KEY) + ["tput_per_gpu", "median_tpot_s"]
    if keep == "all":
        ident_key += ["date"]

    def informative(cols: list[str]) -> list[str]:
        out = [c for c in dict.fromkeys(cols) if points[c].null_count() < points.height]
        return out or cols[:1]

    ident_cols = informative(ident_key)
    point_cols = informative(list(POINT_KEY))
    # the common case: every point distinct (then no row is an identical copy either) — one hashing pass, no sort
    if points.select(pl.struct(point_cols).n_unique()).item() == points.height:
        return points, pl.DataFrame(schema={"source_file": _STR, "source_row": pl.Int32(), "dup_reason": _STR})
    narrow = points.select(list(dict.fromkeys(ident_cols + point_cols + order))).with_row_index("_i")
    narrow = narrow.sort(order, nulls_last=False)  # newest last
    ident_keep = narrow.select(pl.struct(ident_cols).is_last_distinct())[:, 0]
    removed_i = [narrow.filter(~ident_keep)["_i"]]
    reasons = ["identical duplicate"]
    narrow = narrow.filter(ident_keep)
    if keep == "newest":
        newest = narrow.select(pl.struct(point_cols).is_last_distinct())[:, 0]
        removed_i.append(narrow.filter(~newest)["_i"])
        reasons.append("superseded by a newer run of the same point")
        narrow = narrow.filter(newest)
    rem = pl.concat([
        points.select("source_file", "source_row").gather(idx).with_columns(dup_reason=pl.lit(reason, dtype=_STR))
        for idx, reason in zip(removed_i, reasons)])
    if rem.height == 0:
        return points, rem
    mask = np.zeros(points.height, dtype=bool)
    mask[narrow["_i"].to_numpy()] = True
    return points.filter(pl.Series(mask)), rem


# ---------------------------------------------------------------------------------------------------------------
# public entry point


def load(
    paths: str | Path | Iterable[str | Path],
    *,
    strict: bool = False,
    keep: str = "newest",
    topology: dict[str, Any] | None = None,
    cache: bool = True,
    cache_dir: Path | None = None,
) -> LoadResult:
    """Load artifacts into the canonical table (``frontier.schema.SCHEMA``).

    paths: files, folders (recursive), globs or zips. keep: "newest" (reruns of a point keep the newest run) or
    "all" (keep every run; identical copies are still removed). topology: fields for raw client results whose file
    names do not follow the InferenceX convention (e.g. ``{"hw": "h200", "tp": 8, "isl": 1024, ...}``).
    cache: reuse a parquet copy in ``data/processed/`` keyed by the inputs' content hashes and these options.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    report = LoadReport()
    resolved: dict[Path, Path] = {}
    files, missing = _expand(paths, resolved)
    roots: dict[Path, Path] = {}
    for p in paths:
        pp = Path(p).expanduser()
        if not pp.is_dir():
            continue
        prefix = os.path.join(str(pp.resolve()), "")
        for f in files:
            if f not in roots and str(resolved[f]).startswith(prefix):
                roots[f] = pp.resolve()
    for m in missing:
        report.files.append(FileEntry(m, None, None, status="skipped", reason="no such file, folder or glob match"))
        report.skips.append(SkipEntry(m, None, "no such file, folder or glob match"))
    if not files and not missing:
        raise LoadError(f"no input files under {', '.join(map(str, paths)) or '(nothing given)'}")

    options = {"keep": keep, "topology": topology, "version": LOADER_VERSION}
    key = None
    hashes: dict[str, str] | None = None
    if cache:
        hashes = cache_mod.content_hashes(files, cache_dir, resolved=resolved)
        key = cache_mod.key_for(hashes, options)
        hit = cache_mod.get(key, cache_dir)
        if hit is not None:
            points, rep_dict = hit
            rep = LoadReport.from_dict(rep_dict)
            rep.from_cache = True
            rep.files = report.files + rep.files if missing else rep.files
            rep.skips = report.skips + rep.skips if missing else rep.skips
            _finish(rep, strict)
            return LoadResult(points, rep)

    raws, metas = _read_sources(_sources(files, roots, report, resolved, hashes), report, topology)
    if raws:
        raw = _attach_provenance(raws, metas)
        del raws
        norm = _normalise(raw)
        del raw
        report.rows_read = norm.height
        bad = norm.filter(pl.col("_skip").is_not_null()).select("source_file", "source_row", "_skip")
        for f, r, reason in bad.iter_rows():
            report.skips.append(SkipEntry(f, r, reason))
        good = norm.filter(pl.col("_skip").is_null()) if bad.height else norm
        keep_cols = list(SCHEMA) + ["_file_index"]
        good = good.select([c for c in keep_cols if c in good.columns])
        points, removed = _dedupe(conform_keep(good), keep)
        report.duplicates = removed.height
        report.duplicate_examples = [dict(zip(("file", "row", "reason"), r)) for r in removed.head(50).iter_rows()]
        points = conform(points)
    else:
        points = empty_points()
    report.rows_loaded = points.height
    loaded_by_file = points.group_by("source_file").len() if points.height else None
    if loaded_by_file is not None:
        counts = dict(loaded_by_file.iter_rows())
        for f in report.files:
            f.rows_loaded = counts.get(f.path, 0)
    if not any(f.status == "read" for f in report.files):
        raise LoadError("nothing could be read: " + "; ".join(f"{f.path}: {f.reason}" for f in report.files[:10]))
    if cache and key is not None:
        d = report.to_dict(examples=10**9)
        d["all_skips"] = [s.__dict__ for s in report.skips]
        cache_mod.put(key, points, d, cache_dir)
    _finish(report, strict)
    return LoadResult(points, report)


# ---------------------------------------------------------------------------------------------------------------
# reading every source into raw frames; agg / agg_bmk JSON goes through one NDJSON parse per ~16 MB of text

_NDJSON_BATCH_BYTES = 16 << 20  # NDJSON text handed to one polars call (many small files, or blocks of a big one)
_NDJSON_PIECE_BYTES = 1 << 20  # a big file is rewritten in pieces of this size (cache-friendly, few page faults)
_HASH_IN_FLIGHT_BYTES = 64 << 20  # file contents waiting for the hashing thread, at most
_STREAM_BYTES = 64 << 20  # on-disk JSON files at least this large are memory-mapped and parsed piece by piece
_FLATTEN = bytes.maketrans(b"\r\n", b"  ")
_SEP_RE = re.compile(rb"\}\s*,\s*\{")
_NONSPACE_RE = re.compile(rb"\S")
_WS = frozenset(b" \t\r\n")


class _NotFast(Exception):
    """The NDJSON fast path does not apply or failed: use the checked per-file path."""


def _ndjson_piece(buf: Any, lo: int, hi: int, flatten: bool) -> tuple[bytes, int]:
    """Objects in ``buf[lo:hi]`` separated by ``}, {`` (any whitespace) → one object per line, and the line count.

    Nothing is parsed here. Raw newlines never occur inside valid JSON strings, so flattening them is safe. A
    separator found inside a string value leaves its line ending in an unterminated string, which the strict
    NDJSON parser rejects: a wrong split makes the fast path fail (and the checked path run); it never loads.
    """
    view: Any = memoryview(buf)[lo:hi]
    if flatten:
        view = bytes(view).translate(_FLATTEN)
    text, k = _SEP_RE.subn(b"}\n{", view)
    return text, k + 1


def _doc_bounds(buf: Any) -> tuple[int, int] | None:
    """[first, last] non-whitespace byte positions (last exclusive) of a document, or None when blank."""
    m = _NONSPACE_RE.search(buf)
    if m is None:
        return None
    a, b = m.start(), len(buf)
    while b > a and buf[b - 1] in _WS:
        b -= 1
    return a, b


def _parse_ndjson(text: bytes, expected_rows: int) -> pl.DataFrame:
    try:
        df = pl.read_ndjson(text, schema=RAW_SCHEMA)
    except Exception as e:  # noqa: BLE001 - any parser failure means: use the checked path
        raise _NotFast(str(e)) from None
    # the reader returns one chunk per internal batch (dozens per call): later steps are much faster on one
    df = df.rechunk()
    if df.height != expected_rows:
        raise _NotFast(f"{df.height} rows parsed, {expected_rows} expected")
    return df


def _fast_probe(data: Any) -> str | None:
    head = bytes(data[:4096]).lstrip()
    if head[:1] not in (b"[", b"{"):
        return None
    try:
        probe = _probe_keys(head)
    except ValueError:
        return None
    return probe if probe in ("agg", "agg_bmk") else None


def _fast_lines(data: bytes) -> tuple[str, bytes, int] | None:
    """(format, NDJSON text, rows) for an agg / agg_bmk document that can take the fast path, else None."""
    probe = _fast_probe(data)
    bounds = _doc_bounds(data) if probe else None
    if bounds is None:
        return None
    a, b = bounds
    flatten = b"\n" in data or b"\r" in data
    if probe == "agg":  # one object: one line (``{..}, {..}`` stays on it and fails to parse, as it should)
        if data[a] != 0x7B:
            return None
        text = data[a:b] if (a, b) != (0, len(data)) else data
        return probe, (text.translate(_FLATTEN) if flatten else text), 1
    if data[a] != 0x5B or data[b - 1] != 0x5D or b - a < 2:  # [ ... ]
        return None
    if _NONSPACE_RE.search(data, a + 1, b - 1) is None:
        return probe, b"", 0
    text, n = _ndjson_piece(data, a + 1, b - 1, flatten)
    return probe, text, n


def _last_split(buf: Any, lo: int, hi: int) -> tuple[int, int] | None:
    """The last ``}`` ``,`` ``{`` separator (whitespace allowed) starting in ``buf[lo:hi]``: (position of the
    comma, position of the ``{``), else None."""
    pos = hi
    while True:
        j = buf.rfind(b"{", lo, pos)
        if j <= lo:
            return None
        k = j - 1
        while k > lo and buf[k] in _WS:
            k -= 1
        if buf[k] == 0x2C:  # ,
            c = k
            k -= 1
            while k > lo and buf[k] in _WS:
                k -= 1
            if buf[k] == 0x7D:  # }
                return c, j
        pos = j


def _stream_json_file(src: _Source, hasher: Any, parse_pool: Any) -> tuple[str, list[pl.DataFrame], Any]:
    """A large agg_bmk array on disk → (format, frames, sha256 or a future of it), memory-mapped and rewritten
    to NDJSON piece by piece (the file is never copied whole).

    Raises ``_NotFast`` when the file is not such an array or any block fails to parse; OSError when unreadable."""
    assert src.fs_path is not None
    frames: list[pl.DataFrame] = []
    with open(src.fs_path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            raise _NotFast("empty")
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    sha: Any = src.sha256
    futures: list[Any] = []
    page = mmap.PAGESIZE
    released = 0  # pages before this offset were handed back (they stay in the page cache, not in our RSS)
    try:
        if sha is None:
            sha = hasher(src.fs_path)
        fmt = _fast_probe(mm)
        bounds = _doc_bounds(mm) if fmt == "agg_bmk" else None
        if bounds is None or mm[bounds[0]] != 0x5B or mm[bounds[1] - 1] != 0x5D:
            raise _NotFast("not an agg_bmk array")
        flatten = mm.find(b"\n", bounds[0], bounds[1]) >= 0 or mm.find(b"\r", bounds[0], bounds[1]) >= 0
        pos, end = bounds[0] + 1, bounds[1] - 1
        pieces: list[bytes] = []
        rows = size = 0
        while pos < end:
            hi = pos + _NDJSON_PIECE_BYTES
            cut = None
            while hi < end and cut is None:
                cut = _last_split(mm, pos, hi)
                hi += _NDJSON_PIECE_BYTES
            stop, nxt = cut if cut is not None else (end, end)
            if _NONSPACE_RE.search(mm, pos, stop) is not None:
                text, n = _ndjson_piece(mm, pos, stop, flatten)
                pieces.append(text)
                rows += n
                size += len(text)
            pos = nxt
            if hasattr(mm, "madvise") and pos - released >= _NDJSON_BATCH_BYTES:
                upto = (pos // page) * page
                mm.madvise(mmap.MADV_DONTNEED, released, upto - released)
                released = upto
            if size >= _NDJSON_BATCH_BYTES or (pos >= end and pieces):
                futures.append(parse_pool.submit(_parse_ndjson, b"\n".join(pieces), rows))
                pieces, rows, size = [], 0, 0
                while len(futures) > 1:  # parse one block while the next one is rewritten
                    frames.append(futures.pop(0).result())
        while futures:
            frames.append(futures.pop(0).result())
    finally:
        for f in futures:  # after a failure: let the parser finish before the mapping goes
            f.exception()
        mm.close()
    return "agg_bmk", frames, sha


def _tag(df: pl.DataFrame, file_index: int, first_row: int = 0) -> pl.DataFrame:
    """Per-file frame → with ``_file_index``, ``_row`` and ``_skip`` (provenance is attached once, at the end)."""
    cols = {"_file_index": pl.lit(file_index, dtype=pl.Int32),
            "_row": pl.int_range(first_row, first_row + pl.len(), dtype=pl.Int32)}
    if "_skip" not in df.columns:
        cols["_skip"] = pl.lit(None, dtype=_STR)
    return df.with_columns(**cols)


def _read_sources(sources: Iterable[_Source], report: LoadReport, topology: dict[str, Any] | None
                  ) -> tuple[list[pl.DataFrame], dict[int, tuple[str, dict[str, Any], str]]]:
    """Parse every source. Returns raw frames (RAW_SCHEMA + ``_skip``, ``_file_index``, ``_row``) in file order and
    file index → (source, format) for the provenance columns."""
    raws: list[tuple[int, pl.DataFrame]] = []
    metas: dict[int, tuple[str, dict[str, Any], str]] = {}  # file index → label, run hint, format
    pending: list[tuple[int, _Source, FileEntry, str, bytes, int]] = []
    pending_bytes = 0

    def checked(idx: int, src: _Source, entry: FileEntry) -> None:
        if src.label.lower().endswith(".csv"):
            fmt, parsed = _parse_csv_source(src)
        else:
            fmt, parsed = _parse_json_source(src, topology)
        entry.format = fmt or None
        if isinstance(parsed, str):
            entry.status, entry.reason = "skipped", parsed
            report.skips.append(SkipEntry(src.label, None, parsed))
            return
        if fmt == "early_agg":
            parsed = _early_agg_fixups(parsed)
        entry.rows_read = parsed.height
        missing_cols = [pl.lit(None, dtype=dt).alias(c) for c, dt in RAW_SCHEMA.items() if c not in parsed.columns]
        if missing_cols:
            parsed = parsed.with_columns(missing_cols)
        parsed = parsed.select(list(RAW_SCHEMA) + (["_skip"] if "_skip" in parsed.columns else []))
        raws.append((idx, _tag(parsed, idx)))
        metas[idx] = (src.label, src.run_hint, fmt)

    def flush() -> None:
        nonlocal pending, pending_bytes
        batch, pending, pending_bytes = pending, [], 0
        live = [b for b in batch if b[5] > 0]
        for idx, src, entry, fmt, _, n in batch:
            if n == 0:  # an empty sweep: zero rows, not an error
                entry.format, entry.rows_read = fmt, 0
                metas[idx] = (src.label, src.run_hint, fmt)
        if not live:
            return
        parsing.append((parse_pool.submit(_parse_ndjson, b"\n".join(b[4] for b in live), sum(b[5] for b in live)),
                        live))
        while len(parsing) > 1:  # parse one batch while the next one is read and rewritten
            finish(*parsing.pop(0))

    def finish(fut: Any, live: list) -> None:
        try:
            df = fut.result()
        except _NotFast:
            for idx, src, entry, _, _, _ in live:  # one bad file: every file of the batch on its own
                checked(idx, src, entry)
            return
        counts = np.array([b[5] for b in live], dtype=np.int64)
        idxs = np.array([b[0] for b in live], dtype=np.int32)
        starts = np.cumsum(counts) - counts
        df = df.with_columns(
            _skip=pl.lit(None, dtype=_STR),
            _file_index=pl.Series(np.repeat(idxs, counts), dtype=pl.Int32),
            _row=pl.Series((np.arange(int(counts.sum())) - np.repeat(starts, counts)).astype(np.int32)),
        )
        raws.append((int(idxs[0]), df))
        for idx, src, entry, fmt, _, n in live:
            entry.format, entry.rows_read = fmt, n
            metas[idx] = (src.label, src.run_hint, fmt)

    # NDJSON parsing (polars) and content hashing (for the report) run on their own threads while the main thread
    # reads and rewrites the next files: both release the GIL
    parse_pool = ThreadPoolExecutor(max_workers=1)
    parsing: list[tuple[Any, list]] = []
    hash_pool = ThreadPoolExecutor(max_workers=1)
    hashed: list[tuple[FileEntry, Any]] = []
    in_flight: list[tuple[Any, int]] = []  # (future, bytes it holds): bounded, so a slow hashing thread
    in_flight_bytes = 0                    # cannot keep every file's content alive

    def hasher(buf: bytes | Path) -> Any:
        return hash_pool.submit(cache_mod.bytes_sha256 if isinstance(buf, bytes) else cache_mod.file_sha256, buf)

    try:
        for idx, src in enumerate(sources):
            entry = FileEntry(src.label, src.sha256, None)
            report.files.append(entry)
            if src.raw_data is None:  # a large file on disk: memory-mapped, parsed in blocks
                flush()
                try:
                    fmt, frames, sha = _stream_json_file(src, hasher, parse_pool)
                except OSError as e:
                    entry.status, entry.reason = "skipped", f"unreadable file: {e}"
                    report.skips.append(SkipEntry(src.label, None, "unreadable file"))
                    continue
                except _NotFast:
                    entry.sha256 = entry.sha256 or cache_mod.bytes_sha256(src.data)
                    checked(idx, src, entry)
                    src.raw_data = None
                    continue
                entry.sha256 = sha.result() if hasattr(sha, "result") else sha
                offset = 0
                for f in frames:  # one raw frame per block (one chunk each), rows numbered across the file
                    raws.append((idx, _tag(f, idx, offset)))
                    offset += f.height
                entry.format, entry.rows_read = fmt, sum(f.height for f in frames)
                metas[idx] = (src.label, src.run_hint, fmt)
                continue
            if entry.sha256 is None:
                fut = hasher(src.data)
                hashed.append((entry, fut))
                in_flight.append((fut, len(src.data)))
                in_flight_bytes += len(src.data)
                while in_flight_bytes > _HASH_IN_FLIGHT_BYTES:
                    done, size = in_flight.pop(0)
                    done.result()
                    in_flight_bytes -= size
            fast = None if src.label.lower().endswith(".csv") else _fast_lines(src.data)
            if fast is None:
                flush()  # keep rows in file order
                checked(idx, src, entry)
                continue
            fmt, text, n = fast
            pending.append((idx, src, entry, fmt, text, n))
            pending_bytes += len(text)
            if pending_bytes >= _NDJSON_BATCH_BYTES:
                flush()
        flush()
        while parsing:
            finish(*parsing.pop(0))
        for entry, fut in hashed:
            entry.sha256 = fut.result()
    finally:
        hash_pool.shutdown(wait=True)
        parse_pool.shutdown(wait=True)
    raws.sort(key=lambda t: t[0])  # stable: the blocks of one file keep their order
    return [r for _, r in raws], metas


def _attach_provenance(raws: list[pl.DataFrame],
                       metas: dict[int, tuple[str, dict[str, Any], str]]) -> pl.DataFrame:
    """Concatenate raw frames and add the provenance columns (PROV_COLUMNS) from each row's ``_file_index``."""
    n = max(metas) + 1 if metas else 0
    label, fmt, run_id, attempt, date, synth = ([None] * n for _ in range(6))
    for i, (lab, hint, f) in metas.items():
        label[i], fmt[i] = lab, f
        run_id[i] = _int_or_none(hint.get("run_id"))
        attempt[i] = _int_or_none(hint.get("run_attempt"))
        date[i] = str(hint["date"])[:10] if hint.get("date") else None
        synth[i] = bool(hint.get("synthetic")) if "synthetic" in hint else None
    prov = pl.DataFrame({"_file": label, "_format": fmt, "_run_id": run_id, "_run_attempt": attempt, "_date": date,
                         "_synthetic": synth},
                        schema={"_file": _STR, "_format": _STR, "_run_id": _INT, "_run_attempt": pl.Int32(),
                                "_date": _STR, "_synthetic": pl.Boolean()})
    cols = list(RAW_SCHEMA) + list(PROV_COLUMNS)
    out = []
    while raws:  # frame by frame (each one chunk), releasing the inputs as we go
        r = raws.pop(0)
        fi = r["_file_index"]
        out.append(r.with_columns([prov[c].gather(fi) for c in prov.columns]).select(cols))
        del r
    return pl.concat(out, how="vertical") if len(out) > 1 else out[0]


def conform_keep(df: pl.DataFrame) -> pl.DataFrame:
    """Conform to the schema but keep the load-order helper column used by de-duplication."""
    out = conform(df)
    return out.with_columns(df["_file_index"]) if "_file_index" in df.columns else out


def _finish(report: LoadReport, strict: bool) -> None:
    if strict and report.skips:
        s = report.skips[0]
        where = f"{s.file}" + (f", row {s.row}" if s.row is not None else "")
        raise LoadError(f"strict load: {where}: {s.reason} ({len(report.skips)} skipped in all)")


def matches(points: pl.DataFrame, **filters: Any) -> pl.DataFrame:
    """Filter points: ``model="DeepSeek*"`` (glob), ``isl=1024``, ``hardware=["b200", "h200"]``."""
    out = points
    for col, want in filters.items():
        if want is None:
            continue
        if isinstance(want, (list, tuple, set)):
            out = out.filter(pl.col(col).is_in(list(want)))
        elif isinstance(want, str) and any(ch in want for ch in "*?["):
            pattern = fnmatch.translate(want).replace("\\Z", "$")
            out = out.filter(pl.col(col).str.contains(f"(?i){pattern}"))
        else:
            out = out.filter(pl.col(col) == want)
    return out


def inventory(points: pl.DataFrame) -> pl.DataFrame:
    """What a table holds: per model and ISL/OSL, the configs, points, GPUs, precisions, dates (for people)."""
    if points.height == 0:
        return pl.DataFrame(schema={"model": pl.String, "isl": pl.Int32, "osl": pl.Int32, "configs": pl.UInt32,
                                    "points": pl.UInt32, "hardware": pl.String, "precisions": pl.String,
                                    "first date": pl.Date, "last date": pl.Date})
    return (points.group_by("model", "isl", "osl").agg(
        pl.struct("hardware", "framework", "precision", "spec_method", "disagg").n_unique().alias("configs"),
        pl.len().alias("points"),
        pl.col("hardware").unique().sort().str.join(", ").alias("hardware"),
        pl.col("precision").unique().sort().str.join(", ").alias("precisions"),
        pl.col("date").min().alias("first date"), pl.col("date").max().alias("last date"),
    ).sort("model", "isl", "osl"))
