"""What the trend report draws: one line chart per workload and metric (tok/s/GPU, $/M) over run dates or run numbers,
at most eight configs each, with the rule for the ones left out."""

from __future__ import annotations

import functools
import re
from typing import Any

import polars as pl

from frontier.analysis.trend import TrendResult, config_labels, for_workload, workloads
from frontier.data import labels
from frontier.present import charts
from frontier.present.figures import Figure

__all__ = ["line_chart_kwargs", "figures", "figure_gaps"]


_METRICS = {"tput": ("tput_per_gpu", "tok/s/GPU"), "cost": ("cost_total", "$/M total")}


def _chart_frame(
    res: TrendResult, metric: str = "tput", target: float | None = None, min_periods: int = 1
) -> pl.DataFrame:
    """A frame for ``charts.line_chart``: columns x (``date`` when every period is dated, else ``period #`` in
    run order), y (``tok/s/GPU`` or ``$/M total``), ``config`` (colour: the key parts that vary among the configs
    drawn, in display words), then ``period``, ``image``, ``topology``, ``target tok/s/user`` for tooltips. Only
    reachable cells; ``target`` picks one target (default: all); ``min_periods``: only configs with a value in at
    least this many periods (a single point is no trend)."""
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {list(_METRICS)}")
    col, name = _METRICS[metric]
    t = res.table.filter(pl.col(col).is_not_null())
    if target is not None:
        t = t.filter((pl.col("target") - float(target)).abs() < 1e-9)
    t = t.filter(pl.col("period").n_unique().over("label", "target") >= min_periods)
    if t.height:  # shorter legend: only the parts that vary among the configs drawn
        cfg = t.select(res.key).unique().sort(res.key, nulls_last=True)
        short = cfg.with_columns(labels.series_labels(cfg).alias("_series"))
        if short["_series"].n_unique() < short.height:  # a varying key column outside the label parts
            short = short.with_columns(_series=config_labels(cfg, res.key)["label"])
        t = t.join(short, on=res.key, how="left", nulls_equal=True).with_columns(pl.col("_series").alias("label"))
    x = pl.col("period_date").alias("date") if res.dated else pl.col("period_index").alias("period #")
    return t.sort("label", "target", "period_index").select(
        x,
        pl.col(col).alias(name),
        pl.col("label").alias("config"),
        "period",
        "image",
        "topology",
        pl.col("target").alias("target tok/s/user"),
        *[c for c in res.key if c not in ("image", "topology")],
    )


#: at most this many configs in one trend chart (colours in the palette)
_MAX_CHART_CONFIGS = 8


def _chart_configs(df: pl.DataFrame, y: str, metric: str, cap: int) -> tuple[pl.DataFrame, str, list[str]]:
    """The configs a trend chart draws: those measured in the most periods, then the best value in their latest
    period (highest tok/s/GPU, lowest $/M); the rule line and the configs left out."""
    last = (
        df.sort("period #" if "period #" in df.columns else "date")
        .group_by("config")
        .agg(pl.len().alias("_n"), pl.col(y).last().alias("_last"))
    )
    ranked = last.sort(["_n", "_last", "config"], descending=[True, metric == "tput", False])
    keep = ranked.head(cap)["config"].to_list()
    rest = ranked.slice(cap)["config"].to_list()
    best = "highest throughput" if metric == "tput" else "lowest cost"
    rule = (
        f"Showing {len(keep)} of {ranked.height} configs: those measured in the most periods, then the {best} "
        "in their latest period; the others are listed under the chart."
        if rest
        else ""
    )
    return df.filter(pl.col("config").is_in(keep)), rule, rest


