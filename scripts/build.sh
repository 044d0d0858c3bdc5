#!/usr/bin/env bash
# Configures and builds the Release build (with tests) in ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSOC_BUILD_TESTS=ON >/dev/null
cmake --build build -j "$(nproc)"
