#include "models/worker_process.h"

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
#include "models/channel_factory.h"
#include "models/parent_client.h"
#include "models/share_reader.h"

namespace forkcheck {
namespace {

using google::cloud::bigquery::storage::v1::ReadSession;

// A serialized session is a few KiB per stream; anything near this is wrong.
constexpr size_t kMaxHelperReplyBytes = size_t{16} << 20;

// In a child right after fork: die with the parent. If the parent died
// before prctl, nobody would deliver the signal, so check for that too.
void DieWithParent(pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
}

void WriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// The helper child: creates the session and writes one byte of status code,
// then the serialized session (code 0) or the error message.
[[noreturn]] void RunSessionHelper(int out, const ModelContext& context) {
  absl::StatusOr<ReadSession> session =
      CreateSessionOn(NewChannel(context.target), context);
  std::string reply(1, static_cast<char>(session.status().code()));
  reply += session.ok() ? session->SerializeAsString()
                        : std::string(session.status().message());
  WriteAll(out, reply);
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
    const ModelContext& context, const ReadSession& session,
    const std::function<std::shared_ptr<grpc::Channel>(int)>& channel_for) {
  std::vector<pid_t> pids;
  for (int i = 0; i < context.workers; ++i) {
    pids.push_back(ForkWorker(context.fork_hooks, i, [&](WorkerReporter&
                                                             reporter) {
      std::shared_ptr<grpc::Channel> channel = channel_for(i);
      ShareOptions options;
      options.index = i;
      options.workers = context.workers;
      options.connect_timeout = context.connect_timeout;
      ReadShare(channel, session, options, reporter);
      return 0;
    }));
  }
  context.parent->CloseWorkerFds();
  ReapWorkers(pids, *context.parent);
}

absl::StatusOr<ReadSession> CreateSessionInHelper(
    const ModelContext& context) {
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

  // Read to EOF, bounded in time and size.
  std::string reply;
  const auto deadline = std::chrono::steady_clock::now() +
                        absl::ToChronoMilliseconds(context.create_session_timeout +
                                                   absl::Seconds(1));
  std::string failure;
  while (failure.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure = "the session helper did not answer in time";
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // timeout: the loop's check reports it
    char buffer[65536];
    const ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      failure = absl::StrCat("reading the session helper's reply: ",
                             std::strerror(errno));
    } else if (n == 0) {
      break;  // EOF
    } else if (reply.size() + static_cast<size_t>(n) > kMaxHelperReplyBytes) {
      failure = absl::StrCat("the session helper's reply exceeds ",
                             kMaxHelperReplyBytes, " bytes");
    } else {
      reply.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fds[0]);
  if (!failure.empty()) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!failure.empty()) return absl::DeadlineExceededError(failure);
  if (reply.empty()) {
    return absl::InternalError(absl::StrCat(
        "the session helper exited without a reply (wait status ", status,
        ")"));
  }
  const auto code = static_cast<absl::StatusCode>(
      static_cast<unsigned char>(reply[0]));
  if (code != absl::StatusCode::kOk) {
    return absl::Status(code, absl::StrCat("session helper: ",
                                           reply.substr(1)));
  }
  ReadSession session;
  if (!session.ParseFromString(reply.substr(1))) {
    return absl::InternalError(absl::StrCat(
        "the session helper's reply (", reply.size() - 1,
        " bytes) is not a ReadSession"));
  }
  return session;
}

}  // namespace forkcheck
