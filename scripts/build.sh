#!/usr/bin/env bash
# Configures (once) and builds bigganviz in build/ with Ninja. Extra arguments go to CMake's
# configure step, e.g. -DBGV_SANITIZE=ON. In CI (CI=true) warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BGV_BUILD_DIR:-build}
werror=OFF
[[ ${CI:-} == true ]] && werror=ON
source scripts/compiler_cache.sh
if [[ ! -f $build_dir/build.ninja || $# -gt 0 || ${CI:-} == true ]]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBGV_WERROR=$werror \
        "${compiler_cache[@]}" "$@"
fi
cmake --build "$build_dir" -j "$(nproc)"
