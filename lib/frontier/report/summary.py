"""What the runner reads from a notebook's ``summary.json``: the report's human title and scope, whether its data
is synthetic, its main figure; and the small PNG of that figure the index shows."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from frontier.data.load.normalise import SYNTHETIC_SUFFIX
from frontier.fsutil import write_atomic
from frontier.report._files import read_json

__all__ = ["ReportSummary", "THUMBNAIL_NAME", "read_summary", "write_thumbnail"]

THUMBNAIL_NAME = "thumbnail.png"
_THUMBNAIL_WIDTH_PX = 320
_SVG_WIDTH_RE = re.compile(r"<svg\b[^>]*?\swidth=\"([0-9.]+)")


@dataclasses.dataclass
class ReportSummary:
    """The parts of ``summary.json`` the runner uses (all optional: a notebook may write no summary)."""

    title: str
    scope: str = ""  # model and ISL/OSL the report covers, e.g. "DeepSeek-R1-0528 · 1024/1024"
    synthetic: bool | None = None  # None: the notebook did not say
    main_figure: str | None = None  # figure name (files ``figures/<name>-light.svg`` ...)
    headline: list[str] = dataclasses.field(default_factory=list)  # the finding, 1–3 sentences
    state: str = ""  # "finding", "nothing to compare", or "" (the notebook wrote no headline)
    data_source: str = ""  # where the data came from and when it was measured
    data_dates: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def page_title(self) -> str:
        """The HTML ``<title>``: human title, scope, and "synthetic data" when it is (said once: a synthetic
        model's own " (synthetic)" mark is then dropped)."""
        parts = [self.title, self.scope] if self.scope else [self.title]
        text = " · ".join(parts)
        return f"{text.replace(SYNTHETIC_SUFFIX, '')} (synthetic data)" if self.synthetic else text


def read_summary(output_dir: Path, name: str) -> ReportSummary:
    """The :class:`ReportSummary` of a run whose notebook wrote ``<output_dir>/summary.json`` (falls back to the
    notebook ``name`` as title when there is none)."""
    doc = read_json(output_dir / "summary.json") or {}
    title, params, synthetic = doc.get("title"), doc.get("parameters"), doc.get("synthetic")
    headline = doc.get("headline")
    state, source, dates = doc.get("headline_state"), doc.get("data_source"), doc.get("data_dates")
    return ReportSummary(
        title if isinstance(title, str) and title.strip() else name,
        _scope(doc, params if isinstance(params, dict) else {}),
        synthetic if isinstance(synthetic, bool) else None,
        _main_figure(doc),
        [str(h) for h in headline if isinstance(h, str)] if isinstance(headline, list) else [],
        state if isinstance(state, str) else "",
        source if isinstance(source, str) else "",
        dates if isinstance(dates, dict) else {},
    )


def _scope(doc: dict[str, Any], params: dict[str, Any]) -> str:
    """The scope the notebook recorded (chosen from the data), else the one its parameters name."""
    if isinstance(doc.get("scope"), str) and doc["scope"].strip():
        return str(doc["scope"])
    model = doc.get("model") if isinstance(doc.get("model"), str) else params.get("model")
    parts = []
    if isinstance(model, str) and model.strip("*"):
        parts.append(model.rstrip("*"))  # a glob's trailing * is how the notebook matched, not the name
    isl, osl = params.get("isl"), params.get("osl")
    if isinstance(isl, int) and isinstance(osl, int) and isl > 0 and osl > 0:
        parts.append(f"{isl}/{osl}")
    return " · ".join(parts)


def _main_figure(doc: dict[str, Any]) -> str | None:
    figures = doc.get("figures")
    if isinstance(figures, list):
        for fig in figures:
            if isinstance(fig, dict) and isinstance(fig.get("name"), str):
                return str(fig["name"])
    return None


def write_thumbnail(report_dir: Path, figure: str | None) -> Path | None:
    """Render ``figures/<figure>-light.svg`` as a PNG about :data:`_THUMBNAIL_WIDTH_PX` wide into the report folder;
    None (nothing written) when there is no such figure. Raises ``ValueError`` if the SVG cannot be rendered."""
    if not figure:
        return None
    svg_path = report_dir / "figures" / f"{figure}-light.svg"
    if not svg_path.is_file():
        return None
    import vl_convert

    from frontier.present.charts import xml_safe_text

    svg = xml_safe_text(svg_path.read_text(encoding="utf-8"))  # vl-convert aborts on text XML cannot hold
    m = _SVG_WIDTH_RE.search(svg)
    width = float(m.group(1)) if m else 800.0
    scale = min(1.0, _THUMBNAIL_WIDTH_PX / width) if width > 0 else 0.4
    try:
        png = vl_convert.svg_to_png(svg, scale=scale)
    except Exception as exc:
        raise ValueError(f"thumbnail of {svg_path.name}: {exc}") from exc
    target = report_dir / THUMBNAIL_NAME
    write_atomic(target, png)
    return target
