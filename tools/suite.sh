#!/usr/bin/env bash
# Sets up a fresh machine, builds dreamsim (Release) and runs the default
# scenario suite, writing its reports under out/.
#
# Until the scenario library exists (issue 7), the suite is the PHOLD engine
# benchmark and the example scenarios that `dreamsim run` can already play;
# it says so in its output.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)
./tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DDREAMSIM_TESTS=OFF
cmake --build build -j "$jobs" --target dreamsim phold_reference

mkdir -p out
echo "== PHOLD engine benchmark (the scenario library does not exist yet; issue 7 adds it)"
./build/tools/dreamsim bench phold --lps 1000 --events 2000000 | tee out/phold.txt
./build/bench/phold_reference --lps 1000 --events 2000000 | tee -a out/phold.txt
echo "suite: wrote out/phold.txt"
