// fork_then_create_parent_used: the parent has its own client (so gRPC is
// initialised in it), then forks workers that each create a NEW channel.
// parent_channel=used: the parent created the session on its channel (a
// connection and gRPC's threads exist at the fork); idle: the channel was
// created but never used (the session comes from a helper child). Writing,
// used means the parent appended rows of its own through an AppendRows call
// it leaves open and idle at the fork (runtime/parent_client.h).
// parent_client=destroyed: the parent drops its channel before the fork
// (ending that call first); alive: it keeps it and checks it after the
// workers ran.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "models/builtin_models.h"
#include "runtime/parent_client.h"
#include "runtime/worker_channel.h"
#include "runtime/worker_process.h"
#include "runtime/worker_report.h"

namespace forkcheck {
namespace {

class ForkThenCreateParentUsedModel : public Model {
 public:
  ForkThenCreateParentUsedModel(bool alive, bool used)
      : alive_(alive), used_(used) {}

  std::string name() const override {
    return absl::StrCat("fork_then_create_parent_used(parent_client=",
                        alive_ ? "alive" : "destroyed",
                        ",parent_channel=", used_ ? "used" : "idle", ")");
  }
  bool has_parent_check() const override { return alive_; }
  bool supports_busy_parent_thread() const override { return alive_ && used_; }
  bool supports_write() const override { return true; }

  int Run(const ModelContext& context) override {
    ParentChannel parent = SetUpParentChannel(
        context, used_ ? ParentUse::kUsed : ParentUse::kIdle);
    if (!parent.task.ok()) {
      return ReportSetupFailure(context.workers, parent.task.status());
    }
    // Its last reference: the channel goes.
    if (!alive_) DropParentChannel(parent, context);
    auto busy = BusyParentCallIfAsked(parent.channel, context);
    if (!busy.ok()) return ReportSetupFailure(context.workers, busy.status());
    RunWorkerProcesses(
        context, *parent.task,
        [&context](int) { return NewWorkerChannel(context); },
        [&] {
          busy->reset();  // ends its call before the parent's check
          if (alive_) FinishAndCheckParent(parent, context);
        });
    return 0;
  }

 private:
  bool alive_;
  bool used_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Model>> MakeForkThenCreateParentUsedModel(
    const ModelVariant& variant) {
  return std::make_unique<ForkThenCreateParentUsedModel>(
      variant.parent_client == "alive", variant.parent_channel == "used");
}

}  // namespace forkcheck
