"""Findings an analyst can defend: headlines, noise apart from change, decisions with their run-to-run range."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from frontier import paths
from frontier.analysis import compare, headline, trend
from frontier.data.schema import conform
from frontier.report.index import _state_html

from .conftest import MANTILE_RAW, need
from .test_trend import curve


def _pair_points() -> pl.DataFrame:
    rows = []
    for precision, scale in (("fp4", 2.0), ("fp8", 1.0)):
        for conc in (1, 2, 4, 8, 16, 32, 64):
            tput = scale * 40.0 * conc**0.85
            rows.append(
                {
                    "model": "M",
                    "isl": 1024,
                    "osl": 1024,
                    "hardware": "b200",
                    "framework": "trt",
                    "precision": precision,
                    "spec_method": "none",
                    "disagg": False,
                    "conc": conc,
                    "median_intvty": 150.0 / conc**0.45,
                    "tput_per_gpu": tput,
                    "input_tput_per_gpu": tput / 2,
                    "output_tput_per_gpu": tput / 2,
                    "topology": "TP8",
                }
            )
    return pl.DataFrame(rows)


def test_pair_headline_names_sides_target_view_and_says_one_run():
    pc = compare.precision_comparison(_pair_points(), [40.0, 60.0])
    h = headline.pair_headline(pc, subject="precision", a_name="A", b_name="B", view="costh", scope="M · 1024/1024")
    assert h.state == headline.FINDING
    first = h.sentences[0]
    assert "FP8 costs 2.00× what FP4 costs" in first and "tok/s/user" in first and "owning" in first
    assert "FP4 is cheaper in every pair" in h.sentences[1] and "One run only" in h.sentences[2]


def test_pair_headline_names_the_median_pair_s_workload_once():
    two = pl.concat([_pair_points(), _pair_points().with_columns(model=pl.lit("N"), isl=pl.lit(8192, pl.Int64))])
    pc = compare.precision_comparison(two, [40.0])
    assert set(pc.pairs["label_a"].str.split(" · ").list.first()) == {"M 1024/1024", "N 8192/1024"}
    first = headline.pair_headline(pc, subject="precision", a_name="A", b_name="B", view="costh").sentences[0]
    median = first[first.index("the median pair, ") :]
    assert median.startswith("the median pair, b200 · trt")  # the label's workload part is not repeated
    assert median.count("1024/1024") + median.count("8192/1024") == 1  # named once, in brackets


def test_nothing_to_compare_is_its_own_state():
    pts = _pair_points().filter(pl.col("precision") == "fp4")
    pc = compare.precision_comparison(pts, [40.0])
    h = headline.pair_headline(pc, subject="precision", a_name="A", b_name="B", view="costh")
    assert h.state == headline.NOTHING and h.sentences[0].startswith("Nothing to compare")
    assert "ok" not in _state_html({"state": h.state}) and "nothing to compare" in _state_html({"state": h.state})
    assert ">ok<" in _state_html({"state": "finding"})


def test_noise_within_one_image_and_a_version_change_across_images():
    rows = (
        curve(run_id=100, scale=1.00, image="img:v1")
        + curve(run_id=101, scale=1.20, image="img:v1")  # a rerun of the same image: ×1.2 is noise
        + curve(run_id=102, scale=1.10, image="img:v1")
        + curve(run_id=200, scale=2.00, image="img:v2")  # a new image, far outside the band: a version change
        + curve(run_id=201, scale=2.10, image="img:v2")
    )
    pts = conform(pl.DataFrame(rows, infer_schema_length=None))
    res = trend.trend(pts, [40.0])
    st = res.steps.sort("to_period")
    kinds = st["kind"].to_list()
    assert [k.startswith(trend.WITHIN_NOISE) for k in kinds] == [True, True, False, True]
    assert kinds[2] == f"{trend.VERSION_CHANGE}: img:v1 → img:v2"
    assert st["band"][0] == pytest.approx(1.2, rel=1e-6)
    h = headline.trend_headline(res)
    assert "img:v1 → img:v2" in h.sentences[0] and "3 of 4 steps are within run-to-run noise" in h.sentences[1]
    # how periods are ordered; that the data is undated is said once per page, by its data line
    assert "run-id order" in h.sentences[2] and not any("no date" in x for x in h.sentences)
    assert not any("no date" in n for n in trend.notes(res))


def test_steps_without_a_measured_band_are_not_called_outside_noise():
    rows = curve(run_id=1, scale=1.0, image="img:v1") + curve(run_id=2, scale=1.5, image="img:v2")
    h = headline.trend_headline(trend.trend(conform(pl.DataFrame(rows, infer_schema_length=None)), [40.0]))
    assert h.sentences[0].startswith("Largest step (noise unmeasured):") and "outside" not in h.sentences[0]
    assert "img:v1 → img:v2" in h.sentences[0] and "no rerun" not in h.sentences[0]  # said once, just after
    assert "noise is unmeasured" in h.sentences[1] and "one measurement" in h.sentences[1]


def test_a_step_inside_the_band_across_images_is_noise():
    rows = (
        curve(run_id=1, scale=1.0, image="img:v1")
        + curve(run_id=2, scale=1.3, image="img:v1")
        + curve(run_id=3, scale=1.1, image="img:v2")  # ÷1.18: inside v1's ×1.3 band
    )
    res = trend.trend(conform(pl.DataFrame(rows, infer_schema_length=None)), [40.0])
    last = res.steps.sort("to_period").row(-1, named=True)
    assert last["within_noise"] and "inside the run-to-run band" in last["kind"]


def test_real_b200_sglang_fp4_steps_on_one_image_are_noise():
    from frontier.data.load import load, matches

    pts = matches(load([need(MANTILE_RAW)], keep="all").points, model="DeepSeek-R1-0528", isl=1024, osl=1024)
    pts = pts.filter(
        (pl.col("hardware") == "b200") & (pl.col("framework") == "sglang") & (pl.col("precision") == "fp4")
    )
    if pts.height == 0:
        pytest.skip("no B200 SGLang FP4 DeepSeek-R1 1k/1k points")
    res = trend.trend(pts, [50.0])
    same = res.steps.filter(pl.col("image_from") == pl.col("image_to"))
    assert same.height >= 1 and same["within_noise"].all()


def _breakeven_json(raw: Path, *extra: str) -> dict:
    """``frontier breakeven --json`` on the sweeps in ``raw``: B200 FP4 vs H100 FP4, gpt-oss-120b 1k/1k at 250
    tok/s/user, with ``extra`` options; exit 1 (a side cannot serve a target) still prints the JSON."""
    cmd = [sys.executable, "-m", "frontier.cli", "breakeven", str(raw), "--sides", "b200/fp4 vs h100/fp4"]
    cmd += ["--model", "gpt-oss-120b", "--isl", "1024", "--osl", "1024", "--targets", "250", *extra, "--json"]
    env = {"PYTHONPATH": str(paths.PACKAGE_DIR.parent), "PATH": "/usr/bin:/bin"}
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=paths.ROOT, check=False)
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)


def test_breakeven_json_carries_the_run_range_on_real_reruns():
    # the pair the issue measured: B200 TRT vs H100 vLLM (like for like moves far less)
    out = _breakeven_json(need(MANTILE_RAW), "--match", "best-of-each")
    row = out["at_targets"][0]
    assert row["runs_a"] > 1 and row["runs_b"] > 1
    lo, hi = row["breakeven_price_ratio_min"], row["breakeven_price_ratio_max"]
    assert lo < row["breakeven_price_ratio_median"] < hi and hi / lo > 2  # reruns move this decision a lot
    assert all(isinstance(v["winner_in_every_run"], bool) for v in out["by_view"])
    for v in out["by_view"]:  # $/M of each side over its runs: the fastest run gives the lowest cost
        assert v["cost_a_min"] < v["cost_a_max"] and v["cost_b_min"] < v["cost_b_max"]


def test_spread_is_measured_within_an_image_and_names_the_images_it_mixes():
    from frontier.analysis import spread

    rows = (
        curve(run_id=1, scale=1.00, image="img:v1")
        + curve(run_id=2, scale=1.02, image="img:v1")  # noise: 2 % within v1
        + curve(run_id=3, scale=1.50, image="img:v2")  # a version change
    )
    pts = conform(pl.DataFrame(rows, infer_schema_length=None))
    s = spread.with_spread(
        spread.per_run(pts, [40.0]).drop([]), spread.summarise(spread.per_run(pts, [40.0]), ["tput_per_gpu"])
    )
    r = s.row(0, named=True)
    assert r["runs"] == 3 and r["images"] == 2 and r["noise_ratio"] == pytest.approx(1.02, rel=1e-6)
    assert r["tput_per_gpu_max"] / r["tput_per_gpu_min"] == pytest.approx(1.5, rel=1e-6)  # the pooled range
    assert "2 engine images (img:v1, img:v2)" in r["spread_note"]
    view = spread.spread_view(s)
    assert view["within one image %"][0] == pytest.approx(2.0, rel=1e-4)
    assert any("several engine images" in c for c in spread.caveats(s))


def test_the_rendered_report_opens_with_the_finding_and_folds_provenance():
    import nbformat

    from frontier.present import display
    from frontier.report.render import notebook_to_html

    def out(h):
        return nbformat.v4.new_output("display_data", data={"text/html": str(h), "text/plain": "x"})

    prov = display.provenance_html(None, {"rows_read": 1, "rows_loaded": 1}, {"model": "", "extra": {}})
    head = display.headline_html(["FP8 costs 2.00× what FP4 costs."], source="Data: test")
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Title"),
            nbformat.v4.new_code_cell("setup", outputs=[out(prov)]),
            nbformat.v4.new_code_cell("analysis", outputs=[out("<p>TABLE</p>"), out(head)]),
        ]
    )
    page = notebook_to_html(nb, title="t")
    assert (
        page.index("FP8 costs 2.00×") < page.index("Inputs, load report, parameters and versions") < page.index("TABLE")
    )
    assert page.count("FP8 costs 2.00×") == 1 and "<details><summary>Inputs, load report" in page
    assert "{}" not in page.split("Inputs, load report")[1].split("TABLE")[0]  # parameters read as words


def test_summary_scope_and_headline_reach_run_json_fields(tmp_path):
    from frontier.report.summary import read_summary

    (tmp_path / "summary.json").write_text(
        json.dumps(
            {
                "title": "Precision comparison",
                "scope": "DeepSeek-R1-0528 · 1024/1024",
                "parameters": {"model": "", "isl": 0, "osl": 0},
                "headline": ["A sentence."],
                "headline_state": "nothing to compare",
                "data_source": "Data: InferenceX",
            }
        )
    )
    s = read_summary(tmp_path, "precision_comparison")
    assert s.page_title == "Precision comparison · DeepSeek-R1-0528 · 1024/1024"
    assert s.headline == ["A sentence."] and s.state == "nothing to compare" and s.data_source == "Data: InferenceX"


def test_breakeven_json_fleet_and_payback_carry_their_run_range():
    workload = ["--requests-per-day", "1000000", "--workload-target", "250", "--migration-cost", "100000"]
    out = _breakeven_json(need(MANTILE_RAW), *workload)
    for row in out["fleet"]:
        assert row["gpus_min"] <= row["gpus"] <= row["gpus_max"]
    assert any(r["gpus_min"] < r["gpus_max"] for r in out["fleet"])  # reruns move the fleet size
    for row in out["payback"]:
        assert row["payback_months_min"] <= row["payback_months"] <= row["payback_months_max"]


def test_undated_data_is_said_once_on_the_index(tmp_path):
    """Two reports on undated data: the index says once, above the table, that the data carries no dates; the
    rows keep their run ids; a dated report keeps its dates."""
    from frontier.data.labels import NO_DATES
    from frontier.report.index import write_index

    for name, source in (
        ("a", f"Data: sweep results, 13 CI runs 1 to 9 ({NO_DATES})"),
        ("b", f"Data: sweep results, 33 CI runs 1 to 12 ({NO_DATES})"),
        ("c", "Data: sweep results, measured 2026-01-05 to 2026-02-05"),
    ):
        (tmp_path / name).mkdir()
        run = {"status": "ok", "finished_utc": "x", "title": name, "data_source": source, "headline": ["Found."]}
        (tmp_path / name / "run.json").write_text(json.dumps(run))
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert page.count("no measurement dates") == 1 and NO_DATES not in page
    assert "13 CI runs 1 to 9" in page and "33 CI runs 1 to 12" in page and "measured 2026-01-05" in page
    (tmp_path / "a").rename(tmp_path / "_a")
    (tmp_path / "b").rename(tmp_path / "_b")
    assert "no measurement dates" not in write_index(tmp_path).read_text(encoding="utf-8")
