"""Parameters are plain data: no YAML tag, value or name supplied by a user can run code in a notebook kernel."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontier import paths, report
from frontier.plain import MAX_DEPTH, NotPlainError, check_plain, injected_names, parameters_source
from frontier.report import notebook
from frontier.report.params import ReportError, check_common, cli_overrides, file_parameters, load_params

FIXTURES = Path(__file__).resolve().parent / "notebooks_fixture"
MARKER = "frontier-param-injection-marker"

# strings built to leave a literal in every way a naive writer could get wrong
HOSTILE_TEXT = [
    f'"]; open("{MARKER}","w").write("x") #',
    f"'); __import__('os').system('touch {MARKER}') #",
    '\\"; import os #',
    "ends with a backslash \\",
    "triple \"\"\" and ''' quotes",
    "new\nline = 1\nimport os",
    "\r\x00\x1b]0;title\x07\x1b[2J",
    "{0.__class__}",
    "\u2028\u2029 separators",
]


def _only_literals(source: str) -> None:
    """Every statement of an injected cell is ``name = <literal>``; no call, attribute, import or name load."""
    tree = ast.parse(source)
    for stmt in tree.body:
        assert isinstance(stmt, ast.Assign) and len(stmt.targets) == 1, ast.dump(stmt)
        for node in ast.walk(stmt.value):
            assert isinstance(node, (ast.Constant, ast.List, ast.Dict, ast.UnaryOp, ast.USub, ast.UAdd, ast.Load)), (
                ast.dump(node)
            )


# ---------------------------------------------------------------------------------------------- plain values
@pytest.mark.parametrize(
    "value, problem",
    [
        (b"bytes", "a bytes is not a parameter value"),
        (("a", 1), "a tuple is not a parameter value"),
        ({"a", "b"}, "a set is not a parameter value"),
        ({1: "x"}, "is not text"),
        ({("k",): 1}, "is not text"),
        (float("nan"), "not a finite number"),
        ([float("inf")], "not a finite number"),
        ("\ud800", "lone surrogate"),
        ({"\ud800": 1}, "lone surrogate"),
        (object(), "a object is not a parameter value"),
    ],
)
def test_values_that_are_not_plain_are_refused(value, problem):
    with pytest.raises(NotPlainError, match=problem):
        check_plain(value, "parameter 'x'")
    with pytest.raises(NotPlainError):
        parameters_source({"x": value})


def test_nesting_and_size_are_bounded():
    deep: list = []
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(NotPlainError, match="nested more than"):
        check_plain(deep, "p")
    with pytest.raises(NotPlainError, match="more than"):
        check_plain(list(range(200_000)), "p")
    assert check_plain({"a": [1, 2.5, None, True, "x", {"b": []}]}, "p") == {"a": [1, 2.5, None, True, "x", {"b": []}]}


@pytest.mark.parametrize("name", ["class", "a b", "1x", "__builtins__", "x;y", ""])
def test_injected_names_must_be_plain_identifiers(name):
    with pytest.raises(NotPlainError, match="not a valid Python identifier"):
        parameters_source({name: 1})


def test_hostile_strings_in_every_type_stay_in_their_literal():
    values = {
        "text": HOSTILE_TEXT[0],
        "texts": HOSTILE_TEXT,
        "mapping": {t: {t: [t, 1, 2.5, None, False]} for t in HOSTILE_TEXT},
        "number": -1.5e300,
        "flag": True,
        "nothing": None,
    }
    source = parameters_source(values)
    _only_literals(source)
    ns: dict = {}
    exec(compile(source, "<injected>", "exec"), {"__builtins__": {}}, ns)  # no builtins: a call would fail loudly
    assert ns == values
    assert injected_names(source) == list(values)


plain_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), plain_values, max_size=5))
def test_any_plain_value_round_trips_as_literals_only(values):
    values = {k: v for k, v in values.items() if k not in ("in", "is", "if", "or", "as", "def", "for", "and", "not")}
    source = parameters_source(values)
    _only_literals(source)
    ns: dict = {}
    exec(compile(source, "<injected>", "exec"), {"__builtins__": {}}, ns)
    assert json.dumps(ns, sort_keys=True) == json.dumps(values, sort_keys=True)


# ----------------------------------------------------------------------------------- YAML: the core tags only
@pytest.mark.parametrize(
    "yaml_text, tag",
    [
        ('prices: !!pairs [{\'"]; open("x","w").write("code ran") #\': 1}]', "!!pairs"),
        ("prices: !!binary aGVsbG8=", "!!binary"),
        ("prices: !!set {a, b}", "!!set"),
        ("prices: !!omap [{a: 1}]", "!!omap"),
        ("as_of: !!timestamp 2026-01-01", "!!timestamp"),
        ("prices: !!python/tuple [a, b]", "python/tuple"),
        ("prices: !!python/object/apply:os.system ['true']", "python/object"),
        ("label: !custom x", "!custom"),
    ],
)
def test_yaml_tags_other_than_plain_data_are_refused_in_one_line(tmp_path, yaml_text, tag):
    f = tmp_path / "p.yaml"
    f.write_text(yaml_text + "\n", encoding="utf-8")
    for call in (lambda: load_params(f), lambda: cli_overrides([yaml_text])):
        with pytest.raises(ReportError) as info:
            call()
        message = str(info.value)
        assert tag in message and "\n" not in message, message


def test_hostile_tag_through_the_command_runs_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(paths, "NOTEBOOKS", FIXTURES)
    evil = 'label: !!pairs [{\'"]; open("' + MARKER + '","w").write("code ran") #\': 1}]'
    params = tmp_path / "p.yaml"
    params.write_text(evil + "\n", encoding="utf-8")
    for args in (["ok", "-y", evil], ["ok", "--params", str(params)]):
        assert report.main_report([*args, "--out", str(tmp_path / "r")]) == 2
        err = capsys.readouterr().err
        assert "!!pairs is not allowed" in err and "Traceback" not in err and err.count("\n") == 1, err
    assert not (tmp_path / MARKER).exists() and not (tmp_path / "r").exists()


def test_hostile_strings_reach_the_notebook_as_data(tmp_path, monkeypatch, capsys):
    """One real kernel run: a label that tries every way out of its literal arrives as the exact text."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(paths, "NOTEBOOKS", FIXTURES)
    label = "".join(HOSTILE_TEXT)
    out = tmp_path / "r"
    code = report.main_report(["ok", "-y", json.dumps({"label": label}), "--out", str(out), "--timeout", "120"])
    assert code == 0, capsys.readouterr()
    assert json.loads((out / "ok" / "summary.json").read_text())["label"] == label
    assert not (tmp_path / MARKER).exists() and not (paths.ROOT / MARKER).exists()


