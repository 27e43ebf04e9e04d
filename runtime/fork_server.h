// A fork server, as Python's multiprocessing "forkserver" start method has:
// a zygote process forked at the very start, before the trial's parent
// touches gRPC, which forks the workers when the parent asks. The zygote
// itself never calls gRPC (it stays pristine); each worker it forks creates
// its own channel and carries out its share of its task (worker_task.h).
//
// The zygote holds the workers' report fds (its children inherit them) and
// closes the parent's; it reaps its workers and sends each exit status to
// the parent. It dies with the parent (PR_SET_PDEATHSIG) and its workers die
// with it. Control socket: length-prefixed frames (framing/framed_fd.h), each a
// one-byte kind and little-endian int32 fields (see fork_server.cc).
#ifndef FORKCHECK_RUNTIME_FORK_SERVER_H_
#define FORKCHECK_RUNTIME_FORK_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "runtime/model.h"

namespace forkcheck {

class ForkServer {
 public:
  // How long either side waits for the other's answer to a request (fork a
  // worker, stop), and for the rest of a frame once its first byte came.
  static constexpr absl::Duration kReplyTimeout = absl::Seconds(5);

  // Forks the zygote. Call before this process touches gRPC, while it still
  // holds the workers' report fds; then close them (CloseWorkerFds): from
  // here on the zygote owns them. `context` must outlive the server.
  static absl::StatusOr<std::unique_ptr<ForkServer>> Start(
      const ModelContext& context);

  ForkServer(const ForkServer&) = delete;
  ForkServer& operator=(const ForkServer&) = delete;
  ~ForkServer();  // Stop()s the zygote if that was not done

  // Asks the zygote to fork worker `index`, which parses `task_bytes` (a
  // serialized v1::WorkerTask), creates its own channel and carries out its
  // share.
  // OK once the zygote says it forked it; an error if it could not, or did
  // not answer within kReplyTimeout.
  absl::Status StartWorker(int index, const std::string& task_bytes);

  // When the task could not be made (e.g. no session): asks the zygote to
  // report `status` as every worker's result (the parent no longer holds their
  // pipes).
  absl::Status ReportSetupFailure(const absl::Status& status);

  // Waits, at most `timeout`, until every started worker exited, reporting
  // each exit status (ParentReporter::WorkerExit) in the order the zygote
  // reaped them. An error if the zygote went away or the time ran out.
  absl::Status WaitForWorkers(absl::Duration timeout);

  // Tells the zygote to exit (killing any worker still running) and reaps
  // it, SIGKILLing it if it has not exited within kReplyTimeout. Returns its
  // wait status; idempotent.
  int Stop();

 private:
  ForkServer(const ModelContext& context, pid_t pid, int fd)
      : context_(context), pid_(pid), fd_(fd) {}

  struct Started {
    int index;
    pid_t pid;  // -1 if the fork failed
    int error;  // the fork's errno
  };

  // Reads one message from the zygote, waiting at most `timeout` for it to
  // begin. A worker's exit is reported and counted here (nullopt).
  absl::StatusOr<std::optional<Started>> Receive(absl::Duration timeout);

  const ModelContext& context_;
  pid_t pid_;
  int fd_;
  int running_ = 0;  // workers started and not yet reported exited
  bool stopped_ = false;
  int wait_status_ = -1;
};

}  // namespace forkcheck

#endif  // FORKCHECK_RUNTIME_FORK_SERVER_H_
