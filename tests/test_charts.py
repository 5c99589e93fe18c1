"""Chart builders, theme, figure export and the offline notebook renderers."""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import altair as alt
import polars as pl
import pytest

from frontier.data import labels
from frontier.present import charts

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def pts() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "label": ["b200 fp4"] * 4 + ["h200 fp8"] * 4,
            "median_intvty": [10.0, 20.0, 40.0, 80.0, 12.0, 25.0, 50.0, 90.0],
            "tput_per_gpu": [3000.0, 2500.0, 1000.0, 400.0, 1500.0, 1200.0, 500.0, 200.0],
            "conc": [64, 32, 8, 2, 64, 32, 8, 2],
        }
    )


@pytest.fixture(autouse=True)
def restore_renderer():
    before = alt.renderers.active
    yield
    alt.renderers.enable(before)


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def _rows(spec: dict, layer: dict | None = None) -> list[dict]:
    """Inline rows of a layer (Altair moves inline values into top-level named ``datasets``)."""
    data = (layer or {}).get("data") or spec["data"]
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_frontier_chart_encodings(pts):
    bounds = pl.DataFrame({"label": ["b200 fp4"], "intvty": [120.0]})
    spec = charts.frontier_chart(
        pts, pts.filter(pl.col("conc") != 8), title="T", bounds=bounds, targets=[30, 50]
    ).to_dict()
    layers = _layers(spec)
    line = layers[0]
    assert line["mark"]["type"] == "line" and line["mark"]["interpolate"] == "monotone"
    assert line["encoding"]["x"]["field"] == "median_intvty"
    assert line["encoding"]["x"]["title"] == "Interactivity (tok/s/user)"
    assert line["encoding"]["y"]["field"] == "tput_per_gpu"
    assert line["encoding"]["y"]["title"] == "Throughput per GPU (tok/s/GPU)"
    assert line["encoding"]["color"]["field"] == "label"
    assert line["encoding"]["color"]["scale"]["domain"] == ["b200 fp4", "h200 fp8"]
    scatter = layers[1]
    assert scatter["mark"]["type"] == "point" and scatter["mark"]["opacity"] < 0.5
    assert len(_rows(spec, scatter)) == 8 and len(_rows(spec, line)) == 6
    # frontier rows sorted by x, only the needed columns inlined
    xs = [r["median_intvty"] for r in _rows(spec, line)]
    assert xs == sorted(xs)
    assert set(_rows(spec, line)[0]) == {"label", "median_intvty", "tput_per_gpu", "conc"}
    rules = [lay for lay in layers if lay["mark"]["type"] == "rule"]
    dashed = [r for r in rules if r["mark"].get("strokeDash")]
    assert dashed and dashed[0]["encoding"]["x"]["field"] == "intvty"
    assert _rows(spec, dashed[0])[0]["intvty"] == 120.0
    target_rule = [r for r in rules if r["mark"].get("style") == "guide-rule"][0]
    assert [v["target"] for v in _rows(spec, target_rule)] == [30.0, 50.0]
    texts = [lay for lay in layers if lay["mark"]["type"] == "text"]
    assert any(v.get("_bound_text") == "decode floor b200 fp4 120 tok/s/user" for t in texts for v in _rows(spec, t))
    assert spec["config"]["background"] == "#ffffff"
    assert spec["title"] == "T"


def test_builders_units_and_rules(pts):
    cost = pts.with_columns(cost_per_m_total=1.95 / (pl.col("tput_per_gpu") * 3600 / 1e6))
    spec = charts.cost_chart(cost, log_y=True).to_dict()
    y = spec["layer"][0]["encoding"]["y"]
    assert y["field"] == "cost_per_m_total" and y["scale"]["type"] == "log"
    assert y["axis"]["format"].startswith("$") and "$" in y["title"]

    ratio = pl.DataFrame({"median_intvty": [20.0, 30.0, 40.0], "ratio": [0.5, 0.45, 0.4], "label": ["x"] * 3})
    rspec = charts.ratio_chart(ratio).to_dict()
    ref = [lay for lay in rspec["layer"] if lay["mark"].get("type") == "rule"][0]
    assert _rows(rspec, ref) == [{"ref": 1.0}] and ref["encoding"]["y"]["field"] == "ref"

    trend = pl.DataFrame({"date": [dt.date(2026, 1, 1), dt.date(2026, 2, 1)], "v": [1.0, 2.0]})
    lspec = charts.line_chart(trend, "date", "v").to_dict()
    enc = lspec["layer"][0]["encoding"]
    assert enc["x"]["type"] == "temporal" and enc["y"]["type"] == "quantitative"
    assert _rows(lspec, lspec["layer"][0])[0]["date"] == "2026-01-01"


