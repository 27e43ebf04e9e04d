// thread_shared: one process; the workers are threads that share one channel
// (and with it one connection), which also created the session (a write
// needs none: the threads write to the table). The baseline
// every gRPC version must get right.
#include <memory>
#include <string>

#include "client/channel_factory.h"
#include "models/builtin_models.h"
#include "runtime/parent_client.h"
#include "runtime/worker_report.h"
#include "runtime/worker_threads.h"

namespace forkcheck {
namespace {

class ThreadSharedModel : public Model {
 public:
  std::string name() const override { return "thread_shared"; }
  bool has_parent_check() const override { return false; }
  bool supports_write() const override { return true; }

  int Run(const ModelContext& context) override {
    std::shared_ptr<grpc::Channel> channel = NewChannel(context.target);
    auto task = TaskOn(channel, context);
    if (!task.ok()) return ReportSetupFailure(context.workers, task.status());
    return RunWorkerThreads(context, *task,
                            [&channel](int) { return channel; });
  }
};

}  // namespace

std::unique_ptr<Model> MakeThreadSharedModel() {
  return std::make_unique<ThreadSharedModel>();
}

}  // namespace forkcheck
