"""The migration brief: one model, the fleet today (old side) and the fleet to move to (new side).

Puts together what the ``migration`` notebook shows, each part with its caveats: the physical bounds of each side
(batch-1 decode floor and KV-cache budget, :mod:`frontier.analysis.bounds`), the iso table with run-to-run spread
(:mod:`frontier.analysis.spread`), break-even prices under every price view (:mod:`frontier.analysis.breakeven`), fleet
cost and
payback (:mod:`frontier.analysis.fleet`), and a published cost table recomputed from its own stated inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from frontier import paths
from frontier.analysis import bounds, breakeven
from frontier.analysis.breakeven import (
    BreakEven,
    PriceView,
    Side,
    price_table_from_mapping,
    published_check,
    published_ratio_check,
    side,
)
from frontier.analysis.economics import Pricing
from frontier.analysis.fleet import FleetSide, Workload
from frontier.analysis.iso import check_targets
from frontier.data import labels, specs
from frontier.data.load.normalise import SYNTHETIC_SUFFIX
from frontier.data.schema import CURVE_KEY
from frontier.paths import input_paths
from frontier.tableview import Shown, TableView

__all__ = [
    "BOUNDS_CAVEATS",
    "BOUNDS_FORMATS",
    "BOUNDS_TABLE",
    "PUBLISHED_RATIO_TABLE",
    "PUBLISHED_TABLE",
    "PUBLISHED_FORMATS",
    "RUNS_FORMATS",
    "RUNS_NOTE",
    "bounds_comparison",
    "bounds_view",
    "choose_scope",
    "choose_sides",
    "compared_points",
    "decision",
    "fleet_sides",
    "fleet_with_runs",
    "gpu_generations",
    "headline",
    "implied_ratios",
    "input_paths",
    "like_precisions",
    "pricings",
    "published_ratio_view",
    "published_tables",
    "payback_with_runs",
    "published_view",
    "ratio_with_spread",
    "sensitivity_view",
    "side_bounds",
    "views_with_runs",
    "workload",
]


def pricings(
    gpu_table: str = "",
    price_table: str | Sequence[str] = "",
    prices: Mapping[str, Any] | None = None,
    prices_label: str = "inline price table",
    prices_as_of: str = "",
    as_of: str = "",
) -> list[Pricing]:
    """Every price source at once: the dashboard GPU table (``gpu_table`` version, or the one in force ``as_of``,
    default newest), user price table CSVs (one path or several), and an inline ``{gpu: {view: $/GPU-hour}}`` table
    (from a parameter file)."""
    if gpu_table and as_of:
        raise ValueError("give a GPU table version or an as-of date, not both")
    out = [Pricing.dashboard(version=gpu_table or None, as_of=as_of or None)]
    for table in [price_table] if isinstance(price_table, str) else list(price_table):
        if table:
            p = Path(table)
            out.append(Pricing.from_table(p if p.is_absolute() else paths.ROOT / p))
    if prices:
        if not isinstance(prices, Mapping) or not all(isinstance(v, Mapping) for v in prices.values()):
            raise ValueError("parameter 'prices': give {gpu: {view: $/GPU-hour}}, e.g. {h100: {on_demand: 2.64}}")
        out.append(
            price_table_from_mapping(
                {str(g): dict(v) for g, v in prices.items()}, label=prices_label, as_of=prices_as_of or None
            )
        )
    return out


def workload(
    tokens_per_day: float, requests_per_day: float, isl: int, osl: int, target: float, utilisation: float
) -> Workload:
    """Tokens per day when given (> 0), else requests per day × (ISL + OSL)."""
    if tokens_per_day and tokens_per_day > 0:
        return Workload(float(tokens_per_day), float(target), float(utilisation))
    return Workload.from_requests(float(requests_per_day), int(isl), int(osl), float(target), float(utilisation))


def fleet_sides(be: BreakEven, target: float) -> tuple[FleetSide | None, FleetSide | None, str]:
    """(old = side B, new = side A, "") at the workload's interactivity, or (None, None, why not)."""
    from frontier.analysis.fleet import sides_from_break_even

    if be.status != "ok":
        return None, None, be.status
    try:
        new, old = sides_from_break_even(be, target)
    except ValueError as e:
        return None, None, str(e).removeprefix("fleet: ")
    return old, new, ""


def sensitivity_view(views: Sequence[PriceView], name: str, old_gpu: str, new_gpu: str) -> tuple[PriceView | None, str]:
    """The price view named ``name`` (default: the first that prices both GPUs), or (None, why not)."""
    if name:
        pv = next((v for v in views if v.view == name), None)
        if pv is None:
            return None, f"no price view {name!r} (views: {[v.view for v in views]})"
        if pv.price(old_gpu) is None or pv.price(new_gpu) is None:
            return None, f"{pv.label} has no price for {old_gpu} or {new_gpu}"
        return pv, ""
    pv = next((v for v in views if v.price(old_gpu) is not None and v.price(new_gpu) is not None), None)
    return (pv, "") if pv is not None else (None, f"no price view prices both {old_gpu} and {new_gpu}")


# ---------------------------------------------------------------------------------------------------------------
# physical bounds of each side

BOUNDS_SCHEMA = {
    "side": pl.String,
    "gpu": pl.String,
    "precision": pl.String,
    "gpus": pl.Int64,  # GPUs one replica splits its weights over (decode worker when disaggregated)
    "floor_ms_per_token": pl.Float64,  # batch-1 floor of that replica
    "floor_tok_s_user": pl.Float64,
    "floor_gpu_ms_per_token": pl.Float64,  # per GPU: ms to stream a token's weights on one GPU (compares GPUs)
    "weights_gb": pl.Float64,
    "kv_budget_gb": pl.Float64,
    "max_concurrency": pl.Int64,
    "note": pl.String,
}


def _replica_gpus(s: FleetSide | Side, iso: Any) -> tuple[int | None, str]:
    """(GPUs the side's serving replica splits its weights over, where that came from or why there is none):
    the topology fields of the config's frontier point at the workload target
    (:func:`frontier.analysis.bounds.decode_gpus`),
    else one GPU."""
    if not isinstance(s, FleetSide) or iso is None or s.topology is None:
        return 1, "one GPU (no serving config at the workload target)"
    fr = iso.frontier.filter((pl.col("label") == s.config) & (pl.col("topology") == s.topology))
    if fr.height == 0:
        return 1, "one GPU (the config's topology is not on its frontier)"
    n, why = bounds.decode_gpus(fr.row(0, named=True))
    return (n, f"{s.topology}") if n is not None else (None, why)