def test_fields_with_dots_nan_and_missing_columns():
    df = pl.DataFrame({"p99.9": [1.0, float("nan"), 3.0], "y": [1.0, 2.0, 3.0], "label": ["a", "a", "a"]})
    spec = charts.line_chart(df, "p99.9", "y", "label").to_dict()
    layer = spec["layer"][0]
    assert layer["encoding"]["x"]["field"] == "p99\\.9"
    assert [r["p99.9"] for r in _rows(spec, layer)][-1] is None  # NaN is inlined as null
    with pytest.raises(KeyError, match="colour column 'nope'"):
        charts.frontier_chart(df, None, x="p99.9", y="y", color="nope")


def test_row_limit_is_per_chart(pts):
    big = pl.DataFrame(
        {"label": ["a"] * 5001, "median_intvty": [float(i + 1) for i in range(5001)], "tput_per_gpu": [1.0] * 5001}
    )
    with pytest.raises(ValueError, match="5,001 rows"):
        charts.frontier_chart(big, None)
    spec = charts.frontier_chart(big, None, max_rows=6000).to_dict()  # serialises: rows are inlined by the builder
    assert len(_rows(spec, spec["layer"][0])) == 5001
    # Altair's global limit is untouched
    assert alt.data_transformers.options.get("max_rows", 5000) == 5000


def test_theme_is_per_chart_and_reapplicable(pts):
    light = charts.frontier_chart(pts, pts)
    dark = charts.frontier_chart(pts, pts, theme="dark")
    assert light.to_dict()["config"]["background"] != dark.to_dict()["config"]["background"]
    redone = charts.apply_theme(light, "dark").to_dict()["config"]
    assert redone["background"] == charts.COLORS["dark"]["background"]
    assert redone["range"]["category"] == charts.PALETTES["dark"]
    assert light.to_dict()["config"]["background"] == "#ffffff"  # original unchanged
    with pytest.raises(ValueError):
        charts.frontier_chart(pts, pts, theme="sepia")


@pytest.mark.parametrize("mode", ["builder", "partial", "chart"])
def test_save_figure_writes_light_and_dark(pts, tmp_path, mode):
    if mode == "builder":
        obj = lambda theme: charts.frontier_chart(pts, pts, title="F", theme=theme)  # noqa: E731
    elif mode == "partial":
        obj = functools.partial(charts.frontier_chart, pts, pts, title="F")
    else:
        obj = charts.frontier_chart(pts, pts, title="F")
    files = charts.save_figure(obj, "fig", tmp_path)
    assert [f.name for f in files] == ["fig-light.png", "fig-light.svg", "fig-dark.png", "fig-dark.svg"]
    if mode != "builder":
        return
    svgs = {}
    for theme in ("light", "dark"):
        svg_text = (tmp_path / f"fig-{theme}.svg").read_text()
        root = ET.fromstring(svg_text)  # valid XML
        assert root.tag.endswith("svg")
        w, h = int(float(root.get("width"))), int(float(root.get("height")))
        pw, ph = _png_size((tmp_path / f"fig-{theme}.png").read_bytes())
        assert (pw, ph) == (2 * w, 2 * h)
        svgs[theme] = svg_text
        bg = re.search(r'<rect width="\d+" height="\d+" fill="([^"]+)"', svg_text).group(1)
        assert bg.lower() == charts.COLORS[theme]["background"]
    assert svgs["light"] != svgs["dark"]
    assert (tmp_path / "fig-light.png").read_bytes() != (tmp_path / "fig-dark.png").read_bytes()


def test_save_figure_rejects_bad_names(pts, tmp_path):
    with pytest.raises(ValueError):
        charts.save_figure(charts.frontier_chart(pts, pts), "../x", tmp_path)


def test_svg_renderer_is_static(pts):
    name = charts.enable_offline("svg")
    assert alt.renderers.active == name
    bundle = alt.renderers.get()(charts.frontier_chart(pts, pts).to_dict())
    out = "".join(v for v in bundle.values() if isinstance(v, str))
    assert "<svg" in bundle["image/svg+xml"]
    assert "<script" not in out.lower()
    # the renderer is what IPython calls: check through Altair's own mimebundle path too
    mb = charts.frontier_chart(pts, pts)._repr_mimebundle_()
    mb = mb[0] if isinstance(mb, tuple) else mb
    assert "<svg" in mb["image/svg+xml"]


