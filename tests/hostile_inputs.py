"""A regression corpus of hostile and faulty loader inputs, built by code at test time (nothing large is stored).

Each case writes its inputs into an empty folder, beside ``good.json`` (three valid rows: ``GOOD_CONCS``), and
returns what the load report must say about them (a substring of a skip reason), or None when the case is about
values, not skips. ``build_case(name, folder)`` builds one; ``CASES`` lists them; ``SLOW`` the ones that write
gigabytes (marked ``slow`` in the tests). Sizes are in bytes.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from .test_load_bad import agg_row

GOOD_CONCS = (4, 8, 16)
RAW_NAME = "kimik2.5_1k1k_int4_vllm_tp{tp}-ep1-dpafalse_disagg-false_spec-none_conc8_h200-x.json"
ESCAPE_NAME = "evil\x1b]0;owned\x07\x1b[2J\x9b31m.json"


def raw_client(**over: object) -> dict:
    row = {
        "model_id": "moonshotai/Kimi-K2.5",
        "max_concurrency": 8,
        "total_token_throughput": 800.0,
        "output_throughput": 400.0,
        "median_tpot_ms": 20.0,
        "completed": 40,
        "date": "20260101-000000",
    }
    row.update(over)
    return row


def api_row(**over: object) -> dict:
    row = {
        "hardware": "h200",
        "framework": "sglang",
        "model": "dsr1",
        "precision": "fp8",
        "spec_method": "none",
        "disagg": False,
        "is_multinode": False,
        "decode_tp": 8,
        "decode_ep": 1,
        "decode_dp_attention": False,
        "isl": 1024,
        "osl": 1024,
        "conc": 4,
        "date": "2026-01-05",
        "metrics": {"tput_per_gpu": 1000.0, "median_tpot": 0.02},
    }
    row.update(over)
    return row


def write_good(folder: Path) -> None:
    rows = [
        agg_row(conc=c, tput_per_gpu=6000.0 / (i + 1), median_tpot=0.01 * (i + 1)) for i, c in enumerate(GOOD_CONCS)
    ]
    (folder / "good.json").write_text(json.dumps(rows))


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def _zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _patch_zip(data: bytes, *, flag: int | None = None, method: int | None = None) -> bytes:
    """Set the flag bits / compression method of the (only) member in its local and central headers."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    central = out.find(b"PK\x01\x02")
    if flag is not None:
        struct.pack_into("<H", out, local + 6, flag)
        struct.pack_into("<H", out, central + 8, flag)
    if method is not None:
        struct.pack_into("<H", out, local + 8, method)
        struct.pack_into("<H", out, central + 10, method)
    return bytes(out)


def _member() -> bytes:
    return json.dumps([agg_row(conc=64)]).encode()


# ---------------------------------------------------------------------------------------------------------------
# the cases: each builds into ``d`` and returns the expected skip-reason substring (None: checked by value)


def json_deep_file(d: Path) -> str:
    (d / "agg_bmk.json").write_text(deep(100_000))
    return "nested deeper"


def json_deep_value(d: Path) -> str:
    text = json.dumps([agg_row(conc=32)]).replace('"img:1"', deep(100_000))
    (d / "agg_bmk.json").write_text(text)
    return "nested deeper"


def json_deep_api_row(d: Path) -> str:
    text = json.dumps([api_row(), api_row(conc=8)]).replace('"sglang"', deep(100_000), 1)
    (d / "benchmarks.json").write_text(text)
    return "nested deeper"


def json_deep_run_json(d: Path) -> str:
    run = d / "run_123"
    run.mkdir()
    (run / "run.json").write_text(deep(100_000))
    (run / "agg_bmk.json").write_text(json.dumps([agg_row(conc=32)]))
    return "nested deeper"


def folders_deep(d: Path) -> str:
    here = os.fspath(d / "nest")
    os.mkdir(here)
    for _ in range(1100):  # os.makedirs recurses once per level
        here = os.path.join(here, "d")
        os.mkdir(here)
    Path(here, "agg_bmk.json").write_text(json.dumps([agg_row(conc=32)]))
    return "folders nested deeper"


def zips_deep(d: Path) -> str:
    data = _member()
    for _ in range(1100):
        data = _zip_bytes({"inner.zip" if data[:2] == b"PK" else "agg_bmk.json": data}, zipfile.ZIP_STORED)
    (d / "nested.zip").write_bytes(data)
    return "archives nested deeper"


def int_beyond_64_bits(d: Path) -> str:
    (d / "big.json").write_text(json.dumps([agg_row(conc=2**70), agg_row(conc=32)]))
    return "out of range"


def tp_2_pow_31(d: Path) -> str:
    (d / "tp.json").write_text(json.dumps([agg_row(conc=32, tp=2**31)]))
    return "out of range"


def tp_in_file_name(d: Path) -> str:
    (d / RAW_NAME.format(tp="9" * 30)).write_text(json.dumps(raw_client()))
    return "out of range"


def tp_zero_in_file_name(d: Path) -> str:
    (d / RAW_NAME.format(tp="0")).write_text(json.dumps(raw_client()))
    return "tp"


