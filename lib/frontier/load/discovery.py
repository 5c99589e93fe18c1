"""Discovery: paths, folders (recursive), globs and zip archives → the data files to read, each with its run hint.

Run ids, attempts and dates come from a ``run.json`` sidecar in an enclosing folder (``{"run_id", "run_attempt",
"date"}``), else from a ``run_<id>`` folder name. Files that are not data are listed as ignored; missing inputs,
unreadable files, bad archives and unsafe zip member names (``frontier.safety``) are skipped with a reason.
"""
from __future__ import annotations

import errno
import glob as globlib
import io
import lzma
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Iterator

from .. import cache as cache_mod
from ..fsutil import safe_for_terminal as printable
from ..safety import UnsafePathError, path_text, read_zip_member, zip_member_problem
from .limits import (INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, MAX_COMPRESSION_RATIO, MAX_FILE_BYTES,
                     MAX_FOLDER_DEPTH, MAX_INFLATED_BYTES, MAX_MEMBER_BYTES, MAX_MEMBERS, MAX_SIDECAR_BYTES,
                     MAX_WHOLE_BYTES, MAX_ZIP_NESTING, parse_json, valid_text)
from .report import FileEntry, LoadError, LoadReport

DATA_SUFFIXES = (".json", ".csv", ".zip")
SIDECAR_NAMES = ("run.json",)
IGNORED_SUFFIXES = (".meta.json",)
NOT_DATA = "not a .json, .csv or .zip file"
#: a ``run_<id>[_<attempt>]`` folder (ids of up to 18 digits fit the run-id column; longer ones are no run folder)
RUN_DIR_RE = re.compile(r"^run[_-](\d{1,18})(?:[_-](\d{1,9}))?$")
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
    """Expand ``paths``. Inputs that match nothing, and entries that cannot be read as files (unreadable, hidden,
    special or too deep), are recorded as skipped; a file found twice as a duplicate. Raises LoadError when
    nothing is given."""
    resolved: dict[Path, Path] = {}
    found = expand(paths, resolved)
    for m in found.missing:
        report.skip_file(path_text(m), "no such file, folder or glob match")
    for where, reason, detail in found.problems:
        report.skip_file(path_text(where), reason, detail)
    for dup, first in found.duplicates:
        report.files.append(FileEntry(path_text(dup), None, None, status="duplicate",
                                      reason=f"same file as {path_text(first)}"))
    if not found.files and not found.missing and not found.problems and not found.duplicates:
        raise LoadError(f"no input files under {', '.join(printable(str(p)) for p in paths) or '(nothing given)'}")
    return Inputs(found.files, resolved, _input_roots(paths, found.files, resolved))


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


@dataclass
class Expanded:
    """What a list of paths, folders and globs holds."""

    files: list[Path] = field(default_factory=list)  # regular files, each once, in order
    missing: list[str] = field(default_factory=list)  # inputs that matched nothing
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (path, reason, detail) not read
    duplicates: list[tuple[Path, Path]] = field(default_factory=list)  # (file, the same file found first)


def expand(paths: Iterable[str | Path], resolved: dict[Path, Path] | None = None) -> Expanded:
    """Files (sorted within each folder, unique) for paths, folders and globs, and what could not be used.

    Folders are searched without recursion and without following symbolic links to folders (two links forming
    loops cannot hang a load), at most ``MAX_FOLDER_DEPTH`` deep. ``resolved`` (optional) receives file →
    resolved path, so callers need not resolve each file again."""
    out = Expanded()
    found: list[tuple[Path, Path | None]] = []
    for p in paths:
        p = Path(p).expanduser()
        if any(ch in str(p) for ch in "*?["):
            matches = _glob(p, out.problems)
            if not matches:
                out.missing.append(str(p))
            for m in matches:
                found.extend(_walk(m, out.problems) if m.is_dir() else [(m, None)])
            continue
        kind = _kind_of(p)
        if kind == "folder" or kind == "folder link":
            found.extend(_walk(p, out.problems))
        elif kind == "file":
            found.append((p, None))
        elif kind == "missing":
            out.missing.append(str(p))
        else:
            out.problems.append((str(p), kind, kind))
    first: dict[Path, int] = {}  # resolved path → index in out.files
    links: set[int] = set()  # indices of files reached through a symbolic link
    real: list[Path] = []
    for f, r in found:
        is_link = r is None and f.is_symlink()  # the walk knows the resolved path when no link is on the way
        r = r if r is not None else f.resolve()
        i = first.get(r)
        if i is None:
            first[r] = len(out.files)
            if is_link:
                links.add(len(out.files))
            out.files.append(f)
            real.append(r)
        elif i in links and not is_link:  # the same file again: the path that is not a link is the one read
            out.duplicates.append((out.files[i], f))
            out.files[i] = f
            links.discard(i)
        else:
            out.duplicates.append((f, out.files[i]))
    if resolved is not None:
        resolved.update(zip(out.files, real))
    return out


