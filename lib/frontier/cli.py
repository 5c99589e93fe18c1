"""The ``frontier`` command line (also what scheduled jobs call).

frontier load PATH... [--json | --csv] [--strict] [--keep newest|all] [--no-cache]
frontier iso PATH... --model M --isl N --osl N [--targets 30,50,90] [--tco COLUMN]
             [--gpu-table v0|v1|v2 | --as-of DATE] [--prices FILE] [--baseline CONFIG] [--json | --csv] [--wide]
frontier iso-point            < {"points": [...], "target_iv": x, "metric_key": k, ...}
frontier breakeven PATH... --sides "b200/fp4 vs h100/fp8" --model M --isl N --osl N [--targets 30,50,90]
             [--gpu-table v0|v1|v2 | --as-of DATE] [--prices FILE]... [--requests-per-day N --migration-cost $]
             [--json | --csv] [--wide]
frontier report [NAME...] [--data PATH...] [--params FILE] [-y YAML] [-p NAME VALUE] [--out DIR]
frontier changes [OLD NEW] [--out DIR] [--json | --format text|md|html] [--fail-on moved|flipped]
frontier sample [--out DIR] [--seed N]
frontier fetch --model NAME | --run ID
frontier bounds --model M --gpu G --precision P [--n-gpus N] [--isl N --osl N] [overrides] [--json] [--wide]

Everything printed goes through :func:`frontier.terminal.echo` (terminal-safe); tables through
:func:`frontier.terminal.table_text`. A refused request is one line on stderr and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import fnmatch
import math
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from frontier import __version__
from frontier.terminal import (
    ArgumentParser,
    Column,
    count,
    echo,
    error_message,
    ratio,
    table_csv,
    table_json,
    table_text,
    wrap,
)

if TYPE_CHECKING:
    import polars as pl

    from frontier.analysis.economics import Pricing
    from frontier.analysis.iso import IsoResult

__all__ = ["CliError", "build_parser", "iso_text_table", "main"]


class CliError(ValueError):
    """A request the command refuses: printed as one line on stderr, exit 2."""


# ---------------------------------------------------------------------------------------------------------------
# argument types: each refuses bad input with a one-line message


def _targets_arg(text: str) -> list[float]:
    """``--targets`` as tok/s/user: comma-separated positive finite numbers (argparse type)."""
    parts = [t.strip() for t in text.replace(";", ",").split(",") if t.strip()]
    if not any(parts):
        raise argparse.ArgumentTypeError("no targets given: expected e.g. 30,50,90 (tok/s/user)")
    out = []
    for t in parts:
        try:
            v = float(t)
        except ValueError:
            raise argparse.ArgumentTypeError(f"target {t!r} is not a number (expected e.g. 30,50,90)") from None
        if not math.isfinite(v) or v <= 0:
            raise argparse.ArgumentTypeError(f"target {t!r} must be a positive finite tok/s/user")
        out.append(v)
    from frontier.analysis.iso import check_targets

    try:
        return check_targets(out)  # the stated limits on targets (frontier.analysis.iso)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _date_arg(text: str) -> str:
    """A calendar date written YYYY-MM-DD (spaces around it ignored)."""
    s = text.strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            raise ValueError
        dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date written YYYY-MM-DD, e.g. 2026-01-01, got {text!r}") from None
    return s


def _number_arg(text: str, kind: Callable[[str], Any], ok: Callable[[Any], bool], expected: str, nan: str) -> Any:
    """``text`` read by ``kind`` (float or int) and kept when ``ok``; else an argparse error saying ``nan`` (not a
    number at all) or what was ``expected``."""
    try:
        v = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(nan.format(text=text)) from None
    if not ok(v):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return v


_NAN = "{text!r} is not a number"


def _positive_arg(text: str) -> float:
    """A positive finite number."""
    return float(_number_arg(text, float, lambda v: math.isfinite(v) and v > 0, "a positive finite number", _NAN))


def _non_negative_arg(text: str) -> float:
    """A finite number ≥ 0."""
    return float(_number_arg(text, float, lambda v: math.isfinite(v) and v >= 0, "a finite number ≥ 0", _NAN))


def _fraction_arg(text: str) -> float:
    """A number in (0, 1]."""
    v = _positive_arg(text)
    if v > 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in (0, 1], e.g. 0.6, got {text!r}")
    return v


def _count_arg(text: str) -> int:
    """A whole number ≥ 0."""
    return int(_number_arg(text, int, lambda v: v >= 0, "a whole number ≥ 0", "expected a whole number, got {text!r}"))


def _positive_int_arg(text: str) -> int:
    """A whole number > 0 (tokens, GPUs)."""
    v = _count_arg(text)
    if v == 0:
        raise argparse.ArgumentTypeError("expected a whole number > 0, got 0")
    return v


# ---------------------------------------------------------------------------------------------------------------
# shared steps: load, choose the model, read price tables


def _load(args: argparse.Namespace, **options: Any) -> Any:
    from frontier.data.load import load

    return load(args.paths, cache=not args.no_cache, **options)


def _model_names(points: pl.DataFrame, wanted: str) -> list[str]:
    """The models of ``points`` that ``wanted`` names, case ignored: the exact name (with or without the
    " (synthetic)" suffix), else a glob (``DeepSeek*``)."""
    from frontier.data.load.normalise import SYNTHETIC_SUFFIX

    names = sorted({str(m) for m in points["model"].drop_nulls().unique()})
    w = wanted.strip().lower()
    exact = [n for n in names if w in (n.lower(), n.lower().removesuffix(SYNTHETIC_SUFFIX))]
    if exact:
        return exact
    return [
        n
        for n in names
        if fnmatch.fnmatchcase(n.lower(), w) or fnmatch.fnmatchcase(n.lower().removesuffix(SYNTHETIC_SUFFIX), w)
    ]


def _scope(points: pl.DataFrame, model: str, isl: int, osl: int, *, one_model: bool = False) -> pl.DataFrame:
    """The points of ``model`` at ``isl``/``osl``; CliError naming what is there when nothing matches."""
    import polars as pl

    names = _model_names(points, model)
    if not names:
        have = sorted({str(m) for m in points["model"].drop_nulls().unique()})
        raise CliError(
            f"no model matches {model!r} (case ignored; * and ? are wildcards); models loaded: "
            + (", ".join(have) or "none")
        )
    if one_model and len(names) > 1:
        raise CliError(f"--model {model!r} matches {len(names)} models ({', '.join(names)}): name one")
    sub = points.filter(pl.col("model").is_in(names))
    pts = sub.filter((pl.col("isl") == isl) & (pl.col("osl") == osl))
    if pts.height == 0:
        pairs = sub.select("isl", "osl").unique().sort("isl", "osl").iter_rows()
        raise CliError(
            f"no points of {', '.join(names)} at ISL/OSL {isl}/{osl}; ISL/OSL measured: "
            + ", ".join(f"{i}/{o}" for i, o in pairs)
        )
    return pts


def _only(points: pl.DataFrame, column: str, values: Sequence[str] | None, option: str) -> pl.DataFrame:
    """``points`` whose ``column`` is one of ``values`` (case ignored); CliError listing the values present."""
    import polars as pl

    if not values:
        return points
    want = [v.strip().lower() for v in values]
    out = points.filter(pl.col(column).cast(pl.String).str.to_lowercase().is_in(want))
    if out.height == 0:
        have = sorted({str(v) for v in points[column].drop_nulls().unique()})
        raise CliError(f"{option} {' '.join(values)}: none of these in the selection; present: {', '.join(have)}")
    return out


def _price_path(path: str) -> str:
    """A ``--prices`` path as given on the command line (relative to the current folder), made absolute."""
    return str(Path(path).expanduser().absolute())


def _print_synthetic(synthetic: bool) -> None:
    if synthetic:
        echo(wrap("note: synthetic data (generated sample, not measurements)", indent="  "))


# ---------------------------------------------------------------------------------------------------------------
# frontier load

_LOAD_COLUMNS = [
    Column.text("model", "model", key_column=True),
    Column.text("isl_osl", "ISL/OSL"),
    Column.num("points", "points", count),
    Column.num("configs", "configs", count),
]


def _load_table(points: pl.DataFrame) -> pl.DataFrame:
    """Per model and ISL/OSL: points and configs."""
    import polars as pl

    return (
        points.group_by("model", "isl", "osl")
        .agg(
            pl.len().alias("points"),
            pl.struct("hardware", "framework", "precision", "spec_method", "disagg").n_unique().alias("configs"),
        )
        .sort("model", "isl", "osl")
        .with_columns(isl_osl=pl.format("{}/{}", "isl", "osl"))
    )


def _cmd_load(args: argparse.Namespace) -> int:
    from frontier.data.load import LoadError

    try:
        res = _load(args, strict=args.strict, keep=args.keep)
    except LoadError as e:
        raise CliError(str(e)) from None
    rep = res.report
    if args.json:
        d = rep.to_dict(examples=args.examples)
        d["synthetic"] = res.synthetic
        if not args.files:
            d.pop("files")
        echo(table_json(d))
    elif args.csv:
        echo(table_csv(_load_table(res.points), ["model", "isl", "osl", "points", "configs"]))
    else:
        echo(wrap(rep.summary(), indent="    "))
        not_read = [f for f in rep.files if f.status in ("skipped", "duplicate")]
        for f in not_read[: args.examples]:  # names and reasons come from the data: echo escapes them
            echo(wrap(f"  {f.status}: {f.path}: {f.reason or ''}", indent="    "))
        if len(not_read) > args.examples:
            echo(f"  … and {len(not_read) - args.examples:,} more (--json --files lists them all)")
        if res.synthetic:
            echo(wrap("note: synthetic rows loaded (generated sample data, not measurements)", indent="  "))
        if res.points.height:
            echo("")
            echo(table_text(_load_table(res.points), _LOAD_COLUMNS, wide=args.wide))
    if rep.rows_loaded == 0:
        echo("frontier load: no rows loaded (see the skip reasons above)", err=True)
        return 1
    return 0


# ---------------------------------------------------------------------------------------------------------------
# frontier iso


def _iso_columns(view: str) -> list[Column]:
    """The iso text table's columns: costs to three significant figures, throughput whole, ≈ on interpolated
    concurrency."""
    return [
        Column.text("label", "config", key_column=True),
        Column.num("target", "target tok/s/user", "{:g}".format, key_column=True),
        Column.num("tput_per_gpu", "tok/s/GPU", count),
        Column.money(f"cost_total_{view}", "$/M total"),
        Column.money(f"cost_input_{view}", "$/M input"),
        Column.money(f"cost_output_{view}", "$/M output"),
        Column.num("tok_s_mw", "tok/s/MW", count),
        Column.approx("conc", "concurrency"),
        Column.text("topology", "topology"),
        Column.num("tput_per_gpu_vs_baseline", "tok/s/GPU vs baseline", ratio),
        Column.num(f"cost_total_{view}_vs_baseline", "$/M vs baseline", ratio),
    ]


def iso_text_table(table: pl.DataFrame, view: str) -> pl.DataFrame:
    """``frontier iso``'s table as text cells with human headers (the cells :func:`frontier.terminal.table_text`
    prints): costs to three significant figures, throughput to whole tokens, interpolated concurrency marked ≈,
    nulls "—"."""
    import polars as pl

    cols = [c for c in _iso_columns(view) if c.key in table.columns]
    out = {c.header: [c.cell(v) for v in table[c.key].to_list()] for c in cols}
    return pl.DataFrame(out, schema=dict.fromkeys(out, pl.String))


def _print_iso(iso: IsoResult, pricing: Pricing, view: str, synthetic: bool, wide: bool) -> None:
    """The iso table as text under the prices in words, power and unpriced GPUs it was computed with."""
    from frontier.data.labels import price_line

    _print_synthetic(synthetic)
    gpus = iso.configs["hardware"].unique().to_list()
    echo(wrap(f"{price_line(pricing, view, gpus)} → $/M tokens; targets in tok/s/user", indent="  "))
    echo(wrap(f"power: {pricing.power} (kW per GPU → tok/s/MW)", indent="  "))
    if iso.unpriced:
        echo(wrap(f"no price for: {', '.join(iso.unpriced)} (costs left empty)", indent="  "))
    echo("")
    echo(table_text(iso.table, _iso_columns(view), wide=wide))
    echo(wrap("≈: concurrency read off the curve between measured concurrencies; —: target outside the frontier"))


def _pricing(args: argparse.Namespace) -> Any:
    """The pricing ``iso`` asks for: ``--prices`` (kW from its own column, else the GPU table chosen by
    ``--gpu-table`` / ``--as-of``) or a dashboard GPU table; ``--tco`` any of its price columns."""
    from frontier.analysis.economics import TCO_VIEWS, Pricing

    if args.gpu_table and args.as_of:
        raise CliError("give --gpu-table or --as-of, not both")
    if args.prices:
        pricing = Pricing.from_table(
            _price_path(args.prices), label=args.prices, version=args.gpu_table, as_of=args.as_of
        )
        source, columns = f"the price table {args.prices}", list(pricing.views)
    else:
        pricing = Pricing.dashboard(version=args.gpu_table, as_of=args.as_of, views=TCO_VIEWS)
        source, columns = pricing.label, list(pricing.views)
    if args.tco:
        if args.tco not in columns:
            hint = "" if args.prices else "; other columns need --prices FILE"
            raise CliError(
                f"--tco {args.tco!r} is not a price column of {source} (columns: {', '.join(columns)}){hint}"
            )
        pricing = dataclasses.replace(pricing, views=(args.tco,))
    return pricing


def _cmd_iso(args: argparse.Namespace) -> int:
    from frontier.analysis.iso import iso_table
    from frontier.data.load import LoadError

    if args.gpu_table and args.as_of:
        raise CliError("give --gpu-table or --as-of, not both")
    pricing = _pricing(args)  # a bad price table is refused before any data is read
    try:
        res = _load(args)
    except LoadError as e:
        raise CliError(str(e)) from None
    pts = _scope(res.points, args.model, args.isl, args.osl, one_model=True)  # like for like: one model
    pts = _only(pts, "hardware", args.hardware, "--hardware")
    pts = _only(pts, "precision", args.precision, "--precision")
    pts = _only(pts, "framework", args.framework, "--framework")
    iso = iso_table(pts, args.targets, pricing=pricing, baseline=args.baseline)
    if args.json:
        echo(table_json(iso.records()))
    elif args.csv:
        echo(table_csv(iso.records()))
    else:
        _print_iso(iso, pricing, pricing.views[0], res.synthetic, args.wide)
    return 0


# ---------------------------------------------------------------------------------------------------------------
# frontier breakeven


def _cmd_breakeven(args: argparse.Namespace) -> int:
    from frontier.analysis.migration import decision, pricings, workload
    from frontier.data.load import LoadError

    if args.gpu_table and args.as_of:
        raise CliError("give --gpu-table or --as-of, not both")
    sources = pricings(args.gpu_table or "", [_price_path(p) for p in args.prices or []], as_of=args.as_of or "")
    try:
        res = _load(args)
    except LoadError as e:
        raise CliError(str(e)) from None
    pts = _scope(res.points, args.model, args.isl, args.osl, one_model=True)
    work = None
    if args.tokens_per_day or args.requests_per_day:
        work = workload(
            args.tokens_per_day or 0.0,
            args.requests_per_day or 0.0,
            args.isl,
            args.osl,
            args.workload_target,
            args.utilisation,
        )
    be, out = decision(
        pts, args.sides, args.targets, sources, work=work, migration_cost=args.migration_cost, match=args.match
    )
    if be.status == "ok":
        _with_run_ranges(be, out, args, work)
    out["synthetic"] = res.synthetic
    if args.json:
        echo(table_json(out))
    elif args.csv:
        echo(table_csv(_breakeven_rows(be)))
        if be.status != "ok":
            echo(f"frontier breakeven: {be.status}", err=True)
    else:
        _print_breakeven(be, out, args.wide)
    return 0 if be.status == "ok" else 1


def _with_run_ranges(be: Any, out: dict[str, Any], args: argparse.Namespace, work: Any) -> None:
    """Add each decision's range over reruns (``breakeven.run_ranges``, ``fleet.run_ranges``) to ``be`` and to
    its JSON ``out``: break-even ratio per target, cost ratio and winner per view, fleet size and payback."""
    from frontier.analysis import fleet
    from frontier.analysis.breakeven import run_ranges

    every = _scope(_load(args, keep="all").points, args.model, args.isl, args.osl, one_model=True)
    run_ranges(be, every)
    out["at_targets"], out["by_view"] = be.at_targets.to_dicts(), be.by_view.to_dicts()
    if work is None or "fleet" not in out:
        return
    sizes, pay = fleet.run_ranges(work, be, work.target, be.views, args.migration_cost)
    keyed = {(r["side"], r["price_label"]): r for r in sizes.to_dicts()}
    for row in out["fleet"]:
        row.update({k: v for k, v in keyed.get((row["side"], row["price_label"]), {}).items() if k not in row})
    if pay is not None and "payback" in out:
        by_view = {r["price_label"]: r for r in pay.to_dicts()}
        for row in out["payback"]:
            row.update({k: v for k, v in by_view.get(row["price_label"], {}).items() if k not in row})


_RUNS_COLUMNS = [
    Column.num("target", "target tok/s/user", "{:g}".format, key_column=True),
    Column.num("breakeven_price_ratio", "break-even ratio A ÷ B, pooled newest points", ratio),
    Column.num("breakeven_price_ratio_median", "median over runs", ratio),
    Column.num("breakeven_price_ratio_min", "min over runs", ratio),
    Column.num("breakeven_price_ratio_max", "max over runs", ratio),
    Column.num("runs_a", "runs A", count),
    Column.num("runs_b", "runs B", count),
]


def _print_run_ranges(be: Any, out: dict[str, Any], wide: bool) -> None:
    """The break-even ratio over reruns beside the pooled value, then the winner, fleet and payback ranges."""
    if "runs_a" not in be.at_targets.columns:
        return
    echo("")
    title = "Over reruns (each run's own frontier; the pooled value mixes the newest point of every run)"
    echo(table_text(be.at_targets, _RUNS_COLUMNS, wide=wide, title=title))
    for r in be.by_view.to_dicts() if "winner_in_every_run" in be.by_view.columns else []:
        if r.get("cost_ratio_min") is None:
            continue
        same = "the same winner in every run" if r["winner_in_every_run"] else "the winner changes between runs"
        echo(
            wrap(
                f"- {r['view']} at {r['target']:g} tok/s/user: cost A ÷ B {ratio(r['cost_ratio_min'])} to "
                f"{ratio(r['cost_ratio_max'])} over runs, {same}{_cost_span(r)}",
                indent="  ",
            )
        )
    for row in out.get("fleet", []):
        if row.get("gpus_min") is not None and row["gpus_min"] != row.get("gpus_max"):
            echo(wrap(f"- fleet over runs, {row['side']} ({row['view']}): {row['gpus_min']} to {row['gpus_max']} GPUs"))
    for r in out.get("payback", []):
        if r.get("payback_months_min") is not None:
            hi = r.get("payback_months_max")
            span = f"{hi:.1f} months" if hi is not None else "never (in the slowest runs)"
            echo(wrap(f"- payback over runs, {r['view']}: {r['payback_months_min']:.1f} to {span}", indent="  "))


def _cost_span(r: dict[str, Any]) -> str:
    """ "; $/M A $0.110–$0.130, B $0.20–$0.21 over runs" from a view row's run ranges (empty without them)."""
    parts = [
        f"{k.upper()} ${r[f'cost_{k}_min']:.3f}–${r[f'cost_{k}_max']:.3f}"
        for k in ("a", "b")
        if r.get(f"cost_{k}_min") is not None and r.get(f"cost_{k}_max") is not None
    ]
    return f"; $/M {', '.join(parts)}" if parts else ""


