#!/usr/bin/env bash
# Google's official Node client (@google-cloud/bigquery-storage, pinned in
# package-lock.json), unmodified, reads tables from the fake server process
# and writes to it; an independent Avro decoder (avsc) checks every value
# read against the rows the dataset defines: see README.md.
#
# Installs the client first when it is not in the cache (install_client.sh:
# the first run needs the npm registry), starts
# //fakes:fake_bigquery_storage_server on a free loopback port, prints each
# table's expected rows with //dataset:print_rows, runs
# read_with_official_client.js on each and writer_encoding_check.js once (what
# the writer sends, decoded from the request JSONWriter builds). Then
# write_with_official_client.js writes small and all_types on the _default,
# COMMITTED, PENDING and BUFFERED streams and reads each back, and
# write_errors_with_official_client.js checks three errors as the real
# service gives them. Then it stops the server and checks that it shut down
# cleanly. Fails (never skips) when node, npm or the registry is missing,
# saying which. Every wait is bounded; the server is stopped on every exit
# path.
set -euo pipefail

readonly NAME="official_node_client_test"
source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/common/testing/sh_test_lib.sh"
source "${TEST_SRCDIR:-$0.runfiles}/forkcheck/conformance/official_clients/fake_server_lib.sh"

# Each table with the stream count the server chooses at
# --default_stream_count=16: its chunk count when fewer (rows per chunk in
# dataset/README.md); an empty table has no streams.
readonly DEFAULT_STREAMS=16
readonly TABLES=("small 10" "all_types 10" "medium_20k 4" "empty 0")
readonly PREFIX="projects/forkcheck/datasets/synthetic/tables"

here="$(runfiles_of conformance/official_clients/node)"
server="$(runfiles_of fakes)/fake_bigquery_storage_server"
print_rows="$(runfiles_of dataset)/print_rows"
[[ -x "$print_rows" ]] || die "print_rows not found at $print_rows"

# --- The client: installed (or found in the cache) by install_client.sh,
# which names what is missing when it cannot.
modules="$(timeout -k 10 400 "$here/install_client.sh")" ||
  die "the official Node client is not installed (see above)"
echo "$NAME: client installed in $modules; node $(node --version)"

start_fake_server "$server" --default_stream_count=$DEFAULT_STREAMS
echo "$NAME: fake server on $fake_address"

# GOOGLE_APPLICATION_CREDENTIALS names no file: should the client look for
# Application Default Credentials (it must not: it is given an auth client
# that adds none), it fails instead of reaching for Google.
for entry in "${TABLES[@]}"; do
  read -r table streams <<<"$entry"
  expected="$tmp/$table.jsonl"
  timeout -k 5 60 "$print_rows" --table="$PREFIX/$table" >"$expected" ||
    die "print_rows could not print table $table"
  if ! timeout -k 5 150 env GOOGLE_APPLICATION_CREDENTIALS=/nonexistent/forkcheck-no-credentials.json \
      node "$here/read_with_official_client.js" --modules="$modules" \
      --target="$fake_address" --table="$PREFIX/$table" \
      --expected_rows="$expected" --expected_streams="$streams" \
      --max_streams=3 --timeout_ms=60000; then
    die "the official Node client did not read table $table as the dataset defines it; $(fake_server_log)"
  fi
done

# --- What the writer sends, decoded from the request JSONWriter builds:
# rows past all_types' end, every type REQUIRED and NULLABLE.
timeout -k 5 60 "$print_rows" --table="$PREFIX/all_types" --first=10000 \
  --count=500 >"$tmp/to_write.jsonl" || die "print_rows could not print rows to write"
timeout -k 5 150 env GOOGLE_APPLICATION_CREDENTIALS=/nonexistent/forkcheck-no-credentials.json \
  node "$here/writer_encoding_check.js" --modules="$modules" \
  --target="$fake_address" --table="$PREFIX/all_types" \
  --rows="$tmp/to_write.jsonl" --timeout_ms=60000 ||
  die "the writer's rows, encoded by the official client's JSONWriter, are not the dataset's"

