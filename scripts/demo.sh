#!/usr/bin/env bash
# Makes a short demo song (a C-Am-F-G chord progression over a kick drum at 120 BPM, synthesised
# by ffmpeg), runs `bigganviz analyze` on it, then renders its first seconds as a video at 128 px
# with biggan-deep-128 from the model store (downloaded once, ~200 MB; without network bigganviz
# says in one line what to download and where to put it).
# Run scripts/build.sh first. BGV_BUILD_DIR selects another build folder (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BGV_BUILD_DIR:-build}
binary=$build_dir/src/cli/bigganviz
if [[ ! -x $binary ]]; then
    echo "demo.sh: $binary not found; run scripts/build.sh first" >&2
    exit 1
fi
binary=$(realpath "$binary")
command -v ffmpeg >/dev/null || { echo "demo.sh: ffmpeg not found; run scripts/install-deps.sh" >&2; exit 1; }

demo=$build_dir/demo
mkdir -p "$demo"

# Chord c = floor(t / 2) mod 4 holds for two seconds (four beats); ld(1..3) are its three notes.
# Each beat the chord is struck again and decays; a kick with a falling pitch marks the beat.
note() { # note CHORD_FREQUENCIES... -> nested if() choosing by chord index ld(0)
    echo "if(eq(ld(0),0),$1,if(eq(ld(0),1),$2,if(eq(ld(0),2),$3,$4)))"
}
expression="st(0,mod(floor(t/2),4));"
expression+="st(1,$(note 261.63 220.00 174.61 196.00));"
expression+="st(2,$(note 329.63 261.63 220.00 246.94));"
expression+="st(3,$(note 392.00 329.63 261.63 293.66));"
expression+="st(4,mod(t,0.5));"
expression+="0.18*exp(-5*ld(4))*(sin(2*PI*ld(1)*t)+sin(2*PI*ld(2)*t)+sin(2*PI*ld(3)*t)"
expression+="+0.5*sin(4*PI*ld(1)*t))"
expression+="+0.5*exp(-25*ld(4))*sin(2*PI*(45*ld(4)+2*exp(-30*ld(4))))"
ffmpeg -v error -y -f lavfi -i "aevalsrc='$expression':s=44100:d=12" -ac 2 "$demo/demo.wav"

"$binary" analyze -s "$demo/demo.wav" --out "$demo/analysis" --quiet

# The render runs inside the demo folder so that saved_vectors/ lands there too.
seconds=${BGV_DEMO_SECONDS:-4}
model=(-r 128)
# The tests point BGV_DEMO_WEIGHTS at a small model of the same architecture (no network in CI).
[[ -n ${BGV_DEMO_WEIGHTS:-} ]] && model=(--weights "$(realpath "$BGV_DEMO_WEIGHTS")")
(cd "$demo" && "$binary" -s demo.wav "${model[@]}" -d "$seconds" --seed 1 -o demo.mp4)
echo "demo song:  $demo/demo.wav (12 s, 44.1 kHz stereo)"
echo "analysis:   $demo/analysis/"
echo "            features.png  chromagram with the power and gradient curves: look at this"
echo "            features.json frames, fps, duration, estimated tuning, pitch classes by loudness"
echo "            mel.npy chroma.npy spec_mean.npy grad_mean.npy  the arrays themselves"
echo "video:      $demo/demo.mp4 (first $seconds s at 128 px; vectors in $demo/saved_vectors/)"
