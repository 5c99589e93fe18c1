"""Report runner: headless notebooks -> offline HTML, failure reports, index, params files, CLI.

The fixture notebooks in tests/notebooks_fixture/ are tiny: ``ok`` writes a figure and a summary (and fails on
purpose with ``fail: true``), ``fail`` always raises. The CLI run builds both side by side (``--jobs``).
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
            code = report.main_report(["ok", "fail", "--out", str(out), "--timeout", "120", "--jobs", "2"])
    return code, out, buf.getvalue()


@pytest.mark.smoke
def test_cli_exit_code_and_lines(built):
    code, _, printed = built
    assert code == 1  # one report failed
    lines = printed.splitlines()
    assert lines[0].startswith("ok ") and "index.html" in lines[0]  # in the order asked, whichever ends first
    assert lines[1].startswith("FAILED") and "failed.html" in lines[1] and "fixture failure" in lines[1]


@pytest.mark.smoke
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
        "fixture-dark.png",
        "fixture-dark.svg",
        "fixture-light.png",
        "fixture-light.svg",
    ]
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
    row = idx[idx.index('<td class="name">ok</td>') :]
    row = row[: row.index("</tr>")]
    assert "failed" in row and "ok/index.html" in row and "ok/failed.html" in row


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed at /usr/bin/chromium")
def test_report_renders_in_headless_chromium(built, tmp_path):
    _, out, _ = built
    png = tmp_path / "shot.png"
    profile = tmp_path / "profile"
    profile.mkdir()
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
        f"--screenshot={png}",
        "--window-size=1200,1600",
        (out / "ok" / "index.html").as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
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
    for url in (
        "https://cdn.test/require.js",
        "//cdn.test/x.css",
        "https://fonts.test/f.css",
        "http://img.test/a.png",
        "https://img.test/b.png",
        "https://x.test/i.png",
        "https://img.test/c.png",
        "https://example.test/source",
    ):
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


# ------------------------------------------------------------------------------ the output folder is the user's too
def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_out_folder_with_user_files_is_refused_and_left_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paths, "NOTEBOOKS", FIXTURES)
    out = tmp_path / "mine"
    (out / "ok").mkdir(parents=True)
    (out / "ok" / "thesis.txt").write_text("my notes", encoding="utf-8")
    (out / "index.html").write_text("<html><title>My index</title></html>", encoding="utf-8")
    before = _snapshot(out)
    assert report.main_report(["ok", "--out", str(out)]) == 2
    assert "index.html was not written by frontier report" in capsys.readouterr().err
    (out / "index.html").unlink()
    before.pop("index.html")
    assert report.main_report(["ok", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "did not write (thesis.txt)" in err and "Traceback" not in err
    assert _snapshot(out) == before and sorted(p.name for p in out.iterdir()) == ["ok"]  # not even a lock file
    # a note dropped into a folder the runner built is refused the same way (see test_foreign_files_in_a_report)


def test_out_naming_a_file_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paths, "NOTEBOOKS", FIXTURES)
    target = tmp_path / "report.html"
    target.write_text("x", encoding="utf-8")
    assert report.main_report(["ok", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "x"
    assert report.main_report(["ok", "--out", str(target / "sub")]) == 2  # below a file: cannot be created
    assert "Traceback" not in capsys.readouterr().err


def test_foreign_files_in_a_report(built, tmp_path):
    from frontier.report.outdir import foreign_files

    _, out, _ = built
    assert foreign_files(out / "ok") == [] and foreign_files(out / "fail") == []
    assert foreign_files(tmp_path / "absent") == []
    copy = tmp_path / "ok"
    import shutil

    shutil.copytree(out / "ok", copy)
    (copy / "explore").mkdir()
    (copy / "explore" / "thesis.txt").write_text("note", encoding="utf-8")
    (copy / "figures" / "mine.png").write_bytes(b"png")
    (copy / ".index.html.k3j_9x0a.tmp").write_text("left by a killed run")
    assert foreign_files(copy) == ["explore/", "figures/mine.png"]


# --------------------------------------------------------------------------------- hostile requests: no traceback
BOMB = "".join(
    f"{k}: &{k} [{','.join([f'*{p}'] * 9) if p else ','.join(['lol'] * 9)}]\n"
    for p, k in zip([None, *"abcdefgh"], "abcdefghi")
)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"model: \xff\xfe DeepSeek\n", "is not UTF-8 text"),
        (BOMB.encode(), "aliases (*name) are not allowed"),
        (b"- a\n- b\n", "expected a YAML mapping"),
        (b"just a string\n", "expected a YAML mapping"),
        (b"notebook: [ok]\n", "'notebook' must be a notebook name"),
        (b"notebook: ../../etc/passwd\n", "bad notebook name"),
        (b"notebooks:\n  nope: {}\n", "not found"),
        (b"[" * 100_000, "nested too deeply"),
        (b"a: 1\n" + b"#" * (1 << 20), "larger than"),
    ],
)
def test_bad_params_files_are_clear_errors(tmp_path, monkeypatch, capsys, content, message):
    import time

    monkeypatch.setattr(paths, "NOTEBOOKS", FIXTURES)
    f = tmp_path / "p.yaml"
    f.write_bytes(content)
    t0 = time.monotonic()
    assert report.main_report(["--params", str(f), "--out", str(tmp_path / "r")]) == 2
    elapsed = time.monotonic() - t0
    err = capsys.readouterr().err
    assert message in err, err
    assert "Traceback" not in err and err.count("\n") <= 6
    assert elapsed < 30  # refused, not expanded (a loose bound: a hang would be minutes)
    assert not (tmp_path / "r").exists()


def test_bomb_is_small():
    assert len(BOMB) < 520 and BOMB.count("*") > 60  # the classic 9-level billion laughs


def test_params_file_that_is_a_folder_or_missing(tmp_path, capsys):
    assert report.main_report(["--params", str(tmp_path), "--out", str(tmp_path / "r")]) == 2
    assert report.main_report(["--params", str(tmp_path / "none.yaml"), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "is not a file" in err and "not found" in err and "Traceback" not in err


def test_terminal_escapes_in_names_are_not_obeyed(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paths, "NOTEBOOKS", FIXTURES)
    assert report.main_report(["ok", "--data", str(tmp_path / "x\x1b[31mred"), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[31mred" in err


# ------------------------------------------------------------------------------------ -p / -r / -y (as papermill)
def test_cli_values_read_as_papermill_reads_them():
    from frontier.report.params import cli_value

    assert [cli_value(v) for v in ("True", "False", "None", "12", "-3", "1.5", "1e3", "true", "a b", "[1, 2]")] == [
        True,
        False,
        None,
        12,
        -3,
        1.5,
        1000.0,
        "true",
        "a b",
        "[1, 2]",
    ]


def test_cli_overrides_precedence_and_checks():
    from frontier.report.params import cli_overrides

    o = cli_overrides(["label: from-y\nfail: true", "fail: false"], [("label", "1.10", False), ("fail", "True", False)])
    assert o.values == {"label": 1.1, "fail": True}
    nb = FIXTURES / "ok.ipynb"
    assert o.for_notebook(nb) == {"label": "1.10", "fail": True}  # a str parameter gets the text as typed
    assert cli_overrides([], [("label", "1.10", True)]).values == {"label": "1.10"}  # -r: raw text
    assert cli_overrides([], [("label", "a", False), ("label", "b", True)]).values == {"label": "b"}  # order
    with pytest.raises(
        report.ReportError,
        match=r"ok has no parameter 'labl' \(its parameters: data_paths, fail, "
        r"label\)",
    ):
        cli_overrides([], [("labl", "x", False)]).for_notebook(nb)
    with pytest.raises(report.ReportError, match="'fail' of ok is declared bool: give True or False"):
        cli_overrides([], [("fail", "yes", False)]).for_notebook(nb)
    with pytest.raises(report.ReportError, match="set by the report runner"):
        cli_overrides([], [("output_dir", "/tmp", False)])
    with pytest.raises(report.ReportError, match="not a valid Python identifier"):
        cli_overrides([], [("not-a-name", "1", False)])
    with pytest.raises(report.ReportError, match="expected a YAML mapping"):
        cli_overrides(["[1, 2]"])
    with pytest.raises(report.ReportError, match="--data"):
        cli_overrides(["data_paths: [x]"])


def test_cli_override_types_against_real_notebooks():
    from frontier.report.params import cli_overrides

    iso_nb = paths.NOTEBOOKS / "iso_interactivity.ipynb"
    ok = cli_overrides(["targets: [40, 60.5]"], [("isl", "8192", False), ("model", "gpt-oss*", False)])
    assert ok.for_notebook(iso_nb) == {"targets": [40, 60.5], "isl": 8192, "model": "gpt-oss*"}
    assert cli_overrides([], [("targets", "40,60", False)]).for_notebook(iso_nb) == {"targets": "40,60"}
    with pytest.raises(report.ReportError, match="'isl' of iso_interactivity is declared int: give a whole number"):
        cli_overrides([], [("isl", "8k", False)]).for_notebook(iso_nb)
    with pytest.raises(report.ReportError, match="every item must be float"):
        cli_overrides(["targets: [30, fast]"]).for_notebook(iso_nb)


def test_cli_parameters_reach_the_notebook_and_bad_ones_run_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paths, "NOTEBOOKS", FIXTURES)
    out = tmp_path / "r"
    assert report.main_report(["ok", "-p", "nope", "1", "--out", str(out)]) == 2
    assert "ok has no parameter 'nope'" in capsys.readouterr().err and not out.exists()
    params = tmp_path / "p.yaml"
    params.write_text("notebook: ok\nparameters: {label: file, fail: true}\n", encoding="utf-8")
    code = report.main_report(
        [
            "--params",
            str(params),
            "-y",
            "{label: yaml, fail: false}",
            "-p",
            "label",
            "cli",
            "--out",
            str(out),
            "--timeout",
            "120",
        ]
    )
    assert code == 0, capsys.readouterr()
    run = json.loads((out / "ok" / "run.json").read_text())
    assert run["parameters"]["label"] == "cli" and run["parameters"]["fail"] is False
    assert json.loads((out / "ok" / "summary.json").read_text())["label"] == "cli"


# ------------------------------------------------------------------------- a kill never loses the last good report
_KILLER = """
import os, signal, sys
from pathlib import Path
from frontier.report import outdir, run_reports

