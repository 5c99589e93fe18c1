"""What changed between two builds of the reports: the digest behind ``frontier changes``.

A build is a folder holding one ``<name>/summary.json`` per report: a history snapshot
(``reports/history/<UTC timestamp>/``, see :mod:`frontier.report.history`) or an output folder itself. Per report
found in both builds the digest says:

- **data added** (and removed): runs, dates, models and ISL/OSL pairs, from the summary's ``data`` inventory
  (``schema_version`` 1; for older summaries models and ISL/OSL only, read off the tables);
- **configs added and removed**: a config is matched by its ``config_key`` (summary version 2; the two keys of a
  pair), else by the curve-key fields the row carries (older summaries), else by the row's own ``label`` /
  ``config`` / ``side``; it is named in full table words (``DeepSeek-R1-0528 1024/1024 · b200 · sglang · fp4 ·
  mtp · agg``), whatever the label said;
- **values that moved**: every number in every table of the summary (a list of row objects, at the top level or
  one level down), rows matched by their key fields (config, target, view …), old and new value and the change in
  %. Each config's changes are classified by its primary metric (throughput where there is one) against the
  run-to-run spread the **older** build measured for that config and target (max − min over runs, % of the
  median): **moved** (the change is larger than that spread), **within noise** (not larger), **spread unknown**
  (the older build has one run, or no spread for it), **price table changed** (a cost figure after the price table
  or view changed: not a market move);
- **winners that flipped**: per table, like for like (same model, ISL/OSL, target and view), the config with the
  highest throughput or lowest cost changed; a ``winner`` field (break-even, migration) that changed;
- **price-table changes**: the ``pricing`` text, the ``view`` and any ``price_table`` / ``as_of`` in the tables;
- **parameters changed** (then nothing below is like for like) and **headline** sentences that changed.

Changes smaller than :data:`TOLERANCE_PCT` are rounding, not changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from frontier.data.labels import KEY_PARTS, config_key, config_key_words, parse_config_key
from frontier.report._files import read_json
from frontier.report.history import BUILD_FILE, list_snapshots
from frontier.report.summary_schema import SummaryVersionError, summary_tables, summary_version

__all__ = [
    "MOVED",
    "PRICE",
    "TOLERANCE_PCT",
    "UNKNOWN",
    "WITHIN",
    "Build",
    "ChangesError",
    "compare_builds",
    "fetched_between",
    "read_build",
    "resolve_builds",
]

MOVED, WITHIN, UNKNOWN, PRICE = "moved", "within noise", "spread unknown", "price table changed"
TOLERANCE_PCT = 0.01
_NAMED_BY = ("label", "config", "side")
_PRICE_ROW = ("price_table", "as_of", "table")
#: fields that identify a row (with the config) rather than measure something
_KEY_FIELDS = (
    "target",
    "target tok/s/user",
    "view",
    "side_a",
    "side_b",
    "utilisation",
    "price_factor",
    "run",
    "gpu",
)
_IGNORED_NUMBERS = frozenset({"curve_id", "curve_id_a", "curve_id_b", "pair_id"})
#: primary metric of a config's changes, first found wins
_PRIMARY = ("tput_per_gpu", "tok/s/GPU", "tput_a", "tput_b")
#: metrics a winner is chosen by: field prefix → True if higher is better
_WINNER_METRICS = {"tput_per_gpu": True, "cost_total_": False}
_PRICE_WORDS = ("cost", "price", "monthly", "payback", "saving", "$")


class ChangesError(Exception):
    """A request ``frontier changes`` cannot answer (fewer than two builds, a folder that is not a build)."""


@dataclasses.dataclass
class Build:
    """One build: where it is, when it was built, each report's summary (or why there is none)."""

    path: Path
    label: str
    summaries: dict[str, dict[str, Any]]
    problems: dict[str, str]  # report name → why it has no summary to compare (failed, refused version …)
    not_rebuilt: set[str] = dataclasses.field(default_factory=set)  # kept as published before this build
    built_at: dt.datetime | None = None  # to the microsecond where build.json says; None: not a history snapshot


