#!/usr/bin/env bash
# Measures compare's matrix false-alarm rate (issue 12): compares the
# reports of runs of one build, each run against the next (run-1 with
# run-2, run-2 with run-3, ...), and counts the comparisons that call a
# cell worse (compare's exit 1). The runs are what
# measure_expectations_check.sh leaves in its --out folder:
#
#   tools/calibration/measure_expectations_check.sh --runs=21 --out=/tmp/aa -- --quick --clients=cpp
#   tools/calibration/measure_compare_aa.sh /tmp/aa [-- compare flags]
#
# Prints one line per pair and then "worse: K of N comparisons". Exit
# status 0 once every pair was compared (whatever compare said), 2 if a
# pair could not be (compare's exit 2: a report it could not read; or 3:
# too little in common, which an A/A pair of one build never is).
set -uo pipefail
cd "$(dirname "$0")/../.."

dir=${1:-}
[ -n "$dir" ] && [ -d "$dir" ] || { echo "usage: $0 RUN_FOLDER [-- compare flags]" >&2; exit 2; }
shift
[ "${1:-}" = "--" ] && shift

./forkcheck setup || exit 2
bazel build --disk_cache="${XDG_CACHE_HOME:-$HOME/.cache}/forkcheck/bazel-disk-cache" \
  //reports/compare:compare >&2 || exit 2
compare="$(bazel info bazel-bin 2>/dev/null)/reports/compare/compare"

reports=()
for i in $(seq 1 10000); do
  [ -f "$dir/run-$i.json" ] || break
  reports+=("$dir/run-$i.json")
done
[ "${#reports[@]}" -ge 2 ] || { echo "fewer than 2 reports run-N.json in $dir" >&2; exit 2; }

worse=0
pairs=0
for ((i = 1; i < ${#reports[@]}; i++)); do
  old=${reports[i - 1]} new=${reports[i]}
  out="$dir/compare-$i-$((i + 1)).txt"
  "$compare" "$old" "$new" "$@" >"$out" 2>&1
  status=$?
  pairs=$((pairs + 1))
  case "$status" in
    0) echo "run-$i against run-$((i + 1)): no cell worse" ;;
    1) worse=$((worse + 1))
       echo "run-$i against run-$((i + 1)): WORSE ($(grep -m1 -E 'FAIL|worse' "$out"))" ;;
    *) echo "run-$i against run-$((i + 1)): compare exit $status (see $out)"; exit 2 ;;
  esac
done
echo "worse: $worse of $pairs comparisons"
