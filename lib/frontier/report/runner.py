"""The runner: execute notebooks with papermill, up to ``jobs`` at a time, export each, publish it or its failure.

Each notebook run is: prepare a staging folder and the injected parameters → execute and render → publish the
new report in one rename, or write the failure report beside the previous good one. Runs share nothing but the
output folder's lock (held by the whole batch) and its staging area (one folder per run), and each publishes only
its own report folder, so they run side by side in threads: the work happens in each run's kernel process, and a
run that fails does not stop the others. The index is written once, after every run has ended.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import html
import os
import re
import shutil
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from frontier import paths
from frontier.data.cache import file_sha256
from frontier.fsutil import write_atomic
from frontier.progress import progress
from frontier.report import figure_forms
from frontier.report._files import iso, now, to_json
from frontier.report.history import DEFAULT_KEEP, check_reserved, keep_history
from frontier.report.index import write_index
from frontier.report.offline import find_external_refs
from frontier.report.outdir import RUNNER_FILES, check_out_dir, locked, staging_area, swap_in
from frontier.report.params import (
    Overrides,
    ParamsSpec,
    check_common,
    check_name,
    declared_parameters,
    file_parameters,
    list_notebooks,
    load_params,
    strip_ipynb,
)
from frontier.report.render import failure_banner_html, footer_html, notebook_to_html, report_css
from frontier.report.results import ReportError, ReportResult, ReportResults
from frontier.report.summary import ReportSummary, read_summary, write_thumbnail
from frontier.report.whatchanged import write_changes_page

__all__ = ["default_jobs", "run_reports"]

_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run_reports(
    names: Sequence[str] | None = None,
    *,
    data: Sequence[str | Path] | None = None,
    params_file: str | Path | None = None,
    out_dir: str | Path | None = None,
    timeout_s: int = 600,
    interactive: bool = False,
    notebooks_dir: str | Path | None = None,
    overrides: Overrides | None = None,
    history: int = DEFAULT_KEEP,
    jobs: int | None = None,
    figures: str = figure_forms.REPORT_DEFAULT,
) -> ReportResults:
    """Execute notebooks and export reports, up to ``jobs`` at a time; see the package docstring.

    ``names``: notebook names (``<notebooks_dir>/<name>.ipynb``, default ``paths.NOTEBOOKS``); None: the
    notebooks the params file names, else all. ``data``: input paths passed as the ``data_paths`` parameter
    (resolved against the current directory).
    ``overrides``: command-line parameters (``-y``, ``-p``, ``-r``), applied over the params file and checked
    against each notebook's declared parameters.
    ``history``: how many builds ``<out>/history/`` keeps (:func:`keep_history`; 0: none kept, none pruned).
    ``timeout_s``: per-cell timeout, seconds. ``jobs``: notebooks run at once (default :func:`default_jobs`, the
    cores this process may use; 1 runs them one after the other). ``figures``: the forms each figure is rendered in
    (:mod:`frontier.report.figure_forms`: ``"page"``, the light SVG the page and the index use; ``"light"`` adds PNGs;
    ``"all"`` the dark theme too). Results come in the order of the notebooks, whatever order they finish in.
    Raises :class:`ReportError` before running anything if a notebook, the params file or a data path is missing
    or invalid. A notebook that fails gives a ``failed`` result (and ``failed.html``); the others still run.
    ``result.ok`` is True only if every report succeeded.
    """
    nb_dir = Path(notebooks_dir if notebooks_dir is not None else paths.NOTEBOOKS).resolve()
    out = Path(out_dir if out_dir is not None else paths.REPORTS).resolve()
    spec = load_params(Path(params_file).resolve()) if params_file is not None else ParamsSpec()
    wanted = _wanted_notebooks(names, spec, nb_dir)
    data_paths = _resolve_data(data)
    params, refused = _parameters(wanted, nb_dir, spec, overrides or Overrides())
    if data_paths is not None:
        for p in params.values():
            p["data_paths"] = list(data_paths)

    _check_request(wanted, figures, jobs)
    check_out_dir(out, wanted)
    results = ReportResults()
    with locked(out), staging_area(out) as staging, _figure_forms(figures):

        def run_one(name: str) -> ReportResult:
            nb = nb_dir / f"{name}.ipynb"
            return _run_one(name, nb, params[name], out, staging, int(timeout_s), interactive, refused.get(name))

        try:
            results.extend(_run_all(wanted, run_one, jobs or default_jobs()))
            _keep_history(out, results, history)
        finally:
            write_index(out)
    return results


def _check_request(wanted: Sequence[str], figures: str, jobs: int | None) -> None:
    """Raise :class:`ReportError` for a reserved report name, an unknown figure form or fewer than one job."""
    check_reserved(list(wanted))
    if figures not in figure_forms.CHOICES:
        raise ReportError(f"figures must be one of {list(figure_forms.CHOICES)}, got {figures!r}")
    if jobs is not None and jobs < 1:
        raise ReportError(f"jobs must be 1 or more, got {jobs}")


def _parameters(
    wanted: Sequence[str], nb_dir: Path, spec: ParamsSpec, cli: Overrides
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """(parameters per notebook, why a notebook's parameter set is refused). A command-line mistake or a common
    parameter no notebook declares stops the whole request (:class:`ReportError`); a bad entry of one notebook in
    the params file fails that notebook only."""
    nb_paths = {name: nb_dir / f"{name}.ipynb" for name in wanted}
    from_cli = {name: cli.for_notebook(nb_paths[name]) for name in wanted}
    check_common(spec, list(nb_paths.values()))
    params: dict[str, dict[str, Any]] = {}
    refused: dict[str, str] = {}
    for name in wanted:
        try:
            params[name] = {**file_parameters(spec, name, nb_paths[name]), **from_cli[name]}
        except ReportError as exc:
            params[name] = dict(from_cli[name])
            refused[name] = f"ParameterError: {exc}"
    return params, refused


def _keep_history(out: Path, results: ReportResults, keep: int) -> None:
    """After publishing: a dated copy of this build in ``<out>/history/`` and the "What changed" page. A problem
    here never fails the build; it is a warning on the last result."""
    try:
        if keep_history(out, results, keep=keep) is not None:
            write_changes_page(out)
    except (OSError, ReportError) as exc:
        if results:
            results[-1].warnings.append(f"history not kept: {exc}")


def default_jobs() -> int:
    """Notebooks run at once by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def _run_all(names: list[str], run_one: Callable[[str], ReportResult], jobs: int) -> list[ReportResult]:
    """``run_one`` over ``names``, up to ``jobs`` at a time; results in the order of ``names``. Every run ends
    before this returns; an unexpected exception from one is raised after the others have finished."""
    jobs = max(1, min(jobs, len(names)))
    if jobs == 1:
        return [run_one(name) for name in progress(names, desc="report")]
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="report") as pool:
        futures = [pool.submit(run_one, name) for name in names]
        for _ in progress(as_completed(futures), total=len(futures), desc="report"):
            pass
    return [f.result() for f in futures]


