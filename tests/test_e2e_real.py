"""End to end on real sweeps from ../shared/data (skipped without it): every notebook builds with only ``--data``
given, and no comparison in any ``summary.json`` pairs different models or sequence lengths."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from frontier import paths
from frontier.data import labels
from frontier.report import check_offline, list_notebooks

from .conftest import MANTILE_RAW, need

#: one full Pareto sweep per model family from the real sweep runs in ../shared/data
SWEEPS = {
    "gpt-oss": "run_20662362255",  # gpt-oss-120B on b200, h100, h200; 1k/1k, 1k/8k, 8k/1k
    "deepseek-r1": "run_20613446912",  # DeepSeek-R1 on b200, h200; 1k/1k, 1k/8k, 8k/1k
}
LABEL_PAIRS = (("label_a", "label_b"), ("config_a", "config_b"), ("A", "B"), ("best A config", "best B config"))
HELD = ("model", "isl", "osl")


def _rows(obj: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a summary, at any depth (tables are lists of row objects)."""
    if isinstance(obj, dict):
        yield obj
        for v in obj.values():
            yield from _rows(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _rows(v)


def mixed_pairs(summary: dict[str, Any]) -> tuple[list[str], int]:
    """(pairs that mix model or ISL/OSL, pairs checked). A side is known by its curve id from any table in the
    summary that states its model and ISL/OSL, or by its label (``"<model> · <isl>/<osl> · ..."``, where the model
    is one the summary names); ``<key>_a``/``<key>_b`` columns are compared directly."""
    by_curve = {
        row["curve_id"]: tuple(row[k] for k in HELD)
        for row in _rows(summary)
        if "curve_id" in row and all(k in row for k in HELD)
    }
    models = {row["model"] for row in _rows(summary) if isinstance(row.get("model"), str)}
    mixed, checked = [], 0
    for row in _rows(summary):
        for k in HELD:
            if f"{k}_a" in row and f"{k}_b" in row:
                checked += 1
                if row[f"{k}_a"] != row[f"{k}_b"]:
                    mixed.append(f"{k}: {row[f'{k}_a']!r} vs {row[f'{k}_b']!r}")
        if row.get("curve_id_a") in by_curve and row.get("curve_id_b") in by_curve:
            checked += 1
            if by_curve[row["curve_id_a"]] != by_curve[row["curve_id_b"]]:
                mixed.append(f"curves {row['curve_id_a']} vs {row['curve_id_b']}")
        ka, kb = row.get("config_key_a"), row.get("config_key_b")
        if isinstance(ka, str) and isinstance(kb, str):  # the join keys state every part
            pa, pb = labels.parse_config_key(ka) or {}, labels.parse_config_key(kb) or {}
            checked += 1
            if any(pa.get(k) != pb.get(k) for k in HELD):
                mixed.append(f"keys {ka!r} vs {kb!r}")
        for a, b in LABEL_PAIRS:
            if isinstance(row.get(a), str) and isinstance(row.get(b), str):
                wa, wb = _label_workload(row[a], models), _label_workload(row[b], models)
                known = [(x, y) for x, y in zip(wa, wb, strict=True) if x is not None and y is not None]
                checked += bool(known)
                if any(x != y for x, y in known):
                    mixed.append(f"{row[a]!r} vs {row[b]!r}")
    return mixed, checked


def _label_workload(label: str, models: set[str]) -> tuple[str | None, str | None]:
    """(model, "isl/osl") a config label states, None for a part it does not state."""
    parts = [p.strip() for p in label.split("·")]
    head = re.fullmatch(r"(.+) (\d+/\d+)", parts[0]) if parts else None  # "<model> <isl>/<osl>" as one part
    if head and head.group(1) in models:
        return head.group(1), head.group(2)
    model = parts[0] if parts and parts[0] in models else None
    seq = next((p for p in parts if re.fullmatch(r"\d+/\d+", p)), None)
    return model, seq


UNDATED = re.compile(r"undated|no dates?\b|dates not recorded|no measurement dates|have no date", re.I)


def undated_mentions(page: str) -> int:
    """How often a page's text (not its scripts, styles or images) says its data carries no dates."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", page, flags=re.S)
    return len(UNDATED.findall(text))


def test_undated_mentions_counts_text_only():
    page = '<p>Data: 3 CI runs (dates not recorded)</p><img alt="x"><script>"undated"</script><p>Undated runs</p>'
    assert undated_mentions(page) == 2


def test_mixed_pairs_is_found():
    """The checker itself: a pair across models is caught, a like-for-like one is not."""
    configs = [
        {"curve_id": 1, "model": "M1", "isl": 1024, "osl": 1024},
        {"curve_id": 2, "model": "M2", "isl": 1024, "osl": 1024},
        {"curve_id": 3, "model": "M1", "isl": 1024, "osl": 1024},
    ]
    good = {
        "configs": configs,
        "pairs": [
            {"curve_id_a": 1, "curve_id_b": 3, "A": "M1 · 1024/1024 · b200 · fp4", "B": "M1 · 1024/1024 · b200 · fp8"}
        ],
    }
    assert mixed_pairs(good) == ([], 2)
    bad = {
        "configs": configs,
        "pairs": [
            {"curve_id_a": 1, "curve_id_b": 2},
            {"A": "M1 · b200", "B": "M2 · b200"},
            {"label_a": "b200 · 1024/1024", "label_b": "b200 · 8192/1024"},
            {"A": "M1 1024/1024 · b200 · fp4", "B": "M1 8192/1024 · b200 · fp4"},
            {"config_key_a": "M1|1024|1024|b200|*|fp4|*|*", "config_key_b": "M2|1024|1024|b200|*|fp4|*|*"},
        ],
        "cross": [{"isl_a": 1, "isl_b": 2}],
    }
    found, checked = mixed_pairs(bad)
    assert checked == 6 and len(found) == 6


@pytest.mark.slow
@pytest.mark.parametrize("family", sorted(SWEEPS))
def test_every_notebook_builds_on_a_real_sweep(family, tmp_path):
    sweep = need(MANTILE_RAW / SWEEPS[family] / "agg_bmk.json").parent
    out = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "frontier.cli", "report", "--data", str(sweep), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=3600,
        check=False,
    )
    names = list_notebooks()
    failed = {
        n: json.loads((out / n / "failed.json").read_text())["error"]
        for n in names
        if (out / n / "failed.json").exists()
    }
    assert not failed and done.returncode == 0, f"{family}: {failed or done.stderr[-2000:]}"
    for name in names:
        page = out / name / "index.html"
        assert check_offline(page) == [], name
        summary = json.loads((out / name / "summary.json").read_text())
        assert summary["synthetic"] is False, name
        mixed, _ = mixed_pairs(summary)
        assert not mixed, f"{name} pairs different workloads: {mixed[:5]}"
        assert undated_mentions(page.read_text(encoding="utf-8")) <= 1, f"{name} says more than once it is undated"
    assert check_offline(out / "index.html") == []
    assert undated_mentions((out / "index.html").read_text(encoding="utf-8")) <= 1
