#include "supervisor/trial_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/subprocess.h"
#include "framing/resource_usage.h"
#include "framing/worker_messages.h"

namespace forkcheck {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kFirstReportFd = 3;
// How often the run loop checks whether the trial process exited.
constexpr int kExitPollMillis = 5;
// Bounds cleanup: SIGKILLed processes normally go within milliseconds.
constexpr std::chrono::milliseconds kReapBound(5000);

absl::Status BecomeSubreaperOnce() {
  static std::once_flag once;
  static int error = 0;
  std::call_once(once, [] {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) error = errno;
  });
  if (error == 0) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat("prctl(PR_SET_CHILD_SUBREAPER): ", std::strerror(error)));
}

std::string NewTrialToken() {
  static std::atomic<uint64_t> next{0};
  return absl::StrCat(getpid(), "-", next.fetch_add(1));
}

// Whether `pid` has exited (and is a zombie), without reaping it, so its
// pid (the trial's pgid) stays reserved until we kill the group.
bool HasExited(pid_t pid) {
  siginfo_t info{};
  if (waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return errno != EINTR;  // ECHILD: gone already
  }
  return info.si_pid == pid;
}

// Live processes (other than this one) whose environment holds `entry`
// ("KEY=VALUE"). Zombies have no readable environment and are not found.
std::vector<pid_t> ProcessesWithEnvEntry(const std::string& entry) {
  std::vector<pid_t> found;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return found;
  const std::string needle =
      absl::StrCat(std::string(1, '\0'), entry, std::string(1, '\0'));
  const pid_t self = getpid();
  while (dirent* item = readdir(proc)) {
    pid_t pid = 0;
    if (!absl::SimpleAtoi(item->d_name, &pid) || pid == self) continue;
    std::ifstream file(absl::StrCat("/proc/", pid, "/environ"),
                       std::ios::binary);
    if (!file) continue;
    std::string environment(1, '\0');
    environment.append(std::istreambuf_iterator<char>(file), {});
    if (environment.back() != '\0') environment.push_back('\0');
    if (environment.find(needle) != std::string::npos) found.push_back(pid);
  }
  closedir(proc);
  return found;
}

// WaitForChild (common/subprocess.h) with wait4, to keep the child's rusage:
// its wait status, -1 if `pid` is not (or no longer) a child, nullopt if it
// is still running after `timeout`.
std::optional<int> WaitForTrialProcess(
    pid_t pid, std::chrono::milliseconds timeout,
    std::optional<v1::ResourceUsage>* usage) {
  const auto deadline = Clock::now() + timeout;
  auto pause = std::chrono::microseconds(200);
  while (true) {
    int status = 0;
    rusage reaped{};
    const pid_t done = wait4(pid, &status, WNOHANG, &reaped);
    if (done == pid) {
      *usage = ToResourceUsage(reaped);
      return status;
    }
    if (done < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2,
                                                std::chrono::milliseconds(20));
  }
}

bool GroupExists(pid_t pgid) { return kill(-pgid, 0) == 0 || errno != ESRCH; }

