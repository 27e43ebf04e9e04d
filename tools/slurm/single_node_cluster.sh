#!/usr/bin/env bash
# A throw-away single-node Slurm cluster: Debian's slurmctld and slurmd (22.05)
# on loopback, with a private munged, every file in one directory of its own.
#
#   single_node_cluster.sh run [--cpus=N] -- COMMAND [ARG...]
#       starts a cluster in a new directory under $TMPDIR (or /tmp), runs
#       COMMAND with SLURM_CONF pointing at it, then stops the cluster and
#       removes the directory, also when COMMAND fails or the script is
#       interrupted; exits with COMMAND's status (2 if the cluster did not
#       start).
#   single_node_cluster.sh start [--cpus=N] DIR
#       starts a cluster in DIR (which must not exist) and leaves it running;
#       prints `export SLURM_CONF=DIR/slurm.conf`. On a failed start it stops
#       what it started and removes DIR.
#   single_node_cluster.sh stop DIR
#       cancels its jobs, stops its daemons and every process still carrying
#       its mark, and removes DIR.
#
# Why it looks like this:
# - Authentication. Slurm 22.05's daemons accept munge or "none". auth/none
#   would let any local user reach slurmd's port and run a job as the
#   cluster's user (root, in CI), so a private munged runs instead: its own
#   random key and its socket in DIR (mode 0700), reached through
#   AuthInfo=socket=. Nothing of the system's munge (key, socket, service) is
#   used or needed.
# - Privilege. Every daemon runs as the invoking user (SlurmUser and
#   SlurmdUser are that user), and jobs run as that user too: no setuid, no
#   systemd, no cgroups (proctrack/linuxproc, task/none), no accounting
#   database. Run as root only where the caller already is root.
# - Ports. SlurmctldPort and SlurmdPort are chosen free at run time, on
#   127.0.0.1; the node is named `forkcheck` whatever the host is called.
# - Nothing outlives a run. Every daemon and every job process started here
#   carries FORKCHECK_SLURM_CLUSTER=DIR in its environment (`run` exports it
#   to COMMAND, so sbatch passes it to the jobs), or has a file of DIR open
#   (slurmstepd: its log). `stop` cancels the jobs, TERMs the daemons, then
#   every process found so in /proc, waits (bounded) and KILLs what is left:
#   only processes of this cluster, never another run's. SIGKILL runs no
#   trap, so `run` also starts a watcher in a session of its own (the
#   hidden command `_stop_when_gone PID STARTTIME DIR`) that stops the
#   cluster once the script is gone, however it went.
# Every wait is bounded: the node must be idle within $START_TIMEOUT_S
# seconds; each Slurm command has $COMMAND_TIMEOUT_S seconds.
set -euo pipefail

readonly START_TIMEOUT_S=60
readonly COMMAND_TIMEOUT_S=20
readonly STOP_TIMEOUT_S=20
readonly LEFTOVER_GRACE_S=5
readonly NODE_NAME=forkcheck
readonly MARK_VARIABLE=FORKCHECK_SLURM_CLUSTER

me=$(basename "$0")
# Debian installs the daemons and mungekey in /usr/sbin, which a user's (or
# Bazel's strict) PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"
# This script never carries a cluster's mark (when called from a cluster's
# job, say): `stop` would take it, and its subshells, which show the
# environment it was started with, for the cluster's processes.
if [ -n "${!MARK_VARIABLE+set}" ]; then
  exec env -u "$MARK_VARIABLE" "$0" "$@"
fi
die() { echo "$me: $*" >&2; exit 2; }

