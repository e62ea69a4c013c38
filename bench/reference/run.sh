#!/usr/bin/env bash
# Builds and runs the C++ Metropolis reference: run.sh [GSET_FILE] [sweeps] [reads] [seed] [runs]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
file="${1:-$here/../../../shared/benchmarks/gset/G1.txt}"
out="${TMPDIR:-/tmp}/qp-metropolis"
g++ -O3 -march=native -std=c++17 -o "$out" "$here/metropolis.cpp"
for ((r = 0; r < ${5:-3}; r++)); do
  "$out" "$file" "${2:-1000}" "${3:-100}" "$(( ${4:-1} + r ))"
done
