// Both sides of the spawn model's exec contract: the parent starts worker i
// as a fresh image of the trial program (fork, then exec at once, as
// Python's multiprocessing "spawn" does), and hands it its serialized task
// (runtime/worker_task.h: a session to read, or rows to write) over an
// inherited pipe; the trial program, in worker mode, receives it and
// carries out its share with a channel of its own.
#ifndef FORKCHECK_RUNTIME_SPAWNED_WORKER_H_
#define FORKCHECK_RUNTIME_SPAWNED_WORKER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "runtime/model.h"

namespace forkcheck {

// How long the parent may take to hand a worker its task, and the worker
// to receive it (exec and loading the program included).
inline constexpr absl::Duration kTaskHandoffTimeout = absl::Seconds(10);

// The trial program's flags for worker mode (models/trial_main.cc):
// --spawned_worker=I (I >= 0 selects worker mode) and --task_fd=N; the
// worker also reads --target, --workers, --connect_timeout, --child_channel,
// --session_calls and --create_session_timeout.
inline constexpr char kSpawnedWorkerFlag[] = "spawned_worker";
inline constexpr char kTaskFdFlag[] = "task_fd";

// The flags SpawnWorker passes to worker `index` (without argv[0]).
std::vector<std::string> SpawnedWorkerArgs(int index, int task_fd,
                                           const ModelContext& context);

// In the trial's parent: forks, and in the child sets PR_SET_PDEATHSIG =
// SIGKILL and execs /proc/self/exe with SpawnedWorkerArgs; the child runs
// nothing else between fork and exec (no allocation, no gRPC). The child
// inherits the report fds and a pipe; the parent writes one frame (see
// framing/framed_fd.h) of `task_bytes` (a serialized v1::WorkerTask) on
// it, within kTaskHandoffTimeout, and closes it. Returns the pid (the caller
// reaps it) or -1 if the pipe or fork failed; a failed handoff is only logged
// (the worker reports it).
pid_t SpawnWorker(int index, const std::string& task_bytes,
                  const ModelContext& context);

// Worker mode's settings, from the flags above.
struct SpawnedWorkerOptions {
  int index = -1;
  int task_fd = -1;
  std::string target;
  int workers = 1;
  absl::Duration connect_timeout = absl::Seconds(5);
  bool local_subchannel_pool = false;  // --child_channel=local_pool
  int session_calls = 0;               // --session_calls
  absl::Duration create_session_timeout = absl::Seconds(5);
};

// The trial program in worker mode: opens WorkerReporter::ForWorker(index),
// sends PHASE_STARTED, receives its task from `task_fd` (bounded by
// kTaskHandoffTimeout and kMaxFramedBytes), creates its own channel to
// `target` and carries out its share (RunWorkerTask). A task it cannot
// receive is its result (an error). Returns the process's exit code: 0 once
// it carried out its share, 1 if it could not get the task, 3 without a
// reporter.
int RunSpawnedWorker(const SpawnedWorkerOptions& options);

}  // namespace forkcheck

#endif  // FORKCHECK_RUNTIME_SPAWNED_WORKER_H_
