// spawn: what Python's multiprocessing "spawn" start method does. The parent
// creates the session with its own client (gRPC initialised and in use, as
// in a real application), then starts each worker as a FRESH image of the
// trial program: fork and an immediate exec, nothing touching gRPC between
// them (see runtime/spawned_worker.h). Each worker gets the serialized
// session over a pipe and reads its share with its own channel; then the
// parent checks that its own client still works. Safe on every gRPC version, unless fork
// itself (gRPC's fork handlers, if enabled) breaks the parent.
#include <memory>
#include <string>
#include <vector>

#include "client/channel_factory.h"
#include "models/builtin_models.h"
#include "runtime/parent_client.h"
#include "runtime/share_reader.h"
#include "runtime/spawned_worker.h"
#include "runtime/worker_process.h"

namespace forkcheck {
namespace {

class SpawnModel : public Model {
 public:
  std::string name() const override { return "spawn"; }
  bool has_parent_check() const override { return true; }

  int Run(const ModelContext& context) override {
    std::shared_ptr<grpc::Channel> channel = NewChannel(context.target);
    auto session = CreateSessionOn(channel, context);
    if (!session.ok()) {
      return ReportSetupFailure(context.workers, session.status());
    }
    const std::string session_bytes = session->SerializeAsString();
    std::vector<pid_t> pids;
    context.parent->MarkWorkersStarting();
    for (int i = 0; i < context.workers; ++i) {
      pids.push_back(SpawnWorker(i, session_bytes, context));
    }
    context.parent->CloseWorkerFds();
    context.parent->ParentFacts(-1);  // the workers' start
    ReapWorkersThen(pids, *context.parent, context.worker_patience,
                    [&] { CheckParentClient(channel, context); });
    return 0;
  }
};

}  // namespace

std::unique_ptr<Model> MakeSpawnModel() {
  return std::make_unique<SpawnModel>();
}

}  // namespace forkcheck
