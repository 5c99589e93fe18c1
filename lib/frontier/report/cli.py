"""``frontier report``: the command line over :func:`run_reports`."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from frontier import paths

from .params import list_notebooks
from .results import ReportError
from .runner import run_reports


def _rel(p: Path) -> str:
    """``p`` relative to the current directory when possible (for printing)."""
    try:
        return os.path.relpath(p)
    except ValueError:
        return str(p)


def build_parser() -> argparse.ArgumentParser:
    """The ``frontier report`` argument parser."""
    ap = argparse.ArgumentParser(
        prog="frontier report",
        description="Execute analysis notebooks headless and export offline HTML reports "
                    "(exit 0 only if every report succeeded).")
    ap.add_argument("names", nargs="*", metavar="NAME", help="notebook names in notebooks/ (default: all, or the "
                    "notebook(s) the params file names)")
    ap.add_argument("--data", nargs="+", action="extend", metavar="PATH",
                    help="input files/folders passed to the notebooks as data_paths")
    ap.add_argument("--params", type=Path, metavar="FILE", help="YAML params file (see params/README.md)")
    ap.add_argument("--out", type=Path, default=None, metavar="DIR",
                    help="output folder (default: reports/ in the project)")
    ap.add_argument("--timeout", type=int, default=600, metavar="S", help="per-cell timeout in seconds (600)")
    ap.add_argument("--interactive", action="store_true",
                    help="interactive charts (embeds the chart runtime once per page) instead of static SVG")
    ap.add_argument("--list", action="store_true", help="list the notebooks and exit")
    return ap


def main_report(argv: Sequence[str] | None = None) -> int:
    """``frontier report`` entry point; returns the exit code (0 all ok, 1 a report failed, 2 bad request)."""
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    if args.list:
        for n in list_notebooks():
            print(n)
        return 0
    if args.timeout <= 0:
        print("frontier report: --timeout must be a positive number of seconds", file=sys.stderr)
        return 2
    try:
        results = run_reports(args.names or None, data=args.data, params_file=args.params, out_dir=args.out,
                              timeout_s=args.timeout, interactive=args.interactive)
    except ReportError as exc:
        print(f"frontier report: error: {exc}", file=sys.stderr)
        return 2
    for r in results:
        line = f"{'ok' if r.ok else 'FAILED':<7}{r.name:<28} {_rel(r.html_path)}  ({r.duration_s:.1f} s)"
        if not r.ok:
            line += f"  {r.error}"
        print(line)
        for w in r.warnings:
            print(f"        warning: {w}")
    out = Path(args.out) if args.out is not None else paths.REPORTS
    print(f"index: {_rel(out.resolve() / 'index.html')}")
    return 0 if results.ok else 1
