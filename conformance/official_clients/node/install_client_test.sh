#!/usr/bin/env bash
# install_client.sh fails with exit status 1 and a message naming what is
# missing and how to fix it: no node, no npm, no reachable registry. Uses no
# network (the registry is an address nothing listens on) and a cache of its
# own.
set -euo pipefail

readonly NAME="install_client_test"
source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/common/testing/sh_test_lib.sh"

install="$(runfiles_of conformance/official_clients/node)/install_client.sh"

# expect_failure DESCRIPTION TEXT ENV...: runs the installer under `env ENV`,
# requires exit status 1 and TEXT in its message.
expect_failure() {
  local description="$1" text="$2" status=0
  shift 2
  timeout -k 5 120 env FORKCHECK_NODE_CLIENT_CACHE="$tmp/cache" "$@" \
    "$install" >"$tmp/out" 2>"$tmp/err" || status=$?
  ((status == 1)) ||
    die "$description: exit status $status, expected 1; stderr: $(cat "$tmp/err")"
  grep -qF -- "$text" "$tmp/err" ||
    die "$description: the message lacks '$text': $(cat "$tmp/err")"
  [[ ! -s "$tmp/out" ]] ||
    die "$description: printed a directory anyway: $(cat "$tmp/out")"
  echo "$NAME: $description: $(head -n 1 "$tmp/err")"
}

# A PATH with only the tools the installer needs besides node and npm.
bin_without="$tmp/bin-without-node"
mkdir -p "$bin_without"
for tool in bash cat cut dirname env getent id mkdir sha256sum timeout find \
    mktemp cp rm mv tail touch; do
  path="$(command -v "$tool")" || die "$tool is not installed"
  ln -sf "$path" "$bin_without/$tool"
done
expect_failure "no node" "node is not installed; run ./forkcheck setup" \
  PATH="$bin_without"

command -v node >/dev/null || die "node is not installed; run ./forkcheck setup"
ln -sf "$(command -v node)" "$bin_without/node"
expect_failure "no npm" "npm is not installed; run ./forkcheck setup" \
  PATH="$bin_without"

command -v npm >/dev/null || die "npm is not installed; run ./forkcheck setup"
# Port 9 (discard) on loopback: nothing listens, the connection is refused.
expect_failure "no registry" "npm ci could not install the pinned client" \
  npm_config_registry=http://127.0.0.1:9/ npm_config_fetch_retries=0 \
  npm_config_fetch_timeout=10000
[[ -z "$(ls -A "$tmp/cache" | grep -v '^_npm-cache$' || true)" ]] ||
  die "a failed install left something in the cache: $(ls -A "$tmp/cache")"
echo "$NAME: every missing piece was named"
