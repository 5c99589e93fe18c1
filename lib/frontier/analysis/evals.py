"""Accuracy evaluations beside cost: load the API ``evaluations`` rows and attach them to configs.

An evaluation row (``/api/v1/evaluations``) is one accuracy run of one served config (model, hardware, engine,
precision, spec method, disagg, topology, concurrency) on one task (e.g. ``gsm8k``) with ``metrics`` such as
``em_strict`` / ``em_flexible`` (fraction of problems solved, 0–1), their standard errors ``*_se`` and ``n_eff``
(problems scored). :func:`load_evals` turns them into a long table, one row per (evaluation, score name), with an
explicit schema (:data:`EVAL_SCHEMA`); malformed rows are skipped and counted by reason, never dropped silently.

:func:`join_evals` attaches to each config the newest evaluation per (task, score name). It never averages:
when several rows tie for "newest" (several topologies or concurrencies in the same run) it picks one by a fixed
order and reports how many candidates there were and the spread of scores on the newest date. Configs without an
evaluation get nulls (never zeros) and ``eval_status = "missing"``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from frontier.data.labels import config_key_columns, price_line
from frontier.data.load.normalise import (
    FALSE_STRINGS,
    FRAMEWORK_ALIASES,
    MODEL_DISPLAY_NAMES,
    NO_SPEC_STRINGS,
    RUN_URL_RE,
    TRUE_STRINGS,
)
from frontier.data.schema import DISAGG_SCHEMA, DISAGG_TOPOLOGY

__all__ = [
    "EVAL_SCHEMA",
    "CONFIG_KEY",
    "JOIN_COLUMNS",
    "EvalLoad",
    "AccuracyBesideCost",
    "load_evals",
    "evals_from_rows",
    "join_evals",
    "accuracy_beside_cost",
]

EVAL_SCHEMA: dict[str, pl.DataType] = {
    "model": pl.String(),  # display name ("DeepSeek-R1-0528"); unknown keys kept as given
    "model_key": pl.String(),  # key as the API gives it ("dsr1")
    "hardware": pl.String(),  # GPU key ("b200")
    "framework": pl.String(),  # engine, aliases normalised
    "precision": pl.String(),
    "spec_method": pl.String(),  # "none" when absent
    "disagg": pl.Boolean(),
    "is_multinode": pl.Boolean(),
    "conc": pl.Int32(),  # max concurrency the evaluation ran at (users)
    "task": pl.String(),  # e.g. "gsm8k"
    "score_name": pl.String(),  # e.g. "em_strict"
    "score": pl.Float64(),  # as reported (em_*: fraction 0–1)
    "score_se": pl.Float64(),  # standard error of score; null when not reported
    "n_eff": pl.Int64(),  # problems scored; null when not reported
    "date": pl.Date(),  # as-of date of the evaluation
    "timestamp": pl.Datetime("us", "UTC"),  # when the evaluation finished, if reported
    "run_id": pl.Int64(),  # GitHub Actions run id from run_url
    "run_attempt": pl.Int32(),  # from run_url (…/attempts/N); null when the URL names none
    "run_url": pl.String(),
    "eval_id": pl.String(),  # the API's row id
    "config_id": pl.Int64(),
    **DISAGG_SCHEMA,
    "source_file": pl.String(),
    "source_row": pl.Int32(),  # 0-based index inside the file
}

#: the columns a config is identified by when attaching evaluations
CONFIG_KEY = ("model", "hardware", "framework", "precision", "spec_method", "disagg")

#: columns :func:`join_evals` adds (prefix ``eval_``), with their types
JOIN_COLUMNS: dict[str, pl.DataType] = {
    "eval_task": pl.String(),
    "eval_score_name": pl.String(),
    "eval_score": pl.Float64(),
    "eval_score_se": pl.Float64(),
    "eval_n_eff": pl.Int64(),
    "eval_date": pl.Date(),
    "eval_conc": pl.Int32(),
    "eval_run_id": pl.Int64(),
    "eval_run_attempt": pl.Int32(),
    "eval_run_url": pl.String(),
    "eval_id": pl.String(),
    "eval_n_candidates": pl.Int32(),  # evaluations of this config/task/score on any date
    "eval_n_newest": pl.Int32(),  # of those, on the newest date (one was picked, none averaged)
    "eval_score_min_newest": pl.Float64(),  # spread of scores on the newest date
    "eval_score_max_newest": pl.Float64(),
    "eval_status": pl.String(),  # "measured" / "missing"
}

_TOPOLOGY_BOOL = tuple(f for f in DISAGG_TOPOLOGY if f.endswith("dp_attention"))
_TOPOLOGY_INT = tuple(f for f in DISAGG_TOPOLOGY if f not in _TOPOLOGY_BOOL)


@dataclass
class EvalLoad:
    """Result of :func:`load_evals`: the long ``table``; ``skipped`` = count by reason; ``problems`` = one dict per
    skipped row or score (``source_file``, ``source_row``, ``reason``); ``rows_read`` = rows seen in the input."""

    table: pl.DataFrame
    skipped: dict[str, int] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    rows_read: int = 0

    def summary(self) -> str:
        lines = [f"{self.rows_read} evaluation rows read, {self.table.height} scores loaded"]
        for reason, n in sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  skipped {n}: {reason}")
        return "\n".join(lines)


class _Skip(Exception):
    pass


def _required_text(obj: Mapping[str, Any], key: str) -> str:
    """``obj[key]`` as stripped text; ``_Skip`` when it is missing, empty or not a scalar."""
    text = _text(obj, key)
    assert text is not None  # _text raises for a missing required field
    return text


def _text(obj: Mapping[str, Any], key: str, *, required: bool = True) -> str | None:
    value = obj.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _Skip(f"missing {key}")
        return None
    if isinstance(value, (dict, list, bool)):
        raise _Skip(f"invalid {key}")
    return str(value).strip()


def _bool(value: Any, key: str, *, required: bool) -> bool | None:
    if value is None:
        if required:
            raise _Skip(f"missing {key}")
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        s = value.strip().lower()
        if s in TRUE_STRINGS:
            return True
        if s in FALSE_STRINGS:
            return False
    raise _Skip(f"invalid {key}")


def _int(value: Any, key: str, *, strict: bool = False) -> int | None:
    """An integer, or None when absent; a non-integer raises _Skip when ``strict`` else gives None."""
    if value is None:
        return None
    if isinstance(value, bool):
        if strict:
            raise _Skip(f"invalid {key}")
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    if strict:
        raise _Skip(f"invalid {key}")
    return None


def _number(value: Any) -> float | None:
    """A finite float or None (booleans and strings that are not numbers are not numbers)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        f = float(value)
    elif isinstance(value, str):
        try:
            f = float(value)
        except ValueError:
            return None
    else:
        return None
    return f if math.isfinite(f) else None