def side_bounds(
    model: str,
    sides: Sequence[FleetSide | Side],
    isl: int,
    osl: int,
    precisions: Mapping[str, str] | None = None,
    iso: Any = None,
) -> pl.DataFrame:
    """Per side: the batch-1 decode floor of its serving replica (ms/token, tok/s/user) and per GPU (ms to stream
    a token's weights on one GPU: the figure that compares GPUs), and the KV-cache budget (GB) with the concurrency
    it allows at ISL + OSL. The replica's GPU count comes from the data (``iso``: the break-even analysis' iso
    result; disaggregated: one decode worker); topology fields that contradict the GPU count, or a model, GPU or
    precision the spec tables do not know, get a note, not a number."""
    base = model.replace(SYNTHETIC_SUFFIX, "")
    rows = []
    for s in sides:
        name = s.name
        gpu = s.gpu
        prec = (precisions or {}).get(name) or side(name).filters.get("precision", "")
        n, where = _replica_gpus(s, iso)
        try:
            if n is None:
                raise ValueError(where)
            f = bounds.decode_floor(base, prec, gpu, n)
            kv = specs.kv_cache_budget(base, prec, gpu, n, isl, osl)
            note = (
                f"{f.weight_bytes / 1e9:.1f} GB streamed per token over {n} × {f.bandwidth_tb_s:g} TB/s ({where})"
                + ("" if kv.fits else "; the weights do not fit with room for one sequence")
            )
            rows.append(
                {
                    "side": name,
                    "gpu": gpu,
                    "precision": prec,
                    "gpus": n,
                    "floor_ms_per_token": f.ms_per_token,
                    "floor_tok_s_user": f.tok_s_user,
                    "floor_gpu_ms_per_token": f.ms_per_token * n,
                    "weights_gb": kv.weights_gb,
                    "kv_budget_gb": kv.kv_budget_gb,
                    "max_concurrency": kv.max_concurrency,
                    "note": note,
                }
            )
        except (KeyError, ValueError) as e:
            rows.append({"side": name, "gpu": gpu, "precision": prec, "gpus": n, "note": f"no bound: {e}"})
    return pl.DataFrame(rows, schema=BOUNDS_SCHEMA)


def bounds_comparison(b: pl.DataFrame) -> str | None:
    """One sentence comparing the sides' floors per GPU (the replica floors also depend on how many GPUs each
    config spans, so they do not compare GPUs); None without two floors."""
    ok = b.filter(pl.col("floor_gpu_ms_per_token").is_not_null())
    if ok.height < 2:
        return None
    old, new = ok.row(0, named=True), ok.row(1, named=True)
    r = old["floor_gpu_ms_per_token"] / new["floor_gpu_ms_per_token"]
    faster = f"{r:.2f}× faster" if r >= 1 else f"{1 / r:.2f}× slower"
    return (
        f"Per GPU, {new['side']} streams a token's weights in {new['floor_gpu_ms_per_token']:.2f} ms against "
        f"{old['floor_gpu_ms_per_token']:.2f} ms on {old['side']}: {faster} (HBM bandwidth and bytes per weight). "
        f"The replica floors ({new['floor_ms_per_token']:.2f} ms on {new['gpus']} GPU(s) against "
        f"{old['floor_ms_per_token']:.2f} ms on {old['gpus']}) also depend on how many GPUs each config spans, so "
        "they compare set-ups, not GPUs."
    )


#: the bounds table for people: each column's title, source and format, declared once
BOUNDS_TABLE = TableView(
    Shown("side"),
    Shown("GPUs per replica", "gpus", ",.0f"),
    Shown("replica floor ms/token", "floor_ms_per_token", "{:.2f}"),
    Shown("floor tok/s/user", "floor_tok_s_user", ",.0f"),
    Shown("floor per GPU ms/token", "floor_gpu_ms_per_token", "{:.2f}"),
    Shown("weights GB", "weights_gb", ",.1f"),
    Shown("KV budget GB", "kv_budget_gb", ",.0f"),
    Shown("sequences at ISL + OSL", "max_concurrency", ",.0f"),
    Shown("inputs", "note"),
)
BOUNDS_FORMATS = BOUNDS_TABLE.formats


def bounds_view(b: pl.DataFrame) -> pl.DataFrame:
    """:func:`side_bounds` with readable column names."""
    return BOUNDS_TABLE.of(b)


BOUNDS_CAVEATS = [
    (
        "Bounds, not predictions: the decode floor is the time to stream the active weights once from HBM at batch 1 "
        "(no measured point can be faster without speculative decoding), over the GPUs one replica of the side's "
        "config splits its weights over (from the data; the decode worker when disaggregated); per GPU, the same "
        "bytes over one GPU's bandwidth. The KV budget is HBM left after weights at 90 % usable memory, and the "
        "concurrency it allows holds every sequence at full ISL + OSL context."
    ),
    "Bandwidth, capacity and model sizes are public vendor and model-card figures (lib/frontier/data).",
]


# ---------------------------------------------------------------------------------------------------------------
# a published cost table, recomputed from its stated inputs


