"""File-system helpers shared by the cache, the fetcher and the report runner."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["safe_for_terminal", "write_atomic"]


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the complete new one.

    The bytes go to a temporary file in the same folder (``str`` is encoded as UTF-8), are flushed to disk
    (fsync), then renamed over ``path`` with :func:`os.replace`. The new file gets the permissions of the file it
    replaces, or those an ordinary new file would get (0666 less the umask), not the temporary file's 0600. The
    parent folder is created if missing. On any failure the temporary file is removed and ``path`` is left as it
    was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fchmod(fh.fileno(), _mode_for(target))
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    """The process umask, read without changing it (Linux ``/proc``); 0o022 where it cannot be read."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def _mode_for(target: Path) -> int:
    """Permission bits for a file written to ``target``: those of the file it replaces, else 0666 less the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)] if c not in (0x09,)}
_CONTROL[0x0A], _CONTROL[0x0D] = "\\n", "\\r"
_FORMAT = {c: f"\\u{c:04x}" for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_SURROGATE = {c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)}  # undecodable bytes in file names
_TERMINAL_TABLE = _CONTROL | _FORMAT | _SURROGATE


def safe_for_terminal(text: object) -> str:
    """``text`` made safe to print: control characters (ESC, CR, BEL, C1 codes …) and bidirectional overrides
    shown as visible escapes (``\\x1b``, ``\\u202e``), so a file name or URL cannot move the cursor, recolour or
    retitle the terminal, or reorder what is shown; lone surrogates (bytes of a file name that are not UTF-8)
    are shown the same way instead of failing to print. Tabs and printable characters pass unchanged."""
    return str(text).translate(_TERMINAL_TABLE)
