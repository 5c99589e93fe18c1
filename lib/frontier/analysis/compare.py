"""Comparisons between configs: MTP vs no-MTP, precision vs precision, provider margins, ratio wording.

Ratios are stated as "N.NN× cheaper (−X % cost)": N = pricier ÷ cheaper, X = (1 − cheaper ÷ pricier) × 100.
The dashboard's "Y % cheaper" is (pricier ÷ cheaper − 1) × 100 (so "208 % cheaper" means 3.08×, not a cost
below zero); both numbers are given, and a ratio under 1.01 is a tie (as the dashboard calls it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from frontier.analysis import artefacts
from frontier.analysis.economics import Pricing, gross_margin, throughput_of
from frontier.analysis.iso import IsoResult, X, iso_table
from frontier.analysis.pareto import interpolate_many
from frontier.analysis.sides import parse_side
from frontier.data.labels import (
    LABEL_PARTS,
    VIEW_WORDS,
    config_key_columns,
    config_label_expr,
    full_config_name,
    workload_text,
)
from frontier.data.load.normalise import MODEL_DISPLAY_NAMES, SYNTHETIC_SUFFIX, model_key_for
from frontier.data.schema import CURVE_KEY
from frontier.number_words import money
from frontier.tableview import Shown, TableView

__all__ = [
    "LIKE_FOR_LIKE",
    "MARGIN_BLENDED",
    "MARGIN_FORMATS",
    "MARGIN_IN",
    "MARGIN_OUT",
    "NO_PARTNER",
    "EXAMPLE_PROVIDERS",
    "PAIR_FORMATS",
    "PAIRS_TABLE",
    "PAIR_TARGETS_TABLE",
    "PROVIDER_EXAMPLE_CSV",
    "PROVIDER_FORMATS",
    "PROVIDER_TITLES",
    "PairComparison",
    "TIE_RATIO",
    "compare_pairs",
    "config_pairs",
    "cross_pairs",
    "cross_silicon_table",
    "margin_caveats",
    "margins_headline",
    "margins_view",
    "mtp_comparison",
    "mtp_paired_points",
    "paired_points",
    "pairs_view",
    "precision_comparison",
    "precision_paired_points",
    "provider_margins",
    "ProviderTableChoice",
    "provider_example",
    "provider_table_choice",
    "providers_view",
    "ratio_words",
    "read_openrouter",
    "read_provider_table",
    "targets_view",
    "unpaired_note",
]

TIE_RATIO = 1.01
#: what every comparison holds fixed (spec §4): a pair never mixes models or sequence lengths
LIKE_FOR_LIKE = ("model", "isl", "osl")
NO_PARTNER = "no like-for-like partner"


def _like_for_like_keys(columns: Sequence[str], what: str = "configs") -> list[str]:
    """``LIKE_FOR_LIKE``, after checking that ``columns`` hold all of it (else a comparison could mix them)."""
    missing = [c for c in LIKE_FOR_LIKE if c not in columns]
    if missing:
        raise ValueError(f"{what} lack {missing}: a comparison must hold model and ISL/OSL fixed")
    return list(LIKE_FOR_LIKE)


def _check_like_for_like(configs: pl.DataFrame, pairs: pl.DataFrame) -> None:
    """Raise ValueError when a pair (``curve_id_a``, ``curve_id_b``) joins configs of different models or ISL/OSL."""
    keys = _like_for_like_keys(configs.columns)
    side = configs.select("curve_id", *keys)
    both = (
        pairs.select("curve_id_a", "curve_id_b")
        .join(side.rename({"curve_id": "curve_id_a", **{k: f"{k}_A" for k in keys}}), on="curve_id_a", how="left")
        .join(side.rename({"curve_id": "curve_id_b", **{k: f"{k}_B" for k in keys}}), on="curve_id_b", how="left")
    )
    mixed = both.filter(pl.any_horizontal([pl.col(f"{k}_A").ne_missing(pl.col(f"{k}_B")) for k in keys]))
    if mixed.height:
        raise ValueError(
            f"{mixed.height} pair(s) mix models or ISL/OSL (curve ids "
            f"{mixed.select('curve_id_a', 'curve_id_b').rows()[:5]}): comparisons are like for like only"
        )


def ratio_words(
    cost_a: float | None, cost_b: float | None, a: str = "A", b: str = "B", where: str = "here"
) -> dict[str, Any]:
    """How two costs compare: cheaper side, ratio (pricier/cheaper), percent saved, dashboard-style percent.
    ``where`` ends the sentence when a side is unreachable (e.g. "at 90 tok/s/user")."""
    if cost_a is None or cost_b is None or not (cost_a > 0 and cost_b > 0):
        gone = [n for n, c in ((a, cost_a), (b, cost_b)) if c is None or not c > 0]
        who = "both" if len(gone) == 2 else gone[0]
        return {
            "cheaper": None,
            "ratio": None,
            "saved_pct": None,
            "dashboard_pct": None,
            "text": f"not comparable: {who} unreachable {where}",
        }
    cheap, dear = (cost_a, cost_b) if cost_a <= cost_b else (cost_b, cost_a)
    cheaper: str | None = a if cost_a <= cost_b else b
    ratio = dear / cheap
    saved = (1.0 - cheap / dear) * 100.0
    dash = (ratio - 1.0) * 100.0
    if ratio < TIE_RATIO:
        text = f"tie ({ratio:.2f}×)"
        cheaper = None
    else:
        text = f'{cheaper} is {ratio:.2f}× cheaper (−{saved:.0f} % cost; dashboard wording: "{dash:.0f} % cheaper")'
    return {"cheaper": cheaper, "ratio": ratio, "saved_pct": saved, "dashboard_pct": dash, "text": text}


def config_pairs(
    configs: pl.DataFrame,
    differ: str,
    *,
    same: Sequence[str] | None = None,
    a_values: Iterable[str] | None = None,
    b_values: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Pairs of configs equal on ``same`` (default: every other curve-key column) that differ in ``differ``.

    ``LIKE_FOR_LIKE`` (model, ISL, OSL) is always part of ``same``: no pair mixes models or sequence lengths.
    Returns columns ``curve_id_a``, ``curve_id_b``, ``label_a``, ``label_b``, ``<differ>_a``, ``<differ>_b`` and
    the shared key columns. ``a_values``/``b_values`` restrict which side is which (e.g. a = "none", b = "mtp").
    """
    if differ in LIKE_FOR_LIKE:
        raise ValueError(f"pairs never differ in {differ!r}: comparisons hold model and ISL/OSL fixed")
    fixed = _like_for_like_keys(configs.columns)
    same = list(dict.fromkeys([*fixed, *(same if same is not None else [c for c in CURVE_KEY if c != differ])]))
    same = [c for c in same if c in configs.columns]
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


