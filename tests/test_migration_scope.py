"""The migration brief's scope when its parameters are left open: the model with two sides, old = the GPU that
shipped first and new = the one that shipped last, targets both sides reach, and a plain answer when the data
holds one side only."""

from __future__ import annotations

import polars as pl
import pytest

from frontier import paths
from frontier.analysis import bounds, migration
from frontier.data.load import load

from .conftest import MANTILE_RAW, need


def _curve(model, hw, prec, lo, hi, isl=1024, n=5):
    """A config of ``hw``/``prec`` measured from ``lo`` to ``hi`` tok/s/user."""
    step = (hi - lo) / (n - 1)
    return [
        {
            "model": model,
            "isl": isl,
            "osl": 1024,
            "hardware": hw,
            "framework": "vllm",
            "precision": prec,
            "spec_method": "none",
            "disagg": False,
            "median_intvty": lo + i * step,
            "tput_per_gpu": 5000.0 / (lo + i * step),
        }
        for i in range(n)
    ]


def _frame(*curves):
    return pl.DataFrame([r for c in curves for r in c])


def test_generation_table_orders_every_gpu_it_names():
    gens = migration.gpu_generations()
    assert {"h100", "h200", "b200", "b300", "mi300x", "mi355x"} <= set(gens)
    assert gens["h100"] < gens["h200"] < gens["b200"] < gens["b300"] and gens["mi300x"] < gens["mi355x"]
    specs = pl.read_csv(paths.PACKAGE_DATA / "gpu_specs.csv")["gpu"].to_list()
    assert set(specs) <= set(gens), "every GPU with specs has a ship date"


def test_old_is_the_first_shipped_gpu_new_the_last_at_a_precision_both_share():
    pts = _frame(
        _curve("A", "h200", "fp8", 10, 60),
        _curve("A", "b200", "fp4", 20, 90, n=8),
        _curve("A", "b200", "fp8", 20, 90, n=3),
        _curve("A", "h100", "fp8", 5, 40, n=3),
        _curve("A", "h100", "bf16", 5, 40, n=4),
    )
    old, new, rule = migration.choose_sides(pts)
    # like for like: the GPUs share fp8, so the precision does not change with the GPU (though fp4 is measured more)
    assert (old, new) == ("h100/fp8", "b200/fp8")
    assert "shipped first (h100, 2022-10)" in rule and "shipped last (b200, 2024-12)" in rule
    assert "the same precision, the same engine" in rule and "overlapping over 20.0 tok/s/user" in rule
    # no shared precision: each GPU at its most-measured precision, and the rule says the precisions differ
    apart = _frame(_curve("A", "h100", "bf16", 5, 40, n=4), _curve("A", "b200", "fp4", 20, 90, n=8))
    old, new, rule = migration.choose_sides(apart)
    assert (old, new) == ("h100/bf16", "b200/fp4") and "no precision both GPUs share" in rule


def test_one_gpu_wider_precision_is_old_and_unknown_gpus_are_left_out():
    one_gpu = _frame(_curve("A", "b200", "fp4", 10, 60), _curve("A", "b200", "fp8", 10, 60))
    assert migration.choose_sides(one_gpu)[:2] == ("b200/fp8", "b200/fp4")
    with_unknown = _frame(
        _curve("A", "h200", "fp8", 10, 60), _curve("A", "b200", "fp4", 10, 60), _curve("A", "x9000", "fp4", 10, 60, n=9)
    )
    old, new, rule = migration.choose_sides(with_unknown)
    assert (old, new) == ("h200/fp8", "b200/fp4") and "without a ship date were not considered: x9000" in rule
    only_unknown = _frame(_curve("A", "x1", "fp8", 10, 60, n=3), _curve("A", "x2", "fp4", 10, 60, n=6))
    assert migration.choose_sides(only_unknown)[:2] == ("x1/fp8", "x2/fp4")
    with pytest.raises(ValueError, match="one GPU/precision side only"):
        migration.choose_sides(_frame(_curve("A", "b200", "fp4", 10, 60)))


