// The trial program: runs one process model under the supervisor (see
// supervisor/trial_runner.h), which passes the report pipes in
// FORKCHECK_REPORT_FDS.
//
//   trial_program --model=fork_after_create --parent_channel=used
//       --target=127.0.0.1:4711 --table=small --workers=2 --streams=4
//
// Exit codes: 0 the model ran (whatever its workers' outcomes), 1 the model
// could not set up (every worker got the error as its result), 2 bad flags
// or no supervisor.
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "models/model.h"
#include "models/model_registry.h"
#include "supervisor/worker_reporter.h"

ABSL_FLAG(std::string, model, "", "the process model to run (see --help)");
ABSL_FLAG(std::string, target, "", "the server's address, e.g. 127.0.0.1:80");
ABSL_FLAG(std::string, table, "small",
          "a table of the default catalogue: its full name, or the last part "
          "of it (projects/forkcheck/datasets/synthetic/tables/<table>)");
ABSL_FLAG(int, workers, 1, "workers (threads or processes); must match the "
                           "supervisor's worker pipes");
ABSL_FLAG(int, streams, 1, "the session's max_stream_count");
ABSL_FLAG(std::string, subchannel_pool, "global",
          "channel_per_thread: global or local");
ABSL_FLAG(std::string, parent_channel, "used", "fork_after_create: idle or used");
ABSL_FLAG(std::string, parent_client, "alive",
          "fork_then_create_parent_used: destroyed or alive");
ABSL_FLAG(std::string, suite_case, "connectivity_watch",
          "grpc_fork_suite: the case of gRPC's fork tests to run");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(5),
          "how long a worker waits for its channel to connect");
ABSL_FLAG(absl::Duration, create_session_timeout, absl::Seconds(5),
          "the deadline of the session creation");
ABSL_FLAG(absl::Duration, parent_check_timeout, absl::Seconds(2),
          "the deadline of the parent's check of its own client");

namespace forkcheck {
namespace {

constexpr char kTablePrefix[] = "projects/forkcheck/datasets/synthetic/tables/";

int Fail(const std::string& message) {
  std::fprintf(stderr, "trial_program: %s\n", message.c_str());
  return 2;
}

int Main() {
  ModelVariant variant;
  variant.subchannel_pool = absl::GetFlag(FLAGS_subchannel_pool);
  variant.parent_channel = absl::GetFlag(FLAGS_parent_channel);
  variant.parent_client = absl::GetFlag(FLAGS_parent_client);
  variant.suite_case = absl::GetFlag(FLAGS_suite_case);
  absl::StatusOr<std::unique_ptr<Model>> model =
      MakeModel(absl::GetFlag(FLAGS_model), variant);
  if (!model.ok()) return Fail(std::string(model.status().message()));

  ModelContext context;
  context.target = absl::GetFlag(FLAGS_target);
  context.table = absl::GetFlag(FLAGS_table);
  if (context.table.find('/') == std::string::npos) {
    context.table = absl::StrCat(kTablePrefix, context.table);
  }
  context.workers = absl::GetFlag(FLAGS_workers);
  context.streams = absl::GetFlag(FLAGS_streams);
  context.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  context.create_session_timeout = absl::GetFlag(FLAGS_create_session_timeout);
  context.parent_check_timeout = absl::GetFlag(FLAGS_parent_check_timeout);
  if (context.target.empty()) return Fail("--target is required");
  if (context.workers < 1) {
    return Fail(absl::StrCat("--workers=", context.workers, "; must be >= 1"));
  }
  if (context.streams < 1) {
    return Fail(absl::StrCat("--streams=", context.streams, "; must be >= 1"));
  }

  absl::StatusOr<ParentReporter> parent = ParentReporter::FromEnvironment();
  if (!parent.ok()) return Fail(std::string(parent.status().message()));
  if (parent->workers() != context.workers) {
    return Fail(absl::StrCat("--workers=", context.workers, " but ",
                             parent->workers(),
                             " worker pipes in FORKCHECK_REPORT_FDS"));
  }
  context.parent = &*parent;
  return (*model)->Run(context);
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
    return forkcheck::Fail(absl::StrCat("unexpected argument \"",
                                        positional[1],
                                        "\" (flags are --name=value)"));
  }
  return forkcheck::Main();
}
