#!/usr/bin/env bash
# Sets up a fresh machine, builds dreamsim (Release) and runs the default
# scenario suite, writing each run's outcome.json and reports (report.html,
# dag.svg, trace.json) under out/<scenario>/.
#
# The suite is the scenario library (scenarios/library/, every expectation
# must hold) and the example scenarios (scenarios/examples/), each with its
# own procedures (the defaults unless it names a file), plus the PHOLD engine
# benchmark (out/phold.txt). It exits 1 when a run fails an expectation; each
# failure prints the command that replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)
./tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DDREAMSIM_TESTS=OFF -DDREAMSIM_BENCH=OFF
cmake --build build -j "$jobs" --target dreamsim phold_reference

mkdir -p out
status=0
for scenario in scenarios/library/*.yaml scenarios/library/*.json \
                scenarios/examples/*.yaml scenarios/examples/*.json; do
  [ -e "$scenario" ] || continue
  name=$(basename "${scenario%.*}")
  echo "== $scenario"
  if ! ./build/tools/dreamsim run "$scenario" --out "out/$name" --report; then
    echo "suite: $scenario failed" >&2
    status=1
  fi
done

echo "== PHOLD engine benchmark"
./build/tools/dreamsim bench phold --lps 1000 --events 2000000 | tee out/phold.txt
./build/bench/phold_reference --lps 1000 --events 2000000 | tee -a out/phold.txt
echo "suite: reports under out/ (per scenario: outcome.json, report.html, dag.svg, trace.json; phold.txt)"
exit $status
