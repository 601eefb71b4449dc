#!/usr/bin/env bash
# The screenshots of docs/live.md, taken under Xvfb with openbox (tests/live/live_harness.sh):
# `bigganviz live` playing a fixture song silently (--playback none) in a window, fullscreen, and
# before and after a class change sent over OSC. Usage: scripts/live_screenshots.sh WEIGHTS_DIR
# (e.g. the full-size 128 px model with seeded random weights written by tools/seeded_biggan.py:
# the pictures are what random weights draw, not a trained model's). Writes docs/images/live-*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
weights=${1:?usage: scripts/live_screenshots.sh WEIGHTS_DIR}
binary=build/src/cli/bigganviz
song=tests/audio/data/race1-jt.ogg
out=docs/images
mkdir -p "$out"
dir=$(mktemp -d)
session=
cleanup() {
    [[ -n $session ]] && kill "$session" 2>/dev/null && wait "$session" 2>/dev/null
    tests/live/live_harness.sh stop "$dir/harness"
    rm -rf "$dir"
}
trap cleanup EXIT
eval "$(tests/live/live_harness.sh start "$dir/harness" screen | sed 's/^/export /')"

# start_session LOG ARGS...: bigganviz live in the background, until its first frame is shown.
start_session() {
    local log=$1
    shift
    "$binary" live --input "$song" --playback none --weights "$weights" -r 128 --seed 3 "$@" \
        >"$log" 2>&1 &
    session=$!
    for _ in $(seq 600); do
        grep -q 'the first frame is on screen' "$log" && { sleep 2; return 0; }
        sleep 0.1
    done
    echo "live_screenshots.sh: no frame on screen; see $log" >&2
    cat "$log" >&2
    exit 1
}
stop_session() {
    kill "$session"
    wait "$session" || true
    session=
}
# shot NAME [GEOMETRY]: the screen (or a part of it), scaled to half size, in at most 64 colours.
shot() {
    import -window root ${2:+-crop "$2"} "$dir/$1.png"
    convert "$dir/$1.png" -resize 50% -colors 64 "PNG8:$out/$1.png"
}

start_session "$dir/window.log"
shot live-window
stop_session

start_session "$dir/fullscreen.log" --fullscreen
shot live-fullscreen
stop_session

# OSC: /bigganviz/classes 1 2 3 (goldfish, great white shark, tiger shark) sent from this machine.
start_session "$dir/osc.log" --osc 9000 --classes 980 970 979
import -window root -crop 768x768+128+0 "$dir/before.png"
python3 - <<'EOF'
import socket, struct
def padded(b): return b + b"\0" * (4 - len(b) % 4)
message = padded(b"/bigganviz/classes") + padded(b",iii") + struct.pack(">iii", 1, 2, 3)
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(message, ("127.0.0.1", 9000))
EOF
sleep 2
import -window root -crop 768x768+128+0 "$dir/after.png"
convert "$dir/before.png" "$dir/after.png" -resize 36% +append -colors 64 "PNG8:$out/live-osc.png"
stop_session
grep -q 'OSC: 1 changes taken' "$dir/osc.log" || { echo "the OSC message was not taken" >&2; cat "$dir/osc.log" >&2; exit 1; }
ls -l "$out"/live-*.png
