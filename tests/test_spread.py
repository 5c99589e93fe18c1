"""Run-to-run spread: on sample points rerun with known throughput factors, and on the real reruns in
../shared/data (skipped without it)."""

from __future__ import annotations

import statistics

import polars as pl
import pytest

from frontier import paths
from frontier.analysis import spread
from frontier.analysis.iso import iso_table
from frontier.data.load import load, matches
from frontier.present import tables

from .conftest import MANTILE_RAW, need

FACTORS = {1: 0.90, 2: 1.00, 3: 1.05, 4: 1.10, 5: 0.95}  # run id → throughput factor


@pytest.fixture(scope="module")
def sample_points() -> pl.DataFrame:
    return matches(load(paths.SAMPLE_DIR).points, model="Llama-3.3-70B-Instruct*", isl=1024, osl=1024)


def reruns(points: pl.DataFrame, factors: dict[int, float]) -> pl.DataFrame:
    """Every point rerun once per run id with all throughputs scaled by that run's factor (interactivity kept)."""
    tput = ["tput_per_gpu", "input_tput_per_gpu", "output_tput_per_gpu"]
    return pl.concat(
        [
            points.with_columns(
                [(pl.col(c) * f).alias(c) for c in tput],
                run_id=pl.lit(rid, dtype=points.schema["run_id"]),
                run_attempt=pl.lit(1, dtype=points.schema["run_attempt"]),
            )
            for rid, f in factors.items()
        ]
    )


def test_known_spread_on_sample_reruns(sample_points):
    h100 = sample_points.filter(pl.col("hardware") == "h100")
    many = reruns(h100, FACTORS)
    base = iso_table(h100, [30.0, 60.0]).table
    runs = spread.per_run(many, [30.0, 60.0])
    summ = spread.summarise(runs, ["tput_per_gpu"])
    assert summ.height == base.height
    for r in base.iter_rows(named=True):
        s = summ.filter((pl.col("label") == r["label"]) & (pl.col("target") == r["target"])).row(0, named=True)
        assert s["runs"] == 5
        if r["tput_per_gpu"] is None:  # scaling throughput does not move the interactivity range
            assert s["runs_reaching"] == 0
            continue
        assert s["runs_reaching"] == 5
        assert s["tput_per_gpu_min"] == pytest.approx(0.90 * r["tput_per_gpu"], rel=1e-9)
        assert s["tput_per_gpu_max"] == pytest.approx(1.10 * r["tput_per_gpu"], rel=1e-9)
        assert s["tput_per_gpu_median"] == pytest.approx(1.00 * r["tput_per_gpu"], rel=1e-9)


def test_iso_with_spread_notes_one_run_and_several(sample_points):
    h100 = sample_points.filter(pl.col("hardware") == "h100")
    h200 = sample_points.filter(pl.col("hardware") == "h200")
    everything = pl.concat([reruns(h100, FACTORS), h200])
    _, table = spread.iso_with_spread(pl.concat([h100, h200]), everything, [30.0])
    notes = dict(zip(table["label"], table["spread_note"]))
    assert any(lbl.startswith("h100") and n == "5 runs" for lbl, n in notes.items())
    assert all(n == "one run: no spread measured" for lbl, n in notes.items() if lbl.startswith("h200"))
    view = spread.spread_view(table)
    assert {"tok/s/GPU median", "tok/s/GPU min", "tok/s/GPU max", "spread %", "runs"} <= set(view.columns)


def test_cost_spread_on_known_reruns_sits_beside_the_named_pooled_value(sample_points):
    """$/M over runs: the fastest run (×1.10) gives the lowest cost, the slowest (×0.90) the highest; the single
    value beside them is named as the pooled newest points."""
    h100 = sample_points.filter(pl.col("hardware") == "h100")
    res = iso_table(h100, [30.0])
    runs = spread.per_run(reruns(h100, FACTORS), [30.0], pricing=res.pricing)
    table = spread.with_spread(res.table, spread.summarise(runs, ["tput_per_gpu", "cost_total_costh"]))
    view = spread.spread_view(table, "costh").filter(pl.col(spread.POOLED_COST_COLUMN).is_not_null())
    assert view.height and {spread.POOLED_COLUMN, spread.POOLED_COST_COLUMN, "$/M min", "$/M max"} <= set(view.columns)
    for r in view.iter_rows(named=True):
        assert r["$/M min"] == pytest.approx(r[spread.POOLED_COST_COLUMN] / 1.10, rel=1e-9)
        assert r["$/M max"] == pytest.approx(r[spread.POOLED_COST_COLUMN] / 0.90, rel=1e-9)
        assert r["runs"] == "5 runs"
    assert "$/M median" not in spread.spread_view(table).columns  # without a view: throughput only


