"""What a fetch added: the rows, dates and runs of a fresh API answer that the previous copy of the same request
did not hold, and the fetch log that keeps those records.

The public API answers each request whole (``benchmarks/history`` returns every date), so a weekly fetch asks
once per request (none when a copy younger than ``--max-age`` exists) and compares the answer with the newest
copy it already had. A row is identified by its whole content; a run by its ``run_url`` (else its ``date``).
A ``frontier fetch --new-runs`` record (``kind: "runs"``, :mod:`frontier.data.fetch.newruns`) names the CI runs it
downloaded, skipped and left for the next fetch; its ``since`` is the newest run date held before the fetch.
Records are appended to ``<cache root>/fetch-log.meta.json`` (a ``.meta.json`` name: the loader never reads it
as data), newest last, the last :data:`LOG_LIMIT` kept.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from frontier.fsutil import write_atomic

__all__ = ["LOG_LIMIT", "LOG_NAME", "append_log", "describe", "describe_runs", "rows_added"]

LOG_NAME = "fetch-log.meta.json"
LOG_LIMIT = 500


def _rows(data: Any) -> list[dict[str, Any]]:
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


def _run_of(row: dict[str, Any]) -> str | None:
    run = row.get("run_url")
    if isinstance(run, str) and run:
        return run
    date = row.get("date")
    return f"date {date}" if isinstance(date, str) and date else None


def rows_added(previous: Path | None, data: Any) -> dict[str, Any]:
    """What ``data`` (a parsed answer) holds that the copy at ``previous`` (None: no copy) did not: row count,
    dates and runs added, and ``since``, the newest date of the previous copy."""
    new_rows = _rows(data)
    old_rows: list[dict[str, Any]] = []
    if previous is not None:
        try:
            old_rows = _rows(json.loads(previous.read_bytes()))
        except (OSError, ValueError):
            old_rows = []
    seen = {json.dumps(r, sort_keys=True) for r in old_rows}
    added = [r for r in new_rows if json.dumps(r, sort_keys=True) not in seen]
    old_dates = {str(r["date"]) for r in old_rows if isinstance(r.get("date"), str)}
    old_runs = {x for r in old_rows if (x := _run_of(r))}
    dates = sorted({str(r["date"]) for r in added if isinstance(r.get("date"), str)} - old_dates)
    runs = sorted({x for r in added if (x := _run_of(r))} - old_runs)
    return {
        "first_copy": previous is None,
        "rows": len(new_rows),
        "rows_added": len(added),
        "dates_added": dates,
        "runs_added": runs,
        "since": max(old_dates) if old_dates else None,
    }


def describe(added: dict[str, Any]) -> str:
    """One line: "3 new runs since 2026-11-28 (24 rows, dates 2026-12-01)", or "nothing new"."""
    if added.get("kind") == "runs":
        return describe_runs(added)
    if added.get("first_copy"):
        return f"first copy: {added['rows']} rows, {len(added['runs_added'])} runs"
    if not added.get("rows_added"):
        return "nothing new since the previous copy"
    runs = len(added["runs_added"])
    since = f" since {added['since']}" if added.get("since") else ""
    dates = f", dates {', '.join(added['dates_added'])}" if added["dates_added"] else ""
    return f"{runs} new run{'s' if runs != 1 else ''}{since} ({added['rows_added']} rows{dates})"


def _run_list(runs: Any) -> str:
    shown = [f"{r.get('run_id')} ({r.get('date') or 'undated'})" for r in runs if isinstance(r, dict)]
    return ", ".join(shown)


def describe_runs(added: dict[str, Any]) -> str:
    """One line for a ``--new-runs`` record (:mod:`.newruns`): "3 new runs since 2026-11-28: 123 (2026-12-01), …",
    "no new runs since 2026-11-28", then the runs skipped (with reasons) and left for the next fetch."""
    runs: list[Any] = added["runs"] if isinstance(added.get("runs"), list) else []
    n = len(runs)
    since = f" since {added['since']}" if added.get("since") else ""
    if added.get("first_copy"):
        head = f"first fetch: {n} run{'s' if n != 1 else ''} (the newest of {added.get('listed', 0)} listed)"
    elif n:
        head = f"{n} new run{'s' if n != 1 else ''}{since}"
    else:
        head = f"no new runs{since}"
    parts = [f"{head}: {_run_list(runs)}" if n else head]
    skipped = [s for s in added.get("skipped") or [] if isinstance(s, dict)]
    if skipped:
        why = "; ".join(f"{s.get('run_id')} ({s.get('date') or 'undated'}): {s.get('reason')}" for s in skipped)
        parts.append(f"{len(skipped)} skipped: {why}")
    later = added.get("left_for_next_fetch") or []
    if later:
        parts.append(f"{len(later)} left for the next fetch (at most {added.get('max_runs')} per fetch)")
    return "; ".join(parts)


def append_log(root: Path, records: Iterable[dict[str, Any]], *, when: dt.datetime | None = None) -> Path:
    """Append ``records`` (one per request, each with its ``added``) to ``<root>/fetch-log.meta.json``."""
    path = root / LOG_NAME
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        entries = doc.get("entries") if isinstance(doc, dict) else None
    except (OSError, ValueError):
        entries = None
    entries = list(entries) if isinstance(entries, list) else []
    stamp = (when or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # microseconds: ordered against builds
    entries += [{"logged_utc": stamp, **r} for r in records]
    write_atomic(path, json.dumps({"entries": entries[-LOG_LIMIT:]}, indent=2, ensure_ascii=False) + "\n")
    return path
