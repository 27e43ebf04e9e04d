#!/usr/bin/env bash
# nightly.sh's exit status from its comparisons' (compare: 0 fine, 1 worse,
# 2 could not compare, 3 too little in common), with stand-ins for the main
# job, compare and the html tool, so it runs in a second without them.
set -euo pipefail
nightly="$TEST_SRCDIR/forkcheck/driver/nightly.sh"
bin="$TEST_TMPDIR/bin"
mkdir -p "$bin"

# The main job: one new report in --report_dir.
cat >"$bin/driver" <<'STUB'
#!/usr/bin/env bash
for arg; do case "$arg" in --report_dir=*) dir="${arg#*=}" ;; esac; done
n=$(ls "$dir"/*.json 2>/dev/null | wc -l)
echo '{}' >"$dir/run-$n.json"
exit "${DRIVER_STATUS:-0}"
STUB
# compare: against the history folder (the previous run) it exits
# $PREVIOUS, against a report (the baseline) $BASELINE; it writes --out
# and records its flags.
cat >"$bin/compare" <<'STUB'
#!/usr/bin/env bash
# The flag check before the main job: a --threshold of "bad" is refused.
if [ "${@: -1}" = --help ]; then
  for arg; do [ "$arg" != --threshold=bad ] || { echo "compare: --threshold=bad: no" >&2; exit 2; }; done
  exit 0
fi
old="${@: -2:1}"
for arg; do case "$arg" in --out=*) echo "$*" >"${arg#*=}" ;; esac; done
echo "$*" >>"$TEST_TMPDIR/compare_calls"
if [ -d "$old" ]; then exit "$PREVIOUS"; else exit "$BASELINE"; fi
STUB
cat >"$bin/html" <<'STUB'
#!/usr/bin/env bash
for arg; do case "$arg" in --out=*) echo page >"${arg#*=}" ;; esac; done
STUB
chmod +x "$bin"/*

history="$TEST_TMPDIR/history"
runs=0
# nightly PREVIOUS BASELINE [flags]: one run; sets $status and out.txt.
nightly() {
  export PREVIOUS="$1" BASELINE="$2"
  shift 2
  set +e
  "$nightly" --driver="$bin/driver" --compare="$bin/compare" \
    --html="$bin/html" --history="$history" "$@" >"$TEST_TMPDIR/out.txt" 2>&1
  status=$?
  set -e
  runs=$((runs + 1))
  cat "$TEST_TMPDIR/out.txt"
}
fail() { echo "FAIL: $*"; exit 1; }
said() { grep -q "$1" "$TEST_TMPDIR/out.txt" || fail "no '$1' in the output"; }

nightly 0 0  # the first run: nothing to compare with
[ "$status" -eq 0 ] || fail "first run: exit $status"

nightly 0 0
[ "$status" -eq 0 ] || fail "all fine: exit $status"
said 'nightly: no regression'

nightly 1 0
[ "$status" -eq 1 ] || fail "a regression: exit $status, expected 1"
said 'REGRESSION'

# Too little in common: the job fails with 2, names it, and keeps every
# form of the comparison (it was made; it says how little was in common).
nightly 3 0
[ "$status" -eq 2 ] || fail "not comparable: exit $status, expected 2"
said 'NOT COMPARABLE: a comparison had too little in common'
if grep -q 'nightly: no regression' "$TEST_TMPDIR/out.txt"; then
  fail "'no regression' said of a comparison that could not judge"
fi
stem=run-$((runs - 1))
for form in txt md json html; do
  [ -f "$history/comparisons/$stem.vs-previous.$form" ] ||
    fail "no $stem.vs-previous.$form"
done

# A regression against one, too little in common with the other: 2, and
# both are said.
nightly 1 3
[ "$status" -eq 2 ] || fail "regression and not comparable: exit $status"
said 'REGRESSION'
said 'NOT COMPARABLE'

# The main job's cells did not match their expectations (its status 3):
# the comparisons still run, and the job fails with 1.
DRIVER_STATUS=3 nightly 0 0
[ "$status" -eq 1 ] || fail "expectations differ: exit $status, expected 1"
said 'cells do not match their recorded expectations'
stem=run-$((runs - 1))
[ -f "$history/comparisons/$stem.vs-previous.txt" ] ||
  fail "no comparison after the expectations differed"
# Any other failure of the main job: 2, no comparison.
DRIVER_STATUS=2 nightly 0 0
[ "$status" -eq 2 ] || fail "main job failed: exit $status, expected 2"
said 'the main job failed'

# A comparison that could not be made at all: 2, and no forms.
nightly 2 0
[ "$status" -eq 2 ] || fail "could not compare: exit $status, expected 2"
said 'a comparison could not be made'
stem=run-$((runs - 1))
[ ! -f "$history/comparisons/$stem.vs-previous.md" ] ||
  fail "forms written for a comparison that failed"

# The comparison flags reach compare.
nightly 0 0 --min_overlap=0.25 --cell_alpha=0.001 --threshold=7%
grep -q -- '--threshold=7% --cell_alpha=0.001 --min_overlap=0.25' \
  "$TEST_TMPDIR/compare_calls" || fail "compare flags not passed on"
# A flag compare refuses: 2 before the main job runs (no new report).
reports_before=$(ls "$history"/*.json | wc -l)
nightly 0 0 --threshold=bad
[ "$status" -eq 2 ] || fail "a bad comparison flag: exit $status, expected 2"
said 'nightly: --threshold=bad: no'
[ "$(ls "$history"/*.json | wc -l)" -eq "$reports_before" ] ||
  fail "the main job ran despite a bad comparison flag"
echo PASS
