"""Raw frames → canonical frames while the files are still being read, a group of rows at a time: provenance,
normalisation, validation marks and the schema's types. The whole raw table (its flags and names as strings,
integers as Int64) never exists at once, only the canonical one; each group is normalised in one pass, so the
fixed cost of a pass is paid once per ``GROUP_ROWS`` rows, not once per file.

Groups are normalised on a worker thread (polars releases the GIL), so reading and splitting the next files goes on
meanwhile; at most ``_IN_FLIGHT`` groups wait for it, which bounds the raw rows held at once."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor

import polars as pl

from frontier.data.load.dates import latest_date
from frontier.data.load.dedupe import point_hash_expr
from frontier.data.load.normalise import normalise
from frontier.data.load.raw import FileMetas, attach_provenance
from frontier.data.load.validate import mark_invalid
from frontier.data.schema import conform

__all__ = ["CanonicalFrames", "GROUP_ROWS"]

#: rows normalised together (about 50 MB of raw columns)
GROUP_ROWS = 65_536
#: groups handed to the worker and not yet canonical, at most
_IN_FLIGHT = 2
#: columns a canonical frame keeps besides the schema's: load order (for de-duplication), skip reason, flag
_HELPERS = ("_file_index", "_skip", "_flag")

#: (first file index, arrival, frame)
_Part = tuple[int, int, pl.DataFrame]


def _to_canonical(raws: list[pl.DataFrame], metas: FileMetas, latest: dt.date) -> pl.DataFrame:
    """Raw frames (their files' metas known) → SCHEMA columns + ``_file_index`` + ``_skip`` (null: valid row) +
    ``_flag`` (null: nothing to say) + ``_point_hash``. ``latest``: the latest row date kept."""
    norm = mark_invalid(normalise(attach_provenance(raws, metas), latest))
    return conform(norm).with_columns(*norm.select(_HELPERS)).with_columns(point_hash_expr())


def _canonical_parts(batch: list[_Part], metas: FileMetas, latest: dt.date) -> list[_Part]:
    """One group normalised together, cut back (zero-copy) into one canonical frame per raw frame."""
    heights = [raw.height for _, _, raw in batch]
    canon = _to_canonical([raw for _, _, raw in batch], metas, latest)
    parts, offset = [], 0
    for (idx, arrival, _), n in zip(batch, heights, strict=True):
        parts.append((idx, arrival, canon.slice(offset, n)))
        offset += n
    return parts


class CanonicalFrames:
    """Collects raw frames as they are read (``add``) and returns them canonical, in file order (``finish``).

    ``metas`` is filled by the reader; a file's entry must be there before its rows are added. ``latest``: the
    latest row date kept (``dates.latest_date()``, once per load). Use as a context manager (the worker thread is
    stopped on exit), or call ``finish``."""

    def __init__(self, metas: FileMetas, group_rows: int | None = None, latest: dt.date | None = None) -> None:
        self.metas, self.group_rows = metas, group_rows or GROUP_ROWS
        self.latest = latest or latest_date()
        self.pending: list[_Part] = []
        self.pending_rows = 0
        self.done: list[_Part] = []  # canonical
        self.working: list[Future[list[_Part]]] = []
        self.arrivals = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frontier-canonical")

    def __enter__(self) -> CanonicalFrames:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker (after the group it is on)."""
        for fut in self.working:
            fut.cancel()
        self._pool.shutdown(wait=True)

    def add(self, file_index: int, raw: pl.DataFrame) -> None:
        """One raw frame (``raw.tag``ged) whose rows start at file ``file_index``."""
        self.pending.append((file_index, self.arrivals, raw))
        self.arrivals += 1
        self.pending_rows += raw.height
        if self.pending_rows >= self.group_rows:
            self._flush()

    def discard(self, file_index: int) -> None:
        """Forget every frame of one file (its reading failed part-way and it is read again another way)."""
        self.pending = [p for p in self.pending if p[0] != file_index]
        self.pending_rows = sum(p[2].height for p in self.pending)
        self._wait(0)
        self.done = [p for p in self.done if p[0] != file_index]

    def _flush(self) -> None:
        batch, self.pending, self.pending_rows = self.pending, [], 0
        if not batch:
            return
        # a copy of the metas: the reader keeps adding files while the worker reads them
        self.working.append(self._pool.submit(_canonical_parts, batch, dict(self.metas), self.latest))
        self._wait(_IN_FLIGHT)

    def _wait(self, at_most: int) -> None:
        """Collect finished groups until at most ``at_most`` are left with the worker."""
        while len(self.working) > at_most:
            self.done.extend(self.working.pop(0).result())

    def finish(self) -> pl.DataFrame | None:
        """Every row, ordered by file (a file's blocks in the order read); None when no rows were read."""
        self._flush()
        self._wait(0)
        self.close()
        if not self.done:
            return None
        self.done.sort(key=lambda t: (t[0], t[1]))
        frames = [f for _, _, f in self.done]
        self.done = []
        return pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
