#!/usr/bin/env bash
# Google's official Go BigQuery Storage client (Debian's golang-google-cloud-dev),
# unmodified, reads tables from the fake server process: see ../README.md.
#
# Starts //fakes:fake_bigquery_storage_server on a free loopback port, builds
# read_with_official_client.go offline in GOPATH mode against Debian's Go
# packages, runs it on a few tables, then stops the server and checks that it
# shut down cleanly. A trap stops the server on every exit path; every wait is
# bounded.
set -euo pipefail

readonly NAME="official_go_client_test"
readonly GOPATH_DIR="/usr/share/gocode"
readonly SETUP_HINT="run ./forkcheck setup (it installs golang-go, golang-google-cloud-dev and golang-github-linkedin-goavro-dev)"
# Each table with its row count (default catalogue, dataset/default_catalogue.json).
readonly TABLES=("small 1000" "all_types 10000" "empty 0")
readonly STREAMS=4

source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/common/testing/sh_test_lib.sh"
source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/conformance/official_clients/fake_server_lib.sh"

server="$(runfiles_of fakes)/fake_bigquery_storage_server"
source_file="$(runfiles_of conformance/official_clients/go)/read_with_official_client.go"
[[ -f "$source_file" ]] || die "Go source not found at $source_file"

# --- The Go toolchain and Debian's Go packages must be installed: no skipping.
command -v go >/dev/null || die "the go command is not installed; $SETUP_HINT"
for package_dir in \
    cloud.google.com/go/bigquery/storage/apiv1 \
    google.golang.org/genproto/googleapis/cloud/bigquery/storage/v1 \
    google.golang.org/api/option \
    google.golang.org/grpc \
    github.com/linkedin/goavro; do
  [[ -d "$GOPATH_DIR/src/$package_dir" ]] ||
    die "Go package $package_dir is not in $GOPATH_DIR/src; $SETUP_HINT"
done
if command -v dpkg-query >/dev/null; then
  echo "$NAME: client: $(dpkg-query -W golang-google-cloud-dev 2>/dev/null || echo 'golang-google-cloud-dev ?'); $(go version)"
fi

# --- Build the reader offline. The Go build cache persists across runs (the
# first, cold build compiles gRPC and friends and takes the longest); where
# the user's cache is not writable, a per-test one is used.
go_cache=""
home_dir="$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)" || true
if [[ -n "$home_dir" ]] && mkdir -p "$home_dir/.cache/forkcheck/go-build" 2>/dev/null &&
    [[ -w "$home_dir/.cache/forkcheck/go-build" ]]; then
  go_cache="$home_dir/.cache/forkcheck/go-build"
else
  go_cache="$tmp/go-build"
  mkdir -p "$go_cache"
fi
reader="$tmp/read_with_official_client"
build_started=$SECONDS
if ! (cd "$tmp" && timeout -k 5 240 env GO111MODULE=off GOPATH="$GOPATH_DIR" \
    GOPROXY=off GOFLAGS= GOENV=off CGO_ENABLED=0 GOCACHE="$go_cache" \
    go build -o "$reader" "$source_file"); then
  die "go build of $source_file failed (GOPATH mode, offline, GOPATH=$GOPATH_DIR); if packages are missing, $SETUP_HINT"
fi
echo "$NAME: built the reader in $((SECONDS - build_started)) s (GOCACHE=$go_cache)"

# --- Start the fake server; a trap stops it whatever happens next.
start_fake_server "$server"
address="$fake_address"
echo "$NAME: fake server on $address"

# --- Read each table with the official client.
for entry in "${TABLES[@]}"; do
  read -r table rows <<<"$entry"
  if ! timeout -k 5 60 "$reader" -target="$address" -table="$table" \
      -streams="$STREAMS" -rows="$rows" -timeout=45s; then
    die "the official Go client could not read table $table ($rows rows) from the fake; $(fake_server_log)"
  fi
done

# --- Stop the server: it must shut down cleanly after the client's calls.
stop_fake_server
echo "$NAME: ${#TABLES[@]} tables read; fake server stopped cleanly"
