"""Run the analysis notebooks headless and export self-contained offline HTML reports.

``frontier report [NAME...] [--data PATH...] [--params FILE] [--out DIR] [--timeout S] [--interactive]``

For each notebook ``notebooks/<name>.ipynb``, one after the other (parallel kernel starts collide on this
machine):

1. papermill executes it (kernel ``python3``, working directory = project root, per-cell timeout) into a staging
   folder, injecting parameters: the notebook's own defaults, overridden by the YAML params file, then
   ``data_paths`` (``--data``), ``output_dir`` (a fresh per-run folder the notebook writes ``figures/`` and
   ``summary.json`` into) and ``chart_mode`` (``"svg"`` or ``"interactive"``, when the notebook declares it).
2. nbconvert turns the executed notebook into one HTML file (code hidden, ``parameters`` / ``injected-parameters``
   cells removed) with the offline template in ``templates/frontier`` (no CDN scripts).
3. :func:`check_offline` rejects any external reference in it.
4. Only then the new report replaces ``<out>/<name>/`` (``index.html``, ``<name>.ipynb``, ``figures/``,
   ``summary.json``, ``run.json``) in one rename. A failing notebook leaves the previous good report untouched and
   writes ``<out>/<name>/failed.html`` (error and traceback on top), ``failed.ipynb`` and ``failed.json``.

``<out>/index.html`` lists every report (:func:`write_index`). The CLI exits 0 only if every report succeeded.
After the reports, :mod:`.history` keeps a dated copy of what the build published in ``<out>/history/`` and
:mod:`.whatchanged` writes ``<out>/changes.html`` (the digest of :mod:`frontier.changes`); the index lists both.

Modules: :mod:`.params` (params files, notebook names, declared parameters), :mod:`.runner` (execute, render,
publish), :mod:`.render` (HTML export), :mod:`.offline` (external-reference check), :mod:`.index` (the index page),
:mod:`.history` (the build history), :mod:`.whatchanged` (the "What changed" page), :mod:`.cli` (``frontier report``).
"""

from __future__ import annotations

from .cli import build_parser, main_report
from .index import write_index
from .offline import check_offline, find_external_refs
from .params import (
    RUNNER_PARAMS,
    ParamsSpec,
    declared_parameters,
    list_notebooks,
    load_params,
)
from .render import REMOVE_CELL_TAGS, TEMPLATE_NAME, TEMPLATES_DIR, notebook_to_html
from .results import ReportError, ReportResult, ReportResults
from .runner import run_reports

__all__ = [
    "REMOVE_CELL_TAGS",
    "RUNNER_PARAMS",
    "TEMPLATES_DIR",
    "TEMPLATE_NAME",
    "ParamsSpec",
    "ReportError",
    "ReportResult",
    "ReportResults",
    "build_parser",
    "check_offline",
    "declared_parameters",
    "find_external_refs",
    "list_notebooks",
    "load_params",
    "main_report",
    "notebook_to_html",
    "run_reports",
    "write_index",
]
