#include "diagnosis/gdb_capture.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/subprocess.h"

namespace forkcheck {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// gdb's output is parsed from at most this much (its tail): far more than
// the raw text kept, so that a process with many threads keeps them all,
// yet bounded against a gdb that prints without end.
constexpr size_t kMaxParsedBytes = 1 << 20;

constexpr char kGdbMissing[] = "gdb not installed (apt-get install gdb)";
constexpr char kNoDebuggerFree[] = "no debugger free within ";

// Options that make gdb quick and self-contained: no init files, no
// debuginfod (it would try the network), no auto-loaded scripts, no index
// cache (a test has no HOME), output that
// is neither paged nor wrapped, and no argument values (they would bloat the
// bounded text; the parsers do not need them).
const std::vector<std::string>& QuietOptions() {
  static const auto* options = new std::vector<std::string>{
      "-batch", "-nx",
      "-iex",   "set debuginfod enabled off",
      "-iex",   "set auto-load off",
      "-iex",   "set index-cache enabled off",
      "-iex",   "set pagination off",
      "-iex",   "set width 0",
      "-iex",   "set confirm off",
      "-iex",   "set print frame-arguments none",
      "-iex",   "set print entry-values no",
  };
  return *options;
}

// At most 64 frames a thread: enough to reach the program's own frames,
// bounded against a runaway (corrupt or recursive) stack.
constexpr char kBacktraceCommand[] = "thread apply all bt 64";

// `gdb` as a path to exec, or "" if it is not there.
std::string ResolveGdb(const std::string& gdb) {
  auto executable = [](const std::string& path) {
    struct stat info;
    return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
           access(path.c_str(), X_OK) == 0;
  };
  if (gdb.find('/') != std::string::npos) {
    return executable(gdb) ? gdb : "";
  }
  const char* path = std::getenv("PATH");
  for (absl::string_view dir :
       absl::StrSplit(path != nullptr ? path : "/usr/bin:/bin", ':')) {
    if (dir.empty()) continue;
    std::string candidate = absl::StrCat(dir, "/", gdb);
    if (executable(candidate)) return candidate;
  }
  return "";
}

void AppendBounded(std::string* text, const char* data, size_t size,
                   size_t limit) {
  text->append(data, size);
  if (text->size() > limit) text->erase(0, text->size() - limit);
}

// One gdb run: its merged stdout and stderr (the last bytes, as many as
// RunGdbsNow was given) and how it ended.
struct GdbRun {
  std::string output;
  std::string spawn_error;  // non-empty if it did not start
  bool timed_out = false;
  int wait_status = -1;
};

// Runs every argv concurrently, each in its own process group with its output
// (its last `max_output` bytes) on a pipe read without blocking, and kills
// (with its group) each one still running `bound` after the start. Resuming
// what a killed gdb left stopped is the caller's: it knows the targets.
std::vector<GdbRun> RunGdbsNow(
    const std::vector<std::vector<std::string>>& argvs, milliseconds bound,
    size_t max_output) {
  struct Running {
    pid_t pid = 0;
    int fd = -1;  // read end, -1 once at end of output
    bool reaped = false;
  };
  std::vector<GdbRun> runs(argvs.size());
  std::vector<Running> running(argvs.size());
  const auto deadline = Clock::now() + bound;
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  for (size_t i = 0; i < argvs.size(); ++i) {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
      runs[i].spawn_error = absl::StrCat("pipe: ", std::strerror(errno));
      continue;
    }
    SpawnOptions options;
    options.fds = {{pipe_fds[1], STDOUT_FILENO}, {pipe_fds[1], STDERR_FILENO}};
    // gdb -batch reads no commands from stdin, but would stop (SIGTTIN) if
    // it tried on a terminal it does not own.
    if (null_fd >= 0) options.fds.push_back({null_fd, STDIN_FILENO});
    absl::StatusOr<pid_t> pid = SpawnInProcessGroup(argvs[i], options);
    close(pipe_fds[1]);
    if (!pid.ok()) {
      close(pipe_fds[0]);
      runs[i].spawn_error = std::string(pid.status().message());
      continue;
    }
    fcntl(pipe_fds[0], F_SETFL, fcntl(pipe_fds[0], F_GETFL) | O_NONBLOCK);
    running[i] = Running{*pid, pipe_fds[0], false};
  }
  if (null_fd >= 0) close(null_fd);