def _breakeven_rows(be: Any) -> pl.DataFrame:
    """One row per target × price view: each side's config and tok/s/GPU (with its lower-bound flag) beside the
    view's prices, costs and verdict (``--csv``; ``differs`` as names joined by ";")."""
    import polars as pl

    from frontier.analysis.breakeven import PAIR_FIELDS

    at = be.at_targets.select(
        [c for c in be.at_targets.columns if not c.startswith("slowest_") and c[:-2] not in PAIR_FIELDS]
    ).rename({"status": "target_status"})
    at = at.with_columns(pl.col("differs").list.join(";"))
    by_view = be.by_view.drop("tput_a_lower_bound", "tput_b_lower_bound")
    return at.join(by_view, on="target", how="left").sort("target", "view")


# the library's display frames (breakeven.targets_view / views_view): figures read below a side's measured range
# carry "≥" / "≤", so they are text here
_TARGET_COLUMNS = [
    Column.num("target tok/s/user", "target", "{:g}".format, key_column=True),
    Column.text("A config", "A config"),
    Column.text("tok/s/GPU A", "A tok/s/GPU"),
    Column.text("B config", "B config"),
    Column.text("tok/s/GPU B", "B tok/s/GPU"),
    Column.text("break-even price ratio A ÷ B", "break-even price ratio A ÷ B"),
    Column.text("what else differs", "what else differs"),
    Column.text("status", "status"),
]

