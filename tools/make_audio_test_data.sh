#!/usr/bin/env bash
# Makes the small bad-input files of tests/audio/data that cannot be made inside the test itself:
# a video with no audio stream and a PNG image. (The other audio files there are copies of
# /work/shared/fixtures/audio and librosa/manifest.json, renamed librosa_manifest.json.)
set -euo pipefail
out=${1:-$(dirname "$0")/../tests/audio/data}
ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=10:duration=1 -c:v libx264 -pix_fmt yuv420p \
    -an "$out/video_only.mp4"
ffmpeg -v error -y -f lavfi -i testsrc=size=16x16 -frames:v 1 "$out/image.png"
