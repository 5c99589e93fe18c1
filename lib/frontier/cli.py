"""The ``frontier`` command line (also what scheduled jobs call).

frontier load PATH... [--json] [--strict] [--keep newest|all] [--no-cache]
frontier iso PATH... --model M --isl N --osl N --targets 30,50,90 [--tco COLUMN]
             [--gpu-table v0|v1|v2 | --as-of DATE] [--prices FILE] [--baseline LABEL] [--json]
frontier iso-point            < {"points": [...], "target_iv": x, "metric_key": k, ...}
frontier breakeven PATH... --sides "b200/fp4 vs h100/fp8" --model M --isl N --osl N [--targets 30,50,90]
             [--gpu-table v0|v1|v2 | --as-of DATE] [--prices FILE]... [--requests-per-day N --migration-cost $]
             [--json]
frontier report [NAME...] [--data PATH...] [--params FILE] [-y YAML] [-p NAME VALUE] [--out DIR]
frontier sample [--out DIR] [--seed N]
frontier fetch --model NAME | --run ID
frontier bounds --model M --gpu G --precision P [--n-gpus N] [--isl N --osl N] [overrides] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import __version__
from .fsutil import safe_for_terminal

if TYPE_CHECKING:
    import polars as pl

    from .economics import Pricing
    from .iso import IsoResult

__all__ = ["build_parser", "iso_text_table", "main"]


def _clean(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def _dump(obj: Any) -> str:
    def walk(o):
        if isinstance(o, dict):
            return {k: walk(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [walk(v) for v in o]
        return _clean(o)

    return json.dumps(walk(obj), indent=2, allow_nan=False)


def _cmd_load(args: argparse.Namespace) -> int:
    from .fsutil import safe_for_terminal as printable
    from .load import LoadError, load

    try:
        res = load(args.paths, strict=args.strict, keep=args.keep, cache=not args.no_cache)
    except LoadError as e:
        print(f"frontier load: {printable(str(e))}", file=sys.stderr)
        return 2
    rep = res.report
    if args.json:
        d = rep.to_dict(examples=args.examples)
        d["synthetic"] = res.synthetic
        if not args.files:
            d.pop("files")
        print(_dump(d))
    else:
        print(rep.summary())
        not_read = [f for f in rep.files if f.status in ("skipped", "duplicate")]
        for f in not_read[: args.examples]:  # names and reasons come from the data: escaped for the terminal
            print(f"  {f.status}: {printable(f.path)}: {printable(f.reason or '')}")
        if len(not_read) > args.examples:
            print(f"  … and {len(not_read) - args.examples:,} more (--json --files lists them all)")
        if res.synthetic:
            print("note: synthetic rows loaded (generated sample data, not measurements)")
        if res.points.height:
            import polars as pl

            by = (
                res.points.group_by("model", "isl", "osl")
                .agg(
                    pl.len().alias("points"),
                    pl.struct("hardware", "framework", "precision", "spec_method", "disagg")
                    .n_unique()
                    .alias("configs"),
                )
                .sort("model", "isl", "osl")
            )
            for r in by.iter_rows(named=True):
                print(f"  {r['model']} {r['isl']}/{r['osl']}: {r['points']} points, {r['configs']} configs")
    if rep.rows_loaded == 0:
        print("frontier load: no rows loaded (see the skip reasons above)", file=sys.stderr)
        return 1
    return 0


def _print_iso(iso: IsoResult, pricing: Pricing, view: str, synthetic: bool) -> None:
    """The iso table as text (significant digits, ≈ on interpolated concurrency), under the prices in words,
    power and unpriced GPUs it was computed with."""
    import polars as pl

    from .labels import price_line

    if synthetic:
        print("note: synthetic data (generated sample, not measurements)")
    gpus = iso.configs["hardware"].unique().to_list()
    _print_lines(f"{price_line(pricing, view, gpus)} → $/M tokens; targets in tok/s/user")
    _print_lines(f"power: {pricing.power} (kW per GPU → tok/s/MW)")
    if iso.unpriced:
        _print_lines(f"no price for: {', '.join(iso.unpriced)} (costs left empty)")
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        tbl_width_chars=200,
        fmt_str_lengths=60,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
    ):
        _print_lines(str(iso_text_table(iso.table, view)))
    _print_lines("≈: concurrency read off the curve between measured concurrencies; —: target outside the frontier")


def _cmd_iso(args: argparse.Namespace) -> int:
    import polars as pl

    from .iso import iso_table
    from .load import LoadError, load, matches

    try:
        res = load(args.paths, cache=not args.no_cache)
    except LoadError as e:
        print(safe_for_terminal(f"frontier iso: {e}"), file=sys.stderr)
        return 2
    pts = matches(
        res.points,
        model=args.model,
        isl=args.isl,
        osl=args.osl,
        hardware=args.hardware,
        precision=args.precision,
        framework=args.framework,
    )
    if pts.height == 0:
        models = sorted(set(res.points["model"].drop_nulls()))
        print(
            safe_for_terminal(
                f"frontier iso: no points for model={args.model!r} isl={args.isl} osl={args.osl}; "
                f"models loaded: {models}"
            ),
            file=sys.stderr,
        )
        return 2
    try:
        if args.prices:
            _check_readable_file(args.prices, "price table")
        pricing = _pricing(args)
        iso = iso_table(pts, args.targets, pricing=pricing, baseline=args.baseline)
    except (ValueError, OSError, pl.exceptions.PolarsError) as e:
        where = f"cannot use the price table {args.prices}: " if args.prices and not isinstance(e, ValueError) else ""
        print(safe_for_terminal(f"frontier iso: {where}{e}"), file=sys.stderr)
        return 2
    if args.json:
        print(_dump(iso.records()))
        return 0
    _print_iso(iso, pricing, args.tco or pricing.views[0], res.synthetic)
    return 0


def iso_text_table(table: pl.DataFrame, view: str) -> pl.DataFrame:
    """``frontier iso``'s text table: the iso table's key columns as text, with human headers, costs to three
    significant digits, throughput to whole tokens and interpolated concurrency marked ≈ (nulls: "—")."""
    import polars as pl

    from .display import approx, money

    cols: dict[str, tuple[str, Any]] = {
        "label": ("config", str),
        "target": ("target tok/s/user", "{:g}".format),
        "tput_per_gpu": ("tok/s/GPU", "{:,.0f}".format),
        f"cost_total_{view}": ("$/M total", money),
        f"cost_input_{view}": ("$/M input", money),
        f"cost_output_{view}": ("$/M output", money),
        "tok_s_mw": ("tok/s/MW", "{:,.0f}".format),
        "conc": ("concurrency", approx(",.0f")),
        "topology": ("topology", str),
    }
    out = {
        h: ["—" if v is None else str(fmt(v)) for v in table[c].to_list()]
        for c, (h, fmt) in cols.items()
        if c in table.columns
    }
    return pl.DataFrame(out, schema=dict.fromkeys(out, pl.String))


def _print_lines(text: str) -> None:
    """Print ``text`` line by line with each line terminal-safe (labels and names come from data files)."""
    print("\n".join(safe_for_terminal(line) for line in text.splitlines()))


def _pricing(args: argparse.Namespace) -> Any:
    """The pricing ``iso`` asks for: ``--prices`` (kW from its own column, else the GPU table chosen by
    ``--gpu-table`` / ``--as-of``) or a dashboard GPU table; ``--tco`` any of its price columns."""
    from .economics import TCO_VIEWS, Pricing

    if args.gpu_table and args.as_of:
        raise ValueError("give --gpu-table or --as-of, not both")
    views = [args.tco] if args.tco else None
    if args.prices:
        return Pricing.from_table(args.prices, views=views, version=args.gpu_table, as_of=args.as_of)
    pricing = Pricing.dashboard(version=args.gpu_table, as_of=args.as_of, views=views or TCO_VIEWS)
    if args.tco and args.tco not in pricing.views:
        raise ValueError(
            f"--tco {args.tco!r} is not a price column of {pricing.label} "
            f"(columns: {', '.join(v for v in TCO_VIEWS if pricing.table[v].is_not_null().any())})"
        )
    return pricing


def _cmd_iso_point(args: argparse.Namespace) -> int:
    """Read one JSON request on stdin, print ``{"value": v|null}``; a bad request is ``{"error": ...}`` on stderr
    and exit 2, never a traceback."""
    from .pareto import iso_point

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
        print(json.dumps({"error": _error_text(e)}), file=sys.stderr)
        return 2
    print(text)
    return 0


def _error_text(e: BaseException) -> str:
    if isinstance(e, RecursionError):
        return "the request is nested too deeply"
    if isinstance(e, OverflowError):
        return f"a number in the request is too large: {e}"
    return str(e) or type(e).__name__


_ISO_POINT_KEYS = ("iv_key", "tput_key", "metric_key", "reciprocal_of")


def _iso_point_request(raw: bytes | str) -> dict[str, Any]:
    """Parse and check an ``iso-point`` request (UTF-8 JSON object); ValueError says what is wrong.

    ``points`` must be a list of objects; ``target_iv`` a finite number; the key names strings (``reciprocal_of``
    may be null). Numbers in points are made floats (an integer too large for a float is an error, not a crash).
    """
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
    return {
        **request,
        "target_iv": _as_float(target, "target_iv"),
        "points": [_point_as_floats(p, i) for i, p in enumerate(points)],
    }


def _as_float(v: int | float, where: str) -> float:
    try:
        f = float(v)
    except OverflowError:
        raise ValueError(f"{where} is too large for a number ({str(v)[:20]}… has {len(str(v))} digits)") from None
    if not math.isfinite(f):
        raise ValueError(f"{where} must be a finite number, got {f}")
    return f


def _point_as_floats(point: Any, i: int) -> Any:
    if not isinstance(point, dict):
        return point  # not an object: skipped by iso_point
    return {
        k: (_as_float(v, f"points[{i}].{k}") if isinstance(v, int) and not isinstance(v, bool) else v)
        for k, v in point.items()
    }


def _cmd_bounds(args: argparse.Namespace) -> int:
    """Physical bounds for one model × GPU × precision, every input shown with where it came from."""
    from .bounds_report import bounds_report

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
    except (KeyError, ValueError) as e:
        message = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(safe_for_terminal(f"frontier bounds: {message}"), file=sys.stderr)
        return 2
    print(_dump(rep.to_dict()) if args.json else rep.to_text())
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
    sp.add_argument("--n-gpus", type=int, default=1, metavar="N", help="GPUs the weights are split over (default 1)")
    sp.add_argument("--isl", type=int, default=1024, help="input tokens (default 1024)")
    sp.add_argument("--osl", type=int, default=1024, help="output tokens (default 1024)")
    o = sp.add_argument_group("overrides (default: the spec tables)")
    o.add_argument("--bandwidth-tb-s", type=float, metavar="TB/S", help="HBM bandwidth, TB/s per GPU")
    o.add_argument("--capacity-gb", type=float, metavar="GB", help="HBM capacity, GB per GPU")
    peak = o.add_mutually_exclusive_group()
    peak.add_argument("--dense-tflops", type=float, metavar="TFLOP/S", help="peak TFLOP/s per GPU without sparsity")
    peak.add_argument(
        "--sparse-tflops",
        type=float,
        metavar="TFLOP/S",
        help="peak TFLOP/s per GPU as a datasheet states it with 2:4 sparsity (halved for the bound)",
    )
    o.add_argument("--weight-gb", type=float, metavar="GB", help="weights streamed per token, GB (all GPUs)")
    o.add_argument("--resident-weight-gb", type=float, metavar="GB", help="weights held in HBM, GB (all GPUs)")
    kv = o.add_mutually_exclusive_group()
    kv.add_argument("--kv-dtype", metavar="DTYPE", help="KV-cache data type: fp4, fp8, int8, bf16, fp16, fp32")
    kv.add_argument(
        "--kv-bytes-per-token", type=float, metavar="BYTES", help="KV cache per token of context, bytes (all layers)"
    )
    o.add_argument("--memory-fraction", type=float, metavar="FRACTION", help="share of HBM usable (default 0.90)")
    o.add_argument("--reserve-gb", type=float, metavar="GB", help="GB per GPU kept back (default 2)")
    o.add_argument("--dp-attention", action="store_true", help="each GPU holds its sequences' KV whole")
    sp.add_argument("--json", action="store_true", help="one JSON object: inputs (value, unit, origin), results")
    sp.set_defaults(func=_cmd_bounds)


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
    return out


def _check_readable_file(path: str, what: str) -> None:
    import os

    if not os.path.isfile(path):
        raise ValueError(f"{what} {path} is not a file" if os.path.exists(path) else f"{what} {path} does not exist")
    if os.path.getsize(path) == 0:
        raise ValueError(f"{what} {path} is empty: expected a CSV with a header such as gpu,costh")


def _cmd_breakeven(args: argparse.Namespace) -> int:
    from .load import LoadError, load, matches
    from .migration import decision, pricings, workload

    try:
        res = load(args.paths, cache=not args.no_cache)
        pts = matches(res.points, model=args.model, isl=args.isl, osl=args.osl)
        if pts.height == 0:
            models = sorted(set(res.points["model"].drop_nulls()))
            raise ValueError(
                f"no points for model={args.model!r} isl={args.isl} osl={args.osl}; models loaded: {models}"
            )
        sources = pricings(args.gpu_table or "", args.prices or [], as_of=args.as_of or "")
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
        be, out = decision(pts, args.sides, args.targets, sources, work=work, migration_cost=args.migration_cost)
        _with_run_ranges(be, out, args)
    except (LoadError, ValueError, OSError) as e:
        print(f"frontier breakeven: {e}", file=sys.stderr)
        return 2
    out["synthetic"] = res.synthetic
    if args.json:
        print(_dump(out))
        return 0 if be.status == "ok" else 1
    _print_breakeven(be, out)
    return 0 if be.status == "ok" else 1


def _with_run_ranges(be: Any, out: dict[str, Any], args: argparse.Namespace) -> None:
    """Add each decision's range over reruns (``breakeven.run_ranges``) to ``be`` and its JSON ``out``."""
    from .breakeven import run_ranges
    from .load import load, matches

    every = matches(
        load(args.paths, keep="all", cache=not args.no_cache).points, model=args.model, isl=args.isl, osl=args.osl
    )
    run_ranges(be, every)
    out["at_targets"], out["by_view"] = be.at_targets.to_dicts(), be.by_view.to_dicts()
    if "fleet" in out:  # fleet size, cost and payback over the runs of each side's chosen config
        from . import fleet
        from .migration import workload

        work = workload(
            args.tokens_per_day or 0.0,
            args.requests_per_day or 0.0,
            args.isl,
            args.osl,
            args.workload_target,
            args.utilisation,
        )
        sizes, pay = fleet.run_ranges(work, be, work.target, be.views, args.migration_cost)
        keyed = {(r["side"], r["price_label"]): r for r in sizes.to_dicts()}
        for row in out["fleet"]:
            row.update({k: v for k, v in keyed.get((row["side"], row["price_label"]), {}).items() if k not in row})
        if pay is not None and "payback" in out:
            by_view = {r["price_label"]: r for r in pay.to_dicts()}
            for row in out["payback"]:
                row.update({k: v for k, v in by_view.get(row["price_label"], {}).items() if k not in row})


