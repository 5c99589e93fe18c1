"""Break-even prices: at what $/GPU-hour do two sides cost the same per token, and who wins under each price view.

Two sides (e.g. ``h100/fp8`` and ``b200/fp4``, written as for the precision notebook's cross-silicon specs) are
compared within ONE model and ISL/OSL (never across models: a side with no config of that model and sequence
lengths is reported as having no like-for-like partner). ``match`` says which configs face each other:

- ``"like-for-like"`` (default): configs that differ only in the GPU, and in whatever else the sides ask to
  differ (e.g. the precision of ``b200/fp4 vs h100/fp8``): same engine, speculative decoding and serving mode
  (``PAIR_FIELDS``).
  Pairs whose frontiers overlap in interactivity come first; at each target the first pair both sides reach is read.
- ``"best-of-each"`` (on request): each side is its best config at each target (the highest throughput per GPU,
  which within one GPU is also the lowest cost under every price), whatever else differs; each row's ``differs``
  lists what does.

A target below a config's slowest measured point is served at least as well by that point (its users get more
tok/s/user than asked): its throughput there is a **lower bound** (``tput_a_lower_bound``), shown as "≥ X"; the
ratios and costs read on it are bounds too. Above the fastest point a target stays unreachable (no extrapolation).

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

from frontier.analysis.compare import LIKE_FOR_LIKE, NO_PARTNER, TIE_RATIO, ratio_words
from frontier.analysis.economics import Pricing, cost_per_million
from frontier.analysis.iso import IsoResult, iso_table
from frontier.analysis.sides import PAIR_FIELDS, Side, held_equal, like_pairs, matching, side
from frontier.data.labels import view_words
from frontier.tableview import Shown, TableView

__all__ = [
    "PAIR_FIELDS",
    "Side",
    "held_equal",
    "like_pairs",
    "matching",
    "side",
    "POOLED",
    "run_ranges",
    "runs_view",
    "BreakEven",
    "FORMATS",
    "VIEWS_TABLE",
    "MATCHES",
    "PriceView",
    "break_even",
    "caveats",
    "chart_target",
    "check_published",
    "curves",
    "decimals_of",
    "differs_words",
    "match_words",
    "one_scope",
    "price_table_from_mapping",
    "price_views",
    "published_check",
    "published_ratio_check",
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


#: which configs face each other: see the module docstring
MATCHES = ("like-for-like", "best-of-each")
_FIELD_WORDS = {
    "precision": "precision",
    "framework": "engine",
    "spec_method": "speculative decoding",
    "disagg": "serving mode",
}


def _check_match(match: str) -> str:
    if match not in MATCHES:
        raise ValueError(f"match {match!r}: one of {list(MATCHES)}")
    return match


def _slowest(iso: IsoResult) -> pl.DataFrame:
    """Per curve: its slowest frontier point (interactivity, tok/s/GPU, topology): the highest throughput it
    measured, which serves any slower target at least as well."""
    fr = iso.frontier
    topo = pl.col("topology").cast(pl.String) if "topology" in fr.columns else pl.lit(None, dtype=pl.String)
    return (
        fr.sort("curve_id", "median_intvty")
        .group_by("curve_id", maintain_order=True)
        .first()
        .select(
            "curve_id",
            pl.col("median_intvty").alias("_slow_x"),
            pl.col("tput_per_gpu").alias("_slow_y"),
            topo.alias("_slow_topo"),
        )
    )


def _cells(iso: IsoResult, s: Side) -> pl.DataFrame:
    """Every config of side ``s`` × target: curve_id, config, topology, tput (tok/s/GPU), bound (True: read at the
    config's slowest point, a lower bound), slowest (that point's tok/s/user) and quality (0 measured, 1 lower
    bound, 9 above its fastest point)."""
    keys = [f for f in PAIR_FIELDS if f in iso.table.columns]
    t = matching(iso.table, s).select("curve_id", "target", "label", "config_key", *keys, "tput_per_gpu", "topology")
    t = t.join(_slowest(iso), on="curve_id", how="left")
    below = pl.col("tput_per_gpu").is_null() & (pl.col("target") < pl.col("_slow_x"))
    return t.with_columns(
        bound=below.fill_null(False),
        tput=pl.when(below).then(pl.col("_slow_y")).otherwise(pl.col("tput_per_gpu")),
        topology=pl.when(below).then(pl.col("_slow_topo")).otherwise(pl.col("topology").cast(pl.String)),
        quality=pl.when(pl.col("tput_per_gpu").is_not_null()).then(0).when(below).then(1).otherwise(9),
    ).select(
        "curve_id",
        "target",
        pl.col("label").alias("config"),
        "config_key",
        *keys,
        "topology",
        "tput",
        "bound",
        pl.col("_slow_x").alias("slowest"),
        "quality",
    )


def _best_of_each(iso: IsoResult, s: Side) -> pl.DataFrame:
    """At each target: the config of side ``s`` with the highest tok/s/GPU among those that reach it; where none
    does, the highest lower bound (a target below every config's slowest point)."""
    best = (
        _cells(iso, s)
        .filter(pl.col("quality") < 9)
        .sort(["target", "quality", "tput", "config"], descending=[False, False, True, False])
        .group_by("target", maintain_order=True)
        .first()
    )
    grid = pl.DataFrame({"target": iso.targets}, schema={"target": pl.Float64})
    return grid.join(best, on="target", how="left").sort("target")


def _suffixed(frame: pl.DataFrame, k: str) -> pl.DataFrame:
    """A side's cells with ``_a``/``_b`` names: config_a, topology_a, tput_a, tput_a_lower_bound, slowest_a, …"""
    keys = [f for f in PAIR_FIELDS if f in frame.columns]
    return frame.select(
        "target",
        pl.col("config").alias(f"config_{k}"),
        pl.col("config_key").alias(f"config_key_{k}"),
        pl.col("topology").alias(f"topology_{k}"),
        pl.col("tput").alias(f"tput_{k}"),
        pl.col("bound").alias(f"tput_{k}_lower_bound"),
        pl.col("slowest").alias(f"slowest_{k}"),
        *[pl.col(f).cast(pl.String).alias(f"{f}_{k}") for f in keys],
    )


def _like_for_like(iso: IsoResult, a: Side, b: Side) -> pl.DataFrame:
    """At each target: the first like-for-like pair (:func:`like_pairs` order) that both sides reach, else the
    first with lower bounds, else the first pair (unreachable)."""
    pairs = like_pairs(iso.configs, a, b).select("curve_id_a", "curve_id_b", "rank")
    cells_a = _cells(iso, a)
    cells_b = _cells(iso, b)
    grid = pairs.join(pl.DataFrame({"target": iso.targets}, schema={"target": pl.Float64}), how="cross")
    both = (
        grid.join(cells_a.rename({"curve_id": "curve_id_a", "quality": "_qa"}), on=["curve_id_a", "target"])
        .join(cells_b.rename({"curve_id": "curve_id_b", "quality": "_qb"}), on=["curve_id_b", "target"], suffix="_B")
        .with_columns(_q=pl.max_horizontal("_qa", "_qb") * 10 + pl.col("_qa") + pl.col("_qb"))
        .sort("target", "_q", "rank")
        .group_by("target", maintain_order=True)
        .first()
    )
    keys = [f for f in PAIR_FIELDS if f in cells_a.columns]
    cols = ("config", "config_key", *keys, "topology", "tput", "bound", "slowest")
    side_a = both.select("target", *cols)
    side_b = both.select("target", *[pl.col(f"{c}_B").alias(c) for c in cols])
    grid_t = pl.DataFrame({"target": iso.targets}, schema={"target": pl.Float64})
    return grid_t.join(_suffixed(side_a, "a"), on="target", how="left").join(
        _suffixed(side_b, "b"), on="target", how="left"
    )


def _best_pair(iso: IsoResult, a: Side, b: Side) -> pl.DataFrame:
    grid = pl.DataFrame({"target": iso.targets}, schema={"target": pl.Float64})
    return grid.join(_suffixed(_best_of_each(iso, a), "a"), on="target", how="left").join(
        _suffixed(_best_of_each(iso, b), "b"), on="target", how="left"
    )


def _differs(r: dict[str, Any], held: Sequence[str]) -> list[str]:
    """The held-equal fields in which row ``r``'s two configs differ (empty when like for like or a side is absent)."""
    if r["config_a"] is None or r["config_b"] is None:
        return []
    return [f for f in held if f"{f}_a" in r and r[f"{f}_a"] != r[f"{f}_b"]]


def differs_words(r: dict[str, Any]) -> str:
    """``r["differs"]`` in words, each with both values: "engine (mori-sglang vs sglang)"; "" when like for like."""
    return ", ".join(
        f"{_FIELD_WORDS.get(f, f)} ({r.get(f'{f}_a')} vs {r.get(f'{f}_b')})" for f in r.get("differs") or []
    )


def _status(r: dict[str, Any], a: Side, b: Side) -> tuple[str, str | None]:
    """(status, ratio bound) of one target row: "ok", a lower bound on one side ("at least"/"at most" for the
    ratio A ÷ B), or why there is no ratio."""
    ta, tb = r["tput_a"], r["tput_b"]
    if ta is None or tb is None:
        gone = " and ".join(s.name for s, t in ((a, ta), (b, tb)) if t is None)
        return f"unreachable by {gone}", None
    la, lb = bool(r["tput_a_lower_bound"]), bool(r["tput_b_lower_bound"])
    if la and lb:
        return "below the measured range of both sides: no ratio (both figures are lower bounds)", None
    if la or lb:
        s, k = (a, "a") if la else (b, "b")
        return (
            f"lower bound: {s.name} read at its slowest measured point, {r[f'slowest_{k}']:.1f} tok/s/user",
            "at least" if la else "at most",
        )
    return "ok", None


# ---------------------------------------------------------------------------------------------------------------
# the analysis


@dataclass
class BreakEven:
    """Break-even prices of side A against side B.

    at_targets: one row per target (config and tok/s/GPU of each side, whether each is a lower bound, what else
    the two configs differ in, break-even price ratio A ÷ B); by_view: one row per target × price view (prices,
    break-even price of A, costs, cost ratio, winner); status: "ok" or why nothing is compared (no like-for-like
    partner); notes: caveats for the report; match: ``MATCHES``."""

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
    match: str = "like-for-like"

    def records(self) -> dict[str, Any]:
        """JSON-ready: the inputs, the per-target and per-view rows, the status and notes."""
        return {
            "side_a": self.side_a.name,
            "side_b": self.side_b.name,
            "model": self.model,
            "isl": self.isl,
            "osl": self.osl,
            "match": self.match,
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
            "at_targets": self.at_targets.select(
                [*_AT_TARGET_SCHEMA, *(c for c in _RUN_RANGE_SCHEMA if c not in _AT_TARGET_SCHEMA)]
                if "runs_a" in self.at_targets.columns
                else list(_AT_TARGET_SCHEMA)
            ).to_dicts(),
            "by_view": self.by_view.to_dicts(),
            "notes": self.notes,
        }


_AT_TARGET_SCHEMA: dict[str, Any] = {
    "target": pl.Float64,
    "config_a": pl.String,
    "config_key_a": pl.String,
    "topology_a": pl.String,
    "tput_a": pl.Float64,
    "tput_a_lower_bound": pl.Boolean,
    "config_b": pl.String,
    "config_key_b": pl.String,
    "topology_b": pl.String,
    "tput_b": pl.Float64,
    "tput_b_lower_bound": pl.Boolean,
    "breakeven_price_ratio": pl.Float64,
    "ratio_bound": pl.String,  # "at least" / "at most" when one side is a lower bound, else null
    "differs": pl.List(pl.String),  # PAIR_FIELDS the two configs differ in beyond what the sides ask
    "status": pl.String,
}
#: per side, the held-equal fields' values (for saying what differs), kept beside the JSON columns
_SIDE_KEYS: dict[str, Any] = {f"{f}_{k}": pl.String for f in PAIR_FIELDS for k in ("a", "b")}
# each config's slowest measured point (tok/s/user): where a lower bound was read
_SIDE_KEYS |= {"slowest_a": pl.Float64, "slowest_b": pl.Float64}
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
    "tput_a_lower_bound": pl.Boolean,  # cost A is then an upper bound (≤), break-even price A a lower bound (≥)
    "tput_b_lower_bound": pl.Boolean,
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
    points: pl.DataFrame,
    side_a: str | Side,
    side_b: str | Side,
    targets: Any,
    pricings: Sequence[Pricing],
    *,
    match: str = "like-for-like",
) -> BreakEven:
    """Break-even prices of ``side_a`` against ``side_b`` at ``targets`` (tok/s/user) under every view of every
    pricing, comparing configs as ``match`` says (module docstring). ``points`` must hold one model and ISL/OSL
    (see :func:`one_scope`)."""
    a, b = side(side_a), side(side_b)
    _check_match(match)
    if a.filters == b.filters:
        raise ValueError(
            f"sides {a.name!r} and {b.name!r} are the same side: a break-even compares two different "
            "GPU/precision sides, e.g. 'b200/fp4 vs h100/fp8'"
        )
    if not pricings:
        raise ValueError("break-even needs at least one price table")
    model, isl, osl = one_scope(points)
    views = price_views(pricings)
    iso = iso_table(points, targets, pricing=pricings[0])
    status = _no_partner(iso, a, b, match, f"{model} at {isl}/{osl}")
    if status:
        empty_t = pl.DataFrame(schema=_AT_TARGET_SCHEMA | _SIDE_KEYS)
        return BreakEven(
            a, b, model, isl, osl, empty_t, pl.DataFrame(schema=_BY_VIEW_SCHEMA), views, status, [status], iso, match
        )
    at = _at_targets(iso, a, b, match)
    rows = [_view_row(r, pv, a, b) for r in at.iter_rows(named=True) for pv in views]
    by_view = pl.DataFrame(rows, schema=_BY_VIEW_SCHEMA).sort("target", "price_label")
    notes = caveats(a, b, at, views, match=match, pairs=like_pairs(iso.configs, a, b))
    return BreakEven(a, b, model, isl, osl, at, by_view, views, "ok", notes, iso, match)


