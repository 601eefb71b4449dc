#!/usr/bin/env bash
# Builds bigganviz and runs the whole test suite with CTest (a few minutes on two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh "$@"
ctest --test-dir "${BGV_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)" --timeout 600