def check_published_params(published: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a ``published`` parameter: source (text), target (tok/s/user), throughputs {gpu: tok/s/GPU},
    cost_per_m {gpu: {view: printed $/M}}, optional ratios [{view, pricier, cheaper, published}]."""
    need = ("source", "throughputs", "cost_per_m")
    missing = [k for k in need if k not in published]
    if missing:
        raise ValueError(f"parameter 'published': missing {missing}; expected keys {list(need)} (+ target, ratios)")
    tp = published["throughputs"]
    if not isinstance(tp, Mapping) or not all(isinstance(v, (int, float)) and v > 0 for v in tp.values()):
        raise ValueError("parameter 'published': throughputs must map each GPU to a positive tok/s/GPU")
    cost = published["cost_per_m"]
    if not isinstance(cost, Mapping) or not all(isinstance(v, Mapping) for v in cost.values()):
        raise ValueError("parameter 'published': cost_per_m must map each GPU to {view: $/M as printed}")
    return dict(published)


def published_tables(published: Mapping[str, Any], prices: Pricing) -> tuple[pl.DataFrame, pl.DataFrame, str]:
    """(cost check, ratio check, one-line verdict) for a published cost table against ``prices`` (the stated
    $/GPU-hour) and its stated throughputs."""
    pub = check_published_params(published)
    tput = {str(g).lower(): float(v) for g, v in pub["throughputs"].items()}
    costs = published_check(prices, tput, {str(g): dict(v) for g, v in pub["cost_per_m"].items()})
    ratios = published_ratio_check(prices, tput, list(pub.get("ratios") or []))
    n_ok = int((costs["verdict"] == "matches published").sum()) + int((ratios["verdict"] == "matches published").sum())
    n = costs.height + ratios.height
    verdict = f"{n_ok} of {n} published figures match when recomputed from the stated inputs" + (
        "" if n_ok == n else "; see the differences below"
    )
    return costs, ratios, verdict


_PUBLISHED_SHARED = (
    Shown("published", fmt="{:g}"),
    Shown("computed", fmt="{:.4f}"),
    Shown("difference", fmt="{:+.4f}"),
    Shown("verdict"),
)
#: a published cost table recomputed, and its published ratios, for people
PUBLISHED_TABLE = TableView(
    Shown("gpu"),
    Shown("view"),
    Shown("$/GPU-hour", "price", "${:.2f}"),
    Shown("tok/s/GPU", "tput", ",.0f"),
    *_PUBLISHED_SHARED,
)
PUBLISHED_RATIO_TABLE = TableView(Shown("view"), Shown("pricier"), Shown("cheaper"), *_PUBLISHED_SHARED)
PUBLISHED_FORMATS = PUBLISHED_TABLE.formats | PUBLISHED_RATIO_TABLE.formats


def published_view(costs: pl.DataFrame) -> pl.DataFrame:
    """The published cost check with readable column names."""
    return PUBLISHED_TABLE.of(costs)


def implied_ratios(costs: pl.DataFrame) -> pl.DataFrame:
    """Per view: each GPU's recomputed $/M ÷ the cheapest GPU's in that view (what the stated inputs imply, whether
    or not the publication printed it). Columns view, gpu, cheapest, ratio, text."""
    c = costs.filter(pl.col("computed").is_not_null())
    low = (
        c.sort("computed")
        .group_by("view", maintain_order=True)
        .first()
        .select("view", pl.col("gpu").alias("cheapest"), pl.col("computed").alias("_low"))
    )
    out = (
        c.join(low, on="view")
        .filter(pl.col("gpu") != pl.col("cheapest"))
        .with_columns(ratio=pl.col("computed") / pl.col("_low"))
    )
    return (
        out.select("view", "gpu", "cheapest", "ratio")
        .with_columns(
            text=pl.format(
                "{} is {}× cheaper than {} ({})",
                pl.col("cheapest"),
                pl.col("ratio").round(2),
                pl.col("gpu"),
                pl.col("view"),
            )
        )
        .sort("view", "ratio")
    )


def published_ratio_view(ratios: pl.DataFrame) -> pl.DataFrame:
    """The published ratio check with readable column names."""
    return PUBLISHED_RATIO_TABLE.of(ratios)


# ---------------------------------------------------------------------------------------------------------------
# the throughput ratio of the chosen configs, with its run-to-run range


def _config_rows(runs: pl.DataFrame, be: BreakEven, label: str) -> pl.DataFrame:
    """The rows of ``runs`` of the config the break-even analysis labels ``label`` (matched on the curve key, as
    labels depend on which configs are shown together)."""
    assert be.iso is not None
    key = be.iso.configs.filter(pl.col("label") == label).select(CURVE_KEY)
    return runs.join(key, on=list(CURVE_KEY), how="semi", nulls_equal=True)


def ratio_with_spread(be: BreakEven, runs: pl.DataFrame, points: pl.DataFrame | None = None) -> pl.DataFrame:
    """Per target: tok/s/GPU of A's config ÷ B's, as "N.NN× (lo–hi×, k runs)" over each config's runs. With
    ``points`` (every run's points) the runs are those of ``breakeven.run_ranges`` (run here when it has not
    been): where a side is read below its measured range (a lower bound), each of its runs gives its best point at
    or above the target, also a lower bound, and the text starts "≥" or "≤". Without, each run's own frontier in
    ``runs`` (``spread.per_run``)."""
    from frontier.analysis.breakeven import run_ranges
    from frontier.analysis.spread import ratio_range

    if points is not None and "tput_a_runs" not in be.at_targets.columns:
        run_ranges(be, points)
    lists = "tput_a_runs" in be.at_targets.columns
    rows = []
    for r in be.at_targets.iter_rows(named=True):
        if r["config_a"] is None or r["config_b"] is None or r["breakeven_price_ratio"] is None:
            rows.append({"target": r["target"], "ratio": None, "text": r["status"]})
            continue
        if lists:
            vals = [r["tput_a_runs"] or [], r["tput_b_runs"] or []]
        else:
            at = runs.filter((pl.col("target") == r["target"]) & pl.col("reachable"))
            vals = [_config_rows(at, be, r[f"config_{k}"])["tput_per_gpu"].drop_nulls().to_list() for k in ("a", "b")]
        rr = ratio_range(vals[0], vals[1])
        mark = {"at least": "≥ ", "at most": "≤ "}.get(r["ratio_bound"] or "", "")
        rows.append({"target": r["target"], "ratio": rr["ratio"], "text": mark + rr["text"]})
    return pl.DataFrame(rows, schema={"target": pl.Float64, "ratio": pl.Float64, "text": pl.String})


# ---------------------------------------------------------------------------------------------------------------
# decisions with their range over runs, as shown (after ``breakeven.run_ranges``)

RUNS_NOTE = (
    "Pooled newest points: read off one frontier of each config's newest points, which can mix runs. Over runs: "
    "the min–max of the same figure read off each run's own frontier of the chosen config, with the number of "
    "runs (A and B); a side read below its measured range gives each run's best point faster than the target, a "
    "bound like the pooled value (≤ / ≥)."
)


RUNS_FORMATS = {  # the fleet and payback tables' pooled columns, named as such beside the ranges over runs
    "GPUs, pooled newest points": ",.0f",
    "$ per month, pooled newest points": "${:,.0f}",
    "payback months, pooled newest points": "{:.1f}",
}


def _runs_at(be: BreakEven) -> dict[float, tuple[int, int]]:
    return {float(r["target"]): (r["runs_a"], r["runs_b"]) for r in be.at_targets.iter_rows(named=True)}


def views_with_runs(be: BreakEven) -> pl.DataFrame:
    """``breakeven.views_view`` with each decision's range over runs beside it ($/M of A and B, cost A ÷ B, and
    whether the same side wins in every run); the single values are named as the pooled newest points. The
    dashboard's comparison wording stays in JSON (``by_view``), out of the table."""
    from frontier.analysis.breakeven import POOLED, views_view
    from frontier.analysis.spread import span_text

    view = views_view(be).drop("comparison", strict=False)
    if "cost_a_min" not in be.by_view.columns:
        return view
    runs = _runs_at(be)
    cells: dict[str, list[str | None]] = {"a": [], "b": [], "ratio": [], "every": []}
    for r in be.by_view.iter_rows(named=True):
        na, nb = runs.get(float(r["target"]), (0, 0))
        la, lb = bool(r["tput_a_lower_bound"]), bool(r["tput_b_lower_bound"])
        cells["a"].append(span_text(r["cost_a_min"], r["cost_a_max"], na, fmt="${:.3f}", mark="≤ " if la else ""))
        cells["b"].append(span_text(r["cost_b_min"], r["cost_b_max"], nb, fmt="${:.3f}", mark="≤ " if lb else ""))
        mark = "≤ " if la and not lb else "≥ " if lb and not la else ""
        ratio = span_text(r["cost_ratio_min"], r["cost_ratio_max"], na, nb, fmt="{:.2f}×", mark=mark)
        cells["ratio"].append(None if la and lb else ratio)
        every = r["winner_in_every_run"]
        one = "one run each" if na <= 1 and nb <= 1 else "yes"
        cells["every"].append(None if every is None else one if every else "no: the winner changes between runs")
    out = view.rename(
        {"$/M A": f"$/M A, {POOLED}", "$/M B": f"$/M B, {POOLED}", "cost A ÷ B": f"cost A ÷ B, {POOLED}"}
    ).with_columns(
        pl.Series("$/M A over runs", cells["a"], pl.String),
        pl.Series("$/M B over runs", cells["b"], pl.String),
        pl.Series("cost A ÷ B over runs", cells["ratio"], pl.String),
        pl.Series("same winner in every run", cells["every"], pl.String),
    )
    first = [c for c in out.columns if not c.startswith(("$/M", "cost A", "winner", "same winner"))]
    return out.select(
        *first,
        f"$/M A, {POOLED}",
        "$/M A over runs",
        f"$/M B, {POOLED}",
        "$/M B over runs",
        f"cost A ÷ B, {POOLED}",
        "cost A ÷ B over runs",
        "winner",
        "same winner in every run",
    )