  auto reap = [&](size_t i, milliseconds timeout) {
    if (running[i].pid == 0 || running[i].reaped) return;
    if (std::optional<int> status = WaitForChild(running[i].pid, timeout)) {
      runs[i].wait_status = *status;
      running[i].reaped = true;
    }
  };
  while (true) {
    std::vector<pollfd> fds;
    std::vector<size_t> index;
    for (size_t i = 0; i < running.size(); ++i) {
      if (running[i].fd >= 0) {
        fds.push_back({running[i].fd, POLLIN, 0});
        index.push_back(i);
      }
    }
    if (fds.empty()) break;
    auto left =
        std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    int ready = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) break;
    for (size_t k = 0; k < fds.size() && ready > 0; ++k) {
      if (fds[k].revents == 0) continue;
      size_t i = index[k];
      char chunk[8192];
      while (true) {
        ssize_t n = read(running[i].fd, chunk, sizeof(chunk));
        if (n > 0) {
          AppendBounded(&runs[i].output, chunk, static_cast<size_t>(n),
                        max_output);
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) break;
        close(running[i].fd);  // end of output (or an error: the same)
        running[i].fd = -1;
        break;
      }
    }
  }
  // Reap what ended; kill what is still running at the deadline.
  for (size_t i = 0; i < running.size(); ++i) {
    if (running[i].pid == 0) continue;
    auto left =
        std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    // Output closed: gdb is exiting; give it what is left of the bound.
    if (running[i].fd < 0) reap(i, std::max(left, milliseconds(0)));
    if (!running[i].reaped) {
      runs[i].timed_out = true;
      kill(-running[i].pid, SIGKILL);
      // SIGKILL cannot be caught; the bound only guards against a kernel
      // stuck in uninterruptible sleep.
      reap(i, milliseconds(10000));
      kill(-running[i].pid, SIGKILL);  // anything gdb left in its group
    }
    if (running[i].fd >= 0) close(running[i].fd);
  }
  return runs;
}

// The first line of `output` that starts with `prefix`, without it.
std::optional<std::string> LineAfter(absl::string_view output,
                                     absl::string_view prefix) {
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    line = absl::StripTrailingAsciiWhitespace(line);
    if (absl::ConsumePrefix(&line, prefix)) return std::string(line);
  }
  return std::nullopt;
}

// The last non-empty line, for errors that quote gdb.
std::string LastLine(absl::string_view output) {
  std::vector<absl::string_view> lines =
      absl::StrSplit(output, '\n', absl::SkipWhitespace());
  return lines.empty() ? ""
                       : std::string(absl::StripAsciiWhitespace(lines.back()));
}

std::string TailOf(absl::string_view text, size_t limit) {
  return std::string(text.size() <= limit ? text
                                          : text.substr(text.size() - limit));
}

// gdb's `ptrace: ...` line in `output` as an error, with the likely cause of
// "Operation not permitted", or nullopt.
std::optional<std::string> PtraceFailure(absl::string_view output) {
  std::optional<std::string> ptrace = LineAfter(output, "ptrace: ");
  if (!ptrace.has_value()) return std::nullopt;
  std::string message = absl::StrCat("ptrace: ", *ptrace);
  if (absl::EndsWith(message, ".")) message.pop_back();
  if (absl::StrContains(message, "Operation not permitted")) {
    // A process can have one tracer: gdb says who it is.
    if (std::optional<std::string> warning = LineAfter(output, "warning: ");
        warning.has_value() && absl::StrContains(*warning, "already traced")) {
      absl::StrAppend(&message, " (", *warning, ")");
    } else {
      absl::StrAppend(&message,
                      " (gdb needs CAP_SYS_PTRACE or "
                      "kernel.yama.ptrace_scope=0 to attach)");
    }
  }
  return message;
}

// Why a gdb run gave no stacks, from its output and how it ended.
std::string DescribeFailure(const GdbRun& run, milliseconds bound) {
  if (!run.spawn_error.empty()) {
    return absl::StrCat("could not start gdb: ", run.spawn_error);
  }
  if (run.timed_out) {
    return absl::StrCat("gdb timed out after ", bound.count(), " ms");
  }
  if (std::optional<std::string> ptrace = PtraceFailure(run.output)) {
    return *ptrace;
  }
  return absl::StrCat("gdb printed no stacks (",
                      DescribeWaitStatus(run.wait_status),
                      "): ", LastLine(run.output));
}

