"""`frontier iso` and `frontier iso-point` answer every input with a result or a clear error, never a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontier import cli
from frontier.paths import SAMPLE_DIR

TWO_POINTS = [{"interactivity": 10, "throughput": 100}, {"interactivity": 20, "throughput": 50}]


def run_iso_point(stdin: bytes) -> tuple[int, str, str]:
    """Run ``frontier iso-point`` with ``stdin``; (exit code, stdout, stderr). Any exception escapes the test."""
    out, err = io.StringIO(), io.StringIO()
    saved = cli.sys.stdin
    cli.sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = cli.main(["iso-point"])
    finally:
        cli.sys.stdin = saved
    return rc, out.getvalue(), err.getvalue()


def assert_answer_or_clear_error(rc: int, out: str, err: str) -> None:
    if rc == 0:
        value = json.loads(out)["value"]
        assert value is None or (isinstance(value, float) and math.isfinite(value))
        assert err == ""
    else:
        assert rc == 2 and out == ""
        message = json.loads(err)["error"]
        assert isinstance(message, str) and message and "Traceback" not in message


def test_iso_point_answers_a_good_request():
    rc, out, err = run_iso_point(json.dumps({"points": TWO_POINTS, "target_iv": 15}).encode())
    assert rc == 0 and err == ""
    value = json.loads(out)["value"]
    assert 50 < value < 100  # between the two measured throughputs, monotone


@pytest.mark.parametrize(
    "request_text,message",
    [
        ('{"points": [], "target_iv": 1e400}', "target_iv must be a finite number, got inf"),
        ('{"points": [], "target_iv": NaN}', "target_iv must be a finite number, got nan"),
        (
            '{"points": [{"interactivity": 1%s, "throughput": 5}], "target_iv": 3}' % ("0" * 400),
            r"points[0].interactivity is too large for a number",
        ),
        ('{"points": [], "target_iv": "fast"}', "'target_iv' must be a finite number"),
        ('{"points": [], "target_iv": true}', "'target_iv' must be a finite number"),
        ('{"target_iv": 3}', "'points' must be a list of objects"),
        ('{"points": {"a": 1}, "target_iv": 3}', "'points' must be a list of objects"),
        ('{"points": [], "target_iv": 3, "metric_key": ["x"]}', "'metric_key' must be a string"),
        ('{"points": [], "target_iv": 3, "iv_key": {"a": 1}}', "'iv_key' must be a string"),
        ("[1, 2]", "the request must be a JSON object, got list"),
        ("", "the request is not valid JSON"),
        ('{"points": [', "the request is not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_iso_point_bad_requests_are_clear_errors(request_text, message):
    rc, out, err = run_iso_point(request_text.encode())
    assert_answer_or_clear_error(rc, out, err)
    assert rc == 2 and message in json.loads(err)["error"]


def test_iso_point_non_utf8_request():
    rc, out, err = run_iso_point(b'{"points": [], "target_iv": 3, "x": "\xff\xfe"}')
    assert rc == 2 and "not UTF-8" in json.loads(err)["error"]


def test_iso_point_overflowing_spline_is_an_error_not_nan():
    points = [
        {"interactivity": x, "throughput": t, "cost": c}
        for x, t, c in ((1, 30, 1e308), (2, 20, -1e308), (3, 10, 1e308))
    ]  # the spline overflows to NaN
    rc, out, err = run_iso_point(json.dumps({"points": points, "target_iv": 1.5, "metric_key": "cost"}).encode())
    assert rc == 2 and "not a finite number" in json.loads(err)["error"]


# ---------------------------------------------------------------------------------------------------------------
# bounded fuzz: random JSON requests and random bytes

KEYS = ["interactivity", "throughput", "cost", "x"]
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=1e-300, max_value=1e308),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.integers(min_value=0, max_value=500),
)
VALUES = st.one_of(NUMBERS, NUMBERS, st.booleans(), st.none(), st.text(max_size=5), st.lists(st.integers(), max_size=2))
POINT = st.one_of(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=4), VALUES)
KEY_NAME = st.one_of(st.sampled_from(KEYS), st.none(), st.integers(), st.lists(st.text(max_size=2), max_size=2))
REQUEST = st.fixed_dictionaries(
    {"points": st.one_of(st.lists(POINT, max_size=8), VALUES), "target_iv": VALUES},
    optional={"metric_key": KEY_NAME, "reciprocal_of": KEY_NAME, "iv_key": KEY_NAME, "tput_key": KEY_NAME},
)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(REQUEST)
def test_fuzz_iso_point_json_requests(request):
    rc, out, err = run_iso_point(json.dumps(request, allow_nan=True).encode())
    assert_answer_or_clear_error(rc, out, err)


@FUZZ
@given(st.binary(max_size=200))
def test_fuzz_iso_point_random_bytes(data):
    assert_answer_or_clear_error(*run_iso_point(data))


# ---------------------------------------------------------------------------------------------------------------
# frontier iso


def iso_argv(*extra: str) -> list[str]:
    return ["iso", str(SAMPLE_DIR), "--model", "DeepSeek*", "--isl", "1024", "--osl", "1024", "--no-cache", *extra]


@pytest.mark.parametrize(
    "targets,message",
    [
        ("30,nan", "target 'nan' must be a positive finite tok/s/user"),
        ("-5", "target '-5' must be a positive finite tok/s/user"),
        ("0,50", "target '0' must be a positive finite tok/s/user"),
        ("inf", "target 'inf' must be a positive finite tok/s/user"),
        ("fast", "target 'fast' is not a number"),
        (",", "no targets given"),
    ],
)
def test_iso_bad_targets(targets, message, capsys):
    with pytest.raises(SystemExit) as ei:
        cli.main(iso_argv(f"--targets={targets}"))
    assert ei.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    "content,message",
    [
        (None, "does not exist"),
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b"# only a comment\n", "no header line"),
        (b"gpu,costh\nb200,abc\n", "non-numeric values in price column"),
        (b"\xff\xfe\x00\x01garbage\n", "not UTF-8 text (byte 0)"),
        (b"gpu,costh\x00\nb200,1\n", "not a text file"),
        (b"name,price\nx,1\n", "needs a 'gpu' column"),
        (b"gpu,costh\nb200,1.5\nb200,2\n", "listed more than once"),
    ],
)
def test_iso_bad_price_tables(content, message, tmp_path, capsys, no_cache):
    prices = tmp_path / "prices.csv"
    if content is not None:
        prices.write_bytes(content)
    rc = cli.main(iso_argv("--prices", str(prices)))
    err = capsys.readouterr().err
    assert rc == 2 and message in err, err
    assert "Traceback" not in err and "\x00" not in err


def test_iso_price_table_that_is_a_folder(tmp_path, capsys, no_cache):
    rc = cli.main(iso_argv("--prices", str(tmp_path)))
    assert rc == 2 and "is a folder" in capsys.readouterr().err


def test_iso_prints_names_from_data_terminal_safe(tmp_path, capsys, no_cache):
    rows = [
        {
            "hw": "b200\x1b]0;owned\x07-trt",
            "conc": conc,
            "model": "deepseek-ai/DeepSeek-R1-0528",
            "infmax_model_prefix": "dsr1",
            "framework": "trt\x1b[2J",
            "precision": "fp4",
            "isl": 1024,
            "osl": 1024,
            "tp": 8,
            "ep": 1,
            "tput_per_gpu": tput,
            "output_tput_per_gpu": tput / 2,
            "input_tput_per_gpu": tput / 2,
            "median_tpot": tpot,
            "median_intvty": 1 / tpot,
        }
        for conc, tput, tpot in ((4, 400.0, 0.01), (16, 1200.0, 0.016), (64, 2800.0, 0.03))
    ]
    (tmp_path / "agg_bmk.json").write_text(json.dumps(rows))
    rc = cli.main(
        [
            "iso",
            str(tmp_path),
            "--model",
            "DeepSeek*",
            "--isl",
            "1024",
            "--osl",
            "1024",
            "--no-cache",
            "--targets",
            "50",
        ]
    )
    out = capsys.readouterr().out
    # the loader already replaced the control characters (U+FFFD); nothing raw reaches the terminal
    assert rc == 0 and "\ufffd]0;owned\ufffd" in out.lower()
    assert "\x1b" not in out and "\x07" not in out
