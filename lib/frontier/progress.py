"""Progress bars for long command-line work, shown only where a person is watching.

A bar is drawn (tqdm, on stderr) when stderr is a terminal and the ``CI`` environment variable is unset or empty;
in logs, pipes, cron mail and CI the iterable is returned untouched and nothing is printed.

    for name in progress(names, desc="report"):
        ...
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

__all__ = ["enabled", "progress"]


def enabled() -> bool:
    """True when progress should be shown: stderr is a terminal and ``CI`` is not set."""
    if os.environ.get("CI", "").strip():
        return False
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


def progress(iterable: Iterable[T], total: int | None = None, desc: str = "") -> Iterator[T] | Iterable[T]:
    """``iterable`` wrapped in a tqdm bar on stderr when :func:`enabled`, else ``iterable`` itself.
    ``total``: number of items when ``len(iterable)`` is unknown; ``desc``: the label in front of the bar."""
    if not enabled():
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm comes with papermill; without it, no bar
        return iterable
    return tqdm(iterable, total=total, desc=desc or None, file=sys.stderr, leave=False, dynamic_ncols=True)
