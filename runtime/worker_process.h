// The process plumbing of the fork models: forking a worker the way the
// supervisor expects, reaping workers, and creating a read session in a
// short-lived helper child so that the calling process never touches gRPC.
#ifndef FORKCHECK_RUNTIME_WORKER_PROCESS_H_
#define FORKCHECK_RUNTIME_WORKER_PROCESS_H_

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "forkcheck/worker_task.pb.h"
#include "framing/worker_reporter.h"
#include "google/cloud/bigquery/storage/v1/stream.pb.h"
#include "grpcpp/channel.h"
#include "probes/fork_hooks.h"
#include "runtime/model.h"

namespace forkcheck {

// Forks worker `index` (ForkWithHooks(hooks)). The child sets PR_SET_PDEATHSIG
// = SIGKILL (and exits if the parent is already gone), opens its reporter
// (closing every other report fd), sends PHASE_STARTED, runs `body` and _exits
// with its return value (no atexit handlers or static destructors: a forked
// gRPC must not be shut down twice). Returns the child's pid, or -1 if fork
// failed.
pid_t ForkWorker(ForkHooks hooks, int index,
                 const std::function<int(WorkerReporter&)>& body);

// Waits for every worker in `pids` (-1 entries are skipped) and sends a
// WorkerExit for each, in the order they exit.
void ReapWorkers(const std::vector<pid_t>& pids, ParentReporter& parent);

// As ReapWorkers, but calls `then` as soon as every worker has exited or
// `patience` has passed, whichever comes first, and then reaps the rest.
void ReapWorkersThen(const std::vector<pid_t>& pids, ParentReporter& parent,
                     absl::Duration patience,
                     const std::function<void()>& then);

// Forks context.workers workers (with context.fork_hooks); worker i takes
// its channel from
// `channel_for(i)` (called in the child: it may return an inherited channel
// or create one) and carries out its share of `task` (RunWorkerTask). Then
// closes the parent's copies of the workers' report fds and reaps them all
// (ReapWorkers; with `then`, ReapWorkersThen with context.worker_patience).
// Stamps the workers' start (MarkWorkersStarting) before the first fork and
// sends ParentFacts (tcp_connections -1) after reaping.
void RunWorkerProcesses(
    const ModelContext& context, const v1::WorkerTask& task,
    const std::function<std::shared_ptr<grpc::Channel>(int)>& channel_for,
    const std::function<void()>& then = nullptr);

// Creates the trial's read session (CreateSessionOn) in a helper child
// (forked with context.fork_hooks) with
// its own channel to context.target, which sends it back over a pipe and
// exits. The caller stays free of gRPC. Waits at most
// context.create_session_timeout plus a second; the helper's errors keep
// their code.
absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession>
CreateSessionInHelper(const ModelContext& context);

// What CreateSessionInHelper makes of the helper's reply: `reply` is what
// ReadFramed returned (one frame: a status-code byte, then the serialized
// session or the error message), `wait_status` the helper's. Errors keep the
// helper's code; a helper that sent nothing, a reply that timed out or was
// too large, or bytes that are not a session are errors naming that.
absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession>
ParseSessionReply(const absl::StatusOr<std::string>& reply, int wait_status);

}  // namespace forkcheck

#endif  // FORKCHECK_RUNTIME_WORKER_PROCESS_H_