def _interactive_page(chart_specs: list[dict]) -> str:
    renderer = alt.renderers.get()
    parts = [renderer(s)["text/html"] for s in chart_specs]
    return "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>" + "".join(parts) + "</body></html>"


def test_interactive_renderer_embeds_bundle_once(pts):
    charts.enable_offline("interactive")
    evil = pts.with_columns(pl.lit("</script><script>alert(1)</script>").alias("label"))
    page = _interactive_page([charts.frontier_chart(pts, pts).to_dict(), charts.frontier_chart(evil, None).to_dict()])
    assert page.count('data-frontier="vega-bundle"') == 1
    assert page.count('class="frontier-chart ') == 2
    assert "</script><script>alert(1)" not in page  # data cannot close the script element
    assert not re.search(r"<script[^>]+src=", page)
    # enabling again starts a new page: the next chart carries the bundle again
    charts.enable_offline("interactive")
    again = alt.renderers.get()(charts.frontier_chart(pts, pts).to_dict())["text/html"]
    assert 'data-frontier="vega-bundle"' in again


def _chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-sync",
        "--disable-component-update",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed at /usr/bin/chromium")
def test_interactive_page_renders_two_charts_offline(pts, tmp_path):
    charts.enable_offline("interactive")
    page = _interactive_page(
        [
            charts.frontier_chart(pts, pts, title="one").to_dict(),
            charts.ratio_chart(pts.with_columns(ratio=pl.col("conc") / 10.0), y="ratio").to_dict(),
        ]
    )
    f = tmp_path / "page.html"
    f.write_text(page, encoding="utf-8")
    proc = _chromium(["--virtual-time-budget=15000", "--dump-dom", f.as_uri()], tmp_path)
    dom = proc.stdout
    drawn = re.findall(r'class="frontier-chart [^"]*\bvega-embed\b', dom)  # vega-embed adds its class when drawn
    assert len(drawn) == 2, proc.stderr[-2000:]
    assert dom.count('class="marks"') == 2  # both charts drawn as SVG by vega-embed
    assert "Chart failed to render: " + "Error" not in dom


def test_standalone_html_is_offline(pts):
    from frontier.report import find_external_refs

    page = charts.standalone_html([charts.frontier_chart(pts, pts)], mode="svg", title="<t>")
    assert "<svg" in page and "&lt;t&gt;" in page and "<script" not in page
    assert find_external_refs(page) == []
    page = charts.standalone_html([charts.frontier_chart(pts, pts)] * 2, mode="interactive")
    assert page.count('data-frontier="vega-bundle"') == 1
    assert find_external_refs(page) == []


def test_series_labels_name_only_what_varies():
    df = pl.DataFrame(
        {
            "model": ["DeepSeek-R1-0528 (synthetic)"] * 3,
            "isl": [1024] * 3,
            "osl": [1024] * 3,
            "hardware": ["b200", "b200", "h200"],
            "framework": ["sglang"] * 3,
            "precision": ["fp4", "fp8", "fp8"],
            "spec_method": ["mtp", "mtp", "none"],
        }
    )
    assert labels.series_labels(df).to_list() == [
        "B200 · FP4 · MTP",
        "B200 · FP8 · MTP",
        "H200 · FP8 · no spec decoding",
    ]
    assert labels.held_constant(df) == "DeepSeek-R1-0528 · ISL/OSL 1k/1k · SGLang"
    one = df.head(1)
    assert labels.series_labels(one).to_list() == ["B200 · SGLang · FP4"]  # nothing varies: hardware, engine, precision
    assert (
        labels.pair_label("B200 · FP4 · no spec decoding", "B200 · FP4 · MTP") == "B200 · FP4 · no spec decoding → MTP"
    )
    # a part that differs stays in its place; labels of different shapes are written whole
    assert labels.pair_label("mi300x · sglang · fp8", "mi355x · sglang · fp8") == "mi300x → mi355x · sglang · fp8"
    assert labels.pair_label("a · b", "a · b · c") == "a · b → a · b · c"


def test_spec_json_has_no_nan(pts):
    df = pts.with_columns(
        pl.when(pl.col("conc") == 8).then(float("inf")).otherwise(pl.col("tput_per_gpu")).alias("tput_per_gpu")
    )
    json.dumps(charts.frontier_chart(df, df).to_dict(), allow_nan=False)


