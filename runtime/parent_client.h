// The trial parent's own client: creating the session in the parent, a busy
// thread inside a call on it at the fork, and checking afterwards that a
// channel that lived through the forks still works in the process that
// forked.
#ifndef FORKCHECK_RUNTIME_PARENT_CLIENT_H_
#define FORKCHECK_RUNTIME_PARENT_CLIENT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "google/cloud/bigquery/storage/v1/stream.pb.h"
#include "grpcpp/channel.h"
#include "probes/busy_parent_call.h"
#include "probes/in_flight_read.h"
#include "runtime/model.h"

namespace forkcheck {

// Creates the trial's read session of context.table (at most
// context.streams streams) on `channel`, with context.create_session_timeout.
absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession>
CreateSessionOn(const std::shared_ptr<grpc::Channel>& channel,
                const ModelContext& context);

// The parent's own channel and the trial's session. `used`: the session is
// created on the channel, so it has connected and gRPC's threads run when the
// parent forks; otherwise a helper child creates it (CreateSessionInHelper)
// before the channel exists, which is created and never used.
struct ParentChannel {
  std::shared_ptr<grpc::Channel> channel;
  absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession> session;
};
ParentChannel SetUpParentChannel(const ModelContext& context, bool used);

// If context.busy_parent_thread: another parent thread inside a ReadRows
// call on `channel` (BusyParentCall, its session with
// context.create_session_timeout); else null.
absl::StatusOr<std::unique_ptr<BusyParentCall>> BusyParentCallIfAsked(
    const std::shared_ptr<grpc::Channel>& channel, const ModelContext& context);

// Creates a one-stream read session of context.table on `channel` with
// context.parent_check_timeout as its deadline and reports the status as the
// trial's ParentCheck.
void CheckParentClient(const std::shared_ptr<grpc::Channel>& channel,
                       const ModelContext& context);

// For the trial's parent after its workers ran: reads the rest of `call`
// (at most context.parent_check_timeout, then it is cancelled). If that
// failed or delivered wrong rows (DATA_LOSS), reports it as the trial's
// ParentCheck; else checks the client with CheckParentClient(channel).
void FinishInFlightAndCheckParent(InFlightRead& call,
                                  const std::shared_ptr<grpc::Channel>& channel,
                                  const ModelContext& context);

}  // namespace forkcheck

#endif  // FORKCHECK_RUNTIME_PARENT_CLIENT_H_