# ------------------------------------------------------------------------------------------------ builds
def read_build(path: Path) -> Build:
    """The build in ``path``: a history snapshot or an output folder (one ``<name>/summary.json`` per report)."""
    if not path.is_dir():
        raise ChangesError(f"{path} is not a folder of built reports")
    build = read_json(path / BUILD_FILE) or {}
    label = str(build.get("built_utc") or path.name)
    summaries: dict[str, dict[str, Any]] = {}
    problems: dict[str, str] = {}
    not_rebuilt: set[str] = set()
    reps = build.get("reports") if isinstance(build.get("reports"), dict) else {}
    for name, entry in (reps or {}).items():
        if isinstance(entry, dict) and entry.get("status") == "failed":
            problems[str(name)] = f"failed: {entry.get('error', '')}"
        elif isinstance(entry, dict) and entry.get("rebuilt") is False:
            not_rebuilt.add(str(name))
    for d in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        doc = read_json(d / "summary.json")
        if doc is None or d.name in problems:
            continue
        try:
            summary_version(doc)
        except SummaryVersionError as exc:
            problems[d.name] = str(exc)
            continue
        summaries[d.name] = doc
    if not summaries and not problems:
        raise ChangesError(f"{path} holds no report summaries (no <name>/summary.json)")
    built_at = _utc(build.get("built_utc_us") or build.get("built_utc"))
    return Build(path, label, summaries, problems, not_rebuilt, built_at)


def resolve_builds(out: Path, old: Path | None = None, new: Path | None = None) -> tuple[Build, Build]:
    """The two builds to compare: the two folders given, else the newest two snapshots in ``<out>/history``."""
    if old is not None and new is not None:
        return read_build(old), read_build(new)
    if old is not None or new is not None:
        raise ChangesError("give two build folders (old, then new), or none to compare the newest two in history")
    snaps = list_snapshots(out)
    if len(snaps) < 2:
        raise ChangesError(
            f"{out / 'history'} holds {len(snaps)} build(s); two are needed (build the reports again, "
            "or give two folders)"
        )
    return read_build(snaps[-2].path), read_build(snaps[-1].path)


# ------------------------------------------------------------------------------------------------ tables
def _single_config_name(row: dict[str, Any]) -> str | None:
    """The config a row names, in full table words: from its ``config_key`` (summary version 2), else from its
    curve-key fields (older summaries); None when it names no single config."""
    key = row.get("config_key")
    if isinstance(key, str) and parse_config_key(key) is not None:
        return config_key_words(key)
    if not all(k in row for k in ("hardware", "framework", "precision")):
        return None
    return config_key_words(config_key(row))


def _curve_name(row: dict[str, Any]) -> str | None:
    """A row's stable config name: its single config (:func:`_single_config_name`) or, for a row comparing two
    configs (``config_key_a`` / ``config_key_b``), ``"<a> → <b>"``."""
    one = _single_config_name(row)
    if one is not None:
        return one
    ka, kb = row.get("config_key_a"), row.get("config_key_b")
    if isinstance(ka, str) and isinstance(kb, str) and parse_config_key(ka) is not None:
        return f"{config_key_words(ka)} → {config_key_words(kb)}"
    return None


class _Names:
    """Config names of one build: a row's curve key where it has one; a label is mapped to the curve name a
    row of the same build gave it (labels name only what varies, so they may change between builds)."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        self.by_label: dict[str, str] = {}
        for rows in tables.values():
            for r in rows:
                name = _curve_name(r)
                for k in ("label", "config"):
                    if name and isinstance(r.get(k), str):
                        self.by_label.setdefault(r[k], name)

    def of(self, row: dict[str, Any]) -> str | None:
        name = _curve_name(row)
        if name:
            return name
        if any(k in row for k in _PRICE_ROW):  # a price view's row: its label names a price, not a config
            return None
        for k in _NAMED_BY:
            if isinstance(row.get(k), str):
                return self.by_label.get(row[k], row[k])
        return None


def _target(row: dict[str, Any]) -> float | None:
    for k in ("target", "target tok/s/user"):
        v = row.get(k)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
    return None


def _row_key(row: dict[str, Any], config: str | None) -> tuple[Any, ...]:
    keys = tuple((k, row[k]) for k in _KEY_FIELDS if k in row and not isinstance(row[k], (list, dict)))
    return (config, *keys)


def _numbers(row: dict[str, Any]) -> dict[str, float | None]:
    """The measured numbers of a row (null kept: a value that became unreachable is a change)."""
    out: dict[str, float | None] = {}
    for k, v in row.items():
        if k in _KEY_FIELDS or k in KEY_PARTS or k in _IGNORED_NUMBERS:
            continue
        if v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)):
            out[k] = None if v is None or not math.isfinite(float(v)) else float(v)
    return out


def _index(rows: list[dict[str, Any]], names: _Names) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Rows by key; keys that repeat within the table are left out (they cannot be matched)."""
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    dup: set[tuple[Any, ...]] = set()
    for r in rows:
        key = _row_key(r, names.of(r))
        if key in seen:
            dup.add(key)
        seen[key] = r
    return {k: v for k, v in seen.items() if k not in dup}


