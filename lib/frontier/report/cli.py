"""``frontier report``: the command line over :func:`run_reports`."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from frontier import paths
from frontier.fsutil import safe_for_terminal
from frontier.report import figure_forms
from frontier.report.history import DEFAULT_KEEP
from frontier.report.params import cli_overrides, list_notebooks
from frontier.report.results import ReportError
from frontier.report.runner import default_jobs, run_reports
from frontier.terminal import ArgumentParser, echo, exit_code_of

__all__ = ["build_parser", "main_report", "printable"]


def _rel(p: Path) -> str:
    """``p`` relative to the current directory when possible (for printing)."""
    try:
        return os.path.relpath(p)
    except ValueError:
        return str(p)


class _PairAction(argparse.Action):
    """Collects ``-p NAME VALUE`` and ``-r NAME VALUE`` in command-line order as (name, text, raw)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        name, text = values
        pairs = list(getattr(namespace, self.dest) or [])
        pairs.append((name, text, option_string in ("-r", "--parameters_raw")))
        setattr(namespace, self.dest, pairs)


def build_parser() -> argparse.ArgumentParser:
    """The ``frontier report`` argument parser: what to run and with which parameters, then how to run it."""
    ap = ArgumentParser(
        prog="frontier report",
        description="Execute analysis notebooks headless and export offline HTML reports. Parameters: the "
        "notebook's defaults < --params FILE < -y YAML < -p/-r (in the order given). "
        "Exit 0: every report built; 1: a report failed; 2: bad request, nothing run; "
        "3: unexpected error.",
    )
    _add_input_options(ap)
    _add_run_options(ap)
    ap.add_argument("--list", action="store_true", help="list the notebooks and exit")
    return ap


def _add_input_options(ap: argparse.ArgumentParser) -> None:
    """The notebooks to run, their data and their parameters (file, YAML, one by one)."""
    ap.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="notebook names in notebooks/ (default: all, or the notebook(s) the params file names)",
    )
    ap.add_argument(
        "--data",
        nargs="+",
        action="extend",
        metavar="PATH",
        help="input files/folders passed to the notebooks as data_paths",
    )
    ap.add_argument("--params", type=Path, metavar="FILE", help="YAML params file (see params/README.md)")
    ap.add_argument(
        "-y",
        "--parameters_yaml",
        dest="yaml",
        action="append",
        default=[],
        metavar="YAML",
        help="parameters as a YAML mapping, e.g. -y 'targets: [30, 60]' (repeatable)",
    )
    pairs = {
        ("-p", "--parameters"): "one parameter; VALUE read as papermill does: True/False/None, int, float, else text "
        "(text as typed for a parameter the notebook declares str); repeatable",
        ("-r", "--parameters_raw"): "one parameter, VALUE always text (repeatable)",
    }
    for flags, help_text in pairs.items():
        ap.add_argument(*flags, dest="pairs", nargs=2, action=_PairAction, metavar=("NAME", "VALUE"), help=help_text)


def _add_run_options(ap: argparse.ArgumentParser) -> None:
    """Where the reports go and how they are run: output folder, timeout, charts, history, jobs, figure forms."""
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="output folder (default: reports/ in the project); frontier report never replaces files "
        "there it did not write",
    )
    ap.add_argument("--timeout", type=int, default=600, metavar="S", help="per-cell timeout in seconds")
    ap.add_argument(
        "--interactive",
        action="store_true",
        help="interactive charts (embeds the chart runtime once per page) instead of static SVG",
    )
    ap.add_argument(
        "--keep-history",
        type=int,
        default=DEFAULT_KEEP,
        metavar="N",
        help=f"keep the newest N builds in OUT/history/ (default {DEFAULT_KEEP}; 0: keep none); only a build in "
        "which every report succeeded deletes older ones",
    )
    ap.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help=f"notebooks run at once (default: the cores available, here {default_jobs()}; 1: one after the other)",
    )
    ap.add_argument(
        "--figures",
        choices=figure_forms.CHOICES,
        default=figure_forms.REPORT_DEFAULT,
        help="figure forms rendered into figures/: 'page' (default: the light SVG the page and the index use), "
        "'light' (and a PNG at 2x) or 'all' (the dark theme too)",
    )


def main_report(argv: Sequence[str] | None = None) -> int:
    """``frontier report`` entry point; returns the exit code (0 all ok, 1 a report failed, 2 bad request,
    3 unexpected error). No traceback reaches the terminal: errors are one line on stderr."""
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    return exit_code_of(lambda: _main(args), ReportError, _err, prefix="error: ")


def _main(args: argparse.Namespace) -> int:
    if args.list:
        for n in list_notebooks():
            echo(n)
        return 0
    if args.keep_history < 0:
        raise ReportError("--keep-history must be 0 or more")
    if args.timeout <= 0:
        raise ReportError("--timeout must be a positive number of seconds")
    if args.jobs is not None and args.jobs < 1:
        raise ReportError("--jobs must be 1 or more")
    overrides = cli_overrides(args.yaml, args.pairs or [])
    results = run_reports(
        args.names or None,
        data=args.data,
        params_file=args.params,
        out_dir=args.out,
        timeout_s=args.timeout,
        interactive=args.interactive,
        overrides=overrides,
        history=args.keep_history,
        jobs=args.jobs,
        figures=args.figures,
    )
    for r in results:
        line = f"{'ok' if r.ok else 'FAILED':<7}{r.name:<28} {_rel(r.html_path)}  ({r.duration_s:.1f} s)"
        if not r.ok:
            line += f"  {r.error}"
        echo(line)  # one line per report, as a log: grep-able whatever its length
        for w in r.warnings:
            echo(f"        warning: {w}")
    out = Path(args.out) if args.out is not None else paths.REPORTS
    echo(f"index: {_rel(out.resolve() / 'index.html')}")
    return 0 if results.ok else 1


def _err(message: str) -> None:
    echo(f"frontier report: {message}", err=True)


def printable(text: str) -> str:
    """``text`` safe for a terminal, line by line (control characters and escape sequences shown, not obeyed)."""
    return "\n".join(safe_for_terminal(line) for line in text.split("\n"))
