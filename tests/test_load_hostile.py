"""Hostile and faulty inputs (built by tests/hostile_inputs.py): every input file ends as loaded, skipped with a
reason, or a duplicate; the good file beside it always loads; ``strict`` is a clear error; nothing escapes.

The two cases that write gigabytes are marked ``slow`` (``pytest -m slow`` runs them)."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontier.load import LoadError, load
from frontier.fsutil import safe_for_terminal as printable
from frontier.safety import path_text

from .hostile_inputs import (CASES, ESCAPE_NAME, GOOD_CONCS, SLOW, agg_row, api_row, build_case, raw_client,
                             remove_tree, walk_entries, write_good)

FOLDER_REASONS = ("folder", "hidden", "symbolic link")


def _refuse_scandir(monkeypatch, folder: Path) -> None:
    """Root reads through mode 0: make the folder unreadable for the loader as it is for other users."""
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path).rstrip("/") == os.fspath(folder):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def reasons(rep) -> list[str]:
    return [s.reason for s in rep.skips] + [f.reason or "" for f in rep.files if f.status != "read"]


def assert_accounted(rep, folder: Path) -> None:
    """Every entry under ``folder`` is in the report, itself or through a reported folder above it."""
    listed = {f.path for f in rep.files}
    folders = [f.path for f in rep.files if f.status != "read" and any(w in (f.reason or "") for w in FOLDER_REASONS)]
    for entry in walk_entries(folder):
        label = path_text(entry)
        assert label in listed or any(label.startswith(p + "/") for p in folders), (label, sorted(listed))
    for f in rep.files:
        assert f.status in ("read", "skipped", "ignored", "duplicate"), f
        assert f.status == "read" or f.reason, f


def check_case(name: str, folder: Path, monkeypatch) -> None:
    expect = build_case(name, folder)
    if name == "unreadable_subfolder":
        _refuse_scandir(monkeypatch, folder / "locked")
    res = load(folder, cache=False)
    rep = res.report
    rep.check_accounting()
    good = res.points.filter(res.points["source_file"].str.ends_with("/good.json"))
    assert sorted(good["conc"].to_list()) == list(GOOD_CONCS)
    assert_accounted(rep, folder)
    if expect is not None:
        assert any(expect in r for r in reasons(rep)), reasons(rep)
    if rep.skips:
        with pytest.raises(LoadError) as err:
            load(folder, cache=False, strict=True)
        first = rep.skips[0]
        assert printable(first.file) in str(err.value) and "\x1b" not in str(err.value)
    else:
        load(folder, cache=False, strict=True)


@pytest.mark.parametrize("name", [n for n in CASES if n not in SLOW])
def test_hostile_input_is_accounted_for(name, tmp_path, monkeypatch):
    try:
        check_case(name, tmp_path / "case", monkeypatch)
    finally:
        if name == "folders_deep":
            remove_tree(tmp_path / "case" / "nest")


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_hostile_big_input_is_accounted_for(name, tmp_path, monkeypatch):
    check_case(name, tmp_path / "case", monkeypatch)


def test_values_that_do_not_fit_are_skipped_not_nulled(tmp_path):
    build_case("int_beyond_64_bits", tmp_path / "a")
    build_case("tp_2_pow_31", tmp_path / "b")
    res = load([tmp_path / "a", tmp_path / "b"], cache=False)
    assert res.points["conc"].null_count() == 0 and res.points["tp"].null_count() == 0
    out_of_range = [s for s in res.report.skips if "out of range" in s.reason]
    assert {(Path(s.file).name, s.row) for s in out_of_range} == {("big.json", 0), ("tp.json", 0)}
    assert 32 in res.points["conc"].to_list()  # big.json's other row


def test_csv_concurrency_4_5_does_not_replace_the_real_row(tmp_path):
    build_case("csv_concurrency_4_5", tmp_path)
    res = load(tmp_path / "export.csv", cache=False)
    assert res.points["conc"].to_list() == [4] and res.points["tput_per_gpu"].to_list() == [7000.0]
    assert res.report.duplicates == 0
    assert [(s.row, s.reason) for s in res.report.skips] == [(1, "bad value for field: conc")]


def test_duplicate_json_keys_one_rule_on_both_parse_paths(tmp_path):
    """The first value of a repeated key is read, on the fast path and on the checked path alike."""
    build_case("duplicate_keys", tmp_path)
    res = load([tmp_path / "fast.json", tmp_path / "slow.json"], cache=False)
    by_conc = dict(zip(res.points["conc"].to_list(), res.points["tput_per_gpu"].to_list()))
    assert by_conc == {32: 1111.0, 64: 1111.0}
    assert [f.format for f in res.report.files] == ["agg_bmk", "agg_bmk"]


def test_api_row_with_duplicate_keys_reads_the_first(tmp_path):
    row = json.dumps(api_row()).replace('"conc": 4', '"conc": 4, "conc": 8')
    (tmp_path / "fast.json").write_text(f"[{row}]")
    (tmp_path / "slow.json").write_text(f"[{row.replace('1000.0', 'NaN')}, {row}]")
    res = load([tmp_path / "fast.json"], cache=False)
    assert res.points["conc"].to_list() == [4]
    slow = load([tmp_path / "slow.json"], cache=False, keep="all")
    assert slow.points["conc"].to_list() == [4]


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "frontier.cli", "load", *args], capture_output=True, text=True,
                          timeout=timeout, errors="surrogateescape")


def test_glob_over_two_symlink_loops_finishes(tmp_path):
    build_case("symlink_loops", tmp_path)
    out = _cli(str(tmp_path / "**" / "*.json"), "--json", "--files", "--no-cache", timeout=60)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["rows_loaded"] == len(GOOD_CONCS) + 1
    assert "Traceback" not in out.stderr


def test_cli_escapes_terminal_control_characters_in_names(tmp_path):
    build_case("escape_sequence_name", tmp_path)
    for args in ([str(tmp_path), "--no-cache"], [str(tmp_path), "--no-cache", "--strict"],
                 [str(tmp_path / ESCAPE_NAME), "--no-cache"]):
        out = _cli(*args)
        assert "\x1b" not in out.stdout + out.stderr and "\x07" not in out.stdout + out.stderr, out
        assert "Traceback" not in out.stderr
    assert out.returncode == 2 and "\\x1b" in out.stderr


def test_cli_strict_is_a_clear_error_naming_file_and_row(tmp_path):
    build_case("int_beyond_64_bits", tmp_path)
    out = _cli(str(tmp_path), "--no-cache", "--strict")
    assert out.returncode == 2
    assert "big.json, row 0" in out.stderr and "out of range" in out.stderr and "Traceback" not in out.stderr


def test_cli_lists_skipped_inputs_with_their_names(tmp_path):
    build_case("fifo", tmp_path)
    out = _cli(str(tmp_path), "--no-cache")
    assert out.returncode == 0 and "pipe.json" in out.stdout and "not a regular file" in out.stdout


# ---------------------------------------------------------------------------------------------------------------
# bounded fuzzing: mutated artifacts of every format under random names

def _seeds() -> list[bytes]:
    agg = json.dumps([agg_row(conc=c) for c in (32, 64)]).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("run_7/agg_bmk.json", agg)
        zf.writestr("run_7/run.json", json.dumps({"run_id": 7, "date": "2026-01-02"}))
    csv = ("# a\n# b\n# c\nModel,ISL,OSL,Hardware,Framework,Precision,TP,Concurrency,Date,Throughput/GPU (tok/s),"
           "Median TPOT (ms)\ngpt-oss-120b,1024,1024,b200,trt,fp4,4,4,2026-01-01,7000,0.02\n").encode()
    return [agg, json.dumps(agg_row(conc=2)).encode(), json.dumps([api_row()]).encode(), csv,
            json.dumps(raw_client()).encode(), buf.getvalue()]


SEEDS = _seeds()
NAMES = st.tuples(st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), max_size=12),
                  st.sampled_from([".json", ".csv", ".zip", ".txt", "", ".JSON"]))


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "truncate", "repeat", "number", "nest"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(max_size=16))
        elif kind == "truncate":
            del data[pos:]
        elif kind == "repeat":
            data[pos:pos] = data[pos:pos + draw(st.integers(1, 64))] * draw(st.integers(1, 50))
        elif kind == "number":
            data[pos:pos] = draw(st.sampled_from([b"1e400", b"-0", b"99999999999999999999999", b"4.5", b"NaN",
                                                  b"2147483648", b"\\ud800", b"true", b"null"]))
        else:
            data[pos:pos] = b"[" * draw(st.integers(1, 3000))
    return bytes(data)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=st.lists(st.tuples(NAMES, mutated()), min_size=1, max_size=4))
def test_fuzz_every_file_is_accounted_for_and_nothing_escapes(tmp_path_factory, files):
    d = tmp_path_factory.mktemp("fuzz")
    write_good(d)
    for i, ((stem, suffix), data) in enumerate(files):
        (d / f"{i}{stem}{suffix}").write_bytes(data)
    res = load(d, cache=False)
    rep = res.report
    rep.check_accounting()
    assert_accounted(rep, d)
    assert set(GOOD_CONCS) <= set(res.points["conc"].to_list())
    try:
        load(d, cache=False, strict=True)
    except LoadError as e:
        assert rep.skips and "\x1b" not in str(e)
