"""The build history of an output folder: a dated copy of what each build of ``frontier report`` published.

After a build, :func:`keep_history` copies each report the output folder publishes (``summary.json``, the HTML page
``index.html`` and ``run.json``; reports this build did not run as they are, marked ``"rebuilt": false``; a report
that failed in this build is left out) into ``<out>/history/<UTC timestamp>/<name>/`` and writes ``build.json``:
when the build ran, whether every report succeeded, and each report's status, title, scope and headline.
The copy is assembled in a hidden folder and renamed into place, so a snapshot is either complete or absent.

The rule that bounds it: the newest :data:`DEFAULT_KEEP` snapshots are kept (``--keep-history N``). Only a build
in which every report succeeded prunes; a build where a report failed adds its snapshot (the reports that did
succeed, the failure recorded) and deletes nothing; a build where no report succeeded adds nothing. Only folders
this module wrote (a timestamp name and a ``build.json`` carrying :data:`GENERATOR`) are ever deleted.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

from frontier.fsutil import write_atomic
from frontier.report._files import iso, now, read_json, to_json
from frontier.report.results import ReportError, ReportResults

__all__ = [
    "BUILD_FILE",
    "DEFAULT_KEEP",
    "GENERATOR",
    "HISTORY_DIR",
    "KEPT_FILES",
    "RESERVED_NAMES",
    "Snapshot",
    "check_reserved",
    "history_html",
    "history_nav",
    "keep_history",
    "list_snapshots",
]

HISTORY_DIR = "history"
BUILD_FILE = "build.json"
GENERATOR = "frontier report history"
DEFAULT_KEEP = 12
#: what is copied from each published report folder
KEPT_FILES = ("summary.json", "index.html", "run.json")
#: names of the output folder's own entries, which no report may take
RESERVED_NAMES = frozenset({HISTORY_DIR, "changes"})
_STAMP_FMT = "%Y-%m-%dT%H-%M-%SZ"
_STAMP_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ(?:-\d+)?")


class Snapshot:
    """One kept build: its folder and its ``build.json``."""

    def __init__(self, path: Path, build: dict[str, Any]) -> None:
        self.path = path
        self.build = build

    @property
    def built_utc(self) -> str:
        return str(self.build.get("built_utc", self.path.name))

    @property
    def reports(self) -> dict[str, dict[str, Any]]:
        """Report name → its entry in ``build.json`` (status, title, scope, headline)."""
        reps = self.build.get("reports")
        return {str(k): v for k, v in reps.items() if isinstance(v, dict)} if isinstance(reps, dict) else {}


def check_reserved(names: list[str]) -> None:
    """Raise :class:`ReportError` if a report would take the name of the output folder's own entries."""
    clash = sorted(set(names) & RESERVED_NAMES)
    if clash:
        raise ReportError(f"a report cannot be named {', '.join(clash)}: the output folder keeps its history there")


def list_snapshots(out: Path) -> list[Snapshot]:
    """The snapshots under ``<out>/history/``, oldest first (folders without a readable ``build.json`` that this
    module wrote are not snapshots and are left alone)."""
    root = out / HISTORY_DIR
    if not root.is_dir() or root.is_symlink():
        return []
    snaps = []
    for d in sorted(root.iterdir(), key=lambda p: _stamp_key(p.name)):
        if d.is_symlink() or not d.is_dir() or not _STAMP_RE.fullmatch(d.name):
            continue
        build = read_json(d / BUILD_FILE)
        if build is not None and build.get("generator") == GENERATOR:
            snaps.append(Snapshot(d, build))
    return snaps


def _stamp_key(name: str) -> tuple[str, int]:
    """Sort key of a snapshot name: its time, then its same-second counter (``…Z-2``)."""
    base, _, n = name.partition("Z-")
    return (base.removesuffix("Z"), int(n) if n.isdigit() else 0)


def keep_history(
    out: Path,
    results: ReportResults,
    *,
    keep: int = DEFAULT_KEEP,
    when: dt.datetime | None = None,
) -> Path | None:
    """Copy what this build published into a new snapshot; prune to the newest ``keep`` when every report
    succeeded. Returns the snapshot folder, or None when nothing was published (or ``keep`` is 0).
    Hidden folders a killed build left are removed first (the caller holds the output folder's lock)."""
    if keep <= 0 or not any(r.ok for r in results):
        return None
    root = out / HISTORY_DIR
    if root.is_symlink() or (root.exists() and not root.is_dir()):
        raise ReportError(f"{root} is not a folder the history can be kept in")
    built = when or now()
    for stale in root.glob(".new-*") if root.is_dir() else []:
        shutil.rmtree(stale, ignore_errors=True)
    tmp = root / f".new-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        entries = {r.name: _copy_report(r.report_dir, tmp / r.name) if r.ok else _failed(r.error) for r in results}
        for d in _other_reports(out, set(entries)):  # published earlier, not built this time: kept as they are
            entries[d.name] = _copy_report(d, tmp / d.name) | {"rebuilt": False}
        build = {
            "generator": GENERATOR,
            "built_utc": iso(built),
            "built_utc_us": built.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),  # orders fetches and builds in one second
            "complete": results.ok,
            "reports": entries,
        }
        write_atomic(tmp / BUILD_FILE, to_json(build))
        target = _free_name(root, built.strftime(_STAMP_FMT))
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if results.ok:
        _prune(out, keep)
    return target


