"""What a report run returns: one :class:`ReportResult` per notebook, and the error for a bad request."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

__all__ = ["ReportError", "ReportResult", "ReportResults"]


class ReportError(Exception):
    """A problem with the request itself (unknown notebook, bad params file, missing data, an output folder the
    runner may not write into): nothing was run."""


@dataclasses.dataclass
class ReportResult:
    """Outcome of one notebook run. ``html_path`` is ``index.html`` on success, ``failed.html`` on failure;
    ``duration_s`` is wall-clock seconds."""

    name: str
    status: str  # "ok" or "failed"
    report_dir: Path
    html_path: Path
    started_utc: str
    finished_utc: str
    duration_s: float
    parameters: dict[str, Any]
    error: str | None = None
    external_refs: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class ReportResults(list[ReportResult]):
    """The list of :class:`ReportResult` from :func:`run_reports`; ``ok`` is True only if all succeeded."""

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self)
