// forkserver: what Python's multiprocessing "forkserver" start method does.
// At the very start, before the parent touches gRPC, it forks a zygote (the
// fork server, see runtime/fork_server.h). Then the parent creates the
// session with its own client and asks the zygote for each worker; the
// pristine zygote forks it, and the worker creates its own channel and reads
// its share (writing: the parent appends rows of its own through an
// AppendRows call it leaves open, and each worker writes its share). The
// zygote reports the workers' exits; then the parent checks
// its own client and stops the zygote. Safe on every gRPC version: no process
// that forks ever touched gRPC.
#include <cstdio>
#include <memory>
#include <string>

#include "models/builtin_models.h"
#include "runtime/fork_server.h"
#include "runtime/parent_client.h"
#include "runtime/worker_report.h"

namespace forkcheck {
namespace {

// How long the parent waits for its workers' exits. The supervisor's
// watchdog is the real limit; this only bounds a run without one.
constexpr absl::Duration kWorkersTimeout = absl::Minutes(30);

void LogIfError(const absl::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "forkserver: %s\n", status.ToString().c_str());
  }
}

class ForkServerModel : public Model {
 public:
  std::string name() const override { return "forkserver"; }
  bool has_parent_check() const override { return true; }
  bool supports_write() const override { return true; }

  int Run(const ModelContext& context) override {
    absl::StatusOr<std::unique_ptr<ForkServer>> server =
        ForkServer::Start(context);
    if (!server.ok()) {
      return ReportSetupFailure(context.workers, server.status());
    }
    context.parent->CloseWorkerFds();  // the zygote holds them now

    ParentChannel parent = SetUpParentChannel(context, ParentUse::kUsed);
    if (!parent.task.ok()) {
      LogIfError((*server)->ReportSetupFailure(parent.task.status()));
      (*server)->Stop();
      return 1;
    }
    const std::string task_bytes = parent.task->SerializeAsString();
    context.parent->MarkWorkersStarting();
    for (int i = 0; i < context.workers; ++i) {
      LogIfError((*server)->StartWorker(i, task_bytes));
    }
    // Checks its own client once the workers are done or after
    // context.worker_patience (see ReapWorkersThen), then waits for the rest.
    context.parent->ParentFacts(-1);  // the workers' start
    (*server)->WaitForWorkers(context.worker_patience).IgnoreError();
    FinishAndCheckParent(parent, context);
    LogIfError((*server)->WaitForWorkers(kWorkersTimeout));
    (*server)->Stop();
    return 0;
  }
};

}  // namespace

std::unique_ptr<Model> MakeForkServerModel() {
  return std::make_unique<ForkServerModel>();
}

}  // namespace forkcheck
