#!/usr/bin/env python
"""Report benchmark: where the time of each report goes, step by step, and the whole build.

    ./run.sh bench --reports                          # every notebook on the bundled sample, then `frontier report`
    python bench/report_bench.py explore trend        # some notebooks
    python bench/report_bench.py --no-build           # the steps only, not the full parallel build

For each notebook, one run in a fresh kernel on the bundled sample (or ``--data``), its defaults otherwise:

- **kernel start**: a new ``python3`` kernel until it answers;
- **imports**: ``import frontier.report.notebook`` and the chart export (polars, Altair, vl-convert) in that kernel;
- **load**: ``frontier.data.load.load`` as the notebook's setup calls it (with the parquet cache as it is: warm after
  the first run);
- **analysis**: the notebook's cells minus load and figures (tables, callouts, the summary);
- **figures**: ``Context.figure``, rendering and writing each figure in the forms a report makes (``--figures
  light|all`` as ``frontier report`` takes it), with their count;
- **HTML export**: the executed notebook to the offline page (``frontier.report.render.notebook_to_html``).

Then, unless ``--no-build``, ``frontier report`` over the same notebooks into a temporary folder, as a user runs
it (``--jobs``, default the cores available): its wall time, CPU time (user + system of it and its kernels) and
each report's own time. Wall-clock figures depend on what else runs on the machine: the load average is printed
before and after, and CPU time beside wall time. Timings live here, never in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

STEPS = ("kernel start", "imports", "load", "analysis", "figures", "HTML export")

# run in the kernel before the notebook: time the imports, then wrap the loader and the figure export with timers
_PREAMBLE = """
import time as _bench_time
_t0 = _bench_time.perf_counter()
import frontier.report.notebook as _bench_nb
import frontier.present.charts, frontier.present.lab, vl_convert  # noqa: F401
_BENCH = {"imports": _bench_time.perf_counter() - _t0, "load": 0.0, "figures": 0.0, "n_figures": 0}

def _bench_timed(fn, key, count=None):
    def wrapper(*args, **kwargs):
        t = _bench_time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _BENCH[key] += _bench_time.perf_counter() - t
            if count:
                _BENCH[count] += 1
    return wrapper

_bench_nb.load = _bench_timed(_bench_nb.load, "load")
_bench_nb.Context.figure = _bench_timed(_bench_nb.Context.figure, "figures", "n_figures")
"""
_REPORT = "import json as _bench_json; print(_bench_json.dumps(_BENCH))"


def _cells_time(nb: Any) -> float:
    """Seconds the kernel spent on the notebook's own cells (from nbclient's execution timestamps)."""
    import datetime as dt

    total = 0.0
    for cell in nb.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if start and end:
            parse = dt.datetime.fromisoformat
            total += (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()
    return total


def bench_notebook(name: str, work: Path, data: list[str], timeout: int) -> dict[str, Any]:
    """The steps of one notebook run (seconds), in a fresh kernel."""
    import nbformat
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from frontier import paths
    from frontier.report.render import notebook_to_html

    out = work / name
    params: dict[str, Any] = {"output_dir": str(out)}
    if data:
        params["data_paths"] = data
    nb = load_notebook_node(str(paths.NOTEBOOKS / f"{name}.ipynb"))
    nb = parameterize_notebook(nb, params, report_mode=False)
    own = len(nb.cells)
    nb.cells.insert(0, nbformat.v4.new_code_cell(_PREAMBLE))
    nb.cells.append(nbformat.v4.new_code_cell(_REPORT))
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        resources={"metadata": {"path": str(ROOT)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    client.record_timing = True
    row: dict[str, Any] = {"name": name}
    t = time.perf_counter()
    with client.setup_kernel():
        row["kernel start"] = time.perf_counter() - t
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
    stats = json.loads("".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout"))
    nb.cells = nb.cells[1 : 1 + own]
    cells = _cells_time(nb)
    t = time.perf_counter()
    notebook_to_html(nb, title=name)
    row["HTML export"] = time.perf_counter() - t
    row["imports"] = stats["imports"]
    row["load"] = stats["load"]
    row["figures"] = stats["figures"]
    row["n_figures"] = stats["n_figures"]
    row["analysis"] = max(0.0, cells - stats["load"] - stats["figures"])
    row["total"] = sum(row[s] for s in STEPS)
    return row


def _warm_up_export() -> None:
    """Import the HTML exporter once, as the report runner does, so each report's export time is its own."""
    import nbformat

    from frontier.report.render import notebook_to_html

    notebook_to_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("warm-up")]), title="warm-up")


