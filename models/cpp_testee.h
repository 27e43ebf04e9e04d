// The C++ reference client as a testee (protos/forkcheck/testee.proto):
// `trial_program --testee` reads one TesteeRequest on standard input and
// answers it like any other testee, so that the same trial can be run
// in-tree (flags) and through the protocol, and the two compared.
#ifndef FORKCHECK_MODELS_CPP_TESTEE_H_
#define FORKCHECK_MODELS_CPP_TESTEE_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "forkcheck/testee.pb.h"
#include "models/trial_settings.h"

namespace forkcheck {

// Reads the one framed request from `fd` within `timeout`: INVALID_ARGUMENT
// for garbage or a format_version other than 1, DEADLINE_EXCEEDED or
// UNAVAILABLE if it does not come.
absl::StatusOr<v1::TesteeRequest> ReadTesteeRequest(int fd,
                                                    absl::Duration timeout);

// Client "cpp": this build's gRPC and Protobuf versions and every model of
// the registry with its variant settings.
v1::TesteeDescription DescribeCppClient();

// The trial program's settings for `trial`; INVALID_ARGUMENT for a variant
// setting or axis the C++ models do not have, or a stream assignment other
// than round robin. Axes that act through the environment are ignored (the
// supervisor set them); fork_hooks, child_channel and busy_parent_thread
// are trial settings here.
absl::StatusOr<TrialSettings> SettingsFromTrialRequest(
    const v1::TrialRequest& trial);

}  // namespace forkcheck

#endif  // FORKCHECK_MODELS_CPP_TESTEE_H_
