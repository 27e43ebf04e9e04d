#!/usr/bin/env bash
# Our validator (//reports:validate_json) and python3-jsonschema must agree,
# and both must match the expectation, on every document in testdata/:
# testdata/NAME.schema.json with documents in testdata/NAME/valid/ and
# testdata/NAME/invalid/; and the report schemas themselves,
# report.schema.json (version 2) with testdata/report/ and
# report_v1.schema.json with testdata/report_v1/. Fails, never skips,
# without python3-jsonschema.
# Also checks validate_json's exit statuses for bad usage and bad files.
set -euo pipefail

readonly NAME="validator_agreement_test"
source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/common/testing/sh_test_lib.sh"

runfiles=$(runfiles_of reports)
validate="$runfiles/validate_json"
cross_check="$runfiles/cross_check_jsonschema.py"
testdata="$runfiles/testdata"
[[ -x "$validate" ]] || die "validate_json not found at $validate"
[[ -f "$cross_check" ]] || die "cross_check_jsonschema.py not found at $cross_check"

python=$(command -v python3) || die "python3 not found on PATH ($PATH)"
if ! "$python" -c "import jsonschema" 2>/dev/null; then
  die "python3-jsonschema is not installed for $python: install it with" \
    "\`apt-get install -y python3-jsonschema\` (and add python3-jsonschema" \
    "to the project's package list)"
fi
echo "python3-jsonschema: $("$python" -c 'import importlib.metadata as m; print(m.version("jsonschema"))') ($python)"

# Relative paths, for readable logs. Each suite: "SCHEMA SUITE_FOLDER".
cd "$testdata"
suites=()
for schema in *.schema.json; do
  [[ -f "$schema" ]] || die "no testdata/*.schema.json"
  suites+=("$schema ${schema%.schema.json}")
done
suites+=("../report.schema.json report" "../report_v1.schema.json report_v1")
documents=0
disagreements=0
for entry in "${suites[@]}"; do
  schema="${entry% *}"
  suite="${entry#* }"
  [[ -f "$schema" ]] || die "$schema not found"
  for expected in valid invalid; do
    docs=("$suite/$expected"/*.json)
    [[ -f "${docs[0]}" ]] || die "no documents in $suite/$expected"
    "$python" "$cross_check" "$schema" "${docs[@]}" >"$tmp/python.out" ||
      die "cross_check_jsonschema.py failed on $schema"
    for doc in "${docs[@]}"; do
      documents=$((documents + 1))
      set +e
      ours_err=$("$validate" "$schema" "$doc" 2>&1 >/dev/null)
      status=$?
      set -e
      case "$status" in
        0) ours=valid ;;
        1) ours=invalid ;;
        *) die "validate_json exited $status on $doc: $ours_err" ;;
      esac
      line=$(awk -F '\t' -v doc="$doc" '$2 == doc' "$tmp/python.out")
      theirs="${line%%$'\t'*}"
      [[ "$theirs" == valid || "$theirs" == invalid ]] ||
        die "no python3-jsonschema verdict for $doc"
      if [[ "$ours" != "$theirs" || "$ours" != "$expected" ]]; then
        disagreements=$((disagreements + 1))
        echo "DISAGREE $doc: expected $expected, ours $ours, python3-jsonschema $theirs"
        echo "  ours: ${ours_err:-(valid)}"
        echo "  python3-jsonschema: $line"
      else
        echo "agree $doc: $ours${ours_err:+ (${ours_err//$'\n'/; })}"
      fi
    done
  done
done
[[ "$documents" -gt 0 ]] || die "no documents checked"
[[ "$disagreements" -eq 0 ]] ||
  die "$disagreements of $documents documents disagree (see above)"

# Exit status 2: bad usage, unreadable files, unsupported schemas.
expect_status() {
  local want="$1" what="$2"
  shift 2
  set +e
  "$validate" "$@" >/dev/null 2>"$tmp/err"
  local got=$?
  set -e
  [[ "$got" -eq "$want" ]] ||
    die "$what: exit $got, want $want ($(cat "$tmp/err"))"
  [[ "$want" -eq 0 || -s "$tmp/err" ]] || die "$what: no message on stderr"
}
good_doc="$testdata/tree/valid/leaf.json"
echo '{"type": "object", "format": "x"}' >"$tmp/unsupported.schema.json"
echo '{"type": ' >"$tmp/corrupt.schema.json"
expect_status 2 "no arguments"
expect_status 2 "one argument" "$testdata/tree.schema.json"
expect_status 2 "missing schema" "$tmp/nope.json" "$good_doc"
expect_status 2 "missing document" "$testdata/tree.schema.json" "$tmp/nope.json"
expect_status 2 "directory as document" "$testdata/tree.schema.json" "$tmp"
expect_status 2 "unsupported keyword" "$tmp/unsupported.schema.json" "$good_doc"
expect_status 2 "corrupt schema" "$tmp/corrupt.schema.json" "$good_doc"
grep -q 'unsupported keyword "format"' <(
  "$validate" "$tmp/unsupported.schema.json" "$good_doc" 2>&1 || true) ||
  die "the unsupported keyword is not named"
expect_status 0 "valid document" "$testdata/tree.schema.json" "$good_doc"

echo "PASS: $documents documents, ours and python3-jsonschema agree"
