"""Charts: Altair 6 builders with a light/dark theme, figure export and offline notebook rendering.

Everything here works with no network:

- builders (:func:`frontier_chart`, :func:`cost_chart`, :func:`ratio_chart`, :func:`line_chart`,
  :func:`margin_chart`) take polars (or pandas) frames, inline only the columns they draw, and refuse more than
  ``max_rows`` rows (Altair's 5,000-row limit) with a clear message instead of silently dropping or touching
  Altair's global data transformer; each takes ``source`` (lines printed under the plot: data, prices, build date;
  see ``frontier.data.labels.source_lines``) and ``synthetic`` (the synthetic-data marker in the subtitle); legends are
  never cut, tooltips have human titles and rounded numbers, log axes are fitted to the data;
- the theme is set per chart through its Vega-Lite ``config`` (:func:`theme_config`, :func:`apply_theme`), never as
  a global side effect;
- :func:`save_figure` writes ``<name>-light.png`` (2x, 144 dpi in its metadata), ``<name>-light.svg``,
  ``<name>-dark.png`` and ``<name>-dark.svg`` with vl-convert;
- :func:`enable_offline` makes notebooks render charts as static inline SVG (default, no JavaScript) or, opt-in, as
  interactive charts that embed the vl-convert JavaScript bundle once per page;
- every spec that leaves this module (:func:`to_spec`) or reaches vl-convert (:func:`vl_svg`, :func:`vl_png`) has
  the characters XML cannot hold replaced by U+FFFD (:func:`xml_safe`): vl-convert aborts the whole process on one,
  so a label from data (or a caller's raw string) can never take a kernel or a report build down.

Units on the default axes: interactivity in tok/s/user, throughput in tok/s/GPU, cost in $ per million tokens.

One module per concern: ``theme``, ``builders``, ``export`` (SVG/PNG files), ``render`` (JupyterLab and offline
HTML); ``_encoding`` holds the builders' shared parts."""

from __future__ import annotations

from . import _encoding as _encoding
from . import builders as builders
from . import export as export
from . import render as render
from . import theme as theme
from ._encoding import chart_description
from .builders import cost_chart, frontier_chart, line_chart, margin_chart, ratio_chart
from .export import png_dpi, png_with_dpi, save_figure, to_spec, vl_png, vl_svg, write_figure, xml_safe, xml_safe_text
from .render import (
    PICK_DIM,
    PICK_PARAM,
    RENDERERS,
    ZOOM_PARAM,
    bundle_script,
    enable_offline,
    standalone_html,
    with_interaction,
)
from .theme import COLORS, MAX_ROWS, PALETTES, Theme, apply_theme, spec_with_theme

__all__ = [
    "COLORS",
    "MAX_ROWS",
    "PICK_DIM",
    "PICK_PARAM",
    "ZOOM_PARAM",
    "PALETTES",
    "RENDERERS",
    "Theme",
    "apply_theme",
    "bundle_script",
    "chart_description",
    "cost_chart",
    "enable_offline",
    "frontier_chart",
    "line_chart",
    "margin_chart",
    "png_dpi",
    "png_with_dpi",
    "ratio_chart",
    "save_figure",
    "spec_with_theme",
    "standalone_html",
    "to_spec",
    "vl_png",
    "vl_svg",
    "with_interaction",
    "xml_safe",
    "xml_safe_text",
    "write_figure",
]
