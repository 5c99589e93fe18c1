"""Every subcommand against hostile names and inputs: no escape sequence reaches the terminal raw, every refused
request is one line on stderr with exit 2, never a traceback."""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from frontier import cli, paths

OSC_TITLE = "\x1b]0;owned\x07"  # retitles the terminal
CLEAR = "\x1b[2J"  # clears the screen
RAW = ("\x1b", "\x07")


def hostile_rows(hw: str, framework: str, precision: str, scale: float) -> list[dict]:
    """Three agg rows of one config whose model and engine names carry terminal escape sequences."""
    return [
        {
            "hw": hw,
            "conc": conc,
            "model": f"evil/Model{OSC_TITLE}{CLEAR}",
            "infmax_model_prefix": f"evil{OSC_TITLE}{CLEAR}",
            "framework": framework,
            "precision": precision,
            "isl": 1024,
            "osl": 1024,
            "tp": 8,
            "ep": 1,
            "tput_per_gpu": tput * scale,
            "output_tput_per_gpu": tput * scale / 2,
            "input_tput_per_gpu": tput * scale / 2,
            "median_tpot": tpot,
            "median_intvty": 1 / tpot,
        }
        for conc, tput, tpot in ((4, 400.0, 0.01), (16, 1200.0, 0.016), (64, 2800.0, 0.03))
    ]


@pytest.fixture
def evil(tmp_path, no_cache) -> Path:
    """A folder with one agg file: a b200/fp4 and an h100/fp8 config of a model named with escape sequences."""
    d = tmp_path / "evil"
    d.mkdir()
    rows = hostile_rows("b200", f"trt{CLEAR}", "fp4", 2.0) + hostile_rows("h100", "vllm", "fp8", 1.0)
    (d / "agg_bmk.json").write_text(json.dumps(rows))
    return d


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = cli.main(list(argv))
    cap = capsys.readouterr()
    for raw in RAW:
        assert raw not in cap.out and raw not in cap.err, (argv, cap.out, cap.err)
    assert "Traceback" not in cap.err
    return rc, cap.out, cap.err


def refused(rc: int, err: str) -> str:
    """The one-line error of a refused request."""
    assert rc == 2, err
    assert err.count("\n") == 1 and err.startswith("frontier"), err
    return err


def scope(evil: Path, *extra: str) -> list[str]:
    return [str(evil), "--model", "evil*", "--isl", "1024", "--osl", "1024", "--no-cache", *extra]


# ---------------------------------------------------------------------------------------------------------------
# names from data


def names_survive(text: str) -> bool:
    """The hostile model name either shown escaped (as text, or as JSON escapes), replaced at load (control
    characters become U+FFFD), or not shown at all; never a raw escape or bell."""
    if "\x1b" in text or "\x07" in text:
        return False
    return (
        "\\x1b]0;owned\\x07" in text
        or "\\u001b]0;owned\\u0007" in text
        or "\ufffd]0;owned\ufffd" in text
        or "\\ufffd]0;owned\\ufffd" in text
        or "evil" not in text
    )


def test_load_prints_hostile_names_escaped(capsys, evil):
    rc, out, _ = run(capsys, "load", str(evil), "--no-cache")
    if rc == 0:
        assert "from 1 file;" in out  # "1 file", not "1 files"
        assert names_survive(out)
    rc, out, _ = run(capsys, "load", str(evil), "--no-cache", "--csv")
    assert rc in (0, 1) and names_survive(out)


@pytest.mark.parametrize("fmt", [[], ["--csv"], ["--json"], ["--wide"]])
def test_iso_prints_hostile_names_escaped(capsys, evil, fmt):
    rc, out, err = run(capsys, "iso", *scope(evil, "--targets", "50", *fmt))
    assert rc in (0, 2), err
    assert names_survive(out + err)


@pytest.mark.parametrize("fmt", [[], ["--csv"], ["--json"]])
def test_breakeven_prints_hostile_header_status_and_notes_escaped(capsys, evil, fmt):
    argv = scope(evil, "--targets", "50,60", "--sides", "b200/fp4 vs h100/fp8", "--tokens-per-day", "1e9", *fmt)
    rc, out, err = run(capsys, "breakeven", *argv)
    assert rc in (0, 1, 2), err
    assert names_survive(out + err)
    # a side missing from the data: the status names the model, still escaped
    rc, out, err = run(capsys, "breakeven", *scope(evil, "--sides", "mi355x/fp4 vs h100/fp8", *fmt))
    assert rc in (1, 2) and names_survive(out + err)


