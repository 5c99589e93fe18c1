"""frontier.data.fetch and frontier.data.safety against a real HTTP server on 127.0.0.1 and a fake `gh` executable."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import re
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

try:  # tests/ as a package (tests/__init__.py) or as a plain folder on sys.path
    from tests.api_responses import api_topology
    from tests.api_server import FixtureAPIServer
except ImportError:  # pragma: no cover
    from api_responses import api_topology
    from api_server import FixtureAPIServer
from frontier.data import fetch
from frontier.data.fetch import FetchError, GhUnavailableError, fetch_endpoint, fetch_model, fetch_run, main_fetch
from frontier.data.safety import (
    UnsafePathError,
    check_member_name,
    check_tree,
    is_within,
    safe_copy_tree,
    safe_extract_zip,
)
from frontier.paths import SHARED_DATA

API_FIXTURES = (
    SHARED_DATA / "inferencex" / "SemiAnalysisAI__InferenceX-app" / "packages" / "app" / "cypress" / "fixtures" / "api"
)
# the fake API answers with the recorded responses in ../shared/data when present, else with bodies made here:
# every test here takes one of the two paths, so all of it runs in the CI pass without ../shared
pytestmark = pytest.mark.shared

HAVE_RECORDED = (API_FIXTURES / "benchmarks.json").is_file()
needs_recorded = pytest.mark.skipif(
    not HAVE_RECORDED, reason=f"recorded InferenceX API responses not found at {API_FIXTURES} (../shared/data absent)"
)

# recorded responses when available; small hand-made bodies otherwise (network behaviour tests still run)
ROUTE_FILES = {
    "benchmarks": "benchmarks.json",
    "benchmarks/history": "benchmarks-history.json",
    "availability": "availability.json",
    "evaluations": "evaluations.json",
}
_TOPOLOGY = api_topology("b200", "sglang", "fp4", 8)


def _small_rows(date: str) -> bytes:
    """Hand-made API rows in the public format (a 3-point sweep), for clones without the recorded responses."""
    rows = []
    for conc, tput, tpot_s in ((4, 400.0, 0.010), (16, 1200.0, 0.016), (64, 2800.0, 0.030)):
        metrics = {
            "tput_per_gpu": tput,
            "output_tput_per_gpu": tput / 2,
            "input_tput_per_gpu": tput / 2,
            "median_tpot": tpot_s,
            "median_intvty": 1 / tpot_s,
            "median_ttft": 0.2,
            "median_e2el": 10.0,
        }
        rows.append({**_TOPOLOGY, "isl": 1024, "osl": 1024, "conc": conc, "metrics": metrics, "date": date})
    return (json.dumps(rows) + "\n").encode()


SMALL_BODIES = {
    "benchmarks": _small_rows("2026-01-02"),
    "benchmarks/history": _small_rows("2026-01-01"),
    "availability": b'[{"model": "dsr1", "date": "2026-01-01"}, {"model": "dsr1", "date": "2026-01-02"}]\n',
    "evaluations": (
        json.dumps([{**_TOPOLOGY, "task": "gsm8k", "date": "2026-01-01", "conc": 64, "metrics": {"em_strict": 0.9}}])
        + "\n"
    ).encode(),
}

FAST = {"min_interval": 0.0, "backoff": 0.01, "retries": 3, "timeout": 2.0, "proxies": {}}
MODEL = "DeepSeek-R1-0528"


def route_body(route: str) -> bytes:
    if HAVE_RECORDED:
        return (API_FIXTURES / ROUTE_FILES[route]).read_bytes()
    return SMALL_BODIES[route]


@pytest.fixture
def server():
    routes = {r: (API_FIXTURES / f if HAVE_RECORDED else SMALL_BODIES[r]) for r, f in ROUTE_FILES.items()}
    srv = FixtureAPIServer(routes).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def dead_url():
    srv = FixtureAPIServer({}).start()
    url = srv.base_url
    srv.stop()
    return url


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# ---------------------------------------------------------------------------------------------------------------
# API fetch


def test_fetch_gzip_cache_and_meta(server, tmp_path):
    res = fetch_endpoint("benchmarks", {"model": MODEL}, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    body = route_body("benchmarks")
    assert not res.from_cache
    assert res.path.read_bytes() == body
    assert res.sha256 == hashlib.sha256(body).hexdigest()
    assert res.n_rows == len(json.loads(body))
    assert res.path.parent.parent == tmp_path
    dt.date.fromisoformat(res.path.parent.name)
    assert res.url == server.base_url + "benchmarks?model=DeepSeek-R1-0528"

    meta = json.loads(res.meta_path.read_text())
    assert meta["url"] == res.url
    assert meta["sha256"] == hashlib.sha256(res.path.read_bytes()).hexdigest()
    assert meta["bytes"] == len(body)
    assert meta["http_status"] == 200
    assert meta["endpoint"] == "benchmarks" and meta["params"] == {"model": MODEL}
    assert meta["content_encoding"] == "gzip" and meta["bytes_on_wire"] > 0
    if HAVE_RECORDED:
        assert meta["bytes_on_wire"] < meta["bytes"] / 4  # JSON compresses well
    assert dt.datetime.fromisoformat(meta["retrieved_at"].replace("Z", "+00:00")).tzinfo is not None
    assert meta["attempts"] == 1

    (req,) = server.requests
    assert req["path"] == "benchmarks" and req["query"] == {"model": [MODEL]}
    assert "gzip" in req["headers"]["Accept-Encoding"]
    assert req["headers"]["User-Agent"].startswith("frontier/")


@needs_recorded
def test_recorded_row_counts(server, tmp_path):
    res = fetch_model(
        MODEL, history=True, evaluations=True, availability=True, base_url=server.base_url, cache_dir=tmp_path, **FAST
    )
    by_ep = {}
    for r in res:
        by_ep.setdefault(r.endpoint, []).append(r)
    assert [r.n_rows for r in by_ep["benchmarks"]] == [435]
    assert [r.n_rows for r in by_ep["benchmarks/history"]] == [1462] * 3  # the fixture answers every pair alike
    assert by_ep["availability"][0].n_rows == 689
    assert by_ep["evaluations"][0].n_rows == 531
    assert by_ep["evaluations"][0].sha256.startswith("edd2740ddbf1104c")  # PROVENANCE.md


def test_fetch_model_requests(server, tmp_path):
    res = fetch_model(MODEL, date="2026-06-01", availability=True, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    assert [r.endpoint for r in res] == ["benchmarks"] + ["benchmarks/history"] * 3 + ["evaluations", "availability"]
    assert len({r.path for r in res}) == 6  # distinct cache files
    hist = [r["query"] for r in server.requests if r["path"] == "benchmarks/history"]
    assert {(q["isl"][0], q["osl"][0]) for q in hist} == {("1024", "1024"), ("1024", "8192"), ("8192", "1024")}
    assert all(q["model"] == [MODEL] for q in hist)
    bench = [r["query"] for r in server.requests if r["path"] == "benchmarks"]
    assert bench == [{"model": [MODEL], "date": ["2026-06-01"]}]


def test_fetch_model_partial_failure_keeps_successes(server, tmp_path):
    server.script("evaluations", 404)
    with pytest.raises(FetchError, match=r"1 of 5 requests failed") as ei:
        fetch_model(MODEL, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    assert len(ei.value.results) == 4
    assert "HTTP 404" in str(ei.value)


def test_rerun_uses_fresh_cache_without_request(server, tmp_path):
    first = fetch_endpoint("availability", None, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    again = fetch_endpoint("availability", None, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    assert again.from_cache and again.path == first.path and again.sha256 == first.sha256
    assert "cached copy" in again.note
    assert server.count("availability") == 1
    forced = fetch_endpoint("availability", None, base_url=server.base_url, cache_dir=tmp_path, refresh=True, **FAST)
    assert not forced.from_cache and server.count("availability") == 2


def test_server_gone_uses_cache_and_says_so(server, tmp_path):
    first = fetch_endpoint("evaluations", {}, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    server.stop()
    t0 = time.monotonic()
    res = fetch_endpoint(
        "evaluations", {}, base_url=server.base_url, cache_dir=tmp_path, max_age=0, **{**FAST, "retries": 1}
    )
    assert time.monotonic() - t0 < 5
    assert res.from_cache and res.path == first.path and res.sha256 == first.sha256
    assert "could not fetch" in res.note and first.retrieved_at in res.note
    with pytest.raises(FetchError, match="a cached copy exists"):
        fetch_endpoint(
            "evaluations", {}, base_url=server.base_url, cache_dir=tmp_path, refresh=True, **{**FAST, "retries": 0}
        )
    off = fetch_endpoint("evaluations", {}, base_url=server.base_url, cache_dir=tmp_path, offline=True, **FAST)
    assert off.from_cache and "offline" in off.note


def test_offline_without_cache_is_a_clear_error(dead_url, tmp_path):
    with pytest.raises(FetchError) as ei:
        fetch_endpoint(
            "benchmarks", {"model": MODEL}, base_url=dead_url, cache_dir=tmp_path / "api", **{**FAST, "retries": 1}
        )
    msg = str(ei.value)
    assert msg.startswith(f"could not fetch {dead_url}benchmarks?model=DeepSeek-R1-0528: ")
    assert "no cached copy under" in msg and "after 2 attempts" in msg
    assert files_under(tmp_path) == []
    with pytest.raises(FetchError, match="offline and no cached copy"):
        fetch_endpoint("benchmarks", {"model": MODEL}, base_url=dead_url, cache_dir=tmp_path, offline=True)


def test_newest_intact_cached_copy_wins(server, tmp_path, monkeypatch):
    clock = {"now": dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)}
    monkeypatch.setattr(fetch.api, "_utcnow", lambda: clock["now"])
    old = fetch_endpoint("availability", None, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    clock["now"] = dt.datetime(2026, 1, 2, 12, tzinfo=dt.UTC)
    new = fetch_endpoint("availability", None, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    assert not new.from_cache  # a day old: older than max_age, so asked again
    assert old.path.parent.name == "2026-01-01" and new.path.parent.name == "2026-01-02"
    server.stop()
    res = fetch_endpoint("availability", None, base_url=server.base_url, cache_dir=tmp_path, **{**FAST, "retries": 0})
    assert res.from_cache and res.path == new.path
    new.path.write_bytes(b"[]")  # a damaged copy no longer matches its sha256 and is passed over
    res = fetch_endpoint("availability", None, base_url=server.base_url, cache_dir=tmp_path, **{**FAST, "retries": 0})
    assert res.from_cache and res.path == old.path


@pytest.mark.parametrize(
    "actions,attempts",
    [
        ((("slow", 0.05),), 1),  # slow but within the deadline
        ((("slow", 2.5),), 2),  # longer than the deadline: retried
        ((500,), 2),
        ((503, 429), 3),
        (("truncate",), 2),  # Content-Length larger than the bytes sent
        (("badgzip",), 2),
        (("badjson",), 2),
    ],
)
def test_transient_failures_are_retried(server, tmp_path, actions, attempts):
    server.script("benchmarks/history", *actions)
    res = fetch_endpoint(
        "benchmarks/history",
        {"model": MODEL, "isl": 1024, "osl": 1024},
        base_url=server.base_url,
        cache_dir=tmp_path,
        **{**FAST, "timeout": 2.0},
    )  # 2 s: a loaded machine sends the body in time
    assert not res.from_cache
    assert res.path.read_bytes() == route_body("benchmarks/history")
    assert json.loads(res.meta_path.read_text())["attempts"] == attempts
    assert server.count("benchmarks/history") == attempts


def test_retries_are_bounded(server, tmp_path):
    server.script("benchmarks", *([500] * 10))
    with pytest.raises(FetchError, match=r"HTTP 500 .*after 3 attempts.*no cached copy"):
        fetch_endpoint(
            "benchmarks", {"model": MODEL}, base_url=server.base_url, cache_dir=tmp_path, **{**FAST, "retries": 2}
        )
    assert server.count("benchmarks") == 3
    assert files_under(tmp_path) == []


def test_persistent_truncation_is_a_clear_error(server, tmp_path):
    server.script("evaluations", *(["truncate"] * 5))
    with pytest.raises(FetchError, match=r"truncated body: received \d+ of \d+ bytes"):
        fetch_endpoint("evaluations", {}, base_url=server.base_url, cache_dir=tmp_path, **{**FAST, "retries": 1})
    assert server.count("evaluations") == 2
    assert files_under(tmp_path) == []


def test_404_is_not_retried_and_not_cached(server, tmp_path):
    server.script("benchmarks", 404)
    with pytest.raises(FetchError, match=r"HTTP 404 .*not retried; nothing cached"):
        fetch_endpoint("benchmarks", {"model": "No-Such-Model"}, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    assert server.count("benchmarks") == 1
    assert files_under(tmp_path) == []
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_endpoint("no-such-endpoint", {}, base_url=server.base_url, cache_dir=tmp_path, **FAST)


def test_rate_limit_spaces_requests(server, tmp_path):
    t0 = time.monotonic()
    for _ in range(3):
        fetch_endpoint(
            "availability",
            None,
            base_url=server.base_url,
            cache_dir=tmp_path,
            max_age=0,
            **{**FAST, "min_interval": 0.15},
        )
    assert time.monotonic() - t0 >= 0.3
    assert server.count("availability") == 3


def test_base_url_from_environment(server, tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTIER_API_BASE", server.base_url.rstrip("/"))
    res = fetch_endpoint("availability", None, cache_dir=tmp_path, **FAST)
    assert res.url == server.base_url + "availability"
    assert server.count("availability") == 1


def test_model_names_cannot_steer_cache_paths(server, tmp_path):
    evil = "../../../etc/passwd/..\\..\\x y"
    res = fetch_endpoint("benchmarks", {"model": evil}, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    assert is_within(res.path, tmp_path) and res.path.parent.parent == tmp_path
    assert "/" not in res.path.name and not res.path.name.startswith(".")
    assert server.requests[-1]["query"] == {"model": [evil]}
    other = fetch.cache_filename("benchmarks", {"model": evil + "z"}, res.url + "z")
    assert other != res.path.name  # the URL hash keeps near-identical names apart


@pytest.mark.parametrize("endpoint", ["../etc", "/benchmarks/../x", "bench marks", ""])
def test_invalid_endpoint(endpoint, tmp_path):
    with pytest.raises(FetchError, match="invalid endpoint"):
        fetch_endpoint(endpoint, {}, base_url="http://127.0.0.1:9/api/v1/", cache_dir=tmp_path, **FAST)


@pytest.mark.parametrize("base", ["file:///etc/", "http://[::1", "http://127.0.0.1:99999/", "http:///x", "ftp://h/"])
def test_invalid_base_url(tmp_path, base):
    with pytest.raises(FetchError, match="invalid API base URL"):
        fetch_endpoint("benchmarks", {}, base_url=base, cache_dir=tmp_path)


def test_cli_model(server, tmp_path, capsys):
    argv = [
        "fetch",
        "--model",
        MODEL,
        "--history",
        "--evals",
        "--base-url",
        server.base_url,
        "--out",
        str(tmp_path),
        "--min-interval",
        "0",
        "--isl-osl",
        "1024/1024",
    ]
    assert main_fetch(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    out = [line for line in lines if not line.startswith("        added: ")]  # what each fresh answer added
    assert len(lines) == 6 and len(out) == 3 and all(line.startswith("fresh") for line in out)
    assert "benchmarks?model=DeepSeek-R1-0528" in out[0] and "rows=" in out[0] and "sha256=" in out[0]
    assert "benchmarks/history?model=DeepSeek-R1-0528&isl=1024&osl=1024" in out[1]
    assert main_fetch(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("cached ") for line in out) == 3
    assert sum("younger than" in line for line in out) == 3  # says why the cache was used


def test_cli_failure_exit_codes(dead_url, tmp_path, capsys):
    rc = main_fetch(
        ["--model", MODEL, "--base-url", dead_url, "--out", str(tmp_path), "--min-interval", "0", "--retries", "0"]
    )
    assert rc == 1
    err = capsys.readouterr().err
    assert "could not fetch" in err and "no cached copy under" in err
    assert main_fetch([]) == 2  # neither --model nor --run
    assert main_fetch(["--model", MODEL, "--date", "June 1st", "--base-url", dead_url, "--out", str(tmp_path)]) == 1
    assert "invalid date" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------------------------
# GitHub Actions runs with a fake gh

FAKE_GH = r"""#!{python}
import fnmatch, json, os, shutil, sys
cfg = json.load(open({cfg!r}))
args = sys.argv[1:]
with open(cfg["log"], "a") as fh:
    fh.write(json.dumps(args) + "\n")
