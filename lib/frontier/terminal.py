"""Everything the command line prints: one path to the terminal, and the text tables it prints.

- :func:`echo` is the only way a command writes text: every line passes :func:`frontier.fsutil.safe_for_terminal`
  (names, labels and reasons come from data files), so an escape sequence in a model name is shown, never obeyed.
- :func:`wrap` fits prose to the terminal width (``COLUMNS`` honoured; 80 when there is no terminal).
- :class:`Column` and :func:`table_text` print a table for people: numbers right-aligned with thousands separators,
  $ and significant figures, text columns wrapped and, when the table is still too wide, its columns continued in
  a second block that repeats the key columns; ``wide=True`` prints one line per row whatever the width.
- :func:`table_csv` and :func:`table_json` print the same rows for scripts (raw numbers, machine column names).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import shutil
import sys
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, TextIO

from frontier.fsutil import safe_for_terminal
from frontier.number_words import MINUS, approx, money, significant

__all__ = [
    "exit_code_of",
    "EMPTY",
    "ArgumentParser",
    "Column",
    "HelpFormatter",
    "count",
    "echo",
    "error_message",
    "jsonable",
    "number",
    "plural",
    "ratio",
    "sig",
    "table_csv",
    "table_json",
    "table_text",
    "terminal_width",
    "text_width",
    "wrap",
]

EMPTY = "—"
"""A cell with no value (null, NaN): never 0, never blank."""

_GAP = "  "  # between columns
#: stand-ins for the table's own symbols on a terminal that cannot show them
_PLAIN = str.maketrans({"─": "-", "—": "-", "−": "-", "·": ".", "≈": "~", "×": "x", "÷": "/", "…": "...", "→": "->"})
_MIN_WRAP = 10  # a wrapped text column is never narrower than this (or its widest cell, if narrower)
_MAX_WORD = 20  # words up to this long are never broken when a column wraps


def echo(text: object = "", *, err: bool = False, file: TextIO | None = None) -> None:
    """Print ``text`` with every line terminal-safe (control characters and escape sequences shown, not obeyed;
    characters the output's encoding lacks shown as ``\\u`` escapes). ``err``: to stderr. The one path from a
    command to the terminal."""
    out = file or (sys.stderr if err else sys.stdout)
    safe = "\n".join(safe_for_terminal(line) for line in str(text).split("\n"))
    try:
        print(safe, file=out)
    except UnicodeEncodeError:  # a terminal that cannot show "—" or "·" gets them as \u2014, not a crash
        enc = getattr(out, "encoding", None) or "ascii"
        print(safe.translate(_PLAIN).encode(enc, "backslashreplace").decode(enc), file=out)


def terminal_width(default: int = 80) -> int:
    """Columns of the terminal: ``COLUMNS`` when set, else the terminal's size, else ``default`` (at least 40)."""
    return max(40, shutil.get_terminal_size((default, 24)).columns)


def text_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide (East Asian) characters count 2, combining marks 0."""
    w = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def _break_word(word: str, width: int) -> list[str]:
    parts, cur = [], ""
    for ch in word:
        if cur and text_width(cur + ch) > width:
            parts.append(cur)
            cur = ""
        cur += ch
    return [*parts, cur] if cur else parts


def _wrap_line(line: str, width: int, indent: str) -> list[str]:
    """One line (already terminal-safe) wrapped at spaces to ``width`` columns (a line that fits is kept as it
    is); continuation lines get ``indent``; a word longer than a line is broken."""
    if text_width(line) <= width:
        return [line]
    lead = line[: len(line) - len(line.lstrip(" "))]
    out: list[str] = []
    cur = lead
    for word in line.split():
        pad = indent if out else lead
        if cur != pad and text_width(cur + " " + word) <= width:
            cur += " " + word
            continue
        if cur != pad:
            out.append(cur)
            cur = pad = indent
        if text_width(pad + word) <= width:
            cur = pad + word
            continue
        pieces = _break_word(word, max(1, width - text_width(pad)))
        for piece in pieces[:-1]:
            out.append(pad + piece)
            pad = indent
        cur = pad + pieces[-1]
    out.append(cur)
    return out


def wrap(text: object, width: int | None = None, indent: str = "") -> str:
    """``text`` made terminal-safe and wrapped at spaces to ``width`` columns (default :func:`terminal_width`);
    lines after the first of each paragraph start with ``indent``."""
    width = width or terminal_width()
    lines = [safe_for_terminal(line) for line in str(text).split("\n")]
    return "\n".join(w for line in lines for w in _wrap_line(line, width, indent))


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 file``, ``2 files``, ``1,234 rows``: a count with its noun."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


# ---------------------------------------------------------------------------------------------------- formatters
def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def sig(v: Any, digits: int = 3, *, trim: bool = False) -> str:
    """``v`` to ``digits`` significant figures with thousands separators, never an exponent, large numbers
    rounded too (142,442,000,000 → ``142,400,000,000`` at 4); ``trim`` drops trailing zeros (8.000 → ``8``)."""
    f = float(v)
    if f != 0 and math.isfinite(f):
        e = math.floor(math.log10(abs(f)))
        if e >= digits:
            f = round(f, digits - 1 - e)
    text = significant(f, digits)
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def number(digits: int = 3, *, trim: bool = False) -> Callable[[Any], str]:
    """A formatter: a number to ``digits`` significant figures (:func:`sig`)."""
    return lambda v: sig(v, digits, trim=trim)


def count(v: Any) -> str:
    """A whole number with thousands separators: ``12,788``."""
    return f"{round(float(v)):,}".replace("-", MINUS)


def ratio(v: Any) -> str:
    """A ratio to 3 significant figures: ``5.75×``."""
    return sig(v, 3) + "×"


def _as_text(v: Any) -> str:
    if isinstance(v, float):
        return sig(v, 3)
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return str(v)


@dataclass(frozen=True)
class Column:
    """One column of a text table: ``key`` in the rows, ``header`` for people (wrapped at spaces when narrow),
    ``fmt`` the cell formatter (numbers: right-aligned; text: wrapped when the table is too wide), ``key_column``
    repeated in every block when the table's columns are continued below."""

    key: str
    header: str
    fmt: Callable[[Any], str] | None = None
    numeric: bool = False
    key_column: bool = False

    @classmethod
    def text(cls, key: str, header: str, *, key_column: bool = False) -> Column:
        return cls(key, header, None, False, key_column)

    @classmethod
    def num(cls, key: str, header: str, fmt: Callable[[Any], str] | None = None, *, key_column: bool = False) -> Column:
        return cls(key, header, fmt or number(3), True, key_column)

    @classmethod
    def money(cls, key: str, header: str) -> Column:
        return cls(key, header, money, True)

    @classmethod
    def approx(cls, key: str, header: str) -> Column:
        return cls(key, header, approx(",.0f"), True)

    def cell(self, v: Any) -> str:
        """The cell's text: "—" for a missing value, else the formatter's text, terminal-safe."""
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            if isinstance(v, float) and math.isinf(v):
                return "∞" if v > 0 else MINUS + "∞"
            return EMPTY
        if self.fmt is not None and (_finite(v) or not self.numeric):
            return safe_for_terminal(self.fmt(v))
        return safe_for_terminal(_as_text(v))


def _rows_of(rows: Any) -> list[Mapping[str, Any]]:
    """Rows as mappings: a polars DataFrame (``to_dicts``) or an iterable of mappings."""
    if hasattr(rows, "to_dicts"):
        return list(rows.to_dicts())
    return [dict(r) for r in rows]


def _sizes(col: Column, cells: Sequence[str]) -> tuple[int, int, int]:
    """(natural, header-wrapped, narrowest) width of a column: natural = widest cell or header (a long header is
    wrapped at once); header-wrapped = widest cell or header word; narrowest = also text cells wrapped."""
    header_min = max((text_width(w) for w in col.header.split()), default=1)
    cell_w = max((text_width(c) for c in cells), default=0)
    natural = max(cell_w, text_width(col.header) if len(col.header) <= 14 else header_min)
    soft = max(cell_w, header_min)
    if col.numeric:
        return natural, soft, soft
    words = max((text_width(w) for c in cells for w in c.split()), default=0)
    return natural, soft, max(header_min, min(soft, max(_MIN_WRAP, min(words, _MAX_WORD))))


def _fit(natural: list[int], narrowest: list[int], room: int, cells: list[list[str]] | None = None) -> list[int]:
    """Column widths within ``room`` columns, never below ``narrowest``: one column at a time loses a character,
    the widest first; with ``cells`` (one list per column), the one whose narrowing wraps the fewest cells."""
    widths = list(natural)
    lengths = [[text_width(c) for c in col] for col in cells] if cells is not None else None

    def cost(j: int) -> tuple[bool, int, int]:
        wraps = 0 if lengths is None else sum(1 for n in lengths[j] if n >= widths[j])
        return widths[j] > narrowest[j], -wraps, widths[j]

    while sum(widths) > room:
        i = max(range(len(widths)), key=cost)
        if widths[i] <= narrowest[i]:
            break
        widths[i] -= 1
    return widths


def _fit_both(
    natural: list[int], soft: list[int], narrowest: list[int], room: int, cells: list[list[str]]
) -> list[int]:
    """Widths within ``room``: headers wrapped first, then text cells (the fewest rows wrapped)."""
    widths = _fit(natural, [min(n, s) for n, s in zip(natural, soft)], room)
    return widths if sum(widths) <= room else _fit(widths, narrowest, room, cells)


def _blocks(cols: list[Column], narrowest: list[int], width: int) -> list[list[int]]:
    """Column indices of each block of a table too wide for ``width``: the key columns, then as many others as
    fit at their narrowest."""
    keys = [i for i, c in enumerate(cols) if c.key_column]
    key_w = sum(narrowest[i] + len(_GAP) for i in keys)
    blocks: list[list[int]] = []
    cur: list[int] = []
    used = key_w
    for i, c in enumerate(cols):
        if c.key_column:
            continue
        need = narrowest[i] + len(_GAP)
        if cur and used + need - len(_GAP) > width:
            blocks.append(keys + cur)
            cur, used = [], key_w
        cur.append(i)
        used += need
    if cur or not blocks:
        blocks.append(keys + cur)
    return blocks


def _lines_of(text: str, width: int) -> list[str]:
    return _wrap_line(text, width, "") if text_width(text) > width else [text]


def _join(pieces: Sequence[str], widths: Sequence[int], numeric: Sequence[bool]) -> str:
    """One printed line: each piece padded to its column (numbers right-aligned), columns two spaces apart."""
    parts = []
    for piece, w, num in zip(pieces, widths, numeric):
        pad = " " * max(0, w - text_width(piece))
        parts.append(pad + piece if num else piece + pad)
    return _GAP.join(parts).rstrip()


def _render(cols: list[Column], cells: list[list[str]], widths: list[int]) -> list[str]:
    """Header (wrapped, sitting on the rule), a rule, and the rows, each cell wrapped to its column's width. A
    wrapped cell continues in the rows below it where its column is blank (a repeated key not shown again)."""
    numeric = [c.numeric for c in cols]
    heads = [_lines_of(c.header, w) for c, w in zip(cols, widths)]
    depth = max((len(h) for h in heads), default=1)
    heads = [[""] * (depth - len(h)) + h for h in heads]
    out = [_join([h[k] for h in heads], widths, numeric) for k in range(depth)]
    out.append(_GAP.join("─" * w for w in widths))
    wrapped = [[_lines_of(t, w) for t, w in zip(r, widths)] for r in cells]
    for j in range(len(cols)):
        for i in range(len(wrapped) - 1):
            keep = max([1] + [len(x) for k, x in enumerate(wrapped[i]) if k != j])  # the row's own height
            if len(wrapped[i][j]) > keep and wrapped[i + 1][j] == [""]:
                wrapped[i][j], wrapped[i + 1][j] = wrapped[i][j][:keep], wrapped[i][j][keep:]
    # a first column still on several lines (a group of one row) is easier to follow with its groups set apart
    spaced = bool(cols) and cols[0].key_column and any(len(r[0]) > 1 for r in wrapped)
    for i, r in enumerate(wrapped):
        if spaced and i and cells[i][0]:
            out.append("")
        out.extend(
            _join([x[k] if k < len(x) else "" for x in r], widths, numeric) for k in range(max(len(x) for x in r))
        )
    return out


def table_text(
    rows: Any,
    columns: Sequence[Column],
    *,
    width: int | None = None,
    wide: bool = False,
    title: str = "",
    repeat: bool = False,
) -> str:
    """A table for people (terminal-safe text). ``rows``: a polars DataFrame or mappings; ``columns`` the ones to
    show, in order (keys missing from the rows are left out). Fits ``width`` columns (default the terminal's):
    text columns wrap, then the columns continue in further blocks; ``wide``: one line per row. ``repeat``: show
    a key column's value on every row (default: only where it changes)."""
    data = _rows_of(rows)
    keys = set(data[0]) if data else {c.key for c in columns}
    cols = [c for c in columns if c.key in keys]
    cells = [[c.cell(r.get(c.key)) for c in cols] for r in data]
    if not repeat:
        for j, c in enumerate(cols):
            if c.key_column and not c.numeric:
                for i in range(len(cells) - 1, 0, -1):
                    if cells[i][j] == cells[i - 1][j] and all(
                        cells[i][k] == cells[i - 1][k] for k in range(j) if cols[k].key_column
                    ):
                        cells[i][j] = ""
    width = width or terminal_width()
    sizes = [_sizes(c, [r[j] for r in cells]) for j, c in enumerate(cols)]
    natural, soft, narrowest = ([s[k] for s in sizes] for k in range(3))
    lines = [wrap(title, width)] if title else []
    gaps = len(_GAP) * (len(cols) - 1)
    if wide:  # one line per row and per header
        return "\n".join(lines + _render(cols, cells, [max(n, text_width(c.header)) for n, c in zip(natural, cols)]))
    if sum(natural) + gaps <= width:
        return "\n".join(lines + _render(cols, cells, natural))
    if sum(narrowest) + gaps <= width:
        fitted = _fit_both(natural, soft, narrowest, width - gaps, [[r[j] for r in cells] for j in range(len(cols))])
        return "\n".join(lines + _render(cols, cells, fitted))
    for n, block in enumerate(_blocks(cols, narrowest, width)):
        bc = [cols[i] for i in block]
        room = width - len(_GAP) * (len(bc) - 1)
        fitted = _fit_both(
            [natural[i] for i in block],
            [soft[i] for i in block],
            [narrowest[i] for i in block],
            room,
            [[r[i] for r in cells] for i in block],
        )
        if n:
            lines.append("")
        lines.extend(_render(bc, [[r[i] for i in block] for r in cells], fitted))
    return "\n".join(lines)


def jsonable(v: Any) -> Any:
    """``v`` ready for JSON: non-finite floats → null, dates → ISO text, containers walked."""
    if isinstance(v, Mapping):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def table_json(obj: Any) -> str:
    """``obj`` (a DataFrame → list of records, or any JSON-ready value) as indented JSON; non-ASCII escaped, so
    no character from data can act on a terminal."""
    data = _rows_of(obj) if hasattr(obj, "to_dicts") else obj
    return json.dumps(jsonable(data), indent=2, allow_nan=False)


def table_csv(rows: Any, columns: Iterable[str] | None = None) -> str:
    """Rows (DataFrame or mappings) as CSV with their machine column names and raw values (empty = missing);
    nested values as JSON text."""
    data = _rows_of(rows)
    if columns is not None:
        names = list(columns)
    else:
        names = list(rows.columns) if hasattr(rows, "columns") else (list(data[0]) if data else [])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    for r in data:
        out = []
        for k in names:
            v = jsonable(r.get(k))
            out.append("" if v is None else json.dumps(v) if isinstance(v, (list, dict)) else v)
        w.writerow(out)
    return buf.getvalue().rstrip("\n")


# ------------------------------------------------------------------------------------------------ argument parsing
class HelpFormatter(argparse.HelpFormatter):
    """Help with each option's default shown (when it has one and the help does not already say it); in the
    description and epilog, paragraphs are wrapped to the terminal and blocks with indented lines (tables,
    examples) kept as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        blocks = []
        for block in text.strip("\n").split("\n\n"):
            lines = block.split("\n")
            if any(line.startswith(" ") for line in lines):
                blocks.append("\n".join(indent + line for line in lines))
            else:
                blocks.append(
                    textwrap.fill(" ".join(block.split()), width, initial_indent=indent, subsequent_indent=indent)
                )
        return "\n\n".join(blocks)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        d = action.default
        if d in (None, False, argparse.SUPPRESS) or "default" in text or "%(default)" in text:
            return text
        if isinstance(d, list):
            return text
        return f"{text} (default: %(default)s)" if text else "(default: %(default)s)"


class ArgumentParser(argparse.ArgumentParser):
    """An argument parser whose errors are one terminal-safe line on stderr (exit 2), naming ``--help``, and
    whose help shows defaults."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        text = " ".join(message.split("\n"))
        echo(f"{self.prog}: error: {text} (see {self.prog} --help)", err=True)
        raise SystemExit(2)


_MAX_MESSAGE = 400  # characters of an error message shown (a message quoting a whole file would flood the terminal)


def exit_code_of(
    run: Callable[[], int],
    refused: type[Exception],
    err: Callable[[str], None],
    *,
    prefix: str = "",
) -> int:
    """``run()``'s exit code; a ``refused`` request or an OS error is 2 and anything else 3, each said in one line
    through ``err`` (``prefix`` before the words of a refusal or OS error), never as a traceback."""
    try:
        return run()
    except refused as exc:
        err(f"{prefix}{exc}")
        return 2
    except OSError as exc:
        err(f"{prefix}{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
        return 2
    except Exception as exc:
        err(f"unexpected error: {type(exc).__name__}: {exc}")
        return 3


def error_message(e: BaseException) -> str:
    """An exception as one line for people: the OS error with its file, a non-UTF-8 position, a KeyError's text;
    only the first line of a library's multi-line message; at most 400 characters."""
    if isinstance(e, UnicodeDecodeError):
        text = f"not UTF-8 text ({e.reason} at byte {e.start})"
    elif isinstance(e, OSError) and e.strerror:
        text = e.strerror + (f": {e.filename}" if e.filename else "")
    elif isinstance(e, KeyError) and e.args:
        text = str(e.args[0])
    elif isinstance(e, OverflowError):
        text = f"a number is too large to compute with ({e})"
    else:
        text = str(e) or type(e).__name__
    lines = [line.strip() for line in text.replace("\\n", "\n").splitlines() if line.strip()]
    one = lines[0] if lines else type(e).__name__
    if len(lines) > 1 and not type(e).__module__.startswith("polars"):
        one = " ".join(lines)
    return one if len(one) <= _MAX_MESSAGE else one[: _MAX_MESSAGE - 1] + "…"
