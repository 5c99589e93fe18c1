"""Fleet cost and migration payback: how many GPUs a workload needs on each side, what they cost per month under
each price view, and how many months a one-off migration cost takes to pay back.

- A workload is tokens per day (input + output), or requests per day × (ISL + OSL), served at a target
  interactivity (tok/s/user) with an average utilisation u (average load ÷ provisioned capacity, 0 < u ≤ 1).
- Provisioned throughput = tokens per day ÷ 86,400 s ÷ u (tok/s). GPUs needed = that ÷ the side's tok/s/GPU at the
  target, rounded **up** to whole replicas of the serving topology (e.g. 8 GPUs for TP8); the exact figure is kept.
- Monthly cost = GPUs × $/GPU-hour × 730 h (8,760 h ÷ 12). Saving = old − new per month.
- Payback = one-off migration cost ÷ monthly saving, in months; when the saving is ≤ 0 the migration **never pays
  back** (no negative or infinite month count is ever shown).
- A side whose tok/s/GPU is a lower bound (the target lies below its slowest measured point, which serves those
  users too: ``FleetSide.lower_bound``) needs **at most** the GPUs shown; the saving and payback are then bounds
  in the direction they follow ("pays back in at most N months"), or open when both sides are bounds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from frontier.analysis.breakeven import BreakEven, PriceView
from frontier.data.labels import config_key_columns
from frontier.number_words import significant
from frontier.tableview import Shown, TableView

__all__ = [
    "FLEET_TABLE",
    "FORMATS",
    "PAYBACK_TABLE",
    "MAX_TOKENS_PER_DAY",
    "FleetSide",
    "Workload",
    "caveats",
    "fleet_cost",
    "fleet_view",
    "migration",
    "migration_view",
    "payback",
    "replica_gpus",
    "run_ranges",
    "sensitivity",
    "sensitivity_grid",
    "sides_from_break_even",
]

_HOURS_PER_MONTH = 8760.0 / 12.0
_SECONDS_PER_DAY = 86400.0
_NEVER = "never pays back"
MAX_TOKENS_PER_DAY = 1e15
"""Largest workload accepted, tokens/day (about 11.6 billion tok/s, far beyond any fleet the data can price)."""


@dataclass(frozen=True)
class Workload:
    """Tokens per day (input + output) at a target interactivity (tok/s/user) and average utilisation (0–1]."""

    tokens_per_day: float
    target: float
    utilisation: float
    description: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.tokens_per_day) and self.tokens_per_day > 0):
            raise ValueError(f"workload: tokens per day must be a positive finite number, got {self.tokens_per_day!r}")
        if self.tokens_per_day > MAX_TOKENS_PER_DAY:
            raise ValueError(
                f"workload: {self.tokens_per_day:.3g} tokens/day is more than the {MAX_TOKENS_PER_DAY:.0e} accepted "
                "(check the units: input + output tokens per day)"
            )
        if not (math.isfinite(self.target) and self.target > 0):
            raise ValueError(f"workload: target interactivity must be positive tok/s/user, got {self.target!r}")
        if not (0 < self.utilisation <= 1):
            raise ValueError(f"workload: utilisation must be in (0, 1], got {self.utilisation!r}")

    @classmethod
    def from_requests(cls, requests_per_day: float, isl: int, osl: int, target: float, utilisation: float) -> Workload:
        """Requests per day, each ISL input + OSL output tokens (the benchmark's nominal lengths)."""
        if not (math.isfinite(requests_per_day) and requests_per_day > 0 and isl > 0 and osl > 0):
            raise ValueError("workload: requests per day, ISL and OSL must be positive finite numbers")
        if requests_per_day * (isl + osl) > MAX_TOKENS_PER_DAY:
            raise ValueError(
                f"workload: {requests_per_day:.3g} requests/day × ({isl:,} + {osl:,}) tokens is more than the "
                f"{MAX_TOKENS_PER_DAY:.0e} tokens/day accepted (check the units)"
            )
        return cls(
            requests_per_day * (isl + osl),
            target,
            utilisation,
            f"{requests_per_day:,.0f} requests/day × ({isl:,} + {osl:,}) tokens",
        )

    @property
    def provisioned_tok_s(self) -> float:
        """Throughput the fleet must provide (tok/s): average load ÷ utilisation."""
        return self.tokens_per_day / _SECONDS_PER_DAY / self.utilisation

    def assumptions(self) -> list[str]:
        what = self.description or f"{self.tokens_per_day:,.0f} tokens/day"
        return [
            (
                f"Workload: {what} = {self.tokens_per_day:,.0f} tokens/day (input + output), "
                f"{self.tokens_per_day / _SECONDS_PER_DAY:,.0f} tok/s on average."
            ),
            (
                f"Served at {self.target:g} tok/s/user with {self.utilisation:.0%} average utilisation: the fleet "
                f"provides {self.provisioned_tok_s:,.0f} tok/s at that interactivity."
            ),
            f"A month is {_HOURS_PER_MONTH:g} hours (8,760 ÷ 12); GPUs are paid for every hour, busy or not.",
        ]


@dataclass(frozen=True)
class FleetSide:
    """One side of a fleet: its best config at the workload's target and that config's tok/s/GPU there."""

    name: str
    gpu: str
    config: str
    topology: str | None
    tput_per_gpu: float
    replica_gpus: int = 1
    lower_bound: bool = False  # tput_per_gpu read at the slowest measured point, above the target: a lower bound
    config_key: str | None = None  # the config's stable join key (labels.config_key)

    def gpus(self, w: Workload) -> tuple[float, int]:
        """(exact GPUs, GPUs rounded up to whole replicas, at least one replica) for workload ``w``."""
        exact = w.provisioned_tok_s / self.tput_per_gpu
        rep = max(int(self.replica_gpus), 1)
        return exact, max(1, math.ceil(exact / rep - 1e-9)) * rep


def replica_gpus(iso: Any, config: str, topology: str | None) -> int:
    """GPUs in one replica of ``topology`` of ``config`` (from the frontier points; 1 when unknown)."""
    if topology is None or iso is None:
        return 1
    fr = iso.frontier.filter((pl.col("label") == config) & (pl.col("topology") == topology))
    if fr.height == 0 or "num_gpus" not in fr.columns:
        return 1
    n = fr["num_gpus"].drop_nulls()
    return int(n.max()) if n.len() else 1


def sides_from_break_even(be: BreakEven, target: float) -> tuple[FleetSide, FleetSide]:
    """(A, B) fleet sides at ``target`` from a break-even analysis (each side's best config there)."""
    rows = be.at_targets.filter((pl.col("target") - target).abs() < 1e-9)
    if rows.height == 0:
        raise ValueError(
            f"fleet: target {target:g} tok/s/user is not among the analysed targets {be.at_targets['target'].to_list()}"
        )
    r = rows.row(0, named=True)
    if r["tput_a"] is None or r["tput_b"] is None:
        raise ValueError(f"fleet: at {target:g} tok/s/user {r['status']}; choose a target both sides reach")
    out = []
    for s, k in ((be.side_a, "a"), (be.side_b, "b")):
        out.append(
            FleetSide(
                s.name,
                s.gpu,
                r[f"config_{k}"],
                r[f"topology_{k}"],
                r[f"tput_{k}"],
                replica_gpus(be.iso, r[f"config_{k}"], r[f"topology_{k}"]),
                bool(r.get(f"tput_{k}_lower_bound")),
                r.get(f"config_key_{k}"),
            )
        )
    return out[0], out[1]


_FLEET_SCHEMA = {
    "side": pl.String,
    "config": pl.String,
    "config_key": pl.String,
    "topology": pl.String,
    "tput_per_gpu": pl.Float64,
    "tput_lower_bound": pl.Boolean,  # GPUs and cost are then upper bounds
    "replica_gpus": pl.Int64,
    "gpus_exact": pl.Float64,
    "gpus": pl.Int64,
    "view": pl.String,
    "price_label": pl.String,
    "price": pl.Float64,
    "monthly_cost": pl.Float64,
    "cost_per_m_served": pl.Float64,
}


def fleet_cost(w: Workload, sides: Sequence[FleetSide], views: Sequence[PriceView]) -> pl.DataFrame:
    """One row per side × price view: GPUs (exact and rounded), $/GPU-hour, $ per month, and the $/M tokens the
    fleet actually pays (idle capacity and rounding included). No price: cost left empty, never 0."""
    tokens_month = w.tokens_per_day * _HOURS_PER_MONTH / 24.0
    rows = []
    for s in sides:
        exact, n = s.gpus(w)
        for pv in views:
            p = pv.price(s.gpu)
            monthly = n * p * _HOURS_PER_MONTH if p is not None else None
            rows.append(
                {
                    "side": s.name,
                    "config": s.config,
                    "config_key": s.config_key,
                    "topology": s.topology,
                    "tput_per_gpu": s.tput_per_gpu,
                    "tput_lower_bound": s.lower_bound,
                    "replica_gpus": s.replica_gpus,
                    "gpus_exact": exact,
                    "gpus": n,
                    "view": pv.view,
                    "price_label": pv.label,
                    "price": p,
                    "monthly_cost": monthly,
                    "cost_per_m_served": monthly / tokens_month * 1e6 if monthly is not None else None,
                }
            )
    return pl.DataFrame(rows, schema=_FLEET_SCHEMA)


def payback(migration_cost: float, monthly_saving: float | None) -> tuple[float | None, str]:
    """(months, wording): months = one-off cost ÷ monthly saving; None with "never pays back" when the saving is
    ≤ 0, or "not priced" when a price is missing."""
    if not (math.isfinite(migration_cost) and migration_cost >= 0):
        raise ValueError(f"migration cost must be a non-negative amount of dollars, got {migration_cost!r}")
    if monthly_saving is None:
        return None, "not priced"
    if monthly_saving <= 0:
        return None, f"{_NEVER} (monthly saving {_money(monthly_saving)} ≤ 0)"
    months = migration_cost / monthly_saving
    return months, f"pays back in {months:.1f} months"


def _money(x: float) -> str:
    return f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}"


