"""Wide iso tables: one table per metric, configs × targets, what every row shares in the caption."""

from __future__ import annotations

import polars as pl
import pytest

from frontier.analysis.economics import Pricing
from frontier.analysis.iso import iso_table
from frontier.data.labels import config_label_expr
from frontier.present import display, tables

from .test_iso import _points

EVIL = "<script>alert(1)</script>"


@pytest.fixture
def res():
    pts = pl.DataFrame(_points())
    return iso_table(pts, [30.0, 45.0, 500.0], pricing=Pricing.dashboard())


def test_one_wide_table_per_metric_with_values_from_the_long_table(res):
    wide = {t.metric: t for t in tables.iso_wide(res, "costh")}
    assert list(wide) == ["tok/s/GPU", "$/M total", "$/M input", "$/M output", "tok/s/MW", "concurrency"]
    t = wide["tok/s/GPU"]
    assert t.frame.columns == ["config", "30 tok/s/user", "45 tok/s/user", "500 tok/s/user"]
    assert t.frame.height == res.configs.height
    for row in res.table.iter_rows(named=True):  # every long-form cell is in the wide table, unchanged
        cell = t.frame.filter(pl.col("config") == row["label"])[tables.target_column(row["target"])][0]
        assert cell == row["tput_per_gpu"]
    assert t.frame["500 tok/s/user"].null_count() == t.frame.height  # beyond every frontier
    assert t.na["500 tok/s/user"] == "unreachable"


def test_caption_lifts_the_scope_and_rows_keep_the_one_table_spelling(res):
    t = tables.iso_wide(res, "costh")[0]
    assert "M · ISL/OSL 1024/1024" in t.caption and "vllm" not in t.caption
    # the scope is said once; each row names its config as every table of the report does
    assert not any("1024" in c for c in t.frame["config"].to_list())
    assert set(t.frame["config"].to_list()) == set(res.configs["label"].to_list())
    assert all(c.split(" · ")[1:] == ["vllm", "fp8", "no spec", "agg"] for c in t.frame["config"].to_list())


def test_unpriced_configs_are_left_out_of_cost_tables_and_said_so(res):
    assert res.unpriced == ["mystery"]
    cost = {t.metric: t for t in tables.iso_wide(res, "costh")}["$/M total"]
    assert "mystery" not in cost.frame["config"].to_list() and "no price): mystery" in cost.caption
    # the price basis in words with each priced GPU's $/GPU-hour, never the internal view id
    assert "owning at hyperscaler volume: B200 $" in cost.caption and "per GPU-hour" in cost.caption
    assert "costh" not in cost.caption
    html = str(display.table_html(cost.frame, formats=cost.formats, na=cost.na, caption=cost.caption))
    assert "$0." in html or "$1" in html


def test_interpolated_concurrency_is_marked(res):
    conc = {t.metric: t for t in tables.iso_wide(res, "costh")}["concurrency"]
    assert "≈ interpolated" in conc.caption
    html = str(display.table_html(conc.frame, formats=conc.formats, na=conc.na))
    values = [v for c in conc.frame.columns[1:] for v in conc.frame[c].drop_nulls().to_list()]
    assert any(not float(v).is_integer() for v in values) and "≈" in html


def test_hostile_labels_are_escaped_in_wide_tables():
    pts = pl.DataFrame(_points()).with_columns(
        hardware=pl.when(pl.col("hardware") == "h200").then(pl.lit(EVIL)).otherwise(pl.col("hardware"))
    )
    res = iso_table(pts, [30.0], pricing=Pricing.dashboard())
    for t in [*tables.iso_wide(res, "costh"), tables.topology_wide(res)]:
        html = display.table_html(t.frame, formats=t.formats, na=t.na, caption=t.caption)._repr_html_()
        assert "<script>alert" not in html
    assert any(EVIL in c for c in res.configs.select(config_label_expr(res.configs)).to_series().to_list())


def test_accuracy_markers_tell_unreachable_from_no_evaluation():
    table = pl.DataFrame(
        {"config": ["a"], "$/M @ 30": [None], "score": [None], "status": ["missing"]},
        schema={"config": pl.String, "$/M @ 30": pl.Float64, "score": pl.Float64, "status": pl.String},
    )
    na = tables.accuracy_na(table)
    assert na == {"$/M @ 30": "unreachable", "score": "no evaluation"}
    html = str(display.table_html(table, na=na, formats=tables.accuracy_formats(table)))
    assert "unreachable" in html and "no evaluation" in html


