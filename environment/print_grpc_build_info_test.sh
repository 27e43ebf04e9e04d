#!/usr/bin/env bash
# print_grpc_build_info prints every fact, one `key: value` line each, and the
# environment it was started with.
set -euo pipefail
bin="$TEST_SRCDIR/forkcheck/environment/print_grpc_build_info"

out=$(GRPC_ENABLE_FORK_SUPPORT=1 GRPC_POLL_STRATEGY=poll "$bin")
echo "$out"
for key in grpc_cpp_version grpc_core_version expectations_key libgrpc_path \
    atfork_registration atfork_evidence GRPC_ENABLE_FORK_SUPPORT \
    GRPC_POLL_STRATEGY; do
  [ "$(grep -c "^$key: ." <<<"$out")" -eq 1 ] || { echo "no $key line"; exit 1; }
done
[ "$(wc -l <<<"$out")" -eq 8 ]
grep -qE '^grpc_cpp_version: [0-9]+\.[0-9]+' <<<"$out"
grep -qE '^atfork_registration: (registers|does_not_register|unknown)$' <<<"$out"
grep -qx 'GRPC_ENABLE_FORK_SUPPORT: 1' <<<"$out"
grep -qx 'GRPC_POLL_STRATEGY: poll' <<<"$out"
# The expectations key is the major.minor prefix of the C++ version.
cpp=$(sed -n 's/^grpc_cpp_version: //p' <<<"$out")
key=$(sed -n 's/^expectations_key: //p' <<<"$out")
[[ "$cpp" == "$key".* ]]

out=$(env -u GRPC_ENABLE_FORK_SUPPORT -u GRPC_POLL_STRATEGY "$bin")
grep -qx 'GRPC_ENABLE_FORK_SUPPORT: unset' <<<"$out"
grep -qx 'GRPC_POLL_STRATEGY: unset' <<<"$out"
echo PASS
