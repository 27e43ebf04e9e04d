// channel_per_thread: one process; each worker thread creates its own
// channel. With subchannel_pool=global (gRPC's default) channels to one
// target may share a connection; with local each has its own.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "client/channel_factory.h"
#include "models/builtin_models.h"
#include "runtime/parent_client.h"
#include "runtime/worker_report.h"
#include "runtime/worker_threads.h"

namespace forkcheck {
namespace {

class ChannelPerThreadModel : public Model {
 public:
  explicit ChannelPerThreadModel(bool local_pool) : local_pool_(local_pool) {}

  std::string name() const override {
    return absl::StrCat("channel_per_thread(subchannel_pool=",
                        local_pool_ ? "local" : "global", ")");
  }
  bool has_parent_check() const override { return false; }
  bool supports_write() const override { return true; }

  int Run(const ModelContext& context) override {
    auto task = TaskOn(NewChannel(context.target, local_pool_), context);
    if (!task.ok()) return ReportSetupFailure(context.workers, task.status());
    return RunWorkerThreads(context, *task, [&](int) {
      return NewChannel(context.target, local_pool_);
    });
  }

 private:
  bool local_pool_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Model>> MakeChannelPerThreadModel(
    const ModelVariant& variant) {
  return std::make_unique<ChannelPerThreadModel>(variant.subchannel_pool ==
                                                 "local");
}

}  // namespace forkcheck
