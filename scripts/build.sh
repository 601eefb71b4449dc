#!/usr/bin/env bash
# Configures (once) and builds bigganviz in build/ with Ninja. Extra arguments go to CMake's
# configure step, e.g. -DBGV_SANITIZE=ON. In CI (CI=true) warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BGV_BUILD_DIR:-build}
werror=OFF
[[ ${CI:-} == true ]] && werror=ON
# A compiler cache where the machine has one (install-deps does not install it; BGV_CCACHE=0 turns
# it off): an unchanged source costs nothing to rebuild, in this clone or another (paths are taken
# relative to the clone).
launcher=()
if [[ ${BGV_CCACHE:-1} != 0 ]] && command -v ccache >/dev/null; then
    export CCACHE_BASEDIR=$PWD
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
if [[ ! -f $build_dir/build.ninja || $# -gt 0 || ${CI:-} == true ]]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBGV_WERROR=$werror \
        "${launcher[@]}" "$@"
fi
cmake --build "$build_dir" -j "$(nproc)"
