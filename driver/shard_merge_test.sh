#!/usr/bin/env bash
# A run split in two shards and merged back, end to end and small: shard 0
# by --shard, shard 1 by a Slurm array's variables (an array from 1); the
# benchmarks in shard 0 only; the merge has every cell once, in the order
# of the same run unsharded, and is a valid report that compare reads; bad
# shard settings exit 2 in one line.
set -euo pipefail
readonly NAME="shard_merge_test"
source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/common/testing/sh_test_lib.sh"
run="$(runfiles_of driver)/forkcheck_run"
merge="$(runfiles_of reports/merge)/merge"
compare="$(runfiles_of reports/compare)/compare"
validate="$(runfiles_of reports)/validate_json"
schema="$(runfiles_of reports)/report.schema.json"
# The full design's 4 such cells (TCP and Unix, with and without resets).
cells='thread_shared workers=8'
common=(--clients=cpp --size=full --cells="$cells" --min_trials=1 --max_trials=1)
bench=(--bench_binaries=process_models_benchmark --bench_models=thread_shared
  --bench_workers=1 --bench_sizes=64KiB --bench_repetitions=1)

keys() { grep -o '"key": "[^"]*"' "$1"; }

timeout 300 "$run" "${common[@]}" "${bench[@]}" --shard=0/2 \
  --report_out="$tmp/shards/s0.json" >"$tmp/s0.out" 2>&1 ||
  die "shard 0: exit $?: $(tail -5 "$tmp/s0.out")"
grep -q '^Shard 0 of 2 (--shard=0/2): its part of the matrix and the benchmarks.' "$tmp/s0.out" ||
  die "shard 0 did not say which it is: $(head -5 "$tmp/s0.out")"
SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=2 SLURM_ARRAY_TASK_COUNT=2 \
  timeout 300 "$run" "${common[@]}" "${bench[@]}" --report_dir="$tmp/shards" >"$tmp/s1.out" 2>&1 ||
  die "shard 1: exit $?: $(tail -5 "$tmp/s1.out")"
grep -q '^Shard 1 of 2 (Slurm (SLURM_ARRAY_TASK_ID=2, SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_COUNT=2)): its part of the matrix.$' "$tmp/s1.out" ||
  die "shard 1 did not say which it is: $(head -5 "$tmp/s1.out")"
# The default name of a shard's report says which it is.
s1=$(ls "$tmp"/shards/*-grpc*-shard1of2.json) || die "no shard-named report: $(ls "$tmp/shards")"

for report in "$tmp/shards/s0.json" "$s1"; do
  "$validate" "$schema" "$report" >/dev/null || die "$report is not valid"
  [ "$(keys "$report" | wc -l)" -eq 2 ] || die "$report has not 2 of the 4 cells: $(keys "$report")"
done
# Its summary and page say it is a part, not the whole matrix.
for view in "$tmp/shards/s0.md" "$tmp/shards/s0.html"; do
  grep -q "Shard 0 of 2 (--shard=0/2): 2 cells of the plan[^ ]* 4; the benchmarks ran here" "$view" ||
    die "$view does not say it is shard 0 of 2"
done
grep -q '"benchmarks": "ran"' "$tmp/shards/s0.json" || die "shard 0 ran no benchmarks"
grep -q '"id": "BM_ProcessModel/thread_shared/workers:1/response:64KiB' "$tmp/shards/s0.json" ||
  die "shard 0's report has no benchmark"
grep -q '"benchmarks": "another shard"' "$s1" || die "shard 1 does not say shard 0 ran them"
grep -q '"benchmarks": null' "$s1" || die "shard 1 ran benchmarks"

timeout 60 "$merge" "$tmp/merged/all.json" "$s1" "$tmp/shards/s0.json" >"$tmp/merge.out" 2>&1 ||
  die "merge: exit $?: $(tail -5 "$tmp/merge.out")"
grep -q "^merge: 2 shards, 4 cells, into $tmp/merged/all.json" "$tmp/merge.out" ||
  die "merge said: $(tail -3 "$tmp/merge.out")"
"$validate" "$schema" "$tmp/merged/all.json" >/dev/null || die "the merged report is not valid"
for view in "$tmp/merged/all.md" "$tmp/merged/all.html"; do
  grep -q "Merged from 2 shards: shard 0, 2 cells on [^ ]*, with the benchmarks; shard 1, 2 cells on" "$view" ||
    die "$view does not name the shards it was merged from"
done
grep -q '"id": "BM_ProcessModel/thread_shared/workers:1/response:64KiB' "$tmp/merged/all.json" ||
  die "the merged report lost shard 0's benchmark"

# The same cells unsharded: the merge has them all, once, in its order.
timeout 300 "$run" "${common[@]}" --benchmarks=false --report_out="$tmp/whole/whole.json" \
  >"$tmp/whole.out" 2>&1 || die "the whole run: exit $?: $(tail -5 "$tmp/whole.out")"
diff <(keys "$tmp/whole/whole.json") <(keys "$tmp/merged/all.json") >&2 ||
  die "the merged cells are not the whole run's"
# compare reads it like any report (its cells against the whole's; the
# whole run has no benchmarks, so 3, not comparable, is a fine answer; 2,
# bad input, is not).
status=0
timeout 60 "$compare" "$tmp/whole/whole.json" "$tmp/merged/all.json" \
  >"$tmp/compare.out" 2>&1 || status=$?
[ "$status" -ne 2 ] || die "compare: exit $status: $(tail -5 "$tmp/compare.out")"
grep -q '4 of 4 old, 4 of 4 new' "$tmp/compare.out" ||
  die "compare did not match the 4 cells: $(head -20 "$tmp/compare.out")"

# Bad shard settings: exit 2 in one line naming the flag or variable.
expect_usage_error() {
  local text=$1
  shift
  local status=0
  "$@" >"$tmp/bad.out" 2>&1 || status=$?
  [ "$status" -eq 2 ] || die "$*: exit $status, expected 2: $(cat "$tmp/bad.out")"
  [ "$(wc -l <"$tmp/bad.out")" -eq 1 ] || die "$*: not one line: $(cat "$tmp/bad.out")"
  grep -qF -- "$text" "$tmp/bad.out" || die "$*: lacks \"$text\": $(cat "$tmp/bad.out")"
}
expect_usage_error 'forkcheck run: --shard=2/2: the index 2 is not between 0 and 1' \
  "$run" --shard=2/2 --report_out="$tmp/bad/r.json"
expect_usage_error 'forkcheck run: --shard=one/2: expected INDEX/COUNT' \
  "$run" --shard=one/2 --report_out="$tmp/bad/r.json"
expect_usage_error 'JOB_COMPLETION_INDEX=1 (a Kubernetes Indexed Job) needs the shard count' \
  env JOB_COMPLETION_INDEX=1 "$run" --report_out="$tmp/bad/r.json"
expect_usage_error '--record_expectations with a shard (--shard=0/2)' \
  "$run" --shard=0/2 --record_expectations --expectations_dir="$tmp/bad"
# Every shard checks the benchmark flags, though only shard 0 runs them.
expect_usage_error '--bench_models=no_such_model: unknown model "no_such_model"' \
  "$run" --shard=1/2 --bench_models=no_such_model --report_out="$tmp/bad/r.json"
[ ! -e "$tmp/bad/r.json" ] || die "a report despite bad flags"
echo "$NAME: PASS"
