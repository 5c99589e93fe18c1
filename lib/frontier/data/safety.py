"""Safe handling of untrusted archives and folder trees (CI artifacts, downloaded zips).

A member name or file found in an artifact is data: it must never decide where a file is written outside the
destination folder. The helpers here refuse, before writing anything:

- absolute paths, drive letters, ``..`` components, backslashes and NUL bytes in member names;
- symbolic links (zip members carrying a symlink mode, or symlinks found in a folder tree);
- anything whose resolved location is not inside the destination.

Sizes are in bytes.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

__all__ = [
    "SUPPORTED_ZIP_METHODS",
    "UnsafePathError",
    "check_member_name",
    "check_tree",
    "check_zip",
    "is_within",
    "path_text",
    "read_zip_member",
    "safe_copy_tree",
    "safe_extract_zip",
    "zip_member_is_link",
    "zip_member_problem",
]

#: refuse archives that would expand beyond this (zip bombs); bytes
_DEFAULT_MAX_TOTAL_BYTES = 8 * 1024**3
_DEFAULT_MAX_MEMBERS = 200_000


class UnsafePathError(ValueError):
    """An archive member or tree entry would escape its destination, or is a link / special file."""


def is_within(path: str | os.PathLike, root: str | os.PathLike) -> bool:
    """True when ``path`` (after resolving ``..`` and symlinks) is ``root`` or lies inside it."""
    p = Path(path).resolve(strict=False)
    r = Path(root).resolve(strict=False)
    return p == r or r in p.parents


def check_member_name(name: str) -> PurePosixPath:
    """Validate one archive member / relative path name; return it as a relative POSIX path.

    Raises :class:`UnsafePathError` for empty names, absolute paths, Windows drive letters or UNC paths,
    backslashes, NUL bytes and ``..`` components.
    """
    if not isinstance(name, str) or name == "":
        raise UnsafePathError("empty member name")
    if "\x00" in name:
        raise UnsafePathError(f"member name contains a NUL byte: {name!r}")
    if "\\" in name:
        raise UnsafePathError(f"member name contains a backslash: {name!r}")
    if name.startswith("/") or (len(name) >= 2 and name[1] == ":"):
        raise UnsafePathError(f"absolute member path: {name!r}")
    pure = PurePosixPath(name)
    if any(part == ".." for part in pure.parts):
        raise UnsafePathError(f"member path escapes the destination: {name!r}")
    parts = [p for p in pure.parts if p not in ("", ".")]
    if not parts:
        raise UnsafePathError(f"member name names no file: {name!r}")
    return PurePosixPath(*parts)


def _zip_member_is_link(info: zipfile.ZipInfo) -> bool:
    mode = (info.external_attr >> 16) & 0xFFFF
    return stat.S_ISLNK(mode)


zip_member_is_link = _zip_member_is_link

#: compression methods the standard library can inflate (others raise NotImplementedError on read)
SUPPORTED_ZIP_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
_RATIO_FLOOR = 1 << 20  # members inflating to less than this are not held to the compression-ratio limit


def zip_member_problem(info: zipfile.ZipInfo, *, max_bytes: int, max_ratio: float) -> tuple[str, str] | None:
    """Why one zip member must not be read, from its header alone: (reason, detail with the numbers), or None.

    Refused: unsafe names, symlinks, encrypted members, compression methods the standard library cannot read,
    a declared inflated size above ``max_bytes``, and (for members declaring at least 1 MiB) a ratio of inflated
    to compressed size above ``max_ratio``. Headers can lie: read with :func:`read_zip_member`, which counts."""
    try:
        check_member_name(info.filename)
    except UnsafePathError as e:
        return "zip member path escapes the archive folder", f"zip member path escapes the archive folder ({e})"
    if _zip_member_is_link(info):
        return "zip member is a symlink", "zip member is a symlink"
    if info.flag_bits & 0x1:
        return "encrypted zip member", "encrypted zip member (no password is ever used)"
    if info.compress_type not in SUPPORTED_ZIP_METHODS:
        return ("unsupported zip compression method", f"unsupported zip compression method {info.compress_type}")
    if info.file_size > max_bytes:
        return (
            "zip member inflates past the loader's limit",
            f"zip member inflates to {info.file_size:,} bytes (limit {max_bytes:,})",
        )
    if info.file_size >= _RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
        return (
            "zip member compression ratio past the limit",
            f"zip member compression ratio {info.file_size / max(info.compress_size, 1):,.0f}:1 "
            f"(limit {max_ratio:,.0f}:1)",
        )
    return None


def read_zip_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int) -> bytes:
    """A member's bytes, inflated block by block and refused (``UnsafePathError``) past ``max_bytes`` whatever
    its header says. Corrupt data raises ``zipfile.BadZipFile``, ``zlib.error``, ``EOFError`` or ``OSError``."""
    out = bytearray()
    with zf.open(info) as src:
        while True:
            chunk = src.read(min(1 << 20, max_bytes + 1 - len(out)))
            if not chunk:
                break
            out += chunk
            if len(out) > max_bytes:
                raise UnsafePathError(f"zip member inflates beyond {max_bytes:,} bytes")
    return bytes(out)


def path_text(path: str | os.PathLike) -> str:
    """A file-system path as valid UTF-8 text: bytes that are not UTF-8 (names from other systems) are shown as
    ``\\xff`` escapes. Control characters are kept (see :func:`frontier.fsutil.safe_for_terminal` for terminals)."""
    s = os.fspath(path)
    if isinstance(s, bytes):
        return s.decode("utf-8", "backslashreplace")
    try:
        return os.fsencode(s).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return s.encode("utf-8", "backslashreplace").decode("utf-8")


def check_zip(
    zip_path: str | os.PathLike,
    *,
    max_total_bytes: int = _DEFAULT_MAX_TOTAL_BYTES,
    max_members: int = _DEFAULT_MAX_MEMBERS,
) -> list[zipfile.ZipInfo]:
    """Check every member of a zip without extracting; return the member list.

    Raises :class:`UnsafePathError` on an unsafe name, a symlink member, too many members or a declared
    uncompressed size above ``max_total_bytes``; ``zipfile.BadZipFile`` when the file is not a zip.
    """
    with zipfile.ZipFile(zip_path) as zf:
        infos = zf.infolist()
    if len(infos) > max_members:
        raise UnsafePathError(f"{zip_path}: {len(infos)} members (limit {max_members})")
    total = 0
    for info in infos:
        check_member_name(info.filename)
        if _zip_member_is_link(info):
            raise UnsafePathError(f"{zip_path}: symlink member refused: {info.filename!r}")
        total += info.file_size
    if total > max_total_bytes:
        raise UnsafePathError(f"{zip_path}: expands to {total} bytes (limit {max_total_bytes})")
    return infos


def safe_extract_zip(
    zip_path: str | os.PathLike,
    dest: str | os.PathLike,
    *,
    max_total_bytes: int = _DEFAULT_MAX_TOTAL_BYTES,
    max_members: int = _DEFAULT_MAX_MEMBERS,
) -> list[Path]:
    """Extract ``zip_path`` into ``dest``; refuse the whole archive if any member is unsafe.

    Every member is checked before anything is written (see :func:`check_zip`); each target is checked again
    with :func:`is_within` after resolving, so an existing symlink inside ``dest`` cannot redirect a write.
    The bytes actually written are counted against ``max_total_bytes`` too (a lying header cannot bomb).
    Returns the extracted file paths.
    """
    dest_path = Path(dest)
    dest_path.mkdir(parents=True, exist_ok=True)
    root = dest_path.resolve()
    infos = check_zip(zip_path, max_total_bytes=max_total_bytes, max_members=max_members)
    targets: list[tuple[zipfile.ZipInfo, Path]] = []
    for info in infos:
        rel = check_member_name(info.filename)
        target = root.joinpath(*rel.parts)
        if not is_within(target, root):
            raise UnsafePathError(f"{zip_path}: member {info.filename!r} resolves outside {root}")
        targets.append((info, target))
    written: list[Path] = []
    budget = max_total_bytes
    with zipfile.ZipFile(zip_path) as zf:
        for info, target in targets:
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            # re-check after creating parents: a pre-existing symlink under dest must not redirect the write
            if not is_within(target.parent, root) or target.is_symlink():
                raise UnsafePathError(f"{zip_path}: member {info.filename!r} resolves outside {root}")
            with zf.open(info) as src, open(target, "wb") as out:
                while True:
                    chunk = src.read(1 << 20)
                    if not chunk:
                        break
                    budget -= len(chunk)
                    if budget < 0:
                        raise UnsafePathError(f"{zip_path}: expands beyond {max_total_bytes} bytes")
                    out.write(chunk)
            written.append(target)
    return written


def check_tree(src: str | os.PathLike) -> list[PurePosixPath]:
    """List the regular files under ``src`` as relative paths; refuse symlinks and special files.

    Raises :class:`UnsafePathError` naming the first offending entry.
    """
    root = Path(src)
    if root.is_symlink():
        raise UnsafePathError(f"{root} is a symlink")
    if not root.is_dir():
        raise UnsafePathError(f"{root} is not a directory")
    files: list[PurePosixPath] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in list(dirnames) + list(filenames):
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            check_member_name(rel)
            st = full.lstat()
            if stat.S_ISLNK(st.st_mode):
                raise UnsafePathError(f"symlink refused: {rel} -> {os.readlink(full)}")
            if name in dirnames:
                if not stat.S_ISDIR(st.st_mode):
                    raise UnsafePathError(f"special file refused: {rel}")
                continue
            if not stat.S_ISREG(st.st_mode):
                raise UnsafePathError(f"special file refused: {rel}")
            files.append(PurePosixPath(rel))
    return sorted(files)


def safe_copy_tree(src: str | os.PathLike, dest: str | os.PathLike) -> list[Path]:
    """Copy the regular files under ``src`` into ``dest`` (created if needed), refusing links and escapes.

    The whole tree is checked first (:func:`check_tree`); nothing is copied when any entry is unsafe.
    Returns the copied file paths.
    """
    rels = check_tree(src)
    dest_path = Path(dest)
    dest_path.mkdir(parents=True, exist_ok=True)
    root = dest_path.resolve()
    out: list[Path] = []
    for rel in rels:
        target = root.joinpath(*rel.parts)
        if not is_within(target, root):
            raise UnsafePathError(f"{rel} resolves outside {root}")
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or not is_within(target.parent, root):
            raise UnsafePathError(f"{rel} resolves outside {root}")
        shutil.copyfile(Path(src).joinpath(*rel.parts), target, follow_symlinks=False)
        out.append(target)
    return out
