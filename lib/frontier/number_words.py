"""Numbers as text, in the house style of every table, note and chart: the minus sign, percent with a space,
three significant digits for costs, a mark for values read off a curve between measurements."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

__all__ = ["APPROX", "MINUS", "PERCENT", "approx", "fraction_percent", "money", "percent", "significant"]

MINUS = "\u2212"
"""The minus sign in every table and text (U+2212, not the hyphen)."""
PERCENT = " %"
"""Percent style everywhere: a number, a space, the sign ("−61 %")."""
APPROX = "≈"
"""Marks a value read off a frontier between measurements (e.g. an interpolated concurrency)."""


def significant(v: float, digits: int = 3) -> str:
    """``v`` to ``digits`` significant digits, thousands separated, never in exponent form: 0.00512, 1.23, 1,234."""
    f = float(v)
    if f == 0 or not math.isfinite(f):
        return "0" if f == 0 else ("∞" if f > 0 else MINUS + "∞")
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(f))))
    text = f"{round(f, decimals):,.{decimals}f}"
    return text.replace("-", MINUS)


def money(v: float) -> str:
    """A cost in dollars to 3 significant digits: ``$0.00512``, ``$1.23``, ``$1,234``."""
    text = significant(v, 3)
    return MINUS + "$" + text[1:] if text.startswith(MINUS) else "$" + text


def percent(v: float, digits: int = 0) -> str:
    """A value already in percent: ``-61.2`` → ``−61 %``."""
    return f"{float(v):.{digits}f}".replace("-", MINUS) + PERCENT


def fraction_percent(v: float) -> str:
    """A fraction as percent: ``0.88`` → ``88 %``, ``-1.76`` → ``−176 %``."""
    return percent(float(v) * 100.0)


def approx(fmt: str = ",.0f") -> Callable[[Any], str]:
    """A formatter for counts read off a curve: ``approx()(398.6)`` → ``≈399``; a whole number (a measured
    setting, e.g. concurrency 512) is shown as it is."""

    def fmt_approx(v: Any) -> str:
        f = float(v)
        text = format(f, fmt).replace("-", MINUS)
        return text if f.is_integer() else APPROX + text

    return fmt_approx
