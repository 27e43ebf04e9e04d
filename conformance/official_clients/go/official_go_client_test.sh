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

# The server's stderr, for failure messages.
server_log() {
  if [[ -s "$server_err" ]]; then
    echo "fake server stderr: $(cat "$server_err")"
  else
    echo "fake server stderr: (empty)"
  fi
}

die() {
  echo "$NAME: FAIL: $*" >&2
  exit 1
}

runfiles="${TEST_SRCDIR:-$0.runfiles}/forkcheck"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
server="$runfiles/fakes/fake_bigquery_storage_server"
source_file="$runfiles/conformance/official_clients/go/read_with_official_client.go"
[[ -x "$server" ]] || die "fake server binary not found at $server"
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

# --- Start the fake server; the trap stops it whatever happens next.
server_out="$tmp/server.stdout"
server_err="$tmp/server.stderr"
server_pid=""

# Sends `signal` to the server and waits up to `seconds` for it to exit;
# returns 0 once it has exited (exit status in server_status).
stop_server() {
  local signal="$1" seconds="$2" deadline
  kill "-$signal" "$server_pid" 2>/dev/null || true
  deadline=$((SECONDS + seconds))
  while kill -0 "$server_pid" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
  server_status=0
  wait "$server_pid" || server_status=$?
  server_pid=""
}

cleanup() {
  if [[ -n "$server_pid" ]]; then
    stop_server TERM 5 || stop_server KILL 5 || true
  fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The files exist before the server starts, so the first read cannot race
# the background job's redirections.
: >"$server_out"
: >"$server_err"
"$server" --listen=127.0.0.1:0 >"$server_out" 2>"$server_err" &
server_pid=$!

address=""
deadline=$((SECONDS + 20))
until IFS= read -r address <"$server_out"; do
  kill -0 "$server_pid" 2>/dev/null ||
    die "the fake server exited before printing its address; $(server_log)"
  ((SECONDS < deadline)) ||
    die "the fake server printed no address within 20 s; $(server_log)"
  sleep 0.05
done
[[ "$address" == 127.0.0.1:* ]] || die "unexpected address line from the fake server: '$address'"
echo "$NAME: fake server on $address"

# --- Read each table with the official client.
for entry in "${TABLES[@]}"; do
  read -r table rows <<<"$entry"
  if ! timeout -k 5 60 "$reader" -target="$address" -table="$table" \
      -streams="$STREAMS" -rows="$rows" -timeout=45s; then
    die "the official Go client could not read table $table ($rows rows) from the fake; $(server_log)"
  fi
done

# --- Stop the server: it must shut down cleanly after the client's calls.
stop_server TERM 20 || die "the fake server did not stop within 20 s of SIGTERM"
((server_status == 0)) ||
  die "the fake server exited with status $server_status after SIGTERM; $(server_log)"
echo "$NAME: ${#TABLES[@]} tables read; fake server stopped cleanly"
