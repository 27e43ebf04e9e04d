// A child process the harness starts and always reaps, with bounded waits.
//
// The child runs in its own process group (so the whole group can be killed)
// and gets SIGKILL if the thread that started it dies (PR_SET_PDEATHSIG), so
// no child outlives the harness. Every wait takes a timeout.
#ifndef FORKCHECK_COMMON_SUBPROCESS_H_
#define FORKCHECK_COMMON_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace forkcheck {

// How SpawnInProcessGroup prepares the child before exec.
struct SpawnOptions {
  // KEY=VALUE entries added to the inherited environment; each replaces an
  // inherited entry with the same KEY. A bare KEY (no '=') removes KEY, so
  // that "unset" really is unset whatever the caller's environment holds.
  std::vector<std::string> env;
  // {fd here, fd number in the child}: each is duplicated into the child,
  // inheritable. Descriptors opened with O_CLOEXEC do not reach the child.
  std::vector<std::pair<int, int>> fds;
  // The child's working directory (chdir before exec); empty: this one's.
  std::string working_directory;
  // The soft RLIMIT_CORE the child gets, at most its hard limit; unset:
  // inherited.
  std::optional<uint64_t> core_limit_bytes;
};

// Forks and execs argv[0] (a path) with `argv`, in a new process group whose
// id is the child's pid, with PR_SET_PDEATHSIG = SIGKILL (fires when the
// calling thread dies). Returns the pid; the caller must reap it. An exec
// failure shows as exit status 127.
absl::StatusOr<pid_t> SpawnInProcessGroup(const std::vector<std::string>& argv,
                                          const SpawnOptions& options);

// Waits up to `timeout` for child `pid` to exit and reaps it; its wait status,
// -1 if it is not (or no longer) a child, or nullopt if it is still running.
// Polls, so it needs no process-wide SIGCHLD handler.
std::optional<int> WaitForChild(pid_t pid, std::chrono::milliseconds timeout);

class Subprocess {
 public:
  // Starts argv[0] (a path) with `argv`. Standard output is a pipe the parent
  // reads with ReadLine; standard error is inherited, or appended to the
  // file `stderr_path` (created if need be) when it is not empty.
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(
      const std::vector<std::string>& argv,
      const std::string& stderr_path = "");

  ~Subprocess();  // Stop(grace = 1 s) if still running

  pid_t pid() const { return pid_; }

  // The next line of the child's standard output, without the newline.
  // DEADLINE_EXCEEDED after `timeout`, UNAVAILABLE at end of output.
  absl::StatusOr<std::string> ReadLine(std::chrono::milliseconds timeout);

  // Waits up to `timeout` for the child to exit and reaps it; its wait status
  // (see waitpid), or nullopt if it is still running.
  std::optional<int> Wait(std::chrono::milliseconds timeout);

  // SIGTERM to the child's process group, up to `grace` to exit, then
  // SIGKILL; always reaps. Returns the wait status. Idempotent.
  int Stop(std::chrono::milliseconds grace);

 private:
  Subprocess(pid_t pid, int stdout_fd) : pid_(pid), stdout_fd_(stdout_fd) {}

  pid_t pid_;
  int stdout_fd_;
  std::string buffered_;            // read but not yet returned
  std::optional<int> exit_status_;  // set once reaped
};

// The kernel's state letter for process `pid` ('R', 'S', 'T' stopped, 'Z' a
// zombie...), from /proc/PID/stat; '\0' if it cannot be read (no such
// process).
char ProcessState(pid_t pid);

// The same letter from a stat file of that format: a process's
// (/proc/PID/stat) or one of its threads' (/proc/PID/task/TID/stat); '\0'
// if it cannot be read or parsed.
char StateInStatFile(const std::string& path);

// "exited with status 3", "killed by signal SIGSEGV", for messages.
std::string DescribeWaitStatus(int wait_status);

// "SIGSEGV" for SIGSEGV; "signal 77" for a number without a name.
std::string SignalName(int signal);

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_SUBPROCESS_H_