def line_chart_kwargs(
    res: TrendResult,
    metric: str = "tput",
    target: float | None = None,
    *,
    min_periods: int = 2,
    title: str | None = None,
    max_configs: int = _MAX_CHART_CONFIGS,
) -> dict[str, Any]:
    """Keyword arguments for ``charts.line_chart`` (``df``, ``x``, ``y``, ``color``, titles, subtitle with what is
    held constant, source block, tooltip, axis types and formats) drawing ``metric`` over time at ``target``: one
    marker per measurement with faint connectors, dates with their year, ``$`` on the cost axis, a log axis when
    values span more than 10×. At most ``max_configs`` configs (the rule is printed on the chart; ``_chart_left_out``
    lists the others)."""
    full = _chart_frame(res, metric, target, min_periods)
    x, y = full.columns[0], full.columns[1]
    df, rule, _ = _chart_configs(full, y, metric, max_configs) if full.height else (full, "", [])
    undated = "" if res.dated else " (periods in run-id order)"  # the source line says the data is undated
    y_title = (
        "Throughput per GPU (tok/s/GPU)"
        if metric == "tput"
        else f"Cost ($ per million total tokens, GPUs {labels.view_words(res.view)})"
    )
    at = f" at {target:g} tok/s/user" if target is not None else ""
    vals = df[y].drop_nulls().cast(pl.Float64).to_numpy()
    wide = bool(vals.size) and vals.min() > 0 and vals.max() / vals.min() > 10
    pts = (
        res.iso.frontier.filter(pl.col("hardware").is_in(df["hardware"].unique().implode()))
        if "hardware" in df.columns
        else res.iso.frontier
    )
    held = labels.held_constant(df.select(res.key).unique()) if df.height else ""
    return {
        "df": df,
        "x": x,
        "y": y,
        "color": "config",
        "title": title or (f"{'Throughput per GPU' if metric == 'tput' else 'Cost per million tokens'}{at} over time"),
        "subtitle": [
            held,
            "Each marker: that period's Pareto frontier read at the target" + undated + ("; log scale" if wide else ""),
        ],
        "source": labels.source_lines(
            pts, res.iso.pricing if metric == "cost" else None, res.view if metric == "cost" else None, extra=[rule]
        ),
        "synthetic": res.synthetic,
        "tooltip": ["config", "period", y, "image", "topology"],
        "x_title": "Run date" if res.dated else "Period (run order)",
        "y_title": y_title,
        "x_type": "temporal" if res.dated else "ordinal",
        "x_format": "%d %b %Y" if res.dated else None,
        "y_format": "$,.3~r" if metric == "cost" else ",.0f",
        "log_y": wide,
    }


def _chart_left_out(
    res: TrendResult,
    metric: str = "tput",
    target: float | None = None,
    *,
    min_periods: int = 2,
    max_configs: int = _MAX_CHART_CONFIGS,
) -> str | None:
    """A sentence listing the configs ``line_chart_kwargs`` leaves out of its chart, or None."""
    full = _chart_frame(res, metric, target, min_periods)
    if not full.height:
        return None
    rest = _chart_configs(full, full.columns[1], metric, max_configs)[2]
    return f"Not drawn ({len(rest)} configs):\n" + "\n".join(f"- {r}" for r in rest) if rest else None


def figures(res: TrendResult, min_periods: int = 2) -> list[tuple[str, Figure]]:
    """(figure name, figure) for tok/s/GPU and $/M over time at each target, one chart per workload (model and
    ISL/OSL; the name gains the workload when the data holds several); charts with no config measured at that
    target in at least ``min_periods`` periods are left out (see ``figure_gaps``)."""
    out = []
    loads = workloads(res)
    for model, isl, osl in loads or [("", 0, 0)]:
        sub = for_workload(res, model, isl, osl) if loads else res
        suffix = f"_{_slug(model)}_{isl}_{osl}" if len(loads) > 1 else ""
        for target in res.targets:
            for metric in ("tput", "cost"):
                kw = line_chart_kwargs(sub, metric, target, min_periods=min_periods)
                if kw["df"].height:
                    figure = Figure(
                        functools.partial(charts.line_chart, **kw),
                        _chart_left_out(sub, metric, target, min_periods=min_periods),
                    )
                    out.append((f"trend_{metric}_{target:g}{suffix}", figure))
    return out


def _slug(text: str) -> str:
    """``DeepSeek-R1-0528 (synthetic)`` → ``deepseek_r1_0528``: a figure-file-name part."""
    return re.sub(r"[^a-z0-9]+", "_", labels.base_model(text).lower()).strip("_")


def figure_gaps(res: TrendResult, min_periods: int = 2) -> list[str]:
    """Why a chart is missing: targets at which no config has a value in ``min_periods`` periods."""
    return [
        f"No chart at {t:g} tok/s/user: no config reaches it in at least {min_periods} periods."
        for t in res.targets
        if _chart_frame(res, "tput", t, min_periods).height == 0
    ]