// Kills and reaps whatever is left of the trial once its process exited or
// the watchdog fired: the process group, orphans reparented here (we are
// the subreaper), and processes that left the group but carry `token_entry`.
void KillAndReapTrial(pid_t pid, const std::string& token_entry,
                      TrialRecord* record) {
  // The trial process is unreaped, so its pid still names the group.
  kill(-pid, SIGKILL);
  record->trial_wait_status =
      WaitForTrialProcess(pid, kReapBound, &record->trial_usage);
  if (record->trial_wait_status == -1) record->trial_wait_status.reset();
  if (!record->trial_wait_status.has_value()) {
    record->cleanup_error =
        absl::StrCat("trial process ", pid, " could not be reaped; ");
  }
  const auto deadline = Clock::now() + kReapBound;
  std::set<pid_t> escaped;
  while (true) {
    int status = 0;
    // Group members reparented to us; -pgid never reaps another trial's.
    while (waitpid(-pid, &status, WNOHANG) > 0) {
    }
    for (pid_t stray : ProcessesWithEnvEntry(token_entry)) {
      // Group members still dying from the group kill have not escaped.
      const pid_t group = getpgid(stray);
      if (group == pid || group < 0) continue;
      kill(stray, SIGKILL);
      if (escaped.insert(stray).second) ++record->escaped_processes;
    }
    for (auto it = escaped.begin(); it != escaped.end();) {
      const pid_t done = waitpid(*it, &status, WNOHANG);
      // ECHILD and no such process: reaped by its own (trial) parent.
      const bool gone =
          done == *it || (done < 0 && kill(*it, 0) != 0 && errno == ESRCH);
      it = gone ? escaped.erase(it) : std::next(it);
    }
    const bool group_left = GroupExists(pid);
    if (!group_left && escaped.empty()) return;
    if (Clock::now() >= deadline) {
      absl::StrAppend(
          &record->cleanup_error,
          group_left ? absl::StrCat("process group ", pid, " not empty; ") : "",
          escaped.empty() ? ""
                          : absl::StrCat("escaped processes still alive: ",
                                         absl::StrJoin(escaped, ",")));
      return;
    }
    if (group_left) kill(-pid, SIGKILL);  // members forked during the kill
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// The read end of the trial's standard input: a pipe already holding all of
// `bytes` and closed for writing (the caller checked they fit its buffer), or
// /dev/null when there are none. CLOEXEC, like the report pipes.
absl::StatusOr<int> TrialStdin(const std::string& bytes) {
  if (bytes.empty()) {
    const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return absl::InternalError(
          absl::StrCat("open /dev/null: ", std::strerror(errno)));
    }
    return fd;
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return absl::InternalError(
        absl::StrCat("pipe for a trial's input: ", std::strerror(errno)));
  }
  // Non-blocking: a pipe smaller than usual fails here instead of blocking.
  const ssize_t written = write(fds[1], bytes.data(), bytes.size());
  const int error = errno;
  close(fds[1]);
  if (written != static_cast<ssize_t>(bytes.size()) ||
      fcntl(fds[0], F_SETFL, 0) != 0) {
    close(fds[0]);
    return absl::InternalError(
        absl::StrCat("writing ", bytes.size(), " bytes to a trial's input: ",
                     written < 0 ? std::strerror(error) : "short write"));
  }
  return fds[0];
}

}  // namespace

