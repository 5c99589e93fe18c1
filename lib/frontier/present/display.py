"""HTML pieces for notebooks and reports: tables, provenance, callouts, and a machine-readable summary.

Every string that comes from data (cell values, column names, paths, parameters, reasons) goes through
``html.escape``: an artifact that contains ``<script>`` shows it as text, it never runs.

The objects returned here have ``_repr_html_``, so a notebook cell can end with ``table_html(df)`` and the table
is displayed (in JupyterLab and in the nbconvert report). Every piece carries the small stylesheet (light
background, ~3 KB, scoped to ``.fx``): styling then survives re-running a notebook in one kernel, clearing outputs
and re-running single cells (a stylesheet emitted once per kernel vanishes with the output that carried it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from frontier import paths
from frontier.data import labels
from frontier.fsutil import write_atomic
from frontier.number_words import MINUS, PERCENT, approx, fraction_percent, money, percent, significant

__all__ = [
    "CSS",
    "HTML",
    "NO_MATH",
    "SYNTHETIC_BANNER",
    "approx",
    "HEADLINE_MARK",
    "HEADLINE_STATES",
    "callout",
    "headline_html",
    "money",
    "fraction_percent",
    "percent",
    "provenance_html",
    "significant",
    "summary_json",
    "jsonable",
    "table_html",
]

NO_MATH = "mathjax_ignore tex2jax_ignore"
"""Classes on every output container: MathJax skips elements carrying them (``mathjax_ignore``: MathJax 3, which
JupyterLab runs on HTML outputs; ``tex2jax_ignore``: MathJax 2, which nbconvert's HTML templates load), so a caption
such as "B200 $1.73 / GB200 $1.86" stays text instead of being typeset as math between the two dollar signs."""

CSS = """
.fx{font-family:-apple-system,"Segoe UI","Liberation Sans",Helvetica,Arial,sans-serif;font-size:13px;color:#1f2328;
  background:#ffffff;line-height:1.45}
.fx table.fx-table{border-collapse:collapse;margin:6px 0 14px;font-variant-numeric:tabular-nums;background:#fff}
.fx table.fx-table caption{caption-side:top;text-align:left;font-weight:600;padding:4px 0 6px;color:#1f2328}
.fx.fx-wrap{max-width:100%;overflow-x:auto}
.fx table.fx-table th,.fx table.fx-table td{border-bottom:1px solid #e6e8eb;padding:4px 6px;text-align:left;
  vertical-align:top;white-space:nowrap}
.fx table.fx-table td.s{white-space:normal}
.fx table.fx-table td.txt{white-space:normal;min-width:6em;max-width:24em;overflow-wrap:break-word}
.fx table.fx-table th{white-space:normal;min-width:3em;max-width:12em}
.fx table.fx-table thead th{border-bottom:2px solid #8c959f;font-weight:600;background:#f6f8fa}
.fx table.fx-table td.num,.fx table.fx-table th.num{text-align:right}
.fx table.fx-table td.na{color:#8c959f;font-style:italic}
.fx table.fx-table tbody tr:nth-child(even){background:#fafbfc}
.fx .fx-more{color:#57606a;font-size:12px;margin:-8px 0 12px}
.fx .fx-callout{border-left:4px solid #0072B2;background:#f0f6fb;padding:8px 12px;margin:10px 0;border-radius:3px}
.fx .fx-callout .fx-kind{font-weight:700;margin-right:6px;text-transform:uppercase;font-size:11px;
  letter-spacing:.04em}
.fx .fx-callout.warning{border-color:#D55E00;background:#fdf1ea}
.fx .fx-callout.caveat{border-color:#A08C00;background:#fbf8e6}
.fx .fx-headline{border-left:6px solid #009E73;background:#eef8f4;padding:10px 14px;margin:10px 0 16px;
  border-radius:3px;font-size:15px;line-height:1.5}
.fx .fx-headline.warning{border-color:#D55E00;background:#fdf1ea}
.fx .fx-headline .fx-kind{font-weight:700;text-transform:uppercase;font-size:11px;letter-spacing:.04em;
  color:#57606a}
.fx .fx-headline p.fx-headline-line{margin:4px 0}
.fx .fx-headline p.fx-headline-source{margin:6px 0 0;color:#57606a;font-size:12px}
.fx .fx-banner{border:2px solid #D55E00;background:#fdf1ea;color:#7a2e00;font-weight:700;padding:10px 14px;
  margin:8px 0 14px;border-radius:4px;font-size:14px}
.fx h3.fx-h{font-size:14px;font-weight:700;margin:16px 0 4px;color:#1f2328}
.fx code,.fx .fx-mono{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px}
.fx details summary{cursor:pointer;font-weight:600;margin:6px 0}
.fx .fx-scroll{max-height:360px;overflow:auto;border:1px solid #e6e8eb;padding:0 4px;margin-bottom:6px}
.fx table.fx-kv{border-collapse:collapse;margin:2px 0 10px}
.fx table.fx-kv tr,.fx table.fx-kv tr:nth-child(odd){background:transparent}
.fx table.fx-kv th,.fx table.fx-kv td{border:0;padding:1px 14px 1px 0;text-align:left;vertical-align:top;
  background:transparent}
.fx table.fx-kv th{color:#57606a;font-weight:400;white-space:nowrap}
.fx table.fx-kv td{word-break:break-word}
""".strip()


def css_html() -> str:
    """The stylesheet as a <style> element."""
    return f'<style type="text/css" data-frontier="display-css">\n{CSS}\n</style>\n'


class HTML:
    """An HTML fragment that notebooks display (``_repr_html_``, with the stylesheet); ``str()`` gives the bare
    fragment."""

    def __init__(self, body: str):
        self.html = body

    def _repr_html_(self) -> str:
        return css_html() + self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"HTML({len(self.html)} chars)"

    def __add__(self, other: HTML | str) -> HTML:
        return HTML(self.html + str(other))


def _e(v: Any) -> str:
    return html.escape(str(v), quote=True)


# ---------------------------------------------------------------------------------------------------------- tables
def _is_null(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    return False


def _house_style(text: str) -> str:
    """One minus and one percent style whatever a format string produced: ``-176%`` → ``−176 %``."""
    import re

    text = re.sub(r"(?<![\w.])-(?=[\d$.∞])", MINUS, text)
    return re.sub(r"(?<=\d)\s?%", PERCENT, text)


def _default_fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}".replace("-", MINUS)
    if isinstance(v, (float, Decimal)):
        f = float(v)
        if math.isinf(f):
            return "∞" if f > 0 else MINUS + "∞"
        a = abs(f)
        if a == 0:
            return "0"
        if a >= 100:
            return f"{f:,.1f}".replace("-", MINUS)
        text = significant(f, 4)
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return ", ".join(_default_fmt(x) for x in v)
    return str(v)


def _apply_fmt(fmt: str | Callable[[Any], Any], v: Any) -> str:
    if callable(fmt):
        return _house_style(str(fmt(v)))
    if "{" in fmt:
        return _house_style(fmt.format(v))
    return _house_style(format(v, fmt))


def _columns_rows(df: Any) -> tuple[list[str], list[bool], list[tuple[Any, ...]], int]:
    """(columns, numeric flags, rows, total rows) of a polars or pandas frame."""
    if isinstance(df, pl.LazyFrame):
        df = df.collect()
    if isinstance(df, pl.DataFrame):
        cols = df.columns
        numeric = [df.schema[c].is_numeric() for c in cols]
        return cols, numeric, df.rows(), df.height
    try:
        import pandas as pd

        if isinstance(df, pd.Series):
            df = df.to_frame()
        if isinstance(df, pd.DataFrame):
            cols = [str(c) for c in df.columns]
            numeric = [
                pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in df.columns
            ]
            rows = [tuple(r) for r in df.itertuples(index=False, name=None)]
            return cols, numeric, rows, len(df)
    except ImportError:  # pragma: no cover
        pass
    raise TypeError(f"table_html needs a polars or pandas DataFrame, got {type(df).__name__}")


def _text_class(v: Any) -> str:
    """Text wraps at spaces (numbers never): a long text keeps a minimum width so it does not end up one word per
    line when a table is squeezed into a narrow panel."""
    if not isinstance(v, str):
        return ""
    return ' class="txt"' if len(v) > 24 else ' class="s"'


def table_html(
    df: Any,
    *,
    formats: Mapping[str, str | Callable[[Any], Any]] | None = None,
    caption: str | None = None,
    na: str | Mapping[str, str] = "—",
    max_rows: int | None = 200,
    columns: Mapping[str, str] | None = None,
) -> HTML:
    """A styled HTML table of a polars/pandas frame.

    - ``formats``: per column a format spec (``",.1f"``), a ``str.format`` pattern (``"${:.3f}"``) or a callable;
      entries for columns the frame lacks are ignored (one mapping can serve several tables).
    - ``na``: what nulls (and NaN) show: one marker for every column, or a mapping column -> label (e.g.
      ``{"cost_at_90": "unreachable"}``) with ``"—"`` for the others.
    - ``max_rows``: rows shown (a note says how many were left out); ``None`` shows all.
    - ``columns``: optional display names for column headers.
    Numeric columns are right-aligned. All values and names are HTML-escaped.
    """
    cols, numeric, rows, total = _columns_rows(df)
    if any(labels.is_join_column(c) for c in cols):  # config keys are for joins (JSON), not for people
        keep = [i for i, c in enumerate(cols) if not labels.is_join_column(c)]
        cols, numeric = [cols[i] for i in keep], [numeric[i] for i in keep]
        rows = [tuple(r[i] for i in keep) for r in rows]
    formats = {c: f for c, f in (formats or {}).items() if c in cols}  # one dict may serve several tables
    names = dict(columns or {})
    na_map = dict(na) if isinstance(na, Mapping) else {}
    na_default = "—" if isinstance(na, Mapping) else na
    shown = rows if max_rows is None else rows[:max_rows]

    out = [f'<div class="fx fx-wrap {NO_MATH}"><table class="fx-table">']
    if caption:
        out.append(f"<caption>{_e(caption)}</caption>")
    out.append("<thead><tr>")
    for c, is_num in zip(cols, numeric):
        cls = ' class="num"' if is_num else ""
        out.append(f'<th{cls} scope="col">{_e(names.get(c, c))}</th>')
    out.append("</tr></thead><tbody>")
    for row in shown:
        out.append("<tr>")
        for c, is_num, v in zip(cols, numeric, row):
            if _is_null(v):
                out.append(f'<td class="na{" num" if is_num else ""}">{_e(na_map.get(c, na_default))}</td>')
                continue
            try:
                text = _apply_fmt(formats[c], v) if c in formats else _default_fmt(v)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"table_html: cannot format column {c!r} value {v!r}: {exc}") from exc
            cls = ' class="num"' if is_num else _text_class(v)
            out.append(f"<td{cls}>{_e(text)}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    if len(shown) < total:
        out.append(f'<p class="fx-more">Showing {len(shown):,} of {total:,} rows.</p>')
    out.append("</div>")
    return HTML("".join(out))


# -------------------------------------------------------------------------------------------------------- callouts
_KINDS = {"note": "Note", "warning": "Warning", "caveat": "Caveat"}


def callout(text: str, kind: str = "note", *, title: str | None = None) -> HTML:
    """A highlighted note / warning / caveat box; ``text`` is escaped (blank lines start new paragraphs)."""
    if kind not in _KINDS:
        raise ValueError(f"callout kind must be one of {list(_KINDS)}, got {kind!r}")
    paras = [p.strip() for p in str(text).split("\n\n") if p.strip()] or [""]
    body = "".join(_paragraph_html(p) for p in paras)
    head = f'<span class="fx-kind">{_e(title or _KINDS[kind])}</span>'
    return HTML(f'<div class="fx {NO_MATH}"><div class="fx-callout {kind}" role="note">{head}{body}</div></div>')


def _paragraph_html(p: str) -> str:
    """One callout paragraph (escaped); its lines starting with "- " become a bulleted list under the lines
    before them."""
    lines = p.split("\n")
    items = [ln[2:].strip() for ln in lines if ln.startswith("- ")]
    head = " ".join(ln.strip() for ln in lines if not ln.startswith("- "))
    out = f'<p style="margin:2px 0">{_e(head)}</p>' if head or not items else ""
    if items:
        out += '<ul style="margin:2px 0 2px 18px;padding:0">' + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"
    return out


SYNTHETIC_BANNER = "Synthetic data: generated by frontier.data.sample from a first-principles model, not measurements"


# ------------------------------------------------------------------------------------------------------ provenance
def _display_path(p: Any) -> str:
    s = str(p)
    try:
        path = Path(s.split("!", 1)[0])
        if path.is_absolute():
            rel = path.resolve().relative_to(paths.ROOT)
            return str(rel) + (("!" + s.split("!", 1)[1]) if "!" in s else "")
    except (ValueError, OSError):
        pass
    return s


def _common_dir(items: Sequence[str]) -> str:
    import os

    try:
        base = os.path.commonpath([i.split("!", 1)[0] for i in items])
    except ValueError:
        return ""
    if not base or base in (".", "/") or any(i == base for i in items):
        return ""
    return base


def _input_set_hash(inputs: Sequence[Mapping[str, Any]]) -> str:
    import hashlib

    pairs = sorted((_display_path(d.get("path", "")), str(d.get("sha256") or "")) for d in inputs)
    if not any(sha for _, sha in pairs):
        return ""
    return hashlib.sha256("\n".join(f"{p}\t{sha}" for p, sha in pairs).encode()).hexdigest()


def _kv(items: Iterable[tuple[str, Any]]) -> str:
    parts = ['<table class="fx-kv"><tbody>']
    for k, v in items:
        parts.append(f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>')
    parts.append("</tbody></table>")
    return "".join(parts)


def _param_text(v: Any) -> str:
    """A parameter value in words: empty text, lists and mappings read "not set" / "none", numbers with
    thousands separators, true/false as yes/no, lists comma-separated, mappings as "key: value"."""
    if v is None or (isinstance(v, str) and not v):
        return "not set"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not v.is_integer():
            return f"{v:.10g}"
        return f"{int(v):,}" if abs(v) >= 10_000 else str(int(v))  # 1,000,000 but 1024 (a sequence length)
    if isinstance(v, (list, tuple)):
        return ", ".join(_param_text(x) for x in v) if v else "none"
    if isinstance(v, Mapping):
        return "; ".join(f"{k}: {_param_text(x)}" for k, x in v.items()) if v else "none"
    try:
        return json.dumps(jsonable(v), ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(v)


#: parameters that, left empty, are chosen from the data (the notebook's "Scope" notes say how)
SCOPE_PARAMS = frozenset({"model", "isl", "osl", "targets", "lookup_at"})
CHOSEN_FROM_DATA = "not given: chosen from the data (see Scope)"
_STAGING = re.compile(r"/\.(frontier-report-)?staging/")


def _param_value(name: str, v: Any) -> str:
    if name == "output_dir" and isinstance(v, str):
        if _STAGING.search(v.replace("\\", "/")):
            return "the report folder (set by the report runner)"
        return _display_path(v) if v else "(default)"
    if name in SCOPE_PARAMS and v in ("", 0, None, [], ()):
        return CHOSEN_FROM_DATA
    if name == "data_paths" and isinstance(v, (list, tuple)):
        return ", ".join(_display_path(x) for x in v) if v else "none: the bundled synthetic sample"
    return _param_text(v)


def _versions() -> dict[str, str]:
    import importlib.metadata as md
    import sys

    out = {"python": sys.version.split()[0]}
    for pkg in ("polars", "altair", "vl-convert-python"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    return out


def provenance_html(
    inputs: Sequence[Mapping[str, Any]] | None = None,
    load_summary: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    library_version: str | None = None,
    synthetic: bool = False,
    *,
    max_examples: int = 5,
    max_inputs: int = 500,
) -> HTML:
    """Where the numbers came from: inputs, load report, parameters and versions.

    ``inputs``: dicts with ``path``, ``sha256``, ``format``, ``rows_read``, ``rows_loaded`` (missing keys shown as
    "—"). ``load_summary``: ``rows_read``, ``rows_loaded``, ``skipped`` ({reason: count}), ``duplicates`` (int),
    ``skip_examples`` ([{file, row, reason}]). ``params``: the notebook parameters. ``synthetic``: adds the
    synthetic-data banner. Paths under the project root are shown relative to it.
    """
    from frontier import __version__

    parts = [f'<div class="fx fx-provenance {NO_MATH}">']
    if synthetic:
        parts.append(f'<div class="fx-banner" role="alert">{_e(SYNTHETIC_BANNER)}</div>')
    parts.append("<details><summary>Inputs, load report, parameters and versions</summary>")
    parts += _inputs_html(list(inputs or []), max_inputs)
    if load_summary is not None:
        parts += _load_report_html(dict(load_summary), max_examples)
    parts.append('<h3 class="fx-h">Parameters</h3>')
    if params:
        parts.append(_kv((str(k), _param_value(str(k), v)) for k, v in params.items()))
    else:
        parts.append("<p>Defaults (no parameters given).</p>")
    parts.append('<h3 class="fx-h">Versions</h3>')
    parts.append(_kv([("frontier", library_version or __version__), *_versions().items()]))
    parts.append("</details></div>")
    return HTML("".join(parts))


def _inputs_html(inputs: list[Mapping[str, Any]], max_inputs: int) -> list[str]:
    """The provenance's inputs section: folder, file count, formats and input-set hash, then the files (at most
    ``max_inputs``; folded when more than 8) with their format, short sha256 and rows read and loaded."""
    parts = ['<h3 class="fx-h">Inputs</h3>']
    if not inputs:
        return [*parts, "<p>No input files recorded.</p>"]
    shown = [_display_path(d.get("path", "")) for d in inputs]
    base = _common_dir(shown) if len(shown) > 1 else ""
    rows = []
    for d, path in zip(inputs[:max_inputs], shown):
        sha = d.get("sha256")
        rows.append(
            {
                "path": path[len(base) + 1 :] if base else path,
                "format": d.get("format"),
                "sha256": (str(sha)[:12] if sha else None),
                "rows read": d.get("rows_read"),
                "rows loaded": d.get("rows_loaded"),
            }
        )
    frame = pl.DataFrame(
        rows,
        schema={
            "path": pl.String,
            "format": pl.String,
            "sha256": pl.String,
            "rows read": pl.Int64,
            "rows loaded": pl.Int64,
        },
    )
    formats: dict[str, int] = {}
    for d in inputs:
        formats[str(d.get("format") or "?")] = formats.get(str(d.get("format") or "?"), 0) + 1
    digest = _input_set_hash(inputs)
    summary = [
        ("files", f"{len(inputs):,}"),
        ("formats", ", ".join(f"{k} × {v:,}" for k, v in sorted(formats.items()))),
    ]
    if base:
        summary.insert(0, ("folder", base))
    if digest:
        summary.append(("input set sha256", digest[:16]))
    parts.append(_kv(summary))
    table = table_html(frame, max_rows=None).html
    if len(inputs) > max_inputs:
        table += f'<p class="fx-more">… and {len(inputs) - max_inputs:,} more input files.</p>'
    if len(inputs) > 8:
        parts.append(
            f"<details><summary>List of the {len(inputs):,} input files</summary>"
            f'<div class="fx-scroll">{table}</div></details>'
        )
    else:
        parts.append(table)
    parts.append(
        '<p class="fx-more">sha256: first 12 hex digits of each file\'s content hash; the input set '
        "hash covers every (path, hash) pair.</p>"
    )
    return parts


def _load_report_html(ls: dict[str, Any], max_examples: int) -> list[str]:
    """The provenance's load report: rows read, loaded, skipped and duplicated, the skipped rows by reason and up
    to ``max_examples`` examples of them."""
    parts: list[str] = []
    skipped = dict(ls.get("skipped") or {})
    n_skipped = sum(int(v) for v in skipped.values())
    parts.append('<h3 class="fx-h">Load report</h3>')
    parts.append(
        _kv(
            [
                ("rows read", _default_fmt(ls.get("rows_read")) if ls.get("rows_read") is not None else "—"),
                ("rows loaded", _default_fmt(ls.get("rows_loaded")) if ls.get("rows_loaded") is not None else "—"),
                ("rows skipped", _default_fmt(n_skipped)),
                ("duplicates", _default_fmt(ls.get("duplicates", 0) or 0)),
            ]
        )
    )
    if skipped:
        sk = pl.DataFrame(
            {"reason": [str(k) for k in skipped], "rows": [int(v) for v in skipped.values()]},
            schema={"reason": pl.String, "rows": pl.Int64},
        ).sort("rows", descending=True)
        parts.append(table_html(sk, caption="Skipped rows by reason", max_rows=None).html)
    examples = list(ls.get("skip_examples") or [])[:max_examples]
    if examples:
        ex = pl.DataFrame(
            [
                {
                    "file": _display_path(e.get("file", "")),
                    "row": None if e.get("row") is None else str(e["row"]),
                    "reason": str(e.get("reason", "")),
                }
                for e in examples
            ],
            schema={"file": pl.String, "row": pl.String, "reason": pl.String},
        )
        parts.append(table_html(ex, caption="Examples of skipped rows", max_rows=None).html)

    return parts


HEADLINE_MARK = 'data-frontier="headline"'
"""Marks the headline block in a notebook's outputs: the report renderer moves it to the top of the page."""
HEADLINE_STATES = ("finding", "nothing to compare")


def headline_html(sentences: Sequence[str], state: str = "finding", *, source: str = "") -> HTML:
    """The finding first: 1–3 sentences (escaped), then the data source line in small type. ``state`` "nothing
    to compare" draws it as a warning."""
    if state not in HEADLINE_STATES:
        raise ValueError(f"headline state must be one of {list(HEADLINE_STATES)}, got {state!r}")
    kind = "warning" if state != "finding" else "finding"
    body = "".join(f'<p class="fx-headline-line">{_e(s)}</p>' for s in sentences)
    src = f'<p class="fx-headline-source">{_e(source)}</p>' if source else ""
    head = "Finding" if state == "finding" else "Nothing to compare"
    return HTML(
        f'<div class="fx"><div class="fx-headline {kind}" role="doc-abstract" {HEADLINE_MARK}>'
        f'<span class="fx-kind">{head}</span>{body}{src}</div></div>'
    )


# ---------------------------------------------------------------------------------------------------------- summary
def jsonable(obj: Any) -> Any:
    """Convert common analysis objects to JSON-ready values (NaN/inf become null)."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Decimal):
        return jsonable(float(obj))
    if isinstance(obj, (dt.datetime, dt.date, dt.time)):
        return obj.isoformat()
    if isinstance(obj, dt.timedelta):
        return obj.total_seconds()
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, pl.LazyFrame):
        obj = obj.collect()
    if isinstance(obj, pl.DataFrame):
        return [jsonable(r) for r in obj.to_dicts()]
    if isinstance(obj, pl.Series):
        return [jsonable(v) for v in obj.to_list()]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return jsonable(dataclasses.asdict(obj))
    try:
        import numpy as np

        if isinstance(obj, np.generic):
            return jsonable(obj.item())
        if isinstance(obj, np.ndarray):
            return [jsonable(v) for v in obj.tolist()]
    except ImportError:  # pragma: no cover
        pass
    try:
        import pandas as pd

        if isinstance(obj, pd.DataFrame):
            return [jsonable(r) for r in obj.to_dict(orient="records")]
        if isinstance(obj, pd.Series):
            return [jsonable(v) for v in obj.tolist()]
        if obj is pd.NA or obj is pd.NaT:
            return None
        if isinstance(obj, pd.Timestamp):
            return obj.isoformat()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in obj]
    raise TypeError(f"summary_json: cannot convert {type(obj).__name__} to JSON")


def summary_json(obj: Any, path: str | Path) -> Path:
    """Write ``obj`` as a machine-readable JSON summary and return the file written.

    ``path`` is a file path, or a directory (e.g. the notebook's ``output_dir`` parameter), in which case the file
    is ``<dir>/summary.json`` (the name the report runner collects). Frames become lists of row objects, dates ISO
    strings, NaN/inf null.
    """
    p = Path(path)
    if p.suffix.lower() != ".json":
        p = p / "summary.json"
    text = json.dumps(jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False, sort_keys=False)
    write_atomic(p, text + "\n")
    return p
