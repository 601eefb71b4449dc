#!/usr/bin/env bash
# A one-node Slurm cluster for the farm tests, everything under one temporary folder:
#   slurm_cluster.sh start DIR   starts munged (as the munge user, its own key and socket),
#                                slurmctld and slurmd (as root) on free ports; prints the
#                                environment line to use it: SLURM_CONF=DIR/slurm.conf
#   slurm_cluster.sh stop DIR    stops the three daemons started by `start DIR`
# Needs root (slurmd runs jobs as their user) and Debian's slurm-wlm and munge.
set -euo pipefail

action=${1:?start or stop}
dir=${2:?folder}

# A failing step says which it was, and what the daemons logged, before the script exits: whoever
# runs the tests learns why the cluster did not start.
daemon_logs() {
    local log
    for log in "$dir/munge/munged.log" "$dir/slurmctld.log" "$dir/slurmd.log"; do
        [[ -f $log ]] || continue
        echo "--- $log (last 20 lines)" >&2
        tail -n 20 "$log" >&2 || true
    done
}
trap 'status=$?; echo "slurm_cluster.sh: line $LINENO: \"$BASH_COMMAND\" failed (exit $status)" >&2; daemon_logs; exit $status' ERR

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_pid_file() {
    local file=$1
    [[ -f $file ]] || return 0
    local pid
    pid=$(cat "$file")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
}

if [[ $action == stop ]]; then
    stop_pid_file "$dir/slurmd.pid"
    stop_pid_file "$dir/slurmctld.pid"
    stop_pid_file "$dir/munge/munged.pid"
    exit 0
fi

[[ $action == start ]] || { echo "slurm_cluster.sh: start or stop" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "slurm_cluster.sh: needs root (slurmd)" >&2; exit 1; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
chmod 755 "$dir"

# munged is strict about its files: its own folder, owned by munge, not writable by others.
mkdir -p "$dir/munge"
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$dir/munge"
chmod 700 "$dir/munge"
chmod 400 "$dir/munge/munge.key"
socket=$dir/munge/munge.socket
runuser -u munge -- munged --force --key-file="$dir/munge/munge.key" --socket="$socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
    --seed-file="$dir/munge/munged.seed"
# The socket's folder must let slurmd, slurmctld and job users reach the socket.
chmod 711 "$dir/munge"

host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$dir/state" "$dir/spool"
cat >"$dir/slurm.conf" <<CONF
ClusterName=bgvtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
export SLURM_CONF=$dir/slurm.conf
slurmctld -i
slurmd
# At most 30 s in all, each sinfo at most 2 s (it retries a name it cannot resolve for minutes).
deadline=$((SECONDS + 30))
while ((SECONDS < deadline)); do
    if timeout 2 sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
        echo "SLURM_CONF=$SLURM_CONF"
        exit 0
    fi
    sleep 0.1
done
echo "slurm_cluster.sh: the node did not become idle within 30 s" >&2
sinfo >&2 || true
daemon_logs
exit 1
