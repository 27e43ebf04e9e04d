#!/usr/bin/env bash
# forkcheck's nightly job: runs the main job into a history folder, compares
# the new report with the previous run and with a pinned baseline, and
# refreshes the history's trend page. `./forkcheck nightly` builds the tools
# and calls this; a test calls it with the tools of its runfiles.
#
#   nightly.sh --driver=BIN --compare=BIN --html=BIN --history=DIR
#              [--baseline=REPORT] [--pin_baseline] [--threshold=PCT]
#              [--cell_alpha=A] [--min_overlap=F] [-- main job flags...]
#
# --threshold, --cell_alpha and --min_overlap go to every comparison
# (reports/compare/compare_args.h).
#
# The history folder holds, per run, the main job's STEM.json, .md and .html
# (STEM is <UTC time>-grpc<version>), and
#   comparisons/STEM.vs-previous.{txt,md,json,html}  against the newest
#                                               earlier run (html: a page)
#   comparisons/STEM.vs-baseline.{txt,md,json,html}  against the pinned
#                                               baseline
#   baseline/baseline.json                      the pinned baseline: the first
#                                               run's, or --pin_baseline's
#   trend.html                                  every run, over time
#
# Exit status: 0 no regression; 1 a benchmark regressed, a matrix cell got
# worse against the previous run or the baseline, or a cell did not match
# its recorded expectations (the main job's status 3: the comparisons still
# run); 2 the job could not do its work (bad usage, the main job failed, a
# comparison could not be made, or one had too little in common to judge:
# compare's status 3, e.g. a run with other cells or benchmarks than the one
# it is compared with). 2 outranks 1: the job must be fixed before its
# verdicts mean much, and the regressions are printed all the same.
set -uo pipefail

die() { echo "nightly: $*" >&2; exit 2; }

driver='' compare='' html='' history='' baseline='' pin=false threshold=''
cell_alpha='' min_overlap=''
while [ $# -gt 0 ]; do
  case "$1" in
    --driver=*) driver="${1#*=}" ;;
    --compare=*) compare="${1#*=}" ;;
    --html=*) html="${1#*=}" ;;
    --history=*) history="${1#*=}" ;;
    --baseline=*) baseline="${1#*=}" ;;
    --pin_baseline) pin=true ;;
    --threshold=*) threshold="${1#*=}" ;;
    --cell_alpha=*) cell_alpha="${1#*=}" ;;
    --min_overlap=*) min_overlap="${1#*=}" ;;
    --) shift; break ;;
    *) die "unknown argument '$1' (main job flags go after --)" ;;
  esac
  shift
done
for tool in driver compare html; do
  [ -x "${!tool}" ] || die "--$tool: '${!tool}' is not an executable"
done
[ -n "$history" ] || die "--history=DIR is required"
mkdir -p "$history/comparisons" "$history/baseline" ||
  die "cannot create the history folder '$history'"
history=$(cd "$history" && pwd)
pinned="$history/baseline/baseline.json"
if [ -z "$baseline" ]; then
  baseline="$pinned"
else
  [ -f "$baseline" ] || die "--baseline: no report at '$baseline'"
fi
compare_flags=()
[ -n "$threshold" ] && compare_flags+=("--threshold=$threshold")
[ -n "$cell_alpha" ] && compare_flags+=("--cell_alpha=$cell_alpha")
[ -n "$min_overlap" ] && compare_flags+=("--min_overlap=$min_overlap")
# Checked before the main job: a bad value must neither cost a run nor pass
# unnoticed on a first night, which compares nothing. compare reads its
# flags in order and stops at --help (compare_args.h), so a bad one before
# it is refused.
flags_error=$("$compare" "${compare_flags[@]}" --help 2>&1 >/dev/null) ||
  die "${flags_error#compare: }"

# The main job, into the history. Its report is the one file it adds there.
before=$(mktemp)
trap 'rm -f "$before"' EXIT
ls -1 "$history"/*.json 2>/dev/null | sort >"$before"
echo "nightly: running the main job into $history"
"$driver" --report_dir="$history" "$@"
status=$?
expectations_differ=false
if [ "$status" -eq 3 ]; then
  # The report is written; the gate fails after the comparisons.
  expectations_differ=true
elif [ "$status" -ne 0 ]; then
  die "the main job failed (exit status $status); no comparison"
fi
new=$(ls -1 "$history"/*.json 2>/dev/null | sort | comm -13 "$before" -)
[ "$(wc -l <<<"$new")" -eq 1 ] && [ -f "$new" ] ||
  die "expected one new report in $history, found: ${new:-none}"
stem=$(basename "$new" .json)
echo "nightly: new report $new"

# Runs one comparison, writes its four forms, prints the console one.
# Its exit status is compare's: 0, 1 (worse), 2 (could not compare) or 3
# (compared, but too little in common to judge: its forms say how little).
compare_with() {
  local old="$1" name="$2" out="$history/comparisons/$stem.vs-$2" status
  echo
  echo "nightly: $new against the $name ($old)"
  "$compare" "${compare_flags[@]}" --format=console --out="$out.txt" "$old" "$new"
  status=$?
  if [ "$status" -eq 0 ] || [ "$status" -eq 1 ] || [ "$status" -eq 3 ]; then
    "$compare" "${compare_flags[@]}" --format=markdown --out="$out.md" "$old" "$new" >/dev/null
    "$compare" "${compare_flags[@]}" --format=json --out="$out.json" "$old" "$new" >/dev/null
    "$compare" "${compare_flags[@]}" --format=html --out="$out.html" "$old" "$new" >/dev/null
    cat "$out.txt"
  fi
  return "$status"
}

regressed=false failed=false not_comparable=false
# compare's 3 is the job's 2: a verdict on too little is no verdict.
note() {
  case "$1" in
    0) ;;
    1) regressed=true ;;
    3) not_comparable=true ;;
    *) failed=true ;;
  esac
}

if [ -n "$(cat "$before")" ]; then
  compare_with "$history" previous
  note $?
else
  echo "nightly: no earlier run in $history to compare with"
fi

if [ -f "$baseline" ]; then
  compare_with "$baseline" baseline
  note $?
fi
if [ ! -f "$pinned" ] || $pin; then
  cp "$new" "$pinned.tmp" && mv "$pinned.tmp" "$pinned" ||
    die "cannot pin $new as $pinned"
  echo "nightly: pinned $new as the baseline ($pinned)"
fi

"$html" --history="$history" --out="$history/trend.html" ||
  die "writing the trend page failed"
echo "nightly: trend page $history/trend.html"

worst=0
if $expectations_differ; then
  worst=1
  echo "nightly: cells do not match their recorded expectations (see the main job's output above)"
fi
if $regressed; then
  worst=1
  echo "nightly: REGRESSION or a matrix cell got worse (see above)"
fi
if $failed; then
  worst=2
  echo "nightly: a comparison could not be made (see above)"
fi
if $not_comparable; then
  worst=2
  echo "nightly: NOT COMPARABLE: a comparison had too little in common to" \
    "judge (see above; compare's --min_overlap)"
fi
[ "$worst" -eq 0 ] && echo "nightly: no regression"
exit "$worst"
