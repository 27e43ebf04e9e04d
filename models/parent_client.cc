#include "models/parent_client.h"

#include <string>

#include "client/channel_factory.h"
#include "client/reference_reader.h"
#include "dataset/catalogue.h"
#include "models/worker_process.h"

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

void CheckParentClient(const std::shared_ptr<grpc::Channel>& channel,
                       const ModelContext& context) {
  const absl::Status status =
      CreateSession(channel, context.table, /*streams=*/1,
                    context.parent_check_timeout)
          .status();
  context.parent->ParentCheck(static_cast<int>(status.code()),
                              std::string(status.message()));
}

}  // namespace forkcheck