if args[:2] == ["auth", "status"]:
    if cfg["authenticated"]:
        print("github.com\n  Logged in to github.com account someone (keyring)", file=sys.stderr)
        sys.exit(0)
    print("You are not logged into any GitHub hosts. To log in, run: gh auth login", file=sys.stderr)
    sys.exit(1)
if args[:2] == ["run", "list"]:  # the recorded output of `gh run list --json ...`, filtered and capped like gh
    runs = cfg.get("list", [])
    if "--status" in args:
        want = args[args.index("--status") + 1]
        runs = [r for r in runs if want in (r.get("status"), r.get("conclusion"))]
    if "--limit" in args:
        runs = runs[: int(args[args.index("--limit") + 1])]
    print(json.dumps(runs, indent=2))
    sys.exit(0)
if args[:2] == ["run", "view"]:
    view = dict(cfg.get("views", {}).get(args[2]) or cfg["view"])
    if "--attempt" in args:
        view["attempt"] = int(args[args.index("--attempt") + 1])
    print(json.dumps(view))
    sys.exit(0)
if args[:2] == ["run", "download"]:
    dest = args[args.index("--dir") + 1]
    pats = [args[i + 1] for i, a in enumerate(args) if a == "--pattern"]
    if args[2] in cfg.get("fail", {}):
        print(cfg["fail"][args[2]], file=sys.stderr)
        sys.exit(1)
    src = cfg.get("artifacts_by_run", {}).get(args[2]) or cfg["artifacts"]
    names = [n for n in sorted(os.listdir(src)) if any(fnmatch.fnmatch(n, p) for p in pats)]
    if not names:
        print("no valid artifacts found to download", file=sys.stderr)
        sys.exit(1)
    for n in names:
        shutil.copytree(os.path.join(src, n), os.path.join(dest, n), symlinks=True)
    sys.exit(0)