def run_json_big_int(d: Path) -> str:
    run = d / "run_456"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({"run_id": 2**70, "run_attempt": 2**40, "date": "2026-01-01"}))
    (run / "agg_bmk.json").write_text(json.dumps([agg_row(conc=32)]))
    return "run.json"


def huge_ms_values(d: Path) -> str:
    text = json.dumps(raw_client()).replace("20.0", "1" + "0" * 400)
    (d / RAW_NAME.format(tp="8")).write_text(text)
    return "out of range"


def zip_encrypted(d: Path) -> str:
    (d / "enc.zip").write_bytes(_patch_zip(_zip_bytes({"agg_bmk.json": _member()}), flag=0x1))
    return "encrypted"


def zip_corrupt_deflate(d: Path) -> str:
    data = bytearray(_zip_bytes({"agg_bmk.json": _member() * 20}))
    start = 30 + len("agg_bmk.json")
    data[start : start + 40] = b"\xff" * 40
    (d / "corrupt.zip").write_bytes(bytes(data))
    return "corrupt"


def zip_unsupported_method(d: Path) -> str:
    (d / "method.zip").write_bytes(_patch_zip(_zip_bytes({"agg_bmk.json": _member()}), method=99))
    return "compression method"


def zip_lying_size(d: Path) -> str:
    """A member whose header declares 10 bytes but holds more: read only as far as declared, then refused."""
    data = bytearray(_zip_bytes({"agg_bmk.json": _member()}))
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 10)
    struct.pack_into("<I", data, central + 24, 10)
    (d / "liar.zip").write_bytes(bytes(data))
    return "corrupt zip member"


def zip_symlink_member(d: Path) -> str:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("link.json")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    (d / "link.zip").write_bytes(buf.getvalue())
    return "symlink"


def zip_many_members(d: Path) -> str:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for i in range(10_050):
            zf.writestr(f"m{i}.txt", b"")
    (d / "many.zip").write_bytes(buf.getvalue())
    return "members"


def zip_bomb_small(d: Path) -> str:
    """64 MiB of one byte in a ~64 KB archive: past the compression-ratio limit."""
    _write_bomb(d / "bomb.zip", 64 << 20)
    return "compression ratio"


def zip_bomb_big(d: Path) -> str:
    """1.5 GiB inflated from about 1.5 MB."""
    _write_bomb(d / "bomb.zip", 3 << 29)
    return "limit"


def _write_bomb(path: Path, inflated: int) -> None:
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open("agg_bmk.json", "w", force_zip64=True) as out,
    ):
        block = b" " * (1 << 20)
        out.write(b"[")
        for _ in range(inflated >> 20):
            out.write(block)
        out.write(b"]")


def lone_surrogate(d: Path) -> str:
    # NaN in another row sends the file down the checked (Python) parse path
    text = json.dumps([agg_row(conc=32, hw="b200\ud800"), agg_row(conc=64, tput_per_gpu=float("nan"))])
    (d / "surrogate.json").write_text(text)
    return "invalid Unicode"


def many_tiny_objects(d: Path) -> str:
    """4 MB of empty objects: 1.4 million Python dicts if parsed, past the container limit."""
    n = 1_400_000
    (d / "tiny.json").write_bytes(b"[" + b"{}," * (n - 1) + b"{}]")
    return "objects and arrays to read whole"


def long_line_medium(d: Path) -> str:
    """A 150 MB single-line file that is not an agg sweep: past the limit for files parsed whole."""
    _write_long_line(d / "long.json", 150 << 20)
    return "too large"


def long_line_1gib(d: Path) -> str:
    _write_long_line(d / "long.json", 1 << 30)
    return "too large"


def long_agg_row_1gib(d: Path) -> str:
    """An agg sweep whose one row holds a 1 GiB string: the streamed reader gives up after 16 MiB."""
    head, tail = json.dumps([agg_row(conc=32, image="@")]).split('"@"')
    with open(d / "agg_bmk.json", "wb") as fh:
        fh.write(head.encode() + b'"')
        block = b"x" * (1 << 20)
        for _ in range(1024):
            fh.write(block)
        fh.write(b'"' + tail.encode())
    return "too large"


def _write_long_line(path: Path, size: int) -> None:
    with open(path, "wb") as fh:
        fh.write(b'["')
        block = b"x" * (1 << 20)
        for _ in range(size >> 20):
            fh.write(block)
        fh.write(b'"]')


def csv_concurrency_4_5(d: Path) -> str:
    header = "Model,ISL,OSL,Hardware,Framework,Precision,TP,Concurrency,Date,Throughput/GPU (tok/s),Median TPOT (ms)"
    lines = [
        "# export",
        "# dashboard",
        "# snapshot",
        header,
        "gpt-oss-120b,1024,1024,b200,trt,fp4,4,4,2026-01-01,7000,0.02",
        "gpt-oss-120b,1024,1024,b200,trt,fp4,4,4.5,2026-01-01,9999,0.02",
    ]
    (d / "export.csv").write_text("\n".join(lines) + "\n")
    return "bad value for field: conc"


