"""``<out>/index.html``: every report in an output folder with its status, last good run, parameters and files."""

from __future__ import annotations

import html
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from frontier import paths
from frontier.data.labels import NO_DATES
from frontier.fsutil import write_atomic
from frontier.report._files import iso, now, read_json
from frontier.report.history import history_html, history_nav
from frontier.report.outdir import GENERATOR_TAG, check_out_dir
from frontier.report.summary import THUMBNAIL_NAME

__all__ = ["write_index"]


def _short_path(path: str) -> str:
    """A data path as the index shows it: relative to the project root when it is inside it or beside it
    (``../shared/data/...``), else as given."""
    try:
        rel = os.path.relpath(path, paths.ROOT)
    except ValueError:  # another drive
        return path
    return path if rel.startswith(os.path.join(os.pardir, os.pardir)) else rel


def _wrap_points(escaped: str) -> str:
    """Escaped text with line-break opportunities after path separators and between parameters, so a long path
    wraps at its folders, never one character per line."""
    return escaped.replace("/", "/<wbr>").replace("; ", ";<wbr> ")


def _params_summary(p: Mapping[str, Any] | None, limit: int = 200) -> str:
    """The parameter overrides of a run in one line of at most ``limit`` characters."""
    if not p:
        return "defaults"
    parts = []
    for k, v in p.items():
        if k == "data_paths" and isinstance(v, list):
            v = ", ".join(_short_path(str(x)) for x in v)
        parts.append(f"{k}={v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}")
    s = "; ".join(parts)
    return s if len(s) <= limit else s[: limit - 1] + "…"


_CSS = (
    "body{font-family:-apple-system,'Segoe UI','Liberation Sans',Helvetica,Arial,sans-serif;color:#1f2328;"
    "background:#fff;margin:24px;font-size:14px}"
    "table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e6e8eb;padding:6px 10px;"
    "text-align:left;vertical-align:top}th{background:#f6f8fa;border-bottom:2px solid #8c959f}"
    ".good{color:#0a7a3c;font-weight:700}.bad{color:#b3261e;font-weight:700}.err{color:#7a2e00;font-size:12px;"
    "max-width:420px;white-space:pre-wrap}.params{font-family:'DejaVu Sans Mono',monospace;font-size:12px;"
    "min-width:240px;max-width:380px;overflow-wrap:break-word}.figs{font-size:12px;margin-top:4px}.name{font-weight:600}"
    "a{color:#0969da}.muted{color:#57606a;font-size:12px}.title{font-size:13px;font-weight:600;max-width:520px}"
    ".synthetic{display:inline-block;margin-top:4px;padding:1px 6px;border-radius:3px;background:#fff3cd;"
    "color:#7a4d00;border:1px solid #e0b040;font-size:11px;font-weight:700;text-transform:uppercase}"
    ".empty{color:#7a4d00;font-weight:700}.headline{margin:4px 0}.found{min-width:360px;max-width:560px}"
    ".thumb{width:160px;height:auto;border:1px solid #e6e8eb;border-radius:3px;display:block}"
)


def write_index(out_dir: str | Path | None = None) -> Path:
    """Write ``<out_dir>/index.html`` listing every report folder: status, last good run, parameters, links.

    A report is ``failed`` when its latest run failed (``failed.json`` newer than ``run.json``). An existing
    ``index.html`` the runner did not write is left alone (:class:`ReportError`)."""
    out = Path(out_dir if out_dir is not None else paths.REPORTS)
    check_out_dir(out, [])
    out.mkdir(parents=True, exist_ok=True)
    entries = _report_entries(out)
    undated = _undated(entries)
    rows = [_row_html(*entry, undated=undated) for entry in entries]
    target = out / "index.html"
    write_atomic(target, _page_html(rows, history_html(out), history_nav(out), undated=undated))
    return target


def _report_entries(out: Path) -> list[tuple[Path, dict[str, Any] | None, dict[str, Any] | None, bool]]:
    """(folder, run.json, failed.json, latest run failed) for every report folder in ``out``."""
    entries = []
    for d in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        run = read_json(d / "run.json")
        failed = read_json(d / "failed.json")
        if run is None and failed is None:
            continue
        is_failed = failed is not None and (
            run is None or str(failed.get("finished_utc", "")) >= str(run.get("finished_utc", ""))
        )
        entries.append((d, run, failed, is_failed))
    return entries


def _undated(entries: list[tuple[Path, dict[str, Any] | None, dict[str, Any] | None, bool]]) -> bool:
    """True when some report's data carries no dates: the page says so once, above the table, and the rows'
    data lines leave it out."""
    return any(NO_DATES in str((run or {}).get("data_source", "")) for _, run, _, _ in entries)


