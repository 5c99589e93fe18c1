"""Comparisons between configs: MTP vs no-MTP, precision vs precision, provider margins, ratio wording.

Ratios are stated as "N.NN× cheaper (−X % cost)": N = pricier ÷ cheaper, X = (1 − cheaper ÷ pricier) × 100.
The dashboard's "Y % cheaper" is (pricier ÷ cheaper − 1) × 100 (so "208 % cheaper" means 3.08×, not a cost
below zero); both numbers are given, and a ratio under 1.01 is a tie (as the dashboard calls it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import polars as pl

from .display import money
from .economics import Pricing, gross_margin, read_price_table  # noqa: F401  (re-exported for notebooks)
from .iso import X, IsoResult, iso_table  # noqa: F401
from .normalise import SYNTHETIC_SUFFIX
from .pareto import interpolate_many
from .schema import CURVE_KEY

TIE_RATIO = 1.01


def ratio_words(cost_a: float | None, cost_b: float | None, a: str = "A", b: str = "B",
                where: str = "here") -> dict[str, Any]:
    """How two costs compare: cheaper side, ratio (pricier/cheaper), percent saved, dashboard-style percent.
    ``where`` ends the sentence when a side is unreachable (e.g. "at 90 tok/s/user")."""
    if cost_a is None or cost_b is None or not (cost_a > 0 and cost_b > 0):
        gone = [n for n, c in ((a, cost_a), (b, cost_b)) if c is None or not c > 0]
        who = "both" if len(gone) == 2 else gone[0]
        return {"cheaper": None, "ratio": None, "saved_pct": None, "dashboard_pct": None,
                "text": f"not comparable: {who} unreachable {where}"}
    cheap, dear, who = (cost_a, cost_b, a) if cost_a <= cost_b else (cost_b, cost_a, b)
    ratio = dear / cheap
    saved = (1.0 - cheap / dear) * 100.0
    dash = (ratio - 1.0) * 100.0
    if ratio < TIE_RATIO:
        text = f"tie ({ratio:.2f}×)"
        who = None
    else:
        text = f"{who} is {ratio:.2f}× cheaper (−{saved:.0f} % cost; dashboard wording: \"{dash:.0f} % cheaper\")"
    return {"cheaper": who, "ratio": ratio, "saved_pct": saved, "dashboard_pct": dash, "text": text}


def config_pairs(configs: pl.DataFrame, differ: str, *, same: Sequence[str] | None = None,
                 a_values: Iterable[str] | None = None, b_values: Iterable[str] | None = None) -> pl.DataFrame:
    """Pairs of configs equal on ``same`` (default: every other curve-key column) that differ in ``differ``.

    Returns columns ``curve_id_a``, ``curve_id_b``, ``label_a``, ``label_b``, ``<differ>_a``, ``<differ>_b`` and
    the shared key columns. ``a_values``/``b_values`` restrict which side is which (e.g. a = "none", b = "mtp").
    """
    same = list(same) if same is not None else [c for c in CURVE_KEY if c != differ]
    left = configs.select(*same, differ, "curve_id", "label")
    right = left.rename({differ: f"{differ}_b", "curve_id": "curve_id_b", "label": "label_b"})
    left = left.rename({differ: f"{differ}_a", "curve_id": "curve_id_a", "label": "label_a"})
    pairs = left.join(right, on=same, nulls_equal=True).filter(pl.col(f"{differ}_a") != pl.col(f"{differ}_b"))
    if a_values is not None:
        pairs = pairs.filter(pl.col(f"{differ}_a").is_in(list(a_values)))
    if b_values is not None:
        pairs = pairs.filter(pl.col(f"{differ}_b").is_in(list(b_values)))
    if a_values is None and b_values is None:  # unordered: keep each pair once
        pairs = pairs.filter(pl.col(f"{differ}_a") < pl.col(f"{differ}_b"))
    return pairs.sort("curve_id_a", "curve_id_b")


@dataclass
class PairComparison:
    """Pairs of configs compared at targets and along their shared interactivity band."""

    pairs: pl.DataFrame  # one row per pair: labels, band, range each side reaches
    at_targets: pl.DataFrame  # pair × target: metric a, b, ratios, wording
    curves: pl.DataFrame  # pair × interactivity grid across the shared band: cost/throughput ratios
    iso: IsoResult
    cost_metric: str


def compare_pairs(iso: IsoResult, pairs: pl.DataFrame, *, cost_metric: str, n_grid: int = 40,
                  a_name: str = "A", b_name: str = "B") -> PairComparison:
    """Compare each pair at the iso targets and on a grid over the interactivity band both curves reach."""
    cfg = iso.configs.select("curve_id", "intvty_min", "intvty_max")
    p = (pairs.join(cfg.rename({"curve_id": "curve_id_a", "intvty_min": "min_a", "intvty_max": "max_a"}),
                    on="curve_id_a")
         .join(cfg.rename({"curve_id": "curve_id_b", "intvty_min": "min_b", "intvty_max": "max_b"}), on="curve_id_b")
         .with_columns(band_lo=pl.max_horizontal("min_a", "min_b"), band_hi=pl.min_horizontal("max_a", "max_b"))
         .with_columns(
             shared_band=pl.col("band_lo") <= pl.col("band_hi"),
             # interactivity B reaches beyond A's fastest point (tok/s/user); 0 when none
             b_extends_by=pl.max_horizontal(pl.col("max_b") - pl.col("max_a"), pl.lit(0.0)),
             a_extends_by=pl.max_horizontal(pl.col("max_a") - pl.col("max_b"), pl.lit(0.0)),
         )
         .with_row_index("pair_id"))
    t = iso.table
    keep = ["curve_id", "target", "tput_per_gpu", cost_metric, "topology"]
    ta = t.select(keep).rename({"curve_id": "curve_id_a", "tput_per_gpu": "tput_a", cost_metric: "cost_a",
                                "topology": "topology_a"})
    tb = t.select(keep).rename({"curve_id": "curve_id_b", "tput_per_gpu": "tput_b", cost_metric: "cost_b",
                                "topology": "topology_b"})
    at = (p.select("pair_id", "curve_id_a", "curve_id_b", "label_a", "label_b")
          .join(ta, on="curve_id_a").join(tb, on=["curve_id_b", "target"])
          .with_columns(cost_ratio_b_over_a=pl.col("cost_b") / pl.col("cost_a"),
                        tput_ratio_b_over_a=pl.col("tput_b") / pl.col("tput_a"))
          .sort("pair_id", "target"))
    name_cols = [c for c in pairs.columns if c.endswith("_a") and c not in ("curve_id_a", "label_a")]
    if name_cols:  # name each side by the value that differs (e.g. "MTP off" / "MTP on", "fp4")
        diff = name_cols[0][:-2]
        names = p.select("pair_id", pl.col(f"{diff}_a").alias("_na"), pl.col(f"{diff}_b").alias("_nb"))
        if diff == "spec_method":
            names = names.with_columns(
                _na=pl.when(pl.col("_na") == "none").then(pl.col("_nb").str.to_uppercase() + " off")
                .otherwise(pl.col("_na")),
                _nb=pl.when(pl.col("_na") == "none").then(pl.col("_nb").str.to_uppercase() + " on")
                .otherwise(pl.col("_nb")))
        at = at.join(names, on="pair_id", how="left").sort("pair_id", "target")
    else:
        at = at.with_columns(_na=pl.lit(a_name), _nb=pl.lit(b_name))
    words = [ratio_words(ca, cb, na, nb, f"at {t:g} tok/s/user")["text"] for ca, cb, na, nb, t in
             zip(at["cost_a"].to_list(), at["cost_b"].to_list(), at["_na"].to_list(), at["_nb"].to_list(),
                 at["target"].to_list())]
    at = at.drop("_na", "_nb")
    at = at.with_columns(comparison=pl.Series(words, dtype=pl.String))
    # curves over the shared band
    grid_rows = []
    for row in p.filter(pl.col("shared_band")).iter_rows(named=True):
        xs = np.linspace(row["band_lo"], row["band_hi"], n_grid)
        for x in xs:
            grid_rows.append((row["pair_id"], row["curve_id_a"], row["curve_id_b"], float(x)))
    grid = pl.DataFrame(grid_rows, schema={"pair_id": pl.UInt32, "curve_id_a": pl.Int64, "curve_id_b": pl.Int64,
                                           "target": pl.Float64}, orient="row")
    metrics = {"tput_per_gpu": None, cost_metric: _recip_of(cost_metric)}
    va = interpolate_many(iso.frontier, grid.select(pl.col("curve_id_a").alias("curve_id"), "target"), metrics, x=X)
    vb = interpolate_many(iso.frontier, grid.select(pl.col("curve_id_b").alias("curve_id"), "target"), metrics, x=X)
    curves = grid.with_columns(
        tput_a=va["tput_per_gpu"], tput_b=vb["tput_per_gpu"], cost_a=va[cost_metric], cost_b=vb[cost_metric],
    ).with_columns(cost_ratio_b_over_a=pl.col("cost_b") / pl.col("cost_a"),
                   tput_ratio_b_over_a=pl.col("tput_b") / pl.col("tput_a"))
    curves = curves.join(p.select("pair_id", "label_a", "label_b"), on="pair_id")
    return PairComparison(pairs=p, at_targets=at, curves=curves, iso=iso, cost_metric=cost_metric)


def _recip_of(cost_metric: str) -> str | None:
    if cost_metric.startswith("cost_total_"):
        return "tput_per_gpu"
    if cost_metric.startswith("cost_input_"):
        return "input_tput_per_gpu"
    if cost_metric.startswith("cost_output_"):
        return "output_tput_per_gpu"
    return None


def mtp_comparison(points: pl.DataFrame, targets: Any, *, pricing: Pricing | None = None, view: str = "costh",
                   n_grid: int = 40) -> PairComparison:
    """Every pair of configs differing only in spec method (a = none, b = MTP or another method)."""
    iso = iso_table(points, targets, pricing=pricing)
    pairs = config_pairs(iso.configs, "spec_method", a_values=["none"])
    return compare_pairs(iso, pairs, cost_metric=f"cost_total_{view}", n_grid=n_grid, a_name="no spec",
                         b_name="spec")


PRECISION_ORDER = ("fp4", "mxfp4", "nvfp4", "int4", "fp8", "int8", "bf16", "fp16")


def precision_comparison(points: pl.DataFrame, targets: Any, *, pricing: Pricing | None = None,
                         view: str = "costh", n_grid: int = 40) -> PairComparison:
    """Pairs differing only in precision on the same hardware and engine (a = the lower-bit precision)."""
    iso = iso_table(points, targets, pricing=pricing)
    pairs = config_pairs(iso.configs, "precision")
    rank = {p: i for i, p in enumerate(PRECISION_ORDER)}
    # order each pair so a is the lower-bit precision
    pairs = pairs.with_columns(
        _ra=pl.col("precision_a").replace_strict(rank, default=99, return_dtype=pl.Int32),
        _rb=pl.col("precision_b").replace_strict(rank, default=99, return_dtype=pl.Int32))
    swapped = pairs.filter(pl.col("_ra") > pl.col("_rb"))
    if swapped.height:
        ren = {"curve_id_a": "curve_id_b", "curve_id_b": "curve_id_a", "label_a": "label_b", "label_b": "label_a",
               "precision_a": "precision_b", "precision_b": "precision_a"}
        swapped = swapped.rename(ren).select(pairs.columns)
        pairs = pl.concat([pairs.filter(pl.col("_ra") <= pl.col("_rb")), swapped])
    pairs = pairs.drop("_ra", "_rb").sort("curve_id_a", "curve_id_b")
    return compare_pairs(iso, pairs, cost_metric=f"cost_total_{view}", n_grid=n_grid, a_name="lower precision",
                         b_name="higher precision")


def cross_pairs(iso: IsoResult, a: dict[str, Any], b: dict[str, Any]) -> pl.DataFrame:
    """One explicit pair (e.g. B200 FP4 vs H200 FP8), each side a dict of curve-key values matching one config."""
    def pick(sel):
        rows = iso.configs
        for k, v in sel.items():
            rows = rows.filter(pl.col(k) == v)
        if rows.height != 1:
            raise ValueError(f"{sel} matches {rows.height} configs: {iso.configs['label'].to_list()}")
        return rows.row(0, named=True)
    ra, rb = pick(a), pick(b)
    return pl.DataFrame({"curve_id_a": [ra["curve_id"]], "curve_id_b": [rb["curve_id"]],
                         "label_a": [ra["label"]], "label_b": [rb["label"]]},
                        schema={"curve_id_a": pl.Int64, "curve_id_b": pl.Int64, "label_a": pl.String,
                                "label_b": pl.String})


# ---------------------------------------------------------------------------------------------------------------
# provider margins

PROVIDER_SCHEMA = {
    "provider": pl.String, "model": pl.String, "price_input_per_m": pl.Float64, "price_output_per_m": pl.Float64,
    "tok_s_user": pl.Float64, "date": pl.String, "source": pl.String,
}


def read_provider_table(path: str) -> pl.DataFrame:
    """Provider price table CSV: provider, model (display name), price_input_per_m, price_output_per_m ($/M
    tokens), tok_s_user (observed tok/s/user), date (YYYY-MM-DD), source. ``#`` lines are comments."""
    df = pl.read_csv(path, comment_prefix="#", schema_overrides={k: pl.String for k in PROVIDER_SCHEMA},
                     infer_schema_length=0)
    missing = [c for c in PROVIDER_SCHEMA if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: provider table lacks column(s) {missing}; expected {list(PROVIDER_SCHEMA)}")
    out = df.select(list(PROVIDER_SCHEMA))
    for c, t in PROVIDER_SCHEMA.items():
        if t == pl.Float64:
            cast = out[c].str.strip_chars().cast(pl.Float64, strict=False)
            if cast.is_null().any() or (cast <= 0).any():
                raise ValueError(f"{path}: column {c} must hold positive numbers")
            out = out.with_columns(cast.alias(c))
    return out


def provider_margins(points: pl.DataFrame, providers: pl.DataFrame, *, pricing: Pricing | None = None,
                     views: Sequence[str] | None = None, isl: int | None = None, osl: int | None = None) -> pl.DataFrame:
    """Gross margin estimate per provider row and TCO view.

    For each provider (model, price in/out $/M, observed tok/s/user v): among the benchmarked configs of that model
    (optionally one ISL/OSL), the config with the lowest total $/M at v sets the cost; its input and output $/M
    at v are compared with the provider's prices: margin = 1 − cost/price. v outside every frontier →
    ``status = "unreachable"`` and null costs (never a guess). Synthetic data is matched by base model name.
    """
    base = points.with_columns(_base=pl.col("model").str.replace(SYNTHETIC_SUFFIX, "", literal=True))
    if isl is not None:
        base = base.filter(pl.col("isl") == isl)
    if osl is not None:
        base = base.filter(pl.col("osl") == osl)
    rows = []
    for prov in providers.iter_rows(named=True):
        pts = base.filter(pl.col("_base") == prov["model"]).drop("_base")
        if pts.height == 0:
            rows.append({**prov, "status": "no benchmark data for this model"})
            continue
        iso = iso_table(pts, [prov["tok_s_user"]], pricing=pricing)
        use_views = list(views) if views else list(iso.pricing.views)
        for v in use_views:
            t = iso.table.filter(pl.col(f"cost_total_{v}").is_not_null())
            if t.height == 0:
                rows.append({**prov, "view": v, "status": "unreachable: no config reaches this speed",
                             "reachable_configs": 0})
                continue
            best = t.sort(f"cost_total_{v}").row(0, named=True)
            cin, cout = best[f"cost_input_{v}"], best[f"cost_output_{v}"]
            rows.append({
                **prov, "view": v, "status": "estimated", "reachable_configs": t.height,
                "config": best["label"], "topology": best["topology"], "disagg": best["disagg"],
                "cost_total_per_m": best[f"cost_total_{v}"], "cost_input_per_m": cin, "cost_output_per_m": cout,
                "margin_input": gross_margin(cin, prov["price_input_per_m"]) if cin else None,
                "margin_output": gross_margin(cout, prov["price_output_per_m"]) if cout else None,
            })
    schema = {**PROVIDER_SCHEMA, "view": pl.String, "status": pl.String, "reachable_configs": pl.Int64,
              "config": pl.String, "topology": pl.String, "disagg": pl.Boolean, "cost_total_per_m": pl.Float64,
              "cost_input_per_m": pl.Float64, "cost_output_per_m": pl.Float64, "margin_input": pl.Float64,
              "margin_output": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


# ---------------------------------------------------------------------------------------------------------------
# best-of comparisons across silicon, and frames for display


def parse_side(text: str) -> dict[str, str]:
    """"b200/fp4" or "b200/fp4/trt" or "h200/int4/vllm/mtp" → curve-key filters (hardware, precision, framework,
    spec_method)."""
    parts = [p.strip().lower() for p in text.split("/") if p.strip()]
    if not parts:
        raise ValueError(f"empty config selector {text!r}")
    keys = ("hardware", "precision", "framework", "spec_method")
    return dict(zip(keys, parts))


def cross_silicon(iso: IsoResult, a: dict[str, Any], b: dict[str, Any], cost_metric: str,
                  a_name: str | None = None, b_name: str | None = None) -> pl.DataFrame:
    """At each target, the cheapest config matching ``a`` vs the cheapest matching ``b`` (e.g. best B200 FP4 vs best
    H200 FP8 across engines), with the ratio stated both ways."""
    a_name = a_name or "/".join(a.values())
    b_name = b_name or "/".join(b.values())

    def best(sel):
        t = iso.table
        for k, v in sel.items():
            t = t.filter(pl.col(k) == v)
        return (t.filter(pl.col(cost_metric).is_not_null()).sort(cost_metric).group_by("target", maintain_order=True)
                .first().select("target", "label", cost_metric, "tput_per_gpu"))

    ba, bb = best(a), best(b)
    grid = pl.DataFrame({"target": iso.targets}, schema={"target": pl.Float64})
    out = (grid.join(ba.rename({"label": "config_a", cost_metric: "cost_a", "tput_per_gpu": "tput_a"}), on="target",
                     how="left")
           .join(bb.rename({"label": "config_b", cost_metric: "cost_b", "tput_per_gpu": "tput_b"}), on="target",
                 how="left")
           .with_columns(side_a=pl.lit(a_name), side_b=pl.lit(b_name)))
    words = [ratio_words(x, y, a_name, b_name, f"at {t:g} tok/s/user")
             for x, y, t in zip(out["cost_a"].to_list(), out["cost_b"].to_list(), out["target"].to_list())]
    return out.with_columns(
        ratio=pl.Series([w["ratio"] for w in words], dtype=pl.Float64),
        saved_pct=pl.Series([w["saved_pct"] for w in words], dtype=pl.Float64),
        dashboard_pct=pl.Series([w["dashboard_pct"] for w in words], dtype=pl.Float64),
        comparison=pl.Series([w["text"] for w in words], dtype=pl.String),
    ).sort("target")


PAIR_FORMATS = {
    "target tok/s/user": "{:.0f}", "cost A $/M": money, "cost B $/M": money, "cost B ÷ A": "{:.2f}×",
    "tok/s/GPU A": ",.1f", "tok/s/GPU B": ",.1f", "tok/s/GPU B ÷ A": "{:.2f}×", "shared band from": ",.1f",
    "shared band to": ",.1f", "A reaches": ",.1f", "B reaches": ",.1f", "B extends range by": ",.1f",
    "ratio": "{:.2f}×", "saved %": "{:.0f} %", "dashboard %": "{:.0f} %",
}


def pairs_view(pc: PairComparison) -> pl.DataFrame:
    """One row per pair: the shared interactivity band and how far each side reaches (tok/s/user)."""
    return pc.pairs.select(
        pl.col("label_a").alias("A"), pl.col("label_b").alias("B"),
        pl.col("band_lo").alias("shared band from"), pl.col("band_hi").alias("shared band to"),
        pl.col("max_a").alias("A reaches"), pl.col("max_b").alias("B reaches"),
        pl.col("b_extends_by").alias("B extends range by"))


def targets_view(pc: PairComparison) -> pl.DataFrame:
    """Pair × target: costs, throughputs, ratios and the wording."""
    return pc.at_targets.select(
        pl.col("label_a").alias("A"), pl.col("label_b").alias("B"), pl.col("target").alias("target tok/s/user"),
        pl.col("cost_a").alias("cost A $/M"), pl.col("cost_b").alias("cost B $/M"),
        pl.col("cost_ratio_b_over_a").alias("cost B ÷ A"), pl.col("tput_a").alias("tok/s/GPU A"),
        pl.col("tput_b").alias("tok/s/GPU B"), pl.col("tput_ratio_b_over_a").alias("tok/s/GPU B ÷ A"),
        pl.col("comparison"))


def curves_for_chart(pc: PairComparison) -> pl.DataFrame:
    """The ratio curves over each pair's shared band, labelled "B vs A"."""
    c = pc.curves.filter(pl.col("cost_ratio_b_over_a").is_not_null())
    names = {(a, b): pair_label(a, b) for a, b in c.select("label_a", "label_b").unique().iter_rows()}
    return c.select(
        pl.col("target").alias("median_intvty"), pl.col("cost_ratio_b_over_a").alias("ratio"),
        pl.col("tput_ratio_b_over_a"),
        pl.struct("label_a", "label_b").map_elements(lambda s: names[(s["label_a"], s["label_b"])],
                                                     return_dtype=pl.String).alias("label"))


def pair_label(a: str, b: str, sep: str = " · ") -> str:
    """What two config labels share, then "A → B" for the parts that differ:
    ("b200 · fp4 · no spec", "b200 · fp4 · mtp") → "b200 · fp4 · no spec → mtp"."""
    pa, pb = a.split(sep), b.split(sep)
    if len(pa) != len(pb):
        return f"{b} vs {a}"
    shared = [x for x, y in zip(pa, pb) if x == y]
    diff = [f"{x} → {y}" for x, y in zip(pa, pb) if x != y]
    return sep.join(shared + diff)


def paired_points(pc: PairComparison) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(points, frontier) of every config that is in a pair, for a frontier chart."""
    ids = set(pc.pairs["curve_id_a"].to_list()) | set(pc.pairs["curve_id_b"].to_list())
    fr = pc.iso.frontier.filter(pl.col("curve_id").is_in(list(ids)))
    labels = fr["label"].unique().to_list()
    return pc.iso.points.filter(pl.col("label").is_in(labels)), fr


MARGIN_FORMATS = {
    "price in $/M": "${:.2f}", "price out $/M": "${:.2f}", "speed tok/s/user": "{:.0f}", "cost in $/M": money,
    "cost out $/M": money, "cost total $/M": money, "margin in": "{:.0%}", "margin out": "{:.0%}",
}


def margins_view(m: pl.DataFrame) -> pl.DataFrame:
    """Provider margins with readable column names."""
    return m.select(
        pl.col("provider"), pl.col("model"), pl.col("view"), pl.col("tok_s_user").alias("speed tok/s/user"),
        pl.col("price_input_per_m").alias("price in $/M"), pl.col("price_output_per_m").alias("price out $/M"),
        pl.col("cost_input_per_m").alias("cost in $/M"), pl.col("cost_output_per_m").alias("cost out $/M"),
        pl.col("margin_input").alias("margin in"), pl.col("margin_output").alias("margin out"),
        pl.col("config").alias("cheapest config at that speed"), pl.col("status"), pl.col("date"),
        pl.col("source"))


def cross_silicon_table(iso: IsoResult, specs: Sequence[str], cost_metric: str) -> pl.DataFrame:
    """Several ``"b200/fp4 vs h200/fp8"`` comparisons as one table (see ``cross_silicon``)."""
    frames = []
    for spec in specs:
        if " vs " not in spec:
            raise ValueError(f"cross comparison {spec!r}: write it as 'gpu/precision vs gpu/precision'")
        a_txt, b_txt = (s.strip() for s in spec.split(" vs ", 1))
        frames.append(cross_silicon(iso, parse_side(a_txt), parse_side(b_txt), cost_metric, a_txt, b_txt))
    if not frames:
        return pl.DataFrame()
    out = pl.concat(frames, how="vertical")
    return out.select(
        pl.col("side_a").alias("A"), pl.col("side_b").alias("B"), pl.col("target").alias("target tok/s/user"),
        pl.col("config_a").alias("best A config"), pl.col("cost_a").alias("cost A $/M"),
        pl.col("config_b").alias("best B config"), pl.col("cost_b").alias("cost B $/M"),
        pl.col("ratio"), pl.col("saved_pct").alias("saved %"), pl.col("dashboard_pct").alias("dashboard %"),
        pl.col("comparison"))


def provider_speeds(providers: pl.DataFrame, points: pl.DataFrame) -> dict[str, list[float]]:
    """Model → the providers' observed speeds (tok/s/user), for models the points cover."""
    have = set(points["model"].str.replace(SYNTHETIC_SUFFIX, "", literal=True).to_list())
    out: dict[str, list[float]] = {}
    for row in providers.iter_rows(named=True):
        if row["model"] in have:
            out.setdefault(row["model"], []).append(row["tok_s_user"])
    return {k: sorted(set(v)) for k, v in out.items()}


def margin_caveats(margins: pl.DataFrame) -> list[str]:
    """What a margin estimate does not know, stated beside it."""
    out = [
        "Benchmarks use random tokens with no prefix caching; real traffic with cache hits costs less to serve, so "
        "the benchmark cost is an upper bound and the margin a lower bound on this point of view.",
        "Costs come from a TCO model (owning or renting GPUs), not from the provider's books; prices are list prices.",
        "The cheapest benchmarked config at the provider's speed is assumed; a provider on other hardware, software "
        "or batch policy may sit elsewhere.",
    ]
    if margins.height and margins["disagg"].fill_null(False).any():
        out.append("Some cheapest configs are disaggregated: their input/output $/M use prefill-/decode-only GPU "
                   "denominators and flatter the split; the total-token cost compares like for like.")
    unreach = margins.filter(pl.col("status").str.starts_with("unreachable"))
    if unreach.height:
        out.append(f"{unreach.height} provider/view rows are unreachable: no benchmarked config reaches that speed; "
                   "no margin is estimated for them.")
    return out

PROVIDER_FORMATS = {"price_input_per_m": "${:.2f}", "price_output_per_m": "${:.2f}", "tok_s_user": "{:.0f}"}
