#!/usr/bin/env bash
# Builds bigganviz and runs the whole test suite with CTest (a few minutes on two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh "$@"
# test-results.xml (JUnit, in the build folder) lets CI count the tests that did not run.
ctest --test-dir "${BGV_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)" --timeout 600 \
    --output-junit test-results.xml