def test_span_text_says_the_runs_and_one_run():
    assert spread.span_text(1.069, 1.109, 2, fmt="${:.3f}") == "$1.069–$1.109 (2 runs)"
    assert spread.span_text(0.62, 0.64, 1, 2, fmt="{:.2f}×", mark="≤ ") == "≤ 0.62–0.64× (1 and 2 runs)"
    assert spread.span_text(72.0, 72.0, 1, fmt="{:,.0f}") == "72 (one run)"
    assert spread.span_text(None, 3.0, 2) is None


def test_ratio_range_wording():
    r = spread.ratio_range([4.4, 4.2, 4.6, 4.5, 4.3], [1.0] * 5)
    assert r["ratio"] == pytest.approx(4.4) and r["lo"] == pytest.approx(4.2) and r["hi"] == pytest.approx(4.6)
    assert r["text"] == "4.40× (4.20–4.60×, 5 runs)"
    two = spread.ratio_range([10.0, 12.0], [2.0, 3.0, 4.0])
    assert two["ratio"] == pytest.approx(11.0 / 3.0)
    assert (two["lo"], two["hi"]) == (pytest.approx(2.5), pytest.approx(6.0))  # every pairing of runs
    assert two["text"].endswith("2 and 3 runs)")
    assert spread.ratio_range([3.0], [2.0])["text"] == "1.50× (one run each: no spread measured)"
    assert spread.ratio_range([], [2.0])["ratio"] is None


def test_compare_runs_and_bands(sample_points):
    h100 = reruns(sample_points.filter(pl.col("hardware") == "h100"), FACTORS)
    h200 = reruns(
        sample_points.filter((pl.col("hardware") == "h200") & (pl.col("precision") == "fp8")), {1: 1.0, 2: 1.0}
    )
    both = pl.concat([h100, h200])
    runs = spread.per_run(both, [30.0])
    la = runs.filter(pl.col("hardware") == "h100")["label"][0]
    lb = runs.filter(pl.col("hardware") == "h200")["label"][0]
    c = spread.compare_runs(runs, la, lb).row(0, named=True)
    assert c["runs_a"] == 5 and c["runs_b"] == 2
    assert c["hi"] / c["lo"] == pytest.approx(1.10 / 0.90, rel=1e-9)
    b = spread.bands(both, n=12)
    assert set(b["label"]) == {la, lb} and (b["runs_reaching"] >= 2).all()
    h = b.filter(pl.col("label") == la)
    assert ((h["hi"] / h["lo"]) - 1.10 / 0.90).abs().max() < 1e-9
    g = b.filter(pl.col("label") == lb)
    assert ((g["hi"] - g["lo"]).abs() < 1e-9).all()  # identical reruns: a band of zero width


def test_real_reruns_match_each_run_on_its_own():
    raw = need(MANTILE_RAW)
    everything = matches(load([raw], keep="all").points, model="DeepSeek-R1-0528", isl=1024, osl=1024)
    newest = matches(load([raw]).points, model="DeepSeek-R1-0528", isl=1024, osl=1024)
    targets = [50.0, 90.0]
    _, table = spread.iso_with_spread(newest, everything, targets)
    several = table.filter(pl.col("runs") >= 3).sort("runs", descending=True)
    assert several.height > 0 and table.filter(pl.col("runs") == 1).height > 0
    row = several.filter(pl.col("runs_reaching") >= 3).row(0, named=True)
    # recompute: each run's points alone, its own frontier, read at the target
    cfg = everything
    for k in ("hardware", "framework", "precision", "spec_method", "disagg"):
        cfg = cfg.filter(pl.col(k) == row[k])
    per = []
    for rid in cfg["run_id"].unique().to_list():
        t = iso_table(cfg.filter(pl.col("run_id") == rid), [row["target"]]).table["tput_per_gpu"][0]
        if t is not None:
            per.append(t)
    assert len(per) == row["runs_reaching"]
    assert row["tput_per_gpu_min"] == pytest.approx(min(per), rel=1e-12)
    assert row["tput_per_gpu_max"] == pytest.approx(max(per), rel=1e-12)
    assert row["tput_per_gpu_median"] == pytest.approx(statistics.median(per), rel=1e-12)
    assert row["spread_note"] in (f"{row['runs']} runs", f"reached by {row['runs_reaching']} of {row['runs']} runs")


def test_a_run_that_does_not_reach_the_target_is_counted_apart(sample_points):
    h100 = sample_points.filter(pl.col("hardware") == "h100")
    many = reruns(h100, {1: 1.0, 2: 1.0, 3: 1.0})
    x_lo = float(h100["median_intvty"].min())
    # run 3 lost its slowest point: its own frontier starts higher, so it misses a target just above the old start
    many = many.filter(~((pl.col("run_id") == 3) & (pl.col("median_intvty") == x_lo)))
    target = x_lo * 1.0001
    _, table = spread.iso_with_spread(h100, many, [target])
    row = table.row(0, named=True)
    assert (row["runs"], row["runs_reaching"]) == (3, 2)
    assert row["spread_note"] == "reached by 2 of 3 runs"
    assert row["tput_per_gpu_min"] == pytest.approx(row["tput_per_gpu_max"])  # the two that reach agree


