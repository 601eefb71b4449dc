#!/usr/bin/env bash
# Makes tests/render/data/: short songs for the render tests, cut from the shared fixture audio
# (synthetic chords at 120 BPM; 2 s of digital silence; a 0.3 s clip, shorter than one batch).
set -euo pipefail
fixtures=${1:-/work/shared/fixtures/audio}
out=$(dirname "$0")/../tests/render/data
mkdir -p "$out"
ffmpeg -v error -y -i "$fixtures/chords_120bpm.wav" -t 3 -ac 1 -ar 22050 -c:a pcm_s16le \
    -bitexact "$out/chords_3s.wav"
cp "$fixtures/all_silence_2s.wav" "$out/silence_2s.wav"
cp "$fixtures/short_0p3s.wav" "$out/short_0p3s.wav"