def _unpaired_configs(
    configs: pl.DataFrame, pairs: pl.DataFrame, differ: str, want: str, sides: Iterable[str] | None = None
) -> pl.DataFrame:
    """Configs (those whose ``differ`` is in ``sides``, default all) that are in no pair, each with the reason:
    ``"no like-for-like partner: <want> of the same model, ISL/OSL and the rest of the config"``."""
    paired = set(pairs["curve_id_a"].to_list()) | set(pairs["curve_id_b"].to_list())
    keys = _like_for_like_keys(configs.columns)
    c = configs.filter(~pl.col("curve_id").is_in(list(paired)))
    if sides is not None:
        c = c.filter(pl.col(differ).is_in(list(sides)))
    return c.select(pl.col("label").alias("config"), *config_key_columns(c), *keys, differ).with_columns(
        reason=pl.lit(f"{NO_PARTNER}: no {want} config of the same model, ISL/OSL and otherwise equal config")
    )


def paired_points(points: pl.DataFrame, differ: str, a_values: Sequence[str] | None = None) -> pl.DataFrame:
    """The points of curves that have a like-for-like partner differing only in ``differ`` (with ``a_values``:
    one side's ``differ`` in ``a_values``, the other's not), e.g. for choosing targets from the curves compared.
    Curves whose frontier overlaps its partner's in interactivity are preferred: when any pair overlaps, only the
    curves of overlapping pairs are returned (targets then fall where both sides are measured)."""
    same = [c for c in CURVE_KEY if c != differ and c in points.columns]
    kinds = points.select(*same, differ).unique()
    if a_values is not None:
        is_a = pl.col(differ).is_in(list(a_values))
        ok = kinds.group_by(same).agg(is_a.any().alias("_a"), (~is_a).any().alias("_b"))
        ok = ok.filter(pl.col("_a") & pl.col("_b"))
    else:
        ok = kinds.group_by(same).agg(pl.col(differ).n_unique().alias("_n")).filter(pl.col("_n") > 1)
    paired = points.join(ok.select(same), on=same, how="semi", nulls_equal=True)
    return _overlapping(paired, same, differ, a_values)


def _overlapping(pts: pl.DataFrame, same: list[str], differ: str, a_values: Sequence[str] | None) -> pl.DataFrame:
    """The points of curves in ``pts`` with a partner (equal on ``same``, differing in ``differ``) whose frontier
    overlaps theirs in interactivity; all of ``pts`` when no pair overlaps."""
    from frontier.analysis.scope import curve_ranges

    if pts.height == 0:
        return pts
    r = curve_ranges(pts, [*same, differ])
    left = r.rename({differ: "_da", "lo": "_loa", "hi": "_hia", "curve_id": "_ca"})
    right = r.select(*same, differ, "lo", "hi").rename({differ: "_db", "lo": "_lob", "hi": "_hib"})
    j = left.join(right, on=same, nulls_equal=True).filter(pl.col("_da") != pl.col("_db"))
    if a_values is not None:
        j = j.filter(pl.col("_da").is_in(list(a_values)) != pl.col("_db").is_in(list(a_values)))
    j = j.filter(pl.min_horizontal("_hia", "_hib") >= pl.max_horizontal("_loa", "_lob"))
    if j.height == 0:
        return pts
    keep = j.select(*same, pl.col("_da").alias(differ)).unique()
    return pts.join(keep, on=[*same, differ], how="semi", nulls_equal=True)


def mtp_paired_points(points: pl.DataFrame) -> pl.DataFrame:
    """Points of the curves ``mtp_comparison`` pairs (no spec decoding vs a spec method, all else equal)."""
    return paired_points(points, "spec_method", ["none"])


def precision_paired_points(points: pl.DataFrame) -> pl.DataFrame:
    """Points of the curves ``precision_comparison`` pairs (two precisions, all else equal)."""
    return paired_points(points, "precision")


@dataclass
class PairComparison:
    """Pairs of configs compared at targets and along their shared interactivity band."""

    pairs: pl.DataFrame  # one row per pair: labels, band, range each side reaches
    at_targets: pl.DataFrame  # pair × target: metric a, b, ratios, wording
    curves: pl.DataFrame  # pair × interactivity grid across the shared band: cost/throughput ratios
    iso: IsoResult
    cost_metric: str
    unpaired: pl.DataFrame | None = None  # configs with no like-for-like partner, and why
    artefacts: pl.DataFrame | None = None  # flagged frontier segments (artefacts.segments); reads inside: unstable


def compare_pairs(
    iso: IsoResult, pairs: pl.DataFrame, *, cost_metric: str, n_grid: int = 40, a_name: str = "A", b_name: str = "B"
) -> PairComparison:
    """Compare each pair at the iso targets and on a grid over the interactivity band both curves reach.
    Every pair must hold model and ISL/OSL fixed (``_check_like_for_like``).
    The at-target table and the shared-band curves are both read from the one joined frame of pairs."""
    _check_like_for_like(iso.configs, pairs)
    p = _pair_bands(iso.configs, pairs)
    at = _pairs_at_targets(iso.table, p, pairs, cost_metric, a_name, b_name)
    curves = _pair_curves(iso, p, cost_metric, n_grid)
    pc = PairComparison(pairs=p, at_targets=at, curves=curves, iso=iso, cost_metric=cost_metric)
    return artefacts.flag_comparison(pc)  # cliffs and sparse gaps: reads there are marked unstable


def _side(df: pl.DataFrame, names: dict[str, str], side: str) -> pl.DataFrame:
    """``df`` with the columns ``names`` maps renamed for one side of a pair (``side``: "a" or "b"); ``names``:
    column → its name without the ``_a``/``_b`` suffix, which is added."""
    return df.rename({c: f"{n}_{side}" for c, n in names.items()})