print("unknown command", args, file=sys.stderr)
sys.exit(1)
"""

RUN_ID = 20200037154
VIEW = {
    "databaseId": RUN_ID,
    "attempt": 1,
    "createdAt": "2025-12-14T03:21:07Z",
    "headSha": "0123456789abcdef0123456789abcdef01234567",
    "url": f"https://github.com/SemiAnalysisAI/InferenceX/actions/runs/{RUN_ID}",
}
HAND_ROW = {
    "hw": "b200-trt",
    "conc": 4,
    "model": "deepseek-ai/DeepSeek-R1-0528",
    "infmax_model_prefix": "dsr1",
    "framework": "trt",
    "precision": "fp4",
    "isl": 1024,
    "osl": 1024,
    "tp": 8,
    "ep": 1,
    "tput_per_gpu": 1234.5,
    "median_tpot": 0.02,
}


def make_gh(
    tmp_path: Path, *, authenticated: bool = True, artifacts: Path | None = None, **more: object
) -> tuple[Path, Path]:
    """A fake ``gh`` and the file logging its calls. ``more``: ``list`` (what ``gh run list --json`` prints),
    ``views`` (run id → ``gh run view`` answer), ``fail`` (run id → the message of a failing download),
    ``artifacts_by_run`` (run id → artifact folder)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "gh-calls.jsonl"
    cfg = tmp_path / "gh-config.json"
    cfg.write_text(
        json.dumps(
            {
                "authenticated": authenticated,
                "view": VIEW,
                "log": str(log),
                "artifacts": str(artifacts or tmp_path / "artifacts"),
                **more,
            }
        )
    )
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH.replace("{python}", sys.executable).replace("{cfg!r}", repr(str(cfg))))
    gh.chmod(0o755)
    return gh, log


