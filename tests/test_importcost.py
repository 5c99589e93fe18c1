"""Slow third-party imports are deferred (``frontier._defer_slow_imports``) without changing what they answer."""

from __future__ import annotations

import subprocess
import sys

from frontier import paths

_PROBE = """
import sys
import frontier.present.charts  # imports altair, hence jsonschema and its format checks
import frontier
assert "lark" not in sys.modules, "the IRI grammar was built at import"
stand_in = sys.modules.get("rfc3987_syntax")
assert stand_in is None or isinstance(stand_in, frontier._Deferred), type(stand_in)
if stand_in is not None:  # installed: the IRI checks still answer, through the real module
    import jsonschema
    fc = jsonschema.FormatChecker()
    assert fc.conforms("http://example.com/ü", "iri") and not fc.conforms("http://exa mple.com/", "iri")
    assert not isinstance(sys.modules["rfc3987_syntax"], frontier._Deferred)
print("ok", stand_in is not None)
"""


def test_iri_grammar_is_built_only_when_an_iri_is_checked():
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=paths.ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")


def test_a_module_imported_already_is_left_alone(monkeypatch):
    import frontier

    sentinel = object()
    monkeypatch.setitem(sys.modules, "rfc3987_syntax", sentinel)
    frontier._defer_slow_imports()
    assert sys.modules["rfc3987_syntax"] is sentinel
