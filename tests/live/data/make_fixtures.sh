#!/usr/bin/env bash
# Makes tests/live/data/: short sounds for the live tests (each is played in real time, so they
# are seconds long), cut from the shared fixture audio:
#   race1_jt_4s.flac   4 s of a real song with drums (race1-jt.ogg from 20 s on: GPL-2.0-or-later,
#                      from Debian's extremetuxracer-data; licence in race1-jt.LICENSE.txt),
#                      stereo at 44.1 kHz, 16 bits (paplay, through libsndfile 1.2,
#                      played 0.7 s of the 24-bit FLAC FFmpeg makes by default, then stopped)
#   chords_3s.wav      the synthetic chords at 120 BPM, mono at 22050 Hz
#   sweep_48k_3s.wav   the synthetic stereo sweep with noise bursts, at 48 kHz (a third rate)
set -euo pipefail
fixtures=${1:-/work/shared/fixtures/audio}
out=$(dirname "$0")
ffmpeg -v error -y -ss 20 -i "$fixtures/race1-jt.ogg" -t 4 -c:a flac -sample_fmt s16 -bitexact \
    "$out/race1_jt_4s.flac"
cp "$fixtures/race1-jt.LICENSE.txt" "$out/race1-jt.LICENSE.txt"
chmod 644 "$out/race1-jt.LICENSE.txt"
ffmpeg -v error -y -i "$fixtures/chords_120bpm.wav" -t 3 -ac 1 -ar 22050 -c:a pcm_s16le \
    -bitexact "$out/chords_3s.wav"
ffmpeg -v error -y -i "$fixtures/stereo_sweep_noise_44k.flac" -t 3 -ar 48000 -c:a pcm_s16le \
    -bitexact "$out/sweep_48k_3s.wav"
