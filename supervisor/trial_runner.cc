#include "supervisor/trial_runner.h"

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
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/scoped_directory.h"
#include "common/start_thread.h"
#include "common/subprocess.h"
#include "diagnosis/core_files.h"
#include "diagnosis/gdb_capture.h"
#include "framing/resource_usage.h"
#include "framing/worker_messages.h"
#include "framing/worker_reporter.h"
#include "supervisor/cpu_starvation.h"
#include "supervisor/trial_processes.h"

namespace forkcheck {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kFirstReportFd = 3;
// How often the run loop checks whether the trial process exited.
constexpr int kExitPollMillis = 5;
// Bounds cleanup: SIGKILLed processes normally go within milliseconds.
constexpr std::chrono::milliseconds kReapBound(5000);
// How long a hung trial's processes get to write the stack dumps they were
// asked for (a testee's stack_dump_signal) before the debugger attaches.
constexpr std::chrono::milliseconds kStackDumpWait(300);
// Cores read per trial, at most: each takes the debugger a second or so.
constexpr size_t kMaxCoresRead = 4;
// The shortest extension the starvation allowance grants: a look at /proc
// for the trial's threads costs a few milliseconds.
constexpr std::chrono::milliseconds kMinAllowanceStep(100);
// How RunTrial's pipe loop ended, when not by poll's errno (> 0).
constexpr int kDone = 0;
constexpr int kUntil = -1;
// Each core at most; RLIMIT_CORE truncates a larger one (gdb still reads
// the threads it holds).
constexpr uint64_t kCoreLimitBytes = uint64_t{512} << 20;

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

// A gdb may wait for a debugger slot as long as it may run: captures of
// trials that hung together queue rather than fail.
CaptureBounds Bounds(std::chrono::milliseconds per_process, int attempts = 1) {
  CaptureBounds bounds;
  bounds.per_process = per_process;
  bounds.slot_wait = per_process;
  bounds.attempts = attempts;
  return bounds;
}

// Reads what a process wrote on its standard error pipe, keeping the last
// kMaxStderrBytes in the process's report.
class StderrReader {
 public:
  explicit StderrReader(int fd) : fd_(fd) {}
  int fd() const { return fd_; }
  bool eof() const { return eof_; }

  void ReadAvailable(TrialRecord::ProcessReport* report) {
    char buffer[16384];
    while (!eof_) {
      const ssize_t got = read(fd_, buffer, sizeof(buffer));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0 && errno == EAGAIN) return;
      if (got <= 0) {
        eof_ = true;
        return;
      }
      report->stderr_tail.append(buffer, static_cast<size_t>(got));
      if (report->stderr_tail.size() > kMaxStderrBytes) {
        const size_t excess = report->stderr_tail.size() - kMaxStderrBytes;
        report->stderr_tail.erase(0, excess);
        report->stderr_bytes_dropped += static_cast<int64_t>(excess);
      }
    }
  }

 private:
  int fd_;
  bool eof_ = false;
};

bool IsElfFile(const std::string& path) {
  char magic[4] = {};
  std::ifstream file(path, std::ios::binary);
  return file.read(magic, sizeof(magic)) && std::memcmp(magic,
                                                        "\x7f"
                                                        "ELF",
                                                        4) == 0;
}

