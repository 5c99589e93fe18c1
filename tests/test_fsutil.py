"""write_atomic: complete replacement or nothing, no temporary files left behind."""

from __future__ import annotations

import os

import pytest

from frontier import fsutil
from frontier.fsutil import write_atomic


def test_writes_bytes_and_text_creating_folders(tmp_path):
    target = tmp_path / "a" / "b" / "out.json"
    write_atomic(target, b"\x00\x01bytes")
    assert target.read_bytes() == b"\x00\x01bytes"
    write_atomic(target, "tëxt")
    assert target.read_bytes() == "tëxt".encode()
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.json"]


def test_failure_keeps_old_file_and_removes_temporary(tmp_path, monkeypatch):
    target = tmp_path / "keep.txt"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(fsutil.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_data_reaches_disk_before_rename(tmp_path, monkeypatch):
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(fsutil.os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(fsutil.os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    write_atomic(tmp_path / "x.bin", b"payload")
    assert calls == ["fsync", "replace"]


def test_safe_for_terminal_escapes_controls_bidi_and_surrogates():
    from frontier.fsutil import safe_for_terminal

    raw = "run\x1b]0;title\x07\x1b[31m\r\n\x9b\u202e\u2066 é\t漢\udcff"
    shown = safe_for_terminal(raw)
    assert shown == "run\\x1b]0;title\\x07\\x1b[31m\\r\\n\\x9b\\u202e\\u2066 é\t漢\\udcff"
    shown.encode("utf-8")  # printable on any UTF-8 terminal
    assert safe_for_terminal("plain/path-1.json") == "plain/path-1.json"


def test_written_files_get_ordinary_permissions_not_the_temporary_files(tmp_path):
    import stat

    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.txt"
        write_atomic(fresh, "a")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o640)
        write_atomic(kept, "new")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() == "new"
    finally:
        os.umask(old)
