#!/usr/bin/env bash
# Installs every Debian 12 package that bigganviz's build, tests and benchmarks need.
# Run as root, or as a user with sudo. Safe to run again.
set -euo pipefail

packages=(
    # toolchain
    g++ cmake ninja-build pkg-config clang-format
    # audio: decode, resample, FFT
    libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev
    # video: scaling to the delivered size and burned-in subtitles (FFmpeg's filters, libass with
    # a font fontconfig finds)
    libavfilter-dev fonts-dejavu-core
    libsoxr-dev libfftw3-dev
    # `bigganviz live`: sound devices and the v4l2 camera output through libavdevice, the window
    # (SDL2), OSC control (liblo)
    libavdevice-dev libsdl2-dev liblo-dev
    # inference runtime; libdnnl-dev's CMake config calls find_package(OpenCL), whose headers and
    # library Debian only recommends (and we install without recommends)
    libdnnl-dev ocl-icd-opencl-dev opencl-c-headers
    # model store (ca-certificates: the https downloads, and npm for the browser test, check the
    # servers against the system's certificate authorities; Debian only recommends it)
    libcurl4-openssl-dev libssl-dev ca-certificates
    # support libraries; cpp-httplib is the studio tests' HTTP client (its header wants OpenSSL, zlib, brotli)
    libfmt-dev nlohmann-json3-dev libpng-dev zlib1g-dev libcpp-httplib-dev libbrotli-dev
    # farm: one render shared by MPI ranks (OpenMPI) or Slurm array tasks; the tests start a
    # one-node Slurm (slurmctld, slurmd, munge for its authentication) and run mpirun
    libopenmpi-dev openmpi-bin slurm-wlm munge
    # tests: GoogleTest, ffmpeg/ffprobe to check videos, python3 for the local HTTP server
    libgtest-dev ffmpeg python3
    # bench_live_beats' baseline, aubio's real-time tempo tracker (only that benchmark links it)
    libaubio-dev
    # the studio's browser test: Debian's Chromium driven by puppeteer-core (tests/studio/browser)
    chromium nodejs
    # the live tests (tests/live/live_harness.sh): a PulseAudio server with a null sink and
    # paplay; Xvfb with openbox (fullscreen is the window manager's job); screenshots (xwd,
    # xwininfo; ImageMagick's convert) and key presses (xdotool)
    pulseaudio pulseaudio-utils xvfb openbox x11-apps x11-utils imagemagick xdotool
)
# Debian 12 packages npm apart from nodejs; a nodejs from elsewhere (NodeSource) brings its own.
command -v npm >/dev/null || packages+=(npm)

if [[ ${BIGGANVIZ_WITH_TORCH:-0} == 1 ]]; then
    # Only for tools/ (reference scripts that regenerate test fixtures) and the PyTorch comparison
    # in bench/: neither the build nor the tests need it.
    packages+=(python3-torch python3-numpy)
fi

if [[ ${BIGGANVIZ_WITH_FUZZ:-0} == 1 || ${BIGGANVIZ_WITH_CI:-0} == 1 ]]; then
    # Only for the libFuzzer targets in fuzz/ (README "Fuzzing", scripts/fuzz.sh).
    packages+=(clang libclang-rt-14-dev)
fi

if [[ ${BIGGANVIZ_WITH_CI:-0} == 1 ]]; then
    # What .ci/run adds under CI=true: the fuzzers (above) and scripts/check-fresh-debian.sh,
    # which makes a Debian root (mmdebstrap; mount and unshare) and clones the repository into it.
    packages+=(mmdebstrap mount util-linux git)
fi

run_as_root() {
    if [[ $(id -u) == 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        echo "install-deps.sh: run as root or install sudo" >&2
        exit 1
    fi
}

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    run_as_root apt-get update -qq
    run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
fi