@contextlib.contextmanager
def _figure_forms(figures: str) -> Iterator[None]:
    """Set :data:`figure_forms.ENV` for the kernels started in this block (they inherit the environment)."""
    before = os.environ.get(figure_forms.ENV)
    os.environ[figure_forms.ENV] = figures
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(figure_forms.ENV, None)
        else:
            os.environ[figure_forms.ENV] = before


def _wanted_notebooks(names: Sequence[str] | None, spec: ParamsSpec, nb_dir: Path) -> list[str]:
    """The notebooks to run: those asked for, else those the params file names, else all; each must exist."""
    if names:
        wanted = [check_name(strip_ipynb(str(n))) for n in names]
        if spec.names is not None and not set(spec.names) & set(wanted):
            raise ReportError(
                f"params file {spec.source} configures notebook(s) {spec.names}, none of which was requested ({wanted})"
            )
    elif spec.names is not None:
        wanted = list(spec.names)
    else:
        wanted = list_notebooks(nb_dir)
        if not wanted:
            raise ReportError(f"no notebooks found in {nb_dir}")
    wanted = list(dict.fromkeys(wanted))
    missing = [n for n in wanted if not (nb_dir / f"{n}.ipynb").is_file()]
    if missing:
        avail = list_notebooks(nb_dir)
        raise ReportError(
            f"notebook(s) not found in {nb_dir}: {', '.join(missing)} (available: {', '.join(avail) or 'none'})"
        )
    return wanted


