"""HTML pieces: escaping, number alignment, null markers, provenance, callouts, summary JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pandas as pd
import polars as pl
import pytest

from frontier import paths
from frontier.present import display

EVIL = "<script>alert(1)</script>"


class _Cells(HTMLParser):
    """Collect (tag, class, text) for every th/td."""

    def __init__(self):
        super().__init__()
        self.cells: list[tuple[str, str, str]] = []
        self._cur: list | None = None
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        if tag in ("td", "th"):
            self._cur = [tag, dict(attrs).get("class") or "", ""]

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cur is not None:
            self.cells.append(tuple(self._cur))
            self._cur = None

    def handle_data(self, data):
        if self._cur is not None:
            self._cur[2] += data


def _cells(html: str) -> _Cells:
    p = _Cells()
    p.feed(html)
    return p


@pytest.fixture
def frame() -> pl.DataFrame:
    return pl.DataFrame(
        {"config": [EVIL, "b200 fp4"], "tput": [1057.2, None], "cost": [0.509, float("nan")], "conc": [41, 25]},
        schema={"config": pl.String, "tput": pl.Float64, "cost": pl.Float64, "conc": pl.Int64},
    )


def test_table_escapes_data_and_aligns_numbers(frame):
    t = display.table_html(frame, caption="<b>caption</b>", formats={"cost": "${:.3f}"}, na={"tput": "unreachable"})
    html = t._repr_html_()
    parsed = _cells(html)
    assert parsed.scripts == 0
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;caption&lt;/b&gt;" in html
    cells = {c[2]: c for c in parsed.cells}
    assert EVIL in cells  # the text survives, as text
    assert "num" in cells["1,057.2"][1]
    assert cells["$0.509"][1] == "num"
    assert "na" in cells["unreachable"][1]
    assert "—" in cells  # NaN cost uses the default marker
    assert "num" in cells["41"][1]
    assert "num" not in cells[EVIL][1]
    # headers of numeric columns are right-aligned too
    assert [c for c in parsed.cells if c[0] == "th" and c[2] == "tput"][0][1] == "num"


def test_table_pandas_and_max_rows():
    df = pd.DataFrame({"name": ["a", "b", "c"], "v": [1.5, None, 3.25], "when": [dt.date(2026, 7, 14)] * 3})
    html = str(display.table_html(df, max_rows=2, na="n/a", formats={"v": lambda x: f"{x:.1f}×"}))
    cells = [c[2] for c in _cells(html).cells]
    assert "1.5×" in cells and "n/a" in cells and "2026-07-14" in cells
    assert "3.2×" not in cells and "Showing 2 of 3 rows" in html
    assert str(display.table_html(df, formats={"nope": ".1f"})) == str(display.table_html(df))


def test_every_piece_carries_the_stylesheet(frame):
    """Re-running a notebook in one kernel (or one cell after clearing outputs) keeps the styling."""
    first = display.table_html(frame)._repr_html_()
    again = display.table_html(frame)._repr_html_()
    banner = display.provenance_html([], None, {}, synthetic=True)._repr_html_()
    for h in (first, again, banner, display.callout("x")._repr_html_()):
        assert h.count("<style") == 1 and ".fx-banner" in h
    assert first == again and "<style" not in str(display.callout("x"))


def test_callout_kinds_and_escaping():
    h = str(display.callout(f"careful {EVIL}\n\nsecond paragraph", kind="caveat"))
    assert "fx-callout caveat" in h and "&lt;script&gt;" in h and "<script>" not in h
    assert h.count("<p") == 2
    with pytest.raises(ValueError):
        display.callout("x", kind="shout")


def test_provenance_shows_inputs_load_report_params_and_banner():
    inputs = [
        {
            "path": str(paths.ROOT / "data" / "raw" / "sample" / "agg_bmk.json"),
            "sha256": "0123456789abcdef" * 4,
            "format": "agg_bmk",
            "rows_read": 120,
            "rows_loaded": 117,
        }
    ]
    load = {
        "rows_read": 120,
        "rows_loaded": 117,
        "skipped": {"non-positive throughput": 2, EVIL: 1},
        "duplicates": 4,
        "skip_examples": [{"file": "agg_bmk.json", "row": 17, "reason": "tpot is zero"}],
    }
    h = str(display.provenance_html(inputs, load, {"targets": [30, 50, 90], "note": EVIL}, "9.9.9", synthetic=True))
    assert display.SYNTHETIC_BANNER in h
    assert "data/raw/sample/agg_bmk.json" in h and str(paths.ROOT) not in h  # shown relative to the project
    assert "0123456789ab" in h and "0123456789abcdef0123" not in h  # short hash
    assert "non-positive throughput" in h and "tpot is zero" in h and ">4<" in h
    assert "30, 50, 90" in h and "9.9.9" in h  # parameters read as words, not literals
    assert "<script>" not in h and h.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    plain = str(display.provenance_html([], None, {}, synthetic=False))
    assert display.SYNTHETIC_BANNER not in plain and "No input files recorded" in plain


def test_summary_json(tmp_path):
    df = pl.DataFrame({"x": [1.0, float("nan")], "d": [dt.date(2026, 1, 2), None]})
    p = display.summary_json(
        {"table": df, "when": dt.datetime(2026, 1, 2, 3, 4, 5), "inf": float("inf"), "path": tmp_path}, tmp_path / "out"
    )
    assert p == tmp_path / "out" / "summary.json"
    data = json.loads(p.read_text())
    assert data["table"] == [{"x": 1.0, "d": "2026-01-02"}, {"x": None, "d": None}]
    assert data["inf"] is None and data["when"].startswith("2026-01-02T03:04:05")
    q = display.summary_json([1, 2], tmp_path / "named.json")
    assert json.loads(q.read_text()) == [1, 2]
    with pytest.raises(TypeError):
        display.summary_json({"bad": object()}, tmp_path)


def test_default_number_formats():
    df = pl.DataFrame({"a": [487171.4, 1.5691, 0.0572, 0.0], "b": [True, False, None, True]})
    cells = [c[2] for c in _cells(str(display.table_html(df))).cells if c[0] == "td"]
    assert cells[:2] == ["487,171.4", "yes"]
    assert "1.569" in cells and "0.0572" in cells and "0" in cells and "no" in cells
    assert re.search(r"—", str(display.table_html(df)))


def test_provenance_many_inputs_are_collapsed_and_runner_paths_explained():
    root = paths.ROOT / "data" / "raw" / "sample"
    inputs = [
        {
            "path": str(root / f"run_{i}" / "agg.json"),
            "sha256": f"{i:064x}",
            "format": "agg",
            "rows_read": 1,
            "rows_loaded": 1,
        }
        for i in range(20)
    ]
    h = str(display.provenance_html(inputs, None, {"output_dir": "/tmp/x/.staging/nb-1/output"}))
    assert "<details>" in h and "List of the 20 input files" in h
    assert "data/raw/sample" in h and "run_3/agg.json" in h
    assert "input set sha256" in h and "agg × 20" in h
    assert "set by the report runner" in h and ".staging" not in h


def test_costs_to_significant_digits_and_one_minus_and_percent_style():
    assert [display.money(v) for v in (0.005123, 0.0569, 1.2345, 12.345, 1234.5, -0.5)] == [
        "$0.00512",
        "$0.0569",
        "$1.23",
        "$12.3",
        "$1,234",
        "−$0.500",
    ]
    assert display.percent(-61.2) == "−61 %"
    assert display.approx()(398.6) == "≈399" and display.approx()(512.0) == "512"
    df = pl.DataFrame({"margin": [0.88, -1.76], "saved %": [61.0, -3.0], "delta": [-2.5, 1.0]})
    cells = [
        c[2]
        for c in _cells(str(display.table_html(df, formats={"margin": "{:.0%}", "saved %": "{:.0f} %"}))).cells
        if c[0] == "td"
    ]
    assert cells == ["88 %", "61 %", "2.5".join(["−", ""]), "−176 %", "−3 %", "1"]
    assert not any("-" in c for c in cells)


def test_long_text_wraps_instead_of_widening_the_table():
    topo = "P 5×TP4/EP4 DPA + D 1×TP32/EP32 DPA, P 3×TP8/EP8 DPA + D 2×TP16/EP16 DPA"
    html = str(display.table_html(pl.DataFrame({"config": ["b200"], "topology": [topo], "x": [1.0]})))
    assert '<td class="txt">' in html and "td.txt{white-space:normal" in display.CSS


def test_a_squeezed_table_scrolls_in_its_box_and_keeps_text_readable():
    """A table wider than its panel scrolls inside its own box (never cut off at the panel's edge); text cells wrap at
    spaces, long ones keep a minimum width (no one word per line), numbers never wrap."""
    df = pl.DataFrame({"config": ["b200 · trt · fp4 · mtp · agg"], "gpu": ["b200 fp4"], "cost": [1.5]})
    html = str(display.table_html(df))
    assert html.startswith('<div class="fx fx-wrap ') and ".fx.fx-wrap{max-width:100%;overflow-x:auto}" in display.CSS
    assert '<td class="txt">b200' in html and '<td class="s">b200 fp4' in html and '<td class="num">' in html
    assert "td.s{white-space:normal}" in display.CSS
    assert re.search(r"td\.txt\{white-space:normal;min-width:\d+em", display.CSS)


MATH_TEXT = "B200 $1.73 / GB200 $1.86 per GPU-hour"


def _outer_classes(fragment: str) -> set[str]:
    m = re.match(r'\s*<div class="([^"]+)"', fragment)
    assert m, fragment[:80]
    return set(m.group(1).split())


def test_every_html_output_is_marked_as_no_math():
    """Two dollar signs in one output are not LaTeX: every container the library emits carries the classes MathJax 3
    (JupyterLab) and MathJax 2 (nbconvert's templates) skip; the text itself is unchanged."""
    df = pl.DataFrame({"price": [MATH_TEXT]})
    pieces = [
        display.table_html(df, caption=MATH_TEXT),
        display.callout(MATH_TEXT, "warning"),
        display.provenance_html(inputs=[{"path": "a.json"}], params={"prices": MATH_TEXT}),
    ]
    for piece in pieces:
        assert {"mathjax_ignore", "tex2jax_ignore"} <= _outer_classes(str(piece)), str(piece)[:80]
        assert MATH_TEXT in str(piece)
        shown = piece._repr_html_()
        assert shown.startswith("<style") and str(piece) in shown


def test_chart_html_is_marked_as_no_math():
    import altair as alt

    from frontier.present import charts, lab

    chart = alt.Chart(pl.DataFrame({"x": [1, 2], "y": [1.73, 1.86]}).to_pandas()).mark_line().encode(x="x", y="y")
    chart = chart.properties(title=MATH_TEXT)
    assert {"mathjax_ignore", "tex2jax_ignore"} <= _outer_classes(charts.render.embed_snippet(chart.to_dict()))
    data, _ = lab.interactive_renderer(chart.to_dict())
    assert {"mathjax_ignore", "tex2jax_ignore"} <= _outer_classes(data["text/html"])


def test_parameters_say_what_is_chosen_from_the_data_and_hide_the_staging_path():
    params = {
        "model": "",
        "isl": 0,
        "targets": [],
        "tco_view": "costh",
        "output_dir": "/tmp/rv/.frontier-report-staging/mtp_delta-1a2b/output",
    }
    h = str(display.provenance_html(None, None, params))
    assert h.count(display.CHOSEN_FROM_DATA) == 3  # model, isl, targets: never `""`, `0`, `[]`
    assert "staging" not in h and "set by the report runner" in h
    given = str(display.provenance_html(None, None, {"model": "gpt-oss*", "isl": 1024}))
    assert "gpt-oss*" in given and "1024" in given and display.CHOSEN_FROM_DATA not in given