def _no_partner(iso: IsoResult, a: Side, b: Side, match: str, where: str) -> str:
    """Why nothing can be compared ("" when something can): a side has no config, or (like for like) no config of
    one side shares engine, speculative decoding and serving mode with one of the other."""
    missing = [s for s in (a, b) if matching(iso.configs, s).height == 0]
    if missing:
        have = sorted({f"{h}/{p}" for h, p in iso.configs.select("hardware", "precision").iter_rows()})
        who = " and ".join(s.name for s in missing)
        return (
            f"{NO_PARTNER}: no {who} config of {where} in the data "
            f"(this model and ISL/OSL has: {', '.join(have)}); nothing is compared across models"
        )
    if match == "like-for-like" and like_pairs(iso.configs, a, b).height == 0:
        held = ", ".join(_FIELD_WORDS[f] for f in held_equal(a, b))
        listed = "; ".join(f"{s.name}: {', '.join(matching(iso.configs, s)['label'].to_list())}" for s in (a, b))
        return (
            f"{NO_PARTNER}: no config of {a.name} has the same {held} as one of {b.name} ({listed}); "
            "compare each side's best config instead with match 'best-of-each' (each row then says what else differs)"
        )
    return ""


def _at_targets(iso: IsoResult, a: Side, b: Side, match: str) -> pl.DataFrame:
    """One row per target (``_AT_TARGET_SCHEMA`` and each side's held-equal values)."""
    both = _best_pair(iso, a, b) if match == "best-of-each" else _like_for_like(iso, a, b)
    held = held_equal(a, b)
    rows = []
    for r in both.iter_rows(named=True):
        r["tput_a_lower_bound"] = bool(r["tput_a_lower_bound"]) if r["tput_a"] is not None else None
        r["tput_b_lower_bound"] = bool(r["tput_b_lower_bound"]) if r["tput_b"] is not None else None
        status, bound = _status(r, a, b)
        ratio = r["tput_a"] / r["tput_b"] if r["tput_a"] and r["tput_b"] else None
        no_ratio = bool(r["tput_a_lower_bound"] and r["tput_b_lower_bound"])
        rows.append(
            r
            | {
                "breakeven_price_ratio": None if no_ratio else ratio,
                "ratio_bound": bound,
                "differs": _differs(r, held),
                "status": status,
            }
        )
    schema = _AT_TARGET_SCHEMA | _SIDE_KEYS
    return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema).sort("target")