_VIEW_COLUMNS = [
    Column.num("target tok/s/user", "target", "{:g}".format, key_column=True),
    Column.text("view", "price view", key_column=True),
    Column.money("$/GPU-hour A", "A price"),
    Column.money("$/GPU-hour B", "B price"),
    Column.text("break-even $/GPU-hour A", "A break-even price"),
    Column.text("$/M A", "A $/M"),
    Column.text("$/M B", "B $/M"),
    Column.text("cost A ÷ B", "cost A ÷ B"),
    Column.text("winner", "cheaper"),
]

_FLEET_COLUMNS = [
    Column.text("side", "side", key_column=True),
    Column.text("config", "config", key_column=True),
    Column.text("view", "price view"),
    Column.num("gpus", "GPUs", count),
    Column.money("price", "$/GPU-hour"),
    Column.money("monthly_cost", "$ per month"),
    Column.money("cost_per_m_served", "$/M served"),
]

_PAYBACK_COLUMNS = [
    Column.text("view", "price view", key_column=True),
    Column.num("gpus_old", "GPUs B (old)", count),
    Column.num("gpus_new", "GPUs A (new)", count),
    Column.money("monthly_old", "B $ per month"),
    Column.money("monthly_new", "A $ per month"),
    Column.money("monthly_saving", "saving per month"),
    Column.money("migration_cost", "migration cost"),
    Column.text("payback", "payback"),
]


