"""Project paths, resolved from this file (never from the current directory)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "DATA_PROCESSED",
    "DATA_RAW",
    "NOTEBOOKS",
    "PACKAGE_DATA",
    "PACKAGE_DIR",
    "REPORTS",
    "ROOT",
    "SAMPLE_DIR",
    "SHARED_DATA",
    "input_paths",
]

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent.parent
PACKAGE_DATA = PACKAGE_DIR / "data"
DATA_RAW = ROOT / "data" / "raw"
DATA_PROCESSED = ROOT / "data" / "processed"
SAMPLE_DIR = DATA_RAW / "sample"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"
SHARED_DATA = ROOT.parent / "shared" / "data"


def input_paths(data_paths: Sequence[str]) -> list[str]:
    """The inputs an analysis loads: the given paths (relative ones from the project root), else the bundled
    sample (:data:`SAMPLE_DIR`)."""
    out = [str(Path(p) if Path(p).is_absolute() else ROOT / p) for p in data_paths]
    return out or [str(SAMPLE_DIR)]