// "" if `pid` can be attached to, else why not.
std::string WhyNotAttachable(pid_t pid) {
  if (pid <= 0) return absl::StrCat("invalid pid ", pid);
  if (kill(pid, 0) != 0 && errno == ESRCH) {
    return absl::StrCat("process ", pid, " does not exist");
  }
  if (ProcessState(pid) == 'Z') {
    return absl::StrCat("process ", pid, " has exited (not yet reaped)");
  }
  return "";
}

// The text between marker line `begin` and the next marker (or the end).
absl::string_view Section(absl::string_view output, absl::string_view begin) {
  size_t at = output.find(begin);
  if (at == absl::string_view::npos) return "";
  absl::string_view rest = output.substr(at + begin.size());
  size_t next = rest.find("\n@@forkcheck-");
  return next == absl::string_view::npos ? rest : rest.substr(0, next);
}

// `$3 = (void *) 0x0` → "0x0"; `$1 = 11` → "11": the last word.
std::optional<std::string> PrintedValue(absl::string_view line) {
  if (!absl::StartsWith(line, "$")) return std::nullopt;
  size_t equals = line.find(" = ");
  if (equals == absl::string_view::npos) return std::nullopt;
  absl::string_view value = absl::StripAsciiWhitespace(line.substr(equals + 3));
  size_t space = value.rfind(' ');
  return std::string(
      space == absl::string_view::npos ? value : value.substr(space + 1));
}

// Lines gdb echoes before attaching to a process and after detaching from
// it, each followed by the pid.
constexpr char kAttachMarker[] = "@@forkcheck-attach ";
constexpr char kDetachedMarker[] = "@@forkcheck-detached ";

// One process's part of a gdb run that attached to several.
struct ProcessSection {
  bool reached = false;    // gdb echoed the marker before its attach
  bool complete = false;   // ... and the one after its detach
  absl::string_view text;  // between the markers (or to the end)
};

ProcessSection SectionOf(absl::string_view output, pid_t pid) {
  ProcessSection section;
  const std::string begin = absl::StrCat("\n", kAttachMarker, pid, "\n");
  const std::string end = absl::StrCat("\n", kDetachedMarker, pid, "\n");
  size_t at = output.find(begin);
  if (at == absl::string_view::npos) return section;
  section.reached = true;
  absl::string_view rest = output.substr(at + begin.size());
  // Incomplete, it is the last one gdb printed: the rest is its.
  const size_t stop = rest.find(end);
  section.complete = stop != absl::string_view::npos;
  section.text = section.complete ? rest.substr(0, stop) : rest;
  return section;
}

// `text` without the threads of inferiors other than `inferior`: `thread
// apply all` prints every inferior's threads, and an earlier process still
// attached (its detach failed) would otherwise be counted here too. Headers
// are qualified (`Thread 2.1 (`) once gdb has more than one inferior.
std::string ThreadsOfInferior(absl::string_view text, size_t inferior) {
  const std::string own = absl::StrCat(inferior, ".");
  std::string kept;
  bool keep = true;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view number = line;
    if (absl::ConsumePrefix(&number, "Thread ") && absl::EndsWith(line, "):")) {
      number = number.substr(0, number.find(' '));
      keep = number.find('.') == absl::string_view::npos ||
             absl::StartsWith(number, own);
    }
    if (keep) absl::StrAppend(&kept, line, "\n");
  }
  return kept;
}

// Why `process`'s capture failed or is incomplete, or "" if it worked.
std::string DescribeProcessFailure(const GdbRun& run,
                                   const ProcessSection& section,
                                   const ProcessStacks& process,
                                   milliseconds bound) {
  if (!run.spawn_error.empty()) return DescribeFailure(run, bound);
  if (section.complete && !process.threads.empty()) return "";
  const std::string timed_out =
      absl::StrCat("gdb timed out after ", bound.count(), " ms");
  if (!section.reached) {
    if (run.timed_out) {
      return absl::StrCat(timed_out, " before reaching process ", process.pid);
    }
    return absl::StrCat("gdb ended (", DescribeWaitStatus(run.wait_status),
                        ") before reaching process ", process.pid, ": ",
                        LastLine(run.output));
  }
  // What a timed-out gdb printed is kept; the error says it is incomplete.
  if (!section.complete && run.timed_out) {
    return absl::StrCat(timed_out, " while capturing process ", process.pid);
  }
  std::string error;
  if (std::optional<std::string> ptrace = PtraceFailure(section.text)) {
    error = *ptrace;
  } else if (!section.complete) {
    error = absl::StrCat("gdb ended (", DescribeWaitStatus(run.wait_status),
                         ") while capturing process ", process.pid, ": ",
                         LastLine(section.text));
  } else {
    error = absl::StrCat("gdb printed no stacks: ", LastLine(section.text));
  }
  // The process may have ended since it was checked.
  if (std::string why = WhyNotAttachable(process.pid); !why.empty()) {
    error = absl::StrCat(why, " (", error, ")");
  }
  return error;
}

