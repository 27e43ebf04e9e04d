#include "common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"

namespace forkcheck {
namespace {

using Clock = std::chrono::steady_clock;

int RemainingMillis(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Start(
    const std::vector<std::string>& argv) {
  if (argv.empty()) return absl::InvalidArgumentError("empty argv");
  // Prepared before fork: the child may only call async-signal-safe functions.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  // A pipe with no reader would kill the parent on write; the harness only
  // reads, but a test may write to a child's pipe too.
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(out[0]);
    close(out[1]);
    return absl::ResourceExhaustedError(
        absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl
    dup2(out[1], STDOUT_FILENO);          // dup2 clears CLOEXEC on the copy
    execv(args[0], args.data());
    const char message[] = "forkcheck: exec failed\n";
    (void)!write(STDERR_FILENO, message, sizeof(message) - 1);
    _exit(127);
  }
  setpgid(pid, pid);  // also here, so no signal races the child's own call
  close(out[1]);
  return std::unique_ptr<Subprocess>(new Subprocess(pid, out[0]));
}

Subprocess::~Subprocess() {
  Stop(std::chrono::seconds(1));
  close(stdout_fd_);
}

absl::StatusOr<std::string> Subprocess::ReadLine(
    std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (size_t newline = buffered_.find('\n'); newline != std::string::npos) {
      std::string line = buffered_.substr(0, newline);
      buffered_.erase(0, newline + 1);
      return line;
    }
    pollfd fd{stdout_fd_, POLLIN, 0};
    int ready = poll(&fd, 1, RemainingMillis(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      return absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
    }
    if (ready == 0) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no complete line from pid ", pid_, " within ", timeout.count(),
          " ms"));
    }
    char chunk[4096];
    ssize_t n = read(stdout_fd_, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::UnavailableError(
          absl::StrCat("pid ", pid_, " closed its output"));
    }
    buffered_.append(chunk, static_cast<size_t>(n));
  }
}

std::optional<int> Subprocess::Wait(std::chrono::milliseconds timeout) {
  if (exit_status_.has_value()) return exit_status_;
  const auto deadline = Clock::now() + timeout;
  // Polling keeps this free of SIGCHLD handlers, which would be process-wide.
  auto pause = std::chrono::microseconds(200);
  while (true) {
    int status = 0;
    pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_status_ = status;
      return status;
    }
    if (done < 0 && errno != EINTR) {
      exit_status_ = -1;  // not our child any more: nothing left to reap
      return exit_status_;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2,
                                                std::chrono::milliseconds(20));
  }
}

int Subprocess::Stop(std::chrono::milliseconds grace) {
  if (exit_status_.has_value()) return *exit_status_;
  kill(-pid_, SIGTERM);
  if (std::optional<int> status = Wait(grace)) {
    kill(-pid_, SIGKILL);  // anything the child left in its group
    return *status;
  }
  kill(-pid_, SIGKILL);
  // SIGKILL cannot be caught; the bound only guards against a kernel stuck
  // in uninterruptible sleep.
  std::optional<int> status = Wait(std::chrono::seconds(10));
  return status.value_or(-1);
}

std::string DescribeWaitStatus(int wait_status) {
  if (wait_status == -1) return "unknown (not reaped)";
  if (WIFEXITED(wait_status)) {
    return absl::StrCat("exited with status ", WEXITSTATUS(wait_status));
  }
  if (WIFSIGNALED(wait_status)) {
    const char* name = sigabbrev_np(WTERMSIG(wait_status));
    return absl::StrCat("killed by signal ",
                        name != nullptr ? absl::StrCat("SIG", name)
                                        : absl::StrCat(WTERMSIG(wait_status)));
  }
  return absl::StrCat("wait status ", wait_status);
}

}  // namespace forkcheck
