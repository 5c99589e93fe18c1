"""Each report's finding in 1–3 plain sentences, computed from its results: what was compared, at which
interactivity (tok/s/user) and price view, the number with its run-to-run range (or "one run"), whether every
pair, run and price view agrees, and the caveat that matters most. Values read inside a cliff or a sparse gap
(``frontier.analysis.artefacts``) are never quoted. Each function returns a :class:`Headline` for ``Context.headline``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from frontier.data.labels import view_words
from frontier.data.schema import CURVE_KEY

__all__ = [
    "CALIBRATION_TARGETS",
    "headline_ratios",
    "headline_ratios_by_workload",
    "FINDING",
    "NOTHING",
    "Headline",
    "breakeven_headline",
    "explore_headline",
    "iso_headline",
    "nothing",
    "pair_headline",
    "pair_run_range",
    "scope_text",
    "trend_headline",
]

FINDING = "finding"
NOTHING = "nothing to compare"


@dataclass
class Headline:
    """Sentences (1–3), the state ("finding" / "nothing to compare") and the scope in words."""

    sentences: list[str]
    state: str = FINDING
    scope: str = ""
    numbers: dict[str, Any] = field(default_factory=dict)  # the values quoted, for summary.json

    def __post_init__(self) -> None:
        """Empty sentences dropped; each starts with a capital letter."""
        self.sentences = [t[0].upper() + t[1:] for t in self.sentences if t]


def scope_text(sc: Any) -> str:
    """ "DeepSeek-R1-0528 · 1024/1024" for a scope that fixes model and ISL/OSL; else the models and ISL/OSLs its
    points hold ("DeepSeek-R1-0528, gpt-oss-120b · 1024/1024, 8192/1024"), at most three of each named."""
    pts = getattr(sc, "points", None)

    def listed(values: list[str]) -> str:
        return ", ".join(values[:3]) + (f" and {len(values) - 3} more" if len(values) > 3 else "")

    if getattr(sc, "model", None):
        parts = [str(sc.model)]
    elif pts is not None and "model" in pts.columns and pts.height:
        parts = [listed(sorted(str(m) for m in pts["model"].drop_nulls().unique()))]
    else:
        parts = []
    if getattr(sc, "isl", None) is not None and getattr(sc, "osl", None) is not None:
        parts.append(f"{sc.isl}/{sc.osl}")
    elif pts is not None and {"isl", "osl"} <= set(pts.columns) and pts.height:
        seqs = pts.select("isl", "osl").unique().sort("isl", "osl").iter_rows()
        parts.append(listed([f"{i}/{o}" for i, o in seqs]))
    return " · ".join(p for p in parts if p)


def _x(v: float) -> str:
    return f"{v:.2f}×"


def _t(v: float) -> str:
    return f"{v:g}"


def _runs_words(rr: dict[str, Any] | None) -> str:
    """ "over its runs 2.03×, 1.98–2.10×, 6 and 3 runs" or "one run each: no run-to-run range"; empty when
    unknown."""
    if not rr or rr.get("ratio") is None:
        return ""
    if rr["runs_a"] <= 1 and rr["runs_b"] <= 1:
        return "one run each: no run-to-run range"
    runs = f"{rr['runs_a']} runs" if rr["runs_a"] == rr["runs_b"] else f"{rr['runs_a']} and {rr['runs_b']} runs"
    d = 2 if f"{rr['lo']:.2f}" != f"{rr['hi']:.2f}" else 3
    return f"median over its runs {_x(rr['ratio'])}, range {rr['lo']:.{d}f}–{rr['hi']:.{d}f}×, {runs}"


def pair_run_range(
    points_all: pl.DataFrame | None, iso: Any, curve_a: int, curve_b: int, target: float, metric: str
) -> dict[str, Any] | None:
    """B ÷ A of ``metric`` at ``target`` with its range over every pairing of the two configs' runs
    (``spread.ratio_range``); None without per-run points."""
    if points_all is None or points_all.height == 0:
        return None
    from frontier.analysis.spread import per_run, ratio_range

    cfg = iso.configs.filter(pl.col("curve_id").is_in([curve_a, curve_b])).select("curve_id", *CURVE_KEY)
    mine = points_all.join(cfg, on=list(CURVE_KEY), how="inner", nulls_equal=True)
    if mine.height == 0:
        return None
    runs = per_run(mine.drop("curve_id"), [target], pricing=iso.pricing)
    runs = runs.join(cfg, on=list(CURVE_KEY), how="inner", nulls_equal=True)

    def vals(c: int) -> list[float]:
        v = runs.filter((pl.col("curve_id") == c) & pl.col("reachable"))
        return [x for x in v[metric].to_list() if x is not None] if metric in v.columns else []

    return ratio_range(vals(curve_b), vals(curve_a))


def _pick_target(rows: pl.DataFrame) -> float:
    """The target with the most stable pairs; among those, the middle one."""
    counts = rows.group_by("target").len().sort("target")
    best = counts.filter(pl.col("len") == counts["len"].max())["target"].to_list()
    return float(best[(len(best) - 1) // 2])


def pair_headline(
    pc: Any,
    *,
    subject: str,
    b_name: str,
    a_name: str,
    view: str,
    scope: str = "",
    points_all: pl.DataFrame | None = None,
) -> Headline:
    """The finding of a like-for-like pair comparison (precision, MTP): B's cost per token relative to A's at
    the target most pairs reach on stable ground, across pairs, with the run-to-run range of the median pair.
    ``subject``: what differs ("precision", "speculative decoding"); ``a_name``/``b_name``: the sides in words.
    One paragraph, sentence by sentence, each with its no-data branch."""
    where = f" in {scope.replace(' · ', ' ')}" if scope else ""
    stable, n_unstable, nothing = _stable_reads(pc, subject, where, a_name, b_name)
    if nothing:
        return Headline([nothing], NOTHING, scope)
    a_name, b_name = _side_names(pc.pairs, a_name, b_name)
    t = _pick_target(stable)
    at = stable.filter(pl.col("target") == t).sort("cost_ratio_b_over_a")
    ratios = at["cost_ratio_b_over_a"].to_list()
    med_row = at.row((at.height - 1) // 2, named=True)
    rr = pair_run_range(points_all, pc.iso, med_row["curve_id_a"], med_row["curve_id_b"], t, pc.cost_metric)
    price = f"GPUs {view_words(view)}"
    runs = _runs_words(rr)
    work = _workloads(pc, at)
    if len(ratios) == 1:
        first = (
            f"{b_name} costs {_x(ratios[0])} what {a_name} costs per token at {_t(t)} tok/s/user on "
            f"{_pair_words(med_row, pc)} ({work}; {price}{'; ' + runs if runs else ''})."
        )
    else:
        first = (
            f"{b_name} costs {_x(min(ratios))}–{_x(max(ratios))} what {a_name} costs per token at {_t(t)} "
            f"tok/s/user across {len(ratios)} pairs that differ only in {subject} ({work}; {price}); the median "
            f"pair, {_pair_words(med_row, pc)}: {_x(med_row['cost_ratio_b_over_a'])}"
            f"{' (' + runs + ')' if runs else ''}."
        )
    second = (
        f"{_pair_agreement(ratios, rr, a_name, b_name)}; both sides run on the same GPUs, so every price view gives "
        "the same ratio."
    )
    numbers = {"target": t, "ratios": ratios, "runs": rr, "unstable_readings": n_unstable}
    return Headline([first, second, _pair_caveat(n_unstable, rr)], FINDING, scope, numbers)


def _stable_reads(pc: Any, subject: str, where: str, a_name: str, b_name: str) -> tuple[pl.DataFrame, int, str]:
    """The pairs' cost ratio reads on stable ground, how many were left out as unstable, and the sentence saying
    why there is nothing to state ("" when there is something)."""
    if pc.pairs.height == 0:
        return pc.at_targets.clear(), 0, f"Nothing to compare{where}: no two configs differ only in {subject}."
    rows = pc.at_targets.filter(pl.col("cost_ratio_b_over_a").is_not_null())
    if rows.height == 0:
        return (
            rows,
            0,
            f"Nothing to compare{where}: {pc.pairs.height} pair(s) differ only in {subject}, but no target is "
            "reached by both sides of any pair.",
        )
    stable = rows.filter(~pl.col("unstable").fill_null(False)) if "unstable" in rows.columns else rows
    if stable.height == 0:
        return (
            stable,
            rows.height,
            f"Nothing to state{where}: every {b_name} ÷ {a_name} cost ratio read falls inside a cliff or a sparse "
            "gap of a frontier (see the marked rows).",
        )
    return stable, rows.height - stable.height, ""


def _pair_agreement(ratios: list[float], rr: dict[str, Any] | None, a_name: str, b_name: str) -> str:
    """Whether the pairs agree on the cheaper side at the target, and whether the median pair's verdict holds
    across its runs."""
    cheaper_b = sum(r < 1 for r in ratios)
    if cheaper_b in (0, len(ratios)):
        side = b_name if cheaper_b else a_name
        agree = f"{side} is cheaper in every pair at this target"
    else:
        agree = f"{b_name} is cheaper in {cheaper_b} of {len(ratios)} pairs, {a_name} in the others"
    if rr and rr.get("lo") is not None and (rr["runs_a"] > 1 or rr["runs_b"] > 1):
        same = (rr["lo"] < 1) == (rr["hi"] < 1)
        return agree + (
            " (the median pair's verdict holds in every pairing of its runs)"
            if same
            else " (but the median pair's verdict flips between runs)"
        )
    return agree


def _pair_caveat(n_unstable: int, rr: dict[str, Any] | None) -> str:
    """The readings left out as unstable, else "one run only" when neither side has several runs, else ""."""
    if n_unstable:
        return f"{n_unstable} reading(s) inside a cliff or a sparse gap are marked unstable and not quoted."
    if not rr or (rr.get("runs_a", 0) <= 1 and rr.get("runs_b", 0) <= 1):
        return "One run only: no run-to-run range measured."
    return ""


def _workloads(pc: Any, at: pl.DataFrame) -> str:
    """The models and ISL/OSLs of the pairs in ``at`` ("DeepSeek-R1-0528 1024/1024 and 8192/1024")."""
    cfg = pc.iso.configs.filter(pl.col("curve_id").is_in(at["curve_id_a"].implode()))
    if not {"model", "isl", "osl"} <= set(cfg.columns) or cfg.height == 0:
        return "one workload each"
    parts = []
    for (m,), g in cfg.group_by(["model"], maintain_order=True):
        seqs = sorted({f"{i}/{o}" for i, o in g.select("isl", "osl").iter_rows()})
        parts.append(f"{m} {', '.join(seqs)}")
    return "; ".join(parts) + (", each pair within one" if cfg.select("model", "isl", "osl").n_unique() > 1 else "")


def _pair_words(row: dict[str, Any], pc: Any) -> str:
    """A pair named by what its two sides share (GPU, engine, serving), and its workload."""
    cfg = pc.iso.configs.filter(pl.col("curve_id") == row["curve_id_a"])
    a, b = str(row["label_a"]).split(" · "), str(row["label_b"]).split(" · ")
    shared = [p for p in a if p in b]
    if cfg.height and {"model", "isl", "osl"} <= set(cfg.columns):
        c = cfg.row(0, named=True)
        work = (str(c["model"]), f"{c['isl']}/{c['osl']}", f"{c['model']} {c['isl']}/{c['osl']}")
        shared = [p for p in shared if p not in work]
        return f"{' · '.join(shared)} ({c['model']} {c['isl']}/{c['osl']})"
    return " · ".join(shared)


def _side_names(pairs: pl.DataFrame, a_name: str, b_name: str) -> tuple[str, str]:
    """The two sides by the value that differs when every pair shares it (e.g. "FP4", "FP8"), else as given."""
    for c in ("precision", "spec_method"):
        if f"{c}_a" in pairs.columns and pairs.select(f"{c}_a", f"{c}_b").unique().height == 1:
            a, b = pairs.row(0, named=True)[f"{c}_a"], pairs.row(0, named=True)[f"{c}_b"]
            if c == "precision":
                return str(a).upper(), str(b).upper()
            return ("no speculative decoding" if a == "none" else str(a).upper()), str(b).upper()
    return a_name, b_name


def iso_headline(result: Any, spread_table: pl.DataFrame | None, view: str, scope: str = "") -> Headline:
    """The cheapest config at the middle target (stable readings only), its $/M and throughput with the
    run-to-run range of its throughput, and how many configs reach that target."""
    from frontier.analysis.artefacts import flag_reads, segments

    cost = f"cost_total_{view}"
    t = result.table
    if t.height == 0 or cost not in t.columns or t[cost].drop_nulls().len() == 0:
        return Headline(["Nothing to compare: no config reaches any target interactivity."], NOTHING, scope)
    flags = flag_reads(t["curve_id"], t["target"], segments(result.frontier))
    t = t.with_columns(flags).filter(pl.col(cost).is_not_null())
    stable = t.filter(~pl.col("unstable"))
    if stable.height == 0:
        return Headline(["Nothing to state: every reading falls inside a cliff or a sparse gap."], NOTHING, scope)
    target = _pick_target(stable)
    at = stable.filter(pl.col("target") == target).sort(cost)
    best = at.row(0, named=True)
    where = f" for {scope.replace(' · ', ' ')}" if scope else ""
    first = f"At {_t(target)} tok/s/user{where}, the cheapest of {at.height} configs is {best['label']}: " + (
        _iso_value_words(best, spread_table, target, cost, view)
    )
    second = ""
    if at.height > 1:
        nxt = at.row(1, named=True)
        second = f"Next is {nxt['label']} at {nxt[cost] / best[cost]:.2f}× its cost."
    n_unst = t.height - stable.height
    third = f"{n_unst} reading(s) inside a cliff or a sparse gap are marked unstable and not quoted." if n_unst else ""
    return Headline([first, second, third], FINDING, scope, {"target": target, "best": best["label"]})


def _span(lo: float, hi: float) -> str:
    a, b = f"${lo:.3f}", f"{hi:.3f}"
    return a if a == f"${b}" else f"{a}–{b}"


def _iso_value_words(
    best: dict[str, Any], spread_table: pl.DataFrame | None, target: float, cost: str, view: str
) -> str:
    """The cheapest config's $/M and tok/s/GPU: the medians over its runs with their min–max, the pooled newest
    point named as such, where two or more runs reach the target; else the pooled value and "one run"."""
    pooled = f"${best[cost]:.3f} per million tokens at {best['tput_per_gpu']:,.0f} tok/s/GPU"
    gpus = f"GPUs {view_words(view)}"
    if spread_table is None or "runs" not in spread_table.columns:
        return f"{pooled} ({gpus})."
    s = spread_table.filter((pl.col("curve_id") == best["curve_id"]) & (pl.col("target") == target))
    r = s.row(0, named=True) if s.height else {}
    if (r.get("runs_reaching") or 0) < 2 or r.get("tput_per_gpu_min") is None:
        one = "one run" if (r.get("runs") or 0) <= 1 else "one run reaches it"
        return f"{pooled} ({gpus}); {one}: no run-to-run range."
    tput = f"{r['tput_per_gpu_min']:,.0f}–{r['tput_per_gpu_max']:,.0f} tok/s/GPU"
    if r.get(f"{cost}_median") is None:
        return (
            f"{pooled} ({gpus}); over {r['runs_reaching']} runs its throughput ranges {tput} (the table's value is "
            "the pooled newest point)."
        )
    median = f"${r[f'{cost}_median']:.3f} per million tokens at {r['tput_per_gpu_median']:,.0f} tok/s/GPU"
    also = "" if median == pooled else f"; pooled newest points: {pooled.replace(' per million tokens', '')}"
    return (
        f"{median}, medians over {r['runs_reaching']} runs ({_span(r[f'{cost}_min'], r[f'{cost}_max'])}, {tput}"
        f"{also}) ({gpus})."
    )


def explore_headline(lookup: Any, target: float, scope: str = "") -> Headline:
    """What the data holds and the highest throughput at the lookup interactivity."""
    t = lookup.table.filter(pl.col("reachable"))
    n_cfg = lookup.configs.height
    where = f" of {scope.replace(' · ', ' ')}" if scope else ""
    if t.height == 0:
        return Headline(
            [f"{n_cfg} config(s){where} loaded; none reaches {_t(target)} tok/s/user, so nothing is compared."],
            NOTHING,
            scope,
        )
    best = t.sort("tput_per_gpu", descending=True).row(0, named=True)
    return Headline(
        [
            f"{t.height} of {n_cfg} config(s){where} reach {_t(target)} tok/s/user; the highest throughput there is "
            f"{best['label']} at {best['tput_per_gpu']:,.0f} tok/s/GPU (newest run of each point).",
        ],
        FINDING,
        scope,
    )


def trend_headline(res: Any, scope: str = "") -> Headline:
    """The largest step of one config between consecutive measured periods that is outside the run-to-run band
    (``trend.mark_noise``), with what changed; or that no step is; how periods are ordered when undated."""
    steps = res.steps
    u, n = res.stats.get("undated_periods", 0), res.stats.get("periods", 0)
    order = (
        # the page's data line says the data is undated (once per page); this says how periods are ordered
        "Periods are CI runs in run-id order (run ids increase with time)." if u and u == n else ""
    )
    if steps is None or steps.height == 0:
        return Headline(
            ["Nothing to compare: no config was measured in two periods, so there is no change over time.", order],
            NOTHING,
            scope,
        )
    noise = pl.col("within_noise").fill_null(False) if "within_noise" in steps.columns else pl.lit(False)
    real = steps.filter(~noise & pl.col("tput_step").is_not_null())
    n_noise = steps.height - steps.filter(~noise).height
    unmeasured = steps.filter(pl.col("band").is_null()).height if "band" in steps.columns else 0
    if n_noise:
        noise_words = f"{n_noise} of {steps.height} steps are within run-to-run noise and are not progress."
    elif unmeasured == steps.height:
        noise_words = (
            f"No config was rerun on one engine image, so run-to-run noise is unmeasured: none of the {steps.height} "
            "steps can be told apart from it, and each is one measurement."
        )
    else:
        noise_words = f"None of the {steps.height} steps is within run-to-run noise."
    if real.height == 0:
        return Headline(
            [
                f"No step between periods is larger than run-to-run noise, so nothing here is progress. {noise_words}",
                order,
            ],
            FINDING,
            scope,
        )
    real = real.with_columns(_mag=pl.max_horizontal(pl.col("tput_step"), 1 / pl.col("tput_step")))
    r = real.sort("_mag", descending=True).row(0, named=True)
    kind = r.get("kind") or "change"
    if r.get("band") is None:  # the sentence after says the noise is unmeasured; the step's note need not
        kind = kind.replace(" (no rerun on one image measured this config's noise)", "")
    return Headline(
        [
            f"Largest step {'(noise unmeasured)' if r.get('band') is None else 'outside run-to-run noise'}: "
            f"{r.get('label', 'a config')} at {_t(r['target'])} tok/s/user, "
            f"{r['tput_from']:,.0f} → {r['tput_to']:,.0f} tok/s/GPU (×{r['tput_step']:.2f}, periods "
            f"{r['from_period']} → {r['to_period']}; {kind}).",
            noise_words,
            order,
        ],
        FINDING,
        scope,
        {"largest_step": r["tput_step"], "within_noise": n_noise, "steps": steps.height},
    )


def _sentences(h: Headline) -> Sequence[str]:
    return [s for s in h.sentences if s]


def nothing(reason: str, scope: str = "") -> Headline:
    """A report whose data holds nothing to compare: the reason as its one sentence."""
    return Headline([f"Nothing to compare: {reason.rstrip('.')}."], NOTHING, scope)


def breakeven_headline(be: Any, target: float | None = None, scope: str = "") -> Headline:
    """Break-even of A (new) against B (old) at ``target`` (default: the middle target both sides reach): the
    price ratio A may cost, with its range over runs when ``breakeven.run_ranges`` added it, the verdict under
    each price view and whether it holds in every run."""
    at = be.at_targets.filter(pl.col("breakeven_price_ratio").is_not_null())
    if be.status != "ok" or at.height == 0:
        return nothing(be.status if be.status != "ok" else "no target is reached by both sides", scope)
    t = target if target is not None and target in at["target"].to_list() else _pick_target(at)
    r = at.filter(pl.col("target") == t).row(0, named=True)
    a, b = be.side_a.name, be.side_b.name
    several = bool(r.get("runs_a") and r.get("runs_b") and (r["runs_a"] > 1 or r["runs_b"] > 1))
    if several:
        runs = (
            f"median over runs {_x(r['breakeven_price_ratio_median'])}, range "
            f"{r['breakeven_price_ratio_min']:.2f}–{r['breakeven_price_ratio_max']:.2f}× over "
            f"{r['runs_a']} and {r['runs_b']} runs; pooled newest points {_x(r['breakeven_price_ratio'])}"
        )
        value = r["breakeven_price_ratio_median"]
    else:
        runs, value = "one run", r["breakeven_price_ratio"]
    first = (
        f"At {_t(t)} tok/s/user, {a} is cheaper per token than {b} while its $/GPU-hour is below "
        f"{_x(value)} {b}'s ({runs})."
    )
    v = be.by_view.filter(pl.col("target") == t)
    winners = [w for w in v["winner"].to_list() if w]
    every = v["winner_in_every_run"].to_list() if "winner_in_every_run" in v.columns else []
    if winners and len(set(winners)) == 1:
        held = ""
        if several and every:
            held = " in every run" if all(e is True for e in every) else ", but not in every run"
        second = f"Under all {v.height} price views {winners[0]} is cheaper{held}."
        if not several:
            second += " One run of each side: no run-to-run range measured."
    elif winners:
        second = "The price views disagree: " + "; ".join(
            f"{pv}: {w}" for pv, w in zip(v["price_label"].to_list(), v["winner"].to_list()) if w
        )
        second += "."
    else:
        second = ""
    return Headline([first, second], FINDING, scope, {"target": t})


#: targets (tok/s/user) the calibration reads headline ratios at: DeepSeek-R1 and gpt-oss interactivities the
#: reports choose on the public sweeps
CALIBRATION_TARGETS = {"DeepSeek": (30.0, 40.0, 50.0, 60.0, 70.0), "gpt-oss": (50.0, 100.0, 150.0, 200.0, 250.0)}


def headline_ratios_by_workload(points: pl.DataFrame) -> dict[str, dict[str, list[float]]]:
    """:func:`headline_ratios` per ISL/OSL ("1024/1024" → kind → values): a comparison never pools sequence
    lengths, so neither does the calibration."""
    out: dict[str, dict[str, list[float]]] = {}
    for (isl, osl), g in points.group_by(["isl", "osl"], maintain_order=True):
        out[f"{isl}/{osl}"] = headline_ratios(g)
    return out


def headline_ratios(points: pl.DataFrame) -> dict[str, list[float]]:
    """The ratios the reports lead with, read on ``points`` (real or sample) at :data:`CALIBRATION_TARGETS`, one
    value per model × ISL/OSL × target that both sides reach on stable ground (``frontier.analysis.artefacts``):

    - ``mtp``: cost without MTP ÷ cost with MTP, every like-for-like MTP pair of DeepSeek-R1;
    - ``fp8_vs_fp4``: B200 cost FP8 ÷ FP4 (same engine), DeepSeek-R1;
    - ``b200_fp4_vs_h200_fp8``: cheapest H200 FP8 ÷ cheapest B200 FP4 $/M, DeepSeek-R1 (no spec decoding);
    - ``gptoss_b200_vs_h100``: best B200 ÷ best H100 tok/s/GPU, gpt-oss-120b."""
    from frontier.analysis import compare, iso

    out: dict[str, list[float]] = {"mtp": [], "fp8_vs_fp4": [], "b200_fp4_vs_h200_fp8": [], "gptoss_b200_vs_h100": []}
    pts = points.with_columns(pl.col("model").str.replace(r" \(synthetic\)$", ""))
    for (model, _, _), g in pts.group_by(["model", "isl", "osl"], maintain_order=True):
        if str(model).startswith("DeepSeek"):
            t = list(CALIBRATION_TARGETS["DeepSeek"])
            out["mtp"] += _stable_ratios(compare.mtp_comparison(g, t), invert=True)
            b200 = g.filter((pl.col("hardware") == "b200") & (pl.col("spec_method") == "none"))
            out["fp8_vs_fp4"] += _stable_ratios(compare.precision_comparison(b200, t))
            res = iso.iso_table(g.filter(pl.col("spec_method") == "none"), t)
            out["b200_fp4_vs_h200_fp8"] += _best_ratio(res, ("h200", "fp8"), ("b200", "fp4"), "cost_total_costh", 1)
        elif str(model).startswith("gpt-oss"):
            res = iso.iso_table(g, list(CALIBRATION_TARGETS["gpt-oss"]))
            out["gptoss_b200_vs_h100"] += _best_ratio(res, ("b200", None), ("h100", None), "tput_per_gpu", -1)
    return out


def _stable_ratios(pc: Any, invert: bool = False) -> list[float]:
    a = pc.at_targets.filter(~pl.col("unstable").fill_null(False) & pl.col("cost_ratio_b_over_a").is_not_null())
    vals = a["cost_ratio_b_over_a"].to_list()
    return [1 / v for v in vals] if invert else vals


def _best_ratio(res: Any, num: tuple, den: tuple, metric: str, order: int) -> list[float]:
    """Per target: best (lowest when ``order`` is 1, highest when -1) ``metric`` of side ``num`` ÷ of ``den``."""
    t = res.table.filter(pl.col(metric).is_not_null())

    def best(side: tuple) -> pl.DataFrame:
        sel = t.filter(pl.col("hardware") == side[0])
        if side[1]:
            sel = sel.filter(pl.col("precision") == side[1])
        agg = pl.col(metric).min() if order == 1 else pl.col(metric).max()
        return sel.group_by("target").agg(agg.alias("v"))

    both = best(num).join(best(den), on="target", suffix="_d")
    return (both["v"] / both["v_d"]).to_list()
