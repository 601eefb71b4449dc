#!/usr/bin/env bash
# Builds every libFuzzer target in fuzz/ (each fuzz/fuzz_NAME.cpp, found by name, so a new one
# runs without being listed here) with clang, ASan and UBSan in build-fuzz/, then runs each for
# BGV_FUZZ_SECONDS (60) seconds, nproc at a time, from the seeds in fuzz/corpus/NAME with
# fuzz/NAME.dict when they exist. Prints each fuzzer's runs; fails if any fuzzer fails (a crash,
# leak, undefined behaviour or timeout) or a target does not build.
# Needs clang and libclang-rt-14-dev (BIGGANVIZ_WITH_FUZZ=1 scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BGV_FUZZ_BUILD_DIR:-build-fuzz}
seconds=${BGV_FUZZ_SECONDS:-60}
jobs=${BGV_FUZZ_JOBS:-$(nproc)}

mapfile -t targets < <(find fuzz -maxdepth 1 -name 'fuzz_*.cpp' -printf '%f\n' | sed 's/\.cpp$//' | sort)
if ((${#targets[@]} == 0)); then
    echo "fuzz.sh: no fuzz/fuzz_*.cpp found" >&2
    exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets: ${targets[*]}"
# Warnings are not errors here: the gcc build is the warnings gate, and clang with the sanitizers
# reports loops it chose not to vectorise (-Wpass-failed), which is no defect.
source scripts/compiler_cache.sh
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBGV_FUZZ=ON \
    -DBGV_TESTS=OFF -DBGV_BENCH=OFF -DBGV_WERROR=OFF "${compiler_cache[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target "${targets[@]}"

# One fuzzer: a fresh working corpus seeded from fuzz/corpus/NAME; its log in build-fuzz/.
run_fuzzer() {
    local target=$1 name=${1#fuzz_}
    local work=$build_dir/corpus-$name log=$build_dir/$target.log
    rm -rf "$work" && mkdir -p "$work"
    local arguments=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1)
    [[ -f fuzz/$name.dict ]] && arguments+=(-dict="fuzz/$name.dict")
    local seeds=()
    [[ -d fuzz/corpus/$name ]] && seeds=("fuzz/corpus/$name")
    "$build_dir/fuzz/$target" "${arguments[@]}" "$work" "${seeds[@]}" >"$log" 2>&1
}

declare -A pid_of
failed=()
for target in "${targets[@]}"; do
    while (($(jobs -rp | wc -l) >= jobs)); do
        wait -n || true
    done
    run_fuzzer "$target" &
    pid_of[$target]=$!
done
for target in "${targets[@]}"; do
    status=0
    wait "${pid_of[$target]}" || status=$?
    log=$build_dir/$target.log
    done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -1 || true)
    coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
    if ((status == 0)); then
        echo "fuzz.sh: $target: ${done_line:-no summary} ($coverage)"
    else
        echo "fuzz.sh: $target FAILED (exit $status); the end of $log:"
        tail -n 40 "$log"
        failed+=("$target")
    fi
done
if ((${#failed[@]})); then
    echo "fuzz.sh: failed: ${failed[*]}" >&2
    exit 1
fi