def _kind_of(p: Path | os.DirEntry) -> str:
    """"file", "folder", "folder link", "missing", or the reason an entry is not read (links followed)."""
    if isinstance(p, os.DirEntry) and not p.is_symlink():  # the entry's type is known without a system call
        if p.is_file(follow_symlinks=False):
            return "file"
        if p.is_dir(follow_symlinks=False):
            return "folder"
    try:
        st = p.stat()
        is_link = p.is_symlink()
    except FileNotFoundError:
        try:
            return "dangling symbolic link" if p.is_symlink() else "missing"
        except OSError:
            return "missing"
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"unreadable ({e.strerror or type(e).__name__})"
    if stat.S_ISDIR(st.st_mode):
        return "folder link" if is_link else "folder"
    if stat.S_ISREG(st.st_mode):
        return "file"
    return f"not a regular file ({_SPECIAL.get(stat.S_IFMT(st.st_mode), 'special file')})"


_SPECIAL = {stat.S_IFIFO: "FIFO", stat.S_IFSOCK: "socket", stat.S_IFCHR: "character device",
            stat.S_IFBLK: "block device"}
HIDDEN = "hidden file or folder (name starts with '.'), not read"
FOLDER_LINK = "symbolic link to a folder, not followed"


def _walk(p: Path, problems: list[tuple[str, str, str]]) -> list[tuple[Path, Path | None]]:
    """Regular files under folder ``p`` (sorted), each with its resolved path when known without a system call
    (no symlink on the way), else None. Entries that are not read go to ``problems`` with their reason."""
    base = p.resolve()
    out: list[tuple[Path, Path | None]] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(str(p), ())]
    while stack:
        d, rel = stack.pop()
        try:
            with os.scandir(d) as it:
                entries = list(it)
        except OSError as e:
            problems.append((d, "unreadable folder", f"unreadable folder ({e.strerror or type(e).__name__})"))
            continue
        for e in entries:
            here = str(p.joinpath(*rel, e.name))
            if e.name.startswith("."):
                problems.append((here, HIDDEN, HIDDEN))
                continue
            kind = _kind_of(e)
            if kind == "folder":
                if len(rel) >= MAX_FOLDER_DEPTH:
                    reason = f"folders nested deeper than {MAX_FOLDER_DEPTH} levels, not searched"
                    problems.append((here, reason, reason))
                else:
                    stack.append((e.path, rel + (e.name,)))
            elif kind == "file":
                out.append((Path(here), None if e.is_symlink() else base.joinpath(*rel, e.name)))
            elif kind == "folder link":
                problems.append((here, FOLDER_LINK, FOLDER_LINK))
            else:
                problems.append((here, kind.split(" (")[0] if kind.startswith("unreadable") else kind, kind))
    out.sort(key=lambda t: t[0])
    return out


def _glob(pattern: Path, problems: list[tuple[str, str, str]]) -> list[Path]:
    """Paths matching a glob. ``**`` (any number of folders) is matched by walking the tree with the rules of
    ``_walk`` (no links to folders followed, depth bounded), not by ``glob``, which follows links."""
    text = str(pattern)
    if "**" not in text:
        try:
            return [Path(m) for m in sorted(globlib.glob(text))]
        except (OSError, RecursionError, ValueError):
            return []
    parts = pattern.parts
    fixed = next(i for i, part in enumerate(parts) if any(ch in part for ch in "*?["))
    root = Path(*parts[:fixed]) if fixed else Path(".")
    regex = re.compile(_glob_regex(parts[fixed:]))
    if _kind_of(root) != "folder" and _kind_of(root) != "folder link":
        return []
    matched: list[Path] = []
    seen_problems: list[tuple[str, str, str]] = []
    stack: list[tuple[Path, int]] = [(root, 0)]
    while stack:
        d, depth = stack.pop()
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            seen_problems.append((str(d), "unreadable folder", f"unreadable folder ({e.strerror})"))
            continue
        for e in entries:
            here = d / e.name
            rel = here.relative_to(root).as_posix() if fixed else here.as_posix()
            hit = regex.fullmatch(rel) is not None
            kind = _kind_of(e)
            if kind == "folder" and not e.name.startswith(".") and depth < MAX_FOLDER_DEPTH:
                stack.append((here, depth + 1))
            if not hit:
                continue
            if e.name.startswith("."):
                problems.append((str(here), HIDDEN, HIDDEN))
            elif kind in ("file", "folder"):
                matched.append(here)
            elif kind == "folder link":
                problems.append((str(here), FOLDER_LINK, FOLDER_LINK))
            elif kind != "missing":
                problems.append((str(here), kind.split(" (")[0] if kind.startswith("unreadable") else kind, kind))
    problems.extend(seen_problems)
    return sorted(matched)


