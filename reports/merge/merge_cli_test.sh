#!/usr/bin/env bash
# //reports:merge as a user runs it: two shard reports merged into one
# valid report with its summary and page; and every kind of bad input
# (a file that is not a report, one that cannot be read, overlapping
# shards, a missing shard, a bad command line) exits 2 with the reason,
# leaving nothing written.
set -euo pipefail
readonly NAME="merge_cli_test"
source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/common/testing/sh_test_lib.sh"
merge="$(runfiles_of reports/merge)/merge"
data="$(runfiles_of reports/merge)/testdata"
validate="$(runfiles_of reports)/validate_json"
schema="$(runfiles_of reports)/report.schema.json"
shard0="$data/every_verdict_shard0_of_2.json"
shard1="$data/every_verdict_shard1_of_2.json"

# expect_refused WHAT TEXT ARGS...: merge exits 2, says TEXT on stderr, and
# leaves nothing in $tmp/out.
expect_refused() {
  local what=$1 text=$2
  shift 2
  rm -rf "$tmp/out" && mkdir -p "$tmp/out"
  local status=0
  timeout 60 "$merge" "$@" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
  [ "$status" -eq 2 ] || die "$what: exit $status, expected 2: $(cat "$tmp/stderr")"
  grep -qF -- "$text" "$tmp/stderr" ||
    die "$what: stderr lacks \"$text\": $(cat "$tmp/stderr")"
  [ -z "$(ls -A "$tmp/out")" ] || die "$what: left $(ls -A "$tmp/out")"
}

# A merge, with its summary and page beside it.
mkdir -p "$tmp/merged"
timeout 60 "$merge" "$tmp/merged/all.json" "$shard1" "$shard0" >"$tmp/stdout" 2>"$tmp/stderr" ||
  die "merging two shards: exit $?: $(cat "$tmp/stderr")"
for f in all.json all.md all.html; do
  [ -s "$tmp/merged/$f" ] || die "no $f beside the merged report"
done
"$validate" "$schema" "$tmp/merged/all.json" || die "the merged report is not valid"
grep -q "merge: 2 shards, 6 cells, into $tmp/merged/all.json" "$tmp/stdout" ||
  die "no closing line: $(tail -3 "$tmp/stdout")"
grep -q "Report: $tmp/merged/all.json" "$tmp/stdout" || die "no summary printed"
[ -z "$(ls "$tmp/merged" | grep tmp || true)" ] || die "a temporary was left"

# Bad input, nothing written.
echo '{"not": "a report"}' >"$tmp/not_a_report.json"
expect_refused "not a report" "not_a_report.json: not a forkcheck report" \
  "$tmp/out/m.json" "$shard0" "$tmp/not_a_report.json"
expect_refused "unreadable" "$tmp/no_such.json" \
  "$tmp/out/m.json" "$shard0" "$tmp/no_such.json"
# Shard 0's cells again, as if they were shard 1's.
sed 's/"index": 0/"index": 1/' "$shard0" >"$tmp/shard0_as_1.json"
expect_refused "overlap" "3 cells are in more than one shard" \
  "$tmp/out/m.json" "$shard0" "$tmp/shard0_as_1.json"
expect_refused "merged already" "is a merged report already" \
  "$tmp/out/m.json" "$tmp/merged/all.json"
expect_refused "a missing shard" "shard 1 of 2 is missing" \
  "$tmp/out/m.json" "$shard0"
expect_refused "given twice" "shard 0 of 2 is given twice" \
  "$tmp/out/m.json" "$shard0" "$shard0" "$shard1"
expect_refused "no shards" "expected OUT.json and at least one shard report" \
  "$tmp/out/m.json"
expect_refused "a flag" "unknown flag \"--force\"" \
  --force "$tmp/out/m.json" "$shard0" "$shard1"
cp "$shard0" "$tmp/out_is_a_shard.json"
expect_refused "the output is a shard" "is both a shard and the merged report's path" \
  "$tmp/out_is_a_shard.json" "$tmp/out_is_a_shard.json" "$shard1"
expect_refused "an empty path" "an empty path; expected OUT.json SHARD.json" \
  "" "$shard0" "$shard1"
expect_refused "an output that cannot be written" "cannot write" \
  "/proc/m.json" "$shard0" "$shard1"

timeout 60 "$merge" --help | grep -q "Usage: ./forkcheck merge OUT.json SHARD.json" ||
  die "--help prints no usage"
echo "$NAME: PASS"