def _print_breakeven(be: Any, out: dict[str, Any], wide: bool) -> None:
    """Header, the per-target and per-view tables, fleet and payback when asked for, then the notes."""
    from frontier.analysis.breakeven import match_words, targets_view, views_view

    _print_synthetic(out["synthetic"])
    echo(wrap(f"{be.model} {be.isl}/{be.osl}: A = {be.side_a.name}, B = {be.side_b.name} ({match_words(be)})"))
    if be.status != "ok":
        echo(wrap(be.status, indent="  "))
        return
    echo("price views ($/GPU-hour; each names its table and date):")
    for v in out["price_views"]:
        echo(wrap(f"  {v['view']}: {v['label']}", indent="    "))
    echo("")
    title = "Configs compared at each target (targets in tok/s/user; ≥: a lower bound, read below the range measured)"
    targets = targets_view(be)
    columns = [c for c in _TARGET_COLUMNS if c.key in targets.columns]
    echo(table_text(targets, columns, wide=wide, title=title))
    echo("")
    title = "Cost under each price view (prices in $ per GPU-hour, costs in $ per million tokens)"
    views = views_view(be).with_columns(view=be.by_view["view"])
    echo(table_text(views, _VIEW_COLUMNS, wide=wide, title=title))
    _print_run_ranges(be, out, wide)
    if "fleet" in out:
        echo("")
        title = "Fleet for the workload (GPUs rounded up to whole replicas)"
        echo(table_text(out["fleet"], _FLEET_COLUMNS, wide=wide, title=title))
    if "payback" in out:
        echo("")
        echo(table_text(out["payback"], _PAYBACK_COLUMNS, wide=wide, title="Payback of moving from B to A"))
    echo("")
    for n in be.notes + out.get("fleet_notes", []):
        echo(wrap(f"- {n}", indent="  "))