def _glob_regex(parts: tuple[str, ...]) -> str:
    """Regular expression for the relative glob ``parts`` (``**``: any number of folders, ``*``/``?``/``[..]``
    within one name). Leading dots are matched too: hidden entries are then reported, not silently passed."""
    out = ""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            out += ".*" if last else "(?:[^/]*/)*"
            continue
        j = 0
        while j < len(part):
            ch = part[j]
            if ch == "*":
                out += "[^/]*"
            elif ch == "?":
                out += "[^/]"
            elif ch == "[" and part.find("]", j + 2) != -1:
                k = part.find("]", j + 2)
                body = part[j + 1:k].replace("\\", "\\\\")
                out += "[" + ("^" + body[1:] if body.startswith("!") else body) + "]"
                j = k
            else:
                out += re.escape(ch)
            j += 1
        if not last:
            out += "/"
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


def parse_sidecar(data: bytes) -> dict[str, Any] | str:
    """A ``run.json`` sidecar's bytes → its run hint (``run_id``, ``run_attempt``, ``date``, ``synthetic``), or the
    reason it cannot be used (then no field of it is used)."""
    if len(data) > MAX_SIDECAR_BYTES:
        return f"run.json sidecar larger than {MAX_SIDECAR_BYTES:,} bytes"
    try:
        meta = parse_json(data, "run.json sidecar")
    except ValueError as e:
        return f"run.json sidecar unusable: {e}" if not str(e).startswith("run.json") else str(e)
    if not isinstance(meta, dict):
        return "run.json sidecar is not a JSON object"
    hint: dict[str, Any] = {}
    for k_src, k in _SIDECAR_KEYS:
        v = meta.get(k_src)
        if v is None or k in hint:
            continue
        if k in ("run_id", "run_attempt"):
            lo, hi = (INT64_MIN, INT64_MAX) if k == "run_id" else (INT32_MIN, INT32_MAX)
            iv = v if type(v) is int else int(v) if isinstance(v, str) and v.strip().isdigit() else None
            if iv is None or not lo <= iv <= hi:
                return f"run.json sidecar: {k_src} is not an integer in range"
            v = iv
        elif k == "date" and not (isinstance(v, str) and valid_text(v)):
            return f"run.json sidecar: {k_src} is not a date string"
        hint[k] = v
    created = meta.get("createdAt")
    if "date" not in hint and isinstance(created, str) and valid_text(created):
        hint["date"] = created[:10]
    return hint


def _sidecar(folder: Path, memo: dict) -> dict[str, Any] | None:
    """The run hint of ``folder/run.json`` (None when absent or unusable; the reason kept in ``memo``)."""
    key = ("sidecar", folder)
    if key not in memo:
        memo[key] = None
        path = folder / "run.json"
        try:
            st = path.stat()
            if not stat.S_ISREG(st.st_mode):  # never open a FIFO or device: it could block forever
                raise OSError(errno.EINVAL, "not a regular file")
            if st.st_size > MAX_SIDECAR_BYTES:
                raise OSError(errno.EFBIG, f"larger than {MAX_SIDECAR_BYTES:,} bytes")
            parsed = parse_sidecar(path.read_bytes())
        except FileNotFoundError:
            return None
        except OSError as e:
            parsed = f"run.json sidecar unreadable ({e.strerror or type(e).__name__})"
        if isinstance(parsed, str):
            memo[("sidecar problem", folder)] = parsed
        else:
            memo[key] = parsed
    return memo[key]


