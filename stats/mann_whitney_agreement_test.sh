#!/usr/bin/env bash
# Our Mann-Whitney U (//stats:mann_whitney) and Debian's
# python3-scipy must agree on U, the two-sided p-value and the method on a
# fixed set of generated cases (cross_check_mann_whitney.py). Fails, never
# skips, without python3-scipy.
set -euo pipefail

readonly NAME="mann_whitney_agreement_test"
source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/common/testing/sh_test_lib.sh"

runfiles=$(runfiles_of stats)
cli="$runfiles/mann_whitney_cli"
cross_check="$runfiles/cross_check_mann_whitney.py"
[[ -x "$cli" ]] || die "mann_whitney_cli not found at $cli"
[[ -f "$cross_check" ]] || die "cross_check_mann_whitney.py not found at $cross_check"

# Debian's python first: python3-scipy installs there, whatever else is on
# PATH (a pyenv shim, say).
python=/usr/bin/python3
[[ -x "$python" ]] || python=$(command -v python3) ||
  die "python3 not found on PATH ($PATH)"
if ! "$python" -c "import scipy.stats" 2>/dev/null; then
  die "python3-scipy is not installed for $python: install it with" \
    "\`apt-get install -y python3-scipy\` (it is in ./forkcheck's PACKAGES)"
fi
echo "scipy: $("$python" -c 'import scipy; print(scipy.__version__)') ($python)"

"$python" "$cross_check" "$cli" || die "ours and scipy disagree (see above)"
echo "PASS"
