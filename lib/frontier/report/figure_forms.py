"""Which forms a notebook's figures are rendered and exported in: those a report uses, or more on request.

Measured use: a report page shows each chart as inline SVG in the light theme, and the index shows a thumbnail
made from the main figure's ``figures/<name>-light.svg``; nothing in a report reads a PNG or a dark figure. A PNG
costs about three SVG renders. So:

- ``"page"`` (what ``frontier report`` makes by default): each figure rendered once, as light SVG, for the page
  and ``figures/<name>-light.svg``;
- ``"light"`` (a notebook run without a runner, e.g. by papermill or in JupyterLab): also the light PNG (2×), shown
  beside the SVG so an untrusted notebook in JupyterLab still shows the chart, and ``figures/<name>-light.png``;
- ``"all"``: also the dark theme, ``figures/<name>-dark.{svg,png}``, for posts and slides.

The choice travels in the environment variable :data:`ENV` (``frontier report --figures ...`` sets it for the
notebook kernels it starts; a session started by hand can set it too).
"""

from __future__ import annotations

import os

__all__ = ["CHOICES", "ENV", "NOTEBOOK_DEFAULT", "REPORT_DEFAULT", "current", "with_png"]

ENV = "FRONTIER_FIGURES"
CHOICES = ("page", "light", "all")
REPORT_DEFAULT = "page"
NOTEBOOK_DEFAULT = "light"


def current() -> str:
    """The figure forms asked for in :data:`ENV`: one of :data:`CHOICES`; unset or empty is
    :data:`NOTEBOOK_DEFAULT`. Raises ValueError naming the variable for any other value."""
    value = os.environ.get(ENV, "").strip().lower() or NOTEBOOK_DEFAULT
    if value not in CHOICES:
        raise ValueError(f"{ENV}={value!r}: must be one of {list(CHOICES)}")
    return value


def with_png(forms: str) -> bool:
    """Whether ``forms`` renders PNGs (besides the SVG every form has)."""
    return forms != "page"
