#!/usr/bin/env bash
# The html tool end to end on test reports: a report page and a trend page
# are written (atomically, nothing left beside them), parse as XML, have the
# expected grids, cells and charts, and load nothing external; bad usage and
# bad input exit 2 with a message naming what was wrong.
set -euo pipefail

readonly NAME="html_tool_test"
source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/common/testing/sh_test_lib.sh"

runfiles=$(runfiles_of reports/html)
html="$runfiles/html"
write_reports="$runfiles/write_test_reports"
check="$runfiles/check_page.py"
python=$(command -v python3) || die "python3 not found on PATH ($PATH)"

mkdir -p "$tmp/history" "$tmp/out"
"$write_reports" "$tmp/history" || die "write_test_reports failed"
echo '{"schema_version": 1' >"$tmp/history/broken.json"
# Not part of the history: a run whose Python client was skipped.
mv "$tmp/history/python_skipped.json" "$tmp/python_skipped.json"

# The report page: 24 cells in 4 grids (C++ and Python groups), throughput
# and first-row charts, the side-by-side table's verdict texts.
"$html" "$tmp/history/early.json" --out="$tmp/out/report.html" ||
  die "html on a good report exited $?"
# Cells by verdict (one needs a retry, one has wrong data), the rule stated.
"$python" "$check" page "$tmp/out/report.html" --cells 24 --grids 4 --svgs 3 \
  --text "<script>alert('x')</script>&co" --text "python-grpcio:threads" \
  --text "95% Clopper-Pearson intervals" --text "WRONG DATA 1/3" \
  --text "ok 36/36 → safe, failure 0% [0%–9.7%]" \
  --class_count v-needs_retry=1 --class_count wrong-data=1 \
  --id guidance --id cell-0 --text "What to do on this build" ||
  die "report page checks"

# The Python client skipped: its reason on the page, only the C++ grids.
"$html" "$tmp/python_skipped.json" --out="$tmp/skipped.html" ||
  die "html on the skipped-client report exited $?"
"$python" "$check" page "$tmp/skipped.html" --cells 18 --grids 2 --svgs 3 \
  --text "skipped: python3-grpcio is not installed" \
  --class_count client-skipped=1 || die "skipped-client page checks"

# The trend page: the broken file is named, the two reports charted.
"$html" --history="$tmp/history" --out="$tmp/out/trend.html" 2>"$tmp/stderr" ||
  die "html --history exited $?"
grep -q "skipped broken.json" "$tmp/stderr" || die "broken.json not named on stderr"
grep -q "broken.json" "$tmp/out/trend.html" || die "broken.json not named on the page"
"$python" "$check" page "$tmp/out/trend.html" --svgs 5 || die "trend page checks"

# Written atomically: only the two pages in the output folder.
files=$(ls -A "$tmp/out" | tr '\n' ' ')
[[ "$files" == "report.html trend.html " ]] || die "output folder holds: $files"

expect_usage_error() {  # WHAT PATTERN ARGS...
  local what=$1 pattern=$2
  shift 2
  local status=0
  "$html" "$@" 2>"$tmp/stderr" >/dev/null || status=$?
  [[ $status -eq 2 ]] || die "$what: exit $status, wanted 2"
  grep -q -- "$pattern" "$tmp/stderr" ||
    die "$what: stderr lacks \"$pattern\": $(cat "$tmp/stderr")"
}
expect_usage_error "no --out" "--out= is required" "$tmp/history/early.json"
expect_usage_error "no input" "not neither" --out="$tmp/x.html"
expect_usage_error "both inputs" "not both" "$tmp/history/early.json" \
  --history="$tmp/history" --out="$tmp/x.html"
expect_usage_error "unknown flag" "unknown flag --bogus" --bogus --out="$tmp/x.html"
expect_usage_error "missing report" "nowhere.json" "$tmp/nowhere.json" --out="$tmp/x.html"
expect_usage_error "broken report" "broken.json is not valid JSON" \
  "$tmp/history/broken.json" --out="$tmp/x.html"
expect_usage_error "missing folder" "not a folder" --history="$tmp/nowhere" \
  --out="$tmp/x.html"
expect_usage_error "unwritable output" "$tmp/history/early.json/page.html" \
  "$tmp/history/early.json" --out="$tmp/history/early.json/page.html"
# An output that is an input: refused, the input left as it was.
cp "$tmp/history/early.json" "$tmp/early_before.json"
expect_usage_error "output over its report" "the page is made from" \
  "$tmp/history/early.json" --out="$tmp/history/../history/early.json"
expect_usage_error "output over a history report" "the page is made from" \
  --history="$tmp/history" --out="$tmp/history/early.json"
expect_usage_error "output over an unreadable history file" "broken.json the page" \
  --history="$tmp/history" --out="$tmp/history/broken.json"
cmp -s "$tmp/history/early.json" "$tmp/early_before.json" || die "early.json was changed"
[[ ! -e "$tmp/x.html" ]] || die "a failed run wrote its output"
echo "$NAME: PASS"
