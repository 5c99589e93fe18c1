"""Which file names the loader reads as data, which it reads as run sidecars, and which it ignores."""

from __future__ import annotations

DATA_SUFFIXES = (".json", ".csv", ".zip")
SIDECAR_NAMES = ("run.json",)
IGNORED_SUFFIXES = (".meta.json",)  # download metadata written beside API responses
NOT_DATA = "not a .json, .csv or .zip file"
