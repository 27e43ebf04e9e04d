// The trial program: the C++ reference client as a testee. It reads one
// TesteeRequest on standard input (protos/forkcheck/testee.proto,
// cpp_testee.h) and runs the trial under the supervisor (see
// supervisor/trial_runner.h), which passes the report pipes in
// FORKCHECK_REPORT_FDS, or describes itself.
//
// Its flags are internal: the spawn model exec's it as a worker with them
// (runtime/spawned_worker.h).
//
// Exit codes: 0 the model ran (whatever its workers' outcomes), 1 the model
// could not set up (every worker got the error as its result), 2 a request
// that could not be read or was refused, bad flags, or no supervisor.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "diagnosis/core_directory_handler.h"
#include "framing/worker_messages.h"
#include "framing/worker_reporter.h"
#include "models/cpp_testee.h"
#include "models/model_registry.h"
#include "models/trial_settings.h"
#include "runtime/model.h"
#include "runtime/spawned_worker.h"

// The spawn model's workers (runtime/spawned_worker.h) only.
ABSL_FLAG(int, spawned_worker, -1,
          "internal: run as this worker of a spawned trial");
ABSL_FLAG(int, task_fd, -1,
          "internal: the fd a spawned worker receives its task from");
ABSL_FLAG(std::string, target, "", "internal: the server's address");
ABSL_FLAG(int, workers, 1, "internal: the trial's workers");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(5),
          "internal: how long a worker waits for its channel to connect");
ABSL_FLAG(absl::Duration, create_session_timeout, absl::Seconds(5),
          "internal: the deadline of each timed session creation");
ABSL_FLAG(std::string, child_channel, "default",
          "internal: default or local_pool (the worker's subchannel pool)");
ABSL_FLAG(int, session_calls, 0,
          "internal: timed CreateReadSession calls after the read");

namespace forkcheck {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "trial_program: %s\n", message.c_str());
  return 2;
}

// Worker mode: a worker the spawn model exec'd (see runtime/spawned_worker.h).
int SpawnedWorkerMain() {
  SpawnedWorkerOptions options;
  options.index = absl::GetFlag(FLAGS_spawned_worker);
  options.task_fd = absl::GetFlag(FLAGS_task_fd);
  options.target = absl::GetFlag(FLAGS_target);
  options.workers = absl::GetFlag(FLAGS_workers);
  options.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  options.local_subchannel_pool =
      absl::GetFlag(FLAGS_child_channel) == "local_pool";
  options.session_calls = absl::GetFlag(FLAGS_session_calls);
  options.create_session_timeout = absl::GetFlag(FLAGS_create_session_timeout);
  return RunSpawnedWorker(options);
}

// The testee protocol's TrialRefused, on the parent's pipe if there is one.
int Refuse(const std::string& reason) {
  absl::StatusOr<std::vector<int>> fds = ReportFdsFromEnvironment();
  if (fds.ok() && !fds->empty()) {
    v1::WorkerMessage message;
    message.set_format_version(kWorkerFormatVersion);
    message.mutable_refused()->set_reason(reason);
    WriteMessageFrame(fds->front(), message).IgnoreError();
  }
  return Fail(reason);
}

// Runs a trial of `settings` under the supervisor's pipes.
int RunTrial(TrialSettings settings) {
  absl::StatusOr<std::unique_ptr<Model>> model = PrepareTrial(&settings);
  if (!model.ok()) return Refuse(std::string(model.status().message()));
  absl::StatusOr<ParentReporter> parent = ParentReporter::FromEnvironment();
  if (!parent.ok()) return Fail(std::string(parent.status().message()));
  if (parent->workers() != settings.context.workers) {
    return Refuse(absl::StrCat("workers=", settings.context.workers, " but ",
                               parent->workers(),
                               " worker pipes in FORKCHECK_REPORT_FDS"));
  }
  settings.context.parent = &*parent;
  return (*model)->Run(settings.context);
}

// The request comes on standard input (cpp_testee.h).
int TesteeMain() {
  absl::StatusOr<v1::TesteeRequest> request =
      ReadTesteeRequest(STDIN_FILENO, absl::Seconds(10));
  if (!request.ok()) return Refuse(std::string(request.status().message()));
  if (request->has_describe()) {
    absl::StatusOr<std::vector<int>> fds = ReportFdsFromEnvironment();
    if (!fds.ok() || fds->empty()) {
      return Fail("describe: no parent pipe in FORKCHECK_REPORT_FDS");
    }
    v1::WorkerMessage message;
    message.set_format_version(kWorkerFormatVersion);
    *message.mutable_testee() = DescribeCppClient();
    if (absl::Status written = WriteMessageFrame(fds->front(), message);
        !written.ok()) {
      return Fail(absl::StrCat("describe: ", written.message()));
    }
    return 0;
  }
  absl::StatusOr<TrialSettings> settings =
      SettingsFromTrialRequest(request->trial());
  if (!settings.ok()) return Refuse(std::string(settings.status().message()));
  return RunTrial(*std::move(settings));
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  // A supervisor that gave up closes the pipes: fail the write, not the
  // process.
  signal(SIGPIPE, SIG_IGN);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  // Each crashing process of the trial (this one, its forked and spawned
  // workers) dumps its core into a directory of its own, for the supervisor
  // to read its stacks. Sanitizers report crashes themselves.
  forkcheck::InstallCoreDirectoryHandler();
#endif
  absl::SetProgramUsageMessage(absl::StrCat(
      "Runs one forkcheck trial under the supervisor: the testee request "
      "(protos/forkcheck/testee.proto) comes on standard input. Models: ",
      absl::StrJoin(forkcheck::ModelNames(), ", ")));
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    return forkcheck::Fail(absl::StrCat("unexpected argument \"", positional[1],
                                        "\" (flags are --name=value)"));
  }
  if (absl::GetFlag(FLAGS_spawned_worker) >= 0) {
    return forkcheck::SpawnedWorkerMain();
  }
  return forkcheck::TesteeMain();
}