def test_more_labels_than_colours_get_dashes():
    rows = [
        {"label": f"c{i:02d}", "median_intvty": float(10 + j * 10), "tput_per_gpu": float(1000 - j * 100 + i)}
        for i in range(10)
        for j in range(3)
    ]
    df = pl.DataFrame(rows)
    layer = charts.frontier_chart(None, df).to_dict()["layer"][0]
    dash = layer["encoding"]["strokeDash"]
    assert dash["field"] == "label" and dash["scale"]["range"][0] == [1, 0] and dash["scale"]["range"][9] != [1, 0]
    few = charts.frontier_chart(None, df.filter(pl.col("label") < "c05")).to_dict()["layer"][0]
    assert "strokeDash" not in few["encoding"]


def test_chart_description_from_title_and_subtitle():
    from frontier.present.charts import chart_description

    assert (
        chart_description({"title": {"text": "Cost", "subtitle": ["at 50 tok/s/user", "costh"]}})
        == "Cost. at 50 tok/s/user. costh"
    )
    assert chart_description({"title": "Only a title"}) == "Only a title"
    assert chart_description({"description": "Given", "title": "ignored"}) == "Given"
    assert chart_description({}) == "Chart"


# --------------------------------------------------------------------------------- figures that stand alone
@pytest.fixture(scope="module")
def sample_iso():
    from frontier import paths
    from frontier.analysis import iso
    from frontier.data.load import load, matches

    pts = matches(load(paths.SAMPLE_DIR).points, model="DeepSeek-R1-0528*", isl=1024, osl=1024)
    return iso.iso_table(pts, [30, 50, 90])


def _svg_text(svg: str) -> str:
    """Every text node of an SVG, joined by newlines (what a reader of the figure sees)."""
    root = ET.fromstring(svg)
    return "\n".join(t.strip() for t in root.itertext() if t.strip())


def _legend_limits(spec: dict) -> list[tuple[list[str], int]]:
    """(domain, labelLimit) of every colour/dash legend in a layered spec."""
    out = []
    for layer in spec.get("layer", []):
        for ch in ("color", "strokeDash"):
            enc = layer.get("encoding", {}).get(ch)
            if enc and isinstance(enc.get("legend"), dict) and "domain" in enc.get("scale", {}):
                out.append((enc["scale"]["domain"], enc["legend"]["labelLimit"]))
    return out


def test_iso_figure_stands_alone(sample_iso, tmp_path):
    from frontier.present import figures

    fig = figures.iso_cost(sample_iso, "costh")
    spec = charts.to_spec(fig("light"))
    # at most eight series, chosen by a rule printed on the figure; the rest listed in the caption
    line = spec["layer"][0]
    domain = line["encoding"]["color"]["scale"]["domain"]
    n_configs = sample_iso.configs.height
    assert len(domain) == min(figures.MAX_SERIES, n_configs) < n_configs
    assert fig.caption.startswith(f"Not drawn ({n_configs - len(domain)} configs)")
    # legends name only what varies: the model, ISL/OSL and the synthetic marker are in the subtitle instead
    assert not any("DeepSeek" in d or "1k/1k" in d or "synthetic" in d for d in domain)
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "DeepSeek-R1-0528 · ISL/OSL 1k/1k" in subtitle and "Synthetic data" in subtitle
    assert "*" not in spec["title"]["text"] and "costh" not in json.dumps(spec["title"])
    # legend labels are never cut: the limit fits the longest label at a generous 7 px per character
    for dom, limit in _legend_limits(spec):
        assert limit >= 7 * max(len(d) for d in dom)
    # tooltips: human titles, rounded numbers
    tips = {t["field"]: t for t in line["encoding"]["tooltip"]}
    assert tips["median_intvty"]["title"] == "Interactivity (tok/s/user)"
    assert tips["cost_per_m_total"]["format"].startswith("$") and tips["tput_per_gpu"]["format"] == ",.0f"
    # exported files carry the source block and the synthetic marker as text, and PNGs state 144 dpi at 2x
    files = charts.save_figure(fig, "cost", tmp_path)
    for f in files:
        if f.suffix == ".svg":
            text = _svg_text(f.read_text())
            assert "Synthetic data" in text and "Data: synthetic sample" in text
            assert "Prices: dashboard GPU table v2 (" in text and "2026-09-01" in text
            assert "owning at hyperscaler volume: B200 $1.73" in text
            assert "Built " in text and "Showing 8 of" in text
        else:
            assert charts.png_dpi(f.read_bytes()) == pytest.approx(144, abs=0.1)


