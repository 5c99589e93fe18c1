#!/usr/bin/env bash
# One entry point for a fresh machine: creates .venv (Python 3.11) on first use, then runs a job.
#   ./run.sh reports   build every report on the bundled sample data (reports/)
#   ./run.sh test      run the test suite (on every core; `./run.sh test -n0 ...` in one process)
#   ./run.sh bench     run the performance benchmark (bench/); `./run.sh bench --reports`: the report benchmark
#   ./run.sh setup     only create/refresh the environment
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
venv="$root/.venv"
stamp="$venv/.installed"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ run.sh -nt "$stamp" ]; then
  # the Python to build .venv from: $PYTHON if given, else python3.11, else python3; it must be 3.11
  py="${PYTHON:-python3.11}"
  if [ -z "${PYTHON:-}" ] && ! command -v "$py" >/dev/null 2>&1; then py=python3; fi
  found="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null | head -n 1)" || found=""
  if [ "$found" != "3.11" ]; then
    echo "run.sh: frontier needs Python 3.11; ${py} is ${found:+Python }${found:-not a working Python}. Install Python 3.11 and point run.sh at it: PYTHON=/path/to/python3.11 ./run.sh ${1:-reports}" >&2
    exit 2
  fi
  echo "setting up .venv (Python 3.11 from ${py}, about 1-2 min): installing frontier, its pinned packages and the notebook kernel" >&2
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e ".[test]"
  "$venv/bin/python" -m frontier.report.kernel install >/dev/null  # the kernel notebooks name (lib/frontier/report/kernel.py)
  touch "$stamp"
fi
export PATH="$venv/bin:$PATH"
# compiled modules are cached (Python's default, which some environments turn off): otherwise every notebook kernel,
# report and test worker compiles the library again, and pytest rewrites every test module on every run
unset PYTHONDONTWRITEBYTECODE
job="${1:-reports}"; shift || true
case "$job" in
  setup)   echo "environment ready: $venv" ;;
  reports) exec frontier report "$@" ;;
  test)    exec python -m pytest "$@" ;;
  bench)
    if [ "${1:-}" = "--reports" ]; then shift; exec python bench/report_bench.py "$@"; fi
    exec python bench/run_bench.py "$@" ;;
  *) echo "usage: ./run.sh {reports|test|bench|setup} [args...]" >&2; exit 2 ;;
esac
