#!/usr/bin/env bash
# Times a whole sweep, the issue-7 benchmark: every scenario of the library
# on seeds 1..100, `dreamsim sweep --jobs 2` ROUNDS times and `--jobs 1`
# ROUNDS times, alternately, each into a fresh directory (nothing resumed).
# Prints the median wall time of each, runs per second, runs per second per
# core (runs / (wall x jobs)), runs per CPU-second (user + sys, which the
# other load on a shared machine does not inflate), and the 2-job speed-up.
# It also checks that both job counts wrote the same sweep.json.
#
#   bench/sweep_bench.sh BUILD_DIR [ROUNDS] [SEEDS] [SCENARIO...]
#   bench/sweep_bench.sh build 3 1..100                 # scenarios/library/*.yaml
#   bench/sweep_bench.sh build 3 1..20 scenarios/examples/*.yaml
set -euo pipefail
build=${1:?usage: sweep_bench.sh BUILD_DIR [ROUNDS] [SEEDS] [SCENARIO...]}
rounds=${2:-3}
seeds=${3:-1..100}
shift $(( $# >= 3 ? 3 : $# ))
scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then scenarios=(scenarios/library/*.yaml); fi
dreamsim="$build/tools/dreamsim"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One timed sweep: prints "wall cpu runs".
one() {
  local jobs=$1 out="$work/j$1.$2"
  /usr/bin/time -f '%e %U %S' -o "$work/time" \
    "$dreamsim" sweep "${scenarios[@]}" --seeds "$seeds" --jobs "$jobs" --out "$out" \
    >/dev/null 2>"$work/err" || [ $? -eq 1 ] || { cat "$work/err" >&2; exit 2; }
  local runs
  runs=$(awk -F': ' '/"runs":/ {gsub(/,/, "", $2); print $2; exit}' "$out/sweep.json")
  # A failed expectation (exit 1) makes time(1) write a 'Command exited' line first.
  tail -n 1 "$work/time" | awk -v r="$runs" '{printf "%s %.2f %s\n", $1, $2 + $3, r}'
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
w1=() w2=() c1=() c2=()
runs=0
for ((i = 0; i < rounds; i++)); do
  read -r w c runs < <(one 2 "$i"); w2+=("$w"); c2+=("$c")
  read -r w c runs < <(one 1 "$i"); w1+=("$w"); c1+=("$c")
done
if ! cmp -s "$work/j1.0/sweep.json" "$work/j2.0/sweep.json"; then
  echo "sweep_bench: --jobs 1 and --jobs 2 wrote different sweep.json" >&2
  exit 1
fi
m1=$(median "${w1[@]}"); m2=$(median "${w2[@]}")
mc1=$(median "${c1[@]}"); mc2=$(median "${c2[@]}")
echo "scenarios: ${#scenarios[@]}; seeds: $seeds; runs per sweep: $runs; rounds: $rounds"
echo "--jobs 1  wall s: ${w1[*]}  median $m1"
echo "--jobs 2  wall s: ${w2[*]}  median $m2"
awk -v n="$runs" -v m1="$m1" -v m2="$m2" -v c1="$mc1" -v c2="$mc2" 'BEGIN {
  printf "--jobs 1  %.1f runs/s, %.1f runs/s/core, %.1f runs per CPU-second\n", n / m1, n / m1, n / c1
  printf "--jobs 2  %.1f runs/s, %.1f runs/s/core, %.1f runs per CPU-second\n", n / m2, n / (2 * m2), n / c2
  printf "speed-up of --jobs 2 over --jobs 1 (median wall): %.2fx\n", m1 / m2
}'
