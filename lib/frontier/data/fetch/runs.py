"""GitHub Actions runs: a run's ``results_bmk`` / ``bmk_*`` artifacts downloaded with the GitHub CLI ``gh`` into
``data/raw/runs/<id>/`` beside a ``run.json`` (run id, attempt, date, head SHA, repo, url).

The download is checked before anything is imported (:mod:`frontier.data.safety`: no links or special files, no zip
member escaping its folder) and zips are held to :data:`RUN_ZIP_LIMITS`; the previous copy is replaced atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontier.data.fetch.api import _parse_iso
from frontier.data.fetch.errors import FetchError, GhUnavailableError
from frontier.data.load import limits
from frontier.data.safety import (
    UnsafePathError,
    check_tree,
    check_zip,
    read_zip_member,
    safe_copy_tree,
    zip_member_problem,
)
from frontier.fsutil import write_atomic
from frontier.paths import DATA_RAW

__all__ = [
    "DEFAULT_REPO",
    "ENV_GH",
    "RUN_ZIP_LIMITS",
    "SHA_RE",
    "RunFetchResult",
    "check_logged_in",
    "check_repo",
    "fetch_run",
    "first_lines",
    "resolve_gh",
    "run_gh",
]

ENV_GH = "FRONTIER_GH"
DEFAULT_REPO = "SemiAnalysisAI/InferenceX"
_RUN_ARTIFACT_PATTERNS = ("results_bmk", "bmk_*")
#: zips in a downloaded run are refused beyond the loader's limits for zips (:mod:`frontier.data.load.limits`: bytes
#: inflated, as declared and as actually inflated; ratio = inflated : compressed for members of 1 MiB or more), so
#: nothing is imported that a load would skip
RUN_ZIP_LIMITS = {
    "total_bytes": limits.MAX_INFLATED_BYTES,
    "member_bytes": limits.MAX_MEMBER_BYTES,
    "members": limits.MAX_MEMBERS,
    "ratio": limits.MAX_COMPRESSION_RATIO,
}

_REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
SHA_RE = re.compile(r"^[0-9a-fA-F]{7,64}$")


@dataclass(frozen=True)
class RunFetchResult:
    """A GitHub Actions run's benchmark artifacts on disk (``path`` = ``data/raw/runs/<run id>``)."""

    run_id: int
    run_attempt: int
    path: Path
    files: tuple[Path, ...]
    run_info: Mapping[str, Any]
    from_cache: bool = False
    note: str = ""


_GH_INSTALL_HELP = (
    "install the GitHub CLI from https://cli.github.com/ (e.g. `sudo apt install gh`, `brew install gh` or "
    "`conda install -c conda-forge gh`), then log in with `gh auth login` (or set GH_TOKEN)"
)


def _gh_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GH_PROMPT_DISABLED": "1", "NO_COLOR": "1", "GH_NO_UPDATE_NOTIFIER": "1", "GH_PAGER": "cat"})
    return env


def resolve_gh(gh: str | os.PathLike | None) -> str:
    """The ``gh`` executable: ``gh``, else ``$FRONTIER_GH``, else ``gh`` on PATH; GhUnavailableError when none."""
    candidate = str(gh) if gh else (os.environ.get(ENV_GH) or shutil.which("gh"))
    if not candidate:
        raise GhUnavailableError(f"the GitHub CLI `gh` is not installed (not found on PATH): {_GH_INSTALL_HELP}")
    path = Path(candidate)
    if not (path.is_file() and os.access(path, os.X_OK)):
        found = shutil.which(candidate)
        if not found:
            raise GhUnavailableError(f"the GitHub CLI `gh` was not found at {candidate}: {_GH_INSTALL_HELP}")
        return found
    return str(path)