def _print_breakeven(be: Any, out: dict[str, Any]) -> None:
    import polars as pl

    from .breakeven import runs_view, targets_view, views_view
    from .fleet import migration_view

    if out["synthetic"]:
        print("note: synthetic data (generated sample, not measurements)")
    print(f"{be.model} {be.isl}/{be.osl}: A = {be.side_a.name}, B = {be.side_b.name}")
    if be.status != "ok":
        print(be.status)
        return
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=80, float_precision=3):
        print(targets_view(be))
        if "runs_a" in be.at_targets.columns:
            print(runs_view(be))
        views = views_view(be).drop("comparison")
        if "winner_in_every_run" in be.by_view.columns:
            views = views.with_columns(
                be.by_view["cost_ratio_min"].alias("cost A ÷ B min over runs"),
                be.by_view["cost_ratio_max"].alias("max over runs"),
                be.by_view["winner_in_every_run"].alias("same winner in every run"),
            )
        print(views)
        if "payback" in out:
            print(migration_view(pl.DataFrame(out["payback"])))
            for r in out["payback"]:  # the range over each side's runs (fleet.run_ranges)
                if r.get("payback_months_min") is not None:
                    hi = r.get("payback_months_max")
                    print(
                        f"- payback over runs, {r['view']}: {r['payback_months_min']:.1f} to "
                        + (f"{hi:.1f} months" if hi is not None else "never (in the slowest runs)")
                    )
    for row in out.get("fleet", []):
        if row.get("gpus_min") is not None and row["gpus_min"] != row.get("gpus_max"):
            print(f"- fleet over runs, {row['side']} ({row['view']}): {row['gpus_min']} to {row['gpus_max']} GPUs")
    for n in be.notes + out.get("fleet_notes", []):
        print(f"- {n}")


