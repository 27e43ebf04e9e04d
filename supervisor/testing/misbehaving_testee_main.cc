// A testee (protos/forkcheck/testee.proto) without gRPC that misbehaves on
// purpose, for supervisor/testee_test. What it does is chosen by the
// request: a describe request by --describe=BEHAVIOUR, a trial by its model
// name. Every trial behaviour forks its workers as processes, as a real
// testee's process models do.
//
// Describe behaviours: good, garbage, nothing, hang, two, no_models,
// wrong_version, refuse, crash.
// Trial models: ok (each worker reports its round-robin share of the rows
// given by variant setting rows, and names the request's table as its
// stream, so the test sees the request arrived whole; the one model that
// takes write requests too, whose write_rows it claims to have written,
// writing nothing), refuse, garbage,
// nothing, hang (after connecting), crash (SIGSEGV in each worker),
// crash_threads (the workers are threads of the testee, as a thread model's
// are, and one of them dies of SIGSEGV, taking the testee with it), lie
// (OK results that skip rows), escape (ok, plus a grandchild that leaves the
// process group and sleeps), describe_on_worker_pipe.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "forkcheck/testee.pb.h"
#include "forkcheck/worker.pb.h"
#include "framing/worker_messages.h"
#include "framing/worker_reporter.h"

namespace forkcheck {
namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "misbehaving_testee: %s\n", message.c_str());
  std::_Exit(2);
}

[[noreturn]] void SleepForever() {
  while (true) pause();
}

// With the default action, not a sanitizer's handler, so that the wait
// status says SIGSEGV under ASan too.
void Segfault() {
  signal(SIGSEGV, SIG_DFL);
  raise(SIGSEGV);
}

// The whole of standard input (the supervisor closes it after the request).
v1::TesteeRequest ReadRequest() {
  std::string bytes;
  char chunk[4096];
  ssize_t n;
  while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Die(absl::StrCat("read: ", std::strerror(errno)));
    bytes.append(chunk, n);
  }
  if (bytes.size() < 4) Die("no request");
  v1::TesteeRequest request;
  if (!request.ParseFromString(bytes.substr(4))) Die("request does not parse");
  return request;
}

void Send(int fd, const v1::WorkerMessage& message) {
  if (!WriteMessageFrame(fd, message).ok()) Die("write failed");
}

void WriteGarbage(int fd) {
  const char garbage[] = "\x05\x00\x00\x00not a protobuf at all";
  if (write(fd, garbage, sizeof(garbage)) < 0) Die("write failed");
}

v1::WorkerMessage Message() {
  v1::WorkerMessage message;
  message.set_format_version(kWorkerFormatVersion);
  return message;
}

v1::WorkerMessage Description() {
  v1::WorkerMessage message = Message();
  v1::TesteeDescription* description = message.mutable_testee();
  description->set_client("misbehaving");
  description->set_language("C++");
  description->set_library("none");
  description->set_library_version("0");
  for (const char* name :
       {"ok", "refuse", "garbage", "nothing", "hang", "crash", "crash_threads",
        "lie", "escape", "describe_on_worker_pipe"}) {
    v1::ModelDescription* model = description->add_models();
    model->set_model(name);
    v1::VariantSetting* rows = model->add_variant();
    rows->set_name("rows");
    rows->add_values("100");
    if (model->model() == "ok") {
      model->add_workloads("read");
      model->add_workloads("write");
    }
  }
  return message;
}

int Describe(const std::string& behaviour, int parent_fd) {
  v1::WorkerMessage message = Description();
  if (behaviour == "good") {
    Send(parent_fd, message);
  } else if (behaviour == "garbage") {
    WriteGarbage(parent_fd);
  } else if (behaviour == "nothing") {
  } else if (behaviour == "hang") {
    SleepForever();
  } else if (behaviour == "two") {
    Send(parent_fd, message);
    Send(parent_fd, message);
  } else if (behaviour == "no_models") {
    message.mutable_testee()->clear_models();
    Send(parent_fd, message);
  } else if (behaviour == "wrong_version") {
    message.set_format_version(7);
    Send(parent_fd, message);
  } else if (behaviour == "refuse") {
    v1::WorkerMessage refused = Message();
    refused.mutable_refused()->set_reason("not today");
    Send(parent_fd, refused);
  } else if (behaviour == "crash") {
    Send(parent_fd, message);
    Segfault();
  } else {
    Die(absl::StrCat("unknown --describe=", behaviour));
  }
  return 0;
}

