#include "runtime/spawned_worker.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "client/channel_factory.h"
#include "framing/framed_fd.h"
#include "framing/worker_reporter.h"
#include "probes/fork_hooks.h"
#include "runtime/worker_task.h"

namespace forkcheck {
namespace {

constexpr char kSelfExe[] = "/proc/self/exe";

// The trial program's path, for the worker's argv[0] (ps shows it); exec
// goes through /proc/self/exe either way, so the name cannot go stale.
std::string ProgramPath() {
  char path[PATH_MAX];
  const ssize_t n = readlink(kSelfExe, path, sizeof(path) - 1);
  if (n <= 0) return kSelfExe;
  return std::string(path, static_cast<size_t>(n));
}

absl::StatusOr<v1::WorkerTask> ReceiveTask(int fd) {
  if (fd < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", kTaskFdFlag, "=", fd, "; expected an fd"));
  }
  absl::StatusOr<std::string> bytes = ReadFramed(fd, kTaskHandoffTimeout);
  close(fd);
  if (!bytes.ok()) {
    return absl::Status(bytes.status().code(),
                        absl::StrCat("receiving the task on fd ", fd, ": ",
                                     bytes.status().message()));
  }
  return ParseWorkerTask(*bytes, absl::StrCat("fd ", fd));
}

}  // namespace

std::vector<std::string> SpawnedWorkerArgs(int index, int task_fd,
                                           const ModelContext& context) {
  return {
      absl::StrCat("--", kSpawnedWorkerFlag, "=", index),
      absl::StrCat("--", kTaskFdFlag, "=", task_fd),
      absl::StrCat("--target=", context.target),
      absl::StrCat("--workers=", context.workers),
      absl::StrCat("--connect_timeout=",
                   absl::FormatDuration(context.connect_timeout)),
      absl::StrCat("--child_channel=", context.child_local_subchannel_pool
                                           ? "local_pool"
                                           : "default"),
      absl::StrCat("--session_calls=", context.session_calls),
      absl::StrCat("--create_session_timeout=",
                   absl::FormatDuration(context.create_session_timeout)),
  };
}

pid_t SpawnWorker(int index, const std::string& task_bytes,
                  const ModelContext& context) {
  int fds[2];
  // CLOEXEC: no other worker inherits this pipe; the child clears the flag
  // on its own read end only.
  if (pipe2(fds, O_CLOEXEC) != 0) {
    std::fprintf(stderr, "spawn: pipe for worker %d: %s\n", index,
                 std::strerror(errno));
    return -1;
  }
  // Everything the child needs is built before fork: in a process with
  // gRPC's threads the child may only make async-signal-safe calls.
  std::vector<std::string> args = {ProgramPath()};
  for (std::string& arg : SpawnedWorkerArgs(index, fds[0], context)) {
    args.push_back(std::move(arg));
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t parent = getpid();
  const pid_t pid = ForkWithHooks(context.fork_hooks);
  if (pid == 0) {
    // Survives exec for a binary that is not setuid.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    if (fcntl(fds[0], F_SETFD, 0) != 0) _exit(126);
    execv(kSelfExe, argv.data());
    _exit(127);
  }
  close(fds[0]);
  if (pid < 0) {
    std::fprintf(stderr, "spawn: fork of worker %d: %s\n", index,
                 std::strerror(errno));
  } else if (absl::Status sent =
                 WriteFramed(fds[1], task_bytes, kTaskHandoffTimeout);
             !sent.ok()) {
    std::fprintf(stderr, "spawn: handing worker %d its task: %s\n", index,
                 sent.ToString().c_str());
  }
  close(fds[1]);
  return pid;
}

int RunSpawnedWorker(const SpawnedWorkerOptions& options) {
  absl::StatusOr<WorkerReporter> reporter =
      WorkerReporter::ForWorker(options.index);
  if (!reporter.ok()) {
    std::fprintf(stderr, "spawned worker %d: %s\n", options.index,
                 reporter.status().ToString().c_str());
    if (options.task_fd >= 0) close(options.task_fd);
    return 3;
  }
  reporter->Phase(v1::PHASE_STARTED);
  absl::StatusOr<v1::WorkerTask> task = ReceiveTask(options.task_fd);
  if (!task.ok()) {
    v1::WorkerResult result;
    SetResultStatus(task.status(), &result);
    reporter->Result(result);
    return 1;
  }
  ShareOptions share;
  share.index = options.index;
  share.workers = options.workers;
  share.connect_timeout = options.connect_timeout;
  share.session_calls = options.session_calls;
  share.create_session_timeout = options.create_session_timeout;
  RunWorkerTask(NewChannel(options.target, options.local_subchannel_pool),
                *task, share, *reporter);
  return 0;
}

}  // namespace forkcheck