usage() {
  sed -n '/^#   single_node_cluster.sh/,/^# Why/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

# The Debian packages whose programs this script runs, by program.
readonly -A PACKAGE_OF=(
  [slurmctld]=slurmctld [slurmd]=slurmd [sbatch]=slurm-client
  [sinfo]=slurm-client [squeue]=slurm-client [scancel]=slurm-client
  [scontrol]=slurm-client [munged]=munge [mungekey]=munge
)

# check_programs: fails naming every missing program, its package and the
# command that installs them.
check_programs() {
  local program missing=() packages=()
  for program in "${!PACKAGE_OF[@]}"; do
    if ! command -v "$program" >/dev/null; then
      missing+=("$program")
      packages+=("${PACKAGE_OF[$program]}")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local unique
  unique=$(printf '%s\n' "${packages[@]}" | sort -u | tr '\n' ' ')
  die "missing programs: ${missing[*]} (Debian packages: ${unique% }).
Install them with: ./forkcheck setup   (or: apt-get install -y ${unique% })"
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  /usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# bounded COMMAND...: COMMAND with the cluster's configuration, killed after
# $COMMAND_TIMEOUT_S seconds.
bounded() {
  SLURM_CONF="$dir/slurm.conf" timeout --kill-after=5 "$COMMAND_TIMEOUT_S" "$@"
}

# daemon NAME COMMAND...: starts COMMAND (a daemon in the foreground) in a
# session of its own, marked, with its output in log/NAME.out; records its
# pid in run/NAME.pid.
daemon() {
  local name=$1
  shift
  env "$MARK_VARIABLE=$dir" SLURM_CONF="$dir/slurm.conf" \
    setsid "$@" </dev/null >>"$dir/log/$name.out" 2>&1 &
  echo $! >"$dir/run/$name.pid"
}

# daemon_alive NAME: the daemon whose pid is in run/NAME.pid is running. A
# zombie is not (kill -0 would say it is, until its parent reaps it).
daemon_alive() {
  local pid state
  pid=$(cat "$dir/run/$1.pid" 2>/dev/null) || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# log_tails: the end of every log, for a failed start.
log_tails() {
  local log
  for log in "$dir"/log/*; do
    [ -s "$log" ] || continue
    echo "--- $log (last 15 lines)" >&2
    tail -n 15 "$log" >&2
  done
}

write_config() {
  local cpus=$1 user host controller_port node_port
  user=$(id -un)
  host=$(hostname -s)
  controller_port=$(free_port)
  node_port=$(free_port)
  while [ "$node_port" = "$controller_port" ]; do node_port=$(free_port); done
  cat >"$dir/slurm.conf" <<CONF
# Written by tools/slurm/single_node_cluster.sh for one throw-away cluster.
ClusterName=forkcheck
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$controller_port
SlurmdPort=$node_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.daemon.pid
SlurmdPidFile=$dir/run/slurmd.daemon.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
# Schedule every second (default: every 60 s, besides event-triggered
# passes): a pending array task starts as soon as a CPU is free.
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MessageTimeout=10
# A cancelled job's processes get this long after SIGTERM before SIGKILL.
KillWait=5
PlugStackConfig=$dir/plugstack.conf
NodeName=$NODE_NAME NodeAddr=127.0.0.1 NodeHostname=$host CPUs=$cpus State=UNKNOWN
PartitionName=forkcheck Nodes=$NODE_NAME Default=YES MaxTime=INFINITE State=UP
CONF
  # No SPANK plugins: not the system's /etc/slurm/plugstack.conf.
  : >"$dir/plugstack.conf"
  # No cgroup plugin is configured (proctrack/linuxproc, task/none); an
  # explicit empty cgroup.conf keeps slurmd from reading the system's.
  : >"$dir/cgroup.conf"
}

start_munge() {
  mkdir -m 0700 "$dir/munge"
  mungekey --create --keyfile="$dir/munge/munge.key" >"$dir/log/mungekey.out" 2>&1 ||
    die "mungekey could not create $dir/munge/munge.key: $(cat "$dir/log/mungekey.out")"
  chmod 0400 "$dir/munge/munge.key"
  # --force: munged refuses to run as root otherwise, and in CI we are root.
  daemon munged munged --foreground --force \
    --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed" \
    --log-file="$dir/log/munged.log"
  local deadline=$((SECONDS + 10))
  until [ -S "$dir/munge/munge.socket" ]; do
    daemon_alive munged || die "munged exited at start"
    [ $SECONDS -lt $deadline ] || die "munged made no socket within 10 s"
    sleep 0.1
  done
}

# wait_until_idle: the node's state is idle, within $START_TIMEOUT_S.
wait_until_idle() {
  local deadline=$((SECONDS + START_TIMEOUT_S)) state="" name
  while :; do
    for name in slurmctld slurmd munged; do
      daemon_alive "$name" || die "$name exited at start"
    done
    state=$(bounded sinfo --noheader --nodes="$NODE_NAME" --format=%T 2>/dev/null || true)
    [ "$state" = "idle" ] && return 0
    [ $SECONDS -lt $deadline ] ||
      die "node $NODE_NAME not idle within ${START_TIMEOUT_S} s (state: '${state:-none}')"
    sleep 0.5
  done
}

# start_cluster CPUS: everything in $dir, which must not exist yet.
start_cluster() {
  local cpus=$1
  [ -e "$dir" ] && die "$dir exists; a cluster needs a new directory"
  mkdir -m 0700 "$dir" || die "cannot create $dir"
  dir=$(cd "$dir" && pwd)
  mkdir "$dir/state" "$dir/spool" "$dir/run" "$dir/log"
  # Until the node is idle, any failure or interrupt takes the cluster down.
  trap 'log_tails; stop_cluster' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  write_config "$cpus"
  start_munge
  # -i: a fresh controller, ignoring any saved state (there is none).
  daemon slurmctld slurmctld -D -i -f "$dir/slurm.conf"
  daemon slurmd slurmd -D -N "$NODE_NAME" -f "$dir/slurm.conf"
  wait_until_idle
  trap - EXIT INT TERM
}

# pids_of_cluster: every process that carries this cluster's mark in its
# environment or has a file of its directory open, and their descendants,
# but not this script. Open files find slurmstepd, which overwrites its
# environment's memory with its title ("slurmstepd: [1.batch]") but keeps
# slurmd's log open, and a batch script reading its copy in the spool;
# descendants find a job's processes when it was submitted without the
# mark and the controller is gone, so nothing cancelled it.
pids_of_cluster() {
  local roots
  roots=$(
    {
      grep --files-with-matches --null-data --line-regexp --fixed-strings \
        "$MARK_VARIABLE=$dir" /proc/[0-9]*/environ 2>/dev/null | tr '\0' '\n'
      find /proc/[0-9]*/fd -maxdepth 1 -lname "$dir/*" 2>/dev/null
    } | sed -n 's|^/proc/\([0-9]*\)/.*|\1|p' | sort -u
  )
  [ -n "$roots" ] || return 0
  ps -eo pid=,ppid= | awk -v roots="$roots" -v self="$$" '
    BEGIN { n = split(roots, r, "\n"); for (i = 1; i <= n; i++) found[r[i]] = 1 }
    { parent[$1] = $2 }
    END {
      do {
        grew = 0
        for (p in parent) if (!(p in found) && (parent[p] in found)) { found[p] = 1; grew = 1 }
      } while (grew)
      for (p in found) if (p != self && (p in parent)) print p
    }'
}

stop_cluster() {
  trap - EXIT INT TERM
  [ -d "$dir" ] || return 0
  local jobs name pid deadline leftovers_termed=""
  # Jobs first, while the controller and node daemon can still end them.
  if daemon_alive slurmctld; then
    jobs=$(bounded squeue --noheader --format=%A 2>/dev/null | sort -u || true)
    if [ -n "$jobs" ]; then
      # shellcheck disable=SC2086
      bounded scancel --full $jobs 2>/dev/null || true
      deadline=$((SECONDS + STOP_TIMEOUT_S))
      while [ -n "$(bounded squeue --noheader --format=%A 2>/dev/null || true)" ] &&
        [ $SECONDS -lt $deadline ]; do
        sleep 0.5
      done
    fi
  fi
  for name in slurmd slurmctld munged; do
    [ -f "$dir/run/$name.pid" ] && kill -TERM "$(cat "$dir/run/$name.pid")" 2>/dev/null || true
  done
  deadline=$((SECONDS + STOP_TIMEOUT_S))
  while [ -n "$(pids_of_cluster)" ] && [ $SECONDS -lt $deadline ]; do
    # Once the daemons are gone, what is left (a job's processes, when
    # nothing cancelled them) gets TERM, and $LEFTOVER_GRACE_S seconds
    # before KILL (slurmstepd ignores TERM).
    if [ -z "$leftovers_termed" ] && ! daemon_alive slurmd &&
      ! daemon_alive slurmctld && ! daemon_alive munged; then
      for pid in $(pids_of_cluster); do kill -TERM "$pid" 2>/dev/null || true; done
      leftovers_termed=yes
      [ $((SECONDS + LEFTOVER_GRACE_S)) -ge $deadline ] || deadline=$((SECONDS + LEFTOVER_GRACE_S))
    fi
    sleep 0.2
  done
  for pid in $(pids_of_cluster); do
    echo "$me: killing $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)), still running after SIGTERM" >&2
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
  # Under `run` the daemons are this script's children: reap those that
  # are dead (a zombie's state is Z); waiting for any other could block.
  local child
  for child in $(jobs -p); do
    if [ "$(awk '{print $3}' "/proc/$child/stat" 2>/dev/null)" = Z ]; then
      wait "$child" 2>/dev/null || true
    fi
  done
}

# start_time PID: the process's start time in clock ticks (field 22 of
# /proc/PID/stat, counted after the command name, which may hold spaces),
# so that a pid reused by another process is not taken for it; empty if it
# is gone, or a zombie (whose parent has not reaped it yet: it may never,
# e.g. while it reads the script's stderr to its end).
start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  # shellcheck disable=SC2086
  set -- ${stat##*) }
  [ "$1" = Z ] && return 0
  echo "${20}"
}

# stop_when_gone PID STARTTIME: waits until process PID (started at
# STARTTIME) is gone, then stops the cluster in $dir (nothing if it was
# stopped already). Run by `run` in a session of its own.
stop_when_gone() {
  while [ "$(start_time "$1")" = "$2" ]; do sleep 0.5; done
  stop_cluster
}

# new_dir: a new directory name under $TMPDIR, or /tmp when $TMPDIR's path
# would make munge's socket path too long for a Unix socket (108 bytes).
new_dir() {
  local base=${TMPDIR:-/tmp}
  [ ${#base} -le 60 ] || base=/tmp
  local made
  made=$(mktemp -d "$base/forkcheck-slurm.XXXXXX") || die "cannot create a directory in $base"
  rmdir "$made"
  echo "$made"
}

cpus=$(nproc)
parse_cpus() {
  case "$1" in
    --cpus=*)
      cpus=${1#--cpus=}
      [[ "$cpus" =~ ^[1-9][0-9]*$ ]] || die "--cpus must be a positive integer, got '$cpus'"
      return 0
      ;;
  esac
  return 1
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  run)
    if [ $# -gt 0 ] && parse_cpus "$1"; then shift; fi
    [ "${1:-}" = "--" ] || usage
    shift
    [ $# -gt 0 ] || usage
    check_programs
    dir=$(new_dir)
    start_cluster "$cpus"
    # (Once the cluster is up and $dir is its final path: until then a
    # failed or interrupted start stops it itself.)
    setsid bash "$0" _stop_when_gone "$$" "$(start_time $$)" "$dir" </dev/null >/dev/null &
    watcher=$!
    # The watcher (its session: it and its sleep) goes once the stop is
    # done: it holds this script's stderr, which a caller may read to its
    # end.
    trap 'stop_cluster; kill -- "-$watcher" 2>/dev/null || true' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    # In the background, so that a signal runs the traps at once rather than
    # when COMMAND ends; with this script's standard input, not /dev/null.
    env "$MARK_VARIABLE=$dir" SLURM_CONF="$dir/slurm.conf" "$@" <&0 &
    status=0
    wait $! || status=$?
    exit "$status"
    ;;
  start)
    if [ $# -gt 0 ] && parse_cpus "$1"; then shift; fi
    [ $# -eq 1 ] || usage
    check_programs
    dir=$1
    start_cluster "$cpus"
    echo "export SLURM_CONF=$dir/slurm.conf"
    ;;
  _stop_when_gone)
    [ $# -eq 3 ] || usage
    dir=$3
    stop_when_gone "$1" "$2"
    ;;
  stop)
    [ $# -eq 1 ] || usage
    dir=$(cd "$1" 2>/dev/null && pwd) || die "$1: no such directory"
    [ -f "$dir/slurm.conf" ] && [ -d "$dir/run" ] ||
      die "$dir is not a cluster's directory (no slurm.conf and run/)"
    stop_cluster
    ;;
  *)
    usage
    ;;
esac
