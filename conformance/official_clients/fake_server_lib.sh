# Sourced by the official clients' tests, after common/testing/sh_test_lib.sh
# (for die and tmp): the fake server process, started and always stopped.
#
#   start_fake_server "$server_binary" [FLAGS...]
#       starts it on 127.0.0.1:0 with FLAGS, waits (at most 20 s) for the
#       address it prints and sets fake_address; an EXIT trap stops it
#       whatever happens next.
#   stop_fake_server
#       SIGTERM and up to 20 s to exit; fails the test unless it exits 0.
#   fake_server_log
#       its standard error, for failure messages.

fake_pid=""
fake_address=""
fake_status=0
fake_out="$tmp/fake_server.stdout"
fake_err="$tmp/fake_server.stderr"

fake_server_log() {
  if [[ -s "$fake_err" ]]; then
    echo "fake server stderr: $(tail -c 4096 "$fake_err")"
  else
    echo "fake server stderr: (empty)"
  fi
}

# Sends `signal` to the server and waits up to `seconds` for it to exit;
# returns 0 once it has exited (its status in fake_status).
signal_fake_server() {
  local signal="$1" seconds="$2" deadline
  kill "-$signal" "$fake_pid" 2>/dev/null || true
  deadline=$((SECONDS + seconds))
  while kill -0 "$fake_pid" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
  fake_status=0
  wait "$fake_pid" || fake_status=$?
  fake_pid=""
}

cleanup_fake_server() {
  if [[ -n "$fake_pid" ]]; then
    signal_fake_server TERM 5 || signal_fake_server KILL 5 || true
  fi
}

start_fake_server() {
  local binary="$1" deadline
  shift
  [[ -x "$binary" ]] || die "fake server binary not found at $binary"
  trap cleanup_fake_server EXIT
  trap 'exit 1' INT TERM HUP
  # The files exist before the server starts, so the first read cannot race
  # the background job's redirections.
  : >"$fake_out"
  : >"$fake_err"
  "$binary" --listen=127.0.0.1:0 "$@" >"$fake_out" 2>"$fake_err" &
  fake_pid=$!
  deadline=$((SECONDS + 20))
  until IFS= read -r fake_address <"$fake_out"; do
    kill -0 "$fake_pid" 2>/dev/null ||
      die "the fake server exited before printing its address; $(fake_server_log)"
    ((SECONDS < deadline)) ||
      die "the fake server printed no address within 20 s; $(fake_server_log)"
    sleep 0.05
  done
  [[ "$fake_address" == 127.0.0.1:* ]] ||
    die "unexpected address line from the fake server: '$fake_address'"
}

stop_fake_server() {
  signal_fake_server TERM 20 ||
    die "the fake server did not stop within 20 s of SIGTERM"
  ((fake_status == 0)) ||
    die "the fake server exited with status $fake_status after SIGTERM; $(fake_server_log)"
}