def test_scope_picks_the_model_with_two_sides_and_targets_both_sides_reach():
    pts = _frame(
        _curve("Big", "b200", "fp4", 10, 60, n=20),  # most measured, but one side only
        _curve("A", "h100", "fp8", 10, 50),
        _curve("A", "b200", "fp4", 30, 90),
        _curve("A", "b200", "fp4", 30, 90, isl=8192, n=9),
    )
    sc = migration.choose_scope(pts)
    assert (sc.model, sc.isl, sc.osl, sc.side_old, sc.side_new, sc.problem) == (
        "A",
        1024,
        1024,
        "h100/fp8",
        "b200/fp4",
        "",
    )
    assert all(30 <= t <= 50 for t in sc.targets) and len(sc.targets) == 3
    assert sc.workload_target == sc.targets[1]
    text = " ".join(sc.notes)
    assert "two GPU/precision sides, A" in text and "Big (20 points)" in text
    assert "inside 30.0–50.0 tok/s/user, where both like-for-like configs are measured" in text
    # given parameters are kept, and a given side steers the model choice
    kept = migration.choose_scope(pts, side_old="h100/fp8", side_new="b200/fp4", targets=[35.0], workload_target=40)
    assert (kept.targets, kept.workload_target) == ([35.0, 40.0], 40.0)
    with pytest.raises(ValueError, match="no points of side mi355x/fp4"):
        migration.choose_scope(pts, model="A", side_new="mi355x/fp4")


def test_one_side_only_is_a_stated_problem_not_an_error():
    sc = migration.choose_scope(_frame(_curve("Big", "b200", "fp4", 10, 60)))
    assert sc.problem.startswith("This data cannot support a migration comparison: no model in the data has two")
    assert sc.model == "Big" and sc.side_old == sc.side_new == ""


def test_sample_defaults_compare_two_generations_of_one_model():
    sc = migration.choose_scope(load(paths.SAMPLE_DIR).points)
    assert sc.problem == "" and sc.side_old.split("/")[0] != sc.side_new.split("/")[0]
    gens = migration.gpu_generations()
    assert gens[sc.side_old.split("/")[0]] < gens[sc.side_new.split("/")[0]]


@pytest.mark.parametrize(
    ("run", "model", "old", "new"),
    [
        ("run_20662362255", "gpt-oss-120b", "h100/fp4", "b200/fp4"),
        ("run_20613446912", "DeepSeek-R1-0528", "h200/fp8", "b200/fp8"),  # like for like: both at fp8
    ],
)
def test_real_sweeps_get_a_comparison(run, model, old, new):
    pts = load(need(MANTILE_RAW / run)).points
    sc = migration.choose_scope(pts)
    assert (sc.model, sc.side_old, sc.side_new, sc.problem) == (model, old, new, "")
    assert sc.targets and all(
        sc.points.filter(pl.col("hardware") == h)["median_intvty"].min() <= min(sc.targets)
        for h in ("h100" if "h100" in old else "h200", "b200")
    )


def _configs_compared(sc):
    from frontier.analysis import breakeven

    be = breakeven.break_even(sc.points, sc.side_new, sc.side_old, sc.targets, migration.pricings())
    return be, set(be.at_targets["config_a"].to_list()), set(be.at_targets["config_b"].to_list())


def test_real_mi300x_to_mi355x_compares_sglang_with_sglang_and_says_they_never_overlap():
    """All real sweeps: the brief picks MI300X → MI355X for DeepSeek-R1 1k/1k. Like for like that is SGLang FP8 agg
    without MTP on both (not the MI355X disaggregated MTP set-up); the two never overlap in interactivity, so the
    MI355X figures are lower bounds read at its slowest measured point, and the notes say so."""
    sc = migration.choose_scope(load(need(MANTILE_RAW)).points)
    assert (sc.model, sc.isl, sc.osl, sc.side_old, sc.side_new) == (
        "DeepSeek-R1-0528",
        1024,
        1024,
        "mi300x/fp8",
        "mi355x/fp8",
    )
    be, new, old = _configs_compared(sc)
    assert new == {"mi355x · sglang · fp8 · no spec · agg"} and old == {"mi300x · sglang · fp8 · no spec · agg"}
    assert all(r == [] for r in be.at_targets["differs"].to_list()) and be.match == "like-for-like"
    text = " ".join(sc.notes + be.notes)
    assert "never overlap in interactivity" in text and "19.4–37.6" in text and "39.0–69.2" in text
    # every target lies in MI300X's measured range; MI355X is read there at its slowest point, as a lower bound
    assert all(19.4 <= t <= 37.6 for t in sc.targets)
    assert be.at_targets["tput_a_lower_bound"].to_list() == [True] * len(sc.targets)
    assert not any(be.at_targets["tput_b_lower_bound"].to_list())
    assert set(be.at_targets["ratio_bound"].to_list()) == {"at least"}
    slowest = sc.points.filter(
        (pl.col("hardware") == "mi355x") & (pl.col("framework") == "sglang") & (pl.col("precision") == "fp8")
    ).sort("median_intvty")
    assert be.at_targets["tput_a"].to_list() == [pytest.approx(slowest["tput_per_gpu"].max())] * len(sc.targets)