def _pair_bands(configs: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """One row per pair with each side's interactivity range, the band both reach (tok/s/user) and how far each
    side reaches beyond the other; numbered ``pair_id``."""
    cfg = configs.select("curve_id", "intvty_min", "intvty_max", "config_key")
    ranges = {"curve_id": "curve_id", "intvty_min": "min", "intvty_max": "max", "config_key": "config_key"}
    return (
        pairs.drop("config_key_a", "config_key_b", strict=False)
        .join(_side(cfg, ranges, "a"), on="curve_id_a")
        .join(_side(cfg, ranges, "b"), on="curve_id_b")
        .with_columns(band_lo=pl.max_horizontal("min_a", "min_b"), band_hi=pl.min_horizontal("max_a", "max_b"))
        .with_columns(
            shared_band=pl.col("band_lo") <= pl.col("band_hi"),
            # interactivity B reaches beyond A's fastest point (tok/s/user); 0 when none
            b_extends_by=pl.max_horizontal(pl.col("max_b") - pl.col("max_a"), pl.lit(0.0)),
            a_extends_by=pl.max_horizontal(pl.col("max_a") - pl.col("max_b"), pl.lit(0.0)),
        )
        .with_row_index("pair_id")
    )


def _pairs_at_targets(
    t: pl.DataFrame, p: pl.DataFrame, pairs: pl.DataFrame, cost_metric: str, a_name: str, b_name: str
) -> pl.DataFrame:
    """Pair × target: each side's throughput and cost read off the iso table ``t``, their ratios and the sentence
    comparing the costs, each side named by the value that differs (else ``a_name``/``b_name``)."""
    keep = ["curve_id", "target", "tput_per_gpu", cost_metric, "topology"]
    reads = {"curve_id": "curve_id", "tput_per_gpu": "tput", cost_metric: "cost", "topology": "topology"}
    at = (
        p.select("pair_id", "curve_id_a", "curve_id_b", "label_a", "label_b", "config_key_a", "config_key_b")
        .join(_side(t.select(keep), reads, "a"), on="curve_id_a")
        .join(_side(t.select(keep), reads, "b"), on=["curve_id_b", "target"])
        .with_columns(
            cost_ratio_b_over_a=pl.col("cost_b") / pl.col("cost_a"),
            tput_ratio_b_over_a=pl.col("tput_b") / pl.col("tput_a"),
        )
        .sort("pair_id", "target")
    )
    name_cols = [c for c in pairs.columns if c.endswith("_a") and c not in ("curve_id_a", "label_a", "config_key_a")]
    if name_cols:  # name each side by the value that differs (e.g. "MTP off" / "MTP on", "fp4")
        at = at.join(_side_names(p, name_cols[0][:-2]), on="pair_id", how="left").sort("pair_id", "target")
    else:
        at = at.with_columns(_na=pl.lit(a_name), _nb=pl.lit(b_name))
    words = [
        ratio_words(ca, cb, na, nb, f"at {t:g} tok/s/user")["text"]
        for ca, cb, na, nb, t in zip(
            at["cost_a"].to_list(),
            at["cost_b"].to_list(),
            at["_na"].to_list(),
            at["_nb"].to_list(),
            at["target"].to_list(),
        )
    ]
    return at.drop("_na", "_nb").with_columns(comparison=pl.Series(words, dtype=pl.String))


def _side_names(p: pl.DataFrame, diff: str) -> pl.DataFrame:
    """Per pair, each side's name (``_na``, ``_nb``): its value of the column ``diff`` that differs; a speculative
    decoding method against none reads "MTP off" / "MTP on"."""
    names = p.select("pair_id", pl.col(f"{diff}_a").alias("_na"), pl.col(f"{diff}_b").alias("_nb"))
    if diff != "spec_method":
        return names
    return names.with_columns(
        _na=pl.when(pl.col("_na") == "none").then(pl.col("_nb").str.to_uppercase() + " off").otherwise(pl.col("_na")),
        _nb=pl.when(pl.col("_na") == "none").then(pl.col("_nb").str.to_uppercase() + " on").otherwise(pl.col("_nb")),
    )


def _pair_curves(iso: IsoResult, p: pl.DataFrame, cost_metric: str, n_grid: int) -> pl.DataFrame:
    """Pair × ``n_grid`` interactivities across the band both sides reach: each side's throughput and cost read
    off its frontier, and their ratios B ÷ A."""
    grid_rows = []
    for row in p.filter(pl.col("shared_band")).iter_rows(named=True):
        xs = np.linspace(row["band_lo"], row["band_hi"], n_grid)
        for x in xs:
            grid_rows.append((row["pair_id"], row["curve_id_a"], row["curve_id_b"], float(x)))
    grid = pl.DataFrame(
        grid_rows,
        schema={"pair_id": pl.UInt32, "curve_id_a": pl.Int64, "curve_id_b": pl.Int64, "target": pl.Float64},
        orient="row",
    )
    metrics = {"tput_per_gpu": None, cost_metric: throughput_of(cost_metric) if iso.cost_rule == "reciprocal" else None}
    va = interpolate_many(iso.frontier, grid.select(pl.col("curve_id_a").alias("curve_id"), "target"), metrics, x=X)
    vb = interpolate_many(iso.frontier, grid.select(pl.col("curve_id_b").alias("curve_id"), "target"), metrics, x=X)
    curves = grid.with_columns(
        tput_a=va["tput_per_gpu"],
        tput_b=vb["tput_per_gpu"],
        cost_a=va[cost_metric],
        cost_b=vb[cost_metric],
    ).with_columns(
        cost_ratio_b_over_a=pl.col("cost_b") / pl.col("cost_a"), tput_ratio_b_over_a=pl.col("tput_b") / pl.col("tput_a")
    )
    return curves.join(p.select("pair_id", "label_a", "label_b", "config_key_a", "config_key_b"), on="pair_id")


def mtp_comparison(
    points: pl.DataFrame,
    targets: Any,
    *,
    pricing: Pricing | None = None,
    view: str = "costh",
    n_grid: int = 40,
    cost_rule: str = "reciprocal",
) -> PairComparison:
    """Every pair of configs differing only in spec method (a = none, b = MTP or another method)."""
    iso = iso_table(points, targets, pricing=pricing, cost_rule=cost_rule)
    pairs = config_pairs(iso.configs, "spec_method", a_values=["none"])
    pc = compare_pairs(iso, pairs, cost_metric=f"cost_total_{view}", n_grid=n_grid, a_name="no spec", b_name="spec")
    spec = [v for v in iso.configs["spec_method"].unique().to_list() if v != "none"]
    pc.unpaired = _unpaired_configs(iso.configs, pairs, "spec_method", "no-spec-decoding", sides=spec)
    return pc


_PRECISION_ORDER = ("fp4", "mxfp4", "nvfp4", "int4", "fp8", "int8", "bf16", "fp16")


def precision_comparison(
    points: pl.DataFrame,
    targets: Any,
    *,
    pricing: Pricing | None = None,
    view: str = "costh",
    n_grid: int = 40,
    cost_rule: str = "reciprocal",
) -> PairComparison:
    """Pairs differing only in precision on the same hardware and engine (a = the lower-bit precision).
    ``cost_rule``: how $/M is read off a frontier (``iso.COST_RULES``)."""
    iso = iso_table(points, targets, pricing=pricing, cost_rule=cost_rule)
    pairs = config_pairs(iso.configs, "precision")
    rank = {p: i for i, p in enumerate(_PRECISION_ORDER)}
    # order each pair so a is the lower-bit precision
    pairs = pairs.with_columns(
        _ra=pl.col("precision_a").replace_strict(rank, default=99, return_dtype=pl.Int32),
        _rb=pl.col("precision_b").replace_strict(rank, default=99, return_dtype=pl.Int32),
    )
    swapped = pairs.filter(pl.col("_ra") > pl.col("_rb"))
    if swapped.height:
        ren = {
            "curve_id_a": "curve_id_b",
            "curve_id_b": "curve_id_a",
            "label_a": "label_b",
            "label_b": "label_a",
            "precision_a": "precision_b",
            "precision_b": "precision_a",
        }
        swapped = swapped.rename(ren).select(pairs.columns)
        pairs = pl.concat([pairs.filter(pl.col("_ra") <= pl.col("_rb")), swapped])
    pairs = pairs.drop("_ra", "_rb").sort("curve_id_a", "curve_id_b")
    pc = compare_pairs(
        iso, pairs, cost_metric=f"cost_total_{view}", n_grid=n_grid, a_name="lower precision", b_name="higher precision"
    )
    pc.unpaired = _unpaired_configs(iso.configs, pairs, "precision", "other-precision")
    return pc


def _unpaired_name(r: dict[str, Any]) -> str:
    """An unpaired config with its model and ISL/OSL, each said once (labels may already start with them)."""
    label = str(r["config"])
    if label.startswith(f"{r.get('model')} · "):
        return label
    if label.startswith(f"{r.get('isl')}/{r.get('osl')} · "):
        return f"{r.get('model')} · {label}"
    return f"{label} ({workload_text(r)})"


def unpaired_note(pc: PairComparison, what: str) -> str | None:
    """One sentence naming the configs that have no like-for-like partner (None when every config is paired)."""
    if pc.unpaired is None or pc.unpaired.height == 0:
        return None
    names = ", ".join(_unpaired_name(r) for r in pc.unpaired.head(12).iter_rows(named=True))
    more = f" and {pc.unpaired.height - 12} more" if pc.unpaired.height > 12 else ""
    return (
        f"{pc.unpaired.height} config(s) have {NO_PARTNER} for {what} (same model and ISL/OSL, rest equal) "
        f"and are not compared: {names}{more}."
    )


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
    keys = _like_for_like_keys(iso.configs.columns)
    if any(ra[k] != rb[k] for k in keys):
        raise ValueError(
            f"{NO_PARTNER}: {ra['label']} ({workload_text(ra)}) and {rb['label']} "
            f"({workload_text(rb)}) differ in model or ISL/OSL"
        )
    return pl.DataFrame(
        {
            "curve_id_a": [ra["curve_id"]],
            "curve_id_b": [rb["curve_id"]],
            "label_a": [ra["label"]],
            "label_b": [rb["label"]],
        },
        schema={"curve_id_a": pl.Int64, "curve_id_b": pl.Int64, "label_a": pl.String, "label_b": pl.String},
    )


# ---------------------------------------------------------------------------------------------------------------
# provider margins

_PROVIDER_SCHEMA = {
    "provider": pl.String,
    "model": pl.String,
    "price_input_per_m": pl.Float64,
    "price_output_per_m": pl.Float64,
    "tok_s_user": pl.Float64,
    "date": pl.String,
    "source": pl.String,
}
#: optional provider-table columns: what the provider is known to run (an empty cell: not stated)
_PROVIDER_RUNS: dict[str, pl.DataType] = {
    "hardware": pl.String(),
    "precision": pl.String(),
    "spec_method": pl.String(),
    "disagg": pl.Boolean(),
    "framework": pl.String(),
    "isl": pl.Int64(),
    "osl": pl.Int64(),
}
_PROVIDER_ALIASES = {"engine": "framework", "serving_mode": "disagg", "spec_decoding": "spec_method"}
#: columns of an OpenRouter endpoint export ($ per token, p50 tok/s), read by ``read_openrouter``
_OPENROUTER_COLUMNS = ("model_slug", "provider_name", "pricing_prompt", "pricing_completion", "stats_p50_throughput")


#: the bundled example provider table: made-up ("illustrative") prices for the synthetic sample only
EXAMPLE_PROVIDERS = "data/raw/providers/example_providers.csv"
#: one line of a provider table, as a user would write it (the header and a row)
PROVIDER_EXAMPLE_CSV = (
    "provider,model,price_input_per_m,price_output_per_m,tok_s_user,date,source\n"
    'my-provider,DeepSeek-R1-0528,1.35,5.40,36,2026-05-22,"pricing page of my-provider, speed we measured"\n'
)


def provider_example() -> pl.DataFrame:
    """:data:`PROVIDER_EXAMPLE_CSV` as a table: how a provider table looks (every column as written)."""
    import io

    return pl.read_csv(io.StringIO(PROVIDER_EXAMPLE_CSV), infer_schema_length=0)


@dataclass(frozen=True)
class ProviderTableChoice:
    """Which provider table a margin estimate uses: ``path`` (None: none, nothing is estimated), whether its prices
    are ``illustrative`` (made up), and ``message`` (why none, how to supply one; "" when a table is used)."""

    path: Path | None
    illustrative: bool
    message: str


def provider_table_choice(param: str, points: pl.DataFrame, root: Path | None = None) -> ProviderTableChoice:
    """The provider table for ``param`` (a path from ``root``; "" or the bundled example: none given) on ``points``.

    The bundled example providers hold made-up prices: they run only when every point is synthetic (the bundled
    sample) and are then ``illustrative``. On measured data without a table of the user's, nothing is estimated and
    ``message`` says how to supply one (the columns and an example line)."""
    from frontier.paths import ROOT

    root = root or ROOT
    synthetic = bool(points.height) and bool(points["synthetic"].fill_null(False).all())
    example = (root / EXAMPLE_PROVIDERS).resolve()
    given = Path(param).expanduser() if param else None
    path = None if given is None else (given if given.is_absolute() else root / given)
    if path is not None and path.resolve() != example:
        return ProviderTableChoice(path, False, "")
    if synthetic:
        return ProviderTableChoice(example, True, "")
    return ProviderTableChoice(
        None,
        False,
        "No provider table was given, so no margin is estimated: the bundled example providers hold made-up prices "
        "and run only with the synthetic sample. To estimate margins on this data, give a CSV of real provider "
        "prices with parameter 'providers' (or an OpenRouter endpoint export). Columns: provider, model (the "
        "benchmark's display name), price_input_per_m and price_output_per_m ($ per million tokens), tok_s_user "
        "(observed tok/s/user), date (YYYY-MM-DD, when the prices were read), source; optional hardware, "
        "precision, spec_method, disagg, framework, isl, osl (what the provider is known to run). An example "
        "line follows.",
    )


def read_provider_table(path: str | Path) -> pl.DataFrame:
    """Provider price table CSV: provider, model (display name), price_input_per_m, price_output_per_m ($/M
    tokens), tok_s_user (observed tok/s/user), date (YYYY-MM-DD), source; optional ``_PROVIDER_RUNS`` columns
    (hardware, precision, spec_method, disagg, framework or engine, isl, osl) saying what the provider runs.
    ``#`` lines are comments. An OpenRouter endpoint export (``_OPENROUTER_COLUMNS``) is detected and converted
    by ``read_openrouter``."""
    df = pl.read_csv(path, comment_prefix="#", infer_schema_length=0)
    if all(c in df.columns for c in _OPENROUTER_COLUMNS):
        return read_openrouter(path)
    df = df.rename({k: v for k, v in _PROVIDER_ALIASES.items() if k in df.columns and v not in df.columns})
    missing = [c for c in _PROVIDER_SCHEMA if c not in df.columns]
    if missing:
        raise ValueError(
            f"{path}: provider table lacks column(s) {missing}; expected {list(_PROVIDER_SCHEMA)} "
            f"(optional: {list(_PROVIDER_RUNS)}), or an OpenRouter export {list(_OPENROUTER_COLUMNS)}"
        )
    out = df.select([*_PROVIDER_SCHEMA, *[c for c in _PROVIDER_RUNS if c in df.columns]])
    for c, t in _PROVIDER_SCHEMA.items():
        if t == pl.Float64:
            out = out.with_columns(_positive(out[c], f"{path}: column {c}"))
    return _with_runs(out, path)


def _positive(col: pl.Series, what: str) -> pl.Series:
    cast = col.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
    if cast.is_null().any() or (cast <= 0).any() or (~cast.is_finite()).any():
        raise ValueError(f"{what} must hold positive numbers")
    return cast


def _with_runs(out: pl.DataFrame, path: str | Path) -> pl.DataFrame:
    """The optional ``_PROVIDER_RUNS`` columns, typed (absent or empty: null, meaning "not stated")."""
    cols = []
    for c, t in _PROVIDER_RUNS.items():
        if c not in out.columns:
            cols.append(pl.lit(None, dtype=t).alias(c))
            continue
        raw = pl.col(c).cast(pl.String).str.strip_chars().str.to_lowercase()
        raw = pl.when(raw == "").then(None).otherwise(raw)
        if t == pl.Boolean():
            cols.append(
                pl.when(raw.is_in(["true", "1", "yes", "disagg", "disaggregated"]))
                .then(True)
                .when(raw.is_in(["false", "0", "no", "agg", "aggregated"]))
                .then(False)
                .otherwise(None)
                .alias(c)
            )
            bad = out.filter(
                raw.is_not_null()
                & ~raw.is_in(["true", "1", "yes", "disagg", "disaggregated", "false", "0", "no", "agg", "aggregated"])
            )
        elif t == pl.Int64():
            cols.append(raw.cast(pl.Int64, strict=False).alias(c))
            bad = out.filter(raw.is_not_null() & raw.cast(pl.Int64, strict=False).is_null())
        else:
            cols.append(raw.alias(c))
            bad = out.head(0)
        if bad.height:
            raise ValueError(f"{path}: column {c} holds values it cannot read: {bad[c].head(3).to_list()}")
    return out.with_columns(cols)


def read_openrouter(path: str | Path, *, date: str | None = None, source: str | None = None) -> pl.DataFrame:
    """An OpenRouter endpoint export (``model_slug, provider_name, pricing_prompt, pricing_completion`` in $ per
    token, ``stats_p50_throughput`` in tok/s, optional ``stats_p50_latency`` in ms) as a provider table:
    $/token × 1e6 → $/M tokens, p50 throughput → ``tok_s_user``, the model slug → the benchmark display name.
    ``date`` defaults to the YYYYMMDD in the file name; a provider listed twice (two endpoints) is numbered."""
    path = Path(path)
    df = pl.read_csv(path, comment_prefix="#", infer_schema_length=0)
    missing = [c for c in _OPENROUTER_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: an OpenRouter export needs column(s) {missing}")
    if date is None:
        found = re.search(r"(20\d\d)(\d\d)(\d\d)", path.name)
        if not found:
            raise ValueError(f"{path}: no date in the file name; pass date='YYYY-MM-DD' (when the prices were read)")
        date = "-".join(found.groups())
    names = df["provider_name"].str.strip_chars()
    counts: dict[str, int] = {}
    providers = []
    for n in names.to_list():
        counts[n] = counts.get(n, 0) + 1
        providers.append(n if counts[n] == 1 else f"{n} #{counts[n]}")
    out = pl.DataFrame(
        {
            "provider": providers,
            "model": [_display_model(m) for m in df["model_slug"].to_list()],
            "price_input_per_m": _positive(df["pricing_prompt"], f"{path}: pricing_prompt") * 1e6,
            "price_output_per_m": _positive(df["pricing_completion"], f"{path}: pricing_completion") * 1e6,
            "tok_s_user": _positive(df["stats_p50_throughput"], f"{path}: stats_p50_throughput"),
            "date": [date] * df.height,
            "source": [source or f"OpenRouter endpoint stats ({path.name}): $/token × 1e6, p50 tok/s"] * df.height,
        },
        schema=_PROVIDER_SCHEMA,
    )
    if "stats_p50_latency" in df.columns:
        out = out.with_columns(p50_latency_ms=df["stats_p50_latency"].str.strip_chars().cast(pl.Float64, strict=False))
    return _with_runs(out, path)


def _display_model(slug: str) -> str:
    """``openai/gpt-oss-120b`` → ``gpt-oss-120b`` (the benchmark's display name when the model is known)."""
    key = model_key_for(None, slug)
    return MODEL_DISPLAY_NAMES.get(key, slug.split("/")[-1]) if key else slug.split("/")[-1]


def _restrict(pts: pl.DataFrame, prov: dict[str, Any], restrict: dict[str, Any]) -> tuple[pl.DataFrame, str]:
    """Points restricted to what the provider runs (its row) and to ``restrict`` (the analysis' filters); and
    the restriction in words ("" when none)."""
    said = []
    for c in _PROVIDER_RUNS:
        for want in (prov.get(c), restrict.get(c)):
            if want is None or want == [] or want == "":
                continue
            vals = list(want) if isinstance(want, (list, tuple, set)) else [want]
            pts = pts.filter(pl.col(c).is_in(vals))
            said.append(f"{c} {'/'.join(str(v) for v in vals)}")
    return pts, ", ".join(dict.fromkeys(said))


def provider_margins(
    points: pl.DataFrame,
    providers: pl.DataFrame,
    *,
    pricing: Pricing | None = None,
    views: Sequence[str] | None = None,
    isl: int | None = None,
    osl: int | None = None,
    restrict: dict[str, Any] | None = None,
    mix: tuple[float, float] | None = None,
) -> pl.DataFrame:
    """Gross margin estimate per provider row, benchmark ISL/OSL and TCO view (spec §4).

    For each provider (model, price in/out $/M, observed tok/s/user v): among the benchmarked configs of that model
    restricted to what the provider runs (its optional ``_PROVIDER_RUNS`` columns, and ``restrict`` /
    ``isl``/``osl`` for every row), within one ISL/OSL at a time (like for like), the config with the lowest total
    $/M at v sets the cost. Margins (1 − cost/price): ``margin_input`` / ``margin_output`` charge the config's
    whole GPU-hour to one token type (input or output $/M at v, as published analyses do), so each understates
    its margin; ``margin_blended`` compares the total-token $/M with the price blended at the input:output token
    ``mix`` (default the benchmark's ISL:OSL). v outside every frontier → ``status`` "unreachable …" and null
    costs (never a guess). Synthetic data is matched by base model name."""
    base = points.with_columns(_base=pl.col("model").str.replace(SYNTHETIC_SUFFIX, "", literal=True))
    restrict = {**(restrict or {}), **({"isl": isl} if isl else {}), **({"osl": osl} if osl else {})}
    rows: list[dict[str, Any]] = []
    for prov in providers.iter_rows(named=True):
        pts = base.filter(pl.col("_base") == prov["model"]).drop("_base")
        if pts.height == 0:
            rows.append({**prov, "status": "no benchmark data for this model"})
            continue
        pts, said = _restrict(pts, prov, restrict)
        if pts.height == 0:
            rows.append(
                {
                    **prov,
                    "restricted_to": said,
                    "status": f"no benchmarked config of this model matches what it runs ({said})",
                }
            )
            continue
        for (w_isl, w_osl), sub in sorted(pts.group_by(["isl", "osl"]), key=lambda g: g[0]):
            rows += _margin_rows(
                sub, prov, pricing, views, said, mix or (float(w_isl), float(w_osl)), (int(w_isl), int(w_osl))
            )
    return pl.DataFrame([{k: r.get(k) for k in _MARGIN_SCHEMA} for r in rows], schema=_MARGIN_SCHEMA)


def _margin_rows(
    pts: pl.DataFrame,
    prov: dict[str, Any],
    pricing: Pricing | None,
    views: Sequence[str] | None,
    said: str,
    mix: tuple[float, float],
    workload: tuple[int, int],
) -> list[dict[str, Any]]:
    """The margin rows of one provider on one model and ISL/OSL, one per view."""
    iso = iso_table(pts, [prov["tok_s_user"]], pricing=pricing)
    w_in, w_out = mix
    price_blend = (w_in * prov["price_input_per_m"] + w_out * prov["price_output_per_m"]) / (w_in + w_out)
    common = {
        **prov,
        "isl": workload[0],
        "osl": workload[1],
        "restricted_to": said,
        "token_mix": f"{w_in:g}:{w_out:g}",
        "price_blended_per_m": price_blend,
    }
    out = []
    for v in list(views) if views else list(iso.pricing.views):
        t = iso.table.filter(pl.col(f"cost_total_{v}").is_not_null())
        if t.height == 0:
            lo, hi = float(iso.configs["intvty_min"].min()), float(iso.configs["intvty_max"].max())  # type: ignore[arg-type]
            out.append(
                {
                    **common,
                    "view": v,
                    "reachable_configs": 0,
                    "status": f"unreachable: the {iso.configs.height} matching config(s) reach "
                    f"{lo:.0f}–{hi:.0f} tok/s/user (priced)",
                }
            )
            continue
        best = t.sort(f"cost_total_{v}").row(0, named=True)
        cin, cout, ctot = best[f"cost_input_{v}"], best[f"cost_output_{v}"], best[f"cost_total_{v}"]
        out.append(
            {
                **common,
                "view": v,
                "status": "estimated",
                "reachable_configs": t.height,
                "config": full_config_name(best),
                "topology": best["topology"],
                "config_disagg": best["disagg"],
                "cost_total_per_m": ctot,
                "cost_input_per_m": cin,
                "cost_output_per_m": cout,
                "margin_input": gross_margin(cin, prov["price_input_per_m"]) if cin else None,
                "margin_output": gross_margin(cout, prov["price_output_per_m"]) if cout else None,
                "margin_blended": gross_margin(ctot, price_blend),
            }
        )
    return out


_MARGIN_SCHEMA: dict[str, Any] = {
    **_PROVIDER_SCHEMA,
    **_PROVIDER_RUNS,
    "restricted_to": pl.String,
    "view": pl.String,
    "status": pl.String,
    "reachable_configs": pl.Int64,
    "config": pl.String,
    "topology": pl.String,
    "config_disagg": pl.Boolean,
    "cost_total_per_m": pl.Float64,
    "cost_input_per_m": pl.Float64,
    "cost_output_per_m": pl.Float64,
    "margin_input": pl.Float64,
    "margin_output": pl.Float64,
    "token_mix": pl.String,
    "price_blended_per_m": pl.Float64,
    "margin_blended": pl.Float64,
}


# ---------------------------------------------------------------------------------------------------------------
# best-of comparisons across silicon, and frames for display


def _cross_silicon(
    iso: IsoResult,
    a: dict[str, Any],
    b: dict[str, Any],
    cost_metric: str,
    a_name: str | None = None,
    b_name: str | None = None,
    match: str = "like-for-like",
) -> pl.DataFrame:
    """Within each model and ISL/OSL, at each target: a config matching ``a`` vs one matching ``b``, with the ratio
    stated both ways. ``match`` "like-for-like": a pair with the same engine, speculative decoding and serving mode
    (:func:`frontier.analysis.sides.like_pairs`: overlapping frontiers first; at each target the first pair both
    reach);
    "best-of-each": the cheapest config of each side whatever else differs. A model and ISL/OSL where only one side
    was measured, or (like for like) no pair exists, gets a row saying it has no like-for-like partner (never a
    match to another model).
    Both sides' best configs and the rows without a partner come from one grid of workloads × targets."""
    a_name = a_name or "/".join(a.values())
    b_name = b_name or "/".join(b.values())
    keys = _like_for_like_keys(iso.configs.columns)
    # the model and ISL/OSL are columns of the cross table: a config label names only the rest
    short_label = config_label_expr(iso.configs, [p for p in LABEL_PARTS if p not in ("model", "isl", "osl")])
    grid = _workload_grid(iso, a, b, keys)
    if match == "best-of-each":
        for side, sel in (("a", a), ("b", b)):
            best = _best_configs(iso.table, sel, keys, cost_metric, short_label)
            best = _side(best, _side_reads(cost_metric), side)
            grid = grid.join(best, on=[*keys, "target"], how="left", nulls_equal=True)
        out = grid
    else:
        pairs = _like_cells(iso, a, b, a_name, b_name, cost_metric, keys, short_label)
        out = grid.join(pairs, on=[*keys, "target"], how="left", nulls_equal=True)
    out = out.with_columns(side_a=pl.lit(a_name), side_b=pl.lit(b_name))
    return _with_cross_words(out, a_name, b_name, match).sort([*keys, "target"])


def _side_reads(cost_metric: str) -> dict[str, str]:
    """A side's config read at a target, for :func:`_side`: its label (as ``config``), key, cost and tok/s/GPU."""
    return {"label": "config", "config_key": "config_key", cost_metric: "cost", "tput_per_gpu": "tput"}


def _matching(t: pl.DataFrame, sel: dict[str, Any]) -> pl.DataFrame:
    """The rows of ``t`` with every column of ``sel`` equal to its value."""
    for k, v in sel.items():
        t = t.filter(pl.col(k) == v)
    return t


def _best_configs(
    table: pl.DataFrame, sel: dict[str, Any], keys: list[str], cost_metric: str, label: pl.Expr
) -> pl.DataFrame:
    """Per workload (``keys``) and target, the config matching ``sel`` with the lowest ``cost_metric``: its
    ``label``, cost and tok/s/GPU."""
    return (
        _matching(table, sel)
        .filter(pl.col(cost_metric).is_not_null())
        .sort(cost_metric)
        .group_by([*keys, "target"], maintain_order=True)
        .first()
        .select(*keys, "target", label.alias("label"), "config_key", cost_metric, "tput_per_gpu")
    )


def _workload_grid(iso: IsoResult, a: dict[str, Any], b: dict[str, Any], keys: list[str]) -> pl.DataFrame:
    """Every workload (``keys``) either side was measured on × every target, with ``_a``/``_b``: whether it has a
    config matching that side."""
    have_a, have_b = (
        _matching(iso.configs, sel).select(keys).unique().with_columns(pl.lit(True).alias(flag))
        for sel, flag in ((a, "_a"), (b, "_b"))
    )
    workloads = have_a.join(have_b, on=keys, how="full", coalesce=True, nulls_equal=True).with_columns(
        pl.col("_a").fill_null(False), pl.col("_b").fill_null(False)
    )
    return workloads.join(pl.DataFrame({"target": iso.targets}, schema={"target": pl.Float64}), how="cross")


def _with_cross_words(out: pl.DataFrame, a_name: str, b_name: str, match: str) -> pl.DataFrame:
    """``out`` with the ratio of costs, the % saved both ways and the sentence per row; a row without both sides
    (or, like for like, without a pair) says it has no partner and why."""
    words = []
    for r in out.iter_rows(named=True):
        if not (r["_a"] and r["_b"]) or (match != "best-of-each" and not r.get("_pair")):
            why = (
                f"no {b_name if r['_a'] else a_name} config"
                if not (r["_a"] and r["_b"])
                else f"no {a_name} and {b_name} configs with the same engine, speculative decoding and serving mode"
            )
            none = {"ratio": None, "saved_pct": None, "dashboard_pct": None}
            words.append({**none, "text": f"{NO_PARTNER}: {why} for {workload_text(r)}"})
        else:
            words.append(ratio_words(r["cost_a"], r["cost_b"], a_name, b_name, f"at {r['target']:g} tok/s/user"))
    return out.drop("_a", "_b", "_pair", strict=False).with_columns(
        ratio=pl.Series([w["ratio"] for w in words], dtype=pl.Float64),
        saved_pct=pl.Series([w["saved_pct"] for w in words], dtype=pl.Float64),
        dashboard_pct=pl.Series([w["dashboard_pct"] for w in words], dtype=pl.Float64),
        comparison=pl.Series([w["text"] for w in words], dtype=pl.String),
    )


def _like_cells(
    iso: IsoResult,
    a: dict[str, Any],
    b: dict[str, Any],
    a_name: str,
    b_name: str,
    cost_metric: str,
    keys: list[str],
    label: pl.Expr,
) -> pl.DataFrame:
    """Per model, ISL/OSL and target: the like-for-like pair of ``a`` and ``b`` configs read there (the first in
    :func:`frontier.analysis.sides.like_pairs` order that both reach, else the first): config_a/b, cost_a/b,
    tput_a/b."""
    from frontier.analysis.sides import Side, like_pairs

    sa, sb = Side(a_name, dict(a)), Side(b_name, dict(b))
    frames = []
    for _, cfg in iso.configs.group_by(keys, maintain_order=True):
        pairs = like_pairs(cfg, sa, sb)
        if pairs.height:
            frames.append(pairs.select("curve_id_a", "curve_id_b", "rank"))
    schema: dict[str, Any] = {**{k: iso.configs.schema[k] for k in keys}, "target": pl.Float64}
    cols = {"config_a": pl.String, "config_key_a": pl.String, "cost_a": pl.Float64, "tput_a": pl.Float64}
    cols |= {"config_b": pl.String, "config_key_b": pl.String, "cost_b": pl.Float64, "tput_b": pl.Float64}
    if not frames:
        return pl.DataFrame(schema=schema | cols | {"_pair": pl.Boolean})
    t = iso.table.select("curve_id", "target", *keys, label.alias("label"), "config_key", cost_metric, "tput_per_gpu")
    names = {"curve_id": "curve_id", **_side_reads(cost_metric)}
    side_a = _side(t, names, "a")
    side_b = _side(t.select("curve_id", "target", "label", "config_key", cost_metric, "tput_per_gpu"), names, "b")
    both = (
        pl.concat(frames)
        .join(side_a, on="curve_id_a")
        .join(side_b, on=["curve_id_b", "target"])
        .with_columns(_q=pl.col("cost_a").is_null().cast(pl.Int32) + pl.col("cost_b").is_null().cast(pl.Int32))
        .sort([*keys, "target", "_q", "rank"])
        .group_by([*keys, "target"], maintain_order=True)
        .first()
    )
    unread = {
        k: pl.when(pl.col(f"cost_{k[-1]}").is_not_null()).then(pl.col(k))
        for k in ("config_a", "config_b", "config_key_a", "config_key_b")
    }
    return both.select(*keys, "target", *cols).with_columns(**unread, _pair=pl.lit(True))


_PAIR_SIDES = (Shown("A", "label_a"), Shown("B", "label_b"))
#: pairs and their readings at each target, for people: each column's title, source and format, declared once
PAIRS_TABLE = TableView(
    *_PAIR_SIDES,
    Shown("shared band from", "band_lo", ",.1f"),
    Shown("shared band to", "band_hi", ",.1f"),
    Shown("A reaches", "max_a", ",.1f"),
    Shown("B reaches", "max_b", ",.1f"),
    Shown("B extends range by", "b_extends_by", ",.1f"),
)
PAIR_TARGETS_TABLE = TableView(
    *_PAIR_SIDES,
    Shown("target tok/s/user", "target", "{:g}"),  # as chosen (47.2), the same as charts and file names
    Shown("cost A $/M", "cost_a", money),
    Shown("cost B $/M", "cost_b", money),
    Shown("cost B ÷ A", "cost_ratio_b_over_a", "{:.2f}×"),
    Shown("tok/s/GPU A", "tput_a", ",.1f"),
    Shown("tok/s/GPU B", "tput_b", ",.1f"),
    Shown("tok/s/GPU B ÷ A", "tput_ratio_b_over_a", "{:.2f}×"),
    Shown("comparison"),
)
#: formats of the pair tables and of the across-silicon table (ratio, saved %, dashboard %)
PAIR_FORMATS = (
    PAIRS_TABLE.formats
    | PAIR_TARGETS_TABLE.formats
    | {"ratio": "{:.2f}×", "saved %": "{:.0f} %", "dashboard %": "{:.0f} %"}
)


def pairs_view(pc: PairComparison) -> pl.DataFrame:
    """One row per pair: the shared interactivity band and how far each side reaches (tok/s/user)."""
    return PAIRS_TABLE.of(pc.pairs, extra=_pair_keys(pc.pairs))


def targets_view(pc: PairComparison) -> pl.DataFrame:
    """Pair × target: costs, throughputs, ratios and the wording."""
    return PAIR_TARGETS_TABLE.of(pc.at_targets, extra=_pair_keys(pc.at_targets))


def _pair_keys(frame: pl.DataFrame) -> list[pl.Expr]:
    """Both sides' join keys (``config_key_a``/``_b``), which tables for people hide."""
    return [*config_key_columns(frame, "_a"), *config_key_columns(frame, "_b")]


MARGIN_IN = "margin in (all GPU time on input)"
MARGIN_OUT = "margin out (all GPU time on output)"
MARGIN_BLENDED = "blended margin"


MARGIN_FORMATS = {
    "price in $/M": "${:.2f}",
    "price out $/M": "${:.2f}",
    "speed tok/s/user": "{:.0f}",
    "cost in $/M": money,
    "cost out $/M": money,
    "cost total $/M": money,
    MARGIN_IN: "{:.0%}",
    MARGIN_OUT: "{:.0%}",
    "blended price $/M": money,
    MARGIN_BLENDED: "{:.0%}",
}


def margins_view(m: pl.DataFrame) -> pl.DataFrame:
    """Provider margins with readable column names: the blended margin names its token mix, and the config is named
    in full. The per-token-type margins (``margin_input``/``margin_output``, and their costs) stay out: each charges
    the config's whole GPU-hour to one token type, so neither is a margin anyone earns (they remain in the data)."""
    return m.select(
        pl.col("provider"),
        pl.col("model"),
        pl.format("{}/{}", "isl", "osl").alias("benchmark ISL/OSL"),
        pl.col("view").replace_strict(VIEW_WORDS, default=pl.col("view")).alias("view"),
        pl.col("tok_s_user").alias("speed tok/s/user"),
        pl.col("price_input_per_m").alias("price in $/M"),
        pl.col("price_output_per_m").alias("price out $/M"),
        pl.col("cost_total_per_m").alias("cost total $/M"),
        pl.col("token_mix").alias("token mix in:out"),
        pl.col("price_blended_per_m").alias("blended price $/M"),
        pl.col("margin_blended").alias(MARGIN_BLENDED),
        # model and ISL/OSL have their own columns: the config names the rest (GPU, engine, precision, …)
        pl.col("config").str.replace(r"^[^·]*· ", "").alias("cheapest config at that speed"),
        pl.col("topology"),
        pl.when(pl.col("restricted_to") != "").then(pl.col("restricted_to")).alias("restricted to"),  # "": none
        pl.col("status"),
        pl.col("date"),
        pl.col("source"),
    )


def cross_silicon_table(
    iso: IsoResult, specs: Sequence[str], cost_metric: str, *, match: str = "like-for-like"
) -> pl.DataFrame:
    """Several ``"b200/fp4 vs h200/fp8"`` comparisons as one table (see ``_cross_silicon``; ``match``
    "like-for-like" by default, "best-of-each" on request): one row per model, ISL/OSL, comparison and target; the
    model and ISL/OSL each row holds fixed are its first columns."""
    if match not in ("like-for-like", "best-of-each"):
        raise ValueError(f"match {match!r}: 'like-for-like' or 'best-of-each'")
    frames = []
    for spec in specs:
        if " vs " not in spec:
            raise ValueError(f"cross comparison {spec!r}: write it as 'gpu/precision vs gpu/precision'")
        a_txt, b_txt = (s.strip() for s in spec.split(" vs ", 1))
        frames.append(_cross_silicon(iso, parse_side(a_txt), parse_side(b_txt), cost_metric, a_txt, b_txt, match))
    if not frames:
        return pl.DataFrame()
    out = pl.concat(frames, how="vertical")
    return out.select(
        pl.col("model"),
        pl.format("{}/{}", "isl", "osl").alias("ISL/OSL"),
        pl.col("side_a").alias("A"),
        pl.col("side_b").alias("B"),
        pl.col("target").alias("target tok/s/user"),
        pl.col("config_a").alias("best A config"),
        pl.col("cost_a").alias("cost A $/M"),
        pl.col("config_b").alias("best B config"),
        pl.col("cost_b").alias("cost B $/M"),
        pl.col("ratio"),
        pl.col("saved_pct").alias("saved %"),
        pl.col("dashboard_pct").alias("dashboard %"),
        pl.col("comparison"),
        *_pair_keys(out),
    )


def margin_caveats(margins: pl.DataFrame) -> list[str]:
    """What a margin estimate does not know, and how to read its columns, stated beside it."""
    out = [
        "Benchmarks use random tokens with no prefix caching; real traffic with cache hits costs less to serve, so "
        "the benchmark cost is an upper bound and the margin a lower bound on this point of view.",
        "Costs come from a TCO model (owning or renting GPUs), not from the provider's books; prices are list prices.",
        "The cheapest benchmarked config at the provider's speed is assumed, among the configs matching what the "
        "provider is stated to run (column 'restricted to'; empty: nothing stated, any config of the model).",
        "The margin shown is blended: the total-token cost against the price blended at the stated input:output "
        "token mix (default the benchmark's ISL:OSL, whose inputs are uniform in [0.8·ISL, ISL]); it says whether "
        "serving the mix pays. Margins per token type are not shown: each would charge the config's whole GPU-hour "
        "to input or to output tokens alone (the summary keeps them as margin_input / margin_output).",
    ]
    est = margins.filter(pl.col("status") == "estimated")
    mixed = est.filter(pl.col("token_mix") != pl.format("{}:{}", "isl", "osl"))
    if mixed.height:
        out.append(
            "A token mix other than the benchmark's ISL:OSL is stated: the price is blended at that mix, the "
            "cost is measured at the benchmark's ISL:OSL."
        )
    unreach = margins.filter(pl.col("status").str.starts_with("unreachable"))
    if unreach.height:
        out.append(
            f"{unreach.height} provider/view rows are unreachable: no benchmarked config reaches that speed; "
            "no margin is estimated for them."
        )
    return out


def margins_headline(margins: pl.DataFrame | None, choice: ProviderTableChoice) -> list[str]:
    """One to three plain sentences of what the margin estimate found: the blended margins' range per view, how many
    provider rows could not be estimated, and whether the prices are illustrative; or why nothing was estimated."""
    if margins is None or choice.path is None:
        return [
            "No margin estimated: no provider price table was given for this measured data (see how to supply one)."
        ]
    est = margins.filter(pl.col("status") == "estimated")
    lead = "Illustrative (made-up prices, synthetic sample): " if choice.illustrative else ""
    if est.height == 0:
        return [f"{lead}no provider row could be estimated: {margins['status'].unique().sort().to_list()[:3]}."]
    out = []
    for view, rows in sorted(est.group_by("view"), key=lambda g: str(g[0][0])):
        m = rows["margin_blended"].drop_nulls()
        words = VIEW_WORDS.get(str(view[0]), str(view[0]))
        if m.len():
            lo, hi = float(m.min()), float(m.max())  # type: ignore[arg-type]
            out.append(
                f"{lead}{'b' if lead else 'B'}lended gross margins from {lo:.0%} to {hi:.0%} across "
                f"{rows['provider'].n_unique()} provider(s) and {rows.height} benchmark workload row(s), {words}."
            )
            lead = ""
    skipped = margins.height - est.height
    if skipped:
        out.append(f"{skipped} provider row(s) not estimated (unreachable speed or no matching benchmark data).")
    return out[:3]


#: provider-table columns → the headers the margins tables use for the same quantities
PROVIDER_TITLES = {
    "price_input_per_m": "price in $/M",
    "price_output_per_m": "price out $/M",
    "tok_s_user": "speed tok/s/user",
    "spec_method": "spec decoding",
    "disagg": "serving",
    "isl": "ISL",
    "osl": "OSL",
}
PROVIDER_FORMATS = {"price in $/M": "${:.2f}", "price out $/M": "${:.2f}", "speed tok/s/user": "{:.0f}"}


def providers_view(providers: pl.DataFrame) -> pl.DataFrame:
    """The provider table for display: the margins tables' headers instead of column names, serving mode in
    words (the frame from ``read_provider_table`` keeps its names for the analysis)."""
    out = providers
    if "disagg" in out.columns:
        out = out.with_columns(
            pl.when(pl.col("disagg")).then(pl.lit("disagg")).when(~pl.col("disagg")).then(pl.lit("agg")).alias("disagg")
        )
    return out.rename({k: v for k, v in PROVIDER_TITLES.items() if k in out.columns})
