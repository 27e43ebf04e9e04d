#!/usr/bin/env bash
# The main job end to end, small: one cell of the matrix and one benchmark
# configuration; the report and its summary; the bad-input paths.
set -euo pipefail
run="$TEST_SRCDIR/forkcheck/driver/forkcheck_run"
cell='thread_shared workers=8 transport=tcp table=small faults=none'
report="$TEST_TMPDIR/out/run.json"

# -v: each cell's verdict and the whole matrix table too (stderr with it).
out=$("$run" -v --cells="$cell" --min_trials=2 --max_trials=2 --report_out="$report" \
  --bench_models=thread_shared --bench_workers=1 --bench_sizes=64KiB \
  --bench_repetitions=1 2>&1)
echo "$out"
grep -qF "[1] $cell" <<<"$out"
grep -qE '^gRPC [0-9]+\.[0-9]+' <<<"$out"
grep -q '; fork handlers (pthread_atfork): ' <<<"$out"
# The table: the verdict rule once, then each cell's counts, verdict and
# interval, and why it stopped (2 trials: the cap, undecided).
grep -qF 'Verdicts: 95% Clopper-Pearson intervals; safe: failure rate' <<<"$out"
grep -qE '^cell +tcp conns +first row +wall' <<<"$out"
grep -qE '^thread_shared workers=8 +1 ' <<<"$out"
grep -qF '    workers: ok 2/2 → undecided, failure 0% [0%–84%]' <<<"$out"
grep -qF '    stopped: trial cap' <<<"$out"
# Both clients were described; the Python one had no cell in the filter.
grep -qE '^  cpp: grpc\+\+ [0-9.]+' <<<"$out"
grep -qE '^  python-grpcio: grpcio [0-9.]+' <<<"$out"
# The recorded expectations of this gRPC version were found and compared.
grep -qiE 'Every cell as recorded|No expectations are recorded' <<<"$out"
# The summary's table: the model's verdict with its counts and bound, next
# to its best benchmark.
grep -qx 'cpp:' <<<"$out"
grep -qE '^  thread_shared +undecided: ok 2/2, ≤84% +[0-9.]+[kM]? ±[0-9]+% +[0-9.]+ +[0-9]+ ms$' <<<"$out"
# The benchmarks' own output is in a log beside the report, not here.
grep -q "^Benchmark output: ${report%.json}.bench.log" <<<"$out"
grep -q '^==== process_models_benchmark ====' "${report%.json}.bench.log"
! grep -q 'Library was built as DEBUG' <<<"$out"

# The run's report was written and is valid against the schema; the
# Markdown summary lies beside it.
grep -q "^Report: $report" <<<"$out"
"$TEST_SRCDIR/forkcheck/reports/validate_json" \
  "$TEST_SRCDIR/forkcheck/reports/report.schema.json" "$report"
grep -q '"summary": "always ok"' "$report"
grep -q '"verdict": "undecided"' "$report"
grep -q '"stop_reason": "trial cap"' "$report"
grep -q '"id": "BM_ProcessModel/thread_shared/workers:1/response:64KiB' "$report"
grep -q '"id": "BM_CreateReadSession/' "$report"
grep -q '"id": "BM_CreateSessionLatency/thread_shared/workers:1/' "$report"
grep -qF '| cpp | thread_shared | ok 2/2 → undecided, failure 0% [0%–84%] |' "${report%.json}.md"
# And the HTML page: the matrix's one cell, the rate and fixed cost charts.
grep -q "^Page: ${report%.json}.html" <<<"$out"
grep -q 'class="cell v-undecided"' "${report%.json}.html"
grep -qF '<title>Steady rate (first row to last), 64KiB responses</title>' \
  "${report%.json}.html"
grep -qF '<title>Fixed cost: time to first row, 64KiB responses</title>' \
  "${report%.json}.html"
grep -qF '<title>Throughput end to end, 64KiB responses</title>' \
  "${report%.json}.html"

# Bad input: a clear error and exit status 2, never a crash or a hang.
expect_usage_error() {
  local pattern="$1"; shift
  set +e
  err=$("$run" "$@" 2>&1); status=$?
  set -e
  echo "$err"
  [ "$status" -eq 2 ] || { echo "exit $status for $*"; exit 1; }
  grep -q -- "$pattern" <<<"$err" || { echo "no '$pattern' for $*"; exit 1; }
}
expect_usage_error '--size="medium"; expected quick or full' --size=medium
expect_usage_error 'expected 1 <= min_trials <= max_trials' --min_trials=0
expect_usage_error 'the trial cap (3) must be at least the minimum trials per cell (5)' \
  --min_trials=5 --max_trials=3