def run_gh(gh: str, args: Sequence[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
    """``gh args…`` without prompts, colour or pager, output captured; ``timeout`` in seconds (FetchError past it)."""
    try:
        return subprocess.run(
            [gh, *args], capture_output=True, text=True, timeout=timeout, env=_gh_env(), stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise GhUnavailableError(f"the GitHub CLI `gh` could not be run ({gh}): {_GH_INSTALL_HELP}") from None
    except subprocess.TimeoutExpired:
        raise FetchError(f"`gh {' '.join(args[:2])}` did not finish within {timeout:g} s") from None
    except OSError as e:
        raise GhUnavailableError(f"the GitHub CLI `gh` could not be run ({gh}: {e}): {_GH_INSTALL_HELP}") from None


def first_lines(text: str, n: int = 3) -> str:
    """The first ``n`` non-empty lines of ``text`` joined with `` / ``: a command's message on one line."""
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    return " / ".join(lines[:n]) or "no message"


def _parse_run_view(out: str, run_id: int, repo: str) -> dict[str, Any]:
    try:
        info = json.loads(out)
    except (ValueError, RecursionError):
        raise FetchError(f"`gh run view {run_id}` printed something that is not JSON: {first_lines(out)}") from None
    if not isinstance(info, dict):
        raise FetchError(f"`gh run view {run_id}` returned {type(info).__name__}, expected an object")
    db_id, attempt, created, sha, url = (info.get(k) for k in ("databaseId", "attempt", "createdAt", "headSha", "url"))
    if not isinstance(db_id, int) or isinstance(db_id, bool) or db_id != run_id:
        raise FetchError(f"`gh run view {run_id}` returned run id {db_id!r}")
    if not isinstance(attempt, int) or isinstance(attempt, bool) or attempt < 1:
        raise FetchError(f"`gh run view {run_id}` returned an invalid attempt {attempt!r}")
    t = _parse_iso(str(created)) if created else None
    if t is None:
        raise FetchError(f"`gh run view {run_id}` returned an invalid createdAt {created!r}")
    if not isinstance(sha, str) or not SHA_RE.match(sha):
        raise FetchError(f"`gh run view {run_id}` returned an invalid headSha {sha!r}")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise FetchError(f"`gh run view {run_id}` returned an invalid url {url!r}")
    return {
        "run_id": run_id,
        "run_attempt": attempt,
        "date": t.astimezone(dt.UTC).strftime("%Y-%m-%d"),
        "head_sha": sha,
        "repo": repo,
        "url": url,
    }


def fetch_run(
    run_id: int | str,
    *,
    repo: str = DEFAULT_REPO,
    attempt: int | None = None,
    out_dir: str | os.PathLike | None = None,
    gh: str | os.PathLike | None = None,
    refresh: bool = False,
    patterns: Sequence[str] = _RUN_ARTIFACT_PATTERNS,
    timeout: float = 1800.0,
) -> RunFetchResult:
    """Download a GitHub Actions run's benchmark artifacts into ``<out_dir>/<run id>/`` (default
    ``data/raw/runs``) and write ``run.json`` (run_id, run_attempt, date (UTC, of the run's creation), head_sha,
    repo, url).

    Uses the GitHub CLI (``gh``; path injectable via ``gh=`` or ``$FRONTIER_GH``), which must be logged in.
    ``attempt`` selects the attempt whose metadata is recorded (``gh run view --attempt``); ``gh run download``
    itself fetches the run's artifacts. The downloaded tree is checked first (no symlinks or special files, no
    zip member escaping its folder, zips within :data:`RUN_ZIP_LIMITS`); if anything is unsafe nothing is
    imported. An existing complete download is kept unless ``refresh``. ``timeout``: seconds for the download.
    """
    rid = _check_run_args(run_id, repo, attempt)
    root = Path(out_dir) if out_dir is not None else DATA_RAW / "runs"
    target = root / str(rid)
    if not refresh:
        kept = _already_downloaded(rid, target, attempt)
        if kept is not None:
            return kept
    exe = resolve_gh(gh)
    info = _run_info(exe, rid, repo, attempt)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"frontier-run-{rid}-"))
    try:
        dl_dir = tmp / "download"
        dl_dir.mkdir()
        _download_artifacts(exe, rid, repo, patterns, dl_dir, timeout)
        _check_artifacts(dl_dir, rid, patterns)
        _install_run(dl_dir, root, target, rid, info)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    files = tuple(sorted(p for p in target.rglob("*") if p.is_file() and p != target / "run.json"))
    return RunFetchResult(rid, info["run_attempt"], target, files, info, False, note="downloaded with gh")


def _check_run_args(run_id: int | str, repo: str, attempt: int | None) -> int:
    """The run id as a positive int; FetchError for a malformed id, repository or attempt."""
    try:
        rid = int(str(run_id).strip())
    except ValueError:
        raise FetchError(f"invalid run id {run_id!r}: expected a number such as 20200037154") from None
    if rid <= 0:
        raise FetchError(f"invalid run id {run_id!r}")
    check_repo(repo)
    if attempt is not None and (int(attempt) < 1):
        raise FetchError(f"invalid attempt {attempt!r}: expected 1 or more")
    return rid


def check_repo(repo: str) -> str:
    """``repo`` when it is OWNER/NAME (letters, digits, ``_.-``); FetchError otherwise (it reaches ``gh``)."""
    if not _REPO_RE.match(repo or "") or ".." in repo:
        raise FetchError(f"invalid repository {repo!r}: expected OWNER/NAME")
    return repo


def _already_downloaded(rid: int, target: Path, attempt: int | None) -> RunFetchResult | None:
    """The existing complete download of the run (its ``run.json`` readable, the attempt matching), else None."""
    run_json = target / "run.json"
    if not run_json.is_file():
        return None
    try:
        info = json.loads(run_json.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(info, dict) or (attempt is not None and info.get("run_attempt") != int(attempt)):
        return None
    files = tuple(sorted(p for p in target.rglob("*") if p.is_file() and p != run_json))
    try:
        run_attempt = int(info.get("run_attempt") or 0)
    except (TypeError, ValueError, OverflowError):
        return None
    return RunFetchResult(
        rid, run_attempt, target, files, info, True, note="already downloaded (use --refresh to download again)"
    )


def check_logged_in(exe: str) -> None:
    """GhUnavailableError (exit 2) unless ``gh auth status`` says the GitHub CLI ``exe`` is logged in."""
    auth = run_gh(exe, ["auth", "status"], timeout=60)
    if auth.returncode != 0:
        raise GhUnavailableError(
            "the GitHub CLI `gh` is not logged in: run `gh auth login` (or set GH_TOKEN); "
            f"`gh auth status` said: {first_lines(auth.stderr or auth.stdout)}"
        )


def _run_info(exe: str, rid: int, repo: str, attempt: int | None) -> dict[str, Any]:
    """Check ``gh`` is logged in, then read the run's metadata with ``gh run view``."""
    check_logged_in(exe)
    view_args = ["run", "view", str(rid), "--repo", repo, "--json", "databaseId,attempt,createdAt,headSha,url"]
    if attempt is not None:
        view_args += ["--attempt", str(int(attempt))]
    view = run_gh(exe, view_args, timeout=120)
    if view.returncode != 0:
        raise FetchError(f"`gh run view {rid} --repo {repo}` failed: {first_lines(view.stderr or view.stdout)}")
    return _parse_run_view(view.stdout, rid, repo)


def _download_artifacts(exe: str, rid: int, repo: str, patterns: Sequence[str], dl_dir: Path, timeout: float) -> None:
    args = ["run", "download", str(rid), "--repo", repo, "--dir", str(dl_dir)]
    for p in patterns:
        args += ["--pattern", p]
    dl = run_gh(exe, args, timeout=timeout)
    if dl.returncode != 0:
        raise FetchError(
            f"`gh run download {rid} --repo {repo}` failed (artifacts named {', '.join(patterns)}): "
            f"{first_lines(dl.stderr or dl.stdout)}"
        )


def _check_artifacts(dl_dir: Path, rid: int, patterns: Sequence[str]) -> None:
    """Refuse the whole run (FetchError, nothing imported) if any entry is unsafe or a zip exceeds the limits."""
    try:
        rels = check_tree(dl_dir)
        for rel in rels:
            if rel.suffix.lower() == ".zip":
                _check_run_zip(dl_dir.joinpath(*rel.parts), rel.as_posix())
    except UnsafePathError as e:
        raise FetchError(f"refused run {rid}: an artifact holds an unsafe entry ({e}); nothing imported") from None
    except (OSError, EOFError, RuntimeError, ValueError, NotImplementedError, zipfile.BadZipFile, zlib.error) as e:
        raise FetchError(
            f"refused run {rid}: cannot check an artifact ({type(e).__name__}: {e}); nothing imported"
        ) from None
    if not rels:
        raise FetchError(f"run {rid} has no files in artifacts named {', '.join(patterns)}")


def _check_run_zip(path: Path, shown: str) -> None:
    """Raise UnsafePathError unless the zip is within :data:`RUN_ZIP_LIMITS`, as declared and as inflated.

    Names, links and member count by :func:`frontier.data.safety.check_zip`; each member's header (encryption,
    compression method, size, ratio) by :func:`frontier.data.safety.zip_member_problem`; then every member is inflated
    and counted by :func:`frontier.data.safety.read_zip_member` (nothing written), so a header that lies cannot pass.
    """
    lim = RUN_ZIP_LIMITS
    infos = check_zip(path, max_total_bytes=lim["total_bytes"], max_members=lim["members"])
    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in infos:
            problem = zip_member_problem(info, max_bytes=lim["member_bytes"], max_ratio=lim["ratio"])
            if problem is not None:
                raise UnsafePathError(f"{shown}: member {info.filename!r}: {problem[1]}")
            if info.is_dir():
                continue
            total += len(read_zip_member(zf, info, lim["member_bytes"]))
            if total > lim["total_bytes"]:
                raise UnsafePathError(f"{shown}: inflates beyond {lim['total_bytes']:,} bytes (limit per zip)")


def _install_run(dl_dir: Path, root: Path, target: Path, rid: int, info: Mapping[str, Any]) -> None:
    """Copy the checked download into ``target`` with its ``run.json``, replacing any previous copy atomically."""
    staging: Path | None = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{rid}.partial-", dir=root))
        try:
            safe_copy_tree(dl_dir, staging)
        except UnsafePathError as e:
            raise FetchError(f"refused run {rid}: {e}; nothing imported") from None
        write_atomic(staging / "run.json", json.dumps(info, indent=2) + "\n")
        old: Path | None = None
        if target.exists() or target.is_symlink():
            if target.is_symlink() or not target.is_dir():
                raise FetchError(f"{target} exists and is not a folder; remove it first")
            old = Path(tempfile.mkdtemp(prefix=f".{rid}.old-", dir=root))
            os.replace(target, old / "prev")
        os.replace(staging, target)
        staging = None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
