"""The output folder: what the runner may write there, its lock, its staging area and the atomic report swap.

The runner writes only ``<out>/index.html``, one ``<out>/<name>/`` folder per report and its own dot-entries
(``.frontier-report.lock``, ``.frontier-report-staging/``). It replaces ``index.html`` or a report folder only if it
wrote them itself: the index carries the runner's generator tag, a report folder holds nothing but the files its
``run.json`` lists and the runner's ``failed.*`` files. Anything else in the way is a :class:`ReportError` before a
notebook runs, so a user's files are never deleted or overwritten.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from frontier.report._files import read_json
from frontier.report.results import ReportError

__all__ = [
    "GENERATOR_TAG",
    "RUNNER_FILES",
    "check_out_dir",
    "exchange",
    "foreign_files",
    "locked",
    "staging_area",
    "swap_in",
]

#: marks an index page as written by the runner (so it may be rewritten)
GENERATOR_TAG = '<meta name="generator" content="frontier report">'
_LOCK_NAME = ".frontier-report.lock"
_STAGING_NAME = ".frontier-report-staging"
#: files the runner writes into a report folder besides those its run.json lists
RUNNER_FILES = frozenset({"index.html", "run.json", "thumbnail.png", "failed.html", "failed.json", "failed.ipynb"})
_TEMP_RE = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")  # fsutil.write_atomic's temporary files, left by a killed run
_PREVIOUS = "-previous-"


def check_out_dir(out: Path, names: Sequence[str]) -> None:
    """Raise :class:`ReportError` unless the runner may write its index and the reports ``names`` into ``out``."""
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out} is a file, not a folder")
    if not out.exists():
        return
    index = out / "index.html"
    if index.is_symlink() or (index.exists() and not _is_runner_index(index)):
        raise ReportError(
            f"{index} was not written by frontier report; it is left alone: choose another --out "
            "folder (a new one, or one frontier report built)"
        )
    for name in names:
        foreign = foreign_files(out / name)
        if foreign:
            shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            raise ReportError(
                f"{out / name} holds files frontier report did not write ({shown}); they are left "
                "alone: move them, or choose another --out folder"
            )


def _is_runner_index(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            head = f.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    legacy = "<title>Reports</title>" in head and "<h1>Reports</h1>" in head  # indexes written before the tag
    return GENERATOR_TAG in head or legacy


def foreign_files(report_dir: Path) -> list[str]:
    """Entries in ``report_dir`` (relative paths) the runner did not write; ``[]`` if it does not exist.
    A path that exists but is not a plain folder is foreign as a whole."""
    if not report_dir.exists() and not report_dir.is_symlink():
        return []
    if report_dir.is_symlink() or not report_dir.is_dir():
        return [report_dir.name]
    run = read_json(report_dir / "run.json") or {}
    files = run.get("files")
    listed = files if isinstance(files, list) else []
    own = set(RUNNER_FILES) | {str(f) for f in listed}
    own_dirs = {str(parent) for f in own for parent in Path(f).parents if str(parent) != "."}
    foreign: list[str] = []
    for root, dirs, files in os.walk(report_dir, onerror=lambda e: foreign.append(f"{e.filename} (unreadable)")):
        rel_root = Path(root).relative_to(report_dir)
        keep = []
        for d in dirs:
            rel = rel_root / d
            if (report_dir / rel).is_symlink() or str(rel) not in own_dirs:
                foreign.append(f"{rel}/")
            else:
                keep.append(d)
        dirs[:] = keep
        for f in files:
            rel = rel_root / f
            if (report_dir / rel).is_symlink() or (str(rel) not in own and not _TEMP_RE.fullmatch(f)):
                foreign.append(str(rel))
    return sorted(foreign)


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` (a second run on the same folder is refused, not interleaved)."""
    import fcntl

    try:
        out.mkdir(parents=True, exist_ok=True)
        f = open(out / _LOCK_NAME, "a")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        raise ReportError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise ReportError(f"another report run is writing to {out}; try again when it has finished") from exc
        yield
    finally:
        f.close()


@contextlib.contextmanager
def staging_area(out: Path) -> Iterator[Path]:
    """A fresh staging folder inside ``out`` (same file system, so a finished report moves in by rename).
    Reports an earlier, killed run had moved aside are put back first; the folder is removed afterwards."""
    staging = out / _STAGING_NAME
    _restore_interrupted(out)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _restore_interrupted(out: Path) -> list[str]:
    """Put back every report folder a killed run had moved aside but not yet replaced; the names restored."""
    staging = out / _STAGING_NAME
    restored: list[str] = []
    if not staging.is_dir():
        return restored
    for aside in sorted(staging.glob(f"*{_PREVIOUS}*")):
        name = aside.name.rsplit(_PREVIOUS, 1)[0]
        final = out / name
        if aside.is_dir() and not final.exists() and not final.is_symlink():
            aside.rename(final)
            restored.append(name)
    return restored


def swap_in(new: Path, final: Path, staging: Path) -> None:
    """Make the folder ``new`` the report at ``final`` so that at every instant ``final`` is either the complete
    previous report or the complete new one: one atomic exchange (Linux ``renameat2``); where the file system
    cannot exchange, the previous folder is moved aside first and :func:`_restore_interrupted` puts it back if
    the run dies between the two renames."""
    if not final.exists():
        new.rename(final)
        return
    if exchange(new, final):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the previous report
        return
    aside = staging / f"{final.name}{_PREVIOUS}{uuid.uuid4().hex[:8]}"
    final.rename(aside)
    new.rename(final)
    shutil.rmtree(aside, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths (``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    rc = fn(_AT_FDCWD, os.fsencode(str(a)), _AT_FDCWD, os.fsencode(str(b)), ctypes.c_uint(_RENAME_EXCHANGE))
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))
