"""Every notebook executed through papermill on the bundled sample (and on real data when present), asserting on
what it produced: the summary JSON (recomputed with the library), figure files, the shown tables."""

from __future__ import annotations

import json
from pathlib import Path

import papermill as pm
import polars as pl
import pytest

from frontier import paths
from frontier.analysis.compare import provider_margins, read_provider_table
from frontier.analysis.economics import Pricing
from frontier.analysis.iso import iso_table
from frontier.data.load import load, matches

from .conftest import API_FIXTURES, MANTILE_RAW, need

PAGE = ("-light.svg",)  # what a report makes (frontier report: --figures page), and the tests' notebooks
LIGHT = ("-light.png", "-light.svg")  # a notebook run without the runner, outside the tests
THEMED = (*LIGHT, "-dark.png", "-dark.svg")  # every form (FRONTIER_FIGURES=all)


def run(name: str, tmp_path: Path, **params) -> tuple[dict, Path, dict]:
    out = tmp_path / name
    nb_out = tmp_path / f"{name}.ipynb"
    pm.execute_notebook(
        str(paths.NOTEBOOKS / f"{name}.ipynb"),
        str(nb_out),
        parameters={"output_dir": str(out), **params},
        kernel_name="python3",
        cwd=str(paths.ROOT),
        progress_bar=False,
        execution_timeout=300,
    )
    summary = json.loads((out / "summary.json").read_text())
    nb = json.loads(nb_out.read_text())
    return summary, out, nb


def html_outputs(nb: dict) -> str:
    return "\n".join(
        "".join(o.get("data", {}).get(kind, ""))
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        for kind in ("text/html", "image/svg+xml")
    )


def figures_ok(out: Path, name: str, suffixes: tuple[str, ...] = PAGE) -> None:
    """The figure's files exist and are not empty: by default the light SVG (what a report uses, and what the
    tests ask for: tests/conftest.py); ``LIGHT`` or ``THEMED`` when the run asked for PNGs or every form."""
    for suffix in suffixes:
        f = out / "figures" / f"{name}{suffix}"
        assert f.is_file() and f.stat().st_size > 1000, f
    if suffixes != THEMED:  # only the forms asked for
        assert not list((out / "figures").glob(f"{name}-dark.*")), name
    if suffixes == PAGE:
        assert not list((out / "figures").glob(f"{name}-*.png")), name