def _view_row(r: dict[str, Any], pv: PriceView, a: Side, b: Side) -> dict[str, Any]:
    pa, pb = pv.price(a.gpu), pv.price(b.gpu)
    ta, tb = r["tput_a"], r["tput_b"]
    la, lb = bool(r.get("tput_a_lower_bound")), bool(r.get("tput_b_lower_bound"))
    ca = cost_per_million(pa, ta) if pa is not None and ta else None
    cb = cost_per_million(pb, tb) if pb is not None and tb else None
    words = ratio_words(ca, cb, a.name, b.name)
    if pa is None or pb is None:
        unpriced = [s.name for s, p in ((a, pa), (b, pb)) if p is None]
        text = f"no price for {' and '.join(unpriced)} in {pv.view} ({pv.table}): not compared"
        winner = None
    elif ca is None or cb is None:
        text, winner = words["text"], None
    elif la and lb:
        text, winner = "not compared: both sides below their measured range (both costs are upper bounds)", None
    elif la or lb:
        text, winner = _bounded_words(words, a.name if la else b.name, a.name, b.name)
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
        "breakeven_price_a": pb * ta / tb if pb is not None and ta and tb and not (la and lb) else None,
        "cost_a": ca,
        "cost_b": cb,
        "cost_ratio": ca / cb if ca is not None and cb is not None and not (la and lb) else None,
        "tput_a_lower_bound": la if ta is not None else None,
        "tput_b_lower_bound": lb if tb is not None else None,
        "winner": winner,
        "comparison": text,
    }


