// What the conformance tests that run the C++ client's trials share: the
// testee program, the fake server process they run against, and one line
// describing a classified trial.
#ifndef FORKCHECK_CONFORMANCE_CPP_TRIALS_H_
#define FORKCHECK_CONFORMANCE_CPP_TRIALS_H_

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "fakes/fake_server_process.h"
#include "supervisor/outcome_classifier.h"
#include "supervisor/testee.h"
#include "supervisor/trial_runner.h"

namespace forkcheck {

// //models:trial_program, from the test's runfiles.
TesteeProgram CppTestee();

// The fake server binary from the runfiles, listening on 127.0.0.1:0.
absl::StatusOr<std::unique_ptr<FakeServerProcess>> StartLocalFakeServer();

// For a test suite's SetUpTestSuite: starts the fake server and describes
// the C++ testee (its watchdog `watchdog`) into *server and *cpp, which the
// suite owns; a GoogleTest failure (and null) for what failed.
void StartServerAndCppTestee(std::chrono::milliseconds watchdog,
                             FakeServerProcess** server, TesteeClient** cpp);

// For TearDownTestSuite: stops the server, expecting a clean stop, and
// frees both.
void StopServerAndCppTestee(FakeServerProcess** server, TesteeClient** cpp);

// Runs `prepared` under the supervisor, its duration into *elapsed, and
// checks (GoogleTest failures) that it ran, ended within `bound` and left
// nothing behind; an empty record if it could not run.
TrialRecord RunTimedTrial(const PreparedTrial& prepared,
                          std::chrono::milliseconds bound,
                          std::chrono::milliseconds* elapsed);

// A model of the C++ client with its variant, as a parameterized test's
// case: {"ChannelPerThreadLocalPool", "channel_per_thread",
// {{"subchannel_pool", "local"}}}.
struct ModelCase {
  std::string test_name;
  std::string model;
  std::vector<std::pair<std::string, std::string>> variant;
};

// The models that must be safe on every gRPC version, for reads and writes
// alike: threads sharing a channel, a channel per thread (either pool),
// forking before gRPC exists, spawn and the fork server.
std::vector<ModelCase> SafeModelCases();

// "overall ok; worker 0: ok; ...; parent_after: ...; missing_rows 0,
// duplicate_rows 0".
std::string DescribeTrialOutcome(const TrialOutcome& outcome);

}  // namespace forkcheck

#endif  // FORKCHECK_CONFORMANCE_CPP_TRIALS_H_