def fleet_with_runs(
    be: BreakEven, fleet_costs: pl.DataFrame, sizes: pl.DataFrame, target: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the fleet table as shown, with GPUs and $ per month over the runs of each side's config beside the
    pooled values; the fleet rows for JSON with ``gpus_min/_max``, ``monthly_cost_min/_max`` and ``runs``).
    ``sizes``: ``fleet.run_ranges``' first frame."""
    from frontier.analysis.breakeven import POOLED
    from frontier.analysis.fleet import fleet_view
    from frontier.analysis.spread import span_text

    na, nb = _runs_at(be).get(float(target), (0, 0))
    runs = {be.side_a.name: na, be.side_b.name: nb}
    rows = fleet_costs.join(sizes, on=["side", "price_label"], how="left").with_columns(
        runs=pl.col("side").replace_strict(runs, default=0, return_dtype=pl.Int64)
    )
    gpus, monthly = [], []
    for r in rows.iter_rows(named=True):
        mark = "≤ " if r["tput_lower_bound"] else ""
        gpus.append(span_text(r["gpus_min"], r["gpus_max"], r["runs"], fmt="{:,.0f}", mark=mark))
        monthly.append(span_text(r["monthly_cost_min"], r["monthly_cost_max"], r["runs"], fmt="${:,.0f}", mark=mark))
    view = fleet_view(fleet_costs).rename({"GPUs": f"GPUs, {POOLED}", "$ per month": f"$ per month, {POOLED}"})
    view = view.with_columns(
        pl.Series("GPUs over runs", gpus, pl.String), pl.Series("$ per month over runs", monthly, pl.String)
    )
    order = [c for c in view.columns if c not in ("GPUs over runs", "$ per month over runs")]
    order.insert(order.index(f"GPUs, {POOLED}") + 1, "GPUs over runs")
    order.insert(order.index(f"$ per month, {POOLED}") + 1, "$ per month over runs")
    return view.select(order), rows


def payback_with_runs(
    be: BreakEven, payback: pl.DataFrame, pay: pl.DataFrame | None, target: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the payback table as shown, with months to pay back over runs beside the pooled value; the payback rows
    for JSON with ``payback_months_min/_max``). ``pay``: ``fleet.run_ranges``' second frame: the shortest pairs
    the old side's slowest run with the new side's fastest, the longest the other way round."""
    from frontier.analysis.breakeven import POOLED
    from frontier.analysis.fleet import migration_view
    from frontier.analysis.spread import runs_words

    view = migration_view(payback)
    if pay is None:
        return view, payback
    rows = payback.join(pay, on="price_label", how="left")
    runs = f"({runs_words(*_runs_at(be).get(float(target), (0, 0)))})"
    cells = []
    for r in rows.iter_rows(named=True):
        lo, hi = r["payback_months_min"], r["payback_months_max"]
        if lo is None:
            cells.append(None if r["payback_months"] is not None else f"never {runs}")
        elif hi is None:
            cells.append(f"{lo:.1f} to never, in the slowest runs {runs}")
        else:
            cells.append(f"{lo:.1f} {runs}" if f"{lo:.1f}" == f"{hi:.1f}" else f"{lo:.1f}–{hi:.1f} {runs}")
    view = view.rename({"payback months": f"payback months, {POOLED}"}).with_columns(
        pl.Series("payback months over runs", cells, pl.String)
    )
    order = [c for c in view.columns if c != "payback months over runs"]
    order.insert(order.index(f"payback months, {POOLED}") + 1, "payback months over runs")
    return view.select(order), rows


# ---------------------------------------------------------------------------------------------------------------
# the finding in a few sentences


def _ratio_words(ratio: pl.DataFrame, target: float, pooled: float) -> str:
    """The throughput ratio as the median over runs with its range ("4.29× (4.26–4.32×, 1 and 2 runs; pooled
    newest points 4.32×)"), or the pooled value where no run range was measured."""
    rows = ratio.filter((pl.col("target") - target).abs() < 1e-9)
    if rows.height == 0 or rows["ratio"][0] is None:
        return f"{pooled:.2f}× (pooled newest points; no run range measured)"
    text = str(rows["text"][0]).removeprefix("≥ ").removeprefix("≤ ")
    if f"{pooled:.2f}" == f"{rows['ratio'][0]:.2f}":
        return text
    return f"{text[:-1]}; pooled newest points {pooled:.2f}×)" if text.endswith(")") else text