// How many gdbs this process runs at once, whichever trials ask: one per
// hardware thread. gdb is CPU-bound while it reads symbols (about a second
// each); trials run side by side, and when each process of a hung trial had
// a gdb of its own, three processes times two trials' gdbs on 2 cores each
// took longer than the bound. A live capture now takes one slot for the
// whole trial; a core, one for each core.
class DebuggerSlots {
 public:
  static DebuggerSlots& Get() {
    static DebuggerSlots* slots =
        new DebuggerSlots(std::max(1u, std::thread::hardware_concurrency()));
    return *slots;
  }
  int capacity() const { return capacity_; }

  bool Acquire(int count, milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!freed_.wait_for(lock, timeout, [&] { return free_ >= count; })) {
      return false;
    }
    free_ -= count;
    return true;
  }
  void Release(int count) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      free_ += count;
    }
    freed_.notify_all();
  }

 private:
  explicit DebuggerSlots(int capacity) : capacity_(capacity), free_(capacity) {}

  const int capacity_;
  std::mutex mu_;
  std::condition_variable freed_;
  int free_;
};

// RunGdbsNow, at most DebuggerSlots' capacity at a time: each group waits
// up to `bounds.slot_wait` for its slots, then runs for up to
// `bounds.per_process`.
std::vector<GdbRun> RunGdbs(const std::vector<std::vector<std::string>>& argvs,
                            const CaptureBounds& bounds,
                            size_t max_output = kMaxParsedBytes) {
  DebuggerSlots& slots = DebuggerSlots::Get();
  std::vector<GdbRun> runs;
  for (size_t start = 0; start < argvs.size(); start += slots.capacity()) {
    const size_t end =
        std::min(argvs.size(), start + static_cast<size_t>(slots.capacity()));
    const int count = static_cast<int>(end - start);
    if (!slots.Acquire(count, bounds.slot_wait)) {
      for (size_t i = start; i < end; ++i) {
        GdbRun waited;
        waited.spawn_error =
            absl::StrCat(kNoDebuggerFree, bounds.slot_wait.count(),
                         " ms (other trials' captures took every one)");
        runs.push_back(std::move(waited));
      }
      continue;
    }
    std::vector<GdbRun> chunk =
        RunGdbsNow({argvs.begin() + start, argvs.begin() + end},
                   bounds.per_process, max_output);
    slots.Release(count);
    for (GdbRun& run : chunk) runs.push_back(std::move(run));
  }
  return runs;
}