_MIGRATION_SCHEMA = {
    "view": pl.String,
    "price_label": pl.String,
    "gpus_old": pl.Int64,
    "gpus_new": pl.Int64,
    "monthly_old": pl.Float64,
    "monthly_new": pl.Float64,
    "monthly_saving": pl.Float64,
    "migration_cost": pl.Float64,
    "payback_months": pl.Float64,
    "payback": pl.String,
}


def migration(
    w: Workload, old: FleetSide, new: FleetSide, views: Sequence[PriceView], migration_cost: float
) -> pl.DataFrame:
    """Per price view: monthly cost of the old and new fleet, the saving and the payback of ``migration_cost``
    (one-off, $)."""
    fc = fleet_cost(w, [old, new], views)
    rows = []
    for pv in views:
        o = fc.filter((pl.col("side") == old.name) & (pl.col("price_label") == pv.label)).row(0, named=True)
        n = fc.filter((pl.col("side") == new.name) & (pl.col("price_label") == pv.label)).row(0, named=True)
        saving = (
            o["monthly_cost"] - n["monthly_cost"]
            if o["monthly_cost"] is not None and n["monthly_cost"] is not None
            else None
        )
        months, words = _bounded_payback(migration_cost, saving, old, new)
        rows.append(
            {
                "view": pv.view,
                "price_label": pv.label,
                "gpus_old": o["gpus"],
                "gpus_new": n["gpus"],
                "monthly_old": o["monthly_cost"],
                "monthly_new": n["monthly_cost"],
                "monthly_saving": saving,
                "migration_cost": float(migration_cost),
                "payback_months": months,
                "payback": words,
            }
        )
    return pl.DataFrame(rows, schema=_MIGRATION_SCHEMA)