def headline(be: BreakEven, ratio: pl.DataFrame, target: float) -> list[str]:
    """Two or three plain sentences of what the brief found at ``target`` (tok/s/user): the configs compared and
    their throughput ratio with its run-to-run range (``ratio``: :func:`ratio_with_spread`), which side is cheaper
    per token under the price views and whether they agree, and the caveat that matters most."""
    rows = be.at_targets.filter((pl.col("target") - target).abs() < 1e-9)
    if be.status != "ok" or rows.height == 0:
        return [f"{be.side_b.name} → {be.side_a.name}, {be.model} {be.isl}/{be.osl}: nothing compared ({be.status})."]
    r = rows.row(0, named=True)
    pair = labels.pair_label(r["config_b"] or be.side_b.name, r["config_a"] or be.side_a.name)
    how = "like for like" if be.match == "like-for-like" else "best config of each side (set-ups differ)"
    if r["breakeven_price_ratio"] is None:
        return [f"{pair}, {be.model} {be.isl}/{be.osl} ({how}): at {target:g} tok/s/user {r['status']}."]
    mark = {"at least": "at least ", "at most": "at most "}.get(r["ratio_bound"] or "", "")
    out = [
        f"{pair}, {be.model} {be.isl}/{be.osl} ({how}): at {target:g} tok/s/user the new side serves "
        f"{mark}{_ratio_words(ratio, target, r['breakeven_price_ratio'])} the old side's tok/s/GPU, so it is cheaper "
        f"per token up to {mark}that multiple of the old side's $/GPU-hour."
    ]
    views = be.by_view.filter((pl.col("target") - target).abs() < 1e-9)
    won = views.filter(pl.col("winner").is_not_null())
    if won.height:
        winners = sorted(set(won["winner"].to_list()))
        ratios = [float(x) for x in won["cost_ratio"].drop_nulls().to_list()]
        bound = "at most " if r["tput_a_lower_bound"] else "at least " if r["tput_b_lower_bound"] else ""
        span = f" (cost new ÷ old {bound}{min(ratios):.2f}–{max(ratios):.2f}×)" if ratios else ""
        if len(winners) == 1:
            out.append(
                f"{winners[0]} is cheaper per token under all {won.height} price views"
                if winners[0] != "tie"
                else f"It is a tie under all {won.height} price views"
            )
            out[-1] += f"{span}: {'; '.join(won['price_label'].to_list())}."
        else:
            each = "; ".join(f"{w['winner']} under {w['price_label']}" for w in won.iter_rows(named=True))
            out.append(f"The price views disagree{span}: {each}.")
    caveat = next(
        (
            n
            for n in be.notes
            if n.startswith(("The like-for-like configs never overlap", "Best of each", "No config of"))
        ),
        None,
    )
    if r["ratio_bound"]:
        k = "a" if r["tput_a_lower_bound"] else "b"
        bounded = be.side_a.name if k == "a" else be.side_b.name
        why = (
            f"{bounded} is read there at its slowest measured point ({r[f'slowest_{k}']:.1f} tok/s/user), a lower bound"
        )
        caveat = f"{caveat.rstrip('.')}; {why}." if caveat else why[0].upper() + why[1:] + "."
    if caveat:
        out.append(caveat)
    return out


# ---------------------------------------------------------------------------------------------------------------
# one call for scripts: break-even (and optionally fleet and payback) as a JSON-ready dict


def parse_sides(spec: str) -> tuple[Side, Side]:
    """``"b200/fp4 vs h100/fp8"`` → (A, B), written as the precision notebook's cross-silicon specs."""
    if " vs " not in spec:
        raise ValueError(f"sides {spec!r}: write them as 'gpu/precision vs gpu/precision', e.g. 'b200/fp4 vs h100/fp8'")
    a, b = (s.strip() for s in spec.split(" vs ", 1))
    return side(a), side(b)


def decision(
    points: pl.DataFrame,
    sides: str,
    targets: Any,
    sources: Sequence[Pricing],
    *,
    work: Workload | None = None,
    migration_cost: float | None = None,
    match: str = "like-for-like",
) -> tuple[BreakEven, dict[str, Any]]:
    """Break-even of A against B (``sides`` = "A vs B") at ``targets`` under every view of ``sources``, configs
    paired as ``match`` says (:data:`frontier.analysis.breakeven.MATCHES`); with a workload, also the fleet each side
    needs
    and, with a migration cost, the payback of moving from B to A."""
    from frontier.analysis.fleet import caveats as fleet_caveats
    from frontier.analysis.fleet import fleet_cost, sides_from_break_even
    from frontier.analysis.fleet import migration as payback_table

    a, b = parse_sides(sides)
    res = break_even_from(points, a, b, targets, sources, extra=[work.target] if work else [], match=match)
    out = res.records()
    if work is not None and res.status == "ok":
        new, old = sides_from_break_even(res, work.target)
        out["workload"] = work.assumptions()
        out["fleet"] = fleet_cost(work, [old, new], res.views).to_dicts()
        out["fleet_notes"] = fleet_caveats(work, old, new)
        if migration_cost is not None:
            out["payback"] = payback_table(work, old, new, res.views, migration_cost).to_dicts()
    return res, out


def break_even_from(
    points: pl.DataFrame,
    a: Side,
    b: Side,
    targets: Any,
    sources: Sequence[Pricing],
    extra: Sequence[float] = (),
    match: str = "like-for-like",
) -> BreakEven:
    """:func:`frontier.analysis.breakeven.break_even` with ``extra`` targets added (e.g. the workload's
    interactivity)."""
    from frontier.analysis.breakeven import break_even
    from frontier.analysis.iso import targets_from

    tl = targets_from(targets)
    tl = sorted(set(tl) | {float(t) for t in extra})
    return break_even(points, a, b, tl, sources, match=match)


