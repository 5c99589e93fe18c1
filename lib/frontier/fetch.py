"""Get InferenceX data in one command: public API responses (cached) and GitHub Actions run artifacts.

Public API (``https://inferencex.semianalysis.com/api/v1/``; override with ``base_url=`` or the
``FRONTIER_API_BASE`` environment variable):

- ``benchmarks?model=<display name>[&date=YYYY-MM-DD]``: the newest row per config (spec §2 item 4);
- ``benchmarks/history?model=<display name>&isl=<tokens>&osl=<tokens>``: rows over dates;
- ``availability``: which (model, isl, osl, precision, hardware, framework, spec, disagg) exist on which date;
- ``evaluations``: accuracy evaluations (see :mod:`frontier.evals`).

Every response is cached under ``data/raw/api/<retrieval date, UTC>/<safe name>.json`` with a sidecar
``<safe name>.meta.json`` (url, retrieved_at, sha256 and size of the body in bytes, HTTP status, endpoint and
params). A copy retrieved less than ``max_age`` seconds ago is reused without a request; otherwise the client asks
the server and, if the server cannot be reached, falls back to the newest cached copy of the same URL and says so
(``FetchResult.from_cache`` / ``note``). ``refresh=True`` always asks the server.

Requests are polite: a minimum interval between requests (default 1 s), ``Accept-Encoding: gzip``, a
User-Agent naming the project, a timeout per request (seconds), bounded retries with exponential backoff on
connection errors, timeouts, HTTP 429 and 5xx, and on truncated or undecodable bodies. Other HTTP errors (404 …)
are not retried and leave no cache entry.

GitHub Actions runs (``frontier fetch --run <id>``) are downloaded with the GitHub CLI ``gh``; artifacts named
``results_bmk`` or ``bmk_*`` are copied into ``data/raw/runs/<id>/`` after checking that no entry is a link or
escapes that folder (:mod:`frontier.safety`), beside a ``run.json`` describing the run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from frontier import __version__
from frontier.cache import bytes_sha256
from frontier.fsutil import safe_for_terminal, write_atomic
from frontier.paths import DATA_RAW, ROOT
from frontier.safety import UnsafePathError, check_tree, check_zip, safe_copy_tree

__all__ = [
    "DEFAULT_API_BASE",
    "DEFAULT_ISL_OSL",
    "DEFAULT_REPO",
    "FetchError",
    "GhUnavailableError",
    "FetchResult",
    "RunFetchResult",
    "api_base_url",
    "build_url",
    "cache_filename",
    "fetch_endpoint",
    "fetch_model",
    "fetch_run",
    "find_cached",
    "main_fetch",
]

DEFAULT_API_BASE = "https://inferencex.semianalysis.com/api/v1/"
ENV_API_BASE = "FRONTIER_API_BASE"
ENV_MIN_INTERVAL = "FRONTIER_API_MIN_INTERVAL"
ENV_GH = "FRONTIER_GH"
USER_AGENT = f"frontier/{__version__} (InferenceX inference-economics analysis workspace; python-urllib)"
DEFAULT_ISL_OSL: tuple[tuple[int, int], ...] = ((1024, 1024), (1024, 8192), (8192, 1024))
DEFAULT_REPO = "SemiAnalysisAI/InferenceX"
DEFAULT_TIMEOUT_S = 60.0  # overall deadline of one request attempt, seconds
MAX_BODY_BYTES = 256 * 1024**2  # one response body, on the wire and after gzip decoding, bytes
MAX_REDIRECTS = 5  # redirects followed per request (same host and port only)
DEFAULT_RETRIES = 4
DEFAULT_BACKOFF_S = 1.0
MAX_BACKOFF_S = 60.0
DEFAULT_MIN_INTERVAL_S = 1.0
DEFAULT_MAX_AGE_S = 6 * 3600.0
RUN_ARTIFACT_PATTERNS = ("results_bmk", "bmk_*")
#: zips in a downloaded run are refused beyond these (inflated bytes as declared and as actually inflated)
RUN_ZIP_LIMITS = {"total_bytes": 2 * 1024**3, "member_bytes": 1024**3, "members": 20_000}

_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ENDPOINT_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$")
_REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_SHA_RE = re.compile(r"^[0-9a-fA-F]{7,64}$")


class FetchError(RuntimeError):
    """A fetch failed; the message says what, where, and whether a cached copy exists.

    ``results`` holds whatever succeeded before the failure (for :func:`fetch_model`).
    """

    exit_code = 1

    def __init__(self, message: str, *, results: Sequence[Any] = ()):
        super().__init__(message)
        self.results = list(results)


class GhUnavailableError(FetchError):
    """The GitHub CLI is missing or not logged in (exit code 2)."""

    exit_code = 2


@dataclass(frozen=True)
class FetchResult:
    """One API response on disk.

    ``path``: the cached JSON body; ``sha256``: of those bytes; ``retrieved_at``: UTC ISO time the body was
    downloaded; ``from_cache``: no request succeeded in this call (``note`` says why the cache was used);
    ``n_rows``: length of the JSON array (None when the body is not an array).
    """

    path: Path
    url: str
    sha256: str
    retrieved_at: str
    from_cache: bool
    n_rows: int | None
    endpoint: str = ""
    params: Mapping[str, str] = field(default_factory=dict)
    http_status: int | None = None
    n_bytes: int = 0
    note: str = ""
    final_url: str = ""  # after redirects (same host only); "" in caches written before it was recorded

    @property
    def meta_path(self) -> Path:
        return _meta_path(self.path)


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


# --------------------------------------------------------------------------------------------------------------
# URLs and cache names


def api_base_url(base_url: str | None = None) -> str:
    """The API base: the argument, else ``$FRONTIER_API_BASE``, else :data:`DEFAULT_API_BASE` (ends in ``/``)."""
    base = base_url or os.environ.get(ENV_API_BASE) or DEFAULT_API_BASE
    parsed = urllib.parse.urlsplit(base)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise FetchError(f"invalid API base URL {base!r}: expected http(s)://host/path/")
    return base if base.endswith("/") else base + "/"


def _clean_endpoint(endpoint: str) -> str:
    ep = str(endpoint).strip().strip("/")
    if not _ENDPOINT_RE.match(ep):
        raise FetchError(f"invalid endpoint {endpoint!r}: expected e.g. 'benchmarks' or 'benchmarks/history'")
    return ep


def _clean_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in (params or {}).items():
        if v is None:
            continue
        out[str(k)] = str(v)
    return out


def build_url(endpoint: str, params: Mapping[str, Any] | None = None, base_url: str | None = None) -> str:
    """Full request URL; parameters are percent-encoded (spaces as ``%20``) in the order given; None dropped."""
    base = api_base_url(base_url)
    ep = _clean_endpoint(endpoint)
    query = urllib.parse.urlencode(_clean_params(params), quote_via=urllib.parse.quote)
    return base + ep + (f"?{query}" if query else "")


def _slug(text: str, limit: int = 48) -> str:
    s = re.sub(r"[^a-z0-9.]+", "-", text.lower())
    s = re.sub(r"\.{2,}", ".", s).strip("-.")
    return s[:limit].strip("-.")


def cache_filename(endpoint: str, params: Mapping[str, Any] | None, url: str) -> str:
    """Safe cache file name: slugs of the endpoint and params plus 12 hex digits of sha256(url).

    Only ``[a-z0-9.-_]`` appear, never ``/`` or a leading dot, so a model name cannot steer the path.
    """
    ep = _slug(_clean_endpoint(endpoint).replace("/", "-")) or "endpoint"
    parts = [f"{_slug(k, 16)}-{_slug(v)}" for k, v in _clean_params(params).items()]
    ps = "_".join(p.strip("-") for p in parts if p.strip("-"))[:120].strip("-._")
    digest = bytes_sha256(url.encode("utf-8"))[:12]
    return "__".join(x for x in (ep, ps, digest) if x) + ".json"


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name[: -len(".json")] + ".meta.json")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_iso(s: str) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(str(s).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def _n_rows(data: Any) -> int | None:
    return len(data) if isinstance(data, list) else None


def _show(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def find_cached(cache_dir: str | os.PathLike, name: str, url: str) -> FetchResult | None:
    """Newest intact cached copy of ``url`` named ``name`` under ``cache_dir/<YYYY-MM-DD>/``, else None.

    A copy counts only when its meta file names the same URL and the body's sha256 matches the meta.
    """
    root = Path(cache_dir)
    if not root.is_dir():
        return None
    best: tuple[str, FetchResult] | None = None
    for day in sorted((d for d in root.iterdir() if d.is_dir() and _DATE_DIR.match(d.name)), reverse=True):
        body_path = day / name
        meta_path = _meta_path(body_path)
        if not (body_path.is_file() and meta_path.is_file()):
            continue
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            continue
        if not isinstance(meta, dict) or meta.get("url") != url or meta.get("sha256") != bytes_sha256(body):
            continue
        res = FetchResult(
            path=body_path,
            url=url,
            sha256=meta["sha256"],
            retrieved_at=str(meta.get("retrieved_at", "")),
            from_cache=True,
            n_rows=meta.get("n_rows"),
            endpoint=str(meta.get("endpoint", "")),
            params=dict(meta.get("params") or {}),
            http_status=meta.get("http_status"),
            n_bytes=len(body),
            final_url=str(meta.get("final_url") or ""),
        )
        key = res.retrieved_at
        if best is None or key > best[0]:
            best = (key, res)
    return best[1] if best else None


# --------------------------------------------------------------------------------------------------------------
# HTTP


class _Transient(Exception):
    """A failure worth retrying (network, deadline, 429/5xx, truncated or undecodable body)."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