def test_source_line_for_real_data_names_inferencex_and_dates():
    pts = pl.DataFrame(
        {
            "synthetic": [False, False],
            "source_format": ["agg_bmk", "agg_bmk"],
            "date": [dt.date(2025, 12, 3), dt.date(2026, 1, 20)],
            "hardware": ["b200", "h200"],
        }
    )
    assert labels.data_line(pts) == "Data: InferenceX (SemiAnalysis) sweep results, measured 2025-12-03 to 2026-01-20"
    from frontier.analysis.economics import Pricing

    v2 = Pricing.dashboard(version="v2")
    line = labels.price_line(v2, "costh", ["h200", "b200"])
    assert line.startswith(f"Prices: {v2.label}") and ("2026-09-01" in line or "Sep 2026" in line)
    assert line.endswith("owning at hyperscaler volume: B200 $1.73 / H200 $1.22 per GPU-hour")
    lines = labels.source_lines(pts)
    assert lines[0].startswith("Data: InferenceX") and lines[-1].startswith("Built ") and len(lines) == 2


def test_pair_members_share_a_colour_and_differ_by_dash():
    from frontier import paths
    from frontier.analysis import compare
    from frontier.data.load import load
    from frontier.present import figures

    mtp = compare.mtp_comparison(load(paths.SAMPLE_DIR).points, [30, 50, 90])
    spec = charts.to_spec(figures.pair_frontiers(mtp, title="MTP")("light"))
    line = spec["layer"][0]
    rows = _rows(spec, line)
    by_series: dict[str, set] = {}
    for r in rows:
        by_series.setdefault(r["series"], set()).add(r["side"])
    assert 0 < len(by_series) <= figures.MAX_PAIRS
    assert all(sides == {"MTP", "no spec decoding"} for sides in by_series.values())  # both members, one colour
    assert line["encoding"]["color"]["field"] == "series" and line["encoding"]["strokeDash"]["field"] == "side"
    assert line["encoding"]["strokeDash"]["scale"]["range"][0] != line["encoding"]["strokeDash"]["scale"]["range"][1]
    # one model and ISL/OSL per panel (the target rules apply to it); other workloads' pairs are listed
    assert "ISL/OSL" in " ".join(spec["title"]["subtitle"])  # held constant across the panel: in the subtitle
    assert not any("/" in name for name in by_series)  # no series names its own ISL/OSL
    if mtp.pairs.select("model", "isl", "osl").n_unique() > 1:
        assert "one model and ISL/OSL per chart" in json.dumps(spec, ensure_ascii=False)


def test_pair_ratio_titles_name_the_two_sides_drawn():
    from frontier import paths
    from frontier.analysis import compare
    from frontier.data.load import load
    from frontier.present import figures

    prec = compare.precision_comparison(load(paths.SAMPLE_DIR).points, [30, 50, 90])
    spec = charts.to_spec(figures.pair_ratio(prec)("light"))
    y_titles = [lay["encoding"]["y"].get("title", "") for lay in spec["layer"] if "y" in lay.get("encoding", {})]
    title = spec["title"]["text"] + " " + " ".join(t for t in y_titles if t)
    assert "higher precision" not in title and "lower" not in title
    kinds = {
        (r["side_a"], r["side_b"]) for r in figures._pair_selection(prec, figures.MAX_SERIES)[0].iter_rows(named=True)
    }
    if len(kinds) == 1:
        ((a, b),) = kinds
        assert f"{b} ÷ {a}" in title
    else:
        assert "after ÷ before the arrow" in title


def test_decode_floor_labels_do_not_collide_and_log_axis_fits_the_data(pts):
    bounds = pl.DataFrame(
        {
            "label": ["b200 fp4", "h200 fp8", "x", "y"],
            "hardware": ["b200", "h200", "mi355x", "mi355x"],
            "precision": ["fp4", "fp8", "fp8", "fp4"],
            "intvty": [100.0, 100.0, 104.0, 2726.0],
        }
    )
    spec = charts.frontier_chart(pts, pts, bounds=bounds, log_x=True, subtitle="held").to_dict()
    rule = next(lay for lay in spec["layer"] if lay["mark"]["type"] == "rule" and lay["mark"].get("strokeDash"))
    rows = _rows(spec, rule)
    assert [r["intvty"] for r in rows] == [100.0, 104.0]  # one rule per distinct floor; the far one not drawn
    shared = rows[0]
    assert shared["_configs"] == "b200 fp4, h200 fp8" and shared["_stroke"] == charts.COLORS["light"]["subtle"]
    texts = [r["_bound_text"] for r in rows if r["_bound_text"]]
    # close floors share a label; each floor names its GPU and precision
    assert texts == ["decode floor B200 FP4, H200 FP8 100; MI355X FP8 104 tok/s/user"]
    assert spec["title"]["subtitle"] == ["held", "Decode floors beyond the axis: MI355X FP4 2,726 tok/s/user"]
    lo, hi = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    data_lo, data_hi = 10.0, 104.0  # the axis fits the data and the floors drawn, within a factor 1.5
    assert data_lo / 1.5 < lo <= data_lo and data_hi <= hi < data_hi * 1.5