def test_pairs_read_as_one_short_column_with_shared_parts_in_the_caption():
    df = pl.DataFrame(
        {
            "A": ["M · 1024/1024 · b200 · fp4 · no spec", "M · 1024/1024 · h200 · fp8 · no spec"],
            "B": ["M · 1024/1024 · b200 · fp4 · mtp", "M · 1024/1024 · h200 · fp8 · mtp"],
            "cost B ÷ A": [0.5, 0.7],
        }
    )
    out, shared = tables.compact_pairs(df)
    assert out.columns == ["pair", "cost B ÷ A"] and shared == ["M", "1024/1024", "no spec → mtp"]
    assert out["pair"].to_list() == ["b200 · fp4", "h200 · fp8"]
    assert tables.caption_with(shared, "costs") == "M · 1024/1024 · no spec → mtp · costs"
    one, none = tables.lift_common(pl.DataFrame({"config": ["M · b200"]}), ["config"])
    assert none == [] and one["config"].to_list() == ["M · b200"]  # a label is never emptied


def test_constant_columns_go_to_the_caption_and_margins_split_in_two():
    df = pl.DataFrame(
        {
            "provider": ["a", "b"],
            "model": ["M", "M"],
            "view": ["costh", "costr"],
            "restricted to": [None, None],
            "status": ["estimated", "estimated"],
        }
    )
    out, words = tables.lift_constant_columns(df, ["model", "view", "restricted to"])
    assert out.columns == ["provider", "view", "status"] and words == ["model: M", "restricted to: none"]
    from frontier.analysis.compare import MARGIN_IN

    view = df.with_columns(pl.lit(0.5).alias(MARGIN_IN), pl.lit("b200 · fp4").alias("cheapest config at that speed"))
    (margins, cap1), (sources, cap2) = tables.margin_tables(view)
    assert MARGIN_IN in margins.columns and "cheapest config at that speed" not in margins.columns
    assert "provider" in sources.columns and cap1.startswith("Margins") and "model: M" in cap2


def test_margin_tables_name_the_workload_lead_with_the_blended_margin_and_never_print_an_empty_value():
    from frontier.analysis.compare import MARGIN_BLENDED, MARGIN_IN, MARGIN_OUT

    view = pl.DataFrame(
        {
            "provider": ["a", "a"],
            "model": ["M", "M"],
            "benchmark ISL/OSL": ["1024/1024", "8192/1024"],
            "view": ["owning at hyperscaler volume"] * 2,
            "blended price $/M": [1.0, 1.0],
            MARGIN_BLENDED: [0.5, 0.4],
            MARGIN_IN: [-4.88, -1.2],
            MARGIN_OUT: [0.9, 0.8],
            "status": ["estimated"] * 2,
            "restricted to": ["", ""],
            "cheapest config at that speed": ["b200 · fp4", "b200 · fp4"],
        }
    )
    (margins, _), (sources, cap2) = tables.margin_tables(view)
    # the two rows differ only in ISL/OSL: the column stays so they can be told apart
    assert "benchmark ISL/OSL" in margins.columns and "benchmark ISL/OSL" in sources.columns
    cols = margins.columns
    assert cols.index(MARGIN_BLENDED) < cols.index(MARGIN_IN) < cols.index(MARGIN_OUT)
    assert "restricted to: none" in cap2 and "restricted to:  " not in cap2


def test_cost_captions_name_the_price_basis_in_words():
    text = tables.price_caption(Pricing.dashboard("v0"), "costr", _points())
    assert "renting on a 3-year commit" in text and "per GPU-hour" in text and "costr" not in text
    assert "B200 $" in text


def test_a_table_of_absences_is_not_shown_when_no_config_has_an_evaluation():
    table = pl.DataFrame(
        {
            "config": ["b200 · fp4", "b200 · fp8"],
            "$/M @ 30": [0.5, 1.1],
            "task": [None, None],
            "score name": [None, None],
            "score": [None, None],
            "std. error": [None, None],
            "eval date": [None, None],
            "status": ["missing", "missing"],
        },
        schema_overrides={"score": pl.Float64, "std. error": pl.Float64},
    )
    shown, sentence = tables.accuracy_shown(table)
    assert shown is None  # a table of absences is not shown; its costs are the iso table's
    assert sentence is not None and sentence.startswith("No config has an evaluation") and "2 configs" in sentence
    assert "eval_paths" in sentence