absl::StatusOr<TrialRecord> RunTrial(const TrialCommand& command) {
  if (command.argv.empty()) return absl::InvalidArgumentError("empty argv");
  if (command.workers < 0 || command.workers > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("workers = ", command.workers, "; expected 0..1000"));
  }
  if (command.watchdog <= std::chrono::milliseconds(0)) {
    return absl::InvalidArgumentError("watchdog must be positive");
  }
  if (command.stdin_bytes.size() > kMaxTrialStdinBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("standard input of ", command.stdin_bytes.size(),
                     " bytes; the limit is ", kMaxTrialStdinBytes));
  }
  if (absl::Status status = BecomeSubreaperOnce(); !status.ok()) return status;
  absl::StatusOr<int> stdin_fd = TrialStdin(command.stdin_bytes);
  if (!stdin_fd.ok()) return stdin_fd.status();
  absl::Cleanup close_stdin = [fd = *stdin_fd] { close(fd); };

  // pipes[0] is the parent's, pipes[1 + i] worker i's: {read, write}.
  std::vector<std::pair<int, int>> pipes;
  auto close_all = [&pipes](bool read_ends, bool write_ends) {
    for (auto& [read_end, write_end] : pipes) {
      if (read_ends && read_end >= 0) close(read_end);
      if (write_ends && write_end >= 0) close(write_end);
      if (read_ends) read_end = -1;
      if (write_ends) write_end = -1;
    }
  };
  for (int i = 0; i <= command.workers; ++i) {
    int fds[2];
    // CLOEXEC: no other child of this process inherits a trial's pipe.
    if (pipe2(fds, O_CLOEXEC) != 0 || fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0) {
      const int error = errno;
      close_all(true, true);
      return absl::InternalError(
          absl::StrCat("pipe for a trial: ", std::strerror(error)));
    }
    pipes.emplace_back(fds[0], fds[1]);
  }

  SpawnOptions options;
  options.env = command.env;
  options.fds.emplace_back(*stdin_fd, STDIN_FILENO);
  std::vector<int> child_fds;
  for (int i = 0; i <= command.workers; ++i) {
    options.fds.emplace_back(pipes[i].second, kFirstReportFd + i);
    child_fds.push_back(kFirstReportFd + i);
  }
  options.env.push_back(
      absl::StrCat("FORKCHECK_REPORT_FDS=", absl::StrJoin(child_fds, ",")));
  const std::string token_entry =
      absl::StrCat(kTrialTokenEnv, "=", NewTrialToken());
  options.env.push_back(token_entry);

  const auto start = Clock::now();
  const auto deadline = start + command.watchdog;
  absl::StatusOr<pid_t> spawned = SpawnInProcessGroup(command.argv, options);
  close_all(false, true);
  if (!spawned.ok()) {
    close_all(true, false);
    return spawned.status();
  }
  const pid_t pid = *spawned;

  TrialRecord record;
  record.pgid = pid;
  record.workers.resize(command.workers);
  std::vector<WorkerMessageReader> readers;
  for (const auto& [read_end, write_end] : pipes)
    readers.emplace_back(read_end);
  auto report_for = [&record](size_t i) -> TrialRecord::ProcessReport& {
    return i == 0 ? record.parent : record.workers[i - 1];
  };
  auto drain = [&](size_t i) {
    // A failing read counts as EOF inside the reader; nothing to add here.
    readers[i].ReadAvailable(&report_for(i).messages).IgnoreError();
  };

  bool exited = false;
  while (true) {
    exited = exited || HasExited(pid);
    std::vector<pollfd> waiting;
    std::vector<size_t> index;
    for (size_t i = 0; i < readers.size(); ++i) {
      if (readers[i].eof()) continue;
      waiting.push_back({readers[i].fd(), POLLIN, 0});
      index.push_back(i);
    }
    if (exited && waiting.empty()) break;
    const auto now = Clock::now();
    if (now >= deadline) {
      record.watchdog_fired = true;
      break;
    }
    int timeout =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                             deadline - now)
                             .count()) +
        1;
    // Exit has no fd to poll: check it every few milliseconds until then.
    if (!exited) timeout = std::min(timeout, kExitPollMillis);
    int ready = poll(waiting.data(), waiting.size(), timeout);
    if (ready < 0 && errno != EINTR) {
      record.cleanup_error = absl::StrCat("poll: ", std::strerror(errno));
      record.watchdog_fired = true;  // cannot watch it: end it
      break;
    }
    for (size_t k = 0; ready > 0 && k < waiting.size(); ++k) {
      if (waiting[k].revents != 0) drain(index[k]);
    }
  }
  record.wall = std::chrono::duration_cast<std::chrono::microseconds>(
      Clock::now() - start);

  KillAndReapTrial(pid, token_entry, &record);
  // Frames written before the end are still in the pipes; with every writer
  // gone this reaches EOF, unless cleanup failed.
  for (size_t i = 0; i < readers.size(); ++i) {
    const bool had_eof = readers[i].eof();
    drain(i);
    report_for(i).eof = had_eof;
    // A frame cut short by our own kill says nothing about the process.
    if (had_eof || !readers[i].ends_inside_frame()) {
      report_for(i).protocol_error = readers[i].protocol_error();
    }
  }
  close_all(true, false);
  return record;
}

const v1::WorkerResult* WorkerResultOf(
    const TrialRecord::ProcessReport& worker) {
  for (const v1::WorkerMessage& message : worker.messages) {
    if (message.has_result()) return &message.result();
  }
  return nullptr;
}

const v1::ParentFacts* ParentFactsOf(const TrialRecord& record) {
  const v1::ParentFacts* facts = nullptr;
  for (const v1::WorkerMessage& message : record.parent.messages) {
    if (message.has_parent_facts()) facts = &message.parent_facts();
  }
  return facts;
}

}  // namespace forkcheck
