#!/usr/bin/env bash
# print_rows prints a table's rows, one exact JSON object a line: the whole
# table, a range, rows past its end when --count asks for them; and exits 2,
# naming the problem, for an unknown table or a bad range.
set -euo pipefail

readonly NAME="print_rows_test"
source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/common/testing/sh_test_lib.sh"

print_rows="$(runfiles_of dataset)/print_rows"

lines=$("$print_rows" --table=small | wc -l)
((lines == 1000)) || die "small printed $lines rows, expected 1000"

"$print_rows" --table=projects/forkcheck/datasets/synthetic/tables/small \
  --first=998 --count=4 >"$tmp/past_end"
ids=$(grep -o '"row_id":"[0-9]*"' "$tmp/past_end" | tr -dc '0-9\n' | tr '\n' ' ')
[[ "$ids" == "998 999 1000 1001 " ]] ||
  die "--first=998 --count=4 printed row_ids '$ids', expected 998 to 1001"
# Row 999 of the range is row 999 of the whole table.
[[ "$(sed -n 2p "$tmp/past_end")" == "$("$print_rows" --table=small | sed -n 1000p)" ]] ||
  die "row 999 differs between a range and the whole table"

expect_exit_2() {
  local text="$1" status=0
  shift
  "$print_rows" "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
  ((status == 2)) || die "$*: exit status $status, expected 2"
  grep -qF -- "$text" "$tmp/err" || die "$*: message lacks '$text': $(cat "$tmp/err")"
}
expect_exit_2 'no table "nope"' --table=nope
expect_exit_2 "--table is required"
expect_exit_2 "give --count" --table=small --first=1001
expect_exit_2 "--first must not be negative" --table=small --first=-1
echo "$NAME: passed"