// Worker `index` of `workers`: the body of every trial behaviour but refuse.
[[noreturn]] void Worker(const v1::TrialRequest& trial, int index,
                         int64_t rows) {
  absl::StatusOr<WorkerReporter> reporter = WorkerReporter::ForWorker(index);
  if (!reporter.ok()) Die(std::string(reporter.status().message()));
  const std::string& behaviour = trial.model();
  if (behaviour == "garbage") {
    WriteGarbage(reporter->fd());
    std::_Exit(0);
  }
  if (behaviour == "nothing") std::_Exit(0);
  if (behaviour == "describe_on_worker_pipe") {
    Send(reporter->fd(), Description());
    std::_Exit(0);
  }
  reporter->Phase(v1::PHASE_STARTED);
  reporter->Phase(v1::PHASE_CLIENT_CREATED);
  reporter->Phase(v1::PHASE_CONNECTED);
  if (behaviour == "hang") SleepForever();
  if (behaviour == "crash") Segfault();
  if (behaviour == "escape" && index == 0 && fork() == 0) {
    setsid();
    SleepForever();
  }
  reporter->Phase(v1::PHASE_FIRST_ROW);
  v1::WorkerResult result;
  v1::StreamOutcome* stream = result.add_streams();
  stream->set_stream(trial.table());
  // Round robin over rows of one stream each, as if rows were streams.
  const int64_t step = behaviour == "lie" ? 2 : 1;
  for (int64_t row = index * step; row < rows; row += trial.workers() * step) {
    v1::RowIdRange* seen = result.add_seen();
    seen->set_begin(row);
    seen->set_end(row + 1);
    result.set_rows_received(result.rows_received() + 1);
  }
  stream->set_rows(result.rows_received());
  reporter->Phase(v1::PHASE_DONE);
  reporter->Result(result);
  std::_Exit(0);
}

// crash_threads: no worker process, so no WorkerExit; the testee's own
// death is all the supervisor learns.
int CrashInThreads(const v1::TrialRequest& trial) {
  std::vector<std::thread> threads;
  for (int i = 0; i < trial.workers(); ++i) {
    threads.emplace_back([i] {
      absl::StatusOr<WorkerReporter> reporter = WorkerReporter::ForThread(i);
      if (!reporter.ok()) Die(std::string(reporter.status().message()));
      reporter->Phase(v1::PHASE_STARTED);
      if (i == 0) Segfault();
      SleepForever();
    });
  }
  for (std::thread& thread : threads) thread.join();
  return 0;
}

int Trial(const v1::TrialRequest& trial) {
  absl::StatusOr<ParentReporter> parent = ParentReporter::FromEnvironment();
  if (!parent.ok()) Die(std::string(parent.status().message()));
  std::vector<int> fds = *ReportFdsFromEnvironment();
  if (trial.model() == "refuse") {
    v1::WorkerMessage refused = Message();
    refused.mutable_refused()->set_reason("refusing on purpose");
    Send(fds.front(), refused);
    return 2;
  }
  if (trial.model() == "crash_threads") return CrashInThreads(trial);
  int64_t rows = 0;
  for (const v1::NamedValue& setting : trial.variant()) {
    if (setting.name() == "rows") absl::SimpleAtoi(setting.value(), &rows);
  }
  if (trial.workload() == "write") rows = trial.write_rows();
  std::vector<pid_t> pids;
  for (int i = 0; i < trial.workers(); ++i) {
    const pid_t pid = fork();
    if (pid < 0) Die("fork failed");
    if (pid == 0) Worker(trial, i, rows);
    pids.push_back(pid);
  }
  parent->CloseWorkerFds();
  for (int i = 0; i < trial.workers(); ++i) {
    int status = 0;
    while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR) {
    }
    parent->WorkerExit(i, status);
  }
  return 0;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  std::string describe = "good";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--describe=", 0) == 0) {
      describe = arg.substr(std::strlen("--describe="));
    } else {
      forkcheck::Die(absl::StrCat("unknown argument ", arg));
    }
  }
  const forkcheck::v1::TesteeRequest request = forkcheck::ReadRequest();
  absl::StatusOr<std::vector<int>> fds = forkcheck::ReportFdsFromEnvironment();
  if (!fds.ok() || fds->empty()) forkcheck::Die("no report pipes");
  if (request.has_describe()) {
    return forkcheck::Describe(describe, fds->front());
  }
  return forkcheck::Trial(request.trial());
}
