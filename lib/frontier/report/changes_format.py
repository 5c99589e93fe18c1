"""The digest of :func:`frontier.report.changes.compare_builds` in words: terminal text, Markdown (to paste into a chat
or
an email) and the "What changed" HTML page. Every string from the summaries is escaped for where it is shown.

Each report gives one block of lines, most important first: data added, configs added and removed, what moved
beyond run-to-run noise, winners that flipped, price-table changes, what moved within noise or with its spread
unknown, changed parameters and headline. A change is stated as old → new (change in %; the spread it was judged
against).
"""

from __future__ import annotations

import html
import re
from typing import Any

from frontier.data.fetch.added import describe
from frontier.fsutil import safe_for_terminal
from frontier.report.changes import MOVED, PRICE, UNKNOWN, WITHIN

__all__ = ["digest_blocks", "exit_code", "to_html", "to_markdown", "to_text"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_FIELD_WORDS = {"tput_per_gpu": "tok/s/GPU", "tok_s_mw": "tok/s/MW", "conc": "concurrency"}
_SHOWN_PER_CONFIG = 4


def _num(v: float | None) -> str:
    if v is None:
        return "—"
    a = abs(v)
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:,.2f}"
    return f"{v:.3g}"


def _field(f: str | None) -> str:
    if f is None:
        return "value"
    if f.startswith("cost_"):
        parts = f.split("_")  # cost_total_costh
        return f"$/M {parts[1]} tokens ({parts[2]})" if len(parts) == 3 else f
    return _FIELD_WORDS.get(f, f)


def _at(c: dict[str, Any]) -> str:
    where = [f"{k} {v}" for k, v in (c.get("where") or {}).items() if v is not None]
    if c.get("target") is not None:
        where.insert(0, f"at {c['target']:g} tok/s/user")
    return " ".join(where)


def _change(c: dict[str, Any]) -> str:
    pct = "" if c.get("pct") is None else f"{c['pct']:+.1f} %; "
    if c["class"] == PRICE:
        judged = "the price table changed"
    elif c.get("spread_pct") is None:
        judged = "one run: spread unknown" if c.get("spread_measured") else "the report measures no spread"
    else:
        judged = f"run-to-run spread {c['spread_pct']:.1f} %"
    return f"{_at(c)}: {_num(c['old'])} → {_num(c['new'])} ({pct}{judged})".lstrip()


def _move_line(m: dict[str, Any]) -> str:
    main = m["main"][:_SHOWN_PER_CONFIG]
    more = len(m["main"]) - len(main)
    body = "; ".join(_change(c) for c in main) + (f"; {more} more" if more > 0 else "")
    others = len(m["changes"]) - len(m["main"])
    tail = f" (and {others} other value(s) of this config)" if others > 0 and m["metric"] else ""
    return f"{m['config'] or 'report-level values'}: {_field(m['metric'])} {body}{tail}"


def _headline_lines(h: dict[str, Any]) -> list[tuple[str, str]]:
    """Numbers of the headline that moved (old → new, %), else the new headline sentences."""
    if h.get("numbers"):
        return [
            (
                "headline number",
                f"{_num(n['old'])} → {_num(n['new'])}"
                + (f" ({n['pct']:+.1f} %)" if n["pct"] is not None else "")
                + f": {n['sentence']}",
            )
            for n in h["numbers"]
        ]
    return [("headline now", str(x)) for x in h.get("new") or []]


