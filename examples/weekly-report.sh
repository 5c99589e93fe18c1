#!/usr/bin/env bash
# The weekly job: fetch what is new, build the reports (each build kept in OUT/history/), write the digest of what
# changed since the previous build. Run as written by cron, by examples/weekly-report.yml and by
# tests/test_weekly.py (which runs it on two data snapshots).
#
#   cron, Mondays 06:00 UTC (the machine's clock in UTC; settings as crontab variable lines above it):
#   WEEKLY_MODELS=DeepSeek-R1-0528
#   WEEKLY_RUNS_REPO=SemiAnalysisAI/InferenceX
#   WEEKLY_DATA=data/raw/api:data/raw/runs
#   0 6 * * 1  cd /path/to/frontier && examples/weekly-report.sh >> reports/weekly.log 2>&1
#
# Settings (environment variables, all optional):
#   FRONTIER        how to run frontier (default: .venv/bin/frontier)
#   WEEKLY_MODELS   models to fetch from the public API, separated by ";" (default: none, no fetch)
#   WEEKLY_FETCH_OUT   where fetched API answers go (default: data/raw/api); its fetch-log.meta.json says what
#                   each fetch added, and the digest lists what was fetched since the previous build
#   WEEKLY_FETCH_ARGS  more options for frontier fetch (default: --history)
#   WEEKLY_RUNS_REPO   OWNER/NAME: also fetch every new CI run of its benchmark workflow with the GitHub CLI
#                   (frontier fetch --new-runs; gh installed and logged in, or GH_TOKEN set) (default: none)
#   WEEKLY_RUNS_OUT    where the runs go (default: data/raw/runs), with their fetch-log.meta.json
#   WEEKLY_RUNS_ARGS   more options for frontier fetch --new-runs (default: --max-runs 10)
#   WEEKLY_DATA     data paths for the reports, separated by ":" (default: data/raw/api)
#   WEEKLY_OUT      output folder (default: reports)
#   WEEKLY_REPORTS  notebooks to build, separated by spaces (default: every notebook)
#   WEEKLY_YAML     report parameters as one YAML mapping, e.g. '{isl: 1024, osl: 1024}' (default: none)
#   WEEKLY_KEEP     builds kept in OUT/history (default: 12)
#   WEEKLY_FAIL_ON  "moved" and/or "flipped" (space separated): exit 1 when the digest holds one (default: none)
#
# Writes OUT/index.html, one folder per report, OUT/history/<UTC time>/, OUT/changes.html (linked from the index),
# OUT/changes.md (the digest to paste into a chat or an email) and OUT/changes.json.
# Exit: 0 all built, nothing --fail-on named; 1 a report failed or --fail-on matched; 2 a bad request or a fetch
# that failed (nothing built).
set -euo pipefail

read -r -a FRONTIER_CMD <<< "${FRONTIER:-.venv/bin/frontier}"
OUT="${WEEKLY_OUT:-reports}"
KEEP="${WEEKLY_KEEP:-12}"

# 1. fetch: each model's rows over dates; a response younger than the cache age is reused, and the fetch records
#    what it added in data/raw/api/fetch-log.meta.json ...
FETCH_OUT="${WEEKLY_FETCH_OUT:-data/raw/api}"
if [[ -n "${WEEKLY_MODELS:-}" ]]; then
  IFS=';' read -r -a models <<< "$WEEKLY_MODELS"
  read -r -a fetch_args <<< "${WEEKLY_FETCH_ARGS:---history}"
  for model in "${models[@]}"; do
    "${FRONTIER_CMD[@]}" fetch --model "$model" --out "$FETCH_OUT" "${fetch_args[@]}" || exit 2
  done
fi
#    and every CI run of the benchmark workflow not yet downloaded and newer than the newest one held (at most
#    --max-runs; a run that fails to download is listed with its reason, and tried again next time)
RUNS_OUT="${WEEKLY_RUNS_OUT:-data/raw/runs}"
if [[ -n "${WEEKLY_RUNS_REPO:-}" ]]; then
  read -r -a runs_args <<< "${WEEKLY_RUNS_ARGS:---max-runs 10}"
  "${FRONTIER_CMD[@]}" fetch --new-runs --repo "$WEEKLY_RUNS_REPO" --out "$RUNS_OUT" "${runs_args[@]}" || exit 2
fi

# 2. build every report; each build is kept in OUT/history and OUT/changes.html compares it with the one before
IFS=':' read -r -a data <<< "${WEEKLY_DATA:-data/raw/api}"
args=(report --out "$OUT" --keep-history "$KEEP" --data "${data[@]}")
if [[ -n "${WEEKLY_YAML:-}" ]]; then args+=(-y "$WEEKLY_YAML"); fi
if [[ -n "${WEEKLY_REPORTS:-}" ]]; then read -r -a names <<< "$WEEKLY_REPORTS"; args+=("${names[@]}"); fi
report_rc=0
"${FRONTIER_CMD[@]}" "${args[@]}" || report_rc=$?
if [[ $report_rc -ge 2 ]]; then exit 2; fi

# 3. the digest of what changed since the previous build (none on the first build)
fail_on=()
for f in ${WEEKLY_FAIL_ON:-}; do fail_on+=(--fail-on "$f"); done
log=()
for folder in "$FETCH_OUT" "$RUNS_OUT"; do
  if [[ -f "$folder/fetch-log.meta.json" ]]; then log+=(--fetch-log "$folder/fetch-log.meta.json"); fi
done
changes_rc=0
if [[ $(find "$OUT/history" -mindepth 1 -maxdepth 1 -type d ! -name '.*' 2>/dev/null | wc -l) -ge 2 ]]; then
  "${FRONTIER_CMD[@]}" changes --out "$OUT" "${log[@]}" --json --write "$OUT/changes.json" || exit 2
  # the page linked from the index, now with what each fetch added ("3 new runs since 2026-11-28")
  "${FRONTIER_CMD[@]}" changes --out "$OUT" "${log[@]}" --format html --write "$OUT/changes.html" || exit 2
  "${FRONTIER_CMD[@]}" changes --out "$OUT" "${log[@]}" --format md --write "$OUT/changes.md" "${fail_on[@]}" \
    || changes_rc=$?
  if [[ $changes_rc -ge 2 ]]; then exit 2; fi
else
  echo "first build kept in $OUT/history: nothing to compare yet" > "$OUT/changes.md"
fi

# 4. upload: the CI workflow uploads OUT as an artifact; under cron, OUT is served or synced as it is
if [[ $report_rc -ne 0 || $changes_rc -ne 0 ]]; then exit 1; fi