def test_png_dpi_metadata_roundtrip(pts):
    import vl_convert as vlc

    png = vlc.vegalite_to_png(charts.to_spec(charts.frontier_chart(pts, pts)), scale=2)
    out = charts.png_with_dpi(png, 144)
    assert charts.png_dpi(out) == pytest.approx(144, abs=0.1)
    assert charts.png_dpi(charts.png_with_dpi(out, 72)) == pytest.approx(72, abs=0.1)  # replaced, not doubled
    assert out.count(b"pHYs") == 1 and _png_size(out) == _png_size(png)


def test_provider_margin_chart_names_each_provider_with_price_and_cost():
    curves = pl.DataFrame(
        {"median_intvty": [10.0, 50.0, 100.0], "cost_per_m_total": [0.1, 0.3, 1.0], "label": ["a"] * 3}
    )
    prov = pl.DataFrame(
        {
            "provider": ["p1", "p2"],
            "speed": [40.0, 300.0],
            "price": [2.0, 3.0],
            "cost": [0.25, None],
            "label": ["p1: $2 (cost $0.25, margin 88%)", "p2: $3 (no config reaches this speed)"],
        }
    )
    spec = charts.margin_chart(curves, prov, title="T").to_dict()
    marks = [lay["mark"]["type"] if isinstance(lay["mark"], dict) else lay["mark"] for lay in spec["layer"]]
    assert marks.count("point") == 2 and "rule" in marks and "text" in marks
    text = next(lay for lay in spec["layer"] if lay["mark"]["type"] == "text" and lay["encoding"].get("text"))
    assert [r["label"] for r in _rows(spec, text)] == prov["label"].to_list()
    lo, hi = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert 0.05 < lo < 0.1 and 3.0 < hi < 6.0  # log axis fitted to costs and prices


def test_provider_labels_do_not_overlap():
    curves = pl.DataFrame({"median_intvty": [10.0, 500.0], "cost_per_m_total": [0.01, 1.0], "label": ["a", "a"]})
    n = 6
    prov = pl.DataFrame(
        {
            "provider": [f"p{i}" for i in range(n)],
            "speed": [50.0 + i for i in range(n)],
            "price": [0.3] * n,
            "cost": [0.01] * n,
            "label": [f"p{i} $0.3 · cost $0.01" for i in range(n)],
        }
    )
    spec = charts.margin_chart(curves, prov).to_dict()
    rows = _rows(spec, next(lay for lay in spec["layer"] if lay["mark"]["type"] == "text"))
    ylo, yhi = (math.log10(v) for v in spec["layer"][0]["encoding"]["y"]["scale"]["domain"])
    xlo, xhi = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    boxes = []
    for r in rows:
        y = 400 * (1 - (math.log10(r["_y_label"]) - ylo) / (yhi - ylo))
        x0 = 640 * (r["_x_label"] - xlo) / (xhi - xlo) + 9
        boxes.append((x0, x0 + len(r["label"]) * 6.2, y))
    for i, (a0, a1, ay) in enumerate(boxes):
        for b0, b1, by in boxes[i + 1 :]:
            assert not (a0 < b1 and b0 < a1 and abs(ay - by) < 13 - 1e-6), (boxes, i)
    # every label starts right of every marker it would otherwise cover
    marks = [640 * (s - xlo) / (xhi - xlo) for s in prov["speed"]]
    assert all(x0 > max(m for m in marks if m < x0 + 1) for x0, _, _ in boxes)


def test_source_line_names_runs_when_dates_are_missing():
    pts = pl.DataFrame(
        {
            "synthetic": [False] * 3,
            "source_format": ["agg_bmk"] * 3,
            "date": [None] * 3,
            "run_id": [20737128080, 20662362255, 20662362255],
        },
        schema_overrides={"date": pl.Date},
    )
    assert labels.data_line(pts) == (
        "Data: InferenceX (SemiAnalysis) sweep results, CI runs 20662362255, 20737128080 (dates not recorded)"
    )


