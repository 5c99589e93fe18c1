"""Progress is drawn on a terminal and nowhere else (logs, pipes, CI)."""

from __future__ import annotations

import io

from frontier import progress as prog


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_in_logs_and_ci(monkeypatch):
    items = [1, 2, 3]
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr("sys.stderr", io.StringIO())  # a log file or a pipe
    assert not prog.enabled() and prog.progress(items, desc="x") is items
    monkeypatch.setattr("sys.stderr", _Tty())
    monkeypatch.setenv("CI", "true")
    assert not prog.enabled() and prog.progress(items, desc="x") is items
    monkeypatch.setenv("CI", "")  # set but empty counts as unset
    assert prog.enabled()


def test_bar_on_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    tty = _Tty()
    monkeypatch.setattr("sys.stderr", tty)
    assert list(prog.progress(iter("abc"), total=3, desc="report")) == ["a", "b", "c"]
    drawn = tty.getvalue()
    assert "report:" in drawn and "0/3" in drawn  # drawn, then cleared (leave=False) when done
