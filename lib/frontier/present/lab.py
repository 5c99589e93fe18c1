"""How notebook charts display in JupyterLab and in the reports: offline, and visible however the notebook is opened.

Two Altair renderers, each output carrying a static PNG (vl-convert, 2x, shown at 1x) beside the rich form:

- ``"svg"``: ``image/svg+xml`` + ``image/png``. Lab shows the SVG in a trusted notebook and the PNG in an
  untrusted one (a notebook executed by papermill/nbconvert is untrusted until ``jupyter trust``); the report
  template inlines the SVG.
- ``"interactive"``: ``text/html`` = a ``<div>`` holding the PNG as a fallback image + a script that draws the chart
  with vega-embed (legend selection, zoom), + ``image/png``. The vl-convert JavaScript bundle (Vega, Vega-Lite,
  vega-embed, ~0.95 MB) travels with the first chart shown after :func:`enable` and runs once per page in its own
  function scope; later charts wait for it. Where scripts do not run (untrusted), or the bundle is not on the page,
  the PNG stays. Nothing is fetched from a network. It survives save and reopen with Lab's default settings
  (no widget state needed).
"""

from __future__ import annotations

import base64
import html
import json
import struct
import uuid
from typing import Any

import altair as alt

from frontier.present import charts
from frontier.present.display import NO_MATH

__all__ = ["RENDERERS", "enable", "interactive_renderer", "svg_renderer", "themed"]

RENDERERS = {"svg": "frontier-lab-svg", "interactive": "frontier-lab-interactive"}
_PNG_SCALE = 2
_STATE: dict[str, Any] = {"bundle_emitted": False, "theme": "light"}


def themed(spec: dict) -> dict:
    """``spec`` in the theme the renderers draw (:func:`enable`'s ``theme``; the chart's own settings win)."""
    return charts.spec_with_theme(spec, _STATE["theme"], override=False)


_spec = themed


def _png(spec: dict) -> tuple[str, int, int]:
    """(base64 PNG at PNG_SCALE, width and height in CSS pixels) of a Vega-Lite spec."""
    data = charts.vl_png(spec, _PNG_SCALE)
    width, height = struct.unpack(">II", data[16:24])  # IHDR: the first chunk of every PNG
    return base64.b64encode(data).decode("ascii"), width // _PNG_SCALE, height // _PNG_SCALE


def _plain(spec: dict) -> str:
    return f"Chart: {charts.chart_description(spec)}"


def _png_bundle(spec: dict) -> tuple[dict[str, Any], dict[str, Any], str, int]:
    png, width, height = _png(spec)
    return {"image/png": png, "text/plain": _plain(spec)}, {"image/png": {"width": width, "height": height}}, png, width


def svg_renderer(spec: dict, *, png: bool = True, **_: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Static chart: SVG for trusted views and the report, PNG for untrusted views (``png=False``: the SVG
    alone, for a report page, which shows only the SVG)."""
    spec = _spec(spec)
    if png:
        data, meta, _png_b64, _w = _png_bundle(spec)
    else:
        data, meta = {"text/plain": _plain(spec)}, {}
    data["image/svg+xml"] = charts.vl_svg(spec)
    return data, meta


def _fallback_html(spec: dict, png_b64: str, width: int) -> str:
    """The chart's ``<div>``: a PNG image now, replaced by the interactive chart once vega-embed has drawn it."""
    eid = f"frontier-lab-{uuid.uuid4().hex}"
    alt_text = html.escape(_plain(spec), quote=True)
    opts = {"renderer": "svg", "actions": False, "mode": "vega-lite"}
    ready, queue = charts.render._READY_FLAG, charts.render._QUEUE
    return (
        f'<div class="frontier-chart {NO_MATH}" id="{eid}"><img class="frontier-fallback" width="{width}" '
        f'alt="{alt_text}" src="data:image/png;base64,{png_b64}"></div>\n'
        '<script type="text/javascript">\n(function(){\n'
        f"  var spec = {charts.render._script_safe_json(charts.with_interaction(spec))};\n"
        f"  var opts = {json.dumps(opts)};\n"
        "  function draw(){\n"
        f"    var el = document.getElementById({json.dumps(eid)}); if (!el || !window.vegaEmbed) return;\n"
        "    var target = document.createElement('div'); el.appendChild(target);\n"
        "    window.vegaEmbed(target, spec, opts).then(function(){\n"
        "      var img = el.querySelector('img.frontier-fallback'); if (img) img.remove();\n"
        "    }).catch(function(err){ target.remove(); console.warn('chart kept as image: ' + err); });\n"
        "  }\n"
        f"  if (window.{ready}) {{ draw(); }} else {{ (window.{queue} = window.{queue} || []).push(draw); }}\n"
        "})();\n</script>\n"
    )


def interactive_renderer(spec: dict, **_: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Interactive chart with a PNG fallback (in the HTML and as its own mime type)."""
    spec = _spec(spec)
    data, meta, png_b64, width = _png_bundle(spec)
    bundle = ""
    if not _STATE["bundle_emitted"]:
        bundle = charts.bundle_script()
        _STATE["bundle_emitted"] = True
    data["text/html"] = _fallback_html(spec, png_b64, width) + bundle
    return data, meta


def enable(mode: str = "svg", *, theme: charts.Theme = "light") -> str:
    """Register and enable the renderer for ``mode`` ("svg" or "interactive"); the next interactive chart carries
    the JavaScript bundle again (call once per notebook run). Returns the renderer's name."""
    if mode not in RENDERERS:
        raise ValueError(f"chart mode must be one of {list(RENDERERS)}, got {mode!r}")
    _STATE["theme"] = theme
    _STATE["bundle_emitted"] = False
    alt.renderers.register(RENDERERS["svg"], svg_renderer)
    alt.renderers.register(RENDERERS["interactive"], interactive_renderer)
    alt.renderers.enable(RENDERERS[mode])
    return RENDERERS[mode]