def _target_labels(spec: dict) -> list[dict]:
    """Rows of the layer that labels the target rules (text encoded from ``_text``)."""
    for layer in spec["layer"]:
        if layer.get("encoding", {}).get("text", {}).get("field") == "_text":
            d = layer["data"]
            rows = d["values"] if "values" in d else spec["datasets"][d["name"]]
            return [r for r in rows if r["_text"]]
    raise AssertionError("no target label layer")


@pytest.mark.parametrize("builder", ["frontier", "cost"])
def test_close_targets_share_one_label_and_labels_are_apart(pts, builder):
    targets = [30.0, 47.2, 49.0, 50.8, 76.0, 79.0]
    if builder == "frontier":
        chart = charts.frontier_chart(None, pts, targets=targets, width=640)
    else:
        chart = charts.cost_chart(pts.rename({"tput_per_gpu": "cost_per_m_total"}), targets=targets, width=640)
    labelled = _target_labels(charts.to_spec(chart))
    # the axis runs from 0 to at most 1.25 × the largest x drawn (90): labels at least the gap apart there
    px_per_unit = 640 / (90.0 * 1.25)
    xs = sorted(r["target"] for r in labelled)
    assert all((b - a) * px_per_unit >= charts._encoding.TARGET_LABEL_GAP_PX for a, b in zip(xs, xs[1:]))
    texts = " | ".join(r["_text"] for r in labelled)
    for t in targets:  # every target is still named, merged into a neighbour's label when too close
        assert f"{t:g}" in texts
    assert "47.2 / 49 tok/s/user" in texts and "76 / 79 tok/s/user" in texts


def test_provider_margin_labels_use_one_percent_and_minus_style():
    from frontier.analysis import compare
    from frontier.analysis.economics import Pricing
    from frontier.present import figures

    from .test_compare import _curve

    pts = pl.DataFrame(_curve("b200", "fp4", "none", 2.0) + _curve("h200", "fp8", "none", 0.7))
    providers = pl.DataFrame(
        {
            "provider": ["dear", "cheap"],
            "model": ["M", "M"],
            "price_input_per_m": [50.0, 0.0001],
            "price_output_per_m": [200.0, 0.0004],
            "tok_s_user": [50.0, 50.0],
            "date": ["2026-11-01"] * 2,
            "source": ["test"] * 2,
        }
    )
    pricing = Pricing.dashboard("v0")
    figs = figures.provider_margin_figures(
        pts, compare.provider_margins(pts, providers, pricing=pricing, views=["costh"]), pricing, "costh"
    )
    assert len(figs) == 1
    text = json.dumps(charts.to_spec(figs[0][1]()), ensure_ascii=False)
    margins = re.findall(r"margin ([^\s\"]+ ?%)", text)
    assert margins and all(re.fullmatch(r"−?\d[\d,]* %", m) for m in margins), margins
    assert any(m.startswith("−") for m in margins) and not re.search(r"margin -\d|\d%", text)


def test_trend_connectors_join_only_adjacent_periods_and_legend_names_what_varies():
    df = pl.DataFrame(
        {
            "period": [2, 3, 9, 12, 13, 2, 4, 10, 11],
            "v": [300.0, 320.0, 330.0, 50_000.0, 52_000.0, 1000.0, 1050.0, None, 1100.0],
            "config": ["B200 · FP8 · no spec decoding"] * 5 + ["H200 · FP8 · no spec decoding"] * 4,
        }
    )
    spec = charts.line_chart(df, "period", "v", "config", x_type="ordinal", log_y=True).to_dict()
    line = next(lay for lay in spec["layer"] if lay["mark"]["type"] == "line")
    assert line["encoding"]["detail"]["field"] == "_segment"
    rows = _rows(spec, line)
    segs: dict[str, list[int]] = {}
    for r in rows:
        if r["_segment"] is not None:
            segs.setdefault(r["_segment"], []).append(r["period"])
    positions = sorted(set(df["period"].to_list()))
    for periods in segs.values():  # each connector joins markers in neighbouring x positions only
        idx = sorted(positions.index(p) for p in periods)
        assert len(idx) >= 2 and all(b - a == 1 for a, b in zip(idx, idx[1:]))
    assert sorted(sorted(p) for p in segs.values()) == [[2, 3], [12, 13]]  # 3 → 9 → 12 and 2 → 4 → 11 not bridged
    # the constant part is left out of the legend
    assert line["encoding"]["color"]["scale"]["domain"] == ["B200", "H200"]
    # a log axis with round ends: the top tick is at or above the largest value
    ticks = line["encoding"]["y"]["axis"]["values"]
    lo, hi = line["encoding"]["y"]["scale"]["domain"]
    assert ticks[0] == lo <= 300.0 and ticks[-1] == hi >= 52_000.0 and hi <= 52_000.0 * 2.5


