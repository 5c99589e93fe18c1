"""Discovery: paths, folders (recursive), globs and zip archives → the data files to read, each with its run hint
(``sidecars``); zip members come from ``archives``.

Every entry found ends in the load report: files that are not data as ignored; missing inputs, unreadable files
and folders, hidden entries, FIFOs and other special files (never opened), dangling links, links to folders (not
followed: loops cannot hang a load), folders past the depth limit and files past the size limits as skipped with
a reason; a file reached twice as a duplicate. Folders are walked without recursion.
"""

from __future__ import annotations

import errno
import glob as globlib
import os
import re
import stat
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any

from frontier.data.cache import bytes_sha256
from frontier.data.load.archives import zip_members
from frontier.data.load.kinds import DATA_SUFFIXES, IGNORED_SUFFIXES, NOT_DATA, SIDECAR_NAMES
from frontier.data.load.limits import MAX_FILE_BYTES, MAX_FOLDER_DEPTH, MAX_WHOLE_BYTES
from frontier.data.load.report import FileEntry, LoadError, LoadReport
from frontier.data.load.sidecars import SIDECAR_READ, read_sidecar, remember_sidecar, run_info_for, sidecar_problem
from frontier.data.safety import path_text
from frontier.fsutil import safe_for_terminal as printable

__all__ = [
    "Expanded",
    "Inputs",
    "STREAM_BYTES",
    "Source",
    "discover",
    "expand",
    "read_bounded",
    "sidecars_above",
    "sources",
]

#: on-disk JSON files at least this large (bytes) are not read here: the reader memory-maps them
STREAM_BYTES = 64 << 20


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
            with open(self.fs_path, "rb") as fh:
                self.raw_data = read_bounded(fh, os.fstat(fh.fileno()).st_size)
        return self.raw_data


def read_bounded(fh: Any, size: int) -> bytes:
    """A file's content, at most one byte past ``MAX_WHOLE_BYTES`` (the reader then refuses it), even if it grew
    since its ``size`` (bytes) was taken. The first read asks for the size + 1 bytes only: asking for the limit
    would allocate it whole, every file."""
    first = min(size, MAX_WHOLE_BYTES) + 1
    data = fh.read(first)
    if len(data) == first and first <= MAX_WHOLE_BYTES:  # the file grew: the rest, up to the limit
        data += fh.read(MAX_WHOLE_BYTES + 1 - first)
    return data


@dataclass
class Inputs:
    """The files a load reads: in order, each with its resolved path and the input folder it was found under."""

    files: list[Path]
    resolved: dict[Path, Path]  # file → resolved path
    roots: dict[Path, Path]  # file → resolved input folder (files given directly have none)


def discover(paths: list[str | Path], report: LoadReport) -> Inputs:
    """Expand ``paths`` into the files to read, in the order of their resolved paths. Inputs that match nothing,
    and entries that cannot be read as files (unreadable, hidden, special or too deep), are recorded as skipped; a
    file found twice as a duplicate. Raises LoadError when nothing is given."""
    resolved: dict[Path, Path] = {}
    found = expand(paths, resolved)
    for m in found.missing:
        report.skip_file(path_text(m), "no such file, folder or glob match")
    for where, reason, detail in found.problems:
        report.skip_file(path_text(where), reason, detail)
    for dup, first in found.duplicates:
        report.files.append(
            FileEntry(path_text(dup), None, None, status="duplicate", reason=f"same file as {path_text(first)}")
        )
    if not found.files and not found.missing and not found.problems and not found.duplicates:
        raise LoadError(f"no input files under {', '.join(printable(str(p)) for p in paths) or '(nothing given)'}")
    # read in the order of resolved paths, whatever the order of ``paths``: the table (its rows' order and which
    # copy of a point is kept) then depends only on what the cache key covers (resolved paths and contents)
    files = sorted(found.files, key=lambda f: (str(resolved[f]), str(f)))
    return Inputs(files, resolved, _input_roots(paths, files, resolved))


