"""HTTP GET for the API client, on the standard library (``urllib``), with the limits a scheduled job needs.

- one overall deadline per attempt (:class:`_Deadline`): connecting, headers and the whole body; a server that
  sends a byte a second is cut off when it passes (a socket timeout alone would let it run for ever);
- the body bounded on the wire and after gzip decoding (:class:`_Inflater` stops at the limit: a 4 MB gzip that
  inflates to 4 GiB costs at most the limit);
- JSON nested deeper than the loader reads refused with a message (never a RecursionError);
- redirects followed only to the host and port first asked, at most :data:`_MAX_REDIRECTS`; the final URL kept;
- bounded retries with exponential backoff on transient failures, a process-wide minimum interval.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from frontier.data.load.limits import MAX_JSON_DEPTH, MAX_WHOLE_BYTES, json_too_deep

__all__ = ["ENV_MIN_INTERVAL", "MAX_BODY_BYTES"]

ENV_MIN_INTERVAL = "FRONTIER_API_MIN_INTERVAL"
MAX_BODY_BYTES = MAX_WHOLE_BYTES  # one response body, on the wire and after gzip decoding: what the loader reads whole
_MAX_REDIRECTS = 5  # redirects followed per request (same host and port only)
_MAX_BACKOFF_S = 60.0
_DEFAULT_MIN_INTERVAL_S = 1.0


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

    def error(self) -> _Transient:
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
    """Follows at most :data:`_MAX_REDIRECTS` redirects, and only to the host (and port) first asked."""

    max_redirections = _MAX_REDIRECTS

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        target = urllib.parse.urljoin(req.full_url, newurl)
        scheme = urllib.parse.urlsplit(target).scheme
        allowed = getattr(req, "allowed_origin", _origin(req.full_url))
        if scheme not in ("http", "https") or _origin(target) != allowed:
            fp.close()
            host = f"{allowed[0]}:{allowed[1]}"
            raise _Permanent(f"redirect (HTTP {code}) to {target} refused: only {host} is allowed")
        new = super().redirect_request(req, fp, code, msg, headers, target)
        if new is not None:  # the new request keeps the first one's deadline and allowed host
            setattr(new, "deadline", getattr(req, "deadline", None))  # noqa: B010
            setattr(new, "allowed_origin", allowed)  # noqa: B010
        return new


def _opener(proxies: Mapping[str, str] | None) -> urllib.request.OpenerDirector:
    """An opener with the deadline and redirect rules; ``proxies`` None = from the environment, {} = none."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler(None if proxies is None else dict(proxies)),
        _DeadlineHTTPHandler,
        _DeadlineHTTPSHandler,
        _SameHostRedirectHandler,
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
    """The parsed body; JSON nested deeper than the loader reads (:data:`MAX_JSON_DEPTH`) is refused first."""
    too_deep = _Permanent(f"body is JSON nested deeper than {MAX_JSON_DEPTH} levels (the loader's limit); refused")
    if json_too_deep(body, MAX_JSON_DEPTH):
        raise too_deep
    try:
        return json.loads(body.decode("utf-8"))
    except RecursionError:
        raise too_deep from None
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
            delay = min(_MAX_BACKOFF_S, backoff * (2**i))
            if e.retry_after is not None:
                delay = max(delay, min(e.retry_after, _MAX_BACKOFF_S))
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
    return _DEFAULT_MIN_INTERVAL_S