class _Permanent(Exception):
    """A failure not worth retrying (HTTP 4xx other than 429, a limit exceeded, a refused redirect)."""

    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.status = status


class _RateLimiter:
    """Process-wide minimum interval between requests (seconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = float("-inf")

    def wait(self, min_interval: float) -> None:
        with self._lock:
            now = time.monotonic()
            delay = self._last + min_interval - now
            if delay > 0:
                time.sleep(delay)
            self._last = time.monotonic()


_LIMITER = _RateLimiter()


def _retry_after(headers: Any) -> float | None:
    try:
        value = headers.get("Retry-After") if headers is not None else None
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


class _Deadline:
    """One overall time limit for a request (seconds), whatever the server does.

    Every socket opened for the request is registered with :meth:`watch`; when the deadline passes, a timer shuts
    those sockets down, so a server that sends one byte a second (headers or body) cannot keep the request alive.
    """

    def __init__(self, seconds: float):
        self.seconds = float(seconds)
        self.end = time.monotonic() + self.seconds
        self.expired = False
        self._timers: list[threading.Timer] = []

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def watch(self, sock: socket.socket) -> socket.socket:
        timer = threading.Timer(max(0.0, self.remaining()), self._expire, (sock,))
        timer.daemon = True
        timer.start()
        self._timers.append(timer)
        return sock

    def _expire(self, sock: socket.socket) -> None:
        self.expired = True
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        for timer in self._timers:
            timer.cancel()

    def passed(self) -> bool:
        return self.expired or self.remaining() <= 0

    def error(self) -> "_Transient":
        return _Transient(f"no complete response within {self.seconds:g} s (overall deadline per request)")


def _watched(connection_class: Any, deadline: _Deadline) -> Any:
    """A factory for ``connection_class`` whose sockets are registered with ``deadline``."""

    def make(*args: Any, **kwargs: Any) -> http.client.HTTPConnection:
        conn = connection_class(*args, **kwargs)
        create = conn._create_connection  # the hook http.client opens every socket through (TLS wraps it after)
        conn._create_connection = lambda *a, **k: deadline.watch(create(*a, **k))
        return conn

    return make


class _DeadlineHandlerMixin:
    def do_open(self, http_class: Any, req: urllib.request.Request, **kwargs: Any) -> Any:
        deadline = getattr(req, "deadline", None)
        if deadline is not None:
            http_class = _watched(http_class, deadline)
        return super().do_open(http_class, req, **kwargs)  # type: ignore[misc]


class _DeadlineHTTPHandler(_DeadlineHandlerMixin, urllib.request.HTTPHandler):
    pass


class _DeadlineHTTPSHandler(_DeadlineHandlerMixin, urllib.request.HTTPSHandler):
    pass


def _origin(url: str) -> tuple[str, int | None]:
    parts = urllib.parse.urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "").lower(), port


class _SameHostRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows at most :data:`MAX_REDIRECTS` redirects, and only to the host (and port) first asked."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        target = urllib.parse.urljoin(req.full_url, newurl)
        scheme = urllib.parse.urlsplit(target).scheme
        allowed = getattr(req, "allowed_origin", _origin(req.full_url))
        if scheme not in ("http", "https") or _origin(target) != allowed:
            fp.close()
            host = f"{allowed[0]}:{allowed[1]}"
            raise _Permanent(f"redirect (HTTP {code}) to {target} refused: only {host} is allowed")
        new = super().redirect_request(req, fp, code, msg, headers, target)
        if new is not None:
            new.deadline = getattr(req, "deadline", None)
            new.allowed_origin = allowed
        return new


def _opener(proxies: Mapping[str, str] | None) -> urllib.request.OpenerDirector:
    """An opener with the deadline and redirect rules; ``proxies`` None = from the environment, {} = none."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler(None if proxies is None else dict(proxies)),
        _DeadlineHTTPHandler, _DeadlineHTTPSHandler, _SameHostRedirectHandler,
    )