def _links(d: Path) -> tuple[list[str], str]:
    """Links to a report folder's files (escaped), and the links to its figures."""
    e = html.escape
    name = d.name
    href = e(name, quote=True)
    links = []
    if (d / "index.html").exists():
        links.append(f'<a href="{href}/index.html">report</a>')
    if (d / "failed.html").exists():
        links.append(f'<a href="{href}/failed.html">failure report</a>')
    if (d / "summary.json").exists():
        links.append(f'<a href="{href}/summary.json">summary.json</a>')
    if (d / f"{name}.ipynb").exists():
        links.append(f'<a href="{href}/{href}.ipynb">notebook</a>')
    figs = sorted(p.name for p in (d / "figures").glob("*") if p.is_file()) if (d / "figures").is_dir() else []
    fig_links = " ".join(f'<a href="{href}/figures/{e(f, quote=True)}">{e(f)}</a>' for f in figs)
    return links, fig_links


def _row_html(
    d: Path, run: dict[str, Any] | None, failed: dict[str, Any] | None, is_failed: bool, *, undated: bool = False
) -> str:
    """One table row of the index (every string from the report folder escaped)."""
    e = html.escape
    links, fig_links = _links(d)
    status = '<span class="bad">failed</span>' if is_failed else _state_html(run)
    err = ""
    if is_failed and failed:
        err = f'<div class="err">{e(str(failed.get("error", "")))} ({e(str(failed.get("finished_utc", "")))})</div>'
    src = run if run is not None else failed
    params = _params_summary((src or {}).get("parameter_overrides"))
    return (
        "<tr>"
        f'<td class="name">{e(d.name)}</td>'
        f'<td class="found">{_about_html(d, run, undated)}{_thumbnail_html(d, run)}</td>'
        f"<td>{status}{err}</td>"
        f"<td>{e(str(run.get('finished_utc', '—'))) if run else '—'}</td>"
        f'<td class="params">{_wrap_points(e(params))}</td>'
        f"<td>{' · '.join(links)}{'<div class=figs>' + fig_links + '</div>' if fig_links else ''}</td>"
        "</tr>"
    )


def _about_html(d: Path, run: dict[str, Any] | None, undated: bool = False) -> str:
    """The report's human title and scope, and a "synthetic data" mark when its data is synthetic."""
    e = html.escape
    run = run or {}
    out = ""
    title = " · ".join(str(run[k]) for k in ("title", "scope") if isinstance(run.get(k), str) and run[k])
    if title:
        out += f'<div class="title">{e(title)}</div>'
    if run.get("synthetic") is True:
        out += '<span class="synthetic" title="generated sample data, not measurements">synthetic data</span>'
    return out + _headline_html(run, undated)


def _state_html(run: dict[str, Any] | None) -> str:
    """ "ok" for a report with a finding (or no headline at all); its own state otherwise (e.g. "nothing to
    compare"), so an empty report does not read as a good one."""
    state = (run or {}).get("state")
    if isinstance(state, str) and state and state != "finding":
        return f'<span class="empty">{html.escape(state)}</span>'
    return '<span class="good">ok</span>'


def _headline_html(run: dict[str, Any] | None, undated: bool = False) -> str:
    """The report's finding (escaped), its data source and dates, under its title (``undated``: the page says
    above the table that the data carries no dates, so the line leaves it out)."""
    e = html.escape
    run = run or {}
    lines = [h for h in run.get("headline") or [] if isinstance(h, str)]
    out = "".join(f'<p class="headline">{e(h)}</p>' for h in lines)
    if isinstance(run.get("data_source"), str) and run["data_source"]:
        source = run["data_source"].replace(f" ({NO_DATES})", "") if undated else run["data_source"]
        out += f'<div class="muted">{e(source)}</div>'
    return out


def _thumbnail_html(d: Path, run: dict[str, Any] | None) -> str:
    """A small image of the report's main figure, linked to the report (empty when there is none)."""
    if not run or run.get("thumbnail") != THUMBNAIL_NAME or not (d / THUMBNAIL_NAME).is_file():
        return ""
    e = html.escape
    href = e(d.name, quote=True)
    alt = e(f"Main figure of {run.get('title') or d.name}", quote=True)
    return (
        f'<a href="{href}/index.html"><img class="thumb" src="{href}/{THUMBNAIL_NAME}" alt="{alt}" loading="lazy"></a>'
    )


def _page_html(rows: list[str], history: str = "", nav: str = "", *, undated: bool = False) -> str:
    """The whole index page around its table rows, then the previous builds (``history``, already HTML)."""
    from frontier import __version__

    e = html.escape
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'{GENERATOR_TAG}<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Reports</title>"
        f"<style>{_CSS}</style></head>\n<body>\n<h1>Reports</h1>\n"
        f'<p class="muted">Index written {e(iso(now()))} UTC by frontier {e(__version__)}. '
        "Every report is a single self-contained file that opens with no network.</p>\n"
        + (
            '<p class="muted">The data carries no measurement dates: each report names the CI runs it read '
            "instead (run ids increase with time).</p>\n"
            if undated
            else ""
        )
        + nav
        + "<table><thead><tr><th>Report</th><th>What it found</th><th>Status</th><th>Last good run (UTC)</th>"
        "<th>Parameters</th><th>Files</th></tr></thead><tbody>\n"
        + ("\n".join(rows) if rows else '<tr><td colspan="6">No reports yet.</td></tr>')
        + "\n</tbody></table>\n"
        + history
        + "\n</body></html>\n"
    )
