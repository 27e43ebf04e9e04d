// spawn: what Python's multiprocessing "spawn" start method does. The parent
// creates the session with its own client (gRPC initialised and in use, as
// in a real application), then starts each worker as a FRESH image of the
// trial program: fork and an immediate exec, nothing touching gRPC between
// them (see runtime/spawned_worker.h). Each worker gets the serialized
// session over a pipe and reads its share with its own channel; then the
// parent checks that its own client still works. Writing, the parent
// appends rows of its own through an AppendRows call it leaves open while
// the workers (each told its task over the pipe) write theirs. Safe on every
// gRPC version, unless fork itself (gRPC's fork handlers, if enabled) breaks
// the parent.
#include <memory>
#include <string>
#include <vector>

#include "models/builtin_models.h"
#include "runtime/parent_client.h"
#include "runtime/spawned_worker.h"
#include "runtime/worker_process.h"
#include "runtime/worker_report.h"

namespace forkcheck {
namespace {

class SpawnModel : public Model {
 public:
  std::string name() const override { return "spawn"; }
  bool has_parent_check() const override { return true; }
  bool supports_write() const override { return true; }

  int Run(const ModelContext& context) override {
    ParentChannel parent = SetUpParentChannel(context, ParentUse::kUsed);
    if (!parent.task.ok()) {
      return ReportSetupFailure(context.workers, parent.task.status());
    }
    const std::string task_bytes = parent.task->SerializeAsString();
    std::vector<pid_t> pids;
    context.parent->MarkWorkersStarting();
    for (int i = 0; i < context.workers; ++i) {
      pids.push_back(SpawnWorker(i, task_bytes, context));
    }
    context.parent->CloseWorkerFds();
    context.parent->ParentFacts(-1);  // the workers' start
    ReapWorkersThen(pids, *context.parent, context.worker_patience,
                    [&] { FinishAndCheckParent(parent, context); });
    return 0;
  }
};

}  // namespace

std::unique_ptr<Model> MakeSpawnModel() {
  return std::make_unique<SpawnModel>();
}

}  // namespace forkcheck