# ------------------------------------------------------------------------------------------------ spread
def _spreads(tables: dict[str, list[dict[str, Any]]], names: _Names) -> dict[tuple[str, float | None], float | None]:
    """Run-to-run spread (%, None: one run) per (config, target) and per (config, None) (the largest over its
    targets), from rows with a ``spread %`` field or from a per-run table (``run`` + ``tput_per_gpu``)."""
    out: dict[tuple[str, float | None], float | None] = {}
    per_run: dict[tuple[str, float], list[float]] = {}
    for rows in tables.values():
        for r in rows:
            cfg, t = names.of(r), _target(r)
            if cfg is None:
                continue
            if "spread %" in r:
                v = r["spread %"]
                out[(cfg, t)] = float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
            elif "run" in r and t is not None and isinstance(r.get("tput_per_gpu"), (int, float)):
                per_run.setdefault((cfg, t), []).append(float(r["tput_per_gpu"]))
    for (cfg, t), vals in per_run.items():
        if (cfg, t) not in out:
            med = statistics.median(vals)
            out[(cfg, t)] = (max(vals) - min(vals)) / med * 100 if len(vals) > 1 and med > 0 else None
    for (cfg, _t), v in list(out.items()):
        prev = out.get((cfg, None))
        if v is not None and (prev is None or v > prev):
            out[(cfg, None)] = v
        else:
            out.setdefault((cfg, None), prev)
    return out


def _classify(pct: float | None, spread: float | None, known: bool) -> str:
    if not known or spread is None:
        return UNKNOWN
    if pct is None:
        return MOVED
    return WITHIN if abs(pct) <= spread else MOVED


def _is_price_field(field: str) -> bool:
    f = field.lower()
    return any(w in f for w in _PRICE_WORDS)


# ------------------------------------------------------------------------------------------------ one report
def _value_changes(
    old_t: dict[str, list[dict[str, Any]]], new_t: dict[str, list[dict[str, Any]]], on: _Names, nn: _Names
) -> list[dict[str, Any]]:
    """Every number that changed in a row present in both builds (config, table, target, field, old, new, %)."""
    out = []
    for table in sorted(set(old_t) & set(new_t)):
        a, b = _index(old_t[table], on), _index(new_t[table], nn)
        for key in sorted(set(a) & set(b), key=repr):
            na, nb = _numbers(a[key]), _numbers(b[key])
            for field in [f for f in na if f in nb]:
                ov, nv = na[field], nb[field]
                if ov == nv or (ov is None and nv is None):
                    continue
                pct = (nv - ov) / abs(ov) * 100 if ov is not None and nv is not None and ov != 0 else None
                if pct is not None and abs(pct) < TOLERANCE_PCT:
                    continue
                target = _target(b[key])
                rest = {k: v for k, v in key[1:] if k not in ("target", "target tok/s/user")}
                out.append(
                    {"config": key[0], "table": table, "target": target, "where": rest, "field": field}
                    | {"old": ov, "new": nv, "pct": pct}
                )
    return out


