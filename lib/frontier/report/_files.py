"""Small file and time helpers shared by the runner and the index."""
from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any


def now() -> dt.datetime:
    """The current time, UTC."""
    return dt.datetime.now(dt.timezone.utc)


def iso(t: dt.datetime) -> str:
    """``t`` as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and one rename (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    if isinstance(data, bytes):
        tmp.write_bytes(data)
    else:
        tmp.write_text(data, encoding="utf-8")
    tmp.replace(path)


def to_json(obj: Any) -> str:
    """Indented JSON text of ``obj`` (frames, dates and paths converted like ``summary.json``)."""
    from frontier.display import _jsonable

    return json.dumps(_jsonable(obj), indent=2, ensure_ascii=False) + "\n"


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``, or None if it is missing, unreadable or not an object."""
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        return d if isinstance(d, dict) else None
    except (OSError, ValueError):
        return None
