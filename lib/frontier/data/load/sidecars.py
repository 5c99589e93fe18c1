"""Run hints: run ids, attempts and dates from a ``run.json`` sidecar in an enclosing folder (``{"run_id",
"run_attempt", "date"}``, or a GitHub run's ``databaseId``/``attempt``/``createdAt``), else from a ``run_<id>``
folder name. A sidecar that cannot be used (damaged, too deep, too big, values out of range, not a regular file)
is skipped with its reason and none of its fields is used: run ids and attempts must be integers from 1, dates
follow the loader's date rule (``load.dates``: an impossible timestamp is refused, never cut to its day).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Any

from frontier.data.load.dates import date_problem
from frontier.data.load.limits import INT32_MAX, INT64_MAX, MAX_SIDECAR_BYTES, parse_json, valid_text

__all__ = [
    "RUN_DIR_RE",
    "SIDECAR_READ",
    "parse_sidecar",
    "read_sidecar",
    "remember_sidecar",
    "run_info_for",
    "sidecar_problem",
]

#: a ``run_<id>[_<attempt>]`` folder (ids of up to 18 digits fit the run-id column; longer ones are no run folder)
RUN_DIR_RE = re.compile(r"^run[_-](\d{1,18})(?:[_-](\d{1,9}))?$")
#: sidecar key → run-hint key (first one present wins)
_SIDECAR_KEYS = (
    ("run_id", "run_id"),
    ("databaseId", "run_id"),
    ("run_attempt", "run_attempt"),
    ("attempt", "run_attempt"),
    ("date", "date"),
    ("synthetic", "synthetic"),
)
SIDECAR_READ = "run.json sidecar (run id, attempt and date of the files beside and below it)"


def run_info_for(path: Path, stop: Path | None, memo: dict | None = None) -> dict[str, Any]:
    """Run id/attempt/date from the nearest ``run.json`` or ``run_<id>`` folder above ``path``.

    ``memo`` (shared across the files of one load) keeps each folder's parsed sidecar and each (folder, stop)
    result, so a sidecar is looked for once per folder, not once per file."""
    memo = {} if memo is None else memo
    folder, stop_at = os.path.dirname(os.fspath(path)) or ".", None if stop is None else os.fspath(stop)
    key = (folder, stop_at)
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = _run_info_walk(folder, stop_at, memo)
    return dict(hit)


def parse_sidecar(data: bytes) -> dict[str, Any] | str:
    """A ``run.json`` sidecar's bytes → its run hint (``run_id``, ``run_attempt``, ``date``, ``synthetic``), or the
    reason it cannot be used (then no field of it is used)."""
    if len(data) > MAX_SIDECAR_BYTES:
        return f"run.json sidecar larger than {MAX_SIDECAR_BYTES:,} bytes"
    try:
        meta = parse_json(data, "run.json sidecar")
    except ValueError as e:
        return f"run.json sidecar unusable: {e}" if not str(e).startswith("run.json") else str(e)
    if not isinstance(meta, dict):
        return "run.json sidecar is not a JSON object"
    hint: dict[str, Any] = {}
    for k_src, k in _SIDECAR_KEYS:
        v = meta.get(k_src)
        if v is None or k in hint:
            continue
        if k in ("run_id", "run_attempt"):
            hi = INT64_MAX if k == "run_id" else INT32_MAX
            iv = v if type(v) is int else int(v) if isinstance(v, str) and v.strip().isdigit() else None
            if iv is None or not 1 <= iv <= hi:
                return f"run.json sidecar: {k_src} is not an integer in range (1 to {hi:,})"
            v = iv
        elif k == "date":
            why = _date_why(v, k_src)
            if why:
                return why
        hint[k] = v
    created = meta.get("createdAt")
    if "date" not in hint and created is not None:
        why = _date_why(created, "createdAt")
        if why:
            return why
        hint["date"] = created
    return hint


def _date_why(v: Any, key: str) -> str | None:
    """Why a sidecar's date field cannot be used (the loader's date rule, ``load.dates``), or None."""
    if not (isinstance(v, str) and valid_text(v)):
        return f"run.json sidecar: {key} is not a date string"
    problem = date_problem(v)
    return f"run.json sidecar: {key}: {problem}" if problem else None


def read_sidecar(folder: str) -> dict[str, Any] | str | None:
    """``folder/run.json`` → its run hint, the reason it cannot be used, or None when there is none."""
    path = os.path.join(folder, "run.json")
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # never open a FIFO or device: it could block forever
            raise OSError(errno.EINVAL, "not a regular file")
        if st.st_size > MAX_SIDECAR_BYTES:
            raise OSError(errno.EFBIG, f"larger than {MAX_SIDECAR_BYTES:,} bytes")
        with open(path, "rb") as fh:
            return parse_sidecar(fh.read(MAX_SIDECAR_BYTES + 1))
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"run.json sidecar unreadable ({e.strerror or type(e).__name__})"


def remember_sidecar(folder: str, found: dict[str, Any] | str | None, memo: dict) -> None:
    """Keep ``read_sidecar(folder)``'s result in ``memo`` (read ahead of its turn, or now)."""
    if ("sidecar", folder) in memo:
        return
    memo[("sidecar", folder)] = found if isinstance(found, dict) else None
    if isinstance(found, str):
        memo[("sidecar problem", folder)] = found


def _sidecar(folder: str, memo: dict) -> dict[str, Any] | None:
    """The run hint of ``folder/run.json`` (None when absent or unusable; the reason kept in ``memo``)."""
    key = ("sidecar", folder)
    if key not in memo:
        remember_sidecar(folder, read_sidecar(folder), memo)
    return memo[key]


def _run_info_walk(folder: str, stop: str | None, memo: dict) -> dict[str, Any]:
    """The run hint from ``folder`` and the folders above it, up to ``stop`` (included) or the root: the nearest
    sidecar's fields first (no sidecar is read once a date is known), a ``run_<id>`` folder name for a missing id."""
    info: dict[str, Any] = {}
    while True:
        if "date" not in info:
            for k, v in (_sidecar(folder, memo) or {}).items():
                info.setdefault(k, v)
        m = RUN_DIR_RE.match(os.path.basename(folder))
        if m and "run_id" not in info:
            info["run_id"] = int(m.group(1))
            if m.group(2) and "run_attempt" not in info:
                info["run_attempt"] = int(m.group(2))
        parent = os.path.dirname(folder) if folder != "." else folder
        if folder == stop or parent == folder:
            return info
        folder = parent or "."


def sidecar_problem(folder: Path, memo: dict) -> str | None:
    """Why ``folder/run.json`` cannot be used, or None (absent or fine)."""
    name = os.fspath(folder)
    _sidecar(name, memo)
    return memo.get(("sidecar problem", name))