def _date(value: Any) -> dt.date:
    if value is None or value == "":
        raise _Skip("missing date")
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise _Skip("invalid date") from None


def _timestamp(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        t = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.astimezone(dt.UTC) if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _display_name(key: str) -> str:
    return MODEL_DISPLAY_NAMES.get(key.lower(), MODEL_DISPLAY_NAMES.get(key, key))


def _parse_row(obj: Any, source_file: str, source_row: int) -> tuple[list[dict[str, Any]], list[str]]:
    """One API row → score rows; returns (rows, score-level problems). Raises _Skip for a malformed row."""
    if not isinstance(obj, dict):
        raise _Skip("row is not a JSON object")
    config = _row_config(obj)
    metrics = obj.get("metrics")
    if not isinstance(metrics, dict):
        raise _Skip("missing metrics")
    run_url = obj.get("run_url") if isinstance(obj.get("run_url"), str) else None
    run_id, run_attempt = _run_ids(run_url)
    n_eff = _int(metrics.get("n_eff"), "n_eff")
    base = {
        **config,
        "n_eff": None if n_eff is not None and n_eff < 0 else n_eff,
        "timestamp": _timestamp(obj.get("timestamp")),
        "run_id": run_id,
        "run_attempt": run_attempt,
        "run_url": run_url,
        "eval_id": None if obj.get("id") is None else str(obj.get("id")),
        "config_id": _int(obj.get("config_id"), "config_id"),
        **{k: _int(obj.get(k), k) for k in _TOPOLOGY_INT},
        **{k: _safe_bool(obj.get(k), k) for k in _TOPOLOGY_BOOL},
        "source_file": source_file,
        "source_row": source_row,
    }
    return _score_rows(metrics, base)


def _row_config(obj: dict[str, Any]) -> dict[str, Any]:
    """The config an API row evaluates (model, GPU, engine, precision, spec method, serving mode, concurrency),
    its task and date, each field checked in turn (_Skip for a missing or malformed required one)."""
    model_key = _required_text(obj, "model")
    hardware = _required_text(obj, "hardware").lower()
    framework = _required_text(obj, "framework").lower()
    precision = _required_text(obj, "precision").lower()
    task = _text(obj, "task")
    spec = _text(obj, "spec_method", required=False) or _text(obj, "spec_decoding", required=False) or "none"
    spec = spec.lower()
    return {
        "model": _display_name(model_key),
        "model_key": model_key,
        "hardware": hardware,
        "framework": FRAMEWORK_ALIASES.get(framework, framework),
        "precision": precision,
        "spec_method": "none" if spec in NO_SPEC_STRINGS else spec,
        "disagg": _bool(obj.get("disagg"), "disagg", required=True),
        "is_multinode": _safe_bool(obj.get("is_multinode"), "is_multinode"),
        "date": _date(obj.get("date")),
        "conc": _int(obj.get("conc"), "conc", strict=True),
        "task": task,
    }


def _run_ids(run_url: str | None) -> tuple[int | None, int | None]:
    """The workflow run id and attempt named in a run URL (None when absent)."""
    m = RUN_URL_RE.search(run_url) if run_url else None
    if not m:
        return None, None
    return int(m.group(1)), int(m.group(2)) if m.group(2) else None


def _score_rows(metrics: dict[str, Any], base: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per finite score in ``metrics`` (``base`` beside it, with its standard error when ≥ 0), and the
    scores left out as problems; _Skip when none is left."""
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for name, value in metrics.items():
        if name == "n_eff" or name.endswith("_se"):
            continue
        score = _number(value)
        if score is None:
            problems.append(f"non-numeric or non-finite score {name}")
            continue
        se = _number(metrics.get(f"{name}_se"))
        if se is not None and se < 0:
            se = None
        rows.append({**base, "score_name": str(name), "score": score, "score_se": se})
    if not rows:
        raise _Skip("no finite scores in metrics")
    return rows, problems


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(
        {name: pl.Series(name, [r.get(name) for r in rows], dtype=dtype) for name, dtype in EVAL_SCHEMA.items()}
    )


def _safe_bool(value: Any, key: str) -> bool | None:
    try:
        return _bool(value, key, required=False)
    except _Skip:
        return None


def evals_from_rows(rows: Iterable[Any], source_file: str = "<rows>") -> EvalLoad:
    """Long table from already-parsed API rows (see :func:`load_evals`)."""
    out = EvalLoad(table=_frame([]))
    _ingest(out, list(rows), source_file, seen=set(), collected=[])
    return out


def _ingest(out: EvalLoad, rows: list[Any], source_file: str, *, seen: set, collected: list[dict[str, Any]]) -> None:
    def skip(reason: str, row: int | None) -> None:
        out.skipped[reason] = out.skipped.get(reason, 0) + 1
        out.problems.append({"source_file": source_file, "source_row": row, "reason": reason})

    for i, obj in enumerate(rows):
        out.rows_read += 1
        try:
            parsed, problems = _parse_row(obj, source_file, i)
        except _Skip as e:
            skip(str(e), i)
            continue
        ident = (
            ("id", parsed[0]["eval_id"])
            if parsed[0]["eval_id"] is not None
            else ("content", json.dumps(obj, sort_keys=True, default=str))
        )
        if ident in seen:
            skip("duplicate evaluation row", i)
            continue
        seen.add(ident)
        for p in problems:
            skip(p, i)
        collected.extend(parsed)
    out.table = pl.concat([out.table, _frame(collected)], how="vertical") if collected else out.table
    collected.clear()


def _read_json(path: Path) -> Any:
    data = path.read_bytes()
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return json.loads(data.decode("utf-8"))


def load_evals(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> EvalLoad:
    """Load API ``evaluations`` responses (JSON arrays, optionally gzip) into a long table.

    ``paths``: a file, a folder (every ``*evaluations*.json`` under it, e.g. the fetch cache) or a list of them.
    Returns :class:`EvalLoad`: ``table`` with :data:`EVAL_SCHEMA` (one row per evaluation and score name; ``score``
    as reported, em_* as a fraction 0–1), and ``skipped`` counts by reason (unreadable files, rows missing model /
    hardware / framework / precision / task / disagg / date / metrics, invalid values, non-finite scores,
    duplicate rows — the same API id seen twice).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*evaluations*.json*") if not q.name.endswith(".meta.json")))
        else:
            files.append(p)
    out = EvalLoad(table=_frame([]))
    seen: set = set()
    collected: list[dict[str, Any]] = []
    for f in files:
        try:
            data = _read_json(f)
        except (OSError, ValueError, EOFError) as e:
            reason = f"unreadable file ({type(e).__name__})"
            out.skipped[reason] = out.skipped.get(reason, 0) + 1
            out.problems.append({"source_file": str(f), "source_row": None, "reason": f"{reason}: {e}"})
            continue
        if isinstance(data, dict) and isinstance(data.get("evaluations"), list):
            data = data["evaluations"]
        if not isinstance(data, list):
            reason = "file is not a JSON array of evaluations"
            out.skipped[reason] = out.skipped.get(reason, 0) + 1
            out.problems.append({"source_file": str(f), "source_row": None, "reason": reason})
            continue
        _ingest(out, data, str(f), seen=seen, collected=collected)
    return out


def _key_expr(col: str, dtype: pl.DataType) -> pl.Expr:
    """A config key column cast to the evaluation table's type (booleans given as strings are understood)."""
    target = EVAL_SCHEMA[col]
    if target == pl.Boolean and dtype in (pl.String, pl.Categorical, pl.Enum):
        s = pl.col(col).cast(pl.String).str.strip_chars().str.to_lowercase()
        return pl.when(s.is_in(TRUE_STRINGS)).then(True).when(s.is_in(FALSE_STRINGS)).then(False).otherwise(None)
    if target == pl.String and dtype != pl.String:
        return pl.col(col).cast(pl.String)
    return pl.col(col).cast(target, strict=False)


def join_evals(
    configs: pl.DataFrame,
    evals: EvalLoad | pl.DataFrame,
    score_name: str | Sequence[str] | None = None,
    task: str | Sequence[str] | None = None,
    match_on: Sequence[str] = CONFIG_KEY,
) -> pl.DataFrame:
    """Attach the newest evaluation to each config row.

    ``configs`` needs the columns :data:`CONFIG_KEY` (model display name, hardware, framework, precision,
    spec_method, disagg); its rows and columns are kept in order. For each config and each (task, score name) pair
    present in ``evals`` (after the ``task`` / ``score_name`` filters) the output has one row with the
    :data:`JOIN_COLUMNS`. The newest evaluation is the latest ``date``, then ``timestamp``, run id, run attempt and
    API id; rows tied on the newest date (other topologies or concurrencies of the same run) are counted in
    ``eval_n_newest`` with their score range, never averaged. An evaluation is attached at config level: its
    topology and ``eval_conc`` need not match a given benchmark point. Configs without an evaluation keep nulls
    and ``eval_status = "missing"``. ``match_on``: the config columns that must agree (default all of
    :data:`CONFIG_KEY`; leave out ``disagg`` to let an evaluation of the same model, GPU, engine, precision and
    spec method stand for both serving modes).
    One query, in steps: filter, pick the newest evaluation per config and score, join, mark the missing.
    """
    _check_join(configs, match_on)
    tasks, names = _as_list(task), _as_list(score_name)
    ev = evals.table if isinstance(evals, EvalLoad) else evals
    if tasks is not None:
        ev = ev.filter(pl.col("task").is_in(tasks))
    if names is not None:
        ev = ev.filter(pl.col("score_name").is_in(names))
    keys = [f"__ev_{c}" for c in match_on]
    group = keys + ["eval_task", "eval_score_name"]
    ev = _eval_candidates(ev, match_on, keys)
    picked = _newest_evals(ev, group)
    pairs = _score_pairs(ev, tasks, names)
    base = configs.with_row_index("__ev_row").with_columns(
        [_key_expr(c, configs.schema[c]).alias(k) for c, k in zip(match_on, keys)]
    )
    grid = base.join(pairs, how="cross")
    joined = grid.join(picked, on=group, how="left").sort(["__ev_row", "__ev_pair"])
    joined = joined.with_columns(
        pl.col("eval_n_candidates").fill_null(0),
        pl.col("eval_n_newest").fill_null(0),
        pl.when(pl.col("eval_score").is_not_null())
        .then(pl.lit("measured"))
        .otherwise(pl.lit("missing"))
        .alias("eval_status"),
    )
    return joined.select(*configs.columns, *[pl.col(c).cast(t) for c, t in JOIN_COLUMNS.items()])


def _check_join(configs: pl.DataFrame, match_on: Sequence[str]) -> None:
    """ValueError when ``configs`` lacks a ``match_on`` column or already has a column the join adds."""
    missing = [c for c in match_on if c not in configs.columns]
    if missing:
        raise ValueError(f"configs lack the column(s) {missing}; needed: {list(match_on)}")
    clash = [c for c in JOIN_COLUMNS if c in configs.columns] + [c for c in configs.columns if c.startswith("__ev_")]
    if clash:
        raise ValueError(f"configs already have the column(s) {clash}")


def _as_list(value: str | Sequence[str] | None) -> list[str] | None:
    """One name or several as a list; None (no filter) stays None."""
    return [value] if isinstance(value, str) else (list(value) if value is not None else None)


def _eval_candidates(ev: pl.DataFrame, match_on: Sequence[str], keys: list[str]) -> pl.DataFrame:
    """The evaluations with their config columns under the join ``keys``, newest first (date, then timestamp, run
    id, run attempt and API id)."""
    ev = ev.select(
        *[pl.col(c).cast(EVAL_SCHEMA[c]).alias(k) for c, k in zip(match_on, keys)],
        pl.col("task").alias("eval_task"),
        pl.col("score_name").alias("eval_score_name"),
        pl.col("score"),
        pl.col("score_se"),
        pl.col("n_eff"),
        pl.col("date"),
        pl.col("timestamp"),
        pl.col("conc"),
        pl.col("run_id"),
        pl.col("run_attempt"),
        pl.col("run_url"),
        pl.col("eval_id"),
        pl.col("eval_id").cast(pl.Int64, strict=False).alias("__ev_id_num"),
    )
    order = ["date", "timestamp", "run_id", "run_attempt", "__ev_id_num", "eval_id"]
    return ev.sort(order, descending=True, nulls_last=True, maintain_order=True)


def _newest_evals(ev: pl.DataFrame, group: list[str]) -> pl.DataFrame:
    """Per config and (task, score name): the newest evaluation, how many there were, and how many share the
    newest date with their score range (never averaged)."""
    newest = pl.col("date") == pl.col("date").first()
    return ev.group_by(group, maintain_order=True).agg(
        pl.col("score").first().alias("eval_score"),
        pl.col("score_se").first().alias("eval_score_se"),
        pl.col("n_eff").first().alias("eval_n_eff"),
        pl.col("date").first().alias("eval_date"),
        pl.col("conc").first().alias("eval_conc"),
        pl.col("run_id").first().alias("eval_run_id"),
        pl.col("run_attempt").first().alias("eval_run_attempt"),
        pl.col("run_url").first().alias("eval_run_url"),
        pl.col("eval_id").first().alias("eval_id"),
        pl.len().cast(pl.Int32).alias("eval_n_candidates"),
        newest.sum().cast(pl.Int32).alias("eval_n_newest"),
        pl.col("score").filter(newest).min().alias("eval_score_min_newest"),
        pl.col("score").filter(newest).max().alias("eval_score_max_newest"),
    )


def _score_pairs(ev: pl.DataFrame, tasks: list[str] | None, names: list[str] | None) -> pl.DataFrame:
    """The (task, score name) pairs each config gets a row for, numbered ``__ev_pair``: those evaluated, else one
    row naming the single task and score asked for (or nulls)."""
    pairs = ev.select("eval_task", "eval_score_name").unique().sort(["eval_task", "eval_score_name"])
    if pairs.height == 0:
        one_task = tasks[0] if tasks and len(tasks) == 1 else None
        one_name = names[0] if names and len(names) == 1 else None
        pairs = pl.DataFrame(
            {"eval_task": [one_task], "eval_score_name": [one_name]},
            schema={"eval_task": pl.String(), "eval_score_name": pl.String()},
        )
    return pairs.with_row_index("__ev_pair")


@dataclass
class AccuracyBesideCost:
    """Configs with their cost at each target and their newest accuracy score (null = missing, never 0)."""

    table: pl.DataFrame
    caption: str
    notes: list[str]


def accuracy_beside_cost(
    iso: Any,
    eval_paths: Sequence[str],
    *,
    view: str | None = None,
    task: str | None = None,
    score_name: str | None = None,
) -> AccuracyBesideCost:
    """For an ``frontier.analysis.iso.IsoResult``: one row per config and evaluation score, with $/M total at each
    target
    (``view``, default the first pricing view) next to the score, its standard error and date."""
    view = view or iso.pricing.views[0]
    cost = iso.table.pivot(on="target", index="curve_id", values=f"cost_total_{view}", aggregate_function="first")
    cost = cost.rename({c: f"$/M @ {float(c):g}" for c in cost.columns if c != "curve_id"})
    key = ["config_key"] if "config_key" in iso.configs.columns else []
    configs = iso.configs.select("curve_id", "label", *CONFIG_KEY, *key).join(cost, on="curve_id", how="left")
    notes: list[str] = []
    if eval_paths:
        loaded = load_evals(list(eval_paths))
        # accuracy depends on weights, precision, engine, GPU and spec method, not on the serving split
        joined = join_evals(
            configs, loaded, score_name=score_name, task=task, match_on=[c for c in CONFIG_KEY if c != "disagg"]
        )
        if loaded.skipped:
            notes.append("Evaluation rows skipped: " + "; ".join(f"{n} {r}" for r, n in loaded.skipped.items()))
        caption = (
            f"Accuracy from {len(eval_paths)} evaluation input(s) ({loaded.table.height} scores); "
            f"cost in $/M total tokens; {price_line(iso.pricing, view, configs['hardware'].unique().to_list())}"
        )
    else:
        joined = configs.with_columns(
            eval_task=pl.lit(None, pl.String),
            eval_score_name=pl.lit(None, pl.String),
            eval_score=pl.lit(None, pl.Float64),
            eval_score_se=pl.lit(None, pl.Float64),
            eval_date=pl.lit(None, pl.Date),
            eval_status=pl.lit("missing"),
        )
        caption = (
            "No evaluation files given (parameter eval_paths): accuracy is missing; cost in $/M total tokens; "
            + price_line(iso.pricing, view, configs["hardware"].unique().to_list())
        )
    n_missing = joined.filter(pl.col("eval_status") == "missing").height
    if 0 < n_missing < joined.height:  # when every row misses one, the table is not shown (tables.accuracy_shown)
        notes.append(f"{n_missing} of {joined.height} config rows have no evaluation: shown as missing, not as zero.")
    cost_cols = [c for c in joined.columns if c.startswith("$/M @ ")]
    table = joined.sort("curve_id").select(
        pl.col("label").alias("config"),
        *config_key_columns(joined),
        *cost_cols,
        pl.col("eval_task").alias("task"),
        pl.col("eval_score_name").alias("score name"),
        pl.col("eval_score").alias("score"),
        pl.col("eval_score_se").alias("std. error"),
        pl.col("eval_date").alias("eval date"),
        pl.col("eval_status").alias("status"),
    )
    return AccuracyBesideCost(table=table, caption=caption, notes=notes)
