"""Zip archives: their data members, each checked by ``frontier.data.safety`` from its header (name, link, encryption,
compression method, size, ratio) and then read with its inflated bytes counted against the member and archive
limits (``limits``), whatever the header says; nested archives are expanded up to ``MAX_ZIP_NESTING`` deep. A
member that must not or cannot be read is skipped with its reason; the rest of the archive is read.
"""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from frontier.data import cache as cache_mod
from frontier.data.load.kinds import DATA_SUFFIXES, IGNORED_SUFFIXES, NOT_DATA
from frontier.data.load.limits import (
    MAX_COMPRESSION_RATIO,
    MAX_INFLATED_BYTES,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_SIDECAR_BYTES,
    MAX_ZIP_NESTING,
)
from frontier.data.load.report import FileEntry, LoadReport
from frontier.data.load.sidecars import RUN_DIR_RE, SIDECAR_READ, parse_sidecar
from frontier.data.safety import UnsafePathError, path_text, read_zip_member, zip_member_problem

__all__ = ["zip_members"]


@dataclass
class _Budget:
    """Bytes an archive (with the archives inside it) may still inflate."""

    left: int


def _zip_sidecars(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], label: str, report: LoadReport
) -> dict[str, dict[str, Any]]:
    """Member folder → its ``run.json`` run hint; unusable sidecars are skipped with their reason."""
    sidecars: dict[str, dict[str, Any]] = {}
    for info in infos:
        if PurePosixPath(info.filename).name.lower() != "run.json" or info.is_dir():
            continue
        member = f"{label}!{path_text(info.filename)}"
        problem = zip_member_problem(info, max_bytes=MAX_SIDECAR_BYTES, max_ratio=MAX_COMPRESSION_RATIO)
        parsed: dict[str, Any] | str = problem[1] if problem else ""
        if not problem:
            try:
                parsed = parse_sidecar(read_zip_member(zf, info, MAX_SIDECAR_BYTES))
            except Exception as e:
                parsed = f"unreadable zip member ({type(e).__name__})"
        if isinstance(parsed, str):
            report.skip_file(member, parsed)
        else:
            sidecars[str(PurePosixPath(info.filename).parent)] = parsed
            report.files.append(FileEntry(member, None, None, status="ignored", reason=SIDECAR_READ))
    return sidecars


def _member_hint(name: str, hint: dict[str, Any], sidecars: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The archive's run hint, updated from the nearest sidecar and ``run_<id>`` folder inside the archive."""
    mhint = dict(hint)
    parts = PurePosixPath(name).parts
    for i in range(len(parts) - 1, 0, -1):
        meta = sidecars.get(str(PurePosixPath(*parts[:i])))
        if meta:
            mhint.update(meta)
            break
    for part in parts[:-1]:
        m = RUN_DIR_RE.match(part)
        if m and "run_id" not in mhint:
            mhint["run_id"] = int(m.group(1))
    return mhint


#: what reading a damaged member can raise (bad CRC, corrupt deflate/bzip2/lzma data, truncated archive)
_ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


def _open_zip(label: str, source: Path | bytes, report: LoadReport) -> tuple[zipfile.ZipFile, list] | None:
    """The archive and its members, or None (skipped with the reason: not a zip, too many members)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        infos = zf.infolist()
    except _ZIP_READ_ERRORS as e:
        report.skip_file(label, "bad zip archive", f"bad zip archive: {type(e).__name__}: {e}", format="zip")
        return None
    if len(infos) > MAX_MEMBERS:
        zf.close()
        report.skip_file(
            label,
            "zip archive with too many members",
            f"zip archive with {len(infos):,} members (limit {MAX_MEMBERS:,})",
            format="zip",
        )
        return None
    return zf, infos


def zip_members(
    label: str, path: Path, hint: dict[str, Any], report: LoadReport, sha: str | None = None
) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    """(label ``archive.zip!member``, bytes, run hint) of every data member of the archive at ``path``."""
    yield from _zip_sources(label, path, hint, report, _Budget(MAX_INFLATED_BYTES), 1, sha)


def _zip_sources(
    label: str,
    source: Path | bytes,
    hint: dict[str, Any],
    report: LoadReport,
    budget: _Budget,
    depth: int,
    sha: str | None = None,
) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    """The data members of a zip (nested zips expanded, at most ``MAX_ZIP_NESTING`` deep), labelled
    ``archive.zip!member``. Every member is checked by ``frontier.data.safety`` before it is read, and read with its
    inflated bytes counted against the member and archive limits, whatever its header says."""
    opened = _open_zip(label, source, report)
    if opened is None:
        return
    zf, infos = opened
    if sha is None:
        try:
            sha = cache_mod.bytes_sha256(source) if isinstance(source, bytes) else cache_mod.file_sha256(source)
        except OSError:
            sha = None
    report.files.append(FileEntry(label, sha, "zip", status="read", reason="archive"))
    with zf:
        sidecars = _zip_sidecars(zf, infos, label, report)
        for info in infos:
            if info.is_dir() or PurePosixPath(info.filename).name.lower() == "run.json":
                continue
            member = f"{label}!{path_text(info.filename)}"
            blob = _read_member(zf, info, member, budget, depth, report)
            if blob is None:
                continue
            mhint = _member_hint(info.filename, hint, sidecars)
            if info.filename.lower().endswith(".zip"):
                yield from _zip_sources(member, blob, mhint, report, budget, depth + 1)
            else:
                yield member, blob, mhint


def _read_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, member: str, budget: _Budget, depth: int, report: LoadReport
) -> bytes | None:
    """A data member's bytes, or None when it is not data (ignored) or must not or cannot be read (skipped)."""
    lname = info.filename.lower()
    problem = zip_member_problem(info, max_bytes=MAX_MEMBER_BYTES, max_ratio=MAX_COMPRESSION_RATIO)
    if problem:
        report.skip_file(member, *problem)
        return None
    if lname.endswith(IGNORED_SUFFIXES) or not lname.endswith(DATA_SUFFIXES):
        report.files.append(
            FileEntry(
                member,
                None,
                None,
                status="ignored",
                reason="download metadata" if lname.endswith(IGNORED_SUFFIXES) else NOT_DATA,
            )
        )
        return None
    if lname.endswith(".zip") and depth >= MAX_ZIP_NESTING:
        report.skip_file(member, f"zip archives nested deeper than {MAX_ZIP_NESTING} levels")
        return None
    if info.file_size > budget.left:
        report.skip_file(
            member,
            "zip archive inflates past the loader's limit",
            f"zip archive inflates to more than {MAX_INFLATED_BYTES:,} bytes in all",
        )
        return None
    try:
        blob = read_zip_member(zf, info, min(MAX_MEMBER_BYTES, budget.left))
    except UnsafePathError as e:
        report.skip_file(member, "zip member inflates past the loader's limit", str(e))
        return None
    except _ZIP_READ_ERRORS as e:
        report.skip_file(member, "corrupt zip member", f"corrupt zip member: {type(e).__name__}: {e}")
        return None
    budget.left -= len(blob)
    return blob
