"""Tables an analyst reads on a laptop: the iso-interactivity table wide (config rows × one column per target, one
table per metric), with what every row shares lifted into the caption.

The long form (config × target rows) stays in ``summary.json`` (``IsoResult.records``); these frames are for
display only (numbers stay numbers; :mod:`frontier.present.display` formats them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from frontier.analysis.iso import IsoResult
from frontier.analysis.spread import FORMATS, ONE_RUN, caveats, spread_view
from frontier.data.labels import price_line, view_words
from frontier.present import display

__all__ = [
    "spread_html",
    "UNREACHABLE",
    "UNSTABLE_COLUMN",
    "WideTable",
    "absent_rows",
    "accuracy_formats",
    "accuracy_na",
    "accuracy_shown",
    "caption_with",
    "compact_pairs",
    "cross_shown",
    "iso_wide",
    "lift_common",
    "lift_constant_columns",
    "margin_tables",
    "pairs_shown",
    "price_caption",
    "shared_parts",
    "target_column",
    "topology_wide",
]

UNREACHABLE = "unreachable"
"""A target outside a config's measured interactivity range (never extrapolated)."""
NO_EVALUATION = "no evaluation"
"""A config with no accuracy evaluation (distinct from an unreachable cost)."""


@dataclass(frozen=True)
class WideTable:
    """One metric as configs × targets: the frame, its column formats, null markers and caption."""

    metric: str
    frame: pl.DataFrame
    caption: str
    formats: dict[str, str | Callable[[Any], Any]] = field(default_factory=dict)
    na: dict[str, str] = field(default_factory=dict)


# metric shown → (column in IsoResult.table, "{view}" filled in; formatter; what the caption says it is)
ISO_METRICS: dict[str, tuple[str, str | Callable[[Any], Any], str]] = {
    "tok/s/GPU": ("tput_per_gpu", ",.0f", "Throughput per GPU (tok/s/GPU)"),
    "$/M total": ("cost_total_{view}", display.money, "Cost per million total tokens ($/M)"),
    "$/M input": ("cost_input_{view}", display.money, "Cost per million input tokens ($/M)"),
    "$/M output": ("cost_output_{view}", display.money, "Cost per million output tokens ($/M)"),
    "tok/s/MW": ("tok_s_mw", ",.0f", "Tokens per second per provisioned megawatt (tok/s/MW)"),
    "concurrency": (
        "conc",
        display.approx(",.0f"),
        "Concurrency at the target (≈ interpolated between measured concurrencies)",
    ),
}
COST_METRICS = ("$/M total", "$/M input", "$/M output", "tok/s/MW")


def _part_text(col: str, value: Any) -> str:
    if col == "spec_method":
        return "no spec decoding" if value == "none" else f"spec decoding {value}"
    if col == "disagg":
        return "disaggregated" if value else "aggregated"
    return str(value)


def shared_parts(configs: pl.DataFrame, parts: tuple[str, ...] = ("model", "isl", "osl")) -> list[str]:
    """The scope every config shares, in words (model, "ISL/OSL 1024/1024"; with ``parts`` any curve-key part):
    the caption says it once. Config parts stay in the row labels, spelled as in every other table."""
    const = [c for c in parts if c in configs.columns and configs.height and configs[c].n_unique() == 1]
    out = [_part_text(c, configs[c][0]) for c in const if c not in ("isl", "osl")]
    if "isl" in const and "osl" in const:
        out.insert(1 if "model" in const else 0, f"ISL/OSL {configs['isl'][0]}/{configs['osl'][0]}")
    return out


def target_column(target: float) -> str:
    """The column of one target interactivity: ``"30 tok/s/user"``."""
    return f"{target:g} tok/s/user"


def _wide(res: IsoResult, column: str, configs: pl.DataFrame) -> pl.DataFrame:
    out = configs.select("curve_id", pl.col("label").alias("config"))
    for target in res.targets:
        at = res.table.filter(pl.col("target") == target).select(
            "curve_id", pl.col(column).alias(target_column(target))
        )
        out = out.join(at, on="curve_id", how="left")
    return out.sort("curve_id").drop("curve_id")