expect_usage_error 'the trials of a flaky cell must be at least 1' --flaky_trials=0
expect_usage_error 'the confidence must be in (0, 1), strictly; got 1' --confidence=1
expect_usage_error 'the safe threshold must be in (0, 1), strictly; got 0' \
  --safe_threshold=0
expect_usage_error 'the unsafe threshold must be in (0, 1), strictly; got 1.5' \
  --unsafe_threshold=1.5
expect_usage_error "the expectations check's alpha must be in (0, 1)" \
  --expectations_alpha=-0.1
expect_usage_error '--matrix_budget=-1s; expected 0 to 168h' --matrix_budget=-1s
expect_usage_error '--matrix_budget=inf; expected 0 to 168h' --matrix_budget=inf
# Refused before the matrix, not found out when the first benchmark starts.
expect_usage_error '--bench_timeout=0; expected 1s to 24h' --bench_timeout=0s
expect_usage_error '--bench_timeout=-5s; expected 1s to 24h' --bench_timeout=-5s
expect_usage_error '--bench_timeout=500us; expected 1s to 24h' --bench_timeout=500us
expect_usage_error '--bench_timeout=inf; expected 1s to 24h' --bench_timeout=inf
expect_usage_error 'no client "rust" in the design; it has cpp, python-grpcio' \
  --clients=rust --benchmarks=false
expect_usage_error 'an empty client name' --clients=cpp,
expect_usage_error 'has "no such cell" in its key' --cells='no such cell' \
  --benchmarks=false
expect_usage_error 'unexpected argument "extra"' extra
expect_usage_error '--bench_binaries: unknown "nope"' --bench_binaries=nope
expect_usage_error 'give one or the other' --report_out=a.json --report_dir=b
# An unknown flag or a value of the wrong type: exit 2 in one line naming
# it, with the pointer to --help (not Abseil's own exit 1).
expect_usage_error 'unknown flag "--tables=small"; see ./forkcheck run --help' \
  --tables=small
[ "$(wc -l <<<"$err")" -eq 1 ] || { echo "not one line: $err"; exit 1; }
expect_usage_error "--min_trials=abc: " --min_trials=abc
expect_usage_error 'unknown flag "--noreport_out"' --noreport_out
# A bad benchmark selection fails before the matrix runs, naming the main
# job's flag (not "process_models_benchmark rejects its flags").
expect_usage_error '--bench_models=no_such_model: unknown model "no_such_model"' \
  --bench_models=no_such_model
expect_usage_error '"python_threads" is a model of client python-grpcio, which --clients=cpp leaves out' \
  --clients=cpp --bench_models=thread_shared,python_threads
expect_usage_error '--bench_workers=0: "0" is not a count' --bench_workers=0
# The report's place is checked before any work: exit 2 at once, naming
# the flag, nothing run and nothing left behind.
start=$SECONDS
expect_usage_error '--report_out=/proc/fc.json: cannot write the report "/proc/fc.json": "/proc": cannot create files there' \
  --report_out=/proc/fc.json
grep -q 'Running the' <<<"$err" && { echo "the matrix ran before the check"; exit 1; }
echo x >"$TEST_TMPDIR/a_file"
expect_usage_error "--report_out=$TEST_TMPDIR/a_file/r.json: cannot write the report .* is not a directory" \
  --report_out="$TEST_TMPDIR/a_file/r.json"
mkdir -p "$TEST_TMPDIR/taken/r.html"
expect_usage_error 'cannot write the page .*/taken/r.html.* is a directory' \
  --report_out="$TEST_TMPDIR/taken/r.json"
expect_usage_error "--report_dir=$TEST_TMPDIR/a_file: cannot write reports in" \
  --report_dir="$TEST_TMPDIR/a_file"
# So is where a recording goes (outside `bazel run`, no workspace to
# default to): refused before the first trial.
expect_usage_error '--record_expectations needs --expectations_dir outside `bazel run`' \
  --record_expectations --benchmarks=false
# A recording writes no report: asking for one is refused, not ignored.
expect_usage_error '--record_expectations adds the run.s counts to the expectations files and writes no report' \
  --record_expectations --expectations_dir="$TEST_TMPDIR" --report_out="$TEST_TMPDIR/r.json"
expect_usage_error 'drop --report_out and --report_dir' \
  --record_expectations --expectations_dir="$TEST_TMPDIR" --report_dir="$TEST_TMPDIR"