def _cmd_report(argv: Sequence[str]) -> int:
    """``frontier report …``: the report package's own command line."""
    from .report import main_report

    return int(main_report(list(argv)) or 0)


def _cmd_sample(argv: Sequence[str]) -> int:
    """``frontier sample …``: regenerate the bundled synthetic sample."""
    from .sample import main_sample

    return int(main_sample(list(argv)) or 0)


def _cmd_fetch(argv: Sequence[str]) -> int:
    """``frontier fetch …``: the fetch package's own command line."""
    from .fetch import main_fetch

    return int(main_fetch(list(argv)) or 0)


#: subcommands with their own parsers: name → (entry point, help)
_DELEGATED = {
    "report": (_cmd_report, "run notebooks and export HTML reports"),
    "sample": (_cmd_sample, "regenerate the bundled synthetic sample"),
    "fetch": (_cmd_fetch, "download InferenceX API data or CI run artifacts"),
}


def _add_iso_parser(sub: Any) -> None:
    """The ``frontier iso`` subcommand and its arguments."""
    from .economics import TCO_VIEWS

    sp = sub.add_parser("iso", help="iso-interactivity table")
    sp.add_argument("paths", nargs="+")
    sp.add_argument("--model", required=True, help="display name (glob allowed, e.g. 'DeepSeek*')")
    sp.add_argument("--isl", type=int, required=True)
    sp.add_argument("--osl", type=int, required=True)
    sp.add_argument(
        "--targets",
        default="30,50,90",
        type=_targets_arg,
        help="tok/s/user, comma separated, each a positive finite number",
    )
    sp.add_argument(
        "--tco",
        metavar="COLUMN",
        help=f"price column: a dashboard TCO view ({', '.join(TCO_VIEWS)}) "
        "or any column of --prices (default: every column; the text table shows the first)",
    )
    sp.add_argument(
        "--gpu-table",
        help="dashboard GPU table version v0/v1/v2 (default newest); with --prices it "
        "supplies kW per GPU where the price table has no kw column",
    )
    sp.add_argument("--as-of", metavar="DATE", help="use the dashboard GPU table in force on DATE (YYYY-MM-DD)")
    sp.add_argument(
        "--prices",
        help="CSV price table: gpu,<column>... in $/GPU-hour, optional kw (overrides the GPU table's prices)",
    )
    sp.add_argument("--hardware", nargs="*", help="only these GPUs")
    sp.add_argument("--precision", nargs="*")
    sp.add_argument("--framework", nargs="*")
    sp.add_argument("--baseline", help="config label to compute ratios against")
    sp.add_argument("--json", action="store_true", help="list of records, one per config and target")
    sp.add_argument("--no-cache", action="store_true")
    sp.set_defaults(func=_cmd_iso)


