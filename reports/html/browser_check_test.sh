#!/usr/bin/env bash
# The report page in a real browser: Debian's headless Chromium loads it
# from a file, its DOM (--dump-dom) has every matrix cell (by verdict, the
# verdict rule stated), both grids and
# both charts and nothing external, and a screenshot of it is a non-blank
# PNG of the window's size. Loaded at a failed cell's fragment (what a click
# on the cell does), that cell's folded "why" section is open, and its
# stderr is text. Then a comparison page (compare --format=html)
# of two reports from different machines, one cell worse, one metric
# regressed and the Python client skipped in the new one: the verdict, the
# banners, the worse cell, the two cells whose stack signatures changed and
# the charts. Fails, never skips, without /usr/bin/chromium
# (./forkcheck setup installs it). Every Chromium run is bounded
# (chromium_headless.sh).
set -euo pipefail

readonly NAME="browser_check_test"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMIUM_WAIT=40  # seconds, per Chromium run
source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/common/testing/sh_test_lib.sh"

runfiles=$(runfiles_of reports/html)
check="$runfiles/check_page.py"
python=$(command -v python3) || die "python3 not found on PATH ($PATH)"
[[ -x "$CHROMIUM" ]] ||
  die "$CHROMIUM not found: install Debian's chromium (./forkcheck setup, or" \
    "apt-get install -y chromium)"
echo "$("$CHROMIUM" --version 2>/dev/null || echo "chromium (version unknown)")"

mkdir -p "$tmp/reports"
"$runfiles/write_test_reports" "$tmp/reports" || die "write_test_reports failed"
"$runfiles/html" "$tmp/reports/early.json" --out="$tmp/page.html" ||
  die "html exited $?"

chromium() { "$runfiles/chromium_headless.sh" "$@"; }

start=$SECONDS
# As a click on the hanging cell of the grid leaves it (test_report.h: the
# 15th cell, index 14).
chromium --dump-dom "file://$tmp/page.html#why-14" >"$tmp/dom.html" 2>"$tmp/chromium.log" ||
  die "chromium --dump-dom exited $? (log: $(tail -5 "$tmp/chromium.log"))"
# Two failed cells: their links (a.why) and sections (details.why).
"$python" "$check" dom "$tmp/dom.html" --cells 24 --grids 4 --svgs 3 \
  --text "<script>alert('x')</script>&co" --class_count client-ran=2 \
  --class_count v-needs_retry=1 --class_count wrong-data=1 \
  --class_count why=4 --class_count why-body=2 --id why-14 \
  --text "E1205 <b>not bold</b> &" \
  --text "95% Clopper-Pearson intervals" || die "the browser's DOM"
opened=$(grep -o '<details class="why"[^>]*>' "$tmp/dom.html" | grep -c 'open=' || true)
[[ $opened -eq 1 ]] ||
  die "the linked cell's section: $opened sections open, wanted 1 (the browser" \
    "did not reveal the fragment's folded target)"

chromium --window-size=1200,1600 --screenshot="$tmp/page.png" \
  "file://$tmp/page.html" 2>>"$tmp/chromium.log" >/dev/null ||
  die "chromium --screenshot exited $? (log: $(tail -5 "$tmp/chromium.log"))"
"$python" "$check" png "$tmp/page.png" 1200 1600 || die "the screenshot"
# Keep the screenshot with the test's outputs, for a person to look at.
if [[ -n "${TEST_UNDECLARED_OUTPUTS_DIR:-}" ]]; then
  cp "$tmp/page.png" "$TEST_UNDECLARED_OUTPUTS_DIR/report_page.png"
fi

# The comparison page: compare exits 1 (worse), and writes the page.
mkdir -p "$tmp/compared"
"$runfiles/write_comparison_reports" "$tmp/compared" ||
  die "write_comparison_reports failed"
status=0
"$runfiles/../compare/compare" --format=html --out="$tmp/comparison.html" \
  "$tmp/compared/old.json" "$tmp/compared/new.json" || status=$?
[[ $status -eq 1 ]] || die "compare --format=html exited $status, wanted 1"
"$python" "$check" page "$tmp/comparison.html" || die "the comparison page"
chromium --dump-dom "file://$tmp/comparison.html" >"$tmp/comparison-dom.html" \
  2>>"$tmp/chromium.log" ||
  die "chromium --dump-dom exited $? (log: $(tail -5 "$tmp/chromium.log"))"
# Two changed cells, old and new each; the charts of 1 worker: throughput
# and time to first row.
"$python" "$check" dom "$tmp/comparison-dom.html" --cells 4 --svgs 2 \
  --id verdict --id machines-differ --id clients-differ --class_count bad=1 \
  --class_count change-worse=1 --class_count change-better=1 \
  --class_count v-regressed=2 --class_count signature-change=2 \
  --text "BM_Other/<img src=x>&more" \
  --text "worker: grpc_core::ExecCtx::Flush ← <b>grpc_channel_destroy</b>" ||
  die "the comparison page's DOM"
grep -q '<tr class="change-worse"' "$tmp/comparison-dom.html" &&
  [[ $(grep -o 'class="change-[a-z]*"' "$tmp/comparison-dom.html" | head -n 1) == \
    'class="change-worse"' ]] || die "the worse cell is not listed first"
chromium --window-size=1200,1600 --screenshot="$tmp/comparison.png" \
  "file://$tmp/comparison.html" 2>>"$tmp/chromium.log" >/dev/null ||
  die "chromium --screenshot exited $? (log: $(tail -5 "$tmp/chromium.log"))"
"$python" "$check" png "$tmp/comparison.png" 1200 1600 ||
  die "the comparison screenshot"
if [[ -n "${TEST_UNDECLARED_OUTPUTS_DIR:-}" ]]; then
  cp "$tmp/comparison.png" "$TEST_UNDECLARED_OUTPUTS_DIR/comparison_page.png"
fi
echo "$NAME: PASS (Chromium took $((SECONDS - start)) s for four runs)"
