"""Sides of a comparison: a GPU/precision side (``b200/fp4``, optionally /engine/spec) as curve-key filters, the
configs it matches, and the like-for-like pairs of two sides (equal on everything but what the comparison is
about), ranked by how much their frontiers overlap."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

__all__ = ["PAIR_FIELDS", "Side", "held_equal", "like_pairs", "matching", "parse_side", "side"]


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


def held_equal(a: Side, b: Side) -> list[str]:
    """``PAIR_FIELDS`` a like-for-like pair of ``a`` and ``b`` holds equal: all but those the sides set apart."""
    return [f for f in PAIR_FIELDS if not (f in a.filters and f in b.filters and a.filters[f] != b.filters[f])]


def like_pairs(configs: pl.DataFrame, a: Side, b: Side) -> pl.DataFrame:
    """Pairs of configs (one of side ``a``, one of ``b``) equal on :func:`held_equal`; when no pair shares an
    engine (engines are often tied to a vendor), pairs equal on the rest, which then differ in engine. Ranked:
    frontiers that overlap in interactivity first (widest overlap first), then the smallest gap; ties: more frontier
    points. Columns curve_id_a/b, label_a/b, lo_a/b, hi_a/b (tok/s/user each reaches), overlap (tok/s/user; < 0: a
    gap), rank (0 = first)."""
    keys = [f for f in held_equal(a, b) if f in configs.columns]
    out = _join_sides(configs, a, b, keys)
    if out.height == 0 and "framework" in keys:
        out = _join_sides(configs, a, b, [k for k in keys if k != "framework"])
    out = out.with_columns(
        overlap=pl.min_horizontal("hi_a", "hi_b") - pl.max_horizontal("lo_a", "lo_b"),
        _n=(pl.col("_na") + pl.col("_nb")).cast(pl.Int64),
    ).with_columns(_far=-pl.col("overlap"))  # widest overlap first, then the smallest gap
    out = out.sort(
        [pl.col("overlap") >= 0, "_far", "_n", "label_a", "label_b"], descending=[True, False, True, False, False]
    )
    return (
        out.with_row_index("rank")
        .with_columns(pl.col("rank").cast(pl.Int64))
        .select("curve_id_a", "label_a", "lo_a", "hi_a", "curve_id_b", "label_b", "lo_b", "hi_b", "overlap", "rank")
    )


def _join_sides(configs: pl.DataFrame, a: Side, b: Side, keys: list[str]) -> pl.DataFrame:
    cols = ["curve_id", "label", "intvty_min", "intvty_max", "frontier_points"]
    ren = {"curve_id": "curve_id_{}", "label": "label_{}", "intvty_min": "lo_{}", "intvty_max": "hi_{}"}
    ca = matching(configs, a).select(*keys, *cols)
    cb = matching(configs, b).select(*keys, *cols)
    ca = ca.rename({k: v.format("a") for k, v in ren.items()} | {"frontier_points": "_na"})
    cb = cb.rename({k: v.format("b") for k, v in ren.items()} | {"frontier_points": "_nb"})
    out = ca.join(cb, on=keys, nulls_equal=True) if keys else ca.join(cb, how="cross")
    return out.filter(pl.col("curve_id_a") != pl.col("curve_id_b"))


#: curve-key fields a like-for-like pair holds equal (model and ISL/OSL always are), unless the sides ask otherwise
PAIR_FIELDS = ("precision", "framework", "spec_method", "disagg")


def parse_side(text: str) -> dict[str, str]:
    """ "b200/fp4" or "b200/fp4/trt" or "h200/int4/vllm/mtp" → curve-key filters (hardware, precision, framework,
    spec_method)."""
    parts = [p.strip().lower() for p in text.split("/") if p.strip()]
    if not parts:
        raise ValueError(f"empty config selector {text!r}")
    keys = ("hardware", "precision", "framework", "spec_method")
    return dict(zip(keys, parts))
