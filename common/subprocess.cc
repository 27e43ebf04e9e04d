#include "common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/file_util.h"

namespace forkcheck {
namespace {

using Clock = std::chrono::steady_clock;

int RemainingMillis(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

}  // namespace

absl::StatusOr<pid_t> SpawnInProcessGroup(const std::vector<std::string>& argv,
                                          const SpawnOptions& options) {
  if (argv.empty()) return absl::InvalidArgumentError("empty argv");
  // Prepared before fork: the child may only call async-signal-safe functions.
  std::vector<char*> args;
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  // The inherited environment (environ, from unistd.h) plus options.env.
  std::vector<std::string> env_storage;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    absl::string_view inherited(*entry);
    absl::string_view key = inherited.substr(0, inherited.find('='));
    bool replaced = false;
    for (const std::string& extra : options.env) {
      replaced = replaced || extra == key ||
                 absl::StartsWith(extra, absl::StrCat(key, "="));
    }
    if (!replaced) env_storage.emplace_back(inherited);
  }
  for (const std::string& extra : options.env) {
    if (extra.find('=') != std::string::npos) env_storage.push_back(extra);
  }
  std::vector<char*> envp;
  for (std::string& entry : env_storage) envp.push_back(entry.data());
  envp.push_back(nullptr);
  // Sources are first moved above every target, so no dup2 clobbers one.
  int lowest_free = 3;
  for (const auto& [from, to] : options.fds) {
    lowest_free = std::max(lowest_free, to + 1);
  }
  std::vector<int> moved(options.fds.size(), -1);
  std::optional<rlimit> core_limit;
  if (options.core_limit_bytes.has_value()) {
    rlimit limit{};
    if (getrlimit(RLIMIT_CORE, &limit) != 0) {
      return absl::InternalError(
          absl::StrCat("getrlimit(RLIMIT_CORE): ", std::strerror(errno)));
    }
    limit.rlim_cur =
        std::min<rlim_t>(*options.core_limit_bytes, limit.rlim_max);
    core_limit = limit;
  }
  const char* working_directory = options.working_directory.empty()
                                      ? nullptr
                                      : options.working_directory.c_str();

  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    return absl::ResourceExhaustedError(
        absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl
    for (size_t i = 0; i < options.fds.size(); ++i) {
      moved[i] = fcntl(options.fds[i].first, F_DUPFD_CLOEXEC, lowest_free);
      if (moved[i] < 0) _exit(127);
    }
    for (size_t i = 0; i < options.fds.size(); ++i) {
      // dup2 clears CLOEXEC on the copy.
      if (dup2(moved[i], options.fds[i].second) < 0) _exit(127);
    }
    if (working_directory != nullptr && chdir(working_directory) != 0) {
      const char message[] =
          "forkcheck: chdir to the working directory failed\n";
      (void)!write(STDERR_FILENO, message, sizeof(message) - 1);
      _exit(127);
    }
    if (core_limit.has_value() && setrlimit(RLIMIT_CORE, &*core_limit) != 0) {
      _exit(127);
    }
    execve(args[0], args.data(), envp.data());
    const char message[] = "forkcheck: exec failed\n";
    (void)!write(STDERR_FILENO, message, sizeof(message) - 1);
    _exit(127);
  }
  setpgid(pid, pid);  // also here, so no signal races the child's own call
  return pid;
}

std::optional<int> WaitForChild(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto pause = std::chrono::microseconds(200);
  while (true) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) return -1;  // nothing left to reap
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2,
                                                std::chrono::milliseconds(20));
  }
}

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Start(
    const std::vector<std::string>& argv, const std::string& stderr_path) {
  int err = -1;
  if (!stderr_path.empty()) {
    err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
               0644);
    if (err < 0) {
      return absl::InternalError(
          absl::StrCat("open ", stderr_path, ": ", std::strerror(errno)));
    }
  }
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    const int error = errno;
    if (err >= 0) close(err);
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(error)));
  }
  SpawnOptions options;
  options.fds = {{out[1], STDOUT_FILENO}};
  if (err >= 0) options.fds.emplace_back(err, STDERR_FILENO);
  absl::StatusOr<pid_t> pid = SpawnInProcessGroup(argv, options);
  close(out[1]);
  if (err >= 0) close(err);
  if (!pid.ok()) {
    close(out[0]);
    return pid.status();
  }
  return std::unique_ptr<Subprocess>(new Subprocess(*pid, out[0]));
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
      return absl::DeadlineExceededError(
          absl::StrCat("no complete line from pid ", pid_, " within ",
                       timeout.count(), " ms"));
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
  if (!exit_status_.has_value()) exit_status_ = WaitForChild(pid_, timeout);
  return exit_status_;
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

char ProcessState(pid_t pid) {
  return StateInStatFile(absl::StrCat("/proc/", pid, "/stat"));
}

char StateInStatFile(const std::string& path) {
  absl::StatusOr<std::string> read = ReadFile(path, "stat file");
  if (!read.ok()) return '\0';
  const std::string& stat = *read;
  // "pid (comm) S ...": comm may hold spaces and parentheses; the last ')'
  // ends it.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return '\0';
  return stat[close + 2];
}

std::string DescribeWaitStatus(int wait_status) {
  if (wait_status == -1) return "unknown (not reaped)";
  if (WIFEXITED(wait_status)) {
    return absl::StrCat("exited with status ", WEXITSTATUS(wait_status));
  }
  if (WIFSIGNALED(wait_status)) {
    return absl::StrCat("killed by signal ", SignalName(WTERMSIG(wait_status)));
  }
  return absl::StrCat("wait status ", wait_status);
}

std::string SignalName(int signal) {
  const char* name = sigabbrev_np(signal);
  return name != nullptr ? absl::StrCat("SIG", name)
                         : absl::StrCat("signal ", signal);
}

}  // namespace forkcheck
