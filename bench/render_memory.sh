#!/usr/bin/env bash
# Peak resident memory (/usr/bin/time -v) of `bigganviz` rendering at 512 px with the defaults
# (-bs 20), for 5 s and 60 s of song, on the full-size 512 px model with seeded random weights
# (tools/seeded_biggan.py, written to a temporary folder). Also checks that the default render's
# decoded frames equal those of a `-bs 4` render of the same command (5 s).
#
# Usage: bench/render_memory.sh [SECONDS...]   (default: 5 60; BGV_BINARY names the binary)
# A 60 s render is ~2600 frames: about 20 minutes on 2 quiet cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${BGV_BINARY:-$root/build/src/cli/bigganviz}
lengths=("$@")
[[ ${#lengths[@]} -gt 0 ]] || lengths=(5 60)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 "$root/tools/seeded_biggan.py" --data "$root/tests/model/biggan/data/fullsize/512" \
    --out "$tmp/model"
# 60 s of music: the Brahms fixture (46 s) looped.
ffmpeg -v error -stream_loop -1 -i "$root/tests/audio/data/brahms_hungarian_dance_5.ogg" -t 61 \
    -ac 2 "$tmp/song.wav"

render() {  # render NAME ARGS...: prints peak RSS (GB) and wall time
    local name=$1
    shift
    (cd "$tmp" && /usr/bin/time -v "$binary" -s song.wav --weights model --seed 1 --quiet \
        -o "$name.mp4" "$@" 2> "$name.time")
    local kb seconds
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/$name.time")
    seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tmp/$name.time")
    printf '%-28s peak RSS %.2f GB, wall %s\n' "$name" "$(echo "$kb / 1000000" | bc -l)" "$seconds"
}

for seconds in "${lengths[@]}"; do
    render "512px_${seconds}s_defaults" -d "$seconds"
done
render 512px_5s_bs4 -d 5 -bs 4
if [[ -f $tmp/512px_5s_defaults.mp4 ]]; then
    decode() { ffmpeg -v error -i "$1" -f rawvideo -pix_fmt rgb24 - | sha256sum; }
    if [[ $(decode "$tmp/512px_5s_defaults.mp4") == $(decode "$tmp/512px_5s_bs4.mp4") ]]; then
        echo "decoded frames of the default render and the -bs 4 render: identical"
    else
        echo "decoded frames of the default render and the -bs 4 render: DIFFERENT"
        exit 1
    fi
fi
