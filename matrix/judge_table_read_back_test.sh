#!/usr/bin/env bash
# judge_table_read_back as a repro bundle's run.sh runs it: a copy out of
# Bazel's runfiles, its line on stdout (judged, unreadable) or stderr (bad
# usage), its exit status. Its rules are table_read_back_judge_test's.
set -uo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }

bin="$TEST_TMPDIR/bin"
mkdir -p "$bin"
cp "$TEST_SRCDIR/forkcheck/matrix/judge_table_read_back" "$bin/"
judge="$bin/judge_table_read_back"
account="$TEST_TMPDIR/account.json"

# judge STATUS ACCOUNT_LINE: sets out, err and status.
judge() {
  printf '%s\n' "$2" >"$account"
  out=$(cd / && env -i "$judge" "$1" "$account" 2>"$TEST_TMPDIR/err")
  status=$?
  err=$(cat "$TEST_TMPDIR/err")
}

counts() {
  echo "{\"rows_received\":$1,\"missing_rows\":$2,\"duplicate_rows\":$3,\"out_of_range_rows\":0,\"corrupted_rows\":0,\"corrupt_responses\":0,\"error\":null}"
}

judge 0 "$(counts 1000 0 0)"
[ "$status" = 0 ] && [ -z "$out$err" ] ||
  fail "a whole table: exit $status, out '$out', err '$err'"

judge 1 "$(counts 991 12 3)"
[ "$status" = 0 ] && [ "$out" = 'table read back: 12 rows missing, 3 duplicated' ] &&
  [ -z "$err" ] || fail "a wrong table: exit $status, out '$out', err '$err'"

judge 137 "$(counts 1000 0 0)"
[ "$status" = 3 ] && [ "$out" = 'read_table killed by signal SIGKILL (0 or 1 expected)' ] &&
  [ -z "$err" ] || fail "read_table killed: exit $status, out '$out', err '$err'"

judge 1 '{"error":{"code":"NOT_FOUND","message":"no"}}'
[ "$status" = 3 ] && [ "$out" = 'read_table could not read the table: {"code":"NOT_FOUND","message":"no"}' ] ||
  fail "an error: exit $status, out '$out', err '$err'"

judge 0 'not json'
[ "$status" = 3 ] && [[ "$out" == "read_table's account is not valid JSON: "* ]] ||
  fail "not JSON: exit $status, out '$out', err '$err'"

# Bad usage: one line on stderr, nothing on stdout, exit 2.
for args in "" "0" "x $account" "0 $TEST_TMPDIR/none.json" "0 $account extra"; do
  # shellcheck disable=SC2086  # the words are the arguments
  out=$("$judge" $args 2>"$TEST_TMPDIR/err")
  status=$?
  err=$(cat "$TEST_TMPDIR/err")
  [ "$status" = 2 ] && [ -z "$out" ] && [ "$(wc -l <"$TEST_TMPDIR/err")" = 1 ] &&
    [[ "$err" == "judge_table_read_back: "* ]] ||
    fail "args '$args': exit $status, out '$out', err '$err'"
done
echo PASS
