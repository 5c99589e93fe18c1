"""Reading every source into raw frames, in file order.

agg / agg_bmk JSON goes through one NDJSON parse per ~16 MB of text (many small files are batched into one polars
call); a large file on disk is memory-mapped and parsed block by block; every other file, and any batch the fast
path fails on, is read file by file by its format's reader. NDJSON parsing and content hashing (for the report)
run on their own threads while the main thread reads and rewrites the next files: both release the GIL.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import polars as pl

from frontier.data import cache as cache_mod
from frontier.data.load.discovery import Source
from frontier.data.load.limits import MAX_WHOLE_BYTES
from frontier.data.load.raw import STR, FileMetas, tag
from frontier.data.load.readers import TOO_BIG_WHOLE, read_one, too_big_to_read_whole
from frontier.data.load.readers.ndjson import (
    NDJSON_BATCH_BYTES,
    NotFast,
    fast_lines,
    join_lines,
    parse_ndjson,
    stream_json_file,
)
from frontier.data.load.report import FileEntry, LoadReport, SkipEntry

__all__ = ["RawSink", "read_sources"]

_HASH_IN_FLIGHT_BYTES = 64 << 20  # file contents waiting for the hashing thread, at most


class RawSink(Protocol):
    """Where raw frames go: ``add`` (index of the frame's first file, raw frame); ``discard`` (file index) takes
    back every frame of a file whose reading failed part-way."""

    def add(self, file_index: int, raw: pl.DataFrame) -> None: ...

    def discard(self, file_index: int) -> None: ...


@dataclass
class _Pending:
    """A file rewritten to NDJSON, waiting to be parsed with others in one batch."""

    index: int
    src: Source
    entry: FileEntry
    format: str
    lines: list[Any]  # NDJSON lines (views into the file's bytes)
    size: int  # bytes of the file
    rows: int


class _SourceReader:
    """Reads sources one by one, handing each raw frame to ``sink`` (first file index, frame) once its files'
    entries are in ``metas``; see the module docstring."""

    def __init__(
        self,
        report: LoadReport,
        topology: dict[str, Any] | None,
        metas: FileMetas,
        sink: RawSink,
        parse_pool: Executor,
        hash_pool: Executor,
    ) -> None:
        self.report, self.topology = report, topology
        self.metas, self.sink = metas, sink
        self.parse_pool, self.hash_pool = parse_pool, hash_pool
        self.pending: list[_Pending] = []
        self.pending_bytes = 0
        self.parsing: list[tuple[Future, list[_Pending]]] = []
        self.hashed: list[tuple[FileEntry, Future]] = []
        self.in_flight: list[tuple[Future, int]] = []  # (future, bytes it holds): bounded, so a slow hashing
        self.in_flight_bytes = 0  # thread cannot keep every file's content alive

    def hasher(self, buf: bytes | Path) -> Future:
        """The content hash of bytes or a file, computed on the hashing thread."""
        if isinstance(buf, bytes):
            return self.hash_pool.submit(cache_mod.bytes_sha256, buf)
        return self.hash_pool.submit(cache_mod.file_sha256, buf)

    def read(self, idx: int, src: Source) -> None:
        """Read one source: streamed when large, batched when it takes the fast path, else on its own."""
        entry = FileEntry(src.label, src.sha256, None)
        self.report.files.append(entry)
        if src.raw_data is None:
            self.flush()
            self._read_streamed(idx, src, entry)
            return
        if entry.sha256 is None:
            self._hash_later(entry, src.data)
        fast = None if src.label.lower().endswith(".csv") else fast_lines(src.data)
        if fast is None:
            self.flush()  # keep rows in file order
            self._read_one(idx, src, entry)
            return
        fmt, lines, n = fast
        self.pending.append(_Pending(idx, src, entry, fmt, lines, len(src.data), n))
        self.pending_bytes += len(src.data)
        if self.pending_bytes >= NDJSON_BATCH_BYTES:
            self.flush()

    def _hash_later(self, entry: FileEntry, data: bytes) -> None:
        fut = self.hasher(data)
        self.hashed.append((entry, fut))
        self.in_flight.append((fut, len(data)))
        self.in_flight_bytes += len(data)
        while self.in_flight_bytes > _HASH_IN_FLIGHT_BYTES:
            done, size = self.in_flight.pop(0)
            done.result()
            self.in_flight_bytes -= size

    def _read_streamed(self, idx: int, src: Source, entry: FileEntry) -> None:
        """A large file on disk: memory-mapped, parsed in blocks (one raw frame each, rows numbered across), each
        block handed on as soon as it is parsed; on a failure part-way the blocks handed on are taken back."""
        assert src.fs_path is not None
        self.metas[idx] = (src.label, src.run_hint, "agg_bmk")
        offset = 0

        def emit(frame: pl.DataFrame) -> None:
            nonlocal offset
            self.sink.add(idx, tag(frame, idx, offset))
            offset += frame.height

        try:
            fmt, rows, sha = stream_json_file(src.fs_path, src.sha256, self.hasher, self.parse_pool, emit)
        except OSError as e:
            self._take_back(idx)
            entry.status, entry.reason = "skipped", f"unreadable file: {e}"
            self.report.skips.append(SkipEntry(src.label, None, "unreadable file"))
            return
        except NotFast as e:
            self._take_back(idx)
            try:
                size = src.fs_path.stat().st_size
            except OSError:
                size = 0
            if size > MAX_WHOLE_BYTES:  # never read whole: skipped with its size and the limit
                entry.status, entry.reason = "skipped", too_big_to_read_whole(size, str(e))
                self.report.skips.append(SkipEntry(src.label, None, TOO_BIG_WHOLE))
                return
            entry.sha256 = entry.sha256 or cache_mod.bytes_sha256(src.data)
            self._read_one(idx, src, entry)
            src.raw_data = None
            return
        entry.sha256 = sha.result() if hasattr(sha, "result") else sha
        entry.format, entry.rows_read = fmt, rows

    def _take_back(self, idx: int) -> None:
        """Forget what a file handed on before its reading failed."""
        self.sink.discard(idx)
        self.metas.pop(idx, None)

    def _read_one(self, idx: int, src: Source, entry: FileEntry) -> None:
        """One file by its format's reader; a file it cannot read is skipped with the reader's reason."""
        try:
            fmt, parsed = read_one(src, self.topology)
        except Exception as e:
            fmt, parsed = None, f"unreadable: {type(e).__name__} while reading"
        entry.format = fmt or None
        if isinstance(parsed, str):
            entry.status, entry.reason = "skipped", parsed
            self.report.skips.append(SkipEntry(src.label, None, parsed))
            return
        entry.rows_read = parsed.height
        self.metas[idx] = (src.label, src.run_hint, fmt or "")
        self.sink.add(idx, tag(parsed, idx))

    def flush(self) -> None:
        """Hand the pending NDJSON batch to the parsing thread (an empty sweep is zero rows, not an error)."""
        batch, self.pending, self.pending_bytes = self.pending, [], 0
        for p in batch:
            if p.rows == 0:
                p.entry.format, p.entry.rows_read = p.format, 0
                self.metas[p.index] = (p.src.label, p.src.run_hint, p.format)
        live = [p for p in batch if p.rows > 0]
        if not live:
            return
        text = join_lines(list(chain.from_iterable(p.lines for p in live)))
        self.parsing.append((self.parse_pool.submit(parse_ndjson, text, sum(p.rows for p in live)), live))
        while len(self.parsing) > 1:  # parse one batch while the next one is read and rewritten
            self._collect(*self.parsing.pop(0))

    def _collect(self, fut: Future, live: list[_Pending]) -> None:
        """A parsed batch → one raw frame with each row's file index and row; on failure, each file on its own."""
        try:
            df = fut.result()
        except NotFast:
            for p in live:
                self._read_one(p.index, p.src, p.entry)
            return
        counts = np.array([p.rows for p in live], dtype=np.int64)
        idxs = np.array([p.index for p in live], dtype=np.int32)
        starts = np.cumsum(counts) - counts
        df = df.with_columns(
            _skip=pl.lit(None, dtype=STR),
            _file_index=pl.Series(np.repeat(idxs, counts), dtype=pl.Int32),
            _row=pl.Series((np.arange(int(counts.sum())) - np.repeat(starts, counts)).astype(np.int32)),
        )
        for p in live:
            p.entry.format, p.entry.rows_read = p.format, p.rows
            self.metas[p.index] = (p.src.label, p.src.run_hint, p.format)
        self.sink.add(int(idxs[0]), df)

    def finish(self) -> None:
        """Parse what is pending and wait for the content hashes."""
        self.flush()
        while self.parsing:
            self._collect(*self.parsing.pop(0))
        for entry, fut in self.hashed:
            entry.sha256 = fut.result()


def read_sources(
    sources: Iterable[Source], report: LoadReport, topology: dict[str, Any] | None, metas: FileMetas, sink: RawSink
) -> None:
    """Parse every source, handing each raw frame (RAW_SCHEMA + ``_skip``, ``_file_index``, ``_row``) to ``sink``
    with the index of its first file; frames may arrive out of file order. ``metas`` receives file index → (label,
    run hint, format) for the provenance columns, before that file's rows reach ``sink``."""
    with ThreadPoolExecutor(max_workers=1) as parse_pool, ThreadPoolExecutor(max_workers=1) as hash_pool:
        reader = _SourceReader(report, topology, metas, sink, parse_pool, hash_pool)
        for idx, src in enumerate(sources):
            reader.read(idx, src)
        reader.finish()