grep -q 'Running the' <<<"$err" && { echo "the matrix ran before the recording check"; exit 1; }
# A folder of expectations that is not one: refused, not read as "none
# recorded" (which passes); nor one a recording cannot write in.
expect_usage_error "--expectations_dir=$TEST_TMPDIR/nowhere: no such directory" \
  --expectations_dir="$TEST_TMPDIR/nowhere" --benchmarks=false
expect_usage_error "--expectations_dir=$TEST_TMPDIR/a_file: not a directory" \
  --expectations_dir="$TEST_TMPDIR/a_file" --benchmarks=false
expect_usage_error '--record_expectations: "/proc": cannot create files there' \
  --record_expectations --expectations_dir=/proc
grep -q 'Running the' <<<"$err" && { echo "the matrix ran before the folder check"; exit 1; }
[ $((SECONDS - start)) -lt 20 ] || { echo "the path checks took $((SECONDS - start)) s"; exit 1; }
[ "$(ls -A "$TEST_TMPDIR/taken")" = "r.html" ] || { echo "the check left files"; exit 1; }

# --help: one screen (at most 40 lines of at most 100 columns) with the
# commands and the most useful flags, each of which exists (--helpfull).
help=$("$run" --help)
[ "$(wc -l <<<"$help")" -le 40 ] || { echo "--help is longer than a screen"; exit 1; }
awk 'length($0) > 100 { bad = 1 } END { exit bad }' <<<"$help" ||
  { echo "--help is wider than 100 columns"; exit 1; }
for command in run test nightly repro setup; do
  grep -qE "^  $command " <<<"$help" || { echo "--help lacks $command"; exit 1; }
done
helpfull=$("$run" --helpfull)
for flag in $(grep -oE -- '--[a-z_]+' <<<"$help" | sort -u); do
  [ "$flag" = "--help" ] || [ "$flag" = "--helpfull" ] && continue
  grep -qE -- "^  $flag " <<<"$helpfull" || { echo "--help names $flag, no flag"; exit 1; }
done
for flag in --quick --size --clients --cells --report_out --benchmarks --explain_failures; do
  grep -q -- "$flag" <<<"$help" || { echo "--help lacks $flag"; exit 1; }
done

# --clients=cpp leaves the Python client out of the benchmarks too; --quick
# honours the benchmark flags given explicitly (1 worker, 1 repetition, not
# its 2 and 2). In a TMPDIR of its own: the run removes the scratch
# directory of a run that was killed (its lock free), never a live run's.
scratch="$TEST_TMPDIR/scratch"
mkdir -p "$scratch/forkcheck-tmp-dead" "$scratch/forkcheck-tmp-alive"
: >"$scratch/forkcheck-tmp-dead/.forkcheck-owner"
: >"$scratch/forkcheck-tmp-alive/.forkcheck-owner"
flock "$scratch/forkcheck-tmp-alive/.forkcheck-owner" sleep 300 &
holder=$!
trap 'kill "$holder" 2>/dev/null || true' EXIT
# Until the holder has the lock (a loaded machine starts it late), bounded.
for _ in $(seq 1 200); do
  flock -n "$scratch/forkcheck-tmp-alive/.forkcheck-owner" true || break
  sleep 0.05
done
if flock -n "$scratch/forkcheck-tmp-alive/.forkcheck-owner" true; then
  echo "FAIL: the lock holder did not take the lock within 10 s" >&2
  exit 1
fi
cpp_report="$TEST_TMPDIR/cpp/run.json"
out=$(TMPDIR="$scratch" "$run" --clients=cpp --cells="$cell" --min_trials=1 --max_trials=1 \
  --quick --bench_binaries=process_models_benchmark --bench_workers=1 \
  --bench_repetitions=1 --report_out="$cpp_report" 2>&1)
kill "$holder"
grep -q '"id": "BM_ProcessModel/thread_shared/workers:1/response:64KiB' "$cpp_report"
grep -q '"id": "BM_[A-Za-z]*/python_' "$cpp_report" &&
  { echo "python scenarios with --clients=cpp"; exit 1; }
grep -q '"repetitions": 1,' "$cpp_report"
grep -q '"repetitions": 2,' "$cpp_report" && { echo "--quick overrode --bench_repetitions"; exit 1; }
grep -qF "removed $scratch/forkcheck-tmp-dead, left by a run that was killed" <<<"$out"
[ ! -e "$scratch/forkcheck-tmp-dead" ] || { echo "a dead run's directory stayed"; exit 1; }
[ -d "$scratch/forkcheck-tmp-alive" ] || { echo "a live run's directory was removed"; exit 1; }
# Its own scratch went at exit; the report and its views came as a set,
# beside the benchmarks' log.
[ "$(ls -A "$scratch")" = "forkcheck-tmp-alive" ] || { ls -A "$scratch"; exit 1; }
[ "$(ls -A "$(dirname "$cpp_report")" | tr '\n' ' ')" = "run.bench.log run.html run.json run.md " ] ||
  { ls -A "$(dirname "$cpp_report")"; echo "not the set of three and the log"; exit 1; }
