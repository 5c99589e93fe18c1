"""The public InferenceX API: request URLs, the response cache under ``data/raw/api/<date>/`` and its provenance.

Endpoints (``https://inferencex.semianalysis.com/api/v1/``; override with ``base_url=`` or ``$FRONTIER_API_BASE``):
``benchmarks?model=<display name>[&date=YYYY-MM-DD]`` (the newest row per config), ``benchmarks/history?model=…&isl=…
&osl=…`` (rows over dates), ``availability`` and ``evaluations``.

Every response is cached as ``<safe name>.json`` beside ``<safe name>.meta.json`` (url asked, final_url after
redirects, retrieved_at, sha256 and size of the body in bytes, HTTP status, endpoint and params). A copy younger
than ``max_age`` seconds is reused without a request; when the server cannot be reached the newest intact copy of
the same URL is used and the result says so (``from_cache`` / ``note``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from frontier import __version__
from frontier.data.cache import bytes_sha256
from frontier.data.fetch.added import rows_added
from frontier.data.fetch.errors import FetchError
from frontier.data.fetch.transport import (
    MAX_BODY_BYTES,
    _default_min_interval,
    _http_get,
    _opener,
    _Permanent,
    _Response,
    _Transient,
)
from frontier.fsutil import write_atomic
from frontier.paths import DATA_RAW, ROOT

__all__ = [
    "DEFAULT_API_BASE",
    "DEFAULT_ISL_OSL",
    "DEFAULT_MAX_AGE_S",
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT_S",
    "ENV_API_BASE",
    "FetchResult",
    "api_base_url",
    "build_url",
    "cache_filename",
    "fetch_endpoint",
    "fetch_model",
    "find_cached",
]

DEFAULT_API_BASE = "https://inferencex.semianalysis.com/api/v1/"
ENV_API_BASE = "FRONTIER_API_BASE"
_USER_AGENT = f"frontier/{__version__} (InferenceX inference-economics analysis workspace; python-urllib)"
DEFAULT_ISL_OSL: tuple[tuple[int, int], ...] = ((1024, 1024), (1024, 8192), (8192, 1024))
DEFAULT_TIMEOUT_S = 60.0  # overall deadline of one request attempt, seconds
DEFAULT_RETRIES = 4
_DEFAULT_BACKOFF_S = 1.0
DEFAULT_MAX_AGE_S = 6 * 3600.0

_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ENDPOINT_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$")


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
    added: Mapping[str, Any] | None = None  # fresh answers: what the previous copy did not hold (fetch.added)

    @property
    def meta_path(self) -> Path:
        return _meta_path(self.path)


def api_base_url(base_url: str | None = None) -> str:
    """The API base: the argument, else ``$FRONTIER_API_BASE``, else :data:`DEFAULT_API_BASE` (ends in ``/``)."""
    base = base_url or os.environ.get(ENV_API_BASE) or DEFAULT_API_BASE
    try:
        parsed = urllib.parse.urlsplit(base)
        parsed.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as e:
        raise FetchError(f"invalid API base URL {base!r} ({e}): expected http(s)://host/path/") from None
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
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
    return dt.datetime.now(dt.UTC)


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_iso(s: str) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(str(s).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


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
    backoff: float = _DEFAULT_BACKOFF_S,
    min_interval: float | None = None,
    proxies: Mapping[str, str] | None = None,
    max_bytes: int = MAX_BODY_BYTES,
    user_agent: str = _USER_AGENT,
) -> FetchResult:
    """Fetch one API endpoint into the cache and return where it is.

    ``endpoint``, ``params``: e.g. ``"benchmarks/history", {"model": "DeepSeek-R1-0528", "isl": 1024, "osl": 1024}``.
    ``base_url``: the API base (default ``$FRONTIER_API_BASE`` or :data:`DEFAULT_API_BASE`). ``cache_dir``: the
    cache root (default ``data/raw/api``); files go to ``<cache_dir>/<YYYY-MM-DD>/``. ``refresh``: always request;
    never fall back to the cache (an error then says a cached copy exists). ``offline``: never request; use the
    newest cached copy or fail. ``max_age``: reuse a cached copy retrieved less than this many seconds ago without a
    request (None or 0: always ask). ``timeout``: overall deadline of one attempt, seconds: connecting, headers and
    the whole body (not per socket read). ``retries``, ``backoff``: extra attempts after a transient failure; waits
    ``backoff × 2^k`` seconds (capped at 60 s) between them. ``min_interval``: minimum seconds between requests in
    this process (default ``$FRONTIER_API_MIN_INTERVAL`` or 1 s). ``proxies``: ``{"http": url, "https": url}``;
    None (default) takes them from the environment, ``{}`` uses none. ``max_bytes``: limit on the body in bytes, on
    the wire and after gzip decoding (default :data:`MAX_BODY_BYTES`).
    """
    url = build_url(endpoint, params, base_url)
    ep, cparams = _clean_endpoint(endpoint), _clean_params(params)
    root = Path(cache_dir) if cache_dir is not None else DATA_RAW / "api"
    name = cache_filename(ep, cparams, url)
    cached = find_cached(root, name, url)
    reuse = _reusable_copy(
        cached, url, f"{_show(root)}/<date>/{name}", offline=offline, refresh=refresh, max_age=max_age
    )
    if reuse is not None:
        return reuse
    try:
        resp, attempts = _http_get(
            url,
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            min_interval=_default_min_interval() if min_interval is None else max(0.0, float(min_interval)),
            opener=_opener(proxies),
            user_agent=user_agent,
            max_bytes=max_bytes,
        )
    except (_Permanent, _Transient) as e:
        return _fallback_or_raise(e, url, cached, root / "<date>" / name, refresh=refresh)
    added = rows_added(cached.path if cached is not None else None, resp.data)  # before the copy is replaced
    return replace(_store_response(resp, attempts, root, name, url, ep, cparams, user_agent), added=added)


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
            f"could not fetch {url}: {error}; a cached copy exists ({_show(cached.path)}, retrieved "
            f"{cached.retrieved_at}): run without --refresh to use it"
        ) from None
    raise FetchError(f"could not fetch {url}: {error}; no cached copy under {_show(where)}") from None


def _store_response(
    resp: _Response,
    attempts: int,
    root: Path,
    name: str,
    url: str,
    ep: str,
    cparams: dict[str, str],
    user_agent: str,
) -> FetchResult:
    """Write the body and its ``.meta.json`` (provenance: URL asked, final URL after redirects, sha256 …)."""
    now = _utcnow()
    path = root / now.strftime("%Y-%m-%d") / name
    sha = bytes_sha256(resp.body)
    meta: dict[str, Any] = {
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
        path=path,
        url=url,
        sha256=sha,
        retrieved_at=meta["retrieved_at"],
        from_cache=False,
        n_rows=meta["n_rows"],
        endpoint=ep,
        params=cparams,
        http_status=resp.status,
        n_bytes=len(resp.body),
        final_url=resp.final_url,
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
