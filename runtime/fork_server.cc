#include "runtime/fork_server.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/subprocess.h"
#include "framing/framed_fd.h"
#include "framing/worker_reporter.h"
#include "probes/fork_hooks.h"
#include "runtime/worker_channel.h"
#include "runtime/worker_process.h"
#include "runtime/worker_report.h"
#include "runtime/worker_task.h"

namespace forkcheck {
namespace {

using Clock = std::chrono::steady_clock;

// Message kinds: the payload's first byte. Parent to zygote:
//   kStartWorker {index} + serialized WorkerTask, kSetupFailed {code} +
//   message,
//   kQuit {};
// zygote to parent:
//   kStarted {index, pid, errno} (pid -1: the fork failed, with errno),
//   kExited {index, wait status}.
constexpr char kStartWorker = 'W';
constexpr char kSetupFailed = 'F';
constexpr char kQuit = 'Q';
constexpr char kStarted = 'S';
constexpr char kExited = 'X';

// How often the zygote looks for exited workers while some run, and how long
// it stays without workers and without hearing from the parent (beyond the
// parent's own deadlines) before it gives up on it.
constexpr int kReapPollMillis = 5;
constexpr absl::Duration kZygoteIdleMargin = absl::Seconds(10);

// The int32 fields each kind carries before its tail; -1 for an unknown kind.
int FieldCount(char kind) {
  switch (kind) {
    case kStartWorker:
    case kSetupFailed:
      return 1;
    case kQuit:
      return 0;
    case kStarted:
      return 3;
    case kExited:
      return 2;
    default:
      return -1;
  }
}

struct Message {
  char kind = 0;
  std::vector<int32_t> fields;
  std::string tail;
};

std::string Encode(char kind, std::initializer_list<int32_t> fields,
                   absl::string_view tail = "") {
  std::string payload(1, kind);
  for (int32_t field : fields) {
    const auto bits = static_cast<uint32_t>(field);
    for (int shift = 0; shift < 32; shift += 8) {
      payload.push_back(static_cast<char>((bits >> shift) & 0xff));
    }
  }
  payload.append(tail.data(), tail.size());
  return payload;
}

absl::StatusOr<Message> Decode(const std::string& payload) {
  if (payload.empty()) {
    return absl::InvalidArgumentError("an empty control message");
  }
  Message message;
  message.kind = payload[0];
  const int count = FieldCount(message.kind);
  if (count < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a control message of unknown kind ",
        static_cast<int>(static_cast<unsigned char>(message.kind))));
  }
  if (payload.size() < 1 + 4 * static_cast<size_t>(count)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a control message of kind '", std::string(1, message.kind), "' has ",
        payload.size(), " bytes; expected at least ", 1 + 4 * count));
  }
  size_t at = 1;
  for (int i = 0; i < count; ++i, at += 4) {
    uint32_t bits = 0;
    for (int k = 0; k < 4; ++k) {
      bits |= uint32_t{static_cast<unsigned char>(payload[at + k])} << (8 * k);
    }
    message.fields.push_back(static_cast<int32_t>(bits));
  }
  message.tail = payload.substr(at);
  return message;
}

// Reads one message, waiting at most `wait` for it to begin.
absl::StatusOr<Message> ReadMessage(int fd, absl::Duration wait) {
  if (absl::Status ready = WaitReadable(fd, wait); !ready.ok()) return ready;
  absl::StatusOr<std::string> payload =
      ReadFramed(fd, ForkServer::kReplyTimeout);
  if (!payload.ok()) return payload.status();
  return Decode(*payload);
}

// A worker forked by the zygote, after ForkWorker opened its reporter.
int RunForkedWorker(int index, const std::string& task_bytes,
                    const ModelContext& context, WorkerReporter& reporter) {
  absl::StatusOr<v1::WorkerTask> task =
      ParseWorkerTask(task_bytes, "the fork server");
  if (!task.ok()) {
    v1::WorkerResult result;
    SetResultStatus(absl::InternalError(task.status().message()), &result);
    reporter.Result(result);
    return 1;
  }
  RunWorkerTask(NewWorkerChannel(context), *task,
                ShareOptionsFor(context, index), reporter);
  return 0;
}

