#!/usr/bin/env bash
# Installs the Debian packages that dreamsim needs to build, test and render
# reports. Only missing packages are installed, so running it twice is cheap
# and safe. Needs root (or sudo) the first time, when something is missing.
set -euo pipefail

packages=(
  cmake g++ ninja-build pkg-config
  libboost-dev libboost-graph-dev   # dependency DAG (Boost.Graph)
  libeigen3-dev                     # detector vector and matrix work
  nlohmann-json3-dev                # JSON scenario, outcome and sweep files
  libyaml-cpp-dev                   # YAML scenario and procedures files
  libcli11-dev                      # the command line
  libgraphviz-dev graphviz          # DAG layout through cgraph/gvc
  chromium                          # the report's real-browser test (headless)
  libgtest-dev libgmock-dev         # tests
  libbenchmark-dev                  # bench/
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "setup: missing packages (${missing[*]}) and not root; run as root" >&2
    exit 2
  fi
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