def test_one_run_shows_no_spread_figures(sample_points):
    h200 = sample_points.filter((pl.col("hardware") == "h200") & (pl.col("precision") == "fp8"))
    _, table = spread.iso_with_spread(h200, h200, [40.0])
    view = spread.spread_view(table).row(0, named=True)
    assert view["runs"] == "one run: no spread measured" and view[spread.POOLED_COLUMN] is not None
    assert view["spread %"] is None and view["tok/s/GPU min"] is None and view["tok/s/GPU max"] is None


def test_result_spread_reloads_every_run_of_the_result_configs():
    """The sample's DeepSeek B200 FP4 sglang config is rerun (run 9100000003 and its second attempt): its spread
    shows; the configs of one run say so."""
    pts = matches(load(paths.SAMPLE_DIR).points, model="DeepSeek-R1-0528*", isl=1024, osl=1024)
    res = iso_table(pts, [60.0, 90.0])
    table = spread.result_spread(res, [])
    assert table.height == res.table.height and table["runs"].min() >= 1
    several = table.filter(pl.col("runs_reaching") >= 2)
    assert several.height and (several["tput_per_gpu_min"] <= several["tput_per_gpu_max"]).all()
    every = load(paths.SAMPLE_DIR, keep="all").points
    for row in several.head(3).iter_rows(named=True):  # the run count is the number of runs holding the config
        cfg = every.filter(
            (pl.col("hardware") == row["hardware"])
            & (pl.col("framework") == row["framework"])
            & (pl.col("precision") == row["precision"])
            & (pl.col("model") == row["model"])
            & (pl.col("isl") == 1024)
            & (pl.col("spec_method") == row["spec_method"])
            & (pl.col("disagg") == row["disagg"])
        )
        assert row["runs"] == cfg.select("run_id", "run_attempt").unique().height
    shown = "".join(str(h) for h in tables.spread_html(table))
    assert "tok/s/GPU over runs" in shown and "Run-to-run spread: one run" not in shown


def test_result_spread_of_one_run_says_so():
    sweep = need(MANTILE_RAW / "run_20662362255")
    res = iso_table(matches(load(sweep).points, isl=1024, osl=1024), [100.0])
    table = spread.result_spread(res, [str(sweep)])
    assert (table["runs"] == 1).all()
    shown = tables.spread_html(table)
    assert len(shown) == 1 and "Run-to-run spread: one run: no spread measured" in str(shown[0])


def test_iso_notebook_shows_the_spread_beside_the_table(tmp_path):
    from .test_notebooks import html_outputs, run

    s, _, nb = run("iso_interactivity", tmp_path, model="DeepSeek-R1-0528*", isl=1024, osl=1024, targets=[60.0, 90.0])
    several = [r for r in s["spread"] if r["tok/s/GPU median"] is not None]
    assert several and all(r["tok/s/GPU min"] <= r["tok/s/GPU median"] <= r["tok/s/GPU max"] for r in several)
    assert {(r["config"], r["target tok/s/user"]) for r in s["spread"]} == {
        (r["label"], r["target"]) for r in s["table"]
    }
    assert all(r["$/M min"] <= r["$/M median"] <= r["$/M max"] for r in several)  # $/M carries its range too
    assert all(spread.POOLED_COST_COLUMN in r for r in s["spread"])
    assert "tok/s/GPU and $/M (owning at hyperscaler volume) over runs" in html_outputs(nb)


def test_iso_headline_quotes_the_median_over_runs_with_its_range(sample_points):
    """Five reruns at ×0.90–×1.10: the headline's $/M is the median over runs with its min–max, not the pooled
    frontier's value alone; one run says so."""
    from frontier.analysis import headline

    h100 = sample_points.filter(pl.col("hardware") == "h100")
    res = iso_table(h100, [30.0])
    runs = spread.per_run(reruns(h100, FACTORS), [30.0], pricing=res.pricing)
    table = spread.with_spread(res.table, spread.summarise(runs, ["tput_per_gpu", "cost_total_costh"]))
    first = headline.iso_headline(res, table, "costh").sentences[0]
    best = table.filter(pl.col("cost_total_costh").is_not_null()).sort("cost_total_costh").row(0, named=True)
    assert f"${best['cost_total_costh_median']:.3f} per million tokens" in first and "medians over 5 runs" in first
    assert f"${best['cost_total_costh_min']:.3f}–{best['cost_total_costh_max']:.3f}" in first
    one = spread.with_spread(res.table, spread.summarise(spread.per_run(h100, [30.0]), ["tput_per_gpu"]))
    assert "one run: no run-to-run range" in headline.iso_headline(res, one, "costh").sentences[0]