# Expectations files in --expectations_dir: the recorded C++ one, then
# doctored copies of it.
recorded=$(ls "$TEST_SRCDIR"/forkcheck/conformance/expectations/grpc-1.*.txt |
  grep -v 'grpc-1.30' | head -n 1)
doctored_dir="$TEST_TMPDIR/doctored"
mkdir -p "$doctored_dir"
doctored="$doctored_dir/$(basename "$recorded")"
safe_cell='thread_shared workers=8 transport=tcp table=small faults=none'
grep -q "^$safe_cell .* => workers: ok=[0-9]*\( runs=[0-9/,]*\)\?$" "$recorded"
# An old-format file is bad input: exit 2, naming the line, before any
# trial (-v would print a line for a cell that ran), nothing written; so is
# a file that is a directory, and when recording too.
sed "s|^\($safe_cell.*\) => workers: .*|\1 => workers: always ok|" "$recorded" >"$doctored"
expect_usage_error "$(basename "$doctored"):[0-9]*: workers: \"always ok\" is the old format" \
  --cells="$safe_cell" --min_trials=1 --max_trials=1 --benchmarks=false -v \
  --expectations_dir="$doctored_dir" --report_out="$TEST_TMPDIR/old.json"
[ ! -e "$TEST_TMPDIR/old.json" ] || { echo "a report despite a malformed file"; exit 1; }
! grep -qE '^\[[0-9]+\] ' <<<"$err" || { echo "a cell ran despite a malformed file"; exit 1; }
cp "$doctored" "$TEST_TMPDIR/old_format.txt"
expect_usage_error "$(basename "$doctored"):[0-9]*: workers: \"always ok\" is the old format" \
  --cells="$safe_cell" --min_trials=1 --max_trials=1 -v --record_expectations \
  --expectations_dir="$doctored_dir"
! grep -qE '^\[[0-9]+\] ' <<<"$err" || { echo "a cell ran before a malformed record"; exit 1; }
cmp -s "$doctored" "$TEST_TMPDIR/old_format.txt" || { echo "a malformed record changed"; exit 1; }
rm "$doctored" && mkdir "$doctored"
expect_usage_error "cannot read expectations file \"$doctored\": Is a directory" \
  --cells="$safe_cell" --min_trials=1 --max_trials=1 --benchmarks=false -v \
  --expectations_dir="$doctored_dir" --report_out="$TEST_TMPDIR/old.json"
! grep -qE '^\[[0-9]+\] ' <<<"$err" || { echo "a cell ran despite a directory"; exit 1; }
rmdir "$doctored"
# A safe cell's line changed to "always hang" with counts: the run writes
# its report, names the cell with both count sets and the p-value, and
# exits 3.
sed "s|^\($safe_cell.*\) => workers: .*|\1 => workers: hang=40|" "$recorded" >"$doctored"
# expect_mismatch WHAT ARGS...: runs the job, which must exit 3 (a cell
# does not match its expectations); its output is left in $out.
expect_mismatch() {
  local what="$1"; shift
  set +e
  out=$("$run" "$@" 2>&1); local status=$?
  set -e
  echo "$out"
  [ "$status" -eq 3 ] || { echo "$what: exit $status, expected 3"; exit 1; }
}
expect_mismatch "doctored expectations" --cells="$safe_cell" --min_trials=10 \
  --max_trials=10 --benchmarks=false --expectations_dir="$doctored_dir" \
  --report_out="$TEST_TMPDIR/doctored.json"
# Quiet without -v: no line per cell, no matrix table, nothing wider than
# 100 columns (but a path, which stays whole); the mismatch in the summary,
# all of it in the Markdown.
! grep -qE '^\[[0-9]+\] ' <<<"$out"
! grep -qE '^cell +tcp conns' <<<"$out"
/usr/bin/python3 -c 'import sys
wide = [l for l in sys.stdin.read().splitlines()
        if len(l) > 100 and sys.argv[1] not in l]
