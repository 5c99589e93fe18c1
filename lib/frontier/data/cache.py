"""Parquet cache of loaded tables in ``data/processed/``, keyed by the inputs' content hashes.

A load's key is the SHA-256 of (loader version, options, every input's path and SHA-256 of content). Content
hashes are memoised in ``data/processed/file-hashes.json`` by each file's (size, mtime, ctime, inode, device), so
an unchanged tree is not read again to be hashed. The ctime and inode are what make the memo safe: ``cp -p``,
``rsync -t``, ``tar`` and ``unzip`` restore a file's mtime, but the kernel sets its ctime on every write and no
tool can set it back, so a file rewritten with its size and mtime preserved is hashed again. A memo taken within
``RACY_NS`` of the file's last change is not trusted either (two changes within one timestamp tick). Hashing
everything on every load was measured and not chosen: SHA-256 runs at about 160 MB/s here, 37 ms for the 2.2 MB
sample (a stat of every file: 0.2 ms) but about 9 s for a 1.4 GB sweep whose cached reload takes 0.3 s.

Entries are ``load-<key>.parquet`` (lz4: faster to write and read than zstd) + ``load-<key>.json`` (the load
report in an envelope that names the key and the parquet's size, so a mismatched or damaged pair is a miss).

The cache can only cost speed, never break or falsify a load: any unreadable, unwritable, damaged or malformed
cache file is a miss, and the reason is appended to the caller's ``notes`` list. Writers write to unique
temporary files and rename them into place, so concurrent loads never see half-written entries. Size is bounded:
at most ``_MAX_ENTRIES`` entries and ``_MAX_BYTES`` bytes of entries (least recently used evicted first), and at
most ``_MAX_INDEX_ENTRIES`` memoised file hashes (least recently hashed dropped first).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl

from frontier import paths
from frontier.fsutil import write_atomic

__all__ = [
    "HASH_INDEX",
    "RACY_COARSE_NS",
    "RACY_NS",
    "bytes_sha256",
    "content_hashes",
    "evict",
    "file_sha256",
    "get",
    "key_for",
    "put",
]

HASH_INDEX = "file-hashes.json"
_ENTRY_FORMAT = 2  # version of the load-<key>.json envelope
_MAX_ENTRIES = 32  # cached loads kept (least recently used evicted first)
_MAX_BYTES = 4 << 30  # bytes of cached loads kept (parquet + json), 4 GiB
_MAX_INDEX_ENTRIES = 200_000  # memoised file hashes kept (about 40 MB of JSON at most)
_MAX_JSON_BYTES = 256 << 20  # a cache JSON file larger than this is not read (a miss with a note)
#: a memo is not trusted when the file changed this close before it was hashed (it may have changed again within
#: the same timestamp tick): 100 ms where timestamps have sub-second resolution, 2 s where they are whole seconds
RACY_NS = 100_000_000
RACY_COARSE_NS = 2_000_000_000
_STALE_TMP_SECONDS = 3600  # temporary files of writers that died are removed after an hour

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_KEY = re.compile(r"^[0-9a-f]{32}$")

_Notes = list[str] | None


def _dir(cache_dir: Path | None) -> Path:
    return Path(cache_dir) if cache_dir is not None else paths.DATA_PROCESSED


def _note(notes: _Notes, text: str) -> None:
    if notes is not None and text not in notes:
        notes.append(text)


def bytes_sha256(data: bytes) -> str:
    """SHA-256 (hex) of a byte string."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file's content, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# content hashes, memoised by stat signature


def _signature(st: os.stat_result) -> list[int]:
    """What must be unchanged for a memoised hash to be reused: size, mtime, ctime (ns), inode, device."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def _valid_memo(v: Any) -> bool:
    """A memo is [size, mtime_ns, ctime_ns, inode, device, sha256 hex, hashed_at_ns]."""
    return (
        isinstance(v, list)
        and len(v) == 7
        and all(type(x) is int for x in v[:5])
        and type(v[6]) is int
        and isinstance(v[5], str)
        and _HEX64.match(v[5]) is not None
    )


_ABSENT = object()


def _read_json(path: Path, what: str, notes: _Notes) -> Any:
    """Parsed JSON of a cache file, or ``_ABSENT`` (absent: silently; unreadable or damaged: with a note)."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > _MAX_JSON_BYTES:
                _note(notes, f"cache: {what} is {size:,} bytes (limit {_MAX_JSON_BYTES:,}), ignored")
                return _ABSENT
            data = fh.read()
    except FileNotFoundError:
        return _ABSENT
    except OSError as e:
        _note(notes, f"cache: {what} unreadable ({e.strerror or type(e).__name__}), ignored")
        return _ABSENT
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as e:
        _note(notes, f"cache: {what} is damaged ({type(e).__name__}), ignored")
        return _ABSENT


