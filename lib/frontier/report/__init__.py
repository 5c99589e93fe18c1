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
:mod:`.whatchanged` writes ``<out>/changes.html`` (the digest of :mod:`frontier.report.changes`); the index lists both.

Modules: :mod:`.params` (params files, notebook names, declared parameters), :mod:`.runner` (execute, render,
publish), :mod:`.render` (HTML export), :mod:`.offline` (external-reference check), :mod:`.index` (the index page),
:mod:`.history` (the build history), :mod:`.whatchanged` (the "What changed" page), :mod:`.cli` (``frontier report``).
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name → the module of this package that defines it (imported on first use, so that a notebook kernel
#: importing ``frontier.report.notebook`` does not import nbconvert, papermill and the runner)
_NAMES = {
    "REMOVE_CELL_TAGS": "render",
    "RUNNER_PARAMS": "params",
    "TEMPLATES_DIR": "render",
    "TEMPLATE_NAME": "render",
    "ParamsSpec": "params",
    "ReportError": "results",
    "ReportResult": "results",
    "ReportResults": "results",
    "build_parser": "cli",
    "check_offline": "offline",
    "declared_parameters": "params",
    "find_external_refs": "offline",
    "list_notebooks": "params",
    "load_params": "params",
    "main_report": "cli",
    "notebook_to_html": "render",
    "run_reports": "runner",
    "write_index": "index",
}

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


def __getattr__(name: str) -> Any:
    """Import the module defining a public name the first time it is asked for."""
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_NAMES})