def _bounded_words(words: dict[str, Any], bounded: str, a: str, b: str) -> tuple[str, str | None]:
    """Wording when one side's cost is an upper bound (its throughput a lower bound): that side wins for sure when
    it wins at the bound; otherwise the verdict is open."""
    other = b if bounded == a else a
    if words["cheaper"] == bounded:
        return f"{bounded} is at least {words['ratio']:.2f}× cheaper ({bounded}'s cost is an upper bound)", bounded
    if words["cheaper"] is None:
        return f"{bounded} is at least as cheap ({bounded}'s cost is an upper bound; a tie at the bound)", bounded
    return (
        f"open: {other} is at most {words['ratio']:.2f}× cheaper ({bounded}'s cost is an upper bound, its throughput "
        "read below its measured range)",
        None,
    )


def caveats(
    a: Side,
    b: Side,
    at: pl.DataFrame,
    views: Sequence[PriceView],
    *,
    match: str = "like-for-like",
    pairs: pl.DataFrame | None = None,
) -> list[str]:
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
        *_match_notes(a, b, at, match, pairs),
    ]
    bounded = at.filter(pl.col("ratio_bound").is_not_null() | pl.col("status").str.starts_with("below"))
    if bounded.height:
        out.append(
            f"{bounded.height} of {at.height} targets lie below a side's slowest measured point: that point serves "
            "slower users too, so its tok/s/GPU is a lower bound there (shown ≥), the cost an upper bound (≤) and the "
            "ratio a bound; the iso table keeps such targets unreachable, as the dashboard does."
        )
    unreach = at.filter(pl.col("status").str.starts_with("unreachable"))
    if unreach.height:
        out.append(
            f"{unreach.height} of {at.height} targets are unreachable, above a side's fastest measured point: no "
            "ratio is given there (no extrapolation)."
        )
    undated = sorted({v.table for v in views if not v.as_of})
    if undated:
        out.append(f"Undated price table(s): {', '.join(undated)}; state when the prices were observed.")
    return out


