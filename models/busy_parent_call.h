// Another thread of the trial's parent, inside a gRPC call at the moment of
// fork: gRPC's fork handlers refuse to run while a thread is in gRPC, so this
// is its own axis. The thread reads a stream that the server holds back: its
// session is billed to kBusyParentProject, whose streams the matrix's servers
// stall (see matrix/server_pool.h). Without such a stall the call ends at
// once and Start says so, rather than silently testing nothing.
#ifndef FORKCHECK_MODELS_BUSY_PARENT_CALL_H_
#define FORKCHECK_MODELS_BUSY_PARENT_CALL_H_

#include <atomic>
#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "dataset/busy_parent_project.h"
#include "models/model.h"

namespace forkcheck {

class BusyParentCall {
 public:
  // Creates a one-stream session of context.table under kBusyParentProject on
  // `channel` and starts a thread blocked in that stream's first Read().
  // Returns once the thread has been in the call for a while (100 ms);
  // FAILED_PRECONDITION if the call ended before, or the session's error.
  static absl::StatusOr<std::unique_ptr<BusyParentCall>> Start(
      const std::shared_ptr<grpc::Channel>& channel,
      const ModelContext& context);

  // Start if context.busy_parent_thread, else null.
  static absl::StatusOr<std::unique_ptr<BusyParentCall>> StartIfAsked(
      const std::shared_ptr<grpc::Channel>& channel,
      const ModelContext& context);

  // Cancels the call and joins the thread. In a forked child, which has no
  // copy of the thread, never run this: children _exit.
  ~BusyParentCall();

  BusyParentCall(const BusyParentCall&) = delete;
  BusyParentCall& operator=(const BusyParentCall&) = delete;

 private:
  BusyParentCall() = default;

  grpc::ClientContext context_;
  std::atomic<bool> in_call_{false};
  std::atomic<bool> returned_{false};
  std::thread thread_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_MODELS_BUSY_PARENT_CALL_H_