def test_sample_migration_compares_mi355x_without_mtp_against_mi300x_without_mtp():
    """The bundled sample: MI355X with MTP against MI300X without was chosen before; like for like both are
    SGLang FP8 agg without speculative decoding, and their frontiers overlap, so every target is measured on both."""
    sc = migration.choose_scope(load(paths.SAMPLE_DIR).points)
    be, new, old = _configs_compared(sc)
    assert (sc.side_old, sc.side_new) == ("mi300x/fp8", "mi355x/fp8")
    assert new == {"mi355x · sglang · fp8 · no spec · agg"} and old == {"mi300x · sglang · fp8 · no spec · agg"}
    assert set(be.at_targets["status"].to_list()) == {"ok"}
    best = migration.break_even_from(
        sc.points, be.side_a, be.side_b, sc.targets, migration.pricings(), match="best-of-each"
    )
    assert best.match == "best-of-each" and "mtp" in best.at_targets["config_a"][0]
    assert all("spec_method" in d for d in best.at_targets["differs"].to_list())
    assert any("Best of each (as asked)" in n and "speculative decoding" in n for n in best.notes)


def test_real_throughput_ratio_over_runs_keeps_the_bound():
    """MI355X read below its measured range: its runs' bounds (each run's best point faster than the target) give a
    ratio over runs that is a bound too, marked "≥", never "unreachable"."""
    from frontier.analysis import spread

    raw = need(MANTILE_RAW)
    sc = migration.choose_scope(load(raw).points)
    be, _, _ = _configs_compared(sc)
    everything = load(raw, keep="all").points.filter(
        (pl.col("model") == sc.model) & (pl.col("isl") == sc.isl) & (pl.col("osl") == sc.osl)
    )
    side_all = migration.compared_points(everything, be)
    runs = spread.per_run(side_all, sc.targets)
    got = migration.ratio_with_spread(be, runs, side_all)
    assert got["ratio"].null_count() == 0 and all(t.startswith("≥ ") for t in got["text"])
    first = got.row(0, named=True)
    ref = be.at_targets.row(0, named=True)["breakeven_price_ratio"]
    assert first["ratio"] == pytest.approx(ref, rel=0.05)  # median over runs beside the pooled figure


def test_real_side_bounds_take_the_replica_from_the_data_and_compare_per_gpu():
    """Bounds of the sides the brief compares: a disaggregated side's replica is one decode worker (its GPU count
    from the data, not the 24 GPUs of prefill + decode); topology fields that contradict the GPU count (GB200
    Dynamo SGLang: decode tp 1 / ep 1, one worker, 32 decode GPUs) give no floor, with the reason; the sides are
    compared per GPU."""
    from frontier.analysis import breakeven, fleet

    pts = load(need(MANTILE_RAW)).points.filter(
        (pl.col("model") == "DeepSeek-R1-0528") & (pl.col("isl") == 1024) & (pl.col("osl") == 1024)
    )
    be = breakeven.break_even(pts, "mi355x/fp8", "mi300x/fp8", [23.0], migration.pricings(), match="best-of-each")
    new, old = fleet.sides_from_break_even(be, 23.0)
    assert "disagg" in new.config and new.replica_gpus == 24  # the fleet rounds to whole prefill + decode replicas
    b = migration.side_bounds(be.model, [old, new], 1024, 1024, iso=be.iso)
    rows = {r["side"]: r for r in b.iter_rows(named=True)}
    top = be.iso.frontier.filter((pl.col("label") == new.config) & (pl.col("topology") == new.topology)).row(
        0, named=True
    )
    assert rows["mi355x/fp8"]["gpus"] == max(top["decode_tp"], top["decode_ep"]) < 24
    assert rows["mi300x/fp8"]["gpus"] == 8
    for r in rows.values():
        one = bounds.decode_floor("DeepSeek-R1-0528", "fp8", r["gpu"], 1)
        assert r["floor_gpu_ms_per_token"] == pytest.approx(one.ms_per_token)
    text = migration.bounds_comparison(b)
    assert text.startswith("Per GPU, mi355x/fp8 streams") and "faster" in text
    gb = breakeven.break_even(pts, "gb200/fp8", "mi300x/fp8", [35.0], migration.pricings(), match="best-of-each")
    side_gb, _ = fleet.sides_from_break_even(gb, 35.0)
    r = migration.side_bounds(gb.model, [side_gb], 1024, 1024, iso=gb.iso).row(0, named=True)
    assert r["floor_ms_per_token"] is None and "contradict the GPU count" in r["note"]