# ---------------------------------------------------------------------------------------------------------------
# the scope when the parameters leave it open: model, ISL/OSL, the two sides, targets

GPU_GENERATIONS_CSV = paths.PACKAGE_DATA / "gpu_generations.csv"
#: bits per weight of a precision: on one GPU, the old side is the wider precision and the new side the narrower
PRECISION_BITS = {"bf16": 16, "fp16": 16, "fp8": 8, "int8": 8, "fp4": 4, "int4": 4, "mxfp4": 4, "nvfp4": 4}
N_TARGETS = 3


def gpu_generations() -> dict[str, str]:
    """GPU → month it first shipped (``YYYY-MM``), the order that says which GPU is older
    (``lib/frontier/data/gpu_generations.csv``, each row sourced)."""
    t = pl.read_csv(GPU_GENERATIONS_CSV, schema={"gpu": pl.String, "first_shipped": pl.String, "source": pl.String})
    return dict(zip(t["gpu"].str.to_lowercase(), t["first_shipped"], strict=True))


@dataclass
class MigrationScope:
    """What a migration brief compares: one model and ISL/OSL, the old and new side (``gpu/precision``), the
    targets (tok/s/user) and the workload's interactivity; ``notes`` say how each open parameter was chosen;
    ``problem`` (non-empty) says why the data cannot support a migration comparison."""

    model: str
    isl: int
    osl: int
    side_old: str
    side_new: str
    targets: list[float]
    workload_target: float
    points: pl.DataFrame
    notes: list[str] = field(default_factory=list)
    problem: str = ""


def _sides_of(points: pl.DataFrame) -> pl.DataFrame:
    """One row per GPU/precision side: hardware, precision, points (``n``)."""
    return (
        points.with_columns(pl.col("hardware").str.to_lowercase(), pl.col("precision").str.to_lowercase())
        .group_by("hardware", "precision")
        .len("n")
        .sort("hardware", "precision")
    )


def _has_sides(points: pl.DataFrame, given: Sequence[str]) -> bool:
    return all(breakeven.matching(points, side(s)).height for s in given)


def _pick(points: pl.DataFrame, keys: list[str], given: Sequence[str]) -> tuple[tuple[Any, ...] | None, str]:
    """The most-measured value of ``keys`` whose points hold at least two sides (and every given side); None when
    none does, with the counts as text."""
    counts = points.group_by(keys).len("n").sort(["n", *keys], descending=[True] + [False] * len(keys))
    for row in counts.iter_rows():
        sub = points.filter(pl.all_horizontal([pl.col(k) == v for k, v in zip(keys, row, strict=False)]))
        if _sides_of(sub).height >= 2 and _has_sides(sub, given):
            return row[:-1], ", ".join(f"{'/'.join(map(str, r[:-1]))} ({r[-1]} points)" for r in counts.iter_rows())
    return None, ", ".join(f"{'/'.join(map(str, r[:-1]))} ({r[-1]} points)" for r in counts.iter_rows())


def choose_sides(points: pl.DataFrame) -> tuple[str, str, str]:
    """(old, new, the rule as text) for points of one model and ISL/OSL holding at least two GPU/precision sides.

    Old = the GPU that shipped first (:func:`gpu_generations`), new = the one that shipped last. Their precisions:
    like for like (:func:`like_precisions`): the same precision on both where they share one with configs of the
    same engine, speculative decoding and serving mode, those whose frontiers overlap in interactivity first; else
    each GPU's most-measured precision (ties: the narrower on the new side, the wider on the old). When one GPU is
    measured, old = its widest precision, new = its narrowest. GPUs the generation table does not know are left out
    while two known ones remain. Raises ValueError with fewer than two sides."""
    sides = _sides_of(points)
    if sides.height < 2:
        raise ValueError(
            f"one GPU/precision side only ({', '.join(f'{h}/{p}' for h, p, _ in sides.iter_rows())}): "
            "a migration compares two"
        )
    sides = sides.with_columns(
        bits=pl.col("precision").replace_strict(PRECISION_BITS, default=99, return_dtype=pl.Int64)
    )
    gens = gpu_generations()
    gpus = sides.group_by("hardware").agg(pl.col("n").sum()).sort("hardware")
    known = [g for g in gpus["hardware"] if g in gens]
    unknown = [g for g in gpus["hardware"] if g not in gens]
    if len(known) >= 2:
        order = sorted(known, key=lambda g: (gens[g], g))
        old_gpu, new_gpu = order[0], order[-1]
        rule = (
            f"old = the GPU in the data that shipped first ({old_gpu}, {gens[old_gpu]}), new = the one that "
            f"shipped last ({new_gpu}, {gens[new_gpu]}) (ship dates: lib/frontier/data/gpu_generations.csv)"
        )
        if unknown:
            rule += f"; GPUs without a ship date were not considered: {', '.join(unknown)}"
    elif gpus.height >= 2:
        order = gpus.sort(["n", "hardware"], descending=[True, False])["hardware"].to_list()
        old_gpu, new_gpu = order[1], order[0]
        rule = (
            f"no ship date is known for {', '.join(unknown)}: old = {old_gpu} and new = {new_gpu}, the two "
            "most-measured GPUs (new the more measured)"
        )
    else:
        gpu = gpus["hardware"][0]
        by_bits = sides.sort(["bits", "n"], descending=[True, True])
        old, new = f"{gpu}/{by_bits['precision'][0]}", f"{gpu}/{by_bits['precision'][-1]}"
        return old, new, f"one GPU ({gpu}) is measured: old = its widest precision, new = its narrowest"
    old, new, how = like_precisions(points, old_gpu, new_gpu)
    if not old:
        old = _best_precision(sides, old_gpu, widest=True)
        new = _best_precision(sides, new_gpu, widest=False)
    return old, new, f"{rule}; {how}"


