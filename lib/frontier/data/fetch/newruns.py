"""Every new CI run of the benchmark workflow since the last fetch (``frontier fetch --new-runs``).

``gh run list`` names the newest ``list_limit`` completed, successful runs of the workflow (default
``run-sweep.yml`` on ``main``, the runs that publish results). A listed run is **new** when it is not already on disk
as ``<out>/<run id>/run.json`` with the same attempt, and it was created on or after the newest run date held there
(``since``; a re-run of a held run is new whatever its date; ``since_date`` overrides the date, to fill in older
runs). Nothing held: the newest ``max_runs`` listed runs. Otherwise the oldest new runs first, at most ``max_runs``,
so a fetch that stops at the limit leaves no gap: the rest come with the next fetch. Each is downloaded with
:func:`~frontier.data.fetch.runs.fetch_run` (checked before anything is imported); a run that fails is a skip with
its reason, the others continue, and the next fetch tries it again whatever its date. What was added is one record
for the fetch log (:mod:`.added`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontier.data.fetch.added import LOG_NAME
from frontier.data.fetch.api import _parse_iso
from frontier.data.fetch.errors import FetchError, GhUnavailableError
from frontier.data.fetch.runs import (
    DEFAULT_REPO,
    SHA_RE,
    RunFetchResult,
    check_logged_in,
    check_repo,
    fetch_run,
    first_lines,
    resolve_gh,
    run_gh,
)
from frontier.paths import DATA_RAW

__all__ = [
    "DEFAULT_BRANCH",
    "DEFAULT_LIST_LIMIT",
    "DEFAULT_MAX_RUNS",
    "DEFAULT_WORKFLOW",
    "LIST_FIELDS",
    "ListedRun",
    "NewRunsResult",
    "fetch_new_runs",
    "held_runs",
    "parse_run_list",
    "select_new",
    "skipped_before",
]

DEFAULT_WORKFLOW = "run-sweep.yml"  # InferenceX's benchmark workflow ("Run Sweep")
DEFAULT_BRANCH = "main"  # pushes to main publish results; pull-request sweeps are development runs
DEFAULT_MAX_RUNS = 10  # runs downloaded per fetch at most
DEFAULT_LIST_LIMIT = 100  # newest successful runs listed per fetch
LIST_FIELDS = "databaseId,attempt,createdAt,headSha,status,conclusion,workflowName,url"
_NAME_RE = re.compile(r"^[^\x00-\x1f\x7f-][^\x00-\x1f\x7f]{0,199}$")  # a workflow or branch: never read as a flag
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ListedRun:
    """One successful run as ``gh run list`` names it; ``created_at``: UTC ISO time, ``date``: its UTC day."""

    run_id: int
    attempt: int
    created_at: str
    date: str
    head_sha: str
    workflow: str
    url: str

    def record(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "run_attempt": self.attempt, "date": self.date, "url": self.url}


@dataclass
class NewRunsResult:
    """What one ``--new-runs`` fetch did; ``added`` is its fetch-log record (:func:`.added.describe` says it)."""

    listed: list[ListedRun]
    since: str | None  # the newest run date held before this fetch
    start: str | None = None  # runs created before this UTC day are not new (``since_date``, else ``since``)
    retrieved_at: str = ""  # UTC ISO time the list was read
    fetched: list[RunFetchResult] = field(default_factory=list)
    failed: list[tuple[ListedRun, str]] = field(default_factory=list)
    held: list[ListedRun] = field(default_factory=list)
    older: list[ListedRun] = field(default_factory=list)
    deferred: list[ListedRun] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    added: dict[str, Any] = field(default_factory=dict)


def _check_name(value: str, what: str) -> str:
    if not _NAME_RE.match(value):
        raise FetchError(f"invalid {what} {value!r}: expected a name such as run-sweep.yml or main")
    return value


def held_runs(root: Path) -> dict[int, tuple[int, str | None]]:
    """Runs on disk under ``root``: run id → (attempt, date) read from each ``<id>/run.json`` (unreadable: left out)."""
    out: dict[int, tuple[int, str | None]] = {}
    if not root.is_dir():
        return out
    for d in root.iterdir():
        if not d.name.isdigit() or d.is_symlink() or not (d / "run.json").is_file():
            continue
        try:
            info = json.loads((d / "run.json").read_text(encoding="utf-8"))
            attempt = int(info.get("run_attempt") or 0)
        except (OSError, ValueError, RecursionError, TypeError, AttributeError, OverflowError):
            continue
        date = info.get("date")
        out[int(d.name)] = (attempt, date if isinstance(date, str) and _DATE_RE.match(date) else None)
    return out


def _listed_run(item: Any) -> ListedRun | str:
    """A successful run, or why the entry is left out ("" for a run that is not a completed success)."""
    if not isinstance(item, dict):
        return f"an entry that is {type(item).__name__}, not an object"
    if item.get("status") != "completed" or item.get("conclusion") != "success":
        return ""
    rid, attempt, created, sha, url = (item.get(k) for k in ("databaseId", "attempt", "createdAt", "headSha", "url"))
    if not isinstance(rid, int) or isinstance(rid, bool) or rid <= 0:
        return f"an entry with an invalid databaseId {rid!r}"
    if not isinstance(attempt, int) or isinstance(attempt, bool) or attempt < 1:
        return f"run {rid}: invalid attempt {attempt!r}"
    t = _parse_iso(str(created)) if isinstance(created, str) else None
    if t is None:
        return f"run {rid}: invalid createdAt {created!r}"
    if not isinstance(sha, str) or not SHA_RE.match(sha):
        return f"run {rid}: invalid headSha {sha!r}"
    t = t.astimezone(dt.UTC)
    wf = item.get("workflowName")
    return ListedRun(
        rid,
        attempt,
        t.strftime("%Y-%m-%dT%H:%M:%SZ"),
        t.strftime("%Y-%m-%d"),
        sha,
        wf if isinstance(wf, str) else "",
        url if isinstance(url, str) and url.startswith("https://") else "",
    )


def parse_run_list(out: str) -> tuple[list[ListedRun], list[str]]:
    """(the completed, successful runs in ``gh run list --json`` output, newest first; why entries were left out).
    FetchError when the output is not a JSON array."""
    try:
        items = json.loads(out)
    except (ValueError, RecursionError):
        raise FetchError(f"`gh run list` printed something that is not JSON: {first_lines(out)}") from None
    if not isinstance(items, list):
        raise FetchError(f"`gh run list` returned {type(items).__name__}, expected an array")
    runs: dict[int, ListedRun] = {}
    problems = []
    for item in items:
        got = _listed_run(item)
        if isinstance(got, ListedRun):
            runs.setdefault(got.run_id, got)
        elif got:
            problems.append(got)
    return sorted(runs.values(), key=lambda r: (r.created_at, r.run_id), reverse=True), problems


def select_new(
    listed: Sequence[ListedRun],
    held: dict[int, tuple[int, str | None]],
    *,
    since_date: str | None,
    max_runs: int,
    retry: frozenset[int] = frozenset(),
) -> tuple[list[ListedRun], list[ListedRun], list[ListedRun], list[ListedRun]]:
    """(to fetch, already held, not new, left for the next fetch) by the rule in the module docstring.

    ``since_date``: runs created before this UTC day are not new (None: every listed run may be); ``retry``: runs an
    earlier fetch skipped, new whatever their date. Nothing held: the newest ``max_runs``, the rest not new.
    """
    same: list[ListedRun] = []
    older: list[ListedRun] = []
    new: list[ListedRun] = []
    for r in listed:
        if r.run_id in held and held[r.run_id][0] == r.attempt:
            same.append(r)
        elif r.run_id not in held and r.run_id not in retry and since_date is not None and r.date < since_date:
            older.append(r)
        else:
            new.append(r)
    n = max(0, max_runs)
    if not held:  # a first fetch: the newest runs; older ones only on request (since_date)
        return new[:n], same, older + new[n:], []
    new.sort(key=lambda r: (r.created_at, r.run_id))  # oldest first: stopping at the limit leaves no gap
    return new[:n], same, older, new[n:]


def skipped_before(root: Path) -> frozenset[int]:
    """Runs the previous ``--new-runs`` fetch into ``root`` skipped (its record in the fetch log): tried again."""
    try:
        doc = json.loads((root / LOG_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return frozenset()
    entries = doc.get("entries") if isinstance(doc, dict) else None
    for e in reversed(entries if isinstance(entries, list) else []):
        added = e.get("added") if isinstance(e, dict) else None
        if isinstance(added, dict) and added.get("kind") == "runs":
            skipped: list[Any] = added["skipped"] if isinstance(added.get("skipped"), list) else []
            return frozenset(s["run_id"] for s in skipped if isinstance(s, dict) and type(s.get("run_id")) is int)
    return frozenset()


def _list_runs(exe: str, repo: str, workflow: str, branch: str, limit: int) -> tuple[list[ListedRun], list[str]]:
    """``gh run list``: the newest ``limit`` successful runs of ``workflow`` (on ``branch``; "" every branch)."""
    args = ["run", "list", "--repo", repo, "--workflow", workflow, "--status", "success"]
    args += ["--limit", str(limit), "--json", LIST_FIELDS] + (["--branch", branch] if branch else [])
    res = run_gh(exe, args, timeout=300)
    if res.returncode != 0:
        raise FetchError(
            f"`gh run list --repo {repo} --workflow {workflow}` failed: {first_lines(res.stderr or res.stdout)}"
        )
    return parse_run_list(res.stdout)


def fetch_new_runs(
    *,
    repo: str = DEFAULT_REPO,
    workflow: str = DEFAULT_WORKFLOW,
    branch: str = DEFAULT_BRANCH,
    max_runs: int = DEFAULT_MAX_RUNS,
    list_limit: int = DEFAULT_LIST_LIMIT,
    since_date: str | None = None,
    out_dir: str | os.PathLike | None = None,
    gh: str | os.PathLike | None = None,
    timeout: float = 1800.0,
) -> NewRunsResult:
    """Download every new successful run of ``workflow`` (module docstring) into ``<out_dir>/<run id>/`` (default
    ``data/raw/runs``). ``max_runs``: downloads at most; ``list_limit``: newest runs listed; ``since_date``
    (YYYY-MM-DD): runs created from that UTC day on are new even when older than the newest held; ``timeout``:
    seconds per download. GhUnavailableError when ``gh`` is missing or not logged in; FetchError when the list
    cannot be read; a run that fails to download is in ``failed`` with its reason."""
    check_repo(repo)
    _check_name(workflow, "workflow")
    if branch:
        _check_name(branch, "branch")
    if since_date is not None and not (_DATE_RE.match(since_date) and _parse_iso(since_date)):
        raise FetchError(f"invalid date {since_date!r}: expected YYYY-MM-DD")
    if max_runs < 1 or list_limit < 1:
        raise FetchError(f"--max-runs and --list-limit must be 1 or more, got {max_runs} and {list_limit}")
    root = Path(out_dir) if out_dir is not None else DATA_RAW / "runs"
    held = held_runs(root)
    since = max((d for _, d in held.values() if d), default=None)
    exe = resolve_gh(gh)
    check_logged_in(exe)
    listed, problems = _list_runs(exe, repo, workflow, branch, list_limit)
    start = since_date or since
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    res = NewRunsResult(listed, since, start, now, notes=[f"left out of the list: {p}" for p in problems])
    retry = skipped_before(root)
    todo, res.held, res.older, res.deferred = select_new(listed, held, since_date=start, max_runs=max_runs, retry=retry)
    if start and len(listed) >= list_limit and listed and listed[-1].date > start:
        res.notes.append(
            f"the {list_limit} newest runs listed do not reach back to {start}: new runs older than "
            f"{listed[-1].date} may be missing (raise --list-limit)"
        )
    _download(res, todo, repo=repo, root=root, exe=exe, timeout=timeout)
    res.added = _added(res, held=bool(held), max_runs=max_runs)
    return res


def _download(
    res: NewRunsResult, todo: Sequence[ListedRun], *, repo: str, root: Path, exe: str, timeout: float
) -> None:
    """Fetch each run in ``todo``; a failure is recorded and the rest continue (``gh`` gone: the rest are skipped)."""
    stop: str | None = None
    for r in todo:
        if stop is not None:
            res.failed.append((r, f"not tried: {stop}"))
            continue
        try:
            got = fetch_run(r.run_id, repo=repo, attempt=r.attempt, out_dir=root, gh=exe, timeout=timeout)
        except GhUnavailableError as e:
            stop = str(e)
            res.failed.append((r, stop))
        except FetchError as e:
            res.failed.append((r, str(e)))
        except OSError as e:
            res.failed.append((r, f"{type(e).__name__}: {e}"))
        else:
            res.fetched.append(got)


def _added(res: NewRunsResult, *, held: bool, max_runs: int) -> dict[str, Any]:
    """The fetch-log record: runs added (id, attempt, date, url), skipped with reasons, left for later."""
    by_id = {r.run_id: r for r in res.listed}
    added = [by_id[f.run_id].record() | {"date": f.run_info.get("date") or by_id[f.run_id].date} for f in res.fetched]
    return {
        "kind": "runs",
        "first_copy": not held,
        "listed": len(res.listed),
        "runs_added": [str(a["run_id"]) for a in added],
        "runs": added,
        "dates_added": sorted({str(a["date"]) for a in added}),
        "since": res.since,
        "already_held": len(res.held),
        "older_than_since": len(res.older),
        "skipped": [r.record() | {"reason": why} for r, why in res.failed],
        "left_for_next_fetch": [r.run_id for r in res.deferred],
        "max_runs": max_runs,
        "notes": list(res.notes),
    }
