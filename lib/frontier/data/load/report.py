"""The load report: what a load did with every input (rows read, loaded, skipped by reason, duplicates,
conflicting measurements; rows loaded but flagged), and the result a load returns (points + report)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from frontier.data.load.dedupe import CONFLICT
from frontier.fsutil import safe_for_terminal as printable

__all__ = ["FileEntry", "LoadError", "LoadReport", "LoadResult", "SkipEntry"]


class LoadError(ValueError):
    """Raised when nothing could be read, or on any skip with ``strict=True``."""


@dataclass
class FileEntry:
    """One input file: its content hash and what became of it."""

    path: str
    sha256: str | None
    format: str | None
    rows_read: int = 0
    rows_loaded: int = 0
    status: str = "read"  # read | skipped | ignored | duplicate (the same file found again)
    reason: str | None = None


_STATUSES = ("read", "skipped", "ignored", "duplicate")


@dataclass
class SkipEntry:
    file: str
    row: int | None  # None: the whole file
    reason: str


@dataclass
class LoadReport:
    """What a load did with every input: rows read, loaded, skipped by reason, duplicates."""

    files: list[FileEntry] = field(default_factory=list)
    skips: list[SkipEntry] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    duplicates: int = 0
    duplicate_examples: list[dict[str, Any]] = field(default_factory=list)
    #: rows removed as conflicting measurements of a point (``dedupe.CONFLICT``), each with the row kept instead
    conflicts: int = 0
    conflict_examples: list[dict[str, Any]] = field(default_factory=list)
    #: valid rows with something to say (control characters replaced, a date after the load date): reason → count;
    #: a flagged row is loaded unless it is a duplicate
    flagged: dict[str, int] = field(default_factory=dict)
    flag_examples: list[dict[str, Any]] = field(default_factory=list)
    load_date: str | None = None  # the latest row date kept (ISO day): the load day (UTC) + the grace day
    from_cache: bool = False
    notes: list[str] = field(default_factory=list)  # what did not affect the rows (e.g. a cache file ignored)

    def skip_file(
        self, path: str, reason: str, detail: str | None = None, *, sha256: str | None = None, format: str | None = None
    ) -> None:
        """Record a whole file as skipped: ``reason`` is counted, ``detail`` (default: the reason) is shown."""
        self.files.append(FileEntry(path, sha256, format, status="skipped", reason=detail or reason))
        self.skips.append(SkipEntry(path, None, reason))

    def raise_if_strict(self, strict: bool) -> None:
        """With ``strict``, any skip is a ``LoadError`` naming the first file (and row) and how many were skipped."""
        if strict and self.skips:
            s = self.skips[0]
            where = printable(s.file) + (f", row {s.row}" if s.row is not None else "")
            raise LoadError(f"strict load: {where}: {printable(s.reason)} ({len(self.skips)} skipped in all)")

    @property
    def skipped(self) -> dict[str, int]:
        """Reason → count. A row counts once; a file that could not be parsed at all counts as one item."""
        out: dict[str, int] = {}
        for s in self.skips:
            out[s.reason] = out.get(s.reason, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def rows_skipped(self) -> int:
        return sum(1 for s in self.skips if s.row is not None)

    @property
    def rows_removed(self) -> int:
        """Rows read and not loaded: skipped, duplicates and conflicting measurements."""
        return self.rows_skipped + self.duplicates + self.conflicts

    def to_dict(self, examples: int = 20) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_skipped": self.rows_skipped,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "conflicts": self.conflicts,
            "flagged": dict(self.flagged),
            "latest_date": self.load_date,
            "files_read": sum(1 for f in self.files if f.status == "read"),
            "files_skipped": sum(1 for f in self.files if f.status == "skipped"),
            "files_ignored": sum(1 for f in self.files if f.status == "ignored"),
            "files_duplicate": sum(1 for f in self.files if f.status == "duplicate"),
            "from_cache": self.from_cache,
            "notes": list(self.notes),
            "skip_examples": [s.__dict__ for s in self.skips[:examples]],
            "duplicate_examples": self.duplicate_examples[:examples],
            "conflict_examples": self.conflict_examples[:examples],
            "flag_examples": self.flag_examples[:examples],
            "files": [f.__dict__ for f in self.files],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LoadReport:
        """The report ``to_dict`` (plus ``all_skips``) wrote; ValueError/TypeError/KeyError when it is damaged."""
        rep = cls(
            files=[FileEntry(**f) for f in d["files"]],
            skips=[SkipEntry(**s) for s in d.get("all_skips", d.get("skip_examples", []))],
            rows_read=d["rows_read"],
            rows_loaded=d["rows_loaded"],
            duplicates=d["duplicates"],
            duplicate_examples=d.get("duplicate_examples", []),
            conflicts=d["conflicts"],
            conflict_examples=d.get("conflict_examples", []),
            flagged=d["flagged"],
            flag_examples=d.get("flag_examples", []),
            load_date=d.get("latest_date"),
        )
        counts = (rep.rows_read, rep.rows_loaded, rep.duplicates, rep.conflicts, *rep.flagged.values())
        if not all(type(n) is int and n >= 0 for n in counts):
            raise ValueError("row counts are not non-negative integers")
        if not all(isinstance(k, str) for k in rep.flagged) or not isinstance(rep.load_date, (str, type(None))):
            raise ValueError("flags are damaged")
        if any(not isinstance(f.path, str) or f.status not in _STATUSES for f in rep.files):
            raise ValueError("a file entry is damaged")
        if any(not isinstance(s.file, str) or not isinstance(s.reason, str) for s in rep.skips):
            raise ValueError("a skip entry is damaged")
        if rep.rows_read != rep.rows_removed + rep.rows_loaded:
            raise ValueError("row counts do not add up")
        return rep

    def summary(self) -> str:
        """One paragraph for people."""
        n_read = sum(1 for f in self.files if f.status == "read")
        lines = [
            f"{self.rows_loaded:,} of {self.rows_read:,} row{'s' if self.rows_read != 1 else ''} loaded from "
            f"{n_read:,} file{'s' if n_read != 1 else ''}"
            f"{' (from cache)' if self.from_cache else ''}; {self.duplicates:,} "
            f"duplicate{'s' if self.duplicates != 1 else ''} removed."
        ]
        if self.conflicts:
            lines.append(f"  removed {self.conflicts:,} row{'s' if self.conflicts != 1 else ''}: {CONFLICT}")
            for c in self.conflict_examples[:3]:
                lines.append(f"    {c['file']} row {c['row']}: kept {c['kept_file']} row {c['kept_row']} instead")
        for reason, n in sorted(self.flagged.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  flagged {n:,} row{'s' if n != 1 else ''}: {reason}")
        rows: dict[str, int] = {}
        files: dict[str, int] = {}
        for sk in self.skips:
            bucket = rows if sk.row is not None else files
            bucket[sk.reason] = bucket.get(sk.reason, 0) + 1
        for reason, n in sorted(rows.items(), key=lambda kv: -kv[1]):
            lines.append(f"  skipped {n:,} row{'s' if n != 1 else ''}: {reason}")
        for reason, n in sorted(files.items(), key=lambda kv: -kv[1]):
            lines.append(f"  skipped {n:,} file{'s' if n != 1 else ''}: {reason}")
        dups = sum(1 for f in self.files if f.status == "duplicate")
        if dups:
            lines.append(f"  {dups:,} file{'s' if dups != 1 else ''} found twice (read once)")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(printable(line) for line in lines)

    def check_accounting(self) -> None:
        """Every row read is loaded, skipped, a duplicate or a conflict (raises AssertionError otherwise)."""
        assert self.rows_read == self.rows_loaded + self.rows_removed, self.to_dict(0)


@dataclass
class LoadResult:
    points: pl.DataFrame
    report: LoadReport

    @property
    def synthetic(self) -> bool:
        """True when any loaded row is synthetic (generated, not measured)."""
        return bool(self.points.height and self.points["synthetic"].fill_null(False).any())

    def inputs(self) -> list[dict[str, Any]]:
        """Inputs for provenance blocks: path, sha256, format, rows read/loaded."""
        return [
            {
                "path": f.path,
                "sha256": f.sha256,
                "format": f.format,
                "rows_read": f.rows_read,
                "rows_loaded": f.rows_loaded,
                "status": f.status,
                "reason": f.reason,
            }
            for f in self.report.files
        ]