def _input_roots(paths: list[str | Path], files: list[Path], resolved: dict[Path, Path]) -> dict[Path, Path]:
    """file → the resolved input folder it lies under (the sidecar search stops there); under nested input folders,
    the outermost (whatever the order they were given in)."""
    roots: dict[Path, Path] = {}
    folders = {Path(p).expanduser().resolve() for p in paths if Path(p).expanduser().is_dir()}
    for root in sorted(folders, key=lambda r: (len(r.parts), str(r))):
        prefix = os.path.join(str(root), "")
        for f in files:
            if f not in roots and str(resolved[f]).startswith(prefix):
                roots[f] = root
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
                _add(m, _kind_of(m), found, out)
            continue
        _add(p, _kind_of(p), found, out)
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
        elif (i in links and not is_link) or ((i in links) == is_link and str(f) < str(out.files[i])):
            # the same file again: the path that is not a link is the one read, else the first in text order (so
            # the name a file is read under does not depend on the order of the inputs)
            out.duplicates.append((out.files[i], f))
            out.files[i] = f
            if not is_link:
                links.discard(i)
        else:
            out.duplicates.append((f, out.files[i]))
    if resolved is not None:
        resolved.update(zip(out.files, real))
    return out


def _add(p: Path, kind: str, found: list[tuple[Path, Path | None]], out: Expanded) -> None:
    """An input path (given, or matched by a glob): a folder is walked (also through a link: it was named), a
    file added, anything else recorded (a FIFO is never opened: it could block the load forever)."""
    if kind in ("folder", "folder link"):
        found.extend(_walk(p, out.problems))
    elif kind == "file":
        found.append((p, None))
    elif kind == "missing":
        out.missing.append(str(p))
    else:
        out.problems.append((str(p), kind.split(" (")[0] if kind.startswith("unreadable") else kind, kind))


def _kind_of(p: Path | os.DirEntry) -> str:
    """ "file", "folder", "folder link", "missing", or the reason an entry is not read (links followed)."""
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


_SPECIAL = {
    stat.S_IFIFO: "FIFO",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
}
_HIDDEN = "hidden file or folder (name starts with '.'), not read"
_FOLDER_LINK = "symbolic link to a folder, not followed"


def _walk(p: Path, problems: list[tuple[str, str, str]]) -> list[tuple[Path, Path | None]]:
    """Regular files under folder ``p`` (sorted), each with its resolved path when known without a system call
    (no symlink on the way), else None. Entries that are not read go to ``problems`` with their reason."""
    base = str(p.resolve())
    shown = "" if str(p) == "." else str(p)  # paths are shown as ``Path`` shows them: ``./x`` as ``x``
    found: list[tuple[tuple[str, ...], str, str | None]] = []  # (parts below p, path, resolved path or None)
    stack: list[tuple[str, tuple[str, ...]]] = [(str(p), ())]
    while stack:
        d, rel = stack.pop()
        try:
            with os.scandir(d) as it:
                entries = list(it)
        except OSError as e:
            problems.append((d, "unreadable folder", f"unreadable folder ({e.strerror or type(e).__name__})"))
            continue
        for entry in entries:
            parts = (*rel, entry.name)
            here = os.path.join(shown, *parts)
            if entry.name.startswith("."):
                problems.append((here, _HIDDEN, _HIDDEN))
                continue
            kind = _kind_of(entry)
            if kind == "folder":
                if len(rel) >= MAX_FOLDER_DEPTH:
                    reason = f"folders nested deeper than {MAX_FOLDER_DEPTH} levels, not searched"
                    problems.append((here, reason, reason))
                else:
                    stack.append((entry.path, parts))
            elif kind == "file":
                found.append((parts, here, None if entry.is_symlink() else os.path.join(base, *parts)))
            elif kind == "folder link":
                problems.append((here, _FOLDER_LINK, _FOLDER_LINK))
            else:
                problems.append((here, kind.split(" (")[0] if kind.startswith("unreadable") else kind, kind))
    found.sort(key=lambda t: t[0])  # the order of the paths' parts, as paths sort
    return [(Path(here), None if real is None else Path(real)) for _, here, real in found]


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
        for entry in entries:
            here = d / entry.name
            rel = here.relative_to(root).as_posix() if fixed else here.as_posix()
            hit = regex.fullmatch(rel) is not None
            kind = _kind_of(entry)
            if kind == "folder" and not entry.name.startswith(".") and depth < MAX_FOLDER_DEPTH:
                stack.append((here, depth + 1))
            if not hit:
                continue
            if entry.name.startswith("."):
                problems.append((str(here), _HIDDEN, _HIDDEN))
            elif kind in ("file", "folder"):
                matched.append(here)
            elif kind == "folder link":
                problems.append((str(here), _FOLDER_LINK, _FOLDER_LINK))
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
                body = part[j + 1 : k].replace("\\", "\\\\")
                out += "[" + ("^" + body[1:] if body.startswith("!") else body) + "]"
                j = k
            else:
                out += re.escape(ch)
            j += 1
        if not last:
            out += "/"
    return out


