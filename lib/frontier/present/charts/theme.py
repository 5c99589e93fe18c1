"""Chart theme: fonts, palettes, light and dark configs, applied to a chart or a spec."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Literal, cast

import altair as alt

from frontier.data import labels

__all__ = ["COLORS", "MAX_ROWS", "PALETTES", "Theme", "apply_theme", "spec_with_theme"]

Theme = Literal["light", "dark"]


THEMES: tuple[str, ...] = ("light", "dark")


#: Altair's own inline-data limit; builders refuse larger frames unless told otherwise.
MAX_ROWS = 5000


FONT = "Liberation Sans, Helvetica Neue, Helvetica, Arial, DejaVu Sans, sans-serif"


#: Okabe-Ito based categorical palettes (colour-blind safe). The dark variant keeps the same hue order, lightened
#: for contrast on a dark background, so a label keeps its colour across variants.
PALETTES: dict[str, list[str]] = {
    "light": ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#A08C00", "#666666"],
    "dark": ["#4FA3E0", "#F0B13A", "#2FC295", "#F0803C", "#E39BC6", "#8FD3F7", "#F0E442", "#BBBBBB"],
}


COLORS: dict[str, dict[str, str]] = {
    "light": {"background": "#ffffff", "text": "#1f2328", "subtle": "#57606a", "grid": "#e6e8eb", "domain": "#8c959f"},
    "dark": {"background": "#0d1117", "text": "#e6edf3", "subtle": "#9da7b3", "grid": "#2a3038", "domain": "#6e7681"},
}


X_INTVTY_TITLE = labels.COLUMN_TITLES["median_intvty"]


Y_TPUT_TITLE = "Throughput per GPU (tok/s/GPU)"


Y_COST_TITLE = "Cost ($ per million tokens)"


_NUM_FORMAT = ",.5~r"


def _check_theme(theme: str) -> Theme:
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {THEMES}, got {theme!r}")
    return cast(Theme, theme)


def theme_config(theme: Theme = "light") -> dict[str, Any]:
    """The Vega-Lite ``config`` of the project theme (a fresh dict each call)."""
    c = COLORS[_check_theme(theme)]
    palette = PALETTES[theme]
    label = {"labelColor": c["subtle"], "labelFont": FONT, "labelFontSize": 11}
    title = {"titleColor": c["text"], "titleFont": FONT, "titleFontSize": 12, "titleFontWeight": 600}
    return {
        "background": c["background"],
        "font": FONT,
        "padding": {"left": 10, "top": 10, "bottom": 10, "right": 28},  # room for text measured narrower than drawn
        "view": {"stroke": None, "continuousWidth": 640, "continuousHeight": 400},
        "title": {
            "color": c["text"],
            "subtitleColor": c["subtle"],
            "font": FONT,
            "subtitleFont": FONT,
            "fontSize": 15,
            "subtitleFontSize": 12,
            "fontWeight": 600,
            "anchor": "start",
            "offset": 12,
        },
        "axis": {
            **label,
            **title,
            "gridColor": c["grid"],
            "domainColor": c["domain"],
            "tickColor": c["domain"],
            "labelFlush": False,
        },
        "legend": {
            "labelColor": c["text"],
            "labelFont": FONT,
            "labelFontSize": 11,
            "titleColor": c["text"],
            "titleFont": FONT,
            "titleFontSize": 12,
            "titleFontWeight": 600,
            "labelLimit": 320,
        },
        "header": {"labelColor": c["text"], "titleColor": c["text"], "labelFont": FONT, "titleFont": FONT},
        "range": {"category": list(palette)},
        "mark": {"color": palette[0]},
        "line": {"strokeWidth": 2.2},
        "point": {"filled": True},
        "text": {"color": c["text"], "font": FONT},
        "style": {
            "guide-rule": {"color": c["subtle"], "strokeDash": [2, 3], "strokeWidth": 1.2},
            "guide-label": {"color": c["subtle"], "font": FONT, "fontSize": 10},
            "ref-rule": {"color": c["subtle"], "strokeDash": [5, 4], "strokeWidth": 1.2},
            "source-text": {"color": c["subtle"], "font": FONT, "fontSize": 10},
        },
    }


def _deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _config_dict(chart: alt.TopLevelMixin) -> dict[str, Any]:
    cfg = chart._get("config")  # type: ignore[attr-defined]
    if cfg is alt.Undefined or cfg is None:
        return {}
    if isinstance(cfg, Mapping):
        return dict(cfg)
    return cfg.to_dict(validate=False)


def apply_theme(chart: alt.TopLevelMixin, theme: Theme = "light") -> alt.TopLevelMixin:
    """A copy of ``chart`` styled with ``theme`` (the theme overrides the chart's own config where both set a key)."""
    out = chart.copy(deep=True)  # type: ignore[attr-defined]
    out["config"] = _deep_merge(_config_dict(chart), theme_config(theme))
    return out


def spec_with_theme(spec: Mapping[str, Any], theme: Theme = "light", *, override: bool = True) -> dict[str, Any]:
    """A Vega-Lite spec dict with the theme config merged in (``override=False``: chart settings win)."""
    spec = dict(spec)
    cfg = spec.get("config") or {}
    spec["config"] = _deep_merge(cfg, theme_config(theme)) if override else _deep_merge(theme_config(theme), cfg)
    return spec