mode, out, fixtures = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
die = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
real_exchange, real_rename = outdir.exchange, Path.rename
if mode == "run":
    run_reports(["ok"], out_dir=out, notebooks_dir=fixtures, timeout_s=120)
elif mode == "before-exchange":
    outdir.exchange = die
elif mode == "after-exchange":
    outdir.exchange = lambda a, b: (real_exchange(a, b), die())
elif mode == "between-renames":  # a file system that cannot exchange: killed after moving the old report aside
    outdir.exchange = lambda a, b: False
    def rename(self, target):
        done = real_rename(self, target)
        if "-previous-" in str(target):
            die()
        return done
    Path.rename = rename
if mode != "run":
    run_reports(["ok"], out_dir=out, notebooks_dir=fixtures, timeout_s=120)
"""


def _kill_run(mode: str, out: Path) -> int:
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", _KILLER, mode, str(out), str(FIXTURES)],
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
    )
    return proc.returncode


def _good_report(folder: Path) -> dict[str, bytes]:
    """The files of the good report in ``folder`` (not the failure files beside it), checked complete."""
    snap = {k: v for k, v in _snapshot(folder).items() if not k.startswith("failed.")}
    run = json.loads(snap["run.json"])
    assert run["status"] == "ok" and sorted(run["files"]) == sorted(snap), "report folder incomplete"
    return snap


@pytest.mark.parametrize("mode", ["before-exchange", "after-exchange", "between-renames"])
def test_killed_at_the_swap_leaves_a_complete_report(built, tmp_path, mode):
    import shutil
    import signal

    _, built_out, _ = built
    out = tmp_path / "reports"
    out.mkdir()
    shutil.copytree(built_out / "ok", out / "ok")
    old = _good_report(out / "ok")
    assert _kill_run(mode, out) == -signal.SIGKILL
    if mode == "between-renames":
        assert not (out / "ok").exists()  # the one instant the fallback leaves open is closed by the next run:
        results = report.run_reports(
            None, out_dir=out, notebooks_dir=FIXTURES, params_file=_fail_params(tmp_path), timeout_s=120
        )
        assert [r.status for r in results] == ["failed"]
        assert _good_report(out / "ok") == old
        assert (out / "ok" / "failed.html").exists()
    elif mode == "before-exchange":
        assert _good_report(out / "ok") == old
    else:
        new = _good_report(out / "ok")
        assert new != old and json.loads(new["run.json"])["started_utc"] >= json.loads(old["run.json"])["started_utc"]


def _fail_params(tmp_path: Path) -> Path:
    f = tmp_path / "fail.yaml"
    f.write_text("notebook: ok\nparameters: {fail: true}\n", encoding="utf-8")
    return f


def test_killed_while_the_notebook_runs_keeps_the_report(built, tmp_path):
    import os
    import shutil
    import signal
    import sys
    import time

    _, built_out, _ = built
    out = tmp_path / "reports"
    out.mkdir()
    shutil.copytree(built_out / "ok", out / "ok")
    old = _good_report(out / "ok")
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLER, "run", str(out), str(FIXTURES)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    staging = out / ".frontier-report-staging"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(staging.glob("ok-*/report/ok.ipynb")):
        time.sleep(0.05)
    running = proc.poll() is None and bool(list(staging.glob("ok-*/report/ok.ipynb")))
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its kernel, mid-execution
    assert running, "the run had not started executing the notebook"
    proc.wait(timeout=30)
    assert _good_report(out / "ok") == old
    # the next run is not blocked by the dead one (lock released, staging cleaned) and publishes normally
    results = report.run_reports(["ok"], out_dir=out, notebooks_dir=FIXTURES, timeout_s=120)
    assert results.ok and _good_report(out / "ok") != old and not staging.exists()


# ------------------------------------------------------------------------- titles, thumbnails, the synthetic mark
def test_summary_gives_title_scope_and_main_figure(tmp_path):
    from frontier.report.summary import read_summary

    assert read_summary(tmp_path, "nb").page_title == "nb"  # no summary.json: the notebook name
    (tmp_path / "summary.json").write_text(
        json.dumps(
            {
                "title": "Iso-interactivity table",
                "synthetic": True,
                "parameters": {"model": "DeepSeek-R1-0528*", "isl": 1024, "osl": 8192},
                "figures": [{"name": "frontier", "files": []}, {"name": "cost", "files": []}],
            }
        ),
        encoding="utf-8",
    )
    s = read_summary(tmp_path, "nb")
    assert s.page_title == "Iso-interactivity table · DeepSeek-R1-0528 · 1024/8192 (synthetic data)"
    assert s.main_figure == "frontier"
    brief = type(s)("Migration brief · DeepSeek-R1-0528 (synthetic) · 1024/1024", "", True)
    assert brief.page_title == "Migration brief · DeepSeek-R1-0528 · 1024/1024 (synthetic data)"  # said once
    (tmp_path / "summary.json").write_text(json.dumps({"title": 3, "parameters": [], "figures": "x"}))
    assert read_summary(tmp_path, "nb") == type(s)("nb", "", None, None)  # malformed parts ignored, not fatal


def test_thumbnail_is_a_small_png_of_the_main_figure(built, tmp_path):
    import shutil

    from frontier.report.summary import write_thumbnail

    _, out, _ = built
    shutil.copytree(out / "ok" / "figures", tmp_path / "figures")
    assert write_thumbnail(tmp_path, None) is None and write_thumbnail(tmp_path, "absent") is None
    png = write_thumbnail(tmp_path, "fixture")
    data = png.read_bytes()
    assert png.name == "thumbnail.png" and data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert 200 <= width <= 320 and height > 50


def test_index_shows_title_synthetic_mark_and_thumbnail_escaped(tmp_path):
    d = tmp_path / "evil"
    d.mkdir()
    (d / "index.html").write_text("<html></html>", encoding="utf-8")
    (d / "thumbnail.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    evil = '<script>alert(1)</script>"'
    (d / "run.json").write_text(
        json.dumps(
            {
                "status": "ok",
                "finished_utc": "2026-01-01T00:00:00Z",
                "title": evil,
                "scope": "M · 1024/1024",
                "synthetic": True,
                "thumbnail": "thumbnail.png",
                "files": ["index.html", "thumbnail.png", "run.json"],
            }
        )
    )
    real = tmp_path / "real"
    real.mkdir()
    (real / "run.json").write_text(
        json.dumps({"status": "ok", "finished_utc": "x", "title": "Real", "synthetic": False, "thumbnail": None})
    )
    page = report.write_index(tmp_path).read_text(encoding="utf-8")
    assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;&quot; · M · 1024/1024" in page
    assert page.count('class="synthetic"') == 1  # only the synthetic report is marked
    assert '<img class="thumb" src="evil/thumbnail.png" alt="Main figure of &lt;script&gt;' in page
    assert page.count("<img") == 1 and report.check_offline(tmp_path / "index.html") == []
    assert '<meta name="generator" content="frontier report">' in page


def test_raw_text_for_a_number_is_checked_as_the_notebook_reads_it():
    from frontier.report.params import cli_overrides

    iso_nb = paths.NOTEBOOKS / "iso_interactivity.ipynb"
    assert cli_overrides([], [("isl", "1024", True)]).for_notebook(iso_nb) == {"isl": "1024"}
    with pytest.raises(report.ReportError, match="declared int: give a whole number"):
        cli_overrides([], [("isl", "1024.5", True)]).for_notebook(iso_nb)


def test_index_parameters_wrap_at_path_separators_and_show_paths_from_the_project():
    from frontier.report import index

    data = paths.ROOT.parent / "shared" / "data" / "inferencex" / "raw"
    text = index._params_summary({"data_paths": [str(data)], "model": "gpt-oss*"})
    assert text.startswith("data_paths=../shared/data/inferencex/raw")
    html_text = index._wrap_points(text)
    assert "/<wbr>shared/<wbr>data/<wbr>" in html_text and ";<wbr> model=gpt-oss*" in html_text
    assert "min-width:240px" in index._CSS and "word-break:break-word" not in index._CSS


# ------------------------------------------------------------------------------------------ runs side by side
def test_runs_side_by_side_keep_their_order_and_end_before_an_error_is_raised():
    import threading

    from frontier.report import runner

    started: list[str] = []
    b_done = threading.Event()

    def run_one(name: str):
        started.append(name)
        if name == "a":  # "a" ends only after "b": the two run at once
            assert b_done.wait(10), "b never ran beside a"
        if name == "b":
            b_done.set()
        return name.upper()

    assert runner._run_all(["a", "b", "c"], run_one, jobs=2) == ["A", "B", "C"]
    assert sorted(started) == ["a", "b", "c"]
    assert runner._run_all(["a"], lambda n: n * 2, jobs=8) == ["aa"]  # never more threads than notebooks

    ended: list[str] = []

    def broken(name: str):
        if name == "b":
            raise OSError("disk full")
        ended.append(name)
        return name

    with pytest.raises(OSError, match="disk full"):
        runner._run_all(["a", "b", "c"], broken, jobs=2)
    assert sorted(ended) == ["a", "c"]  # the others still ran to their end


def test_papermill_logger_is_restored_when_overlapping_runs_end():
    import logging
    import threading

    from frontier.report import runner

    log = logging.getLogger("papermill")
    log.setLevel(logging.INFO)
    inside, leave = threading.Event(), threading.Event()

    def first():
        with runner._quiet_papermill():
            inside.set()
            leave.wait(10)

    t = threading.Thread(target=first)
    t.start()
    inside.wait(10)
    with runner._quiet_papermill():  # enters while the first is quiet, leaves before it
        assert log.level == logging.ERROR
    assert log.level == logging.ERROR  # the first run is still going
    leave.set()
    t.join(10)
    assert log.level == logging.INFO


def test_figure_forms_reach_the_kernels_and_bad_choices_are_refused(tmp_path, monkeypatch):
    import os

    from frontier.report import figure_forms, runner

    monkeypatch.delenv(figure_forms.ENV, raising=False)
    with runner._figure_forms("all"):
        assert os.environ[figure_forms.ENV] == "all" and figure_forms.current() == "all"
    assert figure_forms.ENV not in os.environ and figure_forms.current() == "light"
    monkeypatch.setenv(figure_forms.ENV, "sepia")
    with pytest.raises(ValueError, match="FRONTIER_FIGURES='sepia'"):
        figure_forms.current()
    with pytest.raises(report.ReportError, match="figures must be one of"):
        report.run_reports(["ok"], out_dir=tmp_path / "r", notebooks_dir=FIXTURES, figures="sepia")
    with pytest.raises(report.ReportError, match="jobs must be 1 or more"):
        report.run_reports(["ok"], out_dir=tmp_path / "r", notebooks_dir=FIXTURES, jobs=0)
    assert not (tmp_path / "r").exists()  # refused before anything ran
