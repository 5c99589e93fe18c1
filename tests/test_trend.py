"""Performance over time (frontier.analysis.trend): hand-built histories, the bundled sample, real API history and an
undated
folder of collected sweeps, and the trend notebook run through papermill."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from frontier import paths
from frontier.analysis import pareto as P
from frontier.analysis import trend
from frontier.analysis.economics import Pricing
from frontier.data.load import load, matches
from frontier.data.schema import CURVE_KEY, conform
from frontier.present import charts, trend_figures

from .conftest import API_FIXTURES, MANTILE_RAW, need
from .test_notebooks import figures_ok, html_outputs, run

#: topology → (throughput efficiency, interactivity multiplier, tp, ep, dp attention)
TOPOS = {"TP4": (1.0, 1.0, 4, 1, False), "TP8": (0.8, 1.2, 8, 1, False), "TP8/EP8 DPA": (1.8, 0.8, 8, 8, True)}


def curve(
    *,
    date: str | None = None,
    run_id: int | None = None,
    attempt: int = 1,
    scale: float = 1.0,
    image: str | None = "vllm/vllm-openai:v1.0",
    topologies=("TP4", "TP8"),
    hardware: str = "b200",
    framework: str = "vllm",
    model: str = "M",
    concs=(4, 8, 16, 32, 64, 128),
) -> list[dict]:
    """One config's sweep in one run: interactivity 200/√conc × topology multiplier (tok/s/user), throughput
    scale × efficiency × 60 × conc^0.8 (tok/s/GPU), so a scale change multiplies every frontier value."""
    rows = []
    for topo in topologies:
        eff, mult, tp, ep, dpa = TOPOS[topo]
        for i, conc in enumerate(concs):
            intv = 200.0 / conc**0.5 * mult
            tput = scale * eff * 60.0 * conc**0.8
            rows.append(
                {
                    "model": model,
                    "isl": 1024,
                    "osl": 1024,
                    "hardware": hardware,
                    "framework": framework,
                    "precision": "fp8",
                    "spec_method": "none",
                    "disagg": False,
                    "is_multinode": False,
                    "tp": tp,
                    "ep": ep,
                    "dp_attention": dpa,
                    "conc": conc,
                    "median_intvty": intv,
                    "median_tpot_s": 1 / intv,
                    "tput_per_gpu": tput,
                    "input_tput_per_gpu": tput / 2,
                    "output_tput_per_gpu": tput / 2,
                    "topology": topo,
                    "image": image,
                    "num_gpus": tp,
                    "date": dt.date.fromisoformat(date) if date else None,
                    "run_id": run_id,
                    "run_attempt": attempt,
                    "source_row": i,
                }
            )
    return rows


def frame(*curves: list[dict]) -> pl.DataFrame:
    return conform(pl.DataFrame([r for c in curves for r in c], infer_schema_length=None))


PRICING = Pricing.dashboard("v2")


def cell(res: trend.TrendResult, period: str, target: float, **cfg) -> dict:
    t = res.table.filter(pl.col("period") == period, pl.col("target") == target)
    for k, v in cfg.items():
        t = t.filter(pl.col(k) == v)
    assert t.height == 1, t
    return t.row(0, named=True)


# ------------------------------------------------------------------------------------------------ hand-built


def test_factors_values_and_first_measurement():
    pts = frame(
        curve(date="2026-01-05", run_id=1, scale=1.0),
        curve(date="2026-02-05", run_id=2, scale=1.5, image="vllm/vllm-openai:v1.1"),
        curve(date="2026-03-05", run_id=3, scale=2.0, image="vllm/vllm-openai:v1.2"),
        curve(date="2026-02-05", run_id=2, hardware="h200", scale=0.5),
    )
    res = trend.trend(pts, [30, 60], pricing=PRICING, view="costh")
    assert res.dated and res.periods["period"].to_list() == ["2026-01-05", "2026-02-05", "2026-03-05"]
    for target in (30.0, 60.0):
        first = cell(res, "2026-01-05", target, hardware="b200")
        assert first["status"] == trend.FIRST and first["tput_factor"] == 1.0 and first["cost_factor"] == 1.0
        # each period's frontier is built from that period's points only: the plain reference agrees
        ref = P.interpolate_reference(
            pts.filter(pl.col("run_id") == 1, pl.col("hardware") == "b200").to_dicts(),
            target,
            "tput_per_gpu",
            x="median_intvty",
            y="tput_per_gpu",
        )
        assert first["tput_per_gpu"] == pytest.approx(ref, rel=1e-12)
        assert first["cost_total"] == pytest.approx(1.73 / (ref * 0.0036), rel=1e-9)  # v2 b200 costh
        for period, scale in (("2026-02-05", 1.5), ("2026-03-05", 2.0)):
            c = cell(res, period, target, hardware="b200")
            assert c["status"] == trend.MEASURED and c["baseline_period"] == "2026-01-05"
            assert c["tput_factor"] == pytest.approx(scale, rel=1e-9)
            assert c["cost_factor"] == pytest.approx(scale, rel=1e-9)  # first ÷ now: > 1 is cheaper
        only = cell(res, "2026-02-05", target, hardware="h200")  # measured once
        assert only["status"] == trend.FIRST and only["tput_factor"] == 1.0 and only["cost_factor"] == 1.0
    assert res.stats["single_period_configs"] == 1
    assert any("measured in one period only" in n for n in trend.notes(res))
    last = cell(res, "2026-03-05", 30.0, hardware="b200")
    assert last["image"] == "vllm/vllm-openai:v1.2" and last["framework"] == "vllm" and last["n_images"] == 1


def test_changes_text_names_image_topology_and_framework():
    pts = frame(
        curve(date="2026-01-05", run_id=1, image="lmsysorg/sglang:v0.5.7"),
        curve(date="2026-02-05", run_id=2, image="lmsysorg/sglang:v0.5.8", topologies=("TP4", "TP8", "TP8/EP8 DPA")),
        curve(date="2026-03-05", run_id=3, image="lmsysorg/sglang:v0.5.8", topologies=("TP4", "TP8", "TP8/EP8 DPA")),
    )
    res = trend.trend(pts, [28], pricing=PRICING)
    steps = res.steps.sort("to_period")
    assert steps.height == 2
    first, second = steps.row(0, named=True), steps.row(1, named=True)
    assert "image lmsysorg/sglang: v0.5.7 → v0.5.8" in first["changes"]
    assert "topologies added: TP8/EP8 DPA" in first["changes"]
    assert "winning topology TP8 → TP8/EP8 DPA" in first["changes"]  # the new topology wins at high concurrency
    assert first["topology_from"] == "TP8" and first["topology_to"] == "TP8/EP8 DPA"
    assert first["tput_step"] == pytest.approx(first["tput_to"] / first["tput_from"])
    assert first["cost_step"] == pytest.approx(first["cost_from"] / first["cost_to"])
    assert second["changes"] == trend.NO_CHANGE
    # a config followed across engines: the framework change is a step
    pts2 = frame(
        curve(date="2026-01-05", run_id=1, framework="sglang", image="lmsysorg/sglang:v0.5.7"),
        curve(date="2026-02-05", run_id=2, framework="trt", image="nvcr.io#nvidia/tensorrt-llm:1.2"),
    )
    res2 = trend.trend(pts2, [30], pricing=PRICING, key=[c for c in CURVE_KEY if c != "framework"])
    text = res2.steps["changes"][0]
    assert "framework sglang → trt" in text
    assert "image lmsysorg/sglang:v0.5.7 → nvcr.io#nvidia/tensorrt-llm:1.2" in text
    assert res2.table.filter(pl.col("period") == "2026-02-05")["framework"].unique().to_list() == ["trt"]


def test_unreachable_targets_are_null_and_factors_start_where_reached():
    pts = frame(
        curve(date="2026-01-05", run_id=1, concs=(4, 8)),  # 70–120 tok/s/user: 30 out of range
        curve(date="2026-02-05", run_id=2, scale=1.2),
        curve(date="2026-03-05", run_id=3, scale=1.5, concs=(4, 8)),
    )
    res = trend.trend(pts, [30, 90], pricing=PRICING)
    c1 = cell(res, "2026-01-05", 30.0)
    assert c1["status"] == trend.UNREACHABLE and c1["tput_per_gpu"] is None and c1["cost_total"] is None
    assert c1["tput_factor"] is None and not c1["reachable"]
    c2 = cell(res, "2026-02-05", 30.0)
    assert c2["status"] == trend.FIRST and c2["tput_factor"] == 1.0 and c2["baseline_period"] == "2026-02-05"
    assert cell(res, "2026-03-05", 30.0)["tput_per_gpu"] is None
    assert cell(res, "2026-03-05", 90.0)["tput_factor"] == pytest.approx(1.5 / 1.0, rel=1e-9)
    assert (res.table["tput_per_gpu"].drop_nulls() > 0).all() and (res.table["cost_total"].drop_nulls() > 0).all()
    changes = res.steps.filter(pl.col("target") == 30.0).sort("to_period")["changes"].to_list()
    assert changes[0].startswith("target now reachable") and changes[1] == "target no longer reachable"
    best = res.best.filter(pl.col("target") == 30.0).sort("period_index")
    assert best["best_config"].to_list()[0] is None and best["change"][0] == "no priced config reaches the target"
    assert any("unreachable" in n for n in trend.notes(res))


def test_undated_periods_follow_run_ids_and_mixed_periods_interleave():
    pts = frame(curve(run_id=300, scale=1.3), curve(run_id=100, scale=1.0), curve(run_id=200, scale=1.1))
    res = trend.trend(pts, [40], pricing=PRICING)
    assert res.periods["period"].to_list() == ["run 100", "run 200", "run 300"]
    assert not res.dated and res.stats["undated_periods"] == 3
    assert cell(res, "run 300", 40.0)["tput_factor"] == pytest.approx(1.3, rel=1e-9)
    # every period undated: the page's data line says so and the headline gives the order; no caveat repeats it
    assert not any("no date" in n for n in trend.notes(res))
    kw = trend_figures.line_chart_kwargs(res, "tput", 40)
    assert kw["x"] == "period #" and kw["x_type"] == "ordinal" and kw["df"]["period #"].to_list() == [1, 2, 3]
    spec = charts.to_spec(charts.line_chart(**kw))
    assert spec["layer"][0]["encoding"]["x"]["type"] == "ordinal"
    # dated and undated together: an undated run sits after the latest dated period with a smaller run id;
    # rows with neither date nor run id come last
    mixed = frame(
        curve(date="2026-01-05", run_id=100),
        curve(run_id=150),
        curve(date="2026-02-05", run_id=200),
        curve(run_id=50),
        curve(scale=2.0),
    )
    per, periods = trend.with_periods(mixed)
    assert periods["period"].to_list() == ["run 50", "2026-01-05", "run 150", "2026-02-05", trend.NO_PERIOD]
    assert periods["period_index"].to_list() == [1, 2, 3, 4, 5]
    assert "after 2026-01-05" in periods.filter(pl.col("period") == "run 150")["order_note"][0]
    assert per["period_index"].null_count() == 0
    # some periods dated: the caveat says which are not and where they sit
    note = next(n for n in trend.notes(trend.trend(mixed, [40], pricing=PRICING)) if "no date" in n)
    assert note.startswith("3 of 5 periods have no date") and "placed after the latest dated period" in note


def test_rerun_within_a_period_keeps_the_newest_attempt():
    old = curve(date="2026-01-05", run_id=1, attempt=1, scale=1.0)
    new = curve(date="2026-01-05", run_id=1, attempt=2, scale=1.2)
    res = trend.trend(frame(old, new), [40], pricing=PRICING)
    assert res.superseded == len(old)
    alone = trend.trend(frame(new), [40], pricing=PRICING)
    assert cell(res, "2026-01-05", 40.0)["tput_per_gpu"] == pytest.approx(
        cell(alone, "2026-01-05", 40.0)["tput_per_gpu"], rel=1e-12
    )


def test_best_config_per_period_and_workload():
    pts = frame(
        curve(date="2026-01-05", run_id=1, hardware="b200", scale=1.0),
        curve(date="2026-01-05", run_id=1, hardware="h200", scale=1.0),  # same speed, cheaper GPU
        curve(date="2026-02-05", run_id=2, hardware="b200", scale=2.0),
        curve(date="2026-02-05", run_id=2, hardware="h200", scale=1.0),
        curve(date="2026-02-05", run_id=2, hardware="h200", model="Other", scale=9.0),
    )
    res = trend.trend(pts, [40], pricing=PRICING)
    m = res.best.filter(pl.col("model") == "M").sort("period_index")
    assert m["best_config"].to_list() == [
        res.table.filter(pl.col("model") == "M", pl.col("hardware") == "h200")["label"][0],
        res.table.filter(pl.col("model") == "M", pl.col("hardware") == "b200")["label"][0],
    ]
    assert m["change"][1].startswith("new cheapest (was")
    assert m["configs"].to_list() == [2, 2]  # the other model is not a competitor
    other = res.best.filter(pl.col("model") == "Other")
    assert other.height == 1 and other["change"][0] == trend.FIRST
    view = trend.best_view(res)
    assert "workload" in view.columns and view["workload"][0].startswith("M 1024/1024")


def test_no_targets_or_points_fail_clearly():
    with pytest.raises(ValueError, match="no target"):
        trend.trend(frame(curve(run_id=1)), [])
    with pytest.raises(ValueError, match="no points"):
        trend.trend(frame(curve(run_id=1)).head(0), [30])
    with pytest.raises(ValueError, match="view"):
        trend.trend(frame(curve(run_id=1)), [30], pricing=PRICING, view="costn")  # dropped in v2
    with pytest.raises(ValueError, match="hardware"):
        trend.trend(frame(curve(run_id=1)), [30], pricing=PRICING, key=["model", "isl", "osl"])


# ------------------------------------------------------------------------------------------------ sample


@pytest.fixture(scope="module")
def sample_trend() -> trend.TrendResult:
    pts = matches(load(paths.SAMPLE_DIR, keep="all").points, isl=1024, osl=1024)
    return trend.trend(pts, [30, 90], pricing=Pricing.dashboard())


HISTORY = {
    "DeepSeek-R1-0528 (synthetic)": ("b200", "sglang"),
    "gpt-oss-120b (synthetic)": ("h200", "vllm"),
    "Kimi-K2.5 (synthetic)": ("b200", "vllm"),
}


def _history(res: trend.TrendResult, model: str) -> pl.DataFrame:
    hw, fw = HISTORY[model]
    return res.table.filter(
        pl.col("model") == model,
        pl.col("hardware") == hw,
        pl.col("framework") == fw,
        pl.col("precision") == "fp4",
        pl.col("spec_method") == "none",
    )


def test_sample_history_configs_improve(sample_trend):
    res = sample_trend
    assert res.periods["period"].to_list() == ["2026-08-03", "2026-09-07", "2026-10-05"] and res.dated
    assert res.synthetic and res.superseded == 1  # the attempt-2 rerun of one main-sweep point
    for model in HISTORY:
        h = _history(res, model)
        assert h["period"].n_unique() == 3 and h["tput_per_gpu"].null_count() == 0  # defaults are reachable
        for target in (30.0, 90.0):
            rows = h.filter(pl.col("target") == target).sort("period_index")
            assert rows["status"].to_list() == [trend.FIRST, trend.MEASURED, trend.MEASURED]
            assert rows["tput_factor"][1] > 1.1
            if model.startswith("Kimi"):  # its last step adds topologies only (same efficiency): no loss beyond noise
                assert rows["tput_factor"][2] > rows["tput_factor"][1] * 0.98
            else:
                assert rows["tput_factor"][2] > rows["tput_factor"][1]
            assert rows["cost_factor"][2] == pytest.approx(rows["tput_factor"][2], rel=1e-9)
            assert rows["image"].n_unique() == 3  # a newer image in every period
    only_once = res.table.filter(pl.col("model").str.starts_with("Llama"), pl.col("status") != trend.UNREACHABLE)
    assert only_once.height and (only_once["status"] == trend.FIRST).all() and (only_once["tput_factor"] == 1).all()


def test_sample_reports_the_topology_change(sample_trend):
    steps = sample_trend.steps.filter(
        pl.col("model") == "Kimi-K2.5 (synthetic)",
        pl.col("hardware") == "b200",
        pl.col("precision") == "fp4",
        pl.col("to_period") == "2026-10-05",
    )
    assert steps.height == 2
    for text in steps["changes"]:
        assert "topologies added: TP8/EP8 DPA" in text and "image vllm/vllm-openai: v0.19.0 → v0.20.1" in text
    at30 = steps.filter(pl.col("target") == 30.0).row(0, named=True)
    assert at30["topology_to"] == "TP8/EP8 DPA" and "winning topology TP8 → TP8/EP8 DPA" in at30["changes"]
    dsr1 = sample_trend.steps.filter(
        pl.col("model") == "DeepSeek-R1-0528 (synthetic)", pl.col("to_period") == "2026-09-07"
    )
    assert dsr1.height and all(
        "image lmsysorg/sglang: v0.5.7-cu129-amd64 → v0.5.8-cu129-amd64" in t for t in dsr1["changes"]
    )


# ------------------------------------------------------------------------------------------------ real data


def test_real_api_history_thin_frontiers():
    path = need(API_FIXTURES / "benchmarks-history.json")
    pts = matches(load(path, keep="all").points, isl=1024, osl=1024)
    res = trend.trend(pts, [30, 50, 90], pricing=Pricing.dashboard())
    assert res.dated and res.periods.height > 20 and res.stats["undated_periods"] == 0
    dates = res.periods["period_date"].to_list()
    assert dates == sorted(dates)
    assert res.stats["thin_frontiers"] > 0  # ≤ 3 concurrencies per config and date
    t = res.table
    assert (t["tput_per_gpu"].drop_nulls() > 0).all() and t["tput_per_gpu"].null_count() > 0
    assert ((t["status"] == trend.UNREACHABLE) == t["tput_per_gpu"].is_null()).all()
    assert t.group_by(res.key).agg(pl.col("period").n_unique())["period"].max() >= 5
    # one cell recomputed from that day's points alone
    row = t.filter(pl.col("tput_per_gpu").is_not_null(), pl.col("status") == trend.MEASURED).row(0, named=True)
    day = pts.filter(pl.col("date") == row["period_date"])
    for k in CURVE_KEY:
        day = day.filter(pl.col(k) == row[k])
    ref = P.interpolate_reference(day.to_dicts(), row["target"], "tput_per_gpu", x="median_intvty", y="tput_per_gpu")
    assert row["tput_per_gpu"] == pytest.approx(ref, rel=1e-9)
    assert res.steps.height and res.steps["changes"].null_count() == 0
    assert res.best["best_config"].drop_nulls().len() > 0


def test_real_undated_sweeps_are_run_ordered():
    raw = need(MANTILE_RAW)
    pts = matches(load(raw, keep="all").points, isl=1024, osl=1024)
    res = trend.trend(pts, [30, 50, 90], pricing=Pricing.dashboard())
    assert not res.dated and res.stats["undated_periods"] == res.periods.height > 10
    runs = res.periods["first_run"].to_list()
    assert runs == sorted(runs) and all(p.startswith("run ") for p in res.periods["period"])
    assert not any("no date" in n for n in trend.notes(res))  # said once per page, by the data line
    assert (
        res.steps["changes"]
        .str.contains("image lmsysorg/sglang: v0.5.6.post1-rocm700-mi35x → v0.5.6.post2-rocm700-mi35x")
        .any()
    )
    kw = trend_figures.line_chart_kwargs(res, "tput", 50)
    assert kw["x"] == "period #" and kw["df"].height > 0


# ------------------------------------------------------------------------------------------------ notebook


def test_trend_notebook_on_sample(tmp_path):
    s, out, nb = run("trend", tmp_path, isl=1024, osl=1024, targets=[30.0, 90.0])
    assert s["synthetic"] is True and s["parameters"]["targets"] == [30.0, 90.0] and s["view"] == "costh"
    for metric in ("tput", "cost"):
        for target in ("30", "90"):  # several models at 1k/1k: one chart per model, named after it
            names = {
                p.name.removesuffix("-light.svg")
                for p in (out / "figures").glob(f"trend_{metric}_{target}_*-light.svg")
            }
            assert f"trend_{metric}_{target}_deepseek_r1_0528_1024_1024" in names, names
            for name in names:
                figures_ok(out, name)
    ref = trend.trend(
        matches(load(paths.SAMPLE_DIR, keep="all").points, model="*", isl=1024, osl=1024),
        [30, 90],
        pricing=Pricing.dashboard(),
        view="costh",
    )
    got = {(r["label"], r["period"], r["target"]): r for r in s["table"]}
    assert len(got) == len(s["table"]) == ref.table.height
    for r in ref.table.iter_rows(named=True):
        g = got[(r["label"], r["period"], r["target"])]
        assert g["status"] == r["status"]
        for m in ("tput_per_gpu", "cost_total", "tput_factor", "cost_factor"):
            assert (g[m] is None) == (r[m] is None)
            if r[m] is not None:
                assert g[m] == pytest.approx(r[m], rel=1e-12)
    assert any("topologies added: TP8/EP8 DPA" in st["changes"] for st in s["steps"])
    assert len(s["best"]) == ref.best.height and len(s["periods"]) == 3
    notes = " ".join(s["notes"])
    assert "Synthetic data" in notes and "unreachable" in notes and "one period only" in notes
    html = html_outputs(nb)
    assert "unreachable" in html and "<svg" in html and "image vllm/vllm-openai: v0.19.0 → v0.20.1" in html


def test_trend_notebook_on_undated_sweeps(tmp_path):
    raw = need(MANTILE_RAW)
    s, out, nb = run("trend", tmp_path, data_paths=[str(raw)], model="DeepSeek-R1-0528", targets=[50.0])
    assert s["synthetic"] is False and all(p["period"].startswith("run ") for p in s["periods"])
    # undated: said once, in the data line; the headline gives the order, no note repeats it
    said = [t for t in [*s["notes"], *s["headline"], s["data_source"]] if "no date" in t or "dates not" in t]
    assert said == [s["data_source"]] and any("run-id order" in h for h in s["headline"])
    for metric in ("tput", "cost"):  # one chart per ISL/OSL of the model
        names = {p.name.removesuffix("-light.svg") for p in (out / "figures").glob(f"trend_{metric}_50_*-light.svg")}
        assert names and all(n.startswith(f"trend_{metric}_50_deepseek_r1_0528_") for n in names), names
        for name in names:
            figures_ok(out, name)


def test_trend_charts_hold_one_workload_each():
    """Several models or ISL/OSL in the data: one chart per workload, never two models on one chart."""
    points = load([paths.SAMPLE_DIR], cache=False, keep="all").points
    res = trend.trend(points, [50.0])
    loads = trend.workloads(res)
    assert len(loads) > 1
    figs = trend_figures.figures(res, min_periods=1)
    assert figs
    for name, fig in figs:
        assert any(name.endswith(f"_{isl}_{osl}") for _, isl, osl in loads), name
        drawn = fig.builder.keywords["df"]
        assert drawn["model"].n_unique() == 1 and drawn.select("isl", "osl").unique().height == 1, name
    for model, isl, osl in loads:
        frame = trend_figures.line_chart_kwargs(trend.for_workload(res, model, isl, osl), "tput", 50.0, min_periods=1)[
            "df"
        ]
        assert set(frame["model"].unique()) <= {model} and set(frame["isl"].unique()) <= {isl}