def _read_index(path: Path, notes: _Notes) -> dict[str, list[Any]]:
    raw = _read_json(path, HASH_INDEX, notes)
    if raw is _ABSENT:
        return {}
    if not isinstance(raw, dict):
        _note(notes, f"cache: {HASH_INDEX} is not a JSON object, ignored")
        return {}
    index = {k: v for k, v in raw.items() if isinstance(k, str) and _valid_memo(v)}
    if len(index) < len(raw):
        _note(notes, f"cache: {len(raw) - len(index):,} malformed entries of {HASH_INDEX} ignored")
    return index


def content_hashes(
    files: list[Path], cache_dir: Path | None = None, resolved: dict[Path, Path] | None = None, notes: _Notes = None
) -> dict[str, str]:
    """Resolved path → SHA-256 of content ("unreadable" when the file cannot be read).

    A memoised hash is reused only when the file's size, mtime, ctime, inode and device are all unchanged and
    the file had not changed within ``RACY_NS`` before it was hashed. ``resolved``: file → resolved path when the
    caller already has it. Problems with the memo file are appended to ``notes``; they never raise."""
    index_path = _dir(cache_dir) / HASH_INDEX
    index = _read_index(index_path, notes)
    out: dict[str, str] = {}
    todo: list[tuple[str, Path, os.stat_result]] = []
    for f in files:
        r = resolved.get(f) if resolved else None
        key = str(r if r is not None else Path(f).resolve())
        try:
            st = os.stat(f)
        except OSError:
            out[key] = "unreadable"
            continue
        memo = index.get(key)
        if memo and memo[:5] == _signature(st) and not _racy(st.st_ctime_ns, memo[6]):
            out[key] = memo[5]
            continue
        todo.append((key, Path(f), st))
    if not todo:
        return out
    hashed_at = time.time_ns()
    # hashlib releases the GIL: new or changed files are hashed on every core
    workers = max(1, min(4, os.cpu_count() or 1, len(todo)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        digests = list(pool.map(_sha256_or_none, [p for _, p, _ in todo]))
    fresh: dict[str, list[Any]] = {}
    for (key, _, st), digest in zip(todo, digests):
        out[key] = digest or "unreadable"
        if digest is not None:
            fresh[key] = _signature(st) + [digest, hashed_at]
    if fresh:
        _write_index(index_path, fresh, notes)
    return out


def _racy(ctime_ns: int, hashed_at_ns: int) -> bool:
    """True when the file's last change was too close before it was hashed for its memo to be trusted."""
    window = RACY_COARSE_NS if ctime_ns % 1_000_000_000 == 0 else RACY_NS
    return ctime_ns >= hashed_at_ns - window


def _write_index(index_path: Path, fresh: dict[str, list[Any]], notes: _Notes) -> None:
    """Merge ``fresh`` memos into the index file (re-read just before writing, so concurrent loads lose little)."""
    index = _read_index(index_path, None)
    index.update(fresh)
    if len(index) > _MAX_INDEX_ENTRIES:
        newest = sorted(index.items(), key=lambda kv: kv[1][6], reverse=True)[:_MAX_INDEX_ENTRIES]
        index = dict(newest)
    try:
        write_atomic(index_path, json.dumps(index).encode())
    except OSError as e:
        _note(
            notes, f"cache: cannot write {index_path} ({e.strerror or type(e).__name__}); file hashes are not memoised"
        )


def _sha256_or_none(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None


def key_for(hashes: dict[str, str], options: dict[str, Any]) -> str:
    """Cache key of a load: SHA-256 of (options, every input's path and content hash)."""
    payload = json.dumps({"options": options, "files": sorted(hashes.items())}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


# ---------------------------------------------------------------------------------------------------------------
# entries


def _entry_paths(d: Path, key: str) -> tuple[Path, Path]:
    return d / f"load-{key}.parquet", d / f"load-{key}.json"


def get(
    key: str, cache_dir: Path | None = None, decode: Callable[[dict[str, Any]], Any] | None = None, notes: _Notes = None
) -> tuple[pl.DataFrame, Any] | None:
    """(points, report) cached under ``key``, or None on a miss.

    ``decode`` turns the stored report dict into the caller's object; if it raises, the entry is a miss. Any
    unreadable or damaged entry is a miss with a note; nothing here raises."""
    d = _dir(cache_dir)
    pq, js = _entry_paths(d, key)
    if not (pq.is_file() and js.is_file()):
        return None
    env = _read_json(js, js.name, notes)
    if env is _ABSENT:
        return None
    if not (
        isinstance(env, dict)
        and env.get("format") == _ENTRY_FORMAT
        and env.get("key") == key
        and type(env.get("parquet_bytes")) is int
        and isinstance(env.get("report"), dict)
    ):
        _note(notes, f"cache: {js.name} is not a cache entry of this version, ignored")
        return None
    try:
        size = pq.stat().st_size
        if size != env["parquet_bytes"]:
            _note(notes, f"cache: {pq.name} is {size:,} bytes, its entry says {env['parquet_bytes']:,}; ignored")
            return None
        points = pl.read_parquet(pq)
        report = decode(env["report"]) if decode is not None else env["report"]
    except Exception as e:
        _note(notes, f"cache: entry {key} is damaged ({type(e).__name__}), ignored")
        return None
    try:
        os.utime(js)  # least recently used is evicted first
    except OSError:
        pass
    return points, report


def put(
    key: str,
    points: pl.DataFrame,
    report: dict[str, Any],
    cache_dir: Path | None = None,
    notes: _Notes = None,
    max_entries: int = _MAX_ENTRIES,
    max_bytes: int = _MAX_BYTES,
) -> bool:
    """Store an entry, then evict the least recently used ones beyond the bounds. True when stored.

    An unwritable cache folder, or an entry larger than ``max_bytes`` on its own, is a note, never an error."""
    if not _KEY.match(key):
        raise ValueError(f"not a cache key: {key!r}")
    d = _dir(cache_dir)
    pq, js = _entry_paths(d, key)
    tmp: str | None = None
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-", suffix=".parquet")
        os.close(fd)
        # lz4: faster to write and read than zstd, a bit larger. One row group: it reads back as one contiguous
        # chunk per column, which is faster to read and makes every later gather and sort about 2x faster
        points.write_parquet(tmp, compression="lz4", row_group_size=max(points.height, 1))
        size = os.path.getsize(tmp)
        envelope = json.dumps(
            {"format": _ENTRY_FORMAT, "key": key, "parquet_bytes": size, "report": report}, default=str
        ).encode()
        if size + len(envelope) > max_bytes:
            _note(
                notes,
                f"cache: this load ({size + len(envelope):,} bytes) exceeds the cache bound "
                f"({max_bytes:,} bytes), not cached",
            )
            return False
        os.replace(tmp, pq)
        tmp = None
        write_atomic(js, envelope)
    except Exception as e:
        _note(
            notes,
            f"cache: cannot write to {d} ({getattr(e, 'strerror', None) or type(e).__name__}); this load is not cached",
        )
        return False
    finally:
        if tmp is not None:
            _unlink(Path(tmp))
    evict(d, max_entries=max_entries, max_bytes=max_bytes, keep=key)
    return True


def evict(
    cache_dir: Path | None = None,
    *,
    max_entries: int = _MAX_ENTRIES,
    max_bytes: int = _MAX_BYTES,
    keep: str | None = None,
) -> list[str]:
    """Remove the least recently used entries beyond ``max_entries`` / ``max_bytes``, parquet files without a
    report, and temporary files older than ``_STALE_TMP_SECONDS``. Returns the evicted keys. Never raises."""
    d = _dir(cache_dir)
    now = time.time()
    entries: list[tuple[float, str, int]] = []  # (last used, key, bytes)
    try:
        names = os.listdir(d)
    except OSError:
        return []
    name_set = set(names)
    for name in names:
        p = d / name
        try:
            st = p.stat()
        except OSError:
            continue
        if name.startswith("."):  # temporary files (this module's and write_atomic's)
            if now - st.st_mtime > _STALE_TMP_SECONDS:
                _unlink(p)
        elif name.startswith("load-") and name.endswith(".json"):
            k = name[5:-5]
            try:
                pq_size = (d / f"load-{k}.parquet").stat().st_size
            except OSError:  # a report without its table (a concurrent eviction): removed once stale
                if now - st.st_mtime > _STALE_TMP_SECONDS:
                    _unlink(p)
                    continue
                pq_size = 0
            entries.append((st.st_mtime, k, st.st_size + pq_size))
        elif (
            name.startswith("load-")
            and name.endswith(".parquet")
            and name[:-8] + ".json" not in name_set
            and now - st.st_mtime > _STALE_TMP_SECONDS  # a report-less parquet (a writer died in between)
        ):
            _unlink(p)
    entries.sort(reverse=True)
    evicted: list[str] = []
    total = 0
    for n, (_, k, size) in enumerate(entries):
        total += size
        if k != keep and (n >= max_entries or total > max_bytes):
            pq, js = _entry_paths(d, k)
            _unlink(js)  # the report first: a reader then sees a miss, never a report without its table
            _unlink(pq)
            evicted.append(k)
            total -= size
    return evicted


def _unlink(p: Path) -> None:
    try:
        p.unlink()
    except OSError:
        pass
