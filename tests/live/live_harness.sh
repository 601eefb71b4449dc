#!/usr/bin/env bash
# The sound server and the screen for the live tests, with no sound card and no display, all
# under one folder:
#   live_harness.sh start DIR [audio] [screen]
#       audio:  a PulseAudio server (run as root is fine) with one null sink, `bgv_sink`, which is
#               the default output; its monitor, `bgv_sink.monitor`, hears what is played into it
#               (paplay, or bigganviz's own file playback)
#       screen: Xvfb with one 1024x768 screen, and openbox: fullscreen is the window manager's
#               job under X11 (without one, SDL reports the screen's size for a fullscreen window
#               while the X window keeps its own)
#       Prints the environment to use them, one KEY=VALUE a line:
#           PULSE_SERVER=unix:DIR/pulse/native  BGV_TEST_SINK=bgv_sink  DISPLAY=:N
#       With BGV_HARNESS_OWNER=PID, a watchdog stops them too once that process is gone (a test
#       program killed by a timeout leaves no servers behind).
#   live_harness.sh stop DIR
#       stops what `start DIR` started.
# By hand: eval "$(tests/live/live_harness.sh start /tmp/h audio screen | sed 's/^/export /')"
set -euo pipefail

action=${1:?start or stop}
dir=${2:?folder}
shift 2

# running PID: the process exists and is not a zombie (the state is the field after the
# parenthesised name in /proc/PID/stat; no procps in a minimal root).
running() {
    local state
    state=$({ sed 's/.*) //' "/proc/$1/stat" 2>/dev/null || true; } | cut -d' ' -f1)
    [[ -n $state && $state != Z ]]
}

stop_pid_file() {
    local file=$1
    [[ -f $file ]] || return 0
    local pid
    pid=$(cat "$file")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        running "$pid" || { rm -f "$file"; return 0; }
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$file"
}

stop_all() {
    stop_pid_file "$dir/watchdog.pid"
    stop_pid_file "$dir/openbox.pid"
    stop_pid_file "$dir/xvfb.pid"
    stop_pid_file "$dir/pulse.pid"
}

if [[ $action == stop ]]; then
    stop_all
    exit 0
fi
[[ $action == start ]] || { echo "live_harness.sh: start or stop" >&2; exit 2; }

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# A start that fails stops what it had started.
trap 'status=$?; ((status == 0)) || stop_all' EXIT
want_audio=false
want_screen=false
for part in "$@"; do
    case $part in
        audio) want_audio=true ;;
        screen) want_screen=true ;;
        *) echo "live_harness.sh: unknown part '$part' (audio, screen)" >&2; exit 2 ;;
    esac
done

# wait_for SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds; fails after SECONDS.
# Each try is bounded too: an X client waits without end on a server that does not answer. (In a
# fresh Debian root, the window test once hung 600 s before its first test began, that is in this
# script's start; which command hung was not seen.)
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    while ((SECONDS < deadline)); do
        timeout 10 "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}
# A start stopped by a signal (a test's timeout) stops what it had started too.
trap 'exit 143' TERM INT

if $want_audio; then
    # PulseAudio wants a runtime folder and a home of its own; -n: no default.pa (no hardware
    # detection), the two modules named instead. Anonymous authentication: clients need no cookie.
    mkdir -p "$dir/pulse/runtime" "$dir/pulse/home"
    chmod 700 "$dir/pulse/runtime"
    socket=$dir/pulse/native
    XDG_RUNTIME_DIR=$dir/pulse/runtime HOME=$dir/pulse/home \
        pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit --use-pid-file=no \
        --log-target=file:"$dir/pulse/pulseaudio.log" \
        -L "module-native-protocol-unix auth-anonymous=1 socket=$socket" \
        -L "module-null-sink sink_name=bgv_sink" </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/pulse.pid"
    if ! wait_for 20 env PULSE_SERVER="unix:$socket" pactl info; then
        echo "live_harness.sh: PulseAudio did not start; see $dir/pulse/pulseaudio.log" >&2
        exit 1
    fi
    PULSE_SERVER="unix:$socket" timeout 20 pactl set-default-sink bgv_sink
    echo "PULSE_SERVER=unix:$socket"
    echo "BGV_TEST_SINK=bgv_sink"
fi

if $want_screen; then
    # -displayfd: Xvfb picks a free display number and writes it once it accepts clients.
    # -noreset: an X server resets when its last client leaves, refusing connections meanwhile
    # (openbox failed to connect right after the readiness check's xprop had left).
    rm -f "$dir/xvfb.display"
    Xvfb -displayfd 3 -noreset -screen 0 1024x768x24 -nolisten tcp 3>"$dir/xvfb.display" \
        </dev/null >"$dir/xvfb.log" 2>&1 &
    echo $! >"$dir/xvfb.pid"
    if ! wait_for 20 grep -q '[0-9]' "$dir/xvfb.display"; then
        echo "live_harness.sh: Xvfb did not start; see $dir/xvfb.log" >&2
        exit 1
    fi
    display=:$(tr -d '[:space:]' <"$dir/xvfb.display")
    if ! wait_for 20 env DISPLAY="$display" xprop -root; then
        echo "live_harness.sh: Xvfb on $display does not answer; see $dir/xvfb.log" >&2
        exit 1
    fi
    mkdir -p "$dir/openbox"
    DISPLAY=$display HOME=$dir/openbox openbox --sm-disable </dev/null >"$dir/openbox.log" 2>&1 &
    echo $! >"$dir/openbox.pid"
    # The window manager announces itself on the root window (EWMH) once it manages windows. In a
    # fresh root its first start also builds fontconfig's cache: it is given a minute.
    if ! wait_for 60 sh -c "DISPLAY=$display xprop -root _NET_SUPPORTING_WM_CHECK | grep -q 'window id'"; then
        echo "live_harness.sh: openbox did not start on $display; see $dir/openbox.log" >&2
        exit 1
    fi
    echo "DISPLAY=$display"
fi

if [[ -n ${BGV_HARNESS_OWNER:-} ]]; then
    owner=$BGV_HARNESS_OWNER
    (
        while kill -0 "$owner" 2>/dev/null; do sleep 1; done
        rm -f "$dir/watchdog.pid"  # `stop` would stop this watchdog first
        "$0" stop "$dir"
    ) </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/watchdog.pid"
fi