def _group_moves(changes: list[dict[str, Any]], spreads: dict[Any, Any], priced: bool) -> list[dict[str, Any]]:
    """Changes grouped per config, each classified by its primary metric against the older build's spread."""
    by_cfg: dict[str, list[dict[str, Any]]] = {}
    for c in changes:
        by_cfg.setdefault(c["config"] or "", []).append(c)
    out = []
    for cfg, cs in sorted(by_cfg.items()):
        for c in cs:
            known = (cfg, c["target"]) in spreads or (cfg, None) in spreads
            sp = spreads.get((cfg, c["target"]), spreads.get((cfg, None)))
            c["spread_pct"], c["spread_measured"] = sp, known
            c["class"] = PRICE if priced and _is_price_field(c["field"]) else _classify(c["pct"], sp, known)
        primary = next((f for f in _PRIMARY if any(c["field"] == f for c in cs)), None)
        if primary is None:  # no throughput: the field that moved most
            primary = max(cs, key=lambda c: abs(c["pct"]) if c["pct"] is not None else math.inf)["field"]
        main = [c for c in cs if c["field"] == primary]
        main.sort(key=lambda c: (c["target"] is None, c["target"] or 0.0, repr(c["where"])))
        main = list({(c["target"], repr(c["where"])): c for c in reversed(main)}.values())[::-1]
        classes = {c["class"] for c in main}
        cls = next(k for k in (MOVED, WITHIN, PRICE, UNKNOWN) if k in classes or k == UNKNOWN)
        out.append({"config": cfg or None, "class": cls, "metric": primary, "main": main, "changes": cs})
    return out


def _winners(rows: list[dict[str, Any]], names: _Names) -> dict[tuple[Any, ...], tuple[str, float]]:
    """(group, metric) → (winning config, value) for like-for-like groups (model, ISL/OSL, target, view)."""
    groups: dict[tuple[Any, ...], list[tuple[str, float]]] = {}
    for r in rows:
        cfg, t = names.of(r), _target(r)
        if cfg is None or t is None or _single_config_name(r) is None:
            continue
        group = (r.get("model"), r.get("isl"), r.get("osl"), t, r.get("view"))
        for field, v in r.items():
            prefix = next((p for p in _WINNER_METRICS if field == p or field.startswith(p)), None)
            if prefix and isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
                groups.setdefault((*group, field), []).append((cfg, float(v)))
    out = {}
    for key, cands in groups.items():
        if len(cands) < 2:
            continue
        higher = next(h for p, h in _WINNER_METRICS.items() if key[-1] == p or key[-1].startswith(p))
        out[key] = max(cands, key=lambda c: c[1]) if higher else min(cands, key=lambda c: c[1])
    return out


def _flips(
    old_t: dict[str, list[dict[str, Any]]], new_t: dict[str, list[dict[str, Any]]], on: _Names, nn: _Names
) -> list[dict[str, Any]]:
    """Winners that changed: the best config per like-for-like group and metric, and ``winner`` fields."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for table in sorted(set(old_t) & set(new_t)):
        wa, wb = _winners(old_t[table], on), _winners(new_t[table], nn)
        for key in sorted(set(wa) & set(wb), key=repr):
            if wa[key][0] != wb[key][0] and key not in seen:
                seen.add(key)
                model, isl, osl, target, view, metric = key
                out.append(
                    {"table": table, "model": model, "isl": isl, "osl": osl, "target": target, "view": view}
                    | {"metric": metric, "old_winner": wa[key][0], "old_value": wa[key][1]}
                    | {"new_winner": wb[key][0], "new_value": wb[key][1]}
                )
        out += _winner_fields(table, old_t[table], new_t[table], on, nn)
    return out


def _winner_fields(
    table: str, old: list[dict[str, Any]], new: list[dict[str, Any]], on: _Names, nn: _Names
) -> list[dict[str, Any]]:
    """Rows whose ``winner`` field changed (break-even and migration tables name their winner)."""
    a, b = _index(old, on), _index(new, nn)
    out = []
    for key in sorted(set(a) & set(b), key=repr):
        ow, nw = a[key].get("winner"), b[key].get("winner")
        if "winner" in a[key] and ow != nw:
            where = {k: v for k, v in key[1:] if k not in ("target", "target tok/s/user")}
            out.append(
                {"table": table, "target": _target(b[key]), "view": where.get("view"), "metric": "winner"}
                | {"model": None, "isl": None, "osl": None, "old_winner": ow, "new_winner": nw}
                | {"old_value": None, "new_value": None}
            )
    return out


def _pricing(doc: dict[str, Any], tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every price table, view and date a summary names (sorted, de-duplicated)."""
    found = set()
    for k in ("pricing", "view"):
        if isinstance(doc.get(k), str) and doc[k]:
            found.add(f"{k}: {doc[k]}")
    for rows in tables.values():
        for r in rows:
            for k in ("price_table", "as_of"):
                if isinstance(r.get(k), str) and r[k]:
                    found.add(f"{k}: {r[k]}")
    return sorted(found)


