"""The parquet cache in data/processed/: keyed by content, bounded, and never able to break or falsify a load."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil

import polars as pl
import pytest

from frontier.data import cache as cache_mod
from frontier.data.load import load

from .test_load_bad import agg_row


def _sweep(path, tput=5000.0):
    path.write_text(
        json.dumps([agg_row(conc=4, tput_per_gpu=tput), agg_row(conc=8, tput_per_gpu=4000.0, median_tpot=0.02)])
    )


def test_cache_hit_and_invalidation(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    f = src / "agg_bmk.json"
    _sweep(f)
    cache = tmp_path / "processed"
    cold = load(src, cache_dir=cache)
    assert not cold.report.from_cache and cold.points.height == 2
    assert len(list(cache.glob("load-*.parquet"))) == 1
    warm = load(src, cache_dir=cache)
    assert warm.report.from_cache
    assert warm.points.equals(cold.points)
    assert warm.report.to_dict()["skipped"] == cold.report.to_dict()["skipped"]
    assert warm.report.rows_read == cold.report.rows_read
    # other options → another entry
    assert not load(src, cache_dir=cache, keep="all").report.from_cache


def test_content_changed_with_size_and_mtime_preserved_is_not_served_stale(tmp_path, monkeypatch):
    """What ``cp -p``, ``rsync -t``, ``tar`` and ``unzip`` do: new bytes, same size, the old mtime restored."""
    monkeypatch.setattr(cache_mod, "RACY_NS", -(10**12))  # trust memos at once, so only the signature can save us
    monkeypatch.setattr(cache_mod, "RACY_COARSE_NS", -(10**12))
    src = tmp_path / "in"
    src.mkdir()
    f = src / "agg_bmk.json"
    _sweep(f, tput=5000.0)
    cache = tmp_path / "processed"
    assert load(src, cache_dir=cache).points["tput_per_gpu"].max() == 5000.0
    assert load(src, cache_dir=cache).report.from_cache
    st = os.stat(f)
    other = tmp_path / "other.json"
    _sweep(other, tput=5001.0)
    assert other.stat().st_size == st.st_size
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    shutil.copy2(other, f)  # cp -p: same size, same mtime, different content
    assert os.stat(f).st_mtime_ns == st.st_mtime_ns and os.stat(f).st_size == st.st_size
    changed = load(src, cache_dir=cache)
    assert not changed.report.from_cache
    assert changed.points["tput_per_gpu"].max() == 5001.0
    # and in place (same inode), with the mtime put back by hand
    f.write_text(f.read_text().replace("5001.0", "5002.0"))
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert load(src, cache_dir=cache).points["tput_per_gpu"].max() == 5002.0


def test_unchanged_files_are_not_hashed_again(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_mod, "RACY_NS", -(10**12))
    monkeypatch.setattr(cache_mod, "RACY_COARSE_NS", -(10**12))
    files = []
    for i in range(5):
        p = tmp_path / f"f{i}.json"
        p.write_text(f"[{i}]")
        files.append(p)
    calls = []
    real = cache_mod.file_sha256
    monkeypatch.setattr(cache_mod, "file_sha256", lambda p: calls.append(p) or real(p))
    first = cache_mod.content_hashes(files, tmp_path / "c")
    assert len(calls) == 5
    assert first[str(files[2].resolve())] == cache_mod.bytes_sha256(b"[2]")
    calls.clear()
    assert cache_mod.content_hashes(files, tmp_path / "c") == first
    assert calls == []
    files[3].write_text("[9]")  # same size
    again = cache_mod.content_hashes(files, tmp_path / "c")
    assert [p.name for p in calls] == ["f3.json"]
    assert again[str(files[3].resolve())] == cache_mod.bytes_sha256(b"[9]")


def test_a_memo_taken_right_after_a_change_is_not_trusted(tmp_path, monkeypatch):
    """Two changes within one timestamp tick look alike: a file changed within RACY_NS of being hashed is hashed
    again. (The window is widened here so a slow machine cannot make the test pass for the wrong reason.)"""
    monkeypatch.setattr(cache_mod, "RACY_NS", 10_000_000_000)
    monkeypatch.setattr(cache_mod, "RACY_COARSE_NS", 10_000_000_000)
    p = tmp_path / "f.json"
    p.write_text("[1]")
    calls = []
    real = cache_mod.file_sha256
    monkeypatch.setattr(cache_mod, "file_sha256", lambda q: calls.append(q) or real(q))
    cache_mod.content_hashes([p], tmp_path / "c")
    cache_mod.content_hashes([p], tmp_path / "c")
    assert len(calls) == 2


@pytest.mark.parametrize(
    "index_text",
    [
        '{"x": 5}',
        "[1, 2, 3]",
        '"text"',
        "null",
        '{"/a": [1, 2, 3, 4, 5, "zz", 1]}',
        "{not json",
        "[" * 100_000 + "]" * 100_000,
        '{"/a": [1, 2, 3, 4, 5, "' + "0" * 64 + '"]}',
    ],
)
def test_damaged_hash_index_is_a_miss_with_a_note(tmp_path, index_text):
    src = tmp_path / "a.json"
    _sweep(src)
    cache = tmp_path / "processed"
    cache.mkdir()
    (cache / cache_mod.HASH_INDEX).write_text(index_text)
    notes: list[str] = []
    hashes = cache_mod.content_hashes([src], cache, notes=notes)
    assert hashes[str(src.resolve())] == cache_mod.file_sha256(src)
    assert any(cache_mod.HASH_INDEX in n for n in notes), notes
    assert load(src, cache_dir=cache).points.height == 2  # and a load is not disturbed
    # the index was rewritten whole
    later: list[str] = []
    assert cache_mod._read_index(cache / cache_mod.HASH_INDEX, later) and later == []


def test_a_forged_memo_entry_for_the_file_is_not_trusted(tmp_path):
    """A parseable memo that names the file but a different signature is re-hashed, not believed."""
    src = tmp_path / "a.json"
    _sweep(src)
    cache = tmp_path / "processed"
    cache.mkdir()
    st = src.stat()
    forged = {str(src.resolve()): [st.st_size, st.st_mtime_ns, 0, st.st_ino, st.st_dev, "0" * 64, 1]}
    (cache / cache_mod.HASH_INDEX).write_text(json.dumps(forged))
    assert cache_mod.content_hashes([src], cache)[str(src.resolve())] == cache_mod.file_sha256(src)


def _entry(cache, key):
    return cache / f"load-{key}.parquet", cache / f"load-{key}.json"


FRAME = pl.DataFrame({"a": [1, 2, 3]}, schema={"a": pl.Int64})


@pytest.mark.parametrize(
    "damage", ["not json", "{}", "[]", "wrong key", "old format", "size", "parquet", "decode fails", "deep"]
)
def test_damaged_entry_is_a_miss_with_a_note(tmp_path, damage):
    key = "0123456789abcdef" * 2
    assert cache_mod.put(key, FRAME, {"rows": 3}, tmp_path)
    pq, js = _entry(tmp_path, key)
    env = json.loads(js.read_text())
    if damage == "not json":
        js.write_text("{")
    elif damage == "{}":
        js.write_text("{}")
    elif damage == "[]":
        js.write_text("[]")
    elif damage == "wrong key":
        js.write_text(json.dumps({**env, "key": "f" * 32}))
    elif damage == "old format":
        js.write_text(json.dumps(env["report"]))
    elif damage == "size":
        js.write_text(json.dumps({**env, "parquet_bytes": env["parquet_bytes"] + 1}))
    elif damage == "parquet":
        pq.write_bytes(b"x" * env["parquet_bytes"])
    elif damage == "deep":
        js.write_text("[" * 100_000 + "]" * 100_000)

    def decode(d):
        if damage == "decode fails":
            raise KeyError("rows_read")
        return d

    notes: list[str] = []
    assert cache_mod.get(key, tmp_path, decode=decode, notes=notes) is None
    assert len(notes) == 1 and "cache" in notes[0]


def test_intact_entry_round_trips(tmp_path):
    key = "ab" * 16
    assert cache_mod.put(key, FRAME, {"rows": 3}, tmp_path)
    notes: list[str] = []
    points, report = cache_mod.get(key, tmp_path, notes=notes)
    assert points.equals(FRAME) and report == {"rows": 3} and notes == []
    assert cache_mod.get("cd" * 16, tmp_path, notes=notes) is None and notes == []  # a plain miss says nothing


def test_unwritable_cache_folder_is_a_note(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = blocker / "processed"  # under a regular file: every write fails with ENOTDIR
    src = tmp_path / "a.json"
    _sweep(src)
    notes: list[str] = []
    assert not cache_mod.put("ab" * 16, FRAME, {}, cache, notes=notes)
    assert notes and "cannot write" in notes[0]
    notes.clear()
    cache_mod.content_hashes([src], cache, notes=notes)
    assert any("not memoised" in n for n in notes)
    assert load(src, cache_dir=cache).points.height == 2


def test_read_only_cache_folder_loads(tmp_path, monkeypatch):
    """A read-only data/processed (EACCES on every new file) costs speed, never a load."""
    src = tmp_path / "a.json"
    _sweep(src)
    cache = tmp_path / "processed"
    load(src, cache_dir=cache)  # an existing entry stays readable

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cache_mod.tempfile, "mkstemp", refuse)
    monkeypatch.setattr(cache_mod.os, "utime", refuse)
    assert load(src, cache_dir=cache).report.from_cache
    other = tmp_path / "b.json"
    _sweep(other, tput=7000.0)
    res = load(other, cache_dir=cache)
    assert not res.report.from_cache and res.points["tput_per_gpu"].max() == 7000.0


def test_unreadable_cache_files_are_a_miss(tmp_path, monkeypatch):
    key = "ab" * 16
    cache_mod.put(key, FRAME, {}, tmp_path)
    (tmp_path / cache_mod.HASH_INDEX).write_text("{}")
    real_open = open

    def deny(path, *a, **k):
        if str(path).startswith(str(tmp_path)):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *a, **k)

    monkeypatch.setattr("builtins.open", deny)
    notes: list[str] = []
    assert cache_mod.get(key, tmp_path, notes=notes) is None
    assert cache_mod._read_index(tmp_path / cache_mod.HASH_INDEX, notes) == {}
    assert len(notes) == 2 and all("unreadable" in n for n in notes)


def test_eviction_keeps_the_most_recently_used(tmp_path):
    keys = [f"{i:032x}" for i in range(6)]
    for n, k in enumerate(keys):
        assert cache_mod.put(k, FRAME, {"n": n}, tmp_path, max_entries=4)
        os.utime(_entry(tmp_path, k)[1], (1000 + n, 1000 + n))  # distinct "last used" times
    kept = sorted(p.name[5:-5] for p in tmp_path.glob("load-*.json"))
    assert kept == keys[2:]
    assert len(list(tmp_path.glob("load-*.parquet"))) == 4
    assert cache_mod.get(keys[2], tmp_path) is not None  # a hit makes it the most recently used
    assert cache_mod.put("f" * 32, FRAME, {}, tmp_path, max_entries=4)
    kept = sorted(p.name[5:-5] for p in tmp_path.glob("load-*.json"))
    assert keys[2] in kept and keys[3] not in kept


def test_eviction_by_bytes_and_an_entry_too_big_for_the_bound(tmp_path):
    assert cache_mod.put("0" * 32, FRAME, {}, tmp_path)
    one = sum(p.stat().st_size for p in _entry(tmp_path, "0" * 32))
    bound = 2 * one + one // 2  # room for two entries
    for i in range(1, 5):
        os.utime(_entry(tmp_path, f"{i - 1:032x}")[1], (1000 + i, 1000 + i))  # older entries used earlier
        assert cache_mod.put(f"{i:032x}", FRAME, {}, tmp_path, max_bytes=bound)
    kept = sorted(p.name[5:-5] for p in tmp_path.glob("load-*.json"))
    assert kept == [f"{3:032x}", f"{4:032x}"]
    assert sum(p.stat().st_size for p in tmp_path.glob("load-*")) <= bound
    notes: list[str] = []
    assert not cache_mod.put("e" * 32, FRAME, {}, tmp_path, notes=notes, max_bytes=10)
    assert "exceeds the cache bound" in notes[0]
    assert not list(tmp_path.glob(".tmp-*"))


def test_stale_temporary_files_are_removed(tmp_path):
    stale = tmp_path / ".tmp-dead.parquet"
    stale.write_bytes(b"half")
    os.utime(stale, (1, 1))
    orphan = tmp_path / f"load-{'9' * 32}.parquet"
    orphan.write_bytes(b"no report")
    os.utime(orphan, (1, 1))
    fresh = tmp_path / ".tmp-live.parquet"
    fresh.write_bytes(b"a writer at work")
    cache_mod.evict(tmp_path)
    assert not stale.exists() and not orphan.exists() and fresh.exists()


def _writer(args):
    cache_dir, n = args
    frame = pl.DataFrame({"a": list(range(2000))}, schema={"a": pl.Int64})
    ok = 0
    for i in range(n):
        key = f"{i % 5:032x}"  # writers race on the same five keys
        cache_mod.put(key, frame, {"rows": 2000}, cache_dir, max_entries=2)
        hit = cache_mod.get(key, cache_dir)
        if hit is not None:  # a miss is allowed (another writer evicted it); a wrong or partial entry is not
            assert hit[0].height == 2000 and hit[1] == {"rows": 2000}
            ok += 1
    return ok


def test_concurrent_writers_never_expose_a_half_written_entry(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(3) as pool:
        results = pool.map(_writer, [(tmp_path, 15)] * 3)
    assert sum(results) > 0
    for js in tmp_path.glob("load-*.json"):
        hit = cache_mod.get(js.name[5:-5], tmp_path)
        assert hit is None or (hit[0].height == 2000 and hit[1] == {"rows": 2000})
    # each writer evicts down to 2 after its own write; the last evictions may race with the others' writes
    assert len(list(tmp_path.glob("load-*.json"))) <= 2 + 2
    assert not list(tmp_path.glob(".tmp-*"))


@pytest.mark.parametrize("damage", ["rows", "files", "counts"])
def test_load_with_a_damaged_but_parseable_report_in_the_cache_reloads(tmp_path, damage):
    """A ``load-*.json`` that parses but does not describe a load is a miss with a note in the load report."""
    src = tmp_path / "a.json"
    _sweep(src)
    cache = tmp_path / "processed"
    load(src, cache_dir=cache)
    (js,) = cache.glob("load-*.json")
    env = json.loads(js.read_text())
    if damage == "rows":
        env["report"]["rows_read"] = "many"
    elif damage == "files":
        env["report"]["files"] = [{"oops": 1}]
    else:
        env["report"]["rows_loaded"] += 1
    js.write_text(json.dumps(env))
    res = load(src, cache_dir=cache)
    assert not res.report.from_cache and res.points.height == 2
    assert any("cache" in n for n in res.report.notes), res.report.notes
    assert "note: cache" in res.report.summary()


def test_a_run_json_above_a_named_file_is_part_of_the_key(tmp_path):
    """A file given by name takes its run id from a run.json above it: changing that sidecar is a miss."""
    run = tmp_path / "run_7"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({"run_id": 7, "date": "2026-01-01"}))
    f = run / "agg_bmk.json"
    _sweep(f)
    cache = tmp_path / "processed"
    assert load(f, cache_dir=cache).points["run_id"].unique().to_list() == [7]
    assert load(f, cache_dir=cache).report.from_cache
    (run / "run.json").write_text(json.dumps({"run_id": 8, "date": "2026-01-02"}))
    again = load(f, cache_dir=cache)
    assert not again.report.from_cache and again.points["run_id"].unique().to_list() == [8]
