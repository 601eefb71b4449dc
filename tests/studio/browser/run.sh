#!/usr/bin/env bash
# The studio page in a real browser (CTest test studio_browser): installs puppeteer-core from the
# committed lock file (never a browser: PUPPETEER_SKIP_DOWNLOAD), starts `bigganviz studio` on
# 127.0.0.1 with the tiny test models and drives Debian's Chromium through studio_page.mjs (which
# plays a live session's part for the Live panel: its status file and an OSC port on 127.0.0.1).
# Usage: run.sh BIGGANVIZ WORK_DIR CHROMIUM   (screenshots land in WORK_DIR/screenshots)
set -euo pipefail
binary=$1
work=$2
chromium=$3
here=$(cd "$(dirname "$0")" && pwd)
tests=$(cd "$here/../.." && pwd)

# Node's TLS (npm) trusts the system's certificate authorities too, so that a machine whose network
# needs a local one (a proxy's) reaches the npm registry as its other tools do.
if [[ -z ${NODE_EXTRA_CA_CERTS:-} && -f /etc/ssl/certs/ca-certificates.crt ]]; then
    export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

mkdir -p "$work"
cp "$here/package.json" "$here/package-lock.json" "$here/studio_page.mjs" "$work/"
if ! cmp -s "$here/package-lock.json" "$work/node_modules/.installed-lock" 2>/dev/null; then
    (cd "$work" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts --prefer-offline)
    cp "$here/package-lock.json" "$work/node_modules/.installed-lock"
fi

studio_dir=$work/studio
rm -rf "$studio_dir" "$work/screenshots"
mkdir -p "$studio_dir" "$work/screenshots"
export BIGGANVIZ_CACHE=$work/cache BIGGANVIZ_OFFLINE=1
rm -f "$work/live.json"
"$binary" studio --dir "$studio_dir" --port 0 --threads 1 --live_status "$work/live.json" \
    --weights "$tests/model/biggan/data/tiny128" \
    --text_weights "$tests/model/bert/data/tiny_minilm" >"$work/studio.out" 2>"$work/studio.err" &
studio_pid=$!
trap 'kill $studio_pid 2>/dev/null || true; wait $studio_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    address=$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/studio.out" || true)
    [[ -n $address ]] && break
    kill -0 $studio_pid 2>/dev/null || { cat "$work/studio.err" >&2; exit 1; }
    sleep 0.1
done
[[ -n $address ]] || { echo "the studio printed no address" >&2; exit 1; }

STUDIO_URL=$address CHROMIUM=$chromium SONG="$tests/render/data/chords_3s.wav" \
    SCREENSHOTS="$work/screenshots" LIVE_STATUS="$work/live.json" node "$work/studio_page.mjs"