def iso_wide(res: IsoResult, view: str, metrics: tuple[str, ...] = tuple(ISO_METRICS)) -> list[WideTable]:
    """One wide table per metric (configs × targets). Cells outside a config's frontier read "unreachable";
    configs on GPUs with no price are left out of the cost tables (said in the caption), never shown as unreachable.
    """
    shared = " · ".join(shared_parts(res.configs))
    priced = res.configs.filter(~pl.col("hardware").is_in(res.unpriced)) if res.unpriced else res.configs
    out = []
    for metric in metrics:
        template, fmt, words = ISO_METRICS[metric]
        column = template.format(view=view)
        if column not in res.table.columns:
            continue
        configs = priced if metric in COST_METRICS else res.configs
        caption = f"{words} at each target interactivity" + (f" · {shared}" if shared else "")
        if metric in COST_METRICS[:3]:
            caption += " · " + price_line(res.pricing, view, configs["hardware"].unique().to_list())
        if metric in COST_METRICS and res.unpriced:
            caption += f" · not shown (no price): {', '.join(res.unpriced)}"
        frame = _wide(res, column, configs)
        cols = [target_column(t) for t in res.targets]
        out.append(
            WideTable(
                metric=metric,
                frame=frame,
                caption=caption,
                formats=dict.fromkeys(cols, fmt),
                na=dict.fromkeys(cols, UNREACHABLE),
            )
        )
    return out


def topology_wide(res: IsoResult) -> WideTable:
    """The topology that wins at each target (the nearer frontier point), configs × targets; long disaggregated
    topologies wrap in their cell."""
    cols = [target_column(t) for t in res.targets]
    shared = " · ".join(shared_parts(res.configs))
    return WideTable(
        metric="topology",
        frame=_wide(res, "topology", res.configs),
        caption="Topology at each target (the nearer measured frontier point)" + (f" · {shared}" if shared else ""),
        na=dict.fromkeys(cols, UNREACHABLE),
    )


EVAL_COLUMNS = ("task", "score name", "score", "std. error", "eval date")


def accuracy_na(table: pl.DataFrame) -> dict[str, str]:
    """Null markers for the accuracy-beside-cost table: a cost is "unreachable", an evaluation "no evaluation"."""
    return {
        c: UNREACHABLE if c.startswith("$/M") else NO_EVALUATION
        for c in table.columns
        if c.startswith("$/M") or c in EVAL_COLUMNS
    }


def accuracy_formats(table: pl.DataFrame) -> dict[str, str | Callable[[Any], Any]]:
    """Costs in the accuracy-beside-cost table to 3 significant digits."""
    return {c: display.money for c in table.columns if c.startswith("$/M")}


LABEL_SEP = " · "


def lift_common(df: pl.DataFrame, columns: list[str], sep: str = LABEL_SEP) -> tuple[pl.DataFrame, list[str]]:
    """Remove the label parts every value of ``columns`` shares (model, ISL/OSL, "(synthetic)" …) and return them,
    for the caption: ``("b200 · fp4 · mtp", "h200 · fp4 · mtp")`` → ``("b200", "h200")``, ``["fp4", "mtp"]``."""
    cols = [c for c in columns if c in df.columns]
    values = [v for c in cols for v in df[c].drop_nulls().to_list()]
    if not values:
        return df, []
    split = [str(v).split(sep) for v in values]
    shared = [p for p in split[0] if all(p in s for s in split[1:])]
    if not shared or any(len(s) == len(shared) for s in split):  # nothing to lift, or a label would be empty
        return df, []

    def strip(v: str | None) -> str | None:
        return None if v is None else sep.join(p for p in v.split(sep) if p not in shared)

    return df.with_columns([pl.col(c).map_elements(strip, return_dtype=pl.String) for c in cols]), shared