def make_artifacts(root: Path) -> Path:
    (root / "results_bmk").mkdir(parents=True)
    (root / "results_bmk" / "agg_bmk.json").write_text(json.dumps([HAND_ROW]))
    (root / "bmk_dsr1_1k1k_fp4_trt_tp8-ep1_conc4_b200-trt").mkdir()
    (root / "bmk_dsr1_1k1k_fp4_trt_tp8-ep1_conc4_b200-trt" / "agg_dsr1.json").write_text(json.dumps(HAND_ROW))
    (root / "server_logs").mkdir()
    (root / "server_logs" / "server.log").write_text("not a benchmark artifact")
    return root


def gh_calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_run_happy_path(tmp_path, capsys):
    arts = make_artifacts(tmp_path / "artifacts")
    gh, log = make_gh(tmp_path, artifacts=arts)
    out = tmp_path / "runs"
    res = fetch_run(RUN_ID, gh=gh, out_dir=out)
    assert res.path == out / str(RUN_ID) and not res.from_cache
    rels = sorted(p.relative_to(res.path).as_posix() for p in res.files)
    assert rels == ["bmk_dsr1_1k1k_fp4_trt_tp8-ep1_conc4_b200-trt/agg_dsr1.json", "results_bmk/agg_bmk.json"]
    assert json.loads((res.path / "results_bmk" / "agg_bmk.json").read_text()) == [HAND_ROW]
    run = json.loads((res.path / "run.json").read_text())
    assert run == {
        "run_id": RUN_ID,
        "run_attempt": 1,
        "date": "2025-12-14",
        "head_sha": VIEW["headSha"],
        "repo": "SemiAnalysisAI/InferenceX",
        "url": VIEW["url"],
    }
    assert sorted(p.name for p in out.iterdir()) == [str(RUN_ID)]  # no staging left behind
    calls = gh_calls(log)
    assert calls[0] == ["auth", "status"]
    assert calls[1] == [
        "run",
        "view",
        str(RUN_ID),
        "--repo",
        "SemiAnalysisAI/InferenceX",
        "--json",
        "databaseId,attempt,createdAt,headSha,url",
    ]
    assert calls[2][:4] == ["run", "download", str(RUN_ID), "--repo"]
    assert calls[2][calls[2].index("--pattern") :] == ["--pattern", "results_bmk", "--pattern", "bmk_*"]

    again = fetch_run(RUN_ID, gh=gh, out_dir=out)
    assert again.from_cache and len(gh_calls(log)) == 3  # gh not called again
    assert main_fetch(["--run", str(RUN_ID), "--gh", str(gh), "--out", str(out), "--refresh", "--attempt", "2"]) == 0
    assert json.loads((res.path / "run.json").read_text())["run_attempt"] == 2
    assert gh_calls(log)[-2][-2:] == ["--attempt", "2"]
    printed = capsys.readouterr().out
    assert f"run {RUN_ID} attempt 2" in printed and "results_bmk/agg_bmk.json" in printed


