#include "runtime/parent_client.h"

#include <string>

#include "absl/strings/str_cat.h"

#include "client/channel_factory.h"
#include "client/reference_reader.h"
#include "dataset/catalogue.h"
#include "runtime/worker_process.h"

namespace forkcheck {
namespace {

absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession> CreateSession(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& table,
    int streams, absl::Duration timeout) {
  ReaderOptions options;
  options.create_session_timeout = timeout;
  return ReferenceReader(channel, Catalogue::Default(), options)
      .CreateSession(table, streams);
}

}  // namespace

absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession>
CreateSessionOn(const std::shared_ptr<grpc::Channel>& channel,
                const ModelContext& context) {
  return CreateSession(channel, context.table, context.streams,
                       context.create_session_timeout);
}

ParentChannel SetUpParentChannel(const ModelContext& context, bool used) {
  ParentChannel parent;
  if (used) {
    parent.channel = NewChannel(context.target);
    parent.session = CreateSessionOn(parent.channel, context);
  } else {
    // Before the channel exists, so the helper inherits no gRPC state.
    parent.session = CreateSessionInHelper(context);
    parent.channel = NewChannel(context.target);
  }
  return parent;
}

absl::StatusOr<std::unique_ptr<BusyParentCall>> BusyParentCallIfAsked(
    const std::shared_ptr<grpc::Channel>& channel,
    const ModelContext& context) {
  if (!context.busy_parent_thread) return nullptr;
  return BusyParentCall::Start(channel, context.table,
                               context.create_session_timeout);
}

void CheckParentClient(const std::shared_ptr<grpc::Channel>& channel,
                       const ModelContext& context) {
  const absl::Status status =
      CreateSession(channel, context.table, /*streams=*/1,
                    context.parent_check_timeout)
          .status();
  context.parent->ParentCheck(static_cast<int>(status.code()),
                              std::string(status.message()));
}

void FinishInFlightAndCheckParent(InFlightRead& call,
                                  const std::shared_ptr<grpc::Channel>& channel,
                                  const ModelContext& context) {
  const InFlightAccount account = call.ReadToEnd(context.parent_check_timeout);
  absl::Status failure = account.status;
  if (failure.ok() && account.wrong_data()) {
    failure = absl::DataLossError(
        absl::StrCat("the parent's in-flight ReadRows delivered ",
                     account.misplaced_rows, " misplaced rows and ",
                     account.corrupt_responses, " undecodable responses"));
  }
  if (!failure.ok()) {
    context.parent->ParentCheck(static_cast<int>(failure.code()),
                                std::string(failure.message()));
    return;
  }
  CheckParentClient(channel, context);
}

}  // namespace forkcheck