def _bounded_payback(
    migration_cost: float, saving: float | None, old: FleetSide, new: FleetSide
) -> tuple[float | None, str]:
    """:func:`payback`, worded as a bound when a side's throughput is a lower bound (its GPUs an upper bound): the
    new side's makes the saving a lower bound ("at most N months"), the old side's an upper bound ("at least")."""
    months, words = payback(migration_cost, saving)
    if saving is None or not (old.lower_bound or new.lower_bound):
        return months, words
    if old.lower_bound and new.lower_bound:
        return None, "open: both sides read below their measured range (both fleets are upper bounds)"
    if new.lower_bound:
        if months is None:
            return None, "open: the new fleet is an upper bound and at that bound the saving is ≤ 0"
        return months, f"pays back in at most {months:.1f} months (the new fleet is an upper bound)"
    if months is None:
        return None, words + " (the old fleet is an upper bound: the saving is at most this)"
    return months, f"pays back in at least {months:.1f} months (the old fleet is an upper bound)"


def sensitivity(
    w: Workload,
    old: FleetSide,
    new: FleetSide,
    view: PriceView,
    migration_cost: float,
    price_factors: Sequence[float] = (0.75, 1.0, 1.25, 1.5),
    utilisations: Sequence[float] = (0.3, 0.5, 0.7, 0.9),
) -> pl.DataFrame:
    """Payback (months; null = never) as the new side's $/GPU-hour is scaled by each of ``price_factors`` and the
    utilisation of both fleets varies over ``utilisations``. Long form: utilisation, price_factor, new_price,
    monthly_saving, payback_months, payback."""
    base, old_price = view.price(new.gpu), view.price(old.gpu)
    if base is None or old_price is None:
        raise ValueError(f"sensitivity: {view.label} has no price for {old.gpu} or {new.gpu}")
    rows = []
    for u in utilisations:
        wu = Workload(w.tokens_per_day, w.target, float(u), w.description)
        monthly_old = old.gpus(wu)[1] * old_price * _HOURS_PER_MONTH
        for f in price_factors:
            if not f > 0:
                raise ValueError(f"price factors must be positive, got {f!r}")
            saving = monthly_old - new.gpus(wu)[1] * base * f * _HOURS_PER_MONTH
            months, words = payback(migration_cost, saving)
            rows.append(
                {
                    "utilisation": float(u),
                    "price_factor": float(f),
                    "new_price": base * f,
                    "monthly_saving": saving,
                    "payback_months": months,
                    "payback": words,
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "utilisation": pl.Float64,
            "price_factor": pl.Float64,
            "new_price": pl.Float64,
            "monthly_saving": pl.Float64,
            "payback_months": pl.Float64,
            "payback": pl.String,
        },
    )


