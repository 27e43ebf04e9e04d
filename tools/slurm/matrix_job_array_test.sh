#!/usr/bin/env bash
# The matrix as a Slurm job array, end to end: a single-node cluster
# (single_node_cluster.sh) runs the main job as an array of $SHARDS tasks,
# each taking its shard from Slurm's variables (no --shard), each writing
# its report into one folder; `merge` combines them; the merged report is
# valid and holds exactly the cells of the same selection run on one
# machine, in its order (cell keys, not outcomes: outcomes are
# probabilistic). The cluster leaves no process and no directory behind.
set -euo pipefail
readonly NAME="matrix_job_array_test"
# shellcheck source=/dev/null
source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/common/testing/sh_test_lib.sh"
# shellcheck source=tools/slurm/cluster_test_lib.sh
source "$(runfiles_of tools/slurm)/cluster_test_lib.sh"
cluster="$(runfiles_of tools/slurm)/single_node_cluster.sh"
run="$(runfiles_of driver)/forkcheck_run"
merge="$(runfiles_of reports/merge)/merge"
validate="$(runfiles_of reports)/validate_json"
schema="$(runfiles_of reports)/report.schema.json"
readonly SHARDS=3
# A small selection: the full design's 4 thread_shared cells at 8 workers
# (TCP and Unix, with and without resets), one trial each, C++ only, no
# benchmarks: a few seconds a shard here.
readonly SELECTION=(--clients=cpp --size=full --cells='thread_shared workers=8'
  --min_trials=1 --max_trials=1 --benchmarks=false)
# Slurm's own limit on each task (minutes), and ours on the whole array:
# three tasks share 2 CPUs, so they run two, then one.
readonly TASK_LIMIT_MIN=5
readonly ARRAY_TIMEOUT_S=600

keys() { grep -o '"key": "[^"]*"' "$1"; }

mkdir -p "$tmp/shards" "$tmp/logs" "$tmp/merged" "$tmp/whole"

# Inside the cluster: submit the array and wait for it. Each task runs the
# built main job (not Bazel) with the selection and a report folder; its
# shard comes from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT.
task_command=$(printf '%q ' "$run" "${SELECTION[@]}" --report_dir="$tmp/shards")
submit_matrix() {
  echo "${SLURM_CONF%/slurm.conf}" >"$tmp/cluster_dir"
  local job
  job=$(timeout 30 sbatch --parsable \
    --array="0-$((SHARDS - 1))" --time="$TASK_LIMIT_MIN" --cpus-per-task=1 \
    --output="$tmp/logs/task-%a.log" --wrap "$task_command") ||
    die "sbatch of the array failed"
  wait_for_job "$job" "$ARRAY_TIMEOUT_S"
}
export -f submit_matrix wait_for_job die
export NAME tmp task_command SHARDS TASK_LIMIT_MIN ARRAY_TIMEOUT_S
status=0
"$cluster" run -- bash -c submit_matrix 2>"$tmp/cluster.err" || status=$?
if [ "$status" -ne 0 ]; then
  for log in "$tmp"/logs/task-*.log; do
    [ -f "$log" ] && echo "--- $log" >&2 && tail -n 20 "$log" >&2
  done
  die "the job array failed (status $status): $(cat "$tmp/cluster.err")"
fi
cluster_dir=$(cat "$tmp/cluster_dir")

# Each task said which shard it was, from Slurm's variables.
for ((i = 0; i < SHARDS; i++)); do
  log="$tmp/logs/task-$i.log"
  grep -q "^Shard $i of $SHARDS (Slurm (SLURM_ARRAY_TASK_ID=$i, SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_COUNT=$SHARDS))" "$log" ||
    die "task $i did not run shard $i of $SHARDS from Slurm's variables: $(head -5 "$log")"
done
mapfile -t shard_reports < <(ls "$tmp"/shards/*-shard*of"$SHARDS".json)
[ "${#shard_reports[@]}" -eq "$SHARDS" ] ||
  die "${#shard_reports[@]} shard reports, not $SHARDS: $(ls "$tmp/shards")"
for report in "${shard_reports[@]}"; do
  "$validate" "$schema" "$report" >/dev/null || die "$report is not valid"
done

timeout 60 "$merge" "$tmp/merged/all.json" "${shard_reports[@]}" >"$tmp/merge.out" 2>&1 ||
  die "merge: exit $?: $(tail -5 "$tmp/merge.out")"
grep -q "^merge: $SHARDS shards, 4 cells, into $tmp/merged/all.json" "$tmp/merge.out" ||
  die "merge said: $(tail -3 "$tmp/merge.out")"
"$validate" "$schema" "$tmp/merged/all.json" >/dev/null || die "the merged report is not valid"

# The same selection on one machine, without Slurm: the same cells, in the
# same order, each once.
timeout 300 "$run" "${SELECTION[@]}" --report_out="$tmp/whole/whole.json" \
  >"$tmp/whole.out" 2>&1 || die "the one-machine run: exit $?: $(tail -5 "$tmp/whole.out")"
[ "$(keys "$tmp/whole/whole.json" | wc -l)" -eq 4 ] ||
  die "the one-machine run has not the selection's 4 cells: $(keys "$tmp/whole/whole.json")"
diff <(keys "$tmp/whole/whole.json") <(keys "$tmp/merged/all.json") >&2 ||
  die "the merged cells are not the one-machine run's"

expect_gone "$cluster_dir"
echo "$NAME: PASS"
