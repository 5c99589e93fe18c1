"""The migration notebook through papermill with params/blackwell_migration.yaml: the published cost table is
reproduced from its stated inputs, and every table in the summary is recomputed here with the library."""

from __future__ import annotations

import json

import pytest

from frontier import paths
from frontier.analysis import breakeven as be
from frontier.analysis import fleet, migration
from frontier.data.load import load, matches
from frontier.report import load_params

from .conftest import MANTILE_RAW, need
from .test_notebooks import figures_ok, html_outputs, run


def test_migration_brief_with_published_params(tmp_path):
    spec = load_params(paths.ROOT / "params" / "blackwell_migration.yaml")
    params = spec.per["migration"]
    s, out, nb = run("migration", tmp_path, **params)
    assert s["synthetic"] is True
    for name in ("migration_frontiers", "migration_cost_ratio", "migration_breakeven_price", "migration_payback"):
        figures_ok(out, name)
    # the published cost table, from its stated inputs: every figure within its last printed digit
    assert len(s["published_costs"]) == 6
    assert all(r["verdict"] == "matches published" for r in s["published_costs"] + s["published_ratios"])
    b200_spot = next(r for r in s["published_costs"] if r["gpu"] == "b200" and r["view"] == "spot")
    assert b200_spot["computed"] == pytest.approx(2.12 / (10000 * 3600 / 1e6))
    # break-even recomputed with the library from the same inputs
    pts = matches(load(paths.SAMPLE_DIR).points, model=params["model"], isl=1024, osl=1024)
    sources = migration.pricings(
        prices=params["prices"], prices_label=params["prices_label"], prices_as_of=params["prices_as_of"]
    )
    ref = be.break_even(pts, "b200/fp4", "h100/fp8", params["targets"], sources)
    got = {(r["target"], r["price_label"]): r for r in s["break_even"]["by_view"]}
    assert len(got) == ref.by_view.height == 3 * 4  # 3 targets × (costh, costr, on_demand, spot)
    for r in ref.by_view.iter_rows(named=True):
        g = got[(r["target"], r["price_label"])]
        assert g["winner"] == r["winner"]
        for k in ("cost_a", "cost_b", "cost_ratio", "breakeven_price_a"):
            assert (g[k] is None) == (r[k] is None) and (r[k] is None or g[k] == pytest.approx(r[k], rel=1e-12))
    # fleet and payback: GPUs and the payback arithmetic
    w = fleet.Workload.from_requests(params["requests_per_day"], 1024, 1024, 50.0, params["utilisation"])
    new, old = fleet.sides_from_break_even(ref, 50.0)
    for row in s["payback"]:
        assert row["gpus_old"] == old.gpus(w)[1] and row["gpus_new"] == new.gpus(w)[1]
        if row["monthly_saving"] > 0:
            assert row["payback_months"] == pytest.approx(params["migration_cost"] / row["monthly_saving"])
        else:
            assert row["payback_months"] is None and row["payback"].startswith("never pays back")
    assert {r["side"] for r in s["bounds"]} == {"h100/fp8", "b200/fp4"}
    assert all(r["floor_tok_s_user"] > 0 and r["max_concurrency"] > 0 for r in s["bounds"])
    assert all(r["spread_note"] == "one run: no spread measured" for r in s["iso_spread"])
    html = html_outputs(nb)
    assert "Synthetic data" in html and "matches published" in html and "one run each: no spread measured" in html
    assert "on demand · Blackwell migration analysis prices" in html  # the price view in words


def test_migration_brief_refuses_a_side_without_partner(tmp_path):
    import papermill as pm

    with pytest.raises(pm.PapermillExecutionError, match="has no points of side mi355x/fp4"):
        run("migration", tmp_path, model="Llama-3.3-70B-Instruct*", isl=1024, osl=1024, side_new="mi355x/fp4")


def test_migration_brief_on_real_reruns(tmp_path):
    raw = need(MANTILE_RAW)
    s, out, nb = run(
        "migration",
        tmp_path,
        data_paths=[str(raw)],
        model="DeepSeek-R1-0528",
        side_old="h200/fp8",
        side_new="b200/fp4",
        targets=[50.0, 70.0],
        workload_target=50.0,
    )
    assert s["synthetic"] is False
    figures_ok(out, "migration_frontiers")
    several = [r for r in s["iso_spread"] if r["runs"] and r["runs"] > 1 and r["runs_reaching"]]
    assert several and all(r["tput_per_gpu_min"] <= r["tput_per_gpu_median"] <= r["tput_per_gpu_max"] for r in several)
    ratio = next(r for r in s["throughput_ratio"] if r["target"] == 50.0)
    assert ratio["new ÷ old, over runs"].endswith(" runs)") and "–" in ratio["new ÷ old, over runs"]
    assert "Shaded: min–max over runs" in html_outputs(nb)


