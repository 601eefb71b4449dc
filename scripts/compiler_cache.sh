# Sourced by scripts/build.sh and scripts/fuzz.sh: sets `compiler_cache` to the CMake arguments
# that compile through ccache where the machine has one (install-deps does not install it;
# BGV_CCACHE=0 turns it off), with paths taken relative to the clone, so that an unchanged source
# costs nothing to rebuild, in this clone or another.
compiler_cache=()
if [[ ${BGV_CCACHE:-1} != 0 ]] && command -v ccache >/dev/null; then
    export CCACHE_BASEDIR=$PWD
    compiler_cache=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
