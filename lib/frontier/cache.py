"""Parquet cache of loaded tables in ``data/processed/``, keyed by the inputs' content hashes.

A load's key is the SHA-256 of (loader version, options, every input's path and content hash). Content hashes are
memoised by (size, mtime) in ``data/processed/file-hashes.json`` so an unchanged tree is not re-read to be hashed;
a file whose size or mtime changed is hashed again (new and changed files are hashed on all cores). Cache entries
are ``load-<key>.parquet`` (lz4: faster to write and read than zstd) + ``.json`` (report).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl

from . import paths

HASH_INDEX = "file-hashes.json"


def _dir(cache_dir: Path | None) -> Path:
    return Path(cache_dir) if cache_dir is not None else paths.DATA_PROCESSED


def bytes_sha256(data: bytes) -> str:
    """SHA-256 (hex) of a byte string."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def content_hashes(files: list[Path], cache_dir: Path | None = None,
                   resolved: dict[Path, Path] | None = None) -> dict[str, str]:
    """Resolved path → SHA-256 of content, reusing memoised hashes of files whose size and mtime are unchanged.

    ``resolved``: file → resolved path when the caller already has it (saves resolving every file again)."""
    index_path = _dir(cache_dir) / HASH_INDEX
    try:
        index: dict[str, list[Any]] = json.loads(index_path.read_text())
    except (OSError, ValueError):
        index = {}
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
        if memo and memo[0] == st.st_size and memo[1] == st.st_mtime_ns:
            out[key] = memo[2]
            continue
        todo.append((key, Path(f), st))
    if todo:
        # hashlib releases the GIL: new or changed files are hashed on every core
        workers = max(1, min(4, os.cpu_count() or 1, len(todo)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            digests = list(pool.map(_sha256_or_none, [p for _, p, _ in todo]))
        for (key, _, st), digest in zip(todo, digests):
            if digest is None:
                out[key] = "unreadable"
                continue
            index[key] = [st.st_size, st.st_mtime_ns, digest]
            out[key] = digest
        _atomic_write(index_path, json.dumps(index).encode())
    return out


def _sha256_or_none(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None


def key_for(hashes: dict[str, str], options: dict[str, Any]) -> str:
    """Cache key of a load: SHA-256 of (options, every input's path and content hash)."""
    payload = json.dumps({"options": options, "files": sorted(hashes.items())}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def get(key: str, cache_dir: Path | None = None) -> tuple[pl.DataFrame, dict[str, Any]] | None:
    d = _dir(cache_dir)
    pq, js = d / f"load-{key}.parquet", d / f"load-{key}.json"
    if not (pq.is_file() and js.is_file()):
        return None
    try:
        return pl.read_parquet(pq), json.loads(js.read_text())
    except Exception:  # noqa: BLE001 - a corrupt cache entry is a miss, never an error
        return None


def put(key: str, points: pl.DataFrame, report: dict[str, Any], cache_dir: Path | None = None) -> None:
    d = _dir(cache_dir)
    try:
        d.mkdir(parents=True, exist_ok=True)
        tmp = d / f".load-{key}.parquet.tmp"
        # lz4: faster to write and read than zstd, a bit larger. One row group: it reads back as one contiguous
        # chunk per column, which is faster to read and makes every later gather and sort about 2x faster
        points.write_parquet(tmp, compression="lz4", row_group_size=max(points.height, 1))
        os.replace(tmp, d / f"load-{key}.parquet")
        _atomic_write(d / f"load-{key}.json", json.dumps(report, default=str).encode())
    except OSError:
        pass  # a read-only cache folder only costs speed


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
