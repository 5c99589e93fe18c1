#!/usr/bin/env python
"""Performance benchmark: loading, iso-interactivity tables and the load cache at scale, side by side with baselines.

    python bench/run_bench.py                       # 1M rows, 20k configs, 5,000 files, 10 targets (a few minutes)
    python bench/run_bench.py --quick --rows 2000 --configs 40 --files 10 --targets 3   # seconds (used by tests)

What it does, in one run:

1. generates ``--rows`` synthetic agg rows over ``--configs`` configs with ``frontier.data.sample.generate_frame`` and
   writes them into a temporary folder twice: as ``--files`` ``agg_bmk.json`` files (``run_<k>/`` folders with
   ``run.json`` sidecars) and as one big ``agg_bmk.json``;
2. load + normalise: ``frontier.data.load.load(..., cache=False)`` against a plain pandas baseline (``json.load`` per
   file, ``pandas.json_normalize``, ``concat``, hardware suffix strip, interactivity from TPOT, GPU count), and
   against the raw parse floor of the same bytes (each file read, its array split into raw elements by msgspec,
   the elements parsed by polars' NDJSON reader with the loader's explicit raw schema in ~16 MB calls: no
   normalisation, checks or provenance), for both layouts;
3. frontier + iso table for every config (model × ISL/OSL × GPU × engine × precision × spec × disagg ×
   topology, so ``--configs`` frontiers) at ``--targets`` interactivities: ``frontier.analysis.iso.iso_table`` end to
   end
   and its core (``pareto.frontier`` + ``pareto.interpolate_many``) against a per-config pure-Python loop of the
   spec §3 algorithm (``pareto.interpolate_reference`` for every config, metric and target). The loop runs on a random
   subset of configs (``--ref-configs``) and its time is extrapolated linearly to all configs; on that subset both
   must agree (|a − b| ≤ 1e-9 · max(1, |b|), same unreachable cells) or the script fails;
4. the parquet load cache: a cold load (empty cache folder, nothing memoised) against a cached reload;
5. peak memory: every measured step runs in a fresh subprocess that reports its own peak resident set size
   (``VmHWM`` from ``/proc/self/status``, which counts polars'/Rust allocations too, unlike tracemalloc; not
   ``ru_maxrss``, which on Linux keeps the parent's peak across fork + exec) and its resident size right after
   imports, before the step.

It prints a table of absolute figures and ratios and writes them, with machine information, to ``--out``
(default ``bench/results/bench.json``). Wall-clock figures depend on what else the machine is doing: the JSON
records the load average before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

TOLERANCE = 1e-9
TARGETS = {
    "load_vs_pandas": 6.0,  # load + normalise at least 6× faster than the pandas baseline, in both layouts
    "load_vs_floor": 1.25,  # load + normalise at most 1.25× the raw parse floor of the same bytes
    "load_rows_per_s": 500_000,
    "iso_seconds": 2.0,  # iso table for every config × targets
    "iso_vs_loop": 50.0,
    "cache_speedup": 10.0,
    "load_peak_mb": 1536.0,  # loading (cold, cached), whole process
    "iso_peak_mb": 2048.0,
}
#: NDJSON text per polars call in the parse floor (one call on the whole text was slower and needs more memory)
FLOOR_BATCH_BYTES = 16 << 20


# ----------------------------------------------------------------------------------------------------------------
# steps (each runs in its own subprocess)


def _rss_mb() -> float:
    """Peak RSS of this process, MB: ``VmHWM`` on Linux (of this program only: ``ru_maxrss`` also carries the
    parent's peak across fork + exec), else ``ru_maxrss``."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 1024.0 if sys.platform != "darwin" else r / 1024.0 / 1024.0


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return _rss_mb()


def config_key() -> list[str]:
    from frontier.data.schema import CURVE_KEY, TOPOLOGY_KEY

    return list(CURVE_KEY) + list(TOPOLOGY_KEY)


def targets_for(n: int) -> list[float]:
    if n <= 1:
        return [50.0]
    return [round(10.0 + i * 90.0 / (n - 1), 6) for i in range(n)]


def step_load_lib(p: dict[str, Any]) -> dict[str, Any]:
    from frontier.data.load import load

    t = time.perf_counter()
    res = load([p["path"]], cache=False)
    sec = time.perf_counter() - t
    return {
        "seconds": sec,
        "rows": res.points.height,
        "rows_read": res.report.rows_read,
        "files": sum(1 for f in res.report.files if f.status == "read"),
    }


def pandas_baseline(paths: list[Path]):
    """The straightforward way: json.load every file, json_normalize, concat, then the basic normalisation."""
    import numpy as np
    import pandas as pd

    frames = []
    for p in paths:
        with open(p, "rb") as fh:
            obj = json.load(fh)
        rows = obj if isinstance(obj, list) else [obj]
        if not rows:
            continue
        df = pd.json_normalize(rows)
        df["source_file"] = str(p)
        df["source_row"] = np.arange(len(df))
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    df["hw_raw"] = df["hw"]
    df["hardware"] = df["hw"].str.strip().str.lower().str.split(r"[-_]", n=1, regex=True).str[0]
    if "median_intvty" not in df:
        df["median_intvty"] = np.nan
    df["median_intvty"] = df["median_intvty"].fillna(1.0 / df["median_tpot"])
    one = pd.Series(1, index=df.index)
    single = df["tp"] * df.get("pp", one).fillna(1) * df.get("pcp_size", one).fillna(1)
    if "num_prefill_gpu" in df and "num_decode_gpu" in df:
        split = df["num_prefill_gpu"] + df["num_decode_gpu"]
        df["num_gpus"] = split.where(df["disagg"].astype(bool) & split.notna(), single)
    else:
        df["num_gpus"] = single
    return df


def step_load_pandas(p: dict[str, Any]) -> dict[str, Any]:
    root = Path(p["path"])
    paths = sorted(root.rglob("agg_bmk.json")) if root.is_dir() else [root]
    t = time.perf_counter()
    df = pandas_baseline(paths)
    sec = time.perf_counter() - t
    return {"seconds": sec, "rows": int(len(df)), "files": len(paths)}


def parse_floor(paths: list[Path]):
    """The raw parse floor: every file read, its JSON array split into raw elements (``msgspec.Raw``: checked,
    not turned into Python objects), the elements joined one per line and parsed by ``polars.read_ndjson`` with
    the loader's explicit raw schema, ~16 MB of text per call; one frame. Nothing else (no normalisation, checks,
    provenance, hashing), and one thread of Python work."""
    import msgspec
    import polars as pl

    from frontier.data.load.raw import RAW_SCHEMA

    split = msgspec.json.Decoder(list[msgspec.Raw])
    frames, batch, size = [], [], 0
    for p in paths:
        elements = split.decode(p.read_bytes())
        batch.extend(elements)
        size += sum(len(memoryview(e)) for e in elements)
        if size >= FLOOR_BATCH_BYTES:
            frames.append(pl.read_ndjson(b"\n".join(batch), schema=RAW_SCHEMA))
            batch, size = [], 0
    if batch:
        frames.append(pl.read_ndjson(b"\n".join(batch), schema=RAW_SCHEMA))
    return pl.concat(frames)


def step_parse_floor(p: dict[str, Any]) -> dict[str, Any]:
    root = Path(p["path"])
    paths = sorted(root.rglob("agg_bmk.json")) if root.is_dir() else [root]
    t = time.perf_counter()
    df = parse_floor(paths)
    sec = time.perf_counter() - t
    return {"seconds": sec, "rows": df.height, "files": len(paths)}


def step_cache(p: dict[str, Any]) -> dict[str, Any]:
    from frontier.data.load import load

    t = time.perf_counter()
    res = load([p["path"]], cache=True, cache_dir=Path(p["cache_dir"]))
    sec = time.perf_counter() - t
    return {"seconds": sec, "rows": res.points.height, "from_cache": res.report.from_cache}


def _points(p: dict[str, Any]):
    """The loaded table, from the (warm) cache the cache steps left behind, or loaded."""
    from frontier.data.load import load

    return load([p["path"]], cache=True, cache_dir=Path(p["cache_dir"])).points


def step_iso_lib(p: dict[str, Any]) -> dict[str, Any]:
    import polars as pl

    from frontier.analysis.economics import Pricing, add_costs, cost_columns
    from frontier.analysis.iso import DIRECT_METRICS, X, Y, iso_table
    from frontier.analysis.pareto import frontier, interpolate_many
    from frontier.data.schema import CURVE_KEY

    points = _points(p)
    by, targets = config_key(), p["targets"]
    pricing = Pricing.dashboard()
    t = time.perf_counter()
    res = iso_table(points, targets, pricing=pricing, by=by)
    iso_sec = time.perf_counter() - t
    iso_peak = _rss_mb()  # before the core and the by-curve table below add their own copies
    # what iso_table defers: the full-width priced frontier and point tables (charts use them)
    t = time.perf_counter()
    full_rows = res.frontier.height + res.points.height
    full_sec = time.perf_counter() - t
    full_peak = _rss_mb()
    del res.__dict__["frontier"], res.__dict__["points"]
    # the core alone (what the per-config loop computes): frontier + interpolation, on already priced points
    # holding the columns the loop reads (config keys, interactivity, throughput, the metrics)
    priced, _ = add_costs(points, pricing)
    metrics: dict[str, str | None] = {m: None for m in DIRECT_METRICS if m in priced.columns}
    metrics.update(cost_columns(pricing.views))
    priced = priced.select(list(dict.fromkeys([*by, X, Y, *metrics, *[r for r in metrics.values() if r]])))
    t = time.perf_counter()
    fr = frontier(priced, by, X, Y)
    n_curves = int(fr["curve_id"].max()) + 1 if fr.height else 0
    grid = pl.DataFrame(
        {
            "curve_id": [c for c in range(n_curves) for _ in targets],
            "target": [float(x) for _ in range(n_curves) for x in targets],
        }
    )
    interpolate_many(fr, grid, metrics, x=X)
    core_sec = time.perf_counter() - t
    # the default grouping (one frontier per curve, over every topology), for reference
    t = time.perf_counter()
    by_curve = iso_table(points, targets, pricing=pricing)
    curve_sec = time.perf_counter() - t
    out = res.table.select(*by, "target", *metrics)
    out.write_parquet(Path(p["work"]) / "iso_lib.parquet")
    return {
        "seconds": iso_sec,
        "core_seconds": core_sec,
        "iso_table_peak_rss_mb": iso_peak,
        "frontier_and_points_seconds": full_sec,
        "frontier_and_points_rows": full_rows,
        "with_frontier_and_points_peak_rss_mb": full_peak,
        "configs": res.configs.height,
        "cells": res.table.height,
        "reachable": int(res.table["reachable"].sum()),
        "metrics": list(metrics),
        "by_curve_seconds": curve_sec,
        "by_curve_configs": by_curve.configs.height,
        "points": points.height,
        "curve_key": list(CURVE_KEY),
    }


def step_iso_ref(p: dict[str, Any]) -> dict[str, Any]:
    import polars as pl

    from frontier.analysis.economics import Pricing, add_costs, cost_columns
    from frontier.analysis.iso import DIRECT_METRICS, X, Y
    from frontier.analysis.pareto import interpolate_reference

    points = _points(p)
    by, targets = config_key(), p["targets"]
    pricing = Pricing.dashboard()
    priced, _ = add_costs(points, pricing)
    metrics: dict[str, str | None] = {m: None for m in DIRECT_METRICS if m in priced.columns}
    metrics.update(cost_columns(pricing.views))
    configs = priced.select(by).unique().sort(by, nulls_last=True)
    n_all = configs.height
    k = min(p["ref_configs"], n_all)
    pick = sorted(random.Random(p["seed"]).sample(range(n_all), k))
    subset = configs[pick]
    cols = list(dict.fromkeys([*by, X, Y, *metrics, *[r for r in metrics.values() if r]]))
    sub = priced.join(subset, on=by, how="semi", nulls_equal=True).select(cols)
    groups = [(g.select(by).row(0), g.to_dicts()) for g in sub.partition_by(by, maintain_order=True)]
    # timed: the plain-Python loop over configs × metrics × targets (points already in Python lists)
    rows = []
    t = time.perf_counter()
    for key, pts in groups:
        for target in targets:
            rec = dict(zip(by, key))
            rec["target"] = float(target)
            for m, recip in metrics.items():
                rec[m] = interpolate_reference(pts, float(target), m, x=X, y=Y, reciprocal_of=recip)
            rows.append(rec)
    sec = time.perf_counter() - t
    schema = {**{c: priced.schema[c] for c in by}, "target": pl.Float64, **dict.fromkeys(metrics, pl.Float64)}
    pl.DataFrame(rows, schema=schema, strict=False).write_parquet(Path(p["work"]) / "iso_ref.parquet")
    return {
        "seconds": sec,
        "configs_timed": len(groups),
        "configs_total": n_all,
        "seconds_extrapolated": sec * n_all / max(len(groups), 1),
        "cells": len(rows) * len(metrics),
    }


STEPS = {
    "load_lib": step_load_lib,
    "load_pandas": step_load_pandas,
    "parse_floor": step_parse_floor,
    "cache": step_cache,
    "iso_lib": step_iso_lib,
    "iso_ref": step_iso_ref,
}


def _child(step: str, params: dict[str, Any]) -> None:

    if step == "load_pandas":
        import pandas  # noqa: F401
    rss0 = _current_rss_mb()
    out = STEPS[step](params)
    out["peak_rss_mb"] = _rss_mb()
    out["rss_after_imports_mb"] = rss0
    print("BENCH-RESULT " + json.dumps(out), flush=True)


def run_step(step: str, params: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--step", step, "--params", json.dumps(params)]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=str(ROOT))
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"benchmark step {step} failed (exit {proc.returncode})")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH-RESULT ")][-1]
    out = json.loads(line[len("BENCH-RESULT ") :])
    out["process_seconds"] = wall
    return out


# ----------------------------------------------------------------------------------------------------------------
# comparison of the vectorised and the reference results


def compare_iso(work: Path, metrics: list[str]) -> dict[str, Any]:
    import numpy as np
    import polars as pl

    ref = pl.read_parquet(work / "iso_ref.parquet")
    lib = pl.read_parquet(work / "iso_lib.parquet")
    key = [*config_key(), "target"]
    j = ref.join(lib, on=key, how="left", nulls_equal=True, suffix="__lib")
    if j.height != ref.height:
        raise SystemExit("FAIL: reference cells do not match library cells one to one")
    max_abs = max_rel = 0.0
    bad_reach = bad_value = compared = 0
    missing_rows = 0
    for m in metrics:
        a = j[m + "__lib"].cast(pl.Float64).to_numpy().astype(float) if m + "__lib" in j.columns else None
        if a is None:
            missing_rows += 1
            continue
        b = j[m].cast(pl.Float64).to_numpy().astype(float)
        na, nb = np.isnan(a), np.isnan(b)
        bad_reach += int((na != nb).sum())
        both = ~na & ~nb
        if both.any():
            d = np.abs(a[both] - b[both])
            max_abs = max(max_abs, float(d.max()))
            rel = d / np.maximum(np.abs(b[both]), 1e-300)
            max_rel = max(max_rel, float(rel.max()))
            bad_value += int((d > TOLERANCE * np.maximum(1.0, np.abs(b[both]))).sum())
            compared += int(both.sum())
    ok = bad_reach == 0 and bad_value == 0 and missing_rows == 0 and compared > 0
    return {
        "ok": ok,
        "cells_compared": compared,
        "unreachable_cells": int(np.isnan(j.select(metrics).cast(pl.Float64).to_numpy()).sum()) if metrics else 0,
        "unreachable_mismatches": bad_reach,
        "value_mismatches": bad_value,
        "max_abs_diff": max_abs,
        "max_rel_diff": max_rel,
        "tolerance": f"|a-b| <= {TOLERANCE} * max(1, |b|)",
    }


# ----------------------------------------------------------------------------------------------------------------
# machine info and the report


def machine_info() -> dict[str, Any]:
    import numpy
    import pandas
    import polars

    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "polars": polars.__version__,
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "polars_threads": polars.thread_pool_size(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    try:
        import psutil

        info["ram_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        try:
            with open("/proc/meminfo") as fh:
                kb = int(fh.readline().split()[1])
            info["ram_gb"] = round(kb / 2**20, 1)
        except (OSError, ValueError, IndexError):
            info["ram_gb"] = None
    try:
        with open("/proc/cpuinfo") as fh:
            names = [ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")]
        info["cpu"] = names[0] if names else platform.processor()
    except OSError:
        info["cpu"] = platform.processor()
    return info


def _loadavg() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def _fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        if unit == "rows/s":
            return f"{v:,.0f}"
        return f"{v:,.2f}" if abs(v) < 1000 else f"{v:,.0f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def _ratio(a: float | None, b: float | None) -> float | None:
    return (a / b) if a and b else None


def _parser() -> argparse.ArgumentParser:
    """The command line (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--configs", type=int, default=20_000)
    ap.add_argument("--files", type=int, default=5_000)
    ap.add_argument("--targets", type=int, default=10, help="number of target interactivities (10…100 tok/s/user)")
    ap.add_argument(
        "--ref-configs",
        type=int,
        default=400,
        help="configs the pure-Python loop is timed on (its time is extrapolated to all configs)",
    )
    ap.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="runs of each library step (fresh process each; the fastest is reported, all are kept)",
    )
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "bench.json"))
    ap.add_argument(
        "--quick",
        action="store_true",
        help="smoke mode: no pandas baseline on the one-file layout, loop timed on ≤ 50 configs",
    )
    ap.add_argument("--workdir", default=None, help="folder for the generated inputs (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the generated inputs")
    ap.add_argument("--step", help=argparse.SUPPRESS)
    ap.add_argument("--params", help=argparse.SUPPRESS)
    return ap


def _figures(results: dict[str, Any], targets: list[float]) -> list[dict[str, Any]]:
    """The printed table: each measurement beside its baseline."""
    iso, ref = results["iso_lib"], results["iso_ref"]
    figures: list[dict[str, Any]] = []

    def fig(
        what: str,
        seconds: float | None,
        rows_: int | None,
        peak: float | None,
        baseline: str | None = None,
        base_seconds: float | None = None,
        note: str = "",
    ) -> None:
        figures.append(
            {
                "what": what,
                "seconds": seconds,
                "rows_per_s": (rows_ / seconds) if rows_ and seconds else None,
                "peak_rss_mb": peak,
                "baseline": baseline,
                "baseline_seconds": base_seconds,
                "speedup_vs_baseline": _ratio(base_seconds, seconds),
                "note": note,
            }
        )

    for layout in ("many_files", "one_file"):
        lib, pdb = results[f"load_lib_{layout}"], results.get(f"load_pandas_{layout}")
        floor = results[f"parse_floor_{layout}"]
        fig(
            f"load+normalise, {layout.replace('_', ' ')} (frontier.data.load)",
            lib["seconds"],
            lib["rows"],
            lib["peak_rss_mb"],
            "pandas json.load + json_normalize",
            pdb["seconds"] if pdb else None,
        )
        fig(
            f"raw parse floor, {layout.replace('_', ' ')}",
            floor["seconds"],
            floor["rows"],
            floor["peak_rss_mb"],
            "frontier.data.load",
            lib["seconds"],
            f"msgspec split + polars NDJSON; load takes {lib['seconds'] / floor['seconds']:.2f}× the floor"
            + (f"; the floor itself is {pdb['seconds'] / floor['seconds']:.2f}× faster than pandas" if pdb else ""),
        )
        if pdb:
            fig(
                f"load+normalise, {layout.replace('_', ' ')} (pandas baseline)",
                pdb["seconds"],
                pdb["rows"],
                pdb["peak_rss_mb"],
            )
    fig(
        "iso table, every config (iso_table end to end)",
        iso["seconds"],
        None,
        iso["iso_table_peak_rss_mb"],
        "per-config Python loop (extrapolated)",
        ref["seconds_extrapolated"],
        f"{iso['configs']:,} configs × {len(targets)} targets × {len(iso['metrics'])} metrics",
    )
    fig(
        "iso table + its full-width frontier and points tables (built on first use)",
        iso["seconds"] + iso["frontier_and_points_seconds"],
        None,
        iso["with_frontier_and_points_peak_rss_mb"],
        "per-config Python loop (extrapolated)",
        ref["seconds_extrapolated"],
        f"{iso['frontier_and_points_rows']:,} rows priced and labelled, every input column kept",
    )
    fig(
        "iso core (pareto.frontier + interpolate_many)",
        iso["core_seconds"],
        None,
        None,
        "per-config Python loop (extrapolated)",
        ref["seconds_extrapolated"],
    )
    fig(
        "iso table by curve (default grouping)",
        iso["by_curve_seconds"],
        None,
        None,
        None,
        None,
        f"{iso['by_curve_configs']:,} curves over all topologies",
    )
    fig(
        "per-config Python loop (reference)",
        ref["seconds_extrapolated"],
        None,
        ref["peak_rss_mb"],
        None,
        None,
        f"timed on {ref['configs_timed']:,} of {ref['configs_total']:,} configs ({ref['seconds']:.2f} s), "
        "extrapolated linearly",
    )
    for layout in ("many_files", "one_file"):
        cold, warm = results[f"cache_cold_{layout}"], results[f"cache_warm_{layout}"]
        fig(
            f"cached reload, {layout.replace('_', ' ')}",
            warm["seconds"],
            warm["rows"],
            warm["peak_rss_mb"],
            "cold load (empty cache)",
            cold["seconds"],
        )
    return figures


def _target_rows(results: dict[str, Any], rows: int) -> list[dict[str, Any]]:
    """Each target with what was measured and whether it was met."""
    iso, ref = results["iso_lib"], results["iso_ref"]
    lib_m, lib_o = results["load_lib_many_files"], results["load_lib_one_file"]
    pd_m, pd_o = results.get("load_pandas_many_files"), results.get("load_pandas_one_file")
    fl_m, fl_o = results["parse_floor_many_files"], results["parse_floor_one_file"]
    peak = max(r["peak_rss_mb"] for k, r in results.items() if k.startswith(("load_lib", "cache")))
    checks = [
        (
            "load+normalise ≤ 1.25× the raw parse floor (many files)",
            _ratio(lib_m["seconds"], fl_m["seconds"]),
            TARGETS["load_vs_floor"],
            "≤",
        ),
        (
            "load+normalise ≤ 1.25× the raw parse floor (one file)",
            _ratio(lib_o["seconds"], fl_o["seconds"]),
            TARGETS["load_vs_floor"],
            "≤",
        ),
        (
            "load+normalise ≥ 6× pandas (many files)",
            _ratio(pd_m and pd_m["seconds"], lib_m["seconds"]),
            TARGETS["load_vs_pandas"],
            "≥",
        ),
        (
            "load+normalise ≥ 6× pandas (one file)",
            _ratio(pd_o and pd_o["seconds"], lib_o["seconds"]),
            TARGETS["load_vs_pandas"],
            "≥",
        ),
        (
            "load+normalise ≥ 500k rows/s (many files)",
            lib_m["rows"] / lib_m["seconds"],
            TARGETS["load_rows_per_s"],
            "≥",
        ),
        ("load+normalise ≥ 500k rows/s (one file)", lib_o["rows"] / lib_o["seconds"], TARGETS["load_rows_per_s"], "≥"),
        ("iso table < 2 s (iso_table end to end)", iso["seconds"], TARGETS["iso_seconds"], "<"),
        ("iso table < 2 s (frontier + interpolation core)", iso["core_seconds"], TARGETS["iso_seconds"], "<"),
        (
            "iso ≥ 50× the per-config loop (iso_table)",
            _ratio(ref["seconds_extrapolated"], iso["seconds"]),
            TARGETS["iso_vs_loop"],
            "≥",
        ),
        (
            "cached reload ≥ 10× cold (many files)",
            _ratio(results["cache_cold_many_files"]["seconds"], results["cache_warm_many_files"]["seconds"]),
            TARGETS["cache_speedup"],
            "≥",
        ),
        (
            "cached reload ≥ 10× cold (one file)",
            _ratio(results["cache_cold_one_file"]["seconds"], results["cache_warm_one_file"]["seconds"]),
            TARGETS["cache_speedup"],
            "≥",
        ),
        (f"peak memory < 1.5 GB (loading {rows:,} rows: load, cold and cached)", peak, TARGETS["load_peak_mb"], "<"),
        (f"peak memory < 2 GB (iso_table on {rows:,} rows)", iso["iso_table_peak_rss_mb"], TARGETS["iso_peak_mb"], "<"),
    ]
    target_rows = [
        {
            "target": name,
            "measured": v,
            "threshold": thr,
            "met": (v is not None and {"≥": v >= thr, "≤": v <= thr, "<": v < thr}[op]),
        }
        for name, v, thr, op in checks
    ]
    return target_rows


def _print_summary(out: dict[str, Any], figures: list[dict[str, Any]], target_rows: list[dict[str, Any]]) -> None:
    """Machine, data, the measurement table and the targets, for people."""
    m, p, data_mb = out["machine"], out["params"], out["data"]["json_mb"]
    print(
        f"\nmachine: {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, polars {m['polars']}, "
        f"pandas {m['pandas']}; load average {out['load_average_before']} → {out['load_average_after']}"
    )
    print(
        f"data: {p['rows']:,} rows, {p['configs']:,} configs, {p['files']:,} files "
        f"({data_mb['many_files']:,.0f} MB) and one file ({data_mb['one_file']:,.0f} MB)\n"
    )
    head = f"{'measurement':52s} {'seconds':>9s} {'rows/s':>11s} {'peak MB':>8s} {'baseline s':>10s} {'×':>8s}"
    print(head)
    print("-" * len(head))
    for f in figures:
        print(
            f"{f['what']:52s} {_fmt(f['seconds']):>9s} {_fmt(f['rows_per_s'], 'rows/s'):>11s} "
            f"{_fmt(f['peak_rss_mb']):>8s} {_fmt(f['baseline_seconds']):>10s} "
            f"{_fmt(f['speedup_vs_baseline']):>8s}" + (f"  ({f['note']})" if f["note"] else "")
        )
    print("\ntargets:")
    for t_ in target_rows:
        print(
            f"  [{'met' if t_['met'] else 'MISSED':6s}] {t_['target']}: {_fmt(t_['measured'])} "
            f"(threshold {_fmt(t_['threshold'])})"
        )


def main(argv: list[str] | None = None) -> int:
    """Generate the inputs, run every step in order and write the record. Long because it is that list of steps
    and the record's layout, read top to bottom; the table and the targets are built by the helpers above."""
    ap = _parser()
    args = ap.parse_args(argv)
    if args.step:
        _child(args.step, json.loads(args.params))
        return 0
    if args.configs < 1 or args.rows < args.configs or args.files < 1:
        ap.error("need rows ≥ configs ≥ 1 and files ≥ 1")

    from frontier.data import sample

    ppc = args.rows // args.configs
    rows = ppc * args.configs
    ref_configs = min(args.ref_configs, 50) if args.quick else args.ref_configs
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="frontier-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    many, one = work / "many", work / "one" / "agg_bmk.json"
    load_before = _loadavg()
    print(f"generating {rows:,} rows ({args.configs:,} configs × {ppc} points) in {work} …", flush=True)
    t = time.perf_counter()
    df = sample.generate_frame(args.configs, ppc, args.seed)
    gen_sec = time.perf_counter() - t
    t = time.perf_counter()
    sample.write_agg_files(df, many, args.files)
    sample.write_agg_bmk(df, one)
    write_sec = time.perf_counter() - t
    del df
    data_mb = {
        "many_files": sum(f.stat().st_size for f in many.rglob("*.json")) / 2**20,
        "one_file": one.stat().st_size / 2**20,
    }
    targets = targets_for(args.targets)
    results: dict[str, Any] = {}

    def keep(name: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
        """The fastest run, every run's time and the highest peak, as ``results[name]``."""
        r = dict(min(runs, key=lambda x: x["seconds"]))
        r["all_seconds"] = [x["seconds"] for x in runs]
        for k in ("peak_rss_mb", "iso_table_peak_rss_mb", "with_frontier_and_points_peak_rss_mb"):
            if k in r:
                r[k] = max(x[k] for x in runs)
        print(
            f"  {name}: {', '.join(f'{x:.2f}' for x in r['all_seconds'])} s, peak {r['peak_rss_mb']:.0f} MB", flush=True
        )
        results[name] = r
        return r

    def measure(step: str, before: Any = None, **params: Any) -> dict[str, Any]:
        if before is not None:
            before()
        return run_step(
            step, {"work": str(work), "targets": targets, "seed": args.seed, "ref_configs": ref_configs, **params}
        )

    def run(name: str, step: str, times: int = 1, before: Any = None, **params: Any) -> dict[str, Any]:
        """Run a step ``times`` times (fresh process each); keep the fastest run, all times and the highest peak."""
        return keep(name, [measure(step, before, **params) for _ in range(max(times, 1))])

    reps = 1 if args.quick else max(args.repeat, 1)
    try:
        for layout, path in (("many_files", many), ("one_file", one)):
            floor_runs, lib_runs = [], []
            for _ in range(reps):  # alternating, so the floor and the load see the same machine load
                floor_runs.append(measure("parse_floor", path=str(path)))
                lib_runs.append(measure("load_lib", path=str(path)))
            keep(f"parse_floor_{layout}", floor_runs)
            keep(f"load_lib_{layout}", lib_runs)
            if not (args.quick and layout == "one_file"):
                run(f"load_pandas_{layout}", "load_pandas", path=str(path))
        for layout, path in (("many_files", many), ("one_file", one)):
            cache_dir = work / f"cache_{layout}"
            run(
                f"cache_cold_{layout}",
                "cache",
                reps,
                before=lambda d=cache_dir: shutil.rmtree(d, ignore_errors=True),
                path=str(path),
                cache_dir=str(cache_dir),
            )
            warm = run(f"cache_warm_{layout}", "cache", reps, path=str(path), cache_dir=str(cache_dir))
            if not warm["from_cache"]:
                raise SystemExit("FAIL: the second load did not come from the cache")
        iso = run("iso_lib", "iso_lib", reps, path=str(many), cache_dir=str(work / "cache_many_files"))
        run("iso_ref", "iso_ref", path=str(many), cache_dir=str(work / "cache_many_files"))
        agreement = compare_iso(work, iso["metrics"])
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    figures = _figures(results, targets)
    target_rows = _target_rows(results, rows)

    out = {
        "machine": machine_info(),
        "load_average_before": load_before,
        "load_average_after": _loadavg(),
        "params": {
            "rows": rows,
            "configs": args.configs,
            "points_per_config": ppc,
            "files": args.files,
            "targets": targets,
            "ref_configs": ref_configs,
            "seed": args.seed,
            "quick": args.quick,
            "config_key": config_key(),
        },
        "data": {"generate_seconds": gen_sec, "write_seconds": write_sec, "json_mb": data_mb},
        "method": {
            "timing": "wall clock (time.perf_counter) of the step inside a fresh subprocess, imports excluded; "
            "library steps run --repeat times and the fastest run is reported (all_seconds has every "
            "run; the parse floor and the load alternate); the pandas baseline and the reference loop "
            "run once",
            "memory": "peak RSS of that subprocess (VmHWM from /proc/self/status; ru_maxrss where there is no "
            "/proc), including the interpreter + imports baseline reported as rss_after_imports_mb",
            "loop": "pareto.interpolate_reference per config × metric × target on plain dicts, timed on a random "
            "subset of configs and scaled linearly to all configs",
            "agreement": f"same cells unreachable; |a-b| <= {TOLERANCE} * max(1, |b|) elsewhere",
        },
        "results": results,
        "figures": figures,
        "targets": target_rows,
        "agreement": agreement,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2, default=str))

    _print_summary(out, figures, target_rows)
    a = agreement
    print(
        f"\nvectorised vs reference: {a['cells_compared']:,} cells, max abs diff {a['max_abs_diff']:.3g}, "
        f"max rel diff {a['max_rel_diff']:.3g}, unreachable mismatches {a['unreachable_mismatches']}, "
        f"value mismatches {a['value_mismatches']} → {'AGREE' if a['ok'] else 'DISAGREE'}"
    )
    print(f"written: {args.out}")
    if not a["ok"]:
        print("FAIL: the vectorised and the reference implementations disagree", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