# ---------------------------------------------------------------------------------------------------------------
# frontier iso-point

_ISO_POINT_KEYS = ("iv_key", "tput_key", "metric_key", "reciprocal_of")

ISO_POINT_HELP = """\
Reads one JSON object on stdin and prints {"value": v} on stdout: the metric read at the target interactivity off
the frontier of the points (the points no other point beats on both interactivity and throughput), by a monotone
cubic spline through the frontier points, clamped to their values. {"value": null} means the target lies outside
the frontier's interactivity range: nothing is extrapolated.

request keys:
  points         list of objects, each with the interactivity, throughput and metric fields named below
  target_iv      the interactivity to read at (a finite number, e.g. tok/s/user)
  iv_key         field holding interactivity (default "interactivity")
  tput_key       field holding throughput; the frontier maximises it (default "throughput")
  metric_key     field to read at target_iv (default: tput_key)
  reciprocal_of  optional field r with metric × r the same on every point (e.g. a cost and the throughput it
                 divides): then r is interpolated and the value is that product ÷ r (default null)

Every point must be an object holding each named field as a finite number. A point without one of them, or a
malformed request, is an error: {"error": "..."} on stderr and exit 2 (never {"value": null}).

example:
  echo '{"points": [{"interactivity": 10, "throughput": 100}, {"interactivity": 20, "throughput": 50}],
         "target_iv": 15}' | frontier iso-point          →  {"value": 70.3125}
"""


def _cmd_iso_point(args: argparse.Namespace) -> int:
    """Read one JSON request on stdin, print ``{"value": v|null}``; a bad request is ``{"error": ...}`` on stderr
    and exit 2, never a traceback."""
    import json

    from frontier.analysis.pareto import iso_point

    try:
        request = _iso_point_request(sys.stdin.buffer.read())
        out = iso_point(request)
        value = out.get("value")
        if value is not None and not (isinstance(value, (int, float)) and math.isfinite(value)):
            raise ValueError(
                f"the interpolated value is not a finite number ({value!r}): the points' values are "
                "too large to interpolate"
            )
        text = json.dumps({**out, "value": None if value is None else float(value)}, allow_nan=False)
    except (ValueError, TypeError, AttributeError, ArithmeticError, RecursionError) as e:
        echo(json.dumps({"error": _error_text(e)}), err=True)
        return 2
    echo(text)
    return 0


def _error_text(e: BaseException) -> str:
    if isinstance(e, RecursionError):
        return "the request is nested too deeply"
    if isinstance(e, OverflowError):
        return f"a number in the request is too large: {e}"
    return str(e) or type(e).__name__


def _iso_point_request(raw: bytes | str) -> dict[str, Any]:
    """Parse and check an ``iso-point`` request (UTF-8 JSON object); ValueError says what is wrong.

    ``points`` must be a list of objects, each with the interactivity, throughput and metric fields (and
    ``reciprocal_of`` when given); ``target_iv`` a finite number; the key names strings (``reciprocal_of`` may be
    null). Numbers in points are made floats (an integer too large for a float is an error, not a crash).
    """
    import json

    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        request = json.loads(text)
    except UnicodeDecodeError as e:
        raise ValueError(f"the request is not UTF-8 text ({e.reason} at byte {e.start})") from None
    except RecursionError:
        raise ValueError("the request is nested too deeply") from None
    except ValueError as e:
        raise ValueError(f"the request is not valid JSON ({e})") from None
    if not isinstance(request, dict):
        raise ValueError(f"the request must be a JSON object, got {type(request).__name__}")
    for key in _ISO_POINT_KEYS:
        if (
            key in request
            and not isinstance(request[key], str)
            and not (key == "reciprocal_of" and request[key] is None)
        ):
            raise ValueError(f"{key!r} must be a string naming a field of the points")
    target = request.get("target_iv")
    if isinstance(target, bool) or not isinstance(target, (int, float)):
        raise ValueError("'target_iv' must be a finite number")
    points = request.get("points")
    if not isinstance(points, list):
        raise ValueError("'points' must be a list of objects")
    _check_point_keys(request, points)
    return {
        **request,
        "target_iv": _as_float(target, "target_iv"),
        "points": [_point_as_floats(p, i) for i, p in enumerate(points)],
    }