@dataclass
class _Response:
    status: int
    body: bytes  # decoded (gzip removed)
    data: Any  # parsed JSON
    wire_bytes: int
    content_encoding: str
    final_url: str


class _Inflater:
    """Streaming gzip decoder that stops as soon as the output would pass ``limit`` bytes (bomb-proof)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self._d = zlib.decompressobj(wbits=31)
        self._between_members = False

    def feed(self, data: bytes) -> bytes:
        out: list[bytes] = []
        while data:
            self._between_members = False
            piece = self._d.decompress(data, self.limit - self.size + 1)
            self.size += len(piece)
            if self.size > self.limit:
                raise _Permanent(f"body inflates to more than {self.limit:,} bytes (limit); refused")
            out.append(piece)
            data = self._d.unconsumed_tail
            if self._d.eof:  # a gzip stream may hold several members, one after another
                data, self._d = self._d.unused_data, zlib.decompressobj(wbits=31)
                self._between_members = True
        return b"".join(out)

    def finish(self) -> None:
        """Raise ``zlib.error`` unless the stream ended at the end of a gzip member."""
        if not self._between_members:
            raise zlib.error("incomplete gzip stream")


def _open(url: str, opener: urllib.request.OpenerDirector, deadline: _Deadline, user_agent: str) -> Any:
    req = urllib.request.Request(
        url, headers={"Accept-Encoding": "gzip", "Accept": "application/json", "User-Agent": user_agent}
    )
    req.deadline = deadline  # type: ignore[attr-defined]
    req.allowed_origin = _origin(url)  # type: ignore[attr-defined]
    try:
        return opener.open(req, timeout=max(0.001, deadline.remaining()))
    except urllib.error.HTTPError as e:
        e.close()
        if e.code == 429 or 500 <= e.code < 600:
            raise _Transient(f"HTTP {e.code} {e.reason}", _retry_after(e.headers)) from None
        raise _Permanent(f"HTTP {e.code} {e.reason}", e.code) from None
    except urllib.error.URLError as e:
        raise deadline.error() if deadline.passed() else _Transient(str(e.reason)) from None
    except (http.client.HTTPException, OSError) as e:
        raise deadline.error() if deadline.passed() else _Transient(f"{type(e).__name__}: {e}") from None


def _read_body(resp: Any, deadline: _Deadline, max_bytes: int) -> tuple[bytes, int, str]:
    """Read and decode the body within the deadline and ``max_bytes`` (wire and decoded); (body, wire, encoding)."""
    encoding = (resp.headers.get("Content-Encoding") or "").strip().lower() or "identity"
    if encoding not in ("gzip", "identity"):
        raise _Permanent(f"unsupported Content-Encoding {encoding!r}")
    declared = _content_length(resp.headers)
    if declared is not None and declared > max_bytes:
        raise _Permanent(f"body of {declared:,} bytes announced, more than the {max_bytes:,}-byte limit; refused")
    inflater = _Inflater(max_bytes) if encoding == "gzip" else None
    parts: list[bytes] = []
    wire = 0
    try:
        while chunk := resp.read(1 << 16):
            wire += len(chunk)
            if wire > max_bytes:
                raise _Permanent(f"body larger than the {max_bytes:,}-byte limit; refused")
            parts.append(inflater.feed(chunk) if inflater else chunk)
            if deadline.passed():
                raise deadline.error()
    except http.client.IncompleteRead as e:
        raise _Transient(f"truncated body: received {wire + len(e.partial)} bytes, more announced") from None
    except (http.client.HTTPException, OSError) as e:
        raise deadline.error() if deadline.passed() else _Transient(f"body read failed: {e}") from None
    except zlib.error as e:
        raise _Transient(f"corrupt gzip body ({e})") from None
    if deadline.passed():
        raise deadline.error()
    if declared is not None and declared != wire:
        raise _Transient(f"truncated body: received {wire} of {declared} bytes")
    if inflater is not None:
        try:
            inflater.finish()
        except zlib.error as e:
            raise _Transient(f"corrupt gzip body ({e})") from None
    return b"".join(parts), wire, encoding


def _content_length(headers: Any) -> int | None:
    try:
        return int(headers.get("Content-Length"))
    except (TypeError, ValueError):
        return None


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except RecursionError:
        raise _Permanent(
            f"body is JSON nested more deeply than the parser allows (about {sys.getrecursionlimit()} levels); "
            "refused"
        ) from None
    except (UnicodeDecodeError, ValueError) as e:
        raise _Transient(f"body is not valid JSON, possibly truncated ({e})") from None


def _http_get_once(
    url: str, *, deadline_s: float, opener: urllib.request.OpenerDirector, user_agent: str, max_bytes: int
) -> _Response:
    deadline = _Deadline(deadline_s)
    try:
        resp = _open(url, opener, deadline, user_agent)
        with resp:
            status, final_url = getattr(resp, "status", 200), resp.geturl()
            body, wire, encoding = _read_body(resp, deadline, max_bytes)
    finally:
        deadline.cancel()
    return _Response(status, body, _parse_json(body), wire, encoding, final_url)


def _http_get(
    url: str,
    *,
    timeout: float,
    retries: int,
    backoff: float,
    min_interval: float,
    opener: urllib.request.OpenerDirector,
    user_agent: str,
    max_bytes: int = MAX_BODY_BYTES,
) -> tuple[_Response, int]:
    """GET with bounded retries; returns (response, attempts used). Raises the last _Transient or a _Permanent.

    ``timeout``: overall deadline of each attempt, seconds; ``max_bytes``: limit on the body, on the wire and
    decoded.
    """
    attempts = max(0, int(retries)) + 1
    last: _Transient | None = None
    for i in range(attempts):
        _LIMITER.wait(min_interval)
        try:
            resp = _http_get_once(url, deadline_s=timeout, opener=opener, user_agent=user_agent, max_bytes=max_bytes)
            return resp, i + 1
        except _Transient as e:
            last = e
            if i == attempts - 1:
                break
            delay = min(MAX_BACKOFF_S, backoff * (2**i))
            if e.retry_after is not None:
                delay = max(delay, min(e.retry_after, MAX_BACKOFF_S))
            time.sleep(delay)
    assert last is not None
    raise _Transient(f"{last} (after {attempts} attempt{'s' if attempts > 1 else ''})", last.retry_after)


def _default_min_interval() -> float:
    value = os.environ.get(ENV_MIN_INTERVAL)
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
    return DEFAULT_MIN_INTERVAL_S


# --------------------------------------------------------------------------------------------------------------
# API fetch


def fetch_endpoint(
    endpoint: str,
    params: Mapping[str, Any] | None = None,
    *,
    base_url: str | None = None,
    cache_dir: str | os.PathLike | None = None,
    refresh: bool = False,
    offline: bool = False,
    max_age: float | None = DEFAULT_MAX_AGE_S,
    timeout: float = DEFAULT_TIMEOUT_S,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF_S,
    min_interval: float | None = None,
    proxies: Mapping[str, str] | None = None,
    max_bytes: int = MAX_BODY_BYTES,
    user_agent: str = USER_AGENT,
) -> FetchResult:
    """Fetch one API endpoint into the cache and return where it is.

    Parameters
    ----------
    endpoint, params:
        e.g. ``"benchmarks/history", {"model": "DeepSeek-R1-0528", "isl": 1024, "osl": 1024}``.
    base_url:
        API base (default ``$FRONTIER_API_BASE`` or :data:`DEFAULT_API_BASE`).
    cache_dir:
        cache root (default ``data/raw/api``); files go to ``<cache_dir>/<YYYY-MM-DD>/``.
    refresh:
        always request; never fall back to the cache (an error then says a cached copy exists).
    offline:
        never request; use the newest cached copy or fail.
    max_age:
        reuse a cached copy retrieved less than this many seconds ago without a request (None or 0: always ask).
    timeout:
        overall deadline of one attempt, seconds: connecting, headers and the whole body (not per socket read).
    retries, backoff:
        extra attempts after a transient failure; waits ``backoff × 2^k`` seconds (capped at 60 s) between them.
    min_interval:
        minimum seconds between requests in this process (default ``$FRONTIER_API_MIN_INTERVAL`` or 1 s).
    proxies:
        ``{"http": url, "https": url}``; None (default) takes them from the environment, ``{}`` uses none.
    max_bytes:
        limit on the body in bytes, on the wire and after gzip decoding (default :data:`MAX_BODY_BYTES`).
    """
    url = build_url(endpoint, params, base_url)
    ep, cparams = _clean_endpoint(endpoint), _clean_params(params)
    root = Path(cache_dir) if cache_dir is not None else DATA_RAW / "api"
    name = cache_filename(ep, cparams, url)
    cached = find_cached(root, name, url)
    reuse = _reusable_copy(cached, url, f"{_show(root)}/<date>/{name}", offline=offline, refresh=refresh,
                           max_age=max_age)
    if reuse is not None:
        return reuse
    try:
        resp, attempts = _http_get(
            url, timeout=timeout, retries=retries, backoff=backoff,
            min_interval=_default_min_interval() if min_interval is None else max(0.0, float(min_interval)),
            opener=_opener(proxies), user_agent=user_agent, max_bytes=max_bytes,
        )
    except (_Permanent, _Transient) as e:
        return _fallback_or_raise(e, url, cached, root / "<date>" / name, refresh=refresh)
    return _store_response(resp, attempts, root, name, url, ep, cparams, user_agent)


def _reusable_copy(
    cached: FetchResult | None, url: str, where: str, *, offline: bool, refresh: bool, max_age: float | None
) -> FetchResult | None:
    """The cached copy to return without a request (offline, or younger than ``max_age`` seconds), else None."""
    if offline:
        if cached is None:
            raise FetchError(f"offline and no cached copy of {url} under {where}")
        return replace(cached, note=f"offline: cached copy retrieved {cached.retrieved_at}")
    if cached is not None and not refresh and max_age:
        t = _parse_iso(cached.retrieved_at)
        if t is not None and (_utcnow() - t).total_seconds() < max_age:
            return replace(cached, note=f"cached copy retrieved {cached.retrieved_at} (younger than {max_age:g} s)")
    return None


def _fallback_or_raise(
    error: Exception, url: str, cached: FetchResult | None, where: Path, *, refresh: bool
) -> FetchResult:
    """After a failed request: the cached copy with a note saying why (transient failures only), or FetchError."""
    if isinstance(error, _Permanent):
        raise FetchError(f"{url}: {error} (not retried; nothing cached)") from None
    if cached is not None and not refresh:
        return replace(cached, note=f"could not fetch ({error}); using the cached copy retrieved {cached.retrieved_at}")
    if cached is not None:
        raise FetchError(
            f"cannot reach {url}: {error}; a cached copy exists ({_show(cached.path)}, retrieved "
            f"{cached.retrieved_at}): run without --refresh to use it"
        ) from None
    raise FetchError(f"cannot reach {url}: {error}; no cached copy under {_show(where)}") from None


def _store_response(
    resp: _Response, attempts: int, root: Path, name: str, url: str, ep: str, cparams: dict[str, str],
    user_agent: str,
) -> FetchResult:
    """Write the body and its ``.meta.json`` (provenance: URL asked, final URL after redirects, sha256 …)."""
    now = _utcnow()
    path = root / now.strftime("%Y-%m-%d") / name
    sha = bytes_sha256(resp.body)
    meta = {
        "url": url,
        "final_url": resp.final_url,
        "endpoint": ep,
        "params": cparams,
        "retrieved_at": _iso(now),
        "sha256": sha,
        "bytes": len(resp.body),
        "http_status": resp.status,
        "content_encoding": resp.content_encoding,
        "bytes_on_wire": resp.wire_bytes,
        "attempts": attempts,
        "n_rows": _n_rows(resp.data),
        "user_agent": user_agent,
    }
    try:
        write_atomic(path, resp.body)
        write_atomic(_meta_path(path), json.dumps(meta, indent=2, sort_keys=True) + "\n")
    except OSError as e:
        raise FetchError(f"{url}: fetched but cannot write the cache under {_show(root)}: {e}") from None
    return FetchResult(
        path=path, url=url, sha256=sha, retrieved_at=meta["retrieved_at"], from_cache=False, n_rows=meta["n_rows"],
        endpoint=ep, params=cparams, http_status=resp.status, n_bytes=len(resp.body), final_url=resp.final_url,
        note=f"fetched in {attempts} attempt{'s' if attempts > 1 else ''}",
    )


def fetch_model(
    model_display_name: str,
    *,
    date: str | None = None,
    isl_osl: Iterable[tuple[int, int]] = DEFAULT_ISL_OSL,
    history: bool = True,
    evaluations: bool = True,
    availability: bool = False,
    **options: Any,
) -> list[FetchResult]:
    """Fetch everything about one model: ``benchmarks`` (optionally as of ``date``), ``benchmarks/history`` for
    each (isl, osl) in tokens, ``evaluations`` and ``availability``. ``options`` go to :func:`fetch_endpoint`.

    Every request is attempted; if any fails, :class:`FetchError` lists the failures and carries the successful
    results in ``.results``.
    """
    if not model_display_name or not str(model_display_name).strip():
        raise FetchError("a model display name is required, e.g. 'DeepSeek-R1-0528'")
    if date is not None and not re.match(r"^\d{4}-\d{2}-\d{2}$", str(date)):
        raise FetchError(f"invalid date {date!r}: expected YYYY-MM-DD")
    model = str(model_display_name).strip()
    requests: list[tuple[str, dict[str, Any]]] = [("benchmarks", {"model": model, "date": date})]
    if history:
        for isl, osl in isl_osl:
            requests.append(("benchmarks/history", {"model": model, "isl": int(isl), "osl": int(osl)}))
    if evaluations:
        requests.append(("evaluations", {}))
    if availability:
        requests.append(("availability", {}))
    results: list[FetchResult] = []
    errors: list[str] = []
    for endpoint, params in requests:
        try:
            results.append(fetch_endpoint(endpoint, params, **options))
        except FetchError as e:
            errors.append(str(e))
    if errors:
        raise FetchError(
            f"{len(errors)} of {len(requests)} requests failed:\n  " + "\n  ".join(errors), results=results
        )
    return results


# --------------------------------------------------------------------------------------------------------------
# GitHub Actions runs

_GH_INSTALL_HELP = (
    "install the GitHub CLI from https://cli.github.com/ (e.g. `sudo apt install gh`, `brew install gh` or "
    "`conda install -c conda-forge gh`), then log in with `gh auth login` (or set GH_TOKEN)"
)


def _gh_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GH_PROMPT_DISABLED": "1", "NO_COLOR": "1", "GH_NO_UPDATE_NOTIFIER": "1", "GH_PAGER": "cat"})
    return env


def _resolve_gh(gh: str | os.PathLike | None) -> str:
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


def _run_gh(gh: str, args: Sequence[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
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


def _first_lines(text: str, n: int = 3) -> str:
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    return " / ".join(lines[:n]) or "no message"


def _parse_run_view(out: str, run_id: int, repo: str) -> dict[str, Any]:
    try:
        info = json.loads(out)
    except ValueError:
        raise FetchError(f"`gh run view {run_id}` printed something that is not JSON: {_first_lines(out)}") from None
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
    if not isinstance(sha, str) or not _SHA_RE.match(sha):
        raise FetchError(f"`gh run view {run_id}` returned an invalid headSha {sha!r}")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise FetchError(f"`gh run view {run_id}` returned an invalid url {url!r}")
    return {
        "run_id": run_id,
        "run_attempt": attempt,
        "date": t.astimezone(dt.timezone.utc).strftime("%Y-%m-%d"),
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
    patterns: Sequence[str] = RUN_ARTIFACT_PATTERNS,
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
    exe = _resolve_gh(gh)
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
    if not _REPO_RE.match(repo or "") or ".." in repo:
        raise FetchError(f"invalid repository {repo!r}: expected OWNER/NAME")
    if attempt is not None and (int(attempt) < 1):
        raise FetchError(f"invalid attempt {attempt!r}: expected 1 or more")
    return rid


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
    return RunFetchResult(rid, run_attempt, target, files, info, True,
                          note="already downloaded (use --refresh to download again)")


def _run_info(exe: str, rid: int, repo: str, attempt: int | None) -> dict[str, Any]:
    """Check ``gh`` is logged in, then read the run's metadata with ``gh run view``."""
    auth = _run_gh(exe, ["auth", "status"], timeout=60)
    if auth.returncode != 0:
        raise GhUnavailableError(
            "the GitHub CLI `gh` is not logged in: run `gh auth login` (or set GH_TOKEN); "
            f"`gh auth status` said: {_first_lines(auth.stderr or auth.stdout)}"
        )
    view_args = ["run", "view", str(rid), "--repo", repo, "--json", "databaseId,attempt,createdAt,headSha,url"]
    if attempt is not None:
        view_args += ["--attempt", str(int(attempt))]
    view = _run_gh(exe, view_args, timeout=120)
    if view.returncode != 0:
        raise FetchError(f"`gh run view {rid} --repo {repo}` failed: {_first_lines(view.stderr or view.stdout)}")
    return _parse_run_view(view.stdout, rid, repo)


