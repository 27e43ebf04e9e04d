// The trial program: runs one process model under the supervisor (see
// supervisor/trial_runner.h), which passes the report pipes in
// FORKCHECK_REPORT_FDS.
//
//   trial_program --model=fork_after_create --parent_channel=used
//       --target=127.0.0.1:4711 --table=small --workers=2 --streams=4
//
//   trial_program --testee   (the request on standard input: cpp_testee.h)
//
// Exit codes: 0 the model ran (whatever its workers' outcomes), 1 the model
// could not set up (every worker got the error as its result), 2 bad flags
// or request, or no supervisor.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "models/cpp_testee.h"
#include "models/model.h"
#include "models/model_registry.h"
#include "models/spawned_worker.h"
#include "models/trial_settings.h"
#include "framing/worker_messages.h"
#include "framing/worker_reporter.h"

ABSL_FLAG(std::string, model, "", "the process model to run (see --help)");
ABSL_FLAG(std::string, target, "", "the server's address, e.g. 127.0.0.1:80");
ABSL_FLAG(std::string, table, "small",
          "a table of the default catalogue: its full name, or the last part "
          "of it (projects/forkcheck/datasets/synthetic/tables/<table>)");
ABSL_FLAG(int, workers, 1,
          "workers (threads or processes); must match the "
          "supervisor's worker pipes");
ABSL_FLAG(int, streams, 1, "the session's max_stream_count");
ABSL_FLAG(std::string, subchannel_pool, "global",
          "channel_per_thread: global or local");
ABSL_FLAG(std::string, parent_channel, "used",
          "fork_after_create: idle, used or in_flight; "
          "fork_then_create_parent_used: idle or used");
ABSL_FLAG(std::string, parent_client, "alive",
          "fork_then_create_parent_used: destroyed or alive");
ABSL_FLAG(std::string, fork_hooks, "none",
          "none, or application: the trial wraps each fork() in "
          "grpc_prefork() / grpc_postfork_parent() / grpc_postfork_child()");
ABSL_FLAG(
    std::string, child_channel, "default",
    "channels workers create for themselves: default (gRPC's global "
    "subchannel pool) or local_pool (GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL)");
ABSL_FLAG(bool, busy_parent_thread, false,
          "another parent thread is inside a ReadRows call on the parent's "
          "channel at the moment of fork (the server must stall the streams "
          "of projects/forkcheck-busy-parent)");
ABSL_FLAG(std::string, suite_case, "connectivity_watch",
          "grpc_fork_suite: the case of gRPC's fork tests to run");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(5),
          "how long a worker waits for its channel to connect");
ABSL_FLAG(absl::Duration, create_session_timeout, absl::Seconds(5),
          "the deadline of the session creation");
ABSL_FLAG(absl::Duration, parent_check_timeout, absl::Seconds(2),
          "the deadline of the parent's check of its own client");
ABSL_FLAG(absl::Duration, worker_patience, absl::Seconds(1),
          "how long the parent waits for its workers before it checks its "
          "own client anyway");
ABSL_FLAG(int, session_calls, 0,
          "after its read, each worker makes this many timed "
          "CreateReadSession calls on its own channel (for latency "
          "percentiles per model; 0 to 100000)");
ABSL_FLAG(bool, testee, false,
          "take the trial from a testee request on standard input "
          "(protos/forkcheck/testee.proto) instead of from these flags");
ABSL_FLAG(int, spawned_worker, -1,
          "internal (the spawn model): run as this worker of a spawned trial");
ABSL_FLAG(int, session_fd, -1,
          "internal (the spawn model): the fd a spawned worker reads its "
          "session from");

namespace forkcheck {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "trial_program: %s\n", message.c_str());
  return 2;
}

// Worker mode: a worker the spawn model exec'd (see spawned_worker.h).
int SpawnedWorkerMain() {
  SpawnedWorkerOptions options;
  options.index = absl::GetFlag(FLAGS_spawned_worker);
  options.session_fd = absl::GetFlag(FLAGS_session_fd);
  options.target = absl::GetFlag(FLAGS_target);
  options.workers = absl::GetFlag(FLAGS_workers);
  options.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  options.local_subchannel_pool =
      absl::GetFlag(FLAGS_child_channel) == "local_pool";
  options.session_calls = absl::GetFlag(FLAGS_session_calls);
  options.create_session_timeout = absl::GetFlag(FLAGS_create_session_timeout);
  return RunSpawnedWorker(options);
}

TrialSettings SettingsFromFlags() {
  TrialSettings settings;
  settings.model = absl::GetFlag(FLAGS_model);
  settings.variant.subchannel_pool = absl::GetFlag(FLAGS_subchannel_pool);
  settings.variant.parent_channel = absl::GetFlag(FLAGS_parent_channel);
  settings.variant.parent_client = absl::GetFlag(FLAGS_parent_client);
  settings.variant.suite_case = absl::GetFlag(FLAGS_suite_case);
  settings.fork_hooks = absl::GetFlag(FLAGS_fork_hooks);
  settings.child_channel = absl::GetFlag(FLAGS_child_channel);
  ModelContext& context = settings.context;
  context.target = absl::GetFlag(FLAGS_target);
  context.table = absl::GetFlag(FLAGS_table);
  context.workers = absl::GetFlag(FLAGS_workers);
  context.streams = absl::GetFlag(FLAGS_streams);
  context.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  context.create_session_timeout = absl::GetFlag(FLAGS_create_session_timeout);
  context.parent_check_timeout = absl::GetFlag(FLAGS_parent_check_timeout);
  context.worker_patience = absl::GetFlag(FLAGS_worker_patience);
  context.session_calls = absl::GetFlag(FLAGS_session_calls);
  context.busy_parent_thread = absl::GetFlag(FLAGS_busy_parent_thread);
  return settings;
}

// Runs a trial of `settings` under the supervisor's pipes; `refuse` reports
// a trial that cannot run (its exit code is returned).
int RunTrial(TrialSettings settings,
             const std::function<int(const std::string&)>& refuse) {
  absl::StatusOr<std::unique_ptr<Model>> model = PrepareTrial(&settings);
  if (!model.ok()) return refuse(std::string(model.status().message()));
  absl::StatusOr<ParentReporter> parent = ParentReporter::FromEnvironment();
  if (!parent.ok()) return Fail(std::string(parent.status().message()));
  if (parent->workers() != settings.context.workers) {
    return refuse(absl::StrCat("workers=", settings.context.workers, " but ",
                               parent->workers(),
                               " worker pipes in FORKCHECK_REPORT_FDS"));
  }
  settings.context.parent = &*parent;
  return (*model)->Run(settings.context);
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

// --testee: the request comes on standard input (cpp_testee.h).
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
  return RunTrial(*std::move(settings), Refuse);
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  // A supervisor that gave up closes the pipes: fail the write, not the
  // process.
  signal(SIGPIPE, SIG_IGN);
  absl::SetProgramUsageMessage(absl::StrCat(
      "Runs one forkcheck process model under the supervisor. Models: ",
      absl::StrJoin(forkcheck::ModelNames(), ", ")));
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    return forkcheck::Fail(absl::StrCat("unexpected argument \"", positional[1],
                                        "\" (flags are --name=value)"));
  }
  if (absl::GetFlag(FLAGS_spawned_worker) >= 0) {
    return forkcheck::SpawnedWorkerMain();
  }
  if (absl::GetFlag(FLAGS_testee)) return forkcheck::TesteeMain();
  return forkcheck::RunTrial(forkcheck::SettingsFromFlags(), forkcheck::Fail);
}