def sensitivity_grid(sens: pl.DataFrame, new_gpu: str) -> pl.DataFrame:
    """The sensitivity as a small table: one row per utilisation, one column per new $/GPU-hour; cells are
    months to pay back, or "never"."""
    cell = (
        pl.when(pl.col("payback_months").is_null())
        .then(pl.lit("never"))
        .otherwise(pl.col("payback_months").round(1).cast(pl.String))
    )
    head = pl.struct("new_price", "price_factor").map_elements(
        lambda r: f"{new_gpu} ${r['new_price']:,.2f} ({r['price_factor']:g}×)", return_dtype=pl.String
    )
    long = sens.with_columns(
        cell.alias("cell"),
        head.alias("col"),
        (pl.col("utilisation") * 100).round(0).cast(pl.Int64).alias("utilisation %"),
    )
    order = long["col"].unique(maintain_order=True).to_list()
    wide = long.pivot(on="col", index="utilisation %", values="cell", aggregate_function="first")
    return wide.select("utilisation %", *order).sort("utilisation %")


def caveats(w: Workload, old: FleetSide, new: FleetSide) -> list[str]:
    """Assumptions behind a fleet cost and payback, stated beside them."""
    out = w.assumptions()
    for s in (old, new):
        exact, n = s.gpus(w)
        rep = f"whole {s.replica_gpus}-GPU replicas of {s.topology}" if s.replica_gpus > 1 else "whole GPUs"
        if s.lower_bound:
            out.append(
                f"{s.name}: {s.config} at ≥ {s.tput_per_gpu:,.1f} tok/s/GPU (its slowest measured point, faster "
                f"than {w.target:g} tok/s/user: a lower bound) needs at most {exact:,.2f} GPUs, rounded up to {rep}: "
                f"at most {n:,} GPUs."
            )
            continue
        out.append(
            f"{s.name}: {s.config} at {s.tput_per_gpu:,.1f} tok/s/GPU needs {significant(exact, 3)} GPUs, "
            f"rounded up to {rep} (at least one): {n:,} GPUs."
        )
    out += [
        (
            "Benchmark throughput (random tokens, no prefix caching, one ISL/OSL) stands in for the real traffic mix; "
            "the fleet runs its best benchmarked config at the target all the time."
        ),
        (
            "The migration cost is one-off and stated by the user; payback ignores the cost of capital and "
            "price changes during the payback period. A saving ≤ 0 never pays back."
        ),
    ]
    return out


