"""Which file names the loader reads as data, which it reads as run sidecars, and which it ignores."""

from __future__ import annotations

__all__ = ["DATA_SUFFIXES", "IGNORED_SUFFIXES", "NOT_DATA", "SIDECAR_NAMES"]

DATA_SUFFIXES = (".json", ".csv", ".zip")
SIDECAR_NAMES = ("run.json",)
IGNORED_SUFFIXES = (".meta.json",)  # download metadata written beside API responses
NOT_DATA = "not a .json, .csv or .zip file"