def _resolve_data(data: Sequence[str | Path] | None) -> list[str] | None:
    """``--data`` paths made absolute; each must exist."""
    if not data:
        return None
    out = []
    for d in data:
        p = Path(d).expanduser().resolve()
        if not p.exists():
            raise ReportError(f"data path not found: {d}")
        out.append(str(p))
    return out


# ------------------------------------------------------------------------------------------------ one notebook
@dataclasses.dataclass
class _Run:
    """One notebook run in progress: where it stages, what it injects, what it records in ``run.json``."""

    name: str
    nb_path: Path
    final: Path  # <out>/<name>, the published report folder
    stage: Path  # staging folder of this run (removed at the end)
    started: dt.datetime
    t0: float  # time.monotonic() at the start
    nb_sha: str
    injected: dict[str, Any]
    meta: dict[str, Any]
    warnings: list[str]
    summary: ReportSummary | None = None  # read from summary.json once the notebook has run

    @property
    def report(self) -> Path:
        """The new report folder being assembled (renamed to ``final`` on success)."""
        return self.stage / "report"

    @property
    def work(self) -> Path:
        """The notebook's ``output_dir``: it writes ``figures/`` and ``summary.json`` here."""
        return self.stage / "output"

    @property
    def executed(self) -> Path:
        return self.report / f"{self.name}.ipynb"


def _run_one(
    name: str,
    nb_path: Path,
    params: dict[str, Any],
    out_dir: Path,
    staging_root: Path,
    timeout_s: int,
    interactive: bool,
    refused: str | None = None,
) -> ReportResult:
    """Run one notebook: prepare, execute and render, then publish the report or the failure report. A notebook
    whose parameters were ``refused`` (the reason) fails without starting a kernel."""
    run = _prepare(name, nb_path, params, out_dir, staging_root, timeout_s, interactive)
    if refused is None:
        page, error, tb, refs = _execute_and_render(run, timeout_s)
    else:
        page, error, tb, refs = "", refused, "", []
    run.meta.update(finished_utc=iso(now()), duration_s=round(time.monotonic() - run.t0, 3))
    try:
        if error is None:
            return _publish(run, page)
        return _publish_failure(run, error, tb, refs)
    finally:
        shutil.rmtree(run.stage, ignore_errors=True)


def _prepare(
    name: str,
    nb_path: Path,
    params: dict[str, Any],
    out_dir: Path,
    staging_root: Path,
    timeout_s: int,
    interactive: bool,
) -> _Run:
    """Create the staging folders and work out the injected parameters and the run record."""
    from frontier import __version__

    stage = staging_root / f"{name}-{uuid.uuid4().hex[:8]}"
    (stage / "report").mkdir(parents=True)
    (stage / "output").mkdir()
    warnings: list[str] = []
    injected = _inject(params, declared_parameters(nb_path), stage / "output", interactive, warnings)
    started = now()
    nb_sha = file_sha256(nb_path)
    meta: dict[str, Any] = {
        "name": name,
        "started_utc": iso(started),
        "parameters": injected,
        "parameter_overrides": dict(params),
        "notebook": os.path.relpath(nb_path, paths.ROOT) if nb_path.is_relative_to(paths.ROOT) else str(nb_path),
        "notebook_sha256": nb_sha,
        "library_version": __version__,
        "interactive": interactive,
        "timeout_s": timeout_s,
        "python": sys.version.split()[0],
        "warnings": warnings,
    }
    return _Run(name, nb_path, out_dir / name, stage, started, time.monotonic(), nb_sha, injected, meta, warnings)


