"""Decision charts build, export (PNG and SVG, light and dark) and draw what they are given."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from frontier.analysis import breakeven as be
from frontier.analysis import fleet, spread
from frontier.analysis.iso import iso_table
from frontier.present import charts
from frontier.present import decision_charts as dc

from .test_breakeven import PRICES, _points, frame
from .test_spread import FACTORS, reruns, sample_points  # noqa: F401  (fixture)


def values(spec: dict, layer: dict) -> list[dict]:
    """A layer's inline rows (Altair moves them to the top-level ``datasets``)."""
    d = layer.get("data") or spec["data"]  # layers sharing one data source inherit the top-level one
    return d["values"] if "values" in d else spec["datasets"][d["name"]]


@pytest.fixture
def analysis():
    pts = frame(
        _points("M", "b200", "fp4", [20.0, 40.0, 80.0], [4000.0, 3000.0, 1000.0])
        + _points("M", "h100", "fp8", [30.0, 60.0], [900.0, 300.0])
    )
    prices = be.price_table_from_mapping(PRICES, label="prices", as_of="2026-01-01")
    return pts, be.break_even(pts, "b200/fp4", "h100/fp8", [40.0, 50.0], [prices])


def test_cost_ratio_and_breakeven_price_charts(tmp_path, analysis):
    pts, res = analysis
    c = be.curves(pts, res, n=9)
    spec = charts.to_spec(dc.cost_ratio_chart(c, "b200/fp4", "h100/fp8"))
    sub = spec["title"]["subtitle"]
    assert "break-even" in (sub if isinstance(sub, str) else " ".join(sub))
    refs = [layer for layer in spec["layer"] if layer.get("encoding", {}).get("y", {}).get("field") == "ref"]
    assert len(refs) == 1 and values(spec, refs[0]) == [{"ref": 1.0}]  # the break-even line at 1×
    bp = dc.breakeven_price_chart(res.by_view.filter(pl.col("target") == 50.0), "b200/fp4", "h100/fp8")
    bspec = charts.to_spec(bp)
    line = values(bspec, bspec["layer"][0])
    tput = res.at_targets.filter(pl.col("target") == 50.0).row(0, named=True)
    assert line[1]["price_a"] / line[1]["price_b"] == pytest.approx(tput["tput_a"] / tput["tput_b"])
    markers = {m["view_words"]: m for m in values(bspec, bspec["layer"][1])}
    assert markers["spot"]["price_b"] == 1.66 and markers["spot"]["price_a"] == 2.12
    written = charts.save_figure(bp, "breakeven_price", tmp_path)
    assert len(written) == 4 and all(p.stat().st_size > 1000 for p in written)
    with pytest.raises(ValueError, match="one target"):
        dc.breakeven_price_chart(res.by_view, "b200/fp4", "h100/fp8")


def test_payback_heatmap_marks_never(tmp_path):
    old = fleet.FleetSide("h100/fp8", "h100", "h100", "TP8", 1500.0, 8)
    new = fleet.FleetSide("b200/fp4", "b200", "b200", "TP1", 10000.0, 1)
    view = next(
        v
        for v in be.price_views([be.price_table_from_mapping(PRICES, label="p", as_of="2026")])
        if v.view == "on_demand"
    )
    s = fleet.sensitivity(fleet.Workload(4e9, 50.0, 0.5), old, new, view, 1e5, price_factors=(1.0, 5.0))
    held = dc.payback_held(fleet.Workload(4e9, 50.0, 0.5), old, new, 1e5, view)
    spec = charts.to_spec(dc.payback_heatmap(s, "b200", held=held))
    sub = " ".join(spec["title"]["subtitle"])
    # what is held constant: both sides, the target, the workload, the migration cost and the view's prices
    for words in ("H100 FP8 → B200 FP4", "50 tok/s/user", "4,000,000,000 tokens/day", "$100,000", "H100 FP8 $"):
        assert words in sub
    months = {(c["utilisation_pct"], c["price"]): c["payback_months"] for c in values(spec, spec["layer"][0])}
    lowest, highest = min(k[0] for k in months), max(k[0] for k in months)
    col = next(iter(months))[1]
    if months[(highest, col)] and months[(lowest, col)] and months[(highest, col)] > months[(lowest, col)]:
        assert "Higher utilisation needs fewer GPUs" in sub  # the counter-intuitive direction is explained
    cells = values(spec, spec["layer"][0])
    assert {c["cell"] for c in cells if c["payback_months"] is None} == {"never"}
    assert len(charts.save_figure(dc.payback_heatmap(s, "b200"), "payback", tmp_path)) == 4


def test_frontier_band_chart(sample_points):  # noqa: F811
    h100 = sample_points.filter(pl.col("hardware") == "h100")
    many = reruns(h100, FACTORS)
    iso = iso_table(h100, [50.0])
    band = spread.bands(many, n=10)
    chart = dc.frontier_band_chart(iso.points, iso.frontier, band, title="t")
    spec = charts.to_spec(chart)
    area = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "area"]
    rows = values(spec, area[0]) if len(area) == 1 else []
    assert len(rows) == band.height > 0 and all(v["hi"] >= v["lo"] for v in rows)
    # legend, lines and bands name configs in display words, never the table labels
    domain = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert domain and not set(domain) & set(iso.frontier["label"].to_list())
    assert {v["label"] for v in rows} <= set(domain)


def test_decision_charts_speak_in_words_with_dollars_and_fitted_axes():
    pts = frame(
        _points("M", "b200", "fp4", [20.0, 40.0, 80.0], [4000.0, 3000.0, 1000.0])
        + _points("M", "h100", "fp8", [30.0, 60.0], [900.0, 300.0])
    )
    from frontier.analysis.economics import Pricing

    res = be.break_even(pts, "b200/fp4", "h100/fp8", [40.0, 50.0], [Pricing.dashboard("v2")])
    src = ["Data: x", "Prices: costh · dashboard GPU table v2", "Built today"]
    bp = dc.breakeven_price_chart(res.by_view.filter(pl.col("target") == 50.0), "b200/fp4", "h100/fp8", source=src)
    cr = dc.cost_ratio_chart(be.curves(pts, res, n=9), "b200/fp4", "h100/fp8", source=src)
    for chart in (bp, cr):
        spec = charts.to_spec(chart)
        text = json.dumps(spec, ensure_ascii=False)
        assert not re.search(r"\bcost[hnr]\b", text)  # no internal view names anywhere in the figure
        assert "b200/fp4" not in text and "B200 FP4" in text
        assert "owning at hyperscaler volume" in text and "renting on a 3-year commit" in text
        assert "$1." in text  # the $/GPU-hour of each view is on the figure
    bspec = charts.to_spec(bp)
    for axis in ("x", "y"):
        enc = bspec["layer"][1]["encoding"][axis]
        assert "$" in enc["title"] and enc["axis"]["format"].startswith("$")
    markers = values(bspec, bspec["layer"][1])
    top = bspec["layer"][1]["encoding"]["y"]["scale"]["domain"][1]
    breakeven_top = res.by_view.filter(pl.col("target") == 50.0)["breakeven_price_a"].max()
    assert max(m["price_a"] for m in markers) <= top <= 1.3 * max(max(m["price_a"] for m in markers), breakeven_top)
