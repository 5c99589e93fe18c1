"""Parameters as plain data: the check every parameter value passes, and the Python literals it is injected as.

A parameter value is *plain* when it is None, a bool, an int, a finite float, a string (UTF-8 encodable), a list
of plain values or a mapping with string keys and plain values, at most :data:`MAX_DEPTH` levels deep and
:data:`MAX_ITEMS` values in all. Nothing else reaches a notebook: YAML tags such as ``!!binary``, ``!!pairs``,
``!!set`` or ``!!python/...`` are refused where parameters are read, and the injected cell is written by
:func:`parameters_source` from ``repr`` of plain values only, each literal read back with ``ast.literal_eval``
and compared before it is used, so no value can leave its literal.
"""

from __future__ import annotations

import ast
import keyword
import math
from collections.abc import Mapping
from typing import Any

__all__ = [
    "INJECTED_HEADER",
    "MAX_DEPTH",
    "MAX_ITEMS",
    "NotPlainError",
    "check_plain",
    "injected_names",
    "parameters_source",
    "python_literal",
    "shown",
]

#: deepest nesting of lists and mappings in one parameter value
MAX_DEPTH = 16
#: most values (items of lists and mappings included) in one parameter value
MAX_ITEMS = 100_000
#: first line of the cell that injects parameters (papermill writes the same line, so one check serves both)
INJECTED_HEADER = "# Parameters"


class NotPlainError(ValueError):
    """A parameter value that is not plain data; the message says what was found and where."""


def check_plain(value: Any, where: str) -> Any:
    """``value`` unchanged if it is plain data (see the module docstring), else :class:`NotPlainError` naming
    ``where`` (e.g. ``"parameter 'prices'"``) and the offending part. Iterative: no recursion limit to hit."""
    stack: list[tuple[Any, str, int]] = [(value, where, 0)]
    count = 0
    while stack:
        v, at, depth = stack.pop()
        count += 1
        if count > MAX_ITEMS:
            raise NotPlainError(f"{where}: more than {MAX_ITEMS:,} values; a parameter holds a few")
        if v is None or isinstance(v, (bool, int)):
            continue
        if isinstance(v, float):
            if not math.isfinite(v):
                raise NotPlainError(f"{at}: {v!r} is not a finite number")
            continue
        if isinstance(v, str):
            _check_text(v, at)
            continue
        if depth >= MAX_DEPTH:
            raise NotPlainError(f"{where}: nested more than {MAX_DEPTH} levels deep")
        if isinstance(v, list):
            stack.extend((x, f"{at}[{i}]", depth + 1) for i, x in enumerate(v))
        elif isinstance(v, Mapping) and type(v) is dict:
            for k, x in v.items():
                if not isinstance(k, str):
                    raise NotPlainError(f"{at}: key {shown(k)} is not text (mapping keys must be strings)")
                _check_text(k, f"{at} key")
                stack.append((x, f"{at}[{k!r}]", depth + 1))
        else:
            raise NotPlainError(
                f"{at}: a {type(v).__name__} is not a parameter value "
                "(use text, numbers, true/false, null, lists and mappings with text keys)"
            )
    return value


def _check_text(s: str, at: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise NotPlainError(f"{at}: text holds a lone surrogate (not valid Unicode)") from None


def shown(v: Any, width: int = 40) -> str:
    """``repr(v)`` cut to ``width`` characters (ending "...") for an error message."""
    text = repr(v)
    return text if len(text) <= width else text[: width - 3] + "..."


def python_literal(value: Any, where: str) -> str:
    """The Python literal of plain ``value`` (checked first), verified to read back as the same value."""
    check_plain(value, where)
    text = repr(value)
    try:
        back = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):  # pragma: no cover - repr of plain data parses
        raise NotPlainError(f"{where}: cannot be written as a Python literal") from None
    if back != value or type(back) is not type(value):  # pragma: no cover - the same guarantee, checked
        raise NotPlainError(f"{where}: does not read back as the value given")
    return text


def parameters_source(values: Mapping[str, Any]) -> str:
    """The source of the injected parameters cell: :data:`INJECTED_HEADER`, then ``name = literal`` per value.
    Names must be identifiers; every value must be plain (:class:`NotPlainError` otherwise)."""
    lines = [INJECTED_HEADER]
    for name, value in values.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name) or name.startswith("__"):
            raise NotPlainError(f"parameter name {shown(name)} is not a valid Python identifier")
        lines.append(f"{name} = {python_literal(value, f'parameter {name!r}')}")
    return "\n".join(lines) + "\n"


def injected_names(source: str) -> list[str] | None:
    """Names assigned by an injected parameters cell (``source`` starting with :data:`INJECTED_HEADER` on a line
    of its own), in order; None when ``source`` is not such a cell or does not parse."""
    first, _, _ = source.partition("\n")
    if first.strip() != INJECTED_HEADER:
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names: list[str] = []
    for node in tree.body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names.extend(t.id for t in targets if isinstance(t, ast.Name))
    return names
