"""``frontier changes [OLD NEW] [--out DIR] [--json | --format text|md|html] [--fetch-log FILE]… [--fail-on …]``.

Compares two builds of the reports: the newest two in ``<out>/history/`` (default ``reports/``), or the two
folders given (history snapshots or output folders). Exit codes: 0 the digest was written (and nothing named by
``--fail-on`` happened); 1 ``--fail-on`` matched (a config moved beyond run-to-run noise, or a winner flipped);
2 bad request (fewer than two builds, a folder that is not a build, every report refused, e.g. a ``summary.json``
of a newer schema version); 3 unexpected error. No traceback reaches the terminal.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from frontier.fsutil import write_atomic
from frontier.terminal import echo, exit_code_of

__all__ = ["main_changes"]


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="frontier changes",
        description="What changed between two builds of the reports: data and configs added, values that moved "
        "(classified against run-to-run spread), winners that flipped, price-table changes. Exit 0: digest written; "
        "1: --fail-on matched; 2: bad request; 3: unexpected error.",
    )
    ap.add_argument(
        "builds",
        nargs="*",
        type=Path,
        metavar="BUILD",
        help="old and new build folders (default: the newest two in OUT/history)",
    )
    ap.add_argument("--out", type=Path, metavar="DIR", help="output folder whose history to read (default reports/)")
    ap.add_argument("--json", action="store_true", help="the digest as one JSON object")
    ap.add_argument("--format", choices=["text", "md", "html"], default="text", help="text (default), md, html")
    ap.add_argument("--write", type=Path, metavar="FILE", help="write the digest to FILE instead of printing it")
    ap.add_argument(
        "--fetch-log",
        type=Path,
        action="append",
        metavar="FILE",
        help="frontier fetch's log (e.g. data/raw/api/fetch-log.meta.json, data/raw/runs/fetch-log.meta.json): list "
        "what was fetched between the builds; repeatable",
    )
    ap.add_argument(
        "--fail-on",
        action="append",
        choices=["moved", "flipped"],
        default=[],
        help="exit 1 when a config moved beyond noise (moved) or a winner flipped (flipped); repeatable",
    )
    return ap


def main_changes(argv: Sequence[str] | None = None) -> int:
    """``frontier changes`` entry point; returns the exit code (module docstring)."""
    args = _parser().parse_args(list(argv) if argv is not None else None)
    from frontier.report.changes import ChangesError

    return exit_code_of(lambda: _main(args), ChangesError, _err)


def _main(args: argparse.Namespace) -> int:
    from frontier import paths
    from frontier.report.changes import ChangesError, compare_builds, resolve_builds
    from frontier.report.changes_format import exit_code, to_html, to_markdown, to_text

    if len(args.builds) not in (0, 2):
        raise ChangesError("give two build folders (old, then new), or none to compare the newest two in history")
    out = (args.out or paths.REPORTS).resolve()
    old, new = resolve_builds(out, *(args.builds or [None, None]))
    digest = compare_builds(old, new, fetch_log=args.fetch_log)
    if not digest["reports"]:
        reasons = "; ".join(f"{k}: {v}" for k, v in digest["skipped"].items())
        raise ChangesError(f"no report can be compared ({reasons})")
    if args.json:
        text = json.dumps(digest, indent=2, ensure_ascii=False) + "\n"
    elif args.format == "md":
        text = to_markdown(digest)
    elif args.format == "html":
        text = to_html(digest, note=f"Build {new.label} compared with {old.label}.")
    else:
        text = to_text(digest)
    if args.write:
        write_atomic(args.write, text)
    else:
        echo(text.rstrip("\n"))
    return exit_code(digest, args.fail_on)


def _err(message: str) -> None:
    echo(f"frontier changes: {message}", err=True)
