"""End to end: the report command on the bundled sample, a failing report, hostile strings from artifacts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from frontier import paths
from frontier.data import labels
from frontier.report import check_offline
from frontier.report.summary_schema import summary_tables

from .test_load_bad import agg_row
from .test_report import _img_alts


def report(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "frontier.cli", "report", *args],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=1200,
        check=False,
    )


def test_report_command_end_to_end(tmp_path, sample_reports):
    """Every report built by ``frontier report --out DIR`` (the session's build, exit code checked there), then a
    failing rebuild of two of them in a copy of that folder."""
    out = tmp_path / "reports"
    shutil.copytree(sample_reports, out, symlinks=True)
    names = sorted(p.stem for p in paths.NOTEBOOKS.glob("*.ipynb"))
    index = (out / "index.html").read_text()
    for name in names:
        page = out / name / "index.html"
        assert page.is_file(), name
        assert check_offline(page) == [], name
        html = page.read_text()
        assert "Synthetic data" in html
        assert html.count('src="data:image/svg+xml') >= 1, name  # charts inline
        alts = _img_alts(html)
        assert alts and all(a.startswith("Chart: ") and len(a) > 10 for a in alts), (name, alts)  # each says what
        assert "def " not in html and "import " not in html  # code hidden
        run = json.loads((out / name / "run.json").read_text())
        assert run["status"] == "ok"
        assert name in index
        # the page ends with its content (no repr of a returned value) and is titled for a reader
        assert "PosixPath(" not in html and "Path('" not in html, name
        summary = json.loads((out / name / "summary.json").read_text())
        figs = {p.name for p in (out / name / "figures").iterdir()}  # the form the page and index use, only
        assert figs == {f"{f['name']}-light.svg" for f in summary["figures"]}, (name, figs)
        title = html[html.index("<title>") + 7 : html.index("</title>")]
        assert title.startswith(summary["title"]) and title.endswith("(synthetic data)") and title != name, title
        assert run["synthetic"] is True and run["title"] == summary["title"]
        assert run["thumbnail"] == "thumbnail.png", (name, run["warnings"])
        assert (out / name / "thumbnail.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'src="{name}/thumbnail.png"' in index
    assert index.count('class="synthetic"') == len(names)
    assert check_offline(out / "index.html") == []

    # a notebook that fails: failure report, non-zero exit, the good report kept, the other report still built
    # (in parallel, with every figure form asked for)
    before = (out / "iso_interactivity" / "index.html").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text("notebooks:\n  iso_interactivity: {model: NoSuchModel}\n  explore: {lookup_at: 55}\n")
    failed = report("iso_interactivity", "explore", "--params", str(bad), "--out", str(out), "-j2", "--figures", "all")
    assert failed.returncode != 0
    assert [ln.split()[1] for ln in failed.stdout.splitlines()[:2]] == ["iso_interactivity", "explore"]  # in order
    explore_figs = out / "explore" / "figures"
    assert list(explore_figs.glob("*-dark.png")) and list(explore_figs.glob("*-dark.svg"))
    fail_page = (out / "iso_interactivity" / "failed.html").read_text()
    assert "no points match" in fail_page and "NoSuchModel" in fail_page
    assert (out / "iso_interactivity" / "index.html").read_text() == before
    assert json.loads((out / "explore" / "run.json").read_text())["status"] == "ok"
    assert "55" in json.dumps(json.loads((out / "explore" / "summary.json").read_text())["parameters"])


def test_hostile_strings_in_artifacts_are_escaped(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    evil = "<script>alert(1)</script>"
    rows = [
        agg_row(
            conc=c,
            tput_per_gpu=8000.0 / (i + 1),
            median_tpot=0.008 * (i + 1),
            median_intvty=125.0 / (i + 1),
            infmax_model_prefix=evil,
            model=evil,
            image='"><img src=x onerror=alert(2)>',
        )
        for i, c in enumerate((4, 8, 16, 32))
    ]
    (data / "agg_bmk.json").write_text(json.dumps(rows))
    out = tmp_path / "reports"
    done = report("explore", "--data", str(data), "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    html = (out / "explore" / "index.html").read_text()
    assert evil not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert check_offline(out / "explore" / "index.html") == []


#: columns that name a config for people; a table holding one also holds the config's join key
_CONFIG_NAMES = ("label", "config", "A", "B", "config_a", "config_b", "label_a", "label_b", "best_config")
#: tables whose ``label`` names a price view, not a config
_NOT_CONFIGS = {("migration", "break_even.price_views")}


def test_every_summary_table_naming_a_config_carries_its_stable_key(sample_reports):
    """Labels are for people; joins across builds use ``config_key`` (summary schema 2), which names every part
    of the config's curve key whatever the label leaves out."""
    checked = 0
    for name in sorted(p.stem for p in paths.NOTEBOOKS.glob("*.ipynb")):
        doc = json.loads((sample_reports / name / "summary.json").read_text())
        assert doc["schema_version"] == 2
        for table, rows in summary_tables(doc).items():
            if (name, table) in _NOT_CONFIGS or not any(c in rows[0] for c in _CONFIG_NAMES):
                continue
            keys = [c for c in rows[0] if labels.is_join_column(c)]
            assert keys, (name, table, sorted(rows[0]))
            checked += 1
            for r in rows:
                for k in keys:
                    assert r[k] is None or labels.parse_config_key(r[k]) is not None, (name, table, r[k])
                if r.get("config_key") and labels.has_config_key_parts(r):
                    assert r["config_key"] == labels.config_key(r), (name, table)  # the row's own parts
    assert checked >= 10
