"""Raw frames → canonical frames while the files are still being read, a group of rows at a time: provenance,
normalisation, validation marks and the schema's types. The whole raw table (its flags and names as strings,
integers as Int64) never exists at once, only the canonical one; each group is normalised in one pass, so the
fixed cost of a pass is paid once per ``GROUP_ROWS`` rows, not once per file."""

from __future__ import annotations

import polars as pl

from ..schema import conform
from .normalise import normalise
from .raw import FileMetas, attach_provenance
from .validate import mark_invalid

__all__ = ["CanonicalFrames", "GROUP_ROWS"]

#: rows normalised together (about 50 MB of raw columns)
GROUP_ROWS = 65_536
#: columns a canonical frame keeps besides the schema's: load order (for de-duplication), skip reason
_HELPERS = ("_file_index", "_skip")


def _to_canonical(raws: list[pl.DataFrame], metas: FileMetas) -> pl.DataFrame:
    """Raw frames (their files' metas known) → SCHEMA columns + ``_file_index`` + ``_skip`` (null: valid row)."""
    norm = mark_invalid(normalise(attach_provenance(raws, metas)))
    return conform(norm).with_columns(norm.select(_HELPERS))


class CanonicalFrames:
    """Collects raw frames as they are read (``add``) and returns them canonical, in file order (``finish``).

    ``metas`` is filled by the reader; a file's entry must be there before its rows are added."""

    def __init__(self, metas: FileMetas, group_rows: int | None = None) -> None:
        self.metas, self.group_rows = metas, group_rows or GROUP_ROWS
        self.pending: list[tuple[int, int, pl.DataFrame]] = []  # (first file index, arrival, raw frame)
        self.pending_rows = 0
        self.done: list[tuple[int, int, pl.DataFrame]] = []  # the same, canonical
        self.arrivals = 0

    def add(self, file_index: int, raw: pl.DataFrame) -> None:
        """One raw frame (``raw.tag``ged) whose rows start at file ``file_index``."""
        self.pending.append((file_index, self.arrivals, raw))
        self.arrivals += 1
        self.pending_rows += raw.height
        if self.pending_rows >= self.group_rows:
            self._flush()

    def _flush(self) -> None:
        batch, self.pending, self.pending_rows = self.pending, [], 0
        if not batch:
            return
        heights = [raw.height for _, _, raw in batch]
        canon = _to_canonical([raw for _, _, raw in batch], self.metas)
        offset = 0
        for (idx, arrival, _), n in zip(batch, heights, strict=True):  # zero-copy slices, one per raw frame
            self.done.append((idx, arrival, canon.slice(offset, n)))
            offset += n

    def finish(self) -> pl.DataFrame | None:
        """Every row, ordered by file (a file's blocks in the order read); None when no rows were read."""
        self._flush()
        if not self.done:
            return None
        self.done.sort(key=lambda t: (t[0], t[1]))
        frames = [f for _, _, f in self.done]
        self.done = []
        return pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