def _match_notes(a: Side, b: Side, at: pl.DataFrame, match: str, pairs: pl.DataFrame | None) -> list[str]:
    """How the configs were paired, and (like for like) whether the pairs' frontiers overlap."""
    if match == "best-of-each":
        rows = [r for r in at.iter_rows(named=True) if r["differs"]]
        what = sorted({_FIELD_WORDS.get(f, f) for r in rows for f in r["differs"]})
        return [
            "Best of each (as asked): each side is its best config at each target (any engine, speculative decoding "
            "and serving mode that matches it), so the comparison is of set-ups, not of GPUs alone"
            + (f"; at {len(rows)} of {at.height} targets the two also differ in {', '.join(what)}." if rows else ".")
        ]
    fields = held_equal(a, b)
    rows = [r for r in at.iter_rows(named=True) if r["differs"]]
    if rows:  # no pair shares an engine
        fields = [f for f in fields if f != "framework"]
    held = ", ".join(_FIELD_WORDS[f] for f in fields)
    out = [f"Like for like: each target compares configs of {a.name} and {b.name} with the same {held}."]
    if rows:
        out.append(
            f"No config of {a.name} shares an engine with one of {b.name}: the pairs differ in engine too "
            f"({differs_words(rows[0])}), as each row says."
        )
    if pairs is not None and pairs.height and not (pairs["overlap"] >= 0).any():
        p = pairs.row(0, named=True)
        out.append(
            f"The like-for-like configs never overlap in interactivity: {p['label_a']} reaches "
            f"{p['lo_a']:.1f}–{p['hi_a']:.1f} tok/s/user, {p['label_b']} {p['lo_b']:.1f}–{p['hi_b']:.1f}; no target "
            "has a measured figure on both sides."
        )
    return out


