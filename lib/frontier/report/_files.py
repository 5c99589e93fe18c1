"""Small JSON and time helpers shared by the runner and the index (atomic writes: ``frontier.fsutil``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

__all__ = ["iso", "now", "read_json", "to_json"]


def now() -> dt.datetime:
    """The current time, UTC."""
    return dt.datetime.now(dt.UTC)


def iso(t: dt.datetime) -> str:
    """``t`` as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def to_json(obj: Any) -> str:
    """Indented JSON text of ``obj`` (frames, dates and paths converted like ``summary.json``)."""
    from frontier.present.display import jsonable

    return json.dumps(jsonable(obj), indent=2, ensure_ascii=False) + "\n"


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``, or None if it is missing, unreadable or not an object."""
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        return d if isinstance(d, dict) else None
    except (OSError, ValueError):
        return None