def _inject(
    params: dict[str, Any], declared: list[str], work: Path, interactive: bool, warnings: list[str]
) -> dict[str, Any]:
    """The parameters papermill injects: ``params`` plus the runner's ``output_dir`` and ``chart_mode``; notes
    what the notebook does not declare in ``warnings``."""
    injected = dict(params)
    injected["output_dir"] = str(work)
    if "chart_mode" in declared:
        injected["chart_mode"] = "interactive" if interactive else "svg"
    elif interactive:
        warnings.append("the notebook has no 'chart_mode' parameter: --interactive has no effect on it")
    if not declared:
        warnings.append("the notebook has no cell tagged 'parameters': parameters are injected at the top")
    elif "output_dir" not in declared:
        warnings.append("the notebook has no 'output_dir' parameter: figures and summary cannot be collected")
    unknown = sorted(k for k in injected if declared and k not in declared and k != "output_dir")
    if unknown:
        warnings.append(f"parameters not declared by the notebook: {', '.join(unknown)}")
    return injected


def _execute_and_render(run: _Run, timeout_s: int) -> tuple[str, str | None, str, list[str]]:
    """Execute the notebook into the staging folder and render it: (page, error, traceback, external refs).
    Any failure (a cell error, a timeout, an external reference in the page) is returned as ``error``."""
    import nbformat
    import papermill as pm

    from frontier.report.papermill_hook import install

    install()  # parameters injected as checked plain literals

    try:
        with _quiet_papermill():
            pm.execute_notebook(
                str(run.nb_path),
                str(run.executed),
                parameters=run.injected,
                kernel_name="python3",
                cwd=str(paths.ROOT),
                execution_timeout=timeout_s,
                progress_bar=False,
                log_output=False,
                # the kernel's own start-up chatter (e.g. its notice about local TCP sockets) is not the report's
                # business; cell errors still fail the run and appear in the failure report
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
        nb = nbformat.read(str(run.executed), as_version=4)
        run.summary = read_summary(run.work, run.name)
        page = notebook_to_html(
            nb, title=run.summary.page_title, footer=footer_html(run.name, iso(run.started), run.nb_sha)
        )
    except Exception as exc:
        error, tb = _error_from(exc)
        return "", error, tb, []
    refs = find_external_refs(page, include_links=False)
    if refs:
        return page, f"OfflineCheckError: the report references {len(refs)} external resource(s)", "\n".join(refs), refs
    return page, None, "", []


def _publish(run: _Run, page: str) -> ReportResult:
    """Assemble the new report folder (page, the notebook's outputs, ``run.json``) and swap it in."""
    report = run.report
    write_atomic(report / "index.html", page)
    for item in sorted(run.work.iterdir()):
        if item.name in RUNNER_FILES or item.name == run.executed.name:
            run.warnings.append(f"ignored {item.name} in output_dir: the runner writes that name")
            continue
        shutil.move(str(item), str(report / item.name))
    _add_thumbnail(run)
    files = sorted(str(p.relative_to(report)) for p in report.rglob("*") if p.is_file())
    run.meta.update(status="ok", files=[*files, "run.json"])
    write_atomic(report / "run.json", to_json(run.meta))
    swap_in(report, run.final, run.stage.parent)
    return _result(run, "ok", run.final / "index.html")


def _add_thumbnail(run: _Run) -> None:
    """Write the index thumbnail of the report's main figure and record title, scope and synthetic in run.json."""
    summary = run.summary or read_summary(run.report, run.name)
    run.meta.update(
        title=summary.title,
        scope=summary.scope,
        synthetic=summary.synthetic,
        main_figure=summary.main_figure,
        thumbnail=None,
        headline=summary.headline,
        state=summary.state,
        data_source=summary.data_source,
        data_dates=summary.data_dates,
    )
    try:
        thumb = write_thumbnail(run.report, summary.main_figure)
    except (ValueError, OSError) as exc:
        run.warnings.append(f"no thumbnail: {exc}")
        return
    run.meta["thumbnail"] = thumb.name if thumb else None


def _publish_failure(run: _Run, error: str, tb: str, refs: list[str]) -> ReportResult:
    """Write ``failed.html`` / ``failed.ipynb`` / ``failed.json`` beside the previous good report (untouched)."""
    final = run.final
    banner = failure_banner_html(run.name, error, tb, run.meta["started_utc"], (final / "index.html").exists())
    page = _failure_page(run, banner)
    final.mkdir(parents=True, exist_ok=True)
    write_atomic(final / "failed.html", page)
    if run.executed.exists():
        write_atomic(final / "failed.ipynb", run.executed.read_bytes())
    run.meta.update(status="failed", error=error, traceback=tb, external_refs=refs)
    write_atomic(final / "failed.json", to_json(run.meta))
    return _result(run, "failed", final / "failed.html", error, refs)


def _failure_page(run: _Run, banner: str) -> str:
    """The failure report: the banner over the executed notebook (or the unexecuted one, outputs cleared)."""
    import nbformat

    try:
        if run.executed.exists():
            nb = nbformat.read(str(run.executed), as_version=4)
        else:
            nb = nbformat.read(str(run.nb_path), as_version=4)
            for cell in nb.cells:
                if cell.get("cell_type") == "code":
                    cell["outputs"] = []
        return notebook_to_html(
            nb,
            title=f"FAILED: {run.name}",
            banner=banner,
            failure=True,
            footer=footer_html(run.name, run.meta["started_utc"], run.nb_sha),
        )
    except Exception as exc:
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>FAILED: {html.escape(run.name)}</title>{report_css()}</head><body>{banner}"
            f"<p>The notebook could not be converted either: {html.escape(repr(exc))}</p></body></html>"
        )


