// fork_then_create_parent_used: the parent has its own client (so gRPC is
// initialised in it), then forks workers that each create a NEW channel.
// parent_channel=used: the parent created the session on its channel (a
// connection and gRPC's threads exist at the fork); idle: the channel was
// created but never used (the session comes from a helper child).
// parent_client=destroyed: the parent drops its channel before the fork;
// alive: it keeps it and checks it after the workers ran.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "models/builtin_models.h"
#include "runtime/parent_client.h"
#include "runtime/share_reader.h"
#include "runtime/worker_channel.h"
#include "runtime/worker_process.h"

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

  int Run(const ModelContext& context) override {
    ParentChannel parent = SetUpParentChannel(context, used_);
    std::shared_ptr<grpc::Channel>& channel = parent.channel;
    const auto& session = parent.session;
    if (!session.ok()) {
      return ReportSetupFailure(context.workers, session.status());
    }
    if (!alive_) channel.reset();  // its last reference: the channel goes
    auto busy = BusyParentCallIfAsked(channel, context);
    if (!busy.ok()) return ReportSetupFailure(context.workers, busy.status());
    RunWorkerProcesses(
        context, *session,
        [&context](int) { return NewWorkerChannel(context); },
        [&] {
          busy->reset();  // ends its call before the parent's check
          if (alive_) CheckParentClient(channel, context);
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
