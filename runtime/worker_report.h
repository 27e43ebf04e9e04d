// What every worker reports around its share, whether it reads or writes:
// its options, the client-created and connected phases, its status, DONE
// and the result with its resource usage; and the setup failure a parent
// reports for workers that never started.
#ifndef FORKCHECK_RUNTIME_WORKER_REPORT_H_
#define FORKCHECK_RUNTIME_WORKER_REPORT_H_

#include <sys/resource.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "forkcheck/worker.pb.h"
#include "framing/worker_reporter.h"
#include "grpcpp/channel.h"
#include "runtime/model.h"

namespace forkcheck {

struct ShareOptions {
  int index = 0;
  int workers = 1;
  // After this long without a connection the worker reports UNAVAILABLE.
  absl::Duration connect_timeout = absl::Seconds(5);
  // Readers only: after the read (and its DONE phase), this many
  // CreateReadSession calls of the session's table, each with this
  // deadline, their durations reported (ModelContext::session_calls).
  int session_calls = 0;
  absl::Duration create_session_timeout = absl::Seconds(5);
  // RUSAGE_SELF for a worker process; RUSAGE_THREAD for a worker thread.
  int rusage_who = RUSAGE_SELF;
};

// Worker `index`'s options in `context` (for a worker process; thread
// workers set rusage_who to RUSAGE_THREAD).
ShareOptions ShareOptionsFor(const ModelContext& context, int index);

// `status` as the result's status (code and message).
void SetResultStatus(const absl::Status& status, v1::WorkerResult* result);

// Sends CLIENT_CREATED, then waits at most options.connect_timeout for
// `channel` to connect: true after sending CONNECTED; false with an
// UNAVAILABLE status in `result`. Stamps both times in `result`.
bool ReportClientAndConnect(grpc::Channel& channel, const ShareOptions& options,
                            WorkerReporter& reporter, v1::WorkerResult* result);

// Sends DONE and stamps it (and the worker's monotonic start) in `result`.
void MarkDone(WorkerReporter& reporter, v1::WorkerResult* result);

// Adds the worker's resource usage (options.rusage_who), sends the result
// and returns it.
v1::WorkerResult SendResult(v1::WorkerResult result,
                            const ShareOptions& options,
                            WorkerReporter& reporter);

// MarkDone, then SendResult.
v1::WorkerResult FinishResult(v1::WorkerResult result,
                              const ShareOptions& options,
                              WorkerReporter& reporter);

// When the trial cannot start its workers (e.g. the session could not be
// created): reports `status` as the result of every worker, from the parent,
// which still holds every worker's pipe. Call before CloseWorkerFds.
// Returns the trial program's exit code for this case, 1.
int ReportSetupFailure(int workers, const absl::Status& status);

}  // namespace forkcheck

#endif  // FORKCHECK_RUNTIME_WORKER_REPORT_H_
