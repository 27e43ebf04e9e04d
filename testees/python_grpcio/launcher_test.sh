#!/usr/bin/env bash
# The testee's launcher (//bazel:py_direct_binary.bzl) runs the main file of
# the caller's runfiles tree when the caller names one (RUNFILES_DIR, or a
# manifest's tree) that holds it, and the tree beside it only otherwise: a
# harness finds the launcher by its path in bazel-out, where the tree beside
# it may be from an older build.
set -uo pipefail
fail() { echo "FAIL: $*"; exit 1; }

tree="$TEST_SRCDIR"
[ -f "$tree/forkcheck/testees/python_grpcio/testee_main.py" ] || fail "no testee_main.py in $tree"
dir="$TEST_TMPDIR/out"
mkdir -p "$dir/launcher.runfiles/forkcheck/testees/python_grpcio"
cp "$(readlink -f "$tree/forkcheck/testees/python_grpcio/python_grpcio_testee")" "$dir/launcher"
chmod +x "$dir/launcher"
# A stale tree beside the launcher: its main file says so.
printf 'import sys\nprint("stale tree")\nsys.exit(7)\n' \
  >"$dir/launcher.runfiles/forkcheck/testees/python_grpcio/testee_main.py"

run() { env -u RUNFILES_DIR -u RUNFILES_MANIFEST_FILE "$@" "$dir/launcher" </dev/null 2>&1; }

out=$(run) && status=0 || status=$?
[ "$status" -eq 7 ] && grep -qx 'stale tree' <<<"$out" ||
  fail "without a caller's tree: exit $status, not the tree beside the launcher: $out"

out=$(run RUNFILES_DIR="$tree") && status=0 || status=$?
! grep -q 'stale tree' <<<"$out" || fail "RUNFILES_DIR=$tree: ran the stale tree"
grep -q 'python_grpcio_testee' <<<"$out" ||
  fail "RUNFILES_DIR=$tree: not the testee's own words (exit $status): $out"

mkdir -p "$TEST_TMPDIR/manifest"
ln -s "$tree" "$TEST_TMPDIR/manifest/caller.runfiles"
out=$(run RUNFILES_MANIFEST_FILE="$TEST_TMPDIR/manifest/caller.runfiles/MANIFEST") && status=0 || status=$?
! grep -q 'stale tree' <<<"$out" || fail "RUNFILES_MANIFEST_FILE: ran the stale tree"

# A caller's tree without the main file is not the launcher's.
mkdir -p "$TEST_TMPDIR/empty"
out=$(run RUNFILES_DIR="$TEST_TMPDIR/empty") && status=0 || status=$?
[ "$status" -eq 7 ] || fail "RUNFILES_DIR without the main file: exit $status: $out"
echo PASS