#: the fleet table for people: each column's title, source and format, declared once
FLEET_TABLE = TableView(
    Shown("side"),
    Shown("config"),
    Shown("topology"),
    Shown("tok/s/GPU", "tput_per_gpu", ",.1f"),
    Shown(
        "tok/s/GPU is",
        pl.when(pl.col("tput_lower_bound"))
        .then(pl.lit("a lower bound: its slowest measured point"))
        .otherwise(pl.lit("measured at the target")),
    ),
    Shown("GPUs exact", "gpus_exact", ",.2f"),
    Shown("GPUs", "gpus", ",.0f"),
    Shown("price view", "price_label"),
    Shown("$/GPU-hour", "price", "${:.2f}"),
    Shown("$ per month", "monthly_cost", "${:,.0f}"),
    Shown("$/M served", "cost_per_m_served", "${:.3f}"),
)
#: the payback table for people
PAYBACK_TABLE = TableView(
    Shown("price view", "price_label"),
    Shown("GPUs old", "gpus_old", ",.0f"),
    Shown("GPUs new", "gpus_new", ",.0f"),
    Shown("old $ per month", "monthly_old", "${:,.0f}"),
    Shown("new $ per month", "monthly_new", "${:,.0f}"),
    Shown("saving per month", "monthly_saving", "${:,.0f}"),
    Shown("migration cost", "migration_cost", "${:,.0f}"),
    Shown("payback months", "payback_months", "{:.1f}"),
    Shown("payback"),
)
#: formats of both tables, by title
FORMATS = FLEET_TABLE.formats | PAYBACK_TABLE.formats


def fleet_view(fc: pl.DataFrame) -> pl.DataFrame:
    """Fleet cost with readable names; a column says where a side's tok/s/GPU (so its GPUs) is a bound."""
    bound = fc["tput_lower_bound"].fill_null(False).any()
    return FLEET_TABLE.of(fc, leave_out=() if bound else ["tok/s/GPU is"], extra=config_key_columns(fc))


def migration_view(m: pl.DataFrame) -> pl.DataFrame:
    """Payback per price view with readable names."""
    return PAYBACK_TABLE.of(m)


# ---------------------------------------------------------------------------------------------------------------
# run-to-run ranges (after ``breakeven.run_ranges``)


def run_ranges(
    w: Workload, be: BreakEven, target: float, views: Sequence[PriceView], migration_cost: float | None = None
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Fleet size and cost, and payback, over the runs of each side's chosen config (``breakeven.run_ranges``
    must have run): per side × view ``gpus_min``/``gpus_max`` and ``monthly_cost_min``/``_max``; per view
    ``payback_months_min`` (old side at its slowest run, new at its fastest) and ``_max`` (the other way; null:
    may never pay back). Sides without runs keep their pooled value."""
    new, old = sides_from_break_even(be, target)
    r = be.at_targets.filter((pl.col("target") - target).abs() < 1e-9).row(0, named=True)

    def at(s: FleetSide, k: str, which: str) -> FleetSide:
        v = r.get(f"tput_{k}_{which}")
        return replace(s, tput_per_gpu=float(v)) if v else s

    fast = fleet_cost(w, [at(old, "b", "max"), at(new, "a", "max")], views)
    slow = fleet_cost(w, [at(old, "b", "min"), at(new, "a", "min")], views)
    keys = ["side", "price_label"]
    fleet = fast.select(*keys, pl.col("gpus").alias("gpus_min"), pl.col("monthly_cost").alias("monthly_cost_min")).join(
        slow.select(*keys, pl.col("gpus").alias("gpus_max"), pl.col("monthly_cost").alias("monthly_cost_max")),
        on=keys,
    )
    if migration_cost is None:
        return fleet, None
    best = migration(w, at(old, "b", "min"), at(new, "a", "max"), views, migration_cost)
    worst = migration(w, at(old, "b", "max"), at(new, "a", "min"), views, migration_cost)
    pay = best.select("price_label", pl.col("payback_months").alias("payback_months_min")).join(
        worst.select("price_label", pl.col("payback_months").alias("payback_months_max"), "payback"),
        on="price_label",
    )
    return fleet, pay.rename({"payback": "payback_worst_run"})