// The zygote: serves the parent's requests on `fd` until told to quit, the
// parent goes away, or the parent is silent too long. Makes no gRPC call.
[[noreturn]] void RunZygote(int fd, const ModelContext& context, pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
  // The parent's pipe is the parent's alone; the workers' stay open here
  // for the workers this process forks. (This process opens no fd after
  // this, so the closed number is not reused for something a worker's
  // reporter would then close.)
  if (absl::StatusOr<std::vector<int>> report = ReportFdsFromEnvironment();
      report.ok() && !report->empty()) {
    close((*report)[0]);
  }
  const absl::Duration idle_limit = context.create_session_timeout +
                                    context.parent_check_timeout +
                                    kZygoteIdleMargin;
  std::map<pid_t, int> running;  // pid -> worker index
  auto last_heard = Clock::now();
  int exit_code = 0;
  bool serving = true;
  while (serving) {
    int status = 0;
    pid_t done = 0;
    while (serving && (done = waitpid(-1, &status, WNOHANG)) > 0) {
      const auto found = running.find(done);
      if (found == running.end()) continue;
      serving = WriteFramed(fd, Encode(kExited, {found->second, status}),
                            ForkServer::kReplyTimeout)
                    .ok();
      running.erase(found);
      // Idle from the last worker's end, not from the parent's last word.
      if (running.empty()) last_heard = Clock::now();
    }
    if (!serving) {
      exit_code = 2;
      break;
    }
    const absl::Duration wait = running.empty()
                                    ? absl::Milliseconds(100)
                                    : absl::Milliseconds(kReapPollMillis);
    absl::StatusOr<Message> message = ReadMessage(fd, wait);
    // While workers run the parent has nothing to say (it waits for them,
    // as long as the watchdog and its allowance for CPU waits let it): the
    // idle limit applies only without workers. A parent that dies takes
    // this process with it (PR_SET_PDEATHSIG above).
    if (absl::IsDeadlineExceeded(message.status()) &&
        (!running.empty() ||
         Clock::now() - last_heard < absl::ToChronoMilliseconds(idle_limit))) {
      continue;  // nothing yet; also reap again
    }
    if (!message.ok()) {
      // The parent closed the socket, broke the protocol or went silent.
      std::fprintf(stderr, "fork server: %s\n",
                   message.status().ToString().c_str());
      exit_code = absl::IsUnavailable(message.status()) ? 0 : 2;
      break;
    }
    last_heard = Clock::now();
    switch (message->kind) {
      case kStartWorker: {
        const int index = message->fields[0];
        const std::string& task_bytes = message->tail;
        pid_t pid = -1;
        int error = EINVAL;
        if (index >= 0 && index < context.workers) {
          pid = ForkWorker(
              context.fork_hooks, index, [&](WorkerReporter& reporter) {
                close(fd);
                return RunForkedWorker(index, task_bytes, context, reporter);
              });
          error = pid < 0 ? errno : 0;
        }
        if (pid > 0) running[pid] = index;
        serving = WriteFramed(fd, Encode(kStarted, {index, pid, error}),
                              ForkServer::kReplyTimeout)
                      .ok();
        if (!serving) exit_code = 2;
        break;
      }
      case kSetupFailed:
        ReportSetupFailure(
            context.workers,
            absl::Status(static_cast<absl::StatusCode>(message->fields[0]),
                         message->tail));
        break;
      case kQuit:
        serving = false;
        break;
      default:
        std::fprintf(stderr, "fork server: unexpected message kind '%c'\n",
                     message->kind);
        exit_code = 2;
        serving = false;
    }
  }
  // Workers still running die now (their PR_SET_PDEATHSIG would kill them
  // anyway once this process exits); the supervisor reaps what is left.
  for (const auto& [pid, index] : running) kill(pid, SIGKILL);
  _exit(exit_code);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ForkServer>> ForkServer::Start(
    const ModelContext& context) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return absl::InternalError(
        absl::StrCat("socketpair for the fork server: ", std::strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t pid = ForkWithHooks(context.fork_hooks);
  if (pid < 0) {
    const int error = errno;
    close(fds[0]);
    close(fds[1]);
    return absl::InternalError(
        absl::StrCat("fork of the fork server: ", std::strerror(error)));
  }
  if (pid == 0) {
    close(fds[0]);
    RunZygote(fds[1], context, parent);
  }
  close(fds[1]);
  return std::unique_ptr<ForkServer>(new ForkServer(context, pid, fds[0]));
}

ForkServer::~ForkServer() { Stop(); }

absl::StatusOr<std::optional<ForkServer::Started>> ForkServer::Receive(
    absl::Duration timeout) {
  absl::StatusOr<Message> message = ReadMessage(fd_, timeout);
  if (!message.ok()) {
    return absl::Status(
        message.status().code(),
        absl::StrCat("the fork server: ", message.status().message()));
  }
  const int index = message->fields.empty() ? -1 : message->fields[0];
  switch (message->kind) {
    case kStarted:
      return Started{index, message->fields[1], message->fields[2]};
    case kExited:
      if (index < 0 || index >= context_.workers || running_ <= 0) {
        return absl::InternalError(
            absl::StrCat("the fork server reported the exit of worker ", index,
                         ", which is not running"));
      }
      context_.parent->WorkerExit(index, message->fields[1]);
      --running_;
      return std::nullopt;
    default:
      return absl::InternalError(
          absl::StrCat("the fork server sent a message of kind '",
                       std::string(1, message->kind), "'"));
  }
}

absl::Status ForkServer::StartWorker(int index, const std::string& task_bytes) {
  if (stopped_) return absl::FailedPreconditionError("fork server stopped");
  if (absl::Status sent = WriteFramed(
          fd_, Encode(kStartWorker, {index}, task_bytes), kReplyTimeout);
      !sent.ok()) {
    return absl::Status(
        sent.code(), absl::StrCat("asking the fork server for worker ", index,
                                  ": ", sent.message()));
  }
  const auto deadline =
      Clock::now() + absl::ToChronoMilliseconds(kReplyTimeout);
  while (true) {
    const auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) {
      return absl::DeadlineExceededError(absl::StrCat(
          "the fork server did not start worker ", index, " in time"));
    }
    absl::StatusOr<std::optional<Started>> reply =
        Receive(absl::FromChrono(left));
    if (!reply.ok()) return reply.status();
    if (!reply->has_value()) continue;  // an earlier worker's exit
    const Started& started = **reply;
    if (started.index != index) {
      return absl::InternalError(
          absl::StrCat("asked the fork server for worker ", index,
                       ", it answered for worker ", started.index));
    }
    if (started.pid <= 0) {
      return absl::InternalError(
          absl::StrCat("the fork server could not fork worker ", index, ": ",
                       std::strerror(started.error)));
    }
    ++running_;
    return absl::OkStatus();
  }
}

absl::Status ForkServer::ReportSetupFailure(const absl::Status& status) {
  if (stopped_) return absl::FailedPreconditionError("fork server stopped");
  return WriteFramed(fd_,
                     Encode(kSetupFailed, {static_cast<int32_t>(status.code())},
                            status.message()),
                     kReplyTimeout);
}

absl::Status ForkServer::WaitForWorkers(absl::Duration timeout) {
  const auto deadline = Clock::now() + absl::ToChronoMilliseconds(timeout);
  while (running_ > 0) {
    const auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) {
      return absl::DeadlineExceededError(
          absl::StrCat(running_, " workers still running after ",
                       absl::FormatDuration(timeout)));
    }
    absl::StatusOr<std::optional<Started>> reply =
        Receive(absl::FromChrono(left));
    if (!reply.ok()) return reply.status();
    if (reply->has_value()) {
      return absl::InternalError(
          absl::StrCat("the fork server says it started worker ",
                       (*reply)->index, ", which nobody asked for"));
    }
  }
  return absl::OkStatus();
}

int ForkServer::Stop() {
  if (stopped_) return wait_status_;
  stopped_ = true;
  // If the zygote is gone or stuck, EOF or the kill below ends it.
  WriteFramed(fd_, Encode(kQuit, {}), kReplyTimeout).IgnoreError();
  close(fd_);
  fd_ = -1;
  const auto bound = absl::ToChronoMilliseconds(kReplyTimeout);
  std::optional<int> status = WaitForChild(pid_, bound);
  if (!status.has_value()) {
    kill(pid_, SIGKILL);
    status = WaitForChild(pid_, bound);
  }
  wait_status_ = status.value_or(-1);
  return wait_status_;
}

}  // namespace forkcheck
