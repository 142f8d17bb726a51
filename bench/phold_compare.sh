#!/usr/bin/env bash
# Measures the engine against the bare reference loop, side by side: runs
# `dreamsim bench phold` and `phold_reference` alternately, ROUNDS times each,
# and prints the median events per second of each and their ratio. Both must
# report the same final hash, or the comparison is void.
#
#   bench/phold_compare.sh BUILD_DIR [ROUNDS] [phold flags...]
#   bench/phold_compare.sh build 5 --lps 1000 --events 5000000
set -euo pipefail
build=${1:?usage: phold_compare.sh BUILD_DIR [ROUNDS] [phold flags...]}
rounds=${2:-5}
shift $(( $# >= 2 ? 2 : 1 ))
flags=("$@")
engine=()
reference=()
for ((i = 0; i < rounds; i++)); do
  e=$("$build/tools/dreamsim" bench phold "${flags[@]}")
  r=$("$build/bench/phold_reference" "${flags[@]}")
  he=$(awk '/final hash/ {print $3}' <<<"$e")
  hr=$(awk '/final hash/ {print $3}' <<<"$r")
  if [ "$he" != "$hr" ]; then
    echo "phold_compare: hashes differ (engine $he, reference $hr)" >&2
    exit 1
  fi
  engine+=("$(awk '/events per second/ {print $4}' <<<"$e")")
  reference+=("$(awk '/events per second/ {print $4}' <<<"$r")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
me=$(median "${engine[@]}")
mr=$(median "${reference[@]}")
echo "flags: ${flags[*]:-(defaults)}; rounds: $rounds; hash: $he"
echo "engine     events/s: ${engine[*]}  median $me"
echo "reference  events/s: ${reference[*]}  median $mr"
awk -v e="$me" -v r="$mr" 'BEGIN {printf "ratio engine/reference (medians): %.3f\n", e / r}'
