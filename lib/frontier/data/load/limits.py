"""The loader's limits: how big, how deep and how many, per input. Going past one skips that input with a reason
(a file, a zip member, a folder or a row), never stops the load. Sizes in bytes. The README lists them.

Peak memory follows from them: a file read whole is at most ``MAX_WHOLE_BYTES`` (its parse then takes a small
multiple of that), a bigger agg sweep is memory-mapped and parsed in 16 MB blocks, and a zip member is inflated
into memory only up to ``MAX_MEMBER_BYTES``.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_FILE_BYTES",
    "MAX_FOLDER_DEPTH",
    "MAX_INFLATED_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_OBJECT_BYTES",
    "MAX_ROWS_PER_FILE",
    "MAX_SIDECAR_BYTES",
    "MAX_WHOLE_BYTES",
    "MAX_ZIP_NESTING",
    "json_too_deep",
    "parse_json",
    "valid_text",
]

MAX_FILE_BYTES = 4 << 30  # any file on disk; only agg sweeps this big can be read (streamed) — 4 GiB
MAX_WHOLE_BYTES = 128 << 20  # a file read and parsed whole (CSV, JSON off the streamed NDJSON path) — 128 MiB
MAX_OBJECT_BYTES = 16 << 20  # one JSON object on the streamed path (a longer one sends the file to whole reading)
MAX_MEMBER_BYTES = 128 << 20  # one zip member, inflated
MAX_INFLATED_BYTES = 1 << 30  # all members of one archive, nested archives included, inflated — 1 GiB
MAX_COMPRESSION_RATIO = 200  # inflated : compressed, for members inflating to 1 MiB or more
MAX_MEMBERS = 10_000  # members of one archive
MAX_ROWS_PER_FILE = 2_000_000  # rows (JSON objects, CSV lines) in one file: the raw table holds ~70 columns a row
MAX_JSON_DEPTH = 64  # nesting of arrays and objects in a JSON document
_MAX_JSON_CONTAINERS = 1_000_000  # objects and arrays in a JSON file read whole (as Python objects they cost ~100×)
MAX_FOLDER_DEPTH = 64  # folders below an input folder
MAX_ZIP_NESTING = 8  # archives inside archives
MAX_SIDECAR_BYTES = 1 << 20  # a run.json sidecar

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

_STRING_RE = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_PAIR_RE = re.compile(rb"\[\]|\{\}")


def json_too_deep(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when a JSON document nests arrays/objects more than ``limit`` deep. No recursion, no parse: strings are
    blanked, only brackets kept, and innermost pairs removed one level per pass (C-speed regex work)."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    s = _STRING_RE.sub(b"", data).translate(None, _NOT_BRACKETS)
    for _ in range(limit):
        if not s:
            return False
        t = _PAIR_RE.sub(b"", s)
        if t == s:
            return False  # unbalanced: not JSON, which the parser reports
        s = t
    return bool(s) and _PAIR_RE.search(s) is not None


def _first_wins(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose repeated keys keep their first value (as polars' readers on the fast path do)."""
    return dict(reversed(pairs))


def parse_json(data: bytes, what: str = "JSON") -> Any:
    """Parse a whole JSON document with the loader's rules; ``ValueError`` with the reason when it cannot be used.

    Rules: at most ``_MAX_JSON_CONTAINERS`` objects and arrays and ``MAX_JSON_DEPTH`` levels of nesting; NaN and
    Infinity accepted (the checks that follow reject them with a reason); a key repeated in one object keeps its
    FIRST value, on every parse path."""
    if data.count(b"{") + data.count(b"[") > _MAX_JSON_CONTAINERS:  # brackets in strings count too: an upper bound
        raise ValueError(f"{what} holds more than {_MAX_JSON_CONTAINERS:,} objects and arrays to read whole")
    if json_too_deep(data):
        raise ValueError(f"{what} nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("unreadable: not UTF-8 text (binary or corrupt file)") from None
    try:
        return json.loads(text, object_pairs_hook=_first_wins)
    except RecursionError:
        raise ValueError(f"{what} nested deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError as e:
        raise ValueError(f"unreadable: invalid or truncated JSON ({type(e).__name__})") from None


def valid_text(s: str) -> bool:
    """True when ``s`` can be stored as UTF-8 (no lone surrogates)."""
    if s.isascii():
        return True
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
