// The trial side of the pipe protocol: how a worker and the trial's parent
// report to the supervisor.
//
// The supervisor passes one pipe per process in FORKCHECK_REPORT_FDS, e.g.
// "3,4,5": the parent's first, then worker 0's, worker 1's, ... A trial
// program should call signal(SIGPIPE, SIG_IGN) first: when the supervisor
// has given up on a trial, writes fail with EPIPE instead of killing the
// process, and reporters ignore that failure (the process is about to be
// killed anyway; there is nobody left to tell).
//
// Standard error is per process too: the trial's parent writes on the pipe
// the supervisor gave it as fd 2, and FORKCHECK_WORKER_STDERR_FDS lists one
// more pipe per worker ("9,10"), which a worker process makes its fd 2 in
// ForWorker, so that what each process wrote is kept apart. Worker threads
// share their process's.
#ifndef FORKCHECK_FRAMING_WORKER_REPORTER_H_
#define FORKCHECK_FRAMING_WORKER_REPORTER_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "forkcheck/worker.pb.h"

namespace forkcheck {

inline constexpr char kReportFdsEnv[] = "FORKCHECK_REPORT_FDS";
inline constexpr char kWorkerStderrFdsEnv[] = "FORKCHECK_WORKER_STDERR_FDS";

// The fds listed in FORKCHECK_REPORT_FDS: the parent's, then the workers'.
absl::StatusOr<std::vector<int>> ReportFdsFromEnvironment();
// The fds listed in FORKCHECK_WORKER_STDERR_FDS, one per worker; empty if it
// is unset (a trial run by hand: every process keeps the parent's stderr).
absl::StatusOr<std::vector<int>> WorkerStderrFdsFromEnvironment();

class WorkerReporter {
 public:
  // For worker `index` (0-based), in the worker process right after fork:
  // closes every other report fd, so that this worker never holds another
  // process's pipe open (the supervisor sees each pipe's EOF when its owner
  // exits), and makes the worker's own stderr pipe its fd 2. Times are
  // measured from this call.
  static absl::StatusOr<WorkerReporter> ForWorker(int index);

  // For worker `index` when the workers are threads of one process: like
  // ForWorker, but closes no fd (the other threads write on theirs). The
  // parent closes them all with CloseWorkerFds once the threads are joined.
  static absl::StatusOr<WorkerReporter> ForThread(int index);

  void Phase(v1::Phase phase);  // stamps micros since start and the pid
  void Result(const v1::WorkerResult& result);

  // Microseconds since ForWorker, for WorkerResult's *_micros fields.
  int64_t ElapsedMicros() const;
  // The start (the zero of ElapsedMicros) on CLOCK_MONOTONIC, in
  // microseconds, for WorkerResult.monotonic_start_micros.
  int64_t StartMonotonicMicros() const;
  int fd() const { return fd_; }
  bool write_failed() const { return write_failed_; }

 private:
  WorkerReporter(int fd, std::chrono::steady_clock::time_point start)
      : fd_(fd), start_(start) {}

  static absl::StatusOr<WorkerReporter> Open(int index, bool close_others);

  int fd_;
  std::chrono::steady_clock::time_point start_;
  bool write_failed_ = false;
};

class ParentReporter {
 public:
  // In the trial's parent, before forking workers (they inherit the fds).
  static absl::StatusOr<ParentReporter> FromEnvironment();

  int workers() const { return workers_; }

  // Closes the parent's copies of the workers' fds (report and stderr);
  // call after forking them all, so a worker's pipe reaches EOF when the
  // worker exits.
  void CloseWorkerFds();

  void WorkerExit(int worker, int wait_status);  // after waitpid()
  void ParentCheck(int status_code, const std::string& status_message);
  // Sends ParentFacts: `tcp_connections`, the stamp of MarkWorkersStarting
  // (if it was called) and this process's getrusage(RUSAGE_SELF).
  void ParentFacts(int tcp_connections);
  // Records CLOCK_MONOTONIC now, as the time the workers started (sent with
  // ParentFacts); call just before starting the first worker.
  void MarkWorkersStarting();

  bool write_failed() const { return write_failed_; }

 private:
  ParentReporter(int fd, int workers, std::vector<int> worker_fds)
      : fd_(fd), workers_(workers), worker_fds_(std::move(worker_fds)) {}

  int fd_;
  int workers_;
  std::vector<int> worker_fds_;  // the workers' report and stderr pipes
  bool write_failed_ = false;
  int64_t workers_started_monotonic_micros_ = 0;  // 0: not marked
};

}  // namespace forkcheck

#endif  // FORKCHECK_FRAMING_WORKER_REPORTER_H_