def _download_artifacts(
    exe: str, rid: int, repo: str, patterns: Sequence[str], dl_dir: Path, timeout: float
) -> None:
    args = ["run", "download", str(rid), "--repo", repo, "--dir", str(dl_dir)]
    for p in patterns:
        args += ["--pattern", p]
    dl = _run_gh(exe, args, timeout=timeout)
    if dl.returncode != 0:
        raise FetchError(
            f"`gh run download {rid} --repo {repo}` failed (artifacts named {', '.join(patterns)}): "
            f"{_first_lines(dl.stderr or dl.stdout)}"
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
    """Raise UnsafePathError unless the zip's declared and actual inflated sizes are within :data:`RUN_ZIP_LIMITS`.

    Names, links and member count are checked by :func:`frontier.safety.check_zip`; then every member is
    inflated (nothing written) and counted, so a header that lies about sizes cannot pass.
    """
    limits = RUN_ZIP_LIMITS
    infos = check_zip(path, max_total_bytes=limits["total_bytes"], max_members=limits["members"])
    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in infos:
            if info.file_size > limits["member_bytes"]:
                raise UnsafePathError(f"{shown}: member {info.filename!r} declares {info.file_size:,} bytes "
                                      f"(limit {limits['member_bytes']:,} per member)")
            size = 0
            with zf.open(info) as member:
                while chunk := member.read(1 << 20):
                    size += len(chunk)
                    total += len(chunk)
                    if size > limits["member_bytes"] or total > limits["total_bytes"]:
                        raise UnsafePathError(
                            f"{shown}: inflates beyond its declared size, past the limit of "
                            f"{limits['member_bytes']:,} bytes per member / {limits['total_bytes']:,} per zip"
                        )


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


# --------------------------------------------------------------------------------------------------------------
# CLI


def _parse_isl_osl(text: str) -> tuple[int, int]:
    m = re.match(r"^\s*(\d+)\s*[/x:,]\s*(\d+)\s*$", text)
    if not m:
        raise argparse.ArgumentTypeError(f"expected ISL/OSL such as 1024/8192, got {text!r}")
    return int(m.group(1)), int(m.group(2))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="frontier fetch",
        description="Fetch InferenceX API responses (cached under data/raw/api/) or a GitHub Actions run's "
        "benchmark artifacts (data/raw/runs/<id>/).",
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--model", help='model display name, e.g. "DeepSeek-R1-0528"')
    what.add_argument("--run", help="GitHub Actions run id (downloads results_bmk / bmk_* artifacts with gh)")
    api = p.add_argument_group("API (--model)")
    api.add_argument("--date", help="benchmarks as of this date (YYYY-MM-DD)")
    api.add_argument("--history", action="store_true", help="also benchmarks/history for each ISL/OSL")
    api.add_argument("--isl-osl", action="append", type=_parse_isl_osl, metavar="ISL/OSL",
                     help="history sequence lengths in tokens (repeatable; default 1024/1024 1024/8192 8192/1024)")
    api.add_argument("--evals", action="store_true", help="also the evaluations endpoint")
    api.add_argument("--availability", action="store_true", help="also the availability endpoint")
    api.add_argument("--all", action="store_true", help="same as --history --evals --availability")
    api.add_argument("--base-url", help=f"API base URL (default ${ENV_API_BASE} or {DEFAULT_API_BASE})")
    api.add_argument("--offline", action="store_true", help="no requests: use cached copies only")
    api.add_argument("--max-age", type=float, default=DEFAULT_MAX_AGE_S / 3600, metavar="HOURS",
                     help="reuse a cached copy younger than this without a request (default 6; 0 = always ask)")
    api.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                     help="overall deadline of each request attempt in seconds, body included (default 60)")
    api.add_argument("--max-body-mb", type=float, default=MAX_BODY_BYTES / 1024**2, metavar="MiB",
                     help=f"largest response body accepted, on the wire and decoded (default {MAX_BODY_BYTES // 1024**2})")
    api.add_argument("--retries", type=int, default=DEFAULT_RETRIES, help="retries after a transient failure")
    api.add_argument("--min-interval", type=float, default=None,
                     help=f"seconds between requests (default ${ENV_MIN_INTERVAL} or 1)")
    run = p.add_argument_group("GitHub Actions (--run)")
    run.add_argument("--repo", default=DEFAULT_REPO, help=f"OWNER/NAME (default {DEFAULT_REPO})")
    run.add_argument("--attempt", type=int, help="run attempt to record (default: the latest)")
    run.add_argument("--gh", help=f"path of the gh executable (default ${ENV_GH} or gh on PATH)")
    p.add_argument("--refresh", action="store_true", help="download again even if a cached copy exists")
    p.add_argument("--out", help="output folder (default data/raw/api for --model, data/raw/runs for --run)")
    return p


