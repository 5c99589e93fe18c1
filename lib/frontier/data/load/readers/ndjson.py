"""The fast path for agg / agg_bmk JSON: the array is split into its raw elements by msgspec (which checks the JSON
but builds no Python objects), the elements are joined one per line and read by polars' NDJSON reader with the
explicit raw schema, which fails on any type mismatch.

Any failure (``NotFast``) sends the file to the checked path, which parses it with Python and gives each bad row
its reason: the fast path either loads exactly what the checked path would, or it does not load.
"""

from __future__ import annotations

import mmap
import os
import re
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

import msgspec
import polars as pl

from frontier.data.load.limits import MAX_OBJECT_BYTES, MAX_ROWS_PER_FILE
from frontier.data.load.raw import RAW_SCHEMA
from frontier.data.load.readers.detect import probe_file

__all__ = [
    "NDJSON_BATCH_BYTES",
    "NotFast",
    "fast_lines",
    "has_surrogate_escapes",
    "join_lines",
    "parse_ndjson",
    "stream_json_file",
]

NDJSON_BATCH_BYTES = 16 << 20  # NDJSON text handed to one polars call (many small files, or blocks of a big one)
_PIECE_BYTES = 1 << 20  # a big file is rewritten in pieces of this size (cache-friendly, few page faults)
_FLATTEN = bytes.maketrans(b"\r\n", b"  ")
_SPLIT = msgspec.json.Decoder(list[msgspec.Raw])
_NONSPACE_RE = re.compile(rb"\S")
_WS = frozenset(b" \t\r\n")


class NotFast(Exception):
    """The NDJSON fast path does not apply or failed: use the checked per-file path."""


def _split_elements(doc: Any) -> list[Any] | None:
    """The elements of a JSON array document as raw byte views (nothing parsed into Python objects), or None when
    the document is not valid JSON, not an array, or nested too deep for the splitter."""
    try:
        return _SPLIT.decode(doc)
    except (msgspec.DecodeError, RecursionError):
        return None


def _one_per_line(elements: list[Any], flatten: bool) -> list[Any]:
    """Elements ready to be joined with newlines: line breaks inside an element become spaces (raw line breaks
    never occur inside valid JSON strings, so this changes no value)."""
    return [bytes(e).translate(_FLATTEN) for e in elements] if flatten else elements


def join_lines(lines: list[Any]) -> bytes:
    """NDJSON text of one object per line."""
    return b"\n".join(lines)


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
    return b"\\" in text and (b"\\ud" in text or b"\\uD" in text)  # (one fast scan when there is no escape)


def parse_ndjson(text: bytes, expected_rows: int) -> pl.DataFrame:
    """NDJSON text → one-chunk frame in RAW_SCHEMA; NotFast on any parser failure or a row-count mismatch."""
    if has_surrogate_escapes(text):
        raise NotFast("surrogate escapes")
    try:
        df = pl.read_ndjson(text, schema=RAW_SCHEMA)
    except Exception as e:
        raise NotFast(str(e)) from None
    # the reader returns one chunk per internal batch (dozens per call): later steps are much faster on one
    df = df.rechunk()
    if df.height != expected_rows:
        raise NotFast(f"{df.height} rows parsed, {expected_rows} expected")
    return df


def _fast_probe(data: Any) -> str | None:
    probe = probe_file(data)
    return probe if probe in ("agg", "agg_bmk") else None