def test_errors_quoting_hostile_arguments_are_escaped(capsys, evil):
    rc, _, err = run(capsys, "iso", *scope(evil)[:2], f"x{OSC_TITLE}", "--isl", "1024", "--osl", "1024")
    assert "\\x1b]0;owned\\x07" in refused(rc, err)
    rc, _, err = run(capsys, "bounds", "--model", f"m{CLEAR}", "--gpu", "b200", "--precision", "fp4")
    assert "\\x1b[2J" in refused(rc, err)
    with pytest.raises(SystemExit) as ei:
        run(capsys, "load", str(evil), "--keep", f"new{CLEAR}")
    err = capsys.readouterr().err
    assert ei.value.code == 2 and err.count("\n") == 1 and "\x1b" not in err and "--help" in err
    rc, _, err = run(capsys, "fetch", "--model", f"m{OSC_TITLE}", "--offline", "--out", str(evil / "api"))
    assert rc != 0 and err.count("\n") == 1  # the name reaches the message URL-encoded
    rc, out, err = run(capsys, "report", f"nb{OSC_TITLE}", "--out", str(evil / "reports"))
    assert rc == 2 and "\\x1b]0;owned\\x07" in err


# ---------------------------------------------------------------------------------------------------------------
# hostile inputs: each one line and exit 2

SAMPLE = str(paths.SAMPLE_DIR)
BREAKEVEN = [
    "breakeven",
    SAMPLE,
    "--sides",
    "b200/fp4 vs h100/fp8",
    "--model",
    "llama-3.3-70b-instruct",  # case ignored, " (synthetic)" optional
    "--isl",
    "1024",
    "--osl",
    "1024",
    "--targets",
    "50,90",
]
ISO = ["iso", SAMPLE, "--model", "DEEPSEEK*", "--isl", "1024", "--osl", "1024", "--targets", "50"]

PRICE_TABLES = {
    "not UTF-8": (b"gpu,spot\n\xff\xfe,1\n", "not UTF-8 text"),
    "ragged": (b"gpu,spot\nb200,1,2\nh100\n", "line 2 has 3 field(s), the header has 2"),
    "only gpu": (b"gpu\nb200\n", "no price column"),
    "duplicate column": (b"gpu,spot,spot\nb200,1,2\n", "['spot'] appear more than once"),
    "empty": (b"", "is empty"),
}


@pytest.mark.parametrize("case", sorted(PRICE_TABLES))
@pytest.mark.parametrize("command", ["iso", "breakeven"])
def test_bad_price_tables_are_one_line(capsys, tmp_path, no_cache, case, command):
    content, message = PRICE_TABLES[case]
    f = tmp_path / "prices.csv"
    f.write_bytes(content)
    argv = ISO if command == "iso" else BREAKEVEN
    rc, _, err = run(capsys, *argv, "--prices", str(f))
    assert message in refused(rc, err)


@pytest.mark.parametrize("command", ["iso", "breakeven"])
def test_price_table_that_is_a_folder(capsys, tmp_path, no_cache, command):
    (tmp_path / "a.csv").write_text("gpu,spot\nb200,1\n")
    (tmp_path / "b.yaml").write_text("x: 1\n")  # the mix that made the CSV reader fail
    rc, _, err = run(capsys, *(ISO if command == "iso" else BREAKEVEN), "--prices", str(tmp_path))
    assert "is a folder" in refused(rc, err)


def test_relative_price_table_is_read_from_the_current_folder(capsys, tmp_path, no_cache, monkeypatch):
    (tmp_path / "p.csv").write_text("# observed 2026-01-05\ngpu,spot\nb200,2.12\nh100,1.66\n")
    monkeypatch.chdir(tmp_path)
    rc, out, err = run(capsys, *BREAKEVEN, "--prices", "p.csv", "--json")
    assert rc == 0, err
    assert "spot" in {v["view"] for v in json.loads(out)["price_views"]}


@pytest.mark.parametrize("tokens", ["1e308", "1e30", "1e16"])
def test_huge_workloads_are_refused_with_the_limit(capsys, no_cache, tokens):
    rc, _, err = run(capsys, *BREAKEVEN, "--tokens-per-day", tokens)
    assert "more than the 1e+15 accepted" in refused(rc, err)


