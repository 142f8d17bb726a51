#!/usr/bin/env bash
# Runs every scenario of the library (scenarios/library/) on seeds A..B
# (default 1..100) with its default procedures through `dreamsim run`, in
# parallel, and lists every run that failed an expectation with the command
# that replays it. Exit 0 when every run met every expectation, 1 otherwise.
#
#   tools/library_check.sh [BUILD_DIR] [FIRST_SEED] [LAST_SEED] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
first=${2:-1}
last=${3:-100}
jobs=${4:-$(nproc 2>/dev/null || echo 2)}
bin="$build/tools/dreamsim"
[ -x "$bin" ] || { echo "library_check: $bin not built" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures="$tmp/failures"
: >"$failures"
for scenario in scenarios/library/*.yaml scenarios/library/*.json; do
  [ -e "$scenario" ] || continue
  for seed in $(seq "$first" "$last"); do echo "$scenario $seed"; done
done | xargs -P "$jobs" -n 2 sh -c '
  err="'"$tmp"'/$(basename "$1").$2.err"
  if ! "$0" run "$1" --seed "$2" >/dev/null 2>"$err"; then
    { echo "== $1 seed $2"; cat "$err"; } >>"'"$failures"'"
  fi
  rm -f "$err"' "$bin"
count=0
for scenario in scenarios/library/*.yaml scenarios/library/*.json; do
  [ -e "$scenario" ] && count=$((count + 1))
done
runs=$((count * (last - first + 1)))
if [ -s "$failures" ]; then
  cat "$failures"
  echo "library_check: $(grep -c '^== ' "$failures") of $runs runs failed an expectation" >&2
  exit 1
fi
echo "library_check: all $runs runs (seeds $first..$last) met every expectation"
