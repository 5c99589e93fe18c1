"""frontier: analysis workspace for LLM inference economics.

The main entry points, importable from here (each is imported on first use, so ``import frontier`` stays cheap):

- ``iso_table``, ``IsoResult`` (``frontier.iso``): iso-interactivity tables read off Pareto frontiers
- ``frontier_parts``, ``iso_point`` (``frontier.pareto``): the frontier and one interpolated value (spec §3)
- ``Pricing``, ``gpu_table`` (``frontier.economics``): $/GPU-hour tables and what a config costs
- ``choose_scope`` (``frontier.scope``): the model, sequence lengths and targets an analysis covers
- ``break_even`` (``frontier.breakeven``), ``fleet_cost``, ``payback`` (``frontier.fleet``): decisions
- ``load_evals`` (``frontier.evals``): accuracy beside cost
- ``run_reports`` (``frontier.report``): notebooks → offline HTML reports

Names that are also module names stay in their modules: loading is ``from frontier.load import load`` (``frontier.load``
is the loader package), change over time ``frontier.trend.trend``.
"""

from __future__ import annotations

import importlib
from typing import Any

from .importcost import defer_slow_imports

__version__ = "0.1.0"

defer_slow_imports()

#: public name → the module that defines it
_ENTRY_POINTS = {
    "iso_table": "frontier.iso",
    "IsoResult": "frontier.iso",
    "frontier_parts": "frontier.pareto",
    "iso_point": "frontier.pareto",
    "Pricing": "frontier.economics",
    "gpu_table": "frontier.economics",
    "choose_scope": "frontier.scope",
    "break_even": "frontier.breakeven",
    "fleet_cost": "frontier.fleet",
    "payback": "frontier.fleet",
    "load_evals": "frontier.evals",
    "run_reports": "frontier.report",
}

__all__ = [
    "__version__",
    "iso_table",
    "IsoResult",
    "frontier_parts",
    "iso_point",
    "Pricing",
    "gpu_table",
    "choose_scope",
    "break_even",
    "fleet_cost",
    "payback",
    "load_evals",
    "run_reports",
]


def __getattr__(name: str) -> Any:
    """Import an entry point's module the first time the name is asked for."""
    module = _ENTRY_POINTS.get(name)
    if module is None:
        raise AttributeError(f"module 'frontier' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_ENTRY_POINTS})
