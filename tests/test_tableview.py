"""A table view declared once: titles, sources and formats from one declaration."""

from __future__ import annotations

import polars as pl
import pytest

from frontier.analysis import bounds
from frontier.tableview import Shown, TableView

VIEW = TableView(
    Shown("side"),
    Shown("GPUs", "gpus", ",.0f"),
    Shown("GPUs doubled", pl.col("gpus") * 2),
    Shown("note", "note", optional=True),
    Shown("$ per month", "monthly", "${:,.0f}"),
)


def test_the_view_titles_its_sources_in_order_and_formats_follow_the_titles():
    frame = pl.DataFrame({"monthly": [1200.0, 800.0], "gpus": [8, 4], "side": ["old", "new"], "unused": [1, 2]})
    out = VIEW.of(frame)
    assert out.columns == ["side", "GPUs", "GPUs doubled", "$ per month"]  # optional "note" absent: left out
    assert out["GPUs doubled"].to_list() == [16, 8] and out["$ per month"].to_list() == [1200.0, 800.0]
    assert VIEW.formats == {"GPUs": ",.0f", "$ per month": "${:,.0f}"}
    assert set(VIEW.formats) <= set(VIEW.titles)  # every format belongs to a declared title


def test_optional_columns_show_when_present_and_extra_columns_come_last():
    frame = pl.DataFrame({"side": ["old"], "gpus": [8], "monthly": [1.0], "note": ["x"], "k": ["key"]})
    out = VIEW.of(frame, leave_out=["GPUs doubled"], extra=[pl.col("k").alias("config_key")])
    assert out.columns == ["side", "GPUs", "note", "$ per month", "config_key"]


def test_a_missing_required_source_is_an_error_and_titles_are_unique():
    with pytest.raises(pl.exceptions.ColumnNotFoundError):
        VIEW.of(pl.DataFrame({"side": ["old"]}))
    with pytest.raises(ValueError, match="each column once"):
        TableView(Shown("a"), Shown("a", "b"))


def test_the_floor_table_formats_are_its_declared_formats():
    assert bounds.FLOOR_TABLE.formats == bounds.BOUND_FORMATS
    assert set(bounds.BOUND_FORMATS) <= set(bounds.FLOOR_TABLE.titles)
