"""Every built report opened in headless Chromium, offline, at 1,400 px: what a reader would see.

No console errors, no network request, no table wider than the page, no chart legend label cut off with an ellipsis,
no Python repr / NaN / None / Traceback text. CI installs Chromium (``.ci/run``); on a machine without it (or
without websocket-client) these tests skip with the reason.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from frontier import paths

from .chromium import Browser, find_browser

WIDTH = 1400
PRICES = r"B200 \$\d+\.\d\d / GB200 \$\d+\.\d\d"  # a caption's prices, as text (not typeset as math)
REPR_TEXT = r"\bNaN\b|\bnan\b|\bNone\b|Traceback|PosixPath\(|WindowsPath\(|object at 0x|<frontier\.|\bdtype[:=]"

# what the page shows: tables, chart texts (inline SVG, SVG images as data URIs, interactive charts), visible text
PAGE_FACTS = r"""(async () => {
  const width = document.documentElement.clientWidth;
  const tables = [...document.querySelectorAll('table')].map(t => ({
    caption: (t.caption ? t.caption.innerText : t.innerText).slice(0, 80),
    right: Math.round(t.getBoundingClientRect().right), width: Math.round(t.getBoundingClientRect().width)}));
  const svgs = [...document.querySelectorAll('svg')];
  for (const img of document.images) {
    const src = img.getAttribute('src') || '';
    if (!src.startsWith('data:image/svg+xml')) continue;
    const body = src.includes(';base64,') ? new TextDecoder().decode(
      Uint8Array.from(atob(src.split(',', 2)[1]), c => c.charCodeAt(0))) : decodeURIComponent(src.split(',', 2)[1]);
    svgs.push(new DOMParser().parseFromString(body, 'image/svg+xml').documentElement);
  }
  const legend = svgs.flatMap(s => [...s.querySelectorAll('.role-legend-label text')]
    .map(t => t.textContent));
  const math = document.querySelectorAll('mjx-container, .MathJax, .MathJax_Preview, script[type^="math/"]').length
    + (window.MathJax ? 1 : 0) + [...document.scripts].filter(s => /mathjax/i.test(s.src)).length;
  const broken = [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.alt.slice(0, 60));
  return {width, scrollWidth: document.documentElement.scrollWidth, tables, legend, broken, math,
          charts: svgs.length, text: document.body.innerText, title: document.title};
})()"""


def _reports() -> list[str]:
    return sorted(p.stem for p in paths.NOTEBOOKS.glob("*.ipynb"))


def _chromium() -> str:
    """The Chromium executable; the test skips with the reason where it (or websocket-client) is missing, and fails
    in CI instead."""
    exe = find_browser()
    required = os.environ.get("FRONTIER_BROWSER_TESTS") == "required"  # set by .ci/run: never skip in CI
    if exe is None:
        reason = "Chromium is not installed (CI installs it: apt-get install -y chromium)"
        pytest.fail(reason) if required else pytest.skip(reason)
    if required:
        import websocket  # noqa: F401  (fails loudly in CI)
    pytest.importorskip("websocket", reason="websocket-client is not installed (pip install -e '.[test]')")
    return str(exe)


@pytest.fixture(scope="module")
def browser():
    b = Browser(_chromium(), width=WIDTH)
    yield b
    b.close()


@pytest.fixture(scope="module")
def built(sample_reports) -> Path:
    return sample_reports


def _check_page(browser: Browser, page: Path) -> dict:
    browser.open(page.as_uri())
    facts = browser.evaluate(PAGE_FACTS)
    name = page.parent.name if page.name == "index.html" else page.name
    assert browser.errors() == [], name
    assert browser.requests() == [], name
    assert facts["broken"] == [], name
    assert facts["scrollWidth"] <= facts["width"], (name, facts["scrollWidth"])  # nothing pushes the page wider
    wide = [t for t in facts["tables"] if t["right"] > facts["width"]]
    assert wide == [], (name, wide)
    assert re.findall(REPR_TEXT, facts["text"]) == [], name
    assert facts["math"] == 0, name  # no MathJax loaded, nothing typeset
    return facts


@pytest.mark.parametrize("name", _reports())
def test_report_reads_cleanly_in_a_browser(browser, built, name):
    """One page load per report: the page checks (``_check_page``), charts and tables there, the synthetic mark,
    prices in captions, and no chart legend label cut short."""
    facts = _check_page(browser, built / name / "index.html")
    assert facts["charts"] >= 1 and facts["tables"], name
    assert "Synthetic data" in facts["text"]
    if name in ("iso_interactivity", "precision_comparison", "explore"):  # captions name two prices or more
        assert re.search(PRICES, facts["text"]), name
    assert [label for label in facts["legend"] if "…" in label] == [], name


def test_index_reads_cleanly_in_a_browser(browser, built):
    facts = _check_page(browser, built / "index.html")
    assert all(name in facts["text"] for name in _reports())


def test_the_checks_catch_what_they_look_for(browser, tmp_path):
    """A page with each fault: every check sees it (so a clean report is clean, not unchecked)."""
    page = tmp_path / "bad.html"
    label = "DeepSeek-R1-0528 · 1024/1024 · b200 · sglang · fp…"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><g class="mark-text role-legend-label">'
        f'<text x="0" y="20">{label}</text></g></svg>'
    )
    page.write_text(
        "<!DOCTYPE html><html><head><title>bad</title></head><body>"
        f"{svg}<table><tr><td style='white-space:nowrap'>{'x' * 400}</td></tr></table>"
        "<p>PosixPath('/tmp/x') NaN</p><img src='https://example.com/a.png' alt='remote'>"
        "<mjx-container class='MathJax'>1.73</mjx-container>"
        "<script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    browser.open(page.as_uri())
    facts = browser.evaluate(PAGE_FACTS)
    assert any("boom" in e for e in browser.errors())
    assert browser.requests() == ["https://example.com/a.png"]
    assert facts["broken"] == ["remote"]
    assert [t for t in facts["tables"] if t["right"] > facts["width"]]
    assert facts["legend"] == [label]
    assert re.findall(REPR_TEXT, facts["text"]) == ["PosixPath(", "NaN"]
    assert facts["math"] == 1


def test_interactive_chart_picks_a_series_from_its_legend(browser, tmp_path):
    """An interactive chart (JupyterLab's interactive mode and ``report --interactive`` share the spec): a click on
    a legend entry fades the other series; nothing is fetched and nothing is logged as an error."""
    import polars as pl

    from frontier.present import charts

    pts = pl.DataFrame(
        {
            "label": ["b200 fp4"] * 4 + ["h200 fp8"] * 4,
            "median_intvty": [10.0, 20.0, 40.0, 80.0, 12.0, 25.0, 50.0, 90.0],
            "tput_per_gpu": [3000.0, 2500.0, 1000.0, 400.0, 1500.0, 1200.0, 500.0, 200.0],
            "conc": [64, 32, 8, 2, 64, 32, 8, 2],
        }
    )
    page = tmp_path / "interactive.html"
    page.write_text(charts.standalone_html([charts.frontier_chart(pts, pts, title="T")], mode="interactive"))
    browser.open(page.as_uri(), settle_s=2)
    faded = (
        "[...document.querySelectorAll('.frontier-chart svg path')]"
        ".filter(e => [e.getAttribute('stroke-opacity'), e.getAttribute('opacity')].includes('0.15')).length"
    )
    assert browser.evaluate(faded) == 0
    x, y = browser.evaluate(
        "(() => { const t = [...document.querySelectorAll('.frontier-chart svg text')]"
        ".find(e => e.textContent === 'h200 fp8'); const r = t.getBoundingClientRect();"
        " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
    )
    for kind in ("mousePressed", "mouseReleased"):
        browser.page("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
    browser.evaluate("new Promise(r => setTimeout(r, 500))")
    assert browser.evaluate(faded) > 0
    assert browser.errors() == [] and browser.requests() == []


# ------------------------------------------------------------------------------------------------------ JupyterLab
# The notebooks as an analyst meets them: JupyterLab served on loopback, its page in headless Chromium at 1,400 px.
STALE_METADATA = {  # what the notebooks stored before: Lab rewrote it on opening
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}
CONTROL = "from IPython.display import HTML\nHTML('<p class=\"control\">B200 $1.73 / GB200 $1.86</p>')"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab (tests/jupyterlab.py) serving copies of the notebooks, plus: ``stale.ipynb`` (the old metadata)
    and ``run_precision.ipynb`` (precision_comparison writing to a scratch folder, with a last cell showing plain HTML
    with two dollar signs: Lab's MathJax is active, and the check below sees what it typesets)."""
    import nbformat

    exe = _chromium()
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (pip install -e '.[test]')")
    from .jupyterlab import LabServer

    root = tmp_path_factory.mktemp("lab_root")
    scratch = tmp_path_factory.mktemp("lab_scratch")
    for nb_path in paths.NOTEBOOKS.glob("*.ipynb"):
        (root / nb_path.name).write_bytes(nb_path.read_bytes())
    stale = nbformat.read(paths.NOTEBOOKS / "trend.ipynb", as_version=4)
    stale.metadata.update(STALE_METADATA)
    nbformat.write(stale, root / "stale.ipynb")
    run = nbformat.read(paths.NOTEBOOKS / "precision_comparison.ipynb", as_version=4)
    params = next(c for c in run.cells if "parameters" in c.metadata.get("tags", []))
    params.source = params.source.replace('output_dir: str = ""', f"output_dir: str = {str(scratch / 'out')!r}")
    assert str(scratch / "out") in params.source
    run.cells.append(nbformat.v4.new_code_cell(CONTROL))
    nbformat.write(run, root / "run_precision.ipynb")
    server = LabServer(root, scratch)
    b = Browser(exe, width=WIDTH, offline=False)  # loopback only: every other host goes to a dead proxy
    yield server, b
    b.close()
    server.close()


def test_opening_a_notebook_in_lab_changes_nothing(lab):
    """Every notebook opened in one Lab page, each kernel started and idle, Lab's metadata rewrite done: no
    notebook is modified (the stale copy, with the metadata stored before, is: the check sees what it looks for)."""
    from .jupyterlab import OPEN_DOCUMENTS_DIRTY, open_beside, open_notebook

    server, b = lab
    names = [f"{n}.ipynb" for n in [*_reports(), "stale"]]
    open_notebook(b, server, names[0])
    for name in names[1:]:
        open_beside(b, name)
    b.evaluate("new Promise(r => setTimeout(r, 2000))")  # kernel_info has arrived; give the models their update
    dirty = b.evaluate(OPEN_DOCUMENTS_DIRTY)
    assert dirty == {n: n == "stale.ipynb" for n in names}, dirty


CONTROL_TYPESET = (
    "[...document.querySelectorAll('.jp-OutputArea-output p.control')]"
    ".some(p => !!p.querySelector('mjx-container, .MathJax'))"
)
OUTPUT_FACTS = r"""(() => {
  const panel = jupyterapp.shell.currentWidget.content.node.getBoundingClientRect();
  const tables = [...document.querySelectorAll('.jp-OutputArea-output table.fx-table')].map(t => {
    const box = t.closest('.fx-wrap'), area = t.closest('.jp-OutputArea-output').getBoundingClientRect();
    return {caption: t.caption ? t.caption.textContent : '', right: Math.round(t.getBoundingClientRect().right),
            areaRight: Math.round(area.right), scrolls: box.scrollWidth > box.clientWidth + 1,
            rowHeight: Math.round(t.tBodies[0].rows[0].getBoundingClientRect().height)}; });
  const typeset = el => !!el.querySelector('mjx-container, .MathJax');
  return {panelRight: Math.round(panel.right), tables,
          typesetOutputs: [...document.querySelectorAll('.jp-OutputArea-output .fx')].filter(typeset).length,
          control: [...document.querySelectorAll('.jp-OutputArea-output p.control')].map(typeset)};
})()"""


def test_a_notebook_run_in_lab_shows_prices_as_text_and_tables_within_the_panel(lab, tmp_path):
    """precision_comparison run in Lab at 1,400 px (file browser open): no output typeset as math (a caption's
    "B200 $1.73 / GB200 $1.86" reads as written) while the control cell's plain HTML is typeset; every table ends
    inside the output area, the cross-silicon table without scrolling and without one word per line."""
    from .jupyterlab import open_notebook, run_all, wait_for

    server, b = lab
    open_notebook(b, server, "run_precision.ipynb")
    run_all(b)
    # MathJax typesets after the outputs are attached: the control cell, the last output, is typeset last
    wait_for(b, CONTROL_TYPESET, True, 60)
    facts = b.evaluate(OUTPUT_FACTS)
    b.screenshot(tmp_path / "lab_precision.png")
    assert facts["control"] == [True], facts["control"]  # MathJax runs on HTML outputs in this Lab
    assert facts["typesetOutputs"] == 0
    captions = " ".join(t["caption"] for t in facts["tables"])
    assert re.search(PRICES, captions), captions[:300]
    assert [t for t in facts["tables"] if t["right"] > t["areaRight"]] == []
    cross = next(t for t in facts["tables"] if "the cheapest config of each side" in t["caption"])
    assert not cross["scrolls"] and cross["rowHeight"] < 120, cross
