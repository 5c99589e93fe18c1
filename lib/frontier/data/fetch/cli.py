"""``frontier fetch``: API responses (``--model``), a GitHub Actions run's artifacts (``--run``) or every new run of
the benchmark workflow (``--new-runs``, :mod:`frontier.data.fetch.newruns`).

Prints what was fetched or reused, names and URLs made terminal-safe; every failure is one message on stderr and
exit 1 (fetch failed) or 2 (usage, or the GitHub CLI missing / not logged in), never a traceback.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from frontier.data.fetch.added import append_log, describe
from frontier.data.fetch.api import (
    DEFAULT_API_BASE,
    DEFAULT_ISL_OSL,
    DEFAULT_MAX_AGE_S,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_S,
    ENV_API_BASE,
    FetchResult,
    _show,
    fetch_model,
)
from frontier.data.fetch.errors import FetchError
from frontier.data.fetch.newruns import (
    DEFAULT_BRANCH,
    DEFAULT_LIST_LIMIT,
    DEFAULT_MAX_RUNS,
    DEFAULT_WORKFLOW,
    NewRunsResult,
    fetch_new_runs,
)
from frontier.data.fetch.runs import DEFAULT_REPO, ENV_GH, fetch_run
from frontier.data.fetch.transport import ENV_MIN_INTERVAL, MAX_BODY_BYTES
from frontier.paths import DATA_RAW
from frontier.terminal import ArgumentParser, echo, plural

__all__ = ["main_fetch"]


def _parse_isl_osl(text: str) -> tuple[int, int]:
    m = re.match(r"^\s*(\d+)\s*[/x:,]\s*(\d+)\s*$", text)
    if not m:
        raise argparse.ArgumentTypeError(f"expected ISL/OSL such as 1024/8192, got {text!r}")
    return int(m.group(1)), int(m.group(2))


def _parser() -> argparse.ArgumentParser:
    p = ArgumentParser(
        prog="frontier fetch",
        description="Fetch InferenceX API responses (cached under data/raw/api/), a GitHub Actions run's "
        "benchmark artifacts (data/raw/runs/<id>/), or every new run of the benchmark workflow since the last fetch.",
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--model", help='model display name, e.g. "DeepSeek-R1-0528"')
    what.add_argument("--run", help="GitHub Actions run id (downloads results_bmk / bmk_* artifacts with gh)")
    what.add_argument(
        "--new-runs",
        action="store_true",
        help="every successful run of --workflow not yet in the output folder (same attempt) and created on or after "
        "the newest run date held there; the oldest first, at most --max-runs (nothing held: the newest)",
    )
    _api_options(p.add_argument_group("API (--model)"))
    _run_options(p.add_argument_group("GitHub Actions (--run, --new-runs)"))
    p.add_argument("--refresh", action="store_true", help="--model, --run: download again even if a cached copy exists")
    p.add_argument(
        "--out", help="output folder (default data/raw/api for --model, data/raw/runs for --run and --new-runs)"
    )
    return p


def _api_options(api: Any) -> None:
    """The options of an API fetch (--model)."""
    api.add_argument("--date", help="benchmarks as of this date (YYYY-MM-DD)")
    api.add_argument("--history", action="store_true", help="also benchmarks/history for each ISL/OSL")
    api.add_argument(
        "--isl-osl",
        action="append",
        type=_parse_isl_osl,
        metavar="ISL/OSL",
        help="history sequence lengths in tokens (repeatable; default 1024/1024 1024/8192 8192/1024)",
    )
    api.add_argument("--evals", action="store_true", help="also the evaluations endpoint")
    api.add_argument("--availability", action="store_true", help="also the availability endpoint")
    api.add_argument("--all", action="store_true", help="same as --history --evals --availability")
    api.add_argument("--base-url", help=f"API base URL (default ${ENV_API_BASE} or {DEFAULT_API_BASE})")
    api.add_argument("--offline", action="store_true", help="no requests: use cached copies only")
    api.add_argument(
        "--max-age",
        type=float,
        default=DEFAULT_MAX_AGE_S / 3600,
        metavar="HOURS",
        help="reuse a cached copy younger than this without a request (default 6; 0 = always ask)",
    )
    api.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help="overall deadline of each request attempt in seconds, body included (default 60)",
    )
    api.add_argument(
        "--max-body-mb",
        type=float,
        default=MAX_BODY_BYTES / 1024**2,
        metavar="MiB",
        help=f"largest response body accepted, on the wire and decoded (default {MAX_BODY_BYTES // 1024**2})",
    )
    api.add_argument("--retries", type=int, default=DEFAULT_RETRIES, help="retries after a transient failure")
    api.add_argument(
        "--min-interval", type=float, default=None, help=f"seconds between requests (default ${ENV_MIN_INTERVAL} or 1)"
    )


def _run_options(run: Any) -> None:
    """The options of a GitHub Actions fetch (--run, --new-runs)."""
    run.add_argument("--repo", default=DEFAULT_REPO, help=f"OWNER/NAME (default {DEFAULT_REPO})")
    run.add_argument("--attempt", type=int, help="--run: run attempt to record (default: the latest)")
    run.add_argument("--gh", help=f"path of the gh executable (default ${ENV_GH} or gh on PATH)")
    run.add_argument(
        "--workflow", default=DEFAULT_WORKFLOW, help=f"--new-runs: workflow file or name (default {DEFAULT_WORKFLOW})"
    )
    run.add_argument(
        "--branch",
        default=DEFAULT_BRANCH,
        help=f'--new-runs: runs of this branch only (default {DEFAULT_BRANCH}; "" for every branch)',
    )
    run.add_argument(
        "--max-runs",
        type=int,
        default=DEFAULT_MAX_RUNS,
        metavar="N",
        help=f"--new-runs: download at most N runs per fetch, the oldest new ones first (default {DEFAULT_MAX_RUNS})",
    )
    run.add_argument(
        "--list-limit",
        type=int,
        default=DEFAULT_LIST_LIMIT,
        metavar="N",
        help=f"--new-runs: how many of the newest successful runs to list (default {DEFAULT_LIST_LIMIT})",
    )
    run.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        help="--new-runs: runs created from this UTC day on are new even if older than the newest run held "
        "(fills in older runs; default: the newest run date held)",
    )


def main_fetch(argv: Sequence[str] | None = None) -> int:
    """``frontier fetch …``: print what was fetched or reused; return 0, 1 (fetch failed) or 2 (usage / no gh)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "fetch":
        args_list = args_list[1:]
    try:
        args = _parser().parse_args(args_list)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        if args.new_runs:
            return _cli_new_runs(args)
        return _cli_run(args) if args.run is not None else _cli_model(args)
    except FetchError as e:
        _print_error(e)
        return e.exit_code
    except (OSError, ValueError) as e:  # e.g. an output folder that cannot be created
        _print_error(f"{type(e).__name__}: {e}")
        return 1


