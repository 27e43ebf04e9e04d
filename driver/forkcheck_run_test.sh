#!/usr/bin/env bash
# The main job end to end on small tables, over both transports.
set -euo pipefail
run="$TEST_SRCDIR/forkcheck/driver/forkcheck_run"

for transport in tcp unix; do
  out=$("$run" --tables=small,all_types,empty --threads=2 --transport="$transport")
  echo "$out"
  grep -q "every row of every table read exactly once" <<<"$out"
  grep -qE '^small +[0-9]+ +1000 ' <<<"$out"
  grep -qE '^all_types +[0-9]+ +10000 ' <<<"$out"
done

# Bad input: a clear error and exit status 2, never a crash.
set +e
err=$("$run" --tables=nope 2>&1); status=$?
set -e
echo "$err"
[ "$status" -eq 2 ]
grep -q 'no table "nope"' <<<"$err"
set +e
"$run" --transport=carrier-pigeon >/dev/null 2>&1; status=$?
set -e
[ "$status" -eq 2 ]
echo PASS