def like_precisions(points: pl.DataFrame, old_gpu: str, new_gpu: str) -> tuple[str, str, str]:
    """(old side, new side, how chosen) for two GPUs: the precision pair with like-for-like configs (same engine,
    speculative decoding and serving mode), ranked: the same precision on both first, then configs sharing an
    engine, then frontiers that overlap in interactivity (widest first), then the most points. ("", "", why) when
    no precision pair has a like-for-like config."""
    cfg = _pair_configs(points)
    precs = {g: sorted(set(cfg.filter(pl.col("hardware") == g)["precision"].to_list())) for g in (old_gpu, new_gpu)}
    ranked = []
    for po in precs[old_gpu]:
        for pn in precs[new_gpu]:
            a, b = side(f"{new_gpu}/{pn}"), side(f"{old_gpu}/{po}")
            pairs = breakeven.like_pairs(cfg, a, b)
            if pairs.height == 0:
                continue
            top = pairs.row(0, named=True)
            engines = cfg.filter(pl.col("curve_id").is_in([top["curve_id_a"], top["curve_id_b"]]))["framework"]
            key = (po != pn, engines.n_unique() > 1, top["overlap"] < 0, -top["overlap"], -len(pairs))
            ranked.append((key, b.name, a.name, top))
    if not ranked:
        return "", "", "no precision of the two has configs with the same engine, speculative decoding and serving mode"
    key, old, new, top = min(ranked, key=lambda r: r[0])
    how = (
        f"like for like, {old} and {new}: "
        + ("the same precision" if not key[0] else "no precision both GPUs share has like-for-like configs")
        + (", the same engine" if not key[1] else ", engines differ (no shared one)")
        + ", speculative decoding and serving mode"
        + (
            f", frontiers overlapping over {top['overlap']:.1f} tok/s/user"
            if not key[2]
            else " (their frontiers never overlap in interactivity)"
        )
    )
    return old, new, how


def _best_precision(sides: pl.DataFrame, gpu: str, *, widest: bool) -> str:
    on = sides.filter(pl.col("hardware") == gpu).sort(["n", "bits", "precision"], descending=[True, widest, False])
    return f"{gpu}/{on['precision'][0]}"


def _shared_range(points: pl.DataFrame, sides: Sequence[str]) -> tuple[float, float] | None:
    """The interactivity range (tok/s/user) every side reaches with at least one of its configs, else None."""
    from frontier.analysis.scope import curve_ranges

    los, his = [], []
    for s in sides:
        r = curve_ranges(breakeven.matching(points, side(s)))
        if r.height == 0:
            return None
        los.append(float(r["lo"].to_numpy().min()))
        his.append(float(r["hi"].to_numpy().max()))
    lo, hi = max(los), min(his)
    return (lo, hi) if lo <= hi else None


