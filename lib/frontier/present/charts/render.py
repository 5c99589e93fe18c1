"""How charts render in JupyterLab and offline HTML: the bundled Vega scripts, interaction (zoom, legend
pick), the svg and interactive renderers, and standalone pages."""

from __future__ import annotations

import copy
import functools
import html
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import altair as alt

from frontier.present.display import NO_MATH

from ._encoding import chart_description
from .export import render_svg, to_spec, vl_svg
from .theme import COLORS, FONT, MAX_ROWS, Theme, _check_theme, spec_with_theme

__all__ = [
    "PICK_DIM",
    "PICK_PARAM",
    "ZOOM_PARAM",
    "RENDERERS",
    "bundle_script",
    "enable_offline",
    "standalone_html",
    "with_interaction",
]

_STATE: dict[str, Any] = {"bundle_emitted": False, "theme": "light"}


_READY_FLAG = "__frontierVegaReady"


_QUEUE = "__frontierVegaQueue"


def _script_safe_json(obj: Any) -> str:
    """JSON that is safe inside an HTML <script> element (no '</script', '<!--', U+2028/2029 breaks)."""
    s = json.dumps(obj, allow_nan=False, ensure_ascii=False)
    return (
        s.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@functools.lru_cache(maxsize=1)
def _bundle_js() -> str:
    import vl_convert as vlc

    js = vlc.javascript_bundle()  # type: ignore[call-arg]  # the snippet is optional at run time
    return js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def bundle_script() -> str:
    """A <script> element with the vl-convert JavaScript bundle (Vega, Vega-Lite, vega-embed; ~0.9 MB), guarded by a
    global flag so a page that contains it twice loads it once; it then draws any chart queued before it."""
    return (
        '<script type="text/javascript" data-frontier="vega-bundle">\n'
        f"if (!window.{_READY_FLAG}) {{\n(function(){{\n{_bundle_js()}\n}}).call(window);\n"
        f"window.{_READY_FLAG} = true;\n}}\n"
        f"(function(){{ var q = window.{_QUEUE} || []; window.{_QUEUE} = [];\n"
        "  q.forEach(function(f){ try { f(); } catch (e) { console.error(e); } }); })();\n"
        "</script>\n"
    )


ZOOM_PARAM = "frontier_zoom"


PICK_PARAM = "frontier_pick"


#: opacity of the series not picked in the legend
PICK_DIM = 0.15


def _encoding(view: Mapping[str, Any]) -> dict[str, Any]:
    enc = view.get("encoding")
    return enc if isinstance(enc, dict) else {}


def _is_xy(view: Mapping[str, Any]) -> bool:
    enc = _encoding(view)
    return "mark" in view and all(isinstance(enc.get(c), dict) and enc[c].get("type") == "quantitative" for c in "xy")


def with_interaction(spec: Mapping[str, Any]) -> dict[str, Any]:
    """``spec`` with the interactions of an interactive chart: drag to pan and wheel to zoom both axes (an interval
    selection bound to the scales), and click a legend entry to pick its series (shift-click adds one; the others
    fade to ``PICK_DIM``; double-click clears). Added to the first layer that plots two quantitative axes; the
    legend pick only where that layer colours by a field. Charts without such a layer (heat maps) and charts that
    already declare these parameters are returned unchanged (as a copy)."""
    out = copy.deepcopy(dict(spec))
    layer = out.get("layer")
    layers: list[Any] = layer if isinstance(layer, list) else ([out] if "mark" in out else [])
    host = next((v for v in layers if isinstance(v, dict) and _is_xy(v)), None)
    declared = {p.get("name") for v in [out, *layers] if isinstance(v, dict) for p in v.get("params", []) or []}
    if host is None or ZOOM_PARAM in declared:
        return out
    params = host.setdefault("params", [])
    params.append({"name": ZOOM_PARAM, "select": {"type": "interval", "encodings": ["x", "y"]}, "bind": "scales"})
    color = _encoding(host).get("color")
    field = color.get("field") if isinstance(color, dict) and "condition" not in color else None
    if field:
        params.append({"name": PICK_PARAM, "select": {"type": "point", "fields": [field]}, "bind": "legend"})
        for view in layers:
            c = _encoding(view).get("color") if isinstance(view, dict) else None
            if isinstance(c, dict) and c.get("field") == field and "opacity" not in _encoding(view):
                view["encoding"]["opacity"] = {"condition": {"param": PICK_PARAM, "value": 1}, "value": PICK_DIM}
    return out


def embed_snippet(spec: Mapping[str, Any], *, element_id: str | None = None) -> str:
    """A <div> plus a small <script> drawing ``spec`` with vega-embed (SVG renderer, no action links); it waits
    for :func:`bundle_script` if the bundle comes later on the page."""
    eid = element_id or f"frontier-vl-{uuid.uuid4().hex}"
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", eid):
        raise ValueError(f"bad element id {eid!r}")
    opts = {"renderer": "svg", "actions": False, "mode": "vega-lite"}
    return (
        f'<div class="frontier-chart {NO_MATH}" id="{eid}"></div>\n'
        '<script type="text/javascript">\n'
        "(function(){\n"
        f"  var el = document.getElementById({json.dumps(eid)});\n"
        f"  var spec = {_script_safe_json(with_interaction(spec))};\n"
        f"  var opts = {json.dumps(opts)};\n"
        "  function draw(){\n"
        f"    var target = el || document.getElementById({json.dumps(eid)});\n"
        "    window.vegaEmbed(target, spec, opts).catch(function(err){\n"
        "      target.textContent = 'Chart failed to render: ' + err; });\n"
        "  }\n"
        f"  if (window.{_READY_FLAG}) {{ draw(); }} else {{ (window.{_QUEUE} = window.{_QUEUE} || []).push(draw); }}\n"
        "})();\n"
        "</script>\n"
    )


def _svg_renderer(spec: dict, **metadata: Any) -> dict[str, str]:
    spec = spec_with_theme(spec, _STATE["theme"], override=False)
    svg = vl_svg(spec)
    return {"image/svg+xml": svg, "text/plain": f"Chart: {chart_description(spec)}"}


def _interactive_renderer(spec: dict, **metadata: Any) -> dict[str, str]:
    spec = spec_with_theme(spec, _STATE["theme"], override=False)
    parts = []
    if not _STATE["bundle_emitted"]:
        parts.append(bundle_script())
        _STATE["bundle_emitted"] = True
    parts.append(embed_snippet(spec))
    return {"text/html": "".join(parts), "text/plain": "<chart>"}


RENDERERS = {"svg": "frontier-svg", "interactive": "frontier-interactive"}


def enable_offline(mode: Literal["svg", "interactive"] = "svg", *, theme: Theme = "light") -> str:
    """Register and enable an offline Altair renderer for notebooks; returns the renderer's name.

    - ``"svg"`` (default): each chart is inline static SVG made by vl-convert; no JavaScript at all.
    - ``"interactive"``: the first chart displayed after this call carries the vl-convert JavaScript bundle
      (guarded, loaded once per page), every chart a small embed snippet; works for many charts on one page with
      no network. Call it once near the top of a notebook (calling again re-emits the bundle with the next chart).

    ``theme`` fills in the project theme for charts that do not set their own config.
    """
    if mode not in RENDERERS:
        raise ValueError(f"mode must be one of {list(RENDERERS)}, got {mode!r}")
    _STATE["theme"] = _check_theme(theme)
    _STATE["bundle_emitted"] = False
    alt.renderers.register(RENDERERS["svg"], _svg_renderer)
    alt.renderers.register(RENDERERS["interactive"], _interactive_renderer)
    alt.renderers.enable(RENDERERS[mode])
    return RENDERERS[mode]


def standalone_html(
    charts: Sequence[Any],
    *,
    mode: Literal["svg", "interactive"] = "interactive",
    title: str = "Charts",
    theme: Theme = "light",
    max_rows: int = MAX_ROWS,
) -> str:
    """A self-contained HTML page with ``charts`` (no external references)."""
    c = COLORS[_check_theme(theme)]
    body = []
    if mode == "interactive":
        body.append(bundle_script())
        for ch in charts:
            body.append(embed_snippet(spec_with_theme(to_spec(ch, max_rows=max_rows), theme, override=False)))
    elif mode == "svg":
        for ch in charts:
            body.append(f'<div class="frontier-chart">{render_svg(ch, None, max_rows=max_rows)}</div>')
    else:
        raise ValueError(f"mode must be 'svg' or 'interactive', got {mode!r}")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f"<style>body{{background:{c['background']};color:{c['text']};font-family:{FONT};margin:24px}}"
        ".frontier-chart{margin:16px 0}</style></head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n" + "\n".join(body) + "\n</body></html>\n"
    )
