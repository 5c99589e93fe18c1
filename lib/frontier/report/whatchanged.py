"""``<out>/changes.html``: the "What changed" page, the digest of the newest two builds in the output folder's
history (see :mod:`frontier.report.changes`), written after each build that kept a snapshot and linked from the
index."""

from __future__ import annotations

from pathlib import Path

from frontier.fsutil import write_atomic

__all__ = ["CHANGES_PAGE", "write_changes_page"]

CHANGES_PAGE = "changes.html"
_MARK = "<title>What changed</title>"


def write_changes_page(out: Path) -> Path | None:
    """Write ``<out>/changes.html`` comparing the newest two snapshots; None (nothing written) when there are
    fewer than two, or when a ``changes.html`` there was not written by this function (it is left alone)."""
    from frontier.report.changes import ChangesError, compare_builds, resolve_builds
    from frontier.report.changes_format import to_html

    target = out / CHANGES_PAGE
    if target.is_symlink() or (target.exists() and _MARK not in target.read_text("utf-8", "replace")[:2000]):
        return None
    try:
        old, new = resolve_builds(out)
    except ChangesError:
        return None
    digest = compare_builds(old, new)
    note = f"Build {new.label} compared with the build before it, {old.label}; `frontier changes` prints the same."
    write_atomic(target, to_html(digest, note=note))
    return target
