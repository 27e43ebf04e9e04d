# shellcheck shell=bash
# Sourced by the tests of tools/slurm, after common/testing/sh_test_lib.sh:
# whether a cluster of single_node_cluster.sh left anything behind.

# leftovers DIR: every live process whose command line, environment or
# open files name the cluster directory DIR (the daemons name it in their
# arguments; job processes carry FORKCHECK_SLURM_CLUSTER=DIR; slurmstepd
# keeps the node daemon's log open).
leftovers() {
  ps -eo pid=,args= | grep -F -- "$1" | grep -v -e grep -e "$NAME" || true
  grep -lzxF "FORKCHECK_SLURM_CLUSTER=$1" /proc/[0-9]*/environ 2>/dev/null || true
  find /proc/[0-9]*/fd -maxdepth 1 -lname "$1/*" 2>/dev/null || true
}

# expect_gone DIR: DIR is removed and no process of its cluster is alive,
# nor the watcher of a `run` (which leftovers would not show: its command
# line names this test's script), within 5 s.
expect_gone() {
  [ ! -e "$1" ] || die "the cluster directory $1 is still there"
  local left
  left=$(leftovers "$1")
  [ -z "$left" ] || die "processes of the cluster $1 outlived it: $left"
  local _
  for _ in $(seq 50); do
    pgrep -f "_stop_when_gone [0-9]+ [0-9]+ $1\$" >/dev/null || return 0
    sleep 0.1
  done
  die "the watcher of the cluster $1 outlived it: $(pgrep -af "_stop_when_gone [0-9]+ [0-9]+ $1\$")"
}

# wait_for_job JOBID TIMEOUT_S: waits until no task of job JOBID (every task
# of an array) is pending or running, polling twice a second for at most
# TIMEOUT_S seconds, and fails unless every task ended COMPLETED (exit 0).
# Needs SLURM_CONF. Quicker than `sbatch --wait`, which polls at growing
# intervals of up to 10 s; the controller keeps finished jobs' records
# (MinJobAge, 300 s), which is where their states are read.
wait_for_job() {
  local job=$1 timeout_s=$2 deadline queued records failed
  deadline=$((SECONDS + timeout_s))
  while :; do
    queued=$(timeout 20 squeue --noheader --jobs="$job" --format=%i 2>/dev/null || true)
    [ -n "$queued" ] || break
    [ $SECONDS -lt $deadline ] || die "job $job still queued or running after $timeout_s s: $queued"
    sleep 0.5
  done
  records=$(timeout 20 scontrol --oneliner show job "$job" 2>&1) ||
    die "scontrol show job $job failed: $records"
  failed=$(grep -v 'JobState=COMPLETED ' <<<"$records" |
    grep -o '^JobId=[0-9]*\|ArrayTaskId=[0-9]*\|JobState=[A-Z_]*\|ExitCode=[0-9:]*' | paste -sd ' ' || true)
  [ -z "$failed" ] || die "job $job: not every task completed: $failed"
}