def duplicate_keys(d: Path) -> None:
    """The same duplicate key on the fast path and on the checked path (sent there by a NaN row)."""
    row = json.dumps(agg_row(conc=32, tput_per_gpu=1111.0))
    dup = row.replace('"tput_per_gpu": 1111.0', '"tput_per_gpu": 1111.0, "tput_per_gpu": 2222.0')
    (d / "fast.json").write_text(f"[{dup}]")
    (d / "slow.json").write_text(
        "["
        + dup.replace('"conc": 32', '"conc": 64')
        + ", "
        + json.dumps(agg_row(conc=128, tput_per_gpu=float("nan")))
        + "]"
    )


def unreadable_subfolder(d: Path) -> str:
    locked = d / "locked"
    locked.mkdir()
    (locked / "agg_bmk.json").write_text(json.dumps([agg_row(conc=32)]))
    locked.chmod(0)  # the tests also make scandir refuse it (root reads through mode 0)
    return "unreadable folder"


def hidden_files(d: Path) -> str:
    (d / ".hidden.json").write_text(json.dumps([agg_row(conc=32)]))
    (d / ".git").mkdir()
    (d / ".git" / "config").write_text("[core]\n")
    return "hidden"


def fifo(d: Path) -> str:
    os.mkfifo(d / "pipe.json")
    return "not a regular file"


def fifo_matched_by_glob(d: Path) -> str:
    """A FIFO named like data, reached through a glob (the tests load ``folder/*.json`` too)."""
    os.mkfifo(d / "zz.json")
    return "not a regular file"


def dangling_symlink(d: Path) -> str:
    os.symlink(d / "gone.json", d / "dangling.json")
    return "dangling"


def symlink_to_a_listed_file(d: Path) -> str:
    os.symlink(d / "good.json", d / "again.json")
    return "same file"


def symlink_loops(d: Path) -> str:
    """Two loops under the tree; the tests load it with a ``**`` glob too."""
    (d / "a" / "b").mkdir(parents=True)
    os.symlink(d / "a", d / "a" / "b" / "loop1")
    os.symlink(d, d / "a" / "loop2")
    (d / "a" / "b" / "agg_bmk.json").write_text(json.dumps([agg_row(conc=32)]))
    return "symbolic link to a folder"


def escape_sequence_name(d: Path) -> str:
    (d / ESCAPE_NAME).write_text("{not json")
    return "unreadable"


def non_utf8_name(d: Path) -> str:
    with open(os.path.join(os.fsencode(d), b"bad\xff\xfe.json"), "w") as fh:
        fh.write("{not json")
    return "unreadable"


CASES: dict[str, Callable[[Path], str | None]] = {
    f.__name__: f
    for f in (
        json_deep_file,
        json_deep_value,
        json_deep_api_row,
        json_deep_run_json,
        folders_deep,
        zips_deep,
        int_beyond_64_bits,
        tp_2_pow_31,
        tp_in_file_name,
        tp_zero_in_file_name,
        run_json_big_int,
        huge_ms_values,
        zip_encrypted,
        zip_corrupt_deflate,
        zip_unsupported_method,
        zip_lying_size,
        zip_symlink_member,
        zip_many_members,
        zip_bomb_small,
        zip_bomb_big,
        lone_surrogate,
        many_tiny_objects,
        long_line_medium,
        long_line_1gib,
        long_agg_row_1gib,
        csv_concurrency_4_5,
        duplicate_keys,
        unreadable_subfolder,
        hidden_files,
        fifo,
        fifo_matched_by_glob,
        dangling_symlink,
        symlink_to_a_listed_file,
        symlink_loops,
        escape_sequence_name,
        non_utf8_name,
    )
}
SLOW = ("zip_bomb_big", "long_line_1gib", "long_agg_row_1gib")


def build_case(name: str, folder: Path) -> str | None:
    """Build case ``name`` into ``folder`` (created) beside ``good.json``; return its expected reason."""
    folder.mkdir(parents=True, exist_ok=True)
    write_good(folder)
    return CASES[name](folder)


def remove_tree(root: Path) -> None:
    """Delete a folder tree without recursion (``shutil.rmtree`` recurses once per level: 1,100 levels fail, and
    pytest's clean-up of old temporary folders would fail on them later)."""
    stack: list[tuple[str, bool]] = [(os.fspath(root), False)]
    while stack:
        d, emptied = stack.pop()
        try:
            if emptied:
                os.rmdir(d)
                continue
            stack.append((d, True))
            for e in os.scandir(d):
                if e.is_dir(follow_symlinks=False):
                    stack.append((e.path, False))
                else:
                    os.unlink(e.path)
        except FileNotFoundError:
            pass


def walk_entries(root: Path) -> list[str]:
    """Every non-folder entry under ``root`` (links not followed), iteratively (trees here are 1,100 deep)."""
    out: list[str] = []
    stack = [os.fspath(root)]
    while stack:
        d = stack.pop()
        try:
            entries = list(os.scandir(d))
        except OSError:
            out.append(d)
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                stack.append(e.path)
            else:
                out.append(e.path)
    return sorted(out)