def _print_error(message: object) -> None:
    """The message as one line on stderr, terminal-safe (names and URLs in it may come from data)."""
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    echo(f"frontier fetch: error: {' '.join(lines)}", err=True)


def _cli_run(args: argparse.Namespace) -> int:
    res = fetch_run(args.run, repo=args.repo, attempt=args.attempt, out_dir=args.out, gh=args.gh, refresh=args.refresh)
    state = "cached" if res.from_cache else "fresh"
    echo(f"{state}  run {res.run_id} attempt {res.run_attempt}  {plural(len(res.files), 'file')}  {_show(res.path)}")
    for f in res.files:
        echo(f"  {_show(f)}")
    if res.note:
        echo(f"  note: {res.note}")
    return 0


def _cli_new_runs(args: argparse.Namespace) -> int:
    res = fetch_new_runs(
        repo=args.repo,
        workflow=args.workflow,
        branch=args.branch,
        max_runs=args.max_runs,
        list_limit=args.list_limit,
        since_date=args.since,
        out_dir=args.out,
        gh=args.gh,
    )
    _print_new_runs(res)
    root = Path(args.out) if args.out else DATA_RAW / "runs"
    record = {
        "endpoint": "gh run list",
        "params": {"repo": args.repo, "workflow": args.workflow, "branch": args.branch},
        "url": f"https://github.com/{args.repo}/actions",
        "retrieved_at": res.retrieved_at,
        "from_cache": False,
        "added": res.added,
    }
    try:
        append_log(root, [record])
    except OSError as e:
        echo(f"  note: fetch log not written: {e}")
    return 0