def sidecars_above(inputs: Inputs) -> list[Path]:
    """The ``run.json`` files above the inputs that lie outside any input folder (files and zips given by name):
    they give those files' run ids and dates, so the cache key must cover them too."""
    out: list[Path] = []
    seen: set[Path] = set()
    for f in inputs.files:
        if f in inputs.roots:  # searched up to its input folder, whose sidecars are inputs themselves
            continue
        for parent in (inputs.resolved.get(f) or f.resolve()).parents:
            if parent in seen:
                break
            seen.add(parent)
            candidate = parent / "run.json"
            try:
                if stat.S_ISREG(candidate.stat().st_mode):
                    out.append(candidate)
            except OSError:
                pass
    return out


def _is_data_name(name: str) -> bool:
    """A file name (lower case) the loader reads as data (not a sidecar, download metadata or anything else)."""
    return name not in SIDECAR_NAMES and not name.endswith(IGNORED_SUFFIXES) and name.endswith(DATA_SUFFIXES)


@dataclass
class _Opened:
    """A data file opened: its status, its content when it is read whole, or why it could not be opened."""

    st: os.stat_result | None
    data: bytes | None
    error: OSError | None
    deferred: bool = False  # found too big to read ahead: opened again in its turn
    sidecar: tuple[str, dict[str, Any] | str | None] | None = None  # (folder, ``read_sidecar`` of it) read ahead
    sha256: str | None = None  # SHA-256 of ``data``, when asked for (taken on the read-ahead thread)


#: files read ahead, at most, and the largest file read ahead (bytes): a bigger one is read when its turn comes
_READ_AHEAD_FILES = 32
_READ_AHEAD_MAX_BYTES = 4 << 20
#: files opened by one read-ahead task (one hand-over between threads per batch, not per file)
_READ_AHEAD_BATCH = 8


def _not_read(name: str, st: os.stat_result) -> tuple[str, str] | None:
    """(reason, detail) when an opened file is not read at all: not a regular file, or past the size limits."""
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file", "not a regular file"
    too_big = _too_big(name, st.st_size)
    return ("file larger than the loader's limit", too_big) if too_big else None


def _open(f: Path, name: str, ahead: bool = False, digest: bool = False) -> _Opened:
    """Open a data file without blocking (a file swapped for a FIFO since it was listed cannot block the load) and
    read it whole when it is a regular CSV, or JSON below ``STREAM_BYTES``, within the limits. ``ahead``: read only
    files up to ``_READ_AHEAD_MAX_BYTES`` (a bigger one comes back ``deferred``: ``_open`` it again in turn).
    ``digest``: also take the SHA-256 of what was read."""
    try:
        with os.fdopen(os.open(f, os.O_RDONLY | os.O_NONBLOCK), "rb") as fh:
            st = os.fstat(fh.fileno())
            whole = name.endswith(".csv") or (name.endswith(".json") and st.st_size < STREAM_BYTES)
            if _not_read(name, st) or not whole:
                return _Opened(st, None, None)
            if ahead and st.st_size > _READ_AHEAD_MAX_BYTES:
                return _Opened(None, None, None, deferred=True)
            data = read_bounded(fh, st.st_size)
            return _Opened(st, data, None, sha256=bytes_sha256(data) if digest else None)
    except OSError as e:
        return _Opened(None, None, e)


#: a file to open ahead: (file, its lower-case name, the folder whose run.json to read too (None: read ahead
#: already), whether to take its content hash)
_AheadJob = tuple[Path, str, str | None, bool]


def _open_ahead(jobs: list[_AheadJob]) -> list[_Opened]:
    """``_open`` a batch of files ahead of their turn, each with the ``run.json`` beside it when asked for."""
    out = []
    for f, name, folder, digest in jobs:
        opened = _open(f, name, ahead=True, digest=digest)
        if folder is not None:
            opened.sidecar = (folder, read_sidecar(folder))
        out.append(opened)
    return out


