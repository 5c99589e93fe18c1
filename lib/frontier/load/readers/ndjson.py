"""The fast path for agg / agg_bmk JSON: the document is rewritten to NDJSON (one object per line, nothing parsed
in Python) and read by polars' NDJSON reader with the explicit raw schema, which fails on any type mismatch.

Any failure (``NotFast``) sends the file to the checked path, which parses it with Python and gives each bad row
its reason: the fast path either loads exactly what the checked path would, or it does not load.
"""
from __future__ import annotations

import mmap
import os
import re
from concurrent.futures import Executor, Future
from typing import Any, Callable

import polars as pl

from ..limits import MAX_OBJECT_BYTES
from ..raw import RAW_SCHEMA
from .detect import probe_keys

NDJSON_BATCH_BYTES = 16 << 20  # NDJSON text handed to one polars call (many small files, or blocks of a big one)
_PIECE_BYTES = 1 << 20  # a big file is rewritten in pieces of this size (cache-friendly, few page faults)
_FLATTEN = bytes.maketrans(b"\r\n", b"  ")
_SEP_RE = re.compile(rb"\}\s*,\s*\{")
_NONSPACE_RE = re.compile(rb"\S")
_WS = frozenset(b" \t\r\n")


class NotFast(Exception):
    """The NDJSON fast path does not apply or failed: use the checked per-file path."""


def ndjson_piece(buf: Any, lo: int, hi: int, flatten: bool) -> tuple[bytes, int]:
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


def has_surrogate_escapes(text: Any) -> bool:
    """True when JSON text holds a ``\\uD800``–``\\uDFFF`` escape: polars reads a lone one as NUL, so such text
    goes to the checked path (which keeps valid pairs and skips rows with lone surrogates)."""
    return b"\\ud" in text or b"\\uD" in text


def parse_ndjson(text: bytes, expected_rows: int) -> pl.DataFrame:
    """NDJSON text → one-chunk frame in RAW_SCHEMA; NotFast on any parser failure or a row-count mismatch."""
    if has_surrogate_escapes(text):
        raise NotFast("surrogate escapes")
    try:
        df = pl.read_ndjson(text, schema=RAW_SCHEMA)
    except Exception as e:  # noqa: BLE001 - any parser failure means: use the checked path
        raise NotFast(str(e)) from None
    # the reader returns one chunk per internal batch (dozens per call): later steps are much faster on one
    df = df.rechunk()
    if df.height != expected_rows:
        raise NotFast(f"{df.height} rows parsed, {expected_rows} expected")
    return df


def _fast_probe(data: Any) -> str | None:
    head = bytes(data[:4096]).lstrip()
    if head[:1] not in (b"[", b"{"):
        return None
    try:
        probe = probe_keys(head)
    except ValueError:
        return None
    return probe if probe in ("agg", "agg_bmk") else None


def fast_lines(data: bytes) -> tuple[str, bytes, int] | None:
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
    text, n = ndjson_piece(data, a + 1, b - 1, flatten)
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


def _array_bounds(mm: Any) -> tuple[int, int, bool]:
    """(first element byte, end of elements, whether newlines must be flattened) of an agg_bmk array; NotFast else."""
    fmt = _fast_probe(mm)
    bounds = _doc_bounds(mm) if fmt == "agg_bmk" else None
    if bounds is None or mm[bounds[0]] != 0x5B or mm[bounds[1] - 1] != 0x5D:
        raise NotFast("not an agg_bmk array")
    flatten = mm.find(b"\n", bounds[0], bounds[1]) >= 0 or mm.find(b"\r", bounds[0], bounds[1]) >= 0
    return bounds[0] + 1, bounds[1] - 1, flatten


def _next_cut(mm: Any, pos: int, end: int) -> tuple[int, int]:
    """(end of this piece, start of the next) for the piece starting at ``pos``: cut at an object boundary."""
    hi = pos + _PIECE_BYTES
    cut = None
    while hi < end and cut is None:
        cut = _last_split(mm, pos, hi)
        hi += _PIECE_BYTES
        if cut is None and hi - pos > MAX_OBJECT_BYTES:
            raise NotFast(f"a JSON object longer than {MAX_OBJECT_BYTES:,} bytes")
    return cut if cut is not None else (end, end)


def stream_json_file(path: os.PathLike, sha: Any, hasher: Callable[[Any], Future], parse_pool: Executor
                     ) -> tuple[str, list[pl.DataFrame], Any]:
    """A large agg_bmk array on disk → (format, frames, sha256 or a future of it), memory-mapped and rewritten
    to NDJSON piece by piece (the file is never copied whole); one block is parsed while the next is rewritten.

    Raises ``NotFast`` when the file is not such an array or any block fails to parse; OSError when unreadable."""
    frames: list[pl.DataFrame] = []
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            raise NotFast("empty")
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    futures: list[Future] = []
    released = 0  # pages before this offset were handed back (they stay in the page cache, not in our RSS)
    try:
        pos, end, flatten = _array_bounds(mm)
        if sha is None:  # after the shape check: a file the streamed reader refuses is not read twice
            sha = hasher(path)
        pieces: list[bytes] = []
        rows = size = 0
        while pos < end:
            stop, nxt = _next_cut(mm, pos, end)
            if _NONSPACE_RE.search(mm, pos, stop) is not None:
                text, n = ndjson_piece(mm, pos, stop, flatten)
                pieces.append(text)
                rows += n
                size += len(text)
            pos = nxt
            if hasattr(mm, "madvise") and pos - released >= NDJSON_BATCH_BYTES:
                upto = (pos // mmap.PAGESIZE) * mmap.PAGESIZE
                mm.madvise(mmap.MADV_DONTNEED, released, upto - released)
                released = upto
            if size >= NDJSON_BATCH_BYTES or (pos >= end and pieces):
                futures.append(parse_pool.submit(parse_ndjson, b"\n".join(pieces), rows))
                pieces, rows, size = [], 0, 0
                while len(futures) > 1:
                    frames.append(futures.pop(0).result())
        while futures:
            frames.append(futures.pop(0).result())
    finally:
        for f in futures:  # after a failure: let the parser finish before the mapping goes
            f.exception()
        mm.close()
    return "agg_bmk", frames, sha