def _add_breakeven_parser(sub: Any) -> None:
    """The ``frontier breakeven`` subcommand and its arguments."""
    sp = sub.add_parser("breakeven", help="break-even $/GPU-hour of two sides under every price view; fleet, payback")
    sp.add_argument("paths", nargs="+")
    sp.add_argument("--sides", required=True, help="'A vs B', e.g. 'b200/fp4 vs h100/fp8' (gpu/precision[/engine])")
    sp.add_argument("--model", required=True, help="display name (glob allowed); one model only")
    sp.add_argument("--isl", type=int, required=True)
    sp.add_argument("--osl", type=int, required=True)
    sp.add_argument("--targets", default="30,50,90", help="tok/s/user, comma separated")
    sp.add_argument("--gpu-table", help="dashboard GPU table version v0/v1/v2 (default newest)")
    sp.add_argument("--as-of", metavar="DATE", help="use the dashboard GPU table in force on DATE (YYYY-MM-DD)")
    sp.add_argument(
        "--prices",
        action="append",
        help="CSV price table gpu,<view>... in $/GPU-hour (repeatable); its views are priced beside the GPU table's",
    )
    sp.add_argument("--tokens-per-day", type=float, help="workload, input + output tokens/day (adds fleet cost)")
    sp.add_argument("--requests-per-day", type=float, help="workload, requests/day of ISL + OSL tokens")
    sp.add_argument("--workload-target", type=float, default=50.0, help="tok/s/user the fleet serves at")
    sp.add_argument("--utilisation", type=float, default=0.6, help="average load ÷ capacity, 0–1 (0.6)")
    sp.add_argument("--migration-cost", type=float, help="one-off $ to move from B to A (adds payback)")
    sp.add_argument("--json", action="store_true", help="one JSON object (inputs, per-target and per-view rows)")
    sp.add_argument("--no-cache", action="store_true")
    sp.set_defaults(func=_cmd_breakeven)


