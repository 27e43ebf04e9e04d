// The supervisor's side of the testee protocol (protos/forkcheck/testee.proto):
// asking a testee what it is, and running one of its trials under RunTrial
// with every guarantee a trial of our own trial program gets.
#ifndef FORKCHECK_SUPERVISOR_TESTEE_H_
#define FORKCHECK_SUPERVISOR_TESTEE_H_

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "forkcheck/testee.pb.h"
#include "supervisor/trial_runner.h"

namespace forkcheck {

inline constexpr uint32_t kTesteeFormatVersion = 1;

// TrialRequest.workload's values (an empty workload is a read).
inline constexpr char kReadWorkload[] = "read";
inline constexpr char kWriteWorkload[] = "write";

// How to start a testee program.
struct TesteeProgram {
  std::vector<std::string> argv;  // argv[0] is a path
  // KEY=VALUE entries for every run of it (a bare KEY unsets KEY).
  std::vector<std::string> env;
};

// A client reached through the testee protocol, as it described itself.
struct TesteeClient {
  TesteeProgram program;
  v1::TesteeDescription description;
};

// Appends each (name, value) as a NamedValue: a request's variant or axes.
void AddNamedValues(
    const std::vector<std::pair<std::string, std::string>>& pairs,
    google::protobuf::RepeatedPtrField<v1::NamedValue>* values);

// `request` framed for a testee's standard input (4-byte little-endian
// length, then the message); INVALID_ARGUMENT if it exceeds
// kMaxTrialStdinBytes.
absl::StatusOr<std::string> FrameTesteeRequest(
    const v1::TesteeRequest& request);

// Runs the testee with a DescribeRequest under `watchdog`. Every way a
// testee can fail to answer is an error naming what it did (exit status,
// refusal, protocol error, no or several descriptions, a description with no
// client name or no models, a model described twice).
absl::StatusOr<v1::TesteeDescription> DescribeTestee(
    const TesteeProgram& program, std::chrono::milliseconds watchdog);

// The testee of `client` among `programs`, described: an error whose
// message says why that client cannot run here (this build has no program
// for it, it could not describe itself, it says it is another client).
absl::StatusOr<TesteeClient> ReadyTestee(
    const std::map<std::string, TesteeProgram>& programs,
    const std::string& client, std::chrono::milliseconds watchdog);

// Whether `trial` asks for something `description` offers: a known model, a
// value of each of its variant settings (and no other setting), a workload
// the model runs (RunsWorkload; a write with write_rows >= 1), workers >= 1,
// max_streams >= 1, a target and a table. INVALID_ARGUMENT naming the first
// problem.
absl::Status CheckTrialRequest(const v1::TesteeDescription& description,
                               const v1::TrialRequest& trial);

// Whether `model` runs `workload` (TrialRequest.workload: "" is "read"): one
// of its description's workloads, or "read" if it lists none.
bool RunsWorkload(const v1::ModelDescription& model,
                  const std::string& workload);

// The workloads `model` runs, for messages: "read, write".
std::string DescribeWorkloads(const v1::ModelDescription& model);

// The variant settings of `model` in `description`, or nullptr.
const v1::ModelDescription* FindModel(const v1::TesteeDescription& description,
                                      const std::string& model);

// `given` variant settings of `model` completed with the testee's defaults
// (each setting's first value), in the description's order.
// INVALID_ARGUMENT naming the problem for an unknown model, setting or
// value.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
CompleteVariant(const v1::TesteeDescription& description,
                const std::string& model,
                const std::vector<std::pair<std::string, std::string>>& given);

// Whether the parent of `trial` (a request CheckTrialRequest accepted) will
// check its own client after the workers: for ClassifyTrial.
bool ExpectsParentCheck(const v1::ModelDescription& model,
                        const v1::TrialRequest& trial);

// Whether `trial` (a request CheckTrialRequest accepted) may ask for a busy
// parent thread: the model allows it for the trial's variant.
bool AllowsBusyParentThread(const v1::ModelDescription& model,
                            const v1::TrialRequest& trial);

// The command that runs `trial` on the testee, for RunTrial: the program
// with `env` added to its own, trial.workers() worker pipes, the request on
// standard input and `watchdog` (also sent as trial.watchdog_ms).
absl::StatusOr<TrialCommand> TesteeTrialCommand(
    const TesteeProgram& program, v1::TrialRequest trial,
    const std::vector<std::string>& env, std::chrono::milliseconds watchdog);

// A trial ready for RunTrial, and what its classification needs to know.
struct PreparedTrial {
  TrialCommand command;
  bool expects_parent_check = false;  // for ClassifyTrial
};

// `trial` checked against the testee's description (CheckTrialRequest) and
// made into its command (TesteeTrialCommand): the one way every client's
// trial is started.
absl::StatusOr<PreparedTrial> PrepareTesteeTrial(
    const TesteeClient& testee, const v1::TrialRequest& trial,
    const std::vector<std::string>& env, std::chrono::milliseconds watchdog);

}  // namespace forkcheck

#endif  // FORKCHECK_SUPERVISOR_TESTEE_H_