def main_fetch(argv: Sequence[str] | None = None) -> int:
    """``frontier fetch …``: print what was fetched or reused; return 0, 1 (fetch failed) or 2 (usage / no gh)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "fetch":
        args_list = args_list[1:]
    try:
        args = _parser().parse_args(args_list)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        return _cli_run(args) if args.run is not None else _cli_model(args)
    except FetchError as e:
        _print_error(e)
        return e.exit_code
    except (OSError, ValueError) as e:  # e.g. an output folder that cannot be created
        _print_error(f"{type(e).__name__}: {e}")
        return 1


def _print_error(message: object) -> None:
    print(f"frontier fetch: error: {safe_for_terminal(message)}".replace("\\n", "\n"), file=sys.stderr)


def _cli_run(args: argparse.Namespace) -> int:
    res = fetch_run(args.run, repo=args.repo, attempt=args.attempt, out_dir=args.out, gh=args.gh,
                    refresh=args.refresh)
    state = "cached" if res.from_cache else "fresh"
    print(f"{state}  run {res.run_id} attempt {res.run_attempt}  {len(res.files)} files  "
          f"{safe_for_terminal(_show(res.path))}")
    for f in res.files:
        print(f"  {safe_for_terminal(_show(f))}")
    if res.note:
        print(f"  note: {safe_for_terminal(res.note)}")
    return 0


def _cli_model(args: argparse.Namespace) -> int:
    if args.timeout <= 0 or not math.isfinite(args.timeout):
        raise FetchError(f"--timeout must be a positive number of seconds, got {args.timeout}")
    if args.max_body_mb <= 0 or not math.isfinite(args.max_body_mb):
        raise FetchError(f"--max-body-mb must be a positive number, got {args.max_body_mb}")
    options: dict[str, Any] = dict(
        base_url=args.base_url, cache_dir=args.out, refresh=args.refresh, offline=args.offline,
        max_age=max(0.0, args.max_age) * 3600, timeout=args.timeout, retries=args.retries,
        min_interval=args.min_interval, max_bytes=int(args.max_body_mb * 1024**2),
    )
    try:
        results = fetch_model(
            args.model, date=args.date, isl_osl=tuple(args.isl_osl or DEFAULT_ISL_OSL),
            history=args.history or args.all, evaluations=args.evals or args.all,
            availability=args.availability or args.all, **options,
        )
        failed: FetchError | None = None
    except FetchError as e:
        results, failed = e.results, e
    for r in results:
        _print_result(r)
    if failed is not None:
        _print_error(failed)
        return failed.exit_code
    return 0


def _print_result(r: FetchResult) -> None:
    state = "cached" if r.from_cache else "fresh "
    query = urllib.parse.urlsplit(r.url).query
    rows = "?" if r.n_rows is None else str(r.n_rows)
    what = safe_for_terminal(f"{r.endpoint}{'?' + query if query else ''}")
    print(f"{state}  {what}  rows={rows}  sha256={r.sha256[:16]}  {safe_for_terminal(_show(r.path))}")
    if r.final_url and r.final_url != r.url:
        print(f"        redirected to {safe_for_terminal(r.final_url)}")
    if r.from_cache and r.note:
        print(f"        {safe_for_terminal(r.note)}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main_fetch())