def _run_info_walk(path: Path, stop: Path | None, memo: dict) -> dict[str, Any]:
    info: dict[str, Any] = {}
    for parent in path.parents:
        if "date" not in info:
            meta = _sidecar(parent, memo)
            for k, v in (meta or {}).items():
                info.setdefault(k, v)
        m = RUN_DIR_RE.match(parent.name)
        if m and "run_id" not in info:
            info["run_id"] = int(m.group(1))
            if m.group(2) and "run_attempt" not in info:
                info["run_attempt"] = int(m.group(2))
        if stop is not None and parent == stop:
            break
    return info


SIDECAR_READ = "run.json sidecar (run id, attempt and date of the files beside and below it)"


def sources(inputs: Inputs, report: LoadReport, hashes: dict[str, str] | None = None) -> Iterator[Source]:
    """Every data file (zip members expanded), in order. ``hashes``: resolved path → known content hash.

    Every file ends in the report: sidecars and download metadata as ignored (a sidecar that cannot be used as
    skipped), files over the size limits as skipped, data files as read (or skipped by their reader)."""
    memo: dict = {}
    for f in inputs.files:
        label = path_text(f)
        name = f.name.lower()
        rf = inputs.resolved.get(f) or f.resolve()
        if name in SIDECAR_NAMES:
            _sidecar(rf.parent, memo)
            problem = memo.get(("sidecar problem", rf.parent))
            if problem:
                report.skip_file(label, problem)
            else:
                report.files.append(FileEntry(label, None, None, status="ignored", reason=SIDECAR_READ))
            continue
        if name.endswith(IGNORED_SUFFIXES):
            report.files.append(FileEntry(label, None, None, status="ignored", reason="download metadata"))
            continue
        if not name.endswith(DATA_SUFFIXES):
            report.files.append(FileEntry(label, None, None, status="ignored", reason=NOT_DATA))
            continue
        data: bytes | None = None
        try:
            with open(f, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                too_big = _too_big(name, size)
                if too_big:
                    report.skip_file(label, "file larger than the loader's limit", too_big)
                    continue
                if name.endswith(".csv") or (name.endswith(".json") and size < STREAM_BYTES):
                    data = fh.read()
        except OSError as e:
            report.skip_file(label, "unreadable file", f"unreadable file: {e.strerror or type(e).__name__}")
            continue
        root = inputs.roots.get(f)
        hint = run_info_for(rf, root, memo)
        known = (hashes or {}).get(str(rf))
        known = known if known != "unreadable" else None
        if name.endswith(".zip"):
            yield from _zip_sources(label, f, hint, report, _Budget(MAX_INFLATED_BYTES), 1, known)
        else:
            yield Source(label, data, root, f, hint, known)


def _too_big(name: str, size: int) -> str | None:
    """Why a file of ``size`` bytes is not read at all, or None."""
    if size > MAX_FILE_BYTES:
        return f"file of {size:,} bytes (limit {MAX_FILE_BYTES:,})"
    if name.endswith(".csv") and size > MAX_WHOLE_BYTES:
        return f"CSV file of {size:,} bytes (limit {MAX_WHOLE_BYTES:,} for files read whole)"
    return None


@dataclass
class _Budget:
    """Bytes an archive (with the archives inside it) may still inflate."""

    left: int


def _zip_sidecars(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], label: str, report: LoadReport
                  ) -> dict[str, dict[str, Any]]:
    """Member folder → its ``run.json`` run hint; unusable sidecars are skipped with their reason."""
    sidecars: dict[str, dict[str, Any]] = {}
    for info in infos:
        if PurePosixPath(info.filename).name.lower() != "run.json" or info.is_dir():
            continue
        member = f"{label}!{path_text(info.filename)}"
        problem = zip_member_problem(info, max_bytes=MAX_SIDECAR_BYTES, max_ratio=MAX_COMPRESSION_RATIO)
        parsed: dict[str, Any] | str = problem[1] if problem else ""
        if not problem:
            try:
                parsed = parse_sidecar(read_zip_member(zf, info, MAX_SIDECAR_BYTES))
            except Exception as e:  # noqa: BLE001 - any damage: this sidecar is skipped with its reason
                parsed = f"unreadable zip member ({type(e).__name__})"
        if isinstance(parsed, str):
            report.skip_file(member, parsed)
        else:
            sidecars[str(PurePosixPath(info.filename).parent)] = parsed
            report.files.append(FileEntry(member, None, None, status="ignored", reason=SIDECAR_READ))
    return sidecars


