#!/usr/bin/env bash
# A single-node Slurm cluster (single_node_cluster.sh) runs a job array of
# $TASKS tasks: every index runs exactly once and sees the array's size; then
# the cluster leaves no process and no directory behind, also when it is
# interrupted with a job still running, when it is killed outright (SIGKILL),
# and when it is stopped by hand
# after its controller crashed with a job running. A missing Slurm or munge package
# fails the test, naming it and the command that installs it.
set -euo pipefail
readonly NAME="job_array_test"
# shellcheck source=/dev/null
source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/common/testing/sh_test_lib.sh"
# shellcheck source=tools/slurm/cluster_test_lib.sh
source "$(runfiles_of tools/slurm)/cluster_test_lib.sh"
cluster="$(runfiles_of tools/slurm)/single_node_cluster.sh"
readonly TASKS=4
# Four one-second tasks on one node finish well within this.
readonly JOB_TIMEOUT_S=120

# --- Bad input: a clear error and status 2, never a cluster.
status=0
"$cluster" run 2>"$tmp/usage.err" || status=$?
[ "$status" -eq 2 ] || die "'run' without a command exited $status, not 2"
grep -q "run \[--cpus=N\] -- COMMAND" "$tmp/usage.err" || die "'run' without a command printed no usage: $(cat "$tmp/usage.err")"
status=0
"$cluster" run --cpus=zero -- true 2>"$tmp/cpus.err" || status=$?
if [ "$status" -ne 2 ] || ! grep -q -- "--cpus must be a positive integer, got 'zero'" "$tmp/cpus.err"; then
  die "--cpus=zero: status $status, stderr: $(cat "$tmp/cpus.err")"
fi

# --- A missing package: the run fails (2), naming the programs, their
# package and the command that installs it. Here sbatch and the other client
# commands are missing: PATH holds only what the script needs before its check.
fakebin="$tmp/fakebin"
mkdir -p "$fakebin"
for tool in bash env basename nproc sed sort tr; do
  ln -s "$(command -v "$tool")" "$fakebin/$tool"
done
status=0
PATH="$fakebin" "$fakebin/bash" "$cluster" run -- true 2>"$tmp/missing.err" || status=$?
[ "$status" -eq 2 ] || die "without sbatch on PATH the run exited $status, not 2"
for expected in "missing programs:" "sbatch" "slurm-client" "./forkcheck setup" "apt-get install -y slurm-client"; do
  grep -qF -- "$expected" "$tmp/missing.err" ||
    die "without sbatch on PATH the error does not say '$expected': $(cat "$tmp/missing.err")"
done

# --- The job array. Each task appends its index and the array's size to a
# file named by its index: an index that ran twice has two lines there.
results="$tmp/results"
mkdir -p "$results"
submit_array() {
  echo "${SLURM_CONF%/slurm.conf}" >"$results/cluster_dir"
  local job
  job=$(timeout 30 sbatch --parsable \
    --array="0-$((TASKS - 1))" --output="$results/task-%a.log" \
    --wrap "echo \"\$SLURM_ARRAY_TASK_ID \$SLURM_ARRAY_TASK_COUNT\" >>\"$results/index-\$SLURM_ARRAY_TASK_ID\"; sleep 1") ||
    die "sbatch of the array failed"
  wait_for_job "$job" "$JOB_TIMEOUT_S"
}
export -f submit_array wait_for_job die
export NAME results TASKS JOB_TIMEOUT_S
status=0
"$cluster" run -- bash -c submit_array 2>"$tmp/run.err" || status=$?
[ "$status" -eq 0 ] || die "the job array failed (status $status): $(cat "$tmp/run.err")"
[ -s "$results/cluster_dir" ] || die "the job never saw SLURM_CONF"
cluster_dir=$(cat "$results/cluster_dir")
for ((i = 0; i < TASKS; i++)); do
  [ -f "$results/index-$i" ] || die "array index $i never ran (task log: $(cat "$results/task-$i.log" 2>/dev/null))"
  content=$(cat "$results/index-$i")
  [ "$content" = "$i $TASKS" ] ||
    die "array index $i wrote '$content', not once '$i $TASKS'"
done
ran=$(find "$results" -name 'index-*' | wc -l)
[ "$ran" -eq "$TASKS" ] || die "$ran indexes ran, not $TASKS: $(ls "$results")"
expect_gone "$cluster_dir"

