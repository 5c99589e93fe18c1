"""Report runner: headless notebooks -> offline HTML, failure reports, index, params files, CLI.

The fixture notebooks in tests/notebooks_fixture/ are tiny: ``ok`` writes a figure and a summary (and fails on
purpose with ``fail: true``), ``fail`` always raises. Kernels run sequentially (3 runs, ~30 s in all).
"""
from __future__ import annotations

import base64
import hashlib
import json
import struct
import subprocess
from pathlib import Path

import pytest

from frontier import paths, report

FIXTURES = Path(__file__).resolve().parent / "notebooks_fixture"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One CLI run over both fixture notebooks (exit code, output folder, printed lines)."""
    out = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "NOTEBOOKS", FIXTURES)
        import io
        from contextlib import redirect_stdout

        buf = io.StringIO()
        with redirect_stdout(buf):
            code = report.main_report(["ok", "fail", "--out", str(out), "--timeout", "120"])
    return code, out, buf.getvalue()


def test_cli_exit_code_and_lines(built):
    code, out, printed = built
    assert code == 1  # one report failed
    lines = printed.splitlines()
    assert any(ln.startswith("ok ") and "index.html" in ln for ln in lines)
    assert any(ln.startswith("FAILED") and "failed.html" in ln and "fixture failure" in ln for ln in lines)


def test_success_report_is_offline_with_code_hidden(built):
    _, out, _ = built
    d = out / "ok"
    page = (d / "index.html").read_text(encoding="utf-8")
    assert report.check_offline(d / "index.html") == []
    assert "CODE-MARKER-7f3a" not in page  # code cells hidden
    assert "chart_mode: str" not in page and "output_dir" not in page  # parameters cells removed
    assert "Fixture report" in page and "Fixture points" in page
    assert "<script" not in page.lower()  # static SVG mode: no JavaScript at all
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "data:image/svg+xml;base64," in page  # the charts are inline
    # each chart image says what it shows (its title), escaped like any other string
    alts = _img_alts(page)
    assert "Chart: Fixture frontier" in alts
    assert 'Chart: Second chart "q" <b>x</b>' in alts  # an attribute value, parsed back: nothing leaked as markup
    assert "<b>x</b>" not in page and "No description has been provided" not in page
    assert sorted(p.name for p in (d / "figures").iterdir()) == [
        "fixture-dark.png", "fixture-dark.svg", "fixture-light.png", "fixture-light.svg"]
    assert json.loads((d / "summary.json").read_text()) == {"label": "fixture", "rows": 8, "max_tput": 3000.0}
    run = json.loads((d / "run.json").read_text())
    assert run["status"] == "ok" and run["library_version"]
    assert run["notebook_sha256"] == hashlib.sha256((FIXTURES / "ok.ipynb").read_bytes()).hexdigest()
    assert run["parameters"]["chart_mode"] == "svg" and run["duration_s"] > 0
    assert run["started_utc"] <= run["finished_utc"]
    assert (d / "ok.ipynb").exists() and not (d / "failed.html").exists()
    assert not (out / ".staging").exists()


def test_failure_report(built):
    _, out, _ = built
    d = out / "fail"
    assert not (d / "index.html").exists()
    page = (d / "failed.html").read_text(encoding="utf-8")
    assert "Report failed: fail" in page
    assert "ValueError: fixture failure: boom &lt;b&gt;bold&lt;/b&gt;" in page  # error text escaped
    assert "Traceback" in page and "before the failure" in page
    assert report.check_offline(d / "failed.html") == []
    meta = json.loads((d / "failed.json").read_text())
    assert meta["status"] == "failed" and "fixture failure" in meta["error"]


def test_index_lists_both(built):
    _, out, _ = built
    idx = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="ok/index.html"' in idx and 'href="fail/failed.html"' in idx
    assert 'href="ok/figures/fixture-light.png"' in idx
    assert "failed" in idx and "&lt;b&gt;bold" in idx and "<b>bold" not in idx
    assert report.check_offline(out / "index.html") == []


def test_failure_keeps_previous_good_report(built, tmp_path):
    _, out, _ = built
    d = out / "ok"
    before = {p.relative_to(d): p.read_bytes() for p in d.rglob("*") if p.is_file()}
    params = tmp_path / "fail.yaml"
    params.write_text("notebook: ok\nparameters:\n  fail: true\n  label: scheduled\n", encoding="utf-8")
    results = report.run_reports(None, params_file=params, out_dir=out, notebooks_dir=FIXTURES, timeout_s=120)
    assert [r.status for r in results] == ["failed"] and not results.ok
    assert results[0].parameters["fail"] is True
    for rel, data in before.items():  # index.html, figures, summary, run.json untouched
        assert (d / rel).read_bytes() == data, rel
    page = (d / "failed.html").read_text(encoding="utf-8")
    assert "fixture asked to fail" in page and "previous good report is unchanged" in page
    idx = (out / "index.html").read_text(encoding="utf-8")
    row = idx[idx.index('<td class="name">ok</td>'):]
    row = row[: row.index("</tr>")]
    assert "failed" in row and "ok/index.html" in row and "ok/failed.html" in row


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed at /usr/bin/chromium")
def test_report_renders_in_headless_chromium(built, tmp_path):
    _, out, _ = built
    png = tmp_path / "shot.png"
    profile = tmp_path / "profile"
    profile.mkdir()
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--no-first-run", "--disable-sync", "--disable-component-update", f"--user-data-dir={profile}",
           f"--screenshot={png}", "--window-size=1200,1600", (out / "ok" / "index.html").as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert png.exists(), proc.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 1600)
    assert len(data) > 30_000  # a blank page compresses to a few KB; tables + charts do not


# ------------------------------------------------------------------------------------- no kernel needed below
def test_request_errors_are_clear(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "NOTEBOOKS", FIXTURES)
    out = tmp_path / "r"
    with pytest.raises(report.ReportError, match="not found.*nope.*available: fail, ok"):
        report.run_reports(["nope"], out_dir=out)
    bad = tmp_path / "bad.yaml"
    bad.write_text("notebook: ok\nparameters: [1, 2\n", encoding="utf-8")
    with pytest.raises(report.ReportError, match="not valid YAML"):
        report.run_reports(None, params_file=bad, out_dir=out)
    assert report.main_report(["--params", str(bad), "--out", str(out)]) == 2
    assert report.main_report(["nope", "--out", str(out)]) == 2
    assert report.main_report(["ok", "--data", str(tmp_path / "missing.json"), "--out", str(out)]) == 2
    other = tmp_path / "other.yaml"
    other.write_text("notebook: fail\n", encoding="utf-8")
    with pytest.raises(report.ReportError, match="none of which was requested"):
        report.run_reports(["ok"], params_file=other, out_dir=out)
    runner = tmp_path / "runner.yaml"
    runner.write_text("output_dir: /tmp/x\n", encoding="utf-8")
    with pytest.raises(report.ReportError, match="set by the report runner"):
        report.load_params(runner)
    typo = tmp_path / "typo.yaml"
    typo.write_text("notebook: ok\nparameter: {a: 1}\n", encoding="utf-8")
    with pytest.raises(report.ReportError, match="unexpected top-level key"):
        report.load_params(typo)
    assert not (out / "ok").exists()  # nothing ran


def test_params_file_formats(tmp_path):
    plain = tmp_path / "plain.yaml"
    plain.write_text("as_of: 2026-07-14\ntargets: [30, 50, 90]\ndata_paths: [data/raw/sample]\n", encoding="utf-8")
    spec = report.load_params(plain)
    assert spec.names is None
    assert spec.common["as_of"] == "2026-07-14"  # dates stay ISO strings
    assert spec.common["targets"] == [30, 50, 90]
    assert spec.common["data_paths"] == [str(paths.ROOT / "data/raw/sample")]
    multi = tmp_path / "multi.yaml"
    multi.write_text("parameters: {tco: costh}\nnotebooks:\n  ok: {label: a}\n  fail: {}\n", encoding="utf-8")
    spec = report.load_params(multi)
    assert spec.names == ["ok", "fail"]
    assert spec.for_notebook("ok") == {"tco": "costh", "label": "a"} and spec.for_notebook("fail") == {"tco": "costh"}


def test_check_offline_finds_external_refs(tmp_path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.test/i.png"/></svg>'
    page = f"""<!DOCTYPE html><html><head>
    <script src="https://cdn.test/require.js"></script>
    <link rel="stylesheet" href="//cdn.test/x.css">
    <style>@import "https://fonts.test/f.css"; .a{{background:url('http://img.test/a.png')}} .b{{background:url(data:image/png;base64,AAAA)}}</style>
    </head><body>
    <img srcset="local.png 1x, https://img.test/b.png 2x">
    <img src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}">
    <div style="background-image:url(https://img.test/c.png)"></div>
    <a href="https://example.test/source">source</a> <a href="#top">top</a> <img src="figures/x.png">
    <svg xmlns="http://www.w3.org/2000/svg"></svg>
    </body></html>"""
    f = tmp_path / "p.html"
    f.write_text(page, encoding="utf-8")
    refs = report.check_offline(f)
    joined = "\n".join(refs)
    for url in ("https://cdn.test/require.js", "//cdn.test/x.css", "https://fonts.test/f.css",
                "http://img.test/a.png", "https://img.test/b.png", "https://x.test/i.png",
                "https://img.test/c.png", "https://example.test/source"):
        assert url in joined, url
    assert len(refs) == 8
    assert "w3.org" not in joined and "figures/x.png" not in joined
    assert len(report.check_offline(f, include_links=False)) == 7
    assert report.find_external_refs("<p>plain http://example.test text</p>") == []


def test_template_strips_cdn_scripts():
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\n$x^2$ and ```mermaid\ngraph TD; A-->B\n```")]
    page = report.notebook_to_html(nb, title="t")
    assert report.find_external_refs(page) == []
    assert "require.js" not in page and "mathjax" not in page.lower() and "mermaid.esm" not in page


def _img_alts(page: str) -> list[str]:
    """The alt text of every <img> in a page, as a browser would read it."""
    from html.parser import HTMLParser

    alts: list[str] = []

    class _P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                alts.append(dict(attrs).get("alt") or "")

    _P().feed(page)
    return alts
