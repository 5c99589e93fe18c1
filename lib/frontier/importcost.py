"""Import cost: defer third-party imports that are slow and seldom used, so a notebook kernel, the report runner and
the command line start quickly.

``jsonschema`` (imported by Altair) imports ``rfc3987_syntax`` when it is installed, which builds an Earley parser
for the IRI grammar at import time: about 1.5 s on a quiet core, half the cost of ``import frontier.charts``. Only
the ``iri`` and ``iri-reference`` format checks use it, and nothing here asks for them. :func:`defer_slow_imports`
puts a stand-in in its place whose ``is_valid_syntax`` imports the real module on first call, so those checks still
give the same answers.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

__all__ = ["DEFERRED", "defer_slow_imports"]

DEFERRED = ("rfc3987_syntax",)
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
    mod = _Deferred(name, f"deferred import of {name} (see frontier.importcost)")
    if name == "rfc3987_syntax":
        # ``from rfc3987_syntax import is_valid_syntax`` runs at import time: give it a function that defers

        def is_valid_syntax(term: str, value: str) -> bool:
            return bool(_real(name).is_valid_syntax(term, value))

        mod.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    return mod


def defer_slow_imports() -> None:
    """Put a stand-in for each module in :data:`DEFERRED` that is installed and not imported yet."""
    for name in DEFERRED:
        if name in sys.modules:
            continue
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if found:
            sys.modules[name] = _stand_in(name)
