#include "runtime/worker_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "client/channel_factory.h"
#include "framing/framed_fd.h"
#include "runtime/parent_client.h"
#include "runtime/worker_task.h"

namespace forkcheck {
namespace {

using google::cloud::bigquery::storage::v1::ReadSession;

// In a child right after fork: die with the parent. If the parent died
// before prctl, nobody would deliver the signal, so check for that too.
void DieWithParent(pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
}

// The helper child: creates the session and writes one frame: a byte of
// status code, then the serialized session (code 0) or the error message.
[[noreturn]] void RunSessionHelper(int out, const ModelContext& context) {
  absl::StatusOr<ReadSession> session =
      CreateSessionOn(NewChannel(context.target), context);
  std::string reply(1, static_cast<char>(session.status().code()));
  reply += session.ok() ? session->SerializeAsString()
                        : std::string(session.status().message());
  WriteFramed(out, reply, absl::Seconds(1)).IgnoreError();
  close(out);
  _exit(0);
}

}  // namespace

pid_t ForkWorker(ForkHooks hooks, int index,
                 const std::function<int(WorkerReporter&)>& body) {
  const pid_t parent = getpid();
  const pid_t pid = ForkWithHooks(hooks);
  if (pid != 0) return pid;
  DieWithParent(parent);
  absl::StatusOr<WorkerReporter> reporter = WorkerReporter::ForWorker(index);
  if (!reporter.ok()) {
    std::fprintf(stderr, "worker %d: %s\n", index,
                 reporter.status().ToString().c_str());
    _exit(3);
  }
  reporter->Phase(v1::PHASE_STARTED);
  _exit(body(*reporter));
}

namespace {

// Reaps one exited worker of `pids` (not yet reaped: `reaped`), waiting if
// `block`; false if none exited (non-blocking) or none is left.
bool ReapOne(const std::vector<pid_t>& pids, std::vector<bool>& reaped,
             ParentReporter& parent, bool block) {
  while (true) {
    int status = 0;
    const pid_t done = waitpid(-1, &status, block ? 0 : WNOHANG);
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) return false;  // none exited yet, or ECHILD
    for (size_t i = 0; i < pids.size(); ++i) {
      if (pids[i] == done && !reaped[i]) {
        reaped[i] = true;
        parent.WorkerExit(static_cast<int>(i), status);
        return true;
      }
    }
    // Not a worker (e.g. a session helper already done): keep waiting.
  }
}

int Unreaped(const std::vector<pid_t>& pids, const std::vector<bool>& reaped) {
  int left = 0;
  for (size_t i = 0; i < pids.size(); ++i) {
    left += pids[i] > 0 && !reaped[i] ? 1 : 0;
  }
  return left;
}

}  // namespace

void ReapWorkersThen(const std::vector<pid_t>& pids, ParentReporter& parent,
                     absl::Duration patience,
                     const std::function<void()>& then) {
  std::vector<bool> reaped(pids.size(), false);
  const auto deadline =
      std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(patience);
  while (Unreaped(pids, reaped) > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    if (!ReapOne(pids, reaped, parent, /*block=*/false)) {
      usleep(2000);
    }
  }
  then();
  while (Unreaped(pids, reaped) > 0 &&
         ReapOne(pids, reaped, parent, /*block=*/true)) {
  }
}

void ReapWorkers(const std::vector<pid_t>& pids, ParentReporter& parent) {
  int left = 0;
  for (pid_t pid : pids) left += pid > 0 ? 1 : 0;
  while (left > 0) {
    int status = 0;
    const pid_t done = waitpid(-1, &status, 0);
    if (done < 0) {
      if (errno == EINTR) continue;
      return;  // ECHILD: nothing left to wait for
    }
    for (size_t i = 0; i < pids.size(); ++i) {
      if (pids[i] == done) {
        parent.WorkerExit(static_cast<int>(i), status);
        --left;
      }
    }
  }
}

void RunWorkerProcesses(
    const ModelContext& context, const v1::WorkerTask& task,
    const std::function<std::shared_ptr<grpc::Channel>(int)>& channel_for,
    const std::function<void()>& then) {
  std::vector<pid_t> pids;
  context.parent->MarkWorkersStarting();
  for (int i = 0; i < context.workers; ++i) {
    pids.push_back(
        ForkWorker(context.fork_hooks, i, [&](WorkerReporter& reporter) {
          std::shared_ptr<grpc::Channel> channel = channel_for(i);
          ShareOptions options = ShareOptionsFor(context, i);
          RunWorkerTask(channel, task, options, reporter);
          return 0;
        }));
  }
  context.parent->CloseWorkerFds();
  context.parent->ParentFacts(-1);  // the workers' start; no connections here
  if (then) {
    ReapWorkersThen(pids, *context.parent, context.worker_patience, then);
  } else {
    ReapWorkers(pids, *context.parent);
  }
}

absl::StatusOr<ReadSession> CreateSessionInHelper(const ModelContext& context) {
  int fds[2];
  if (pipe(fds) != 0) {
    return absl::InternalError(
        absl::StrCat("pipe for the session helper: ", std::strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t pid = ForkWithHooks(context.fork_hooks);
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return absl::InternalError(
        absl::StrCat("fork of the session helper: ", std::strerror(errno)));
  }
  if (pid == 0) {
    DieWithParent(parent);
    close(fds[0]);
    // Hold no report pipe open: the supervisor watches them for EOF.
    if (absl::StatusOr<std::vector<int>> report = ReportFdsFromEnvironment();
        report.ok()) {
      for (int fd : *report) close(fd);
    }
    RunSessionHelper(fds[1], context);
  }
  close(fds[1]);

  absl::StatusOr<std::string> reply =
      ReadFramed(fds[0], context.create_session_timeout + absl::Seconds(1));
  close(fds[0]);
  if (!reply.ok()) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return ParseSessionReply(reply, status);
}

absl::StatusOr<ReadSession> ParseSessionReply(
    const absl::StatusOr<std::string>& reply, int wait_status) {
  if (!reply.ok()) {
    if (absl::IsUnavailable(reply.status())) {
      return absl::InternalError(absl::StrCat(
          "the session helper exited without a reply (wait status ",
          wait_status, ")"));
    }
    return absl::Status(
        reply.status().code(),
        absl::StrCat("the session helper's reply: ", reply.status().message()));
  }
  if (reply->empty()) {
    return absl::InternalError("the session helper's reply is empty");
  }
  const std::string& bytes = *reply;
  const auto code =
      static_cast<absl::StatusCode>(static_cast<unsigned char>(bytes[0]));
  if (code != absl::StatusCode::kOk) {
    return absl::Status(code,
                        absl::StrCat("session helper: ", bytes.substr(1)));
  }
  ReadSession session;
  if (!session.ParseFromString(bytes.substr(1))) {
    return absl::InternalError(absl::StrCat("the session helper's reply (",
                                            bytes.size() - 1,
                                            " bytes) is not a ReadSession"));
  }
  return session;
}

}  // namespace forkcheck