def _check_point_keys(request: dict[str, Any], points: list[Any]) -> None:
    """ValueError naming the first point that is not an object, or lacks a field the request reads or holds
    something other than a finite number there."""
    import json

    tput = request.get("tput_key", "throughput")
    need = [request.get("iv_key", "interactivity"), tput, request.get("metric_key", tput)]
    if request.get("reciprocal_of") is not None:
        need.append(request["reciprocal_of"])
    need = list(dict.fromkeys(need))
    for i, p in enumerate(points):
        if not isinstance(p, dict):
            raise ValueError(f"points[{i}] is not an object (each point is {{field: number}})")
        missing = [k for k in need if k not in p]
        if missing:
            has = ", ".join(repr(str(k)) for k in list(p)[:8]) or "none"
            raise ValueError(
                f"points[{i}] has no field {', '.join(map(repr, missing))} (its fields: {has}); "
                "name the fields with iv_key, tput_key and metric_key"
            )
        for k in need:
            v = p[k]
            if (
                isinstance(v, bool)
                or not isinstance(v, (int, float))
                or (isinstance(v, float) and not math.isfinite(v))
            ):
                raise ValueError(f"points[{i}].{k} must be a finite number, got {json.dumps(v)[:40]}")


def _as_float(v: int | float, where: str) -> float:
    try:
        f = float(v)
    except OverflowError:
        raise ValueError(f"{where} is too large for a number ({str(v)[:20]}… has {len(str(v))} digits)") from None
    if not math.isfinite(f):
        raise ValueError(f"{where} must be a finite number, got {f}")
    return f


def _point_as_floats(point: dict[str, Any], i: int) -> dict[str, Any]:
    return {
        k: (_as_float(v, f"points[{i}].{k}") if isinstance(v, int) and not isinstance(v, bool) else v)
        for k, v in point.items()
    }


# ---------------------------------------------------------------------------------------------------------------
# frontier bounds


def _cmd_bounds(args: argparse.Namespace) -> int:
    """Physical bounds for one model × GPU × precision, every input shown with where it came from."""
    from frontier.present.bounds_report import bounds_report

    try:
        rep = bounds_report(
            args.model,
            args.gpu,
            args.precision,
            args.n_gpus,
            args.isl,
            args.osl,
            bandwidth_tb_s=args.bandwidth_tb_s,
            capacity_gb=args.capacity_gb,
            dense_tflops=args.dense_tflops,
            sparse_tflops=args.sparse_tflops,
            weight_gb=args.weight_gb,
            resident_weight_gb=args.resident_weight_gb,
            kv_dtype=args.kv_dtype,
            kv_bytes_per_token=args.kv_bytes_per_token,
            memory_fraction=args.memory_fraction,
            reserve_gb_per_gpu=args.reserve_gb,
            dp_attention=args.dp_attention,
        )
    except KeyError as e:
        raise CliError(str(e.args[0]) if e.args else str(e)) from None
    echo(table_json(rep.to_dict()) if args.json else rep.to_text(wide=args.wide))
    return 0


def _add_bounds_parser(sub: Any) -> None:
    sp = sub.add_parser(
        "bounds",
        help="decode floor, KV budget, prefill ceiling and ridge point, inputs shown",
        description="Physical bounds for a model × GPU × precision from the package's spec tables; "
        "every input can be overridden to check an article's arithmetic.",
    )
    sp.add_argument("--model", required=True, help="model key, display name or HF id (e.g. llama70b)")
    sp.add_argument("--gpu", required=True, help="GPU key or runner label (e.g. b200)")
    sp.add_argument("--precision", required=True, help="weight precision: fp4, fp8, int4 or bf16")
    sp.add_argument("--n-gpus", type=_positive_int_arg, default=1, metavar="N", help="GPUs the weights are split over")
    sp.add_argument("--isl", type=_count_arg, default=1024, metavar="TOKENS", help="input tokens per request")
    sp.add_argument("--osl", type=_count_arg, default=1024, metavar="TOKENS", help="output tokens per request")
    o = sp.add_argument_group("overrides (default: the spec tables)")
    o.add_argument("--bandwidth-tb-s", type=_positive_arg, metavar="TB/S", help="HBM bandwidth, TB/s per GPU")
    o.add_argument("--capacity-gb", type=_positive_arg, metavar="GB", help="HBM capacity, GB per GPU")
    peak = o.add_mutually_exclusive_group()
    peak.add_argument(
        "--dense-tflops", type=_positive_arg, metavar="TFLOP/S", help="peak TFLOP/s per GPU without sparsity"
    )
    peak.add_argument(
        "--sparse-tflops",
        type=_positive_arg,
        metavar="TFLOP/S",
        help="peak TFLOP/s per GPU as a datasheet states it with 2:4 sparsity (halved for the bound)",
    )
    o.add_argument("--weight-gb", type=_positive_arg, metavar="GB", help="weights streamed per token, GB (all GPUs)")
    o.add_argument("--resident-weight-gb", type=_positive_arg, metavar="GB", help="weights held in HBM, GB (all GPUs)")
    kv = o.add_mutually_exclusive_group()
    kv.add_argument("--kv-dtype", metavar="DTYPE", help="KV-cache data type: fp4, fp8, int8, bf16, fp16, fp32")
    kv.add_argument(
        "--kv-bytes-per-token",
        type=_positive_arg,
        metavar="BYTES",
        help="KV cache per token of context, bytes (all layers)",
    )
    o.add_argument(
        "--memory-fraction", type=_fraction_arg, metavar="FRACTION", help="share of HBM usable (default 0.90)"
    )
    o.add_argument("--reserve-gb", type=_non_negative_arg, metavar="GB", help="GB per GPU kept back (default 2)")
    o.add_argument("--dp-attention", action="store_true", help="each GPU holds its sequences' KV whole")
    sp.add_argument("--json", action="store_true", help="one JSON object: inputs (value, unit, origin), results")
    sp.add_argument("--wide", action="store_true", help="one line per input, whatever the terminal width")
    sp.set_defaults(func=_cmd_bounds)


