// fork_after_create: the parent creates a channel, forks, and every worker
// reads with the channel it INHERITED; then the parent checks that its own
// channel still works. With parent_channel=idle the parent's channel never
// connected before the fork (the session comes from a helper child); with
// used the parent created the session on it, so a connection and gRPC's
// threads exist when it forks. Outcomes depend on the gRPC version and its
// fork support.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "models/builtin_models.h"
#include "models/busy_parent_call.h"
#include "models/channel_factory.h"
#include "models/parent_client.h"
#include "models/share_reader.h"
#include "models/worker_process.h"

namespace forkcheck {
namespace {

using google::cloud::bigquery::storage::v1::ReadSession;

class ForkAfterCreateModel : public Model {
 public:
  explicit ForkAfterCreateModel(bool used) : used_(used) {}

  std::string name() const override {
    return absl::StrCat("fork_after_create(parent_channel=",
                        used_ ? "used" : "idle", ")");
  }
  bool has_parent_check() const override { return true; }
  bool supports_busy_parent_thread() const override { return used_; }

  int Run(const ModelContext& context) override {
    absl::StatusOr<ReadSession> session;
    std::shared_ptr<grpc::Channel> channel;
    if (used_) {
      channel = NewChannel(context.target);
      session = CreateSessionOn(channel, context);
    } else {
      // Before the channel exists, so the helper inherits no gRPC state.
      session = CreateSessionInHelper(context);
      channel = NewChannel(context.target);
    }
    if (!session.ok()) {
      return ReportSetupFailure(context.workers, session.status());
    }
    auto busy = BusyParentCall::StartIfAsked(channel, context);
    if (!busy.ok()) return ReportSetupFailure(context.workers, busy.status());
    RunWorkerProcesses(context, *session,
                       [&channel](int) { return channel; });
    busy->reset();  // ends its call before the parent's check
    CheckParentClient(channel, context);
    return 0;
  }

 private:
  bool used_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Model>> MakeForkAfterCreateModel(
    const ModelVariant& variant) {
  if (absl::Status valid =
          CheckVariantValue("fork_after_create", "parent_channel",
                            variant.parent_channel, {"idle", "used"});
      !valid.ok()) {
    return valid;
  }
  return std::make_unique<ForkAfterCreateModel>(variant.parent_channel ==
                                                "used");
}

}  // namespace forkcheck
