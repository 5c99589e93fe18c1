"""``frontier changes``: the digest of two builds from their summary.json files (built here, small and synthetic)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from frontier.data import labels
from frontier.report.changes import (
    MOVED,
    PRICE,
    UNKNOWN,
    WITHIN,
    ChangesError,
    compare_builds,
    read_build,
    resolve_builds,
)
from frontier.report.changes_cli import main_changes
from frontier.report.changes_format import to_html, to_markdown, to_text

PRICING = "prices: dashboard GPU table v2 (in force 2026-09-01 onwards, newest)"


def _row(hw: str, target: float, tput: float, *, model: str = "M", price: float = 2.0) -> dict[str, Any]:
    label = f"{hw} · sglang · fp8 · no spec · agg"
    return {"model": model, "isl": 1024, "osl": 1024, "hardware": hw, "framework": "sglang", "precision": "fp8"} | {
        "spec_method": "none",
        "disagg": False,
        "label": label,
        "target": target,
        "reachable": True,
        "tput_per_gpu": tput,
        "cost_total_costh": price / tput * 1e6 / 3600,
    }


def _spread(hw: str, target: float, pct: float | None) -> dict[str, Any]:
    return {"config": f"{hw} · sglang · fp8 · no spec · agg", "target tok/s/user": target, "spread %": pct}


def _summary(rows: list[dict[str, Any]], spreads: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    runs = kw.pop("runs", [{"run_id": 1, "run_attempt": 1, "date": "2026-11-01", "points": 10}])
    data = {"runs": runs, "dates": sorted({r["date"] for r in runs}), "models": ["M"], "seq_lens": ["1024/1024"]}
    doc = {"schema_version": 1, "title": "Iso table", "synthetic": True, "parameters": {"targets": [50.0]}}
    return doc | {"data": data, "table": rows, "spread": spreads, "pricing": PRICING, "view": "costh"} | kw


def _write(folder: Path, **reports: dict[str, Any]) -> Path:
    for name, doc in reports.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "summary.json").write_text(json.dumps(doc))
    return folder


OLD_ROWS = [_row("b200", 50, 1000.0), _row("h200", 50, 800.0), _row("h100", 50, 300.0), _row("mi300x", 50, 200.0)]
OLD_SPREAD = [_spread("b200", 50, 10.0), _spread("h200", 50, 10.0), _spread("h100", 50, None)]


def _pair(tmp_path: Path, new_rows: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    old = _write(tmp_path / "old", iso=_summary(OLD_ROWS, OLD_SPREAD))
    new = _write(tmp_path / "new", iso=_summary(new_rows, OLD_SPREAD, **kw))
    return compare_builds(read_build(old), read_build(new))


def test_each_change_is_classified_against_the_older_builds_spread(tmp_path):
    new_rows = [_row("b200", 50, 1050.0), _row("h200", 50, 1200.0), _row("h100", 50, 330.0), OLD_ROWS[3]]
    runs = [{"run_id": 1, "run_attempt": 1, "date": "2026-11-01", "points": 10}]
    runs.append({"run_id": 2, "run_attempt": 1, "date": "2026-11-28", "points": 4})
    digest = _pair(tmp_path, new_rows, runs=runs)
    [rep] = digest["reports"]
    classes = {m["config"].split(" · ")[1]: m["class"] for m in rep["moves"]}
    # b200 +5 % within its 10 % spread; h200 +50 % beyond it; h100 has one run; mi300x did not change
    assert classes == {"b200": WITHIN, "h200": MOVED, "h100": UNKNOWN}
    h200 = next(m for m in rep["moves"] if "h200" in m["config"])
    [c] = h200["main"]
    assert (c["old"], c["new"], round(c["pct"], 6), c["spread_pct"]) == (800.0, 1200.0, 50.0, 10.0)
    # the cost moved with the throughput (the same config, not a separate entry)
    assert {x["field"] for x in h200["changes"]} == {"tput_per_gpu", "cost_total_costh"}
    # h200 now leads at 50 tok/s/user: throughput and cost winners flipped, like for like
    assert {(f["metric"], f["old_winner"].split(" · ")[1], f["new_winner"].split(" · ")[1]) for f in rep["flips"]} == {
        ("tput_per_gpu", "b200", "h200"),
        ("cost_total_costh", "b200", "h200"),
    }
    assert [r["run_id"] for r in rep["data"]["runs_added"]] == [2] and rep["data"]["since"] == "2026-11-01"
    assert "1 new run since 2026-11-01: run 2 (2026-11-28, 4 points)" in to_text(digest)
    assert digest["counts"] == {
        "moved": 1,
        "within_noise": 1,
        "spread_unknown": 1,
        "price": 0,
        "flipped": 2,
        "added": 0,
    }


def test_configs_added_and_removed_by_curve_key_not_by_label(tmp_path):
    # labels name only the parts that vary, so they change when the set of configs does
    relabelled = [r | {"label": r["hardware"]} for r in OLD_ROWS[:3]]
    spreads = [s | {"config": s["config"].split(" · ")[0]} for s in OLD_SPREAD]
    old = _write(tmp_path / "old", iso=_summary(OLD_ROWS, OLD_SPREAD))
    new = _write(tmp_path / "new", iso=_summary([*relabelled, _row("gb200", 50, 100.0)], spreads))
    digest = compare_builds(read_build(old), read_build(new))
    [rep] = digest["reports"]
    assert [c.split(" · ")[1] for c in rep["configs_added"]] == ["gb200"]
    assert [c.split(" · ")[1] for c in rep["configs_removed"]] == ["mi300x"]
    assert rep["moves"] == [] and rep["flips"] == []


def _keyed(row: dict[str, Any]) -> dict[str, Any]:
    """A version-2 row: its config named by ``config_key`` and a label only, no curve-key fields."""
    keep = {k: v for k, v in row.items() if k not in ("model", "isl", "osl", "framework", "precision")}
    return {k: v for k, v in keep.items() if k not in ("hardware", "spec_method", "disagg")} | {
        "config_key": labels.config_key(row)
    }


def test_version_2_rows_are_matched_by_config_key_whatever_the_label_says(tmp_path):
    old_rows = [_keyed(r) for r in OLD_ROWS]
    new_rows = [_keyed(r) | {"label": f"renamed {i}"} for i, r in enumerate(OLD_ROWS)]
    new_rows[1] = new_rows[1] | {"tput_per_gpu": 1200.0}
    pair = {"config_key_a": old_rows[0]["config_key"], "config_key_b": old_rows[1]["config_key"], "target": 50.0}
    keys = {r["label"]: r["config_key"] for r in old_rows}
    spreads = [{k: v for k, v in s.items() if k != "config"} | {"config_key": keys[s["config"]]} for s in OLD_SPREAD]
    old = _write(tmp_path / "old", iso=_summary(old_rows, spreads, schema_version=2, pairs=[pair | {"r": 1.0}]))
    new = _write(tmp_path / "new", iso=_summary(new_rows, spreads, schema_version=2, pairs=[pair | {"r": 2.0}]))
    [rep] = compare_builds(read_build(old), read_build(new))["reports"]
    assert rep["configs_added"] == rep["configs_removed"] == []  # new labels, same keys: the same configs
    moved = {m["config"]: m for m in rep["moves"]}
    h200 = "M 1024/1024 · h200 · sglang · fp8 · no spec · agg"  # named in full words from its key
    assert moved[h200]["main"][0]["old"] == 800.0 and moved[h200]["main"][0]["new"] == 1200.0
    # a pair row is matched by both keys and named a → b
    pair_name = f"M 1024/1024 · b200 · sglang · fp8 · no spec · agg → {h200}"
    assert [c["field"] for c in moved[pair_name]["changes"]] == ["r"]


def test_a_different_price_table_is_named_not_reported_as_a_market_move(tmp_path):
    repriced = [_row(r["hardware"], 50, r["tput_per_gpu"], price=3.0) for r in OLD_ROWS]

    def views(table: str) -> dict[str, Any]:  # a price view's row is labelled by its price, not a config
        return {"price_views": [{"view": "costh", "price_table": table, "label": f"owning · {table}", "price": 1.0}]}

    old = _write(tmp_path / "old", iso=_summary(OLD_ROWS, OLD_SPREAD, break_even=views("v2")))
    new = _write(
        tmp_path / "new",
        iso=_summary(
            repriced, OLD_SPREAD, pricing="prices: my_prices.csv (on_demand, 2026-11-20)", break_even=views("mine")
        ),
    )
    digest = compare_builds(read_build(old), read_build(new))
    [rep] = digest["reports"]
    assert rep["configs_added"] == rep["configs_removed"] == []
    assert rep["pricing"] == {
        "old": ["price_table: v2", f"pricing: {PRICING}", "view: costh"],
        "new": ["price_table: mine", "pricing: prices: my_prices.csv (on_demand, 2026-11-20)", "view: costh"],
    }
    assert {m["class"] for m in rep["moves"]} == {PRICE} and len(rep["moves"]) == 4
    assert "cost figures of 4 configs moved with the price table (+50.0 % to +50.0 %)" in to_text(digest)
    text = to_text(digest)
    assert "price table changed: was price_table: v2; pricing: prices: dashboard GPU table v2" in text
    assert "moved:" not in text


def test_strings_from_summaries_are_escaped_everywhere(tmp_path):
    hostile = "h\x1b[31m<b>*x*</b>"
    rows = [*OLD_ROWS, _row(hostile, 50, 100.0)]
    digest = _pair(tmp_path, rows)
    text, md, page = to_text(digest), to_markdown(digest), to_html(digest)
    assert "\x1b" not in text and "\\x1b[31m" in text
    assert "<b>" not in page and "&lt;b&gt;" in page
    assert "<b>" not in md and "\\*x\\*" in md


def test_summary_versions(tmp_path):
    old = _summary(OLD_ROWS, OLD_SPREAD)
    old.pop("schema_version")
    old.pop("data")  # version 0: read, models and ISL/OSL from the tables
    newer = _summary(OLD_ROWS, OLD_SPREAD) | {"schema_version": 99}
    a = _write(tmp_path / "a", iso=old, trend=_summary(OLD_ROWS, OLD_SPREAD))
    b = _write(tmp_path / "b", iso=_summary(OLD_ROWS, OLD_SPREAD), trend=newer)
    digest = compare_builds(read_build(a), read_build(b))
    assert [r["name"] for r in digest["reports"]] == ["iso"]
    d = digest["reports"][0]["data"]
    assert d["runs_known"] is False and d["runs_added"] == [] and d["models_added"] == []  # like for like
    assert digest["skipped"]["trend"].startswith("newer build: summary.json schema_version 99 is newer than")
    # nothing comparable at all: a clear one-line refusal, exit 2
    c = _write(tmp_path / "c", iso=newer)
    assert main_changes([str(a), str(c)]) == 2


def test_cli_exit_codes_and_formats(tmp_path, capsys):
    old = _write(tmp_path / "old", iso=_summary(OLD_ROWS, OLD_SPREAD))
    moved = _write(tmp_path / "moved", iso=_summary([_row("b200", 50, 2000.0), *OLD_ROWS[1:]], OLD_SPREAD))
    noise = _write(tmp_path / "noise", iso=_summary([_row("mi300x", 50, 201.0), *OLD_ROWS[:3]], OLD_SPREAD))
    assert main_changes([str(old), str(moved)]) == 0
    assert main_changes([str(old), str(moved), "--fail-on", "moved"]) == 1
    assert main_changes([str(old), str(moved), "--fail-on", "flipped"]) == 0  # b200 led before and after
    assert main_changes([str(old), str(noise), "--fail-on", "moved", "--fail-on", "flipped"]) == 0  # one run only
    capsys.readouterr()
    assert main_changes([str(old), str(moved), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["moved"] == 1
    assert main_changes([str(old), str(moved), "--format", "md", "--write", str(tmp_path / "d.md")]) == 0
    assert (tmp_path / "d.md").read_text().startswith("**What changed:")
    assert main_changes([str(old)]) == 2
    assert main_changes(["--out", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "two are needed" in err


def test_default_builds_are_the_newest_two_in_history(tmp_path):
    for stamp in ("2026-11-23T06-00-00Z", "2026-11-30T06-00-00Z", "2026-12-07T06-00-00Z"):
        d = _write(tmp_path / "history" / stamp, iso=_summary(OLD_ROWS, OLD_SPREAD))
        (d / "build.json").write_text(json.dumps({"generator": "frontier report history", "built_utc": stamp}))
    old, new = resolve_builds(tmp_path)
    assert (old.path.name, new.path.name) == ("2026-11-30T06-00-00Z", "2026-12-07T06-00-00Z")
    with pytest.raises(ChangesError, match="two build folders"):
        resolve_builds(tmp_path, tmp_path)


def test_headline_numbers_that_moved_and_sentences_that_changed(tmp_path):
    old = _summary(OLD_ROWS, OLD_SPREAD, headline=["B200 serves 1,000 tok/s/GPU at 50 tok/s/user.", "One run."])
    new = _summary(OLD_ROWS, OLD_SPREAD, headline=["B200 serves 1,250 tok/s/GPU at 50 tok/s/user.", "Two runs."])
    digest = compare_builds(read_build(_write(tmp_path / "a", iso=old)), read_build(_write(tmp_path / "b", iso=new)))
    [n] = digest["reports"][0]["headline"]["numbers"]
    assert (n["old"], n["new"], n["pct"]) == (1000.0, 1250.0, 25.0)
    assert "headline number: 1,000 → 1,250 (+25.0 %): B200 serves 1,250 tok/s/GPU" in to_text(digest)
    same_numbers = _summary(OLD_ROWS, OLD_SPREAD, headline=["H200 leads now."])
    digest = compare_builds(read_build(tmp_path / "a"), read_build(_write(tmp_path / "c", iso=same_numbers)))
    assert digest["reports"][0]["headline"]["numbers"] == []
    assert "headline now: H200 leads now." in to_text(digest)


def test_targets_chosen_anew_are_said_not_compared(tmp_path):
    moved_target = [_row(r["hardware"], 60, r["tput_per_gpu"] * 0.8) for r in OLD_ROWS]
    spreads = [s | {"target tok/s/user": 60.0} for s in OLD_SPREAD]
    old = _write(tmp_path / "old", iso=_summary(OLD_ROWS, OLD_SPREAD))
    digest = compare_builds(read_build(old), read_build(_write(tmp_path / "new", iso=_summary(moved_target, spreads))))
    [rep] = digest["reports"]
    assert rep["targets"] == {"old": [50.0], "new": [60.0]}
    assert rep["moves"] == [] and rep["flips"] == []  # nothing is compared across different targets
    assert "targets changed: 50 → 60 tok/s/user" in to_text(digest)


def test_fetches_are_placed_between_builds_to_the_microsecond(tmp_path):
    """A fetch logged in the same second as the older build, but after it, belongs to the newer build's digest; one
    logged before the older build, or after the newer one, does not."""
    from frontier.report.changes import fetched_between

    def build(name: str, at: str) -> Path:
        d = tmp_path / name
        d.mkdir()
        doc = {"generator": "frontier report history", "built_utc": at[:19] + "Z", "built_utc_us": at, "reports": {}}
        (d / "build.json").write_text(json.dumps(doc))
        (d / "iso").mkdir()
        (d / "iso" / "summary.json").write_text(json.dumps({"schema_version": 1, "title": "Iso"}))
        return d

    old = read_build(build("old", "2026-12-01T06:00:00.100000Z"))
    new = read_build(build("new", "2026-12-01T06:00:09.000000Z"))
    added = {"rows_added": 1}
    log = tmp_path / "fetch-log.meta.json"
    entries = [
        {"logged_utc": "2026-12-01T06:00:00.050000Z", "endpoint": "before", "added": added},
        {"logged_utc": "2026-12-01T06:00:00.200000Z", "endpoint": "same second, after", "added": added},
        {"logged_utc": "2026-12-01T06:00:09.500000Z", "endpoint": "after the newer", "added": added},
    ]
    log.write_text(json.dumps({"entries": entries}))
    assert [e["endpoint"] for e in fetched_between(log, old, new)] == ["same second, after"]