def compact_pairs(df: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """A pair table with one "pair" column ("b200 · fp4 · no spec → mtp") instead of two long config labels A and
    B, and the parts every pair shares lifted out (for the caption)."""
    from frontier.data.labels import pair_label

    if not {"A", "B"} <= set(df.columns) or df.height == 0:
        return df, []
    pairs = [pair_label(a, b) for a, b in zip(df["A"].to_list(), df["B"].to_list())]
    at = df.columns.index("A")
    out = df.drop("A", "B").insert_column(at, pl.Series("pair", pairs, dtype=pl.String))
    return lift_common(out, ["pair"])


def caption_with(shared: list[str], caption: str) -> str:
    """``caption`` after the parts every row shares: ``"DeepSeek-R1-0528 · ISL/OSL 1024/1024 · <caption>"``."""
    return LABEL_SEP.join([*shared, caption]) if shared else caption


def lift_constant_columns(df: pl.DataFrame, columns: list[str]) -> tuple[pl.DataFrame, list[str]]:
    """Drop those ``columns`` that hold one value in every row and return them as ``"name: value"`` for the caption
    (a column that is empty everywhere reads ``"name: none"``)."""
    if df.height < 2:
        return df, []
    const = [c for c in columns if c in df.columns and df[c].n_unique() == 1]
    words = [f"{c}: {'none' if df[c][0] in (None, '') else df[c][0]}" for c in const]
    return df.drop(const), words


def margin_tables(view: pl.DataFrame) -> list[tuple[pl.DataFrame, str]]:
    """``compare.margins_view`` as two tables that fit a laptop page, each with its constant columns lifted into its
    caption: the margins (price, cost, margin per token type and blended) and where each cost comes from (the
    config, topology, restrictions, the provider row's date and source)."""
    from frontier.analysis.compare import MARGIN_BLENDED, MARGIN_IN, MARGIN_OUT

    keys = ["provider", "model", "benchmark ISL/OSL", "view"]
    margin_cols = [  # the blended margin first: per-token-type margins charge all GPU time to one token type
        *keys,
        "speed tok/s/user",
        "token mix in:out",
        "blended price $/M",
        "cost total $/M",
        MARGIN_BLENDED,
        "status",
        "price in $/M",
        "cost in $/M",
        MARGIN_IN,
        "price out $/M",
        "cost out $/M",
        MARGIN_OUT,
    ]
    source_cols = [
        *keys,
        "cheapest config at that speed",
        "topology",
        "restricted to",
        "date",
        "source",
    ]
    out = []
    for cols, what in ((margin_cols, "Margins"), (source_cols, "Where each cost comes from")):
        frame = view.select([c for c in cols if c in view.columns])
        text_cols = [c for c in frame.columns if c not in ("provider", "status") and not frame.schema[c].is_numeric()]
        frame, lifted = lift_constant_columns(frame, text_cols)  # numbers stay in the table, formatted
        out.append((frame, LABEL_SEP.join([what, *lifted])))
    return out


def price_caption(pricing: Any, view: str, points: pl.DataFrame | None = None) -> str:
    """The price basis of a table in words, with the $/GPU-hour of each GPU in ``points``: ``Prices: dashboard GPU
    table v2 (…), owning at hyperscaler volume: B200 $1.73 / H200 $1.22 per GPU-hour`` (never the view's id)."""
    gpus = points["hardware"].drop_nulls().unique().to_list() if points is not None and "hardware" in points else []
    return price_line(pricing, view, gpus)


def absent_rows(
    df: pl.DataFrame, absent: pl.Expr, name: pl.Expr, what: str, *, limit: int = 12
) -> tuple[pl.DataFrame, str | None]:
    """Rows that only record an absence (no partner, no evaluation …) leave the table and become one sentence:
    ``(rows with something to show, "<what>: a; b; c.")`` (None when there is none). ``name``: the words each
    absent row is listed by (duplicates listed once)."""
    if df.height == 0:
        return df, None
    flagged = df.with_columns(_absent=absent.fill_null(False), _name=name)
    names = list(dict.fromkeys(n for n in flagged.filter(pl.col("_absent"))["_name"].to_list() if n))
    kept = flagged.filter(~pl.col("_absent")).drop("_absent", "_name")
    if not names:
        return kept, None
    shown = "; ".join(names[:limit]) + (f"; and {len(names) - limit} more" if len(names) > limit else "")
    return kept, f"{what} ({len(names)}): {shown}."


def cross_shown(cross: pl.DataFrame) -> tuple[pl.DataFrame, str | None]:
    """The across-silicon table as shown: rows of a model and ISL/OSL without a like-for-like partner collapse into
    one sentence; the comparison text (with the dashboard's "% cheaper" wording, kept in JSON) leaves the cells."""
    from frontier.analysis.compare import NO_PARTNER

    if cross.height == 0 or "comparison" not in cross.columns:
        return cross, None
    kept, sentence = absent_rows(
        cross,
        pl.col("comparison").str.starts_with(NO_PARTNER),
        pl.format("{} {}: {} vs {}", "model", "ISL/OSL", "A", "B"),
        "No like-for-like partner in this data, so not compared",
    )
    return kept.drop([c for c in ("comparison", "dashboard %") if c in kept.columns]), sentence


def accuracy_shown(table: pl.DataFrame) -> tuple[pl.DataFrame | None, str | None]:
    """The accuracy-beside-cost table as shown: configs with no evaluation collapse into one sentence (when some
    config has one); when none has, no table at all (its costs are the iso table's, each accuracy cell an absence)
    and the sentence says so."""
    if "score" not in table.columns:
        return table, None
    if table["score"].drop_nulls().len() == 0:
        if table.height == 0:
            return table, None
        return None, (
            f"No config has an evaluation, so accuracy is not shown beside cost ({table.height} configs; give "
            "evaluation files in the parameter eval_paths, e.g. from frontier fetch --evals)."
        )
    label = "config" if "config" in table.columns else table.columns[0]
    return absent_rows(table, pl.col("score").is_null(), pl.col(label).cast(pl.String), "No evaluation for")


def pairs_shown(pc: Any) -> pl.DataFrame:
    """A pair comparison's pair × target table as shown (``compare.targets_view``): the comparison sentence (with
    the dashboard's wording, kept in JSON) leaves the cells; a reading inside a cliff or a sparse gap says so in
    an "unstable: read inside" column (``frontier.analysis.artefacts``)."""
    from frontier.analysis.compare import targets_view

    view = targets_view(pc)
    if "unstable_reason" in pc.at_targets.columns and pc.at_targets["unstable"].fill_null(False).any():
        # a stable reading reads "—", not the table's marker for an unreachable cost
        view = view.with_columns(pc.at_targets["unstable_reason"].fill_null("—").alias(UNSTABLE_COLUMN))
    return view.drop([c for c in ("comparison",) if c in view.columns])


UNSTABLE_COLUMN = "unstable: read inside"


def spread_html(table: pl.DataFrame, view: str | None = None) -> list[Any]:
    """What to show for a table from :func:`result_spread`: the spread table (with $/M under price ``view`` when
    measured) and its caveats when some config has two or more runs reaching a target, else one line saying so
    (:data:`ONE_RUN`)."""
    from frontier.present.display import callout, table_html

    if table.filter(pl.col("runs_reaching") >= 2).height == 0:
        return [
            callout(
                f"Run-to-run spread: {ONE_RUN} (every config was measured in one run, or only one of its "
                "runs reaches each target).",
                "note",
            )
        ]
    shown = spread_view(table, view)
    cost = f" and $/M ({view_words(view)})" if view and "$/M median" in shown.columns else ""
    return [
        table_html(
            shown,
            formats={k: v for k, v in FORMATS.items() if k in shown.columns},
            na="—",
            caption=f"tok/s/GPU{cost} over runs (median and min–max of the runs that reach the target)",
        ),
        *(callout(text, "caveat") for text in caveats(table)),
    ]