def test_without_shared_parts():
    names = ["A · 1k/1k · FP4 · no spec", "A · 8k/1k · FP8 · no spec"]
    assert labels.without_shared_parts(names) == {names[0]: "1k/1k · FP4", names[1]: "8k/1k · FP8"}
    assert labels.without_shared_parts(["x · y", "x · y · z"]) == {"x · y": "x · y", "x · y · z": "x · y · z"}


def test_interactive_charts_pan_zoom_and_pick_series_from_the_legend(pts):
    """Interactive mode: an interval selection bound to the scales (drag pans, wheel zooms) and a legend-bound
    series pick that fades the other series; the result compiles to Vega with both bound, static charts are
    untouched, and the embed snippet and the JupyterLab renderer carry the interactive spec."""
    import vl_convert as vlc

    from frontier.present import lab

    static = charts.frontier_chart(pts, pts, title="T", targets=[30]).to_dict()
    spec = charts.with_interaction(static)
    assert "params" not in json.dumps(static["layer"][0])  # the static spec is left as it was
    params = {p["name"]: p for layer in spec["layer"] for p in layer.get("params", [])}
    assert params[charts.ZOOM_PARAM]["bind"] == "scales"
    assert params[charts.PICK_PARAM]["bind"] == "legend" and params[charts.PICK_PARAM]["select"]["fields"] == ["label"]
    faded = [
        layer["encoding"]["opacity"]
        for layer in spec["layer"]
        if layer.get("encoding", {}).get("color", {}).get("field") == "label"
    ]
    assert faded and all(o["condition"]["param"] == charts.PICK_PARAM for o in faded)
    vega = json.dumps(vlc.vegalite_to_vega(spec, vl_version=charts.export._vl_version()))
    assert charts.ZOOM_PARAM in vega and charts.PICK_PARAM in vega and "wheel" in vega
    assert charts.with_interaction(spec) == spec  # applying it twice adds nothing
    assert charts.ZOOM_PARAM in charts.render.embed_snippet(static)
    data, _ = lab.interactive_renderer(static)
    assert charts.PICK_PARAM in data["text/html"] and "image/png" in data


# ------------------------------------------------------------------------- text XML cannot hold (vl-convert aborts)
_HOSTILE_EXPORT = r"""
import json, sys, tempfile
import polars as pl
from frontier.present import charts

label = "Ctrl\x01Model \ufffe\x0b"
pts = pl.DataFrame({"label": [label, label, "ok"], "median_intvty": [10.0, 20.0, 15.0],
                    "tput_per_gpu": [300.0, 100.0, 200.0]})
chart = charts.frontier_chart(pts, pts, title="T\x01", source=["src\x02"])
raw = {"data": {"values": [{"a\x03": label, "b": 1}]}, "mark": "bar", "title": label,
       "encoding": {"x": {"field": "a\x03", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}
out = tempfile.mkdtemp()
written = charts.save_figure(chart, "fig", out) + charts.save_figure(raw, "raw", out)
svg = charts.export.render_svg(raw)
png = charts.vl_png(raw)
print(json.dumps({"written": [p.name for p in written], "svg": svg, "png": len(png)}))
"""


def test_export_of_labels_xml_cannot_hold_does_not_abort_the_process(tmp_path):
    # vl-convert ends the whole process (SIGABRT) on such a character: the export runs in a child process so a
    # regression fails this test instead of killing the test run
    proc = subprocess.run(
        [__import__("sys").executable, "-c", _HOSTILE_EXPORT], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert len(out["written"]) == 8 and out["png"] > 0
    assert "Ctrl\ufffdModel" in out["svg"]
    ET.fromstring(out["svg"])  # well-formed XML


def test_xml_safe_replaces_every_string_keys_included():
    spec = {"a\x01": ["x\x1f", 1, {"k": "\ud800\uffff"}], "t": "tab\tand\nnewline"}
    safe = charts.xml_safe(spec)
    assert safe == {"a\ufffd": ["x\ufffd", 1, {"k": "\ufffd\ufffd"}], "t": "tab\tand\nnewline"}
    assert charts.to_spec(spec) == safe
