"""The migration brief: one model, the fleet today (old side) and the fleet to move to (new side).

Puts together what the ``migration`` notebook shows, each part with its caveats: the physical bounds of each side
(batch-1 decode floor and KV-cache budget, :mod:`frontier.bounds`), the iso table with run-to-run spread
(:mod:`frontier.spread`), break-even prices under every price view (:mod:`frontier.breakeven`), fleet cost and
payback (:mod:`frontier.fleet`), and a published cost table recomputed from its own stated inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from . import bounds, breakeven, paths
from .breakeven import (
    BreakEven,
    PriceView,
    Side,
    price_table_from_mapping,
    published_check,
    published_ratio_check,
    side,
)
from .economics import Pricing
from .fleet import FleetSide, Workload
from .iso import check_targets
from .load.normalise import SYNTHETIC_SUFFIX
from .schema import CURVE_KEY

__all__ = [
    "BOUNDS_CAVEATS",
    "BOUNDS_FORMATS",
    "PUBLISHED_FORMATS",
    "bounds_view",
    "choose_scope",
    "choose_sides",
    "decision",
    "fleet_sides",
    "gpu_generations",
    "implied_ratios",
    "input_paths",
    "pricings",
    "published_ratio_view",
    "published_tables",
    "published_view",
    "ratio_with_spread",
    "sensitivity_view",
    "side_bounds",
    "workload",
]


def input_paths(data_paths: Sequence[str]) -> list[str]:
    """The inputs a notebook loads: the given paths (relative ones from the project root), else the sample."""
    out = [str(Path(p) if Path(p).is_absolute() else paths.ROOT / p) for p in data_paths]
    return out or [str(paths.SAMPLE_DIR)]


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
    from .fleet import sides_from_break_even

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
    "gpus": pl.Int64,
    "floor_ms_per_token": pl.Float64,
    "floor_tok_s_user": pl.Float64,
    "weights_gb": pl.Float64,
    "kv_budget_gb": pl.Float64,
    "max_concurrency": pl.Int64,
    "note": pl.String,
}


def side_bounds(
    model: str, sides: Sequence[FleetSide | Side], isl: int, osl: int, precisions: Mapping[str, str] | None = None
) -> pl.DataFrame:
    """Per side: the batch-1 decode floor (ms/token, tok/s/user) and the KV-cache budget (GB) with the concurrency
    it allows at ISL + OSL, on the GPUs of the side's serving replica (a :class:`FleetSide`) or one GPU. A model,
    GPU or precision the spec tables do not know gets a note, not a number."""
    base = model.replace(SYNTHETIC_SUFFIX, "")
    rows = []
    for s in sides:
        name = s.name
        gpu = s.gpu
        n = s.replica_gpus if isinstance(s, FleetSide) else 1
        prec = (precisions or {}).get(name) or side(name).filters.get("precision", "")
        try:
            f = bounds.decode_floor(base, prec, gpu, n)
            kv = bounds.kv_cache_budget(base, prec, gpu, n, isl, osl)
            note = f"{f.weight_bytes / 1e9:.1f} GB streamed per token over {n} × {f.bandwidth_tb_s:g} TB/s" + (
                "" if kv.fits else "; the weights do not fit with room for one sequence"
            )
            rows.append(
                {
                    "side": name,
                    "gpu": gpu,
                    "precision": prec,
                    "gpus": n,
                    "floor_ms_per_token": f.ms_per_token,
                    "floor_tok_s_user": f.tok_s_user,
                    "weights_gb": kv.weights_gb,
                    "kv_budget_gb": kv.kv_budget_gb,
                    "max_concurrency": kv.max_concurrency,
                    "note": note,
                }
            )
        except (KeyError, ValueError) as e:
            rows.append({"side": name, "gpu": gpu, "precision": prec, "gpus": n, "note": f"no bound: {e}"})
    return pl.DataFrame(rows, schema=BOUNDS_SCHEMA)


BOUNDS_FORMATS = {
    "GPUs": ",.0f",
    "floor ms/token": "{:.2f}",
    "floor tok/s/user": ",.0f",
    "weights GB": ",.1f",
    "KV budget GB": ",.0f",
    "sequences at ISL + OSL": ",.0f",
}


def bounds_view(b: pl.DataFrame) -> pl.DataFrame:
    """:func:`side_bounds` with readable column names."""
    return b.select(
        pl.col("side"),
        pl.col("gpus").alias("GPUs"),
        pl.col("floor_ms_per_token").alias("floor ms/token"),
        pl.col("floor_tok_s_user").alias("floor tok/s/user"),
        pl.col("weights_gb").alias("weights GB"),
        pl.col("kv_budget_gb").alias("KV budget GB"),
        pl.col("max_concurrency").alias("sequences at ISL + OSL"),
        pl.col("note").alias("inputs"),
    )


BOUNDS_CAVEATS = [
    (
        "Bounds, not predictions: the decode floor is the time to stream the active weights once from HBM at batch 1 "
        "(no measured point can be faster without speculative decoding); the KV budget is HBM left after weights at "
        "90 % usable memory, and the concurrency it allows holds every sequence at full ISL + OSL context."
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


PUBLISHED_FORMATS = {
    "$/GPU-hour": "${:.2f}",
    "tok/s/GPU": ",.0f",
    "published": "{:g}",
    "computed": "{:.4f}",
    "difference": "{:+.4f}",
}


def published_view(costs: pl.DataFrame) -> pl.DataFrame:
    return costs.select(
        pl.col("gpu"),
        pl.col("view"),
        pl.col("price").alias("$/GPU-hour"),
        pl.col("tput").alias("tok/s/GPU"),
        pl.col("published"),
        pl.col("computed"),
        pl.col("difference"),
        pl.col("verdict"),
    )


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
    return ratios.select(
        pl.col("view"),
        pl.col("pricier"),
        pl.col("cheaper"),
        pl.col("published"),
        pl.col("computed"),
        pl.col("difference"),
        pl.col("verdict"),
    )


# ---------------------------------------------------------------------------------------------------------------
# the throughput ratio of the chosen configs, with its run-to-run range


def _config_rows(runs: pl.DataFrame, be: BreakEven, label: str) -> pl.DataFrame:
    """The rows of ``runs`` of the config the break-even analysis labels ``label`` (matched on the curve key, as
    labels depend on which configs are shown together)."""
    assert be.iso is not None
    key = be.iso.configs.filter(pl.col("label") == label).select(CURVE_KEY)
    return runs.join(key, on=list(CURVE_KEY), how="semi", nulls_equal=True)


def ratio_with_spread(be: BreakEven, runs: pl.DataFrame) -> pl.DataFrame:
    """Per target: tok/s/GPU of A's best config ÷ B's, as "N.NN× (lo–hi×, k runs)" over each config's runs."""
    from .spread import ratio_range

    rows = []
    for r in be.at_targets.iter_rows(named=True):
        if r["config_a"] is None or r["config_b"] is None:
            rows.append({"target": r["target"], "ratio": None, "text": r["status"]})
            continue
        at = runs.filter((pl.col("target") == r["target"]) & pl.col("reachable"))
        va = _config_rows(at, be, r["config_a"])["tput_per_gpu"].drop_nulls().to_list()
        vb = _config_rows(at, be, r["config_b"])["tput_per_gpu"].drop_nulls().to_list()
        rr = ratio_range(va, vb)
        rows.append({"target": r["target"], "ratio": rr["ratio"], "text": rr["text"]})
    return pl.DataFrame(rows, schema={"target": pl.Float64, "ratio": pl.Float64, "text": pl.String})


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
) -> tuple[BreakEven, dict[str, Any]]:
    """Break-even of A against B (``sides`` = "A vs B") at ``targets`` under every view of ``sources``; with a
    workload, also the fleet each side needs and, with a migration cost, the payback of moving from B to A."""
    from .fleet import caveats as fleet_caveats
    from .fleet import fleet_cost, sides_from_break_even
    from .fleet import migration as payback_table

    a, b = parse_sides(sides)
    res = break_even_from(points, a, b, targets, sources, extra=[work.target] if work else [])
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
    points: pl.DataFrame, a: Side, b: Side, targets: Any, sources: Sequence[Pricing], extra: Sequence[float] = ()
) -> BreakEven:
    """:func:`frontier.breakeven.break_even` with ``extra`` targets added (e.g. the workload's interactivity)."""
    from .breakeven import break_even
    from .iso import targets_from

    tl = targets_from(targets)
    tl = sorted(set(tl) | {float(t) for t in extra})
    return break_even(points, a, b, tl, sources)


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

    Old = the GPU that shipped first (:func:`gpu_generations`), new = the one that shipped last, each at its
    most-measured precision (ties: the narrower precision on the new side, the wider on the old). When one GPU is
    measured, old = its widest precision, new = its narrowest. GPUs the generation table does not know are left
    out while two known ones remain. Raises ValueError with fewer than two sides."""
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
            f"shipped last ({new_gpu}, {gens[new_gpu]}), each at its most-measured precision (ship dates: "
            "lib/frontier/data/gpu_generations.csv)"
        )
        if unknown:
            rule += f"; GPUs without a ship date were not considered: {', '.join(unknown)}"
        old = _best_precision(sides, old_gpu, widest=True)
        new = _best_precision(sides, new_gpu, widest=False)
    elif gpus.height >= 2:
        order = gpus.sort(["n", "hardware"], descending=[True, False])["hardware"].to_list()
        old_gpu, new_gpu = order[1], order[0]
        rule = (
            f"no ship date is known for {', '.join(unknown)}: old = {old_gpu} and new = {new_gpu}, the two "
            "most-measured GPUs (new the more measured), each at its most-measured precision"
        )
        old = _best_precision(sides, old_gpu, widest=True)
        new = _best_precision(sides, new_gpu, widest=False)
    else:
        gpu = gpus["hardware"][0]
        by_bits = sides.sort(["bits", "n"], descending=[True, True])
        old, new = f"{gpu}/{by_bits['precision'][0]}", f"{gpu}/{by_bits['precision'][-1]}"
        rule = f"one GPU ({gpu}) is measured: old = its widest precision, new = its narrowest"
    return old, new, rule


def _best_precision(sides: pl.DataFrame, gpu: str, *, widest: bool) -> str:
    on = sides.filter(pl.col("hardware") == gpu).sort(["n", "bits", "precision"], descending=[True, widest, False])
    return f"{gpu}/{on['precision'][0]}"


def _shared_range(points: pl.DataFrame, sides: Sequence[str]) -> tuple[float, float] | None:
    """The interactivity range (tok/s/user) every side reaches with at least one of its configs, else None."""
    from .scope import curve_ranges

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
) -> MigrationScope:
    """The migration brief's scope on ``points``; parameters left open ("", 0, []) are chosen from the data:
    model → the most-measured model with at least two GPU/precision sides (and the given sides, if any); ISL/OSL →
    the most-measured one within it that has them; sides → :func:`choose_sides`; targets → round values inside the
    interactivity range both sides reach; workload target → the middle target. Raises ValueError when a given model,
    ISL/OSL or side is not in the data; when the data holds fewer than two sides, returns a scope whose ``problem``
    says so."""
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
    tlist = given_targets or _choose_targets(pts, old, new, n_targets, notes)
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
    from .load import matches

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


def _choose_targets(pts: pl.DataFrame, old: str, new: str, n_targets: int, notes: list[str]) -> list[float]:
    """Round targets (tok/s/user) inside the range both sides reach; the reason goes to ``notes``."""
    from .scope import _round_targets, choose_targets

    rng = _shared_range(pts, [old, new])
    if rng is None:
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


def _require_sides(pts: pl.DataFrame, given: Sequence[str], where: str) -> None:
    missing = [s for s in given if breakeven.matching(pts, side(s)).height == 0]
    if missing:
        have = ", ".join(f"{h}/{p}" for h, p, _ in _sides_of(pts).iter_rows())
        raise ValueError(f"{where} has no points of side {' or '.join(missing)} (sides: {have})")