print(*("too wide: " + l for l in wide), sep="\n")
sys.exit(1 if wide else 0)' "$TEST_TMPDIR" <<<"$out"
grep -q "^  line [0-9]*: $safe_cell" <<<"$out"
grep -q 'recorded: hang 40/40' <<<"$out"
grep -q 'this run: ok 10/10' <<<"$out"
grep -q 'Fisher p = ' <<<"$out"
grep -q "$(basename "$doctored"):[0-9]*: $safe_cell" "$TEST_TMPDIR/doctored.md"
grep -q '"passed": false' "$TEST_TMPDIR/doctored.json"
# The same cell against the recorded file matches.
out=$("$run" --cells="$safe_cell" --min_trials=10 --max_trials=10 --benchmarks=false \
  --report_out="$TEST_TMPDIR/recorded.json" 2>&1)
grep -q 'every cell as recorded' <<<"$out"
# The power probe, a known change: the same safe cell, its key unchanged,
# reads a copy of small whose every session stalls; each trial hangs and
# the check against the recorded counts fails (exit 3). The report says so.
expect_mismatch "power probe" --cells="$safe_cell" --min_trials=4 \
  --max_trials=4 --benchmarks=false --power_probe="$safe_cell@1" \
  --report_out="$TEST_TMPDIR/probed.json"
grep -q "power probe: cells matching \"$safe_cell\" read small_power_probe" <<<"$out"
grep -q "^  line [0-9]*: $safe_cell" <<<"$out"
grep -q 'this run: hang 4/4' <<<"$out"
grep -q '"power_probe": "power probe: cells matching' "$TEST_TMPDIR/probed.json"
expect_usage_error 'the probability "2" is not a number in (0, 1]' \
  --power_probe="$safe_cell@2"
expect_usage_error 'its counts must never be recorded' \
  --power_probe="$safe_cell@0.5" --record_expectations --expectations_dir="$TEST_TMPDIR"
expect_usage_error '--power_probe: no cell to run reads table small' \
  --cells="$safe_cell" --power_probe="spawn@0.5" --benchmarks=false

# Interrupted (Ctrl-C, a nightly job's timeout): the run dies of the signal
# and leaves neither its fake servers nor their directory behind.
interrupted_log="$TEST_TMPDIR/interrupted.log"
"$run" --cells='thread_shared workers=8 transport=tcp table=small faults=none' \
  --min_trials=1000 --max_trials=1000 --benchmarks=false \
  --report_out="$TEST_TMPDIR/never.json" \
  >"$interrupted_log" 2>&1 &
pid=$!
servers_dir=''
for _ in $(seq 200); do  # the servers start within 20 s
  servers_dir=$(pgrep -a -P "$pid" | grep -o '/[^ :=]*forkcheck-servers-[A-Za-z0-9]*' |
    head -n 1 || true)
  [ -n "$servers_dir" ] && break
  sleep 0.1
done
server_pids=$(pgrep -P "$pid" || true)
[ -n "$servers_dir" ] && [ -d "$servers_dir" ] ||
  { cat "$interrupted_log"; kill -9 "$pid"; echo "no servers dir seen"; exit 1; }
kill -TERM "$pid"
for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && { kill -9 "$pid"; echo "alive 20 s after SIGTERM"; exit 1; }
set +e
wait "$pid"; status=$?
set -e
tail -n 3 "$interrupted_log"
[ "$status" -eq 143 ] || { echo "exit status $status after SIGTERM, not 143"; exit 1; }
[ ! -e "$servers_dir" ] || { echo "$servers_dir left behind"; exit 1; }
grep -q "removed $servers_dir" "$interrupted_log"
# The trials' TMPDIR (what a killed trial leaves, e.g. a Python fork
# server's pymp-* directory) goes too.
tmpdir_removed=$(grep -o 'removed [^ ]*/forkcheck-tmp-[A-Za-z0-9]*' "$interrupted_log" | head -n 1)
[ -n "$tmpdir_removed" ] || { echo "the run's own TMPDIR was not removed"; exit 1; }
[ ! -e "${tmpdir_removed#removed }" ] || { echo "${tmpdir_removed#removed } left behind"; exit 1; }
[ ! -e "$TEST_TMPDIR/never.json" ] || { echo "a report from an interrupted run"; exit 1; }
for _ in $(seq 50); do  # PDEATHSIG is delivered at once; give the kernel time
  alive=$(for p in $server_pids; do if kill -0 "$p" 2>/dev/null; then echo "$p"; fi; done)
  [ -z "$alive" ] && break
  sleep 0.1
done
[ -z "$alive" ] || { echo "children outlived the run: $alive"; exit 1; }
echo PASS
