// fork_then_create_pristine: the parent never touches gRPC. A short-lived
// helper child creates the session (a write needs none); then the parent
// forks the workers and each creates its own channel. The fork-safe pattern
// every gRPC version must get right.
#include <memory>
#include <string>

#include "models/builtin_models.h"
#include "runtime/parent_client.h"
#include "runtime/worker_channel.h"
#include "runtime/worker_process.h"
#include "runtime/worker_report.h"

namespace forkcheck {
namespace {

class ForkThenCreatePristineModel : public Model {
 public:
  std::string name() const override { return "fork_then_create_pristine"; }
  bool has_parent_check() const override { return false; }
  bool supports_write() const override { return true; }

  int Run(const ModelContext& context) override {
    auto task = TaskInHelper(context);
    if (!task.ok()) return ReportSetupFailure(context.workers, task.status());
    RunWorkerProcesses(context, *task,
                       [&context](int) { return NewWorkerChannel(context); });
    return 0;
  }
};

}  // namespace

std::unique_ptr<Model> MakeForkThenCreatePristineModel() {
  return std::make_unique<ForkThenCreatePristineModel>();
}

}  // namespace forkcheck