def bench_build(names: list[str], work: Path, data: list[str], jobs: int | None, figures: str) -> dict[str, Any]:
    """``frontier report`` over ``names`` as a user runs it: wall and CPU seconds, each report's own seconds."""
    out = work / "reports"
    cmd = [sys.executable, "-m", "frontier.cli", "report", *names, "--out", str(out), "--figures", figures]
    if data:
        cmd += ["--data", *data]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=_env(), check=False)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"frontier report failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    per = {}
    for name in names:
        run = json.loads((out / name / "run.json").read_text())
        per[name] = run["duration_s"]
    return {
        "wall_s": wall,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "reports_s": per,
    }


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "lib"), *filter(None, [env.get("PYTHONPATH")])])
    return env


def _print(rows: list[dict[str, Any]], build: dict[str, Any] | None, load: tuple[list[float], list[float]]) -> None:
    head = f"{'report':<22}" + "".join(f"{s:>14}" for s in STEPS) + f"{'total':>10}{'figures':>9}"
    print("Report steps, seconds (one fresh kernel per notebook, run one after the other)")
    print(head)
    print("-" * len(head))
    for r in rows:
        cells = "".join(f"{r[s]:>14.2f}" for s in STEPS)
        print(f"{r['name']:<22}{cells}{r['total']:>10.2f}{r['n_figures']:>9}")
    sums = {s: sum(r[s] for r in rows) for s in STEPS}
    total = sum(sums.values())
    print("-" * len(head))
    cells = "".join(f"{sums[s]:>14.2f}" for s in STEPS)
    print(f"{'total':<22}{cells}{total:>10.2f}{sum(r['n_figures'] for r in rows):>9}")
    share = "".join(f"{(sums[s] / total if total else 0):>14.0%}" for s in STEPS)
    print(f"{'share':<22}{share}")
    if build is not None:
        print()
        print(
            f"frontier report ({len(build['reports_s'])} reports, jobs {build['jobs']}, figures {build['figures']}): "
            f"{build['wall_s']:.1f} s wall, {build['cpu_s']:.1f} s CPU (user + system, with its kernels)"
        )
        slowest = max(build["reports_s"].items(), key=lambda kv: kv[1])
        print("  each report: " + ", ".join(f"{k} {v:.1f} s" for k, v in build["reports_s"].items()))
        print(f"  slowest: {slowest[0]} {slowest[1]:.1f} s")
    print(f"\nload average before {load[0]}, after {load[1]} ({os.cpu_count()} cores)")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="notebooks (default: all)")
    ap.add_argument("--data", nargs="+", default=[], metavar="PATH", help="input paths (default: the bundled sample)")
    ap.add_argument("--jobs", type=int, default=None, help="notebooks at once in the build (default: the cores)")
    ap.add_argument(
        "--figures", choices=("page", "light", "all"), default="page", help="figure forms, as frontier report"
    )
    ap.add_argument("--no-build", action="store_true", help="skip the full `frontier report` build")
    ap.add_argument("--timeout", type=int, default=600, help="per-cell timeout, seconds")
    ap.add_argument("--out", default=None, help="also write the figures as JSON here")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from frontier import paths
    from frontier.report import figure_forms
    from frontier.report.params import list_notebooks

    names = args.names or list_notebooks(paths.NOTEBOOKS)
    data = [str(Path(d).resolve()) for d in args.data]
    load_before = list(os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="frontier-report-bench-") as tmp:
        work = Path(tmp)
        os.environ[figure_forms.ENV] = args.figures  # the kernels inherit it
        _warm_up_export()
        rows = [bench_notebook(n, work / "steps", data, args.timeout) for n in names]
        build = None
        if not args.no_build:
            build = bench_build(names, work, data, args.jobs, args.figures)
            build["jobs"] = args.jobs or "auto"
            build["figures"] = args.figures
    load_after = list(os.getloadavg())
    _print(rows, build, (load_before, load_after))
    if args.out:
        Path(args.out).write_text(
            json.dumps({"steps": rows, "build": build, "loadavg": [load_before, load_after]}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
