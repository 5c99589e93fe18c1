"""A table for people declared once: each column's title, where its values come from and how they are written.

A view was two lists kept in step by hand: a ``select`` renaming columns to titles, and a formats dict keyed by the
same titles. A :class:`TableView` holds both in one declaration, so a title is written in one place::

    FLEET = TableView(
        Shown("side"),
        Shown("GPUs", "gpus", ",.0f"),
        Shown("$ per month", "monthly_cost", "${:,.0f}"),
    )
    FLEET.of(frame)    # the frame with titled columns, in the declared order
    FLEET.formats      # {title: format}, for display.table_html

A format is what ``display.table_html`` takes: a format spec (``",.1f"``), a ``str.format`` pattern
(``"${:.3f}"``) or a callable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

__all__ = ["Format", "Shown", "TableView"]

Format = str | Callable[[Any], Any]


@dataclass(frozen=True)
class Shown:
    """One column of a view: its ``title``; its ``source``, a column name or a polars expression (default: the
    column named ``title``); its ``fmt`` (None: the table's default); ``optional``: left out when the frame lacks
    the source column, instead of an error."""

    title: str
    source: str | pl.Expr | None = None
    fmt: Format | None = None
    optional: bool = False

    def expr(self) -> pl.Expr:
        """The column's values, titled."""
        src = self.source if self.source is not None else self.title
        return (pl.col(src) if isinstance(src, str) else src).alias(self.title)

    def present_in(self, columns: Iterable[str]) -> bool:
        """Whether a frame with ``columns`` can show this column (expressions always can)."""
        src = self.source if self.source is not None else self.title
        return not isinstance(src, str) or src in set(columns)


class TableView:
    """Columns for people, declared once: :meth:`of` makes the table, :attr:`formats` says how to write it."""

    def __init__(self, *columns: Shown) -> None:
        titles = [c.title for c in columns]
        if len(set(titles)) != len(titles):
            raise ValueError(f"a view names each column once: {titles}")
        self.columns = columns

    def of(self, frame: pl.DataFrame, *, leave_out: Iterable[str] = (), extra: Sequence[pl.Expr] = ()) -> pl.DataFrame:
        """``frame``'s values under the declared titles, in the declared order, then ``extra`` (e.g. join keys
        that tables for people hide); columns titled in ``leave_out`` and optional columns the frame lacks are
        left out."""
        skip = set(leave_out)
        shown = [c for c in self.columns if c.title not in skip and (not c.optional or c.present_in(frame.columns))]
        return frame.select([*(c.expr() for c in shown), *extra])

    @property
    def formats(self) -> dict[str, Format]:
        """Title → format of every column that declares one."""
        return {c.title: c.fmt for c in self.columns if c.fmt is not None}

    @property
    def titles(self) -> list[str]:
        """The titles, in order."""
        return [c.title for c in self.columns]