# --- Writing: every row of small and all_types, through the managedwriter on
# each stream type, into a writable table of a project of the mode's own (so
# no mode sees another's rows), then read back and checked value by value.
# The writable tables start empty (fakes/README.md, "Writable tables").
: >"$tmp/empty.jsonl"
write_rows() {  # MODE TABLE ROWS_FILE BATCH_ROWS [extra flags]
  local mode="$1" table="$2" rows="$3" batch="$4"
  shift 4
  timeout -k 5 150 env GOOGLE_APPLICATION_CREDENTIALS=/nonexistent/forkcheck-no-credentials.json \
    node "$here/write_with_official_client.js" --modules="$modules" \
    --target="$fake_address" --mode="$mode" \
    --table="projects/node-$mode/datasets/writable/tables/$table" \
    --table_rows="$tmp/empty.jsonl" --rows="$rows" --batch_rows="$batch" \
    --timeout_ms=30000 "$@"
}
readonly WRITES=("small 100" "all_types 1000")
for entry in "${WRITES[@]}"; do
  read -r table batch <<<"$entry"
  for mode in default committed pending buffered; do
    write_rows "$mode" "$table" "$tmp/$table.jsonl" "$batch" ||
      die "the official Node client's $mode write of $table was not read back exactly; $(fake_server_log)"
  done
done

# The errors Google's own system tests of this client see from the real
# service: an empty append, rows with REQUIRED columns unset, a writer schema
# with an extra field (its StorageError found by the client's
# parseStorageErrors).
for entry in "${WRITES[@]}"; do
  read -r table batch <<<"$entry"
  timeout -k 5 150 env GOOGLE_APPLICATION_CREDENTIALS=/nonexistent/forkcheck-no-credentials.json \
    node "$here/write_errors_with_official_client.js" --modules="$modules" \
    --target="$fake_address" \
    --table="projects/node-errors/datasets/writable/tables/$table" \
    --timeout_ms=30000 ||
    die "the fake's Write errors are not what the official Node client sees from the real service ($table); $(fake_server_log)"
done

# The write check can fail: the same rows written again to the _default
# stream are in the table twice, which the read-back must refuse.
status=0
write_rows default small "$tmp/small.jsonl" 100 2>"$tmp/twice.stderr" || status=$?
((status == 1)) && grep -q 'twice' "$tmp/twice.stderr" ||
  die "rows written twice were not caught (exit status $status): $(cat "$tmp/twice.stderr")"
echo "$NAME: rows written twice were caught: $(head -c 300 "$tmp/twice.stderr")"

stop_fake_server

# --- The check can fail: a fake that flips a byte of a response's rows.
faults="$tmp/corrupt_payload.json"
echo '{"faults": [{"kind": "corrupt_payload", "after_rows": 42}]}' >"$faults"
start_fake_server "$server" --faults="$faults"
status=0
timeout -k 5 150 env GOOGLE_APPLICATION_CREDENTIALS=/nonexistent/forkcheck-no-credentials.json \
  node "$here/read_with_official_client.js" --modules="$modules" \
  --target="$fake_address" --table="$PREFIX/small" \
  --expected_rows="$tmp/small.jsonl" --expected_streams=10 \
  --timeout_ms=60000 2>"$tmp/corrupt.stderr" || status=$?
((status == 1)) && grep -Eq 'column|Avro decoding failed|truncated row' "$tmp/corrupt.stderr" ||
  die "a corrupted response was not caught (exit status $status): $(cat "$tmp/corrupt.stderr")"
echo "$NAME: a corrupted response was caught: $(head -c 300 "$tmp/corrupt.stderr")"
stop_fake_server
echo "$NAME: ${#TABLES[@]} tables read and checked, ${#WRITES[@]} written on 4 stream types and read back; fake server stopped cleanly"
