#!/usr/bin/env bash
# Measures the expectations check as it runs: N runs of the main job's
# matrix (no benchmarks) against the recorded expectations, counting the
# runs that failed the check (exit 3). Run on a quiet machine:
#
#   tools/calibration/measure_expectations_check.sh --runs=20 --out=/tmp/aa [-- run flags]
#
# A/A (the false-alarm rate): the build the files were recorded on, no
# flags. Power: flags that make a known change, e.g. a fault script that
# makes a safe cell fail in a fifth of its trials. Per run it keeps the
# report and the output in --out; it prints one line per run and then
# "failed the check: K of N runs". Exit status 0 once every run finished
# (whatever the check said), 2 if a run could not be made.
set -uo pipefail
cd "$(dirname "$0")/../.."

runs=20 out=''
while [ $# -gt 0 ]; do
  case "$1" in
    --runs=*) runs="${1#*=}" ;;
    --out=*) out="${1#*=}" ;;
    --) shift; break ;;
    *) echo "measure_expectations_check: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive whole number" >&2; exit 2; }
[ -n "$out" ] || { echo "--out=DIR is required" >&2; exit 2; }
mkdir -p "$out" || exit 2

./forkcheck setup || exit 2
bazel build --config=bench --disk_cache="${XDG_CACHE_HOME:-$HOME/.cache}/forkcheck/bazel-disk-cache" \
  //driver:forkcheck_run >&2 || exit 2
driver="$(bazel info --config=bench bazel-bin 2>/dev/null)/driver/forkcheck_run"

# As `bazel run` would say it, so that each report names the harness's
# commit and tree (environment.harness) rather than "unknown".
export BUILD_WORKSPACE_DIRECTORY="$PWD"
failed=0
for i in $(seq "$runs"); do
  "$driver" --benchmarks=false --report_out="$out/run-$i.json" "$@" >"$out/run-$i.txt" 2>&1
  status=$?
  case "$status" in
    0) echo "run $i: matched" ;;
    3) failed=$((failed + 1))
       echo "run $i: FAILED the check: $(grep -c '^  line [0-9]*: ' "$out/run-$i.txt") mismatched line(s)" ;;
    *) echo "run $i: could not run (exit $status; see $out/run-$i.txt)"; exit 2 ;;
  esac
done
echo "failed the check: $failed of $runs runs"
