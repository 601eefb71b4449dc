#!/usr/bin/env bash
# Peak memory (/usr/bin/time -v) and wall time of decoding and analysing long songs (issues 18
# and 20): for songs of 1, 10 and 60 minutes, what a render with the seed choreography analyses
# (`seed`), a render with the beat choreography (`beat`) and `bigganviz analyze` or the studio's
# upload (`both`), each in its own process (bench/bench_analysis.cpp); then a 2 s section at the
# song's start and at 3590 s, by bench_analysis and by a render with the tiny test model; then a
# 10-hour silent FLAC refused by --max_duration.
#
# Usage: bench/analysis_memory.sh [MINUTES...]          (default: 1 10 60)
#   BGV_REFERENCE_REV=REV  also build bench_analysis at git revision REV (e.g. the commit before
#                          the streaming analysis) in a temporary folder, run it on the same songs
#                          in the same run, and print the ratios (this run / reference).
#   BGV_BUILD_DIR          the build to measure (default: build/).
# Songs are made with ffmpeg's lavfi (a chord, a beeping tone and pink noise, 44.1 kHz stereo
# FLAC, 5 MB a minute) in a temporary folder; nothing large is kept. The 60-minute runs take a
# few minutes each on two loaded cores; the 10-hour FLAC takes ffmpeg about 15 s to make.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BGV_BUILD_DIR:-$root/build}
minutes=("$@")
[[ ${#minutes[@]} -gt 0 ]] || minutes=(1 10 60)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

benches=("$build/bench/bench_analysis")
names=(this)
if [[ -n ${BGV_REFERENCE_REV:-} ]]; then
    echo "building bench_analysis at $BGV_REFERENCE_REV ..."
    mkdir -p "$tmp/reference"
    git -C "$root" archive "$BGV_REFERENCE_REV" | tar -x -C "$tmp/reference"
    # The bench builds against either tree (see bench_analysis.cpp).
    cp "$root/bench/bench_analysis.cpp" "$root/bench/CMakeLists.txt" "$tmp/reference/bench/"
    cmake -S "$tmp/reference" -B "$tmp/reference/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        > "$tmp/reference.log" 2>&1
    cmake --build "$tmp/reference/build" --target bench_analysis >> "$tmp/reference.log" 2>&1
    benches+=("$tmp/reference/build/bench/bench_analysis")
    names+=(reference)
fi

longest=0
for m in "${minutes[@]}"; do ((m > longest)) && longest=$m; done
((longest >= 60)) || longest=60  # the section runs need an hour
echo "making a ${longest}-minute song ..."
ffmpeg -v error -f lavfi -i "sine=f=220:d=$((longest * 60)),volume=0.3[a];\
sine=f=331:d=$((longest * 60)):beep_factor=4,volume=0.2[b];\
anoisesrc=d=$((longest * 60)):a=0.05:c=pink:seed=1[c];[a][b][c]amix=inputs=3,\
aformat=channel_layouts=stereo" -ar 44100 -c:a flac "$tmp/song$longest.flac"
song() {  # song MINUTES: the first MINUTES of the long song
    [[ -f $tmp/song$1.flac ]] || ffmpeg -v error -i "$tmp/song$longest.flac" -t $(($1 * 60)) \
        -c:a flac "$tmp/song$1.flac"
    echo "$tmp/song$1.flac"
}

# measure COMMAND...: sets peak_mb and wall_s from /usr/bin/time -v.
measure() {
    /usr/bin/time -v "$@" > "$tmp/out.txt" 2> "$tmp/time.txt" || {
        cat "$tmp/out.txt" "$tmp/time.txt" >&2
        return 1
    }
    peak_mb=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$tmp/time.txt")
    wall_s=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, t, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + t[i]; print s}' \
        "$tmp/time.txt")
}

echo
echo "machine: $(lscpu | awk -F': +' '/Model name/ {print $2}'), $(nproc) cores; load: $(uptime | sed 's/.*load average: //')"
echo
printf '%-8s %-5s %-10s %10s %9s\n' mode min bench 'peak MB' 'wall s'
declare -A peak wall
for mode in seed beat both; do
    for m in "${minutes[@]}"; do
        for i in "${!benches[@]}"; do
            measure "${benches[$i]}" "$mode" "$(song "$m")"
            peak[$mode,$m,${names[$i]}]=$peak_mb
            wall[$mode,$m,${names[$i]}]=$wall_s
            printf '%-8s %-5s %-10s %10s %9s\n' "$mode" "$m" "${names[$i]}" "$peak_mb" "$wall_s"
        done
    done
done

echo
first=${minutes[0]}
last=${minutes[${#minutes[@]} - 1]}
if ((last > first)); then
    echo "growth per minute of audio, (peak at $last min - peak at $first min) / $((last - first)):"
    for mode in seed beat both; do
        for name in "${names[@]}"; do
            printf '  %-5s %-10s %6.1f MB/min\n' "$mode" "$name" \
                "$(echo "(${peak[$mode,$last,$name]} - ${peak[$mode,$first,$name]}) / ($last - $first)" | bc -l)"
        done
    done
fi
if [[ ${#names[@]} -gt 1 ]]; then
    echo "ratios this / reference at $last min (peak RSS, wall):"
    for mode in seed beat both; do
        printf '  %-5s %.2f  %.2f\n' "$mode" \
            "$(echo "${peak[$mode,$last,this]} / ${peak[$mode,$last,reference]}" | bc -l)" \
            "$(echo "${wall[$mode,$last,this]} / ${wall[$mode,$last,reference]}" | bc -l)"
    done
fi

echo
echo "a 2 s section of the 60-minute song (decode + seed analysis; render with the tiny model):"
hour=$(song 60)
for i in "${!benches[@]}"; do
    for start in 0 3590; do
        measure "${benches[$i]}" seed "$hour" 512 "$start" 2
        printf '  %-10s analysis --start %-5s peak %5s MB, wall %6s s\n' "${names[$i]}" "$start" \
            "$peak_mb" "$wall_s"
    done
done
tiny=$root/tests/model/biggan/data/tiny128
for start in 0 3590; do
    measure "$build/src/cli/bigganviz" -s "$hour" --weights "$tiny" -d 2 --start "$start" \
        --seed 1 --quiet -o "$tmp/section_$start.mp4"
    printf '  %-10s render   --start %-5s peak %5s MB, wall %6s s\n' this "$start" "$peak_mb" \
        "$wall_s"
done

echo
echo "a 10-hour silent FLAC (8 kHz mono) and --max_duration 1800:"
ffmpeg -v error -f lavfi -i anullsrc=r=8000:cl=mono -t 36000 -c:a flac "$tmp/ten_hours.flac"
echo "  $(du -h "$tmp/ten_hours.flac" | cut -f1) on disk"
set +e
/usr/bin/time -f '%e %M' "$build/src/cli/bigganviz" analyze -s "$tmp/ten_hours.flac" \
    --max_duration 1800 --out "$tmp/refused" > /dev/null 2> "$tmp/refused.txt"
status=$?
set -e
echo "  exit $status: $(head -1 "$tmp/refused.txt")"
tail -1 "$tmp/refused.txt" | awk '{printf "  refused in %s s, peak %.0f MB\n", $1, $2 / 1024}'
