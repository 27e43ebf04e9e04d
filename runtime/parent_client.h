// The trial parent's own client: creating the session in the parent (or,
// for the write workload, the parent's own writes through an AppendRows
// call it leaves open), a busy thread inside a call on it at the fork, a
// call in flight at the fork, and checking afterwards that a channel that
// lived through the forks still works in the process that forked.
#ifndef FORKCHECK_RUNTIME_PARENT_CLIENT_H_
#define FORKCHECK_RUNTIME_PARENT_CLIENT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "forkcheck/worker_task.pb.h"
#include "google/cloud/bigquery/storage/v1/stream.pb.h"
#include "grpcpp/channel.h"
#include "probes/busy_parent_call.h"
#include "probes/in_flight_read.h"
#include "probes/in_flight_write.h"
#include "runtime/model.h"

namespace forkcheck {

// Creates the trial's read session of context.table (at most
// context.streams streams) on `channel`, with context.create_session_timeout.
absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession>
CreateSessionOn(const std::shared_ptr<grpc::Channel>& channel,
                const ModelContext& context);

// The workers' task: kRead creates the session on `channel`
// (CreateSessionOn); kWrite needs none (`channel` is not used).
absl::StatusOr<v1::WorkerTask> TaskOn(
    const std::shared_ptr<grpc::Channel>& channel, const ModelContext& context);

// The same while the caller stays free of gRPC: kRead creates the session
// in a helper child (CreateSessionInHelper).
absl::StatusOr<v1::WorkerTask> TaskInHelper(const ModelContext& context);

// What the parent does with its own channel before the fork: nothing (it is
// created and never used), use it (it has connected and gRPC's threads run
// when the parent forks), or also have a call in flight at the fork.
enum class ParentUse { kIdle, kUsed, kInFlight };

// The parent's own channel, what is open on it, and the workers' task.
struct ParentChannel {
  std::shared_ptr<grpc::Channel> channel;
  // The workers' task; an error if the parent could not set it up.
  absl::StatusOr<v1::WorkerTask> task;
  // kRead, kInFlight: a ReadRows call of its own (PutParentCallInFlight).
  std::unique_ptr<InFlightRead> in_flight_read;
  // kWrite, kUsed or kInFlight: its own writes' AppendRows call, open.
  std::unique_ptr<InFlightWrite> writes;
};

// kRead: the session is created on the channel (kUsed, kInFlight), or by a
// helper child (CreateSessionInHelper) before the channel exists (kIdle).
// kWrite: the workers need no session; with kUsed or kInFlight the parent
// appends kParentAnsweredAppends appends to context.parent_write_table and
// reads their answers, leaving the call open and idle (InFlightWrite).
ParentChannel SetUpParentChannel(const ModelContext& context, ParentUse use);

// The parent's appends answered before the fork, and those sent and not
// yet answered at the fork (kInFlight).
inline constexpr int kParentAnsweredAppends = 2;
inline constexpr int kParentInFlightAppends = 3;

// kInFlight, just before the fork: kRead starts an InFlightRead of its own
// (one response read, the rest unread); kWrite sends kParentInFlightAppends
// more appends on the open call without reading their answers. Each step
// bounded by context.create_session_timeout.
absl::Status PutParentCallInFlight(ParentChannel& parent,
                                   const ModelContext& context);

// parent_client=destroyed, before the fork: finishes the parent's writes'
// call (bounded by context.parent_check_timeout) and drops its channel.
void DropParentChannel(ParentChannel& parent, const ModelContext& context);

// After the workers: finishes what the parent left open (reads the rest of
// its in-flight read, or its writes' answers, then ends the call), then
// checks its client (CheckParentClient). The first failure is the trial's
// ParentCheck.
void FinishAndCheckParent(ParentChannel& parent, const ModelContext& context);

// If context.busy_parent_thread: another parent thread inside a ReadRows
// call on `channel` (BusyParentCall, its session with
// context.create_session_timeout); else null.
absl::StatusOr<std::unique_ptr<BusyParentCall>> BusyParentCallIfAsked(
    const std::shared_ptr<grpc::Channel>& channel, const ModelContext& context);

// kRead: creates a one-stream read session of context.table on `channel`;
// kWrite: a COMMITTED write stream of context.parent_write_table
// (CreateWriteStream); with context.parent_check_timeout as the call's
// deadline. Reports the status as the trial's ParentCheck.
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
