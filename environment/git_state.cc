#include "environment/git_state.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/subprocess.h"

namespace forkcheck {
namespace {

using Clock = std::chrono::steady_clock;

// More than any HEAD hash or error message; `status --porcelain` of a big
// dirty tree is read on and dropped, so git never blocks on a full pipe.
constexpr size_t kMaxKeptOutput = 64 * 1024;

struct CommandResult {
  int wait_status = -1;
  std::string out;
  std::string err;
};

// Closes the descriptors it holds when it goes out of scope.
class Fds {
 public:
  ~Fds() {
    for (int fd : fds_) close(fd);
  }
  void Add(int fd) { fds_.push_back(fd); }
  void Close(int fd) {
    fds_.erase(std::remove(fds_.begin(), fds_.end(), fd), fds_.end());
    close(fd);
  }

 private:
  std::vector<int> fds_;
};

// Runs argv with standard input /dev/null and both outputs captured, in its
// own process group; after `timeout` the group is killed and the result is
// DEADLINE_EXCEEDED.
absl::StatusOr<CommandResult> RunBounded(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& env,
                                         std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  Fds fds;
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  fds.Add(out[0]);
  fds.Add(out[1]);
  if (pipe2(err, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  fds.Add(err[0]);
  fds.Add(err[1]);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    return absl::InternalError(
        absl::StrCat("open /dev/null: ", std::strerror(errno)));
  }
  fds.Add(null_fd);
  SpawnOptions options;
  options.env = env;
  options.fds = {{null_fd, STDIN_FILENO},
                 {out[1], STDOUT_FILENO},
                 {err[1], STDERR_FILENO}};
  absl::StatusOr<pid_t> pid = SpawnInProcessGroup(argv, options);
  if (!pid.ok()) return pid.status();
  fds.Close(out[1]);
  fds.Close(err[1]);

  CommandResult result;
  pollfd polled[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_outputs = 2;
  bool timed_out = false;
  while (open_outputs > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    const int ready = poll(polled, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;  // then reaped below like a timeout
    for (int i = 0; i < 2; ++i) {
      if (polled[i].fd < 0 || polled[i].revents == 0) continue;
      char chunk[4096];
      const ssize_t n = read(polled[i].fd, chunk, sizeof(chunk));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        polled[i].fd = -1;  // poll ignores negative descriptors
        --open_outputs;
        continue;
      }
      const size_t room =
          kMaxKeptOutput - std::min(kMaxKeptOutput, sinks[i]->size());
      sinks[i]->append(chunk, std::min(room, static_cast<size_t>(n)));
    }
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - Clock::now());
  std::optional<int> status =
      WaitForChild(*pid, std::max(left, std::chrono::milliseconds(0)));
  if (!status.has_value()) {
    timed_out = true;
    kill(-*pid, SIGKILL);
    // SIGKILL cannot be caught; the bound only guards against a process
    // stuck in uninterruptible sleep.
    status = WaitForChild(*pid, std::chrono::seconds(5));
  }
  if (timed_out) {
    kill(-*pid, SIGKILL);  // anything the command left in its group
    return absl::DeadlineExceededError(
        absl::StrCat("did not finish within ", timeout.count(), " ms"));
  }
  result.wait_status = status.value_or(-1);
  return result;
}

// git's first line of complaint, or how it ended if it said nothing.
std::string Complaint(const CommandResult& result) {
  absl::string_view err = absl::StripAsciiWhitespace(result.err);
  if (!err.empty()) {
    std::vector<absl::string_view> lines = absl::StrSplit(err, '\n');
    return std::string(absl::StripAsciiWhitespace(lines.front()));
  }
  return DescribeWaitStatus(result.wait_status);
}

bool Succeeded(const CommandResult& result) { return result.wait_status == 0; }

bool IsHexHash(absl::string_view s) {
  if (s.size() != 40 && s.size() != 64) return false;  // SHA-1 or SHA-256
  for (char c : s) {
    if (!absl::ascii_isxdigit(c) || absl::ascii_isupper(c)) return false;
  }
  return true;
}

}  // namespace

std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
    std::string candidate = absl::StrCat(dir, "/", name);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

GitState ProbeGit(const std::string& git, const std::string& directory,
                  std::chrono::milliseconds timeout) {
  GitState state;
  state.commit = "unknown";
  state.tree = "unknown";
  if (git.empty()) {
    state.notes.push_back("harness.git_commit: no git executable found");
    state.notes.push_back("harness.git_tree: no git executable found");
    return state;
  }
  // Plain, untranslated output; never a prompt (there is no terminal).
  const std::vector<std::string> env = {"LC_ALL=C", "GIT_TERMINAL_PROMPT=0",
                                        "GIT_OPTIONAL_LOCKS=0"};

  absl::StatusOr<CommandResult> head = RunBounded(
      {git, "-C", directory, "rev-parse", "--verify", "HEAD"}, env, timeout);
  if (!head.ok()) {
    state.notes.push_back(absl::StrCat("harness.git_commit: git rev-parse: ",
                                       head.status().message()));
  } else if (!Succeeded(*head)) {
    state.notes.push_back(
        absl::StrCat("harness.git_commit: git rev-parse: ", Complaint(*head)));
  } else {
    absl::string_view hash = absl::StripAsciiWhitespace(head->out);
    if (IsHexHash(hash)) {
      state.commit = std::string(hash);
    } else {
      state.notes.push_back(
          absl::StrCat("harness.git_commit: git rev-parse printed no hash: \"",
                       hash.substr(0, 80), "\""));
    }
  }

  absl::StatusOr<CommandResult> status =
      RunBounded({git, "-C", directory, "status", "--porcelain",
                  "--untracked-files=normal"},
                 env, timeout);
  if (!status.ok()) {
    state.notes.push_back(absl::StrCat("harness.git_tree: git status: ",
                                       status.status().message()));
  } else if (!Succeeded(*status)) {
    state.notes.push_back(
        absl::StrCat("harness.git_tree: git status: ", Complaint(*status)));
  } else {
    state.tree = status->out.empty() ? "clean" : "dirty";
  }
  return state;
}

}  // namespace forkcheck
