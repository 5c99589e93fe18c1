"""Errors of :mod:`frontier.data.fetch`: every failure a user can meet is one of these, with a message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["FetchError", "GhUnavailableError"]


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