def _print_new_runs(res: NewRunsResult) -> None:
    """One line per run downloaded or skipped, then what the fetch added (the line the digest shows)."""
    dates = {r.run_id: r.date for r in res.listed}
    for f in res.fetched:
        date = f.run_info.get("date") or dates.get(f.run_id)
        files = plural(len(f.files), "file")
        echo(f"fresh    run {f.run_id} attempt {f.run_attempt}  {date}  {files}  {_show(f.path)}")
    for r, why in res.failed:
        echo(f"skipped  run {r.run_id} attempt {r.attempt}  {r.date}: {why}")
    counts = f"{len(res.listed)} listed, {len(res.held)} already held"
    if res.older:
        when = f"older than {res.start}" if res.start else "older, not taken by a first fetch"
        counts += f", {len(res.older)} {when} (not new; --since YYYY-MM-DD fills in)"
    echo(f"runs: {counts}")
    for note in res.notes:
        echo(f"  note: {note}")
    echo(f"added: {describe(res.added)}")


def _cli_model(args: argparse.Namespace) -> int:
    if args.timeout <= 0 or not math.isfinite(args.timeout):
        raise FetchError(f"--timeout must be a positive number of seconds, got {args.timeout}")
    if args.max_body_mb <= 0 or not math.isfinite(args.max_body_mb):
        raise FetchError(f"--max-body-mb must be a positive number, got {args.max_body_mb}")
    options: dict[str, Any] = {
        "base_url": args.base_url,
        "cache_dir": args.out,
        "refresh": args.refresh,
        "offline": args.offline,
        "max_age": max(0.0, args.max_age) * 3600,
        "timeout": args.timeout,
        "retries": args.retries,
        "min_interval": args.min_interval,
        "max_bytes": int(args.max_body_mb * 1024**2),
    }
    try:
        results = fetch_model(
            args.model,
            date=args.date,
            isl_osl=tuple(args.isl_osl or DEFAULT_ISL_OSL),
            history=args.history or args.all,
            evaluations=args.evals or args.all,
            availability=args.availability or args.all,
            **options,
        )
        failed: FetchError | None = None
    except FetchError as e:
        results, failed = e.results, e
    for r in results:
        _print_result(r)
    _log(args, results)
    if failed is not None:
        _print_error(failed)
        return failed.exit_code
    return 0


def _log(args: argparse.Namespace, results: list[FetchResult]) -> None:
    """Record what each request added in the cache root's fetch log (a log that cannot be written is a note)."""
    if not results:
        return
    root = Path(args.out) if args.out else DATA_RAW / "api"
    records = [
        {"endpoint": r.endpoint, "params": dict(r.params), "url": r.url, "retrieved_at": r.retrieved_at}
        | {"from_cache": r.from_cache, "added": dict(r.added) if r.added is not None else None}
        for r in results
    ]
    try:
        append_log(root, records)
    except OSError as e:
        echo(f"  note: fetch log not written: {e}")


def _print_result(r: FetchResult) -> None:
    state = "cached" if r.from_cache else "fresh "
    query = urllib.parse.urlsplit(r.url).query
    rows = "?" if r.n_rows is None else str(r.n_rows)
    what = f"{r.endpoint}{'?' + query if query else ''}"
    echo(f"{state}  {what}  rows={rows}  sha256={r.sha256[:16]}  {_show(r.path)}")
    if r.final_url and r.final_url != r.url:
        echo(f"        redirected to {r.final_url}")
    if r.from_cache and r.note:
        echo(f"        {r.note}")
    if r.added is not None:
        echo(f"        added: {describe(dict(r.added))}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main_fetch())