def test_headline_states_the_pair_the_bound_and_the_price_views():
    from frontier.analysis import spread

    raw = need(MANTILE_RAW)
    sc = migration.choose_scope(load(raw).points)
    be, _, _ = _configs_compared(sc)
    everything = load(raw, keep="all").points.filter(
        (pl.col("model") == sc.model) & (pl.col("isl") == sc.isl) & (pl.col("osl") == sc.osl)
    )
    side_all = migration.compared_points(everything, be)
    ratio = migration.ratio_with_spread(be, spread.per_run(side_all, sc.targets), side_all)
    head = migration.headline(be, ratio, sc.workload_target)
    r = be.at_targets.filter(pl.col("target") == sc.workload_target).row(0, named=True)
    assert 2 <= len(head) <= 3 and "(like for like)" in head[0]
    med = ratio.filter(pl.col("target") == sc.workload_target)["ratio"][0]  # the median over runs leads
    assert f"at least {med:.2f}× (" in head[0] and "runs" in head[0]
    if f"{med:.2f}" != f"{r['breakeven_price_ratio']:.2f}":
        assert f"pooled newest points {r['breakeven_price_ratio']:.2f}×" in head[0]
    assert "under all 2 price views" in head[1] and "at most" in head[1]
    assert "never overlap" in head[2] and "lower bound" in head[2]


def test_real_migration_tables_carry_cost_fleet_and_payback_over_runs():
    """The brief's decision tables on the real reruns: $/M of each side, the cost ratio, fleet size, monthly cost
    and payback each carry their min–max over runs with the number of runs ("one run" where one), beside the
    pooled newest-point value named as such; JSON rows carry the numbers."""
    from frontier.analysis import breakeven, fleet

    raw = need(MANTILE_RAW)
    sc = migration.choose_scope(load(raw).points)
    be, _, _ = _configs_compared(sc)
    everything = load(raw, keep="all").points.filter(
        (pl.col("model") == sc.model) & (pl.col("isl") == sc.isl) & (pl.col("osl") == sc.osl)
    )
    breakeven.run_ranges(be, migration.compared_points(everything, be))
    views = migration.views_with_runs(be)
    pooled = "pooled newest points"
    assert {f"$/M A, {pooled}", "$/M A over runs", f"$/M B, {pooled}", "$/M B over runs"} <= set(views.columns)
    assert "comparison" not in views.columns  # the dashboard's wording stays in JSON
    for col in ("$/M A over runs", "$/M B over runs", "cost A ÷ B over runs"):
        assert all(c.endswith(("runs)", "(one run)")) for c in views[col].drop_nulls()), col
    assert any("(2 runs)" in c for c in views["$/M B over runs"].drop_nulls())  # MI300X was rerun
    for r in be.by_view.iter_rows(named=True):
        if r["cost_b_min"] is not None:
            assert r["cost_b_min"] <= r["cost_b"] * (1 + 1e-9) and r["cost_b"] <= r["cost_b_max"] * (1 + 1e-9)
    records = be.records()["at_targets"][0]
    assert {"runs_a", "runs_b", "breakeven_price_ratio_min", "breakeven_price_ratio_max"} <= set(records)
    w = migration.workload(0.0, 1e6, sc.isl, sc.osl, sc.workload_target, 0.6)
    old, new, _ = migration.fleet_sides(be, sc.workload_target)
    costs = fleet.fleet_cost(w, [old, new], be.views)
    sizes, pay = fleet.run_ranges(w, be, sc.workload_target, be.views, 250000.0)
    shown, rows = migration.fleet_with_runs(be, costs, sizes, sc.workload_target)
    assert f"GPUs, {pooled}" in shown.columns and all(
        c.endswith(("runs)", "(one run)")) for c in shown["GPUs over runs"]
    )
    for r in rows.iter_rows(named=True):
        assert r["gpus_min"] <= r["gpus"] <= r["gpus_max"]
    pb_shown, pb_rows = migration.payback_with_runs(be, fleet.migration(w, old, new, be.views, 250000.0), pay, w.target)
    assert f"payback months, {pooled}" in pb_shown.columns and pb_shown["payback months over runs"].null_count() == 0
    assert {"payback_months_min", "payback_months_max"} <= set(pb_rows.columns)
