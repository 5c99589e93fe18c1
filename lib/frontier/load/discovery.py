"""Discovery: paths, folders (recursive), globs and zip archives → the data files to read, each with its run hint.

Run ids, attempts and dates come from a ``run.json`` sidecar in an enclosing folder (``{"run_id", "run_attempt",
"date"}``), else from a ``run_<id>`` folder name. Files that are not data are listed as ignored; missing inputs,
unreadable files, bad archives and unsafe zip member names (``frontier.safety``) are skipped with a reason.
"""
from __future__ import annotations

import glob as globlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Iterator

from .. import cache as cache_mod
from ..safety import UnsafePathError, check_member_name
from .report import FileEntry, LoadError, LoadReport

DATA_SUFFIXES = (".json", ".csv", ".zip")
SIDECAR_NAMES = ("run.json",)
IGNORED_SUFFIXES = (".meta.json",)
NOT_DATA = "not a .json, .csv or .zip file"
RUN_DIR_RE = re.compile(r"^run[_-](\d+)(?:[_-](\d+))?$")
#: on-disk JSON files at least this large (bytes) are not read here: the reader memory-maps them
STREAM_BYTES = 64 << 20
#: sidecar key → run-hint key (first one present wins)
_SIDECAR_KEYS = (("run_id", "run_id"), ("databaseId", "run_id"), ("run_attempt", "run_attempt"),
                 ("attempt", "run_attempt"), ("date", "date"), ("synthetic", "synthetic"))


@dataclass
class Source:
    """One data file to read (a file on disk or a zip member)."""

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


@dataclass
class Inputs:
    """The files a load reads: in order, each with its resolved path and the input folder it was found under."""

    files: list[Path]
    resolved: dict[Path, Path]  # file → resolved path
    roots: dict[Path, Path]  # file → resolved input folder (files given directly have none)


def discover(paths: list[str | Path], report: LoadReport) -> Inputs:
    """Expand ``paths``; inputs that match nothing are recorded as skipped. Raises LoadError when nothing is given."""
    resolved: dict[Path, Path] = {}
    files, missing = expand(paths, resolved)
    for m in missing:
        report.skip_file(m, "no such file, folder or glob match")
    if not files and not missing:
        raise LoadError(f"no input files under {', '.join(map(str, paths)) or '(nothing given)'}")
    return Inputs(files, resolved, _input_roots(paths, files, resolved))


def _input_roots(paths: list[str | Path], files: list[Path], resolved: dict[Path, Path]) -> dict[Path, Path]:
    """file → the resolved input folder it lies under (the sidecar search stops there)."""
    roots: dict[Path, Path] = {}
    for p in paths:
        pp = Path(p).expanduser()
        if not pp.is_dir():
            continue
        prefix = os.path.join(str(pp.resolve()), "")
        for f in files:
            if f not in roots and str(resolved[f]).startswith(prefix):
                roots[f] = pp.resolve()
    return roots


def expand(paths: Iterable[str | Path], resolved: dict[Path, Path] | None = None) -> tuple[list[Path], list[str]]:
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


def run_info_for(path: Path, stop: Path | None, memo: dict | None = None) -> dict[str, Any]:
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
                for k_src, k in _SIDECAR_KEYS:
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


def sources(inputs: Inputs, report: LoadReport, hashes: dict[str, str] | None = None) -> Iterator[Source]:
    """Every data file (zip members expanded), in order. ``hashes``: resolved path → known content hash."""
    memo: dict = {}
    for f in inputs.files:
        name = f.name.lower()
        if name in SIDECAR_NAMES or name.endswith(IGNORED_SUFFIXES):
            continue
        if not name.endswith(DATA_SUFFIXES):
            report.files.append(FileEntry(str(f), None, None, status="ignored", reason=NOT_DATA))
            continue
        data: bytes | None = None
        try:
            with open(f, "rb") as fh:
                if not (name.endswith(".json") and os.fstat(fh.fileno()).st_size >= STREAM_BYTES):
                    data = fh.read()
        except OSError as e:
            report.skip_file(str(f), "unreadable file", f"unreadable file: {e}")
            continue
        root = inputs.roots.get(f)
        rf = inputs.resolved.get(f) or f.resolve()
        hint = run_info_for(rf, root, memo)
        if name.endswith(".zip"):
            yield from _zip_sources(str(f), data if data is not None else f.read_bytes(), hint, report)
        else:
            known = (hashes or {}).get(str(rf))
            yield Source(str(f), data, root, f, hint, known if known != "unreadable" else None)


def _safe_member(name: str) -> bool:
    try:
        check_member_name(name)
    except UnsafePathError:
        return False
    return True


def _zip_sidecars(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> dict[str, dict[str, Any]]:
    """Member folder → its parsed ``run.json``."""
    sidecars: dict[str, dict[str, Any]] = {}
    for info in infos:
        if PurePosixPath(info.filename).name == "run.json" and _safe_member(info.filename):
            try:
                sidecars[str(PurePosixPath(info.filename).parent)] = json.loads(zf.read(info))
            except (ValueError, zipfile.BadZipFile):
                pass
    return sidecars


def _member_hint(name: str, hint: dict[str, Any], sidecars: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The archive's run hint, updated from the nearest sidecar and ``run_<id>`` folder inside the archive."""
    mhint = dict(hint)
    parts = PurePosixPath(name).parts
    for i in range(len(parts) - 1, 0, -1):
        meta = sidecars.get(str(PurePosixPath(*parts[:i])))
        if meta:
            mhint.update({k: meta[k] for k in ("run_id", "run_attempt", "date", "synthetic") if k in meta})
            break
    for part in parts[:-1]:
        m = RUN_DIR_RE.match(part)
        if m and "run_id" not in mhint:
            mhint["run_id"] = int(m.group(1))
    return mhint


def _zip_sources(label: str, data: bytes, hint: dict[str, Any], report: LoadReport) -> Iterator[Source]:
    """The data members of a zip (nested zips expanded), labelled ``archive.zip!member``."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        report.skip_file(label, "bad zip archive", f"bad zip archive: {e}", sha256=cache_mod.bytes_sha256(data),
                         format="zip")
        return
    report.files.append(FileEntry(label, cache_mod.bytes_sha256(data), "zip", status="read", reason="archive"))
    sidecars = _zip_sidecars(zf, infos)
    for info in infos:
        if info.is_dir():
            continue
        member = f"{label}!{info.filename}"
        lname = info.filename.lower()
        if not _safe_member(info.filename):
            report.skip_file(member, "zip member path escapes the archive folder")
            continue
        if PurePosixPath(lname).name in SIDECAR_NAMES or lname.endswith(IGNORED_SUFFIXES):
            continue
        if not lname.endswith(DATA_SUFFIXES):
            report.files.append(FileEntry(member, None, None, status="ignored", reason=NOT_DATA))
            continue
        try:
            blob = zf.read(info)
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            report.skip_file(member, "unreadable zip member", f"unreadable zip member: {e}")
            continue
        mhint = _member_hint(info.filename, hint, sidecars)
        if lname.endswith(".zip"):
            yield from _zip_sources(member, blob, mhint, report)
        else:
            yield Source(member, blob, None, None, mhint)