class _ReadAhead:
    """Opens and reads the next data files and the sidecars beside them (each folder's once) on a thread of its
    own, in batches of ``_READ_AHEAD_BATCH`` files, and takes the content hash of each file read whose hash is not
    known (``hashes``: resolved path → hash), so their system calls and hashing (which release the GIL) overlap
    the main thread's work instead of waiting for the GIL in it."""

    def __init__(self, files: list[Path], resolved: dict[Path, Path], hashes: dict[str, str] | None = None) -> None:
        self.resolved = resolved
        self.hashes = hashes or {}
        self.todo = iter([f for f in files if _is_data_name(f.name.lower())])
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frontier-read-ahead")
        self.tasks: deque[tuple[list[Path], Future[list[_Opened]]]] = deque()
        self.queued = 0  # files in ``tasks``
        self.ready: deque[tuple[Path, _Opened]] = deque()  # opened, waiting for their turn
        self.folders: set[str] = set()  # folders whose run.json is read ahead already
        self._top_up()

    def _top_up(self) -> None:
        while self.queued < _READ_AHEAD_FILES:
            jobs: list[_AheadJob] = []
            for f in islice(self.todo, _READ_AHEAD_BATCH):
                real = os.fspath(self.resolved.get(f) or f.resolve())
                folder = os.path.dirname(real) or "."
                new_folder = folder not in self.folders
                self.folders.add(folder)
                digest = self.hashes.get(real) in (None, "unreadable")
                jobs.append((f, f.name.lower(), folder if new_folder else None, digest))
            if not jobs:
                return
            self.tasks.append(([job[0] for job in jobs], self.pool.submit(_open_ahead, jobs)))
            self.queued += len(jobs)

    def open(self, f: Path, name: str) -> _Opened:
        """``f`` opened (data files come in the order they were listed)."""
        if not self.ready and self.tasks:
            files, fut = self.tasks.popleft()
            self.queued -= len(files)
            self.ready.extend(zip(files, fut.result(), strict=True))
            self._top_up()
        if not (self.ready and self.ready[0][0] == f):
            return _open(f, name)
        opened = self.ready.popleft()[1]
        return replace(_open(f, name), sidecar=opened.sidecar) if opened.deferred else opened

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def sources(inputs: Inputs, report: LoadReport, hashes: dict[str, str] | None = None) -> Iterator[Source]:
    """Every data file (zip members expanded), in order. ``hashes``: resolved path → known content hash.

    Every file ends in the report: sidecars and download metadata as ignored (a sidecar that cannot be used as
    skipped), files over the size limits as skipped, data files as read (or skipped by their reader)."""
    memo: dict = {}
    ahead = _ReadAhead(inputs.files, inputs.resolved, hashes)
    try:
        for f in inputs.files:
            label = path_text(f)
            name = f.name.lower()
            rf = inputs.resolved.get(f) or f.resolve()
            if name in SIDECAR_NAMES:
                problem = sidecar_problem(rf.parent, memo)
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
            opened = ahead.open(f, name)
            if opened.error is not None:
                e = opened.error
                report.skip_file(label, "unreadable file", f"unreadable file: {e.strerror or type(e).__name__}")
                continue
            assert opened.st is not None
            not_read = _not_read(name, opened.st)
            if not_read:
                report.skip_file(label, *not_read)
                continue
            if opened.sidecar is not None:
                remember_sidecar(*opened.sidecar, memo)
            root = inputs.roots.get(f)
            hint = run_info_for(rf, root, memo)
            known = (hashes or {}).get(str(rf))
            known = known if known != "unreadable" else None
            if name.endswith(".zip"):
                for member, blob, mhint in zip_members(label, f, hint, report, known):
                    yield Source(member, blob, None, None, mhint)
            else:
                yield Source(label, opened.data, root, f, hint, known or opened.sha256)
    finally:
        ahead.close()


def _too_big(name: str, size: int) -> str | None:
    """Why a file of ``size`` bytes is not read at all, or None."""
    if size > MAX_FILE_BYTES:
        return f"file of {size:,} bytes (limit {MAX_FILE_BYTES:,})"
    if name.endswith(".csv") and size > MAX_WHOLE_BYTES:
        return f"CSV file of {size:,} bytes (limit {MAX_WHOLE_BYTES:,} for files read whole)"
    return None