@pytest.mark.parametrize("tokens", ["inf", "nan", "-5", "0", "lots"])
def test_workload_must_be_a_positive_number(capsys, no_cache, tokens):
    with pytest.raises(SystemExit) as ei:
        cli.main([*BREAKEVEN, f"--tokens-per-day={tokens}"])
    err = capsys.readouterr().err
    assert ei.value.code == 2 and err.count("\n") == 1 and "--tokens-per-day" in err


def test_a_tiny_workload_needs_one_replica_not_zero_gpus(capsys, no_cache):
    rc, out, err = run(capsys, *BREAKEVEN, "--tokens-per-day", "0.5", "--json")
    assert rc == 0, err
    fleet = json.loads(out)["fleet"]
    assert fleet and all(r["gpus"] >= max(r["replica_gpus"], 1) for r in fleet)
    assert all(r["gpus"] % r["replica_gpus"] == 0 for r in fleet)


def test_a_side_against_itself_is_refused(capsys, no_cache):
    argv = list(BREAKEVEN)
    argv[3] = "b200/fp4 vs B200/FP4"
    rc, _, err = run(capsys, *argv)
    assert "are the same side" in refused(rc, err)


@pytest.mark.parametrize("command", ["iso", "breakeven"])
def test_as_of_with_spaces_is_read_and_a_bad_date_says_the_format(capsys, no_cache, command):
    argv = ISO if command == "iso" else BREAKEVEN
    rc, _, err = run(capsys, *argv, "--as-of", "  2026-01-01", "--json")
    assert rc == 0, err
    for bad in ("2026-13-01", "01/02/2026", "2026-01-01T25:61"):
        with pytest.raises(SystemExit) as ei:
            cli.main([*argv, "--as-of", bad])
        err = capsys.readouterr().err
        assert ei.value.code == 2 and err.count("\n") == 1 and "YYYY-MM-DD" in err


def test_iso_tco_without_prices_lists_the_valid_columns(capsys, no_cache):
    rc, _, err = run(capsys, *ISO, "--tco", "spot")
    err = refused(rc, err)
    assert "--tco 'spot' is not a price column" in err and "costh" in err and "--prices" in err


def test_model_names_match_without_regard_to_case_and_misses_list_what_is_there(capsys, no_cache):
    rc, out, err = run(capsys, "iso", SAMPLE, "--model", "deepseek-r1-0528", "--isl", "1024", "--osl", "1024", "--json")
    assert rc == 0 and json.loads(out), err
    rc, _, err = run(capsys, "iso", SAMPLE, "--model", "deepseek-r1-0528", "--isl", "1024", "--osl", "999")
    assert "ISL/OSL measured: 1024/1024, 8192/1024" in refused(rc, err)
    rc, _, err = run(capsys, "iso", SAMPLE, "--model", "nope", "--isl", "1024", "--osl", "1024")
    assert "models loaded: DeepSeek-R1-0528 (synthetic)" in refused(rc, err)
    rc, _, err = run(capsys, "breakeven", *BREAKEVEN[1:4], "--model", "*", *BREAKEVEN[6:])
    assert "matches 4 models" in refused(rc, err)
    rc, _, err = run(capsys, "iso", SAMPLE, "--model", "*", "--isl", "1024", "--osl", "1024")
    assert "matches 4 models" in refused(rc, err)  # one table never mixes models


def test_iso_point_missing_keys_is_an_error_not_null(capsys, monkeypatch):
    def ask(request: dict) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(request).encode())))
        return run(capsys, "iso-point")

    good = [{"interactivity": 10, "throughput": 100}, {"interactivity": 20, "throughput": 50}]
    rc, out, _ = ask({"points": good, "target_iv": 500})
    assert rc == 0 and json.loads(out) == {"value": None}  # out of range: null
    rc, out, err = ask({"points": [{"iv": 10, "throughput": 100}], "target_iv": 15})
    assert rc == 2 and out == "" and "points[0] has no field 'interactivity'" in json.loads(err)["error"]
    rc, out, err = ask({"points": good, "target_iv": 15, "metric_key": "cost"})
    assert rc == 2 and "points[0] has no field 'cost'" in json.loads(err)["error"]
    rc, out, err = ask({"points": [*good, {"interactivity": 30, "throughput": None}], "target_iv": 15})
    assert rc == 2 and "points[2].throughput must be a finite number" in json.loads(err)["error"]
    rc, out, err = ask({"points": [*good, 7], "target_iv": 15})
    assert rc == 2 and "points[2] is not an object" in json.loads(err)["error"]


