"""The ``frontier`` command line (also what scheduled jobs call).

  frontier load PATH... [--json] [--strict] [--keep newest|all] [--no-cache]
  frontier iso PATH... --model M --isl N --osl N --targets 30,50,90 [--tco costh|costn|costr]
               [--gpu-table v0|v1|v2] [--prices FILE] [--baseline LABEL] [--json]
  frontier iso-point            < {"points": [...], "target_iv": x, "metric_key": k, ...}
  frontier report [NAME...] [--data PATH...] [--params FILE] [-y YAML] [-p NAME VALUE] [--out DIR]
  frontier sample [--out DIR] [--seed N]
  frontier fetch --model NAME | --run ID
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any, Sequence

from . import __version__


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


def cmd_load(args: argparse.Namespace) -> int:
    from .load import LoadError, load

    try:
        res = load(args.paths, strict=args.strict, keep=args.keep, cache=not args.no_cache)
    except LoadError as e:
        print(f"frontier load: {e}", file=sys.stderr)
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
        if res.synthetic:
            print("note: synthetic rows loaded (generated sample data, not measurements)")
        if res.points.height:
            import polars as pl
            by = res.points.group_by("model", "isl", "osl").agg(
                pl.len().alias("points"), pl.struct("hardware", "framework", "precision", "spec_method", "disagg")
                .n_unique().alias("configs")).sort("model", "isl", "osl")
            for r in by.iter_rows(named=True):
                print(f"  {r['model']} {r['isl']}/{r['osl']}: {r['points']} points, {r['configs']} configs")
    if rep.rows_loaded == 0:
        print("frontier load: no rows loaded (see the skip reasons above)", file=sys.stderr)
        return 1
    return 0


def cmd_iso(args: argparse.Namespace) -> int:
    import polars as pl

    from .economics import Pricing
    from .iso import iso_table
    from .load import LoadError, load, matches

    try:
        res = load(args.paths, cache=not args.no_cache)
    except LoadError as e:
        print(f"frontier iso: {e}", file=sys.stderr)
        return 2
    pts = matches(res.points, model=args.model, isl=args.isl, osl=args.osl, hardware=args.hardware,
                  precision=args.precision, framework=args.framework)
    if pts.height == 0:
        models = sorted(set(res.points["model"].drop_nulls()))
        print(f"frontier iso: no points for model={args.model!r} isl={args.isl} osl={args.osl}; "
              f"models loaded: {models}", file=sys.stderr)
        return 2
    try:
        if args.prices:
            pricing = Pricing.from_table(args.prices, views=[args.tco] if args.tco else None)
        else:
            pricing = Pricing.dashboard(version=args.gpu_table, views=[args.tco] if args.tco else
                                        ("costh", "costn", "costr"))
        iso = iso_table(pts, args.targets, pricing=pricing, baseline=args.baseline)
    except ValueError as e:
        print(f"frontier iso: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(_dump(iso.records()))
        return 0
    view = args.tco or pricing.views[0]
    cols = ["label", "target", "tput_per_gpu", f"cost_total_{view}", f"cost_input_{view}", f"cost_output_{view}",
            "tok_s_mw", "conc", "topology"]
    if res.synthetic:
        print("note: synthetic data (generated sample, not measurements)")
    print(f"pricing: {pricing.label}, view {view} ($/GPU-hour → $/M tokens); targets in tok/s/user")
    if iso.unpriced:
        print(f"no price for: {', '.join(iso.unpriced)} (costs left empty)")
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=60, float_precision=3):
        print(iso.table.select([c for c in cols if c in iso.table.columns]))
    return 0


def cmd_iso_point(args: argparse.Namespace) -> int:
    from .pareto import iso_point

    try:
        request = json.loads(sys.stdin.read())
        out = iso_point(request)
    except (ValueError, TypeError, AttributeError) as e:
        print(json.dumps({"error": str(e)}), file=sys.stderr)
        return 2
    print(json.dumps(out, allow_nan=False))
    return 0


def _delegate(module: str, func: str, argv: Sequence[str]) -> int:
    import importlib

    mod = importlib.import_module(f"frontier.{module}")
    rc = getattr(mod, func)(list(argv))
    return int(rc or 0)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="frontier", description="LLM inference economics: load benchmark sweeps, "
                                "read iso-interactivity frontiers, price them, build reports.")
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
    sp.set_defaults(func=cmd_load)

    sp = sub.add_parser("iso", help="iso-interactivity table")
    sp.add_argument("paths", nargs="+")
    sp.add_argument("--model", required=True, help="display name (glob allowed, e.g. 'DeepSeek*')")
    sp.add_argument("--isl", type=int, required=True)
    sp.add_argument("--osl", type=int, required=True)
    sp.add_argument("--targets", default="30,50,90", help="tok/s/user, comma separated")
    sp.add_argument("--tco", choices=["costh", "costn", "costr"], help="TCO view (default: all available)")
    sp.add_argument("--gpu-table", help="dashboard GPU table version v0/v1/v2 (default newest)")
    sp.add_argument("--prices", help="CSV price table: gpu,<view>... in $/GPU-hour (overrides the GPU table)")
    sp.add_argument("--hardware", nargs="*", help="only these GPUs")
    sp.add_argument("--precision", nargs="*")
    sp.add_argument("--framework", nargs="*")
    sp.add_argument("--baseline", help="config label to compute ratios against")
    sp.add_argument("--json", action="store_true", help="list of records, one per config and target")
    sp.add_argument("--no-cache", action="store_true")
    sp.set_defaults(func=cmd_iso)

    sp = sub.add_parser("iso-point", help="JSON on stdin → {\"value\": v|null} (blog helper contract)")
    sp.set_defaults(func=cmd_iso_point)

    for name, module, func, helptext in (
        ("report", "report", "main_report", "run notebooks and export HTML reports"),
        ("sample", "sample", "main_sample", "regenerate the bundled synthetic sample"),
        ("fetch", "fetch", "main_fetch", "download InferenceX API data or CI run artifacts"),
    ):
        sp = sub.add_parser(name, help=helptext, add_help=False)
        sp.add_argument("rest", nargs=argparse.REMAINDER)
        sp.set_defaults(func=lambda a, m=module, f=func: _delegate(m, f, a.rest))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # subcommands with their own parsers get every argument after their name, --help included
    if argv and argv[0] in ("report", "sample", "fetch"):
        return _delegate({"report": "report", "sample": "sample", "fetch": "fetch"}[argv[0]],
                         {"report": "main_report", "sample": "main_sample", "fetch": "main_fetch"}[argv[0]],
                         argv[1:])
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