def _copy_report(src: Path, dst: Path) -> dict[str, Any]:
    """Copy the kept files of one published report; its entry in ``build.json``."""
    dst.mkdir(parents=True)
    for f in KEPT_FILES:
        if (src / f).is_file() and not (src / f).is_symlink():
            shutil.copyfile(src / f, dst / f)
    run = read_json(src / "run.json") or {}
    summary = read_json(src / "summary.json") or {}
    headline = summary.get("headline")
    return {
        "status": "ok",
        "rebuilt": True,
        "finished_utc": run.get("finished_utc"),
        "title": run.get("title") or summary.get("title") or src.name,
        "scope": run.get("scope") or "",
        "synthetic": run.get("synthetic"),
        "headline": [str(h) for h in headline] if isinstance(headline, list) else [],
    }


def _other_reports(out: Path, built: set[str]) -> list[Path]:
    """Report folders of ``out`` this build did not run whose last run succeeded (a page and a summary)."""
    found = []
    for d in sorted(out.iterdir()):
        if d.name in built or d.name.startswith((".", "_")) or d.name in RESERVED_NAMES or d.is_symlink():
            continue
        run = read_json(d / "run.json") if d.is_dir() else None
        if run and run.get("status") == "ok" and (d / "index.html").is_file() and (d / "summary.json").is_file():
            found.append(d)
    return found


def _failed(error: str | None) -> dict[str, Any]:
    return {"status": "failed", "error": error or "failed"}


def _free_name(root: Path, stamp: str) -> Path:
    """``root/stamp``, or ``stamp-2``, ``stamp-3`` … when builds finish within the same second."""
    target, n = root / stamp, 2
    while target.exists() or target.is_symlink():
        target, n = root / f"{stamp}-{n}", n + 1
    return target


def _prune(out: Path, keep: int) -> list[str]:
    """Delete all but the newest ``keep`` snapshots; the names deleted."""
    snaps = list_snapshots(out)
    gone = [s.path for s in snaps[: max(0, len(snaps) - keep)]]
    for p in gone:
        shutil.rmtree(p, ignore_errors=True)
    return [p.name for p in gone]


def history_nav(out: Path, changes_page: str = "changes.html") -> str:
    """Links for the top of the index: "What changed" (when the page exists) and "Previous builds"."""
    if not list_snapshots(out):
        return ""
    links = ['<a href="#previous-builds">Previous builds</a>']
    if (out / changes_page).is_file():
        links.insert(0, f'<a href="{changes_page}"><strong>What changed</strong></a> since the previous build')
    return f"<p>{' · '.join(links)}</p>\n"


def history_html(out: Path, changes_page: str = "changes.html") -> str:
    """The index's "Previous builds" section: a link to the "What changed" page when there is one, then each kept
    build, newest first, with its reports (each linked to its kept page) and any failure. Empty without history."""
    import html

    e = html.escape
    snaps = list_snapshots(out)
    if not snaps:
        return ""
    parts = ['<h2 id="previous-builds">Previous builds</h2>']
    if (out / changes_page).is_file():
        parts.append(
            f'<p><a href="{e(changes_page, quote=True)}">What changed</a> since the build before the newest.</p>'
        )
    rows = []
    for s in reversed(snaps):
        base = f"{HISTORY_DIR}/{s.path.name}"
        links = []
        for name, entry in sorted(s.reports.items()):
            href = e(f"{base}/{name}/index.html", quote=True)
            if entry.get("status") == "ok" and (s.path / name / "index.html").is_file():
                kept = ' <span class="muted">(as before)</span>' if entry.get("rebuilt") is False else ""
                links.append(f'<a href="{href}">{e(name)}</a>{kept}')
            else:
                links.append(f'<span class="bad">{e(name)} failed</span>')
        state = "" if s.build.get("complete") else ' <span class="muted">(a report failed)</span>'
        rows.append(f"<tr><td>{e(s.built_utc)}{state}</td><td>{' · '.join(links)}</td></tr>")
    parts.append(
        f'<p class="muted">The newest {len(snaps)} build(s) kept in {e(HISTORY_DIR)}/ (summary, page and run '
        "record of each report).</p>"
        "<table><thead><tr><th>Built (UTC)</th><th>Reports</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return "\n".join(parts)
