#!/usr/bin/env bash
# Installs the pinned official Node client (package.json, package-lock.json
# beside this script) with `npm ci`, into a cache directory keyed by the hash
# of those two files, and prints that directory on standard output. Quick
# when it is already there; the first install needs the npm registry.
#
#   conformance/official_clients/node/install_client.sh
#
# The cache is $FORKCHECK_NODE_CLIENT_CACHE if set, else
# ~/.cache/forkcheck/npm of the user running it (taken from the password
# database: a Bazel test's HOME is a scratch directory), else, when that
# cannot be written, $TEST_TMPDIR/npm (installed afresh on every run).
# Installs go into a staging directory renamed into place when complete, so a
# killed install leaves nothing half-made under the key.
#
# Exit status: 0, the directory printed; 1 with a message naming what is
# missing (node, npm, a reachable registry) and the command that fixes it.
set -euo pipefail

readonly NAME="install_client"
readonly MIN_NODE_MAJOR=18
readonly NPM_TIMEOUT_SECONDS=300

fail() {
  echo "$NAME: $*" >&2
  exit 1
}

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for file in package.json package-lock.json; do
  [[ -r "$source_dir/$file" ]] || fail "$source_dir/$file is missing"
done

readonly SETUP_HINT="run ./forkcheck setup (it installs Debian's nodejs and npm), or: sudo apt-get install nodejs npm"
command -v node >/dev/null || fail "node is not installed; $SETUP_HINT"
command -v npm >/dev/null || fail "npm is not installed; $SETUP_HINT"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= MIN_NODE_MAJOR)) ||
  fail "node $(node --version) is too old: the pinned client needs $MIN_NODE_MAJOR or later; $SETUP_HINT"

# --- Where: the user's cache, keyed by the lock.
cache_root="${FORKCHECK_NODE_CLIENT_CACHE:-}"
if [[ -z "$cache_root" ]]; then
  home_dir="$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)" || true
  if [[ -n "$home_dir" ]] && mkdir -p "$home_dir/.cache/forkcheck/npm" 2>/dev/null &&
      [[ -w "$home_dir/.cache/forkcheck/npm" ]]; then
    cache_root="$home_dir/.cache/forkcheck/npm"
  elif [[ -n "${TEST_TMPDIR:-}" ]]; then
    cache_root="$TEST_TMPDIR/npm"
  else
    fail "no writable cache directory (~/.cache/forkcheck/npm); set FORKCHECK_NODE_CLIENT_CACHE=DIR"
  fi
fi
mkdir -p "$cache_root" || fail "cannot create $cache_root"
key="$(cat "$source_dir/package.json" "$source_dir/package-lock.json" |
  sha256sum | cut -c1-16)"
install_dir="$cache_root/$key"
readonly MARKER=".forkcheck-installed"

if [[ -f "$install_dir/$MARKER" ]]; then
  echo "$install_dir"
  exit 0
fi

# --- Install into a staging directory, then rename it into place.
# Staging directories of installs killed more than an hour ago go first.
find "$cache_root" -maxdepth 1 -name '.staging.*' -mmin +60 \
  -exec rm -rf {} + 2>/dev/null || true
staging="$(mktemp -d "$cache_root/.staging.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
cp "$source_dir/package.json" "$source_dir/package-lock.json" "$staging/"
registry="$(npm config get registry 2>/dev/null || echo '?')"
echo "$NAME: installing the pinned client from $registry into $install_dir (npm ci, at most ${NPM_TIMEOUT_SECONDS} s)" >&2
# --ignore-scripts: nothing the packages ship runs at install (none needs
# to: core-js and protobufjs only print notices). The npm cache sits beside
# the installs, not in a HOME that may be a scratch directory.
if ! (cd "$staging" && timeout -k 10 "$NPM_TIMEOUT_SECONDS" npm ci \
    --ignore-scripts --no-audit --no-fund --loglevel=error \
    --cache "$cache_root/_npm-cache") >"$staging/npm-ci.log" 2>&1; then
  fail "npm ci could not install the pinned client from $registry (the first run needs the npm registry; check the network, or npm's registry setting):
$(tail -n 15 "$staging/npm-ci.log")
Then rerun: $source_dir/install_client.sh"
fi
(cd "$staging" && node -e "require('@google-cloud/bigquery-storage'); require('avsc')") ||
  fail "the installed client does not load under node $(node --version) (see above)"
rm -f "$staging/npm-ci.log"
touch "$staging/$MARKER"
# Another install of the same lock may have finished first: keep that one.
if ! mv -T "$staging" "$install_dir" 2>/dev/null; then
  [[ -f "$install_dir/$MARKER" ]] || fail "cannot move $staging to $install_dir"
fi
echo "$install_dir"
