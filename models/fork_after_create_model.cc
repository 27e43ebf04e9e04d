// fork_after_create: the parent creates a channel, forks, and every worker
// reads with the channel it INHERITED; then the parent checks that its own
// channel still works. With parent_channel=idle the parent's channel never
// connected before the fork (the session comes from a helper child); with
// used the parent created the session on it, so a connection and gRPC's
// threads exist when it forks; with in_flight it also has a ReadRows call of
// a one-stream session of its own open at the fork (InFlightRead), which it
// reads to the end (or cancels) after the workers, before its check.
// Writing, the workers write with the inherited channel, and used means the
// parent appended rows of its own through an AppendRows call it leaves open
// and idle at the fork; in_flight, that it also sent appends on that call
// whose answers it has not read at the fork (runtime/parent_client.h).
// Outcomes depend on the gRPC version and its fork support.
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "models/builtin_models.h"
#include "runtime/parent_client.h"
#include "runtime/worker_process.h"
#include "runtime/worker_report.h"

namespace forkcheck {
namespace {

class ForkAfterCreateModel : public Model {
 public:
  explicit ForkAfterCreateModel(std::string parent_channel)
      : parent_channel_(std::move(parent_channel)),
        used_(parent_channel_ != "idle") {}

  std::string name() const override {
    return absl::StrCat("fork_after_create(parent_channel=", parent_channel_,
                        ")");
  }
  bool has_parent_check() const override { return true; }
  bool supports_busy_parent_thread() const override { return used_; }
  bool supports_write() const override { return true; }

  int Run(const ModelContext& context) override {
    ParentChannel parent = SetUpParentChannel(context, Use());
    if (!parent.task.ok()) {
      return ReportSetupFailure(context.workers, parent.task.status());
    }
    auto busy = BusyParentCallIfAsked(parent.channel, context);
    if (!busy.ok()) return ReportSetupFailure(context.workers, busy.status());
    if (Use() == ParentUse::kInFlight) {
      if (absl::Status put = PutParentCallInFlight(parent, context);
          !put.ok()) {
        return ReportSetupFailure(context.workers, put);
      }
    }
    RunWorkerProcesses(
        context, *parent.task, [&parent](int) { return parent.channel; },
        [&] {
          busy->reset();  // ends its call before the parent's check
          FinishAndCheckParent(parent, context);
        });
    return 0;
  }

 private:
  ParentUse Use() const {
    if (parent_channel_ == "idle") return ParentUse::kIdle;
    return parent_channel_ == "in_flight" ? ParentUse::kInFlight
                                          : ParentUse::kUsed;
  }

  std::string parent_channel_;
  bool used_;  // the parent used its channel before the fork
};

}  // namespace

absl::StatusOr<std::unique_ptr<Model>> MakeForkAfterCreateModel(
    const ModelVariant& variant) {
  return std::make_unique<ForkAfterCreateModel>(variant.parent_channel);
}

}  // namespace forkcheck