def test_iso_interactivity_on_sample(tmp_path, monkeypatch):
    from frontier.present import charts
    from frontier.report import figure_forms

    monkeypatch.setenv(figure_forms.ENV, "all")  # the kernel inherits it: every figure in both themes
    s, out, nb = run("iso_interactivity", tmp_path, targets=[40.0, 80.0], hardware=["b200", "h200"])
    assert s["synthetic"] is True and s["load"]["rows_loaded"] > 1000
    figures_ok(out, "frontier", THEMED)
    figures_ok(out, "cost", THEMED)
    files = next(f["files"] for f in s["figures"] if f["name"] == "frontier")
    assert sorted(files) == sorted(f"frontier{x}" for x in THEMED)
    for suffix in ("-light.png", "-dark.png"):  # 2x, stating 144 dpi so they paste at their CSS size
        assert charts.png_dpi((out / "figures" / f"frontier{suffix}").read_bytes()) == pytest.approx(144, abs=0.1)
    # the light files are the chart the page shows, rendered once
    shown = [o["data"] for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    svgs = ["".join(d["image/svg+xml"]) for d in shown if "image/svg+xml" in d]
    assert (out / "figures" / "frontier-light.svg").read_text() in svgs
    # recompute with the library from the same inputs: the notebook's numbers are these
    pts = matches(
        load(paths.SAMPLE_DIR).points, model="DeepSeek-R1-0528*", isl=1024, osl=1024, hardware=["b200", "h200"]
    )
    ref = iso_table(pts, [40.0, 80.0], pricing=Pricing.dashboard())
    got = {(r["label"], r["target"]): r for r in s["table"]}
    assert len(got) == ref.table.height > 0
    for r in ref.table.iter_rows(named=True):
        g = got[(r["label"], r["target"])]
        for m in ("tput_per_gpu", "cost_total_costh", "tok_s_mw", "conc"):
            assert (g[m] is None) == (r[m] is None)
            if r[m] is not None:
                assert g[m] == pytest.approx(r[m], rel=1e-12)
    html = html_outputs(nb)
    assert "Synthetic data" in html and "<svg" in html
    if ref.table["tput_per_gpu"].null_count():  # a target outside a frontier is said to be unreachable
        assert "unreachable" in html
    assert "data/raw/sample" in html  # inputs shown


def test_mtp_delta_on_sample(tmp_path):
    s, out, nb = run("mtp_delta", tmp_path, model="DeepSeek-R1-0528*", isl=1024, osl=1024)
    assert len(s["pairs"]) >= 3
    figures_ok(out, "mtp_cost_ratio")
    figures_ok(out, "mtp_frontiers")
    for p in s["pairs"]:
        assert p["shared band to"] >= p["shared band from"]
        assert p["B extends range by"] >= 0
    measured = [r for r in s["at_targets"] if r["cost_a"] is not None and r["cost_b"] is not None]
    assert measured and all(r["cost_ratio_b_over_a"] == pytest.approx(r["cost_b"] / r["cost_a"]) for r in measured)
    assert all(r["comparison"].startswith(("MTP on is", "MTP off is", "tie")) for r in measured)
    assert all(c["cost_ratio_b_over_a"] is None or c["cost_ratio_b_over_a"] > 0 for c in s["curves"])
    shown = _html_outputs(nb)
    assert "owning at hyperscaler volume: B200 $" in shown and "view costh" not in shown
    assert "Targets are chosen from the curves compared" in shown or "share (highest frontier start" in shown


def test_precision_comparison_on_sample(tmp_path):
    s, out, nb = run(
        "precision_comparison",
        tmp_path,
        model="Kimi-K2.5*",
        isl=1024,
        osl=1024,
        targets=[40.0, 60.0],
        cross=["b200/fp4 vs h200/int4"],
    )
    figures_ok(out, "precision_cost_ratio")
    pairs = {(r["label_a"], r["label_b"]) for r in s["at_targets"]}
    assert any("fp4" in a and "int4" in b for a, b in pairs)
    assert s["cross"] and all(r["A"] == "b200/fp4" and r["B"] == "h200/int4" for r in s["cross"])
    for r in s["cross"]:
        if r["cost A $/M"] is not None and r["cost B $/M"] is not None:
            hi, lo = max(r["cost A $/M"], r["cost B $/M"]), min(r["cost A $/M"], r["cost B $/M"])
            assert r["ratio"] == pytest.approx(hi / lo)
            assert r["saved %"] == pytest.approx((1 - lo / hi) * 100)
            assert "× cheaper (−" in r["comparison"] or r["comparison"].startswith("tie")
    assert s["accuracy"] and all(r["status"] == "missing" and r["score"] is None for r in s["accuracy"])
    # the cross table has model and ISL/OSL columns: its config labels name only the rest
    assert all(not (r[c] or "").startswith("Kimi") for r in s["cross"] for c in ("best A config", "best B config"))


def test_provider_margins_on_sample(tmp_path):
    s, out, nb = run("provider_margins", tmp_path, tco_views=["costh"], isl=1024, osl=1024)
    providers = read_provider_table(paths.ROOT / "data/raw/providers/example_providers.csv")
    rows = {r["provider"]: r for r in s["margins"]}
    assert set(rows) == set(providers["provider"])
    pub = rows["published-example"]
    assert pub["status"] == "estimated"
    assert pub["margin_input"] == pytest.approx(1 - pub["cost_input_per_m"] / 1.35)
    assert pub["margin_output"] == pytest.approx(1 - pub["cost_output_per_m"] / 5.40)
    assert rows["oss-turbo"]["status"].startswith("unreachable") and rows["oss-turbo"]["margin_input"] is None
    ref = provider_margins(
        load(paths.SAMPLE_DIR).points, providers, pricing=Pricing.dashboard(), views=["costh"], isl=1024, osl=1024
    )
    assert ref.filter(pl.col("provider") == "published-example")["cost_output_per_m"][0] == pytest.approx(
        pub["cost_output_per_m"], rel=1e-12
    )
    assert any(f["name"].startswith("cost_") for f in s["figures"])
    assert "no prefix caching" in " ".join(s["notes"])
    shown = _html_outputs(nb)  # what the reader sees: headers in words, no empty caption value, no view ids
    assert "price in $/M" in shown and "price_input_per_m" not in shown and "tok_s_user" not in shown
    assert "restricted to:  " not in shown and "view costh" not in shown and "owning at hyperscaler volume" in shown
    # the example providers are made up: said in the summary, above the tables and in every figure's title
    assert s["illustrative"] is True and "Illustrative prices" in shown
    assert s["scope"].endswith("· 1024/1024") and "(synthetic)" in s["scope"]  # the title carries the scope
    assert "margin in (all GPU time on input)" not in shown  # per-token-type margins are not published
    for f in s["figures"]:
        svg = next(n for n in f["files"] if n.endswith(".svg"))
        assert "Illustrative provider prices" in (out / "figures" / svg).read_text()


def test_provider_margins_on_real_data_without_a_provider_table_estimates_nothing(tmp_path):
    from .conftest import MANTILE_RAW, need

    s, out, nb = run("provider_margins", tmp_path, data_paths=[str(need(MANTILE_RAW))])
    assert s["synthetic"] is False and "margins" not in s and not s["figures"]
    assert s["problem"].startswith("No provider table was given, so no margin is estimated")
    assert s["scope"].startswith("DeepSeek-R1-0528, gpt-oss-120b · ")  # the title says what data was read
    shown = _html_outputs(nb)
    assert "price_input_per_m" in shown and "my-provider" in shown  # how to supply one: the columns and an example
    assert "fast-tier" not in shown and "illustrative" not in shown.lower()


def _html_outputs(nb: dict) -> str:
    import html

    return html.unescape(
        "".join(
            "".join(o.get("data", {}).get("text/html", ""))
            for c in nb["cells"]
            if c["cell_type"] == "code"
            for o in c.get("outputs", [])
        )
    )


def _chart_outputs(nb: dict) -> list[dict]:
    return [
        o["data"]
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        if "".join(o.get("data", {}).get("text/plain", "")).startswith("Chart: ")
    ]


def _untrusted(nb: dict) -> bool:
    import nbformat
    from nbformat.sign import MemorySignatureStore, NotebookNotary

    notary = NotebookNotary(store_factory=MemorySignatureStore)
    return not notary.check_signature(nbformat.from_dict(nb))


@pytest.mark.smoke
def test_explore_on_sample(tmp_path, monkeypatch):
    from frontier.report import figure_forms

    monkeypatch.setenv(figure_forms.ENV, "light")  # as a notebook run without the runner: PNGs too
    s, out, nb = run("explore", tmp_path, lookup_at=60.0, isl=1024, osl=1024)
    figures_ok(out, "explore_frontier", LIGHT)
    assert s["lookup"] and all(r["target"] == 60.0 for r in s["lookup"])
    assert "What the loaded data holds" in html_outputs(nb)
    charts = _chart_outputs(nb)  # output_dir given, chart_mode "auto": static SVG, with a PNG for untrusted views
    assert charts and all({"image/svg+xml", "image/png"} <= set(d) for d in charts)
    assert _untrusted(nb)  # executed by papermill: Lab shows the PNG until the notebook is trusted


def test_explore_interactive_charts_survive_reopening(tmp_path):
    s, out, nb = run("explore", tmp_path, chart_mode="interactive")
    charts = _chart_outputs(nb)
    assert charts and all({"text/html", "image/png"} <= set(d) for d in charts)
    html = "".join("".join(d["text/html"]) for d in charts)
    assert html.count('data-frontier="vega-bundle"') == 1  # the runtime once per notebook run
    assert html.count('<img class="frontier-fallback"') == len(charts)  # each chart still an image without it
    from frontier.report import find_external_refs

    assert "vegaEmbed" in html and find_external_refs(html) == []  # nothing fetched: offline in Lab


def test_bad_parameter_fails_clearly(tmp_path):
    with pytest.raises(pm.PapermillExecutionError, match="parameter 'isl'"):
        run("iso_interactivity", tmp_path, isl="many")
    with pytest.raises(pm.PapermillExecutionError, match="no points match"):
        run("iso_interactivity", tmp_path, model="NoSuchModel")


def test_iso_and_precision_on_real_data(tmp_path):
    raw = need(MANTILE_RAW)
    s, out, nb = run(
        "iso_interactivity",
        tmp_path,
        data_paths=[str(raw)],
        model="DeepSeek-R1-0528",
        isl=1024,
        osl=1024,
        targets=[30.0, 50.0, 90.0],
        tco_view="costh",
    )
    assert s["synthetic"] is False and s["load"]["rows_read"] == 1687
    ref = iso_table(matches(load(raw).points, model="DeepSeek-R1-0528", isl=1024, osl=1024), [30.0, 50.0, 90.0])
    assert len(s["table"]) == ref.table.height
    assert "Synthetic data" not in html_outputs(nb)
    evals = need(API_FIXTURES / "evaluations.json")
    s2, out2, _ = run(
        "precision_comparison",
        tmp_path,
        data_paths=[str(raw)],
        model="DeepSeek-R1-0528",
        isl=1024,
        osl=1024,
        cross=["b200/fp4 vs h200/fp8"],
        eval_paths=[str(evals)],
    )
    statuses = {r["status"] for r in s2["accuracy"]}
    assert "measured" in statuses  # real evaluations joined to real configs
    measured = [r for r in s2["accuracy"] if r["status"] == "measured"]
    assert all(0 <= r["score"] <= 1 for r in measured)


# ------------------------------------------------------------------------------------- setup() and chart display
def _ns(**values) -> dict:
    """A notebook namespace after its parameters cell ran (annotations as Python records them)."""
    declared = {"data_paths": list[str], "isl": int, "targets": list[float], "output_dir": str, "chart_mode": str}
    ns = {
        "data_paths": [],
        "isl": 1024,
        "targets": [30.0],
        "output_dir": "",
        "chart_mode": "auto",
        "__annotations__": declared,
    }
    ns.update(values)
    return ns


def test_setup_validates_against_the_parameters_cell_annotations(tmp_path, monkeypatch, capsys):
    from frontier.report import notebook

    monkeypatch.setattr(notebook, "SCRATCH_ROOT", tmp_path / "scratch")
    ns = _ns(isl="2048", targets="30, 90")  # papermill -r passes raw strings
    ctx = notebook.setup(ns, "My notebook")
    assert ctx.params["isl"] == 2048 and ns["isl"] == 2048 and ns["targets"] == [30.0, 90.0]
    assert ctx.output_dir == tmp_path / "scratch" / "my_notebook"  # by hand: the scratch folder, not reports/
    assert ctx.chart_mode == "interactive"  # auto, by hand
    assert "scratch folder" in capsys.readouterr().out
    ctx2 = notebook.setup(_ns(output_dir=str(tmp_path / "out")), "My notebook")
    assert ctx2.output_dir == tmp_path / "out" and ctx2.chart_mode == "svg"  # a runner chose the folder
    with pytest.raises(notebook.ParameterError, match="parameter 'isl'"):
        notebook.setup(_ns(isl="many"), "x")
    with pytest.raises(notebook.ParameterError, match="chart_mode"):
        notebook.setup(_ns(chart_mode="fancy", output_dir=str(tmp_path)), "x")
    ns = _ns(cost_rule="guess")
    ns["__annotations__"]["cost_rule"] = str
    with pytest.raises(notebook.ParameterError, match="parameter 'cost_rule': must be one of"):
        notebook.setup(ns, "x")
    ns = _ns(prices=None, output_dir=str(tmp_path))
    ns["__annotations__"]["prices"] = dict
    assert notebook.setup(ns, "x").params["prices"] == {}  # a mapping parameter (YAML), empty by default
    ns["prices"] = "b200=2"
    with pytest.raises(notebook.ParameterError, match="parameter 'prices' is declared dict: give a mapping"):
        notebook.setup(ns, "x")
    with pytest.raises(notebook.ParameterError, match="parameters cell"):
        notebook.setup({"isl": 1}, "x")


def test_notebooks_have_one_setup_call_and_no_second_parameter_list():
    for nb_path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        src = "\n".join("".join(c["source"]) for c in json.loads(nb_path.read_text())["cells"])
        assert src.count("notebook.setup(globals()") == 1 and "check_params" not in src, nb_path


def _chart():
    import altair as alt

    df = pl.DataFrame({"x": [1.0, 2.0, 3.0], "y": [2.0, 1.0, 3.0], "s": ["a", "<script>b</script>", "a"]})
    return alt.Chart(df).mark_line().encode(x="x", y="y", color="s").properties(title="<b>t</b>", width=200)


def test_static_charts_carry_a_png_beside_the_svg():
    from frontier.present import lab

    data, meta = lab.svg_renderer(_chart().to_dict())
    assert data["image/svg+xml"].lstrip().startswith("<svg") and data["text/plain"].startswith("Chart: ")
    png = __import__("base64").b64decode(data["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and meta["image/png"]["width"] > 100


def test_interactive_charts_share_one_bundle_and_keep_a_png_fallback():
    from frontier.present import lab
    from frontier.report import find_external_refs

    lab.enable("interactive")
    first, _ = lab.interactive_renderer(_chart().to_dict())
    second, _ = lab.interactive_renderer(_chart().to_dict())
    assert first["text/html"].count('data-frontier="vega-bundle"') == 1 and "vega-bundle" not in second["text/html"]
    for out in (first, second):
        html = out["text/html"]
        assert '<img class="frontier-fallback"' in html and "data:image/png;base64," in html and "image/png" in out
        assert "<script>b</script>" not in html and "<b>t</b>" not in html.split("<script")[0]
        assert find_external_refs(html) == []
    assert len(second["text/html"]) < len(first["text/html"]) / 5  # the ~0.95 MB bundle travels once
    lab.enable("svg")