def test_iso_point_help_documents_the_request(capsys):
    with pytest.raises(SystemExit) as ei:
        cli.main(["iso-point", "--help"])
    out = capsys.readouterr().out
    assert ei.value.code == 0
    for key in ("points", "target_iv", "iv_key", "tput_key", "metric_key", "reciprocal_of", "exit 2"):
        assert key in out


def test_every_option_has_help_and_defaults_are_shown(capsys):
    parser = cli.build_parser()
    subs = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, sp in subs.choices.items():
        if name in cli._DELEGATED:
            continue
        for action in sp._actions:
            assert action.help, f"frontier {name} {action.option_strings or action.dest}: no help"
        with pytest.raises(SystemExit):
            cli.main([name, "--help"])
        text = capsys.readouterr().out
        for action in sp._actions:
            if action.default not in (None, False, "==SUPPRESS==") and not isinstance(action.default, list):
                assert str(action.default) in text, (name, action.dest)
    with pytest.raises(SystemExit):
        cli.main(["iso", "--help"])
    assert "(default: 30,50,90)" in capsys.readouterr().out


def test_no_print_outside_the_one_path():
    """The command-line modules print only through frontier.terminal.echo."""
    lib = paths.ROOT / "lib" / "frontier"
    for rel in ("cli.py", "data/fetch/cli.py", "report/cli.py", "report/changes_cli.py", "present/bounds_report.py"):
        tree = ast.parse((lib / rel).read_text())
        calls = [
            n.lineno
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
        ]
        assert not calls, f"{rel}: print() at lines {calls}"


def test_unexpected_errors_are_one_line_exit_3(capsys, monkeypatch):
    def boom(args):
        raise RuntimeError("line one\nline two")

    monkeypatch.setattr(cli, "_cmd_bounds", boom)
    rc = cli.main(["bounds", "--model", "llama70b", "--gpu", "b200", "--precision", "fp4"])
    err = capsys.readouterr().err
    assert rc == 3 and err.count("\n") == 1 and "unexpected error: RuntimeError: line one line two" in err


def test_a_closed_pipe_ends_quietly(no_cache):
    """`frontier iso … | head -1`: the reader leaves early; no traceback on stderr."""
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT / "lib")}
    p = subprocess.Popen(
        [sys.executable, "-m", "frontier.cli", "load", SAMPLE, "--csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert p.stdout is not None and p.stderr is not None
    p.stdout.readline()
    p.stdout.close()
    err = p.stderr.read().decode()
    p.wait()
    assert "Traceback" not in err


def test_csv_output_parses_and_matches_json(capsys, no_cache):
    rc, out_csv, _ = run(capsys, *ISO, "--csv")
    rc2, out_json, _ = run(capsys, *ISO, "--json")
    assert rc == rc2 == 0
    rows = list(csv.DictReader(io.StringIO(out_csv)))
    recs = json.loads(out_json)
    assert len(rows) == len(recs) and rows[0].keys() == recs[0].keys()
    for r, j in zip(rows, recs):
        assert r["label"] == j["label"]
        assert (r["tput_per_gpu"] == "") == (j["tput_per_gpu"] is None)
        if j["tput_per_gpu"] is not None:
            assert float(r["tput_per_gpu"]) == pytest.approx(j["tput_per_gpu"], rel=1e-12)
    rc, out, err = run(capsys, *BREAKEVEN, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and {r["view"] for r in rows} == {"costh", "costr"} and "best" not in out, err
    assert {float(r["target"]) for r in rows} == {50.0, 90.0}


def test_breakeven_csv_without_a_partner_keeps_its_header_and_says_why(capsys, no_cache):
    argv = list(BREAKEVEN)
    argv[3] = "mi355x/fp4 vs h100/fp8"
    rc, out, err = run(capsys, *argv, "--csv")
    assert rc == 1 and out.startswith("target,config_a,") and len(out.splitlines()) == 1
    assert err.count("\n") == 1 and "no like-for-like partner" in err


def test_library_as_of_strips_spaces_and_says_the_format():
    from frontier.analysis.economics import gpu_table

    assert gpu_table(as_of="  2026-01-01")["version"][0] == gpu_table(as_of="2026-01-01")["version"][0]
    with pytest.raises(ValueError, match="expected a date written YYYY-MM-DD"):
        gpu_table(as_of="01/02/2026")
