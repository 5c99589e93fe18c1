"""What a fetch added (frontier.data.fetch.added): a weekly fetch against a loopback server whose history gains a
date."""

from __future__ import annotations

import json

from frontier.data.fetch import fetch_endpoint, main_fetch
from frontier.data.fetch.added import LOG_NAME
from frontier.data.load import load

from .api_responses import DATES, benchmark_rows
from .api_server import FixtureAPIServer

FAST = {"min_interval": 0.0, "backoff": 0.01, "retries": 1, "timeout": 5.0, "proxies": {}}
PARAMS = {"model": "DeepSeek-R1-0528", "isl": 1024, "osl": 1024}


def test_a_fresh_answer_records_the_rows_dates_and_runs_it_added(tmp_path):
    srv = FixtureAPIServer({"benchmarks/history": json.dumps(benchmark_rows(DATES[:1])).encode()}).start()
    try:
        first = fetch_endpoint("benchmarks/history", PARAMS, base_url=srv.base_url, cache_dir=tmp_path, **FAST)
        assert first.added is not None and first.added["first_copy"] is True
        # a week later the history holds one more date: two configs, one new run each
        srv.script("benchmarks/history", ("raw", json.dumps(benchmark_rows(DATES)).encode(), None))
        again = fetch_endpoint(
            "benchmarks/history", PARAMS, base_url=srv.base_url, cache_dir=tmp_path, max_age=0, **FAST
        )
        added = dict(again.added or {})
        assert added["first_copy"] is False and added["since"] == DATES[0]
        assert added["dates_added"] == [DATES[1]]
        before, after = benchmark_rows(DATES[:1]), benchmark_rows(DATES)
        new_runs = {r["run_url"] for r in after} - {r["run_url"] for r in before}
        assert set(added["runs_added"]) == new_runs and len(new_runs) == 2
        assert added["rows_added"] == len(after) - len(before) and added["rows"] == len(after)
        # a copy young enough is reused: no request, nothing recorded as added
        reused = fetch_endpoint("benchmarks/history", PARAMS, base_url=srv.base_url, cache_dir=tmp_path, **FAST)
        assert reused.from_cache and reused.added is None
        assert srv.count("benchmarks/history") == 2
    finally:
        srv.stop()


def test_the_cli_says_what_was_added_and_logs_it_where_the_loader_does_not_read(tmp_path, capsys):
    srv = FixtureAPIServer({"benchmarks": json.dumps(benchmark_rows(DATES[-1:])).encode()}).start()
    try:
        argv = ["--model", "DeepSeek-R1-0528", "--out", str(tmp_path), "--base-url", srv.base_url, "--max-age", "0"]
        assert main_fetch([*argv, "--min-interval", "0"]) == 0
        assert main_fetch([*argv, "--min-interval", "0"]) == 0
    finally:
        srv.stop()
    out = capsys.readouterr().out
    assert "added: first copy: 12 rows, 2 runs" in out and "added: nothing new since the previous copy" in out
    log = json.loads((tmp_path / LOG_NAME).read_text())["entries"]
    assert [e["added"]["rows_added"] for e in log] == [12, 0] and all(e["endpoint"] == "benchmarks" for e in log)
    report = load([str(tmp_path)], cache=False).report
    assert report.to_dict()["files_skipped"] == 0  # the log is metadata, not a skipped data file
