# Sourced by forkcheck's shell tests, after they set NAME:
#
#   readonly NAME="my_test"
#   source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/common/testing/sh_test_lib.sh"
#   runfiles=$(runfiles_of reports/html)
#
# die MESSAGE: fails the test, naming it.
die() {
  echo "$NAME: FAIL: $*" >&2
  exit 1
}

# runfiles_of PACKAGE: the absolute runfiles directory of PACKAGE.
runfiles_of() {
  (cd "${TEST_SRCDIR:-$0.runfiles}/forkcheck/$1" && pwd) ||
    die "runfiles of $1 not found"
}

# A scratch directory: Bazel's, or a new one when run by hand.
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
