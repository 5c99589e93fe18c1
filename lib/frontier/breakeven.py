"""Break-even prices: at what $/GPU-hour do two sides cost the same per token, and who wins under each price view.

Two sides (e.g. ``h100/fp8`` and ``b200/fp4``, written as for the precision notebook's cross-silicon specs) are
compared within ONE model and ISL/OSL (never across models: a side with no config of that model and sequence
lengths is reported as having no like-for-like partner). At each target interactivity (tok/s/user) each side is its
best config there: the highest throughput per GPU, which within one GPU is also the lowest cost under every price.

- $/M tokens = $/GPU-hour ÷ (tok/s/GPU × 3600 / 1e6), so A and B cost the same per token when
  price_A ÷ price_B = tput_A ÷ tput_B: the **break-even price ratio**. A's break-even price is
  price_B × tput_A ÷ tput_B ($/GPU-hour); below it A is cheaper per token.
- Under every price view at once (the GPU table's views ``costh``/``costn``/``costr`` of the version in use, and
  every column of a user price table such as ``on_demand``, ``spot``): cost A, cost B, the cost ratio A ÷ B and who
  wins; a ratio (pricier ÷ cheaper) under 1.01 is a tie (spec §4).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from .compare import LIKE_FOR_LIKE, NO_PARTNER, TIE_RATIO, parse_side, ratio_words
from .economics import Pricing, cost_per_million
from .iso import IsoResult, iso_table
from .labels import view_words

__all__ = [
    "POOLED",
    "run_ranges",
    "runs_view",
    "BreakEven",
    "FORMATS",
    "PriceView",
    "Side",
    "break_even",
    "caveats",
    "chart_target",
    "check_published",
    "curves",
    "decimals_of",
    "matching",
    "one_scope",
    "price_table_from_mapping",
    "price_views",
    "published_check",
    "published_ratio_check",
    "side",
    "targets_view",
    "views_view",
]

# ---------------------------------------------------------------------------------------------------------------
# price views: one $/GPU-hour per GPU, named by its table, column and date


@dataclass(frozen=True)
class PriceView:
    """One column of one price table: ``prices`` maps GPU → $/GPU-hour."""

    view: str
    table: str
    as_of: str | None
    prices: dict[str, float]

    @property
    def label(self) -> str:
        """``view in words · table · as of date`` (every price names its table, view and date)."""
        if not self.as_of:
            return f"{view_words(self.view)} · {self.table} · undated"
        when = "" if self.as_of in self.table else f" · as of {self.as_of}"  # the table's name may carry its dates
        return f"{view_words(self.view)} · {self.table}{when}"

    def price(self, gpu: str) -> float | None:
        p = self.prices.get(gpu)
        return p if p is not None and math.isfinite(p) and p > 0 else None


def _as_of(pricing: Pricing) -> str | None:
    for col in ("effective_from", "date"):
        if col in pricing.table.columns:
            vals = pricing.table[col].drop_nulls()
            if vals.len():
                return str(vals.cast(pl.String).max())
    return getattr(pricing, "as_of", None)


def price_views(pricings: Iterable[Pricing]) -> list[PriceView]:
    """Every view of every pricing, as :class:`PriceView` (a pricing listing a GPU twice is an error)."""
    out: list[PriceView] = []
    for pr in pricings:
        dup = pr.table.filter(pl.col("gpu").is_duplicated())["gpu"].unique().sort().to_list()
        if dup:
            raise ValueError(f"{pr.label}: GPU(s) listed more than once: {dup}")
        when = _as_of(pr)
        for v in pr.views:
            col = pr.table[v].cast(pl.Float64)
            prices = {g: p for g, p in zip(pr.table["gpu"].to_list(), col.to_list()) if p is not None}
            out.append(PriceView(view=v, table=pr.label, as_of=when, prices=prices))
    names = [pv.label for pv in out]
    if len(set(names)) != len(names):
        raise ValueError(f"two price views share a name: {names}")
    return out


def price_table_from_mapping(
    prices: dict[str, dict[str, float]], *, label: str, as_of: str | None = None, source: str | None = None
) -> Pricing:
    """A user price table from ``{gpu: {view: $/GPU-hour}}`` (e.g. a parameter file's on-demand and spot prices)."""
    if not prices:
        raise ValueError("price table: no GPUs given")
    views = sorted({v for row in prices.values() for v in row})
    rows = []
    for gpu, row in prices.items():
        for v, p in row.items():
            if not isinstance(p, (int, float)) or isinstance(p, bool) or not math.isfinite(p) or p <= 0:
                raise ValueError(f"price table {label}: {gpu} {v} must be a positive $/GPU-hour, got {p!r}")
        rows.append({"gpu": str(gpu).strip().lower(), **{v: (float(row[v]) if v in row else None) for v in views}})
    schema = {"gpu": pl.String, **dict.fromkeys(views, pl.Float64)}
    t = pl.DataFrame(rows, schema=schema)
    if as_of:
        t = t.with_columns(date=pl.lit(str(as_of)))
    if source:
        t = t.with_columns(source=pl.lit(source))
    return Pricing.from_table(t, views=views, label=label)


# ---------------------------------------------------------------------------------------------------------------
# sides


@dataclass(frozen=True)
class Side:
    """A GPU/precision side (``b200/fp4``, ``h200/int4/vllm``): curve-key filters; one GPU, so one price."""

    name: str
    filters: dict[str, str]

    @property
    def gpu(self) -> str:
        return self.filters["hardware"]


def side(spec: str | Side) -> Side:
    """``"b200/fp4"`` → Side (hardware, precision[, framework[, spec method]])."""
    if isinstance(spec, Side):
        return spec
    f = parse_side(spec)
    return Side(name=spec.strip(), filters=f)


def matching(table: pl.DataFrame, s: Side) -> pl.DataFrame:
    """The rows of ``table`` (points, configs or an iso table) that belong to side ``s``."""
    out = table
    for k, v in s.filters.items():
        if k in out.columns:
            out = out.filter(pl.col(k).cast(pl.String).str.to_lowercase() == v)
    return out


def _best_at_targets(iso: IsoResult, s: Side) -> pl.DataFrame:
    """At each target: the config of side ``s`` with the highest throughput (tok/s/GPU). Columns target, config,
    topology, tput (null where no config of the side reaches the target)."""
    t = matching(iso.table, s).filter(pl.col("tput_per_gpu").is_not_null())
    best = (
        t.sort(["target", "tput_per_gpu", "label"], descending=[False, True, False])
        .group_by("target", maintain_order=True)
        .first()
        .select("target", pl.col("label").alias("config"), "topology", pl.col("tput_per_gpu").alias("tput"))
    )
    grid = pl.DataFrame({"target": iso.targets}, schema={"target": pl.Float64})
    return grid.join(best, on="target", how="left").sort("target")


# ---------------------------------------------------------------------------------------------------------------
# the analysis


@dataclass
class BreakEven:
    """Break-even prices of side A against side B.

    at_targets: one row per target (config and tok/s/GPU of each side, break-even price ratio A ÷ B);
    by_view: one row per target × price view (prices, break-even price of A, costs, cost ratio, winner);
    status: "ok" or why nothing is compared (no like-for-like partner); notes: caveats for the report."""

    side_a: Side
    side_b: Side
    model: str
    isl: int
    osl: int
    at_targets: pl.DataFrame
    by_view: pl.DataFrame
    views: list[PriceView]
    status: str
    notes: list[str] = field(default_factory=list)
    iso: IsoResult | None = None

    def records(self) -> dict[str, Any]:
        """JSON-ready: the inputs, the per-target and per-view rows, the status and notes."""
        return {
            "side_a": self.side_a.name,
            "side_b": self.side_b.name,
            "model": self.model,
            "isl": self.isl,
            "osl": self.osl,
            "status": self.status,
            "price_views": [
                {
                    "view": v.view,
                    "table": v.table,
                    "as_of": v.as_of,
                    "label": v.label,
                    "price_a": v.price(self.side_a.gpu),
                    "price_b": v.price(self.side_b.gpu),
                }
                for v in self.views
            ],
            "at_targets": self.at_targets.to_dicts(),
            "by_view": self.by_view.to_dicts(),
            "notes": self.notes,
        }


_AT_TARGET_SCHEMA = {
    "target": pl.Float64,
    "config_a": pl.String,
    "topology_a": pl.String,
    "tput_a": pl.Float64,
    "config_b": pl.String,
    "topology_b": pl.String,
    "tput_b": pl.Float64,
    "breakeven_price_ratio": pl.Float64,
    "status": pl.String,
}
_BY_VIEW_SCHEMA = {
    "target": pl.Float64,
    "view": pl.String,
    "price_table": pl.String,
    "as_of": pl.String,
    "price_label": pl.String,
    "price_a": pl.Float64,
    "price_b": pl.Float64,
    "price_ratio": pl.Float64,
    "breakeven_price_a": pl.Float64,
    "cost_a": pl.Float64,
    "cost_b": pl.Float64,
    "cost_ratio": pl.Float64,
    "winner": pl.String,
    "comparison": pl.String,
}


def one_scope(points: pl.DataFrame) -> tuple[str, int, int]:
    """The single (model, isl, osl) of ``points``; several is an error (break-even never crosses models)."""
    keys = list(LIKE_FOR_LIKE)
    scopes = points.select(keys).unique().sort(keys)
    if scopes.height != 1:
        listed = [f"{m} {i}/{o}" for m, i, o in scopes.iter_rows()]
        raise ValueError(
            "break-even compares within one model and ISL/OSL; the points hold "
            f"{scopes.height}: {listed[:12]} (select one model, isl and osl)"
        )
    m, i, o = scopes.row(0)
    return str(m), int(i), int(o)


def break_even(
    points: pl.DataFrame, side_a: str | Side, side_b: str | Side, targets: Any, pricings: Sequence[Pricing]
) -> BreakEven:
    """Break-even prices of ``side_a`` against ``side_b`` at ``targets`` (tok/s/user) under every view of every
    pricing. ``points`` must hold one model and ISL/OSL (see :func:`one_scope`)."""
    a, b = side(side_a), side(side_b)
    if not pricings:
        raise ValueError("break-even needs at least one price table")
    model, isl, osl = one_scope(points)
    views = price_views(pricings)
    iso = iso_table(points, targets, pricing=pricings[0])
    missing = [s for s in (a, b) if matching(iso.configs, s).height == 0]
    notes: list[str] = []
    if missing:
        have = sorted({f"{h}/{p}" for h, p in iso.configs.select("hardware", "precision").iter_rows()})
        who = " and ".join(s.name for s in missing)
        status = (
            f"{NO_PARTNER}: no {who} config of {model} at {isl}/{osl} in the data "
            f"(this model and ISL/OSL has: {', '.join(have)}); nothing is compared across models"
        )
        empty_t = pl.DataFrame(schema=_AT_TARGET_SCHEMA)
        return BreakEven(
            a, b, model, isl, osl, empty_t, pl.DataFrame(schema=_BY_VIEW_SCHEMA), views, status, [status], iso
        )
    at = _at_targets(iso, a, b)
    rows = [_view_row(r, pv, a, b) for r in at.iter_rows(named=True) for pv in views]
    by_view = pl.DataFrame(rows, schema=_BY_VIEW_SCHEMA).sort("target", "price_label")
    notes += caveats(a, b, at, views)
    return BreakEven(a, b, model, isl, osl, at, by_view, views, "ok", notes, iso)


def _at_targets(iso: IsoResult, a: Side, b: Side) -> pl.DataFrame:
    ba = _best_at_targets(iso, a).rename({"config": "config_a", "topology": "topology_a", "tput": "tput_a"})
    bb = _best_at_targets(iso, b).rename({"config": "config_b", "topology": "topology_b", "tput": "tput_b"})
    out = ba.join(bb, on="target", how="left").with_columns(
        breakeven_price_ratio=pl.col("tput_a") / pl.col("tput_b"),
        status=pl.when(pl.col("tput_a").is_null() & pl.col("tput_b").is_null())
        .then(pl.lit(f"unreachable by {a.name} and {b.name}"))
        .when(pl.col("tput_a").is_null())
        .then(pl.lit(f"unreachable by {a.name}"))
        .when(pl.col("tput_b").is_null())
        .then(pl.lit(f"unreachable by {b.name}"))
        .otherwise(pl.lit("ok")),
    )
    return out.select(list(_AT_TARGET_SCHEMA)).cast(_AT_TARGET_SCHEMA).sort("target")  # type: ignore[arg-type]


def _view_row(r: dict[str, Any], pv: PriceView, a: Side, b: Side) -> dict[str, Any]:
    pa, pb = pv.price(a.gpu), pv.price(b.gpu)
    ta, tb = r["tput_a"], r["tput_b"]
    ca = cost_per_million(pa, ta) if pa is not None and ta else None
    cb = cost_per_million(pb, tb) if pb is not None and tb else None
    words = ratio_words(ca, cb, a.name, b.name)
    if pa is None or pb is None:
        unpriced = [s.name for s, p in ((a, pa), (b, pb)) if p is None]
        text = f"no price for {' and '.join(unpriced)} in {pv.view} ({pv.table}): not compared"
        winner = None
    elif ca is None or cb is None:
        text, winner = words["text"], None
    else:
        text, winner = words["text"], (words["cheaper"] or "tie")
    return {
        "target": r["target"],
        "view": pv.view,
        "price_table": pv.table,
        "as_of": pv.as_of,
        "price_label": pv.label,
        "price_a": pa,
        "price_b": pb,
        "price_ratio": pa / pb if pa is not None and pb is not None else None,
        "breakeven_price_a": pb * ta / tb if pb is not None and ta and tb else None,
        "cost_a": ca,
        "cost_b": cb,
        "cost_ratio": ca / cb if ca is not None and cb is not None else None,
        "winner": winner,
        "comparison": text,
    }


def caveats(a: Side, b: Side, at: pl.DataFrame, views: Sequence[PriceView]) -> list[str]:
    """What a reader must know beside break-even prices."""
    out = [
        (
            f"Break-even price ratio = tok/s/GPU of {a.name} ÷ tok/s/GPU of {b.name} at the same interactivity: "
            f"{a.name} is cheaper per token whenever its $/GPU-hour is below that multiple of {b.name}'s."
        ),
        (
            "Prices are assumptions (a TCO model or list prices), named with their table and date; throughput is the "
            f"only measured figure. A cost ratio under {TIE_RATIO:.2f}× is a tie."
        ),
        "Each side is its best config at each target (any engine, topology and concurrency that matches it).",
    ]
    unreach = at.filter(pl.col("status") != "ok")
    if unreach.height:
        out.append(
            f"{unreach.height} of {at.height} targets are unreachable by at least one side: no ratio is given "
            "there (no extrapolation)."
        )
    undated = sorted({v.table for v in views if not v.as_of})
    if undated:
        out.append(f"Undated price table(s): {', '.join(undated)}; state when the prices were observed.")
    return out


def chart_target(be: BreakEven, preferred: float) -> float | None:
    """``preferred`` (tok/s/user) when both sides reach it, else the first target both reach, else None."""
    ok = be.at_targets.filter(pl.col("status") == "ok")["target"].to_list()
    if not ok:
        return None
    return preferred if any(abs(t - preferred) < 1e-9 for t in ok) else ok[0]


def _grid_targets(iso: IsoResult, a: Side, b: Side, n: int = 40) -> list[float]:
    """``n`` interactivities (tok/s/user) spanning the band both sides reach (empty if they do not overlap)."""

    def span(s: Side) -> tuple[float, float] | None:
        c = matching(iso.configs, s)
        if c.height == 0:
            return None
        return float(c["intvty_min"].min()), float(c["intvty_max"].max())  # type: ignore[arg-type]

    sa, sb = span(a), span(b)
    if sa is None or sb is None:
        return []
    lo, hi = max(sa[0], sb[0]), min(sa[1], sb[1])
    if not hi > lo:
        return []
    return [float(x) for x in np.linspace(lo, hi, n)]


def curves(points: pl.DataFrame, be: BreakEven, n: int = 40) -> pl.DataFrame:
    """Cost ratio A ÷ B and break-even price ratio across the shared band, one row per interactivity × view
    (for charts)."""
    if be.iso is None or be.status != "ok":
        return pl.DataFrame(schema=_BY_VIEW_SCHEMA | {"breakeven_price_ratio": pl.Float64})
    grid = _grid_targets(be.iso, be.side_a, be.side_b, n)
    if not grid:
        return pl.DataFrame(schema=_BY_VIEW_SCHEMA | {"breakeven_price_ratio": pl.Float64})
    iso = iso_table(points, grid, pricing=be.iso.pricing)
    at = _at_targets(iso, be.side_a, be.side_b)
    rows = [
        _view_row(r, pv, be.side_a, be.side_b) | {"breakeven_price_ratio": r["breakeven_price_ratio"]}
        for r in at.iter_rows(named=True)
        for pv in be.views
    ]
    return pl.DataFrame(rows, schema=_BY_VIEW_SCHEMA | {"breakeven_price_ratio": pl.Float64}).sort(
        "price_label", "target"
    )


# ---------------------------------------------------------------------------------------------------------------
# stated throughputs and prices → $/M, checked against published values


def decimals_of(value: str | float) -> int:
    """Digits after the decimal point as printed (``"0.059"`` → 3, ``0.5`` → 1, ``"2,500"`` → 0)."""
    text = str(value).replace(",", "").strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def _stated_costs(prices: Pricing, throughputs: dict[str, float]) -> pl.DataFrame:
    """$/M tokens for stated throughputs (tok/s/GPU per GPU) under every view of ``prices``: gpu, view,
    price ($/GPU-hour), tput, cost_per_m."""
    rows = []
    for pv in price_views([prices]):
        for gpu, tput in throughputs.items():
            p = pv.price(gpu.lower())
            rows.append(
                {
                    "gpu": gpu.lower(),
                    "view": pv.view,
                    "price": p,
                    "tput": float(tput),
                    "cost_per_m": cost_per_million(p, float(tput)) if p is not None else None,
                }
            )
    return pl.DataFrame(
        rows,
        schema={"gpu": pl.String, "view": pl.String, "price": pl.Float64, "tput": pl.Float64, "cost_per_m": pl.Float64},
    )


def check_published(computed: float | None, published: str | float) -> dict[str, Any]:
    """Compare a computed value with a published one within its last printed digit (half a unit of it, after
    rounding the computed value the same way). Returns published, decimals, computed, rounded, difference, verdict."""
    d = decimals_of(published)
    pub = float(str(published).replace(",", ""))
    if computed is None:
        return {
            "published": pub,
            "decimals": d,
            "computed": None,
            "rounded": None,
            "difference": None,
            "verdict": "not computed (no price or throughput)",
        }
    rounded = round(computed, d)
    ok = abs(computed - pub) <= 0.5 * 10.0**-d * (1 + 1e-9)
    diff = computed - pub
    verdict = "matches published" if ok else f"differs from published by {diff:+.{d + 2}f}"
    return {
        "published": pub,
        "decimals": d,
        "computed": computed,
        "rounded": rounded,
        "difference": diff,
        "verdict": verdict,
    }


def published_check(
    prices: Pricing, throughputs: dict[str, float], published: dict[str, dict[str, str | float]]
) -> pl.DataFrame:
    """Recompute a published cost table from its stated inputs: for each GPU and view in ``published``
    ({gpu: {view: $/M as printed}}), $/M = price ÷ (tput × 3600 / 1e6) and the verdict against the printed value."""
    costs = {(r["gpu"], r["view"]): r for r in _stated_costs(prices, throughputs).iter_rows(named=True)}
    rows = []
    for gpu, per_view in published.items():
        for view, pub in per_view.items():
            r = costs.get((gpu.lower(), view))
            if r is None:
                raise ValueError(f"published {gpu} {view}: no stated price or throughput for it")
            chk = check_published(r["cost_per_m"], pub)
            rows.append({"gpu": gpu.lower(), "view": view, "price": r["price"], "tput": r["tput"], **chk})
    schema = {
        "gpu": pl.String,
        "view": pl.String,
        "price": pl.Float64,
        "tput": pl.Float64,
        "published": pl.Float64,
        "decimals": pl.Int64,
        "computed": pl.Float64,
        "rounded": pl.Float64,
        "difference": pl.Float64,
        "verdict": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def published_ratio_check(
    prices: Pricing, throughputs: dict[str, float], ratios: Sequence[dict[str, Any]]
) -> pl.DataFrame:
    """Published cost ratios ``[{"view", "pricier", "cheaper", "published"}]`` (e.g. on_demand h100 ÷ b200 "2.9")
    recomputed from the stated inputs."""
    costs = {(r["gpu"], r["view"]): r["cost_per_m"] for r in _stated_costs(prices, throughputs).iter_rows(named=True)}
    rows = []
    for spec in ratios:
        hi = costs.get((str(spec["pricier"]).lower(), spec["view"]))
        lo = costs.get((str(spec["cheaper"]).lower(), spec["view"]))
        val = hi / lo if hi is not None and lo else None
        rows.append(
            {
                "view": spec["view"],
                "pricier": spec["pricier"],
                "cheaper": spec["cheaper"],
                **check_published(val, spec["published"]),
            }
        )
    schema = {
        "view": pl.String,
        "pricier": pl.String,
        "cheaper": pl.String,
        "published": pl.Float64,
        "decimals": pl.Int64,
        "computed": pl.Float64,
        "rounded": pl.Float64,
        "difference": pl.Float64,
        "verdict": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


# ---------------------------------------------------------------------------------------------------------------
# frames for display

FORMATS = {
    "target tok/s/user": "{:.0f}",
    "tok/s/GPU A": ",.1f",
    "tok/s/GPU B": ",.1f",
    "break-even price ratio A ÷ B": "{:.2f}×",
    "$/GPU-hour A": "${:.2f}",
    "$/GPU-hour B": "${:.2f}",
    "break-even $/GPU-hour A": "${:.2f}",
    "$/M A": "${:.3f}",
    "$/M B": "${:.3f}",
    "cost A ÷ B": "{:.2f}×",
    "price A ÷ B": "{:.2f}×",
}


def targets_view(be: BreakEven) -> pl.DataFrame:
    """One row per target: each side's best config and tok/s/GPU, and the break-even price ratio."""
    return be.at_targets.select(
        pl.col("target").alias("target tok/s/user"),
        pl.col("config_a").alias("best A config"),
        pl.col("tput_a").alias("tok/s/GPU A"),
        pl.col("config_b").alias("best B config"),
        pl.col("tput_b").alias("tok/s/GPU B"),
        pl.col("breakeven_price_ratio").alias("break-even price ratio A ÷ B"),
        pl.col("status"),
    )


def views_view(be: BreakEven) -> pl.DataFrame:
    """One row per target × price view: prices, A's break-even price, costs, cost ratio and the verdict."""
    return be.by_view.select(
        pl.col("target").alias("target tok/s/user"),
        pl.col("price_label").alias("price view"),
        pl.col("price_a").alias("$/GPU-hour A"),
        pl.col("price_b").alias("$/GPU-hour B"),
        pl.col("breakeven_price_a").alias("break-even $/GPU-hour A"),
        pl.col("cost_a").alias("$/M A"),
        pl.col("cost_b").alias("$/M B"),
        pl.col("cost_ratio").alias("cost A ÷ B"),
        pl.col("winner"),
        pl.col("comparison"),
    )


# ---------------------------------------------------------------------------------------------------------------
# run-to-run ranges (reruns of the chosen configs)

POOLED = "pooled newest points"
"""How the single value beside per-run values is named: read off one frontier of every config's newest points."""


def run_ranges(be: BreakEven, points_all: pl.DataFrame) -> BreakEven:
    """``be`` with each decision's range over reruns: per target row ``runs_a``, ``runs_b`` (runs whose own
    frontier of the chosen config reaches the target), ``breakeven_price_ratio_median/_min/_max`` (A ÷ B
    tok/s/GPU over every pairing of an A run with a B run); per view row ``cost_ratio_min/_max`` and
    ``winner_in_every_run`` (the same side is cheaper in every pairing; null without runs on both sides).
    ``points_all``: the same inputs loaded with ``keep="all"``. The pooled value stays in
    ``breakeven_price_ratio`` (:data:`POOLED`)."""
    if be.status != "ok" or be.iso is None or be.at_targets.height == 0:
        return be
    per = _per_run_tput(be, points_all)
    rows = []
    for r in be.at_targets.iter_rows(named=True):
        va = per.get((r["config_a"], r["target"]), [])
        vb = per.get((r["config_b"], r["target"]), [])
        ratios = [x / y for x in va for y in vb if y]
        rows.append(
            {
                "target": r["target"],
                "runs_a": len(va),
                "runs_b": len(vb),
                "breakeven_price_ratio_median": _median_ratio(va, vb),
                "breakeven_price_ratio_min": min(ratios) if ratios else None,
                "breakeven_price_ratio_max": max(ratios) if ratios else None,
                "tput_a_min": min(va) if va else None,
                "tput_a_max": max(va) if va else None,
                "tput_b_min": min(vb) if vb else None,
                "tput_b_max": max(vb) if vb else None,
            }
        )
    ranges = pl.DataFrame(rows, schema=_RUN_RANGE_SCHEMA)
    at = be.at_targets.drop([c for c in _RUN_RANGE_SCHEMA if c != "target" and c in be.at_targets.columns])
    be.at_targets = at.join(ranges, on="target", how="left")
    be.by_view = _view_run_ranges(be.by_view, ranges)
    return be


_RUN_RANGE_SCHEMA = {
    "target": pl.Float64,
    "runs_a": pl.Int64,
    "runs_b": pl.Int64,
    "breakeven_price_ratio_median": pl.Float64,
    "breakeven_price_ratio_min": pl.Float64,
    "breakeven_price_ratio_max": pl.Float64,
    "tput_a_min": pl.Float64,  # tok/s/GPU of A's chosen config over its runs
    "tput_a_max": pl.Float64,
    "tput_b_min": pl.Float64,
    "tput_b_max": pl.Float64,
}


def _median_ratio(va: Sequence[float], vb: Sequence[float]) -> float | None:
    import statistics

    return statistics.median(va) / statistics.median(vb) if va and vb and statistics.median(vb) else None


def _per_run_tput(be: BreakEven, points_all: pl.DataFrame) -> dict[tuple[str, float], list[float]]:
    """(config label, target) → tok/s/GPU of each run whose own frontier of that config reaches the target."""
    from .schema import CURVE_KEY
    from .spread import per_run

    assert be.iso is not None
    chosen = set(be.at_targets["config_a"].drop_nulls()) | set(be.at_targets["config_b"].drop_nulls())
    cfg = be.iso.configs.filter(pl.col("label").is_in(sorted(chosen))).select("label", *CURVE_KEY)
    mine = points_all.join(cfg.drop("label"), on=list(CURVE_KEY), how="semi", nulls_equal=True)
    if mine.height == 0:
        return {}
    runs = per_run(mine, be.at_targets["target"].to_list(), pricing=be.iso.pricing)
    runs = runs.drop("label").join(cfg, on=list(CURVE_KEY), how="inner", nulls_equal=True)
    out: dict[tuple[str, float], list[float]] = {}
    for r in runs.filter(pl.col("reachable")).iter_rows(named=True):
        if r["tput_per_gpu"] is not None:
            out.setdefault((r["label"], float(r["target"])), []).append(float(r["tput_per_gpu"]))
    return out


def _view_run_ranges(by_view: pl.DataFrame, ranges: pl.DataFrame) -> pl.DataFrame:
    """Cost ratio A ÷ B = price ratio ÷ break-even ratio: its range over runs, and whether one side wins in
    every run."""
    v = by_view.drop([c for c in ("cost_ratio_min", "cost_ratio_max", "winner_in_every_run") if c in by_view.columns])
    v = v.join(
        ranges.select("target", "breakeven_price_ratio_min", "breakeven_price_ratio_max"), on="target", how="left"
    )
    lo = pl.col("price_ratio") / pl.col("breakeven_price_ratio_max")
    hi = pl.col("price_ratio") / pl.col("breakeven_price_ratio_min")
    return (
        v.with_columns(cost_ratio_min=lo, cost_ratio_max=hi)
        .with_columns(
            winner_in_every_run=pl.when(pl.col("cost_ratio_min").is_null() | pl.col("cost_ratio_max").is_null())
            .then(None)
            .otherwise((pl.col("cost_ratio_max") < 1) | (pl.col("cost_ratio_min") > 1))
        )
        .drop("breakeven_price_ratio_min", "breakeven_price_ratio_max")
    )


def runs_view(be: BreakEven) -> pl.DataFrame:
    """Per target: the pooled break-even ratio (named as such) beside its median and range over runs."""
    if "runs_a" not in be.at_targets.columns:
        return pl.DataFrame()
    return be.at_targets.select(
        pl.col("target").alias("target tok/s/user"),
        pl.col("breakeven_price_ratio").alias(f"break-even ratio A ÷ B, {POOLED}"),
        pl.col("breakeven_price_ratio_median").alias("median over runs"),
        pl.col("breakeven_price_ratio_min").alias("min over runs"),
        pl.col("breakeven_price_ratio_max").alias("max over runs"),
        pl.col("runs_a").alias("runs A"),
        pl.col("runs_b").alias("runs B"),
    )
