// The C++ reference client as a testee (protos/forkcheck/testee.proto):
// `trial_program` reads one TesteeRequest on standard input and answers it
// like any other testee. It is the C++ client's only entrance: the matrix
// and the benchmarks run every client's trials the same way.
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

// Client "cpp": this build's gRPC and Protobuf versions, every model of
// the registry with its variant settings and what each variant allows, and
// the axes the trial program carries out itself.
v1::TesteeDescription DescribeCppClient();

// The trial program's settings for `trial`; INVALID_ARGUMENT for a variant
// setting the model does not have, or a stream assignment other than round
// robin. fork_hooks, child_channel and busy_parent_thread are trial
// settings here; the other axes are carried out by the supervisor, the
// environment or the server, and ignored.
absl::StatusOr<TrialSettings> SettingsFromTrialRequest(
    const v1::TrialRequest& trial);

}  // namespace forkcheck

#endif  // FORKCHECK_MODELS_CPP_TESTEE_H_
