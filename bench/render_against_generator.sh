#!/usr/bin/env bash
# A whole render against the generator alone, in one run: issue 19 asks that a 512 px render end
# to end (model load, decoding, features, encoding and muxing included) take within 10 % of the
# generator's own time for the same frames. The generator alone is `bench_biggan --one` at the
# render's sub-batch (render/biggan_frames.h: kMaxUsefulBatch, 4) and thread count, timed before
# and after the render so that a drift of the machine's load shows; the render is the default
# command on the full-size architecture with seeded random weights (tools/seeded_biggan.py) and a
# cut of the Brahms fixture.
#
# Usage: bench/render_against_generator.sh [SECONDS_OF_SONG [RESOLUTION [THREADS]]]
#        (defaults: 8 s, 512 px, 2 threads; BGV_BUILD names the build folder)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BGV_BUILD:-$root/build}
seconds=${1:-8}
resolution=${2:-512}
threads=${3:-2}
batch=4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 "$root/tools/seeded_biggan.py" \
    --data "$root/tests/model/biggan/data/fullsize/$resolution" --out "$tmp/model" >/dev/null
ffmpeg -v error -i "$root/tests/audio/data/brahms_hungarian_dance_5.ogg" -t "$seconds" -ac 2 \
    -ar 44100 -b:a 192k "$tmp/song.mp3"

# generator: seconds of wall time per frame, best of 3 repeats after a warm-up.
generator() {
    "$build/bench/bench_biggan" --one "$resolution" "$batch" "$threads" 3 fp32 |
        awk '/^RESULT/ {print $2}'
}

echo "$(lscpu | awk -F': *' '/Model name/ {print $2}'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
before=$(generator)
start=$(date +%s.%N)
"$build/src/cli/bigganviz" -s "$tmp/song.mp3" --weights "$tmp/model" --seed 1 -r "$resolution" \
    --threads "$threads" --quiet -o "$tmp/out.mp4"
end=$(date +%s.%N)
after=$(generator)
frames=$(ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets \
    -of csv=p=0 "$tmp/out.mp4")
awk -v before="$before" -v after="$after" -v start="$start" -v end="$end" -v frames="$frames" \
    -v px="$resolution" -v batch="$batch" -v threads="$threads" 'BEGIN {
    render = (end - start) / frames
    best = before < after ? before : after
    printf "generator alone, %d px batch %d, %d threads: %.1f ms a frame before the render, %.1f after\n",
        px, batch, threads, before * 1000, after * 1000
    printf "whole render: %d frames in %.1f s, %.1f ms a frame (model load, decoding, features, encoding included)\n",
        frames, end - start, render * 1000
    printf "render / generator: %.3f against the faster generator run, %.3f against the slower (goal <= 1.10)\n",
        render / best, render / (before + after - best)
}'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
