"""Command-line output for people: tables with units, $ and significant figures that fit the terminal width
(``COLUMNS``), prose wrapped, ``--wide`` one line per row; and the formatter behind them (frontier.terminal)."""

from __future__ import annotations

import re

import pytest

from frontier import cli, paths
from frontier.terminal import Column, count, echo, plural, sig, table_csv, table_text, text_width, wrap

SAMPLE = str(paths.SAMPLE_DIR)
ISO = ["iso", SAMPLE, "--model", "DeepSeek*", "--isl", "1024", "--osl", "1024"]
BREAKEVEN = [
    "breakeven",
    SAMPLE,
    "--sides",
    "b200/fp4 vs h100/fp8",
    "--model",
    "Llama-3.3-70B-Instruct",
    "--isl",
    "1024",
    "--osl",
    "1024",
    "--requests-per-day",
    "1000000",
    "--migration-cost",
    "250000",
]
BOUNDS = ["bounds", "--model", "llama70b", "--gpu", "b200", "--precision", "fp4"]


def widest(text: str) -> int:
    return max(text_width(line) for line in text.splitlines())


def output(capsys, monkeypatch, columns: int, argv: list[str]) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    rc = cli.main(argv)
    out = capsys.readouterr().out
    assert rc == 0
    return out


@pytest.mark.parametrize("columns", [60, 80, 120, 200])
@pytest.mark.parametrize("argv", [ISO, BREAKEVEN, BOUNDS, ["load", SAMPLE]], ids=["iso", "breakeven", "bounds", "load"])
def test_output_fits_the_terminal_width(capsys, monkeypatch, no_cache, columns, argv):
    out = output(capsys, monkeypatch, columns, argv)
    assert widest(out) <= columns, [line for line in out.splitlines() if text_width(line) > columns][:3]


@pytest.mark.parametrize("argv", [ISO, BREAKEVEN, BOUNDS], ids=["iso", "breakeven", "bounds"])
def test_no_frame_reprs_exponents_or_raw_floats(capsys, monkeypatch, no_cache, argv):
    out = output(capsys, monkeypatch, 100, argv)
    assert "shape: (" not in out and "--- ┆" not in out and "null" not in out and "┆" not in out
    assert not re.search(r"\d[eE][+-]?\d", out), "a number in exponent form"
    assert not re.search(r"[1-9]\d*\.\d{4,}", out), "a number with more than four significant figures"
    assert not re.search(r"\d{5,}", out), "a number of five or more digits without thousands separators"


def test_iso_text_has_units_and_dollars(capsys, monkeypatch, no_cache):
    out = output(capsys, monkeypatch, 200, [*ISO, "--wide"])
    header = next(line for line in out.splitlines() if line.startswith("config"))
    for unit in ("tok/s/GPU", "$/M total", "tok/s/MW", "concurrency", "target tok/s/user"):
        assert unit in header
    assert re.search(r"\$0\.\d{3,4}\b", out) and re.search(r"\d,\d{3}", out)


def test_wide_prints_one_line_per_row(capsys, monkeypatch, no_cache):
    out = output(capsys, monkeypatch, 60, [*ISO, "--wide"])
    rows = [line for line in out.splitlines() if line.startswith(("b200", "gb200", "h200", "mi3"))]
    assert len(rows) == 14  # every config of the sample's DeepSeek 1024/1024 starts one line
    assert widest(out) > 60


def test_breakeven_text_names_views_once_and_shows_money(capsys, monkeypatch, no_cache):
    out = output(capsys, monkeypatch, 120, BREAKEVEN)
    assert "costh: owning at hyperscaler volume · dashboard GPU table v2" in out
    assert "$250,000" in out and "pays back in" in out and "onwar…" not in out
    assert re.search(r"\d\.\d\d×", out)  # ratios with their sign


def test_bounds_values_have_sensible_significant_figures(capsys, monkeypatch):
    out = output(capsys, monkeypatch, 200, [*BOUNDS, "--wide"])
    assert "42.7  GB" in out or re.search(r"42\.7 +GB", out)
    assert "42.7046" not in out and "1.42442e+11" not in out
    assert re.search(r"142,400,000,000 +FLOP", out)
    assert re.search(r"163,840 +bytes", out)  # an exact count keeps every digit


