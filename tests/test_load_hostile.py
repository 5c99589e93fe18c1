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

from frontier.data.load import LoadError, load
from frontier.data.safety import path_text
from frontier.fsutil import safe_for_terminal as printable

from .hostile_inputs import (
    CASES,
    ESCAPE_NAME,
    GOOD_CONCS,
    SLOW,
    agg_row,
    api_row,
    build_case,
    raw_client,
    remove_tree,
    walk_entries,
    write_good,
)

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


def test_a_run_id_past_64_bits_in_a_run_url_is_skipped_not_nulled(tmp_path):
    rows = [api_row(run_url="https://github.com/o/r/actions/runs/" + "9" * 25), api_row(conc=8, run_url="/runs/12")]
    (tmp_path / "api.json").write_text(json.dumps(rows))
    res = load(tmp_path / "api.json", cache=False)
    assert res.points["run_id"].to_list() == [12]
    assert [(s.row, s.reason) for s in res.report.skips] == [(0, "value out of range for field: run_url")]


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


def test_archive_inflated_total_is_bounded(tmp_path, monkeypatch):
    """Members are counted against the archive's budget as they are inflated; past it the rest are skipped."""
    import frontier.data.load.archives as archives

    monkeypatch.setattr(archives, "MAX_INFLATED_BYTES", 1 << 20)
    rows = [json.dumps([agg_row(conc=c, image="x" * (400 << 10))]).encode() for c in (32, 64, 128)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for i, data in enumerate(rows):
            zf.writestr(f"m{i}.json", data)
    (tmp_path / "three.zip").write_bytes(buf.getvalue())
    res = load(tmp_path / "three.zip", cache=False)
    assert sorted(res.points["conc"].to_list()) == [32, 64]
    assert [(s.file.rsplit("!", 1)[-1], s.reason) for s in res.report.skips] == [
        ("m2.json", "zip archive inflates past the loader's limit")
    ]


def test_rows_per_file_are_bounded_on_every_path(tmp_path, monkeypatch):
    """Row limits, shown with small limits: a CSV of many lines; a streamed agg sweep of many rows."""
    import frontier.data.load.discovery as discovery
    import frontier.data.load.readers.dashboard_csv as dashboard_csv
    import frontier.data.load.readers.ndjson as ndjson
    import frontier.data.load.reading as reading

    monkeypatch.setattr(dashboard_csv, "MAX_ROWS_PER_FILE", 5)
    monkeypatch.setattr(ndjson, "MAX_ROWS_PER_FILE", 5)
    monkeypatch.setattr(discovery, "STREAM_BYTES", 1024)  # stream every JSON file of 1 KiB or more
    monkeypatch.setattr(reading, "MAX_WHOLE_BYTES", 1024)
    write_good(tmp_path)
    build_case("csv_concurrency_4_5", tmp_path)
    (tmp_path / "export.csv").write_text((tmp_path / "export.csv").read_text() + "\n" * 10)
    (tmp_path / "sweep.json").write_text(json.dumps([agg_row(conc=c) for c in range(32, 40)]))
    res = load(tmp_path, cache=False)
    skipped = {Path(f.path).name: f.reason for f in res.report.files if f.status == "skipped"}
    assert skipped["export.csv"] == "CSV with more than 5 lines"
    assert skipped["sweep.json"].startswith("too large to read whole") and "more than 5 rows" in skipped["sweep.json"]
    assert sorted(res.points["conc"].to_list()) == list(GOOD_CONCS)


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        (b"[]", False),
        (b"[" * 64 + b"]" * 64, False),
        (b"[" * 65 + b"]" * 65, True),
        (b'{"a": "' + b"[" * 500 + b'"}', False),  # brackets inside a string do not nest
        (b'["\\", ""[[[[", ' + b"[" * 70 + b"]" * 70 + b"]", True),  # escaped quotes do not end the string
        (b"[" * 100 + b"}" * 100, False),  # unbalanced: not JSON, left to the parser to report
        (json.dumps([{"a": [1, {"b": [2]}]}] * 5000).encode(), False),
    ],
)
def test_json_depth_is_measured_without_recursion(text, deep):
    from frontier.data.load.limits import json_too_deep

    assert json_too_deep(text, 64) is deep


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "frontier.cli", "load", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        errors="surrogateescape",
        env={**os.environ, "COLUMNS": "400"},  # long temporary paths on one line each
    )


def test_fifo_matched_by_a_glob_is_never_opened(tmp_path):
    build_case("fifo_matched_by_glob", tmp_path)
    out = _cli(str(tmp_path / "*.json"), "--json", "--files", "--no-cache", timeout=60)
    assert out.returncode == 0, out.stderr
    files = {f["path"].rsplit("/", 1)[-1]: f for f in json.loads(out.stdout)["files"]}
    assert files["zz.json"]["status"] == "skipped" and "FIFO" in files["zz.json"]["reason"]


def test_glob_over_two_symlink_loops_finishes(tmp_path):
    build_case("symlink_loops", tmp_path)
    out = _cli(str(tmp_path / "**" / "*.json"), "--json", "--files", "--no-cache", timeout=60)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["rows_loaded"] == len(GOOD_CONCS) + 1
    assert "Traceback" not in out.stderr


def test_cli_escapes_terminal_control_characters_in_names(tmp_path):
    build_case("escape_sequence_name", tmp_path)
    for args in (
        [str(tmp_path), "--no-cache"],
        [str(tmp_path), "--no-cache", "--strict"],
        [str(tmp_path / ESCAPE_NAME), "--no-cache"],
    ):
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
    csv = (
        b"# a\n# b\n# c\nModel,ISL,OSL,Hardware,Framework,Precision,TP,Concurrency,Date,Throughput/GPU (tok/s),"
        b"Median TPOT (ms)\ngpt-oss-120b,1024,1024,b200,trt,fp4,4,4,2026-01-01,7000,0.02\n"
    )
    return [
        agg,
        json.dumps(agg_row(conc=2)).encode(),
        json.dumps([api_row()]).encode(),
        csv,
        json.dumps(raw_client()).encode(),
        buf.getvalue(),
    ]


SEEDS = _seeds()
NAMES = st.tuples(
    st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from([".json", ".csv", ".zip", ".txt", "", ".JSON"]),
)


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
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 64))] * draw(st.integers(1, 50))
        elif kind == "number":
            data[pos:pos] = draw(
                st.sampled_from(
                    [
                        b"1e400",
                        b"-0",
                        b"99999999999999999999999",
                        b"4.5",
                        b"NaN",
                        b"2147483648",
                        b"\\ud800",
                        b"true",
                        b"null",
                    ]
                )
            )
        else:
            data[pos:pos] = b"[" * draw(st.integers(1, 3000))
    return bytes(data)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
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