// The stacks of the cores the trial's crashed processes left in
// `directory`, read side by side. `program` is the trial's argv[0]: the
// executable of every core of a compiled trial program (its workers fork
// or exec the same one), which spares gdb a run to find it; a script's
// cores (an interpreter's) are left to gdb to place.
std::vector<ProcessStacks> ReadTrialCores(const std::string& directory,
                                          const std::string& program,
                                          std::chrono::milliseconds bound) {
  std::vector<std::string> cores = FindCoreFiles(directory);
  if (cores.size() > kMaxCoresRead) cores.resize(kMaxCoresRead);
  const std::string executable = IsElfFile(program) ? program : "";
  std::vector<ProcessStacks> stacks(cores.size());
  std::vector<std::thread> readers;
  for (size_t i = 0; i < cores.size(); ++i) {
    auto read = [&stacks, &cores, &executable, bound, i] {
      stacks[i] = ReadCoreStacks(cores[i], executable, Bounds(bound));
    };
    absl::StatusOr<std::thread> reader = StartThread("a core reader", read);
    if (reader.ok()) {
      readers.push_back(*std::move(reader));
    } else {
      read();  // no thread to spare: read here, beside those started
    }
  }
  for (std::thread& reader : readers) reader.join();
  return stacks;
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
  if (!(command.max_starvation_allowance >= 0 &&
        command.max_starvation_allowance <= 100)) {
    return absl::InvalidArgumentError(
        "max_starvation_allowance must be within [0, 100] watchdogs");
  }
  if (command.stdin_bytes.size() > kMaxTrialStdinBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("standard input of ", command.stdin_bytes.size(),
                     " bytes; the limit is ", kMaxTrialStdinBytes));
  }
  if (command.stack_dump_signal < 0 || command.stack_dump_signal >= NSIG) {
    return absl::InvalidArgumentError(absl::StrCat(
        "stack_dump_signal = ", command.stack_dump_signal, " is no signal"));
  }
  if (absl::Status status = BecomeSubreaperOnce(); !status.ok()) return status;
  absl::StatusOr<int> stdin_fd = TrialStdin(command.stdin_bytes);
  if (!stdin_fd.ok()) return stdin_fd.status();
  absl::Cleanup close_stdin = [fd = *stdin_fd] { close(fd); };
  // A directory of the trial's own, its working directory and TMPDIR, so
  // that its cores and the files its processes make (Python's
  // multiprocessing sockets) go when it does, interrupted or not.
  absl::StatusOr<ScopedDirectory> trial_directory =
      ScopedDirectory::Make("forkcheck-trial-");
  if (!trial_directory.ok()) return trial_directory.status();
  const std::string& directory = trial_directory->path();

  // Report pipes: [0] the parent's, [1 + i] worker i's; then stderr pipes
  // in the same order: {read, write}.
  const int processes = command.workers + 1;
  std::vector<std::pair<int, int>> pipes;
  auto close_all = [&pipes](bool read_ends, bool write_ends) {
    for (auto& [read_end, write_end] : pipes) {
      if (read_ends && read_end >= 0) close(read_end);
      if (write_ends && write_end >= 0) close(write_end);
      if (read_ends) read_end = -1;
      if (write_ends) write_end = -1;
    }
  };
  for (int i = 0; i < 2 * processes; ++i) {
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
  options.working_directory = directory;
  options.env.push_back(absl::StrCat("TMPDIR=", directory));
  const CoreDumpSetting cores = CoreDumpSupport();
  if (command.explain_failures && command.read_cores &&
      cores.in_working_directory) {
    options.core_limit_bytes = kCoreLimitBytes;
  }
  options.fds.emplace_back(*stdin_fd, STDIN_FILENO);
  options.fds.emplace_back(pipes[processes].second, STDERR_FILENO);
  std::vector<int> report_fds;
  std::vector<int> worker_stderr_fds;
  for (int i = 0; i < processes; ++i) {
    options.fds.emplace_back(pipes[i].second, kFirstReportFd + i);
    report_fds.push_back(kFirstReportFd + i);
  }
  for (int i = 1; i < processes; ++i) {
    const int fd = kFirstReportFd + processes + i - 1;
    options.fds.emplace_back(pipes[processes + i].second, fd);
    worker_stderr_fds.push_back(fd);
  }
  options.env.push_back(
      absl::StrCat(kReportFdsEnv, "=", absl::StrJoin(report_fds, ",")));
  options.env.push_back(absl::StrCat(kWorkerStderrFdsEnv, "=",
                                     absl::StrJoin(worker_stderr_fds, ",")));
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
  std::vector<StderrReader> stderr_readers;
  for (int i = 0; i < processes; ++i) {
    readers.emplace_back(pipes[i].first);
    stderr_readers.emplace_back(pipes[processes + i].first);
  }
  auto report_for = [&record](size_t i) -> TrialRecord::ProcessReport& {
    return i == 0 ? record.parent : record.workers[i - 1];
  };
  auto drain = [&](size_t i) {
    // A failing read counts as EOF inside the reader; nothing to add here.
    readers[i].ReadAvailable(&report_for(i).messages).IgnoreError();
  };
  auto drain_stderr = [&] {
    for (size_t i = 0; i < stderr_readers.size(); ++i) {
      stderr_readers[i].ReadAvailable(&report_for(i));
    }
  };
  // Polls the open pipes until `until`, reading what comes; report pipes
  // only if `reports`; with `stop_when_done`, returns early once the trial
  // process exited and every report pipe is at EOF. kDone, kUntil, or
  // poll's errno.
  auto read_pipes_until = [&](Clock::time_point until, bool reports,
                              bool stop_when_done) -> int {
    bool exited = false;
    while (true) {
      exited = exited || HasExited(pid);
      std::vector<pollfd> waiting;
      std::vector<size_t> index;  // < processes: a report pipe; else stderr
      bool reports_open = false;
      for (size_t i = 0; reports && i < readers.size(); ++i) {
        if (readers[i].eof()) continue;
        reports_open = true;
        waiting.push_back({readers[i].fd(), POLLIN, 0});
        index.push_back(i);
      }
      for (size_t i = 0; i < stderr_readers.size(); ++i) {
        if (stderr_readers[i].eof()) continue;
        waiting.push_back({stderr_readers[i].fd(), POLLIN, 0});
        index.push_back(processes + i);
      }
      // Stderr pipes do not keep a trial going: a process the trial left
      // behind may hold one open.
      if (stop_when_done && exited && !reports_open) return kDone;
      const auto now = Clock::now();
      if (now >= until) return kUntil;
      int timeout =
          static_cast<int>(
              std::chrono::duration_cast<std::chrono::milliseconds>(until - now)
                  .count()) +
          1;
      // Exit has no fd to poll: check it every few milliseconds until then.
      if (!exited) timeout = std::min(timeout, kExitPollMillis);
      int ready = poll(waiting.data(), waiting.size(), timeout);
      if (ready < 0 && errno != EINTR) return errno;
      for (size_t k = 0; ready > 0 && k < waiting.size(); ++k) {
        if (waiting[k].revents == 0) continue;
        if (index[k] < static_cast<size_t>(processes)) {
          drain(index[k]);
        } else {
          stderr_readers[index[k] - processes].ReadAvailable(
              &report_for(index[k] - processes));
        }
      }
    }
  };

  // Past the watchdog, a trial whose threads waited for a CPU gets that
  // time back up to `bound`, looked at again when the new deadline passes
  // and given more while any of its threads keeps waiting; at least
  // kMinAllowanceStep a time, so that a wait the kernel has not counted yet
  // is seen. Any thread, not only the longest waiter: a starved worker
  // that finished leaves its parent to report, which waits too on a busy
  // machine (the longest wait alone stopped growing there, and such a
  // trial was killed as hung moments before its end).
  const auto bound = deadline + std::chrono::duration_cast<Clock::duration>(
                                      command.watchdog *
                                      command.max_starvation_allowance);
  CpuWaitTracker cpu_waits;
  int ended = read_pipes_until(deadline, true, true);
  while (ended == kUntil && bound > deadline) {
    const CpuWaits waits =
        cpu_waits.Look(LiveTrialProcesses(pid, token_entry));
    if (!waits.waited_since_last_look) break;  // none waited for a CPU
    if (Clock::now() >= bound) {  // still waiting, and no allowance left
      record.killed_waiting_for_cpu = true;
      break;
    }
    const auto until =
        std::min(bound, std::max(deadline + waits.longest,
                                 Clock::now() + kMinAllowanceStep));
    record.starvation_allowance =
        std::chrono::duration_cast<std::chrono::microseconds>(until - deadline);
    ended = read_pipes_until(until, true, true);
  }
  if (ended > 0) {
    record.cleanup_error = absl::StrCat("poll: ", std::strerror(ended));
  }
  record.watchdog_fired = ended != kDone;  // a failed poll: cannot watch it
  record.wall = std::chrono::duration_cast<std::chrono::microseconds>(
      Clock::now() - start);
  // What the pipes held at the end is the trial's report; what a process
  // says while it is being diagnosed must not change its outcome.
  std::vector<bool> had_eof;
  for (size_t i = 0; i < readers.size(); ++i) {
    drain(i);
    had_eof.push_back(readers[i].eof());
  }

  const auto diagnosis_start = Clock::now();
  if (record.watchdog_fired && command.explain_failures &&
      command.capture_hung_stacks) {
    std::vector<pid_t> alive = LiveTrialProcesses(pid, token_entry);
    // One gdb attaches to them in this order, so a bound that passes
    // mid-way costs the last ones: the workers first (where a hung trial's
    // calls wait), the parent (the process group's leader), which mostly
    // waits for its workers, last.
    std::stable_partition(alive.begin(), alive.end(),
                          [pid](pid_t process) { return process != pid; });
    if (command.stack_dump_signal != 0 && !alive.empty()) {
      for (pid_t process : alive) kill(process, command.stack_dump_signal);
      read_pipes_until(Clock::now() + kStackDumpWait, false, false);
    }
    // A second gdb, with twice the bound, when the first gave nothing: a
    // cell's hung trial without stacks is a hang nobody can explain, and a
    // default run lost 4 of 56 cells' only captures to a loaded machine.
    record.stacks = CaptureLiveStacks(
        alive, Bounds(command.stack_capture_bound, /*attempts=*/2));
  }

  KillAndReapTrial(pid, token_entry, &record);
  drain_stderr();
  for (size_t i = 0; i < readers.size(); ++i) {
    // Frames written before the end are still in the pipes; with every
    // writer gone this reaches EOF, unless cleanup failed. After a
    // watchdog, only what was there when it fired counts.
    if (!record.watchdog_fired) drain(i);
    report_for(i).eof = had_eof[i];
    // A frame cut short by our own kill says nothing about the process.
    if (had_eof[i] || !readers[i].ends_inside_frame()) {
      report_for(i).protocol_error = readers[i].protocol_error();
    }
  }
  close_all(true, false);
  if (command.explain_failures && command.read_cores) {
    if (!cores.in_working_directory) record.core_error = cores.reason;
    // Twice a live capture's bound: nothing waits on a core, no process is
    // held while it is read, and under load a read of a core (symbols of
    // some 70 libraries) took over 8 s, leaving a crashed cell of a default
    // run without its signature.
    for (ProcessStacks& stacks : ReadTrialCores(
             directory, command.argv[0], 2 * command.stack_capture_bound)) {
      record.stacks.push_back(std::move(stacks));
    }
  }
  record.diagnosis_wall = std::chrono::duration_cast<std::chrono::microseconds>(
      Clock::now() - diagnosis_start);
  return record;
}

std::string ProcessRole(const TrialRecord& record, int pid) {
  if (pid == record.pgid) return "parent";
  for (size_t i = 0; i < record.workers.size(); ++i) {
    for (const v1::WorkerMessage& message : record.workers[i].messages) {
      if (message.has_phase() && message.phase().pid() == pid) {
        return absl::StrCat("worker ", i);
      }
    }
  }
  return absl::StrCat("process ", pid);
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
