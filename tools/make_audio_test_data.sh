#!/usr/bin/env bash
# Makes the small files of tests/audio/data that cannot be made inside the tests themselves:
# a video with no audio stream, a PNG image, an Opus file and a video with sound. (The other
# audio files there are copies of /work/shared/fixtures/audio, and librosa_manifest.json is
# /work/shared/fixtures/librosa/manifest.json.)
set -euo pipefail
out=${1:-$(dirname "$0")/../tests/audio/data}
ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=10:duration=1 -c:v libx264 -pix_fmt yuv420p \
    -an "$out/video_only.mp4"
ffmpeg -v error -y -f lavfi -i testsrc=size=16x16 -frames:v 1 "$out/image.png"
# Formats the fixtures lack: Ogg Opus (decoded at 48 kHz) and the audio track of a video.
ffmpeg -v error -y -i "$out/short_0p3s.wav" -c:a libopus -b:a 32k "$out/short_0p3s.opus"
ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=10:duration=0.3 -i "$out/short_0p3s.wav" \
    -c:v libx264 -pix_fmt yuv420p -c:a aac -b:a 32k -shortest "$out/short_0p3s_video.mp4"