def test_migration_brief_skips_fleet_when_a_side_cannot_serve_the_target(tmp_path):
    # the sample's Llama H100 frontier ends below 130 tok/s/user: no fleet there, said so, and the brief still builds
    s, out, _ = run(
        "migration",
        tmp_path,
        model="Llama-3.3-70B-Instruct*",
        isl=1024,
        osl=1024,
        side_old="h100/fp8",
        side_new="b200/fp4",
        workload_target=130.0,
        targets=[50.0, 130.0],
    )
    assert s["fleet"] is None and s["payback"] is None and s["sensitivity"] is None
    assert any(
        n.startswith("Fleet cost and payback are skipped: at 130 tok/s/user unreachable by h100/fp8")
        for n in s["notes"]
    )
    assert {r["gpus"] for r in s["bounds"]} == {1}
    figures_ok(out, "migration_cost_ratio")
    figures_ok(out, "migration_breakeven_price")  # drawn at 50, the first target both sides reach


def test_migration_brief_below_a_side_s_measured_range_sizes_the_fleet_on_a_bound(tmp_path):
    # the sample's Llama B200 frontier starts above 18 tok/s/user (H100's below): its slowest point serves those
    # users too, so the
    # B200 fleet is sized on it as a lower bound on tok/s/GPU (at most that many GPUs, payback at most that long)
    s, _, nb = run(
        "migration",
        tmp_path,
        model="Llama-3.3-70B-Instruct*",
        isl=1024,
        osl=1024,
        side_old="h100/fp8",
        side_new="b200/fp4",
        workload_target=18.0,
        targets=[18.0, 50.0],
    )
    at18 = next(r for r in s["break_even"]["at_targets"] if r["target"] == 18.0)
    assert at18["tput_a_lower_bound"] is True and at18["tput_b_lower_bound"] is False
    assert at18["ratio_bound"] == "at least"
    new = [r for r in s["fleet"] if r["side"] == "b200/fp4"]
    assert new and all(r["tput_lower_bound"] for r in new) and all(r["tput_per_gpu"] == at18["tput_a"] for r in new)
    assert all(not r["tput_lower_bound"] for r in s["fleet"] if r["side"] == "h100/fp8")
    assert all(p["payback"].startswith(("pays back in at most", "open:")) for p in s["payback"])
    html = html_outputs(nb)
    assert f"≥ {at18['tput_a']:,.1f}" in html and "needs at most" in html


def test_migration_report_with_command_line_parameters(tmp_path, capsys):
    from frontier import cli

    out = tmp_path / "reports"
    rc = cli.main(
        [
            "report",
            "migration",
            "-p",
            "side_old",
            "h200/fp8",
            "-p",
            "side_new",
            "b200/fp4",
            "-p",
            "migration_cost",
            "100000",
            "-p",
            "payback_view",
            "spot",
            "-y",
            "prices: {h200: {spot: 1.92}, b200: {spot: 2.12}}",
            "-y",
            "prices_as_of: '2026-01-01'",
            "--out",
            str(out),
        ]
    )
    assert rc == 0, capsys.readouterr()
    s = json.loads((out / "migration" / "summary.json").read_text())
    spot = [r for r in s["payback"] if r["view"] == "spot"]
    assert len(spot) == 1 and spot[0]["migration_cost"] == 100000.0
    assert "dated 2026-01-01" in spot[0]["price_label"]
    assert s["parameters"]["side_old"] == "h200/fp8" and (out / "migration" / "index.html").is_file()


def test_mapping_parameters_are_checked():
    from frontier.report import notebook

    got = notebook.check_params(
        {"prices": {"h100": {"spot": 1.66}}, "published": None}, {"prices": dict, "published": dict}
    )
    assert got == {"prices": {"h100": {"spot": 1.66}}, "published": {}}
    with pytest.raises(notebook.ParameterError, match="'prices' is declared dict: give a mapping"):
        notebook.check_params({"prices": [1, 2]}, {"prices": dict})


def test_migration_brief_defaults_fit_the_sample(sample_reports):
    """The notebook on its defaults: the run the sample reports made (executed once, shared)."""
    out = sample_reports / "migration"
    s = json.loads((out / "summary.json").read_text())
    nb = json.loads((out / "migration.ipynb").read_text())
    scope = migration.choose_scope(load(paths.SAMPLE_DIR).points)
    assert s["parameters"]["side_old"] == scope.side_old and "problem" not in s
    assert {r["side"] for r in s["bounds"]} == {scope.side_old, scope.side_new}
    assert sorted({r["target"] for r in s["break_even"]["by_view"]}) == scope.targets
    assert all(n in s["notes"] for n in scope.notes)
    assert "Sides not given: old side " in html_outputs(nb)
    figures_ok(out, "migration_cost_ratio")
    # the finding in sentences: the like-for-like pair and the ratio at the workload's interactivity
    assert 2 <= len(s["headline"]) <= 3 and "(like for like)" in s["headline"][0]
    assert s["break_even"]["match"] == "like-for-like"


def test_migration_brief_on_one_side_says_so_and_builds(tmp_path):
    one_side = paths.SAMPLE_DIR / "run_9100000001" / "bmk_dsr1_1k1k_fp4_sglang_*b200*"
    s, _, nb = run("migration", tmp_path, data_paths=[str(one_side)])
    assert s["problem"].startswith("This data cannot support a migration comparison: no model in the data has two")
    assert "This data cannot support a migration comparison" in html_outputs(nb)