def _price_moves(moves: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Values that moved with the price table, said once: how many configs, the range of the change."""
    pcts = [c["pct"] for m in moves for c in m["changes"] if c["class"] == PRICE and c["pct"] is not None]
    if not moves:
        return []
    span = f" ({min(pcts):+.1f} % to {max(pcts):+.1f} %)" if pcts else ""
    n = len(moves)
    return [(PRICE, f"cost figures of {n} config{'s' if n != 1 else ''} moved with the price table{span}")]


def _flip_where(f: dict[str, Any]) -> tuple[str, str]:
    """(where the flip happened, the model · ISL/OSL prefix its config names carry)."""
    where = " ".join(
        x
        for x in (
            str(f["model"]) if f.get("model") else "",
            f"{f['isl']}/{f['osl']}" if f.get("isl") is not None else "",
            f"at {f['target']:g} tok/s/user" if f.get("target") is not None else "",
            f"view {f['view']}" if f.get("view") else "",
        )
        if x
    )
    scope = f"{f['model']} · {f['isl']}/{f['osl']} · " if f.get("model") and f.get("isl") is not None else ""
    return where, scope


def _flip_lines(flips: list[dict[str, Any]]) -> list[str]:
    """One line per place and pair of configs: "<where>, highest tok/s/GPU (old → new) and …: was A, now B"."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for f in flips:
        where, scope = _flip_where(f)
        old, new = (str(w).removeprefix(scope) for w in (f["old_winner"], f["new_winner"]))
        if f["metric"] == "winner":
            metric = "winner"
        else:
            best = "highest" if f["metric"] == "tput_per_gpu" else "lowest"
            metric = f"{best} {_field(f['metric'])} ({_num(f['old_value'])} → {_num(f['new_value'])})"
        groups.setdefault((where, old, new), []).append(metric)
    return [f"{w}, {' and '.join(ms)}: was {o}, now {n}" for (w, o, n), ms in groups.items()]


def _data_lines(d: dict[str, Any]) -> list[str]:
    lines = []
    runs = d.get("runs_added") or []
    if runs:
        since = f" since {d['since']}" if d.get("since") else ""
        shown = ", ".join(f"{r['name']} ({r.get('date') or 'undated'}, {r.get('points')} points)" for r in runs)
        lines.append(f"{len(runs)} new run{'s' if len(runs) != 1 else ''}{since}: {shown}")
    if d.get("runs_removed"):
        names = ", ".join(r["name"] for r in d["runs_removed"])
        lines.append(f"runs no longer behind any point (superseded by newer runs, or removed): {names}")
    run_dates = {r.get("date") for r in runs}
    for key, words in (("dates", "dates"), ("models", "models"), ("seq_lens", "ISL/OSL")):
        if key == "dates" and set(d.get("dates_added") or []) <= run_dates:
            pass  # said with the runs
        elif d.get(f"{key}_added"):
            lines.append(f"new {words}: " + ", ".join(d[f"{key}_added"]))
        if d.get(f"{key}_removed"):
            lines.append(f"{words} no longer in the data: " + ", ".join(d[f"{key}_removed"]))
    return lines


def _params(p: Any) -> str:
    return " ".join(f"{k}={v}" for k, v in p.items()) if isinstance(p, dict) else ""


def digest_blocks(digest: dict[str, Any]) -> tuple[str, list[tuple[str, list[tuple[str, str]]]]]:
    """(title line, [(report heading, [(kind, line)])]) with every line in plain, unescaped words."""
    title = f"What changed: {digest['old']['label']} → {digest['new']['label']}"
    blocks = []
    for r in digest["reports"]:
        items: list[tuple[str, str]] = [("data", x) for x in _data_lines(r["data"])]
        items += [
            ("parameter changed (not like for like)", f"{p['name']}: {p['old']!r} → {p['new']!r}")
            for p in r["parameters_changed"]
        ]
        items += [("config added", c) for c in r["configs_added"]]
        items += [("config removed", c) for c in r["configs_removed"]]
        moves = r["moves"]
        items += [(MOVED, _move_line(m)) for m in moves if m["class"] == MOVED]
        items += [("winner flipped", line) for line in _flip_lines(r["flips"])]
        if r["pricing"]:
            items.append(
                ("price table changed", f"was {'; '.join(r['pricing']['old'])}, now {'; '.join(r['pricing']['new'])}")
            )
        items += _price_moves([m for m in moves if m["class"] == PRICE])
        for cls in (WITHIN, UNKNOWN):
            items += [(cls, _move_line(m)) for m in moves if m["class"] == cls]
        if r.get("targets"):
            t = r["targets"]
            shown = [", ".join(f"{x:g}" for x in t[k]) or "none" for k in ("old", "new")]
            items.append(
                (
                    "targets changed",
                    f"{shown[0]} → {shown[1]} tok/s/user: values are compared at the targets both builds read "
                    "(fix the report's targets in its parameters to compare every week at the same ones)",
                )
            )
        if r["headline"]:
            items += _headline_lines(r["headline"])
        heading = f"{r['name']} — {r['title']}" + (" (synthetic data)" if r["synthetic"] else "")
        blocks.append((heading, items or [("unchanged", "nothing changed")]))
    fetched = [
        (f"{e.get('endpoint')} {_params(e.get('params'))}", describe(e["added"])) for e in digest.get("fetched") or []
    ]
    if fetched:
        blocks.insert(0, ("Fetched since the previous build", fetched))
    for name, why in digest["skipped"].items():
        blocks.append((name, [("not compared", why)]))
    return title, blocks


def to_text(digest: dict[str, Any]) -> str:
    """The digest as terminal text (every line made safe for a terminal)."""
    title, blocks = digest_blocks(digest)
    out = [title]
    for heading, items in blocks:
        out += ["", heading] + [f"  {kind}: {line}" for kind, line in items]
    return "\n".join(safe_for_terminal(x) for x in out) + "\n"


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", safe_for_terminal(text))


def to_markdown(digest: dict[str, Any]) -> str:
    """The digest as Markdown, ready to paste into a chat or an email (text from the data escaped)."""
    title, blocks = digest_blocks(digest)
    out = [f"**{_md(title)}**"]
    for heading, items in blocks:
        out += ["", f"**{_md(heading)}**"] + [f"- *{_md(kind)}*: {_md(line)}" for kind, line in items]
    return "\n".join(out) + "\n"


_CSS = (
    "body{font-family:-apple-system,'Segoe UI','Liberation Sans',Helvetica,Arial,sans-serif;color:#1f2328;"
    "background:#fff;margin:24px;font-size:14px;max-width:1100px}h2{font-size:16px;margin-top:24px}"
    "li{margin:3px 0}.kind{font-weight:700}.k-moved,.k-winner-flipped{color:#b3261e}.k-within-noise{color:#57606a}"
    ".k-config-added,.k-data{color:#0a7a3c}.k-price-table-changed{color:#7a4d00}a{color:#0969da}"
    ".muted{color:#57606a;font-size:12px}"
    "@media (prefers-color-scheme: dark){body{background:#0d1117;color:#e6edf3}a{color:#4493f8}"
    ".muted,.k-within-noise{color:#9198a1}.k-moved,.k-winner-flipped{color:#ff7b72}"
    ".k-config-added,.k-data{color:#3fb950}.k-price-table-changed{color:#d29922}}"
)


def to_html(digest: dict[str, Any], *, note: str = "") -> str:
    """The "What changed" page (one self-contained file, every string from the data escaped)."""
    e = html.escape
    title, blocks = digest_blocks(digest)
    body = [f"<h1>{e(title)}</h1>", f'<p class="muted">{e(note)} <a href="index.html">All reports</a></p>']
    for heading, items in blocks:
        lis = "".join(
            f'<li><span class="kind k-{e(kind.replace(" ", "-"), quote=True)}">{e(kind)}</span>: {e(line)}</li>'
            for kind, line in items
        )
        body.append(f"<h2>{e(heading)}</h2><ul>{lis}</ul>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>What changed</title><style>{_CSS}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def exit_code(digest: dict[str, Any], fail_on: list[str]) -> int:
    """1 when ``fail_on`` names something the digest holds (``moved``: a config moved beyond noise;
    ``flipped``: a winner flipped), else 0."""
    c = digest["counts"]
    hit = ("moved" in fail_on and c["moved"] > 0) or ("flipped" in fail_on and c["flipped"] > 0)
    return 1 if hit else 0
