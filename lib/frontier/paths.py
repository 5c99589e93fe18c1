"""Project paths, resolved from this file (never from the current directory)."""

from __future__ import annotations

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
