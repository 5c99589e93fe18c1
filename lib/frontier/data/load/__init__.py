"""Load benchmark artifacts of every format (spec §2) into the canonical point table.

``load(paths)`` takes files, folders (recursive), globs and zip archives, and returns a ``LoadResult`` holding
``points`` (a polars frame in ``frontier.data.schema.SCHEMA``) and a ``LoadReport`` that accounts for every input row:
loaded, skipped by reason (with file and row), or removed as a duplicate. One bad file never stops a batch;
``strict=True`` turns any skip into a ``LoadError`` naming the file and row.

Formats: per-point ``agg_*.json``; collected ``agg_bmk.json`` arrays; raw benchmark-client JSON (topology from the
InferenceX file name or ``topology=``); public API rows (nested ``metrics``); dashboard CSV exports (latency
columns labelled "(ms)" hold seconds); early agg rows (no ISL/OSL fields; taken from their ``source_file``);
zip archives and downloaded CI artifact trees of any of these.

Dates and run ids come from the artifact (API ``date``/``run_url``, CSV ``Date``, raw ``date``), else from a
``run.json`` sidecar in an enclosing folder (``{"run_id", "run_attempt", "date"}``), else from a ``run_<id>``
folder name.

The pipeline, one module per step: ``discovery`` (files, folders, globs; run hints from ``sidecars``, zip members
from ``archives``) → ``reading`` (each source through
its format's reader in ``readers/``, into the ``raw`` table) → ``raw.attach_provenance`` → ``normalise`` →
``validate`` → ``dedupe`` → the load ``report``; ``pipeline.load`` runs them. ``query`` filters a loaded table.
``limits`` states how big, how deep and how many an input may be; past a limit the input is skipped with its
reason, and every input file ends as read, skipped, ignored (not data) or a duplicate.
"""

from __future__ import annotations

from frontier.data.load.dedupe import conform_keep
from frontier.data.load.pipeline import load
from frontier.data.load.query import inventory, matches
from frontier.data.load.report import FileEntry, LoadError, LoadReport, LoadResult, SkipEntry

__all__ = [
    "FileEntry",
    "LoadError",
    "LoadReport",
    "LoadResult",
    "SkipEntry",
    "conform_keep",
    "inventory",
    "load",
    "matches",
]