def _result(
    run: _Run, status: str, html_path: Path, error: str | None = None, refs: list[str] | None = None
) -> ReportResult:
    m = run.meta
    return ReportResult(
        run.name,
        status,
        run.final,
        html_path,
        m["started_utc"],
        m["finished_utc"],
        m["duration_s"],
        run.injected,
        error,
        list(refs or []),
        run.warnings,
    )


_QUIET = {"depth": 0, "level": 0}
_QUIET_LOCK = threading.Lock()


@contextlib.contextmanager
def _quiet_papermill() -> Iterator[None]:
    """papermill logs a warning per comment it cannot parse and per parameter it thinks is unknown; the runner
    checks parameters itself (``declared_parameters``) and records its own warnings in run.json. Runs in several
    threads share one logger: the first to enter quiets it, the last to leave restores its level."""
    import logging

    log = logging.getLogger("papermill")
    with _QUIET_LOCK:
        if _QUIET["depth"] == 0:
            _QUIET["level"] = log.level
            log.setLevel(logging.ERROR)
        _QUIET["depth"] += 1
    try:
        yield
    finally:
        with _QUIET_LOCK:
            _QUIET["depth"] -= 1
            if _QUIET["depth"] == 0:
                log.setLevel(_QUIET["level"])


def _error_from(exc: BaseException) -> tuple[str, str]:
    """(one-line error, traceback text without terminal colour codes) for a failed run."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        tb = "\n".join(exc.traceback) if isinstance(exc.traceback, list) else str(exc.traceback)
        return f"{exc.ename}: {exc.evalue}", _ANSI_RE.sub("", tb)
    return f"{type(exc).__name__}: {exc}", "".join(traceback.format_exception(exc))