def build_parser() -> argparse.ArgumentParser:
    """The ``frontier`` argument parser: one subcommand per task."""
    p = argparse.ArgumentParser(
        prog="frontier",
        description="LLM inference economics: load benchmark sweeps, "
        "read iso-interactivity frontiers, price them, build reports.",
    )
    p.add_argument("--version", action="version", version=f"frontier {__version__}")
    sub = p.add_subparsers(dest="cmd", required=True)

    sp = sub.add_parser("load", help="load artifacts and say what loaded / was skipped")
    sp.add_argument("paths", nargs="+", help="files, folders (recursive), globs or zips")
    sp.add_argument("--json", action="store_true", help="print one JSON object")
    sp.add_argument("--files", action="store_true", help="with --json: include the per-file list")
    sp.add_argument("--examples", type=int, default=20, help="skip/duplicate examples to list")
    sp.add_argument("--strict", action="store_true", help="any skipped row is an error")
    sp.add_argument("--keep", choices=["newest", "all"], default="newest", help="reruns of a point")
    sp.add_argument("--no-cache", action="store_true", help="do not use data/processed/")
    sp.set_defaults(func=_cmd_load)

    _add_iso_parser(sub)
    _add_breakeven_parser(sub)

    sp = sub.add_parser("iso-point", help='JSON on stdin → {"value": v|null} (blog helper contract)')
    sp.set_defaults(func=_cmd_iso_point)
    _add_bounds_parser(sub)

    for name, (entry, helptext) in _DELEGATED.items():
        sp = sub.add_parser(name, help=helptext, add_help=False)
        sp.add_argument("rest", nargs=argparse.REMAINDER)
        sp.set_defaults(func=lambda a, run=entry: run(a.rest))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # subcommands with their own parsers get every argument after their name, --help included
    if argv and argv[0] in _DELEGATED:
        return _DELEGATED[argv[0]][0](argv[1:])
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