def test_run_gh_not_installed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("FRONTIER_GH", raising=False)
    with pytest.raises(GhUnavailableError, match="not installed"):
        fetch_run(RUN_ID, out_dir=tmp_path / "runs")
    rc = main_fetch(["--run", str(RUN_ID), "--out", str(tmp_path / "runs")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "https://cli.github.com/" in err and "gh auth login" in err
    assert main_fetch(["--run", str(RUN_ID), "--gh", str(tmp_path / "nope" / "gh"), "--out", str(tmp_path)]) == 2
    assert not (tmp_path / "runs").exists()


def test_run_gh_not_logged_in(tmp_path, capsys):
    gh, log = make_gh(tmp_path, authenticated=False, artifacts=make_artifacts(tmp_path / "artifacts"))
    rc = main_fetch(["--run", str(RUN_ID), "--gh", str(gh), "--out", str(tmp_path / "runs")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "not logged in" in err and "gh auth login" in err
    assert gh_calls(log) == [["auth", "status"]]
    assert not (tmp_path / "runs" / str(RUN_ID)).exists()


def test_run_no_matching_artifacts(tmp_path, capsys):
    arts = tmp_path / "artifacts"
    (arts / "server_logs").mkdir(parents=True)
    (arts / "server_logs" / "x.log").write_text("x")
    gh, _ = make_gh(tmp_path, artifacts=arts)
    assert main_fetch(["--run", str(RUN_ID), "--gh", str(gh), "--out", str(tmp_path / "runs")]) == 1
    assert "no valid artifacts found" in capsys.readouterr().err


def _assert_nothing_imported(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    assert not (runs / str(RUN_ID)).exists()
    if runs.exists():
        assert list(runs.iterdir()) == []  # no staging folder left behind
    assert not (tmp_path / "evil.txt").exists() and not (runs / "evil.txt").exists()


def test_run_malicious_zip_member_is_refused(tmp_path, capsys):
    arts = make_artifacts(tmp_path / "artifacts")
    (arts / "bmk_evil").mkdir()
    with zipfile.ZipFile(arts / "bmk_evil" / "results.zip", "w") as zf:
        zf.writestr("ok/agg.json", "[]")
        zf.writestr("../../../evil.txt", "pwned")
    gh, _ = make_gh(tmp_path, artifacts=arts)
    rc = main_fetch(["--run", str(RUN_ID), "--gh", str(gh), "--out", str(tmp_path / "runs")])
    assert rc == 1
    err = capsys.readouterr().err
    assert "refused run" in err and "escapes the destination" in err and "nothing imported" in err
    _assert_nothing_imported(tmp_path)


def test_run_symlink_in_artifact_is_refused(tmp_path):
    arts = make_artifacts(tmp_path / "artifacts")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (arts / "bmk_link").mkdir()
    os.symlink(secret, arts / "bmk_link" / "agg_x.json")
    gh, _ = make_gh(tmp_path, artifacts=arts)
    with pytest.raises(FetchError, match="symlink refused"):
        fetch_run(RUN_ID, gh=gh, out_dir=tmp_path / "runs")
    _assert_nothing_imported(tmp_path)


@pytest.mark.parametrize("run_id", ["12; rm -rf /", "../12", "-5", ""])
def test_run_invalid_ids_never_reach_gh(tmp_path, run_id):
    gh, log = make_gh(tmp_path, artifacts=make_artifacts(tmp_path / "artifacts"))
    with pytest.raises(FetchError, match="invalid run id"):
        fetch_run(run_id, gh=gh, out_dir=tmp_path / "runs")
    assert gh_calls(log) == []


def test_run_invalid_repo(tmp_path):
    with pytest.raises(FetchError, match="invalid repository"):
        fetch_run(RUN_ID, repo="owner/../x", out_dir=tmp_path)
    with pytest.raises(FetchError, match="invalid repository"):
        fetch_run(RUN_ID, repo="--help", out_dir=tmp_path)


# ---------------------------------------------------------------------------------------------------------------
# frontier.data.safety


@pytest.mark.parametrize("name", ["../x", "a/../../x", "/etc/passwd", "C:/x", "a\\..\\x", "a\x00b", "", ".", "./"])
def test_check_member_name_refuses(name):
    with pytest.raises(UnsafePathError):
        check_member_name(name)


def test_check_member_name_accepts():
    assert check_member_name("a/./b/c.json").as_posix() == "a/b/c.json"
    assert check_member_name("dir/").as_posix() == "dir"


def test_is_within(tmp_path):
    assert is_within(tmp_path / "a" / "b", tmp_path)
    assert is_within(tmp_path, tmp_path)
    assert not is_within(tmp_path / ".." / "x", tmp_path)
    assert not is_within(tmp_path.parent, tmp_path)
    (tmp_path / "d").mkdir()
    os.symlink(tmp_path.parent, tmp_path / "d" / "up")
    assert not is_within(tmp_path / "d" / "up" / "x", tmp_path)


def test_safe_extract_zip(tmp_path):
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as zf:
        zf.writestr("results_bmk/agg_bmk.json", "[]")
        zf.writestr("bmk_a/", "")
    out = safe_extract_zip(good, tmp_path / "dest")
    assert [p.relative_to(tmp_path / "dest").as_posix() for p in out] == ["results_bmk/agg_bmk.json"]

    for i, member in enumerate(["../evil.txt", "/tmp/evil-abs.txt", "a/../../evil.txt"]):
        bad = tmp_path / f"bad{i}.zip"
        with zipfile.ZipFile(bad, "w") as zf:
            zf.writestr("first.json", "[]")
            zf.writestr(member, "pwned")
        dest = tmp_path / f"dest{i}"
        with pytest.raises(UnsafePathError):
            safe_extract_zip(bad, dest)
        assert files_under(dest) == []  # refused before anything is written
    assert not (tmp_path / "evil.txt").exists()

    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        info = zipfile.ZipInfo("agg.json")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafePathError, match="symlink"):
        safe_extract_zip(link, tmp_path / "destl")

    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.json", b"0" * 100_000)
    with pytest.raises(UnsafePathError, match="bytes"):
        safe_extract_zip(bomb, tmp_path / "destb", max_total_bytes=1000)


def test_safe_extract_zip_does_not_follow_existing_links(tmp_path):
    dest = tmp_path / "dest"
    dest.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, dest / "results_bmk")
    z = tmp_path / "z.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("results_bmk/agg_bmk.json", "[]")
    with pytest.raises(UnsafePathError):
        safe_extract_zip(z, dest)
    assert files_under(outside) == []


def test_check_tree_and_copy(tmp_path):
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "a" / "x.json").write_text("[]")
    assert [p.as_posix() for p in check_tree(src)] == ["a/x.json"]
    copied = safe_copy_tree(src, tmp_path / "dst")
    assert copied == [(tmp_path / "dst" / "a" / "x.json").resolve()]
    os.symlink(tmp_path, src / "a" / "up")
    with pytest.raises(UnsafePathError, match="symlink"):
        check_tree(src)
    with pytest.raises(UnsafePathError):
        safe_copy_tree(src, tmp_path / "dst2")
    assert not (tmp_path / "dst2").exists()


# ---------------------------------------------------------------------------------------------------------------
# Hostile servers: overall deadline, bounded bodies and decompression, deep nesting, redirects


def _gzip_bomb(inflated: int, member: int = 16 * 1024**2) -> bytes:
    """Concatenated gzip members of zeros: ``inflated`` bytes once decoded, about 1/1000 of that on the wire."""
    one = gzip.compress(b"0" * member, compresslevel=9)
    return one * (inflated // member)


@pytest.mark.parametrize("kind", ["drip", "drip_headers"])
def test_slow_drip_stops_at_the_overall_deadline(server, tmp_path, kind):
    server.script("availability", (kind, 0.05))  # one byte every 50 ms: every socket read succeeds
    t0 = time.monotonic()
    with pytest.raises(FetchError, match=r"no complete response within 0.6 s \(overall deadline"):
        fetch_endpoint(
            "availability", None, base_url=server.base_url, cache_dir=tmp_path, **{**FAST, "timeout": 0.6, "retries": 0}
        )
    assert time.monotonic() - t0 < 2.5
    assert files_under(tmp_path) == []


def test_gzip_bomb_stops_at_the_limit(server, tmp_path):
    bomb = _gzip_bomb(4 * 1024**3)  # 4 GiB of zeros in about 4 MB
    assert len(bomb) < 8 * 1024**2
    server.script("evaluations", ("raw", bomb, "gzip"))
    with pytest.raises(FetchError, match=r"inflates to more than 8,388,608 bytes \(limit\); refused.*not retried"):
        fetch_endpoint(
            "evaluations", {}, base_url=server.base_url, cache_dir=tmp_path, **{**FAST, "max_bytes": 8 * 1024**2}
        )
    assert server.count("evaluations") == 1
    assert files_under(tmp_path) == []


def test_body_larger_than_the_limit_is_refused(server, tmp_path):
    body = b"[" + b"0," * 600_000 + b"0]"
    server.script("evaluations", ("raw", body, None))
    with pytest.raises(FetchError, match=rf"{len(body):,} bytes announced, more than the 1,000,000-byte limit"):
        fetch_endpoint(
            "evaluations", {}, base_url=server.base_url, cache_dir=tmp_path, **{**FAST, "max_bytes": 1_000_000}
        )
    assert files_under(tmp_path) == []


@pytest.mark.parametrize("depth", [65, 100_000])  # past the loader's limit; past the parser's recursion limit
def test_deeply_nested_json_is_a_clear_error(server, tmp_path, depth):
    server.script("availability", ("raw", b"[" * depth + b"]" * depth, None))
    with pytest.raises(FetchError, match=r"nested deeper than 64 levels \(the loader.s limit\); refused.*not retried"):
        fetch_endpoint("availability", None, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    assert files_under(tmp_path) == []


def test_redirect_to_another_host_is_refused(server, tmp_path):
    other = FixtureAPIServer({"availability": b'[{"evil": true}]'}).start()
    try:
        server.script("availability", ("redirect", other.base_url + "availability"))
        with pytest.raises(
            FetchError,
            match=r"redirect \(HTTP 302\) to http://127.0.0.1:\d+/api/v1/availability "
            r"refused: only 127.0.0.1:\d+ is allowed",
        ):
            fetch_endpoint("availability", None, base_url=server.base_url, cache_dir=tmp_path, **FAST)
        assert other.count("availability") == 0
    finally:
        other.stop()
    server.script("availability", ("redirect", "file:///etc/passwd"))
    with pytest.raises(FetchError, match=r"Redirection to url .file:///etc/passwd. is not allowed"):
        fetch_endpoint("availability", None, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    assert files_under(tmp_path) == []


def test_redirect_within_the_host_records_the_final_url(server, tmp_path):
    server.script("benchmarks", ("redirect", "/api/v1/evaluations"))
    res = fetch_endpoint("benchmarks", {"model": MODEL}, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    assert res.url == server.base_url + "benchmarks?model=DeepSeek-R1-0528"
    assert res.final_url == server.base_url + "evaluations"
    assert res.path.read_bytes() == route_body("evaluations")
    meta = json.loads(res.meta_path.read_text())
    assert meta["url"] == res.url and meta["final_url"] == res.final_url
    assert fetch.find_cached(tmp_path, res.path.name, res.url).final_url == res.final_url


def test_concatenated_gzip_members_are_decoded(server, tmp_path):
    body = b'[{"a": 1}, {"b": 2}]'
    server.script("availability", ("raw", gzip.compress(body[:8]) + gzip.compress(body[8:]), "gzip"))
    res = fetch_endpoint("availability", None, base_url=server.base_url, cache_dir=tmp_path, **FAST)
    assert res.path.read_bytes() == body and res.n_rows == 2


@pytest.mark.parametrize(
    "action,message",
    [
        (("drip", 0.05), "overall deadline"),
        (("raw", _gzip_bomb(64 * 1024**2), "gzip"), "inflates to more than"),
        (("raw", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, None), "nested deeper than 64 levels"),
    ],
)
def test_cli_hostile_server_gives_a_message_not_a_traceback(server, tmp_path, capsys, action, message):
    server.script("availability", action)
    rc = main_fetch(
        [
            "--model",
            MODEL,
            "--availability",
            "--base-url",
            server.base_url,
            "--out",
            str(tmp_path),
            "--min-interval",
            "0",
            "--retries",
            "0",
            "--timeout",
            "0.6",
            "--max-body-mb",
            "8",
        ]
    )
    assert rc == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def _zip_run(tmp_path: Path, members: dict[str, bytes]) -> Path:
    arts = make_artifacts(tmp_path / "artifacts")
    (arts / "bmk_zipped").mkdir()
    with zipfile.ZipFile(arts / "bmk_zipped" / "results.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return arts


@pytest.mark.parametrize(
    "members,message",
    [
        ({"big.json": b"0" * 300_000}, r"member .big.json.: zip member inflates to 300,000 bytes \(limit 200,000\)"),
        ({f"m{i}.json": b"0" * 150_000 for i in range(3)}, r"expands to 450000 bytes \(limit 400000\)"),
        ({f"m{i}.json": b"[]" for i in range(12)}, r"12 members \(limit 10\)"),
    ],
)
def test_run_zip_over_the_limits_is_refused(tmp_path, monkeypatch, capsys, members, message):
    limits = {"total_bytes": 400_000, "member_bytes": 200_000, "members": 10, "ratio": 200}
    monkeypatch.setattr(fetch.runs, "RUN_ZIP_LIMITS", limits)
    gh, _ = make_gh(tmp_path, artifacts=_zip_run(tmp_path, members))
    rc = main_fetch(["--run", str(RUN_ID), "--gh", str(gh), "--out", str(tmp_path / "runs")])
    assert rc == 1
    err = capsys.readouterr().err
    assert "refused run" in err and "nothing imported" in err and "Traceback" not in err
    assert re.search(message, err), err
    _assert_nothing_imported(tmp_path)


def test_run_zip_bomb_is_refused_with_the_default_limits(tmp_path, capsys):
    arts = make_artifacts(tmp_path / "artifacts")
    (arts / "bmk_bomb").mkdir()
    with (
        zipfile.ZipFile(arts / "bmk_bomb" / "results.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open("agg_bmk.json", "w", force_zip64=True) as member,
    ):
        for _ in range(8):
            member.write(b"0" * (1 << 20))  # 8 MiB of zeros, about 8 KB compressed
    assert (arts / "bmk_bomb" / "results.zip").stat().st_size < 200_000
    gh, _ = make_gh(tmp_path, artifacts=arts)
    assert main_fetch(["--run", str(RUN_ID), "--gh", str(gh), "--out", str(tmp_path / "runs")]) == 1
    err = capsys.readouterr().err
    assert re.search(r"compression ratio [\d,]+:1 \(limit 200:1\)", err) and "nothing imported" in err, err
    _assert_nothing_imported(tmp_path)


def test_run_zip_with_a_corrupt_member_is_refused(tmp_path, capsys):
    arts = _zip_run(tmp_path, {"agg.json": b'[{"a": 1}]' * 1000})
    z = arts / "bmk_zipped" / "results.zip"
    data = bytearray(z.read_bytes())
    data[60] ^= 0xFF  # inside the deflated data of the only member
    z.write_bytes(bytes(data))
    gh, _ = make_gh(tmp_path, artifacts=arts)
    assert main_fetch(["--run", str(RUN_ID), "--gh", str(gh), "--out", str(tmp_path / "runs")]) == 1
    err = capsys.readouterr().err
    assert "cannot check an artifact" in err and "nothing imported" in err
    _assert_nothing_imported(tmp_path)


def test_run_zip_within_the_limits_is_imported(tmp_path):
    arts = _zip_run(tmp_path, {"results_bmk/agg_bmk.json": json.dumps([HAND_ROW]).encode()})
    gh, _ = make_gh(tmp_path, artifacts=arts)
    res = fetch_run(RUN_ID, gh=gh, out_dir=tmp_path / "runs")
    assert (res.path / "bmk_zipped" / "results.zip").is_file()


def test_printed_file_names_cannot_reach_the_terminal_raw(tmp_path, capsys):
    arts = make_artifacts(tmp_path / "artifacts")
    evil = "bmk_x/agg_\x1b]0;owned\x07\x1b[2J\u202eevil.json"
    (arts / evil).parent.mkdir()
    (arts / evil).write_text(json.dumps(HAND_ROW))
    gh, _ = make_gh(tmp_path, artifacts=arts)
    assert main_fetch(["--run", str(RUN_ID), "--gh", str(gh), "--out", str(tmp_path / "runs")]) == 0
    out = capsys.readouterr().out
    assert "agg_\\x1b]0;owned\\x07\\x1b[2J\\u202eevil.json" in out
    assert not any(c in out for c in "\x1b\x07\u202e")


def test_cli_redirect_elsewhere_is_a_message(server, tmp_path, capsys):
    server.script("availability", ("redirect", "http://127.0.0.2:9/\x1b[2Javailability"))
    rc = main_fetch(
        [
            "--model",
            MODEL,
            "--availability",
            "--base-url",
            server.base_url,
            "--out",
            str(tmp_path),
            "--min-interval",
            "0",
            "--retries",
            "0",
        ]
    )
    err = capsys.readouterr().err
    assert rc == 1 and "refused: only 127.0.0.1:" in err and "Traceback" not in err
    assert "\x1b" not in err


# ---------------------------------------------------------------------------------------------------------------
# bounded fuzz: whatever the server sends, fetch returns a result or raises FetchError with a message

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=30,
)
BODIES = st.one_of(
    st.binary(max_size=300),
    JSONISH.map(lambda v: json.dumps(v).encode()),
    st.integers(min_value=1, max_value=400).map(lambda d: b"[" * d + b"]" * d),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES, gzipped=st.booleans(), cut=st.integers(min_value=0, max_value=50))
def test_fuzz_fetch_any_body(server, tmp_path, body, gzipped, cut):
    wire = gzip.compress(body) if gzipped else body
    wire = wire[: len(wire) - cut] if cut < len(wire) // 2 else wire  # sometimes a damaged tail
    server.script("evaluations", ("raw", wire, "gzip" if gzipped else None))
    try:
        res = fetch_endpoint(
            "evaluations", {}, base_url=server.base_url, cache_dir=tmp_path, refresh=True, **{**FAST, "retries": 0}
        )  # refresh: never an earlier example's cached copy
    except FetchError as e:
        assert f"{server.base_url}evaluations: " in str(e)  # the message names the URL and the reason
    else:  # accepted: the complete, decoded body is cached with its hash, and it is JSON
        stored = res.path.read_bytes()
        assert stored == (gzip.decompress(wire) if gzipped else wire)
        assert res.sha256 == hashlib.sha256(stored).hexdigest()
        json.loads(stored)