def match_words(be: BreakEven) -> str:
    """How the two sides' configs were paired, in words (for captions)."""
    if be.match == "best-of-each":
        return "best config of each side, as asked (each row says what else differs)"
    apart = [_FIELD_WORDS[f] for f in PAIR_FIELDS if f not in held_equal(be.side_a, be.side_b)]
    out = "like for like: configs differing only in GPU" + "".join(f" and {w}" for w in apart)
    if any(be.at_targets["differs"].to_list()):
        out += " (and engine: no config pair shares one)"
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
    (for charts; measured figures only: no lower bounds)."""
    empty = pl.DataFrame(schema=_BY_VIEW_SCHEMA | {"breakeven_price_ratio": pl.Float64})
    if be.iso is None or be.status != "ok":
        return empty
    grid = _grid_targets(be.iso, be.side_a, be.side_b, n)
    if not grid:
        return empty
    iso = iso_table(points, grid, pricing=be.iso.pricing)
    at = _at_targets(iso, be.side_a, be.side_b, be.match).filter(pl.col("status") == "ok")
    rows = [
        _view_row(r, pv, be.side_a, be.side_b) | {"breakeven_price_ratio": r["breakeven_price_ratio"]}
        for r in at.iter_rows(named=True)
        for pv in be.views
    ]
    return pl.DataFrame(rows, schema=empty.schema).sort("price_label", "target")


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


#: the columns :func:`check_published` returns, with their types
_CHECK_SCHEMA = {
    "published": pl.Float64,
    "decimals": pl.Int64,
    "computed": pl.Float64,
    "rounded": pl.Float64,
    "difference": pl.Float64,
    "verdict": pl.String,
}


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
        **_CHECK_SCHEMA,
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
        **_CHECK_SCHEMA,
    }
    return pl.DataFrame(rows, schema=schema)


# ---------------------------------------------------------------------------------------------------------------
# frames for display


def _marked(value: str, fmt: str, prefix: str = "", *, at_least: str = "", at_most: str = "") -> pl.Expr:
    """``value`` formatted (``prefix`` + ``fmt``), marked "≥ " where column ``at_least`` is true and "≤ " where
    ``at_most`` is; null stays null."""
    text = pl.lit(prefix) + pl.col(value).map_elements(lambda v: format(v, fmt), return_dtype=pl.String)
    ge = pl.col(at_least).fill_null(False) if at_least else pl.lit(False)
    le = pl.col(at_most).fill_null(False) if at_most else pl.lit(False)
    return pl.when(ge & ~le).then(pl.lit("≥ ") + text).when(le & ~ge).then(pl.lit("≤ ") + text).otherwise(text)


def targets_view(be: BreakEven) -> pl.DataFrame:
    """One row per target: each side's config and tok/s/GPU ("≥" where it is a lower bound), the break-even price
    ratio ("≥"/"≤" where bounded) and, when any, what else the two configs differ in."""
    t = be.at_targets
    out = t.with_columns(_ge=pl.col("ratio_bound") == "at least", _le=pl.col("ratio_bound") == "at most").select(
        pl.col("target").alias("target tok/s/user"),
        pl.col("config_a").alias("A config"),
        _marked("tput_a", ",.1f", at_least="tput_a_lower_bound").alias("tok/s/GPU A"),
        pl.col("config_b").alias("B config"),
        _marked("tput_b", ",.1f", at_least="tput_b_lower_bound").alias("tok/s/GPU B"),
        (_marked("breakeven_price_ratio", ".2f", at_least="_ge", at_most="_le") + pl.lit("×")).alias(
            "break-even price ratio A ÷ B"
        ),
        pl.Series("what else differs", [differs_words(r) for r in t.iter_rows(named=True)], dtype=pl.String),
        pl.col("status"),
    )
    return out if (out["what else differs"] != "").any() else out.drop("what else differs")


#: the price-view table for people: each column's title, source and format, declared once ("≤"/"≥" where a side
#: is read at its slowest point)
VIEWS_TABLE = TableView(
    Shown("target tok/s/user", "target", "{:.0f}"),
    Shown("price view", "price_label"),
    Shown("$/GPU-hour A", "price_a", "${:.2f}"),
    Shown("$/GPU-hour B", "price_b", "${:.2f}"),
    Shown(
        "break-even $/GPU-hour A",
        _marked("breakeven_price_a", ".2f", "$", at_least="tput_a_lower_bound", at_most="tput_b_lower_bound"),
    ),
    Shown("$/M A", _marked("cost_a", ".3f", "$", at_most="tput_a_lower_bound")),
    Shown("$/M B", _marked("cost_b", ".3f", "$", at_most="tput_b_lower_bound")),
    Shown(
        "cost A ÷ B",
        _marked("cost_ratio", ".2f", at_least="tput_b_lower_bound", at_most="tput_a_lower_bound") + pl.lit("×"),
    ),
    Shown("winner"),
    Shown("comparison"),
)
FORMATS = VIEWS_TABLE.formats | {"price A ÷ B": "{:.2f}×"}


def views_view(be: BreakEven) -> pl.DataFrame:
    """One row per target × price view: prices, A's break-even price, costs ("≤" where a side is read at its
    slowest point), cost ratio and the verdict."""
    return VIEWS_TABLE.of(be.by_view)


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
        va, vb = (_side_runs(be, points_all, per, r, k) for k in ("a", "b"))
        ratios = [x / y for x in va for y in vb if y]
        rows.append(
            {
                "target": r["target"],
                "runs_a": len(va),
                "runs_b": len(vb),
                "tput_a_runs": va,
                "tput_b_runs": vb,
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


def _side_runs(
    be: BreakEven, points_all: pl.DataFrame, per: dict[tuple[str, float], list[float]], r: dict[str, Any], k: str
) -> list[float]:
    """tok/s/GPU of side ``k``'s chosen config in each run at the row's target: read off the run's own frontier,
    or, where the side is read below its measured range, the run's best point faster than the target (a lower
    bound, as the pooled value)."""
    label = r[f"config_{k}"]
    if label is None:
        return []
    if not r.get(f"tput_{k}_lower_bound"):
        return per.get((label, r["target"]), [])
    from frontier.analysis.spread import run_bounds
    from frontier.data.schema import CURVE_KEY

    assert be.iso is not None
    key = be.iso.configs.filter(pl.col("label") == label).select(CURVE_KEY)
    mine = points_all.join(key, on=list(CURVE_KEY), how="semi", nulls_equal=True)
    return run_bounds(mine, float(r["target"]))


_RUN_RANGE_SCHEMA: dict[str, Any] = {
    "target": pl.Float64,
    "runs_a": pl.Int64,
    "runs_b": pl.Int64,
    "tput_a_runs": pl.List(pl.Float64),  # tok/s/GPU of A's chosen config in each run (lower bounds where A's is)
    "tput_b_runs": pl.List(pl.Float64),
    "breakeven_price_ratio_median": pl.Float64,
    "breakeven_price_ratio_min": pl.Float64,
    "breakeven_price_ratio_max": pl.Float64,
    "tput_a_min": pl.Float64,  # tok/s/GPU of A's chosen config over its runs
    "tput_a_max": pl.Float64,
    "tput_b_min": pl.Float64,
    "tput_b_max": pl.Float64,
}


_TPUT_RANGES = ("tput_a_min", "tput_a_max", "tput_b_min", "tput_b_max")
_COST_RANGES = ("cost_a_min", "cost_a_max", "cost_b_min", "cost_b_max")  # $/M per view over each side's runs


def _median_ratio(va: Sequence[float], vb: Sequence[float]) -> float | None:
    import statistics

    return statistics.median(va) / statistics.median(vb) if va and vb and statistics.median(vb) else None


def _per_run_tput(be: BreakEven, points_all: pl.DataFrame) -> dict[tuple[str, float], list[float]]:
    """(config label, target) → tok/s/GPU of each run whose own frontier of that config reaches the target."""
    from frontier.analysis.spread import per_run
    from frontier.data.schema import CURVE_KEY

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
    added = ("cost_ratio_min", "cost_ratio_max", "winner_in_every_run", *_COST_RANGES)
    v = by_view.drop([c for c in added if c in by_view.columns])
    v = v.join(
        ranges.select("target", "breakeven_price_ratio_min", "breakeven_price_ratio_max", *_TPUT_RANGES),
        on="target",
        how="left",
    )
    lo = pl.col("price_ratio") / pl.col("breakeven_price_ratio_max")
    hi = pl.col("price_ratio") / pl.col("breakeven_price_ratio_min")
    fastest = {"min": "max", "max": "min"}  # $/M of each side over its runs: its fastest run gives the lowest cost
    costs = {
        f"cost_{k}_{end}": cost_per_million(pl.col(f"price_{k}"), pl.col(f"tput_{k}_{fastest[end]}"))
        for k in ("a", "b")
        for end in ("min", "max")
    }
    return (
        v.with_columns(cost_ratio_min=lo, cost_ratio_max=hi, **costs)
        .drop(*_TPUT_RANGES)
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
