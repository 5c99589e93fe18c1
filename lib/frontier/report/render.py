"""HTML export: an executed notebook becomes one self-contained page with the offline template."""

from __future__ import annotations

import html
import threading
from typing import Any

from frontier import paths

__all__ = [
    "REMOVE_CELL_TAGS",
    "TEMPLATES_DIR",
    "TEMPLATE_NAME",
    "failure_banner_html",
    "footer_html",
    "notebook_to_html",
    "report_css",
]

TEMPLATES_DIR = paths.PACKAGE_DIR / "templates"
TEMPLATE_NAME = "frontier"
#: cells with these tags are dropped from reports
REMOVE_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell"})
_HIDE_INPUT_TAG = "frontier-hide-input"


def report_css() -> str:
    """The report stylesheet (display tables and callouts, failure banner, footer) as one ``<style>`` element."""
    from frontier.present import display

    extra = """
.fx-failure{border:3px solid #D55E00;background:#fdf1ea;color:#1f2328;padding:14px 18px;margin:16px 0 22px;
  border-radius:6px;font-family:-apple-system,"Segoe UI","Liberation Sans",Helvetica,Arial,sans-serif}
.fx-failure h1{color:#a33a00;font-size:22px;margin:0 0 8px}
.fx-failure .fx-err{font-size:16px;font-weight:700;margin:6px 0 10px;white-space:pre-wrap}
.fx-failure pre{background:#fff;border:1px solid #e6b8a0;padding:10px;overflow-x:auto;font-size:12px;
  white-space:pre-wrap}
.fx-footer{color:#57606a;font-size:12px;border-top:1px solid #e6e8eb;margin-top:28px;padding:8px 0 20px;
  font-family:-apple-system,"Segoe UI","Liberation Sans",Helvetica,Arial,sans-serif}
"""
    return f'<style type="text/css" data-frontier="report-css">\n{display.CSS}\n{extra.strip()}\n</style>'


_EXPORTERS = threading.local()


def _exporter(*, hide_all_input: bool) -> Any:
    """The HTML exporter, one per thread and mode: made once, so its templates are compiled once (about half the
    time of an export), and never shared between threads running reports side by side."""
    cache: dict[bool, Any] = _EXPORTERS.__dict__.setdefault("by_mode", {})
    if hide_all_input not in cache:
        cache[hide_all_input] = _new_exporter(hide_all_input=hide_all_input)
    return cache[hide_all_input]


def _new_exporter(*, hide_all_input: bool) -> Any:
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    c.HTMLExporter.template_name = TEMPLATE_NAME
    c.HTMLExporter.exclude_input = hide_all_input
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.embed_images = True
    c.HTMLExporter.theme = "light"
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    c.TagRemovePreprocessor.remove_input_tags = {_HIDE_INPUT_TAG, "remove-input", "hide-input"}
    c.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    return HTMLExporter(config=c)


def notebook_to_html(nb: Any, *, title: str, banner: str = "", footer: str = "", failure: bool = False) -> str:
    """Render an executed notebook to one self-contained HTML page with the offline template.

    Normal reports hide all code; failure reports (``failure=True``) show the code of the failing cell only.
    """
    import copy

    nb = copy.deepcopy(nb)
    if failure:
        for cell in nb.cells:
            if cell.get("cell_type") != "code":
                continue
            errored = any(o.get("output_type") == "error" for o in cell.get("outputs", [])) or bool(
                cell.get("metadata", {}).get("papermill", {}).get("exception")
            )
            if not errored:
                tags = list(cell.setdefault("metadata", {}).get("tags", []))
                cell["metadata"]["tags"] = [*tags, _HIDE_INPUT_TAG]
    if not failure:
        _headline_first(nb)
    resources = {
        "metadata": {"name": title},
        "frontier_css": report_css(),
        "frontier_banner": banner,
        "frontier_footer": footer,
    }
    body, _ = _exporter(hide_all_input=not failure).from_notebook_node(nb, resources=resources)
    return body


def _is_headline(output: Any) -> bool:
    from frontier.present.display import HEADLINE_MARK

    data = output.get("data") or {}
    text = data.get("text/html", "")
    return HEADLINE_MARK in ("".join(text) if isinstance(text, list) else str(text))


def _headline_first(nb: Any) -> None:
    """Move the headline block(s) (``Context.headline``) to a cell of their own right after the title cell, so
    the finding comes before inputs, load report and parameters."""
    import nbformat

    found: list[Any] = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        keep: list[Any] = []
        for o in cell.get("outputs", []):
            (found if _is_headline(o) else keep).append(o)
        cell["outputs"] = keep
    if not found:
        return
    at = 1 if nb.cells and nb.cells[0].get("cell_type") == "markdown" else 0
    cell = nbformat.v4.new_code_cell(source="", outputs=found[-1:])  # the last headline shown is the finding
    nb.cells.insert(at, cell)


def footer_html(name: str, started: str, nb_sha: str) -> str:
    """The footer line of a report: name, run time (UTC), library version, notebook hash."""
    from frontier import __version__

    return (
        f'<div class="fx-footer">Report <strong>{html.escape(name)}</strong> · run {html.escape(started)} UTC · '
        f"frontier {html.escape(__version__)} · notebook sha256 {html.escape(nb_sha[:12])}</div>"
    )


def failure_banner_html(name: str, error: str, tb: str, started: str, has_good: bool) -> str:
    """The banner on top of ``failed.html``: the error, when the run started, whether a good report remains."""
    prev = (
        'The previous good report is unchanged: <a href="index.html">index.html</a>.'
        if has_good
        else "There is no previous good report of this name."
    )
    return (
        '<div class="fx-failure" role="alert">'
        f"<h1>Report failed: {html.escape(name)}</h1>"
        f'<div class="fx-err">{html.escape(error)}</div>'
        f"<p>Run started {html.escape(started)} UTC. {prev}</p>"
        f"<details open><summary>Traceback</summary><pre>{html.escape(tb)}</pre></details>"
        "</div>"
    )
