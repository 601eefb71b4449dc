#!/usr/bin/env bash
# Proves the README's two commands on a fresh Debian 12: builds a minimal root with mmdebstrap
# (--variant=minbase bookworm), puts a clean clone of HEAD in it and runs the README's first two
# code blocks there exactly as written, as root, with nothing else installed; fails if either
# fails and prints how long each took.
#
# There is no network for models in that root, so the demo fetches biggan-deep-128 the way a user
# with a local mirror would: BIGGANVIZ_MIRROR=file:///srv/models serves the committed test model of
# that architecture (tests/model/biggan/data/tiny128) under the published file names.
#
# The root is made afresh every run; only the downloaded Debian packages are kept between runs, in
# $BGV_FRESH_DEBIAN_CACHE (default ~/.cache/bigganviz/fresh-debian-debs), which apt checks against
# the signed archive indexes as it would its own cache. Everything the commands mount (/proc, /sys,
# /dev, /dev/shm, /run, the package cache) lives in a private mount and PID namespace, so it all
# disappears with the last process, whichever way the run ends.
#
# Needs root, mmdebstrap, unshare (util-linux) and git, and the Debian archive over the network.
set -euo pipefail

say() { echo "check-fresh-debian: $*"; }

# Inside the private namespaces (the script calls itself): mount what a booted system has, then run
# each README command in the root with a login-like environment, timing it.
if [[ ${1:-} == --inside ]]; then
    root=$2 cache=$3 times=$4
    shift 4
    mount --make-rprivate /
    mount -t proc proc "$root/proc"
    mount --rbind /sys "$root/sys"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
    mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$root/run"
    mkdir -p "$root/run/lock"
    mount --bind "$cache" "$root/var/cache/apt/archives"
    status=0
    for command in "$@"; do
        say "running in the fresh root: $command"
        start=$(date +%s)
        chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            BIGGANVIZ_MIRROR=file:///srv/models \
            /bin/bash -c 'cd /root/bigganviz && eval "$1"' bash "$command" || status=$?
        echo "$(($(date +%s) - start)) $status $command" >>"$times"
        ((status == 0)) || break
    done
    exit "$status"
fi

cd "$(dirname "$0")/.."
repo=$(pwd)
if [[ $(id -u) != 0 ]]; then
    echo "check-fresh-debian.sh: run as root (mmdebstrap, chroot and mounts need it)" >&2
    exit 1
fi
for tool in mmdebstrap unshare chroot git; do
    command -v "$tool" >/dev/null || { echo "check-fresh-debian.sh: $tool not found" >&2; exit 1; }
done

cache=${BGV_FRESH_DEBIAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bigganviz/fresh-debian-debs}
mkdir -p "$cache"
work=$(mktemp -d "${TMPDIR:-/tmp}/bgv-fresh-debian.XXXXXX")
root=$work/root
cleanup() {
    # Every mount was made in a namespace that is gone by now; refuse to delete through one anyway.
    if findmnt -rn -o TARGET | grep -q "^$work"; then
        echo "check-fresh-debian.sh: something is still mounted under $work; not deleting it" >&2
        return
    fi
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

total_start=$(date +%s)
say "making a minimal Debian 12 root in $root (packages cached in $cache)"
start=$(date +%s)
# mmdebstrap's own mounts (and the cache bound in here) stay in a private mount namespace.
unshare --mount --propagation private \
    mmdebstrap --quiet --variant=minbase --mode=root \
    --skip=download/empty --skip=essential/unlink \
    --setup-hook="mkdir -p \"\$1/var/cache/apt/archives\" && mount --bind '$cache' \"\$1/var/cache/apt/archives\"" \
    --customize-hook='umount "$1/var/cache/apt/archives"' \
    bookworm "$root" \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main"
root_seconds=$(($(date +%s) - start))

head=$(git rev-parse HEAD)
say "cloning $head into /root/bigganviz"
git clone --quiet --no-hardlinks "$repo" "$root/root/bigganviz"
git -C "$root/root/bigganviz" checkout --quiet --detach "$head"

# The README's first two ```sh blocks, one command line each, as committed.
mapfile -t commands < <(awk '/^```sh$/ {inside = 1; next} /^```$/ {inside = 0} inside' \
                        "$root/root/bigganviz/README.md" | head -n 2)
if ((${#commands[@]} != 2)); then
    echo "check-fresh-debian.sh: README.md's first two sh blocks not found" >&2
    exit 1
fi

# This machine reaches the network through a proxy whose certificate authority it trusts (in
# /usr/local/share/ca-certificates, as Debian's update-ca-certificates expects); a user's machine
# behind such a proxy has it too. The root gets the same files, which ca-certificates adds to the
# system's bundle when install-deps.sh installs it. No package is installed here.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi

# A booted Debian names itself in /etc/hosts (the installer writes it); a debootstrapped root has
# no such file, and programs that look up this host's name (Slurm) would find nothing.
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
    "$(hostname)" >"$root/etc/hosts"

mirror=$root/srv/models/models.huggingface.co/biggan
mkdir -p "$mirror"
for file in config.json pytorch_model.bin; do
    cp "$root/root/bigganviz/tests/model/biggan/data/tiny128/$file" "$mirror/biggan-deep-128-$file"
done

times=$work/times
: >"$times"
status=0
unshare --mount --pid --fork --propagation private \
    "$repo/scripts/check-fresh-debian.sh" --inside "$root" "$cache" "$times" "${commands[@]}" ||
    status=$?

say "timings (s):"
printf '  %5d  %s\n' "$root_seconds" "mmdebstrap --variant=minbase bookworm"
while read -r seconds command_status command; do
    printf '  %5d  %s%s\n' "$seconds" "$command" \
        "$([[ $command_status == 0 ]] || echo "  (FAILED, exit $command_status)")"
done <"$times"
printf '  %5d  in all\n' "$(($(date +%s) - total_start))"
if ((status != 0)); then
    say "FAILED"
    exit "$status"
fi
say "passed"