// One gdb for every process: starting gdb and reading the symbols of the
// executable and its libraries (seconds for a gRPC client on a loaded
// machine) is paid once, as the trial's processes run the same programs.
// Each process gets an inferior of its own, so that an `attach` never
// finds the previous process still attached (a detach that failed): gdb
// would kill that one, as `set confirm off` answers its "Kill it?". Every
// step is an -ex of its own because gdb runs the next -ex after one fails
// (a process gone, ptrace refused), where a command file (-x) would stop
// at its first error. Markers around each process's commands split the
// output; gdb flushes its output after each command, so a gdb killed at
// the bound leaves the processes it finished readable. Sets
// `*out_of_time` when the gdb found no slot or was killed at its bound.
std::vector<ProcessStacks> CaptureOnce(const std::vector<pid_t>& pids,
                                       const std::string& gdb,
                                       const CaptureBounds& bounds,
                                       bool* out_of_time) {
  *out_of_time = false;
  std::vector<ProcessStacks> stacks(pids.size());
  std::vector<size_t> attached;  // stacks indexes, in the order gdb attaches
  for (size_t i = 0; i < pids.size(); ++i) {
    stacks[i].pid = pids[i];
    stacks[i].source = "gdb attach";
    if (gdb.empty()) {
      stacks[i].error = kGdbMissing;
    } else if (std::string why = WhyNotAttachable(pids[i]); !why.empty()) {
      stacks[i].error = why;
    } else {
      attached.push_back(i);
    }
  }
  if (attached.empty()) return stacks;

  std::vector<std::string> argv = {gdb};
  argv.insert(argv.end(), QuietOptions().begin(), QuietOptions().end());
  for (size_t k = 0; k < attached.size(); ++k) {
    const std::string pid = std::to_string(pids[attached[k]]);
    if (k > 0) {
      for (std::string command :
           {std::string("add-inferior"), absl::StrCat("inferior ", k + 1)}) {
        argv.push_back("-ex");
        argv.push_back(std::move(command));
      }
    }
    for (std::string command :
         {absl::StrCat("echo \\n", kAttachMarker, pid, "\\n"),
          absl::StrCat("attach ", pid), std::string(kBacktraceCommand),
          std::string("detach"),
          absl::StrCat("echo \\n", kDetachedMarker, pid, "\\n")}) {
      argv.push_back("-ex");
      argv.push_back(std::move(command));
    }
  }
  const GdbRun run =
      RunGdbs({argv}, bounds, kMaxParsedBytes * attached.size())[0];
  *out_of_time =
      run.timed_out || absl::StartsWith(run.spawn_error, kNoDebuggerFree);

  const absl::string_view output = run.output;
  for (size_t k = 0; k < attached.size(); ++k) {
    ProcessStacks& out = stacks[attached[k]];
    const ProcessSection section = SectionOf(output, out.pid);
    // The kernel detaches a dead tracer's tracees, but the SIGSTOP gdb sent
    // when it attached can still stop a target afterwards; SIGCONT discards
    // a pending stop and resumes a stopped process. A target gdb was done
    // with was detached cleanly, unless it is found stopped.
    const char state = ProcessState(out.pid);
    if ((run.timed_out && !section.complete) || state == 'T' || state == 't') {
      kill(out.pid, SIGCONT);
    }
    out.raw = TailOf(section.text, bounds.max_raw_bytes);
    out.threads = ParseGdbBacktraces(ThreadsOfInferior(section.text, k + 1));
    out.error = DescribeProcessFailure(run, section, out, bounds.per_process);
  }
  return stacks;
}

}  // namespace

std::vector<ProcessStacks> CaptureLiveStacks(const std::vector<pid_t>& pids,
                                             const CaptureBounds& bounds) {
  const std::string gdb = ResolveGdb(bounds.gdb);
  CaptureBounds attempt_bounds = bounds;
  std::vector<std::string> first_errors;
  for (int attempt = 1;; ++attempt) {
    bool out_of_time = false;
    std::vector<ProcessStacks> stacks =
        CaptureOnce(pids, gdb, attempt_bounds, &out_of_time);
    const bool any_stacks =
        std::any_of(stacks.begin(), stacks.end(),
                    [](const ProcessStacks& s) { return !s.threads.empty(); });
    if (attempt == 1) {
      for (const ProcessStacks& s : stacks) first_errors.push_back(s.error);
    } else {
      for (size_t i = 0; i < stacks.size(); ++i) {
        if (stacks[i].error.empty() || first_errors[i].empty()) continue;
        absl::StrAppend(&stacks[i].error, " (attempt ", attempt,
                        "; the first: ", first_errors[i], ")");
      }
    }
    if (any_stacks || !out_of_time || attempt >= bounds.attempts) {
      return stacks;
    }
    attempt_bounds.per_process *= 2;
  }
}

std::string CoreExecutable(const std::string& core_path,
                           const CaptureBounds& bounds) {
  const std::string gdb = ResolveGdb(bounds.gdb);
  if (gdb.empty()) return "";
  std::vector<std::string> argv = {gdb};
  argv.insert(argv.end(), QuietOptions().begin(), QuietOptions().end());
  for (const char* arg :
       {"-c", core_path.c_str(), "-ex", "info proc mappings"}) {
    argv.push_back(arg);
  }
  std::vector<GdbRun> runs = RunGdbs({argv}, bounds);
  if (runs[0].timed_out) return "";
  // Mapping lines: `Start End Size Offset objfile`; the lowest-addressed
  // file is the executable (ld.so maps it before any library). gdb 13
  // lists them from the core's NT_FILE note.
  for (absl::string_view line : absl::StrSplit(runs[0].output, '\n')) {
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (fields.size() == 5 && absl::StartsWith(fields[0], "0x") &&
        absl::StartsWith(fields[4], "/")) {
      return std::string(fields[4]);
    }
  }
  // An older core without NT_FILE: the command line, if its first word is
  // an absolute path that exists.
  if (std::optional<std::string> by =
          LineAfter(runs[0].output, "Core was generated by `")) {
    std::string program = by->substr(0, by->find_first_of(" '"));
    if (absl::StartsWith(program, "/") && access(program.c_str(), X_OK) == 0) {
      return program;
    }
  }
  return "";
}