# ------------------------------------------------------------------------- declared names and types, up front
def test_params_file_values_are_checked_against_declared_types(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("notebook: ok\nparameters: {fail: [1, 2]}\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"parameter 'fail' of ok is declared bool: give True or False"):
        file_parameters(load_params(f), "ok", FIXTURES / "ok.ipynb")
    f.write_text("notebook: ok\nparameters: {labl: x}\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"ok has no parameter 'labl' \(its parameters: .*label"):
        file_parameters(load_params(f), "ok", FIXTURES / "ok.ipynb")


def test_mapping_parameters_are_checked(tmp_path):
    nb = paths.NOTEBOOKS / "migration.ipynb"
    f = tmp_path / "p.yaml"
    f.write_text("notebook: migration\nparameters: {prices: [1, 2]}\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"'prices' of migration is declared dict: give a mapping"):
        file_parameters(load_params(f), "migration", nb)
    f.write_text("notebook: migration\nparameters: {prices: {1: {spot: 2}}}\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"key 1 is not text"):
        load_params(f)


def test_a_common_parameter_no_notebook_declares_is_an_error(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("labl: x\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"no notebook to run declares 'labl'"):
        check_common(load_params(f), [FIXTURES / "ok.ipynb", FIXTURES / "fail.ipynb"])
    f.write_text("label: x\n", encoding="utf-8")
    check_common(load_params(f), [FIXTURES / "ok.ipynb"])


def test_one_bad_parameter_set_fails_its_own_notebook_only(tmp_path, monkeypatch, capsys):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    for name in ("ok", "other"):
        (nbs / f"{name}.ipynb").write_bytes((FIXTURES / "ok.ipynb").read_bytes())
    monkeypatch.setattr(paths, "NOTEBOOKS", nbs)
    f = tmp_path / "p.yaml"
    f.write_text("notebooks:\n  ok: {label: fine}\n  other: {fail: maybe}\n", encoding="utf-8")
    out = tmp_path / "r"
    assert report.main_report(["--params", str(f), "--out", str(out), "--timeout", "120"]) == 1
    capsys.readouterr()
    assert json.loads((out / "ok" / "summary.json").read_text())["label"] == "fine"
    failed = json.loads((out / "other" / "failed.json").read_text())
    assert failed["error"].startswith("ParameterError: parameter 'fail' of other is declared bool")
    assert "duration_s" in failed and not (out / "other" / "failed.ipynb").exists()  # no kernel was started


# ------------------------------------------------------------------------------------------------ papermill
def test_papermill_writes_the_cell_with_the_plain_translator():
    from papermill.exceptions import PapermillException
    from papermill.translators import translate_parameters

    from frontier.report.papermill_hook import install

    install()

    source = translate_parameters("python3", "python", {"label": HOSTILE_TEXT[0], "n": 3}, "Parameters")
    _only_literals(source)
    assert injected_names(source) == ["label", "n"]
    with pytest.raises(PapermillException, match="a tuple is not a parameter value"):
        translate_parameters("python3", "python", {"prices": [("a", 1)]}, "Parameters")


def test_papermill_loads_the_plain_translator_through_its_entry_point():
    eps = importlib.metadata.entry_points(group="papermill.engine")
    assert any(ep.value == "frontier.report.papermill_hook:PlainEngine" for ep in eps), list(eps)
    # papermill imported on its own, in a fresh process, registers the plain translator through that entry point
    code = (
        "import papermill.translators as t; from papermill.engines import papermill_engines;"
        "assert papermill_engines.get_engine('frontier') is not None;"
        "print(t.papermill_translators.find_translator('python3', 'python').__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "PlainPythonTranslator", out.stderr


# ----------------------------------------------------------------------------- notebook.setup, by any runner
def _ns(**injected):
    decl = {"isl": int, "model": str, "prices": dict, "targets": list[float], "output_dir": str}
    ns = {"__annotations__": decl, "isl": 1024, "model": "", "prices": {}, "targets": [], "output_dir": ""}
    cell = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in injected.items())
    ns.update(injected)
    ns["In"] = ["", "# Parameters: the notebook's own cell\nisl: int = 1024", cell]
    return ns


def test_setup_refuses_an_injected_name_the_notebook_does_not_declare():
    with pytest.raises(notebook.ParameterError, match=r"no parameter 'modle' \(its parameters: isl, model"):
        notebook.setup(_ns(modle="DeepSeek-R1-0528"), "t")


@pytest.mark.parametrize(
    "injected, message",
    [
        ({"isl": "abc"}, "parameter 'isl' is declared int: give a whole number (got 'abc')"),
        ({"isl": 1.5}, "parameter 'isl' is declared int: give a whole number"),
        ({"targets": "30,x"}, "parameter 'targets' is declared list[float]: give a number"),
        ({"prices": {"b200": b"x"}}, "is declared dict"),
        ({"targets": [math.inf]}, "give a finite number"),
    ],
)
def test_setup_says_what_was_declared(injected, message):
    with pytest.raises(notebook.ParameterError) as info:
        notebook.check_params(_ns(**injected), _ns()["__annotations__"])
    assert message in str(info.value)
