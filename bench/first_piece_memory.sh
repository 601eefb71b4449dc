#!/usr/bin/env bash
# Peak resident memory (/usr/bin/time -v) of a 512 px render with the defaults, measured when its
# first piece has started (the process is killed then): for a 5 s song and a 60-minute one, so
# that what grows with the song's length shows. Also the seconds from the command to that moment.
# The model is the full-size 512 px architecture with seeded random weights
# (tools/seeded_biggan.py); the songs are the Brahms fixture cut and looped, as 192 kb/s mp3.
#
# Usage: bench/first_piece_memory.sh [MINUTES...]   (default: 5 s and 60 min; BGV_BINARY names
# the binary). Issue 20 asks for < 1.6 GB at 60 minutes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${BGV_BINARY:-$root/build/src/cli/bigganviz}
tmp=$(mktemp -d)
trap 'pkill -KILL -f "^$binary -s $tmp" 2>/dev/null || true; rm -rf "$tmp"' EXIT

/usr/bin/python3 "$root/tools/seeded_biggan.py" --data "$root/tests/model/biggan/data/fullsize/512" \
    --out "$tmp/model" >/dev/null
brahms=$root/tests/audio/data/brahms_hungarian_dance_5.ogg

# first_piece NAME SECONDS_OF_SONG: the song made, the render started and killed at its first
# piece, one line printed.
first_piece() {
    local name=$1 seconds=$2
    ffmpeg -v error -stream_loop -1 -i "$brahms" -t "$seconds" -ac 2 -ar 44100 -b:a 192k \
        "$tmp/$name.mp3"
    local work=$tmp/$name.d
    mkdir -p "$work"
    local start
    start=$(date +%s.%N)
    (cd "$work" && exec /usr/bin/time -v "$binary" -s "$tmp/$name.mp3" --weights "$tmp/model" \
        --seed 1 --quiet -o out.mp4 2>time.txt) &
    local timer=$!
    while [[ ! -e $work/out.mp4.partial/segment_000000.mp4.tmp ]] && kill -0 "$timer" 2>/dev/null; do
        sleep 0.2
    done
    local started
    started=$(date +%s.%N)
    pkill -KILL -f "^$binary -s $tmp/$name.mp3" || true
    wait "$timer" || true
    local kb
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    printf '%-8s song: peak RSS %.3f GB (%d kB) at the first piece, %.1f s after the command\n' \
        "$name" "$(echo "$kb / 1000000" | bc -l)" "$kb" "$(echo "$started - $start" | bc -l)"
}

echo "$(lscpu | awk -F': *' '/Model name/ {print $2}'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ $# -gt 0 ]]; then
    for minutes in "$@"; do first_piece "${minutes}min" $((minutes * 60)); done
else
    first_piece 5s 5
    first_piece 60min 3600
fi