def _member_hint(name: str, hint: dict[str, Any], sidecars: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The archive's run hint, updated from the nearest sidecar and ``run_<id>`` folder inside the archive."""
    mhint = dict(hint)
    parts = PurePosixPath(name).parts
    for i in range(len(parts) - 1, 0, -1):
        meta = sidecars.get(str(PurePosixPath(*parts[:i])))
        if meta:
            mhint.update(meta)
            break
    for part in parts[:-1]:
        m = RUN_DIR_RE.match(part)
        if m and "run_id" not in mhint:
            mhint["run_id"] = int(m.group(1))
    return mhint


#: what reading a damaged member can raise (bad CRC, corrupt deflate/bzip2/lzma data, truncated archive)
_ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError,
                    NotImplementedError, RuntimeError)


def _open_zip(label: str, source: Path | bytes, report: LoadReport) -> tuple[zipfile.ZipFile, list] | None:
    """The archive and its members, or None (skipped with the reason: not a zip, too many members)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        infos = zf.infolist()
    except _ZIP_READ_ERRORS as e:
        report.skip_file(label, "bad zip archive", f"bad zip archive: {type(e).__name__}: {e}", format="zip")
        return None
    if len(infos) > MAX_MEMBERS:
        zf.close()
        report.skip_file(label, "zip archive with too many members",
                         f"zip archive with {len(infos):,} members (limit {MAX_MEMBERS:,})", format="zip")
        return None
    return zf, infos


def _zip_sources(label: str, source: Path | bytes, hint: dict[str, Any], report: LoadReport, budget: _Budget,
                 depth: int, sha: str | None = None) -> Iterator[Source]:
    """The data members of a zip (nested zips expanded, at most ``MAX_ZIP_NESTING`` deep), labelled
    ``archive.zip!member``. Every member is checked by ``frontier.safety`` before it is read, and read with its
    inflated bytes counted against the member and archive limits, whatever its header says."""
    opened = _open_zip(label, source, report)
    if opened is None:
        return
    zf, infos = opened
    if sha is None:
        try:
            sha = cache_mod.bytes_sha256(source) if isinstance(source, bytes) else cache_mod.file_sha256(source)
        except OSError:
            sha = None
    report.files.append(FileEntry(label, sha, "zip", status="read", reason="archive"))
    with zf:
        sidecars = _zip_sidecars(zf, infos, label, report)
        for info in infos:
            if info.is_dir() or PurePosixPath(info.filename).name.lower() == "run.json":
                continue
            member = f"{label}!{path_text(info.filename)}"
            blob = _read_member(zf, info, member, budget, depth, report)
            if blob is None:
                continue
            mhint = _member_hint(info.filename, hint, sidecars)
            if info.filename.lower().endswith(".zip"):
                yield from _zip_sources(member, blob, mhint, report, budget, depth + 1)
            else:
                yield Source(member, blob, None, None, mhint)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, member: str, budget: _Budget, depth: int,
                 report: LoadReport) -> bytes | None:
    """A data member's bytes, or None when it is not data (ignored) or must not or cannot be read (skipped)."""
    lname = info.filename.lower()
    problem = zip_member_problem(info, max_bytes=MAX_MEMBER_BYTES, max_ratio=MAX_COMPRESSION_RATIO)
    if problem:
        report.skip_file(member, *problem)
        return None
    if lname.endswith(IGNORED_SUFFIXES) or not lname.endswith(DATA_SUFFIXES):
        report.files.append(FileEntry(member, None, None, status="ignored",
                                      reason="download metadata" if lname.endswith(IGNORED_SUFFIXES) else NOT_DATA))
        return None
    if lname.endswith(".zip") and depth >= MAX_ZIP_NESTING:
        report.skip_file(member, f"zip archives nested deeper than {MAX_ZIP_NESTING} levels")
        return None
    if info.file_size > budget.left:
        report.skip_file(member, "zip archive inflates past the loader's limit",
                         f"zip archive inflates to more than {MAX_INFLATED_BYTES:,} bytes in all")
        return None
    try:
        blob = read_zip_member(zf, info, min(MAX_MEMBER_BYTES, budget.left))
    except UnsafePathError as e:
        report.skip_file(member, "zip member inflates past the loader's limit", str(e))
        return None
    except _ZIP_READ_ERRORS as e:
        report.skip_file(member, "corrupt zip member", f"corrupt zip member: {type(e).__name__}: {e}")
        return None
    budget.left -= len(blob)
    return blob
