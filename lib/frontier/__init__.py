"""frontier: analysis workspace for LLM inference economics.

The main entry points, importable from here (each is imported on first use, so ``import frontier`` stays cheap):

- ``iso_table``, ``IsoResult`` (``frontier.analysis.iso``): iso-interactivity tables read off Pareto frontiers
- ``frontier_parts``, ``iso_point`` (``frontier.analysis.pareto``): the frontier and one interpolated value (spec §3)
- ``Pricing``, ``gpu_table`` (``frontier.analysis.economics``): $/GPU-hour tables and what a config costs
- ``choose_scope`` (``frontier.analysis.scope``): the model, sequence lengths and targets an analysis covers
- ``break_even`` (``frontier.analysis.breakeven``), ``fleet_cost``, ``payback`` (``frontier.analysis.fleet``): decisions
- ``load_evals`` (``frontier.analysis.evals``): accuracy beside cost
- ``run_reports`` (``frontier.report``): notebooks → offline HTML reports

Names that are also module names stay in their modules: loading is ``from frontier.data.load import load``
(``frontier.data.load``
is the loader package), change over time ``frontier.analysis.trend.trend``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

__version__ = "0.1.0"

#: public name → the module that defines it
_ENTRY_POINTS = {
    "iso_table": "frontier.analysis.iso",
    "IsoResult": "frontier.analysis.iso",
    "frontier_parts": "frontier.analysis.pareto",
    "iso_point": "frontier.analysis.pareto",
    "Pricing": "frontier.analysis.economics",
    "gpu_table": "frontier.analysis.economics",
    "choose_scope": "frontier.analysis.scope",
    "break_even": "frontier.analysis.breakeven",
    "fleet_cost": "frontier.analysis.fleet",
    "payback": "frontier.analysis.fleet",
    "load_evals": "frontier.analysis.evals",
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


# ------------------------------------------------------------------------------------------------ import cost
# ``jsonschema`` (imported by Altair) imports ``rfc3987_syntax`` when it is installed, which builds an Earley parser
# for the IRI grammar at import time: about 1.5 s on a quiet core, half the cost of ``import frontier.present.charts``,
# in
# every notebook kernel, the report runner and the command line. Only jsonschema's ``iri`` and ``iri-reference``
# format checks use it, and nothing here asks for them. A stand-in takes its place until first use: its
# ``is_valid_syntax`` imports the real module on first call, so those checks still give the same answers. It is
# installed here, before anything imports Altair, and imports no module of its own (``import frontier`` stays cheap).

_DEFERRED = ("rfc3987_syntax",)
"""Modules replaced by a stand-in until first use."""


class _Deferred(types.ModuleType):
    """Stand-in for a module: the first use of an attribute imports the real module in its place."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(_real(self.__name__), attr)


def _real(name: str) -> types.ModuleType:
    """Import the real module ``name`` (replacing its stand-in in ``sys.modules``)."""
    mod = sys.modules.get(name)
    if isinstance(mod, _Deferred):
        del sys.modules[name]
    return importlib.import_module(name)


def _stand_in(name: str) -> _Deferred:
    mod = _Deferred(name, f"deferred import of {name} (see frontier._defer_slow_imports)")
    if name == "rfc3987_syntax":
        # ``from rfc3987_syntax import is_valid_syntax`` runs at import time: give it a function that defers

        def is_valid_syntax(term: str, value: str) -> bool:
            return bool(_real(name).is_valid_syntax(term, value))

        mod.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    return mod


def _defer_slow_imports() -> None:
    """Put a stand-in for each module in ``_DEFERRED`` that is installed and not imported yet."""
    for name in _DEFERRED:
        if name in sys.modules:
            continue
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if found:
            sys.modules[name] = _stand_in(name)


_defer_slow_imports()