def _inventories(
    old: dict[str, Any], new: dict[str, Any], ot: dict[str, list[dict[str, Any]]], nt: dict[str, list[dict[str, Any]]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The data each build was made from, read the same way for both: the ``data`` inventories when both
    summaries have one, else models and ISL/OSL read off both builds' tables (no runs or dates)."""
    a, b = old.get("data"), new.get("data")
    if isinstance(a, dict) and isinstance(b, dict):
        return a, b
    return _from_tables(ot), _from_tables(nt)


def _from_tables(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    models = {str(r["model"]) for rows in tables.values() for r in rows if isinstance(r.get("model"), str)}
    seqs = {f"{r['isl']}/{r['osl']}" for rows in tables.values() for r in rows if "isl" in r and "osl" in r}
    return {"runs": None, "dates": None, "models": sorted(models), "seq_lens": sorted(seqs)}


def _run_name(r: dict[str, Any]) -> str:
    att = f" attempt {r['run_attempt']}" if r.get("run_attempt") not in (None, 1) else ""
    return f"run {r.get('run_id')}{att}"


def _data_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Runs, dates, models and ISL/OSL pairs added and removed; ``since``: the newest date of the older build."""
    out: dict[str, Any] = {}
    for k in ("dates", "models", "seq_lens"):
        a, b = set(old.get(k) or []), set(new.get(k) or [])
        out[f"{k}_added"], out[f"{k}_removed"] = sorted(b - a), sorted(a - b)
    ra = {_run_name(r): r for r in old.get("runs") or [] if isinstance(r, dict)}
    rb = {_run_name(r): r for r in new.get("runs") or [] if isinstance(r, dict)}
    out["runs_added"] = [rb[k] | {"name": k} for k in sorted(set(rb) - set(ra))]
    out["runs_removed"] = [ra[k] | {"name": k} for k in sorted(set(ra) - set(rb))]
    out["runs_known"] = old.get("runs") is not None and new.get("runs") is not None
    out["since"] = max(old.get("dates") or [""]) or None
    return out


def _targets(ot: dict[str, list[dict[str, Any]]], nt: dict[str, list[dict[str, Any]]]) -> dict[str, Any] | None:
    """The target interactivities each build read its tables at, when they differ (values are matched at the
    same target only, so a target chosen anew from new data leaves its values uncompared)."""
    a, b = ({t for rows in tt.values() for r in rows if (t := _target(r)) is not None} for tt in (ot, nt))
    return {"old": sorted(a), "new": sorted(b)} if a != b else None


_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?")


def _headline(old: Any, new: Any) -> dict[str, Any] | None:
    """Headline sentences that changed; where a sentence kept its words and only its numbers changed, those
    numbers as old → new with the change in %."""
    if old == new:
        return None
    a = [str(x) for x in old] if isinstance(old, list) else []
    b = [str(x) for x in new] if isinstance(new, list) else []
    numbers = []
    for sa, sb in zip(a, b, strict=False):
        if sa == sb or _NUMBER.sub("#", sa) != _NUMBER.sub("#", sb):
            continue
        for xa, xb in zip(_NUMBER.findall(sa), _NUMBER.findall(sb), strict=True):
            va, vb = (float(x.replace(",", "").replace("−", "-")) for x in (xa, xb))
            if va != vb:
                pct = (vb - va) / abs(va) * 100 if va else None
                numbers.append({"sentence": sb, "old": va, "new": vb, "pct": pct})
    return {"old": a, "new": b, "numbers": numbers}


def _configs(tables: dict[str, list[dict[str, Any]]], names: _Names) -> set[str]:
    """The single configs named in a build's tables (pairs of configs are not configs of their own)."""
    return {c for rows in tables.values() for r in rows if "config_key_a" not in r and (c := names.of(r)) is not None}


def _params(doc: dict[str, Any]) -> dict[str, Any]:
    p = doc.get("parameters")
    return {k: v for k, v in p.items() if k not in ("output_dir", "chart_mode")} if isinstance(p, dict) else {}


def compare_report(name: str, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The changes of one report between two of its summaries (see the module docstring)."""
    ot, nt = summary_tables(old), summary_tables(new)
    on, nn = _Names(ot), _Names(nt)
    pa, pb = _pricing(old, ot), _pricing(new, nt)
    ca, cb = _configs(ot, on), _configs(nt, nn)
    qa, qb = _params(old), _params(new)
    moves = _group_moves(_value_changes(ot, nt, on, nn), _spreads(ot, on), pa != pb)
    headline = [old.get("headline"), new.get("headline")]
    return {
        "name": name,
        "title": new.get("title") or name,
        "synthetic": bool(new.get("synthetic")),
        "parameters_changed": [
            {"name": k, "old": qa.get(k), "new": qb.get(k)} for k in sorted(set(qa) | set(qb)) if qa.get(k) != qb.get(k)
        ],
        "data": _data_changes(*_inventories(old, new, ot, nt)),
        "configs_added": sorted(cb - ca),
        "configs_removed": sorted(ca - cb),
        "pricing": {"old": pa, "new": pb} if pa != pb else None,
        "headline": _headline(headline[0], headline[1]),
        "targets": _targets(ot, nt),
        "moves": moves,
        "flips": _flips(ot, nt, on, nn),
    }


def fetched_between(log: Path, old: Build, new: Build) -> list[dict[str, Any]]:
    """The fetch-log entries (``frontier fetch``'s ``fetch-log.meta.json``) of fresh answers logged after the older
    build and before the newer one (builds without a build time: every entry)."""
    doc = read_json(log) or {}
    entries = doc.get("entries") if isinstance(doc.get("entries"), list) else []
    lo, hi = old.built_at, new.built_at
    out = []
    for e in entries or []:
        if not isinstance(e, dict) or not isinstance(e.get("added"), dict):
            continue
        at = _utc(e.get("logged_utc"))
        if at is not None and (lo is None or lo < at) and (hi is None or at <= hi):
            out.append(e)
    return out


def _utc(text: Any) -> dt.datetime | None:
    """A ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` time, None when ``text`` is not one."""
    for fmt in ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            return dt.datetime.strptime(str(text), fmt)
        except ValueError:
            continue
    return None


def compare_builds(old: Build, new: Build, *, fetch_log: Path | Sequence[Path] | None = None) -> dict[str, Any]:
    """The digest of two builds: per report, what changed (see the module docstring); JSON-ready.
    ``fetch_log``: ``frontier fetch``'s logs (one per download folder, e.g. ``data/raw/api`` and
    ``data/raw/runs``), whose entries between the two builds the digest lists, oldest first."""
    logs = [fetch_log] if isinstance(fetch_log, Path) else list(fetch_log or [])
    fetched = sorted((e for log in logs for e in fetched_between(log, old, new)), key=lambda e: str(e["logged_utc"]))
    both = sorted((set(old.summaries) & set(new.summaries)) - new.not_rebuilt)
    reports = [compare_report(name, old.summaries[name], new.summaries[name]) for name in both]
    skipped = {}
    for name in sorted(set(old.summaries) | set(new.summaries) | set(old.problems) | set(new.problems)):
        if name in both:
            continue
        if name in new.not_rebuilt:
            skipped[name] = "not rebuilt in the newer build (its page is the one before)"
            continue
        why = f"newer build: {new.problems[name]}" if name in new.problems else None
        if why is None and name in old.problems:
            why = f"older build: {old.problems[name]}"
        if why is None:
            why = "new in this build: nothing to compare" if name in new.summaries else "not in the newer build"
        skipped[name] = why
    return {
        "old": {"label": old.label, "path": str(old.path)},
        "new": {"label": new.label, "path": str(new.path)},
        "reports": reports,
        "skipped": skipped,
        "fetched": fetched,
        "counts": _counts(reports),
    }


def _counts(reports: Iterable[dict[str, Any]]) -> dict[str, int]:
    counts = {"moved": 0, "within_noise": 0, "spread_unknown": 0, "price": 0, "flipped": 0, "added": 0}
    for r in reports:
        for m in r["moves"]:
            counts[{MOVED: "moved", WITHIN: "within_noise", UNKNOWN: "spread_unknown", PRICE: "price"}[m["class"]]] += 1
        counts["flipped"] += len(r["flips"])
        counts["added"] += len(r["configs_added"])
    return counts
