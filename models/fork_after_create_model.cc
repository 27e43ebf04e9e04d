// fork_after_create: the parent creates a channel, forks, and every worker
// reads with the channel it INHERITED; then the parent checks that its own
// channel still works. With parent_channel=idle the parent's channel never
// connected before the fork (the session comes from a helper child); with
// used the parent created the session on it, so a connection and gRPC's
// threads exist when it forks; with in_flight it also has a ReadRows call of
// a one-stream session of its own open at the fork (InFlightRead), which it
// reads to the end (or cancels) after the workers, before its check.
// Outcomes depend on the gRPC version and its fork support.
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "models/builtin_models.h"
#include "probes/in_flight_read.h"
#include "runtime/parent_client.h"
#include "runtime/share_reader.h"
#include "runtime/worker_process.h"

namespace forkcheck {
namespace {

using google::cloud::bigquery::storage::v1::ReadSession;

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

  int Run(const ModelContext& context) override {
    ParentChannel parent = SetUpParentChannel(context, used_);
    std::shared_ptr<grpc::Channel>& channel = parent.channel;
    const auto& session = parent.session;
    if (!session.ok()) {
      return ReportSetupFailure(context.workers, session.status());
    }
    auto busy = BusyParentCallIfAsked(channel, context);
    if (!busy.ok()) return ReportSetupFailure(context.workers, busy.status());
    std::unique_ptr<InFlightRead> in_flight;
    if (parent_channel_ == "in_flight") {
      auto started = InFlightRead::Start(channel, context.table,
                                         context.create_session_timeout);
      if (!started.ok()) {
        return ReportSetupFailure(context.workers, started.status());
      }
      in_flight = *std::move(started);
    }
    RunWorkerProcesses(
        context, *session, [&channel](int) { return channel; },
        [&] {
          busy->reset();  // ends its call before the parent's check
          if (in_flight != nullptr) {
            FinishInFlightAndCheckParent(*in_flight, channel, context);
          } else {
            CheckParentClient(channel, context);
          }
        });
    return 0;
  }

 private:
  std::string parent_channel_;
  bool used_;  // the parent created the session on its channel
};

}  // namespace

absl::StatusOr<std::unique_ptr<Model>> MakeForkAfterCreateModel(
    const ModelVariant& variant) {
  return std::make_unique<ForkAfterCreateModel>(variant.parent_channel);
}

}  // namespace forkcheck