# --- Interrupted: SIGTERM to a running cluster with a job in flight takes
# the daemons, the job and the directory with it.
hold_cluster() {
  timeout 30 sbatch --quiet --output=/dev/null \
    --wrap "touch \"$results/held_job_started\"; sleep 300" >/dev/null
  echo "${SLURM_CONF%/slurm.conf}" >"$results/held_dir"
  sleep 300
}
export -f hold_cluster
# start_held_cluster ERRFILE: `run` of hold_cluster in the background, its
# stderr in ERRFILE, once its job runs: sets held (the script's pid) and
# held_dir (the cluster's directory).
start_held_cluster() {
  rm -f "$results/held_dir" "$results/held_job_started"
  "$cluster" run -- bash -c hold_cluster 2>"$1" &
  held=$!
  # If this test fails while the cluster is held, the cluster goes with it.
  trap 'kill -TERM "$held" 2>/dev/null || true' EXIT
  local deadline=$((SECONDS + 60))
  until [ -s "$results/held_dir" ] && [ -f "$results/held_job_started" ]; do
    kill -0 "$held" 2>/dev/null || die "the held cluster did not start: $(cat "$1")"
    [ $SECONDS -lt $deadline ] || die "the held cluster or its job did not start within 60 s"
    sleep 0.5
  done
  held_dir=$(cat "$results/held_dir")
  [ -n "$(leftovers "$held_dir")" ] || die "no process of the held cluster found: the check of leftovers sees nothing"
}
start_held_cluster "$tmp/held.err"
kill -TERM "$held"
status=0
timeout 60 tail --pid="$held" -f /dev/null || die "the interrupted cluster did not stop within 60 s"
wait "$held" || status=$?
[ "$status" -eq 143 ] || die "the interrupted cluster exited $status, not 143 (SIGTERM): $(cat "$tmp/held.err")"
trap - EXIT
expect_gone "$held_dir"

# --- Killed outright: SIGKILL runs no trap, so the watcher that `run`
# starts in a session of its own stops the cluster, its job and the
# command it ran, and removes the directory.
start_held_cluster "$tmp/killed.err"
kill -KILL "$held"
wait "$held" 2>/dev/null || true
# If the watcher does not do its work, the test still leaves no cluster.
trap '"$cluster" stop "$held_dir" >/dev/null 2>&1 || true' EXIT
# The stop gives its job and daemons up to 20 s after SIGTERM, then KILLs.
deadline=$((SECONDS + 60))
until [ ! -e "$held_dir" ] && [ -z "$(leftovers "$held_dir")" ]; do
  [ $SECONDS -lt $deadline ] || break
  sleep 0.5
done
expect_gone "$held_dir"
trap - EXIT
grep -v '^$' "$tmp/killed.err" >&2 || true

# --- By hand (start, stop) after the controller crashed: nothing cancels
# the job, submitted without the cluster's mark; stop must still end it,
# its slurmstepd and every daemon. /tmp: Bazel's TEST_TMPDIR is too long a
# path for munge's socket.
crashed_dir=$(mktemp -u /tmp/forkcheck-slurm-test.XXXXXX)
trap '"$cluster" stop "$crashed_dir" >/dev/null 2>&1 || true' EXIT
timeout 90 "$cluster" start "$crashed_dir" >"$tmp/start.out" 2>&1 ||
  die "start $crashed_dir failed: $(cat "$tmp/start.out")"
grep -qxF "export SLURM_CONF=$crashed_dir/slurm.conf" "$tmp/start.out" ||
  die "start did not print the SLURM_CONF line: $(cat "$tmp/start.out")"
SLURM_CONF="$crashed_dir/slurm.conf" timeout 30 sbatch --quiet --output=/dev/null \
  --wrap "echo \$\$ >\"$results/unmarked_job_pid\"; exec sleep 300" >/dev/null ||
  die "sbatch on the started cluster failed"
deadline=$((SECONDS + 30))
until [ -s "$results/unmarked_job_pid" ]; do
  [ $SECONDS -lt $deadline ] || die "the unmarked job did not start within 30 s"
  sleep 0.5
done
job_pid=$(cat "$results/unmarked_job_pid")
kill -KILL "$(cat "$crashed_dir/run/slurmctld.pid")"
timeout 90 "$cluster" stop "$crashed_dir" 2>"$tmp/stop.err" ||
  die "stop after a crashed controller failed: $(cat "$tmp/stop.err")"
trap - EXIT
expect_gone "$crashed_dir"
if [ -e "/proc/$job_pid" ] && [ "$(awk '{print $3}' "/proc/$job_pid/stat" 2>/dev/null)" != Z ]; then
  die "the unmarked job's process $job_pid outlived its cluster: $(tr '\0' ' ' <"/proc/$job_pid/cmdline")"
fi

echo "$NAME: PASS"
