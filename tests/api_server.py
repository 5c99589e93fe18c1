"""A real HTTP server on 127.0.0.1 serving recorded API responses, with scripted misbehaviour.

``routes`` maps a path below the API prefix (``"benchmarks"``, ``"benchmarks/history"``) to the response body
(bytes) or a file to read it from. ``script(path, *actions)`` queues actions consumed one per request to that path,
in order; when the queue is empty the route answers normally. Actions:

- ``"ok"``: normal answer;
- ``("slow", seconds)``: sleep, then answer normally;
- ``500`` / ``503`` / ``429`` / ``404`` (an int): that HTTP status with a small JSON error body;
- ``"truncate"``: announce a Content-Length larger than the body, send half of it and close;
- ``"badgzip"``: claim gzip but send bytes that are not gzip;
- ``"badjson"``: a complete response whose body is not JSON;
- ``("drip", seconds)``: headers at once, then the body one byte every ``seconds``;
- ``("drip_headers", seconds)``: the status line and headers one byte every ``seconds``;
- ``("redirect", url)``: HTTP 302 to ``url`` (absolute, or relative to this server);
- ``("raw", body, encoding)``: exactly these bytes with this ``Content-Encoding`` (None for none).

Bodies are gzip-encoded when the request accepts gzip. Every request is recorded in ``requests``.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
import urllib.parse
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

API_PREFIX = "/api/v1/"


class _Handler(BaseHTTPRequestHandler):
    server_version = "FixtureAPI/1"
    protocol_version = "HTTP/1.0"  # one request per connection; the server closes after each response

    def log_message(self, fmt: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        api: FixtureAPIServer = self.server.api  # type: ignore[attr-defined]
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path
        rel = path[len(API_PREFIX) :].strip("/") if path.startswith(API_PREFIX) else None
        api.record(rel, parsed.query, dict(self.headers))
        action = api.next_action(rel) if rel is not None else 404
        try:
            self._answer(api, rel, action)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def _send(self, status: int, body: bytes, *, encoding: str | None = None, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        if status == 429:
            self.send_header("Retry-After", "0")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _answer(self, api: FixtureAPIServer, rel: str | None, action: Any) -> None:
        if rel is None or rel not in api.routes:
            action = 404
        if isinstance(action, int):
            body = json.dumps({"error": f"scripted {action}"}).encode()
            self._send(action, body)
            return
        if isinstance(action, tuple) and action[0] in ("drip", "drip_headers", "redirect", "raw"):
            self._special(api, rel, action)
            return
        if isinstance(action, tuple) and action[0] == "slow":
            time.sleep(float(action[1]))
            action = "ok"
        body = api.body(rel)
        gz = "gzip" in (self.headers.get("Accept-Encoding") or "")
        if action == "badjson":
            self._send(200, body[: len(body) // 2])
            return
        if action == "badgzip":
            self._send(200, b"\x1f\x8bnot really gzip", encoding="gzip")
            return
        wire = api.gzipped(rel) if gz else body
        if action == "truncate":
            self._send(200, wire[: len(wire) // 2], encoding="gzip" if gz else None, length=len(wire))
            self.close_connection = True
            return
        self._send(200, wire, encoding="gzip" if gz else None)

    def _special(self, api: FixtureAPIServer, rel: str, action: tuple) -> None:
        kind = action[0]
        if kind == "redirect":
            self.send_response(302)
            self.send_header("Location", action[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif kind == "raw":
            self._send(200, action[1], encoding=action[2])
        elif kind == "drip":
            body = api.body(rel)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.flush()
            self._drip(body, float(action[1]))
        elif kind == "drip_headers":
            body = api.body(rel)
            head = f"HTTP/1.0 200 OK\r\nContent-Length: {len(body)}\r\nX-Padding: {'x' * 200}\r\n\r\n"
            self._drip(head.encode() + body, float(action[1]))

    def _drip(self, data: bytes, interval: float) -> None:
        for i in range(len(data)):
            self.wfile.write(data[i : i + 1])
            self.wfile.flush()
            time.sleep(interval)


class FixtureAPIServer:
    """Start with :meth:`start`, stop with :meth:`stop`; ``base_url`` ends in ``/api/v1/``."""

    def __init__(self, routes: dict[str, bytes | str | Path]):
        self.routes = {k.strip("/"): v for k, v in routes.items()}
        self._bodies: dict[str, bytes] = {}
        self._gzipped: dict[str, bytes] = {}
        self._script: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    # --- control
    def start(self) -> FixtureAPIServer:
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        httpd.daemon_threads = True
        httpd.api = self  # type: ignore[attr-defined]
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    def script(self, path: str, *actions: Any) -> None:
        with self._lock:
            self._script[path.strip("/")].extend(actions)

    # --- used by the handler
    def record(self, rel: str | None, query: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append({"path": rel, "query": urllib.parse.parse_qs(query), "headers": headers})

    def next_action(self, rel: str) -> Any:
        with self._lock:
            queue = self._script.get(rel)
            return queue.popleft() if queue else "ok"

    def body(self, rel: str) -> bytes:
        with self._lock:
            if rel not in self._bodies:
                src = self.routes[rel]
                self._bodies[rel] = src if isinstance(src, bytes) else Path(src).read_bytes()
            return self._bodies[rel]

    def gzipped(self, rel: str) -> bytes:
        body = self.body(rel)
        with self._lock:
            if rel not in self._gzipped:
                self._gzipped[rel] = gzip.compress(body, compresslevel=5)
            return self._gzipped[rel]

    def count(self, rel: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r["path"] == rel)
