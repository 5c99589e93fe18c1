"""The loader's read paths agree: a sweep read whole, streamed block by block, batched with other files or
normalised in small groups loads the same table with the same report."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from polars.testing import assert_frame_equal

from frontier.data.load import canonical, discovery, load, reading
from frontier.data.load.readers import ndjson

from .test_load_bad import agg_row


def _rows(n: int, **over) -> list[dict]:
    return [agg_row(conc=c + 1, tput_per_gpu=6000.0 / (c + 1), median_tpot=0.01 * (c + 1), **over) for c in range(n)]


@pytest.fixture
def sweeps(tmp_path):
    """Compact, pretty-printed and mixed agg_bmk arrays, one with a string holding the ``},{`` separator."""
    d = tmp_path / "sweeps"
    (d / "run_1").mkdir(parents=True)
    (d / "run_1" / "agg_bmk.json").write_text(json.dumps(_rows(300)))
    (d / "run_2").mkdir()
    (d / "run_2" / "agg_bmk.json").write_text(json.dumps(_rows(200, precision="fp8"), indent=2))
    (d / "run_3").mkdir()
    tricky = _rows(150, precision="int4")
    tricky[70]["image"] = 'img"},{"hw": "x'
    (d / "run_3" / "agg_bmk.json").write_text(json.dumps(tricky).replace("}, {", "},\r\n  {"))
    (d / "run_4").mkdir()
    (d / "run_4" / "agg_bmk.json").write_text("[]")
    return d


def _load(path):
    res = load(path, cache=False)
    res.report.check_accounting()
    return res


def test_streamed_batched_and_grouped_reads_match_whole_reads(sweeps, monkeypatch):
    whole = _load(sweeps)
    assert whole.points.height == 650 and whole.report.rows_read == 650
    int4 = whole.points.filter(whole.points["precision"] == "int4")
    assert int4["image"].str.contains('},{"hw"', literal=True).sum() == 1
    # every agg_bmk file streamed (memory-mapped, cut into ~1 KB pieces, parsed in ~8 KB blocks)
    monkeypatch.setattr(discovery, "STREAM_BYTES", 1)
    monkeypatch.setattr(ndjson, "_PIECE_BYTES", 1024)
    monkeypatch.setattr(ndjson, "NDJSON_BATCH_BYTES", 8192)
    monkeypatch.setattr(reading, "NDJSON_BATCH_BYTES", 8192)
    monkeypatch.setattr(canonical, "GROUP_ROWS", 97)  # many small groups
    streamed = _load(sweeps)
    assert_frame_equal(whole.points, streamed.points)
    assert whole.report.to_dict(10**9) == streamed.report.to_dict(10**9)


def test_files_batched_together_match_files_read_one_by_one(sweeps, monkeypatch):
    together = _load(sweeps)
    monkeypatch.setattr(reading, "NDJSON_BATCH_BYTES", 1)  # every file its own NDJSON parse
    monkeypatch.setattr(canonical, "GROUP_ROWS", 1)  # every frame its own group
    alone = _load(sweeps)
    assert_frame_equal(together.points, alone.points)
    assert together.report.to_dict(10**9) == alone.report.to_dict(10**9)


def test_a_bad_row_in_a_streamed_file_is_skipped_with_its_reason(tmp_path, monkeypatch):
    rows = _rows(40)
    rows[25]["tp"] = 8.5  # not an integer: the fast path fails and the checked path names the row
    (tmp_path / "agg_bmk.json").write_text(json.dumps(rows))
    monkeypatch.setattr(discovery, "STREAM_BYTES", 1)
    monkeypatch.setattr(ndjson, "_PIECE_BYTES", 512)
    res = _load(tmp_path)
    assert res.points.height == 39
    assert [(s.row, s.reason) for s in res.report.skips] == [(25, "bad value for field: tp")]


def test_a_streamed_file_failing_after_blocks_were_handed_on_loads_each_row_once(tmp_path, monkeypatch):
    """Blocks are normalised while the rest of the file is parsed: when a later block fails, the blocks already
    handed on are taken back and the checked path reads the file, so no row is loaded twice or lost."""
    rows = _rows(400)
    rows[350]["tp"] = 8.5
    (tmp_path / "agg_bmk.json").write_text(json.dumps(rows))
    whole = _load(tmp_path)
    monkeypatch.setattr(discovery, "STREAM_BYTES", 1)
    monkeypatch.setattr(ndjson, "_PIECE_BYTES", 1024)
    monkeypatch.setattr(ndjson, "NDJSON_BATCH_BYTES", 4096)  # dozens of blocks before the bad one
    monkeypatch.setattr(canonical, "GROUP_ROWS", 7)  # and many of them already normalised
    handed_on = []
    original = canonical.CanonicalFrames.discard
    monkeypatch.setattr(
        canonical.CanonicalFrames,
        "discard",
        lambda self, i: (handed_on.append(len(self.pending) + len(self.done) + len(self.working)), original(self, i)),
    )
    streamed = _load(tmp_path)
    assert handed_on and handed_on[0] > 0
    assert streamed.points.height == 399 and streamed.points["source_row"].n_unique() == 399
    assert [(s.row, s.reason) for s in streamed.report.skips] == [(350, "bad value for field: tp")]
    assert_frame_equal(whole.points, streamed.points)
    assert whole.report.to_dict(10**9) == streamed.report.to_dict(10**9)


def test_zip_member_names_are_checked_by_the_safety_rules(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("ok/agg_bmk.json", json.dumps(_rows(3)))
        zf.writestr("..\\evil.json", json.dumps(_rows(3)))
        zf.writestr("/abs.json", json.dumps(_rows(3)))
    (tmp_path / "a.zip").write_bytes(buf.getvalue())
    res = _load(tmp_path)
    assert res.points.height == 3
    skipped = {f.path.split("!")[-1]: f.reason for f in res.report.files if f.status == "skipped"}
    assert set(skipped) == {"..\\evil.json", "/abs.json"}


def test_files_read_ahead_or_in_their_turn_load_the_same(sweeps, monkeypatch):
    """Data files and the run.json beside them are read ahead on a thread of their own; a file too big to read
    ahead is opened in its turn: either way the same table and report."""
    (sweeps / "run_2" / "run.json").write_text(json.dumps({"run_id": 77, "date": "2026-05-01"}))
    ahead = _load(sweeps)
    monkeypatch.setattr(discovery, "_READ_AHEAD_MAX_BYTES", 1)  # nothing read ahead: every file opened in turn
    monkeypatch.setattr(discovery, "_READ_AHEAD_FILES", 1)
    in_turn = _load(sweeps)
    assert_frame_equal(ahead.points, in_turn.points)
    assert ahead.report.to_dict(10**9) == in_turn.report.to_dict(10**9)
    fp8 = ahead.points.filter(ahead.points["precision"] == "fp8")
    assert fp8["run_id"].unique().to_list() == [77] and str(fp8["date"].unique().item()) == "2026-05-01"
    assert set(ahead.points["run_id"].unique().to_list()) == {1, 77, 3}


def test_a_folder_sidecar_is_read_once_for_all_its_files(tmp_path, monkeypatch):
    """The run.json beside many data files is read (ahead of their turn) once, and its run id reaches them all."""
    run = tmp_path / "sweep"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({"run_id": 42, "date": "2026-06-01"}))
    for k in range(5):
        (run / f"agg_{k}.json").write_text(json.dumps(agg_row(conc=k + 1)))
    reads = []
    original = discovery.read_sidecar
    monkeypatch.setattr(discovery, "read_sidecar", lambda folder: (reads.append(folder), original(folder))[1])
    res = _load(tmp_path)
    assert res.points.height == 5 and res.points["run_id"].unique().to_list() == [42]
    assert reads == [str(run.resolve())]


def test_a_group_of_frames_from_every_read_path_loads_as_each_frame_alone(tmp_path, monkeypatch):
    """One normalised group holds frames from each read path, their helper columns in different orders: a batch of
    fast-path files, a file sent to the checked path by a NaN, and a batch that failed to parse (a boolean GPU
    count), whose files were then read one by one. Joined into one frame, they load as each frame normalised on
    its own does, provenance included."""
    for k, over in enumerate(({}, {"precision": "fp8"}, {"precision": "int4"}, {"precision": "bf16"})):
        (tmp_path / f"run_{k + 1}").mkdir()
        rows = _rows(40 + k, **over)
        if k == 1:
            rows[3]["median_ttft"] = float("nan")
        if k == 3:
            rows[5]["tp"] = True
        (tmp_path / f"run_{k + 1}" / "agg_bmk.json").write_text(json.dumps(rows))
    together = _load(tmp_path)
    assert together.points.height == 40 + 41 + 42 + 42
    assert [(s.row, s.reason) for s in together.report.skips] == [(5, "bad value for field: tp")]
    assert set(together.points["run_id"].unique().to_list()) == {1, 2, 3, 4}
    assert together.points.filter(together.points["precision"] == "fp8")["source_row"].to_list() == list(range(41))
    monkeypatch.setattr(canonical, "GROUP_ROWS", 1)  # every frame its own group
    alone = _load(tmp_path)
    assert_frame_equal(together.points, alone.points)
    assert together.report.to_dict(10**9) == alone.report.to_dict(10**9)