def choose_scope(
    points: pl.DataFrame,
    model: str = "",
    isl: int = 0,
    osl: int = 0,
    side_old: str = "",
    side_new: str = "",
    targets: Sequence[float] = (),
    workload_target: float = 0.0,
    n_targets: int = N_TARGETS,
    match: str = "like-for-like",
) -> MigrationScope:
    """The migration brief's scope on ``points``; parameters left open ("", 0, []) are chosen from the data:
    model → the most-measured model with at least two GPU/precision sides (and the given sides, if any); ISL/OSL →
    the most-measured one within it that has them; sides → :func:`choose_sides`; targets → round values inside the
    interactivity range both sides reach; workload target → the middle target. Raises ValueError when a given model,
    ISL/OSL or side is not in the data; when the data holds fewer than two sides, returns a scope whose ``problem``
    says so. ``match`` (:data:`frontier.analysis.breakeven.MATCHES`): like for like, the targets go where the paired
    configs both reach (or, when they never overlap, where the slower one is measured, the other read as a bound)."""
    given_targets = check_targets(targets)  # the targets' limits, checked before anything is computed
    notes: list[str] = []
    given = [s for s in (side_old, side_new) if s]
    pts, problem = _choose_workload(points, model, isl, osl, given, notes)
    name, seq = str(pts["model"][0]), (int(pts["isl"][0]), int(pts["osl"][0]))
    if problem:
        return MigrationScope(
            name,
            *seq,
            "",
            "",
            [],
            0.0,
            pts,
            notes,
            problem=(
                f"This data cannot support a migration comparison: {problem}. A migration brief compares two "
                "GPU/precision sides of one model at one ISL/OSL."
            ),
        )
    old, new = side_old, side_new
    if not (old and new):
        c_old, c_new, rule = choose_sides(pts)
        if old and old.lower() == c_new or new and new.lower() == c_old:
            c_old, c_new = c_new, c_old
        old, new = old or c_old, new or c_new
        notes.append(f"Sides not given: old side {old}, new side {new}; {rule}.")
    tlist = given_targets or _choose_targets(pts, old, new, n_targets, notes, match)
    wt = float(workload_target) if workload_target else tlist[len(tlist) // 2]
    if not workload_target:
        notes.append(
            f"No workload interactivity was given: the fleet is sized at {wt:g} tok/s/user, the middle target."
        )
    return MigrationScope(name, *seq, old, new, sorted(set(tlist) | {wt}), wt, pts, notes)


def _choose_workload(
    points: pl.DataFrame, model: str, isl: int, osl: int, given: Sequence[str], notes: list[str]
) -> tuple[pl.DataFrame, str]:
    """(points of one model and ISL/OSL, "" or why they cannot support a comparison); choices go to ``notes``."""
    from frontier.data.load import matches

    pts = matches(points, model=model) if model else points
    if pts.height == 0:
        raise ValueError(f"no points match model {model!r}; models in the data: {sorted(set(points['model']))}")
    for col, value in (("isl", isl), ("osl", osl)):
        if value:
            pts = pts.filter(pl.col(col) == value)
            if pts.height == 0:
                raise ValueError(f"no points of model {model or 'any'!r} have {col} {value}")
    _require_sides(pts, given, model or "the data")
    if len(set(pts["model"])) > 1 or not model:
        pick, counts = _pick(pts, ["model"], given)
        if pick is None:
            top = pts.group_by("model").len().sort(["len", "model"], descending=[True, False])["model"][0]
            with_sides = f" including {' and '.join(given)}" if given else ""
            return (
                pts.filter(pl.col("model") == top),
                f"no model in the data has two GPU/precision sides{with_sides} (models: {counts})",
            )
        what = "No model was given" if not model else f"Model {model!r} matches several models"
        notes.append(
            f"{what}: the most-measured model with at least two GPU/precision sides, {pick[0]} "
            f"(models in the data: {counts})."
        )
        pts = pts.filter(pl.col("model") == pick[0])
    name = str(pts["model"][0])
    if pts.select("isl", "osl").unique().height > 1:
        pick, counts = _pick(pts, ["isl", "osl"], given)
        if pick is None:
            return pts, f"no ISL/OSL of {name} has two GPU/precision sides (ISL/OSL measured: {counts})"
        notes.append(
            f"No ISL/OSL was given: {pick[0]}/{pick[1]}, the most-measured with two sides (measured: {counts})."
        )
        pts = pts.filter((pl.col("isl") == pick[0]) & (pl.col("osl") == pick[1]))
    _require_sides(pts, given, f"{name} {pts['isl'][0]}/{pts['osl'][0]}")
    sides = _sides_of(pts)
    if sides.height < 2:
        listed = ", ".join(f"{h}/{p}" for h, p, _ in sides.iter_rows())
        return pts, f"{name} {pts['isl'][0]}/{pts['osl'][0]} has one GPU/precision side only ({listed})"
    return pts, ""


def _choose_targets(
    pts: pl.DataFrame, old: str, new: str, n_targets: int, notes: list[str], match: str = "like-for-like"
) -> list[float]:
    """Round targets (tok/s/user) inside the range both sides reach (like for like: the first like-for-like pair's);
    the reason goes to ``notes``."""
    from frontier.analysis.scope import _round_targets

    if match == "like-for-like":
        tlist = _pair_targets(pts, old, new, n_targets, notes)
        if tlist:
            return tlist
    rng = _shared_range(pts, [old, new])
    if rng is None:
        from frontier.analysis.scope import choose_targets

        sub = pl.concat([breakeven.matching(pts, side(s)) for s in (old, new)])
        tlist, _ = choose_targets(sub, n_targets, notes=notes)
        notes.append(f"{old} and {new} reach no common interactivity: the targets cannot price both sides.")
        return tlist
    tlist = _round_targets(rng[0], rng[1], n_targets)
    notes.append(
        f"No targets were given: {', '.join(f'{t:g}' for t in tlist)} tok/s/user, inside "
        f"{rng[0]:.1f}–{rng[1]:.1f} tok/s/user, the interactivity range both sides reach."
    )
    return tlist


def _pair_targets(pts: pl.DataFrame, old: str, new: str, n_targets: int, notes: list[str]) -> list[float]:
    """Targets for the first like-for-like pair of ``new`` and ``old`` (:func:`frontier.analysis.sides.like_pairs`):
    inside the band both reach; when they never overlap, inside the slower config's range, where the faster one is
    read at its slowest measured point as a lower bound (and the notes say so). Empty when there is no pair."""
    from frontier.analysis.scope import _round_targets

    pairs = breakeven.like_pairs(_pair_configs(pts), side(new), side(old))
    if pairs.height == 0:
        notes.append(
            f"No config of {new} has the same engine, speculative decoding and serving mode as one of {old}: "
            "nothing can be compared like for like."
        )
        return []
    p = pairs.row(0, named=True)
    if p["overlap"] >= 0:
        lo, hi = max(p["lo_a"], p["lo_b"]), min(p["hi_a"], p["hi_b"])
        tlist = _round_targets(lo, hi, n_targets)
        notes.append(
            f"No targets were given: {', '.join(f'{t:g}' for t in tlist)} tok/s/user, inside {lo:.1f}–{hi:.1f} "
            f"tok/s/user, where both like-for-like configs are measured ({p['label_b']} and {p['label_a']})."
        )
        return tlist
    slow, fast = ("b", "a") if p["hi_b"] < p["lo_a"] else ("a", "b")
    tlist = _round_targets(p[f"lo_{slow}"], p[f"hi_{slow}"], n_targets)
    notes.append(
        f"The like-for-like configs never overlap in interactivity: {p['label_b']} is measured at "
        f"{p['lo_b']:.1f}–{p['hi_b']:.1f} tok/s/user, {p['label_a']} at {p['lo_a']:.1f}–{p['hi_a']:.1f}. No target "
        f"has a measured figure on both sides: the targets ({', '.join(f'{t:g}' for t in tlist)} tok/s/user) lie "
        f"where {p[f'label_{slow}']} is measured, and {p[f'label_{fast}']} is read there at its slowest measured "
        f"point ({p[f'lo_{fast}']:.1f} tok/s/user, which serves slower users too): every figure of it is a lower "
        "bound (≥), every ratio a bound."
    )
    return tlist


def _pair_configs(points: pl.DataFrame) -> pl.DataFrame:
    """One row per curve with what :func:`frontier.analysis.sides.like_pairs` reads: its keys, curve_id, label,
    intvty_min/intvty_max (tok/s/user its frontier covers) and frontier_points."""
    from frontier.analysis.pareto import frontier
    from frontier.analysis.scope import X, Y
    from frontier.data.labels import config_key_expr, config_label_expr

    by = [c for c in CURVE_KEY if c in points.columns]
    fr = frontier(points, by, X, Y)
    cfg = fr.group_by("curve_id", *by).agg(
        pl.col(X).min().alias("intvty_min"), pl.col(X).max().alias("intvty_max"), pl.len().alias("frontier_points")
    )
    return cfg.with_columns(config_label_expr(cfg).alias("label"), config_key_expr(by).alias("config_key")).sort(
        "curve_id"
    )


def compared_points(points: pl.DataFrame, be: BreakEven) -> pl.DataFrame:
    """The points of the configs the break-even analysis compares at some target (its ``config_a``/``config_b``)."""
    if be.iso is None:
        return points.head(0)
    used = set(be.at_targets["config_a"].drop_nulls().to_list()) | set(be.at_targets["config_b"].drop_nulls().to_list())
    key = be.iso.configs.filter(pl.col("label").is_in(sorted(used))).select(CURVE_KEY)
    return points.join(key, on=list(CURVE_KEY), how="semi", nulls_equal=True)


def _require_sides(pts: pl.DataFrame, given: Sequence[str], where: str) -> None:
    missing = [s for s in given if breakeven.matching(pts, side(s)).height == 0]
    if missing:
        have = ", ".join(f"{h}/{p}" for h, p, _ in _sides_of(pts).iter_rows())
        raise ValueError(f"{where} has no points of side {' or '.join(missing)} (sides: {have})")