def fast_lines(data: bytes) -> tuple[str, list[Any], int] | None:
    """(format, NDJSON lines, rows) for an agg / agg_bmk document that can take the fast path, else None.
    The lines (byte views into ``data``) joined with newlines are the NDJSON text (``join_lines``)."""
    probe = _fast_probe(data)
    bounds = _doc_bounds(data) if probe else None
    if probe is None or bounds is None:
        return None
    flatten = b"\n" in data or b"\r" in data
    if probe == "agg":  # one object: one line (``{..}, {..}`` stays on it and fails to parse, as it should)
        a, b = bounds
        if data[a] != 0x7B:
            return None
        text = data[a:b] if (a, b) != (0, len(data)) else data
        return probe, [text.translate(_FLATTEN) if flatten else text], 1
    elements = _split_elements(data)
    if elements is None:
        return None
    if len(elements) > MAX_ROWS_PER_FILE:  # the checked path then refuses it with its reason
        return None
    return probe, _one_per_line(elements, flatten), len(elements)


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


def _array_bounds(mm: Any) -> tuple[int, int]:
    """(first element byte, end of elements) of an agg_bmk array (only its first and last pages are read); NotFast
    when the document is not one."""
    fmt = _fast_probe(mm)
    bounds = _doc_bounds(mm) if fmt == "agg_bmk" else None
    if bounds is None or mm[bounds[0]] != 0x5B or mm[bounds[1] - 1] != 0x5D:
        raise NotFast("not an agg_bmk array")
    return bounds[0] + 1, bounds[1] - 1


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


def _piece_lines(mm: Any, lo: int, hi: int) -> list[Any]:
    """The objects in ``mm[lo:hi]`` (cut at ``}, {`` separators) as NDJSON lines; NotFast when the piece is not a
    run of JSON values (a cut inside a string leaves an unterminated string, so a wrong cut is never loaded)."""
    doc = b"".join((b"[", memoryview(mm)[lo:hi], b"]"))
    elements = _split_elements(doc)
    if elements is None:
        raise NotFast("a block of the array is not valid JSON")
    return _one_per_line(elements, b"\n" in doc or b"\r" in doc)


def stream_json_file(
    path: os.PathLike,
    sha: Any,
    hasher: Callable[[Any], Future],
    parse_pool: Executor,
    emit: Callable[[pl.DataFrame], None],
) -> tuple[str, int, Any]:
    """A large agg_bmk array on disk → (format, rows, sha256 or a future of it); each parsed block is handed to
    ``emit`` as soon as it is ready, in file order. The file is memory-mapped and rewritten to NDJSON piece by
    piece (never copied whole); one block is parsed while the next is rewritten.

    Raises ``NotFast`` when the file is not such an array or any block fails to parse (blocks already emitted
    must then be discarded by the caller); OSError when unreadable."""
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            raise NotFast("empty")
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    futures: list[Future] = []
    released = 0  # pages before this offset were handed back (they stay in the page cache, not in our RSS)
    total_rows = 0
    try:
        pos, end = _array_bounds(mm)
        if sha is None:  # after the shape check: a file the streamed reader refuses is not read twice
            sha = hasher(path)
        pieces: list[Any] = []
        rows = size = 0
        while pos < end:
            stop, nxt = _next_cut(mm, pos, end)
            lines = _piece_lines(mm, pos, stop)
            pieces.extend(lines)
            rows += len(lines)
            size += stop - pos
            total_rows += len(lines)
            if total_rows > MAX_ROWS_PER_FILE:
                raise NotFast(f"more than {MAX_ROWS_PER_FILE:,} rows")
            pos = nxt
            if hasattr(mm, "madvise") and pos - released >= NDJSON_BATCH_BYTES:
                upto = (pos // mmap.PAGESIZE) * mmap.PAGESIZE
                mm.madvise(mmap.MADV_DONTNEED, released, upto - released)
                released = upto
            if size >= NDJSON_BATCH_BYTES or (pos >= end and pieces):
                futures.append(parse_pool.submit(parse_ndjson, join_lines(pieces), rows))
                pieces, rows, size = [], 0, 0
                while len(futures) > 1:
                    emit(futures.pop(0).result())
        while futures:
            emit(futures.pop(0).result())
    finally:
        for f in futures:  # after a failure: let the parser finish before the mapping goes
            f.exception()
        mm.close()
    return "agg_bmk", total_rows, sha
