"""The parquet cache in data/processed/ is keyed by content."""
from __future__ import annotations

import json
import os

from frontier.load import load

from .test_load_bad import agg_row


def test_cache_hit_and_invalidation(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    f = src / "agg_bmk.json"
    f.write_text(json.dumps([agg_row(conc=4), agg_row(conc=8, tput_per_gpu=4000.0, median_tpot=0.02)]))
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
    # changed content → a miss, even with the same size and mtime restored
    st = os.stat(f)
    f.write_text(f.read_text().replace("5000.0", "5001.0"))
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    changed = load(src, cache_dir=cache)
    assert not changed.report.from_cache
    assert 5001.0 in changed.points["tput_per_gpu"].to_list()


def test_corrupt_cache_entry_is_a_miss(tmp_path):
    src = tmp_path / "a.json"
    src.write_text(json.dumps([agg_row()]))
    cache = tmp_path / "processed"
    load(src, cache_dir=cache)
    for p in cache.glob("load-*.parquet"):
        p.write_bytes(b"garbage")
    again = load(src, cache_dir=cache)
    assert not again.report.from_cache and again.points.height == 1
