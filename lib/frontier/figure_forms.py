"""Which files a notebook's figures are exported as: the forms a report uses, or every form on request.

A report page shows each chart in its light theme, the index shows a thumbnail of the main figure's light SVG, and
the executed notebook keeps a PNG beside each SVG for untrusted views in JupyterLab. So by default (``"light"``)
each figure is rendered once, light, as SVG and PNG (2×): the page's chart and ``figures/<name>-light.{svg,png}``
come from the same render. ``"all"`` adds the dark theme (``<name>-dark.{svg,png}``) for posts and slides.

The choice travels in the environment variable :data:`ENV` (``frontier report --figures all`` sets it for the
notebook kernels it starts; a session started by hand can set it too).
"""

from __future__ import annotations

import os

__all__ = ["CHOICES", "DEFAULT", "ENV", "current", "themes"]

ENV = "FRONTIER_FIGURES"
CHOICES = ("light", "all")
DEFAULT = "light"


def current() -> str:
    """The figure forms asked for in :data:`ENV`: one of :data:`CHOICES`; unset or empty is :data:`DEFAULT`.
    Raises ValueError naming the variable for any other value."""
    value = os.environ.get(ENV, "").strip().lower() or DEFAULT
    if value not in CHOICES:
        raise ValueError(f"{ENV}={value!r}: must be one of {list(CHOICES)}")
    return value


def themes(forms: str) -> tuple[str, ...]:
    """The themes exported for ``forms`` (light first)."""
    return ("light", "dark") if forms == "all" else ("light",)