ProcessStacks ReadCoreStacks(const std::string& core_path,
                             const std::string& executable,
                             const CaptureBounds& bounds) {
  ProcessStacks stacks;
  stacks.source = kCoreStacksSource;
  const std::string gdb = ResolveGdb(bounds.gdb);
  if (gdb.empty()) {
    stacks.error = kGdbMissing;
    return stacks;
  }
  if (access(core_path.c_str(), R_OK) != 0) {
    stacks.error = absl::StrCat("cannot read core file ", core_path, ": ",
                                std::strerror(errno));
    return stacks;
  }
  std::string program = executable;
  std::string executable_problem;
  if (program.empty()) {
    program = CoreExecutable(core_path, bounds);
    if (program.empty()) {
      executable_problem = absl::StrCat(
          "the core's executable was not found (pass it); frames are "
          "unnamed");
    }
  }
  std::vector<std::string> argv = {gdb};
  argv.insert(argv.end(), QuietOptions().begin(), QuietOptions().end());
  if (!program.empty()) argv.push_back(program);
  // Markers separate the commands' outputs; each value is printed alone so
  // that a missing one (no siginfo in the core) cannot shift the others.
  for (const char* arg : {"-c",  core_path.c_str(),
                          "-ex", "echo \\n@@forkcheck-inferior\\n",
                          "-ex", "info inferiors",
                          "-ex", "echo \\n@@forkcheck-signo\\n",
                          "-ex", "p $_siginfo.si_signo",
                          "-ex", "echo \\n@@forkcheck-code\\n",
                          "-ex", "p $_siginfo.si_code",
                          "-ex", "echo \\n@@forkcheck-addr\\n",
                          "-ex", "p $_siginfo._sifields._sigfault.si_addr",
                          "-ex", "echo \\n@@forkcheck-stacks\\n",
                          "-ex", kBacktraceCommand}) {
    argv.push_back(arg);
  }
  GdbRun run = RunGdbs({argv}, bounds)[0];
  stacks.raw = TailOf(run.output, bounds.max_raw_bytes);
  absl::string_view output = run.output;
  if (std::optional<std::string> line =
          LineAfter(output, "Program terminated with signal ")) {
    stacks.signal = line->substr(0, line->find(','));
  }
  for (absl::string_view line :
       absl::StrSplit(Section(output, "@@forkcheck-inferior\n"), '\n')) {
    // `* 1    process 31298     1 (core)    /path/exe`
    size_t at = line.find("process ");
    if (at != absl::string_view::npos) {
      absl::string_view rest = line.substr(at + 8);
      (void)absl::SimpleAtoi(rest.substr(0, rest.find(' ')), &stacks.pid);
      break;
    }
  }
  auto value_in = [&](absl::string_view marker) -> std::optional<std::string> {
    for (absl::string_view line :
         absl::StrSplit(Section(output, marker), '\n')) {
      if (auto value = PrintedValue(line)) return value;
    }
    return std::nullopt;
  };
  std::optional<std::string> code = value_in("@@forkcheck-code\n");
  std::optional<std::string> address = value_in("@@forkcheck-addr\n");
  int si_code = 0;
  // si_addr is the faulting address only for a fault the kernel raised
  // (si_code > 0); for a signal sent with kill or raise, the same bytes hold
  // the sender's pid and uid.
  const bool fault = stacks.signal == "SIGSEGV" || stacks.signal == "SIGBUS" ||
                     stacks.signal == "SIGFPE" || stacks.signal == "SIGILL";
  if (fault && code.has_value() && absl::SimpleAtoi(*code, &si_code) &&
      si_code > 0 && address.has_value()) {
    stacks.fault_address = *address;
  }
  absl::string_view backtraces = Section(output, "@@forkcheck-stacks\n");
  stacks.threads = ParseGdbBacktraces(
      std::string_view(backtraces.data(), backtraces.size()));
  if (stacks.threads.empty() || run.timed_out) {
    stacks.error = DescribeFailure(run, bounds.per_process);
  } else if (!executable_problem.empty()) {
    stacks.error = executable_problem;
  }
  return stacks;
}

}  // namespace forkcheck
