#!/usr/bin/env bash
# Sets up a fresh machine, builds, and runs every test through ctest: first the
# Release build, then a second build with AddressSanitizer and
# UndefinedBehaviorSanitizer. Exit status is ctest's.
#
#   tools/test.sh            everything (what CI runs)
#   tools/test.sh --no-asan  the Release build only, for a quick local loop
set -euo pipefail
cd "$(dirname "$0")/.."

asan=1
for arg in "$@"; do
  case "$arg" in
    --no-asan) asan=0 ;;
    *) echo "tools/test.sh: unknown option '$arg' (expected --no-asan)" >&2; exit 2 ;;
  esac
done

jobs=$(nproc 2>/dev/null || echo 2)
./tools/setup.sh

echo "== Release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DDREAMSIM_TESTS=ON -DDREAMSIM_BENCH=ON
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

if [ "$asan" -eq 1 ]; then
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=None -DDREAMSIM_SANITIZE=ON \
    -DDREAMSIM_BENCH=OFF
  cmake --build build-asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs"
fi
