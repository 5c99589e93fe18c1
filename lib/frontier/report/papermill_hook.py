"""papermill integration: every papermill run in this environment injects parameters as plain literals.

papermill loads this module at start-up through the ``papermill.engine`` entry point declared in
``pyproject.toml`` (the engine ``frontier`` is papermill's standard nbclient engine); asking it for that engine
calls :func:`install`, which registers a Python translator writing the injected cell with
:func:`frontier.plain.parameters_source`, as ``frontier report`` does. A value that is not plain data (bytes, tuples,
sets, non-string keys, non-finite numbers) then stops the run with a one-line error before any kernel starts, and
no value can leave its literal. ``frontier report`` calls :func:`install` itself, so it does not depend on the
entry point being installed.

Nothing here imports papermill at module level: papermill imports this module while papermill itself is being
imported, so the engine class and the translator are built on first use.
"""

from __future__ import annotations

from typing import Any

from frontier.plain import NotPlainError, parameters_source

__all__ = ["install", "plain_translator"]

_BUILT: dict[str, Any] = {}


def plain_translator() -> Any:
    """papermill's Python translator, writing the parameters cell from plain values only (built once)."""
    if "translator" not in _BUILT:
        from papermill.exceptions import PapermillException
        from papermill.translators import PythonTranslator

        class PlainPythonTranslator(PythonTranslator):
            """Writes ``# Parameters`` and one ``name = literal`` per value; refuses values that are not plain."""

            @classmethod
            def codify(cls, parameters: Any, comment: str = "Parameters") -> str:
                try:
                    return parameters_source(parameters)
                except NotPlainError as exc:
                    raise PapermillException(f"parameters refused: {exc}") from None

        _BUILT["translator"] = PlainPythonTranslator
    return _BUILT["translator"]


def install() -> None:
    """Register :func:`plain_translator` for Python kernels in this process (idempotent)."""
    from papermill.translators import papermill_translators

    papermill_translators.register("python", plain_translator())


def __getattr__(name: str) -> Any:
    """``PlainEngine``, the object papermill's entry point asks for: its standard nbclient engine under the name
    ``frontier``; asking for it installs the plain translator."""
    if name != "PlainEngine":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from papermill.engines import NBClientEngine

    install()
    engine = type("PlainEngine", (NBClientEngine,), {"__doc__": "papermill's nbclient engine (see frontier.report)"})
    globals()["PlainEngine"] = engine
    return engine