# ---------------------------------------------------------------------------------------------------------------
# the formatter


def test_sig_rounds_to_significant_figures_without_exponents():
    assert sig(0.0569123) == "0.0569"
    assert sig(12787.56) == "12,800"
    assert sig(1.42442e11, 4) == "142,400,000,000"
    assert sig(8.0, 4, trim=True) == "8" and sig(42.7046, 4, trim=True) == "42.7"
    assert sig(-1234.5) == "−1,230"
    assert count(12787.56) == "12,788"


def test_plural():
    assert plural(1, "file") == "1 file" and plural(2, "file") == "2 files" and plural(1234, "row") == "1,234 rows"
    assert plural(1, "copy", "copies") == "1 copy" and plural(3, "copy", "copies") == "3 copies"


ROWS = [
    {"label": "b200 · sglang · fp4 · mtp · agg", "target": t, "tput": 1234.5 * t, "cost": 0.0569 * t, "note": n}
    for t, n in ((30, "TP8"), (50, "P 2×TP4/EP4 DPA + D 1×TP16/EP16 DPA (8+16 GPUs)"), (90, None))
]
COLS = [
    Column.text("label", "config", key_column=True),
    Column.num("target", "target tok/s/user", "{:g}".format, key_column=True),
    Column.num("tput", "tok/s/GPU", count),
    Column.money("cost", "$/M total"),
    Column.text("note", "topology"),
]


@pytest.mark.parametrize("width", [40, 50, 64, 80, 100, 160])
def test_table_fits_any_width_and_keeps_every_value(width):
    text = table_text(ROWS, COLS, width=width)
    assert widest(text) <= width
    flat = " ".join(text.split())
    for v in ("37,035", "61,725", "111,105", "$1.71", "$2.84", "$5.12", "—"):
        assert v in flat
    # a repeated key is shown once per block of columns
    assert text.count("b200 ·") == len(re.findall(r"^config", text, flags=re.M))


def test_table_right_aligns_numbers_and_marks_missing_values():
    lines = table_text(ROWS, COLS, width=200).splitlines()
    body = lines[-3:]
    ends = {line.index("$") + len(line.split("$")[1].split()[0]) for line in body if "$" in line}
    assert len(ends) == 1  # the $ column ends in the same place on every row
    assert body[-1].rstrip().endswith("—")


def test_cells_from_data_are_terminal_safe():
    rows = [{"label": "x\x1b]0;t\x07\x1b[2J", "target": 1.0, "tput": None, "cost": float("nan"), "note": "\u202eevil"}]
    text = table_text(rows, COLS, width=80)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b]0;t\\x07" in text and "\\u202e" in text


def test_echo_and_wrap_escape_every_line(capsys):
    echo("a\x1b[2J\nb\x07", err=True)
    assert capsys.readouterr().err == "a\\x1b[2J\nb\\x07\n"
    text = wrap("word " * 40 + "x\x1b]0;t\x07", width=30, indent="  ")
    assert widest(text) <= 30 and "\x1b" not in text
    assert all(line.startswith("  ") for line in text.splitlines()[1:])
    assert wrap("a  b   kept as written", width=80) == "a  b   kept as written"


def test_csv_has_machine_names_and_raw_values():
    text = table_csv(ROWS)
    head, first = text.splitlines()[:2]
    assert head == "label,target,tput,cost,note"
    assert first.split(",")[2] == "37035.0"  # raw, not "37,035"
    assert text.splitlines()[-1].endswith(",")  # a missing value is an empty cell


def test_a_wrapped_key_continues_beside_its_group():
    rows = [{**r, "note": "TP8"} for r in ROWS]
    text = table_text(rows, COLS, width=56)
    body = text.split("─\n", 1)[1].splitlines() if "─\n" in text else text.splitlines()[3:]
    assert widest(text) <= 56
    assert len(body) == len(rows)  # the config name's second line shares the second row's line
    assert body[0].startswith("b200 ·") and not body[1].startswith(" ") and body[2].startswith(" ")


def test_echo_to_a_terminal_without_unicode_escapes_instead_of_failing():
    import io

    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii")
    echo("b200 · trt — $0.0569 ≈3 ─── é", file=out)
    out.flush()
    assert raw.getvalue() == b"b200 . trt - $0.0569 ~3 --- \\xe9\n"