# ---------------------------------------------------------------------------------------------------------------
# delegated subcommands


def _cmd_report(argv: Sequence[str]) -> int:
    """``frontier report …``: the report package's own command line."""
    from frontier.report import main_report

    return int(main_report(list(argv)) or 0)


def _cmd_sample(argv: Sequence[str]) -> int:
    """``frontier sample …``: regenerate the bundled synthetic sample."""
    from frontier.data.sample import main_sample

    return int(main_sample(list(argv)) or 0)


def _cmd_fetch(argv: Sequence[str]) -> int:
    """``frontier fetch …``: the fetch package's own command line."""
    from frontier.data.fetch import main_fetch

    return int(main_fetch(list(argv)) or 0)


def _cmd_changes(argv: Sequence[str]) -> int:
    """``frontier changes …``: what changed between two builds of the reports."""
    from frontier.report.changes_cli import main_changes

    return int(main_changes(list(argv)) or 0)


#: subcommands with their own parsers: name → (entry point, help)
_DELEGATED: dict[str, tuple[Callable[[Sequence[str]], int], str]] = {
    "changes": (_cmd_changes, "what changed between two builds of the reports (digest, --fail-on)"),
    "report": (_cmd_report, "run notebooks and export HTML reports"),
    "sample": (_cmd_sample, "regenerate the bundled synthetic sample"),
    "fetch": (_cmd_fetch, "download InferenceX API data or CI run artifacts"),
}


# ---------------------------------------------------------------------------------------------------------------
# parsers


def _add_output_options(sp: Any, json_help: str, csv_help: str) -> None:
    """``--json`` / ``--csv`` (one of them) for scripts and ``--wide`` for people."""
    fmt = sp.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help=json_help)
    fmt.add_argument("--csv", action="store_true", help=csv_help)
    sp.add_argument(
        "--wide", action="store_true", help="tables one line per row, whatever the terminal width (COLUMNS)"
    )
    sp.add_argument("--no-cache", action="store_true", help="read the files again, not data/processed/")


def _add_scope_options(sp: Any, model_help: str) -> None:
    sp.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (recursive), globs or zips to load")
    sp.add_argument("--model", required=True, help=model_help)
    sp.add_argument("--isl", type=_positive_int_arg, required=True, metavar="TOKENS", help="input sequence length")
    sp.add_argument("--osl", type=_positive_int_arg, required=True, metavar="TOKENS", help="output sequence length")
    sp.add_argument(
        "--targets",
        default="30,50,90",
        type=_targets_arg,
        help="interactivity targets, tok/s/user, comma separated, each a positive finite number",
    )


def _add_load_parser(sub: Any) -> None:
    sp = sub.add_parser(
        "load",
        help="load artifacts and say what loaded / was skipped",
        description="Load benchmark files and say what loaded, what was skipped and why; per model and ISL/OSL, "
        "the points and configs loaded.",
    )
    sp.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (recursive), globs or zips")
    sp.add_argument("--files", action="store_true", help="with --json: include the per-file list")
    sp.add_argument("--examples", type=_count_arg, default=20, metavar="N", help="skipped files to list")
    sp.add_argument("--strict", action="store_true", help="any skipped row is an error (exit 2)")
    sp.add_argument("--keep", choices=["newest", "all"], default="newest", help="reruns of a point to keep")
    _add_output_options(
        sp,
        "print one JSON object: counts, skip reasons, notes",
        "print the points and configs per model and ISL/OSL as CSV",
    )
    sp.set_defaults(func=_cmd_load)


def _add_iso_parser(sub: Any) -> None:
    """The ``frontier iso`` subcommand and its arguments."""
    from frontier.analysis.economics import TCO_VIEWS

    sp = sub.add_parser(
        "iso",
        help="iso-interactivity table",
        description="Throughput and $/M tokens of every config at fixed interactivity targets (tok/s/user), read "
        "off each config's frontier; prices name their table and date.",
    )
    _add_scope_options(
        sp, "model display name, case ignored; * and ? are wildcards (e.g. 'DeepSeek*'); must name one model"
    )
    sp.add_argument(
        "--tco",
        metavar="COLUMN",
        help=f"price column shown: a dashboard TCO view ({', '.join(TCO_VIEWS)}) or a column of --prices "
        "(default: the first; --json and --csv carry every column)",
    )
    sp.add_argument(
        "--gpu-table",
        metavar="VERSION",
        help="dashboard GPU table version v0/v1/v2 (default: the newest); with --prices it supplies kW per GPU "
        "where the price table has no kw column",
    )
    sp.add_argument("--as-of", type=_date_arg, metavar="DATE", help="the dashboard GPU table in force on DATE")
    sp.add_argument(
        "--prices",
        metavar="FILE",
        help="CSV price table: gpu,<column>... in $/GPU-hour, optional kw (replaces the GPU table's prices)",
    )
    sp.add_argument("--hardware", nargs="+", metavar="GPU", help="only these GPUs (default: all)")
    sp.add_argument("--precision", nargs="+", metavar="P", help="only these precisions, e.g. fp4 fp8 (default: all)")
    sp.add_argument("--framework", nargs="+", metavar="ENGINE", help="only these engines, e.g. trt (default: all)")
    sp.add_argument(
        "--baseline",
        metavar="CONFIG",
        help="config to give ratios against: its label, config key or enough parts to pick one (e.g. 'b200 · trt')",
    )
    _add_output_options(
        sp,
        "print a list of records, one per config and target, every price column",
        "print the same records as CSV",
    )
    sp.set_defaults(func=_cmd_iso)


