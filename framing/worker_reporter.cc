#include "framing/worker_reporter.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "framing/resource_usage.h"
#include "framing/worker_messages.h"

namespace forkcheck {
namespace {

v1::WorkerMessage Versioned() {
  v1::WorkerMessage message;
  message.set_format_version(kWorkerFormatVersion);
  return message;
}

// The fds a variable lists, comma-separated.
absl::StatusOr<std::vector<int>> FdsIn(const char* variable,
                                       const char* value) {
  std::vector<int> fds;
  for (absl::string_view part : absl::StrSplit(value, ',')) {
    int fd = -1;
    if (!absl::SimpleAtoi(part, &fd) || fd < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          variable, "=\"", value, "\": \"", part, "\" is not an fd"));
    }
    fds.push_back(fd);
  }
  return fds;
}

}  // namespace

absl::StatusOr<std::vector<int>> ReportFdsFromEnvironment() {
  const char* value = std::getenv(kReportFdsEnv);
  if (value == nullptr || *value == '\0') {
    return absl::FailedPreconditionError(absl::StrCat(
        kReportFdsEnv, " is not set; run this program under the supervisor"));
  }
  return FdsIn(kReportFdsEnv, value);
}

absl::StatusOr<std::vector<int>> WorkerStderrFdsFromEnvironment() {
  const char* value = std::getenv(kWorkerStderrFdsEnv);
  if (value == nullptr || *value == '\0') return std::vector<int>();
  return FdsIn(kWorkerStderrFdsEnv, value);
}

absl::StatusOr<WorkerReporter> WorkerReporter::ForWorker(int index) {
  return Open(index, /*close_others=*/true);
}

absl::StatusOr<WorkerReporter> WorkerReporter::ForThread(int index) {
  return Open(index, /*close_others=*/false);
}

absl::StatusOr<WorkerReporter> WorkerReporter::Open(int index,
                                                    bool close_others) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::vector<int>> fds = ReportFdsFromEnvironment();
  if (!fds.ok()) return fds.status();
  const int workers = static_cast<int>(fds->size()) - 1;
  if (index < 0 || index >= workers) {
    return absl::OutOfRangeError(absl::StrCat(
        "worker ", index, " of a trial with ", workers, " worker pipes"));
  }
  const int own = (*fds)[index + 1];
  if (close_others) {
    for (int fd : *fds) {
      if (fd != own) close(fd);
    }
    absl::StatusOr<std::vector<int>> stderr_fds =
        WorkerStderrFdsFromEnvironment();
    if (!stderr_fds.ok()) return stderr_fds.status();
    if (!stderr_fds->empty() &&
        static_cast<int>(stderr_fds->size()) != workers) {
      return absl::InvalidArgumentError(
          absl::StrCat(kWorkerStderrFdsEnv, " lists ", stderr_fds->size(),
                       " fds for ", workers, " workers"));
    }
    if (!stderr_fds->empty()) dup2((*stderr_fds)[index], STDERR_FILENO);
    for (int fd : *stderr_fds) close(fd);
  }
  return WorkerReporter(own, start);
}

int64_t WorkerReporter::ElapsedMicros() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now() - start_)
      .count();
}

int64_t WorkerReporter::StartMonotonicMicros() const {
  // libstdc++'s steady_clock is CLOCK_MONOTONIC (checked by the test).
  return std::chrono::duration_cast<std::chrono::microseconds>(
             start_.time_since_epoch())
      .count();
}

void WorkerReporter::Phase(v1::Phase phase) {
  v1::WorkerMessage message = Versioned();
  message.mutable_phase()->set_phase(phase);
  message.mutable_phase()->set_micros(ElapsedMicros());
  message.mutable_phase()->set_pid(getpid());
  write_failed_ = !WriteMessageFrame(fd_, message).ok() || write_failed_;
}

void WorkerReporter::Result(const v1::WorkerResult& result) {
  v1::WorkerMessage message = Versioned();
  *message.mutable_result() = result;
  write_failed_ = !WriteMessageFrame(fd_, message).ok() || write_failed_;
}

absl::StatusOr<ParentReporter> ParentReporter::FromEnvironment() {
  absl::StatusOr<std::vector<int>> fds = ReportFdsFromEnvironment();
  if (!fds.ok()) return fds.status();
  std::vector<int> worker_fds(fds->begin() + 1, fds->end());
  absl::StatusOr<std::vector<int>> stderr_fds =
      WorkerStderrFdsFromEnvironment();
  if (!stderr_fds.ok()) return stderr_fds.status();
  const int workers = static_cast<int>(worker_fds.size());
  worker_fds.insert(worker_fds.end(), stderr_fds->begin(), stderr_fds->end());
  return ParentReporter((*fds)[0], workers, std::move(worker_fds));
}

void ParentReporter::CloseWorkerFds() {
  for (int fd : worker_fds_) close(fd);
  worker_fds_.clear();
}

void ParentReporter::WorkerExit(int worker, int wait_status) {
  v1::WorkerMessage message = Versioned();
  message.mutable_worker_exit()->set_worker(worker);
  message.mutable_worker_exit()->set_wait_status(wait_status);
  write_failed_ = !WriteMessageFrame(fd_, message).ok() || write_failed_;
}

void ParentReporter::ParentCheck(int status_code,
                                 const std::string& status_message) {
  v1::WorkerMessage message = Versioned();
  message.mutable_parent_check()->set_status_code(status_code);
  message.mutable_parent_check()->set_status_message(status_message);
  write_failed_ = !WriteMessageFrame(fd_, message).ok() || write_failed_;
}

void ParentReporter::ParentFacts(int tcp_connections) {
  v1::WorkerMessage message = Versioned();
  v1::ParentFacts* facts = message.mutable_parent_facts();
  facts->set_tcp_connections(tcp_connections);
  facts->set_workers_started_monotonic_micros(
      workers_started_monotonic_micros_);
  if (std::optional<v1::ResourceUsage> usage = ResourceUsageOf(RUSAGE_SELF)) {
    *facts->mutable_usage() = *usage;
  }
  write_failed_ = !WriteMessageFrame(fd_, message).ok() || write_failed_;
}

void ParentReporter::MarkWorkersStarting() {
  workers_started_monotonic_micros_ =
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now().time_since_epoch())
          .count();
}

}  // namespace forkcheck
