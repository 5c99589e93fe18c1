"""papermill integration: every papermill run in this environment injects parameters as plain literals.

papermill loads this module at start-up through the ``papermill.engine`` entry point declared in
``pyproject.toml`` (the engine ``frontier`` is papermill's standard nbclient engine). Loading it registers
:class:`PlainPythonTranslator` for Python kernels, so ``papermill nb.ipynb out.ipynb -f params.yaml`` writes the
injected cell with :func:`frontier.plain.parameters_source` as ``frontier report`` does: a value that is
not plain data (bytes, tuples, sets, non-string keys, non-finite numbers) stops the run with a one-line error
before any kernel starts, and no value can leave its literal. ``frontier report`` imports this module itself, so
it does not depend on the entry point being installed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from papermill.engines import NBClientEngine
from papermill.exceptions import PapermillException
from papermill.translators import PythonTranslator, papermill_translators

from frontier.plain import NotPlainError, parameters_source

__all__ = ["PlainEngine", "PlainPythonTranslator"]


class PlainPythonTranslator(PythonTranslator):
    """papermill's Python translator, writing the parameters cell from plain values only."""

    @classmethod
    def codify(cls, parameters: Mapping[str, Any], comment: str = "Parameters") -> str:
        try:
            return parameters_source(parameters)
        except NotPlainError as exc:
            raise PapermillException(f"parameters refused: {exc}") from None


class PlainEngine(NBClientEngine):
    """papermill's standard nbclient engine, registered as ``frontier`` (its entry point loads this module)."""


papermill_translators.register("python", PlainPythonTranslator)