def _add_breakeven_parser(sub: Any) -> None:
    """The ``frontier breakeven`` subcommand and its arguments."""
    sp = sub.add_parser(
        "breakeven",
        help="break-even $/GPU-hour of two sides under every price view; fleet, payback",
        description="The $/GPU-hour at which side A costs per token what side B does, at each target, under "
        "every price view; with a workload, the fleet each side needs; with a migration cost, the payback.",
    )
    _add_scope_options(sp, "model display name, case ignored; * and ? are wildcards; must name one model")
    sp.add_argument(
        "--sides",
        required=True,
        help="'A vs B', e.g. 'b200/fp4 vs h100/fp8' (gpu/precision[/engine]); two different sides",
    )
    sp.add_argument(
        "--match",
        choices=["like-for-like", "best-of-each"],
        default="like-for-like",
        help="like-for-like (default): configs differing only in GPU (and the precision the sides ask), same "
        "engine, spec decoding and serving mode; best-of-each: each side's best config, each row naming what else "
        "differs",
    )
    sp.add_argument("--gpu-table", metavar="VERSION", help="dashboard GPU table version v0/v1/v2 (default: newest)")
    sp.add_argument("--as-of", type=_date_arg, metavar="DATE", help="the dashboard GPU table in force on DATE")
    sp.add_argument(
        "--prices",
        action="append",
        metavar="FILE",
        help="CSV price table gpu,<view>... in $/GPU-hour (repeatable); its views are priced beside the GPU table's",
    )
    w = sp.add_argument_group("workload, fleet and payback")
    w.add_argument("--tokens-per-day", type=_positive_arg, metavar="N", help="input + output tokens per day")
    w.add_argument("--requests-per-day", type=_positive_arg, metavar="N", help="requests per day of ISL + OSL tokens")
    w.add_argument("--workload-target", type=_positive_arg, default=50.0, metavar="TOK/S", help="tok/s/user served")
    w.add_argument(
        "--utilisation", type=_fraction_arg, default=0.6, metavar="FRACTION", help="average load ÷ capacity, (0, 1]"
    )
    w.add_argument("--migration-cost", type=_non_negative_arg, metavar="DOLLARS", help="one-off $ to move from B to A")
    _add_output_options(
        sp,
        "print one JSON object: inputs, per-target and per-view rows, fleet, payback",
        "print one row per target × price view as CSV",
    )
    sp.set_defaults(func=_cmd_breakeven)


EPILOG = """\
exit status: 0 done; 1 the command ran but found nothing to report (no rows loaded, no like-for-like partner);
2 a request refused (bad argument, file or data), said in one line on stderr; 3 an unexpected error.
Text tables fit the terminal (COLUMNS); --wide prints one line per row, --json and --csv are for scripts."""


def build_parser() -> argparse.ArgumentParser:
    """The ``frontier`` argument parser: one subcommand per task."""
    p = ArgumentParser(
        prog="frontier",
        description="LLM inference economics: load benchmark sweeps, "
        "read iso-interactivity frontiers, price them, build reports.",
        epilog=EPILOG,
    )
    p.add_argument("--version", action="version", version=f"frontier {__version__}")
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    _add_load_parser(sub)
    _add_iso_parser(sub)
    _add_breakeven_parser(sub)
    sp = sub.add_parser(
        "iso-point",
        help='JSON on stdin → {"value": v|null} (blog helper contract)',
        description="Interpolate one metric at one interactivity from a list of points.",
        epilog=ISO_POINT_HELP,
    )
    sp.set_defaults(func=_cmd_iso_point)
    _add_bounds_parser(sub)
    for name, (_entry, helptext) in _DELEGATED.items():
        sub.add_parser(name, help=helptext + f" (frontier {name} --help)", add_help=False)
    return p


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean the request cannot be served as given (bad argument, file or data)."""
    import polars as pl

    return (ValueError, OSError, ArithmeticError, KeyError, pl.exceptions.PolarsError)


def _run(cmd: str, call: Callable[[], int]) -> int:
    """Run a subcommand: a refused request is one line on stderr and exit 2; anything else unexpected is one line
    and exit 3; never a traceback."""
    try:
        return int(call() or 0)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        echo(f"frontier {cmd}: interrupted", err=True)
        return 130
    except BrokenPipeError:  # e.g. `frontier iso … | head`: the reader left; nothing more to say
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except _user_errors() as e:
        echo(f"frontier {cmd}: {error_message(e)}", err=True)
        return 2
    except Exception as e:
        echo(
            f"frontier {cmd}: unexpected error: {type(e).__name__}: {error_message(e)} "
            "(please report it with the command that caused it)",
            err=True,
        )
        return 3


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # subcommands with their own parsers get every argument after their name, --help included
    if argv and argv[0] in _DELEGATED:
        entry = _DELEGATED[argv[0]][0]
        return _run(argv[0], lambda: entry(argv[1:]))
    args = build_parser().parse_args(argv)
    return _run(args.cmd, lambda: args.func(args))


if __name__ == "__main__":
    sys.exit(main())
