// Another thread of the trial's parent, inside a gRPC call at the moment of
// fork: gRPC's fork handlers refuse to run while a thread is in gRPC, so this
// is its own axis. The thread reads a stream that the server holds back: its
// session is billed to kBusyParentProject, whose streams the matrix's servers
// stall (see matrix/server_pool.h). Without such a stall the call ends at
// once and Start says so, rather than silently testing nothing.
#ifndef FORKCHECK_PROBES_BUSY_PARENT_CALL_H_
#define FORKCHECK_PROBES_BUSY_PARENT_CALL_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dataset/busy_parent_project.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace forkcheck {

class BusyParentCall {
 public:
  // Creates a one-stream session of `table` ("projects/p/datasets/d/tables/t")
  // under kBusyParentProject on `channel`, `create_session_timeout` being that
  // call's deadline, and starts a thread blocked in that stream's first
  // Read(). Returns once the thread has been in the call for a while
  // (100 ms); FAILED_PRECONDITION if the call ended before, or the session's
  // error.
  static absl::StatusOr<std::unique_ptr<BusyParentCall>> Start(
      const std::shared_ptr<grpc::Channel>& channel, const std::string& table,
      absl::Duration create_session_timeout);

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

#endif  // FORKCHECK_PROBES_BUSY_PARENT_CALL_H_
