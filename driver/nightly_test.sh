#!/usr/bin/env bash
# The nightly job end to end, small: four runs into one history folder. The
# first pins itself as the baseline; the second is compared with both; the
# third has the fake slowed down a lot and must exit 1 with a regression;
# the fourth runs other cells and benchmarks, has nothing in common with
# the others and must exit 2 as not comparable.
set -euo pipefail
root="$TEST_SRCDIR/forkcheck"
history="$TEST_TMPDIR/history"
tools=(--driver="$root/driver/forkcheck_run" --compare="$root/reports/compare/compare"
  --html="$root/reports/html/html" --history="$history")
# A tiny run: one matrix cell, one benchmark configuration, 5 repetitions (the
# fewest a comparison judges), only the process-model benchmarks.
run_flags=(--cells='thread_shared workers=8 transport=tcp table=small faults=none'
  --min_trials=1 --max_trials=1 --bench_models=thread_shared --bench_workers=1 --bench_sizes=64KiB
  --bench_repetitions=5 --bench_binaries=process_models_benchmark)

nightly() {
  set +e
  "$root/driver/nightly.sh" "$@" >"$TEST_TMPDIR/out.txt" 2>&1
  status=$?
  set -e
  cat "$TEST_TMPDIR/out.txt"
}

# 1: no earlier run; it becomes the baseline.
nightly "${tools[@]}" -- "${run_flags[@]}"
[ "$status" -eq 0 ] || { echo "first run: exit $status"; exit 1; }
grep -q 'no earlier run' "$TEST_TMPDIR/out.txt"
grep -q 'pinned .* as the baseline' "$TEST_TMPDIR/out.txt"
[ -f "$history/baseline/baseline.json" ]
[ -f "$history/trend.html" ]
[ "$(ls "$history"/*.json | wc -l)" -eq 1 ]
sleep 1  # report names have a resolution of one second

# 2: the same build again: compared with the previous run and the baseline.
# A/A noise may or may not pass the gate: the comparison's own tests judge
# that; here it must have been made (0 or 1, never 2).
nightly "${tools[@]}" -- "${run_flags[@]}"
[ "$status" -le 1 ] || { echo "second run: exit $status"; exit 1; }
[ "$(ls "$history"/*.json | wc -l)" -eq 2 ]
for against in previous baseline; do
  for form in txt md json html; do
    ls "$history"/comparisons/*.vs-$against.$form >/dev/null
  done
  # The page leads with the verdict.
  grep -q 'id="verdict"' "$history"/comparisons/*.vs-$against.html
done
# The trend page shows every run of the history.
for report in "$history"/*.json; do
  grep -q "$(basename "$report")" "$history/trend.html"
done
sleep 1

# 3: the fake waits 2 ms before every response: far slower, a regression.
faults="$TEST_TMPDIR/slow.json"
echo '{"faults": [{"kind": "delay_per_response", "micros": 2000, "max_fires": -1}]}' >"$faults"
nightly "${tools[@]}" -- "${run_flags[@]}" --bench_fake_faults="$faults"
[ "$status" -eq 1 ] || { echo "slowed run: exit $status, expected 1"; exit 1; }
grep -q 'REGRESSION' "$TEST_TMPDIR/out.txt"
latest=$(ls "$history"/comparisons/*.vs-baseline.json | sort | tail -n 1)
grep -q 'regressed' "$latest"
grep -q 'class="verdict bad"' "${latest%.json}.html"
grep -q 'metrics\? regressed' "${latest%.json}.html"

sleep 1

# 4: other cells and other benchmarks than every run before: the
# comparisons have nothing to judge by (compare's status 3), so the job
# fails with 2 and says so, and still writes each comparison's four forms.
# Another response size too: the bare loop's ceiling at 64KiB, common to
# every model, once made a noisy "regression" (exit 1) under a loaded CI.
other_flags=(--cells='spawn workers=8 transport=tcp table=small faults=none'
  --min_trials=1 --max_trials=1 --bench_models=spawn --bench_workers=1 --bench_sizes=128KiB
  --bench_repetitions=5 --bench_binaries=process_models_benchmark)
nightly "${tools[@]}" -- "${other_flags[@]}"
[ "$status" -eq 2 ] || { echo "unrelated run: exit $status, expected 2"; exit 1; }
grep -q 'NOT COMPARABLE: a comparison had too little in common' "$TEST_TMPDIR/out.txt"
latest=$(ls "$history"/comparisons/*.vs-previous.json | sort | tail -n 1)
grep -q '"verdict": "not_comparable"' "$latest"
for form in txt md html; do [ -f "${latest%.json}.$form" ]; done
grep -q 'data-gate="not_comparable"' "${latest%.json}.html"

# Bad usage: exit 2 with the reason.
nightly --driver=/no/such/driver "${tools[@]:1}"
[ "$status" -eq 2 ] && grep -q "is not an executable" "$TEST_TMPDIR/out.txt"
nightly "${tools[@]}" --baseline=/no/such/report.json -- "${run_flags[@]}"
[ "$status" -eq 2 ] && grep -q "no report at" "$TEST_TMPDIR/out.txt"
echo PASS
