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
py="${PYTHON:-python3.11}"
command -v "$py" >/dev/null 2>&1 || py=python3
stamp="$venv/.installed"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  "$py" -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found %s" % sys.version.split()[0]'
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e ".[test]"
  "$venv/bin/python" -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (frontier)" >/dev/null
  touch "$stamp"
fi
export PATH="$venv/bin:$PATH"
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
