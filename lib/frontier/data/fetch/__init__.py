"""Get InferenceX data in one command: public API responses (cached) and GitHub Actions run artifacts.

Public API (``https://inferencex.semianalysis.com/api/v1/``; override with ``base_url=`` or the
``FRONTIER_API_BASE`` environment variable):

- ``benchmarks?model=<display name>[&date=YYYY-MM-DD]``: the newest row per config (spec §2 item 4);
- ``benchmarks/history?model=<display name>&isl=<tokens>&osl=<tokens>``: rows over dates;
- ``availability``: which (model, isl, osl, precision, hardware, framework, spec, disagg) exist on which date;
- ``evaluations``: accuracy evaluations (see :mod:`frontier.analysis.evals`).

Every response is cached under ``data/raw/api/<retrieval date, UTC>/<safe name>.json`` with a sidecar
``<safe name>.meta.json`` (url asked, final_url after redirects, retrieved_at, sha256 and size of the body in bytes,
HTTP status, endpoint and params). A copy retrieved less than ``max_age`` seconds ago is reused without a request;
otherwise the client asks the server and, if the server cannot be reached, falls back to the newest cached copy of
the same URL and says so (``FetchResult.from_cache`` / ``note``). ``refresh=True`` always asks the server.

Requests are polite and bounded: a minimum interval between requests (default 1 s), ``Accept-Encoding: gzip``, a
User-Agent naming the project, one overall deadline per attempt (seconds, body included), bodies limited on the
wire and after decoding, redirects only within the host asked, bounded retries with exponential backoff on
connection errors, deadlines, HTTP 429 and 5xx, and on truncated or undecodable bodies. Other HTTP errors (404 …),
limits exceeded and refused redirects are not retried and leave no cache entry.

GitHub Actions runs (``frontier fetch --run <id>``) are downloaded with the GitHub CLI ``gh``; artifacts named
``results_bmk`` or ``bmk_*`` are copied into ``data/raw/runs/<id>/`` after checking that no entry is a link or
escapes that folder (:mod:`frontier.data.safety`), beside a ``run.json`` describing the run. ``frontier fetch
--new-runs`` lists the benchmark workflow's successful runs (``gh run list``) and downloads those not yet on disk that
are newer than the newest run held, at most ``--max-runs`` per fetch (:mod:`~frontier.data.fetch.newruns`).

What each fetch added is appended to ``fetch-log.meta.json`` in its output folder (:mod:`~frontier.data.fetch.added`);
``frontier changes --fetch-log`` lists the entries logged between two builds.

Modules: :mod:`~frontier.data.fetch.api` (URLs, cache, provenance), :mod:`~frontier.data.fetch.transport` (HTTP with an
overall deadline and bounded bodies), :mod:`~frontier.data.fetch.runs` (``gh`` downloads),
:mod:`~frontier.data.fetch.newruns` (every new run), :mod:`~frontier.data.fetch.cli`.
"""

from __future__ import annotations

from frontier.data.fetch.api import (
    DEFAULT_API_BASE,
    DEFAULT_ISL_OSL,
    FetchResult,
    api_base_url,
    build_url,
    cache_filename,
    fetch_endpoint,
    fetch_model,
    find_cached,
)
from frontier.data.fetch.cli import main_fetch
from frontier.data.fetch.errors import FetchError, GhUnavailableError
from frontier.data.fetch.newruns import NewRunsResult, fetch_new_runs
from frontier.data.fetch.runs import DEFAULT_REPO, RUN_ZIP_LIMITS, RunFetchResult, fetch_run
from frontier.data.fetch.transport import MAX_BODY_BYTES

__all__ = [
    "DEFAULT_API_BASE",
    "DEFAULT_ISL_OSL",
    "DEFAULT_REPO",
    "MAX_BODY_BYTES",
    "RUN_ZIP_LIMITS",
    "FetchError",
    "GhUnavailableError",
    "FetchResult",
    "NewRunsResult",
    "RunFetchResult",
    "api_base_url",
    "build_url",
    "cache_filename",
    "fetch_endpoint",
    "fetch_model",
    "fetch_new_runs",
    "fetch_run",
    "find_cached",
    "main_fetch",
]
