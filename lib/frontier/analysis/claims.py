"""Published claims as data: each claim a params file lists (its words as printed, source, date, the reading it
states: a cost ratio of two GPUs under a price view) is recomputed from the stated prices ($/GPU-hour) and
throughputs (tok/s/GPU), and said to reproduce or not, with the recomputed value and the reading that does match
the printed number (e.g. "~8× on spot" is H100 on demand ÷ B200 spot, not spot ÷ spot).

A claim in ``published.claims``::

    - {text: "~8× cheaper on spot", value: "8", pricier: h100, cheaper: b200, view: spot}

``view`` prices both sides the same way; ``view_pricier`` / ``view_cheaper`` state a mixed reading. A value
reproduces when it rounds to the printed digits (half a unit of the last printed digit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import product
from typing import Any

import polars as pl

from frontier.analysis.breakeven import check_published, price_views
from frontier.analysis.economics import Pricing, cost_per_million

__all__ = ["CLAIM_SCHEMA", "REPRODUCES", "DOES_NOT", "check_claims", "claims_sentence", "claims_view"]

REPRODUCES = "reproduces"
DOES_NOT = "does not reproduce"

CLAIM_SCHEMA = {
    "claim": pl.String,  # as printed
    "source": pl.String,
    "date": pl.String,  # the claim's price date, YYYY-MM-DD ("undated" when the params do not say)
    "reading": pl.String,  # the reading the claim states, in words
    "published": pl.Float64,
    "recomputed": pl.Float64,  # × under that reading
    "verdict": pl.String,  # REPRODUCES or DOES_NOT
    "matching_reading": pl.String,  # the readings that do give the printed number (null when none)
}


def _costs(prices: Pricing, throughputs: Mapping[str, float]) -> dict[tuple[str, str], float]:
    """(gpu, view) → $/M tokens for the stated throughputs under every view of ``prices``."""
    out = {}
    for pv in price_views([prices]):
        for gpu, tput in throughputs.items():
            p = pv.price(str(gpu).lower())
            if p is not None and tput:
                out[(str(gpu).lower(), pv.view)] = cost_per_million(p, float(tput))
    return out


def _reading(pricier: str, vp: str, cheaper: str, vc: str) -> str:
    return f"{pricier} {vp} ÷ {cheaper} {vc}" if vp != vc else f"{pricier} ÷ {cheaper}, both {vp}"


def check_claims(published: Mapping[str, Any], prices: Pricing, date: str = "") -> pl.DataFrame:
    """One row per claim in ``published["claims"]`` (:data:`CLAIM_SCHEMA`), recomputed from the stated
    ``throughputs`` and ``prices``; ``date``: the prices' date when the claims do not carry their own."""
    claims = list(published.get("claims") or [])
    tput = {str(g).lower(): float(v) for g, v in dict(published.get("throughputs") or {}).items()}
    costs = _costs(prices, tput)
    views = sorted({v for _, v in costs})
    rows = []
    for c in claims:
        if not isinstance(c, Mapping) or not {"value", "pricier", "cheaper"} <= set(c):
            raise ValueError(
                f"published claim {c!r}: needs value, pricier, cheaper and view (or view_pricier/_cheaper)"
            )
        hi_gpu, lo_gpu = str(c["pricier"]).lower(), str(c["cheaper"]).lower()
        vp = str(c.get("view_pricier") or c.get("view") or "")
        vc = str(c.get("view_cheaper") or c.get("view") or "")
        hi, lo = costs.get((hi_gpu, vp)), costs.get((lo_gpu, vc))
        chk = check_published(hi / lo if hi is not None and lo else None, str(c["value"]))
        ok = chk["verdict"] == "matches published"
        matching = [
            f"{_reading(hi_gpu, a, lo_gpu, b)} = {costs[(hi_gpu, a)] / costs[(lo_gpu, b)]:.2f}×"
            for a, b in product(views, views)
            if (hi_gpu, a) in costs
            and (lo_gpu, b) in costs
            and check_published(costs[(hi_gpu, a)] / costs[(lo_gpu, b)], str(c["value"]))["verdict"]
            == "matches published"
        ]
        rows.append(
            {
                "claim": str(c.get("text") or c["value"]),
                "source": str(c.get("source") or published.get("source") or ""),
                "date": str(c.get("date") or published.get("date") or date or "undated"),
                "reading": _reading(hi_gpu, vp, lo_gpu, vc),
                "published": chk["published"],
                "recomputed": chk["computed"],
                "verdict": REPRODUCES if ok else DOES_NOT,
                "matching_reading": "; ".join(matching) or None,
            }
        )
    return pl.DataFrame(rows, schema=CLAIM_SCHEMA)


def claims_sentence(checked: pl.DataFrame) -> str | None:
    """ "1 of 2 published claims reproduces; "~8× cheaper on spot" does not: 5.22× under its reading (…), the
    printed 8 is h100 on_demand ÷ b200 spot = 8.30×." (None without claims)."""
    if checked.height == 0:
        return None
    ok = int((checked["verdict"] == REPRODUCES).sum())
    out = f"{ok} of {checked.height} published claims reproduce{'s' if ok == 1 else ''} when recomputed."
    for r in checked.filter(pl.col("verdict") == DOES_NOT).iter_rows(named=True):
        got = f"{r['recomputed']:.2f}×" if r["recomputed"] is not None else "nothing"
        alt = (
            f"; the printed {r['published']:g} is {r['matching_reading']}"
            if r["matching_reading"]
            else "; no reading of the stated inputs gives it"
        )
        out += f' "{r["claim"]}" does not: {got} under its reading ({r["reading"]}){alt}.'
    return out


def claims_view(checked: pl.DataFrame, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """The claims table as shown."""
    return checked.select(
        pl.col("claim"),
        pl.col("reading").alias("its reading"),
        pl.col("recomputed").alias("recomputed ×"),
        pl.col("verdict"),
        pl.col("matching_reading").alias("reading that gives the printed number"),
        pl.col("date").alias("price date"),
        pl.col("source"),
    )
